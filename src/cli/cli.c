/* cli.c — what the subcommands share: messages, exit codes, workbook loading, option values */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kkr/followup.h"
#include "kkr/forecast.h"
#include "kkr/text.h"

/* One message line on stderr: text from files (names, codes, file names) may hold control
 * characters, so every C0/C1/DEL byte and every byte that is not UTF-8 is shown as '?' — no
 * ESC sequence reaches the terminal and no text adds a line that looks like kkr's own. */
static void message(const char *prefix, const char *fmt, va_list ap)
{
    char small[2048];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    char *text = small;
    if (n >= (int)sizeof small && (text = malloc((size_t)n + 1)) != NULL)
        vsnprintf(text, (size_t)n + 1, fmt, ap);
    if (!text)
        text = small;
    size_t len = strlen(text);
    char *shown = malloc(len + 1);
    fputs(prefix, stderr);
    fputs(shown ? kkr_text_printable(text, shown, len + 1) : "(out of memory)", stderr);
    fputc('\n', stderr);
    free(shown);
    if (text != small)
        free(text);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message("kkr: ", fmt, ap);
    va_end(ap);
}

void cli_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message("kkr: warning: ", fmt, ap);
    va_end(ap);
}

int cli_exit_for(enum kkr_status status)
{
    switch (status) {
    case KKR_OK: return EXIT_OK;
    case KKR_ERR_EXISTS: return EXIT_CHECK_FAILED;
    case KKR_ERR_LOCKED: return EXIT_CHECK_FAILED;
    default: return EXIT_BAD_INPUT;
    }
}

int cli_fail_diag(const struct kkr_diag *diag, enum kkr_status status)
{
    char buf[2048];
    kkr_diag_format(diag, buf, sizeof buf);
    cli_error("%s", buf[0] ? buf : kkr_strerror(status));
    return cli_exit_for(status);
}

void cli_print_warnings(struct kkr_warnings *w)
{
    for (size_t i = 0; i < w->count; i++)
        cli_warning("%s", w->items[i]);
    kkr_warnings_release(w);
    kkr_warnings_init(w);
}

int cli_option_error(const struct command *cmd, int argc, char **argv, const char *shortopts)
{
    /* getopt has advanced optind past the bad argument */
    const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    if (arg[0] == '-' && arg[1] == '-') {
        /* getopt_long sets optopt to a known long option's value when its value is missing */
        if (optopt != 0)
            return cli_usage_error(cmd, "option '%s' needs a value", arg);
        return cli_usage_error(cmd, "unknown option '%s'", arg);
    }
    const char *known = optopt != 0 && optopt != ':' ? strchr(shortopts, optopt) : NULL;
    if (known && known[1] == ':')
        return cli_usage_error(cmd, "option '-%c' needs a value", optopt);
    return cli_usage_error(cmd, "unknown option '-%c'", optopt ? optopt : '?');
}

int cli_usage_error(const struct command *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message("kkr: ", fmt, ap);
    va_end(ap);
    /* the first line of the usage text is the synopsis */
    const char *nl = strchr(cmd->usage, '\n');
    fprintf(stderr, "%.*s\n", nl ? (int)(nl - cmd->usage) : (int)strlen(cmd->usage), cmd->usage);
    return EXIT_BAD_INPUT;
}

bool cli_wants_help(const struct command *cmd, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_print_help(cmd, stdout);
            return true;
        }
    }
    return false;
}

/* ---- the option tables ---- */

#define MAX_OPTIONS 48
#define HELP_COLUMN 22 /* where the help text starts: "  --period YYYYMM     the ..." */

static size_t option_count(const struct command *cmd)
{
    size_t n = 0;
    while (cmd->opts[n].kind != CLI_END)
        n++;
    return n;
}

/* getopt_long's value for option i: its short name, or 256 + i for a long-only one. */
static int option_val(const struct cli_option *o, size_t i)
{
    return o->short_name ? o->short_name : 256 + (int)i;
}

static int has_arg(const struct cli_option *o)
{
    if (!o->argh)
        return no_argument;
    return o->flags & CLI_OPTIONAL_VALUE ? optional_argument : required_argument;
}

/* The arguments being parsed, for cli_take_argument. */
static int parse_argc;
static char **parse_argv;

const char *cli_take_argument(const char *const *names)
{
    if (optind >= parse_argc)
        return NULL;
    for (size_t i = 0; names[i]; i++)
        if (strcmp(parse_argv[optind], names[i]) == 0)
            return parse_argv[optind++];
    return NULL;
}

int cli_parse_options(const struct command *cmd, int argc, char **argv, int *first)
{
    parse_argc = argc;
    parse_argv = argv;
    size_t n = option_count(cmd);
    struct option longopts[MAX_OPTIONS + 1];
    char shortopts[2 * MAX_OPTIONS + 1];
    size_t ns = 0;
    if (n > MAX_OPTIONS) {
        cli_error("%s: too many options", cmd->name); /* a programming error */
        return EXIT_BAD_INPUT;
    }
    size_t nl = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cli_option *o = &cmd->opts[i];
        if (o->kind == CLI_TEXT || (o->flags & CLI_HELP_ONLY))
            continue;
        longopts[nl++] = (struct option){o->long_name, has_arg(o), NULL, option_val(o, i)};
        if (o->short_name) {
            shortopts[ns++] = (char)o->short_name;
            if (o->argh)
                shortopts[ns++] = ':';
        }
    }
    longopts[nl] = (struct option){0};
    shortopts[ns] = '\0';
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        const struct cli_option *o = NULL;
        for (size_t i = 0; i < n && !o; i++)
            if (cmd->opts[i].kind != CLI_TEXT && !(cmd->opts[i].flags & CLI_HELP_ONLY) &&
                option_val(&cmd->opts[i], i) == c)
                o = &cmd->opts[i];
        if (!o)
            return cli_option_error(cmd, argc, argv, shortopts);
        switch (o->kind) {
        case CLI_STRING: *(const char **)o->value = optarg; break;
        case CLI_FLAG: *(bool *)o->value = true; break;
        case CLI_CALLBACK:
            if (!o->callback(o, optarg))
                return EXIT_BAD_INPUT;
            break;
        case CLI_HELP: cli_print_help(cmd, stdout); return EXIT_OK;
        case CLI_TEXT:
        case CLI_END: break;
        }
    }
    *first = optind;
    return -1;
}

static void print_option_help(const struct command *cmd, const struct cli_option *o, FILE *out)
{
    if (o->kind == CLI_TEXT) {
        fputs(o->help, out);
        return;
    }
    const int column = cmd->help_column ? cmd->help_column : HELP_COLUMN;
    char head[128];
    size_t len = 0;
    len += (size_t)snprintf(head + len, sizeof head - len, "  ");
    if (o->short_name)
        len += (size_t)snprintf(head + len, sizeof head - len, "-%c, ", o->short_name);
    else if (cmd->help_align_long)
        len += (size_t)snprintf(head + len, sizeof head - len, "    ");
    len += (size_t)snprintf(head + len, sizeof head - len, "--%s", o->long_name);
    if (o->argh)
        len += (size_t)snprintf(head + len, sizeof head - len,
                                o->flags & CLI_OPTIONAL_VALUE ? " [%s]" : " %s", o->argh);
    if (len >= sizeof head)
        len = sizeof head - 1;
    fputs(head, out);
    /* a long head is followed by two spaces, as hand-written help does */
    int pad = (int)len < column ? column - (int)len : 2;
    for (const char *line = o->help; line;) {
        const char *nl = strchr(line, '\n');
        int l = nl ? (int)(nl - line) : (int)strlen(line);
        fprintf(out, "%*s%.*s\n", pad, "", l, line);
        pad = column;
        line = nl ? nl + 1 : NULL;
    }
}

void cli_print_help(const struct command *cmd, FILE *out)
{
    fputs(cmd->usage, out);
    if (cmd->description)
        fprintf(out, "\n%s", cmd->description);
    bool first = true;
    for (const struct cli_option *o = cmd->opts; o->kind != CLI_END; o++) {
        if (!o->help)
            continue;
        if (first)
            fputc('\n', out);
        first = false;
        print_option_help(cmd, o, out);
    }
    if (cmd->epilogue)
        fputs(cmd->epilogue, out);
}

/* ---- the shared option values ---- */

bool cli_opt_format(const struct cli_option *opt, const char *arg)
{
    return cli_parse_format(arg, opt->value);
}

bool cli_opt_unit(const struct cli_option *opt, const char *arg)
{
    return cli_parse_unit(arg, opt->value);
}

bool cli_opt_level(const struct cli_option *opt, const char *arg)
{
    return cli_parse_level(arg, opt->value);
}

bool cli_opt_depth(const struct cli_option *opt, const char *arg)
{
    char *end;
    long d = strtol(arg, &end, 10);
    if (*arg == '\0' || *end || d < 1 || d > 1000) {
        cli_error("--depth '%s': expected the number of levels to show, 1 or more", arg);
        return false;
    }
    *(int *)opt->value = (int)d;
    return true;
}

struct kkr_workbook *cli_load_workbook(const char *dir, int *exit_code)
{
    struct kkr_workbook *wb = NULL;
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    enum kkr_status st = kkr_workbook_load(dir, &wb, &diag, &warn);
    cli_print_warnings(&warn);
    if (st != KKR_OK) {
        *exit_code = cli_fail_diag(&diag, st);
        return NULL;
    }
    *exit_code = EXIT_OK;
    return wb;
}

bool cli_parse_period(const struct kkr_workbook *wb, const char *arg, int *period)
{
    int year, month;
    if (!kkr_period_parse(arg, strlen(arg), &year, &month) || month == 0) {
        cli_error("--period '%s': expected YYYYMM, e.g. %d05", arg, wb ? wb->year : 2020);
        return false;
    }
    if (wb && year != wb->year) {
        cli_error("--period '%s': the workbook's fiscal year is %d", arg, wb->year);
        return false;
    }
    *period = month;
    return true;
}

bool cli_parse_snapshot_month(const char *option, const char *arg, int *year, int *month)
{
    if (!kkr_period_parse(arg, strlen(arg), year, month) || *month == 0) {
        cli_error("%s '%s': expected YYYYMM of a locked snapshot", option, arg);
        return false;
    }
    return true;
}

bool cli_table_name(const char *arg, enum kkr_report_tables *tables)
{
    if (strcmp(arg, "verksamhet") == 0 || strcmp(arg, "verksamheter") == 0)
        *tables = KKR_TABLES_UNITS;
    else if (strcmp(arg, "slag") == 0)
        *tables = KKR_TABLES_KINDS;
    else if (strcmp(arg, "investering") == 0 || strcmp(arg, "investeringar") == 0)
        *tables = KKR_TABLES_INVESTMENTS;
    else
        return false;
    return true;
}

bool cli_parse_unit(const char *arg, enum kkr_display_unit *unit)
{
    if (!kkr_display_unit_parse(arg, unit)) {
        cli_error("--unit '%s': expected kr, kkr or mnkr", arg);
        return false;
    }
    return true;
}

bool cli_parse_format(const char *arg, enum kkr_format *format)
{
    if (!kkr_format_parse(arg, format)) {
        cli_error("--format '%s': expected text, csv, md, json or xlsx", arg);
        return false;
    }
    return true;
}

int cli_finish_stdout(int code)
{
    /* a full disk or a closed pipe must not look like success */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno != EPIPE)
            cli_error("cannot write to standard output: %s", strerror(errno));
        return code ? code : EXIT_BAD_INPUT;
    }
    if (fclose(stdout) != 0) {
        cli_error("cannot write to standard output: %s", strerror(errno));
        return code ? code : EXIT_BAD_INPUT;
    }
    return code;
}

bool cli_parse_level(const char *arg, double *level)
{
    if (!kkr_forecast_level_parse(arg, level)) {
        cli_error("--level '%s': expected a level between 0 and 100 %%, e.g. 80", arg);
        return false;
    }
    return true;
}

int cli_followup_build(const struct kkr_workbook *wb, int period, const char *method_arg,
                       const char *level_arg, struct kkr_followup *out)
{
    memset(out, 0, sizeof *out);
    struct kkr_followup_options opt;
    kkr_followup_options_init(&opt);
    opt.period = period;
    if (method_arg && level_arg && !cli_parse_level(level_arg, &opt.forecast.level))
        return EXIT_BAD_INPUT;
    struct kkr_diag diag;
    enum kkr_status st = KKR_OK;
    if (method_arg)
        st = kkr_forecast_method_find(method_arg, &opt.method, &diag);
    if (st == KKR_OK)
        st = kkr_followup_build(wb, &opt, out, &diag);
    return st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
}

/* ---- the layout options of DESIGN §5.1 ---- */

static bool parse_small(const char *opt, const char *arg, int *out)
{
    if (!arg[0] || arg[1] || arg[0] < '0' || arg[0] > '2') {
        cli_error("%s '%s': expected 0, 1 or 2", opt, arg);
        return false;
    }
    *out = arg[0] - '0';
    return true;
}

bool cli_layout_check(const struct cli_layout_args *a)
{
    int d;
    enum kkr_sign sign;
    if (a->sign && !cli_parse_sign(a->sign, &sign))
        return false;
    if (a->decimals && !parse_small("--decimals", a->decimals, &d))
        return false;
    if (a->percent_decimals && !parse_small("--percent-decimals", a->percent_decimals, &d))
        return false;
    if (a->total_label && !a->total_label[0]) {
        cli_error("--total-label '': expected the total row's label, e.g. 'Årets resultat'");
        return false;
    }
    return true;
}

bool cli_parse_sign(const char *arg, enum kkr_sign *sign)
{
    if (strcmp(arg, "nettokostnad") == 0)
        *sign = KKR_SIGN_NET_COST;
    else if (strcmp(arg, "resultat") == 0)
        *sign = KKR_SIGN_RESULT;
    else {
        cli_error("--sign '%s': expected nettokostnad or resultat", arg);
        return false;
    }
    return true;
}

int cli_layout_apply(const struct kkr_workbook *wb, const struct cli_layout_args *a,
                     bool compare, struct kkr_report_options *opt,
                     struct kkr_report_layout *layout)
{
    const struct kkr_workbook_layout *saved = &wb->layout;
    memset(layout, 0, sizeof *layout);
    if (!cli_layout_check(a))
        return EXIT_BAD_INPUT;
    if (a->sign)
        (void)cli_parse_sign(a->sign, &opt->sign);
    else if (saved->sign_set)
        opt->sign = saved->sign;
    if (a->decimals)
        opt->decimals = a->decimals[0] - '0';
    else if (saved->decimals >= 0)
        opt->decimals = saved->decimals;
    if (a->percent_decimals)
        opt->percent_decimals = a->percent_decimals[0] - '0';
    else if (saved->percent_decimals >= 0)
        opt->percent_decimals = saved->percent_decimals;
    if (!a->unit_given && saved->unit_set)
        opt->unit = saved->unit;
    opt->total_label = a->total_label ? a->total_label : saved->total_label;
    const char *list = a->columns;
    const char *file = NULL;
    long line = 0;
    if (!list && saved->columns) {
        list = saved->columns;
        file = saved->conf_path;
        line = saved->columns_line;
    }
    /* the legacy flags alone (+utfall-procent,+riktpunkt) keep the old path */
    if (!list)
        return EXIT_OK;
    struct kkr_diag diag;
    enum kkr_status st;
    if (a->columns && strcmp(a->columns, "standard") == 0)
        st = kkr_report_layout_default(wb, opt->columns, compare, layout, &diag);
    else
        st = kkr_report_layout_parse(list, wb, compare, file, line, layout, &diag);
    if (st != KKR_OK)
        return cli_fail_diag(&diag, st);
    opt->layout = layout;
    return EXIT_OK;
}
