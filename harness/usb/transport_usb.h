/*
 * transport_usb.h - the `usb` transport: a pumphil board over libusb-1.0.
 *
 * Asynchronous libusb API, no thread of ours: recv() drives libusb's events
 * with its own deadline; transfer callbacks only copy bytes into a
 * fixed-size ring of ph_rx and resubmit.  Four IN transfers stay in flight
 * per IN endpoint (0x81 pump, 0x82 pump events, 0x83 fixture); each send is
 * one OUT transfer from a fixed pool.  Bench clock: CLOCK_MONOTONIC ns.
 * A board that vanishes (hotplug "left", or a transfer ending in NO_DEVICE)
 * makes send and recv return PH_T_NO_DEVICE from then on, after the frames
 * received before it are delivered; reconnect (transport.h) or close.
 *
 * IN transfers failing PH_USB_IN_ERROR_BUDGET times in a row (errors,
 * stalls; any success resets the count) fail the link: no more resubmits,
 * send and recv return PH_T_IO at once (recv after the frames received
 * before) until reconnect or close.
 *
 * Close and reconnect cancel every transfer and wait at most
 * PH_USB_DRAIN_NS for the cancels to complete.  If some never do, the
 * transport is stuck: it keeps the handle, the libusb context and the
 * transfers for good (leaked: the kernel may still write into them), says
 * "usb: N transfers stuck after cancel; handle kept" once on stderr, and
 * returns PH_T_IO from send, recv and reconnect; close returns at the
 * deadline all the same.
 */
#ifndef PH_TRANSPORT_USB_H
#define PH_TRANSPORT_USB_H

#ifndef PH_USES_USB
#error "usb/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "link/transport.h"
#include "usb/usb_select.h"

/* Open the board that selector names (usb_select.h: "", "SERIAL",
 * "VID:PID", "BUS-PORT[.PORT]"), claim both interfaces and start the IN
 * transfers.  Warns once per process on stderr for a pid.codes test PID.
 * Blocks for enumeration and a few control transfers (each <= 1 s).
 * Returns a transport the caller closes with ph_transport_close(), or NULL
 * with a one-line message in err (malformed selector, no such board, open
 * or claim refused). */
ph_transport *ph_usb_open(const char *selector, char *err, size_t errlen);

/* Close and reconnect wait this long (CLOCK_MONOTONIC) for cancelled
 * transfers to come back. */
#define PH_USB_DRAIN_NS 2000000000LL
/* IN transfers failing in a row that fail the link (PH_T_IO). */
#define PH_USB_IN_ERROR_BUDGET 8

/* Wait until a board matching selector is attached, at most timeout_ns of
 * CLOCK_MONOTONIC.  Returns PH_T_OK, PH_T_TIMEOUT, PH_T_INVALID (bad
 * selector) or PH_T_IO (libusb unusable).  Opens nothing it keeps. */
int ph_usb_wait_present(const char *selector, int64_t timeout_ns);

/* What the transport knows about its board (valid until close).  Returns
 * -1 when t is not a usb transport. */
int ph_usb_info(ph_transport *t, ph_usb_devinfo *info);

/* Counters of a usb transport; -1 when t is not one. */
typedef struct ph_usb_stats {
	uint64_t frames_in, frames_out;
	uint64_t rx_overflow; /* frames dropped: ring full */
	uint64_t deframe_overruns;
	uint64_t transfer_errors;
	uint32_t reconnects;
} ph_usb_stats;
int ph_usb_get_stats(ph_transport *t, ph_usb_stats *st);

#endif
