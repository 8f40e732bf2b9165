/* main.c — the kkr command table and dispatch (git-style subcommands) */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "kkr/lock.h"
#include "kkr/output.h"

/* The command table (git.c's): which commands read a workbook, so that main loads it once
 * (and frees it), and which rewrite one, so that main holds the workbook lock around them. */
static const struct builtin {
    const struct command *cmd;
    unsigned flags; /* CMD_WORKBOOK, CMD_REWRITES_WORKBOOK */
    const char *summary;
} commands[] = {
    {&cmd_check, CMD_WORKBOOK, "load and validate a workbook, print a summary"},
    {&cmd_report, CMD_WORKBOOK, "the follow-up tables (text, csv, md, json, xlsx)"},
    {&cmd_forecast, CMD_WORKBOOK, "full-year forecasts with intervals and backtests"},
    {&cmd_lock, CMD_WORKBOOK | CMD_REWRITES_WORKBOOK,
     "freeze the report period's forecast into snapshots/"},
    {&cmd_whatif, CMD_WORKBOOK,
     "apply savings measures to the forecast (bridge, simulation, goal)"},
    {&cmd_chart, CMD_WORKBOOK, "draw charts as PNG, PDF or SVG"},
    {&cmd_import, CMD_REWRITES_WORKBOOK, "aggregate general-ledger transactions into utfall.csv"},
    {&cmd_template, CMD_WORKBOOK, "the month's prognos templates for the enhetschefer (xlsx)"},
    {&cmd_collect, CMD_WORKBOOK | CMD_REWRITES_WORKBOOK,
     "the filled prognos templates back into prognos.csv"},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void print_overview(FILE *out)
{
    fprintf(out,
            "usage: kkr <command> [options]\n"
            "\n"
            "kkr — budgetuppföljning och prognos för kommunala förvaltningar\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-10s %s\n", commands[i].cmd->name, commands[i].summary);
    fprintf(out, "\n'kkr help <command>' or 'kkr <command> --help' tells more.\n");
}

static const struct builtin *find_command(const char *name)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(commands[i].cmd->name, name) == 0)
            return &commands[i];
    return NULL;
}

/* Edit distance (Levenshtein) between short ASCII names, for "did you mean". */
static size_t edit_distance(const char *a, const char *b)
{
    size_t lb = strlen(b), row[32];
    if (lb >= sizeof row / sizeof row[0])
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; a[i - 1]; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t above = row[j];
            size_t best = diagonal + (a[i - 1] != b[j - 1]);
            if (above + 1 < best)
                best = above + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[lb];
}

static int unknown_command(const char *name)
{
    const struct command *closest = NULL;
    size_t best = 3; /* suggest only within two edits, like git */
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        size_t d = edit_distance(name, commands[i].cmd->name);
        if (d < best) {
            best = d;
            closest = commands[i].cmd;
        }
    }
    if (closest)
        cli_error("'%s' is not a kkr command; did you mean '%s'?", name, closest->name);
    else
        cli_error("'%s' is not a kkr command", name);
    print_overview(stderr);
    return EXIT_BAD_INPUT;
}

/* "kkr import ledger.csv --into wb" for the lock file, control characters as '?'. */
static void command_line(char *buf, size_t size, int argc, char **argv)
{
    size_t n = (size_t)snprintf(buf, size, "kkr");
    for (int i = 0; i < argc && n + 2 < size; i++) {
        buf[n++] = ' ';
        for (const char *p = argv[i]; *p && n + 1 < size; p++)
            buf[n++] = (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p;
    }
    buf[n < size ? n : size - 1] = '\0';
}

/* what: the command line for the lock file's card (command_line). */
static enum kkr_status lock_workbook(const char *dir, const char *what, struct kkr_lock **lock)
{
    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    enum kkr_status st = kkr_lock_acquire(&dir, 1, what, kkr_lock_wait_ms(), lock, &diag);
    if (st != KKR_OK)
        cli_fail_diag(&diag, st);
    return st;
}

/* The folder named by the command's workbook_option, or its first operand. */
static const char *workbook_folder(const struct command *cmd, int nops, char **ops)
{
    if (!cmd->workbook_option)
        return nops > 0 ? ops[0] : NULL;
    for (const struct cli_option *o = cmd->opts; o->kind != CLI_END; o++)
        if (o->kind == CLI_STRING && strcmp(o->long_name, cmd->workbook_option) == 0)
            return *(const char **)o->value;
    return NULL;
}

/* Options from the command's table, the operands, the command's own checks; then the
 * workbook lock and the workbook, the command, and everything released again. */
static int run_builtin(const struct builtin *b, int argc, char **argv)
{
    const struct command *cmd = b->cmd;
    if (cmd->init)
        cmd->init();
    /* the lock's card shows the command as given: getopt_long reorders argv */
    char what[512] = "";
    if (b->flags & CMD_REWRITES_WORKBOOK)
        command_line(what, sizeof what, argc, argv);
    int first;
    int code = cli_parse_options(cmd, argc, argv, &first);
    if (code >= 0)
        return code;
    int nops = argc - first;
    char **ops = argv + first;
    if (nops < cmd->operands_min || (cmd->operands_max >= 0 && nops > cmd->operands_max))
        return cli_usage_error(cmd, "%s", cmd->operands_error);
    if (cmd->check && (code = cmd->check(nops, ops)) != EXIT_OK)
        return code;
    struct kkr_lock *lock = NULL;
    const char *dir = b->flags & CMD_REWRITES_WORKBOOK ? workbook_folder(cmd, nops, ops) : NULL;
    if (dir) {
        enum kkr_status st = lock_workbook(dir, what, &lock);
        if (st != KKR_OK)
            return cli_exit_for(st);
    }
    struct kkr_workbook *wb = NULL;
    if (b->flags & CMD_WORKBOOK)
        wb = cli_load_workbook(ops[0], &code);
    if (wb || !(b->flags & CMD_WORKBOOK))
        code = cmd->exec(wb, nops, ops);
    kkr_workbook_free(wb);
    kkr_lock_release(lock);
    return code;
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts the process; every GSL status is checked instead. */
    gsl_set_error_handler_off();
    opterr = 0; /* the commands report bad options themselves (cli_option_error) */

    if (argc < 2) {
        print_overview(stderr);
        return EXIT_BAD_INPUT;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_overview(stdout);
        return cli_finish_stdout(EXIT_OK);
    }
    if (strcmp(name, "--version") == 0) {
        printf("kkr %s\n", KKR_VERSION);
        return cli_finish_stdout(EXIT_OK);
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            print_overview(stdout);
            return cli_finish_stdout(EXIT_OK);
        }
        const struct builtin *b = find_command(argv[2]);
        if (!b)
            return unknown_command(argv[2]);
        cli_print_help(b->cmd, stdout);
        return cli_finish_stdout(EXIT_OK);
    }
    const struct builtin *b = find_command(name);
    if (!b)
        return unknown_command(name);
    if (cli_wants_help(b->cmd, argc - 1, argv + 1))
        return cli_finish_stdout(EXIT_OK);
    /* a temporary or a lock file is removed on SIGTERM, SIGINT and SIGHUP */
    kkr_cleanup_install_signals();
    return cli_finish_stdout(run_builtin(b, argc - 1, argv + 1));
}
