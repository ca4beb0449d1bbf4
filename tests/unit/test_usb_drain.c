/*
 * test_usb_drain.c - the usb transport against a misbehaving device: IN
 * transfers that fail over and over (the error budget), and cancels that
 * never complete (a drain that times out at close).  The virtual USB board
 * (umockdev) with a fake board behind it, device faults set through
 * ph_vusb_set_faults().  Labelled `usb` (tests/integration/usb.cmake);
 * re-executes itself under libumockdev-preload.so.0 when needed.
 *
 * libusb's own log (warnings and errors) is captured with a global log
 * callback: libusb_close with transfers in flight logs "Device handle closed
 * while transfer was still being processed".
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libusb.h>

#include "usb_test_io.h"
#include "link/transport.h"
#include "usb/transport_usb.h"
#include "usb/usb_preload.h"
#include "usb/vusb.h"
#include "usb_fake_board.h"
#include "usb_fixture.h"

/* ---- libusb's log ---- */

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static char log_text[16384];

static void LIBUSB_CALL log_cb(libusb_context *ctx, enum libusb_log_level level, const char *str)
{
	size_t n;

	(void)ctx;
	(void)level;
	pthread_mutex_lock(&log_mu);
	n = strlen(log_text);
	snprintf(log_text + n, sizeof log_text - n, "%s", str);
	pthread_mutex_unlock(&log_mu);
	fputs(str, stderr); /* still shown */
}

static void log_reset(void)
{
	pthread_mutex_lock(&log_mu);
	log_text[0] = 0;
	pthread_mutex_unlock(&log_mu);
}

static int log_has(const char *s)
{
	int r;

	pthread_mutex_lock(&log_mu);
	r = strstr(log_text, s) != NULL;
	pthread_mutex_unlock(&log_mu);
	return r;
}

/* ---- stderr of a stretch of code ---- */

typedef struct capture {
	FILE *f;
	int saved;
} capture;

static void capture_begin(capture *c)
{
	fflush(stderr);
	c->f = tmpfile();
	assert_non_null(c->f);
	c->saved = dup(2);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->f), 2) >= 0);
}

/* Restores stderr and echoes what was written to it. */
static void capture_end(capture *c, char *out, size_t cap)
{
	size_t n;

	fflush(stderr);
	dup2(c->saved, 2);
	close(c->saved);
	rewind(c->f);
	n = fread(out, 1, cap - 1, c->f);
	out[n] = 0;
	fclose(c->f);
	fputs(out, stderr);
}

static int count_of(const char *hay, const char *needle)
{
	int k = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		k++;
	return k;
}

/* ---- the device and the transport ---- */

static fixture *start(int64_t event_every_ns)
{
	fixture *fx = fixture_start("VBDRAIN1", event_every_ns);
	log_reset();
	return fx;
}

static int setup(void **state)
{
	*state = start(0);
	return 0;
}

/* The board also sends an `event` (interrupt endpoint) every 20 ms. */
static int setup_events(void **state)
{
	*state = start(20 * MS);
	return 0;
}

static int teardown(void **state)
{
	return fixture_teardown(state);
}

static void round_trip(ph_transport *t, uint16_t seq)
{
	pp_frame f;
	fixture_round_trip(t, seq, &f);
}

/* Every IN URB fails with -EPROTO (LIBUSB_TRANSFER_ERROR): recv reports
 * PH_T_IO at once instead of waiting for its deadline, the callback stops
 * resubmitting within the budget, and the link stays failed until a
 * reconnect, which works again once the device does. */
static void test_in_error_budget(void **state)
{
	fixture *fx = *state;
	ph_vusb_faults faults = { .in_status = -EPROTO };
	ph_vusb_stats v0, v1, v2;
	ph_usb_stats st;
	char desc[256];
	ph_rx rx;
	int64_t t0, dt;
	int r;

	round_trip(fx->t, 1);
	ph_vusb_get_stats(fx->v, &v0);
	ph_vusb_set_faults(fx->v, &faults);
	t0 = mono();
	r = ph_recv(fx->t, t0 + 2 * SEC, &rx);
	dt = mono() - t0;
	ph_vusb_get_stats(fx->v, &v1);
	print_message("recv: %d after %lld ms, %llu URBs submitted since the fault\n", r,
	              (long long)(dt / MS),
	              (unsigned long long)(v1.urbs_submitted - v0.urbs_submitted));
	assert_int_equal(r, PH_T_IO);
	assert_true(dt < 500 * MS); /* well before the 2 s deadline */
	/* The transfers pending at the fault each failed, and were resubmitted
	 * only until one endpoint's budget ran out. */
	assert_true(v1.urbs_submitted - v0.urbs_submitted < PH_USB_N_IN * PH_USB_IN_ERROR_BUDGET);
	assert_int_equal(ph_usb_get_stats(fx->t, &st), 0);
	assert_true(st.transfer_errors >= PH_USB_IN_ERROR_BUDGET);
	/* It stays failed, at once, and nothing more is submitted. */
	t0 = mono();
	assert_int_equal(ph_recv(fx->t, mono() + SEC, &rx), PH_T_IO);
	assert_true(mono() - t0 < 100 * MS);
	assert_int_equal(send_msg(fx->t, PP_CH_PUMP, pp_type_interrogate, 2), PH_T_IO);
	ph_vusb_get_stats(fx->v, &v2);
	assert_true(v2.urbs_submitted == v1.urbs_submitted);
	fx->t->ops->describe(fx->t, desc, sizeof desc);
	assert_non_null(strstr(desc, "[failed]"));
	/* A healthy device again: reconnect restores the link. */
	faults.in_status = 0;
	ph_vusb_set_faults(fx->v, &faults);
	assert_int_equal(ph_transport_reconnect(fx->t, mono() + 5 * SEC), PH_T_OK);
	round_trip(fx->t, 3);
	assert_false(log_has("still being processed"));
}

/* Errors that a success interrupts do not fail the link: the budget counts
 * an endpoint's errors in a row.  A fault switched on and straight off
 * again fails the transfers waiting on each IN endpoint once (at most 4 of
 * them, half the budget); their resubmits wait for data.  Then each
 * endpoint completes a transfer (pump and fixture replies, an event).
 * Without the reset, the second round would exhaust the budget. */
static void test_errors_not_in_a_row(void **state)
{
	fixture *fx = *state;
	ph_vusb_faults on = { .in_status = -EPIPE }, off = { 0 };
	ph_usb_stats st;
	pp_frame f;

	for (uint16_t i = 0; i < 4; i++) {
		ph_vusb_set_faults(fx->v, &on);
		ph_vusb_set_faults(fx->v, &off);
		round_trip(fx->t, (uint16_t)(10 + i));
		assert_int_equal(send_msg(fx->t, PP_CH_FIXTURE, pp_type_fx_read, i), PH_T_OK);
		assert_int_equal(recv_type(fx->t, pp_type_fx_state, mono() + 2 * SEC, &f), PH_T_OK);
		assert_int_equal(recv_type(fx->t, pp_type_event, mono() + SEC, &f), PH_T_OK);
	}
	assert_int_equal(ph_usb_get_stats(fx->t, &st), 0);
	assert_true(st.transfer_errors >= 4 * PH_USB_IN_ERROR_BUDGET / 2);
}

/* A cancel the device never completes: close gives up at its deadline and
 * keeps the handle (libusb_close is not called with transfers in flight, so
 * libusb has nothing to complain about), says so once on stderr, and
 * nothing is freed under libusb (ASan).  Last test of the program: the
 * kept libusb context stays for good. */
static void test_drain_timeout(void **state)
{
	fixture *fx = *state;
	ph_vusb_faults faults = { .ignore_discard = 1 };
	ph_vusb_stats vs;
	char out[4096], want[96];
	capture c;
	int64_t t0, dt;

	round_trip(fx->t, 1);
	ph_vusb_set_faults(fx->v, &faults);
	log_reset();
	capture_begin(&c);
	t0 = mono();
	ph_transport_close(fx->t);
	dt = mono() - t0;
	capture_end(&c, out, sizeof out);
	fx->t = NULL;
	ph_vusb_get_stats(fx->v, &vs);
	print_message("close took %lld ms; %llu cancels swallowed\n", (long long)(dt / MS),
	              (unsigned long long)vs.discards_ignored);
	assert_true(vs.discards_ignored > 0); /* the drain did time out */
	assert_true(dt >= PH_USB_DRAIN_NS);
	assert_true(dt < PH_USB_DRAIN_NS + SEC);
	assert_false(log_has("still being processed"));
	assert_false(log_has("hasn't completed but closing the device handle"));
	snprintf(want, sizeof want, "usb: %llu transfers stuck after cancel; handle kept\n",
	         (unsigned long long)vs.discards_ignored);
	assert_int_equal(count_of(out, want), 1);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_error_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_not_in_a_row, setup_events, teardown),
		cmocka_unit_test_setup_teardown(test_drain_timeout, setup, teardown),
	};

	if (ph_usb_ensure_preload(argc, argv))
		return 2;
	/* Contexts other than the default one take their log level from
	 * LIBUSB_DEBUG only (libusb 1.0.26): 2 logs errors and warnings. */
	setenv("LIBUSB_DEBUG", "2", 1);
	libusb_set_log_cb(NULL, log_cb, LIBUSB_LOG_CB_GLOBAL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
