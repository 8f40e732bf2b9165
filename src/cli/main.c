/* main.c — the kkr command table and dispatch (git-style subcommands) */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"

static const struct command *const commands[] = {
    &cmd_check, &cmd_report, &cmd_forecast, &cmd_lock, &cmd_whatif, &cmd_chart, &cmd_import,
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
    return cli_finish_stdout(cmd->run(argc - 1, argv + 1));
}
