/* main.c — the kkr command table and dispatch (git-style subcommands) */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "kkr/lock.h"
#include "kkr/output.h"

static const struct command *const commands[] = {
    &cmd_check, &cmd_report, &cmd_forecast, &cmd_lock, &cmd_whatif, &cmd_chart, &cmd_import,
    &cmd_template, &cmd_collect,
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
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out, "\n'kkr help <command>' or 'kkr <command> --help' tells more.\n");
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
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
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        size_t d = edit_distance(name, commands[i]->name);
        if (d < best) {
            best = d;
            closest = commands[i];
        }
    }
    if (closest)
        cli_error("'%s' is not a kkr command; did you mean '%s'?", name, closest->name);
    else
        cli_error("'%s' is not a kkr command", name);
    print_overview(stderr);
    return EXIT_BAD_INPUT;
}

/* The workbook folder a CMD_REWRITES_WORKBOOK command will rewrite, found with the command's
 * own option table on a copy of argv (getopt_long permutes it). NULL: none (import -o), or
 * the arguments are wrong and the command will say so without touching anything. */
static const char *rewritten_workbook(const struct command *cmd, int argc, char **argv)
{
    char **copy = malloc(((size_t)argc + 1) * sizeof *copy);
    if (!copy)
        return NULL;
    memcpy(copy, argv, (size_t)argc * sizeof *copy);
    copy[argc] = NULL;
    int val = 0;
    for (const struct option *o = cmd->options; cmd->workbook_option && o && o->name; o++)
        if (strcmp(o->name, cmd->workbook_option) == 0)
            val = o->val;
    const char *dir = NULL;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, copy, cmd->shortopts ? cmd->shortopts : "", cmd->options,
                            NULL)) != -1) {
        if (c == '?' || c == ':') {
            dir = NULL;
            break;
        }
        if (cmd->workbook_option && c == val)
            dir = optarg;
    }
    if (c == -1 && !cmd->workbook_option && optind < argc)
        dir = copy[optind];
    free(copy);
    optind = 0;
    return dir;
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

static int run_locked(const struct command *cmd, int argc, char **argv)
{
    const char *dir = rewritten_workbook(cmd, argc, argv);
    if (!dir)
        return cmd->run(argc, argv);
    char what[512];
    command_line(what, sizeof what, argc, argv);
    struct kkr_lock *lock;
    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    enum kkr_status st = kkr_lock_acquire(&dir, 1, what, kkr_lock_wait_ms(), &lock, &diag);
    if (st != KKR_OK)
        return cli_fail_diag(&diag, st);
    int code = cmd->run(argc, argv);
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
        const struct command *cmd = find_command(argv[2]);
        if (!cmd)
            return unknown_command(argv[2]);
        fputs(cmd->usage, stdout);
        return cli_finish_stdout(EXIT_OK);
    }
    const struct command *cmd = find_command(name);
    if (!cmd)
        return unknown_command(name);
    if (cli_wants_help(cmd, argc - 1, argv + 1))
        return cli_finish_stdout(EXIT_OK);
    /* a temporary or a lock file is removed on SIGTERM, SIGINT and SIGHUP */
    kkr_cleanup_install_signals();
    if (cmd->flags & CMD_REWRITES_WORKBOOK)
        return cli_finish_stdout(run_locked(cmd, argc - 1, argv + 1));
    return cli_finish_stdout(cmd->run(argc - 1, argv + 1));
}
