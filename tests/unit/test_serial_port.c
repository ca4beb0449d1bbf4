/*
 * test_serial_port.c - the serial transport on pseudo-terminals: the
 * PORT[@BAUD] syntax, the tag + COBS line framing (resynchronisation,
 * drops), reads that keep their deadline, a port whose other end closes
 * (PH_T_NO_DEVICE, not a hang), reopen, and pumphil's protocol end to end
 * through the virtual serial board.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/clock.h"
#include "serial/serial_port.h"
#include "serial/transport_serial.h"
#include "serial/virtual_serial.h"

#define MS 1000000LL

static void parse_forms_and_errors(void **state)
{
	char path[64], err[200];
	unsigned baud = 0;

	(void)state;
	assert_int_equal(ph_serial_parse("/dev/ttyACM0", path, sizeof path, &baud, err, sizeof err),
	                 0);
	assert_string_equal(path, "/dev/ttyACM0");
	assert_int_equal(baud, 115200);
	assert_int_equal(
	        ph_serial_parse("/dev/ttyUSB1@9600", path, sizeof path, &baud, err, sizeof err), 0);
	assert_string_equal(path, "/dev/ttyUSB1");
	assert_int_equal(baud, 9600);
	assert_int_equal(ph_serial_parse("", path, sizeof path, &baud, err, sizeof err), -1);
	assert_int_equal(ph_serial_parse("@9600", path, sizeof path, &baud, err, sizeof err), -1);
	assert_int_equal(ph_serial_parse("/dev/x@9601", path, sizeof path, &baud, err, sizeof err),
	                 -1);
	assert_non_null(strstr(err, "9601"));
	assert_int_equal(ph_serial_parse("/dev/x@", path, sizeof path, &baud, err, sizeof err), -1);
	assert_int_equal(ph_serial_parse("/dev/x@96k", path, sizeof path, &baud, err, sizeof err),
	                 -1);
}

static void deframer_resyncs_and_drops(void **state)
{
	ph_serial_deframer d = { 0 };
	ph_rx rx;
	uint8_t line[] = { 0x55, 0x66, 0x00,             /* untagged junk: dropped */
		           0x02, 0x03, 0x11, 0x22, 0x00, /* fixture frame */
		           0x00,                         /* empty: ignored */
		           0x01, 0x02, 0x33, 0x00 };     /* pump frame */
	int got = 0;

	(void)state;
	for (size_t i = 0; i < sizeof line; i++) {
		if (!ph_serial_deframe(&d, line[i], &rx))
			continue;
		got++;
		if (got == 1) {
			assert_int_equal(rx.channel, 1);
			assert_int_equal(rx.n, 4);
			assert_memory_equal(rx.wire, ((uint8_t[]){ 0x03, 0x11, 0x22, 0x00 }), 4);
		} else {
			assert_int_equal(rx.channel, 0);
			assert_int_equal(rx.n, 3);
		}
	}
	assert_int_equal(got, 2);
	assert_int_equal(d.dropped, 1);
	/* an overlong frame is dropped whole, and the next one still decodes */
	for (int i = 0; i < PP_MAX_WIRE + 10; i++)
		assert_int_equal(ph_serial_deframe(&d, 0x01, &rx), 0);
	assert_int_equal(ph_serial_deframe(&d, 0, &rx), 0);
	assert_int_equal(d.dropped, 2);
	assert_int_equal(ph_serial_deframe(&d, 0x01, &rx), 0);
	assert_int_equal(ph_serial_deframe(&d, 0x01, &rx), 0);
	assert_int_equal(ph_serial_deframe(&d, 0x00, &rx), 1);
	uint8_t out[8];
	assert_int_equal(ph_serial_frame_put(2, out, 1, out, sizeof out), -1); /* no channel 2 */
	assert_int_equal(ph_serial_frame_put(1, (const uint8_t[]){ 5, 0 }, 2, out, sizeof out), 3);
	assert_int_equal(out[0], 2);
}

/* A pty pair: the master plays the board. */
static int pty_pair(char *path, size_t n)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	assert_int_equal(ptsname_r(m, path, n), 0);
	return m;
}

static void read_keeps_deadline_and_sees_hangup(void **state)
{
	char path[64], err[200];
	uint8_t buf[16];
	int m = pty_pair(path, sizeof path);
	ph_serial_port *p = ph_serial_open(path, 115200, err, sizeof err);

	(void)state;
	assert_non_null(p);
	int64_t t0 = ph_monotonic_ns();
	assert_int_equal(ph_serial_read(p, buf, sizeof buf, t0 + 150 * MS), PH_T_TIMEOUT);
	int64_t took = ph_monotonic_ns() - t0;
	assert_true(took >= 150 * MS && took < 1000 * MS);

	assert_int_equal(write(m, "ab", 2), 2);
	assert_int_equal(ph_serial_read(p, buf, sizeof buf, ph_monotonic_ns() + 1000 * MS), 2);
	assert_memory_equal(buf, "ab", 2);
	assert_int_equal(
	        ph_serial_write(p, (const uint8_t *)"xyz", 3, ph_monotonic_ns() + 1000 * MS),
	        PH_T_OK);
	assert_int_equal(read(m, buf, sizeof buf), 3);

	/* the other end vanishes: no device, at once, and it stays so */
	close(m);
	t0 = ph_monotonic_ns();
	assert_int_equal(ph_serial_read(p, buf, sizeof buf, t0 + 5000 * MS), PH_T_NO_DEVICE);
	assert_true(ph_monotonic_ns() - t0 < 1000 * MS);
	assert_int_equal(ph_serial_write(p, buf, 1, ph_monotonic_ns() + 1000 * MS), PH_T_NO_DEVICE);
	/* the path is gone: reopen gives up at its deadline */
	t0 = ph_monotonic_ns();
	assert_int_equal(ph_serial_reopen(p, t0 + 200 * MS), PH_T_TIMEOUT);
	assert_true(ph_monotonic_ns() - t0 < 1000 * MS);
	ph_serial_close(p);
	assert_null(ph_serial_open("/dev/null", 115200, err, sizeof err));
	assert_non_null(strstr(err, "not a serial port"));
}

static void protocol_through_virtual_board(void **state)
{
	bench_config cfg;
	char err[200];
	uint8_t wire[PP_MAX_WIRE];
	pp_msg m = { .type = pp_type_interrogate };
	pp_frame f;
	ph_rx rx;
	int found = 0;

	(void)state;
	bench_config_default(&cfg);
	ph_transport *t = ph_virtual_serial_open(&cfg, 1, PH_VSERIAL_PUMPHIL, err, sizeof err);
	assert_non_null(t);
	int n = pp_msg_encode(&m, PP_CH_PUMP, 7, 0, wire, sizeof wire);
	assert_true(n > 0);
	assert_int_equal(ph_send(t, PP_CH_PUMP, wire, (size_t)n), PH_T_OK);
	int64_t end = ph_now(t) + 2000 * MS;
	while (!found && ph_recv(t, end, &rx) == PH_T_OK)
		found = pp_frame_decode(rx.wire, rx.n - 1u, &f) == PP_OK &&
		        f.type == pp_type_status && f.seq == 7 && rx.channel == PP_CH_PUMP;
	assert_true(found);
	/* the board hangs up mid-wait: the receive ends with no device */
	ph_vserial_hangup(ph_virtual_serial_board(t));
	int64_t t0 = ph_monotonic_ns();
	int r;
	while ((r = ph_recv(t, ph_now(t) + 5000 * MS, &rx)) == PH_T_OK)
		;
	assert_int_equal(r, PH_T_NO_DEVICE);
	assert_true(ph_monotonic_ns() - t0 < 1000 * MS);
	ph_transport_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_forms_and_errors),
		cmocka_unit_test(deframer_resyncs_and_drops),
		cmocka_unit_test(read_keeps_deadline_and_sees_hangup),
		cmocka_unit_test(protocol_through_virtual_board),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
