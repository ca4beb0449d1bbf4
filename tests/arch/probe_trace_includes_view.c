/*
 * probe_trace_includes_view.c - compiled as a file of harness/trace/, which
 * sits below the viewer: including the viewer's header must fail to build
 * (ctest arch_forbidden_include_upward).
 */
#include "view/view.h"

int ph_arch_probe(void);
int ph_arch_probe(void)
{
	return 0;
}
