/*
 * vusb_bench.c - the virtual bench as the board behind a ph_vusb: a thin
 * adapter from ph_vusb_board_ops to bench.h.  The device's mutex
 * serialises every call, which is all bench.h asks ("one thread drives a
 * bench" at a time).
 */
#include <stdio.h>

#include "bench.h"
#include "usb/virtual_usb.h"

static void *vb_create(const void *arg, ph_vusb_tx_fn tx, void *ud)
{
	return bench_new(arg, tx, ud);
}

static void vb_destroy(void *b)
{
	bench_free(b);
}

static void vb_rx(void *b, uint8_t channel, const uint8_t *wire, size_t n)
{
	bench_rx(b, channel, wire, n);
}

static void vb_advance(void *b, int64_t t_ns)
{
	if (t_ns > bench_now_ns(b))
		bench_advance(b, t_ns);
}

static int64_t vb_next(void *b)
{
	return bench_next_event_ns(b);
}

const ph_vusb_board_ops ph_vusb_bench_ops = {
	.create = vb_create,
	.destroy = vb_destroy,
	.rx = vb_rx,
	.advance = vb_advance,
	.next_event_ns = vb_next,
};

void ph_virtual_usb_serial(const bench_config *cfg, char *buf, size_t n)
{
	snprintf(buf, n, "VB%06lu", (unsigned long)(cfg->fw.serial % 1000000u));
}
