/*
 * usb_shape.h - the pumphil board's USB shape, shared by the virtual device
 * (vusb) and the libusb transport so both sides agree on one definition.
 *
 *   VID 0x1209 (pid.codes); PID 0x0001 is a pid.codes *test* PID
 *   (0x0001-0x0010 are reserved for private testing and must not ship).
 *   One configuration, full speed, two vendor-class interfaces:
 *     0 pump channel:    bulk OUT 0x01, bulk IN 0x81, interrupt IN 0x82
 *                        (pump `event` frames, bInterval 1 ms)
 *     1 fixture channel: bulk OUT 0x02, bulk IN 0x83
 *   Strings: 1 manufacturer, 2 product, 3 serial, 4/5 interface names.
 *
 * Everything here is pure: no I/O, no allocation.
 */
#ifndef PH_USB_SHAPE_H
#define PH_USB_SHAPE_H

#ifndef PH_USES_USB
#error "usb/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#define PH_USB_VID 0x1209
#define PH_USB_PID_VIRTUAL 0x0001
#define PH_USB_TEST_PID_FIRST 0x0001
#define PH_USB_TEST_PID_LAST 0x0010
#define PH_USB_BCD_DEVICE 0x0100
#define PH_USB_MANUFACTURER "pumphil"
#define PH_USB_PRODUCT_PREFIX "pumphil"
#define PH_USB_PRODUCT_VIRTUAL "pumphil virtual bench"
#define PH_USB_MAX_PACKET 64

#define PH_USB_EP_PUMP_OUT 0x01
#define PH_USB_EP_PUMP_IN 0x81
#define PH_USB_EP_EVENT_IN 0x82
#define PH_USB_EP_FIXTURE_OUT 0x02
#define PH_USB_EP_FIXTURE_IN 0x83
#define PH_USB_IF_PUMP 0
#define PH_USB_IF_FIXTURE 1
#define PH_USB_N_IN 3 /* IN endpoints: 0x81, 0x82, 0x83 */

#define PH_USB_STR_MANUFACTURER 1
#define PH_USB_STR_PRODUCT 2
#define PH_USB_STR_SERIAL 3
#define PH_USB_STR_IF_PUMP 4
#define PH_USB_STR_IF_FIXTURE 5
#define PH_USB_SERIAL_MAX 32 /* characters, without the terminator */

/* Total size of device + configuration descriptors. */
#define PH_USB_DESC_SIZE (18 + 9 + 9 + 3 * 7 + 9 + 2 * 7)

/* 1 when pid is in the pid.codes private test range (must not ship). */
int ph_usb_is_test_pid(uint16_t vid, uint16_t pid);

/* Index 0-2 of an IN endpoint address, or -1. */
int ph_usb_in_index(uint8_t ep);
/* Channel (PP_CH_*) an endpoint address carries, or -1. */
int ph_usb_ep_channel(uint8_t ep);
/* Bulk OUT endpoint address of a channel, 0 for an unknown channel. */
uint8_t ph_usb_out_ep(uint8_t channel);

/* Write the device descriptor followed by the configuration descriptor
 * (with its interfaces and endpoints) for pid into out.  Returns the number
 * of bytes (PH_USB_DESC_SIZE) or -1 when cap is too small. */
int ph_usb_build_descriptors(uint16_t pid, uint8_t *out, size_t cap);

/* Build string descriptor `index` (0 = language list) as USB UTF-16LE from
 * the ASCII strings given.  Returns its length or -1 for an unknown index or
 * a too small buffer.  Never allocates. */
int ph_usb_build_string(uint8_t index, const char *product, const char *serial, uint8_t *out,
                        size_t cap);

#endif
