/* cmd-lock.c — kkr lock: freeze the report period's forecast into snapshots/ */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kkr/followup.h"
#include "kkr/snapshot.h"

static const char usage[] = "usage: kkr lock DIR [options]\n";
static const char description[] =
    "Freezes the report period's helår prognos per verksamhet and slag into\n"
    "DIR/snapshots/YYYYMM.csv, as `kkr report` shows it: the figures of prognos.csv (metod\n"
    "'manuell', with their kommentar), and where it has none the computed forecast (--forecast;\n"
    "metod names the method) or the helårsbudget (metod 'helårsbudget'); in a finished year\n"
    "(December booked) its utfall, the bokslut (metod 'utfall'). A snapshot is never overwritten:\n"
    "locking a month twice fails with exit status 1 and leaves the file as it was.\n";

static const char *period_arg, *forecast_arg, *unit_arg;
static struct kkr_forecast_options fopt;
static const struct kkr_forecast_method *method;

static void init(void)
{
    kkr_forecast_options_init(&fopt);
}

static const struct cli_option options[] = {
    CLI_OPT_STRING(0, "period", &period_arg, "YYYYMM",
                   "the report period (default: the latest month with utfall)"),
    CLI_OPT_STRING(0, "forecast", &forecast_arg, "METHOD",
                   "fill helår prognos where prognos.csv has none: budget, runrate,\n"
                   "trend, seasonal, ets or auto"),
    CLI_OPT_LEVEL(&fopt.level, "interval level for --forecast (default 80 %)"),
    CLI_OPT_STRING(0, "unit", &unit_arg, "UNIT",
                   "the summary's unit: kkr (default, or enhet in bok.conf), kr or mnkr"),
    CLI_OPT_END(),
};

static int check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    enum kkr_display_unit unit_check;
    if (unit_arg && !cli_parse_unit(unit_arg, &unit_check))
        return EXIT_BAD_INPUT;
    struct kkr_diag diag;
    enum kkr_status st = KKR_OK;
    if (forecast_arg && (st = kkr_forecast_method_find(forecast_arg, &method, &diag)) != KKR_OK)
        return cli_fail_diag(&diag, st);
    return EXIT_OK;
}

/* prognos.csv and snapshots/ are written under the workbook lock, which main took
 * (CMD_REWRITES_WORKBOOK) before it loaded the workbook */
static int exec(struct kkr_workbook *wb, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int code;
    struct kkr_diag diag;
    enum kkr_status st = KKR_OK;
    int period = wb->last_actual_month;
    if (period_arg && !cli_parse_period(wb, period_arg, &period))
        return EXIT_BAD_INPUT;
    if (period == 0) {
        cli_error("%s: no utfall in %d, nothing to lock; give --period YYYYMM", wb->dir,
                  wb->year);
        return EXIT_BAD_INPUT;
    }

    /* the one follow-up pipeline of `kkr report [--forecast METHOD]`, so the lock freezes
     * what the nämnd saw */
    struct kkr_followup_options fopt_all;
    kkr_followup_options_init(&fopt_all);
    fopt_all.period = period;
    fopt_all.method = method;
    fopt_all.forecast = fopt;
    struct kkr_followup fu;
    struct kkr_snapshot *snap = NULL;
    st = kkr_followup_build(wb, &fopt_all, &fu, &diag);
    const struct kkr_rollup *rollup = &fu.rollup;
    if (st == KKR_OK)
        st = kkr_snapshot_from_rollup(wb, rollup, fu.set, &snap, &diag);
    if (st == KKR_OK)
        st = kkr_snapshot_lock(wb, snap, &diag);
    if (st == KKR_OK) {
        enum kkr_display_unit unit = KKR_UNIT_KKR;
        if (wb->layout.unit_set)
            unit = wb->layout.unit;
        if (unit_arg)
            (void)kkr_display_unit_parse(unit_arg, &unit); /* checked before locking */
        const char *un = kkr_display_unit_name(unit);
        size_t counts[KKR_FORECAST_SOURCES] = {0};
        for (size_t i = 0; i < kkr_workbook_slots(wb); i++)
            counts[rollup->source[i]]++;
        char *path = kkr_snapshot_path(wb, wb->year, period);
        const struct kkr_figures *net = &kkr_rollup_total(rollup)->net;
        char budget[64], forecast[64], variance[64];
        kkr_money_format(budget, sizeof budget, net->budget_full, unit, &KKR_STYLE_TEXT);
        kkr_money_format(forecast, sizeof forecast, net->forecast_full, unit, &KKR_STYLE_TEXT);
        kkr_money_format(variance, sizeof variance, kkr_figures_variance_full(net), unit,
                         &KKR_STYLE_TEXT);
        printf("Låst prognos %s %d: %s\n", kkr_month_name(period), wb->year,
               path ? path : "snapshots/");
        printf("%zu rader: %zu manuell, %zu beräknade%s%s, %zu helårsbudget",
               counts[KKR_FROM_ENTERED] + counts[KKR_FROM_COMPUTED] + counts[KKR_FROM_BUDGET] +
                   counts[KKR_FROM_ACTUAL],
               counts[KKR_FROM_ENTERED], counts[KKR_FROM_COMPUTED], method ? " med " : "",
               method ? method->name : "", counts[KKR_FROM_BUDGET]);
        if (counts[KKR_FROM_ACTUAL])
            printf(", %zu utfall (bokslut)", counts[KKR_FROM_ACTUAL]);
        printf("\nHelår netto: budget %s %s, prognos %s %s, avvikelse %s %s\n", budget, un,
               forecast, un, variance, un);
        free(path);
        code = EXIT_OK;
    } else {
        code = cli_fail_diag(&diag, st);
    }
    kkr_snapshot_free(snap);
    kkr_followup_release(&fu);
    return code;
}

const struct command cmd_lock = {
    .name = "lock",
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
