/*
 * probe_fta_includes_fta.c - the allowed twin of probe_fta_includes_run.c:
 * the same probe set-up including fta/'s own header must build, so the
 * forbidden probe fails for its include and nothing else (ctest
 * arch_allowed_include).
 */
#include "fta/fta.h"

int ph_arch_probe(void);
int ph_arch_probe(void)
{
	return ph_fta_strerror(0) != 0;
}
