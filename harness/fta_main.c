/*
 * fta_main.c - pumphil-fta: `pumphil fta analyse` on its own.  The same
 * code (campaign/fta_analyse.c) linked against the analysis library only,
 * so a run does not load the bench's hundred shared libraries (Lua, SDL,
 * libusb, PostgreSQL...): on SCRAM's small models that start-up was nearly
 * all of pumphil's time and memory.  `pumphil-fta ARGS` is
 * `pumphil fta analyse ARGS` (docs/fta.md).
 */
#include <stdio.h>
#include <string.h>

#include "campaign/fta_analyse.h"

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("pumphil-fta %s (%s)\n", PUMPHIL_VERSION, PUMPHIL_GIT);
		return 0;
	}
	argv[0] = "analyse";
	return ph_fta_cmd_analyse(argc, argv);
}
