/* report.h — the nämnd's follow-up tables (DESIGN §5) as text, CSV, Markdown and JSON */
#ifndef KKR_REPORT_H
#define KKR_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "kkr/csv.h"
#include "kkr/format.h"
#include "kkr/json.h"
#include "kkr/money.h"
#include "kkr/rollup.h"
#include "kkr/status.h"
#include "kkr/workbook.h"

struct kkr_invest;
struct kkr_investments;

enum kkr_report_tables {
    KKR_TABLES_BOTH,        /* text, md, json default: the slag table, then the unit table */
    KKR_TABLES_UNITS,       /* --table verksamhet (the csv default) */
    KKR_TABLES_KINDS,       /* --table slag */
    KKR_TABLES_INVESTMENTS, /* --table investering (investeringar.csv, DESIGN §5.3) */
};

/* Optional columns (--columns +utfall-procent,+riktpunkt). */
enum {
    KKR_COL_ACTUAL_PERCENT = 1 << 0, /* utfall as % of helårsbudget */
    KKR_COL_BENCHMARK      = 1 << 1, /* riktpunkt: k/12 in %, or the periodised budget share */
};

/* ---- the column model (DESIGN §5.1) ---- */

/* Every column a follow-up table can show; the names are the CSV and JSON keys. */
enum kkr_column_id {
    KKR_COLUMN_BUDGET_YTD,          /* budget_period */
    KKR_COLUMN_ACTUAL_YTD,          /* utfall_period */
    KKR_COLUMN_VARIANCE_YTD,        /* avvikelse_period */
    KKR_COLUMN_ACTUAL_PERCENT,      /* utfall_procent */
    KKR_COLUMN_BENCHMARK,           /* riktpunkt */
    KKR_COLUMN_BUDGET_FULL,         /* budget_helår */
    KKR_COLUMN_FORECAST_FULL,       /* prognos_helår */
    KKR_COLUMN_VARIANCE_FULL,       /* avvikelse_helår */
    KKR_COLUMN_CHANGE,              /* förändring (against --compare) */
    KKR_COLUMN_ACTUAL_FULL,         /* utfall_helår */
    KKR_COLUMN_ACTUAL_YTD_PREV,     /* utfall_period_fg */
    KKR_COLUMN_CHANGE_PREV,         /* förändring_fg */
    KKR_COLUMN_CHANGE_PREV_PERCENT, /* förändring_fg_procent */
    KKR_COLUMN_BUDGET_FULL_PREV,    /* budget_helår_fg */
    KKR_COLUMN_ACTUAL_FULL_PREV,    /* utfall_helår_fg */
    KKR_COLUMN_VARIANCE_FULL_PREV,  /* avvikelse_helår_fg */
    KKR_COLUMN_FORECAST_THEN,       /* prognos_föregående (against --compare) */
    KKR_COLUMN_IDS
};

/* The heading group a column sits under: Ackumulerat period, Helår, the previous year. */
enum kkr_column_group { KKR_GROUP_PERIOD, KKR_GROUP_FULL, KKR_GROUP_PREVIOUS };

/* One column of a layout. restrict_typ / restrict_slag: SLAG:column (at most one is >= 0). */
struct kkr_report_column {
    enum kkr_column_id id;
    int restrict_typ;       /* KKR_REVENUE / KKR_COST, or -1 */
    int restrict_slag;      /* an index of wb->slag >= KKR_TYPES, or -1 */
    char *key;              /* the CSV and JSON key: the token as written, without =Rubrik */
    char *title;            /* the heading in text, md, PDF and xlsx */
    enum kkr_column_group group;
    bool percent;           /* a percentage, not an amount */
    bool needs_previous;    /* reads the previous year (utfall.csv / budget.csv) */
    bool needs_compare;     /* reads the --compare snapshot */
};

/* An ordered set of columns. */
struct kkr_report_layout {
    size_t count;
    struct kkr_report_column *cols;
};

/* Parses a --columns / kolumner list (DESIGN §5.1) for wb into out: items that all start with
 * '+' add to the default set, a list without '+' replaces it (except a list of only
 * utfall_procent / riktpunkt, which adds), "standard" is the default set; SLAG:column and
 * column=Rubrik. compare: --compare is given (appends förändring unless listed). file and line
 * name the source in messages (NULL file: the command line's --columns). An unknown name
 * lists the valid ones. Release with kkr_report_layout_release. */
enum kkr_status kkr_report_layout_parse(const char *list, const struct kkr_workbook *wb,
                                        bool compare, const char *file, long line,
                                        struct kkr_report_layout *out, struct kkr_diag *diag);
/* The default set (with the legacy KKR_COL_* flags and förändring with compare). */
enum kkr_status kkr_report_layout_default(const struct kkr_workbook *wb, unsigned flags,
                                          bool compare, struct kkr_report_layout *out,
                                          struct kkr_diag *diag);
void kkr_report_layout_release(struct kkr_report_layout *layout);

/* The column names of §5.1, comma separated (for messages and --help). */
const char *kkr_report_column_names(void);

struct kkr_report_options {
    enum kkr_format format;
    enum kkr_display_unit unit;
    enum kkr_report_tables tables;
    unsigned columns;       /* KKR_COL_* (used when layout is NULL) */
    bool excel;             /* CSV for Swedish Excel: BOM, ';', decimal comma */
    /* Optional: a comparison forecast (e.g. a snapshot) per unit and kind; adds the column
     * "förändring" = prognos now - prognos then on the helår side. NULL for none. */
    const struct kkr_rollup *compare;
    const char *compare_label; /* e.g. "202004" */
    /* the layout of DESIGN §5.1; NULL: the default set with the columns flags */
    const struct kkr_report_layout *layout;
    enum kkr_sign sign;     /* the sign shown (default net cost) */
    int decimals;           /* decimals of amounts 0..2, -1: the unit's default (mnkr 1) */
    int percent_decimals;   /* decimals of % columns 0..2, -1: 1 */
    const char *total_label; /* NULL: "Verksamhetens nettokostnad" */
    /* --depth N: the unit table shows the levels 0..N-1 (a kommun's nämnder with --depth 1);
     * the total row always. 0 = every level. */
    int depth;
};

void kkr_report_options_init(struct kkr_report_options *opt);

/* The display name of a row as in the protocol: "Varav särskilt boende" for children,
 * "Verksamhetens nettokostnad" for the total. Writes at most size bytes (NUL-terminated); a
 * longer name is shortened at a character boundary, so the result is always UTF-8. */
void kkr_report_row_name(const struct kkr_workbook *wb, const struct kkr_rollup_row *row,
                         char *buf, size_t size);

/* ---- the table model: rows x columns, shared by every output format (text, csv, md,
 * json, PDF, xlsx) ---- */

/* A row of a table: a unit (or the total) of the roll-up, or a slag-table row (a typ, one of
 * its slag as "Varav", or netto). */
struct kkr_report_line {
    char *name;             /* as shown: "Varav hemtjänst", "Intäkter", the total label */
    const char *code;       /* unit code or "total"; the slag code on slag rows */
    const char *plain_name; /* the unit's or slag's own name */
    int depth;              /* indentation: 0, 1 for Varav ... */
    int parent;             /* unit index of the parent, -1 */
    const char *parent_code;/* slag rows: the typ a Varav row belongs to, else NULL */
    bool computed;          /* some part's prognos is computed (marked "*") */
    bool is_total;          /* the total (unit table) or Netto (slag table) */
    size_t row;             /* index into the roll-up's rows */
    int part_typ;           /* -1, or the typ this line shows */
    int part_slag;          /* -1, or the slag this line shows */
};

/* One cell's value: an amount in öre in the displayed sign, or a percentage; empty cells
 * (a restricted column outside the row's slag, utfall_helår before December, a % of a base
 * that rounds to 0) have empty set. */
struct kkr_report_value {
    bool empty;
    bool percent;
    int64_t ore;
    double pct;
};

struct kkr_report_table {
    const struct kkr_workbook *wb;
    const struct kkr_rollup *rollup;
    const struct kkr_rollup *previous;  /* the previous year, when a column needs it */
    const struct kkr_rollup *compare;
    const struct kkr_report_options *opt;
    const struct kkr_report_layout *layout;
    size_t unit_count;
    struct kkr_report_line *units;      /* the unit table, the total last */
    size_t slag_count;
    struct kkr_report_line *slag;       /* the slag table, Netto last */
    struct kkr_report_layout default_layout; /* storage when opt->layout is NULL */
    struct kkr_rollup previous_rollup;       /* storage of previous */
    bool has_previous;
    const struct kkr_investments *investments; /* for the PDF's page, set by its caller */
};

/* Builds the table model of rollup with opt (its layout, sign, decimals, total label). When a
 * column needs the previous year and utfall.csv or budget.csv has none of it, fails with a
 * message naming the file and the year. */
enum kkr_status kkr_report_table_build(const struct kkr_workbook *wb,
                                       const struct kkr_rollup *rollup,
                                       const struct kkr_report_options *opt,
                                       struct kkr_report_table *out, struct kkr_diag *diag);
void kkr_report_table_release(struct kkr_report_table *t);

/* The value of column col of line. */
struct kkr_report_value kkr_report_table_value(const struct kkr_report_table *t,
                                               const struct kkr_report_line *line, size_t col);

/* Formats a value in the table's unit and decimals, each cell rounded half away from zero
 * from its own exact value; an empty cell is "" (text style: "–" for an empty %). */
size_t kkr_report_value_format(const struct kkr_report_table *t,
                               const struct kkr_report_value *v,
                               const struct kkr_number_style *style, char *buf, size_t size);

/* The heading of a group ("Ackumulerat period", "Helår", "Föregående år 2019"). */
void kkr_report_group_title(const struct kkr_report_table *t, enum kkr_column_group g,
                            char *buf, size_t size);

/* ---- investeringar (DESIGN §5.3, invest-report.c) ---- */

/* The table of investeringar.csv (--table investering) in opt's format, unit and decimals;
 * never sign-flipped. A missing file is an error naming it. */
enum kkr_status kkr_report_write_investments(FILE *out, const struct kkr_workbook *wb,
                                             const struct kkr_report_options *opt,
                                             struct kkr_diag *diag);
/* The investment table's columns (budget, utfall, prognos, avvikelse for the year, then
 * total_budget, utfall_tidigare_år, total_prognos, total_avvikelse for multi-year projects):
 * how many a table of inv shows, their keys and titles, one cell (empty for a one-year row's
 * whole-project columns). */
int kkr_invest_column_count(const struct kkr_investments *inv);
const char *kkr_invest_column_key(int col);
const char *kkr_invest_column_title(int col);
bool kkr_invest_value(const struct kkr_invest *it, int col, int64_t *out);
void kkr_invest_cell(const struct kkr_invest *it, int col, const struct kkr_report_options *opt,
                     const struct kkr_number_style *style, char *buf, size_t size);

/* Writes text as Markdown that adds no markup and cannot break a table row or a title line
 * (the escaping of the report's md: punctuation backslash-escaped, line breaks as <br>). */
void kkr_md_write_text(FILE *out, const char *text);

/* Writes the tables to out. Fails on a write error (KKR_ERR_IO) and on the errors of
 * kkr_report_table_build. */
enum kkr_status kkr_report_write(FILE *out, const struct kkr_workbook *wb,
                                 const struct kkr_rollup *rollup,
                                 const struct kkr_report_options *opt, struct kkr_diag *diag);

/* The tables as sheets of doc (DESIGN §11), from the same rows and columns as the other
 * formats: each table a sheet ("Slag", "Verksamheter", as opt->tables says; xlsx default both),
 * the figures as the CSV shows them, Varav rows one outline level deeper, the title block,
 * the footnotes, and the comments of prognos.csv on a sheet of their own. */
struct kkr_sheet_doc;
enum kkr_status kkr_report_sheets(struct kkr_sheet_doc *doc, const struct kkr_workbook *wb,
                                  const struct kkr_rollup *rollup,
                                  const struct kkr_report_options *opt, struct kkr_diag *diag);

#endif
