/*
 * usb_preload.h - run this process under umockdev's preload library.
 *
 * The virtual USB board needs libumockdev-preload.so.0 in the process that
 * creates the device (umockdev sends uevents only from a preloaded process)
 * and in every libusb client of it.  A binary built with AddressSanitizer
 * needs libasan first in LD_PRELOAD.
 */
#ifndef PH_USB_PRELOAD_H
#define PH_USB_PRELOAD_H

#ifndef PH_USES_USB
#error "usb/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>

/* 1 when libumockdev-preload.so.0 is loaded in this process. */
int ph_usb_preloaded(void);

/* The LD_PRELOAD value a client of the virtual board needs: libasan's path
 * first when this binary is built with ASan, then libumockdev-preload.so.0.
 * Writes into buf (n bytes) and returns buf. */
const char *ph_usb_preload_value(char *buf, size_t n);

/* Make sure this process runs under the preload: returns 0 at once when it
 * does; otherwise re-executes the program (/proc/self/exe) with LD_PRELOAD
 * set and does not return.  argv is the full command line to re-execute
 * (main's argv, NULL-terminated); NULL means "this process's own command
 * line" from /proc/self/cmdline.  Call it before creating threads.  Returns
 * -1 with a message on stderr when the re-exec failed or did not take. */
int ph_usb_ensure_preload(int argc, char **argv);

#endif
