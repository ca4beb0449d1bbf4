/*
 * virtual_usb.c - `--board virtual-usb` (see virtual_usb.h): a usb
 * transport wrapped together with the device it talks to.
 */
#include "usb/virtual_usb.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usb/transport_usb.h"

typedef struct vusb_transport {
	ph_transport base;
	ph_transport *usb;
	ph_vusb *v;
	bench_config cfg; /* the bench keeps a pointer to it */
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

static int vt_recv(ph_transport *t, int64_t deadline_ns, ph_rx *rx)
{
	return ph_recv(as_vt(t)->usb, deadline_ns, rx);
}

static int64_t vt_now(ph_transport *t)
{
	return ph_now(as_vt(t)->usb);
}

static void vt_describe(ph_transport *t, char *buf, size_t n)
{
	char inner[256];

	as_vt(t)->usb->ops->describe(as_vt(t)->usb, inner, sizeof inner);
	snprintf(buf, n, "virtual-usb: %s", inner);
}

static int vt_reconnect(ph_transport *t, int64_t deadline_ns)
{
	return ph_transport_reconnect(as_vt(t)->usb, deadline_ns);
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

ph_transport *ph_virtual_usb_open(const bench_config *cfg, char *err, size_t errlen)
{
	ph_vusb_config vc = { .board = &ph_vusb_bench_ops };
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
	vc.board_arg = &vt->cfg;
	ph_virtual_usb_serial(cfg, vc.serial, sizeof vc.serial);
	vt->v = ph_vusb_new(&vc, err, errlen);
	if (!vt->v)
		goto fail_free;
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
		fprintf(stderr, "pumphil: %s\n", err);
		return -1;
	}
	return 0;
}

ph_vusb *ph_virtual_usb_device(ph_transport *t)
{
	vusb_transport *vt = as_vt(t);
	return vt ? vt->v : NULL;
}
