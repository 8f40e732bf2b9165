/* cmd-chart.c — kkr chart: draw charts as PNG, PDF or SVG; the A4 report for kkr report --pdf */
#include <errno.h>
#include <getopt.h>
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
    "       kkr chart DIR --kind KIND,KIND... -o FOLDER/ [options]\n"
    "\n"
    "Draws the nämnd's charts from the same figures as kkr report. The extension of FILE\n"
    "picks the format: .png, .pdf or .svg.\n"
    "\n"
    "  --kind KIND         avvikelse        helår avvikelse per verksamhet (diverging bars)\n"
    "                      budget-prognos   helårsbudget and prognos per verksamhet\n"
    "                      ackumulerat      cumulative budget, utfall and prognos by month\n"
    "                      brygga           from the baseline through the measures to the\n"
    "                                       result (needs --measures)\n"
    "                      prognoshistorik  the helårsprognos month by month (snapshots/)\n"
    "                      several kinds, comma-separated: those charts into FOLDER\n"
    "  --all               the standard set into FOLDER (brygga only with --measures)\n"
    "  -o, --output PATH   the file, or the folder with --all\n"
    "  --format FMT        png (default), pdf or svg: the format of --all or several kinds\n"
    "  --verksamhet KOD    ackumulerat: one verksamhet (with its Varav units); default total\n"
    "  --forecast METHOD   fill prognos where prognos.csv has none (as kkr report\n"
    "                      --forecast); ackumulerat then shows the 80 % interval band\n"
    "  --measures FILE     brygga: the measures (åtgärder) file\n"
    "  --baseline YYYYMM   brygga: start from a locked snapshot instead of the current forecast\n"
    "  --period YYYYMM     the report period (default: the latest month with utfall)\n"
    "  --unit UNIT         kkr (default), kr or mnkr, as elsewhere (--in UNIT: the same);\n"
    "                      another value names a verksamhet as --verksamhet (deprecated)\n"
    "  --width N           PNG width in pixels (default 1600), PDF/SVG width in points\n"
    "                      (default 576, with --a4 482)\n"
    "  --height N          fixed height (default: from the data)\n"
    "  --dpi N             PNG pixels per inch (default 200; 300 with --a4)\n"
    "  --a4                size for A4: 170 mm wide\n";

enum {
    OPT_KIND = 256, OPT_ALL, OPT_FORMAT, OPT_UNIT, OPT_MEASURES, OPT_BASELINE, OPT_PERIOD,
    OPT_IN, OPT_VERKSAMHET, OPT_WIDTH, OPT_HEIGHT, OPT_DPI, OPT_A4, OPT_FORECAST,
};

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

/* The bridge as waterfall steps; labels point into the bridge (keep it alive). */
static int bridge_steps(const struct kkr_workbook *wb, int period, const char *measures_path,
                        const char *baseline_arg, struct kkr_bridge **bridge,
                        struct kkr_chart_step **steps, size_t *count, char ***labels)
{
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    struct kkr_bridge_options bo;
    kkr_bridge_options_init(&bo);
    bo.period = period;
    if (baseline_arg) {
        int year, month;
        if (!cli_parse_snapshot_month("--baseline", baseline_arg, &year, &month)) {
            return EXIT_BAD_INPUT;
        }
        bo.baseline_year = year;
        bo.baseline_month = month;
    }
    struct kkr_measures *m = NULL;
    enum kkr_status st = kkr_measures_load(measures_path, wb, &m, &diag, &warn);
    if (st == KKR_OK)
        st = kkr_bridge_compute(wb, m, &bo, bridge, &diag, &warn);
    kkr_measures_free(m);
    cli_print_warnings(&warn);
    if (st != KKR_OK)
        return cli_fail_diag(&diag, st);
    const struct kkr_bridge *b = *bridge;
    size_t n = b->step_count + 2 + (b->reconciled ? 2 : 0);
    *steps = calloc(n, sizeof **steps);
    *labels = calloc(n, sizeof **labels);
    if (!*steps || !*labels) {
        cli_error("out of memory");
        return EXIT_BAD_INPUT;
    }
    size_t i = 0;
    (*steps)[i++] = (struct kkr_chart_step){b->baseline_label, b->baseline_ore, true};
    for (size_t k = 0; k < b->step_count; k++) {
        const struct kkr_bridge_step *s = &b->steps[k];
        const char *label = s->label;
        if (s->probability < 1.0) {
            if (asprintf(&(*labels)[i], "%s (sannolikhet %.0f %%)", s->label,
                         s->probability * 100) < 0) {
                cli_error("out of memory");
                return EXIT_BAD_INPUT;
            }
            label = (*labels)[i];
        }
        (*steps)[i++] = (struct kkr_chart_step){label, s->expected_ore, false};
    }
    (*steps)[i++] = (struct kkr_chart_step){"Resultat efter åtgärder", b->result_ore, true};
    if (b->reconciled) {
        (*steps)[i++] = (struct kkr_chart_step){"Oförklarad rest", b->rest_ore, false};
        (*steps)[i++] = (struct kkr_chart_step){b->newer_label, b->newer_ore, true};
    }
    *count = i;
    return EXIT_OK;
}

static void free_labels(char **labels, size_t n)
{
    for (size_t i = 0; labels && i < n; i++)
        free(labels[i]);
    free(labels);
}

/* Builds the chart set for a workbook and roll-up: the bridge from measures when given. */
static int build_set(const struct kkr_workbook *wb, const struct kkr_followup *fu,
                     enum kkr_display_unit unit, int unit_index, const char *measures_path,
                     const char *baseline_arg, struct kkr_chart_set *set)
{
    const struct kkr_rollup *rollup = &fu->rollup;
    struct kkr_chart_set_options so;
    kkr_chart_set_options_init(&so);
    so.unit = unit;
    so.unit_index = unit_index;
    /* with computed forecasts, the band of the chosen unit (or the total) */
    struct kkr_diag band_diag;
    enum kkr_status band_st = kkr_followup_band(wb, fu, unit_index, &so.has_interval,
                                                &so.low_ore, &so.high_ore, &band_diag);
    if (band_st != KKR_OK)
        return cli_fail_diag(&band_diag, band_st);
    struct kkr_bridge *bridge = NULL;
    struct kkr_chart_step *steps = NULL;
    char **labels = NULL;
    size_t nsteps = 0;
    int code = EXIT_OK;
    char sub[256] = "";
    if (measures_path) {
        code = bridge_steps(wb, rollup->period, measures_path, baseline_arg, &bridge, &steps,
                            &nsteps, &labels);
        if (code == EXIT_OK) {
            snprintf(sub, sizeof sub, "scenario %s", bridge->scenario);
            so.steps = steps;
            so.step_count = nsteps;
            so.bridge_subtitle = sub;
        }
    }
    if (code == EXIT_OK) {
        struct kkr_diag diag;
        enum kkr_status st = kkr_chart_set_build(set, wb, rollup, &so, &diag);
        if (st != KKR_OK) {
            kkr_chart_set_release(set);
            code = cli_fail_diag(&diag, st);
        } else {
            /* the set copied the steps; their labels must outlive it */
            set->labels = realloc(set->labels, (set->label_count + nsteps * 2 + 1) *
                                                   sizeof *set->labels);
            for (size_t i = 0; set->labels && i < nsteps; i++) {
                char *copy = strdup(steps[i].label ? steps[i].label : "");
                set->labels[set->label_count++] = copy;
                set->steps[i].label = copy;
            }
            if (!set->labels) {
                cli_error("out of memory");
                code = EXIT_BAD_INPUT;
            }
        }
    }
    free(steps);
    free_labels(labels, nsteps);
    kkr_bridge_free(bridge);
    return code;
}

int cli_chart_report_pdf(const struct kkr_workbook *wb, const struct kkr_followup *fu,
                         const struct kkr_report_options *ropt, const char *pdf_path,
                         const char *measures_path, const char *baseline_arg)
{
    enum kkr_display_unit unit = ropt->unit;
    struct kkr_chart_set set;
    int code = build_set(wb, fu, unit, -1, measures_path, baseline_arg, &set);
    if (code != EXIT_OK)
        return code;
    struct cli_document parts;
    code = cli_document_build(wb, &fu->rollup, unit, measures_path, &parts);
    if (code != EXIT_OK) {
        kkr_chart_set_release(&set);
        return code;
    }
    struct kkr_report_document doc = {parts.markdown, parts.summary, parts.history};
    struct kkr_diag diag;
    enum kkr_status st =
        kkr_chart_report_write_layout(pdf_path, wb, &fu->rollup, &set, ropt, &doc, &diag);
    cli_document_release(&parts);
    kkr_chart_set_release(&set);
    return st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
}

static int write_one(const struct kkr_chart_set *set, enum kkr_chart_kind kind, const char *path,
                     enum kkr_chart_format format, const struct kkr_chart_size *size)
{
    struct kkr_diag diag;
    enum kkr_status st = kkr_chart_write(&set->charts[kind], path, format, size, &diag);
    return st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
}

static int run(int argc, char **argv)
{
    static const struct option options[] = {
        {"kind", required_argument, NULL, OPT_KIND},
        {"all", no_argument, NULL, OPT_ALL},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"unit", required_argument, NULL, OPT_UNIT},
        {"verksamhet", required_argument, NULL, OPT_VERKSAMHET},
        {"measures", required_argument, NULL, OPT_MEASURES},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"period", required_argument, NULL, OPT_PERIOD},
        {"in", required_argument, NULL, OPT_IN},
        {"width", required_argument, NULL, OPT_WIDTH},
        {"height", required_argument, NULL, OPT_HEIGHT},
        {"dpi", required_argument, NULL, OPT_DPI},
        {"a4", no_argument, NULL, OPT_A4},
        {"forecast", required_argument, NULL, OPT_FORECAST},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *kind_arg = NULL, *output = NULL, *format_arg = NULL, *unit_arg = NULL;
    const char *verksamhet_arg = NULL;
    const char *measures = NULL, *baseline = NULL, *period_arg = NULL, *forecast_arg = NULL;
    bool all = false, a4 = false;
    double width = 0, height = 0, dpi = 0;
    enum kkr_display_unit money_unit = KKR_UNIT_KKR;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
        switch (c) {
        case OPT_KIND: kind_arg = optarg; break;
        case OPT_ALL: all = true; break;
        case 'o': output = optarg; break;
        case OPT_FORMAT: format_arg = optarg; break;
        case OPT_UNIT:
            /* the display unit, as in every other command; any other value keeps its old
             * meaning, a verksamhet (warned about below when it names one) */
            if (!kkr_display_unit_parse(optarg, &money_unit))
                unit_arg = optarg;
            break;
        case OPT_VERKSAMHET: verksamhet_arg = optarg; break;
        case OPT_MEASURES: measures = optarg; break;
        case OPT_BASELINE: baseline = optarg; break;
        case OPT_PERIOD: period_arg = optarg; break;
        case OPT_IN:
            if (!kkr_display_unit_parse(optarg, &money_unit)) {
                cli_error("--in '%s': expected kr, kkr or mnkr", optarg);
                return EXIT_BAD_INPUT;
            }
            break;
        case OPT_WIDTH:
            if (!parse_number("--width", optarg, 50, 20000, &width))
                return EXIT_BAD_INPUT;
            break;
        case OPT_HEIGHT:
            if (!parse_number("--height", optarg, 50, 50000, &height))
                return EXIT_BAD_INPUT;
            break;
        case OPT_DPI:
            if (!parse_number("--dpi", optarg, 10, 2400, &dpi))
                return EXIT_BAD_INPUT;
            break;
        case OPT_A4: a4 = true; break;
        case OPT_FORECAST: forecast_arg = optarg; break;
        case 'h': fputs(usage, stdout); return cli_finish_stdout(EXIT_OK);
        default: return cli_option_error(&cmd_chart, argc, argv, "o:h");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(&cmd_chart, "expected one workbook folder");
    if (!output)
        return cli_usage_error(&cmd_chart, "expected -o FILE (or -o FOLDER with --all)");
    if (all == (kind_arg != NULL))
        return cli_usage_error(&cmd_chart, "expected either --kind KIND or --all");
    enum kkr_chart_kind kind = KKR_CHART_AVVIKELSE;
    bool want[KKR_CHART_KINDS] = {false};
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
    bool multi = all || nwant > 1;
    enum kkr_chart_format format = KKR_CHART_PNG;
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

    struct kkr_chart_size size;
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

    int code;
    struct kkr_workbook *wb = cli_load_workbook(argv[optind], &code);
    if (!wb)
        return code;
    int period = wb->last_actual_month > 0 ? wb->last_actual_month : 1;
    int unit_index = -1;
    if (period_arg && !cli_parse_period(wb, period_arg, &period)) {
        kkr_workbook_free(wb);
        return EXIT_BAD_INPUT;
    }
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
            kkr_workbook_free(wb);
            return EXIT_BAD_INPUT;
        }
    }
    struct kkr_diag diag;
    enum kkr_status st = KKR_OK;
    struct kkr_followup fu;
    code = cli_followup_build(wb, period, forecast_arg, NULL, &fu);
    if (code != EXIT_OK) {
        kkr_workbook_free(wb);
        return code;
    }
    struct kkr_chart_set set;
    code = build_set(wb, &fu, money_unit, unit_index, measures, baseline, &set);
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
    kkr_workbook_free(wb);
    return code;
}

const struct command cmd_chart = {
    .name = "chart",
    .run = run,
    .summary = "draw charts as PNG, PDF or SVG",
    .usage = usage,
};
