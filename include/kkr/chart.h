/* chart.h — charts as PNG, PDF and SVG with cairo and pango (DESIGN §9) */
#ifndef KKR_CHART_H
#define KKR_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cairo.h>

#include "kkr/money.h"
#include "kkr/status.h"

/* ---- what to draw ---- */

enum kkr_chart_kind {
    KKR_CHART_AVVIKELSE,        /* diverging bars: helår avvikelse per unit */
    KKR_CHART_BUDGET_PROGNOS,   /* helårsbudget vs prognos per unit */
    KKR_CHART_ACKUMULERAT,      /* cumulative monthly budget, utfall, prognos (+ band) */
    KKR_CHART_BRYGGA,           /* waterfall: baseline, measures, result */
    KKR_CHART_PROGNOSHISTORIK,  /* helårsprognos month by month (snapshots) */
};
#define KKR_CHART_KINDS 5

/* "avvikelse", "budget-prognos", "ackumulerat", "brygga", "prognoshistorik" */
const char *kkr_chart_kind_name(enum kkr_chart_kind kind);
bool kkr_chart_kind_parse(const char *s, enum kkr_chart_kind *out);

enum kkr_chart_format { KKR_CHART_PNG, KKR_CHART_PDF, KKR_CHART_SVG };

/* The format from a file name's extension (.png, .pdf, .svg, any case); false otherwise. */
bool kkr_chart_format_from_path(const char *path, enum kkr_chart_format *out);

/* A row of a bar chart (avvikelse, budget-prognos). Borrowed strings. */
struct kkr_chart_row {
    const char *label;      /* as in the table: "Varav hemtjänst" */
    int depth;              /* 0 top level; children are indented */
    bool total;             /* the total row: drawn bold, below a rule */
    int64_t value_ore;      /* avvikelse: the variance; budget-prognos: the prognos */
    int64_t budget_ore;     /* budget-prognos: the budget (unused for avvikelse) */
};

/* A step of the waterfall (brygga). The first step is the baseline and the last the result
 * when is_total is set: they are drawn from zero; other steps float on the running sum. */
struct kkr_chart_step {
    const char *label;
    int64_t value_ore;
    bool is_total;
};

/* Cumulative monthly series (ackumulerat), months 1..12 of one year, in öre. Utfall exists for
 * months 1..actual_months; the forecast runs from actual_months to 12 (forecast_cum[11] is the
 * helårsprognos). low/high: the forecast's interval, drawn as a band when has_band. */
struct kkr_chart_monthly {
    int actual_months;
    int64_t budget_cum_ore[12];
    int64_t actual_cum_ore[12];
    int64_t forecast_cum_ore[12];
    bool has_band;
    int64_t low_cum_ore[12];
    int64_t high_cum_ore[12];
};

/* A point of the forecast history (prognoshistorik): the helårsprognos locked in month. */
struct kkr_chart_point {
    int month;              /* 1..12 */
    int64_t forecast_ore;
    bool current;           /* the report period's current forecast (not locked) */
};

/* A box where text was drawn (for tests: no two may overlap). */
struct kkr_chart_box {
    double x, y, w, h;
};
struct kkr_chart_text_log {
    struct kkr_chart_box *boxes;
    size_t count, capacity;
};
void kkr_chart_text_log_release(struct kkr_chart_text_log *log);

/* One chart. Only the data of its kind is read. */
struct kkr_chart {
    enum kkr_chart_kind kind;
    const char *title;          /* "Avvikelse helår per verksamhet" */
    const char *subtitle;       /* "Omsorgsnämnden · prognos maj 2020" (may be NULL) */
    enum kkr_display_unit unit; /* kkr by default */
    int year;

    const struct kkr_chart_row *rows;
    size_t row_count;
    const struct kkr_chart_step *steps;
    size_t step_count;
    const struct kkr_chart_monthly *monthly;
    const struct kkr_chart_point *points;
    size_t point_count;
    int64_t budget_full_ore;    /* prognoshistorik: the helårsbudget reference line */

    /* Bar charts split over pages: draw only rows (or steps) [slice_from, slice_from +
     * slice_count); the scale still covers all of them. slice_count 0 draws all. */
    size_t slice_from, slice_count;

    struct kkr_chart_text_log *text_log; /* NULL, or collects every text box drawn */
    struct kkr_chart_text_log *bar_log;  /* NULL, or collects every bar (rows, steps) */
};

void kkr_chart_init(struct kkr_chart *chart, enum kkr_chart_kind kind);

/* A bar chart (avvikelse, budget-prognos) of more than KKR_CHART_MAX_ROWS rows is written by
 * kkr_chart_write, and measured by kkr_chart_natural_height, as kkr_chart_reduce to
 * KKR_CHART_REDUCED_ROWS makes it: a chart of thousands of bars is neither readable nor
 * drawable (a PNG is at most 32 767 pixels tall), and it stays linear in the units. The A4
 * report reduces every bar chart of more than KKR_CHART_REDUCED_ROWS rows. */
#define KKR_CHART_MAX_ROWS 200
#define KKR_CHART_REDUCED_ROWS 30

/* The rows of bar chart ch cut to at most max and its total rows: the top-level units when
 * there are no more than max of them, else the max largest deviations (avvikelse; budget −
 * prognos for budget-prognos) in report order, all at depth 0; the subtitle (written into
 * subtitle, size bytes) says which. *out is ch with those rows and that subtitle; *rows_out
 * holds the rows (free it after the last use of *out). */
enum kkr_status kkr_chart_reduce(const struct kkr_chart *ch, size_t max, struct kkr_chart *out,
                                 struct kkr_chart_row **rows_out, char *subtitle, size_t size,
                                 struct kkr_diag *diag);

/* ---- output ---- */

struct kkr_chart_size {
    double width_pt;        /* logical width in points (1/72 in) */
    double height_pt;       /* 0: the chart's natural height for its data */
    double dpi;             /* PNG pixels per inch: width_px = width_pt * dpi / 72 */
};

/* Slide size: 576 pt at 200 dpi = 1600 px wide. */
void kkr_chart_size_slide(struct kkr_chart_size *size);
/* A4 text width (170 mm = 481.9 pt), 300 dpi for PNG. */
void kkr_chart_size_a4(struct kkr_chart_size *size);

/* The natural height in points of a chart drawn width_pt wide (bar charts grow with rows). */
double kkr_chart_natural_height(const struct kkr_chart *chart, double width_pt);

/* Draws the chart into the box (0,0)-(width,height) of cr's user space, in points.
 * Errors stick to cr (cairo style); returns KKR_ERR_VALUE for unusable data. */
enum kkr_status kkr_chart_draw(cairo_t *cr, const struct kkr_chart *chart, double width,
                               double height, struct kkr_diag *diag);

/* Writes the chart to path (temporary file, renamed into place) in the given format.
 * Deterministic: the same chart and fonts give the same bytes. */
enum kkr_status kkr_chart_write(const struct kkr_chart *chart, const char *path,
                                enum kkr_chart_format format, const struct kkr_chart_size *size,
                                struct kkr_diag *diag);

/* The same into an open output (e.g. a member of a kkr_output_set); the caller commits or
 * aborts it. */
struct kkr_output;
enum kkr_status kkr_chart_write_to(const struct kkr_chart *chart, struct kkr_output *out,
                                   enum kkr_chart_format format,
                                   const struct kkr_chart_size *size, struct kkr_diag *diag);

/* PDF creation date "YYYY-MM-DDTHH:MM:SSZ" from SOURCE_DATE_EPOCH, or fallback when it is
 * unset or invalid (buf holds at least 32 bytes). */
void kkr_chart_pdf_date(char *buf, size_t size, const char *fallback);

/* ---- layout maths (pure, tested on their own) ---- */

/* A linear map from data [d0, d1] to device [p0, p1]. */
struct kkr_scale {
    double d0, d1, p0, p1;
};

double kkr_scale_map(const struct kkr_scale *s, double v);

/* Nice axis ticks covering [lo, hi]: a step of 1, 2 or 5 × 10^n giving at most max_ticks
 * ticks; *first and *last are multiples of the step with first <= lo and last >= hi.
 * Returns the number of ticks ((last - first) / step + 1). lo == hi is widened around it. */
int kkr_chart_nice_ticks(double lo, double hi, int max_ticks, double *first, double *last,
                         double *step);

/* The device extent of a bar from base to v: *a <= *b (the bar renderer draws every bar with
 * it, a waterfall step from its start to its end). */
void kkr_chart_bar_extent(const struct kkr_scale *s, double base, double v, double *a,
                          double *b);

/* Places n labels along one axis: each wants its centre at want[i] and is size[i] long.
 * Writes centres to pos so that neighbours (in sorted order of want) are at least gap apart,
 * all lie within [lo, hi] when they fit, and moves are as small as possible (labels keep their
 * order). Returns false when they cannot fit (they are then packed from lo). */
bool kkr_chart_place_labels(const double *want, const double *size, size_t n, double gap,
                            double lo, double hi, double *pos);

/* True if none of the n intervals [start[i], start[i] + size[i]) overlap. */
bool kkr_chart_intervals_disjoint(const double *start, const double *size, size_t n);

/* Stacks rows of the given heights from y0 with gap between them; top[i] gets each row's top.
 * Returns the bottom of the last row. */
double kkr_chart_stack_rows(const double *height, size_t n, double gap, double y0, double *top);

/* Spreads the forecast remainder over the months after k in proportion to the budget's
 * monthly profile: out[m] = actual_cum[k-1] + (budget_cum[m] - budget_cum[k-1]) * share,
 * out[11] = full exactly, and out[m] = actual_cum[m] for m < k. Falls back to an even spread
 * when the remaining budget is zero. k = 0 starts from zero. All in öre. */
void kkr_chart_forecast_path(const int64_t budget_cum_ore[12], const int64_t actual_cum_ore[12],
                             int k, int64_t full_ore, int64_t out_ore[12]);

/* ---- chart data from a workbook (chart-data.c) and the A4 report (pdf-report.c) ---- */

struct kkr_workbook;
struct kkr_rollup;

/* The standard set built from a workbook's roll-up. Owns its strings and arrays. */
struct kkr_chart_set {
    struct kkr_chart charts[KKR_CHART_KINDS]; /* indexed by kind */
    bool present[KKR_CHART_KINDS];            /* brygga only with steps; historik always */
    /* storage */
    struct kkr_chart_row *rows;
    struct kkr_chart_row *unit_rows;
    char **labels;
    size_t label_count;
    struct kkr_chart_step *steps;
    struct kkr_chart_monthly monthly;
    struct kkr_chart_point *points;
    char *titles[KKR_CHART_KINDS];
    char *subtitles[KKR_CHART_KINDS];
};

struct kkr_chart_set_options {
    enum kkr_display_unit unit;
    int unit_index;             /* ackumulerat: a unit (its subtree), or -1 for the total */
    /* brygga: steps from the caller (baseline first, result last); none when step_count 0 */
    const struct kkr_chart_step *steps;
    size_t step_count;
    const char *bridge_subtitle; /* e.g. "Utgångsläge: låst prognos april 2020" */
    /* ackumulerat: the forecast's helår interval for the chosen unit, when known */
    bool has_interval;
    int64_t low_ore, high_ore;
};

void kkr_chart_set_options_init(struct kkr_chart_set_options *opt);

/* Builds every chart's data. Loads snapshots (wb->dir/snapshots) for prognoshistorik. The set
 * owns every string and array its charts point to (labels, titles, subtitles, the brygga steps
 * and their labels): opt, its steps and their strings may be freed as soon as it returns. */
enum kkr_status kkr_chart_set_build(struct kkr_chart_set *set, const struct kkr_workbook *wb,
                                    const struct kkr_rollup *rollup,
                                    const struct kkr_chart_set_options *opt,
                                    struct kkr_diag *diag);
void kkr_chart_set_release(struct kkr_chart_set *set);

/* The A4 nämnd report: title block, the slag and unit tables (figures formatted exactly as
 * kkr report does, in KKR_STYLE_PRINT), the comments from prognos.csv under their units, the
 * charts of set (brygga when present). Deterministic bytes. */
enum kkr_status kkr_chart_report_write(const char *path, const struct kkr_workbook *wb,
                                       const struct kkr_rollup *rollup,
                                       const struct kkr_chart_set *set,
                                       enum kkr_display_unit unit, struct kkr_diag *diag);

/* What the månadsrapport (DESIGN §14) adds to the A4 report: the Sammanfattning — the
 * workbook's own sammanfattning.md when given (paragraphs, headings, lists, bold and italic
 * are laid out, anything else printed as it stands), else the drafted one — and the
 * prognoshistorik table of the locked months. Each may be NULL. */
struct kkr_summary;
struct kkr_history;
struct kkr_report_document {
    const char *summary_markdown;
    const struct kkr_summary *summary;
    const struct kkr_history *history;
};

/* kkr_chart_report_write with the document's parts (doc may be NULL: the report alone). */
enum kkr_status kkr_chart_report_write_document(const char *path, const struct kkr_workbook *wb,
                                                const struct kkr_rollup *rollup,
                                                const struct kkr_chart_set *set,
                                                enum kkr_display_unit unit,
                                                const struct kkr_report_document *doc,
                                                struct kkr_diag *diag);
/* The same with the report's layout (DESIGN §5.1: columns, sign, decimals, total label): the
 * tables are the rows and columns of kkr_report_table_build, cell for cell those of the CSV;
 * doc as for kkr_chart_report_write_document (may be NULL). */
struct kkr_report_options;
enum kkr_status kkr_chart_report_write_layout(const char *path, const struct kkr_workbook *wb,
                                              const struct kkr_rollup *rollup,
                                              const struct kkr_chart_set *set,
                                              const struct kkr_report_options *ropt,
                                              const struct kkr_report_document *doc,
                                              struct kkr_diag *diag);

#endif
