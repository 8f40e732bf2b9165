/* cmd-whatif.c — kkr whatif: apply savings measures to the forecast (bridge, simulation, goal) */
#include <errno.h>
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
    "usage: kkr whatif DIR --measures FILE [--measures FILE ...] [options]\n";
static const char description[] =
    "Applies savings measures (åtgärder) to the full-year forecast and prints the bridge\n"
    "(brygga): the baseline's helår avvikelse, each measure's expected effect (effekt ×\n"
    "sannolikhet), the result after the measures and, against a newer forecast, the\n"
    "unexplained rest. Several --measures files are shown side by side (scenario A, B, ...).\n";

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

static const char *files[MAX_SCENARIOS];
static size_t nfiles;
static const char *baseline_arg, *period_arg, *output, *table_arg;
static bool table, unit_given;
static struct kkr_bridge_write_options set = {KKR_UNIT_KR, 0, 0, 1};
static enum kkr_format format = KKR_FORMAT_TEXT;
static struct kkr_report_options ropt;
static struct cli_layout_args lay;

static bool add_measures(const struct cli_option *o, const char *arg)
{
    (void)o;
    if (nfiles == MAX_SCENARIOS) {
        cli_usage_error(&cmd_whatif, "at most %d --measures files", MAX_SCENARIOS);
        return false;
    }
    files[nfiles++] = arg;
    return true;
}

static bool set_target(const struct cli_option *o, const char *arg)
{
    (void)o;
    if (!kkr_money_parse(arg, strlen(arg), &set.target_ore)) {
        cli_error("--target '%s': expected an amount in kr like '-200 000' or 0", arg);
        return false;
    }
    return true;
}

static bool set_simulate(const struct cli_option *o, const char *arg)
{
    (void)o;
    unsigned long long v;
    if (!parse_count(arg, "simulate", MAX_DRAWS, &v))
        return false;
    set.draws = (size_t)v;
    return true;
}

static bool set_seed(const struct cli_option *o, const char *arg)
{
    (void)o;
    unsigned long long v;
    if (!parse_count(arg, "seed", 4294967295ULL, &v))
        return false;
    set.seed = (unsigned long)v;
    return true;
}

static bool set_table(const struct cli_option *o, const char *arg)
{
    (void)o;
    static const char *const names[] = {"slag", "verksamhet", NULL};
    table = true;
    /* "--table slag" as well as "--table=slag", as for kkr report. */
    table_arg = arg ? arg : cli_take_argument(names);
    return true;
}

static bool set_unit(const struct cli_option *o, const char *arg)
{
    unit_given = true;
    return cli_parse_unit(arg, o->value);
}

static const struct cli_option options[] = {
    CLI_OPT_CALLBACK(0, "measures", NULL, "FILE",
                     "a measures file: verksamhet;beskrivning;effekt;sannolikhet (optional\n"
                     "slag, spridning; or antal;per_månad;från_period instead of effekt)",
                     add_measures),
    CLI_OPT_STRING(0, "baseline", &baseline_arg, "YYYYMM",
                   "start from a locked snapshot (default: the current forecast)"),
    CLI_OPT_STRING(0, "period", &period_arg, "YYYYMM",
                   "the report period of the current forecast (default: latest utfall)"),
    CLI_OPT_CALLBACK(0, "target", NULL, "KR",
                     "the result to reach, in kr (default 0 = nollresultat)", set_target),
    CLI_OPT_CALLBACK(0, "simulate", NULL, "N",
                     "Monte Carlo with N draws: P(result >= target), P10/P50/P90", set_simulate),
    CLI_OPT_CALLBACK(0, "seed", NULL, "S", "the random seed (default 1); same seed, same output",
                     set_seed),
    {CLI_CALLBACK, 0, "table", NULL, "TABLE",
     "the scenario's follow-up table instead of the bridge (verksamhet\n"
     "or slag; text and md default to both), measures applied per unit", CLI_OPTIONAL_VALUE,
     set_table},
    CLI_OPT_FORMAT(&format, "text (default), csv, md, json or xlsx (xlsx with -o FILE.xlsx)"),
    CLI_OPT_CALLBACK(0, "unit", &set.unit, "UNIT",
                     "kr (default for the bridge), kkr or mnkr (default kkr for --table)",
                     set_unit),
    CLI_OPT_STRING('o', "output", &output, "FILE",
                   "write to FILE (atomically) instead of standard output"),
    CLI_OPT_STRING(0, "columns", &lay.columns, "LIST",
                   "with --table: the columns, as kkr report --columns (a list\n"
                   "replaces the default set, +COLUMN,... adds; SLAG:COLUMN, =Rubrik)"),
    CLI_OPT_STRING(0, "sign", &lay.sign, "SIGN",
                   "with --table: nettokostnad (default) or resultat (revenues positive)"),
    CLI_OPT_STRING(0, "decimals", &lay.decimals, "N",
                   "with --table: decimals of amounts, 0-2 (default 0, mnkr 1)"),
    CLI_OPT_STRING(0, "percent-decimals", &lay.percent_decimals, "N",
                   "with --table: decimals of the % columns, 0-2 (default 1)"),
    CLI_OPT_STRING(0, "total-label", &lay.total_label, "TEXT",
                   "with --table: the total row's label"),
    CLI_OPT_END(),
};

static int check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (format == KKR_FORMAT_XLSX && !output)
        return cli_usage_error(&cmd_whatif, "--format xlsx needs -o FILE.xlsx (or -o - )");
    if (!output)
        output = "-";
    if (nfiles == 0)
        return cli_usage_error(&cmd_whatif, "expected --measures FILE");
    kkr_report_options_init(&ropt);
    if (!table && (lay.columns || lay.sign || lay.decimals || lay.percent_decimals ||
                   lay.total_label))
        return cli_usage_error(&cmd_whatif, "--%s goes with --table (the bridge has its own "
                               "layout)", lay.columns ? "columns" : lay.sign ? "sign"
                               : lay.decimals ? "decimals" : lay.percent_decimals
                               ? "percent-decimals" : "total-label");
    if (!cli_layout_check(&lay))
        return EXIT_BAD_INPUT;
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
    return EXIT_OK;
}

static int exec(struct kkr_workbook *wb, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int code;
    struct kkr_bridge_options bopt;
    kkr_bridge_options_init(&bopt);
    if (period_arg && !cli_parse_period(wb, period_arg, &bopt.period))
        return EXIT_BAD_INPUT;
    if (baseline_arg) {
        int year, month;
        if (!cli_parse_snapshot_month("--baseline", baseline_arg, &year, &month))
            return EXIT_BAD_INPUT;
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
    /* the layout of kkr report: the command line over bok.conf's saved template */
    struct kkr_report_layout layout;
    memset(&layout, 0, sizeof layout);
    if (st == KKR_OK && table) {
        lay.unit_given = unit_given;
        code = cli_layout_apply(wb, &lay, false, &ropt, &layout);
        if (code != EXIT_OK) {
            for (size_t i = 0; i < nfiles; i++) {
                kkr_bridge_free(sc[i].bridge);
                kkr_measures_free(sc[i].measures);
            }
            kkr_warnings_release(&warn);
            return code;
        }
    }
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
    kkr_report_layout_release(&layout);
    if (have_view)
        kkr_scenario_view_release(&view);
    for (size_t i = 0; i < nfiles; i++) {
        kkr_bridge_free(sc[i].bridge);
        kkr_measures_free(sc[i].measures);
    }
    kkr_warnings_release(&warn);
    return code;
}

const struct command cmd_whatif = {
    .name = "whatif",
    .usage = usage,
    .description = description,
    .opts = options,
    .operands_min = 1,
    .operands_max = 1,
    .operands_error = "expected one workbook folder",
    .check = check,
    .exec = exec,
};
