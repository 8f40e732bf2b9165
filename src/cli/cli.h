/* cli.h — what the subcommands share: exit codes, messages, workbook loading, option values */
#ifndef KKR_CLI_H
#define KKR_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "kkr/document.h"
#include "kkr/money.h"
#include "kkr/report.h"
#include "kkr/status.h"
#include "kkr/workbook.h"

/* Exit codes (DESIGN §4). */
enum cli_exit { EXIT_OK = 0, EXIT_CHECK_FAILED = 1, EXIT_BAD_INPUT = 2 };

/* ---- option tables (git's parse-options): one table per command drives getopt_long and
 * the --help text, so the two cannot drift ---- */

struct cli_option;
/* Stores the value of opt (arg: its value, NULL for a flag or an absent optional value).
 * Prints its own message and returns false on a bad value: the command then exits 2. */
typedef bool cli_option_fn(const struct cli_option *opt, const char *arg);

enum cli_option_kind {
    CLI_END = 0,
    CLI_STRING,   /* *(const char **)value = the value */
    CLI_FLAG,     /* *(bool *)value = true */
    CLI_CALLBACK, /* callback(opt, value) */
    CLI_HELP,     /* prints the command's help, exit 0 (not listed in --help) */
    CLI_TEXT,     /* no option: help holds text for --help, printed as it is (a heading) */
};

/* The value is optional (--table[=TABLE]); shown as "--table [TABLE]". */
#define CLI_OPTIONAL_VALUE 1u
/* Only --help text: a second description of an option listed before (import's --into for SIE
 * files); getopt_long sees the first. */
#define CLI_HELP_ONLY 2u

struct cli_option {
    enum cli_option_kind kind;
    int short_name;          /* 'o' for -o, 0 for none */
    const char *long_name;   /* "output" for --output */
    void *value;             /* where the value goes (see the kinds) */
    const char *argh;        /* the value's name in --help ("FILE"); NULL: takes no value */
    const char *help;        /* the help lines, '\n' between them; NULL: not in --help */
    unsigned flags;          /* CLI_OPTIONAL_VALUE, CLI_HELP_ONLY */
    cli_option_fn *callback; /* CLI_CALLBACK */
};

#define CLI_OPT_STRING(s, l, v, a, h) {CLI_STRING, (s), (l), (v), (a), (h), 0, NULL}
#define CLI_OPT_FLAG(s, l, v, h) {CLI_FLAG, (s), (l), (v), NULL, (h), 0, NULL}
#define CLI_OPT_CALLBACK(s, l, v, a, h, fn) {CLI_CALLBACK, (s), (l), (v), (a), (h), 0, (fn)}
/* --help/-h inside the table: also reached by an abbreviation (--hel) */
#define CLI_OPT_HELP() {CLI_HELP, 'h', "help", NULL, NULL, NULL, 0, NULL}
#define CLI_OPT_TEXT(h) {CLI_TEXT, 0, NULL, NULL, NULL, (h), 0, NULL}
#define CLI_OPT_END() {CLI_END, 0, NULL, NULL, NULL, NULL, 0, NULL}

/* The shared option values, parsed in one place: --format FMT into an enum kkr_format,
 * --unit UNIT into an enum kkr_display_unit, --level LEVEL into a double (0.8), --depth N
 * into an int (1..1000). */
cli_option_fn cli_opt_format, cli_opt_unit, cli_opt_level, cli_opt_depth;
#define CLI_OPT_FORMAT(v, h) CLI_OPT_CALLBACK(0, "format", (v), "FMT", (h), cli_opt_format)
#define CLI_OPT_UNIT(v, h) CLI_OPT_CALLBACK(0, "unit", (v), "UNIT", (h), cli_opt_unit)
#define CLI_OPT_LEVEL(v, h) CLI_OPT_CALLBACK(0, "level", (v), "LEVEL", (h), cli_opt_level)
#define CLI_OPT_DEPTH(v, h) CLI_OPT_CALLBACK(0, "depth", (v), "N", (h), cli_opt_depth)

/* A subcommand. Its help is usage, a blank line, description, a blank line, the options of
 * the table that have help, then epilogue. main (the command table) parses the options,
 * checks the operands, takes the workbook lock and loads the workbook, then calls run. */
struct command {
    const char *name;
    const char *usage;       /* the synopsis line(s); the first one follows usage errors */
    const char *description; /* the paragraph(s) between the synopsis and the options */
    const struct cli_option *opts; /* ended by CLI_OPT_END() */
    const char *epilogue;    /* after the options (starts with its own blank line) */
    /* The --help layout: the column where an option's help starts (0: 22), and whether an
     * option without a short name is indented as if it had one ("      --into DIR"). */
    int help_column;
    bool help_align_long;
    /* The operands (after the options): how many, and the usage error otherwise
     * (max -1: any number). */
    int operands_min, operands_max;
    const char *operands_error;
    /* With CMD_REWRITES_WORKBOOK: the long option that names the workbook folder (NULL: the
     * first operand; an option that is absent, as import without --into, means no workbook
     * is rewritten). */
    const char *workbook_option;
    void (*init)(void);                  /* option defaults, before parsing (may be NULL) */
    int (*check)(int argc, char **argv); /* the operands, before any workbook is loaded */
    /* wb: with CMD_WORKBOOK, the workbook of the first operand, loaded (and freed) by main;
     * else NULL. argv[0..argc) are the operands. Returns an exit code. */
    int (*exec)(struct kkr_workbook *wb, int argc, char **argv);
};

/* The command reads the workbook of its first operand: main loads it once (printing its
 * warnings) and frees it after the command. */
#define CMD_WORKBOOK 2u
/* The command rewrites files of a workbook (import --into, lock, collect): main takes the
 * workbook lock before the workbook is loaded and holds it until the command returns. */
#define CMD_REWRITES_WORKBOOK 1u

extern const struct command cmd_check, cmd_report, cmd_forecast, cmd_lock, cmd_whatif,
    cmd_chart, cmd_import, cmd_template, cmd_collect;

/* Parses argv (argv[0]: the command name) with cmd's option table. Returns -1 with *first
 * the index of the first operand (getopt_long moves the operands to the end), or an exit
 * code: EXIT_OK after --help in the table, EXIT_BAD_INPUT after a message. */
int cli_parse_options(const struct command *cmd, int argc, char **argv, int *first);
/* For a callback of an optional value given apart ("--table slag"): when the argument after
 * the option is one of names (NULL-terminated), consumes it and returns it; else NULL. */
const char *cli_take_argument(const char *const *names);
/* The help text of cmd (kkr help CMD, kkr CMD --help). */
void cli_print_help(const struct command *cmd, FILE *out);

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

/* The chart set of kkr chart and kkr report --pdf (chart-set.c): unit_index -1 for the total
 * (or a verksamhet's index), the bridge of measures_path (may be NULL) from baseline_arg
 * (NULL: the current forecast). Returns EXIT_OK with *set filled (release with
 * kkr_chart_set_release), or prints the message and returns the exit code. */
struct kkr_chart_set;
int cli_chart_set_build(const struct kkr_workbook *wb, const struct kkr_followup *fu,
                        enum kkr_display_unit unit, int unit_index, const char *measures_path,
                        const char *baseline_arg, struct kkr_chart_set *set);
/* The A4 nämnd report (kkr report --pdf), from the same roll-up as the tables; with fset
 * (kkr report --forecast) the ackumulerat chart shows the interval band. In chart-set.c. */
int cli_chart_report_pdf(const struct kkr_workbook *wb, const struct kkr_followup *fu,
                         const struct kkr_report_options *ropt, const char *pdf_path,
                         const char *measures_path, const char *baseline_arg);

/* kkr report --table prognoshistorik | sammanfattning (report-tables.c). */
bool cli_report_table_is_extra(const char *table);
int cli_report_extra_table(const struct kkr_workbook *wb, const struct kkr_rollup *rollup,
                           const char *table, enum kkr_format format, enum kkr_display_unit unit,
                           const char *output, const char *measures_path);
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

/* The månadsrapport's parts of kkr report --pdf (report-tables.c): kkr_document_build, and
 * the drafted Sammanfattning when the workbook has no sammanfattning.md. */
struct cli_document {
    struct kkr_document parts;      /* sammanfattning.md, the draft's inputs, prognoshistorik */
    struct kkr_summary *summary;    /* the drafted text when there is no sammanfattning.md */
};
int cli_document_build(const struct kkr_workbook *wb, const struct kkr_rollup *rollup,
                       enum kkr_display_unit unit, const char *measures_path,
                       struct cli_document *doc);
void cli_document_release(struct cli_document *doc);

/* Flushes and closes stdout; reports a write error (e.g. /dev/full). Returns the exit code to
 * use: code unchanged, or EXIT_BAD_INPUT on a write error. */
int cli_finish_stdout(int code);

#endif
