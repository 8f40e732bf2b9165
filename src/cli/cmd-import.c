/* cmd-import.c — kkr import: aggregate general-ledger transactions into utfall.csv */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd-import.h"
#include "kkr/import.h"
#include "kkr/text.h"
#include "kkr/sie.h"

static const char usage[] =
    "usage: kkr import LEDGER.csv --map MAP.csv (-o FILE | --into DIR) [options]\n"
    "       kkr import FILE.se (--init DIR | --into DIR | -o FILE) [SIE options]\n";
static const char description[] =
    "Streams a general-ledger transaction export (Raindance, Unit4, Visma: one row per\n"
    "booking) and sums it per verksamhet, slag and period into utfall rows\n"
    "(verksamhet;slag;period;belopp, belopp in kr with decimal comma).\n"
    "\n"
    "The ledger's columns are found by header name: verksamhet (Vht), konto (Kto),\n"
    "period (Datum) and belopp; other columns are ignored. Period is YYYYMM, YYYY-MM or a\n"
    "date YYYY-MM-DD. MAP.csv (kod;verksamhet) maps ERP codes, or prefixes ending in '*',\n"
    "to workbook units; an exact code wins, else the longest prefix. Accounts: Kommun-Bas\n"
    "by class (first digit: 3 intäkt, 4-7 kostnad, others left out) unless --accounts or\n"
    "--slag. Balance accounts (1, 2) and finansiella poster (8) are not in a verksamhet's\n"
    "nettokostnad: they are left out and counted, as is any account no rule covers.\n";
static const char sie_heading[] =
    "\n"
    "\n"
    "SIE 4 (a file whose first record is #FLAGGA, or --format sie): types 2 and 3\n"
    "(#PSALDO, #PBUDGET) and 4E/4I (#VER/#TRANS), CP437 (#FORMAT PC8), #KSUMMA verified.\n"
    "The objects of one dimension are the verksamheter; amounts without one go to a unit\n"
    "for the rest. utfall comes from the vouchers (#TRANS) for the years that have them,\n"
    "from #PSALDO for the others; budget from #PBUDGET of year 0.\n";
static const char epilogue[] =
    "\n"
    "Rows are sorted by unit (map order, or the workbook's order with --into), slag\n"
    "(intäkt, kostnad, each followed by its slag) and period. A summary on stderr accounts\n"
    "for every row: imported (with --slag per slag), left out by account class, unmapped\n"
    "per code. Exit 0 ok, 1 unmapped codes with --strict, 2 bad input (file:line:column);\n"
    "nothing is written on error.\n";

static const char *map_path, *out_path, *into, *rules_path, *slag, *init, *format;
static char *columns; /* kkr_import_options_columns takes it apart */
static bool strict, sie_option, sie;
static struct kkr_sie_options sopt;

static void init_options(void)
{
    kkr_sie_options_init(&sopt);
}

static bool set_slag(const struct cli_option *o, const char *arg)
{
    (void)o;
    if (strcmp(arg, "kommunbas") != 0) {
        cli_usage_error(&cmd_import, "--slag '%s': expected kommunbas (the kostnadsslag of "
                        "Kommun-Bas)", arg);
        return false;
    }
    slag = arg;
    return true;
}

static bool set_columns(const struct cli_option *o, const char *arg)
{
    (void)o;
    columns = (char *)arg; /* optarg, argv's own storage */
    return true;
}

static bool set_init(const struct cli_option *o, const char *arg)
{
    (void)o;
    init = arg;
    sie_option = true;
    return true;
}

static bool set_dim(const struct cli_option *o, const char *arg)
{
    (void)o;
    sie_option = true;
    return cli_import_sie_dim(arg, &sopt);
}

static bool set_reading(const struct cli_option *o, const char *arg)
{
    (void)o;
    sie_option = true;
    return cli_import_sie_reading(arg, &sopt);
}

static bool set_encoding(const struct cli_option *o, const char *arg)
{
    (void)o;
    sie_option = true;
    return cli_import_sie_encoding(arg, &sopt);
}

static bool set_format(const struct cli_option *o, const char *arg)
{
    (void)o;
    if (strcmp(arg, "sie") != 0 && strcmp(arg, "csv") != 0) {
        cli_usage_error(&cmd_import, "--format '%s': expected sie or csv", arg);
        return false;
    }
    format = arg;
    return true;
}

static const struct cli_option options[] = {
    CLI_OPT_TEXT("options:\n"),
    CLI_OPT_STRING('m', "map", &map_path, "MAP.csv", "ERP code -> unit (required)"),
    CLI_OPT_STRING('o', "output", &out_path, "FILE",
                   "write the utfall rows to FILE ('-' = standard output)"),
    CLI_OPT_STRING(0, "into", &into, "DIR",
                   "replace the imported periods in DIR/utfall.csv, keep the\n"
                   "other rows byte for byte; map targets must be units of DIR"),
    CLI_OPT_STRING(0, "accounts", &rules_path, "RULES.csv",
                   "account ranges to slag (från;till;slag, first match wins,\n"
                   "slag '-' leaves a range out; accounts no rule covers too)"),
    CLI_OPT_CALLBACK(0, "slag", NULL, "kommunbas",
                     "kostnadsslag by Kommun-Bas (ledger and SIE alike): intäkt\n"
                     "30 försäljning, 31 avgifter, 34 hyror, 35 bidrag, the rest\n"
                     "of 3 övriga_intäkter; kostnad 46 köp, 5 personal, 60-61\n"
                     "lokaler, 79 kapital, the rest of 4, 6, 7 övriga_kostnader.\n"
                     "--accounts rules come first (and may name these slag), the\n"
                     "table fills the rest of 3-7. --into: DIR's slag.csv must\n"
                     "declare all ten; SIE --init writes that slag.csv", set_slag),
    CLI_OPT_CALLBACK(0, "columns", NULL, "SPEC",
                     "header names, e.g. verksamhet=Vht,konto=Kto,belopp=Summa", set_columns),
    CLI_OPT_FLAG(0, "strict", &strict, "an unmapped verksamhet code is an error (exit 1)"),
    CLI_OPT_TEXT(sie_heading),
    CLI_OPT_CALLBACK(0, "init", NULL, "DIR",
                     "a new workbook: verksamheter.csv (the objects and their\n"
                     "names), utfall.csv, budget.csv, bok.conf (organisation from\n"
                     "#FNAMN, år from #RAR 0), with --slag slag.csv; DIR must be\n"
                     "new or empty", set_init),
    {CLI_STRING, 0, "into", NULL, "DIR",
     "as for a ledger; without --map an object code is the unit's\n"
     "kod (MAP.csv: kod = the object code, '*' for the rest)", CLI_HELP_ONLY, NULL},
    CLI_OPT_CALLBACK(0, "dim", NULL, "N",
                     "the dimension whose objects are units (default 1,\n"
                     "kostnadsställe); the file must declare it with #DIM", set_dim),
    CLI_OPT_CALLBACK(0, "reading", NULL, "R",
                     "balance rows with objects: totals ({} is the account's total,\n"
                     "object rows break it down) or partition ({} is the part\n"
                     "without objects); default: told from the file, or refused", set_reading),
    CLI_OPT_CALLBACK(0, "encoding", NULL, "E",
                     "cp437, utf-8 or windows-1252 instead of what #FORMAT says\n"
                     "(a PC8 file whose bytes are UTF-8 or Windows-1252 is read so,\n"
                     "with a warning)", set_encoding),
    CLI_OPT_CALLBACK(0, "format", NULL, "F", "sie or csv instead of looking at the first record",
                     set_format),
    CLI_OPT_HELP(),
    CLI_OPT_END(),
};

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

static int check(int argc, char **argv)
{
    (void)argc;
    sie = format ? strcmp(format, "sie") == 0 : looks_like_sie(argv[0]);
    if (sie) {
        if (columns)
            return cli_usage_error(&cmd_import, "--columns is for CSV ledgers, not SIE");
        return EXIT_OK;
    }
    if (sie_option)
        return cli_usage_error(&cmd_import, "--init, --dim, --reading and --encoding are for "
                               "SIE files (the first record #FLAGGA, or --format sie)");
    if (!map_path)
        return cli_usage_error(&cmd_import, "--map MAP.csv is required");
    if (!out_path == !into)
        return cli_usage_error(&cmd_import, "expected one of -o FILE and --into DIR");
    return EXIT_OK;
}

/* utfall.csv of --into is rewritten under the workbook lock, which main took
 * (CMD_REWRITES_WORKBOOK) before this loads the workbook */
static int exec(struct kkr_workbook *unused, int argc, char **argv)
{
    (void)unused;
    (void)argc;
    if (sie)
        return cli_import_sie(argv[0], map_path, out_path, into, init, rules_path, slag, strict,
                              &sopt);
    const char *ledger = argv[0];

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
    enum kkr_status st = kkr_import_map_load(map_path, &map, &diag, &warn);
    cli_print_warnings(&warn);
    if (st != KKR_OK) {
        code = cli_fail_diag(&diag, st);
        goto out;
    }
    if ((code = cli_import_load_accounts(rules_path, slag, &rules)) != EXIT_OK)
        goto out;
    if (into) {
        if (!cli_import_into_keeps_csv(into, &code))
            goto out;
        wb = cli_load_workbook(into, &code);
        if (!wb)
            goto out;
        st = kkr_import_map_check(map, wb, &diag);
        if (st == KKR_OK)
            st = kkr_import_accounts_check(rules, wb, &diag);
        if (st != KKR_OK) {
            code = cli_fail_diag(&diag, st);
            goto out;
        }
    }

    struct cli_import_progress pr = {0};
    pr.tty = isatty(STDERR_FILENO);
    clock_gettime(CLOCK_MONOTONIC, &pr.start);
    pr.last = pr.start;
    opt.progress = cli_import_progress_show;
    opt.progress_userdata = &pr;
    st = kkr_import_read(ledger, map, rules, &opt, &res, &diag, &warn);
    cli_import_progress_clear(&pr);
    cli_print_warnings(&warn);
    if (st != KKR_OK) {
        code = cli_fail_diag(&diag, st);
        goto out;
    }
    cli_import_summary(strcmp(ledger, "-") == 0 ? "<stdin>" : ledger, res, slag != NULL);
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

    code = cli_import_write_utfall(out_path, into, res, map);
out:
    kkr_import_result_free(res);
    kkr_workbook_free(wb);
    kkr_import_accounts_free(rules);
    kkr_import_map_free(map);
    kkr_warnings_release(&warn);
    return code;
}

const struct command cmd_import = {
    .name = "import",
    .usage = usage,
    .description = description,
    .opts = options,
    .epilogue = epilogue,
    .help_column = 27,
    .help_align_long = true,
    .operands_min = 1,
    .operands_max = 1,
    .operands_error = "expected one ledger file",
    .workbook_option = "into",
    .init = init_options,
    .check = check,
    .exec = exec,
};
