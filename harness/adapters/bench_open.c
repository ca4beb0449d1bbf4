/*
 * bench_open.c - the --board switch: sim, usb[:SELECTOR], virtual-usb.
 */
#include "adapters/bench_open.h"

#include <stdio.h>
#include <string.h>

#include "link/transport_sim.h"
#include "usb/transport_usb.h"
#include "usb/usb_select.h"
#include "usb/virtual_usb.h"

int ph_bench_kind(const char *board)
{
	if (!strcmp(board, "sim"))
		return PH_BOARD_SIM;
	if (!strcmp(board, "virtual-usb"))
		return PH_BOARD_VIRTUAL_USB;
	if (!strcmp(board, "usb") || !strncmp(board, "usb:", 4))
		return PH_BOARD_USB;
	return -1;
}

/* The selector of usb[:SEL]: "" for the first pumphil board. */
static const char *selector(const char *board)
{
	return board[3] == ':' ? board + 4 : "";
}

int ph_bench_check(const char *board, char *err, size_t errlen)
{
	int kind = ph_bench_kind(board);
	ph_usb_selector sel;

	if (kind < 0) {
		snprintf(err, errlen,
		         "unknown board '%s' (expected sim, usb[:SERIAL|VID:PID|BUS-PORT] or "
		         "virtual-usb)",
		         board);
		return -1;
	}
	if (kind == PH_BOARD_USB && ph_usb_selector_parse(selector(board), &sel, err, errlen) < 0)
		return -1;
	return 0;
}

ph_transport *ph_bench_open(const char *board, const bench_config *cfg, unsigned time_scale,
                            char *err, size_t errlen)
{
	ph_transport *t = NULL;

	switch (ph_bench_kind(board)) {
	case PH_BOARD_SIM:
		t = ph_sim_open(cfg);
		if (!t)
			snprintf(err, errlen, "cannot create the virtual bench: out of memory");
		return t;
	case PH_BOARD_VIRTUAL_USB: return ph_virtual_usb_open(cfg, time_scale, err, errlen);
	case PH_BOARD_USB: return ph_usb_open(selector(board), err, errlen);
	default: ph_bench_check(board, err, errlen); return NULL;
	}
}

int ph_bench_wait_back(const char *board, int64_t timeout_ns)
{
	if (ph_bench_kind(board) != PH_BOARD_USB)
		return 0;
	return ph_usb_wait_present(selector(board), timeout_ns) == PH_T_OK ? 0 : -1;
}
