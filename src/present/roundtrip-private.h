/* roundtrip-private.h — what kkr template (roundtrip.c) and kkr collect (roundtrip-collect.c)
 * share: the form's sheets and columns, the workbook's saved layout */
#ifndef KKR_ROUNDTRIP_PRIVATE_H
#define KKR_ROUNDTRIP_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "kkr/money.h"
#include "kkr/workbook.h"

#define FORM_SHEET "Prognos"
#define META_SHEET "kkr"
#define FORMAT_ID "kkr-prognosmall 1"

/* The form's columns (0-based). */
enum { C_CODE, C_NAME, C_SLAG, C_BUDGET, C_ACTUAL, C_LOCKED, C_LOCKED_COMMENT, C_PROPOSAL,
       C_LOW, C_HIGH, C_METHOD, C_INPUT, C_INPUT_COMMENT, C_COUNT };

/* The amounts' unit, sign and decimals: the workbook's saved enhet, tecken and decimaler
 * (DESIGN §5.1; defaults kkr, nettokostnad, the unit's decimals). A template and collect read
 * them here, so the file and its reading agree. */
enum kkr_display_unit roundtrip_saved_unit(const struct kkr_workbook *wb);
bool roundtrip_saved_result(const struct kkr_workbook *wb);
const char *roundtrip_saved_sign(const struct kkr_workbook *wb);
/* öre per display unit, as a power of ten */
int roundtrip_unit_shift(enum kkr_display_unit u);
/* What names the workbook in a template: bok.conf's organisation and nämnd, or the folder's
 * name when bok.conf names neither. */
void roundtrip_workbook_identity(const struct kkr_workbook *wb, char *buf, size_t size);

#endif
