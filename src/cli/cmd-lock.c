/* cmd-lock.c — kkr lock: freeze the report period's forecast into snapshots/ */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kkr/followup.h"
#include "kkr/snapshot.h"

static const char usage[] =
    "usage: kkr lock DIR [options]\n"
    "\n"
    "Freezes the report period's helår prognos per verksamhet and slag into\n"
    "DIR/snapshots/YYYYMM.csv, as `kkr report` shows it: the figures of prognos.csv (metod\n"
    "'manuell', with their kommentar), and where it has none the computed forecast (--forecast;\n"
    "metod names the method) or the helårsbudget (metod 'helårsbudget'); in a finished year\n"
    "(December booked) its utfall, the bokslut (metod 'utfall'). A snapshot is never overwritten:\n"
    "locking a month twice fails with exit status 1 and leaves the file as it was.\n"
    "\n"
    "  --period YYYYMM     the report period (default: the latest month with utfall)\n"
    "  --forecast METHOD   fill helår prognos where prognos.csv has none: budget, runrate,\n"
    "                      trend, seasonal, ets or auto\n"
    "  --level LEVEL       interval level for --forecast (default 80 %)\n"
    "  --unit UNIT         the summary's unit: kkr (default, or enhet in bok.conf), kr or mnkr\n";

enum { OPT_PERIOD = 256, OPT_FORECAST, OPT_LEVEL, OPT_UNIT };

static const struct option options[] = {
    {"period", required_argument, NULL, OPT_PERIOD},
    {"forecast", required_argument, NULL, OPT_FORECAST},
    {"level", required_argument, NULL, OPT_LEVEL},
    {"unit", required_argument, NULL, OPT_UNIT},
    {0},
};

static int run(int argc, char **argv)
{
    const char *period_arg = NULL, *forecast_arg = NULL, *unit_arg = NULL;
    struct kkr_forecast_options fopt;
    kkr_forecast_options_init(&fopt);
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case OPT_PERIOD: period_arg = optarg; break;
        case OPT_FORECAST: forecast_arg = optarg; break;
        case OPT_UNIT: unit_arg = optarg; break;
        case OPT_LEVEL:
            if (!cli_parse_level(optarg, &fopt.level))
                return EXIT_BAD_INPUT;
            break;
        default: return cli_option_error(&cmd_lock, argc, argv, "");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(&cmd_lock, "expected one workbook folder");
    enum kkr_display_unit unit_check;
    if (unit_arg && !cli_parse_unit(unit_arg, &unit_check))
        return EXIT_BAD_INPUT;
    struct kkr_diag diag;
    const struct kkr_forecast_method *method = NULL;
    enum kkr_status st = KKR_OK;
    if (forecast_arg && (st = kkr_forecast_method_find(forecast_arg, &method, &diag)) != KKR_OK)
        return cli_fail_diag(&diag, st);

    int code;
    struct kkr_workbook *wb = cli_load_workbook(argv[optind], &code);
    if (!wb)
        return code;
    int period = wb->last_actual_month;
    if (period_arg && !cli_parse_period(wb, period_arg, &period)) {
        kkr_workbook_free(wb);
        return EXIT_BAD_INPUT;
    }
    if (period == 0) {
        cli_error("%s: no utfall in %d, nothing to lock; give --period YYYYMM", wb->dir,
                  wb->year);
        kkr_workbook_free(wb);
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
    kkr_workbook_free(wb);
    return code;
}

const struct command cmd_lock = {
    .name = "lock",
    .run = run,
    .summary = "freeze the report period's forecast into snapshots/",
    .usage = usage,
    .flags = CMD_REWRITES_WORKBOOK,
    .options = options,
    .shortopts = "",
    .workbook_option = NULL,
};
