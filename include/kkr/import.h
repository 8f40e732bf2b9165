/* import.h — general-ledger transactions to utfall rows (DESIGN §8) */
#ifndef KKR_IMPORT_H
#define KKR_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kkr/status.h"

struct kkr_workbook;

/* ---- MAP.csv: ERP verksamhet code (or prefix ending in '*') -> workbook unit ---- */

struct kkr_import_map;

/* Loads MAP.csv (columns kod;verksamhet). Errors: empty kod or verksamhet, a '*' that is not
 * the last character, the same kod twice. */
enum kkr_status kkr_import_map_load(const char *path, struct kkr_import_map **out,
                                    struct kkr_diag *diag, struct kkr_warnings *warn);
void kkr_import_map_free(struct kkr_import_map *map);

/* Rejects targets that are not units of wb (MAP.csv:line:2) and orders the output by the
 * workbook's unit order instead of the map's. */
enum kkr_status kkr_import_map_check(struct kkr_import_map *map, const struct kkr_workbook *wb,
                                     struct kkr_diag *diag);

/* The target unit index (0 .. kkr_import_map_target_count-1) for an ERP code, or -1 when
 * nothing matches. An exact code beats any prefix; among prefixes the longest wins. */
int kkr_import_map_lookup(const struct kkr_import_map *map, const char *code, size_t len);
size_t kkr_import_map_target_count(const struct kkr_import_map *map);

/* A map built in code (the SIE import): an empty map, then kod -> unit entries (an exact kod,
 * which may be ""; the targets in order of first appearance). */
enum kkr_status kkr_import_map_new(const char *name, struct kkr_import_map **out,
                                   struct kkr_diag *diag);
enum kkr_status kkr_import_map_add(struct kkr_import_map *map, const char *code,
                                   const char *unit, struct kkr_diag *diag);
const char *kkr_import_map_target(const struct kkr_import_map *map, size_t target);

/* ---- account -> slag ---- */

/* Account rules from RULES.csv (från;till;slag; the first rule containing the account wins;
 * slag empty or '-' leaves the range out). NULL rules means Kommun-Bas by account class (the
 * first digit): 3 intäkt, 4-7 kostnad, everything else left out. */
struct kkr_import_accounts;

enum kkr_status kkr_import_accounts_load(const char *path, struct kkr_import_accounts **out,
                                         struct kkr_diag *diag, struct kkr_warnings *warn);
void kkr_import_accounts_free(struct kkr_import_accounts *acc);

/* An empty rule set (RULES.csv rules are added by kkr_import_accounts_read). slag NULL: no
 * kostnadsslag (accounts no rule covers are left out); "kommunbas" (--slag kommunbas, DESIGN
 * §5.2): rules may name the Kommun-Bas slag too, and the table maps the accounts of classes 3-7
 * that no rule covers. Another slag is KKR_ERR_USAGE. */
enum kkr_status kkr_import_accounts_new(const char *slag, struct kkr_import_accounts **out,
                                        struct kkr_diag *diag);
/* Adds the rules of RULES.csv after those acc has. */
enum kkr_status kkr_import_accounts_read(struct kkr_import_accounts *acc, const char *path,
                                         struct kkr_diag *diag, struct kkr_warnings *warn);
bool kkr_import_accounts_kommunbas(const struct kkr_import_accounts *acc); /* NULL: false */
/* The slag an import with acc may write: KKR_TYPES, or KKR_IMPORT_SLAG_COUNT (kommunbas). */
size_t kkr_import_accounts_slag_count(const struct kkr_import_accounts *acc);
/* --into with --slag kommunbas: the workbook's slag.csv must declare every slag of the table,
 * each with its typ (an error names slag.csv and the missing code). OK for other rule sets. */
enum kkr_status kkr_import_accounts_check(const struct kkr_import_accounts *acc,
                                          const struct kkr_workbook *wb, struct kkr_diag *diag);
/* slag.csv (slag;namn;typ) for a new workbook: the Kommun-Bas slag. */
enum kkr_status kkr_import_write_slag(FILE *fp, const struct kkr_import_accounts *acc,
                                      struct kkr_diag *diag);

/* The slag (an index for kkr_import_slag: KKR_REVENUE, KKR_COST or a Kommun-Bas slag) of an
 * account given as digits, or -1 when it is left out. rules may be NULL (Kommun-Bas by class).
 * The digits must be valid (1..12 ASCII digits). */
int kkr_import_account_kind(const struct kkr_import_accounts *rules, const char *digits,
                            size_t len);

/* ---- the slag an import writes ---- */

/* The two typer (KKR_REVENUE, KKR_COST), then the kostnadsslag of --slag kommunbas (DESIGN
 * §5.2) in the table's order. */
#define KKR_IMPORT_SLAG_COUNT 12
struct kkr_import_slag {
    const char *code;       /* as utfall.csv and slag.csv write it: "intäkt", "personal" */
    const char *name;       /* slag.csv's namn: "Personalkostnader" */
    int typ;                /* KKR_REVENUE or KKR_COST */
    const char *accounts;   /* the Kommun-Bas accounts, for messages: "5", "60-61" */
};
/* The slag of index kind (0 .. KKR_IMPORT_SLAG_COUNT-1), else NULL. */
const struct kkr_import_slag *kkr_import_slag(int kind);
/* The output order of the slag: each typ, then its slag (intäkt, försäljning ... kostnad, köp
 * ...). */
int kkr_import_slag_order(int kind);

/* ---- reading a ledger ---- */

enum kkr_import_role { KKR_IMPORT_UNIT, KKR_IMPORT_ACCOUNT, KKR_IMPORT_PERIOD,
                       KKR_IMPORT_AMOUNT, KKR_IMPORT_ROLES };

struct kkr_import_progress {
    uint64_t bytes_done;
    uint64_t bytes_total;   /* 0 when unknown (a pipe) */
    uint64_t rows;
};

struct kkr_import_options {
    /* Header names per role (case-insensitive, '|'-separated aliases); NULL = the defaults
     * (verksamhet|vht|unit, konto|kto|account, period|datum|date, belopp|amount). */
    const char *columns[KKR_IMPORT_ROLES];
    /* Called about once per chunk read; may be NULL. */
    void (*progress)(void *userdata, const struct kkr_import_progress *p);
    void *progress_userdata;
    size_t chunk_size;      /* bytes per read(2); 0 = the default (256 KiB) */
    bool slow_path_only;    /* every row through libcsv (the differential test) */
};

/* One output row: target unit, slag, period, exact sum. */
struct kkr_import_cell {
    int target;             /* index into the map's targets */
    int kind;               /* the slag: an index for kkr_import_slag (KKR_REVENUE, KKR_COST or
                             * a Kommun-Bas slag) */
    int period;             /* year * 100 + month */
    int64_t amount_ore;
    uint64_t rows;
};

/* A verksamhet code that matched nothing in the map. */
struct kkr_import_unmapped {
    char *code;
    uint64_t rows;
    int64_t amount_ore;
    long first_line;
    long column;
};

/* Everything read, every row accounted for:
 * rows_read = rows_imported + sum(left_out_rows) + sum(unmapped rows). */
struct kkr_import_result {
    struct kkr_import_cell *cells;  /* sorted: unit order, slag (kkr_import_slag_order), period */
    size_t cell_count;
    int *periods;                   /* every period seen in a data row, ascending */
    size_t period_count;

    uint64_t rows_read;
    int64_t read_ore;
    uint64_t rows_imported;
    int64_t imported_ore;
    uint64_t left_out_rows[10];     /* by account class (first digit) */
    int64_t left_out_ore[10];
    struct kkr_import_unmapped *unmapped; /* in order of first appearance */
    size_t unmapped_count;

    uint64_t bytes_read;
    uint64_t fast_rows;             /* rows split by the memchr fast path */
    uint64_t slow_rows;             /* rows that went through libcsv */
    bool cp1252;                    /* the ledger was Windows-1252 */
};

void kkr_import_options_init(struct kkr_import_options *opt);

/* Parses "--columns" text: "verksamhet=Vht,konto=Kto,period=Period,belopp=Belopp" (any
 * subset). The names point into spec (which must outlive opt). spec is modified. */
enum kkr_status kkr_import_options_columns(struct kkr_import_options *opt, char *spec,
                                           struct kkr_diag *diag);

/* Streams the ledger at path ("-" = standard input) in fixed-size chunks and aggregates it.
 * accounts may be NULL (Kommun-Bas). On error *out is NULL and diag names file:line:column. */
enum kkr_status kkr_import_read(const char *path, const struct kkr_import_map *map,
                                const struct kkr_import_accounts *accounts,
                                const struct kkr_import_options *opt,
                                struct kkr_import_result **out, struct kkr_diag *diag,
                                struct kkr_warnings *warn);
void kkr_import_result_free(struct kkr_import_result *r);

/* For a result filled by another reader (r->cells in any order, possibly several for the same
 * target, slag and period): adds those together, sorts the cells as kkr_import_read does (the
 * map's target order, slag, period) and fills r->periods. */
enum kkr_status kkr_import_result_finish(struct kkr_import_result *r,
                                         const struct kkr_import_map *map,
                                         struct kkr_diag *diag);

/* Writes utfall rows (header verksamhet;slag;period;belopp, belopp in kr with a decimal comma
 * and two decimals). */
enum kkr_status kkr_import_write(FILE *fp, const struct kkr_import_result *r,
                                 const struct kkr_import_map *map, struct kkr_diag *diag);

/* Writes the merge of an existing utfall.csv (path; may not exist) and r to fp: the existing
 * rows whose period was not imported are kept byte for byte in their order, the imported
 * rows follow (in the existing file's delimiter). */
enum kkr_status kkr_import_merge(FILE *fp, const char *utfall_path,
                                 const struct kkr_import_result *r,
                                 const struct kkr_import_map *map, struct kkr_diag *diag,
                                 struct kkr_warnings *warn);

/* Amount parsing as on the hot path: a fast parser for "-1234,56" that falls back to
 * kkr_money_parse. Exposed for the equality test. */
bool kkr_import_parse_amount(const char *s, size_t len, int64_t *out_ore);

/* Period parsing: YYYYMM, YYYY-MM, YYYY-MM-DD or YYYYMMDD -> year * 100 + month, or 0. */
int kkr_import_parse_period(const char *s, size_t len);

/* Formats öre as "-1234,56" (no thousands separator, decimal comma); returns the length. */
size_t kkr_import_format_ore(char *buf, int64_t ore, const char *thousands);

#endif
