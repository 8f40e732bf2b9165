/* cmd-whatif.c — kkr whatif: apply savings measures to the forecast (bridge, simulation, goal) */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kkr/output.h"
#include "kkr/bridge-write.h"
#include "kkr/scenario.h"
#include "kkr/sheet.h"

static const char usage[] =
    "usage: kkr whatif DIR --measures FILE [--measures FILE ...] [options]\n"
    "\n"
    "Applies savings measures (åtgärder) to the full-year forecast and prints the bridge\n"
    "(brygga): the baseline's helår avvikelse, each measure's expected effect (effekt ×\n"
    "sannolikhet), the result after the measures and, against a newer forecast, the\n"
    "unexplained rest. Several --measures files are shown side by side (scenario A, B, ...).\n"
    "\n"
    "  --measures FILE     a measures file: verksamhet;beskrivning;effekt;sannolikhet (optional\n"
    "                      slag, spridning; or antal;per_månad;från_period instead of effekt)\n"
    "  --baseline YYYYMM   start from a locked snapshot (default: the current forecast)\n"
    "  --period YYYYMM     the report period of the current forecast (default: latest utfall)\n"
    "  --target KR         the result to reach, in kr (default 0 = nollresultat)\n"
    "  --simulate N        Monte Carlo with N draws: P(result >= target), P10/P50/P90\n"
    "  --seed S            the random seed (default 1); same seed, same output\n"
    "  --table [TABLE]     the scenario's follow-up table instead of the bridge (verksamhet\n"
    "                      or slag; text and md default to both), measures applied per unit\n"
    "  --format FMT        text (default), csv, md, json or xlsx (xlsx with -o FILE.xlsx)\n"
    "  --unit UNIT         kr (default for the bridge), kkr or mnkr (default kkr for --table)\n"
    "  -o, --output FILE   write to FILE (atomically) instead of standard output\n";

enum {
    OPT_MEASURES = 256, OPT_BASELINE, OPT_PERIOD, OPT_TARGET, OPT_SIMULATE, OPT_SEED, OPT_TABLE,
    OPT_FORMAT, OPT_UNIT,
};

#define MAX_SCENARIOS 16
#define MAX_DRAWS 20000000UL

static bool parse_count(const char *arg, const char *opt, unsigned long long max,
                        unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (!*arg || *end || errno || arg[0] == '-' || v > max) {
        cli_error("--%s '%s': expected a whole number 0..%llu", opt, arg, max);
        return false;
    }
    *out = v;
    return true;
}

/* ---- xlsx: the scenario's table as kkr report writes it, or the bridge's table ---- */

static enum kkr_status write_xlsx(const char *path, const struct kkr_workbook *wb,
                                  const struct kkr_bridge_scenario *sc, size_t n,
                                  const struct kkr_bridge_write_options *set,
                                  const struct kkr_scenario_view *view,
                                  const struct kkr_report_options *ropt, struct kkr_diag *diag)
{
    struct kkr_sheet_doc doc;
    kkr_sheet_doc_init(&doc);
    enum kkr_status st;
    if (view) {
        st = kkr_report_sheets(&doc, view->wb, &view->rollup, ropt, diag);
        for (size_t i = 0; st == KKR_OK && i < doc.sheet_count; i++)
            kkr_sheet_add_title(&doc, doc.sheets[i], "Scenario %s: prognosen med åtgärdernas "
                                "förväntade effekt per verksamhet, baslinje: %s",
                                sc[0].measures->name,
                                sc[0].bridge->baseline_label);
    } else {
        st = kkr_bridge_sheets(&doc, wb, sc, n, set, diag);
    }
    if (st == KKR_OK)
        st = kkr_sheet_doc_write_xlsx(&doc, path, false, diag);
    kkr_sheet_doc_release(&doc);
    return st;
}

static int run(int argc, char **argv)
{
    static const struct option options[] = {
        {"measures", required_argument, NULL, OPT_MEASURES},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"period", required_argument, NULL, OPT_PERIOD},
        {"target", required_argument, NULL, OPT_TARGET},
        {"simulate", required_argument, NULL, OPT_SIMULATE},
        {"seed", required_argument, NULL, OPT_SEED},
        {"table", optional_argument, NULL, OPT_TABLE},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"unit", required_argument, NULL, OPT_UNIT},
        {"output", required_argument, NULL, 'o'},
        {0},
    };
    const char *files[MAX_SCENARIOS];
    size_t nfiles = 0;
    const char *baseline_arg = NULL, *period_arg = NULL, *output = "-", *table_arg = NULL;
    bool output_given = false;
    bool table = false, unit_given = false;
    struct kkr_bridge_write_options set = {KKR_UNIT_KR, 0, 0, 1};
    enum kkr_format format = KKR_FORMAT_TEXT;
    unsigned long long v;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        switch (c) {
        case OPT_MEASURES:
            if (nfiles == MAX_SCENARIOS)
                return cli_usage_error(&cmd_whatif, "at most %d --measures files",
                                       MAX_SCENARIOS);
            files[nfiles++] = optarg;
            break;
        case OPT_BASELINE: baseline_arg = optarg; break;
        case OPT_PERIOD: period_arg = optarg; break;
        case OPT_TARGET:
            if (!kkr_money_parse(optarg, strlen(optarg), &set.target_ore)) {
                cli_error("--target '%s': expected an amount in kr like '-200 000' or 0",
                          optarg);
                return EXIT_BAD_INPUT;
            }
            break;
        case OPT_SIMULATE:
            if (!parse_count(optarg, "simulate", MAX_DRAWS, &v))
                return EXIT_BAD_INPUT;
            set.draws = (size_t)v;
            break;
        case OPT_SEED:
            if (!parse_count(optarg, "seed", 4294967295ULL, &v))
                return EXIT_BAD_INPUT;
            set.seed = (unsigned long)v;
            break;
        case OPT_TABLE:
            table = true;
            table_arg = optarg;
            /* "--table slag" as well as "--table=slag", as for kkr report. */
            if (!table_arg && optind < argc && (strcmp(argv[optind], "slag") == 0
                                                || strcmp(argv[optind], "verksamhet") == 0))
                table_arg = argv[optind++];
            break;
        case OPT_FORMAT:
            if (!cli_parse_format(optarg, &format))
                return EXIT_BAD_INPUT;
            break;
        case OPT_UNIT:
            if (!cli_parse_unit(optarg, &set.unit))
                return EXIT_BAD_INPUT;
            unit_given = true;
            break;
        case 'o': output = optarg; output_given = true; break;
        default: return cli_option_error(&cmd_whatif, argc, argv, "o:");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(&cmd_whatif, "expected one workbook folder");
    if (format == KKR_FORMAT_XLSX && strcmp(output, "-") == 0 && !output_given)
        return cli_usage_error(&cmd_whatif, "--format xlsx needs -o FILE.xlsx (or -o - )");
    if (nfiles == 0)
        return cli_usage_error(&cmd_whatif, "expected --measures FILE");
    struct kkr_report_options ropt;
    kkr_report_options_init(&ropt);
    if (table) {
        if (nfiles > 1)
            return cli_usage_error(&cmd_whatif, "--table takes one --measures file");
        if (!table_arg)
            ropt.tables = format == KKR_FORMAT_CSV ? KKR_TABLES_UNITS : KKR_TABLES_BOTH;
        else if (!cli_table_name(table_arg, &ropt.tables) || ropt.tables == KKR_TABLES_INVESTMENTS)
            return cli_usage_error(&cmd_whatif, "--table '%s': expected verksamhet or slag",
                                   table_arg);
        ropt.format = format;
        ropt.unit = unit_given ? set.unit : KKR_UNIT_KKR;
    }

    int code;
    struct kkr_workbook *wb = cli_load_workbook(argv[optind], &code);
    if (!wb)
        return code;
    struct kkr_bridge_options bopt;
    kkr_bridge_options_init(&bopt);
    if (period_arg && !cli_parse_period(wb, period_arg, &bopt.period)) {
        kkr_workbook_free(wb);
        return EXIT_BAD_INPUT;
    }
    if (baseline_arg) {
        int year, month;
        if (!cli_parse_snapshot_month("--baseline", baseline_arg, &year, &month)) {
            kkr_workbook_free(wb);
            return EXIT_BAD_INPUT;
        }
        bopt.baseline_year = year;
        bopt.baseline_month = month;
    }

    struct kkr_bridge_scenario sc[MAX_SCENARIOS];
    memset(sc, 0, sizeof sc);
    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    enum kkr_status st = KKR_OK;
    for (size_t i = 0; i < nfiles && st == KKR_OK; i++) {
        st = kkr_measures_load(files[i], wb, &sc[i].measures, &diag, &warn);
        cli_print_warnings(&warn);
    }
    for (size_t i = 0; i < nfiles && st == KKR_OK; i++) {
        st = kkr_bridge_compute(wb, sc[i].measures, &bopt, &sc[i].bridge, &diag, &warn);
        cli_print_warnings(&warn);
        if (st == KKR_OK)
            st = kkr_bridge_scenario_distribute(&sc[i], set.target_ore, set.draws, set.seed, &diag);
    }
    struct kkr_scenario_view view;
    memset(&view, 0, sizeof view);
    bool have_view = false;
    if (st == KKR_OK && table) {
        st = kkr_scenario_view_build(wb, sc[0].measures, &bopt, &view, &diag, &warn);
        cli_print_warnings(&warn);
        have_view = st == KKR_OK;
    }
    if (st == KKR_OK && format == KKR_FORMAT_XLSX)
        st = write_xlsx(output, wb, sc, nfiles, &set, have_view ? &view : NULL, &ropt, &diag);
    else if (st == KKR_OK) {
        struct kkr_output out;
        st = kkr_output_open(&out, output, false, &diag);
        if (st == KKR_OK) {
            if (have_view) {
                if (ropt.format == KKR_FORMAT_TEXT || ropt.format == KKR_FORMAT_MD)
                    fprintf(out.fp, "%sScenario %s: prognosen med åtgärdernas förväntade "
                            "effekt per verksamhet, baslinje: %s%s\n\n",
                            ropt.format == KKR_FORMAT_MD ? "**" : "", sc[0].measures->name,
                            sc[0].bridge->baseline_label, ropt.format == KKR_FORMAT_MD ? "**" : "");
                st = kkr_report_write(out.fp, view.wb, &view.rollup, &ropt, &diag);
            }
            else
                st = kkr_bridge_write(out.fp, wb, sc, nfiles, &set, format, &diag);
            if (st == KKR_OK)
                st = kkr_output_commit(&out, &diag);
            else
                kkr_output_abort(&out);
        }
    }
    code = st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
    if (have_view)
        kkr_scenario_view_release(&view);
    for (size_t i = 0; i < nfiles; i++) {
        kkr_bridge_free(sc[i].bridge);
        kkr_measures_free(sc[i].measures);
    }
    kkr_warnings_release(&warn);
    kkr_workbook_free(wb);
    return code;
}

const struct command cmd_whatif = {
    .name = "whatif",
    .run = run,
    .summary = "apply savings measures to the forecast (bridge, simulation, goal)",
    .usage = usage,
};
