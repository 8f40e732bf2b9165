/* cmd-collect.c — kkr collect: the filled prognos templates back into prognos.csv */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kkr/roundtrip.h"

static const char usage[] =
    "usage: kkr collect DIR FILE.xlsx... [options]\n"
    "\n"
    "Reads prognos templates filled in by the enhetschefer (written by `kkr template`) back\n"
    "into DIR/prognos.csv, atomically: a row for the same verksamhet and slag is replaced,\n"
    "the others are kept; an empty prognos cell is no answer. A file made for another\n"
    "workbook or period, the same verksamhet and slag in two files, or a bad cell\n"
    "(file:sheet!cell) is refused and nothing is written. Says per file what it took.\n"
    "\n"
    "  --period YYYYMM     the period the templates were made for (default: the latest month\n"
    "                      with utfall)\n"
    "  -n, --dry-run       read and check the files, write nothing\n";

enum { OPT_PERIOD = 256 };

static const struct option options[] = {
    {"period", required_argument, NULL, OPT_PERIOD},
    {"dry-run", no_argument, NULL, 'n'},
    {0},
};

static int run(int argc, char **argv)
{
    const char *period_arg = NULL;
    bool dry_run = false;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "n", options, NULL)) != -1) {
        switch (c) {
        case OPT_PERIOD: period_arg = optarg; break;
        case 'n': dry_run = true; break;
        default: return cli_option_error(&cmd_collect, argc, argv, "n");
        }
    }
    if (argc - optind < 2)
        return cli_usage_error(&cmd_collect, "expected a workbook folder and filled templates");
    /* prognos.csv is rewritten under the workbook lock, which main took (CMD_REWRITES_WORKBOOK)
     * before this loads the workbook */
    int code;
    struct kkr_workbook *wb = cli_load_workbook(argv[optind], &code);
    if (!wb)
        return code;
    int period = wb->last_actual_month;
    if (period_arg && !cli_parse_period(wb, period_arg, &period)) {
        kkr_workbook_free(wb);
        return EXIT_BAD_INPUT;
    }
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    struct kkr_collect_result res;
    size_t nfiles = (size_t)(argc - optind - 1);
    enum kkr_status st = kkr_collect_read(wb, period, argv + optind + 1, nfiles, &res, &diag,
                                          &warn);
    cli_print_warnings(&warn);
    if (st == KKR_OK && !dry_run)
        st = kkr_collect_write(wb, &res, &diag);
    if (st == KKR_OK) {
        size_t taken = 0;
        for (size_t i = 0; i < res.count; i++) {
            const struct kkr_collect_file *f = &res.files[i];
            printf("%s: %zu %s, %zu %s, %zu %s left empty\n", f->path, f->taken,
                   f->taken == 1 ? "prognos" : "prognoser", f->comments,
                   f->comments == 1 ? "kommentar" : "kommentarer", f->empty,
                   f->empty == 1 ? "row" : "rows");
            taken += f->taken;
        }
        if (dry_run)
            printf("%zu prognoser read; nothing written (--dry-run)\n", taken);
        else
            printf("%s/prognos.csv: %zu prognoser taken from %zu %s\n", wb->dir, taken,
                   res.count, res.count == 1 ? "file" : "files");
        kkr_collect_result_release(&res);
        code = EXIT_OK;
    } else {
        code = cli_fail_diag(&diag, st);
    }
    kkr_warnings_release(&warn);
    kkr_workbook_free(wb);
    return code;
}

const struct command cmd_collect = {
    .name = "collect",
    .run = run,
    .summary = "the filled prognos templates back into prognos.csv",
    .usage = usage,
    .flags = CMD_REWRITES_WORKBOOK,
    .options = options,
    .shortopts = "n",
    .workbook_option = NULL,
};
