/* bridge-write.h — the bridge (brygga) of kkr whatif as text, CSV and JSON (DESIGN §6) */
#ifndef KKR_BRIDGE_WRITE_H
#define KKR_BRIDGE_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kkr/format.h"
#include "kkr/money.h"
#include "kkr/scenario.h"
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

/* Writes n scenarios (side by side in text, one after the other in CSV and JSON) in format:
 * text (the table laid out by kkr_table), csv (columns
 * scenario;steg;beskrivning;verksamhet;effekt;sannolikhet;förväntat) or json; md is refused
 * (KKR_ERR_USAGE, the bridge has no Markdown form). KKR_ERR_NOMEM, or KKR_ERR_IO when out has
 * an error. */
enum kkr_status kkr_bridge_write(FILE *out, const struct kkr_workbook *wb,
                                 const struct kkr_bridge_scenario *sc, size_t n,
                                 const struct kkr_bridge_write_options *opt,
                                 enum kkr_format format, struct kkr_diag *diag);

#endif
