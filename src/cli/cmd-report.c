/* cmd-report.c — kkr report: the follow-up tables for the nämnd */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kkr/followup.h"
#include "kkr/output.h"
#include "kkr/rollup.h"
#include "kkr/sheet.h"

static const char usage[] =
    "usage: kkr report DIR [options]\n"
    "\n"
    "The follow-up tables (budgetuppföljning) of the workbook in DIR: per slag and per\n"
    "verksamhet, ackumulerat period and helår, in kkr.\n"
    "\n"
    "  --format FMT        text (default), csv, md, json or xlsx (with -o FILE.xlsx: each\n"
    "                      table a sheet, real numbers in Swedish number formats)\n"
    "  --unit UNIT         kkr (default), kr or mnkr\n"
    "  --period YYYYMM     the last month of the period (default: the latest month with utfall)\n"
    "  --table TABLE       verksamhet or slag (csv: one table per run, default verksamhet);\n"
    "                      investering (investeringar.csv);\n"
    "                      prognoshistorik (the locked prognos month by month);\n"
    "                      sammanfattning (the drafted summary, text or md; with --measures)\n"
    "  --columns LIST      the columns in order, replacing the default set, or +COLUMN,... to\n"
    "                      add to it: budget_period, utfall_period, avvikelse_period,\n"
    "                      utfall_procent, riktpunkt, budget_helår, prognos_helår,\n"
    "                      avvikelse_helår, utfall_helår, förändring, prognos_föregående,\n"
    "                      utfall_period_fg, förändring_fg, förändring_fg_procent,\n"
    "                      budget_helår_fg, utfall_helår_fg, avvikelse_helår_fg; SLAG:COLUMN\n"
    "                      for one slag or typ, COLUMN=Rubrik for its heading; standard\n"
    "  --sign SIGN         nettokostnad (default: costs positive) or resultat (revenues\n"
    "                      positive); avvikelse is positive when better under both\n"
    "  --decimals N        decimals of amounts, 0-2 (default 0, mnkr 1)\n"
    "  --percent-decimals N  decimals of the % columns, 0-2 (default 1)\n"
    "  --total-label TEXT  the total row's label (default Verksamhetens nettokostnad)\n"
    "  --compare YYYYMM    add the change of helår avvikelse against a locked snapshot\n"
    "  --depth N           show the first N levels of the tree (a kommun's nämnder: 1)\n"
    "  --excel             CSV for Swedish Excel: UTF-8 BOM, ';', decimal comma\n"
    "  -o, --output FILE   write to FILE (atomically) instead of standard output\n"
    /* -- forecast (issue 3): usage -- */
    "  --forecast METHOD   fill helår prognos where prognos.csv has none: budget, runrate,\n"
    "                      trend, seasonal, ets or auto (marked as computed)\n"
    "  --level LEVEL       interval level for --forecast (default 80 %)\n"
    /* -- chart (issue 5): usage -- */
    "  --pdf FILE          write the A4 nämnd report (tables, comments, charts) as PDF\n"
    "  --measures FILE     with --pdf: add the bridge (brygga) of these measures\n"
    "  --baseline YYYYMM   with --measures: the bridge starts from a locked snapshot (the\n"
    "                      measures taken since), not from the current prognos\n"
    "\n"
    "The layout options may be saved in bok.conf as kolumner, tecken, decimaler,\n"
    "procentdecimaler, enhet and totalrad; the command line wins.\n"
    "";

enum {
    OPT_FORMAT = 256, OPT_UNIT, OPT_PERIOD, OPT_TABLE, OPT_COLUMNS, OPT_COMPARE, OPT_EXCEL,
    OPT_FORECAST, OPT_PDF, OPT_MEASURES, OPT_LEVEL, OPT_BASELINE, OPT_SIGN, OPT_DECIMALS,
    OPT_PERCENT_DECIMALS, OPT_TOTAL_LABEL, OPT_DEPTH,
};

static int run(int argc, char **argv)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"unit", required_argument, NULL, OPT_UNIT},
        {"period", required_argument, NULL, OPT_PERIOD},
        {"table", required_argument, NULL, OPT_TABLE},
        {"columns", required_argument, NULL, OPT_COLUMNS},
        {"compare", required_argument, NULL, OPT_COMPARE},
        {"excel", no_argument, NULL, OPT_EXCEL},
        {"output", required_argument, NULL, 'o'},
        {"forecast", required_argument, NULL, OPT_FORECAST},
        {"level", required_argument, NULL, OPT_LEVEL},
        {"pdf", required_argument, NULL, OPT_PDF},
        {"measures", required_argument, NULL, OPT_MEASURES},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"sign", required_argument, NULL, OPT_SIGN},
        {"decimals", required_argument, NULL, OPT_DECIMALS},
        {"percent-decimals", required_argument, NULL, OPT_PERCENT_DECIMALS},
        {"total-label", required_argument, NULL, OPT_TOTAL_LABEL},
        {"depth", required_argument, NULL, OPT_DEPTH},
        {0},
    };
    struct kkr_report_options opt;
    kkr_report_options_init(&opt);
    const char *period_arg = NULL, *compare_arg = NULL, *output = "-", *table_arg = NULL;
    const char *forecast_arg = NULL, *level_arg = NULL, *pdf_arg = NULL, *measures_arg = NULL;
    const char *baseline_arg = NULL;
    bool output_given = false;
    struct cli_layout_args lay = {0};
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT:
            if (!cli_parse_format(optarg, &opt.format))
                return EXIT_BAD_INPUT;
            break;
        case OPT_UNIT:
            if (!cli_parse_unit(optarg, &opt.unit))
                return EXIT_BAD_INPUT;
            lay.unit_given = true;
            break;
        case OPT_PERIOD: period_arg = optarg; break;
        case OPT_TABLE: table_arg = optarg; break;
        case OPT_COLUMNS: lay.columns = optarg; break;
        case OPT_SIGN: lay.sign = optarg; break;
        case OPT_DECIMALS: lay.decimals = optarg; break;
        case OPT_PERCENT_DECIMALS: lay.percent_decimals = optarg; break;
        case OPT_TOTAL_LABEL: lay.total_label = optarg; break;
        case OPT_COMPARE: compare_arg = optarg; break;
        case OPT_EXCEL: opt.excel = true; break;
        case 'o': output = optarg; output_given = true; break;
        case OPT_FORECAST: forecast_arg = optarg; break;
        case OPT_LEVEL: level_arg = optarg; break;
        case OPT_PDF: pdf_arg = optarg; break;
        case OPT_MEASURES: measures_arg = optarg; break;
        case OPT_BASELINE: baseline_arg = optarg; break;
        case OPT_DEPTH: {
            char *end;
            long d = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end || d < 1 || d > 1000) {
                cli_error("--depth '%s': expected the number of levels to show, 1 or more",
                          optarg);
                return EXIT_BAD_INPUT;
            }
            opt.depth = (int)d;
            break;
        }
        default: return cli_option_error(&cmd_report, argc, argv, "o:");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(&cmd_report, "expected one workbook folder");
    if (table_arg) {
        if (!cli_table_name(table_arg, &opt.tables) && !cli_report_table_is_extra(table_arg))
            return cli_usage_error(&cmd_report, "--table '%s': expected verksamhet, slag, "
                                   "investering, prognoshistorik or sammanfattning", table_arg);
    } else if (opt.format == KKR_FORMAT_CSV) {
        opt.tables = KKR_TABLES_UNITS;
    }
    if (opt.format == KKR_FORMAT_XLSX && !output_given)
        return cli_usage_error(&cmd_report, "--format xlsx needs -o FILE.xlsx (or -o - )");
    if (opt.excel && opt.format != KKR_FORMAT_CSV && opt.format != KKR_FORMAT_XLSX)
        opt.format = KKR_FORMAT_CSV;
    if (!cli_layout_check(&lay))
        return EXIT_BAD_INPUT;

    int code;
    struct kkr_workbook *wb = cli_load_workbook(argv[optind], &code);
    if (!wb)
        return code;
    int period = wb->last_actual_month;
    if (period_arg && !cli_parse_period(wb, period_arg, &period)) {
        kkr_workbook_free(wb);
        return EXIT_BAD_INPUT;
    }

    struct kkr_report_layout layout;
    code = cli_layout_apply(wb, &lay, compare_arg != NULL, &opt, &layout);
    if (code != EXIT_OK) {
        kkr_workbook_free(wb);
        return code;
    }
    struct kkr_diag diag;
    enum kkr_status st = KKR_OK;
    struct kkr_followup fu;
    code = cli_followup_build(wb, period, forecast_arg, level_arg, &fu);
    if (code != EXIT_OK) {
        kkr_report_layout_release(&layout);
        kkr_workbook_free(wb);
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
            kkr_workbook_free(wb);
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
        kkr_workbook_free(wb);
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
    kkr_workbook_free(wb);
    return code;
}

const struct command cmd_report = {
    .name = "report",
    .run = run,
    .summary = "the follow-up tables (text, csv, md, json, xlsx)",
    .usage = usage,
};
