/* test-chart.c — unit tests for chart.c: layout maths, and files read back */
#include "kkr/chart.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>

#include "kkr/rollup.h"
#include "kkr/scenario.h"
#include "kkr/workbook.h"
#include "test.h"

static void test_names(void)
{
    enum kkr_chart_kind k;
    CHECK(kkr_chart_kind_parse("brygga", &k) && k == KKR_CHART_BRYGGA);
    CHECK(kkr_chart_kind_parse("budget-prognos", &k) && k == KKR_CHART_BUDGET_PROGNOS);
    CHECK(!kkr_chart_kind_parse("pie", &k));
    CHECK_STR(kkr_chart_kind_name(KKR_CHART_PROGNOSHISTORIK), "prognoshistorik");
    enum kkr_chart_format f;
    CHECK(kkr_chart_format_from_path("charts/a.png", &f) && f == KKR_CHART_PNG);
    CHECK(kkr_chart_format_from_path("A.PDF", &f) && f == KKR_CHART_PDF);
    CHECK(kkr_chart_format_from_path("x.svg", &f) && f == KKR_CHART_SVG);
    CHECK(!kkr_chart_format_from_path("x.jpeg", &f));
    CHECK(!kkr_chart_format_from_path("dir.png/x", &f));
    CHECK(!kkr_chart_format_from_path("noext", &f));
}

static void test_scale(void)
{
    struct kkr_scale s = {0, 100, 10, 210};
    CHECK_NEAR(kkr_scale_map(&s, 50), 110, 1e-12);
    CHECK_NEAR(kkr_scale_map(&s, -10), -10, 1e-12);
    struct kkr_scale y = {0, 1000, 500, 100}; /* y grows downwards */
    CHECK_NEAR(kkr_scale_map(&y, 250), 400, 1e-12);
    double a, b;
    kkr_chart_bar_extent(&s, 0, 25, &a, &b);
    CHECK_NEAR(a, 10, 1e-12);
    CHECK_NEAR(b, 60, 1e-12);
    struct kkr_scale d = {-2225, 1825, 0, 405}; /* diverging: 0 at 222.5 */
    kkr_chart_bar_extent(&d, 0, -2225, &a, &b);
    CHECK_NEAR(a, 0, 1e-9);
    CHECK_NEAR(b, 222.5, 1e-9);
    kkr_chart_bar_extent(&d, 0, 1825, &a, &b);
    CHECK_NEAR(a, 222.5, 1e-9);
    CHECK_NEAR(b, 405, 1e-9);
}

static void test_ticks(void)
{
    double f, l, st;
    CHECK_INT(kkr_chart_nice_ticks(0, 2225, 6, &f, &l, &st), 6);
    CHECK_NEAR(st, 500, 1e-9);
    CHECK_NEAR(f, 0, 1e-9);
    CHECK_NEAR(l, 2500, 1e-9);
    /* -2 225 .. 1 825 with at most 10 ticks: 100 and 200 need too many, 500 gives 10 */
    CHECK_INT(kkr_chart_nice_ticks(-2225, 1825, 10, &f, &l, &st), 10);
    CHECK_NEAR(st, 500, 1e-9);
    CHECK_NEAR(f, -2500, 1e-9);
    CHECK_NEAR(l, 2000, 1e-9);
    CHECK_INT(kkr_chart_nice_ticks(-2225, 1825, 6, &f, &l, &st), 6);
    CHECK_NEAR(st, 1000, 1e-9);
    CHECK_NEAR(f, -3000, 1e-9);
    /* an exact multiple stays: 0..200 000 by 50 000 */
    CHECK_INT(kkr_chart_nice_ticks(0, 200000, 5, &f, &l, &st), 5);
    CHECK_NEAR(st, 50000, 1e-6);
    CHECK_NEAR(l, 200000, 1e-6);
    /* a flat range is widened: zero becomes -1..1 */
    int n = kkr_chart_nice_ticks(0, 0, 5, &f, &l, &st);
    CHECK(n >= 2 && n <= 5 && f <= -1 && l >= 1);
    /* reversed input is accepted */
    CHECK_INT(kkr_chart_nice_ticks(10, 0, 6, &f, &l, &st), 6);
    CHECK_NEAR(st, 2, 1e-12);
    /* property: the ticks always cover the range, within max_ticks */
    srand(7);
    for (int i = 0; i < 2000; i++) {
        double lo = (rand() % 2000001 - 1000000) / 7.0, hi = lo + (rand() % 100000) / 3.0;
        int max = 2 + rand() % 10;
        n = kkr_chart_nice_ticks(lo, hi, max, &f, &l, &st);
        if (!(n >= 2 && n <= max && f <= lo + 1e-6 && l >= hi - 1e-6)) {
            CHECK(0);
            fprintf(stderr, "  lo %g hi %g max %d -> %d ticks %g..%g by %g\n", lo, hi, max, n, f,
                    l, st);
            break;
        }
    }
}

static void test_place_labels(void)
{
    /* two crowd, one is free: the crowded pair moves apart symmetrically */
    double want[] = {10, 12, 50}, size[] = {4, 4, 4}, pos[3];
    CHECK(kkr_chart_place_labels(want, size, 3, 1, 0, 100, pos));
    CHECK_NEAR(pos[0], 8.5, 1e-9);
    CHECK_NEAR(pos[1], 13.5, 1e-9);
    CHECK_NEAR(pos[2], 50, 1e-9);
    /* clamped at the lower bound */
    double w2[] = {1, 2}, s2[] = {4, 4}, p2[2];
    CHECK(kkr_chart_place_labels(w2, s2, 2, 0, 0, 100, p2));
    CHECK_NEAR(p2[0], 2, 1e-9);
    CHECK_NEAR(p2[1], 6, 1e-9);
    /* input order need not be sorted; the result keeps the wanted order */
    double w3[] = {30, 29, 31}, s3[] = {2, 2, 2}, p3[3];
    CHECK(kkr_chart_place_labels(w3, s3, 3, 0, 0, 100, p3));
    CHECK_NEAR(p3[1], 28, 1e-9);
    CHECK_NEAR(p3[0], 30, 1e-9);
    CHECK_NEAR(p3[2], 32, 1e-9);
    /* cannot fit */
    double w4[] = {5, 5, 5}, s4[] = {40, 40, 40}, p4[3];
    CHECK(!kkr_chart_place_labels(w4, s4, 3, 0, 0, 100, p4));
    /* property: random labels that fit never overlap and stay inside */
    srand(11);
    for (int t = 0; t < 500; t++) {
        double w[30], s[30], p[30], st[30];
        size_t n = 1 + (size_t)(rand() % 30);
        for (size_t i = 0; i < n; i++) {
            w[i] = rand() % 1000 / 10.0;
            s[i] = 1 + rand() % 30 / 10.0;
        }
        bool fits = kkr_chart_place_labels(w, s, n, 0.5, 0, 200, p);
        CHECK(fits);
        bool inside = true;
        for (size_t i = 0; i < n; i++) {
            st[i] = p[i] - s[i] / 2;
            if (st[i] < -1e-9 || st[i] + s[i] > 200 + 1e-9)
                inside = false;
        }
        CHECK(inside);
        CHECK(kkr_chart_intervals_disjoint(st, s, n));
    }
}

static void test_intervals_rows(void)
{
    double a[] = {0, 10, 20}, s[] = {10, 10, 10};
    CHECK(kkr_chart_intervals_disjoint(a, s, 3)); /* touching is fine */
    double b[] = {0, 9.5, 20};
    CHECK(!kkr_chart_intervals_disjoint(b, s, 3));
    double h[] = {12, 24, 12}, top[3];
    CHECK_NEAR(kkr_chart_stack_rows(h, 3, 2, 100, top), 152, 1e-12);
    CHECK_NEAR(top[0], 100, 1e-12);
    CHECK_NEAR(top[1], 114, 1e-12);
    CHECK_NEAR(top[2], 140, 1e-12);
}

static void test_forecast_path(void)
{
    int64_t bud[12], act[12] = {0}, out[12];
    for (int i = 0; i < 12; i++)
        bud[i] = 100 * (i + 1);
    act[0] = 90, act[1] = 180, act[2] = 270, act[3] = 360, act[4] = 450;
    kkr_chart_forecast_path(bud, act, 5, 1300, out);
    CHECK_INT(out[4], 450);
    /* remaining 850 over remaining budget 700: June = 450 + 850 × 100 / 700 = 571.43 */
    CHECK_INT(out[5], 571);
    CHECK_INT(out[6], 693); /* 450 + 242.86 */
    CHECK_INT(out[11], 1300);
    /* a flat remaining budget spreads evenly */
    int64_t flat[12];
    for (int i = 0; i < 12; i++)
        flat[i] = i < 6 ? 100 * (i + 1) : 600;
    act[5] = 540;
    kkr_chart_forecast_path(flat, act, 6, 1140, out);
    CHECK_INT(out[6], 640);
    CHECK_INT(out[11], 1140);
    /* k = 0: from zero along the budget */
    kkr_chart_forecast_path(bud, act, 0, 2400, out);
    CHECK_INT(out[0], 200);
    CHECK_INT(out[11], 2400);
    /* huge amounts do not overflow the product */
    int64_t big[12], bact[12] = {0};
    for (int i = 0; i < 12; i++)
        big[i] = (int64_t)(i + 1) * 400000000000000LL;
    kkr_chart_forecast_path(big, bact, 0, 4800000000000000LL, out);
    CHECK_INT(out[5], 2400000000000000LL);
}

/* ---- rendering ---- */

static int read_pixel(cairo_surface_t *img, double x, double y)
{
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int ix = (int)x, iy = (int)y;
    if (ix < 0 || iy < 0 || ix >= w || iy >= h)
        return -1;
    const unsigned char *d = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    uint32_t px = *(const uint32_t *)(d + (size_t)iy * stride + (size_t)ix * 4);
    return (int)(px & 0xFFFFFF);
}

static bool boxes_ok(const struct kkr_chart_text_log *log, double w, double h)
{
    bool ok = true;
    for (size_t i = 0; i < log->count; i++) {
        const struct kkr_chart_box *a = &log->boxes[i];
        if (a->x < -0.01 || a->y < -0.01 || a->x + a->w > w + 0.01 || a->y + a->h > h + 0.01) {
            fprintf(stderr, "  text box %zu outside %gx%g: %g,%g %gx%g\n", i, w, h, a->x, a->y,
                    a->w, a->h);
            ok = false;
        }
        for (size_t j = i + 1; j < log->count; j++) {
            const struct kkr_chart_box *b = &log->boxes[j];
            double e = 0.01;
            if (a->x < b->x + b->w - e && b->x < a->x + a->w - e && a->y < b->y + b->h - e &&
                b->y < a->y + a->h - e) {
                fprintf(stderr, "  text boxes %zu and %zu overlap: %g,%g %gx%g / %g,%g %gx%g\n",
                        i, j, a->x, a->y, a->w, a->h, b->x, b->y, b->w, b->h);
                ok = false;
            }
        }
    }
    return ok;
}

static char tmpdir[256];

static const char *tmp_path(const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

static bool same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa && fb;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb)
            same = false;
        if (ca == EOF || cb == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

static void test_render_avvikelse(void)
{
    struct kkr_chart_row rows[] = {
        {"Politisk verksamhet", 0, false, 0, 0},
        {"Förvaltningsövergripande verksamhet", 0, false, -50000000, 0},
        {"Äldreomsorg", 0, false, -30000000, 0},
        {"Varav särskilt boende", 1, false, 24000000, 0},
        {"Varav övrigt ÄO", 1, false, -54000000, 0},
        {"Verksamhetens nettokostnad", 0, true, -40000000, 0},
    };
    struct kkr_chart ch;
    kkr_chart_init(&ch, KKR_CHART_AVVIKELSE);
    ch.title = "Avvikelse helår per verksamhet";
    ch.subtitle = "Omsorgsnämnden · prognos maj 2020";
    ch.rows = rows;
    ch.row_count = 6;
    struct kkr_chart_text_log texts = {0}, bars = {0};
    ch.text_log = &texts;
    ch.bar_log = &bars;
    struct kkr_chart_size size;
    kkr_chart_size_slide(&size);
    struct kkr_diag diag;
    CHECK_INT(kkr_chart_write(&ch, tmp_path("avv.png"), KKR_CHART_PNG, &size, &diag), KKR_OK);
    cairo_surface_t *img = cairo_image_surface_create_from_png(tmp_path("avv.png"));
    CHECK_INT(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    CHECK_INT(cairo_image_surface_get_width(img), 1600);
    double h_pt = kkr_chart_natural_height(&ch, size.width_pt);
    CHECK_INT(cairo_image_surface_get_height(img), (long long)(h_pt * 200 / 72 + 0.5));
    CHECK_INT(bars.count, 6);
    CHECK(boxes_ok(&texts, size.width_pt, h_pt));
    /* bar colours at the bars' centres (points -> pixels at 200 dpi) */
    const double k = 200.0 / 72.0;
    if (bars.count == 6) {
        int expect[] = {-2, 0xD55E00, 0xD55E00, 0x0072B2, 0xD55E00, 0xD55E00};
        for (int i = 1; i < 6; i++) {
            const struct kkr_chart_box *b = &bars.boxes[i];
            CHECK_INT(read_pixel(img, (b->x + b->w / 2) * k, (b->y + b->h / 2) * k), expect[i]);
        }
        /* the zero line is shared: negative bars end where positive ones start */
        CHECK_NEAR(bars.boxes[2].x + bars.boxes[2].w, bars.boxes[3].x, 1e-9);
        /* proportional: -540 kkr is 2.25 × as long as +240 */
        CHECK_NEAR(bars.boxes[4].w / bars.boxes[3].w, 540.0 / 240.0, 1e-9);
        /* white beside the positive bar's label, far right */
        CHECK_INT(read_pixel(img, 1598, (bars.boxes[3].y + 1) * k), 0xFFFFFF);
    }
    cairo_surface_destroy(img);

    /* the same chart again gives the same bytes; PDF and SVG too */
    ch.text_log = ch.bar_log = NULL;
    CHECK_INT(kkr_chart_write(&ch, tmp_path("avv2.png"), KKR_CHART_PNG, &size, &diag), KKR_OK);
    CHECK(same_file(tmp_path("avv.png"), tmp_path("avv2.png")));
    setenv("SOURCE_DATE_EPOCH", "1591142400", 1);
    CHECK_INT(kkr_chart_write(&ch, tmp_path("a.pdf"), KKR_CHART_PDF, &size, &diag), KKR_OK);
    sleep(1);
    CHECK_INT(kkr_chart_write(&ch, tmp_path("b.pdf"), KKR_CHART_PDF, &size, &diag), KKR_OK);
    CHECK(same_file(tmp_path("a.pdf"), tmp_path("b.pdf")));
    CHECK_INT(kkr_chart_write(&ch, tmp_path("a.svg"), KKR_CHART_SVG, &size, &diag), KKR_OK);
    CHECK_INT(kkr_chart_write(&ch, tmp_path("b.svg"), KKR_CHART_SVG, &size, &diag), KKR_OK);
    CHECK(same_file(tmp_path("a.svg"), tmp_path("b.svg")));
    char date[32];
    kkr_chart_pdf_date(date, sizeof date, "x");
    CHECK_STR(date, "2020-06-03T00:00:00Z");
    unsetenv("SOURCE_DATE_EPOCH");
    kkr_chart_pdf_date(date, sizeof date, "2020-05-31T00:00:00Z");
    CHECK_STR(date, "2020-05-31T00:00:00Z");
    kkr_chart_text_log_release(&texts);
    kkr_chart_text_log_release(&bars);
}

/* 60 units with long names, every kind: no two texts overlap, all inside. */
static void test_render_many(void)
{
    struct kkr_chart_row rows[61];
    char names[61][96];
    for (int i = 0; i < 60; i++) {
        snprintf(names[i], sizeof names[i],
                 i % 3 == 0 ? "Varav enhet %d med ett mycket långt namn för hemtjänst i "
                              "Söderbärke, Vad och Smedjebacken tätort"
                            : "Enhet %d", i + 1);
        rows[i] = (struct kkr_chart_row){names[i], i % 3 == 0 ? 1 : 0, false,
                                         (int64_t)((i * 7919) % 4001 - 2000) * 100000,
                                         (int64_t)(1000 + i * 97) * 100000};
        rows[i].value_ore = i % 2 ? rows[i].value_ore : rows[i].budget_ore + rows[i].value_ore;
    }
    rows[60] = (struct kkr_chart_row){"Verksamhetens nettokostnad", 0, true, -123456789, 0};
    struct kkr_chart_step steps[12];
    char snames[12][96];
    steps[0] = (struct kkr_chart_step){"Prognos april (låst)", -100000000, true};
    int64_t run = -100000000;
    for (int i = 1; i < 11; i++) {
        snprintf(snames[i], sizeof snames[i], "Åtgärd %d: kompetensutveckling ställs in pga "
                 "covid-19 i hela förvaltningen", i);
        int64_t v = (i % 2 ? 1 : -1) * (int64_t)(i * 3100000);
        steps[i] = (struct kkr_chart_step){snames[i], v, false};
        run += v;
    }
    steps[11] = (struct kkr_chart_step){"Resultat efter åtgärder", run, true};
    struct kkr_chart_monthly mo = {.actual_months = 5, .has_band = true};
    for (int i = 0; i < 12; i++) {
        mo.budget_cum_ore[i] = (int64_t)(i + 1) * 1640000000LL;
        mo.actual_cum_ore[i] = i < 5 ? (int64_t)(i + 1) * 1550000000LL : 0;
    }
    kkr_chart_forecast_path(mo.budget_cum_ore, mo.actual_cum_ore, 5, 19778000000LL,
                            mo.forecast_cum_ore);
    kkr_chart_forecast_path(mo.budget_cum_ore, mo.actual_cum_ore, 5, 19000000000LL,
                            mo.low_cum_ore);
    kkr_chart_forecast_path(mo.budget_cum_ore, mo.actual_cum_ore, 5, 20500000000LL,
                            mo.high_cum_ore);
    struct kkr_chart_point pts[12];
    for (int i = 0; i < 12; i++)
        pts[i] = (struct kkr_chart_point){i + 1, 19738000000LL + (i % 4) * 20000000LL, i == 11};

    for (int kind = 0; kind < KKR_CHART_KINDS; kind++) {
        for (int a4 = 0; a4 < 2; a4++) {
            struct kkr_chart ch;
            kkr_chart_init(&ch, (enum kkr_chart_kind)kind);
            ch.title = "Ett diagram med en lång rubrik som får plats på högst två rader i bredd";
            ch.subtitle = "Smedjebackens kommun · Omsorgsnämnden · prognos maj 2020";
            ch.rows = rows;
            ch.row_count = kind == KKR_CHART_BUDGET_PROGNOS ? 60 : 61;
            ch.steps = steps;
            ch.step_count = 12;
            ch.monthly = &mo;
            ch.points = pts;
            ch.point_count = 12;
            ch.budget_full_ore = 19738000000LL;
            struct kkr_chart_text_log texts = {0};
            ch.text_log = &texts;
            struct kkr_chart_size size;
            if (a4)
                kkr_chart_size_a4(&size);
            else
                kkr_chart_size_slide(&size);
            size.dpi = 72; /* keep it quick */
            struct kkr_diag diag;
            CHECK_INT(kkr_chart_write(&ch, tmp_path("many.png"), KKR_CHART_PNG, &size, &diag),
                      KKR_OK);
            double h = kkr_chart_natural_height(&ch, size.width_pt);
            if (!boxes_ok(&texts, size.width_pt, h)) {
                CHECK(0);
                fprintf(stderr, "  in kind %s, %s\n", kkr_chart_kind_name(ch.kind),
                        a4 ? "a4" : "slide");
            }
            CHECK(texts.count > 10);
            kkr_chart_text_log_release(&texts);
        }
    }
}

/* True if no text box overlaps a bar (value labels sit beside their bars, never on them). */
static bool texts_clear_of_bars(const struct kkr_chart_text_log *texts,
                                const struct kkr_chart_text_log *bars)
{
    bool ok = true;
    for (size_t i = 0; i < texts->count; i++) {
        const struct kkr_chart_box *a = &texts->boxes[i];
        for (size_t j = 0; j < bars->count; j++) {
            const struct kkr_chart_box *b = &bars->boxes[j];
            double e = 0.05;
            if (a->x < b->x + b->w - e && b->x < a->x + a->w - e && a->y < b->y + b->h - e &&
                b->y < a->y + a->h - e) {
                fprintf(stderr, "  text %zu overlaps bar %zu: %g,%g %gx%g / %g,%g %gx%g\n", i,
                        j, a->x, a->y, a->w, a->h, b->x, b->y, b->w, b->h);
                ok = false;
            }
        }
    }
    return ok;
}

/* Every kind from the real workbooks (the bundled example and the 60-unit test workbook),
 * slide and A4: no two texts overlap, none leaves the page, none sits on a bar. */
static void render_workbook(const char *dir, const char *measures, size_t min_rows)
{
    char path[1024], mpath[1024];
    snprintf(path, sizeof path, "%s/%s", KKR_SOURCE_ROOT, dir);
    snprintf(mpath, sizeof mpath, "%s/%s/%s", KKR_SOURCE_ROOT, dir, measures);
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    struct kkr_workbook *wb = NULL;
    CHECK_INT(kkr_workbook_load(path, &wb, &diag, &warn), KKR_OK);
    if (!wb) {
        fprintf(stderr, "  %s\n", diag.message);
        return;
    }
    struct kkr_rollup rollup;
    CHECK_INT(kkr_rollup_build(wb, wb->last_actual_month, NULL, &rollup, &diag), KKR_OK);
    CHECK(rollup.row_count >= min_rows);
    struct kkr_measures *m = NULL;
    struct kkr_bridge *br = NULL;
    struct kkr_bridge_options bo;
    kkr_bridge_options_init(&bo);
    CHECK_INT(kkr_measures_load(mpath, wb, &m, &diag, &warn), KKR_OK);
    CHECK_INT(kkr_bridge_compute(wb, m, &bo, &br, &diag, &warn), KKR_OK);
    struct kkr_chart_step steps[64];
    size_t ns = 0;
    if (br && br->step_count + 2 <= 64) {
        steps[ns++] = (struct kkr_chart_step){br->baseline_label, br->baseline_ore, true};
        for (size_t i = 0; i < br->step_count; i++)
            steps[ns++] = (struct kkr_chart_step){br->steps[i].label, br->steps[i].expected_ore,
                                                  false};
        steps[ns++] = (struct kkr_chart_step){"Resultat efter åtgärder", br->result_ore, true};
    }
    struct kkr_chart_set_options so;
    kkr_chart_set_options_init(&so);
    so.steps = steps;
    so.step_count = ns;
    struct kkr_chart_set set;
    CHECK_INT(kkr_chart_set_build(&set, wb, &rollup, &so, &diag), KKR_OK);
    for (int kind = 0; kind < KKR_CHART_KINDS; kind++) {
        CHECK(set.present[kind]);
        for (int a4 = 0; a4 < 2 && set.present[kind]; a4++) {
            struct kkr_chart ch = set.charts[kind];
            struct kkr_chart_text_log texts = {0}, bars = {0};
            ch.text_log = &texts;
            ch.bar_log = &bars;
            struct kkr_chart_size size;
            if (a4)
                kkr_chart_size_a4(&size);
            else
                kkr_chart_size_slide(&size);
            size.dpi = 72; /* layout is in points; pixels do not matter here */
            CHECK_INT(kkr_chart_write(&ch, tmp_path("wb.png"), KKR_CHART_PNG, &size, &diag),
                      KKR_OK);
            double h = kkr_chart_natural_height(&ch, size.width_pt);
            bool ok = boxes_ok(&texts, size.width_pt, h) && texts_clear_of_bars(&texts, &bars);
            CHECK(ok);
            if (!ok)
                fprintf(stderr, "  in %s, kind %s, %s\n", dir, kkr_chart_kind_name(ch.kind),
                        a4 ? "a4" : "slide");
            if (kind == KKR_CHART_AVVIKELSE)
                CHECK_INT(bars.count, rollup.row_count);
            if (kind == KKR_CHART_BRYGGA)
                CHECK_INT(bars.count, ns);
            kkr_chart_text_log_release(&texts);
            kkr_chart_text_log_release(&bars);
        }
    }
    kkr_chart_set_release(&set);
    kkr_bridge_free(br);
    kkr_measures_free(m);
    kkr_warnings_release(&warn);
    kkr_rollup_release(&rollup);
    kkr_workbook_free(wb);
}

/* kkr_chart_set_build keeps no pointer into its options: the steps, their labels and the
 * bridge subtitle are freed (and scribbled over first) before the set is read (issue 11). */
static void test_set_owns_strings(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/budgets/smedjebacken-2020", KKR_SOURCE_ROOT);
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    struct kkr_workbook *wb = NULL;
    CHECK_INT(kkr_workbook_load(path, &wb, &diag, &warn), KKR_OK);
    if (!wb)
        return;
    struct kkr_rollup rollup;
    CHECK_INT(kkr_rollup_build(wb, wb->last_actual_month, NULL, &rollup, &diag), KKR_OK);
    static const char *const names[3] = {"Prognos maj", "Vakanser hålls öppna",
                                         "Resultat efter åtgärder"};
    struct kkr_chart_step *steps = calloc(3, sizeof *steps);
    char *labels[3];
    for (int i = 0; i < 3; i++) {
        labels[i] = strdup(names[i]);
        steps[i] = (struct kkr_chart_step){labels[i], (i + 1) * 100000, i != 1};
    }
    char *subtitle = strdup("Utgångsläge: låst prognos april 2020");
    struct kkr_chart_set_options so;
    kkr_chart_set_options_init(&so);
    so.steps = steps;
    so.step_count = 3;
    so.bridge_subtitle = subtitle;
    struct kkr_chart_set set;
    CHECK_INT(kkr_chart_set_build(&set, wb, &rollup, &so, &diag), KKR_OK);
    for (int i = 0; i < 3; i++) {
        memset(labels[i], 'X', strlen(labels[i]));
        free(labels[i]);
    }
    memset(subtitle, 'X', strlen(subtitle));
    free(subtitle);
    memset(steps, 0xA5, 3 * sizeof *steps);
    free(steps);
    const struct kkr_chart *br = &set.charts[KKR_CHART_BRYGGA];
    CHECK(set.present[KKR_CHART_BRYGGA]);
    CHECK_INT(br->step_count, 3);
    for (int i = 0; i < 3 && br->step_count == 3; i++) {
        CHECK_STR(br->steps[i].label, names[i]);
        CHECK_INT(br->steps[i].value_ore, (i + 1) * 100000);
        CHECK(br->steps[i].is_total == (i != 1));
    }
    CHECK(br->subtitle && strstr(br->subtitle, " · Utgångsläge: låst prognos april 2020"));
    /* and the chart draws from the set alone */
    struct kkr_chart_size size;
    kkr_chart_size_slide(&size);
    size.dpi = 72;
    CHECK_INT(kkr_chart_write(br, tmp_path("owned.svg"), KKR_CHART_SVG, &size, &diag), KKR_OK);
    kkr_chart_set_release(&set);
    kkr_rollup_release(&rollup);
    kkr_workbook_free(wb);
    kkr_warnings_release(&warn);
}

static void test_render_workbooks(void)
{
    render_workbook("budgets/smedjebacken-2020", "atgarder-maj.csv", 16);
    render_workbook("tests/data/chart-60", "atgarder.csv", 61);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/kkr-test-chart-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_names();
    test_scale();
    test_ticks();
    test_place_labels();
    test_intervals_rows();
    test_forecast_path();
    test_render_avvikelse();
    test_render_many();
    test_render_workbooks();
    test_set_owns_strings();
    if (!getenv("KKR_KEEP_TMP")) {
        const char *names[] = {"avv.png", "avv2.png", "a.pdf", "b.pdf", "a.svg", "b.svg",
                               "many.png", "wb.png", "owned.svg"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            unlink(tmp_path(names[i]));
        rmdir(tmpdir);
    } else {
        fprintf(stderr, "kept %s\n", tmpdir);
    }
    TEST_MAIN_END();
}
