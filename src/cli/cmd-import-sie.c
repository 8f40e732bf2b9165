/* cmd-import-sie.c — kkr import FILE.se: SIE 4 into utfall rows or a new workbook, and the
 * values of the SIE options (--dim, --reading, --encoding) */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cmd-import.h"
#include "kkr/workbook.h"

/* ------------------------------------------------------------------ SIE option values */

bool cli_import_sie_dim(const char *arg, struct kkr_sie_options *sopt)
{
    char *end;
    long d = strtol(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || d < 0 || d > 9999) {
        cli_usage_error(&cmd_import, "--dim '%s': expected a dimension number (1 "
                        "kostnadsställe, 2 kostnadsbärare, 6 projekt ...)", arg);
        return false;
    }
    sopt->dim = (int)d;
    sopt->dim_given = true;
    return true;
}

bool cli_import_sie_reading(const char *arg, struct kkr_sie_options *sopt)
{
    if (strcmp(arg, "totals") == 0) {
        sopt->reading = KKR_SIE_READING_TOTALS;
    } else if (strcmp(arg, "partition") == 0) {
        sopt->reading = KKR_SIE_READING_PARTITION;
    } else {
        cli_usage_error(&cmd_import, "--reading '%s': expected totals or partition", arg);
        return false;
    }
    return true;
}

bool cli_import_sie_encoding(const char *arg, struct kkr_sie_options *sopt)
{
    if (strcasecmp(arg, "cp437") == 0 || strcasecmp(arg, "pc8") == 0) {
        sopt->encoding = KKR_SIE_ENC_CP437;
    } else if (strcasecmp(arg, "utf-8") == 0 || strcasecmp(arg, "utf8") == 0) {
        sopt->encoding = KKR_SIE_ENC_UTF8;
    } else if (strcasecmp(arg, "windows-1252") == 0 || strcasecmp(arg, "cp1252") == 0) {
        sopt->encoding = KKR_SIE_ENC_CP1252;
    } else {
        cli_usage_error(&cmd_import, "--encoding '%s': expected cp437, utf-8 or windows-1252",
                        arg);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ the import */

int cli_import_sie(const char *file, const char *map_path, const char *out_path,
                   const char *into, const char *init, const char *rules_path,
                   const char *slag, bool strict, struct kkr_sie_options *sopt)
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
    enum kkr_status st = KKR_OK;
    if (map_path) {
        st = kkr_import_map_load(map_path, &map, &diag, &warn);
        cli_print_warnings(&warn);
        if (st != KKR_OK)
            goto fail;
    }
    if ((code = cli_import_load_accounts(rules_path, slag, &rules)) != EXIT_OK)
        goto out;
    sopt->accounts = rules;
    if (into) {
        if (!cli_import_into_keeps_csv(into, &code))
            goto out;
        wb = cli_load_workbook(into, &code);
        if (!wb)
            goto out;
        if (map && (st = kkr_import_map_check(map, wb, &diag)) != KKR_OK)
            goto fail;
        if ((st = kkr_import_accounts_check(rules, wb, &diag)) != KKR_OK)
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
    cli_import_sie_summary(shown, in, ut, bu, slag != NULL);
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
                "budget.csv, bok.conf (år = %d)%s\n", init, in->unit_count,
                in->unit_count == 1 ? "unit" : "units", in->year,
                slag ? ", slag.csv (the ten slag of --slag kommunbas)" : "");
        goto out;
    }
    code = cli_import_write_utfall(out_path, into, ut, map);
    goto out;
fail:
    code = cli_fail_diag(&diag, st);
out:
    kkr_import_result_free(ut);
    kkr_import_result_free(bu);
    kkr_sie_free(sf);
    kkr_workbook_free(wb);
    kkr_import_accounts_free(rules);
    kkr_import_map_free(map);
    kkr_warnings_release(&warn);
    return code;
}
