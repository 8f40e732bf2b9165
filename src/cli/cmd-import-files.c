/* cmd-import-files.c — the workbook side of kkr import: the account rules of --accounts and
 * --slag, --into's check that utfall is CSV, and the utfall rows written or merged */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cmd-import.h"
#include "kkr/import.h"
#include "kkr/output.h"
#include "kkr/workbook.h"

bool cli_import_into_keeps_csv(const char *into, int *code)
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

int cli_import_load_accounts(const char *rules_path, const char *slag,
                             struct kkr_import_accounts **out)
{
    *out = NULL;
    if (!rules_path && !slag)
        return EXIT_OK;
    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    enum kkr_status st = kkr_import_accounts_new(slag, out, &diag);
    if (st == KKR_OK && rules_path) {
        st = kkr_import_accounts_read(*out, rules_path, &diag, &warn);
        cli_print_warnings(&warn);
    }
    kkr_warnings_release(&warn);
    if (st == KKR_OK)
        return EXIT_OK;
    kkr_import_accounts_free(*out);
    *out = NULL;
    return cli_fail_diag(&diag, st);
}

int cli_import_write_utfall(const char *out_path, const char *into,
                            const struct kkr_import_result *res, const struct kkr_import_map *map)
{
    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    char *utfall = NULL;
    struct kkr_output o;
    const char *target = out_path;
    if (into) {
        if (asprintf(&utfall, "%s/utfall.csv", into) < 0) {
            cli_error("out of memory");
            return EXIT_BAD_INPUT;
        }
        target = utfall;
    }
    enum kkr_status st = kkr_output_open(&o, target, false, &diag);
    if (st != KKR_OK) {
        free(utfall);
        return cli_fail_diag(&diag, st);
    }
    if (into)
        st = kkr_import_merge(o.fp, utfall, res, map, &diag, &warn);
    else
        st = kkr_import_write(o.fp, res, map, &diag);
    cli_print_warnings(&warn);
    kkr_warnings_release(&warn);
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
    int code = EXIT_OK;
    if (st != KKR_OK) {
        kkr_output_abort(&o);
        code = cli_fail_diag(&diag, st);
    }
    free(utfall);
    return code;
}
