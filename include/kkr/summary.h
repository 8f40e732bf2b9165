/* summary.h — the månadsrapport's Sammanfattning drafted in plain Swedish from the figures
 * (DESIGN §14) */
#ifndef KKR_SUMMARY_H
#define KKR_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kkr/document.h"
#include "kkr/format.h"
#include "kkr/money.h"
#include "kkr/rollup.h"
#include "kkr/status.h"
#include "kkr/workbook.h"

/* struct kkr_summary_measures (the measures' outlook) is in kkr/document.h. */

/* Everything the draft reads. now is the report's roll-up; before the roll-up of the latest
 * locked snapshot before the report period (NULL when there is none). The figures are quoted
 * exactly as the tables show them: rounded from their own exact value to unit, in style. */
struct kkr_summary_input {
    const struct kkr_workbook *wb;
    const struct kkr_rollup *now;
    const struct kkr_rollup *before;
    int before_month;            /* the snapshot's month (1..12) when before is given */
    const struct kkr_summary_measures *measures; /* NULL when no scenario is given */
    enum kkr_display_unit unit;
    const struct kkr_number_style *style;
    size_t max_units;            /* how many units a list names at most (0: 3) */
};

/* The drafted text: paragraphs in order. The first is the headline result. */
struct kkr_summary {
    size_t count;
    char **paragraphs;           /* UTF-8, one paragraph each, no line breaks */
};

/* Drafts the Sammanfattning. Fails only when out of memory. */
enum kkr_status kkr_summary_draft(const struct kkr_summary_input *in, struct kkr_summary **out,
                                  struct kkr_diag *diag);
void kkr_summary_free(struct kkr_summary *s);

/* Drafts the Sammanfattning of now from a document's parts (kkr_document_build: the previous
 * locked prognos and the measures' outlook when it has them). */
enum kkr_status kkr_summary_draft_document(const struct kkr_workbook *wb,
                                           const struct kkr_rollup *now,
                                           const struct kkr_document *doc,
                                           enum kkr_display_unit unit,
                                           const struct kkr_number_style *style,
                                           struct kkr_summary **out, struct kkr_diag *diag);

/* Writes the summary as text (paragraphs wrapped at width display columns, blank line between)
 * or Markdown (a "## Sammanfattning" heading, paragraphs with Markdown's special characters
 * escaped). Other formats: KKR_ERR_USAGE. A write error is KKR_ERR_IO. */
enum kkr_status kkr_summary_write(FILE *out, const struct kkr_summary *s, enum kkr_format format,
                                  size_t width, struct kkr_diag *diag);

#endif
