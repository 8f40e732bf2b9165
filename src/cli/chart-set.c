/* chart-set.c — the chart set of kkr chart and of kkr report --pdf: the band, the bridge */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kkr/chart.h"
#include "kkr/followup.h"
#include "kkr/scenario.h"

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

int cli_chart_set_build(const struct kkr_workbook *wb, const struct kkr_followup *fu,
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
    int code = cli_chart_set_build(wb, fu, unit, -1, measures_path, baseline_arg, &set);
    if (code != EXIT_OK)
        return code;
    struct cli_document parts;
    code = cli_document_build(wb, &fu->rollup, unit, measures_path, &parts);
    if (code != EXIT_OK) {
        kkr_chart_set_release(&set);
        return code;
    }
    struct kkr_report_document doc = {parts.parts.markdown, parts.summary,
                                      parts.parts.history};
    struct kkr_diag diag;
    enum kkr_status st =
        kkr_chart_report_write_layout(pdf_path, wb, &fu->rollup, &set, ropt, &doc, &diag);
    cli_document_release(&parts);
    kkr_chart_set_release(&set);
    return st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
}

