/*
 * test_usb_vusb.c - the virtual USB board (umockdev) and the usb transport
 * against each other in one process, with a fake board behind the device
 * (usb_fake_board.h), so what is tested is the USB path itself: descriptors,
 * selection, bulk and interrupt endpoints, idle cost, hot-unplug and
 * re-plug.  Labelled `usb` (tests/integration/usb.cmake); re-executes itself
 * under libumockdev-preload.so.0 when needed.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <cmocka.h>

#include "link/transport.h"
#include "usb/transport_usb.h"
#include "usb/usb_preload.h"
#include "usb/vusb.h"
#include "usb_fake_board.h"
#include "usb_fixture.h"
#include "usb_test_io.h"

static fixture *start(const char *serial, int64_t event_every)
{
	return fixture_start(serial, event_every);
}

static int setup_plain(void **state)
{
	*state = start("VBTEST01", 0);
	return 0;
}

static int setup_events(void **state)
{
	*state = start("VBTEST02", 20 * MS);
	return 0;
}

static int teardown(void **state)
{
	return fixture_teardown(state);
}

static void round_trip(ph_transport *t, uint16_t seq)
{
	pp_frame f;
	pp_msg m;

	fixture_round_trip(t, seq, &f);
	assert_int_equal(pp_msg_unpack(&f, &m), PP_OK);
	assert_int_equal(m.u.status.serial, FAKE_SERIAL);
}

static void test_round_trip(void **state)
{
	fixture *fx = *state;
	char desc[256];
	ph_usb_devinfo info;
	pp_frame f;

	fx->t->ops->describe(fx->t, desc, sizeof desc);
	assert_non_null(strstr(desc, "usb 1209:0001 serial=VBTEST01 at 1-1"));
	assert_non_null(strstr(desc, "pumphil virtual bench"));
	assert_int_equal(ph_usb_info(fx->t, &info), 0);
	assert_string_equal(info.product, PH_USB_PRODUCT_VIRTUAL);
	for (uint16_t seq = 1; seq <= 50; seq++)
		round_trip(fx->t, seq);
	/* The fixture channel has its own endpoints. */
	assert_int_equal(send_msg(fx->t, PP_CH_FIXTURE, pp_type_fx_read, 7), PH_T_OK);
	assert_int_equal(recv_type(fx->t, pp_type_fx_state, mono() + 2 * SEC, &f), PH_T_OK);
	assert_int_equal(f.channel, PP_CH_FIXTURE);
	assert_int_equal(f.seq, 7);
}

/* Requests pipelined faster than the board answers all come back, in order. */
static void test_pipelined(void **state)
{
	fixture *fx = *state;
	pp_frame f;

	for (uint16_t seq = 100; seq < 116; seq++)
		assert_int_equal(send_msg(fx->t, PP_CH_PUMP, pp_type_interrogate, seq), PH_T_OK);
	for (uint16_t seq = 100; seq < 116; seq++) {
		assert_int_equal(recv_type(fx->t, pp_type_status, mono() + 2 * SEC, &f), PH_T_OK);
		assert_int_equal(f.seq, seq);
	}
}

/* The first pumphil board, by VID:PID and by port path, is the same one. */
static void test_selectors(void **state)
{
	const char *sels[] = { "", "1209:0001", "1-1", "serial=VBTEST01" };
	char err[256];
	ph_transport *t2;

	(void)state;
	for (size_t i = 0; i < sizeof sels / sizeof sels[0]; i++) {
		ph_usb_devinfo info;

		t2 = ph_usb_open(sels[i], err, sizeof err);
		if (!t2)
			fail_msg("selector '%s': %s", sels[i], err);
		assert_int_equal(ph_usb_info(t2, &info), 0);
		assert_string_equal(info.serial, "VBTEST01");
		round_trip(t2, (uint16_t)(200 + i));
		ph_transport_close(t2);
	}
	/* A claimed board is busy for a second client, as with a kernel. */
	t2 = ph_usb_open("VBTEST01", err, sizeof err);
	assert_non_null(t2);
	assert_null(ph_usb_open("VBTEST01", err, sizeof err));
	assert_non_null(strstr(err, "claim"));
	ph_transport_close(t2);
	assert_null(ph_usb_open("NOSUCHSERIAL", err, sizeof err));
	assert_non_null(strstr(err, "no matching"));
	assert_null(ph_usb_open("1209:0002", err, sizeof err));
	assert_int_equal(ph_usb_wait_present("NOSUCHSERIAL", 50 * MS), PH_T_TIMEOUT);
	assert_int_equal(ph_usb_wait_present("VBTEST01", 50 * MS), PH_T_OK);
}

static int setup_board_only(void **state)
{
	fixture *fx = start("VBTEST01", 0);

	ph_transport_close(fx->t);
	fx->t = NULL;
	*state = fx;
	return 0;
}

/* Pump `event` frames arrive on the interrupt endpoint, unasked, at the
 * board's real-time rate: over a 400 ms window a 20 ms board emits ~20. */
static void test_events_interrupt(void **state)
{
	fixture *fx = *state;
	pp_frame f;
	pp_msg m;
	uint32_t first = 0, last = 0;
	int64_t end;

	assert_int_equal(recv_type(fx->t, pp_type_event, mono() + SEC, &f), PH_T_OK);
	end = mono() + 400 * MS;
	while (mono() < end) {
		int r = recv_type(fx->t, pp_type_event, end, &f);
		if (r == PH_T_TIMEOUT)
			break;
		assert_int_equal(r, PH_T_OK);
		assert_int_equal(pp_msg_unpack(&f, &m), PP_OK);
		assert_true(m.u.event.evseq > last);
		first = first ? first : m.u.event.evseq;
		last = m.u.event.evseq;
	}
	assert_in_range(last - first, 12, 28);
	round_trip(fx->t, 1); /* and requests still work alongside */
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

/* Pitfall 1 of the notes: an idle device must not make libusb spin. */
static void test_idle_costs_no_cpu(void **state)
{
	fixture *fx = *state;
	ph_rx rx;
	double c0 = cpu_s();
	int64_t t0 = mono();

	assert_int_equal(ph_recv(fx->t, mono() + SEC, &rx), PH_T_TIMEOUT);
	assert_true(mono() - t0 >= SEC);
	assert_true(mono() - t0 < SEC + SEC / 2);
	assert_true(cpu_s() - c0 < 0.2);
}

typedef struct unplugger {
	ph_vusb *v;
	int64_t delay_ns;
	int64_t at;
} unplugger;

static void *unplug_later(void *arg)
{
	unplugger *u = arg;
	struct timespec ts = { 0, (long)u->delay_ns };

	nanosleep(&ts, NULL);
	u->at = mono();
	ph_vusb_unplug(u->v);
	return NULL;
}

/* Unplug while IN transfers wait: recv reports NO_DEVICE promptly and keeps
 * doing so; after a replug the same transport reconnects and works, and so
 * does a fresh open. */
static void test_unplug_replug(void **state)
{
	fixture *fx = *state;
	unplugger up = { fx->v, 200 * MS, 0 };
	pthread_t th;
	ph_rx rx;
	char err[256];
	ph_transport *t2;

	round_trip(fx->t, 1);
	assert_int_equal(pthread_create(&th, NULL, unplug_later, &up), 0);
	assert_int_equal(ph_recv(fx->t, mono() + 5 * SEC, &rx), PH_T_NO_DEVICE);
	assert_true(mono() - up.at < SEC);
	pthread_join(th, NULL);
	assert_int_equal(ph_recv(fx->t, mono() + 10 * MS, &rx), PH_T_NO_DEVICE);
	assert_int_equal(send_msg(fx->t, PP_CH_PUMP, pp_type_interrogate, 2), PH_T_NO_DEVICE);
	assert_int_equal(ph_usb_wait_present("VBTEST01", 100 * MS), PH_T_TIMEOUT);
	assert_int_equal(ph_transport_reconnect(fx->t, mono() + 100 * MS), PH_T_TIMEOUT);

	assert_int_equal(ph_vusb_plug(fx->v, err, sizeof err), 0);
	assert_int_equal(ph_usb_wait_present("VBTEST01", 5 * SEC), PH_T_OK);
	assert_int_equal(ph_transport_reconnect(fx->t, mono() + 5 * SEC), PH_T_OK);
	round_trip(fx->t, 3);
	ph_transport_close(fx->t);
	fx->t = NULL;
	t2 = ph_usb_open("VBTEST01", err, sizeof err);
	if (!t2)
		fail_msg("%s", err);
	round_trip(t2, 4);
	ph_transport_close(t2);
}

/* More plugs than the device remembers /dev nodes: slots are reused. */
static void test_many_replugs(void **state)
{
	fixture *fx = *state;
	char err[256];
	ph_rx rx;

	for (int i = 0; i < 12; i++) {
		ph_vusb_unplug(fx->v);
		while (ph_recv(fx->t, mono() + 2 * SEC, &rx) == PH_T_OK)
			;
		assert_int_equal(ph_recv(fx->t, mono(), &rx), PH_T_NO_DEVICE);
		if (ph_vusb_plug(fx->v, err, sizeof err))
			fail_msg("%s", err);
		assert_int_equal(ph_transport_reconnect(fx->t, mono() + 5 * SEC), PH_T_OK);
		round_trip(fx->t, (uint16_t)(i + 1));
	}
	ph_vusb_stats st;
	ph_vusb_get_stats(fx->v, &st);
	assert_int_equal(st.plugs, 13);
	assert_int_equal(st.unplugs, 12);
}

/* A send racing an unplug never hangs: it returns OK (queued) or NO_DEVICE. */
static void test_unplug_during_sends(void **state)
{
	fixture *fx = *state;
	unplugger up = { fx->v, 50 * MS, 0 };
	pthread_t th;
	ph_rx rx;
	int r = PH_T_OK;
	int64_t end = mono() + 5 * SEC;

	assert_int_equal(pthread_create(&th, NULL, unplug_later, &up), 0);
	for (uint16_t seq = 1; r == PH_T_OK && mono() < end; seq++) {
		r = send_msg(fx->t, PP_CH_PUMP, pp_type_interrogate, seq);
		if (r == PH_T_OK)
			r = ph_recv(fx->t, mono() + SEC, &rx);
	}
	pthread_join(th, NULL);
	assert_int_equal(r, PH_T_NO_DEVICE);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_pipelined, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_selectors, setup_board_only, teardown),
		cmocka_unit_test_setup_teardown(test_events_interrupt, setup_events, teardown),
		cmocka_unit_test_setup_teardown(test_idle_costs_no_cpu, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_unplug_replug, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_unplug_during_sends, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_many_replugs, setup_plain, teardown),
	};

	if (ph_usb_ensure_preload(argc, argv))
		return 2;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
