/* workbook-loader.h — inside the workbook loader: the loading state its files share */
#ifndef KKR_WORKBOOK_LOADER_H
#define KKR_WORKBOOK_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kkr/csv.h"
#include "kkr/workbook.h"

#define MAX_HISTORY_YEARS 30
#define MAX_SAME_WARNINGS 10
/* An amount row kept until the fiscal year (and so the array layout) is known. */
struct pending {
    int64_t amount_ore;
    int32_t unit;
    int32_t line;
    int16_t year;
    int8_t month;     /* 0 = an annual amount to spread */
    int16_t slag;     /* index into wb->slag */
};

struct pending_list {
    struct pending *items;
    size_t count, capacity;
};

/* The file a workbook file was read from, for messages after reading. */
struct source {
    char *path;
    char *sheet;               /* the sheet when .xlsx, else NULL */
};

struct loader {
    struct kkr_workbook *wb;
    struct source units_src, budget_src, actual_src;
    struct kkr_warnings *warn;
    size_t units_capacity;
    char *path;                 /* the file being read */
    struct pending_list budget, actual;
    /* periodisering.csv: shares per unit and slag, plus defaults (unit -1) */
    double *shares;             /* [(unit + 1) * slag_count + slag][12] */
    uint8_t *shares_has;
    long *forecast_line;        /* prognos.csv line per unit-slag for duplicate messages */
    char **parent_code;         /* per unit, until the tree is built */
    long parent_column;         /* the överordnad column of verksamheter.csv */
    const char *replace_name;   /* kkr_workbook_load_replacing: this file of the folder ... */
    const char *replace_path;   /* ... is read from here (messages name the folder's file) */
    size_t links;               /* units with an arbetsbok (a kommun workbook, DESIGN §13) */
    const struct kkr_csv_options *csv; /* how the CSV files are read (NULL = defaults) */
};

/* In workbook.c: the loader's own helpers (reading one file of the folder, CSV or .xlsx,
 * messages located in it, the unit index, amounts placed into the monthly arrays). */
bool loader_digits(const char *s, size_t n);
enum kkr_status loader_nomem(struct kkr_diag *diag, const char *path);
enum kkr_status loader_read_file(struct loader *ld, const char *name,
                                 const struct kkr_csv_column *columns, kkr_csv_row_fn fn,
                                 void *userdata, struct source *src, struct kkr_diag *diag,
                                 struct kkr_warnings *warn);
void loader_locate(struct kkr_diag *diag, const struct source *src);
enum kkr_status loader_index_build(struct kkr_workbook *wb, int *dup_a, int *dup_b);
enum kkr_status loader_place(struct loader *ld, struct pending_list *list, int64_t *amounts,
                             uint8_t *has, const struct source *src, struct kkr_diag *diag,
                             struct kkr_warnings *warn);
/* In workbook-files.c: one loader (and row callback) per file of the folder; the columns of
 * periodisering.csv and prognos.csv, which load() reads after the amounts. */
extern const struct kkr_csv_column loader_share_columns[];
extern const struct kkr_csv_column loader_forecast_columns[];
bool loader_slag_init(struct kkr_workbook *wb);
enum kkr_status loader_load_slag(struct kkr_workbook *wb, struct kkr_diag *diag,
                                 struct kkr_warnings *warn);
enum kkr_status loader_load_units(struct loader *ld, struct kkr_diag *diag,
                                  struct kkr_warnings *warn);
enum kkr_status loader_load_amounts(struct loader *ld, const char *name,
                                    struct pending_list *list, bool allow_annual,
                                    struct source *src, struct kkr_diag *diag,
                                    struct kkr_warnings *warn);
enum kkr_status loader_take_share(void *ud, const struct kkr_csv_row *row,
                                  struct kkr_diag *diag);
void loader_spread(int64_t amount_ore, const double *shares, int64_t *out);
enum kkr_status loader_take_forecast(void *ud, const struct kkr_csv_row *row,
                                     struct kkr_diag *diag);
/* In workbook-conf.c: bok.conf. */
enum kkr_status loader_load_conf(struct kkr_workbook *wb, struct kkr_diag *diag,
                                 struct kkr_warnings *warn);

#endif
