/*
 * vusb_record.c - the umockdev record (sysfs attributes, udev properties,
 * descriptors) of one plug of the virtual board.  Pure string building.
 */
#include <stdio.h>

#include "usb/vusb.h"

/* Attribute values end in "\n" (an escaped newline in the record), as in
 * real sysfs files. */
int ph_vusb_record(char *out, size_t cap, const char *sysname, unsigned bus, unsigned devnum,
                   uint16_t pid, const char *product, const char *serial)
{
	uint8_t desc[PH_USB_DESC_SIZE];
	char hex[2 * PH_USB_DESC_SIZE + 1];
	int n = ph_usb_build_descriptors(pid, desc, sizeof desc);
	int len;

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", desc[i]);
	len = snprintf(out, cap,
	               "P: /devices/%s\n"
	               "E: SUBSYSTEM=usb\n"
	               "E: DEVTYPE=usb_device\n"
	               "E: DEVNAME=/dev/bus/usb/%03u/%03u\n"
	               "E: BUSNUM=%03u\n"
	               "E: DEVNUM=%03u\n"
	               "E: PRODUCT=%x/%x/%x\n"
	               "A: busnum=%u\\n\n"
	               "A: devnum=%u\\n\n"
	               "A: dev=189:%u\\n\n"
	               "A: speed=12\\n\n"
	               "A: bConfigurationValue=1\\n\n"
	               "A: bNumInterfaces= 2\\n\n"
	               "A: idVendor=%04x\\n\n"
	               "A: idProduct=%04x\\n\n"
	               "A: bcdDevice=%04x\\n\n"
	               "A: manufacturer=%s\\n\n"
	               "A: product=%s\\n\n"
	               "A: serial=%s\\n\n"
	               "H: descriptors=%s\n",
	               sysname, bus, devnum, bus, devnum, PH_USB_VID, pid, PH_USB_BCD_DEVICE, bus,
	               devnum, (bus - 1) * 128 + devnum - 1, PH_USB_VID, pid, PH_USB_BCD_DEVICE,
	               PH_USB_MANUFACTURER, product, serial, hex);
	if (len < 0 || (size_t)len >= cap)
		return -1;
	return len;
}
