/* cmd-report.c — kkr report: the follow-up tables for the nämnd */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kkr/followup.h"
#include "kkr/output.h"
#include "kkr/rollup.h"
#include "kkr/sheet.h"

static const char usage[] = "usage: kkr report DIR [options]\n";
static const char description[] =
    "The follow-up tables (budgetuppföljning) of the workbook in DIR: per slag and per\n"
    "verksamhet, ackumulerat period and helår, in kkr.\n";
static const char epilogue[] =
    "\n"
    "The layout options may be saved in bok.conf as kolumner, tecken, decimaler,\n"
    "procentdecimaler, enhet and totalrad; the command line wins.\n";

/* The option values (one run per process). */
static struct kkr_report_options opt;
static const char *period_arg, *compare_arg, *output, *table_arg;
static const char *forecast_arg, *level_arg, *pdf_arg, *measures_arg, *baseline_arg;
static struct cli_layout_args lay;

static void init(void)
{
    kkr_report_options_init(&opt);
}

static bool set_unit(const struct cli_option *o, const char *arg)
{
    lay.unit_given = true;
    return cli_parse_unit(arg, o->value);
}

static const struct cli_option options[] = {
    CLI_OPT_FORMAT(&opt.format,
                   "text (default), csv, md, json or xlsx (with -o FILE.xlsx: each\n"
                   "table a sheet, real numbers in Swedish number formats)"),
    CLI_OPT_CALLBACK(0, "unit", &opt.unit, "UNIT", "kkr (default), kr or mnkr", set_unit),
    CLI_OPT_STRING(0, "period", &period_arg, "YYYYMM",
                   "the last month of the period (default: the latest month with utfall)"),
    CLI_OPT_STRING(0, "table", &table_arg, "TABLE",
                   "verksamhet or slag (csv: one table per run, default verksamhet);\n"
                   "investering (investeringar.csv);\n"
                   "prognoshistorik (the locked prognos month by month);\n"
                   "sammanfattning (the drafted summary, text or md; with --measures)"),
    CLI_OPT_STRING(0, "columns", &lay.columns, "LIST",
                   "the columns in order, replacing the default set, or +COLUMN,... to\n"
                   "add to it: budget_period, utfall_period, avvikelse_period,\n"
                   "utfall_procent, riktpunkt, budget_helår, prognos_helår,\n"
                   "avvikelse_helår, utfall_helår, förändring, prognos_föregående,\n"
                   "utfall_period_fg, förändring_fg, förändring_fg_procent,\n"
                   "budget_helår_fg, utfall_helår_fg, avvikelse_helår_fg; SLAG:COLUMN\n"
                   "for one slag or typ, COLUMN=Rubrik for its heading; standard"),
    CLI_OPT_STRING(0, "sign", &lay.sign, "SIGN",
                   "nettokostnad (default: costs positive) or resultat (revenues\n"
                   "positive); avvikelse is positive when better under both"),
    CLI_OPT_STRING(0, "decimals", &lay.decimals, "N",
                   "decimals of amounts, 0-2 (default 0, mnkr 1)"),
    CLI_OPT_STRING(0, "percent-decimals", &lay.percent_decimals, "N",
                   "decimals of the % columns, 0-2 (default 1)"),
    CLI_OPT_STRING(0, "total-label", &lay.total_label, "TEXT",
                   "the total row's label (default Verksamhetens nettokostnad)"),
    CLI_OPT_STRING(0, "compare", &compare_arg, "YYYYMM",
                   "add the change of helår avvikelse against a locked snapshot"),
    CLI_OPT_DEPTH(&opt.depth, "show the first N levels of the tree (a kommun's nämnder: 1)"),
    CLI_OPT_FLAG(0, "excel", &opt.excel, "CSV for Swedish Excel: UTF-8 BOM, ';', decimal comma"),
    CLI_OPT_STRING('o', "output", &output, "FILE",
                   "write to FILE (atomically) instead of standard output"),
    CLI_OPT_STRING(0, "forecast", &forecast_arg, "METHOD",
                   "fill helår prognos where prognos.csv has none: budget, runrate,\n"
                   "trend, seasonal, ets or auto (marked as computed)"),
    CLI_OPT_STRING(0, "level", &level_arg, "LEVEL", "interval level for --forecast (default 80 %)"),
    CLI_OPT_STRING(0, "pdf", &pdf_arg, "FILE",
                   "write the A4 nämnd report (tables, comments, charts) as PDF"),
    CLI_OPT_STRING(0, "measures", &measures_arg, "FILE",
                   "with --pdf: add the bridge (brygga) of these measures"),
    CLI_OPT_STRING(0, "baseline", &baseline_arg, "YYYYMM",
                   "with --measures: the bridge starts from a locked snapshot (the\n"
                   "measures taken since), not from the current prognos"),
    CLI_OPT_END(),
};

/* What needs no workbook, checked before it is loaded. */
static int check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (table_arg) {
        if (!cli_table_name(table_arg, &opt.tables) && !cli_report_table_is_extra(table_arg))
            return cli_usage_error(&cmd_report, "--table '%s': expected verksamhet, slag, "
                                   "investering, prognoshistorik or sammanfattning", table_arg);
    } else if (opt.format == KKR_FORMAT_CSV) {
        opt.tables = KKR_TABLES_UNITS;
    }
    if (opt.format == KKR_FORMAT_XLSX && !output)
        return cli_usage_error(&cmd_report, "--format xlsx needs -o FILE.xlsx (or -o - )");
    if (opt.excel && opt.format != KKR_FORMAT_CSV && opt.format != KKR_FORMAT_XLSX)
        opt.format = KKR_FORMAT_CSV;
    if (!cli_layout_check(&lay))
        return EXIT_BAD_INPUT;
    if (!output)
        output = "-";
    return EXIT_OK;
}

static int exec(struct kkr_workbook *wb, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int code;
    int period = wb->last_actual_month;
    if (period_arg && !cli_parse_period(wb, period_arg, &period))
        return EXIT_BAD_INPUT;

    struct kkr_report_layout layout;
    code = cli_layout_apply(wb, &lay, compare_arg != NULL, &opt, &layout);
    if (code != EXIT_OK)
        return code;
    struct kkr_diag diag;
    enum kkr_status st = KKR_OK;
    struct kkr_followup fu;
    code = cli_followup_build(wb, period, forecast_arg, level_arg, &fu);
    if (code != EXIT_OK) {
        kkr_report_layout_release(&layout);
        return code;
    }
    const struct kkr_rollup *rollup = &fu.rollup;

    struct kkr_rollup then;
    bool have_then = false;
    memset(&then, 0, sizeof then);
    if (compare_arg) {
        int year, month;
        struct kkr_snapshot *snap = NULL;
        struct kkr_warnings warn;
        kkr_warnings_init(&warn);
        if (!cli_parse_snapshot_month("--compare", compare_arg, &year, &month)) {
            kkr_followup_release(&fu);
            kkr_report_layout_release(&layout);
            return EXIT_BAD_INPUT;
        }
        st = kkr_snapshot_load(wb, year, month, &snap, &diag, &warn);
        cli_print_warnings(&warn);
        if (st == KKR_OK) {
            st = kkr_rollup_build_with(wb, period, snap->forecast_ore, snap->forecast_has, NULL,
                                       &then, &diag);
            have_then = st == KKR_OK;
        }
        kkr_snapshot_free(snap);
        opt.compare = have_then ? &then : NULL;
        opt.compare_label = compare_arg;
    }
    if (st != KKR_OK) {
        kkr_followup_release(&fu);
        kkr_report_layout_release(&layout);
        return cli_fail_diag(&diag, st);
    }

    if (cli_report_table_is_extra(table_arg)) {
        code = cli_report_extra_table(wb, rollup, table_arg, opt.format, opt.unit, output,
                                      measures_arg);
        goto done;
    }
    /* -- chart (issue 5): --pdf FILE [--measures FILE] -- */
    if (measures_arg && !pdf_arg) {
        code = cli_usage_error(&cmd_report, "--measures goes with --pdf");
        goto done;
    }
    if (baseline_arg && !measures_arg) {
        code = cli_usage_error(&cmd_report, "--baseline goes with --pdf and --measures");
        goto done;
    }
    if (pdf_arg) {
        /* the A4 report from this same roll-up, so the figures are identical */
        code = cli_chart_report_pdf(wb, &fu, &opt, pdf_arg, measures_arg, baseline_arg);
        goto done;
    }

    if (opt.format == KKR_FORMAT_XLSX) {
        struct kkr_sheet_doc doc;
        kkr_sheet_doc_init(&doc);
        st = kkr_report_sheets(&doc, wb, rollup, &opt, &diag);
        if (st == KKR_OK)
            st = kkr_sheet_doc_write_xlsx(&doc, output, false, &diag);
        kkr_sheet_doc_release(&doc);
        code = st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
        goto done;
    }
    struct kkr_output out;
    st = kkr_output_open(&out, output, false, &diag);
    if (st == KKR_OK) {
        st = kkr_report_write(out.fp, wb, rollup, &opt, &diag);
        if (st == KKR_OK)
            st = kkr_output_commit(&out, &diag);
        else
            kkr_output_abort(&out);
    }
    code = st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
done:
    if (have_then)
        kkr_rollup_release(&then);
    kkr_followup_release(&fu);
    kkr_report_layout_release(&layout);
    return code;
}

const struct command cmd_report = {
    .name = "report",
    .usage = usage,
    .description = description,
    .opts = options,
    .epilogue = epilogue,
    .operands_min = 1,
    .operands_max = 1,
    .operands_error = "expected one workbook folder",
    .init = init,
    .check = check,
    .exec = exec,
};
