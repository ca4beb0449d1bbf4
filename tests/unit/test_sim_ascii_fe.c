/*
 * test_sim_ascii_fe.c - the ASCII command set in front of the reference
 * firmware (board/sim/ascii_fe.c): a command line is one request and one
 * answer line (OK, ERR n, a named reply), bad lines get ERR 254 naming why,
 * lines may arrive in any split, events become "!" lines, and the firmware's
 * events are acknowledged (else it would resend them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ascii_fe.h"
#include "bench.h"

typedef struct rig {
	bench *b;
	ascii_fe *fe;
	char out[8192];
	size_t n;
} rig;

static rig R;

static void line_out(void *ud, const uint8_t *s, size_t n)
{
	(void)ud;
	if (R.n + n < sizeof R.out) {
		memcpy(R.out + R.n, s, n);
		R.n += n;
		R.out[R.n] = 0;
	}
}

static void on_tx(void *ud, uint8_t ch, const uint8_t *w, size_t n, int64_t t)
{
	(void)ud;
	(void)t;
	if (ch == 0)
		ascii_fe_bench_tx(R.fe, w, n);
}

static void say(const char *line)
{
	ascii_fe_line_rx(R.fe, (const uint8_t *)line, strlen(line));
	bench_advance(R.b, bench_now_ns(R.b) + 10000000);
	ascii_fe_poll(R.fe);
}

static int setup(void **state)
{
	bench_config cfg;
	(void)state;
	memset(&R, 0, sizeof R);
	bench_config_default(&cfg);
	R.b = bench_new(&cfg, on_tx, NULL);
	R.fe = ascii_fe_new(R.b, line_out, NULL);
	return R.b && R.fe ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ascii_fe_free(R.fe);
	bench_free(R.b);
	return 0;
}

static void status_and_session(void **state)
{
	(void)state;
	say("STATUS\n");
	assert_non_null(strstr(R.out, "STATUS "));
	assert_non_null(strstr(R.out, " RUNNING=0"));
	assert_non_null(strstr(R.out, " BOARD_US="));
	R.n = 0;
	say("SESS");
	assert_int_equal(R.n, 0); /* half a line: nothing yet */
	say("ION TIMEOUT_S=60\r\n");
	assert_true(!strncmp(R.out, "OK ", 3));
}

static void refusals_and_bad_lines(void **state)
{
	(void)state;
	say("SESSION\n");
	R.n = 0;
	say("START\n"); /* nothing committed */
	assert_true(!strncmp(R.out, "ERR ", 4));
	assert_int_not_equal(strncmp(R.out, "ERR 254", 7), 0);
	R.n = 0;
	say("FLY\n");
	assert_string_equal(R.out, "ERR 254 unknown verb\n");
	R.n = 0;
	say("STATUS COLOUR=3\n");
	assert_string_equal(R.out, "ERR 254 unknown key\n");
	R.n = 0;
	say("CLOCK EPOCH_MS=12x\n");
	assert_string_equal(R.out, "ERR 254 bad value\n");
	R.n = 0;
	char longline[700];
	memset(longline, 'A', sizeof longline - 2);
	longline[sizeof longline - 2] = '\n';
	longline[sizeof longline - 1] = 0;
	say(longline);
	assert_string_equal(R.out, "ERR 254 line too long\n");
	assert_string_equal(ascii_fe_verb("rx_begin"), "PROG");
	assert_null(ascii_fe_verb("hook"));
}

static void events_are_lines_and_acked(void **state)
{
	(void)state;
	say("SESSION\n");
	say("ALTEST\n"); /* reports an alarm_test event */
	bench_advance(R.b, bench_now_ns(R.b) + 2000000000LL);
	ascii_fe_poll(R.fe);
	const char *ev = strstr(R.out, "\n!");
	assert_non_null(ev);
	/* acknowledged: no copy of the same event line comes again */
	char first[200];
	snprintf(first, sizeof first, "%.*s", (int)strcspn(ev + 1, "\n"), ev + 1);
	size_t before = R.n;
	bench_advance(R.b, bench_now_ns(R.b) + 30000000000LL);
	ascii_fe_poll(R.fe);
	assert_null(strstr(R.out + before, first));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(status_and_session, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals_and_bad_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(events_are_lines_and_acked, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
