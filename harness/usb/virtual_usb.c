/*
 * virtual_usb.c - `--board virtual-usb` (see virtual_usb.h): a usb
 * transport wrapped together with the device it talks to.
 */
#include "usb/virtual_usb.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usb/transport_usb.h"
#include "base/log.h"

typedef struct vusb_transport {
	ph_transport base;
	ph_transport *usb;
	ph_vusb *v;
	bench_config cfg; /* the bench keeps a pointer to it */
	int64_t epoch;    /* CLOCK_MONOTONIC ns of the board's time 0 */
	int64_t scale;    /* bench ns per real ns */
} vusb_transport;

/* umockdev's testbed is process-wide (UMOCKDEV_DIR). */
static atomic_int open_count;

static const ph_transport_ops vt_ops;

static vusb_transport *as_vt(ph_transport *t)
{
	return t && t->ops == &vt_ops ? (vusb_transport *)t : NULL;
}

static int vt_send(ph_transport *t, uint8_t ch, const uint8_t *wire, size_t n)
{
	return ph_send(as_vt(t)->usb, ch, wire, n);
}

/* The usb transport keeps real (monotonic) time; the bench clock runs
 * `scale` times faster from the board's time 0, so the host and the board
 * agree on what time it is.  At scale 1 both are the same number. */
static int64_t to_bench(const vusb_transport *vt, int64_t real_ns)
{
	return vt->epoch + (real_ns - vt->epoch) * vt->scale;
}

static int64_t to_real(const vusb_transport *vt, int64_t bench_ns)
{
	int64_t d = bench_ns - vt->epoch;

	if (d >= INT64_MAX - vt->scale)
		return INT64_MAX;
	return vt->epoch + (d > 0 ? (d + vt->scale - 1) / vt->scale : d / vt->scale);
}

static int vt_recv(ph_transport *t, int64_t deadline_ns, ph_rx *rx)
{
	vusb_transport *vt = as_vt(t);
	int r = ph_recv(vt->usb, to_real(vt, deadline_ns), rx);

	if (r == PH_T_OK)
		rx->t_ns = to_bench(vt, rx->t_ns);
	return r;
}

static int64_t vt_now(ph_transport *t)
{
	vusb_transport *vt = as_vt(t);
	return to_bench(vt, ph_now(vt->usb));
}

static void vt_describe(ph_transport *t, char *buf, size_t n)
{
	char inner[256];

	as_vt(t)->usb->ops->describe(as_vt(t)->usb, inner, sizeof inner);
	if (as_vt(t)->scale > 1)
		snprintf(buf, n, "virtual-usb (board clock x%lld): %s", (long long)as_vt(t)->scale,
		         inner);
	else
		snprintf(buf, n, "virtual-usb: %s", inner);
}

static int vt_reconnect(ph_transport *t, int64_t deadline_ns)
{
	return ph_transport_reconnect(as_vt(t)->usb, to_real(as_vt(t), deadline_ns));
}

static void vt_close(ph_transport *t)
{
	vusb_transport *vt = as_vt(t);

	ph_transport_close(vt->usb);
	ph_vusb_free(vt->v);
	free(vt);
	atomic_fetch_sub(&open_count, 1);
}

static const ph_transport_ops vt_ops = {
	.name = "virtual-usb",
	.send = vt_send,
	.recv = vt_recv,
	.now = vt_now,
	.describe = vt_describe,
	.close = vt_close,
	.reconnect = vt_reconnect,
};

ph_transport *ph_virtual_usb_open(const bench_config *cfg, unsigned time_scale, char *err,
                                  size_t errlen)
{
	ph_vusb_config vc = { .board = &ph_vusb_bench_ops, .time_scale = time_scale };
	char sel[64];
	vusb_transport *vt;

	if (atomic_fetch_add(&open_count, 1) != 0) {
		snprintf(err, errlen,
		         "virtual-usb: one virtual USB board per process (run with -j 1)");
		goto fail_count;
	}
	vt = calloc(1, sizeof *vt);
	if (!vt) {
		snprintf(err, errlen, "virtual-usb: out of memory");
		goto fail_count;
	}
	vt->base.ops = &vt_ops;
	vt->cfg = *cfg;
	vt->scale = time_scale ? (int64_t)time_scale : 1;
	vc.board_arg = &vt->cfg;
	ph_virtual_usb_serial(cfg, vc.serial, sizeof vc.serial);
	vt->v = ph_vusb_new(&vc, err, errlen);
	if (!vt->v)
		goto fail_free;
	vt->epoch = ph_vusb_epoch_ns(vt->v);
	if (ph_vusb_plug(vt->v, err, errlen))
		goto fail_vusb;
	snprintf(sel, sizeof sel, "serial=%s", ph_vusb_serial(vt->v));
	vt->usb = ph_usb_open(sel, err, errlen);
	if (!vt->usb)
		goto fail_vusb;
	return &vt->base;

fail_vusb:
	ph_vusb_free(vt->v);
fail_free:
	free(vt);
fail_count:
	atomic_fetch_sub(&open_count, 1);
	return NULL;
}

int ph_virtual_usb_unplug(ph_transport *t)
{
	vusb_transport *vt = as_vt(t);

	if (!vt)
		return -1;
	ph_vusb_unplug(vt->v);
	return 0;
}

int ph_virtual_usb_replug(ph_transport *t)
{
	vusb_transport *vt = as_vt(t);
	char err[256];

	if (!vt)
		return -1;
	if (ph_vusb_plug(vt->v, err, sizeof err)) {
		ph_log_error("pumphil: %s", err);
		return -1;
	}
	return 0;
}

ph_vusb *ph_virtual_usb_device(ph_transport *t)
{
	vusb_transport *vt = as_vt(t);
	return vt ? vt->v : NULL;
}
