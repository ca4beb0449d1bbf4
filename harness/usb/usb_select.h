/*
 * usb_select.h - which USB device is "the board": selector strings and
 * matching.  Pure code, no libusb, so it is unit-tested without a device.
 *
 * Selector forms (pumphil run --board usb[:SELECTOR]):
 *   ""                 the first pumphil board: VID 0x1209 and a product
 *                      string starting with "pumphil"
 *   "1209:0001"        VID:PID in hex (1-4 digits each)
 *   "1-1" "3-2.4.1"    BUS-PORT[.PORT...]: the physical port path
 *   "serial=S" or "S"  the serial number string (anything not of the forms
 *                      above; "serial=" forces it, e.g. for a serial "1-2")
 */
#ifndef PH_USB_SELECT_H
#define PH_USB_SELECT_H

#ifndef PH_USES_USB
#error "usb/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#define PH_USB_MAX_PORTS 7 /* USB 3 allows a depth of 7 */
#define PH_USB_STR_MAX 127 /* a USB string descriptor holds <= 126 UTF-16 units */

typedef enum ph_usb_sel_kind {
	PH_USB_SEL_ANY,
	PH_USB_SEL_SERIAL,
	PH_USB_SEL_VIDPID,
	PH_USB_SEL_PATH,
} ph_usb_sel_kind;

typedef struct ph_usb_selector {
	ph_usb_sel_kind kind;
	uint16_t vid, pid;
	char serial[PH_USB_STR_MAX + 1];
	uint8_t bus;
	uint8_t ports[PH_USB_MAX_PORTS];
	int nports;
} ph_usb_selector;

/* What is known about one attached device. */
typedef struct ph_usb_devinfo {
	uint16_t vid, pid;
	char serial[PH_USB_STR_MAX + 1]; /* "" when unreadable or absent */
	char product[PH_USB_STR_MAX + 1];
	uint8_t bus;
	uint8_t ports[PH_USB_MAX_PORTS];
	int nports;
} ph_usb_devinfo;

/* Parse s (NULL means "").  Returns 0, or -1 with a one-line message in err
 * for a malformed VID:PID or port path.  Never allocates. */
int ph_usb_selector_parse(const char *s, ph_usb_selector *sel, char *err, size_t errlen);

/* 1 when the selector needs the device's strings (serial, product) to
 * decide, i.e. the device must be opened to match. */
int ph_usb_selector_needs_strings(const ph_usb_selector *sel);

/* 1 when d is the board sel asks for.  With strings_known 0 only the
 * descriptor-level fields (VID, PID, path) are compared and a selector that
 * needs strings says 1 for every VID it might accept. */
int ph_usb_selector_match(const ph_usb_selector *sel, const ph_usb_devinfo *d, int strings_known);

/* "1-2.3" into buf; returns buf. */
const char *ph_usb_path_str(uint8_t bus, const uint8_t *ports, int nports, char *buf, size_t n);

#endif
