/*
 * fta_cli.c - `pumphil fta`: fault-tree commands.  Subcommands sit in a
 * table: analyse in fta_analyse.c, validate in fta_validate.c, merge in
 * fta_merge.c.
 * Exit status: 0 success, 1 the analysis hit a size limit or ran out of
 * memory, 2 bad usage or bad input (the message names file:line).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign/fta_analyse.h"
#include "campaign/fta_validate.h"
#include "fta/fta.h"

typedef struct fta_sub {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} fta_sub;

static const fta_sub subs[] = {
	{ "analyse", ph_fta_cmd_analyse, "minimal cut sets and top-event probability" },
	{ "validate", ph_fta_cmd_validate, "inject the cut sets on the bench, check the tree" },
	{ "merge", ph_fta_cmd_merge, "one verdict over the validation runs of several builds" },
	{ NULL, NULL, NULL },
};

static void fta_usage(FILE *out)
{
	fprintf(out, "usage: pumphil fta [--help] COMMAND [ARGS...]\n\ncommands:\n");
	for (const fta_sub *s = subs; s->name; s++)
		fprintf(out, "  %-8s %s\n", s->name, s->summary);
	fprintf(out, "\n'pumphil fta COMMAND --help' describes one command.\n");
}

int ph_cmd_fta(int argc, char **argv)
{
	if (argc < 2) {
		fta_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fta_usage(stdout);
		return 0;
	}
	for (const fta_sub *s = subs; s->name; s++)
		if (!strcmp(argv[1], s->name))
			return s->fn(argc - 1, argv + 1);
	fprintf(stderr, "pumphil fta: unknown command '%s'\n", argv[1]);
	fta_usage(stderr);
	return 2;
}
