/*
 * main.c - pumphil's command dispatcher.  Each subcommand lives in its own
 * file as `int ph_cmd_<name>(int argc, char **argv)` (declared in its area's public header) and
 * returns the process exit status: 0 success, 1 a test or check failed,
 * 2 bad usage or bad input.
 */
#include <stdio.h>
#include <string.h>

#include "campaign/fta_validate.h"
#include "history/history.h"
#include "report/report.h"
#include "run/runner.h"
#include "usb/virtual_usb.h"
#include "view/view.h"

typedef struct ph_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} ph_cmd;

static const ph_cmd cmds[] = {
	{ "run", ph_cmd_run, "run Lua test suites against a bench" },
	{ "board", ph_cmd_board, "serve the virtual bench as a USB device or on a pty" },
	{ "view", ph_cmd_view, "show a trace's timing (window or headless PNG)" },
	{ "report", ph_cmd_report, "regenerate reports from a record or trace" },
	{ "merge", ph_cmd_merge, "merge several runs into one report" },
	{ "fta", ph_cmd_fta, "analyse and validate fault trees" },
	{ "history", ph_cmd_history, "the results history: import runs, verdicts, series" },
	{ "compare", ph_cmd_compare, "compare two runs or firmware builds from the history" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: pumphil [--version] [--help] COMMAND [ARGS...]\n\ncommands:\n");
	for (const ph_cmd *c = cmds; c->name; c++)
		fprintf(out, "  %-8s %s\n", c->name, c->summary);
	fprintf(out, "\n'pumphil COMMAND --help' describes one command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("pumphil %s (%s)\n", PUMPHIL_VERSION, PUMPHIL_GIT);
		return 0;
	}
	for (const ph_cmd *c = cmds; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "pumphil: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
