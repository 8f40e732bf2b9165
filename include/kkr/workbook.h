/* workbook.h — one nämnd's fiscal year loaded from a folder of CSV files (DESIGN §3) */
#ifndef KKR_WORKBOOK_H
#define KKR_WORKBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kkr/csv.h"
#include "kkr/money.h"
#include "kkr/status.h"

/* The typ of a slag: revenue (intäkt) or cost (kostnad). Used as an array index of the two
 * typ sums of a roll-up row. */
enum kkr_kind { KKR_REVENUE = 0, KKR_COST = 1 };
#define KKR_TYPES 2

/* A slag of the workbook (DESIGN §5.2). The table always starts with the two typer themselves
 * (index KKR_REVENUE = "intäkt", KKR_COST = "kostnad": an amount "not specified within the
 * typ"); the slag declared in slag.csv follow in file order. Amount cells, prognos, snapshots,
 * forecast sets and roll-ups are indexed unit * slag_count + slag. */
struct kkr_slag {
    char *code;             /* "intäkt", "kostnad", or a slag.csv code such as "personal" */
    char *name;             /* "Intäkter", "Kostnader", "Personalkostnader" */
    enum kkr_kind typ;
    long line;              /* line in slag.csv, 0 for the two typer */
};

/* "intäkt" / "kostnad" */
const char *kkr_kind_name(enum kkr_kind kind);
/* Accepts intäkt, intäkter, intakt, revenue, kostnad, kostnader, cost (any case). */
bool kkr_kind_parse(const char *s, size_t len, enum kkr_kind *out);

/* Parses a period "YYYYMM" or "YYYY-MM" (*month 1..12) or a bare "YYYY" (*month = 0).
 * Returns false on anything else, including month 0 or 13 and years outside 1900..2199. */
bool kkr_period_parse(const char *s, size_t len, int *year, int *month);

/* Swedish month names: kkr_month_name(1) = "januari". */
const char *kkr_month_name(int month);

/* A verksamhet: a node of the organisation tree. */
struct kkr_unit {
    char *code;
    char *name;
    int parent;       /* index into units, -1 at top level */
    int depth;        /* 0 at top level */
    long line;        /* line in verksamheter.csv */
    bool is_leaf;     /* has no children */
    char *workbook;   /* arbetsbok (DESIGN §13): the linked nämnd workbook's folder as written
                       * in the kommun's verksamheter.csv, NULL for an ordinary unit */
    char *responsible; /* the optional ansvarig column (an enhetschef), or NULL */
};

/* The sign convention a report shows (DESIGN §5.1): storage is always net cost. */
enum kkr_sign { KKR_SIGN_NET_COST = 0, KKR_SIGN_RESULT = 1 };

/* The saved template of bok.conf (DESIGN §5.1): kolumner, tecken, decimaler, procentdecimaler,
 * enhet, totalrad. The command line wins over each. kolumner is kept as written (its names
 * are checked by the report, which names columns_line in a message). */
struct kkr_workbook_layout {
    char *conf_path;        /* DIR/bok.conf, for messages; NULL without bok.conf */
    char *columns;          /* kolumner, or NULL */
    long columns_line;
    bool sign_set;
    enum kkr_sign sign;     /* tecken */
    int decimals;           /* decimaler 0..2, -1 when not given */
    int percent_decimals;   /* procentdecimaler 0..2, -1 when not given */
    bool unit_set;
    enum kkr_display_unit unit; /* enhet */
    char *total_label;      /* totalrad, or NULL */
};

/* The loaded workbook. All fields are read-only for callers; the arrays are owned by the
 * workbook. Amounts are the unit's own (not rolled up), in öre, indexed by
 * kkr_workbook_cell(): [(unit * slag_count + slag) * month_count + month_index] where
 * month_index = (year - first_year) * 12 + (month - 1). */
struct kkr_workbook {
    char *dir;              /* the folder as given */

    /* bok.conf (NULL when not given) */
    char *organisation;
    char *committee;        /* nämnd */
    char *title;            /* titel */
    int year;               /* the fiscal year: år in bok.conf, else the latest budget year */
    struct kkr_workbook_layout layout; /* the saved report template of bok.conf */

    size_t unit_count;
    struct kkr_unit *units; /* in file order */
    int *order;             /* report order: top-level units in file order, each followed by
                             * its subtree (depth first, file order); unit_count entries */

    size_t slag_count;      /* >= KKR_TYPES */
    struct kkr_slag *slag;  /* the slag table: the two typer, then slag.csv's */

    int first_year;         /* the earliest year with budget or utfall (<= year) */
    int month_count;        /* 12 * number of years from first_year to year */

    int64_t *budget_ore;    /* monthly budget */
    int64_t *actual_ore;    /* monthly utfall */
    uint8_t *actual_has;    /* 1 where utfall.csv had at least one row for the cell */

    /* prognos.csv: per unit and slag, index kkr_workbook_slot() */
    int64_t *forecast_ore;
    uint8_t *forecast_has;
    char **forecast_comment; /* NULL or the kommentar */

    int last_actual_month;  /* the latest month (1..12) of year with any utfall, 0 if none */
    size_t row_count;       /* data rows read from all files (for benchmarks and check) */
};

/* Which file holds the workbook file NAME ("budget", "prognos"): DIR/NAME.csv, or
 * DIR/NAME.xlsx (DESIGN §11: every workbook file but bok.conf and the snapshots may be kept in
 * Excel). *path (malloc'd) is the one that exists, *is_xlsx says which; with neither, *path is
 * the .csv name and the status KKR_ERR_NOT_FOUND (diag set); both is KKR_ERR_VALUE. */
enum kkr_status kkr_workbook_file(const char *dir, const char *name, char **path, bool *is_xlsx,
                                  struct kkr_diag *diag);

/* Loads DIR/verksamheter.csv, budget.csv, utfall.csv and the optional prognos.csv,
 * periodisering.csv and bok.conf, each but bok.conf also as .xlsx (its first sheet, the same
 * header and columns; messages name file:sheet!cell). On error returns non-OK with diag set and *out NULL.
 * Warnings (Windows-1252 files, leaves with budget but no utfall, ...) go to warn. */
enum kkr_status kkr_workbook_load(const char *dir, struct kkr_workbook **out,
                                  struct kkr_diag *diag, struct kkr_warnings *warn);

/* The same, with the folder's CSV file name (e.g. "utfall.csv") read from path instead: a
 * command that rewrites a workbook file loads the result before renaming it into place.
 * Messages name the folder's file. */
enum kkr_status kkr_workbook_load_replacing(const char *dir, const char *name,
                                            const char *path, struct kkr_workbook **out,
                                            struct kkr_diag *diag, struct kkr_warnings *warn);

/* How kkr_workbook_load_with loads (every field may be NULL). */
struct kkr_workbook_load_options {
    const char *replace_name;          /* as kkr_workbook_load_replacing's name ... */
    const char *replace_path;          /* ... and path */
    const struct kkr_csv_options *csv; /* how the CSV files are read (the fast path) */
};
enum kkr_status kkr_workbook_load_with(const char *dir, const struct kkr_workbook_load_options *opt,
                                       struct kkr_workbook **out, struct kkr_diag *diag,
                                       struct kkr_warnings *warn);
void kkr_workbook_free(struct kkr_workbook *wb);

/* Index of the unit with this code, or -1. */
int kkr_workbook_find_unit(const struct kkr_workbook *wb, const char *code, size_t len);

/* Index of a month in the amount arrays, or -1 when outside first_year..year. */
int kkr_workbook_month_index(const struct kkr_workbook *wb, int year, int month);

/* The index of one unit and slag in the per-unit-slag arrays (prognos, snapshots, forecast
 * sets, roll-up own figures). */
static inline size_t kkr_workbook_slot(const struct kkr_workbook *wb, int unit, int slag)
{
    return (size_t)unit * wb->slag_count + (size_t)slag;
}

/* The number of unit-slag slots: unit_count * slag_count. */
static inline size_t kkr_workbook_slots(const struct kkr_workbook *wb)
{
    return wb->unit_count * wb->slag_count;
}

/* Start of the monthly series of one unit and slag in budget_ore / actual_ore. */
static inline size_t kkr_workbook_cell(const struct kkr_workbook *wb, int unit, int slag)
{
    return kkr_workbook_slot(wb, unit, slag) * (size_t)wb->month_count;
}

/* The typ of slag index slag. */
static inline enum kkr_kind kkr_workbook_slag_typ(const struct kkr_workbook *wb, int slag)
{
    return wb->slag[slag].typ;
}

/* Index of the slag with this code (a typ name and its aliases give the typ itself), or -1. */
int kkr_workbook_find_slag(const struct kkr_workbook *wb, const char *code, size_t len);

/* A prognos given for a whole typ of a unit (prognos.csv, or a snapshot locked before slag.csv
 * existed) covers that typ: the unit's declared slag of the typ that have amounts get
 * prognos 0 (has set), so the typ's prognos is not added to their budgets (DESIGN §5.2: the
 * typ row is "ej fördelat", compared at typ level). Arrays indexed kkr_workbook_slot(). */
void kkr_workbook_cover_typ(const struct kkr_workbook *wb, int64_t *forecast_ore,
                            uint8_t *forecast_has);

/* True if unit a is b or lies below b in the tree. */
bool kkr_workbook_unit_within(const struct kkr_workbook *wb, int a, int b);

/* How the whole of the workbook is named in running text: "hela kommunen" for a kommun-level
 * workbook (one that links nämnd workbooks, DESIGN §13), else "hela nämnden". */
const char *kkr_workbook_whole_name(const struct kkr_workbook *wb);

/* ---- snapshots (snapshots/YYYYMM.csv, DESIGN §3) ---- */

/* A locked forecast: per unit and slag, index kkr_workbook_slot(). All fields are read-only for
 * callers; the arrays are owned by the snapshot. */
struct kkr_snapshot {
    int year, month;
    int64_t *forecast_ore;
    uint8_t *forecast_has;
    char **method;          /* NULL or the metod column */
    char **comment;         /* NULL or the kommentar */
    size_t unit_count;      /* the units of the arrays (the workbook's unit_count) */
    size_t slag_count;      /* the slag of the arrays (the workbook's slag_count) */
};

/* Loads DIR/snapshots/YYYYMM.csv against the workbook's units. KKR_ERR_NOT_FOUND when the
 * file does not exist. */
enum kkr_status kkr_snapshot_load(const struct kkr_workbook *wb, int year, int month,
                                  struct kkr_snapshot **out, struct kkr_diag *diag,
                                  struct kkr_warnings *warn);
void kkr_snapshot_free(struct kkr_snapshot *snap);

/* Warns once per file in DIR/snapshots that is not a snapshot (exactly YYYYMM.csv, month
 * 01..12): such files are ignored by kkr_snapshot_list. The workbook loader calls it. */
void kkr_snapshot_warn_strays(const char *dir, struct kkr_warnings *warn);

/* The periods (year * 100 + month) of all snapshots in DIR/snapshots, sorted ascending;
 * *periods is malloc'd (free it), may be NULL when *count is 0. */
enum kkr_status kkr_snapshot_list(const struct kkr_workbook *wb, int **periods, size_t *count,
                                  struct kkr_diag *diag);

#endif
