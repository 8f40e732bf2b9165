/* cmd-template.c — kkr template: the month's prognos templates for the enhetschefer */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kkr/roundtrip.h"

static const char usage[] =
    "usage: kkr template DIR -o FOLDER/ [options]\n"
    "\n"
    "Writes the month's prognos templates, one xlsx per top-level verksamhet (or per\n"
    "verksamhet or ansvarig), named prognos-YYYYMM-KOD.xlsx, for the enhetschefer to fill in:\n"
    "per verksamhet and slag the helårsbudget, the utfall so far, the latest locked prognos and\n"
    "its kommentar, kkr's proposal with its interval, and two cells to fill in (prognos,\n"
    "kommentar); the rest of the sheet is locked. A file that exists is never overwritten.\n"
    "`kkr collect` reads the filled files back into prognos.csv.\n"
    "\n"
    "  -o, --output FOLDER the folder for the files (created if missing)\n"
    "  --per WHO           toppnivå (default), verksamhet, or ansvarig (the ansvarig column of\n"
    "                      verksamheter.csv, inherited down the tree)\n"
    "  --period YYYYMM     the report period (default: the latest month with utfall)\n";

enum { OPT_PER = 256, OPT_PERIOD };

static const struct option options[] = {
    {"output", required_argument, NULL, 'o'},
    {"per", required_argument, NULL, OPT_PER},
    {"period", required_argument, NULL, OPT_PERIOD},
    {0},
};

static int run(int argc, char **argv)
{
    const char *folder = NULL, *period_arg = NULL;
    enum kkr_template_per per = KKR_PER_TOP;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        switch (c) {
        case 'o': folder = optarg; break;
        case OPT_PER:
            if (!kkr_template_per_parse(optarg, &per))
                return cli_usage_error(&cmd_template,
                                       "--per '%s': expected toppnivå, verksamhet or ansvarig",
                                       optarg);
            break;
        case OPT_PERIOD: period_arg = optarg; break;
        default: return cli_option_error(&cmd_template, argc, argv, "o:");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(&cmd_template, "expected one workbook folder");
    if (!folder || strcmp(folder, "-") == 0)
        return cli_usage_error(&cmd_template, "expected -o FOLDER/ for the files");
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
    kkr_workbook_free(wb);
    return code;
}

const struct command cmd_template = {
    .name = "template",
    .run = run,
    .summary = "the month's prognos templates for the enhetschefer (xlsx)",
    .usage = usage,
};
