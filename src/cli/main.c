/* main.c — the kkr command table and dispatch (git-style subcommands) */
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

int main(int argc, char **argv)
{
    /* GSL's default handler aborts the process; every GSL status is checked instead. */
    gsl_set_error_handler_off();

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
        printf("kkr 0.1.0\n");
        return cli_finish_stdout(EXIT_OK);
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            print_overview(stdout);
            return cli_finish_stdout(EXIT_OK);
        }
        const struct command *cmd = find_command(argv[2]);
        if (!cmd) {
            cli_error("'%s' is not a kkr command", argv[2]);
            print_overview(stderr);
            return EXIT_BAD_INPUT;
        }
        fputs(cmd->usage, stdout);
        return cli_finish_stdout(EXIT_OK);
    }
    const struct command *cmd = find_command(name);
    if (!cmd) {
        cli_error("'%s' is not a kkr command", name);
        print_overview(stderr);
        return EXIT_BAD_INPUT;
    }
    if (cli_wants_help(cmd, argc - 1, argv + 1))
        return cli_finish_stdout(EXIT_OK);
    return cli_finish_stdout(cmd->run(argc - 1, argv + 1));
}
