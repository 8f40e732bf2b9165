/* forecast.h — full-year forecasts (helårsprognos) per unit with intervals (DESIGN §7) */
#ifndef KKR_FORECAST_H
#define KKR_FORECAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kkr/rollup.h"
#include "kkr/status.h"
#include "kkr/workbook.h"

/* ---- one series: the methods work on plain doubles (kronor) ---- */

/* A monthly series of one unit and slag. values and budget hold whole calendar (fiscal) years,
 * 12 * (years) entries, the forecast year last: months [12 * (years - 1), 12 * years). The first
 * `start` months are missing (the series begins later); months of earlier years after start
 * are all known; of the forecast year months 1..k are known. budget may be NULL; a year whose
 * budget is all zero has none. */
struct kkr_series {
    const double *values;
    const double *budget;
    int years;              /* >= 1 */
    int start;              /* first known month index, 0 .. 12 * (years - 1) + k */
    int k;                  /* known months of the forecast year, 0..12 */
    int end;                /* 0, or where the known months of earlier years end (a series
                             * that stopped before the forecast year): years past it are not
                             * replayed in backtests */
};

/* A full-year forecast: the year total (utfall 1..k included) and its interval. */
struct kkr_forecast {
    double full;            /* kr */
    double low, high;       /* the interval at the requested level */
    double sd;              /* standard deviation of the year total, for sums of parts */
    const char *method;     /* the method that made it (auto and fallbacks name the real one) */
    double budget_step;     /* auto: the change from last year's total that the budget plans,
                             * when auto followed it as a step (DESIGN §7, README); else NAN */
};

struct kkr_forecast_options {
    double level;           /* interval level, 0 < level < 1; default 0.8 */
};

void kkr_forecast_options_init(struct kkr_forecast_options *opt);

/* A forecast method, as in a const table (like gsl_interp_type). run never fails on
 * numerical trouble (it falls back to simpler models and names them in out->method); it fails
 * only when the series has fewer than min_history known months (KKR_ERR_VALUE). */
struct kkr_forecast_method {
    const char *name;
    int min_history;        /* known months needed: history plus months 1..k */
    enum kkr_status (*run)(const struct kkr_series *s, const struct kkr_forecast_options *opt,
                           struct kkr_forecast *out, struct kkr_diag *diag);
    const char *summary;
};

extern const struct kkr_forecast_method kkr_forecast_budget, kkr_forecast_runrate,
    kkr_forecast_trend, kkr_forecast_seasonal, kkr_forecast_ets, kkr_forecast_auto;

/* All methods, NULL-terminated, in the order above. */
extern const struct kkr_forecast_method *const kkr_forecast_methods[];

/* Finds a method by name. Unknown: KKR_ERR_NOT_FOUND with a message listing the valid ones. */
enum kkr_status kkr_forecast_method_find(const char *name, const struct kkr_forecast_method **out,
                                         struct kkr_diag *diag);

/* Runs a method on a series; when the series is too short for it, falls back to budget (or,
 * with no budget, to the utfall so far) and says so in out->method. Never fails. */
void kkr_forecast_run(const struct kkr_forecast_method *m, const struct kkr_series *s,
                      const struct kkr_forecast_options *opt, struct kkr_forecast *out);

/* Parses an interval level: "0.8", "80", "80%" or "80 %" -> 0.8. False unless 0 < level < 1. */
bool kkr_forecast_level_parse(const char *s, double *level);

/* The z value of a two-sided normal interval at level (0.8 -> 1.2816). */
double kkr_forecast_z(double level);

/* ---- exponential smoothing (ets), exposed for tests and the benchmark ---- */

/* ETS model: error, trend, season as in Hyndman et al.: 'A'/'M', 'N'/'A' (+ damped), 'N'/'A'/'M'. */
struct kkr_ets_model {
    char error, trend, season;
    bool damped;
    double alpha, beta, gamma, phi;
    double level0, trend0, season0[12]; /* initial states; season0[i] belongs to month i of the
                                         * first season (the first observation's season is 0) */
    double sign;            /* +1, or -1 when the series was negated (all-negative revenue) */
    double sigma2;          /* variance of the innovations (relative ones for 'M' error) */
    double loglik, aicc;
    int n;                  /* observations fitted */
    int params;             /* parameters counted in the AICc */
};

/* Fits ETS models to y[0..n) with season length m (12, or 1 for none) by maximum likelihood
 * (GSL Nelder-Mead on the smoothing parameters; initial states from a classical
 * decomposition) and picks the one with the smallest AICc. Short series fall back to simpler
 * models; n == 0 gives a flat zero model. Never fails. */
void kkr_ets_fit(const double *y, int n, int m, struct kkr_ets_model *out);

/* Fits one given model (error, trend, season, damped); false if it does not apply (e.g. 'M'
 * on non-positive data, season with fewer than two seasons of data). */
bool kkr_ets_fit_model(const double *y, int n, int m, char error, char trend, char season,
                       bool damped, struct kkr_ets_model *out);

/* Runs the model's filter over y[0..n) (n may exceed model->n: the same parameters are used on
 * more data) and forecasts h steps: *sum the sum of the h point forecasts, *sd the standard
 * deviation of the sum of the h outcomes. means (may be NULL) receives the h point forecasts. */
void kkr_ets_forecast(const struct kkr_ets_model *model, const double *y, int n, int m, int h,
                      double *means, double *sum, double *sd);

/* ---- the theta method and the damped trend (members of auto), exposed for tests ---- */

/* forecast::thetaf's seasonality test: the autocorrelation at lag m against a one-sided 90 %
 * bound (n > 2m, not constant). */
bool kkr_seasonal_test(const double *y, int n, int m);

/* R's decompose(type = "multiplicative"): the seasonal figure (mean m) from the series
 * divided by its centred moving average; figure[j] belongs to y[j], y[j + m], ... False when
 * it does not apply (n < 2m, a zero trend, a figure near zero). */
bool kkr_decompose_mult(const double *y, int n, int m, double *figure);

/* The theta method (Assimakopoulos & Nikolopoulos 2000; Hyndman & Billah 2003: simple
 * exponential smoothing with drift), as forecast::thetaf: on the seasonally adjusted series
 * (when it passes kkr_seasonal_test) SES by least squares (alpha and l0), a drift of half the
 * slope of the least-squares line, forecasts reseasonalised. */
struct kkr_theta_model {
    bool seasonal;
    double season[12];      /* the seasonal figure (all 1 when not seasonal) */
    double alpha, level0, level, drift, sigma2;
    double sign;            /* 0: fitted on the adjusted series; +-1: on the logs of sign x it */
    int n, m;
};

bool kkr_theta_fit(const double *y, int n, int m, struct kkr_theta_model *out);
/* The same on the logs of the adjusted series (of -x when every value is negative; on x
 * itself when the signs differ): a drift in per cent, forecasts exponentiated and
 * reseasonalised. The `theta` member of auto. */
bool kkr_theta_fit_logs(const double *y, int n, int m, struct kkr_theta_model *out);
void kkr_theta_forecast(const struct kkr_theta_model *md, int h, double *means, double *sum,
                        double *sd);

/* The damped trend (ETS AAdN) on the logs of the seasonally adjusted series (of -x when every
 * value is negative; on x itself when the signs differ), forecasts exponentiated and
 * reseasonalised: the M4 competition's "Damped" benchmark, on the log scale as R's
 * stlf(lambda = 0). h <= 64. False when it does not apply. */
bool kkr_damped_forecast(const double *y, int n, int m, int h, double *means, double *sum,
                         double *sd);

/* The `damped` member of auto: the non-seasonal ETS model (ANN, AAN, AAdN, MNN, MAdN) with the
 * smallest AICc on the same adjusted logs of y[0..n), chosen once at the year's start
 * (kkr_damped_choose), then refitted as the months arrive (kkr_damped_forecast_model; chosen
 * NULL, or a model that no longer applies, is the damped trend). */
void kkr_damped_choose(const double *y, int n, int m, struct kkr_ets_model *chosen);
bool kkr_damped_forecast_model(const double *y, int n, int m, int h,
                               const struct kkr_ets_model *chosen, double *means, double *sum,
                               double *sd);

/* The airline model ARIMA(0,1,1)(0,1,1)_m on the logs (of -y when every value is negative; y
 * itself when the signs differ), the MA parameters by conditional sum of squares as R's
 * arima(method = "CSS"). n >= 3m. */
struct kkr_airline_model {
    double theta, seasonal_theta; /* MA(1) and seasonal MA(1), |.| < 0.99 */
    double sigma2;                /* residual variance on the transformed scale */
    double sign;                  /* 1 or -1: logs of sign * y; 0: y itself */
    int m;
};

bool kkr_airline_fit(const double *y, int n, int m, struct kkr_airline_model *out);
/* The h forecasts after y[0..n-1] (the model's filter run over y, which may be longer than the
 * series it was fitted on), their sum and the sd of the sum. */
bool kkr_airline_forecast(const struct kkr_airline_model *md, const double *y, int n, int h,
                          double *means, double *sum, double *sd);

/* ---- backtest: replaying earlier years ---- */

#define KKR_BACKTEST_METHODS 5  /* budget, runrate, trend, seasonal, ets (auto combines) */
#define KKR_BACKTEST_MEMBERS 10 /* the methods, then auto's own members theta, damped, ratio,
                                 * level, arima */

/* For one series, the members' year-end forecasts for every earlier complete year y
 * (index in the series' years, y < years - 1) and k = 1..11. */
struct kkr_backtest_series {
    int years;
    /* [(y * 12 + k) * KKR_BACKTEST_MEMBERS + member]: forecast, sd; NAN where not run */
    double *full;
    double *sd;
    double *outcome;        /* [y]: the year's total, NAN when the year is not complete */
    int first;              /* the first replayed year; the complete year before it (if any)
                             * has budget, runrate and trend only, for auto's weights */
    double *budget_total;   /* [y]: the year's budget, NAN when the year has none */
    double *comb_full;      /* [y * 12 + k]: auto's own forecast of replayed year y at k (for
                             * its calibration), NAN where none */
    double *comb_sd;
};

/* Computes the table for all complete years before the last (the forecast year). */
enum kkr_status kkr_backtest_series_compute(const struct kkr_series *s,
                                            const struct kkr_forecast_options *opt,
                                            struct kkr_backtest_series *out,
                                            struct kkr_diag *diag);
void kkr_backtest_series_release(struct kkr_backtest_series *b);

/* The KKR_BACKTEST_MEMBERS forecasts and sds of year y at month k in the table. */
const double *kkr_backtest_series_full(const struct kkr_backtest_series *b, int y, int k);
const double *kkr_backtest_series_sd(const struct kkr_backtest_series *b, int y, int k);

/* auto for year y at month k from the table (years before y only): the learned combination
 * forecast; base_full/base_sd: the KKR_BACKTEST_MEMBERS forecasts of year y at k (from the
 * table, or from a fresh run). */
void kkr_forecast_auto_choose(const struct kkr_backtest_series *b, int y, int k,
                              const double *base_full, const double *base_sd,
                              const struct kkr_forecast_options *opt, struct kkr_forecast *out);

/* ---- a workbook's forecasts ---- */

/* The computed forecasts of every unit and slag for a report period. Index kkr_workbook_slot().
 * Unit-slag with neither budget nor utfall in the year have has = 0. */
struct kkr_forecast_set {
    int year, period;
    const struct kkr_forecast_method *method;
    size_t count;               /* kkr_workbook_slots() */
    int64_t *full_ore;          /* rounded to öre */
    int64_t *low_ore, *high_ore;
    double *sd;                 /* kr */
    uint8_t *has;
    const char **method_used;   /* static strings */
    double *budget_step;        /* kkr_forecast.budget_step per slot (NAN: none) */
    double level;
};

/* Computes the set for months 1..period of wb->year (period 0..12). */
enum kkr_status kkr_forecast_set_compute(const struct kkr_workbook *wb, int period,
                                         const struct kkr_forecast_method *method,
                                         const struct kkr_forecast_options *opt,
                                         struct kkr_forecast_set **out, struct kkr_diag *diag);
void kkr_forecast_set_free(struct kkr_forecast_set *set);

/* The fill for kkr_rollup_build (pointers into set; valid while set lives). */
struct kkr_forecast_fill kkr_forecast_set_fill(const struct kkr_forecast_set *set);

/* The interval of a sum of independent forecasts around forecast_ore: ± z(level) × sqrt(var),
 * var the sum of the parts' variances in kr². Every interval of a rolled-up forecast (kkr
 * forecast's parents and total, the ackumulerat chart's band) is computed here, with one rule:
 * a band that does not fit in öre is KKR_ERR_OVERFLOW, never a wrap or a silently lost band. */
enum kkr_status kkr_forecast_band(double var, double level, int64_t forecast_ore,
                                  int64_t *low_ore, int64_t *high_ore, struct kkr_diag *diag);

/* ---- the forecast set rolled up the tree (kkr forecast's table) ---- */

/* One row: a unit and slag of the set (kind >= 0), or a parent's or the total's netto
 * (kind -1; unit -1 for the total). Amounts in öre: budget and utfall of the year (utfall
 * months 1..period), the forecast with its interval. A parent's forecast sums its subtree's
 * forecasts, the helårsbudget standing in where the set has none. */
struct kkr_forecast_row {
    int unit;
    int kind;
    int64_t budget_ore, actual_ore, forecast_ore, low_ore, high_ore;
    const char *method;     /* static string: the method used (the set's method for netto) */
};

/* Rows in report order: every unit-kind the set has (in wb->order), then every parent and the
 * total (netto). Read-only; release with kkr_forecast_table_release. */
struct kkr_forecast_table {
    const struct kkr_forecast_set *set;  /* borrowed: must outlive the table */
    size_t count;
    struct kkr_forecast_row *rows;
};

/* Rolls set (computed for months 1..period of wb->year) up the tree in one pass over the units
 * (children before parents, as kkr_rollup_build), so a 2 000-level chain costs no more than a
 * flat list. Intervals of parents from kkr_forecast_band. KKR_ERR_OVERFLOW names the unit whose
 * sum does not fit; KKR_ERR_NOMEM. */
enum kkr_status kkr_forecast_table_build(const struct kkr_workbook *wb,
                                         const struct kkr_forecast_set *set,
                                         struct kkr_forecast_table *out, struct kkr_diag *diag);
void kkr_forecast_table_release(struct kkr_forecast_table *t);

/* The series of one unit and slag of the workbook (values and budget malloc'd in kr; free
 * both). k = months of wb->year known (the report period). */
enum kkr_status kkr_forecast_series_from_workbook(const struct kkr_workbook *wb, int unit,
                                                  int kind, int k, double **values,
                                                  double **budget, struct kkr_series *out,
                                                  struct kkr_diag *diag);

/* Backtest summary over a workbook: per method (KKR_BACKTEST_METHODS + auto) and k = 1..11,
 * the cases, mean APE of the year total in % and the interval coverage in %. */
struct kkr_backtest_summary {
    int cases[KKR_BACKTEST_METHODS + 1][12];
    double mape[KKR_BACKTEST_METHODS + 1][12];
    double coverage[KKR_BACKTEST_METHODS + 1][12];
};

/* Optional per-case callback (for the benchmark's comparison with R): unit, kind, year,
 * k, method index (KKR_BACKTEST_METHODS = auto), forecast, low, high, outcome. */
typedef void (*kkr_backtest_case_fn)(void *userdata, int unit, int kind, int year, int k,
                                     int method, double full, double low, double high,
                                     double outcome);

enum kkr_status kkr_backtest_workbook(const struct kkr_workbook *wb,
                                      const struct kkr_forecast_options *opt,
                                      struct kkr_backtest_summary *out, kkr_backtest_case_fn fn,
                                      void *userdata, struct kkr_diag *diag);

/* Name of backtest method index i (0..KKR_BACKTEST_METHODS, the last is "auto"). */
const char *kkr_backtest_method_name(int i);

#endif
