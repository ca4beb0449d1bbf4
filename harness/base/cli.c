/*
 * cli.c - see cli.h.
 */
#include "base/cli.h"

#include <stdio.h>

int ph_usage_error(const char *cmd, const char *usage_line, const char *fmt, const char *arg)
{
	fflush(stdout);
	fprintf(stderr, "pumphil %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s\n", usage_line);
	return 2;
}
