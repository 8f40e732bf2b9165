/* cmd-import-summary.c — what kkr import prints on stderr: the progress bar on a terminal and
 * the summaries that account for every row (ledger) and every record (SIE) */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "cmd-import.h"
#include "kkr/text.h"
#include "kkr/workbook.h"

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) * 1e-9;
}

void cli_import_progress_show(void *userdata, const struct kkr_import_progress *p)
{
    struct cli_import_progress *pr = userdata;
    if (!pr->tty || seconds_since(&pr->last) < 0.2)
        return;
    clock_gettime(CLOCK_MONOTONIC, &pr->last);
    double t = seconds_since(&pr->start);
    double mb = (double)p->bytes_done / 1e6;
    double rate = t > 0 ? (double)p->rows / t : 0;
    if (p->bytes_total) {
        double frac = (double)p->bytes_done / (double)p->bytes_total;
        double left = frac > 0 ? t / frac - t : 0;
        int width = 24, filled = (int)(frac * width);
        char bar[32];
        for (int i = 0; i < width; i++)
            bar[i] = i < filled ? '#' : '.';
        bar[width] = '\0';
        fprintf(stderr, "\rkkr import: [%s] %.0f/%.0f MB  %.0f MB/s  %.1f M rows/s  %d:%02d left  ",
                bar, mb, (double)p->bytes_total / 1e6, t > 0 ? mb / t : 0, rate / 1e6,
                (int)left / 60, (int)left % 60);
    } else {
        fprintf(stderr, "\rkkr import: %.0f MB  %.0f MB/s  %.1f M rows/s  ", mb,
                t > 0 ? mb / t : 0, rate / 1e6);
    }
    pr->shown = true;
}

void cli_import_progress_clear(struct cli_import_progress *pr)
{
    if (pr->shown)
        fputs("\r\033[K", stderr);
    pr->shown = false;
}

static void slag_lines(const struct kkr_import_result *r)
{
    uint64_t n[KKR_IMPORT_SLAG_COUNT] = {0};
    int64_t sum_ore[KKR_IMPORT_SLAG_COUNT] = {0};
    for (size_t i = 0; i < r->cell_count; i++) {
        const struct kkr_import_cell *c = &r->cells[i];
        n[c->kind] += c->rows;
        /* the cells' sum is the imported sum, which did not overflow; a part may, for a
         * moment, in another order: then it shows saturated */
        if (__builtin_add_overflow(sum_ore[c->kind], c->amount_ore, &sum_ore[c->kind]))
            sum_ore[c->kind] = c->amount_ore < 0 ? INT64_MIN : INT64_MAX;
    }
    int order[KKR_IMPORT_SLAG_COUNT];
    for (int k = 0; k < KKR_IMPORT_SLAG_COUNT; k++) {
        int j = k;
        for (; j > 0 && kkr_import_slag_order(order[j - 1]) > kkr_import_slag_order(k); j--)
            order[j] = order[j - 1];
        order[j] = k;
    }
    char a[64];
    for (int i = 0; i < KKR_IMPORT_SLAG_COUNT; i++) {
        int k = order[i];
        const struct kkr_import_slag *sl = kkr_import_slag(k);
        if (!n[k])
            continue;
        if (k < KKR_TYPES)
            fprintf(stderr, "kkr import:   %s (the typ itself, by --accounts): %llu %s, %s "
                    "kr\n", sl->code, (unsigned long long)n[k], rows(n[k]), kr(a, sum_ore[k]));
        else
            fprintf(stderr, "kkr import:   %s (%s, Kommun-Bas %s): %llu %s, %s kr\n", sl->code,
                    sl->name, sl->accounts, (unsigned long long)n[k], rows(n[k]),
                    kr(a, sum_ore[k]));
    }
}

/* The end of a result's line (its periods), the lines per slag and those left out by account
 * class, indented as the summary around them. */
static void period_and_left_out_lines(const struct kkr_import_result *r, bool by_slag,
                                      const char *indent)
{
    char a[64];
    if (r->period_count)
        fprintf(stderr, " (periods %d-%d)\n", r->periods[0], r->periods[r->period_count - 1]);
    else
        fputs(" (no periods)\n", stderr);
    if (by_slag)
        slag_lines(r);
    for (int c = 0; c < 10; c++)
        if (r->left_out_rows[c])
            fprintf(stderr, "kkr import: %sleft out, account class %d: %llu %s, %s kr\n", indent,
                    c, (unsigned long long)r->left_out_rows[c], rows(r->left_out_rows[c]),
                    kr(a, r->left_out_ore[c]));
}

void cli_import_summary(const char *ledger, const struct kkr_import_result *r, bool by_slag)
{
    char a[64];
    fprintf(stderr, "kkr import: %s: %llu %s read, %s kr\n", ledger,
            (unsigned long long)r->rows_read, rows(r->rows_read), kr(a, r->read_ore));
    fprintf(stderr, "kkr import: imported: %llu %s, %s kr, as %zu utfall %s",
            (unsigned long long)r->rows_imported, rows(r->rows_imported),
            kr(a, r->imported_ore), r->cell_count, rows(r->cell_count));
    period_and_left_out_lines(r, by_slag, "");
    for (size_t i = 0; i < r->unmapped_count; i++) {
        const struct kkr_import_unmapped *u = &r->unmapped[i];
        char code[256]; /* a ledger's code may hold anything, an ESC sequence too */
        fprintf(stderr, "kkr import: unmapped verksamhet '%s': %llu %s, %s kr (first on line "
                "%ld)\n", kkr_text_printable(u->code, code, sizeof code),
                (unsigned long long)u->rows, rows(u->rows),
                kr(a, u->amount_ore), u->first_line);
    }
}

static void print_result_lines(const char *what, const struct kkr_import_result *r,
                               bool by_slag)
{
    char a[64];
    fprintf(stderr, "kkr import: %s: %llu %s read, %s kr; imported %llu %s, %s kr, as %zu "
            "%s", what, (unsigned long long)r->rows_read, rows(r->rows_read),
            kr(a, r->read_ore), (unsigned long long)r->rows_imported, rows(r->rows_imported),
            kr(a + 32, r->imported_ore), r->cell_count, rows(r->cell_count));
    period_and_left_out_lines(r, by_slag, "  ");
    for (size_t i = 0; i < r->unmapped_count; i++) {
        const struct kkr_import_unmapped *u = &r->unmapped[i];
        if (u->code[0])
            fprintf(stderr, "kkr import:   unmapped object '%s': %llu %s, %s kr\n", u->code,
                    (unsigned long long)u->rows, rows(u->rows), kr(a, u->amount_ore));
        else
            fprintf(stderr, "kkr import:   unmapped, no object of the dimension: %llu %s, %s "
                    "kr\n", (unsigned long long)u->rows, rows(u->rows), kr(a, u->amount_ore));
    }
}

static void print_balances(const char *label, const struct kkr_sie_balances *b, bool budget)
{
    if (!b->rows)
        return;
    fprintf(stderr, "kkr import: %s: %llu %s: %llu used", label, (unsigned long long)b->rows,
            rows(b->rows), (unsigned long long)b->rows_used);
    if (b->rows_breakdown)
        fprintf(stderr, ", %llu object %s breaking down a {} total (not added)",
                (unsigned long long)b->rows_breakdown, rows(b->rows_breakdown));
    if (b->rows_odd)
        fprintf(stderr, ", %llu on an account that is not a number",
                (unsigned long long)b->rows_odd);
    if (b->rows_other_year)
        fprintf(stderr, ", %llu of %s", (unsigned long long)b->rows_other_year,
                label[2] == 'B' ? "other years than year 0 (not used)"
                                : "years whose utfall comes from the vouchers (not used)");
    if (label[2] == 'B' && !budget)
        fputs(" (budget.csv is written by --init only)", stderr);
    fputs("\n", stderr);
    if (b->reading == KKR_SIE_READING_NONE)
        return;
    fprintf(stderr, "kkr import: %s: object rows read as %s (%s), %s: object rows in %llu "
            "account-months, %llu with a {} row equal to one dimension's rows, %llu without a "
            "{} row\n", label, kkr_sie_reading_name(b->reading),
            b->reading == KKR_SIE_READING_TOTALS ? "{} is the account's total"
                                                 : "{} is the part without objects",
            b->reading_given ? "--reading" : "told from the file",
            (unsigned long long)b->groups_with_objects, (unsigned long long)b->evidence_totals,
            (unsigned long long)b->evidence_partition);
}

void cli_import_sie_summary(const char *file, const struct kkr_sie_info *in,
                            const struct kkr_import_result *ut,
                            const struct kkr_import_result *bu, bool by_slag)
{
    fprintf(stderr, "kkr import: %s: SIE %d%s", file, in->sie_type,
            in->sie_type == 4 ? (in->type_4i ? "I" : "E") : "");
    if (in->program)
        fprintf(stderr, " from %s", in->program);
    if (in->organisation)
        fprintf(stderr, ", %s", in->organisation);
    if (in->year)
        fprintf(stderr, ", räkenskapsår %d", in->year);
    fprintf(stderr, ", %s%s\n", kkr_sie_encoding_name(in->encoding),
            in->ksumma ? ", #KSUMMA verified" : "");
    /* every record: the ones read, then the ones ignored */
    fprintf(stderr, "kkr import: %llu records:", (unsigned long long)in->records);
    uint64_t braces = 2 * in->vouchers;
    bool first = true;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            bool any = false;
            for (size_t i = 0; i < in->label_count; i++)
                any |= !in->labels[i].known;
            if (!any)
                break;
            fputs("; ignored:", stderr);
            first = true;
        }
        for (size_t i = 0; i < in->label_count; i++) {
            const struct kkr_sie_label *l = &in->labels[i];
            if (l->known != (pass == 0))
                continue;
            fprintf(stderr, "%s %llu %s", first ? "" : ",", (unsigned long long)l->count,
                    l->label);
            first = false;
        }
        if (pass == 0 && braces) {
            fprintf(stderr, "%s %llu '{' and '}'", first ? "" : ",",
                    (unsigned long long)braces);
            first = false;
        }
    }
    fputs("\n", stderr);
    if (in->vouchers)
        fprintf(stderr, "kkr import: #VER: %llu vouchers, all balanced; %llu #TRANS, %llu "
                "#RTRANS (added rows, counted in their #TRANS copy), %llu #BTRANS (removed "
                "rows, not counted)\n", (unsigned long long)in->vouchers,
                (unsigned long long)in->trans, (unsigned long long)in->rtrans,
                (unsigned long long)in->btrans);
    if (in->odd_account_rows) {
        char a[64];
        fprintf(stderr, "kkr import: left out, accounts that are not numbers ('%s' on line "
                "%ld ...): %llu %s, %s kr\n", in->odd_account, in->odd_account_line,
                (unsigned long long)in->odd_account_rows, rows(in->odd_account_rows),
                kr(a, in->odd_account_ore));
    }
    size_t objects = in->unit_count - (in->has_rest ? 1 : 0);
    fprintf(stderr, "kkr import: verksamheter: %zu %s of dimension %d", objects,
            objects == 1 ? "object" : "objects", in->dim);
    if (in->dim_name)
        fprintf(stderr, " (%s)", in->dim_name);
    if (in->has_rest)
        fprintf(stderr, " and one unit for the amounts without one");
    fputs("\n", stderr);
    print_balances("#PSALDO", &in->psaldo, bu != NULL);
    print_balances("#PBUDGET", &in->pbudget, bu != NULL);
    char what[200];
    int n = snprintf(what, sizeof what, "utfall");
    for (int i = 0; i < in->trans_year_count && n < 120; i++)
        n += snprintf(what + n, sizeof what - (size_t)n, "%s%d", i ? "," : " (#TRANS for ",
                      in->trans_years[i]);
    if (in->trans_year_count)
        snprintf(what + n, sizeof what - (size_t)n, "%s)",
                 in->psaldo.rows_used ? ", #PSALDO for the other years" : "");
    print_result_lines(what, ut, by_slag);
    if (bu)
        print_result_lines("budget", bu, by_slag);
}
