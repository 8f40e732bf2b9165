/* workbook-private.h — what the loader and the kommun consolidation share inside the model */
#ifndef KKR_WORKBOOK_PRIVATE_H
#define KKR_WORKBOOK_PRIVATE_H

#include "kkr/hash.h"
#include "kkr/workbook.h"

/* What a workbook holds beyond its public, read-only fields. Every struct kkr_workbook is the
 * first member of one of these, made by kkr_workbook_alloc() (zeroed) and freed by
 * kkr_workbook_free(). */
struct kkr_workbook_impl {
    struct kkr_workbook wb;
    struct kkr_hash unit_index;     /* unit code -> index into wb.units */
};

struct kkr_workbook *kkr_workbook_alloc(void);

/* The folders being loaded above this one (a kommun, its förvaltning, ...), to refuse a cycle
 * of arbetsbok links. */
struct kkr_link_chain {
    const char *real_path;            /* realpath() of the folder */
    const char *dir;                  /* the folder as named, for the message */
    const struct kkr_link_chain *up;  /* NULL at the top */
};

/* kkr_workbook_load_replacing with the chain of linking workbooks above dir. */
enum kkr_status kkr_workbook_load_linked(const char *dir, const char *name, const char *path,
                                         const struct kkr_link_chain *chain,
                                         struct kkr_workbook **out, struct kkr_diag *diag,
                                         struct kkr_warnings *warn);

/* (Re)builds the unit code index of wb; a duplicate code is KKR_ERR_VALUE. */
enum kkr_status kkr_workbook_index_units(struct kkr_workbook *wb, struct kkr_diag *diag);

/* Loads every workbook that a unit of kommun links (arbetsbok) and makes the whole kommun one
 * workbook in *out. kommun is left to the caller to free (its comments move to *out). In
 * kommun.c. */
enum kkr_status kkr_kommun_consolidate(struct kkr_workbook *kommun,
                                       const struct kkr_link_chain *chain,
                                       struct kkr_workbook **out, struct kkr_diag *diag,
                                       struct kkr_warnings *warn);

#endif
