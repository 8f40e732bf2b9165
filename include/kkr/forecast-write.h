/* forecast-write.h — kkr forecast's tables as text, CSV and JSON (DESIGN §7) */
#ifndef KKR_FORECAST_WRITE_H
#define KKR_FORECAST_WRITE_H

#include <stdio.h>

#include "kkr/forecast.h"
#include "kkr/format.h"
#include "kkr/money.h"
#include "kkr/sheet.h"
#include "kkr/status.h"
#include "kkr/workbook.h"

/* Writes the rolled-up forecast table (kkr_forecast_table_build) in format (text, csv or json;
 * md is written as text) with amounts in unit. CSV columns
 * kod;slag;budget_helår;utfall_period;prognos_helår;låg;hög;avvikelse_helår;metod. The text
 * table is laid out by display width (kkr_table). KKR_ERR_NOMEM, or KKR_ERR_IO when out has
 * an error. */
enum kkr_status kkr_forecast_table_write(FILE *out, const struct kkr_workbook *wb,
                                         const struct kkr_forecast_table *t,
                                         enum kkr_format format, enum kkr_display_unit unit,
                                         struct kkr_diag *diag);

/* The same with the layout of DESIGN §5.1: sign (under resultat every amount negated, låg and
 * hög swapped, the avvikelse unchanged; JSON says "tecken": "resultat") and decimals 0..2 (-1:
 * the unit's default). */
enum kkr_status kkr_forecast_table_write_as(FILE *out, const struct kkr_workbook *wb,
                                            const struct kkr_forecast_table *t,
                                            enum kkr_format format, enum kkr_display_unit unit,
                                            enum kkr_sign sign, int decimals,
                                            struct kkr_diag *diag);

/* The forecast table as a sheet "Prognos" of doc, with the text table's Swedish headings (Kod,
 * Slag, Budget, Utfall, Prognos, Låg, Hög, Avvikelse, Metod), the figures as in the CSV (real
 * numbers in the display unit), outline levels by unit depth, the total bold. */
void kkr_forecast_table_sheet(struct kkr_sheet_doc *doc, const struct kkr_workbook *wb,
                              const struct kkr_forecast_table *t, enum kkr_display_unit unit,
                              enum kkr_sign sign, int decimals);

/* The backtest summary as a sheet "Backtest": Metod, Månader (k), Fall, Medelfel (MAPE), %,
 * Täckning, % — the CSV's rows with Swedish headings. */
void kkr_backtest_summary_sheet(struct kkr_sheet_doc *doc, const struct kkr_workbook *wb,
                                const struct kkr_backtest_summary *sum, double level);

/* Writes the backtest summary (kkr forecast --backtest) at interval level: CSV columns
 * metod;k;fall;mape;täckning, JSON, or the text table of MAPE per method and k. */
enum kkr_status kkr_backtest_summary_write(FILE *out, const struct kkr_backtest_summary *sum,
                                           double level, enum kkr_format format,
                                           struct kkr_diag *diag);

#endif
