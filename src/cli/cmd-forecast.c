/* cmd-forecast.c — kkr forecast: full-year forecasts with intervals and backtests */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kkr/accuracy.h"
#include "kkr/forecast-write.h"
#include "kkr/forecast.h"
#include "kkr/output.h"
#include "kkr/rollup.h"
#include "kkr/sheet.h"

static const char usage[] = "usage: kkr forecast DIR [options]\n";
static const char description[] =
    "Full-year forecasts (helårsprognos) per verksamhet and slag with an interval, rolled up\n"
    "to parents and the total; or the accuracy of the methods on earlier years.\n";

/* ---- --backtest ---- */

struct case_sink {
    FILE *fp;
    const struct kkr_workbook *wb;
};

static void write_case(void *userdata, int unit, int kind, int year, int k, int method,
                       double full, double low, double high, double outcome)
{
    struct case_sink *sink = userdata;
    /* the kod as a CSV text cell: quoted when needed, formula-like text neutralised */
    kkr_csv_write_text(sink->fp, sink->wb->units[unit].code, ';');
    fprintf(sink->fp, ";%s;%d;%d;%s;%.2f;%.2f;%.2f;%.2f\n", sink->wb->slag[kind].code,
            year, k, kkr_backtest_method_name(method), full, low, high, outcome);
}

static int run_backtest(FILE *out, const struct kkr_workbook *wb, const struct kkr_forecast_options *fopt,
                        enum kkr_format format, const char *cases_path, const char *xlsx_path)
{
    struct kkr_diag diag;
    struct kkr_output cases_out;
    struct case_sink sink = {NULL, wb};
    enum kkr_status st;
    if (cases_path) {
        st = kkr_output_open(&cases_out, cases_path, false, &diag);
        if (st != KKR_OK)
            return cli_fail_diag(&diag, st);
        sink.fp = cases_out.fp;
        fputs("kod;slag;år;k;metod;prognos;låg;hög;utfall\n", sink.fp);
    }
    struct kkr_backtest_summary sum;
    st = kkr_backtest_workbook(wb, fopt, &sum, cases_path ? write_case : NULL, &sink, &diag);
    if (cases_path) {
        if (st == KKR_OK)
            st = kkr_output_commit(&cases_out, &diag);
        else
            kkr_output_abort(&cases_out);
    }
    if (st != KKR_OK)
        return cli_fail_diag(&diag, st);
    if (xlsx_path) {
        /* a sheet with the text output's Swedish headings, not the CSV's names */
        struct kkr_sheet_doc doc;
        kkr_sheet_doc_init(&doc);
        kkr_backtest_summary_sheet(&doc, wb, &sum, fopt->level);
        st = kkr_sheet_doc_write_xlsx(&doc, xlsx_path, false, &diag);
        kkr_sheet_doc_release(&doc);
    } else {
        st = kkr_backtest_summary_write(out, &sum, fopt->level, format, &diag);
    }
    return st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
}

/* ---- --accuracy ---- */

static int accuracy_depth; /* --depth: 0 = the format's default */

static int run_accuracy(const struct kkr_workbook *wb, FILE *out, enum kkr_format format,
                        enum kkr_display_unit unit, const char *path)
{
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    struct kkr_accuracy *a = NULL;
    enum kkr_status st = kkr_accuracy_build(wb, &a, &diag, &warn);
    cli_print_warnings(&warn);
    kkr_warnings_release(&warn);
    if (st == KKR_ERR_NOT_FOUND) {
        cli_error("%s", diag.message);
        return EXIT_CHECK_FAILED;
    }
    if (st == KKR_OK && format == KKR_FORMAT_XLSX) {
        struct kkr_sheet_doc doc;
        kkr_sheet_doc_init(&doc);
        kkr_accuracy_sheet(&doc, wb, a, unit, accuracy_depth);
        kkr_sheet_doc_set_info(&doc, "Prognossäkerhet", wb->organisation,
                               kkr_sheet_doc_date(wb->year, wb->last_actual_month));
        st = kkr_sheet_doc_write_xlsx(&doc, path, false, &diag);
        kkr_sheet_doc_release(&doc);
    } else if (st == KKR_OK) {
        st = kkr_accuracy_write(out, wb, a, format, unit, accuracy_depth, &diag);
    }
    kkr_accuracy_free(a);
    return st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
}

/* ---- where the output goes: stdout, a file, or a CSV in memory that becomes an xlsx ---- */

struct sink {
    FILE *fp;
    enum kkr_format format;     /* what is written to fp: xlsx is written as CSV first */
    bool xlsx;
    const char *path;
    struct kkr_output file;
    bool to_file;
    char *mem;
    size_t mem_len;
};

static int sink_open(struct sink *s, const char *path, enum kkr_format format)
{
    memset(s, 0, sizeof *s);
    s->format = format;
    s->path = path;
    if (format == KKR_FORMAT_XLSX) {
        s->xlsx = true;
        s->format = KKR_FORMAT_CSV;
        s->fp = open_memstream(&s->mem, &s->mem_len);
        if (!s->fp) {
            cli_error("out of memory");
            return EXIT_BAD_INPUT;
        }
        return EXIT_OK;
    }
    if (!path || strcmp(path, "-") == 0) {
        s->fp = stdout;
        return EXIT_OK;
    }
    struct kkr_diag diag;
    enum kkr_status st = kkr_output_open(&s->file, path, false, &diag);
    if (st != KKR_OK)
        return cli_fail_diag(&diag, st);
    s->to_file = true;
    s->fp = s->file.fp;
    return EXIT_OK;
}

/* The outline level of a forecast row: its unit's depth (kod in the first field). */
static int level_of_code(void *ctx, char *const *fields, size_t n)
{
    const struct kkr_workbook *wb = ctx;
    int u = n ? kkr_workbook_find_unit(wb, fields[0], strlen(fields[0])) : -1;
    return u >= 0 ? wb->units[u].depth : 0;
}

/* Finishes the output: commits the file, or turns the CSV into a sheet and writes the xlsx.
 * title NULL: abandon. Returns the exit code. */
static int sink_close(struct sink *s, const struct kkr_workbook *wb, int code, const char *title,
                      int year, int period)
{
    struct kkr_diag diag;
    enum kkr_status st = KKR_OK;
    if (s->xlsx) {
        if (fclose(s->fp) != 0)
            st = kkr_fail(&diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
        if (st == KKR_OK && code == EXIT_OK && title) {
            struct kkr_sheet_doc doc;
            kkr_sheet_doc_init(&doc);
            struct kkr_sheet *sh = kkr_sheet_add(&doc, title);
            kkr_sheet_add_title(&doc, sh, "%s %d", title, wb->year);
            if (wb->organisation || wb->committee)
                kkr_sheet_add_title(&doc, sh, "%s%s%s", wb->organisation ? wb->organisation : "",
                                    wb->organisation && wb->committee ? ", " : "",
                                    wb->committee ? wb->committee : "");
            st = kkr_sheet_from_csv(&doc, sh, s->mem, s->mem_len, "kod,slag,metod,snapshot",
                                    strcmp(title, "Prognos") == 0 ? level_of_code : NULL,
                                    (void *)wb, &diag);
            kkr_sheet_doc_set_info(&doc, title, wb->organisation, kkr_sheet_doc_date(year, period));
            if (st == KKR_OK && sh && sh->col_count > 1 && strcmp(sh->cols[1].heading, "slag") == 0)
                sh->freeze_cols = 2;
            if (st == KKR_OK)
                st = kkr_sheet_doc_write_xlsx(&doc, s->path, false, &diag);
            kkr_sheet_doc_release(&doc);
        }
        free(s->mem);
    } else if (s->to_file) {
        if (code == EXIT_OK && title)
            st = kkr_output_commit(&s->file, &diag);
        else
            kkr_output_abort(&s->file);
    }
    memset(s, 0, sizeof *s);
    if (st != KKR_OK)
        return cli_fail_diag(&diag, st);
    return code;
}

static const char *method_arg = "auto", *period_arg, *cases_arg, *output;
static struct cli_layout_args lay;  /* --sign and --decimals, as for kkr report */
static enum kkr_format format = KKR_FORMAT_TEXT;
static enum kkr_display_unit unit = KKR_UNIT_KKR;
static struct kkr_forecast_options fopt;
static bool backtest, accuracy;
static const struct kkr_forecast_method *method;

static void init(void)
{
    kkr_forecast_options_init(&fopt);
}

static bool set_format(const struct cli_option *o, const char *arg)
{
    if (!cli_parse_format(arg, o->value))
        return false;
    return true; /* md: with --accuracy only (check) */
}

static bool set_unit(const struct cli_option *o, const char *arg)
{
    lay.unit_given = true;
    return cli_parse_unit(arg, o->value);
}

static const struct cli_option options[] = {
    CLI_OPT_STRING(0, "method", &method_arg, "METHOD",
                   "budget, runrate, trend, seasonal, ets or auto (default)"),
    CLI_OPT_LEVEL(&fopt.level, "interval level, e.g. 80 or 0.8 (default 80 %)"),
    CLI_OPT_CALLBACK(0, "format", &format, "FMT",
                     "text (default), csv, json or xlsx (xlsx with -o FILE.xlsx);\n"
                     "md with --accuracy", set_format),
    CLI_OPT_STRING('o', "output", &output, "FILE",
                   "write to FILE (atomically) instead of standard output"),
    CLI_OPT_CALLBACK(0, "unit", &unit, "UNIT", "kkr (default, or bok.conf's enhet), kr or mnkr",
                     set_unit),
    CLI_OPT_STRING(0, "sign", &lay.sign, "SIGN",
                   "nettokostnad (default: costs positive) or resultat (revenues\n"
                   "positive; låg and hög swap); avvikelse is positive when better"),
    CLI_OPT_STRING(0, "decimals", &lay.decimals, "N",
                   "decimals of amounts, 0-2 (default 0, mnkr 1); bok.conf's tecken,\n"
                   "decimaler and enhet apply, the command line wins"),
    CLI_OPT_STRING(0, "period", &period_arg, "YYYYMM",
                   "the last month of utfall to use (default: the latest)"),
    CLI_OPT_FLAG(0, "backtest", &backtest,
                 "replay every earlier year month by month: MAPE of the year-end\n"
                 "forecast per method and k, and the share inside the interval"),
    CLI_OPT_STRING(0, "cases", &cases_arg, "FILE",
                   "with --backtest: every case to FILE (kod;slag;år;k;metod;prognos;\n"
                   "låg;hög;utfall, kr)"),
    CLI_OPT_FLAG(0, "accuracy", &accuracy,
                 "prognossäkerhet: each locked month's result against the outcome,\n"
                 "per top-level unit (nämnd) by name; before December is booked,\n"
                 "against the current prognos (the output says so)"),
    CLI_OPT_DEPTH(&accuracy_depth,
                  "with --accuracy: the first N levels of the tree (default: the top\n"
                  "level in text, md and xlsx, every level in csv and json)"),
    CLI_OPT_END(),
};

static int check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (format == KKR_FORMAT_MD && !accuracy) {
        cli_error("--format 'md': expected text, csv, json or xlsx (md goes with --accuracy)");
        return EXIT_BAD_INPUT;
    }
    if (backtest && accuracy)
        return cli_usage_error(&cmd_forecast, "--backtest and --accuracy are separate runs");
    if (cases_arg && !backtest)
        return cli_usage_error(&cmd_forecast, "--cases needs --backtest");
    if ((lay.sign || lay.decimals) && (backtest || accuracy))
        return cli_usage_error(&cmd_forecast, "--%s goes with the forecast table, not with "
                               "--%s", lay.sign ? "sign" : "decimals",
                               backtest ? "backtest" : "accuracy");
    if (accuracy_depth && !accuracy)
        return cli_usage_error(&cmd_forecast, "--depth goes with --accuracy");
    if (period_arg && (backtest || accuracy))
        /* (a backtest replays every month of every year; the prognossäkerhet is read from
         * the locked snapshots of the workbook's year) */
        return cli_usage_error(&cmd_forecast, "--period goes with the forecast table, not "
                               "with --%s", backtest ? "backtest" : "accuracy");
    if (!cli_layout_check(&lay))
        return EXIT_BAD_INPUT;
    if (format == KKR_FORMAT_XLSX && !output)
        return cli_usage_error(&cmd_forecast, "--format xlsx needs -o FILE.xlsx (or -o - )");
    struct kkr_diag diag;
    enum kkr_status st = kkr_forecast_method_find(method_arg, &method, &diag);
    return st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
}

static int exec(struct kkr_workbook *wb, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct kkr_diag diag;
    enum kkr_status st;
    int code;
    if (accuracy && format == KKR_FORMAT_XLSX)
        return run_accuracy(wb, NULL, format, unit, output); /* a sheet of its own, not the CSV */
    if (backtest && format == KKR_FORMAT_XLSX)
        return run_backtest(NULL, wb, &fopt, format, cases_arg, output);
    /* the layout: the command line over bok.conf's tecken, decimaler and enhet */
    enum kkr_sign sign = wb->layout.sign_set ? wb->layout.sign : KKR_SIGN_NET_COST;
    int decimals = wb->layout.decimals;
    if (lay.sign)
        (void)cli_parse_sign(lay.sign, &sign);
    if (lay.decimals)
        decimals = lay.decimals[0] - '0';
    if (!lay.unit_given && wb->layout.unit_set && !backtest && !accuracy)
        unit = wb->layout.unit;
    struct sink out;
    bool xlsx = format == KKR_FORMAT_XLSX && !backtest && !accuracy;
    code = sink_open(&out, xlsx ? NULL : output, xlsx ? KKR_FORMAT_TEXT : format);
    if (code != EXIT_OK)
        return code;
    if (backtest || accuracy) {
        code = backtest ? run_backtest(out.fp, wb, &fopt, out.format, cases_arg, NULL)
                        : run_accuracy(wb, out.fp, out.format, unit, NULL);
        code = sink_close(&out, wb, code, backtest ? "Backtest" : "Prognossäkerhet", wb->year,
                          wb->last_actual_month);
        return code;
    }
    int period = wb->last_actual_month;
    if (period_arg && !cli_parse_period(wb, period_arg, &period)) {
        sink_close(&out, wb, EXIT_BAD_INPUT, NULL, 0, 0);
        return EXIT_BAD_INPUT;
    }
    struct kkr_forecast_set *set = NULL;
    struct kkr_forecast_table table = {0};
    st = kkr_forecast_set_compute(wb, period, method, &fopt, &set, &diag);
    if (st == KKR_OK)
        st = kkr_forecast_table_build(wb, set, &table, &diag);
    if (st == KKR_OK && xlsx) {
        /* a sheet with the text output's Swedish headings, not the CSV's names */
        struct kkr_sheet_doc doc;
        kkr_sheet_doc_init(&doc);
        kkr_forecast_table_sheet(&doc, wb, &table, unit, sign, decimals);
        st = kkr_sheet_doc_write_xlsx(&doc, output, false, &diag);
        kkr_sheet_doc_release(&doc);
    } else if (st == KKR_OK) {
        st = kkr_forecast_table_write_as(out.fp, wb, &table, out.format, unit, sign, decimals,
                                         &diag);
    }
    code = st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
    code = sink_close(&out, wb, code, "Prognos", wb->year, period);
    kkr_forecast_table_release(&table);
    kkr_forecast_set_free(set);
    return code;
}

const struct command cmd_forecast = {
    .name = "forecast",
    .usage = usage,
    .description = description,
    .opts = options,
    .operands_min = 1,
    .operands_max = 1,
    .operands_error = "expected one workbook folder",
    .init = init,
    .check = check,
    .exec = exec,
};
