/*
 * virtual_usb.h - `--board virtual-usb`: the virtual bench behind a umockdev
 * USB device, in this process, driven through the unchanged usb transport.
 *
 * Needs this process to run under libumockdev-preload.so.0: call
 * ph_usb_ensure_preload() (usb_preload.h) early in main, before threads.
 * One virtual USB board per process (umockdev's UMOCKDEV_DIR is
 * process-wide), so runs with it use one job.
 */
#ifndef PH_VIRTUAL_USB_H
#define PH_VIRTUAL_USB_H

#ifndef PH_USES_USB
#error "usb/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>

#include "bench.h"
#include "link/transport.h"
#include "usb/vusb.h"

/* The board-side vtable that runs a bench (bench.h) behind a ph_vusb;
 * board_arg is a const bench_config * that must outlive the device. */
extern const ph_vusb_board_ops ph_vusb_bench_ops;

/* USB serial string of a bench: "VB" and the firmware serial, 6 digits. */
void ph_virtual_usb_serial(const bench_config *cfg, char *buf, size_t n);

/* Start a bench built from cfg (copied) behind a new virtual USB device,
 * plug it and open a usb transport to it.  The bench runs on its own thread
 * in real time, or time_scale times faster (0 and 1: real time); the
 * transport's clock then runs at the same rate, so bench-time deadlines,
 * arrival stamps and board stamps agree while frames still cross USB in
 * real time.  Closing the transport closes the usb side, then the
 * device and the bench.  Returns NULL with a message in err (not preloaded,
 * a virtual USB board already open in this process, umockdev or libusb
 * failure).  Blocks for setup only (well under a second). */
ph_transport *ph_virtual_usb_open(const bench_config *cfg, unsigned time_scale, char *err,
                                  size_t errlen);

/* Pull the device's plug (the bench keeps running, as a self-powered board
 * does).  The transport then reports PH_T_NO_DEVICE.  Safe from another
 * thread than the one using the transport.  Returns 0, or -1 when t is not
 * a virtual-usb transport. */
int ph_virtual_usb_unplug(ph_transport *t);

/* Plug the device back in (new device number).  The transport stays in
 * PH_T_NO_DEVICE until ph_transport_reconnect(t, ...).  Safe from another
 * thread.  Returns 0, or -1 (not virtual-usb, or umockdev failed). */
int ph_virtual_usb_replug(ph_transport *t);

/* The device behind a virtual-usb transport, NULL for any other. */
ph_vusb *ph_virtual_usb_device(ph_transport *t);

/* The `pumphil board` command: returns the exit status (0 success, 1 a test or
 * check failed, 2 bad usage or bad input). */
int ph_cmd_board(int argc, char **argv);

#endif
