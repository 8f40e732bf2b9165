/* cmd-check.c — kkr check: load and validate a workbook, print what it holds */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kkr/rollup.h"
#include "kkr/text.h"

static const char usage[] = "usage: kkr check DIR\n";
static const char description[] =
    "Loads and validates the workbook in DIR (verksamheter.csv, budget.csv, utfall.csv and the\n"
    "optional prognos.csv, periodisering.csv, bok.conf) and prints a summary: units, months,\n"
    "totals and warnings. Exit 0 when the workbook is valid, 2 with file:line:column otherwise.\n";

/* Prints a label padded to a fixed width in characters (printf pads bytes, and å is two). */
static void label(const char *text)
{
    size_t w = kkr_utf8_width(text, strlen(text));
    fputs(text, stdout);
    for (; w < 24; w++)
        fputc(' ', stdout);
}

static void print_kkr(const char *text, int64_t ore)
{
    char buf[64];
    kkr_money_format(buf, sizeof buf, ore, KKR_UNIT_KKR, &KKR_STYLE_TEXT);
    label(text);
    printf("%12s kkr\n", buf);
}

static int exec(struct kkr_workbook *wb, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    size_t leaves = 0, entered = 0, comments = 0, with_amounts = 0;
    int max_depth = 0;
    for (size_t u = 0; u < wb->unit_count; u++) {
        leaves += wb->units[u].is_leaf;
        if (wb->units[u].depth > max_depth)
            max_depth = wb->units[u].depth;
        for (int k = 0; k < (int)wb->slag_count; k++) {
            entered += wb->forecast_has[kkr_workbook_slot(wb, (int)u, k)];
            comments += wb->forecast_comment[kkr_workbook_slot(wb, (int)u, k)] != NULL;
        }
    }
    struct kkr_rollup r;
    struct kkr_diag diag;
    enum kkr_status st = kkr_rollup_build(wb, wb->last_actual_month, NULL, &r, &diag);
    if (st != KKR_OK)
        return cli_fail_diag(&diag, st);
    /* every locked snapshot loads too: a corrupt one fails here, not in next month's report */
    int *periods = NULL;
    size_t nsnap = 0;
    st = kkr_snapshot_list(wb, &periods, &nsnap, &diag);
    for (size_t i = 0; st == KKR_OK && i < nsnap; i++) {
        struct kkr_snapshot *snap = NULL;
        struct kkr_warnings warn;
        kkr_warnings_init(&warn);
        st = kkr_snapshot_load(wb, periods[i] / 100, periods[i] % 100, &snap, &diag, &warn);
        cli_print_warnings(&warn);
        kkr_warnings_release(&warn);
        kkr_snapshot_free(snap);
    }
    if (st != KKR_OK) {
        free(periods);
        kkr_rollup_release(&r);
        return cli_fail_diag(&diag, st);
    }
    const struct kkr_rollup_row *t = kkr_rollup_total(&r);
    for (size_t i = 0; i < kkr_workbook_slots(wb); i++)
        with_amounts += r.source[i] != KKR_FROM_NONE || wb->forecast_has[i];
    label("Arbetsbok");
    printf("%s\n", wb->dir);
    if (wb->organisation) {
        label("Organisation");
        printf("%s\n", wb->organisation);
    }
    if (wb->committee) {
        label("Nämnd");
        printf("%s\n", wb->committee);
    }
    if (wb->title) {
        label("Titel");
        printf("%s\n", wb->title);
    }
    label("Räkenskapsår");
    printf("%d (historik från %d)\n", wb->year, wb->first_year);
    label("Verksamheter");
    printf("%zu (%zu utan underordnade, %d nivåer)\n", wb->unit_count, leaves, max_depth + 1);
    label("Datarader");
    printf("%zu\n", wb->row_count);
    label("Utfall");
    if (wb->last_actual_month > 0)
        printf("januari–%s %d (rapportperiod %d%02d)\n", kkr_month_name(wb->last_actual_month),
               wb->year, wb->year, wb->last_actual_month);
    else
        printf("inget för %d\n", wb->year);
    print_kkr("Budget helår, netto", t->net.budget_full);
    print_kkr("  varav intäkter", t->kind[KKR_REVENUE].budget_full);
    print_kkr("  varav kostnader", t->kind[KKR_COST].budget_full);
    print_kkr("Budget period", t->net.budget_ytd);
    print_kkr("Utfall period", t->net.actual_ytd);
    print_kkr("Prognos helår", t->net.forecast_full);
    label("Prognos angiven");
    printf("%zu av %zu verksamhet och slag med belopp, %zu kommentarer\n", entered,
           with_amounts, comments);
    label("Låsta prognoser");
    if (nsnap == 0)
        printf("inga");
    for (size_t i = 0; i < nsnap; i++)
        printf("%s%d", i ? " " : "", periods[i]);
    printf("\n");
    free(periods);
    printf("OK\n");
    kkr_rollup_release(&r);
    return EXIT_OK;
}

static const struct cli_option options[] = {
    CLI_OPT_HELP(),
    CLI_OPT_END(),
};

const struct command cmd_check = {
    .name = "check",
    .usage = usage,
    .description = description,
    .opts = options,
    .operands_min = 1,
    .operands_max = 1,
    .operands_error = "expected one workbook folder",
    .exec = exec,
};
