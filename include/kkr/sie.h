/* sie.h — SIE 4 files (types 2, 3, 4E, 4I) read into utfall and budget (DESIGN §12) */
#ifndef KKR_SIE_H
#define KKR_SIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kkr/import.h"
#include "kkr/status.h"

/* How balance rows (#PSALDO, #PBUDGET) with object lists are read. */
enum kkr_sie_reading {
    KKR_SIE_READING_AUTO = 0,   /* told from the file itself, refused when it cannot be */
    KKR_SIE_READING_TOTALS,     /* {} is the account total, object rows break it down */
    KKR_SIE_READING_PARTITION,  /* {} is the part without objects, each object row a part */
    KKR_SIE_READING_NONE,       /* (result only) no account had object rows */
};

enum kkr_sie_encoding {
    KKR_SIE_ENC_AUTO = 0,       /* #FORMAT PC8 (CP437), or what the bytes really are (warned) */
    KKR_SIE_ENC_CP437,
    KKR_SIE_ENC_UTF8,
    KKR_SIE_ENC_CP1252,
};

/* "totals", "partition", "none"; "cp437", "utf-8", "windows-1252" */
const char *kkr_sie_reading_name(enum kkr_sie_reading r);
const char *kkr_sie_encoding_name(enum kkr_sie_encoding e);

struct kkr_sie_options {
    int dim;                              /* the dimension whose objects are units; 0 = 1 */
    bool dim_given;                       /* --dim was given: the file must declare it */
    enum kkr_sie_reading reading;
    enum kkr_sie_encoding encoding;
    const struct kkr_import_accounts *accounts;  /* NULL = Kommun-Bas by account class */
    size_t chunk_size;                    /* bytes per read(2); 0 = 256 KiB */
    bool slow_path_only;                  /* every #TRANS through the full field grammar, none
                                           * through the fast scanner (the differential test) */
};

void kkr_sie_options_init(struct kkr_sie_options *opt);

/* A unit of the import: an object of the chosen dimension, or the rest (no such object). */
struct kkr_sie_unit {
    char *code;        /* UTF-8; "" for the rest */
    char *name;        /* from #OBJEKT, else the code */
    bool declared;     /* named by an #OBJEKT record */
};

/* One record type and what became of its records. */
struct kkr_sie_label {
    char label[24];    /* "#TRANS" */
    uint64_t count;
    bool known;        /* a record kkr reads (else ignored, counted) */
};

/* Per record type #PSALDO / #PBUDGET: rows and how they were read. */
struct kkr_sie_balances {
    uint64_t rows;                 /* records read */
    uint64_t rows_used;            /* added into the result (totals: the {} rows and parts) */
    uint64_t rows_breakdown;       /* totals reading: object rows that only break down a total */
    uint64_t rows_other_year;      /* #PSALDO of a year whose utfall comes from vouchers;
                                    * #PBUDGET of a year other than year 0 */
    uint64_t rows_odd;             /* on an account that is not a number */
    uint64_t groups_with_objects;  /* account and period with object rows */
    uint64_t evidence_totals;      /* ... whose {} row equals one dimension's rows */
    uint64_t evidence_partition;   /* ... with object rows and no {} row */
    long first_totals_line, first_partition_line;
    enum kkr_sie_reading reading;  /* the reading used (NONE: no object rows) */
    bool reading_given;            /* from the options, not the file */
};

struct kkr_sie_file;

/* Everything read, read-only for callers. */
struct kkr_sie_info {
    char *program;                 /* #PROGRAM name and version, UTF-8 (NULL if absent) */
    char *organisation;            /* #FNAMN */
    int sie_type;                  /* #SIETYP (1..4), 0 if absent */
    bool type_4i;                  /* #SIETYP 4 with no #RAR: an import file */
    enum kkr_sie_encoding encoding;/* what the bytes were read as */
    bool encoding_declared_pc8;    /* #FORMAT PC8 */
    int year;                      /* the start year of #RAR 0, 0 if absent */
    int dim;
    char *dim_name;                /* #DIM name of dim, NULL when not declared */

    struct kkr_sie_unit *units;    /* the objects of dim in the file's order, then the rest */
    size_t unit_count;
    bool has_rest;                 /* the last unit is the rest (amounts without an object) */

    struct kkr_sie_label *labels;  /* every record type in order of appearance */
    size_t label_count;
    uint64_t records;              /* every record, '{' and '}' lines included */
    uint64_t lines;

    uint64_t vouchers, trans, rtrans, btrans;
    uint64_t trans_fast;           /* #TRANS rows read by the fast scanner (the rest: the full
                                    * field grammar) */
    int trans_years[8];            /* calendar years whose utfall comes from #TRANS */
    int trans_year_count;
    struct kkr_sie_balances psaldo, pbudget;

    /* #TRANS / #PSALDO / #PBUDGET on an account that is not a number (seen: "FEL"): left
     * out of utfall and budget (no account class), counted here */
    uint64_t odd_account_rows;
    int64_t odd_account_ore;
    long odd_account_line;
    char odd_account[24];

    bool ksumma;                   /* a checksummed file, verified */
    uint32_t ksumma_value;
};

const struct kkr_sie_info *kkr_sie_info(const struct kkr_sie_file *f);

/* Reads the SIE file at path. Errors name path:line:column. */
enum kkr_status kkr_sie_read(const char *path, const struct kkr_sie_options *opt,
                             struct kkr_sie_file **out, struct kkr_diag *diag,
                             struct kkr_warnings *warn);
void kkr_sie_free(struct kkr_sie_file *f);

/* True when the bytes start (after a UTF-8 BOM and blank space) with the record #FLAGGA. */
bool kkr_sie_detect(const char *head, size_t len);

/* The map of a new workbook: each unit code to itself, the rest ("") to its unit code. */
enum kkr_status kkr_sie_units_map(const struct kkr_sie_file *f, struct kkr_import_map **out,
                                  struct kkr_diag *diag);

/* The unit code a new workbook gives unit i (the rest gets a code of its own). */
const char *kkr_sie_unit_code(const struct kkr_sie_file *f, size_t i);

/* utfall (budget false) or budget of year 0 (budget true) as import rows through map: unit
 * codes are looked up as ERP codes (the rest as ""). rows_read etc. count source rows. */
enum kkr_status kkr_sie_result(const struct kkr_sie_file *f, bool budget,
                               const struct kkr_import_map *map,
                               struct kkr_import_result **out, struct kkr_diag *diag);

/* Writes a complete new workbook into dir, which must be absent or empty: verksamheter.csv,
 * utfall.csv, budget.csv, bok.conf. The files are written in a temporary folder next to dir
 * and moved into place together. */
enum kkr_status kkr_sie_init_workbook(const struct kkr_sie_file *f, const char *dir,
                                      struct kkr_diag *diag);

/* CRC-32 as SIE's #KSUMMA (zlib's polynomial): crc of the next bytes after crc. */
uint32_t kkr_sie_crc32(uint32_t crc, const void *data, size_t len);

#endif
