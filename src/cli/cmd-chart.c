/* cmd-chart.c — kkr chart: draw charts as PNG, PDF or SVG */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "kkr/output.h"
#include "kkr/chart.h"
#include "kkr/followup.h"
#include "kkr/scenario.h"

static const char usage[] =
    "usage: kkr chart DIR --kind KIND -o FILE [options]\n"
    "       kkr chart DIR --all -o FOLDER/ [options]\n"
    "       kkr chart DIR --kind KIND,KIND... -o FOLDER/ [options]\n";
static const char description[] =
    "Draws the nämnd's charts from the same figures as kkr report. The extension of FILE\n"
    "picks the format: .png, .pdf or .svg.\n";

static bool parse_number(const char *opt, const char *arg, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !(v >= lo && v <= hi)) {
        cli_error("%s '%s': expected a number from %g to %g", opt, arg, lo, hi);
        return false;
    }
    *out = v;
    return true;
}

static int write_one(const struct kkr_chart_set *set, enum kkr_chart_kind kind, const char *path,
                     enum kkr_chart_format format, const struct kkr_chart_size *size)
{
    struct kkr_diag diag;
    enum kkr_status st = kkr_chart_write(&set->charts[kind], path, format, size, &diag);
    return st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
}

static const char *kind_arg, *output, *format_arg, *unit_arg, *verksamhet_arg;
static const char *measures, *baseline, *period_arg, *forecast_arg;
static bool all, a4;
static double width, height, dpi;
static enum kkr_display_unit money_unit = KKR_UNIT_KKR;
/* from the options, before the workbook is loaded */
static bool want[KKR_CHART_KINDS], multi;
static enum kkr_chart_kind kind = KKR_CHART_AVVIKELSE;
static enum kkr_chart_format format = KKR_CHART_PNG;
static struct kkr_chart_size size;

static bool set_unit(const struct cli_option *o, const char *arg)
{
    /* the display unit, as in every other command; any other value keeps its old meaning, a
     * verksamhet (warned about when it names one) */
    (void)o;
    if (!kkr_display_unit_parse(arg, &money_unit))
        unit_arg = arg;
    return true;
}

static bool set_in(const struct cli_option *o, const char *arg)
{
    (void)o;
    if (!kkr_display_unit_parse(arg, &money_unit)) {
        cli_error("--in '%s': expected kr, kkr or mnkr", arg);
        return false;
    }
    return true;
}

static bool set_width(const struct cli_option *o, const char *arg)
{
    return parse_number("--width", arg, 50, 20000, o->value);
}

static bool set_height(const struct cli_option *o, const char *arg)
{
    return parse_number("--height", arg, 50, 50000, o->value);
}

static bool set_dpi(const struct cli_option *o, const char *arg)
{
    return parse_number("--dpi", arg, 10, 2400, o->value);
}

static const struct cli_option options[] = {
    CLI_OPT_STRING(0, "kind", &kind_arg, "KIND",
                   "avvikelse        helår avvikelse per verksamhet (diverging bars)\n"
                   "budget-prognos   helårsbudget and prognos per verksamhet\n"
                   "ackumulerat      cumulative budget, utfall and prognos by month\n"
                   "brygga           from the baseline through the measures to the\n"
                   "                 result (needs --measures)\n"
                   "prognoshistorik  the helårsprognos month by month (snapshots/)\n"
                   "several kinds, comma-separated: those charts into FOLDER"),
    CLI_OPT_FLAG(0, "all", &all, "the standard set into FOLDER (brygga only with --measures)"),
    CLI_OPT_STRING('o', "output", &output, "PATH", "the file, or the folder with --all"),
    CLI_OPT_STRING(0, "format", &format_arg, "FMT",
                   "png (default), pdf or svg: the format of --all or several kinds"),
    CLI_OPT_STRING(0, "verksamhet", &verksamhet_arg, "KOD",
                   "ackumulerat: one verksamhet (with its Varav units); default total"),
    CLI_OPT_STRING(0, "forecast", &forecast_arg, "METHOD",
                   "fill prognos where prognos.csv has none (as kkr report\n"
                   "--forecast); ackumulerat then shows the 80 % interval band"),
    CLI_OPT_STRING(0, "measures", &measures, "FILE", "brygga: the measures (åtgärder) file"),
    CLI_OPT_STRING(0, "baseline", &baseline, "YYYYMM",
                   "brygga: start from a locked snapshot instead of the current forecast"),
    CLI_OPT_STRING(0, "period", &period_arg, "YYYYMM",
                   "the report period (default: the latest month with utfall)"),
    CLI_OPT_CALLBACK(0, "unit", NULL, "UNIT",
                     "kkr (default), kr or mnkr, as elsewhere (--in UNIT: the same);\n"
                     "another value names a verksamhet as --verksamhet (deprecated)", set_unit),
    CLI_OPT_CALLBACK(0, "in", NULL, "UNIT", NULL, set_in),
    CLI_OPT_CALLBACK(0, "width", &width, "N",
                     "PNG width in pixels (default 1600), PDF/SVG width in points\n"
                     "(default 576, with --a4 482)", set_width),
    CLI_OPT_CALLBACK(0, "height", &height, "N", "fixed height (default: from the data)",
                     set_height),
    CLI_OPT_CALLBACK(0, "dpi", &dpi, "N", "PNG pixels per inch (default 200; 300 with --a4)",
                     set_dpi),
    CLI_OPT_FLAG(0, "a4", &a4, "size for A4: 170 mm wide"),
    CLI_OPT_HELP(),
    CLI_OPT_END(),
};

static int check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!output)
        return cli_usage_error(&cmd_chart, "expected -o FILE (or -o FOLDER with --all)");
    if (all == (kind_arg != NULL))
        return cli_usage_error(&cmd_chart, "expected either --kind KIND or --all");
    int nwant = 0;
    for (const char *p = kind_arg; p && *p;) {
        size_t len = strcspn(p, ",");
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), p);
        if (len >= sizeof name || !kkr_chart_kind_parse(name, &kind))
            return cli_usage_error(&cmd_chart,
                                   "--kind '%.*s': expected avvikelse, budget-prognos, "
                                   "ackumulerat, brygga or prognoshistorik", (int)len, p);
        nwant += !want[kind];
        want[kind] = true;
        p += len + (p[len] == ',');
    }
    /* several kinds go into a folder, like --all */
    multi = all || nwant > 1;
    if (multi && format_arg) {
        if (strcmp(format_arg, "png") == 0)
            format = KKR_CHART_PNG;
        else if (strcmp(format_arg, "pdf") == 0)
            format = KKR_CHART_PDF;
        else if (strcmp(format_arg, "svg") == 0)
            format = KKR_CHART_SVG;
        else
            return cli_usage_error(&cmd_chart, "--format '%s': expected png, pdf or svg",
                                   format_arg);
    } else if (!multi) {
        if (format_arg)
            return cli_usage_error(&cmd_chart, "--format goes with --all or several kinds; for "
                                               "one chart the extension of -o picks the format");
        if (!kkr_chart_format_from_path(output, &format))
            return cli_usage_error(&cmd_chart, "-o '%s': expected a name ending in .png, .pdf "
                                               "or .svg", output);
    }
    if (kind_arg && want[KKR_CHART_BRYGGA] && !measures)
        return cli_usage_error(&cmd_chart, "--kind brygga needs --measures FILE");
    if (baseline && !measures)
        return cli_usage_error(&cmd_chart, "--baseline goes with --measures");

    if (a4)
        kkr_chart_size_a4(&size);
    else
        kkr_chart_size_slide(&size);
    if (dpi > 0)
        size.dpi = dpi;
    if (format == KKR_CHART_PNG) {
        /* --width is pixels: the logical width follows from the dpi */
        double px = width > 0 ? width : (a4 ? size.width_pt * size.dpi / 72.0 : 1600.0);
        size.width_pt = px * 72.0 / size.dpi;
        if (height > 0)
            size.height_pt = height * 72.0 / size.dpi;
    } else {
        if (width > 0)
            size.width_pt = width;
        if (height > 0)
            size.height_pt = height;
    }

    return EXIT_OK;
}

static int exec(struct kkr_workbook *wb, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int code;
    int period = wb->last_actual_month > 0 ? wb->last_actual_month : 1;
    int unit_index = -1;
    if (period_arg && !cli_parse_period(wb, period_arg, &period))
        return EXIT_BAD_INPUT;
    const char *unit_option = verksamhet_arg ? "--verksamhet" : "--unit";
    if (verksamhet_arg)
        unit_arg = verksamhet_arg;
    if (unit_arg) {
        unit_index = kkr_workbook_find_unit(wb, unit_arg, strlen(unit_arg));
        if (unit_index >= 0 && !verksamhet_arg)
            cli_warning("--unit '%s' for a verksamhet is deprecated, use --verksamhet '%s' "
                        "(--unit is the display unit: kr, kkr or mnkr)", unit_arg, unit_arg);
        if (unit_index < 0) {
            cli_error("%s '%s': no such verksamhet in verksamheter.csv", unit_option, unit_arg);
            return EXIT_BAD_INPUT;
        }
    }
    struct kkr_diag diag;
    enum kkr_status st = KKR_OK;
    struct kkr_followup fu;
    code = cli_followup_build(wb, period, forecast_arg, NULL, &fu);
    if (code != EXIT_OK)
        return code;
    struct kkr_chart_set set;
    code = cli_chart_set_build(wb, &fu, money_unit, unit_index, measures, baseline, &set);
    if (code == EXIT_OK) {
        if (!multi) {
            code = write_one(&set, kind, output, format, &size);
        } else {
            if (mkdir(output, 0777) != 0 && errno != EEXIST) {
                cli_error("%s: cannot create folder: %s", output, strerror(errno));
                code = EXIT_BAD_INPUT;
            }
            static const char *const ext[] = {"png", "pdf", "svg"};
            size_t len = strlen(output);
            const char *sep = len > 0 && output[len - 1] == '/' ? "" : "/";
            /* all or nothing: every chart to its temporary, then all renamed (DESIGN §4) */
            struct kkr_output_set files;
            kkr_output_set_init(&files);
            for (int k = 0; k < KKR_CHART_KINDS && code == EXIT_OK; k++) {
                if (!set.present[k] || (!all && !want[k]))
                    continue;
                char path[4096];
                snprintf(path, sizeof path, "%s%s%s.%s", output, sep,
                         kkr_chart_kind_name((enum kkr_chart_kind)k), ext[format]);
                struct kkr_output *o;
                st = kkr_output_set_open(&files, path, &o, &diag);
                if (st == KKR_OK)
                    st = kkr_chart_write_to(&set.charts[k], o, format, &size, &diag);
                if (st == KKR_OK)
                    st = kkr_output_set_finish(&files, o, &diag);
                if (st != KKR_OK)
                    code = cli_fail_diag(&diag, st);
            }
            if (code == EXIT_OK && (st = kkr_output_set_commit(&files, &diag)) != KKR_OK)
                code = cli_fail_diag(&diag, st);
            kkr_output_set_abort(&files);
        }
        kkr_chart_set_release(&set);
    }
    kkr_followup_release(&fu);
    return code;
}

const struct command cmd_chart = {
    .name = "chart",
    .usage = usage,
    .description = description,
    .opts = options,
    .operands_min = 1,
    .operands_max = 1,
    .operands_error = "expected one workbook folder",
    .check = check,
    .exec = exec,
};
