/*
 * usb_find.c - enumerate, filter by descriptor, open, filter by strings.
 */
#include "usb/usb_find.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "link/transport.h"

#define STRING_TIMEOUT_MS 1000

static void devinfo_basic(libusb_device *dev, const struct libusb_device_descriptor *dd,
                          ph_usb_devinfo *d)
{
	int n;

	memset(d, 0, sizeof *d);
	d->vid = dd->idVendor;
	d->pid = dd->idProduct;
	d->bus = libusb_get_bus_number(dev);
	n = libusb_get_port_numbers(dev, d->ports, PH_USB_MAX_PORTS);
	d->nports = n > 0 ? n : 0;
}

/* One GET_DESCRIPTOR control transfer, asynchronous so that it has a real
 * deadline: libusb's synchronous API waits without bound for a URB whose
 * discard failed (a board process that died, notes pitfall 4).  The state
 * is on the heap: when the transfer cannot be taken back it is leaked
 * together with it, never freed in flight. */
typedef struct ctl_op {
	int done;
	uint8_t buf[LIBUSB_CONTROL_SETUP_SIZE + 255];
} ctl_op;

static void LIBUSB_CALL ctl_cb(struct libusb_transfer *t)
{
	((ctl_op *)t->user_data)->done = 1;
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void wait_done(libusb_context *ctx, ctl_op *op, int64_t end)
{
	while (!op->done && mono_ns() < end) {
		struct timeval tv = { 0, 50000 };
		libusb_handle_events_timeout_completed(ctx, &tv, &op->done);
	}
}

/* Descriptor bytes into out; returns their number or -1. */
static int get_descriptor(libusb_context *ctx, libusb_device_handle *h, uint16_t value,
                          uint16_t lang, uint8_t *out, size_t cap)
{
	struct libusb_transfer *t = libusb_alloc_transfer(0);
	ctl_op *op = calloc(1, sizeof *op);
	int n = -1;

	if (!t || !op)
		goto out_free;
	libusb_fill_control_setup(op->buf, LIBUSB_ENDPOINT_IN, LIBUSB_REQUEST_GET_DESCRIPTOR, value,
	                          lang, 255);
	libusb_fill_control_transfer(t, h, op->buf, ctl_cb, op, STRING_TIMEOUT_MS);
	if (libusb_submit_transfer(t))
		goto out_free;
	wait_done(ctx, op, mono_ns() + STRING_TIMEOUT_MS * 1000000LL);
	if (!op->done) {
		libusb_cancel_transfer(t);
		wait_done(ctx, op, mono_ns() + STRING_TIMEOUT_MS * 1000000LL);
		if (!op->done)
			return -1; /* still in flight: leak t and op */
	}
	if (t->status == LIBUSB_TRANSFER_COMPLETED && (size_t)t->actual_length <= cap) {
		n = t->actual_length;
		memcpy(out, libusb_control_transfer_get_data(t), (size_t)n);
	}
out_free:
	libusb_free_transfer(t);
	free(op);
	return n;
}

/* String descriptor `index` as ASCII ('?' for anything else) into out. */
static void read_string(libusb_context *ctx, libusb_device_handle *h, uint8_t index, char *out,
                        size_t n)
{
	uint8_t d[255];
	uint16_t lang;
	int len;
	size_t k = 0;

	out[0] = 0;
	if (!index)
		return;
	len = get_descriptor(ctx, h, LIBUSB_DT_STRING << 8, 0, d, sizeof d);
	if (len < 4 || d[1] != LIBUSB_DT_STRING)
		return;
	lang = (uint16_t)(d[2] | d[3] << 8);
	len = get_descriptor(ctx, h, (uint16_t)(LIBUSB_DT_STRING << 8 | index), lang, d, sizeof d);
	if (len < 2 || d[1] != LIBUSB_DT_STRING)
		return;
	if (len > d[0])
		len = d[0];
	for (int i = 2; i + 1 < len && k + 1 < n; i += 2)
		out[k++] = d[i + 1] || d[i] > 0x7e || d[i] < 0x20 ? '?' : (char)d[i];
	out[k] = 0;
}

static void devinfo_strings(libusb_context *ctx, libusb_device_handle *h,
                            const struct libusb_device_descriptor *dd, ph_usb_devinfo *d)
{
	read_string(ctx, h, dd->iSerialNumber, d->serial, sizeof d->serial);
	read_string(ctx, h, dd->iProduct, d->product, sizeof d->product);
}

/* Open dev if it matches sel; 1 with *out set, 0 when not the one, and
 * *last_err set to libusb's error when it could not be opened. */
static int try_device(libusb_context *ctx, libusb_device *dev, const ph_usb_selector *sel,
                      libusb_device_handle **out, ph_usb_devinfo *info, int *last_err)
{
	struct libusb_device_descriptor dd;
	libusb_device_handle *h;
	int r;

	if (libusb_get_device_descriptor(dev, &dd))
		return 0;
	devinfo_basic(dev, &dd, info);
	if (!ph_usb_selector_match(sel, info, 0))
		return 0;
	r = libusb_open(dev, &h);
	if (r) {
		*last_err = r;
		return 0;
	}
	devinfo_strings(ctx, h, &dd, info);
	if (!ph_usb_selector_match(sel, info, 1)) {
		libusb_close(h);
		return 0;
	}
	*out = h;
	return 1;
}

int ph_usb_find_open(libusb_context *ctx, const ph_usb_selector *sel, libusb_device_handle **out,
                     ph_usb_devinfo *info, char *err, size_t errlen)
{
	libusb_device **list;
	ssize_t n = libusb_get_device_list(ctx, &list);
	int last_err = 0, found = 0;

	if (n < 0) {
		snprintf(err, errlen, "usb: cannot enumerate devices: %s", libusb_strerror((int)n));
		return PH_T_IO;
	}
	for (ssize_t i = 0; i < n && !found; i++)
		found = try_device(ctx, list[i], sel, out, info, &last_err);
	libusb_free_device_list(list, 1);
	if (found)
		return PH_T_OK;
	if (last_err)
		snprintf(err, errlen, "usb: no openable pumphil board (last open failed: %s)",
		         libusb_strerror(last_err));
	else
		snprintf(err, errlen, "usb: no matching pumphil board attached");
	return PH_T_NOT_FOUND;
}
