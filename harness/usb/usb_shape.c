/*
 * usb_shape.c - descriptors and endpoint map of the pumphil board (see
 * usb_shape.h).  Pure functions, used by both ends of the virtual link.
 */
#include "usb/usb_shape.h"

#include <string.h>

#include "pp.h"

int ph_usb_is_test_pid(uint16_t vid, uint16_t pid)
{
	return vid == PH_USB_VID && pid >= PH_USB_TEST_PID_FIRST && pid <= PH_USB_TEST_PID_LAST;
}

int ph_usb_in_index(uint8_t ep)
{
	switch (ep) {
	case PH_USB_EP_PUMP_IN: return 0;
	case PH_USB_EP_EVENT_IN: return 1;
	case PH_USB_EP_FIXTURE_IN: return 2;
	default: return -1;
	}
}

int ph_usb_ep_channel(uint8_t ep)
{
	switch (ep) {
	case PH_USB_EP_PUMP_OUT:
	case PH_USB_EP_PUMP_IN:
	case PH_USB_EP_EVENT_IN: return PP_CH_PUMP;
	case PH_USB_EP_FIXTURE_OUT:
	case PH_USB_EP_FIXTURE_IN: return PP_CH_FIXTURE;
	default: return -1;
	}
}

uint8_t ph_usb_out_ep(uint8_t channel)
{
	if (channel == PP_CH_PUMP)
		return PH_USB_EP_PUMP_OUT;
	if (channel == PP_CH_FIXTURE)
		return PH_USB_EP_FIXTURE_OUT;
	return 0;
}

static uint8_t *put_endpoint(uint8_t *p, uint8_t addr, uint8_t attr, uint8_t interval)
{
	const uint8_t ep[7] = {
		7, 0x05, addr, attr, PH_USB_MAX_PACKET & 0xff, PH_USB_MAX_PACKET >> 8, interval
	};
	memcpy(p, ep, sizeof ep);
	return p + sizeof ep;
}

static uint8_t *put_interface(uint8_t *p, uint8_t number, uint8_t neps, uint8_t istr)
{
	/* bInterfaceClass 0xff: vendor specific, no kernel driver binds. */
	const uint8_t ifd[9] = { 9, 0x04, number, 0, neps, 0xff, 0x00, 0x00, istr };
	memcpy(p, ifd, sizeof ifd);
	return p + sizeof ifd;
}

int ph_usb_build_descriptors(uint16_t pid, uint8_t *out, size_t cap)
{
	const uint16_t total = PH_USB_DESC_SIZE - 18;
	const uint8_t dev[18] = {
		18,
		0x01,
		0x00,
		0x02, /* bcdUSB 2.00 */
		0x00,
		0x00,
		0x00,              /* class per interface */
		PH_USB_MAX_PACKET, /* ep0 */
		PH_USB_VID & 0xff,
		PH_USB_VID >> 8,
		pid & 0xff,
		pid >> 8,
		PH_USB_BCD_DEVICE & 0xff,
		PH_USB_BCD_DEVICE >> 8,
		PH_USB_STR_MANUFACTURER,
		PH_USB_STR_PRODUCT,
		PH_USB_STR_SERIAL,
		1, /* one configuration */
	};
	const uint8_t cfg[9] = { 9,
		                 0x02,
		                 total & 0xff,
		                 total >> 8,
		                 2,
		                 1,
		                 0,
		                 0xc0 /* self powered: the pump keeps running unplugged */,
		                 50 /* 100 mA */ };
	uint8_t *p = out;

	if (!out || cap < PH_USB_DESC_SIZE)
		return -1;
	memcpy(p, dev, sizeof dev);
	p += sizeof dev;
	memcpy(p, cfg, sizeof cfg);
	p += sizeof cfg;
	p = put_interface(p, PH_USB_IF_PUMP, 3, PH_USB_STR_IF_PUMP);
	p = put_endpoint(p, PH_USB_EP_PUMP_OUT, 0x02, 0);
	p = put_endpoint(p, PH_USB_EP_PUMP_IN, 0x02, 0);
	p = put_endpoint(p, PH_USB_EP_EVENT_IN, 0x03, 1);
	p = put_interface(p, PH_USB_IF_FIXTURE, 2, PH_USB_STR_IF_FIXTURE);
	p = put_endpoint(p, PH_USB_EP_FIXTURE_OUT, 0x02, 0);
	p = put_endpoint(p, PH_USB_EP_FIXTURE_IN, 0x02, 0);
	return (int)(p - out);
}

static const char *string_for(uint8_t index, const char *product, const char *serial)
{
	switch (index) {
	case PH_USB_STR_MANUFACTURER: return PH_USB_MANUFACTURER;
	case PH_USB_STR_PRODUCT: return product;
	case PH_USB_STR_SERIAL: return serial;
	case PH_USB_STR_IF_PUMP: return "pump channel";
	case PH_USB_STR_IF_FIXTURE: return "fixture channel";
	default: return NULL;
	}
}

int ph_usb_build_string(uint8_t index, const char *product, const char *serial, uint8_t *out,
                        size_t cap)
{
	const char *s;
	size_t n;

	if (index == 0) {
		if (cap < 4)
			return -1;
		out[0] = 4, out[1] = 0x03, out[2] = 0x09, out[3] = 0x04; /* en-US */
		return 4;
	}
	s = string_for(index, product, serial);
	if (!s)
		return -1;
	n = strlen(s);
	if (2 + 2 * n > 255 || 2 + 2 * n > cap)
		return -1;
	out[0] = (uint8_t)(2 + 2 * n);
	out[1] = 0x03;
	for (size_t i = 0; i < n; i++) {
		out[2 + 2 * i] = (uint8_t)s[i];
		out[3 + 2 * i] = 0;
	}
	return (int)(2 + 2 * n);
}
