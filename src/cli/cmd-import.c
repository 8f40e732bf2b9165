/* cmd-import.c — kkr import: aggregate general-ledger transactions into utfall.csv */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kkr/import.h"
#include "kkr/output.h"
#include "kkr/text.h"
#include "kkr/sie.h"

static const char usage[] =
    "usage: kkr import LEDGER.csv --map MAP.csv (-o FILE | --into DIR) [options]\n"
    "       kkr import FILE.se (--init DIR | --into DIR | -o FILE) [SIE options]\n"
    "\n"
    "Streams a general-ledger transaction export (Raindance, Unit4, Visma: one row per\n"
    "booking) and sums it per verksamhet, slag and period into utfall rows\n"
    "(verksamhet;slag;period;belopp, belopp in kr with decimal comma).\n"
    "\n"
    "The ledger's columns are found by header name: verksamhet (Vht), konto (Kto),\n"
    "period (Datum) and belopp; other columns are ignored. Period is YYYYMM, YYYY-MM or a\n"
    "date YYYY-MM-DD. MAP.csv (kod;verksamhet) maps ERP codes, or prefixes ending in '*',\n"
    "to workbook units; an exact code wins, else the longest prefix. Accounts: Kommun-Bas\n"
    "by class (first digit: 3 intäkt, 4-7 kostnad, others left out) unless --accounts.\n"
    "\n"
    "options:\n"
    "  -m, --map MAP.csv        ERP code -> unit (required)\n"
    "  -o, --output FILE        write the utfall rows to FILE ('-' = standard output)\n"
    "      --into DIR           replace the imported periods in DIR/utfall.csv, keep the\n"
    "                           other rows byte for byte; map targets must be units of DIR\n"
    "      --accounts RULES.csv account ranges to slag (från;till;slag, first match wins,\n"
    "                           slag '-' leaves a range out; accounts no rule covers too)\n"
    "      --columns SPEC       header names, e.g. verksamhet=Vht,konto=Kto,belopp=Summa\n"
    "      --strict             an unmapped verksamhet code is an error (exit 1)\n"
    "\n"
    "\n"
    "SIE 4 (a file whose first record is #FLAGGA, or --format sie): types 2 and 3\n"
    "(#PSALDO, #PBUDGET) and 4E/4I (#VER/#TRANS), CP437 (#FORMAT PC8), #KSUMMA verified.\n"
    "The objects of one dimension are the verksamheter; amounts without one go to a unit\n"
    "for the rest. utfall comes from the vouchers (#TRANS) for the years that have them,\n"
    "from #PSALDO for the others; budget from #PBUDGET of year 0.\n"
    "      --init DIR           a new workbook: verksamheter.csv (the objects and their\n"
    "                           names), utfall.csv, budget.csv, bok.conf (organisation from\n"
    "                           #FNAMN, år from #RAR 0); DIR must be new or empty\n"
    "      --into DIR           as for a ledger; without --map an object code is the unit's\n"
    "                           kod (MAP.csv: kod = the object code, '*' for the rest)\n"
    "      --dim N              the dimension whose objects are units (default 1,\n"
    "                           kostnadsställe); the file must declare it with #DIM\n"
    "      --reading R          balance rows with objects: totals ({} is the account's total,\n"
    "                           object rows break it down) or partition ({} is the part\n"
    "                           without objects); default: told from the file, or refused\n"
    "      --encoding E         cp437, utf-8 or windows-1252 instead of what #FORMAT says\n"
    "                           (a PC8 file whose bytes are UTF-8 or Windows-1252 is read so,\n"
    "                           with a warning)\n"
    "      --format F           sie or csv instead of looking at the first record\n"
    "\n"
    "Rows are sorted by unit (map order, or the workbook's order with --into), slag\n"
    "(intäkt, kostnad) and period. A summary on stderr accounts for every row: imported,\n"
    "left out by account class, unmapped per code. Exit 0 ok, 1 unmapped codes with\n"
    "--strict, 2 bad input (file:line:column); nothing is written on error.\n";

struct progress {
    bool tty;
    bool shown;
    struct timespec start, last;
};

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) * 1e-9;
}

static void show_progress(void *userdata, const struct kkr_import_progress *p)
{
    struct progress *pr = userdata;
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

static void clear_progress(struct progress *pr)
{
    if (pr->shown)
        fputs("\r\033[K", stderr);
    pr->shown = false;
}

static const char *kr(char *buf, int64_t ore)
{
    kkr_import_format_ore(buf, ore, " ");
    return buf;
}

static const char *rows(uint64_t n)
{
    return n == 1 ? "row" : "rows";
}

static void print_summary(const char *ledger, const struct kkr_import_result *r)
{
    char a[64];
    fprintf(stderr, "kkr import: %s: %llu %s read, %s kr\n", ledger,
            (unsigned long long)r->rows_read, rows(r->rows_read), kr(a, r->read_ore));
    fprintf(stderr, "kkr import: imported: %llu %s, %s kr, as %zu utfall %s",
            (unsigned long long)r->rows_imported, rows(r->rows_imported),
            kr(a, r->imported_ore), r->cell_count, rows(r->cell_count));
    if (r->period_count)
        fprintf(stderr, " (periods %d-%d)\n", r->periods[0], r->periods[r->period_count - 1]);
    else
        fputs(" (no periods)\n", stderr);
    for (int c = 0; c < 10; c++)
        if (r->left_out_rows[c])
            fprintf(stderr, "kkr import: left out, account class %d: %llu %s, %s kr\n", c,
                    (unsigned long long)r->left_out_rows[c], rows(r->left_out_rows[c]),
                    kr(a, r->left_out_ore[c]));
    for (size_t i = 0; i < r->unmapped_count; i++) {
        const struct kkr_import_unmapped *u = &r->unmapped[i];
        char code[256]; /* a ledger's code may hold anything, an ESC sequence too */
        fprintf(stderr, "kkr import: unmapped verksamhet '%s': %llu %s, %s kr (first on line "
                "%ld)\n", kkr_text_printable(u->code, code, sizeof code),
                (unsigned long long)u->rows, rows(u->rows),
                kr(a, u->amount_ore), u->first_line);
    }
}

enum { OPT_INTO = 256, OPT_ACCOUNTS, OPT_COLUMNS, OPT_STRICT, OPT_INIT, OPT_DIM, OPT_READING,
       OPT_ENCODING, OPT_FORMAT };
static const struct option options[] = {
    {"map", required_argument, NULL, 'm'},
    {"output", required_argument, NULL, 'o'},
    {"into", required_argument, NULL, OPT_INTO},
    {"accounts", required_argument, NULL, OPT_ACCOUNTS},
    {"columns", required_argument, NULL, OPT_COLUMNS},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"init", required_argument, NULL, OPT_INIT},
    {"dim", required_argument, NULL, OPT_DIM},
    {"reading", required_argument, NULL, OPT_READING},
    {"encoding", required_argument, NULL, OPT_ENCODING},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, 'h'},
    {0},
};

/* ------------------------------------------------------------------ SIE */

static void print_result_lines(const char *what, const struct kkr_import_result *r)
{
    char a[64];
    fprintf(stderr, "kkr import: %s: %llu %s read, %s kr; imported %llu %s, %s kr, as %zu "
            "%s", what, (unsigned long long)r->rows_read, rows(r->rows_read),
            kr(a, r->read_ore), (unsigned long long)r->rows_imported, rows(r->rows_imported),
            kr(a + 32, r->imported_ore), r->cell_count, rows(r->cell_count));
    if (r->period_count)
        fprintf(stderr, " (periods %d-%d)\n", r->periods[0], r->periods[r->period_count - 1]);
    else
        fputs(" (no periods)\n", stderr);
    for (int c = 0; c < 10; c++)
        if (r->left_out_rows[c])
            fprintf(stderr, "kkr import:   left out, account class %d: %llu %s, %s kr\n", c,
                    (unsigned long long)r->left_out_rows[c], rows(r->left_out_rows[c]),
                    kr(a, r->left_out_ore[c]));
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

static void print_sie_summary(const char *file, const struct kkr_sie_info *in,
                              const struct kkr_import_result *ut,
                              const struct kkr_import_result *bu)
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
    print_result_lines(what, ut);
    if (bu)
        print_result_lines("budget", bu);
}

/* utfall kept in Excel (DESIGN §11) is the user's file: --into does not rewrite it. False (with
 * *code set and the message printed) when DIR keeps utfall as .xlsx, or has both. */
static bool into_keeps_csv(const char *into, int *code)
{
    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    char *held = NULL;
    bool is_xlsx = false;
    enum kkr_status st = kkr_workbook_file(into, "utfall", &held, &is_xlsx, &diag);
    bool ok = !is_xlsx && st != KKR_ERR_VALUE;
    if (is_xlsx) {
        cli_error("%s: kkr import --into rewrites utfall, which this workbook keeps as .xlsx; "
                  "keep utfall as CSV (utfall.csv) to import into it", held);
        *code = EXIT_BAD_INPUT;
    } else if (!ok) {
        *code = cli_fail_diag(&diag, st);
    }
    free(held);
    return ok;
}

static int run_sie(const char *file, const char *map_path, const char *out_path,
                   const char *into, const char *init, const char *rules_path, bool strict,
                   struct kkr_sie_options *sopt)
{
    if (!!out_path + !!into + !!init != 1)
        return cli_usage_error(&cmd_import, "expected one of --init DIR, --into DIR and -o FILE");
    if (init && map_path)
        return cli_usage_error(&cmd_import, "--map goes with --into or -o, not --init (a new "
                               "workbook's units are the file's objects)");
    const char *shown = strcmp(file, "-") == 0 ? "<stdin>" : file;
    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    int code = EXIT_OK;
    struct kkr_import_map *map = NULL;
    struct kkr_import_accounts *rules = NULL;
    struct kkr_workbook *wb = NULL;
    struct kkr_sie_file *sf = NULL;
    struct kkr_import_result *ut = NULL, *bu = NULL;
    char *utfall = NULL;
    enum kkr_status st = KKR_OK;
    if (map_path) {
        st = kkr_import_map_load(map_path, &map, &diag, &warn);
        cli_print_warnings(&warn);
        if (st != KKR_OK)
            goto fail;
    }
    if (rules_path) {
        st = kkr_import_accounts_load(rules_path, &rules, &diag, &warn);
        cli_print_warnings(&warn);
        if (st != KKR_OK)
            goto fail;
        sopt->accounts = rules;
    }
    if (into) {
        if (!into_keeps_csv(into, &code))
            goto out;
        wb = cli_load_workbook(into, &code);
        if (!wb)
            goto out;
        if (map && (st = kkr_import_map_check(map, wb, &diag)) != KKR_OK)
            goto fail;
    }
    st = kkr_sie_read(file, sopt, &sf, &diag, &warn);
    cli_print_warnings(&warn);
    if (st != KKR_OK)
        goto fail;
    const struct kkr_sie_info *in = kkr_sie_info(sf);
    if (!map && init) {
        st = kkr_sie_units_map(sf, &map, &diag);
    } else if (!map) {
        /* the object codes themselves: those that are units of the workbook (--into), or
         * all of them with the codes a new workbook would give (-o) */
        st = kkr_import_map_new(shown, &map, &diag);
        for (size_t i = 0; st == KKR_OK && i < in->unit_count; i++) {
            const char *c = in->units[i].code;
            if (!wb)
                st = kkr_import_map_add(map, c, kkr_sie_unit_code(sf, i), &diag);
            else if (c[0] && kkr_workbook_find_unit(wb, c, strlen(c)) >= 0)
                st = kkr_import_map_add(map, c, c, &diag);
        }
        if (st == KKR_OK && wb)
            st = kkr_import_map_check(map, wb, &diag);
    }
    if (st == KKR_OK)
        st = kkr_sie_result(sf, false, map, &ut, &diag);
    if (st == KKR_OK && init)
        st = kkr_sie_result(sf, true, map, &bu, &diag);
    if (st != KKR_OK)
        goto fail;
    print_sie_summary(shown, in, ut, bu);
    if (strict && ut->unmapped_count) {
        cli_error("%s: %zu unmapped %s (--strict), expected every object in %s", shown,
                  ut->unmapped_count, ut->unmapped_count == 1 ? "object" : "objects",
                  map_path ? map_path : "the workbook");
        code = EXIT_CHECK_FAILED;
        goto out;
    }
    if (init) {
        st = kkr_sie_init_workbook(sf, init, &diag);
        if (st != KKR_OK)
            goto fail;
        fprintf(stderr, "kkr import: wrote %s: verksamheter.csv (%zu %s), utfall.csv, "
                "budget.csv, bok.conf (år = %d)\n", init, in->unit_count,
                in->unit_count == 1 ? "unit" : "units", in->year);
        goto out;
    }
    struct kkr_output o;
    const char *target = out_path;
    if (into) {
        if (asprintf(&utfall, "%s/utfall.csv", into) < 0) {
            utfall = NULL;
            cli_error("out of memory");
            code = EXIT_BAD_INPUT;
            goto out;
        }
        target = utfall;
    }
    st = kkr_output_open(&o, target, false, &diag);
    if (st != KKR_OK)
        goto fail;
    if (into)
        st = kkr_import_merge(o.fp, utfall, ut, map, &diag, &warn);
    else
        st = kkr_import_write(o.fp, ut, map, &diag);
    cli_print_warnings(&warn);
    if (st == KKR_OK && into) {
        /* the merged file must load as the workbook's utfall.csv before it replaces it */
        struct kkr_workbook *check = NULL;
        struct kkr_warnings ignored;
        kkr_warnings_init(&ignored);
        if (fflush(o.fp) != 0)
            st = kkr_fail(&diag, KKR_ERR_IO, utfall, 0, 0, "write error");
        else if (o.tmp_path)
            st = kkr_workbook_load_replacing(into, "utfall.csv", o.tmp_path, &check, &diag,
                                             &ignored);
        if (st != KKR_OK)
            cli_error("%s: the merged file does not load; %s is left as it was", utfall,
                      utfall);
        kkr_warnings_release(&ignored);
        kkr_workbook_free(check);
    }
    if (st == KKR_OK)
        st = kkr_output_commit(&o, &diag);
    if (st != KKR_OK) {
        kkr_output_abort(&o);
        goto fail;
    }
    goto out;
fail:
    code = cli_fail_diag(&diag, st);
out:
    free(utfall);
    kkr_import_result_free(ut);
    kkr_import_result_free(bu);
    kkr_sie_free(sf);
    kkr_workbook_free(wb);
    kkr_import_accounts_free(rules);
    kkr_import_map_free(map);
    kkr_warnings_release(&warn);
    return code;
}

static bool looks_like_sie(const char *path)
{
    if (strcmp(path, "-") == 0)
        return false;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    char head[512];
    size_t n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    return kkr_sie_detect(head, n);
}

static int run(int argc, char **argv)
{
    const char *map_path = NULL, *out_path = NULL, *into = NULL, *rules_path = NULL;
    char *columns = NULL;
    bool strict = false;
    const char *init = NULL, *format = NULL;
    struct kkr_sie_options sopt;
    kkr_sie_options_init(&sopt);
    bool sie_option = false;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "m:o:h", options, NULL)) != -1) {
        switch (c) {
        case 'm': map_path = optarg; break;
        case 'o': out_path = optarg; break;
        case OPT_INTO: into = optarg; break;
        case OPT_ACCOUNTS: rules_path = optarg; break;
        case OPT_COLUMNS: columns = optarg; break;
        case OPT_STRICT: strict = true; break;
        case OPT_INIT: init = optarg; sie_option = true; break;
        case OPT_DIM: {
            char *end;
            long d = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || d < 0 || d > 9999)
                return cli_usage_error(&cmd_import, "--dim '%s': expected a dimension number "
                                       "(1 kostnadsställe, 2 kostnadsbärare, 6 projekt ...)",
                                       optarg);
            sopt.dim = (int)d;
            sopt.dim_given = true;
            sie_option = true;
            break;
        }
        case OPT_READING:
            if (strcmp(optarg, "totals") == 0)
                sopt.reading = KKR_SIE_READING_TOTALS;
            else if (strcmp(optarg, "partition") == 0)
                sopt.reading = KKR_SIE_READING_PARTITION;
            else
                return cli_usage_error(&cmd_import, "--reading '%s': expected totals or "
                                       "partition", optarg);
            sie_option = true;
            break;
        case OPT_ENCODING:
            if (strcasecmp(optarg, "cp437") == 0 || strcasecmp(optarg, "pc8") == 0)
                sopt.encoding = KKR_SIE_ENC_CP437;
            else if (strcasecmp(optarg, "utf-8") == 0 || strcasecmp(optarg, "utf8") == 0)
                sopt.encoding = KKR_SIE_ENC_UTF8;
            else if (strcasecmp(optarg, "windows-1252") == 0 ||
                     strcasecmp(optarg, "cp1252") == 0)
                sopt.encoding = KKR_SIE_ENC_CP1252;
            else
                return cli_usage_error(&cmd_import, "--encoding '%s': expected cp437, utf-8 "
                                       "or windows-1252", optarg);
            sie_option = true;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "sie") != 0 && strcmp(optarg, "csv") != 0)
                return cli_usage_error(&cmd_import, "--format '%s': expected sie or csv",
                                       optarg);
            format = optarg;
            break;
        case 'h': fputs(usage, stdout); return EXIT_OK;
        default: return cli_option_error(&cmd_import, argc, argv, "m:o:h");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(&cmd_import, "expected one ledger file");
    bool sie = format ? strcmp(format, "sie") == 0 : looks_like_sie(argv[optind]);
    if (sie) {
        if (columns)
            return cli_usage_error(&cmd_import, "--columns is for CSV ledgers, not SIE");
        return run_sie(argv[optind], map_path, out_path, into, init, rules_path, strict,
                       &sopt);
    }
    if (sie_option)
        return cli_usage_error(&cmd_import, "--init, --dim, --reading and --encoding are for "
                               "SIE files (the first record #FLAGGA, or --format sie)");
    if (!map_path)
        return cli_usage_error(&cmd_import, "--map MAP.csv is required");
    if (!out_path == !into)
        return cli_usage_error(&cmd_import, "expected one of -o FILE and --into DIR");
    const char *ledger = argv[optind];

    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    struct kkr_import_options opt;
    kkr_import_options_init(&opt);
    if (columns && kkr_import_options_columns(&opt, columns, &diag) != KKR_OK)
        return cli_usage_error(&cmd_import, "%s", diag.message);

    int code = EXIT_OK;
    struct kkr_import_map *map = NULL;
    struct kkr_import_accounts *rules = NULL;
    struct kkr_workbook *wb = NULL;
    struct kkr_import_result *res = NULL;
    char *utfall = NULL;
    enum kkr_status st = kkr_import_map_load(map_path, &map, &diag, &warn);
    cli_print_warnings(&warn);
    if (st != KKR_OK) {
        code = cli_fail_diag(&diag, st);
        goto out;
    }
    if (rules_path) {
        st = kkr_import_accounts_load(rules_path, &rules, &diag, &warn);
        cli_print_warnings(&warn);
        if (st != KKR_OK) {
            code = cli_fail_diag(&diag, st);
            goto out;
        }
    }
    if (into) {
        if (!into_keeps_csv(into, &code))
            goto out;
        wb = cli_load_workbook(into, &code);
        if (!wb)
            goto out;
        st = kkr_import_map_check(map, wb, &diag);
        if (st != KKR_OK) {
            code = cli_fail_diag(&diag, st);
            goto out;
        }
    }

    struct progress pr = {0};
    pr.tty = isatty(STDERR_FILENO);
    clock_gettime(CLOCK_MONOTONIC, &pr.start);
    pr.last = pr.start;
    opt.progress = show_progress;
    opt.progress_userdata = &pr;
    st = kkr_import_read(ledger, map, rules, &opt, &res, &diag, &warn);
    clear_progress(&pr);
    cli_print_warnings(&warn);
    if (st != KKR_OK) {
        code = cli_fail_diag(&diag, st);
        goto out;
    }
    print_summary(strcmp(ledger, "-") == 0 ? "<stdin>" : ledger, res);
    if (strict && res->unmapped_count) {
        char a[64];
        for (size_t i = 0; i < res->unmapped_count; i++) {
            const struct kkr_import_unmapped *u = &res->unmapped[i];
            cli_error("%s:%ld:%ld: unmapped verksamhet '%s' (%llu %s, %s kr), expected a "
                      "kod in %s (--strict)", strcmp(ledger, "-") == 0 ? "<stdin>" : ledger,
                      u->first_line, u->column, u->code, (unsigned long long)u->rows,
                      rows(u->rows), kr(a, u->amount_ore), map_path);
        }
        code = EXIT_CHECK_FAILED;
        goto out;
    }

    struct kkr_output o;
    const char *target = out_path;
    if (into) {
        size_t n = strlen(into) + sizeof "/utfall.csv";
        utfall = malloc(n);
        if (!utfall) {
            cli_error("out of memory");
            code = EXIT_BAD_INPUT;
            goto out;
        }
        snprintf(utfall, n, "%s/utfall.csv", into);
        target = utfall;
    }
    st = kkr_output_open(&o, target, false, &diag);
    if (st != KKR_OK) {
        code = cli_fail_diag(&diag, st);
        goto out;
    }
    if (into)
        st = kkr_import_merge(o.fp, utfall, res, map, &diag, &warn);
    else
        st = kkr_import_write(o.fp, res, map, &diag);
    cli_print_warnings(&warn);
    if (st == KKR_OK && into) {
        /* the merged file must load as the workbook's utfall.csv before it replaces it */
        struct kkr_workbook *check = NULL;
        struct kkr_warnings ignored;
        kkr_warnings_init(&ignored);
        if (fflush(o.fp) != 0)
            st = kkr_fail(&diag, KKR_ERR_IO, utfall, 0, 0, "write error");
        else if (o.tmp_path)
            st = kkr_workbook_load_replacing(into, "utfall.csv", o.tmp_path, &check, &diag,
                                             &ignored);
        if (st != KKR_OK)
            cli_error("%s: the merged file does not load; %s is left as it was", utfall,
                      utfall);
        kkr_warnings_release(&ignored);
        kkr_workbook_free(check);
    }
    if (st == KKR_OK)
        st = kkr_output_commit(&o, &diag);
    if (st != KKR_OK) {
        kkr_output_abort(&o);
        code = cli_fail_diag(&diag, st);
    }
out:
    free(utfall);
    kkr_import_result_free(res);
    kkr_workbook_free(wb);
    kkr_import_accounts_free(rules);
    kkr_import_map_free(map);
    kkr_warnings_release(&warn);
    return code;
}

const struct command cmd_import = {
    .name = "import",
    .run = run,
    .summary = "aggregate general-ledger transactions into utfall.csv",
    .usage = usage,
    .flags = CMD_REWRITES_WORKBOOK,
    .options = options,
    .shortopts = "m:o:h",
    .workbook_option = "into",
};
