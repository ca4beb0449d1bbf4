/*
 * probe_fta_includes_run.c - compiled as if it were a file of harness/fta/,
 * the pure analysis library, which may not use the runner.  The build of
 * this probe must fail with "run/ is not a declared dependency" (ctest
 * arch_forbidden_include).  The code read that started the folder split found
 * exactly this include in fta_validate.c.
 */
#include "run/runner.h"

int ph_arch_probe(void);
int ph_arch_probe(void)
{
	return 0;
}
