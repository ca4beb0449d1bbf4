/*
 * test_fta_verdicts.c - the campaign's verdict line tells contradictions
 * from scenarios that could not be judged, which the console's closing
 * "N passed, N failed" counts together (issue 20).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "campaign/fta_validate.h"
#include "run/events.h"

static void test_errors_are_not_contradictions(void **state)
{
	(void)state;
	char line[256];
	int count[PH_VERDICT_COUNT] = { 0 };
	count[PH_VERDICT_PASS] = 21;
	count[PH_VERDICT_ERROR] = 2;
	count[PH_VERDICT_SKIP] = 27;
	assert_string_equal(ph_fta_verdict_line(line, sizeof line, count),
	                    "fta validate: 21 consistent, 0 contradictions, 2 errors (not judged), "
	                    "27 skipped");
	count[PH_VERDICT_FAIL] = 1;
	count[PH_VERDICT_ERROR] = 1;
	assert_string_equal(ph_fta_verdict_line(line, sizeof line, count),
	                    "fta validate: 21 consistent, 1 contradiction, 1 error (not judged), "
	                    "27 skipped");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors_are_not_contradictions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
