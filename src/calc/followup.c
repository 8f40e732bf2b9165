/* followup.c — the follow-up pipeline that report, lock and chart share */
#include <string.h>

#include "kkr/followup.h"

void kkr_followup_options_init(struct kkr_followup_options *opt)
{
    memset(opt, 0, sizeof *opt);
    kkr_forecast_options_init(&opt->forecast);
}

enum kkr_status kkr_followup_build(const struct kkr_workbook *wb,
                                   const struct kkr_followup_options *opt,
                                   struct kkr_followup *out, struct kkr_diag *diag)
{
    memset(out, 0, sizeof *out);
    out->period = opt->period;
    enum kkr_status st = KKR_OK;
    if (opt->method) {
        st = kkr_forecast_set_compute(wb, opt->period, opt->method, &opt->forecast, &out->set,
                                      diag);
        if (st != KKR_OK)
            return st;
        out->fill = kkr_forecast_set_fill(out->set);
    }
    /* the roll-up holds copies of the filled figures; the set stays for the intervals */
    st = kkr_rollup_build(wb, opt->period, out->set ? &out->fill : NULL, &out->rollup, diag);
    if (st != KKR_OK) {
        kkr_forecast_set_free(out->set);
        memset(out, 0, sizeof *out);
    }
    return st;
}

void kkr_followup_release(struct kkr_followup *f)
{
    if (!f)
        return;
    kkr_rollup_release(&f->rollup);
    kkr_forecast_set_free(f->set);
    memset(f, 0, sizeof *f);
}

enum kkr_status kkr_followup_band(const struct kkr_workbook *wb, const struct kkr_followup *f,
                                  int unit, bool *has, int64_t *low_ore, int64_t *high_ore,
                                  struct kkr_diag *diag)
{
    *has = false;
    const struct kkr_rollup *r = &f->rollup;
    if (!f->set || !r->rows)
        return KKR_OK;
    double var = 0;
    for (size_t u = 0; u < wb->unit_count; u++) {
        if (unit >= 0 && !kkr_workbook_unit_within(wb, (int)u, unit))
            continue;
        for (int k = 0; k < (int)wb->slag_count; k++) {
            size_t i = kkr_workbook_slot(wb, (int)u, k);
            if (r->source[i] == KKR_FROM_COMPUTED && f->set->has[i])
                var += f->set->sd[i] * f->set->sd[i];
        }
    }
    if (!(var > 0))
        return KKR_OK;
    const struct kkr_rollup_row *sel = kkr_rollup_total(r);
    for (size_t i = 0; unit >= 0 && i < r->row_count; i++)
        if (r->rows[i].unit == unit)
            sel = &r->rows[i];
    enum kkr_status st = kkr_forecast_band(var, f->set->level, sel->net.forecast_full, low_ore,
                                           high_ore, diag);
    *has = st == KKR_OK;
    return st;
}
