/* cmd-template.c — kkr template: the month's prognos templates for the enhetschefer */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kkr/roundtrip.h"

static const char usage[] = "usage: kkr template DIR -o FOLDER/ [options]\n";
static const char description[] =
    "Writes the month's prognos templates, one xlsx per top-level verksamhet (or per\n"
    "verksamhet or ansvarig), named prognos-YYYYMM-KOD.xlsx, for the enhetschefer to fill in:\n"
    "per verksamhet and slag the helårsbudget, the utfall so far, the latest locked prognos and\n"
    "its kommentar, kkr's proposal with its interval, and two cells to fill in (prognos,\n"
    "kommentar); the rest of the sheet is locked. A file that exists is never overwritten.\n"
    "`kkr collect` reads the filled files back into prognos.csv.\n";

static const char *folder, *period_arg;
static enum kkr_template_per per = KKR_PER_TOP;

static bool set_per(const struct cli_option *o, const char *arg)
{
    if (!kkr_template_per_parse(arg, o->value)) {
        cli_usage_error(&cmd_template, "--per '%s': expected toppnivå, verksamhet or ansvarig",
                        arg);
        return false;
    }
    return true;
}

static const struct cli_option options[] = {
    CLI_OPT_STRING('o', "output", &folder, "FOLDER",
                   "the folder for the files (created if missing)"),
    CLI_OPT_CALLBACK(0, "per", &per, "WHO",
                     "toppnivå (default), verksamhet, or ansvarig (the ansvarig column of\n"
                     "verksamheter.csv, inherited down the tree)", set_per),
    CLI_OPT_STRING(0, "period", &period_arg, "YYYYMM",
                   "the report period (default: the latest month with utfall)"),
    CLI_OPT_END(),
};

static int check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!folder || strcmp(folder, "-") == 0)
        return cli_usage_error(&cmd_template, "expected -o FOLDER/ for the files");
    return EXIT_OK;
}

static int exec(struct kkr_workbook *wb, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int code;
    int period = wb->last_actual_month;
    if (period_arg && !cli_parse_period(wb, period_arg, &period))
        return EXIT_BAD_INPUT;
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    struct kkr_template_result res;
    enum kkr_status st = kkr_template_write(wb, period, per, folder, &res, &diag, &warn);
    cli_print_warnings(&warn);
    if (st == KKR_OK) {
        for (size_t i = 0; i < res.count; i++)
            printf("%s: %zu %s to fill in\n", res.files[i].path, res.files[i].rows,
                   res.files[i].rows == 1 ? "row" : "rows");
        kkr_template_result_release(&res);
        code = EXIT_OK;
    } else {
        code = cli_fail_diag(&diag, st);
    }
    kkr_warnings_release(&warn);
    return code;
}

const struct command cmd_template = {
    .name = "template",
    .usage = usage,
    .description = description,
    .opts = options,
    .operands_min = 1,
    .operands_max = 1,
    .operands_error = "expected one workbook folder",
    .check = check,
    .exec = exec,
};
