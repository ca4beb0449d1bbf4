/*
 * paths.c - see paths.h.
 */
#include "base/paths.h"

#include <stdlib.h>
#include <sys/stat.h>

const char *ph_default_fixtures_dir(void)
{
	const char *env = getenv("PUMPHIL_FIXTURES");
	struct stat st;
	if (env && *env)
		return env;
	if (stat("fixtures/profiles", &st) == 0 && S_ISDIR(st.st_mode))
		return "fixtures";
	return PUMPHIL_DATA_DIR;
}
