/* fuzz-measures.c — the measures loader (kkr_measures_load_buffer) on any bytes, against a
 * small fixed workbook; a loaded scenario then goes through the bridge (current forecast and a
 * snapshot baseline), the scenario view and report, and the Monte Carlo and exact simulations.
 *
 * Checks: a failed load is located and explained; the bridge adds up
 * (baseline + Σ expected = result); simulated percentiles are ordered. */
#include "fuzz-util.h"
#include "kkr/report.h"
#include "kkr/scenario.h"
#include "kkr/workbook.h"

static const char units_csv[] =
    "kod;namn;överordnad\n"
    "POL;Politisk verksamhet;\n"
    "AO;Äldreomsorg;\n"
    "SB;Särskilt boende;AO\n"
    "HT;Hemtjänst;AO\n";
static const char budget_csv[] =
    "verksamhet;slag;period;belopp\n"
    "POL;kostnad;2020;1 200 000\n"
    "SB;intäkt;2020;-2 400 000\n"
    "SB;kostnad;2020;24 000 000\n"
    "HT;kostnad;202001;1 000 000\n"
    "HT;kostnad;202002;1 000 000,50\n";
static const char actual_csv[] =
    "verksamhet;slag;period;belopp\n"
    "POL;kostnad;202001;90 000\n"
    "SB;kostnad;202001;2 100 000\n"
    "SB;intäkt;202002;-210 000\n"
    "HT;kostnad;202002;990 000\n"
    "HT;kostnad;201902;900 000\n";
static const char forecast_csv[] =
    "verksamhet;slag;prognos;kommentar\n"
    "SB;kostnad;24 500 000;Höga vikariekostnader\n";
static const char conf[] = "år = 2020\nnämnd = Omsorgsnämnden\n";
static const char snapshot_csv[] =
    "verksamhet;slag;prognos;metod;kommentar\n"
    "SB;kostnad;24 200 000;manuell;\n"
    "HT;kostnad;12 100 000;runrate;\n";

static struct kkr_workbook *wb;

static const struct kkr_workbook *workbook(void)
{
    if (wb)
        return wb;
    memfs_reset();
    memfs_put("verksamheter.csv", units_csv, sizeof units_csv - 1);
    memfs_put("budget.csv", budget_csv, sizeof budget_csv - 1);
    memfs_put("utfall.csv", actual_csv, sizeof actual_csv - 1);
    memfs_put("prognos.csv", forecast_csv, sizeof forecast_csv - 1);
    memfs_put("bok.conf", conf, sizeof conf - 1);
    memfs_put("snapshots/202001.csv", snapshot_csv, sizeof snapshot_csv - 1);
    struct kkr_diag diag;
    if (kkr_workbook_load(MEMFS_DIR, &wb, &diag, NULL) != KKR_OK) {
        fprintf(stderr, "fuzz-measures: the fixed workbook does not load: %s\n", diag.message);
        abort();
    }
    return wb;
}

static void check_bridge(const struct kkr_bridge *b)
{
    int64_t sum = b->baseline_ore;
    for (size_t i = 0; i < b->step_count; i++)
        sum += b->steps[i].expected_ore;
    FUZZ_ASSERT(sum == b->result_ore);
}

static void simulate(const struct kkr_measures *m)
{
    struct kkr_sim_input in;
    struct kkr_diag diag;
    if (kkr_sim_input_from_measures(m, 0, &in, &diag) != KKR_OK)
        return;
    int64_t results[64];
    if (kkr_sim_draw(&in, 64, 42, results, &diag) == KKR_OK) {
        struct kkr_sim_summary sum;
        kkr_sim_summarize(results, 64, 0, 0, &sum);
        FUZZ_ASSERT(sum.p10_ore <= sum.p50_ore && sum.p50_ore <= sum.p90_ore);
    }
    /* The exact distribution enumerates 2^k outcomes: up to 12 measures here (4 096), since
     * 20 took some 100 ms a run under ASan and starved the rest; the unit tests go to 20. */
    struct kkr_sim_summary exact;
    if (in.count <= 12)
        (void)kkr_sim_exact(&in, 0, 0, &exact, &diag);
    kkr_sim_input_release(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct kkr_workbook *w = workbook();
    struct kkr_measures *m = NULL;
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    enum kkr_status st = kkr_measures_load_buffer("atgarder.csv", (const char *)data, size, w,
                                                  &m, &diag, &warn);
    if (st != KKR_OK) {
        FUZZ_ASSERT(m == NULL);
        FUZZ_ASSERT(diag.message[0] != '\0');
        kkr_warnings_release(&warn);
        return 0;
    }
    struct kkr_bridge_options opt;
    kkr_bridge_options_init(&opt);
    struct kkr_bridge *b = NULL;
    if (kkr_bridge_compute(w, m, &opt, &b, &diag, &warn) == KKR_OK) {
        check_bridge(b);
        kkr_bridge_free(b);
    }
    opt.baseline_year = 2020;
    opt.baseline_month = 1;
    if (kkr_bridge_compute(w, m, &opt, &b, &diag, &warn) == KKR_OK) {
        check_bridge(b);
        kkr_bridge_free(b);
    }
    kkr_bridge_options_init(&opt);
    struct kkr_scenario_view view;
    if (kkr_scenario_view_build(w, m, &opt, &view, &diag, &warn) == KKR_OK) {
        struct kkr_report_options ro;
        kkr_report_options_init(&ro);
        ro.format = KKR_FORMAT_CSV;
        FUZZ_ASSERT(kkr_report_write(fuzz_devnull(), view.wb, &view.rollup, &ro, &diag) ==
                    KKR_OK);
        kkr_scenario_view_release(&view);
    }
    simulate(m);
    kkr_measures_free(m);
    kkr_warnings_release(&warn);
    return 0;
}
