/* cmd-lock.c — kkr lock: freeze the report period's forecast into snapshots/ */
#include "cli.h"

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'lock' is not implemented yet");
    return EXIT_BAD_INPUT;
}

const struct command cmd_lock = {
    "lock", run, "freeze the report period's forecast into snapshots/",
    "usage: kkr lock DIR\n",
};
