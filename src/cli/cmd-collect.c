/* cmd-collect.c — kkr collect: the filled prognos templates back into prognos.csv */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kkr/roundtrip.h"

static const char usage[] = "usage: kkr collect DIR FILE.xlsx... [options]\n";
static const char description[] =
    "Reads prognos templates filled in by the enhetschefer (written by `kkr template`) back\n"
    "into DIR/prognos.csv, atomically: a row for the same verksamhet and slag is replaced,\n"
    "the others are kept; an empty prognos cell is no answer. A file made for another\n"
    "workbook or period, the same verksamhet and slag in two files, or a bad cell\n"
    "(file:sheet!cell) is refused and nothing is written. Says per file what it took.\n";

static const char *period_arg;
static bool dry_run;

static const struct cli_option options[] = {
    CLI_OPT_STRING(0, "period", &period_arg, "YYYYMM",
                   "the period the templates were made for (default: the latest month\n"
                   "with utfall)"),
    CLI_OPT_FLAG('n', "dry-run", &dry_run, "read and check the files, write nothing"),
    CLI_OPT_END(),
};

/* prognos.csv is rewritten under the workbook lock, which main took (CMD_REWRITES_WORKBOOK)
 * before it loaded the workbook; argv: the workbook folder, then the filled templates */
static int exec(struct kkr_workbook *wb, int argc, char **argv)
{
    int code;
    int period = wb->last_actual_month;
    if (period_arg && !cli_parse_period(wb, period_arg, &period))
        return EXIT_BAD_INPUT;
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    struct kkr_collect_result res;
    size_t nfiles = (size_t)(argc - 1);
    enum kkr_status st = kkr_collect_read(wb, period, argv + 1, nfiles, &res, &diag,
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
    return code;
}

const struct command cmd_collect = {
    .name = "collect",
    .usage = usage,
    .description = description,
    .opts = options,
    .operands_min = 2,
    .operands_max = -1,
    .operands_error = "expected a workbook folder and filled templates",
    .exec = exec,
};
