/* test_instruments_mtsics.c - MT-SICS response lines (instruments/mtsics.h):
 * every reply kind of the manual's levels 0 and 1, the weights to the
 * microgram, and the lines that must never become a number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "instruments/mtsics.h"

static mts_reply parse_ok(const char *line)
{
	mts_reply r;
	char err[128] = "";
	int rc = mts_parse(line, strlen(line), &r, err, sizeof err);

	if (rc)
		fail_msg("'%s' refused: %s", line, err);
	return r;
}

static void parse_bad(const char *line, const char *says)
{
	mts_reply r;
	char err[128] = "";

	assert_int_equal(mts_parse(line, strlen(line), &r, err, sizeof err), -1);
	if (!strstr(err, says))
		fail_msg("'%s': error '%s' does not say '%s'", line, err, says);
}

static void stable_and_dynamic_weights(void **state)
{
	mts_reply r = parse_ok("S S     100.00 g\r\n");

	(void)state;
	assert_int_equal(r.kind, MTS_WEIGHT);
	assert_string_equal(r.id, "S");
	assert_true(r.stable);
	assert_int_equal(r.value_ug, 100000000);
	assert_int_equal(r.decimals, 2);
	assert_string_equal(r.unit, "g");
	r = parse_ok("S D      -0.0512 g");
	assert_false(r.stable);
	assert_int_equal(r.value_ug, -51200);
	r = parse_ok("S S   12.345678 g"); /* below the microgram: rounded */
	assert_int_equal(r.value_ug, 12345678);
	r = parse_ok("S S 1.0000005 g");
	assert_int_equal(r.value_ug, 1000001);
	r = parse_ok("S S    250.5 mg");
	assert_int_equal(r.value_ug, 250500);
	r = parse_ok("S S   1.000001 kg");
	assert_int_equal(r.value_ug, 1000001000);
	r = parse_ok("T S     20.10 g"); /* the tare response carries the tare weight */
	assert_string_equal(r.id, "T");
	assert_int_equal(r.value_ug, 20100000);
	r = parse_ok("S S 7 g");
	assert_int_equal(r.value_ug, 7000000);
	assert_int_equal(r.decimals, 0);
}

static void statuses_never_carry_a_number(void **state)
{
	static const struct {
		const char *line;
		enum mts_kind kind;
	} cases[] = {
		{ "S +", MTS_OVERLOAD },  { "S -", MTS_UNDERLOAD },     { "S I", MTS_BUSY },
		{ "Z A", MTS_DONE },      { "Z I", MTS_BUSY },          { "Z +", MTS_OVERLOAD },
		{ "ES", MTS_ERR_SYNTAX }, { "ET\r\n", MTS_ERR_TRANSM }, { "EL", MTS_ERR_LOGICAL },
		{ "M21 L", MTS_LOGICAL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mts_reply r = parse_ok(cases[i].line);
		assert_int_equal(r.kind, cases[i].kind);
		assert_int_equal(r.value_ug, 0);
	}
	parse_bad("S + 100.00 g", "followed by more");
	parse_bad("S I 5 g", "followed by more");
}

static void identification_text(void **state)
{
	mts_reply r = parse_ok("I4 A \"B021002593\"\r\n");

	(void)state;
	assert_int_equal(r.kind, MTS_TEXT);
	assert_string_equal(r.id, "I4");
	assert_string_equal(r.text, "B021002593");
	r = parse_ok("I2 A \"XS205DU 220.00000 g\"");
	assert_string_equal(r.text, "XS205DU 220.00000 g");
	r = parse_ok("I1 A \"01\" \"2.00\" \"2.20\"");
	assert_string_equal(r.text, "01 2.00 2.20");
	r = parse_ok("I0 B 0 \"I0\"");
	assert_int_equal(r.kind, MTS_MORE);
	assert_string_equal(r.text, "0 I0");
}

static void bad_lines_are_named(void **state)
{
	(void)state;
	parse_bad("", "empty reply");
	parse_bad("\r\n", "empty reply");
	parse_bad("S S", "without a weight value");
	parse_bad("S S   1.2.3 g", "'1.2.3' is not a number");
	parse_bad("S S   abc g", "'abc' is not a number");
	parse_bad("S S   100.00 lb", "unit 'lb' is not a mass unit");
	parse_bad("S S   100.00", "unit '' is not a mass unit");
	parse_bad("S S 12345678901234567 g", "is not a number");
	parse_bad("S S 999999999999999 kg", "out of range");
	parse_bad("S S 1.0000000001 g", "is not a number");
	parse_bad("S X 1 g", "unknown status 'X'");
	parse_bad("weight", "is not '<command> <status>");
	parse_bad("S S 1\x01 g", "control or non-ASCII byte 0x01");
	parse_bad("I4 A \"B0210", "without its closing quote");
	parse_bad("I4 A B0\"210", "quote inside a bare field");
}

static void formatted_lines_parse_back(void **state)
{
	static const int64_t values[] = { 0, 1, 499, 500, 100000000, -51200, 219999999, -1 };
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
		for (int d = 0; d <= 6; d++) {
			int64_t step = 1;
			size_t n = mts_format_weight(buf, sizeof buf, "S", 1, values[i], d);
			mts_reply r;
			char err[128];
			for (int k = d; k < 6; k++)
				step *= 10;
			assert_true(n > 0);
			assert_int_equal(mts_parse(buf, n, &r, err, sizeof err), 0);
			assert_int_equal(r.decimals, d);
			/* within half a displayed digit of the true weight */
			assert_true(r.value_ug - values[i] <= step / 2 &&
			            values[i] - r.value_ug <= step / 2);
		}
	assert_int_equal(mts_format_weight(buf, sizeof buf, "S", 1, 100000000, 2), 18);
	assert_string_equal(buf, "S S     100.00 g\r\n"); /* the manual's example */
	mts_format_status(buf, sizeof buf, NULL, 'S');
	assert_string_equal(buf, "ES\r\n");
	mts_format_text(buf, sizeof buf, "I4", "PH000001");
	assert_string_equal(buf, "I4 A \"PH000001\"\r\n");
	assert_int_equal(mts_format_weight(buf, 8, "S", 1, 1, 2), 0); /* too small: nothing */
	assert_int_equal(mts_format_weight(buf, sizeof buf, "S", 1, 1, 7), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stable_and_dynamic_weights),
		cmocka_unit_test(statuses_never_carry_a_number),
		cmocka_unit_test(identification_text),
		cmocka_unit_test(bad_lines_are_named),
		cmocka_unit_test(formatted_lines_parse_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
