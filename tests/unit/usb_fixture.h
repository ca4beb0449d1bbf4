/*
 * usb_fixture.h - the fake board behind a virtual USB device, and the
 * transport open on it, for the USB unit tests (header-only, cmocka
 * assertions; include after cmocka.h).
 */
#ifndef USB_FIXTURE_H
#define USB_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "usb/transport_usb.h"
#include "usb/vusb.h"
#include "usb_fake_board.h"
#include "usb_test_io.h"

#define SEC 1000000000LL
#define MS 1000000LL

typedef struct fixture {
	fake_board_arg arg;
	ph_vusb *v;
	ph_transport *t;
} fixture;

static inline int64_t mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

/* A fake board with this serial (an `event` every event_every_ns when not
 * 0), plugged, and the USB transport open on it.  Fails the test when any
 * step does. */
static inline fixture *fixture_start(const char *serial, int64_t event_every_ns)
{
	fixture *fx = calloc(1, sizeof *fx);
	ph_vusb_config cfg = { .board = &fake_board_ops };
	char err[256] = "";

	assert_non_null(fx);
	fx->arg.event_every_ns = event_every_ns;
	cfg.board_arg = &fx->arg;
	snprintf(cfg.serial, sizeof cfg.serial, "%s", serial);
	fx->v = ph_vusb_new(&cfg, err, sizeof err);
	if (!fx->v)
		fail_msg("%s", err);
	if (ph_vusb_plug(fx->v, err, sizeof err))
		fail_msg("%s", err);
	fx->t = ph_usb_open(serial, err, sizeof err);
	if (!fx->t)
		fail_msg("%s", err);
	return fx;
}

/* cmocka teardown: the transport, then the device. */
static inline int fixture_teardown(void **state)
{
	fixture *fx = *state;

	if (!fx)
		return 0;
	ph_transport_close(fx->t);
	ph_vusb_free(fx->v);
	free(fx);
	return 0;
}

/* interrogate -> the status with the same seq, within 2 s. */
static inline void fixture_round_trip(ph_transport *t, uint16_t seq, pp_frame *f)
{
	assert_int_equal(send_msg(t, PP_CH_PUMP, pp_type_interrogate, seq), PH_T_OK);
	assert_int_equal(recv_type(t, pp_type_status, mono() + 2 * SEC, f), PH_T_OK);
	assert_int_equal(f->seq, seq);
}

#endif
