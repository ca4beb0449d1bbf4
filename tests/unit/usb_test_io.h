/* usb_test_io.h - sending a message and waiting for a reply type over any
 * transport, for the USB tests (header-only, cmocka assertions). */
#ifndef USB_TEST_IO_H
#define USB_TEST_IO_H

#include <string.h>

#include "link/transport.h"

/* Encode an all-zero message of `type` and send it on `ch`. */
static inline int send_msg(ph_transport *t, uint8_t ch, uint8_t type, uint16_t seq)
{
	pp_msg m;
	uint8_t wire[PP_MAX_WIRE];
	int n;

	memset(&m, 0, sizeof m);
	m.type = type;
	n = pp_msg_encode(&m, ch, seq, 0, wire, sizeof wire);
	assert_true(n > 0);
	return ph_send(t, ch, wire, (size_t)n);
}

/* Receive frames until one of `type` arrives; returns its decoded frame.
 * Every frame must be delimited, decode, and match its channel. */
static inline int recv_type(ph_transport *t, uint8_t type, int64_t deadline, pp_frame *f)
{
	ph_rx rx;
	int r;

	while ((r = ph_recv(t, deadline, &rx)) == PH_T_OK) {
		assert_int_equal(rx.wire[rx.n - 1], 0);
		assert_int_equal(pp_frame_decode(rx.wire, rx.n - 1u, f), PP_OK);
		assert_int_equal(f->channel, rx.channel);
		if (f->type == type)
			return PH_T_OK;
	}
	return r;
}

#endif
