/* report-private.h — inside the follow-up report: what its files share */
#ifndef KKR_REPORT_PRIVATE_H
#define KKR_REPORT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kkr/report.h"
#include "kkr/sheet.h"

/* In report.c: an amount as the table shows it (the sign of --sign). */
int64_t report_shown(const struct kkr_report_table *t, int64_t ore);
/* In report-write.c: "januari–maj 2020" for a roll-up, and the notes under a text table
 * (shared with the xlsx sheets). */
void report_period_phrase(const struct kkr_rollup *r, char *buf, size_t size);
void report_footnotes(FILE *out, const struct kkr_report_table *t);

#endif
