/*
 * vusb.h - the virtual pumphil board exposed as a real USB device through a
 * umockdev testbed (no kernel USB needed).
 *
 * A ph_vusb owns a umockdev testbed with one emulated usbfs device (the USB
 * shape of usb_shape.h) and a board behind it: any byte-in/byte-out machine
 * with its own clock, given as ph_vusb_board_ops (the virtual bench in
 * vusb_bench.c, a fake board in tests).  Bytes on a bulk OUT endpoint go to
 * the board at once; bytes the board emits are queued per IN endpoint and
 * returned on IN URBs.  A thread runs the board in real time: it advances
 * the board to the monotonic clock and sleeps until the board's next event
 * or an incoming URB.  The ioctl handler runs on umockdev's worker thread;
 * one mutex guards the board and the URB state.
 *
 * Processes: libusb code in this process or in another one sees the device
 * when it runs under libumockdev-preload.so.0 with UMOCKDEV_DIR set to
 * ph_vusb_root() (this process has it set by ph_vusb_new()).  The process
 * that creates the device must itself run under the preload, or umockdev's
 * uevents fail: see ph_usb_ensure_preload() in usb_preload.h.
 */
#ifndef PH_VUSB_H
#define PH_VUSB_H

#ifndef PH_USES_USB
#error "usb/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "usb/usb_shape.h"

typedef struct ph_vusb ph_vusb;

/* How the board emits a frame; the same signature as bench_tx_fn. */
typedef void (*ph_vusb_tx_fn)(void *ud, uint8_t channel, const uint8_t *wire, size_t n,
                              int64_t t_ns);

/* The board behind the device.  Every call is made with the device mutex
 * held, from the clock thread or umockdev's worker thread, never both at
 * once.  Times are the board's own clock, ns since the board was created. */
typedef struct ph_vusb_board_ops {
	/* Create the board; it emits frames through tx(ud, ...).  NULL on
	 * failure. */
	void *(*create)(const void *arg, ph_vusb_tx_fn tx, void *ud);
	void (*destroy)(void *board);
	void (*rx)(void *board, uint8_t channel, const uint8_t *wire, size_t n);
	void (*advance)(void *board, int64_t t_ns);
	/* Earliest time with work, INT64_MAX when idle. */
	int64_t (*next_event_ns)(void *board);
} ph_vusb_board_ops;

typedef struct ph_vusb_config {
	uint16_t pid;                       /* 0: PH_USB_PID_VIRTUAL */
	char serial[PH_USB_SERIAL_MAX + 1]; /* "" : "VB000001" */
	const char *product;                /* NULL: PH_USB_PRODUCT_VIRTUAL; copied */
	const ph_vusb_board_ops *board;     /* required */
	const void *board_arg;              /* passed to board->create */
	unsigned time_scale;                /* board seconds per real second; 0: 1 */
} ph_vusb_config;

typedef struct ph_vusb_stats {
	uint64_t urbs_submitted;
	uint64_t urbs_reaped;
	uint64_t bytes_out;        /* host -> board */
	uint64_t bytes_in;         /* board -> host */
	uint64_t in_overflow;      /* board bytes dropped: IN queue full */
	uint64_t discards_ignored; /* DISCARDURBs swallowed (ph_vusb_faults) */
	uint32_t plugs, unplugs;
} ph_vusb_stats;

/* Create the testbed, the board and the clock thread; the device is not
 * plugged yet.  Sets UMOCKDEV_DIR in this process's environment (umockdev
 * does), so call it before other threads read the environment.  Returns
 * NULL with a message in err on failure (socket path too long, no memory,
 * board creation failed).  Does not block. */
ph_vusb *ph_vusb_new(const ph_vusb_config *cfg, char *err, size_t errlen);

/* Unplug if plugged, stop the clock thread, free the board and remove the
 * testbed directory.  Clients still holding the device get ENODEV first. */
void ph_vusb_free(ph_vusb *v);

/* Add the device (new device number each time) and send "add".  Returns 0,
 * or -1 with err filled.  Blocks only for the testbed's file operations. */
int ph_vusb_plug(ph_vusb *v, char *err, size_t errlen);

/* Emulate a hot-unplug as the kernel does: pending URBs fail with
 * -ESHUTDOWN, later ioctls get ENODEV, then "remove" is sent and the device
 * removed.  No-op when not plugged.  Does not block. */
void ph_vusb_unplug(ph_vusb *v);

int ph_vusb_plugged(ph_vusb *v);
/* Testbed root, the value clients need as UMOCKDEV_DIR.  Owned by v. */
const char *ph_vusb_root(const ph_vusb *v);
/* Serial string the device reports.  Owned by v. */
const char *ph_vusb_serial(const ph_vusb *v);

/* CLOCK_MONOTONIC ns at which the board's clock read 0.  The board's clock
 * runs time_scale ns per real ns from there. */
int64_t ph_vusb_epoch_ns(const ph_vusb *v);
/* Bus number and device number of the current (or last) plug. */
void ph_vusb_address(ph_vusb *v, unsigned *bus, unsigned *devnum);
void ph_vusb_get_stats(ph_vusb *v, ph_vusb_stats *st);

/* Faults of the device itself (its usbfs side, not the link), for testing
 * how the usb transport copes with a misbehaving kernel or board. */
typedef struct ph_vusb_faults {
	/* DISCARDURB on a pending URB succeeds, but the URB is never given
	 * back (until an unplug fails it with -ESHUTDOWN): a cancel that never
	 * completes, as with a wedged host controller. */
	int ignore_discard;
	/* Nonzero: every IN URB completes at once with this status, a negative
	 * errno (-EPROTO: LIBUSB_TRANSFER_ERROR, -EPIPE: STALL); the URBs
	 * pending when it is set complete so too.  0: IN URBs wait for data. */
	int in_status;
} ph_vusb_faults;

/* Set the device's faults (all zero: none); they hold until set again,
 * across plugs.  Does not block beyond the device mutex. */
void ph_vusb_set_faults(ph_vusb *v, const ph_vusb_faults *f);

/* Remove umockdev.* directories under tmpdir that a pumphil process which
 * no longer exists left behind (it was killed before cleaning up).  Only
 * directories with pumphil's pid file and owned by this user qualify.
 * Returns how many were removed.  Blocks for the file operations only. */
int ph_vusb_sweep_stale(const char *tmpdir);
/* Mark root as created by this process (for ph_vusb_sweep_stale).  0 or -1. */
int ph_vusb_write_pid(const char *root);

/* Build the umockdev record for one plug (exposed for unit tests).
 * Returns the length written or -1 when cap is too small. */
int ph_vusb_record(char *out, size_t cap, const char *sysname, unsigned bus, unsigned devnum,
                   uint16_t pid, const char *product, const char *serial);

#endif
