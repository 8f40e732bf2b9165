/* test-snapshot.c — locking a report's prognos: the file's text, the round trip, no overwrite */
#include <stdlib.h>

#include "kkr/forecast.h"
#include "kkr/rollup.h"
#include "kkr/snapshot.h"
#include "test.h"
#include "tmpdir.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strdup(buf);
}

int main(void)
{
    char *dir = tmp_workbook();
    tmp_write(dir, "verksamheter.csv",
              "kod;namn;överordnad\nAO;Äldreomsorg;\nHT;Hemtjänst;AO\nSB;Särskilt boende;AO\n"
              "NY;Ny enhet;\n");
    /* HT: 100 kr a month budget, 110 utfall jan-mar; SB revenue and cost; NY nothing */
    tmp_write(dir, "budget.csv",
              "verksamhet;slag;period;belopp\nHT;kostnad;2021;1200\nSB;kostnad;2021;2400\n"
              "SB;intäkt;2021;-600\n");
    tmp_write(dir, "utfall.csv",
              "verksamhet;slag;period;belopp\nHT;kostnad;202101;110\nHT;kostnad;202102;110\n"
              "HT;kostnad;202103;110\nSB;kostnad;202101;200\nSB;kostnad;202102;210\n"
              "SB;kostnad;202103;190\nSB;intäkt;202101;-50\nSB;intäkt;202102;-50\n"
              "SB;intäkt;202103;-50\n");
    tmp_write(dir, "prognos.csv",
              "verksamhet;slag;prognos;kommentar\n"
              "SB;kostnad;2 500,50;\"Fler platser; \"\"Solgården\"\" öppnar\"\n"
              "AO;kostnad;-10;-5 % personal\n");

    struct kkr_workbook *wb = NULL;
    struct kkr_diag d;
    struct kkr_warnings w;
    kkr_warnings_init(&w);
    CHECK_INT(kkr_workbook_load(dir, &wb, &d, &w), KKR_OK);
    kkr_warnings_release(&w);
    if (!wb) {
        tmp_remove(dir);
        TEST_MAIN_END();
    }

    /* without a computed fill: entered rows are manuell, the rest the helårsbudget */
    struct kkr_rollup r;
    CHECK_INT(kkr_rollup_build(wb, 3, NULL, &r, &d), KKR_OK);
    struct kkr_snapshot *snap = NULL;
    CHECK_INT(kkr_snapshot_from_rollup(wb, &r, NULL, &snap, &d), KKR_OK);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    kkr_snapshot_write(mem, wb, snap);
    fclose(mem);
    /* "-5 % personal" gets the formula-injection apostrophe (issue 7); the reader drops it */
    CHECK_STR(text, "verksamhet;slag;prognos;metod;kommentar\n"
                    "AO;kostnad;-10,00;manuell;'-5 % personal\n"
                    "HT;kostnad;1200,00;helårsbudget;\n"
                    "SB;intäkt;-600,00;helårsbudget;\n"
                    "SB;kostnad;2500,50;manuell;\"Fler platser; \"\"Solgården\"\" öppnar\"\n");
    free(text);
    CHECK_INT(snap->year, 2021);
    CHECK_INT(snap->month, 3);
    kkr_snapshot_free(snap);
    kkr_rollup_release(&r);

    /* with runrate: HT 110 * 12 = 1320, SB intäkt -600; entered SB kostnad still wins */
    const struct kkr_forecast_method *m;
    CHECK_INT(kkr_forecast_method_find("runrate", &m, &d), KKR_OK);
    struct kkr_forecast_options fopt;
    kkr_forecast_options_init(&fopt);
    struct kkr_forecast_set *set = NULL;
    CHECK_INT(kkr_forecast_set_compute(wb, 3, m, &fopt, &set, &d), KKR_OK);
    struct kkr_forecast_fill fill = kkr_forecast_set_fill(set);
    CHECK_INT(kkr_rollup_build(wb, 3, &fill, &r, &d), KKR_OK);
    CHECK_INT(kkr_snapshot_from_rollup(wb, &r, set, &snap, &d), KKR_OK);
    int hk = wb->units[1].code[0] == 'H' ? 1 : -1;
    CHECK_INT(hk, 1);
    CHECK_INT(snap->forecast_ore[kkr_workbook_slot(wb, 1, KKR_COST)], 132000);
    CHECK_STR(snap->method[kkr_workbook_slot(wb, 1, KKR_COST)], "runrate");
    CHECK(snap->comment[kkr_workbook_slot(wb, 1, KKR_COST)] &&
          strncmp(snap->comment[kkr_workbook_slot(wb, 1, KKR_COST)], "intervall 80 %: ", 16) == 0);
    CHECK_INT(snap->forecast_ore[kkr_workbook_slot(wb, 2, KKR_REVENUE)], -60000);
    CHECK_INT(snap->forecast_ore[kkr_workbook_slot(wb, 2, KKR_COST)], 250050);
    CHECK_STR(snap->method[kkr_workbook_slot(wb, 2, KKR_COST)], "manuell");
    CHECK(!snap->forecast_has[kkr_workbook_slot(wb, 3, KKR_COST)]); /* NY: no amounts, no row */
    CHECK(!snap->forecast_has[kkr_workbook_slot(wb, 0, KKR_REVENUE)]);

    /* lock, load back: the same figures, methods and comments */
    CHECK_INT(kkr_snapshot_lock(wb, snap, &d), KKR_OK);
    char *path = kkr_snapshot_path(wb, 2021, 3);
    char *before = slurp(path);
    CHECK(before != NULL);
    struct kkr_snapshot *back = NULL;
    kkr_warnings_init(&w);
    CHECK_INT(kkr_snapshot_load(wb, 2021, 3, &back, &d, &w), KKR_OK);
    CHECK_INT(w.count, 0);
    kkr_warnings_release(&w);
    if (back) {
        for (size_t i = 0; i < kkr_workbook_slots(wb); i++) {
            CHECK_INT(back->forecast_has[i], snap->forecast_has[i]);
            CHECK_INT(back->forecast_ore[i], snap->forecast_ore[i]);
            CHECK_STR(back->method[i] ? back->method[i] : "", snap->method[i] ? snap->method[i]
                                                                                : "");
            CHECK_STR(back->comment[i] ? back->comment[i] : "",
                      snap->comment[i] ? snap->comment[i] : "");
        }
        /* a report against the snapshot at once shows the same helår prognos everywhere */
        struct kkr_rollup then;
        CHECK_INT(kkr_rollup_build_with(wb, 3, back->forecast_ore, back->forecast_has, NULL,
                                        &then, &d),
                  KKR_OK);
        for (size_t i = 0; i < r.row_count; i++)
            CHECK_INT(then.rows[i].net.forecast_full, r.rows[i].net.forecast_full);
        kkr_rollup_release(&then);
    }
    kkr_snapshot_free(back);

    /* a second lock of the month is refused and the file stays as it was */
    snap->forecast_ore[kkr_workbook_slot(wb, 1, KKR_COST)] = 1;
    CHECK_INT(kkr_snapshot_lock(wb, snap, &d), KKR_ERR_EXISTS);
    CHECK(strstr(d.message, "already locked") != NULL);
    char *after = slurp(path);
    CHECK(before && after && strcmp(before, after) == 0);
    free(before);
    free(after);
    free(path);

    CHECK_INT(kkr_snapshot_new(wb, 2021, 13, &back, &d), KKR_ERR_USAGE);
    CHECK(back == NULL);

    kkr_snapshot_free(snap);
    kkr_rollup_release(&r);
    kkr_forecast_set_free(set);
    kkr_workbook_free(wb);
    tmp_remove(dir);
    TEST_MAIN_END();
}
