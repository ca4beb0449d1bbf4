/*
 * bench_open.c - the --board switch.
 */
#include "bench_open.h"

#include <stdio.h>
#include <string.h>

#include "transport_sim.h"

int ph_bench_check(const char *board, char *err, size_t errlen)
{
	if (!strcmp(board, "sim"))
		return 0;
	snprintf(err, errlen, "unknown board '%s' (expected sim, usb[:SERIAL|VID:PID|BUS-PORT] or virtual-usb)",
		 board);
	return -1;
}

ph_transport *ph_bench_open(const char *board, const bench_config *cfg, char *err, size_t errlen)
{
	ph_transport *t;

	if (ph_bench_check(board, err, errlen) < 0)
		return NULL;
	t = ph_sim_open(cfg);
	if (!t)
		snprintf(err, errlen, "cannot create the virtual bench: out of memory");
	return t;
}
