/* cmd-import.c — kkr import: aggregate general-ledger transactions into utfall.csv */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kkr/import.h"
#include "kkr/output.h"

static const char usage[] =
    "usage: kkr import LEDGER.csv --map MAP.csv (-o FILE | --into DIR) [options]\n"
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
        fprintf(stderr, "kkr import: unmapped verksamhet '%s': %llu %s, %s kr (first on line "
                "%ld)\n", u->code, (unsigned long long)u->rows, rows(u->rows),
                kr(a, u->amount_ore), u->first_line);
    }
}

enum { OPT_INTO = 256, OPT_ACCOUNTS, OPT_COLUMNS, OPT_STRICT };
static const struct option options[] = {
    {"map", required_argument, NULL, 'm'},
    {"output", required_argument, NULL, 'o'},
    {"into", required_argument, NULL, OPT_INTO},
    {"accounts", required_argument, NULL, OPT_ACCOUNTS},
    {"columns", required_argument, NULL, OPT_COLUMNS},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"help", no_argument, NULL, 'h'},
    {0},
};

static int run(int argc, char **argv)
{
    const char *map_path = NULL, *out_path = NULL, *into = NULL, *rules_path = NULL;
    char *columns = NULL;
    bool strict = false;
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
        case 'h': fputs(usage, stdout); return EXIT_OK;
        default: return cli_option_error(&cmd_import, argc, argv, "m:o:h");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(&cmd_import, "expected one ledger file");
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
