/*
 * test_usb_virtual.c - `--board virtual-usb`: the real virtual bench
 * (reference firmware + fixture) behind the umockdev USB device, reached
 * through the usb transport in the same process.  Labelled `usb`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "bench.h"
#include "link/transport.h"
#include "usb/transport_usb.h"
#include "usb/usb_preload.h"
#include "usb/virtual_usb.h"
#include "usb_test_io.h"

#define SEC 1000000000LL
#define MS 1000000LL

static int64_t mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

static int setup(void **state)
{
	bench_config cfg;
	char err[256] = "";

	bench_config_default(&cfg);
	cfg.fw.serial = 31337;
	cfg.seed = 7;
	*state = ph_virtual_usb_open(&cfg, 1, err, sizeof err);
	if (!*state)
		fail_msg("%s", err);
	return 0;
}

/* The same board with its clock at 1000 times real time. */
static int setup_scaled(void **state)
{
	bench_config cfg;
	char err[256] = "";

	bench_config_default(&cfg);
	*state = ph_virtual_usb_open(&cfg, 1000, err, sizeof err);
	if (!*state)
		fail_msg("%s", err);
	return 0;
}

static int teardown(void **state)
{
	ph_transport_close(*state);
	return 0;
}

/* interrogate -> status from the reference firmware, over USB. */
static void test_interrogate(void **state)
{
	ph_transport *t = *state;
	char desc[256];
	pp_frame f;
	pp_msg m;

	t->ops->describe(t, desc, sizeof desc);
	assert_non_null(strstr(desc, "virtual-usb: usb 1209:0001 serial=VB031337"));
	for (uint16_t seq = 1; seq <= 20; seq++) {
		assert_int_equal(send_msg(t, PP_CH_PUMP, pp_type_interrogate, seq), PH_T_OK);
		assert_int_equal(recv_type(t, pp_type_status, mono() + 2 * SEC, &f), PH_T_OK);
		assert_int_equal(f.seq, seq);
		assert_int_equal(pp_msg_unpack(&f, &m), PP_OK);
		assert_int_equal(m.u.status.serial, 31337);
		assert_true(f.board_us > 0);
	}
	/* The fixture answers on its own channel. */
	assert_int_equal(send_msg(t, PP_CH_FIXTURE, pp_type_fx_read, 1), PH_T_OK);
	assert_int_equal(recv_type(t, pp_type_fx_state, mono() + 2 * SEC, &f), PH_T_OK);
	assert_int_equal(f.channel, PP_CH_FIXTURE);
}

/* The bench runs in real time: board timestamps advance like the host clock. */
static void test_real_time(void **state)
{
	ph_transport *t = *state;
	pp_frame f;
	uint64_t b0;
	int64_t h0, dh;

	assert_int_equal(send_msg(t, PP_CH_PUMP, pp_type_interrogate, 1), PH_T_OK);
	assert_int_equal(recv_type(t, pp_type_status, mono() + 2 * SEC, &f), PH_T_OK);
	b0 = f.board_us;
	h0 = mono();
	struct timespec ts = { 0, 300 * MS };
	nanosleep(&ts, NULL);
	assert_int_equal(send_msg(t, PP_CH_PUMP, pp_type_interrogate, 2), PH_T_OK);
	assert_int_equal(recv_type(t, pp_type_status, mono() + 2 * SEC, &f), PH_T_OK);
	dh = (mono() - h0) / 1000;
	assert_true(f.board_us - b0 >= 250000);
	assert_true((int64_t)(f.board_us - b0) <= dh + 50000);
}

/* --time-scale: the board's stamps and the transport's clock both run 1000
 * times real time, so bench-time deadlines and board stamps agree. */
static void test_time_scale(void **state)
{
	ph_transport *t = *state;
	char desc[256];
	pp_frame f;
	uint64_t b0;
	int64_t n0, r0, dn, db, dr;

	t->ops->describe(t, desc, sizeof desc);
	assert_non_null(strstr(desc, "board clock x1000"));
	assert_int_equal(send_msg(t, PP_CH_PUMP, pp_type_interrogate, 1), PH_T_OK);
	assert_int_equal(recv_type(t, pp_type_status, ph_now(t) + 2000 * SEC, &f), PH_T_OK);
	b0 = f.board_us;
	n0 = ph_now(t);
	r0 = mono();
	struct timespec ts = { 0, 200 * MS };
	nanosleep(&ts, NULL);
	assert_int_equal(send_msg(t, PP_CH_PUMP, pp_type_interrogate, 2), PH_T_OK);
	assert_int_equal(recv_type(t, pp_type_status, ph_now(t) + 2000 * SEC, &f), PH_T_OK);
	dn = ph_now(t) - n0;
	dr = mono() - r0;
	db = (int64_t)(f.board_us - b0) * 1000;
	/* The host's clock runs 1000 times real time (read back to back: equal
	 * to a few ms of bench time)... */
	assert_true(dr >= 200 * MS);
	assert_true(dn >= 1000 * dr - 10 * SEC && dn <= 1000 * dr + 10 * SEC);
	/* ...and the board's with it: the stamps differ from the host's by the
	 * two replies' transfer times, tens of ms of real time at most. */
	assert_true(db >= dn - 50 * SEC && db <= dn + 50 * SEC);
}

/* Unplug mid-wait, replug, reconnect in place. */
static void test_unplug_replug(void **state)
{
	ph_transport *t = *state;
	ph_rx rx;
	pp_frame f;
	char err[256];
	int r, frames = 0;
	int64_t t0;

	assert_int_equal(ph_virtual_usb_unplug(t), 0);
	/* Frames that arrived before the unplug come first (they are evidence),
	 * then NO_DEVICE, promptly. */
	t0 = mono();
	while ((r = ph_recv(t, mono() + 2 * SEC, &rx)) == PH_T_OK)
		assert_true(++frames < 100);
	assert_int_equal(r, PH_T_NO_DEVICE);
	assert_true(mono() - t0 < SEC);
	assert_int_equal(send_msg(t, PP_CH_PUMP, pp_type_interrogate, 1), PH_T_NO_DEVICE);
	assert_int_equal(ph_virtual_usb_replug(t), 0);
	assert_int_equal(ph_transport_reconnect(t, mono() + 5 * SEC), PH_T_OK);
	assert_int_equal(send_msg(t, PP_CH_PUMP, pp_type_interrogate, 9), PH_T_OK);
	assert_int_equal(recv_type(t, pp_type_status, mono() + 2 * SEC, &f), PH_T_OK);
	assert_int_equal(f.seq, 9);
	/* A second virtual board in the same process is refused, not broken. */
	bench_config cfg;
	bench_config_default(&cfg);
	assert_null(ph_virtual_usb_open(&cfg, 1, err, sizeof err));
	assert_non_null(strstr(err, "one virtual USB board per process"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_interrogate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_scale, setup_scaled, teardown),
		cmocka_unit_test_setup_teardown(test_unplug_replug, setup, teardown),
	};

	if (ph_usb_ensure_preload(argc, argv))
		return 2;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
