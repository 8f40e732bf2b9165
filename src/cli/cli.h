/* cli.h — what the subcommands share: exit codes, messages, workbook loading, option values */
#ifndef KKR_CLI_H
#define KKR_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "kkr/money.h"
#include "kkr/report.h"
#include "kkr/status.h"
#include "kkr/workbook.h"

/* Exit codes (DESIGN §4). */
enum cli_exit { EXIT_OK = 0, EXIT_CHECK_FAILED = 1, EXIT_BAD_INPUT = 2 };

/* A subcommand: argv[0] is the command name. Returns an exit code. */
struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *usage;  /* the full help text, printed by `kkr help CMD` and `kkr CMD --help` */
    unsigned flags;     /* CMD_* */
    /* With CMD_REWRITES_WORKBOOK: the command's getopt_long table, so that main can find the
     * workbook folder before the command runs, and the long option that names it (NULL: the
     * first operand; an option that is absent, as import without --into, means no workbook
     * is rewritten). */
    const struct option *options;
    const char *shortopts;
    const char *workbook_option;
};

/* The command rewrites files of a workbook (import --into, lock, collect): main takes the
 * workbook lock before the command loads anything and holds it until the command returns. */
#define CMD_REWRITES_WORKBOOK 1u

extern const struct command cmd_check, cmd_report, cmd_forecast, cmd_lock, cmd_whatif,
    cmd_chart, cmd_import, cmd_template, cmd_collect;

/* "kkr: message" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "kkr: warning: message" on stderr. */
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "kkr: file:line:column: message" and returns the exit code for the status. */
int cli_fail_diag(const struct kkr_diag *diag, enum kkr_status status);
/* Prints and clears collected warnings. */
void cli_print_warnings(struct kkr_warnings *w);
/* Exit code for a library status: usage -> 2, bad input -> 2, exists -> 1, io -> 2. */
int cli_exit_for(enum kkr_status status);

/* Prints "kkr: <msg>" and the usage line of cmd, returns EXIT_BAD_INPUT. */
int cli_usage_error(const struct command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* After getopt_long returned '?' (opterr is 0): names the option that was unknown or lacked
 * its value, prints the usage line, returns EXIT_BAD_INPUT. */
int cli_option_error(const struct command *cmd, int argc, char **argv, const char *shortopts);

/* Handles --help/-h as the only argument check: prints cmd->usage to stdout. Returns true if
 * help was printed. */
bool cli_wants_help(const struct command *cmd, int argc, char **argv);

/* Loads a workbook, prints warnings; on failure prints the message and returns NULL with
 * *exit_code set. */
struct kkr_workbook *cli_load_workbook(const char *dir, int *exit_code);

/* Option values. Each prints its own message and returns false on bad input. */
bool cli_parse_period(const struct kkr_workbook *wb, const char *arg, int *period);
/* A snapshot month YYYYMM of --compare / --baseline (option names it in the message). */
bool cli_parse_snapshot_month(const char *option, const char *arg, int *year, int *month);
/* The follow-up tables of --table: verksamhet(er), slag, investering(ar). False for any other
 * name (the command says which it offers); prints nothing. */
bool cli_table_name(const char *arg, enum kkr_report_tables *tables);
bool cli_parse_unit(const char *arg, enum kkr_display_unit *unit);
bool cli_parse_format(const char *arg, enum kkr_format *format);

/* --level LEVEL: "80", "0.8", "80 %" -> 0.8; prints the message and returns false otherwise. */
bool cli_parse_level(const char *arg, double *level);

/* The follow-up pipeline of kkr report, lock and chart (kkr_followup_build) for the period:
 * --forecast METHOD (method_arg, may be NULL: no computed forecasts) at --level (level_arg,
 * may be NULL: 80 %; read only with a method). Returns EXIT_OK with *out set (release with kkr_followup_release), or
 * prints the message and returns the exit code (*out is then empty). */
struct kkr_followup;
int cli_followup_build(const struct kkr_workbook *wb, int period, const char *method_arg,
                       const char *level_arg, struct kkr_followup *out);

/* The A4 nämnd report (kkr report --pdf), from the same roll-up as the tables; with fset
 * (kkr report --forecast) the ackumulerat chart shows the interval band. In cmd-chart.c. */
int cli_chart_report_pdf(const struct kkr_workbook *wb, const struct kkr_followup *fu,
                         const struct kkr_report_options *ropt, const char *pdf_path,
                         const char *measures_path, const char *baseline_arg);

/* kkr report --table prognoshistorik | sammanfattning (report-tables.c). */
bool cli_report_table_is_extra(const char *table);
int cli_report_extra_table(const struct kkr_workbook *wb, const struct kkr_rollup *rollup,
                           const char *table, enum kkr_format format, enum kkr_display_unit unit,
                           const char *output, const char *measures_path);
/* The latest locked snapshot of wb's year before period, rolled up for period; *found false
 * when there is none. */
enum kkr_status cli_previous_snapshot(const struct kkr_workbook *wb, int period,
                                      struct kkr_rollup *out, int *month, bool *found,
                                      struct kkr_diag *diag);
/* The layout options of DESIGN §5.1 as given on the command line (NULL: not given). */
struct cli_layout_args {
    const char *columns, *sign, *decimals, *percent_decimals, *total_label;
    bool unit_given;        /* --unit was given: it wins over enhet in bok.conf */
};
/* Checks the values that need no workbook (--sign, --decimals, ...); prints and returns
 * false on a bad one. */
bool cli_layout_check(const struct cli_layout_args *a);
bool cli_parse_sign(const char *arg, enum kkr_sign *sign);
/* Sets opt's layout from a over the saved template of wb's bok.conf (the command line wins);
 * layout receives the parsed columns (release with kkr_report_layout_release). Returns
 * EXIT_OK, or prints the message and returns the exit code. */
int cli_layout_apply(const struct kkr_workbook *wb, const struct cli_layout_args *a,
                     bool compare, struct kkr_report_options *opt,
                     struct kkr_report_layout *layout);

/* The månadsrapport's parts of kkr report --pdf (report-tables.c). */
struct cli_document {
    char *markdown;                 /* sammanfattning.md, or NULL */
    struct kkr_summary *summary;    /* the drafted text when there is no sammanfattning.md */
    struct kkr_history *history;
    char *measures_name;
};
int cli_document_build(const struct kkr_workbook *wb, const struct kkr_rollup *rollup,
                       enum kkr_display_unit unit, const char *measures_path,
                       struct cli_document *doc);
void cli_document_release(struct cli_document *doc);

/* Flushes and closes stdout; reports a write error (e.g. /dev/full). Returns the exit code to
 * use: code unchanged, or EXIT_BAD_INPUT on a write error. */
int cli_finish_stdout(int code);

#endif
