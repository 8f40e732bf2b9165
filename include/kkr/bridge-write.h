/* bridge-write.h — the bridge (brygga) of kkr whatif as text, CSV and JSON (DESIGN §6) */
#ifndef KKR_BRIDGE_WRITE_H
#define KKR_BRIDGE_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kkr/format.h"
#include "kkr/money.h"
#include "kkr/scenario.h"
#include "kkr/sheet.h"
#include "kkr/status.h"
#include "kkr/workbook.h"

/* How the bridge is shown: the display unit, the goal (mål) in öre, and the simulation's
 * draws (0: none) and seed, which the text and JSON name. */
struct kkr_bridge_write_options {
    enum kkr_display_unit unit;
    int64_t target_ore;
    size_t draws;
    unsigned long seed;
};

/* Writes n scenarios in format: text (the table laid out by kkr_table: one value column per
 * scenario side by side, a measure in several scenarios — same verksamhet, slag and
 * beskrivning — on one row), md (the same table as a pipe table), csv (columns
 * scenario;steg;beskrivning;verksamhet;effekt;sannolikhet;förväntat, one row per step of each
 * scenario, one scenario after the other) or json. The goal figures (Ytterligare besparing
 * som behövs, the simulation) start from the bridge's outlook_ore: the current forecast when
 * the bridge is reconciled, named as the row "Utgångsläge: …". xlsx is refused here
 * (KKR_ERR_USAGE): use kkr_bridge_sheets. KKR_ERR_NOMEM, or KKR_ERR_IO when out has an
 * error. */
enum kkr_status kkr_bridge_write(FILE *out, const struct kkr_workbook *wb,
                                 const struct kkr_bridge_scenario *sc, size_t n,
                                 const struct kkr_bridge_write_options *opt,
                                 enum kkr_format format, struct kkr_diag *diag);

/* The same table as the text (rows and columns), as a sheet "Brygga" of doc with real numbers
 * in the display unit (sannolikhet and P(resultat ≥ mål) in %), the measures as outline level
 * 1, and the document's info. KKR_ERR_NOMEM. */
enum kkr_status kkr_bridge_sheets(struct kkr_sheet_doc *doc, const struct kkr_workbook *wb,
                                  const struct kkr_bridge_scenario *sc, size_t n,
                                  const struct kkr_bridge_write_options *opt,
                                  struct kkr_diag *diag);

#endif
