/*
 * transport_usb.c - the `usb` transport (see transport_usb.h).
 *
 * Lifetime of a transfer: submitted -> callback -> (resubmitted | idle).
 * `inflight` counts submitted transfers whose callback has not run; close
 * and reconnect cancel everything and pump events until it is 0, so no
 * transfer is ever freed in flight.
 *
 * Shutdown (drain): cancel every busy transfer, pump events until each
 * callback ran or PH_USB_DRAIN_NS passed.  When transfers are still in
 * flight at that deadline (a cancel the kernel never completed) the
 * transport is `stuck`: libusb_close would drop transfers the kernel may
 * still complete into our buffers, and libusb_free_transfer/libusb_exit
 * would free memory it still points to.  So the handle (interfaces still
 * claimed), the context, every transfer and this struct are kept and
 * deliberately leaked, never touched again; stderr says so once
 * ("usb: N transfers stuck after cancel; handle kept").  close still
 * returns at the drain deadline; send, recv and reconnect return PH_T_IO.
 *
 * Errors: IN callbacks count consecutive error completions per IN endpoint
 * (anything but COMPLETED; NO_DEVICE is an unplug, CANCELLED our own
 * drain).  A COMPLETED resets the endpoint's count; at
 * PH_USB_IN_ERROR_BUDGET (twice the transfers in flight per endpoint: one
 * disturbance failing each pending transfer once is survived, failing again
 * on resubmit is not) the IN side stops resubmitting and the link is
 * `failed`: recv and send return PH_T_IO (after the frames already
 * received) until reconnect or close, instead of an endless resubmit loop
 * and a recv that only ever times out.  Like fx2lafw's budget of bad
 * transfers in libsigrok.
 */
#include "usb/transport_usb.h"

#include <errno.h>
#include <libusb.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "usb/usb_find.h"
#include "usb/usb_preload.h"
#include "usb/usb_shape.h"
#include "base/log.h"
#include "base/interrupt.h"

/* The longest a receive waits before it looks at ph_interrupted(). */
#define USB_WAIT_SLICE_NS 100000000LL
#define USB_IN_XFERS 4   /* in flight per IN endpoint */
#define USB_IN_BUF 512   /* bytes per IN transfer */
#define USB_OUT_SLOTS 16 /* OUT transfers in flight at most */
#define USB_OUT_TIMEOUT_MS 1000
#define USB_RING 256                 /* received frames not yet taken by recv */
#define USB_SEND_WAIT_NS 200000000LL /* send waits this long for a free slot */
#define USB_POLL_NS 20000000LL       /* wait_present re-enumerates this often */

typedef struct ph_usb ph_usb;

static void detach_handle(ph_usb *u);

typedef struct usb_xfer {
	ph_usb *u;
	struct libusb_transfer *t;
	int busy;
	int idx; /* IN endpoint index, -1 for OUT */
	uint8_t buf[USB_IN_BUF > PP_MAX_WIRE ? USB_IN_BUF : PP_MAX_WIRE];
} usb_xfer;

struct ph_usb {
	ph_transport base;
	libusb_context *ctx;
	libusb_device_handle *h;
	int claimed[2];
	libusb_hotplug_callback_handle hp;
	int hp_on;
	ph_usb_selector sel;
	ph_usb_devinfo info;

	usb_xfer in[PH_USB_N_IN][USB_IN_XFERS];
	usb_xfer out[USB_OUT_SLOTS];
	pp_deframer dfr[PH_USB_N_IN];
	ph_rx ring[USB_RING];
	unsigned r_head, r_n;

	int inflight;
	int gone;                   /* the board vanished: NO_DEVICE from now on */
	int closing;                /* no resubmits */
	int in_errors[PH_USB_N_IN]; /* consecutive error completions per IN endpoint */
	int failed;                 /* in_errors reached the budget: PH_T_IO, no resubmits */
	int stuck;                  /* transfers still in flight after a drain: all kept */
	int abandoned;              /* the virtual board's process died: libusb left alone */
	pid_t board_pid;            /* process serving a virtual board, 0 when unknown */
	ph_usb_stats st;
};

static const ph_transport_ops usb_ops;

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timeval tv_of(int64_t ns)
{
	struct timeval tv;

	if (ns < 0)
		ns = 0;
	if (ns > 1000000000LL)
		ns = 1000000000LL; /* re-check the deadline at least every second */
	tv.tv_sec = (time_t)(ns / 1000000000LL);
	tv.tv_usec = (suseconds_t)(ns % 1000000000LL / 1000);
	return tv;
}

static void pump_events(ph_usb *u, int64_t wait_ns)
{
	struct timeval tv = tv_of(wait_ns);

	libusb_handle_events_timeout_completed(u->ctx, &tv, NULL);
}

/* ---- callbacks: copy, count, resubmit; nothing else ---- */

static void ring_push(ph_usb *u, uint8_t channel, const uint8_t *cobs, size_t n)
{
	ph_rx *rx;

	if (u->r_n == USB_RING || n + 1 > PP_MAX_WIRE) {
		u->st.rx_overflow++;
		return;
	}
	rx = &u->ring[(u->r_head + u->r_n++) % USB_RING];
	rx->channel = channel;
	rx->n = (uint16_t)(n + 1);
	rx->t_ns = mono_ns();
	memcpy(rx->wire, cobs, n);
	rx->wire[n] = 0;
	u->st.frames_in++;
}

static void deframe(ph_usb *u, int idx, const uint8_t *p, size_t n)
{
	static const uint8_t in_eps[PH_USB_N_IN] = { PH_USB_EP_PUMP_IN, PH_USB_EP_EVENT_IN,
		                                     PH_USB_EP_FIXTURE_IN };
	pp_deframer *d = &u->dfr[idx];
	uint8_t ch = (uint8_t)ph_usb_ep_channel(in_eps[idx]);
	uint32_t before = d->overruns;
	size_t len;

	while ((len = pp_deframer_push(d, &p, &n)) > 0)
		ring_push(u, ch, d->buf, len);
	u->st.deframe_overruns += d->overruns - before;
}

static int submit(usb_xfer *x)
{
	int r = libusb_submit_transfer(x->t);

	if (r == 0) {
		x->busy = 1;
		x->u->inflight++;
	} else if (r == LIBUSB_ERROR_NO_DEVICE) {
		x->u->gone = 1;
	}
	return r;
}

/* An IN transfer failed (error, stall, overflow, timeout): keep listening
 * unless PH_USB_IN_ERROR_BUDGET of its endpoint's failed in a row. */
static void in_error(ph_usb *u, int idx, const struct libusb_transfer *t)
{
	u->st.transfer_errors++;
	if (u->closing || u->failed || ++u->in_errors[idx] < PH_USB_IN_ERROR_BUDGET)
		return;
	u->failed = 1;
	ph_log_error("pumphil: usb: %d transfers in a row failed on 0x%02x (last: %s); link failed",
	             u->in_errors[idx], t->endpoint, libusb_error_name((int)t->status));
}

static void LIBUSB_CALL in_cb(struct libusb_transfer *t)
{
	usb_xfer *x = t->user_data;
	ph_usb *u = x->u;

	x->busy = 0;
	u->inflight--;
	switch (t->status) {
	case LIBUSB_TRANSFER_COMPLETED:
		u->in_errors[x->idx] = 0;
		deframe(u, x->idx, t->buffer, (size_t)t->actual_length);
		break;
	case LIBUSB_TRANSFER_NO_DEVICE: u->gone = 1; return;
	case LIBUSB_TRANSFER_CANCELLED: return; /* drain() asked for it */
	default: in_error(u, x->idx, t); break;
	}
	if (!u->closing && !u->gone && !u->failed)
		submit(x);
}

static void LIBUSB_CALL out_cb(struct libusb_transfer *t)
{
	usb_xfer *x = t->user_data;
	ph_usb *u = x->u;

	x->busy = 0;
	u->inflight--;
	if (t->status == LIBUSB_TRANSFER_NO_DEVICE)
		u->gone = 1;
	else if (t->status != LIBUSB_TRANSFER_COMPLETED && t->status != LIBUSB_TRANSFER_CANCELLED)
		u->st.transfer_errors++; /* the frame is lost, as on a noisy link */
}

static int LIBUSB_CALL hotplug_cb(libusb_context *ctx, libusb_device *dev, libusb_hotplug_event ev,
                                  void *ud)
{
	ph_usb *u = ud;

	(void)ctx;
	if (ev == LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT && u->h && dev == libusb_get_device(u->h))
		u->gone = 1;
	return 0; /* stay registered */
}

/* ---- setup and teardown of one open device ---- */

static int alloc_transfers(ph_usb *u)
{
	for (int i = 0; i < PH_USB_N_IN; i++)
		for (int k = 0; k < USB_IN_XFERS; k++) {
			u->in[i][k] = (usb_xfer){ .u = u, .idx = i };
			if (!(u->in[i][k].t = libusb_alloc_transfer(0)))
				return -1;
		}
	for (int k = 0; k < USB_OUT_SLOTS; k++) {
		u->out[k] = (usb_xfer){ .u = u, .idx = -1 };
		if (!(u->out[k].t = libusb_alloc_transfer(0)))
			return -1;
	}
	return 0;
}

static void free_transfers(ph_usb *u)
{
	for (int i = 0; i < PH_USB_N_IN; i++)
		for (int k = 0; k < USB_IN_XFERS; k++)
			libusb_free_transfer(u->in[i][k].t);
	for (int k = 0; k < USB_OUT_SLOTS; k++)
		libusb_free_transfer(u->out[k].t);
}

/* The virtual board's process (umockdev testbed) is known and has died:
 * its device node would make umockdev's preload end this process at the
 * first ioctl, so the device must not be opened at all. */
static int virtual_board_dead(pid_t *pid);

/* Only transfers whose callback ran; for an abandoned board. */
static void free_idle_transfers(ph_usb *u)
{
	for (int i = 0; i < PH_USB_N_IN; i++)
		for (int k = 0; k < USB_IN_XFERS; k++)
			if (!u->in[i][k].busy)
				libusb_free_transfer(u->in[i][k].t);
	for (int k = 0; k < USB_OUT_SLOTS; k++)
		if (!u->out[k].busy)
			libusb_free_transfer(u->out[k].t);
}

static int start_in(ph_usb *u)
{
	static const uint8_t eps[PH_USB_N_IN] = { PH_USB_EP_PUMP_IN, PH_USB_EP_EVENT_IN,
		                                  PH_USB_EP_FIXTURE_IN };

	for (int i = 0; i < PH_USB_N_IN; i++) {
		pp_deframer_init(&u->dfr[i]);
		for (int k = 0; k < USB_IN_XFERS; k++) {
			usb_xfer *x = &u->in[i][k];
			if (eps[i] == PH_USB_EP_EVENT_IN)
				libusb_fill_interrupt_transfer(x->t, u->h, eps[i], x->buf,
				                               USB_IN_BUF, in_cb, x, 0);
			else
				libusb_fill_bulk_transfer(x->t, u->h, eps[i], x->buf, USB_IN_BUF,
				                          in_cb, x, 0);
			if (submit(x))
				return -1;
		}
	}
	return 0;
}

/* Cancel every transfer and pump events until each callback ran.  Returns
 * the number still in flight after the drain deadline (0 normally). */
static int drain(ph_usb *u)
{
	int64_t end = mono_ns() + PH_USB_DRAIN_NS;

	u->closing = 1;
	for (int i = 0; i < PH_USB_N_IN; i++)
		for (int k = 0; k < USB_IN_XFERS; k++)
			if (u->in[i][k].busy)
				libusb_cancel_transfer(u->in[i][k].t);
	for (int k = 0; k < USB_OUT_SLOTS; k++)
		if (u->out[k].busy)
			libusb_cancel_transfer(u->out[k].t);
	while (u->inflight > 0 && mono_ns() < end)
		pump_events(u, 50000000LL);
	return u->inflight;
}

static int check_endpoints(libusb_device_handle *h)
{
	static const uint8_t want[][2] = {
		{ PH_USB_EP_PUMP_OUT, LIBUSB_TRANSFER_TYPE_BULK },
		{ PH_USB_EP_PUMP_IN, LIBUSB_TRANSFER_TYPE_BULK },
		{ PH_USB_EP_EVENT_IN, LIBUSB_TRANSFER_TYPE_INTERRUPT },
		{ PH_USB_EP_FIXTURE_OUT, LIBUSB_TRANSFER_TYPE_BULK },
		{ PH_USB_EP_FIXTURE_IN, LIBUSB_TRANSFER_TYPE_BULK },
	};
	struct libusb_config_descriptor *cfg;
	int found = 0;

	if (libusb_get_active_config_descriptor(libusb_get_device(h), &cfg))
		return -1;
	for (int i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface_descriptor *id = &cfg->interface[i].altsetting[0];
		for (int e = 0; e < id->bNumEndpoints; e++)
			for (size_t w = 0; w < sizeof want / sizeof want[0]; w++)
				found += id->endpoint[e].bEndpointAddress == want[w][0] &&
				         (id->endpoint[e].bmAttributes & 3) == want[w][1];
	}
	libusb_free_config_descriptor(cfg);
	return found == (int)(sizeof want / sizeof want[0]) ? 0 : -1;
}

static void warn_test_pid(const ph_usb_devinfo *d)
{
	static atomic_flag warned = ATOMIC_FLAG_INIT;

	if (ph_usb_is_test_pid(d->vid, d->pid) && !atomic_flag_test_and_set(&warned))
		ph_log_warn("pumphil: warning: board %04x:%04x uses a pid.codes test PID "
		            "(0x0001-0x0010): test PID: must not ship",
		            d->vid, d->pid);
}

static int claim(ph_usb *u, char *err, size_t errlen)
{
	int r;

	libusb_set_auto_detach_kernel_driver(u->h, 1); /* vendor class: usually no driver */
	for (int i = 0; i < 2; i++) {
		r = libusb_claim_interface(u->h, i);
		if (r) {
			snprintf(err, errlen, "usb: cannot claim interface %d: %s", i,
			         libusb_strerror(r));
			return r == LIBUSB_ERROR_NO_DEVICE ? PH_T_NO_DEVICE : PH_T_IO;
		}
		u->claimed[i] = 1;
	}
	return PH_T_OK;
}

static void release(ph_usb *u)
{
	for (int i = 0; i < 2; i++)
		if (u->claimed[i])
			libusb_release_interface(u->h, i);
	u->claimed[0] = u->claimed[1] = 0;
	libusb_close(u->h);
	u->h = NULL;
}

/* Find, open, check, claim, start.  On failure nothing stays open. */
static int attach(ph_usb *u, char *err, size_t errlen)
{
	int r = ph_usb_find_open(u->ctx, &u->sel, &u->h, &u->info, err, errlen);

	if (r)
		return r;
	if (check_endpoints(u->h)) {
		snprintf(err, errlen, "usb: %04x:%04x does not have the pumphil endpoints",
		         u->info.vid, u->info.pid);
		release(u);
		return PH_T_NOT_FOUND;
	}
	r = claim(u, err, errlen);
	if (r) {
		release(u);
		return r;
	}
	warn_test_pid(&u->info);
	u->gone = 0;
	u->closing = 0;
	u->failed = 0;
	memset(u->in_errors, 0, sizeof u->in_errors);
	u->r_n = 0;
	if (start_in(u)) {
		snprintf(err, errlen, "usb: cannot start IN transfers");
		detach_handle(u); /* the ones started are cancelled first */
		return u->gone && !u->stuck ? PH_T_NO_DEVICE : PH_T_IO;
	}
	return PH_T_OK;
}

static void hotplug_on(ph_usb *u)
{
	int r;

	if (!libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG))
		return; /* a NO_DEVICE transfer status still reports the loss */
	r = libusb_hotplug_register_callback(u->ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT, 0,
	                                     LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
	                                     LIBUSB_HOTPLUG_MATCH_ANY, hotplug_cb, u, &u->hp);
	u->hp_on = r == LIBUSB_SUCCESS;
}

/* ---- a virtual board in another process ---- */

/* The process serving UMOCKDEV_DIR's device, from the pid file the board
 * leaves in its testbed (vusb_sweep.c); 0 for real USB or this process. */
static pid_t virtual_board_pid(void)
{
	const char *dir = getenv("UMOCKDEV_DIR");
	char path[512];
	long pid = 0;
	FILE *f;

	if (!dir)
		return 0;
	snprintf(path, sizeof path, "%s/pumphil.pid", dir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1 || pid == (long)getpid())
		pid = 0;
	fclose(f);
	return (pid_t)pid;
}

static int virtual_board_dead(pid_t *pid)
{
	*pid = virtual_board_pid();
	return *pid > 0 && kill(*pid, 0) < 0 && errno == ESRCH;
}

/* When the board process has died, any ioctl on its device makes
 * umockdev's preload abort this process.  Then leave libusb alone: the
 * handle, its transfers and the context are leaked, never touched again.
 * Returns 1 when abandoned. */
static int check_board_process(ph_usb *u)
{
	if (u->abandoned)
		return 1;
	if (!u->board_pid || !u->h || kill(u->board_pid, 0) == 0 || errno != ESRCH)
		return 0;
	ph_log_error("pumphil: usb: the virtual board's process %ld is gone", (long)u->board_pid);
	u->abandoned = 1;
	u->gone = 1;
	return 1;
}

/* A vanished board: release the handle now, as a driver does on
 * disconnect, rather than at close (the board may be gone by then). */
static void release_vanished(ph_usb *u)
{
	if (u->gone && u->h && !u->abandoned && !check_board_process(u))
		detach_handle(u);
}

/* ---- ops ---- */

static int usb_send(ph_transport *t, uint8_t channel, const uint8_t *wire, size_t n)
{
	ph_usb *u = (ph_usb *)t;
	uint8_t ep = ph_usb_out_ep(channel);
	int64_t end = mono_ns() + USB_SEND_WAIT_NS;
	usb_xfer *x = NULL;
	int r;

	if (!ep || !wire || n == 0 || n > PP_MAX_WIRE)
		return PH_T_INVALID;
	if (u->stuck || (u->failed && !u->gone))
		return PH_T_IO;
	check_board_process(u);
	while (!u->gone && u->h) {
		for (int k = 0; k < USB_OUT_SLOTS && !x; k++)
			x = u->out[k].busy ? NULL : &u->out[k];
		if (x || mono_ns() >= end)
			break;
		pump_events(u, end - mono_ns());
	}
	if (u->gone || !u->h) {
		release_vanished(u);
		return PH_T_NO_DEVICE;
	}
	if (!x)
		return PH_T_TIMEOUT; /* the board took nothing for USB_SEND_WAIT_NS */
	memcpy(x->buf, wire, n);
	libusb_fill_bulk_transfer(x->t, u->h, ep, x->buf, (int)n, out_cb, x, USB_OUT_TIMEOUT_MS);
	r = submit(x);
	if (r)
		return r == LIBUSB_ERROR_NO_DEVICE ? PH_T_NO_DEVICE : PH_T_IO;
	u->st.frames_out++;
	return PH_T_OK;
}

static int usb_recv(ph_transport *t, int64_t deadline_ns, ph_rx *rx)
{
	ph_usb *u = (ph_usb *)t;

	for (;;) {
		int64_t now;

		if (u->r_n) {
			*rx = u->ring[u->r_head];
			u->r_head = (u->r_head + 1) % USB_RING;
			u->r_n--;
			return PH_T_OK;
		}
		if (u->stuck)
			return PH_T_IO;
		if (u->gone || !u->h || check_board_process(u)) {
			release_vanished(u);
			return PH_T_NO_DEVICE;
		}
		if (u->failed)
			return PH_T_IO;
		if (ph_interrupted())
			return PH_T_INTERRUPTED;
		now = mono_ns();
		if (now >= deadline_ns)
			return PH_T_TIMEOUT;
		/* In slices, so a stop request is seen within 100 ms. */
		pump_events(u, deadline_ns - now < USB_WAIT_SLICE_NS ? deadline_ns - now
		                                                     : USB_WAIT_SLICE_NS);
	}
}

static int64_t usb_now(ph_transport *t)
{
	(void)t;
	return mono_ns();
}

static const char *state_tag(const ph_usb *u)
{
	if (u->stuck)
		return " [stuck]";
	if (u->gone || !u->h)
		return " [gone]";
	return u->failed ? " [failed]" : "";
}

static void usb_describe(ph_transport *t, char *buf, size_t n)
{
	ph_usb *u = (ph_usb *)t;
	char path[32];

	snprintf(buf, n, "usb %04x:%04x serial=%s at %s (%s)%s", u->info.vid, u->info.pid,
	         u->info.serial[0] ? u->info.serial : "-",
	         ph_usb_path_str(u->info.bus, u->info.ports, u->info.nports, path, sizeof path),
	         u->info.product[0] ? u->info.product : "?", state_tag(u));
}

/* Tear down the handle side: drain, then release and close the handle.
 * Transfers stay allocated for a reattach.  When the drain leaves
 * transfers in flight the transport is stuck instead (header comment):
 * nothing is released, closed or freed, now or later. */
static void detach_handle(ph_usb *u)
{
	int left;

	if (!u->h || u->stuck || check_board_process(u))
		return;
	left = drain(u);
	if (left) {
		u->stuck = left;
		ph_log_error("pumphil: usb: %d transfers stuck after cancel; handle kept", left);
		return;
	}
	release(u);
}

static void usb_close(ph_transport *t)
{
	ph_usb *u = (ph_usb *)t;

	detach_handle(u);
	if (u->abandoned) {
		free_idle_transfers(u); /* the rest stays with libusb, untouched */
		free(u);
		return;
	}
	if (u->stuck)
		return; /* handle, context, transfers and u stay: libusb points into them */
	if (u->hp_on)
		libusb_hotplug_deregister_callback(u->ctx, u->hp);
	free_transfers(u);
	libusb_exit(u->ctx);
	free(u);
}

static int usb_reconnect(ph_transport *t, int64_t deadline_ns)
{
	ph_usb *u = (ph_usb *)t;
	char err[256];
	int r;

	detach_handle(u);
	if (u->abandoned)
		return PH_T_NO_DEVICE; /* its testbed died with it */
	if (u->stuck)
		return PH_T_IO; /* transfers still live: cannot reuse them */
	for (;;) {
		r = attach(u, err, sizeof err);
		if (r == PH_T_OK) {
			u->st.reconnects++;
			return PH_T_OK;
		}
		if (r != PH_T_NOT_FOUND && r != PH_T_NO_DEVICE)
			return r;
		if (mono_ns() >= deadline_ns)
			return PH_T_TIMEOUT;
		pump_events(u, USB_POLL_NS);
	}
}

static const ph_transport_ops usb_ops = {
	.name = "usb",
	.send = usb_send,
	.recv = usb_recv,
	.now = usb_now,
	.describe = usb_describe,
	.close = usb_close,
	.reconnect = usb_reconnect,
};

ph_transport *ph_usb_open(const char *selector, char *err, size_t errlen)
{
	ph_usb *u = calloc(1, sizeof *u);
	int r;

	if (!u) {
		snprintf(err, errlen, "usb: out of memory");
		return NULL;
	}
	u->base.ops = &usb_ops;
	if (ph_usb_selector_parse(selector, &u->sel, err, errlen))
		goto fail_free;
	pid_t dead;
	if (virtual_board_dead(&dead)) {
		snprintf(err, errlen, "usb: the virtual board's process %ld is gone", (long)dead);
		goto fail_free;
	}
	r = libusb_init(&u->ctx);
	if (r) {
		snprintf(err, errlen, "usb: libusb_init failed: %s", libusb_strerror(r));
		goto fail_free;
	}
	if (alloc_transfers(u)) {
		snprintf(err, errlen, "usb: out of memory for transfers");
		goto fail_libusb;
	}
	if (attach(u, err, errlen)) {
		if (getenv("UMOCKDEV_DIR") && !ph_usb_preloaded())
			snprintf(err + strlen(err), errlen - strlen(err),
			         " (UMOCKDEV_DIR is set but libumockdev-preload.so.0 is not in "
			         "LD_PRELOAD)");
		if (u->stuck)
			return NULL; /* kept, as by close */
		goto fail_libusb;
	}
	u->board_pid = virtual_board_pid();
	hotplug_on(u);
	return &u->base;

fail_libusb: /* the transfers (some may be NULL) and libusb_init */
	free_transfers(u);
	libusb_exit(u->ctx);
fail_free:
	free(u);
	return NULL;
}

int ph_usb_wait_present(const char *selector, int64_t timeout_ns)
{
	ph_usb_selector sel;
	libusb_context *ctx;
	libusb_device_handle *h;
	ph_usb_devinfo info;
	int64_t end = mono_ns() + timeout_ns;
	char err[256];
	int r;

	if (ph_usb_selector_parse(selector, &sel, err, sizeof err))
		return PH_T_INVALID;
	if (libusb_init(&ctx))
		return PH_T_IO;
	for (;;) {
		pid_t dead;
		if (virtual_board_dead(&dead)) {
			r = PH_T_NO_DEVICE; /* it will not come back */
			break;
		}
		r = ph_usb_find_open(ctx, &sel, &h, &info, err, sizeof err);
		if (r == PH_T_OK) {
			libusb_close(h);
			break;
		}
		if (r != PH_T_NOT_FOUND || mono_ns() >= end) {
			r = r == PH_T_NOT_FOUND ? PH_T_TIMEOUT : r;
			break;
		}
		struct timespec ts = { 0, USB_POLL_NS };
		nanosleep(&ts, NULL);
	}
	libusb_exit(ctx);
	return r;
}

int ph_usb_info(ph_transport *t, ph_usb_devinfo *info)
{
	if (!t || t->ops != &usb_ops)
		return -1;
	*info = ((ph_usb *)t)->info;
	return 0;
}

int ph_usb_get_stats(ph_transport *t, ph_usb_stats *st)
{
	if (!t || t->ops != &usb_ops)
		return -1;
	*st = ((ph_usb *)t)->st;
	return 0;
}
