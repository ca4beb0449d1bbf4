/* test_view_time.c - time parsing and axis labels of the viewer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "view/view_time.h"

static void test_parse(void **state)
{
	int64_t ns = 0;
	(void)state;

	assert_int_equal(ph_view_time_parse("90s", &ns), 0);
	assert_true(ns == 90 * PH_NS_S);
	assert_int_equal(ph_view_time_parse("2h", &ns), 0);
	assert_true(ns == 2 * PH_NS_H);
	assert_int_equal(ph_view_time_parse("1.5d", &ns), 0);
	assert_true(ns == 36 * PH_NS_H);
	assert_int_equal(ph_view_time_parse("10min", &ns), 0);
	assert_true(ns == 10 * PH_NS_MIN);
	assert_int_equal(ph_view_time_parse("250ms", &ns), 0);
	assert_true(ns == 250000000);
	assert_int_equal(ph_view_time_parse("40us", &ns), 0);
	assert_true(ns == 40000);
	assert_int_equal(ph_view_time_parse("123456789", &ns), 0);
	assert_true(ns == 123456789);
	assert_int_equal(ph_view_time_parse("0", &ns), 0);
	assert_true(ns == 0);
	assert_int_equal(ph_view_time_parse("-5s", &ns), -1);
	assert_int_equal(ph_view_time_parse("5 s", &ns), -1);
	assert_int_equal(ph_view_time_parse("5parsecs", &ns), -1);
	assert_int_equal(ph_view_time_parse("1.5", &ns), -1);
	assert_int_equal(ph_view_time_parse("", &ns), -1);
	assert_int_equal(ph_view_time_parse("1e300d", &ns), -1);
	assert_int_equal(ph_view_time_parse("nan", &ns), -1);
	/* Within the time stamps a trace may hold (PH_TRACE_T_LIMIT, 2^62 ns),
	 * so --from/--to minus any sample time fits an int64_t. */
	assert_int_equal(ph_view_time_parse("53375d", &ns), 0);
	assert_true(ns == INT64_C(53375) * PH_NS_D);
	assert_int_equal(ph_view_time_parse("53376d", &ns), -1);
	assert_int_equal(ph_view_time_parse("4611686018427387904", &ns), -1);
	assert_int_equal(ph_view_time_parse("9000000000000000000", &ns), -1);
}

static void test_steps_and_labels(void **state)
{
	char buf[64];
	(void)state;

	/* 24 h over 1500 px, >= 90 px apart: 1.44 h wanted -> 2 h ticks */
	assert_true(ph_view_time_step(86400e9 / 1500, 90) == 2 * PH_NS_H);
	assert_true(ph_view_time_step(1e3, 90) == 100000);
	assert_true(ph_view_time_step(1e7, 90) == 1000000000);
	assert_true(ph_view_time_step(1e13, 90) == 20 * PH_NS_D);
	ph_view_time_label(9 * PH_NS_H + 15 * PH_NS_MIN, PH_NS_H, buf, sizeof buf);
	assert_string_equal(buf, "09:15");
	ph_view_time_label(PH_NS_D + 2 * PH_NS_H + 5 * PH_NS_S, 5 * PH_NS_S, buf, sizeof buf);
	assert_string_equal(buf, "1d 02:00:05");
	ph_view_time_label(12345678900, 1000000, buf, sizeof buf);
	assert_string_equal(buf, "12.345 s");
	ph_view_time_label(3 * PH_NS_D, PH_NS_D, buf, sizeof buf);
	assert_string_equal(buf, "3d");
	ph_view_time_label(PH_NS_H + 250000000, 250000000, buf, sizeof buf);
	assert_string_equal(buf, "01:00:00.250");
	ph_view_time_span(51 * PH_NS_MIN + 3200000000, buf, sizeof buf);
	assert_string_equal(buf, "51 min 3.2 s");
	ph_view_time_span(-2500000, buf, sizeof buf);
	assert_string_equal(buf, "-2.500 ms");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_steps_and_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
