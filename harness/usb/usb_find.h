/*
 * usb_find.h - find and open the board a selector names (libusb side of
 * usb_select.h).  Private to harness/usb.
 */
#ifndef PH_USB_FIND_H
#define PH_USB_FIND_H

#ifndef PH_USES_USB
#error "usb/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <libusb.h>
#include <stddef.h>

#include "usb/usb_select.h"

/* Enumerate ctx's devices and open the first one sel matches; fills info
 * (strings included).  Returns PH_T_OK with *out set (caller closes it),
 * PH_T_NOT_FOUND with a message in err, or PH_T_IO when enumeration
 * failed.  Blocks for enumeration and string reads (<= 1 s each). */
int ph_usb_find_open(libusb_context *ctx, const ph_usb_selector *sel, libusb_device_handle **out,
                     ph_usb_devinfo *info, char *err, size_t errlen);

#endif
