/*
 * verdict.h - what a test's outcome is, and what it means for the run.
 *
 * One table for every part that reads or writes a verdict (the runner, the
 * console, the record check, JUnit, HTML, merge):
 *   pass   the device did what the test asked
 *   fail   the device under test did wrong (a check or measurement failed)
 *   error  the test could not judge: the bench or the script did wrong
 *          (board or instrument lost, script error, harness timeout)
 *   skip   the test could not run here (a capability or a role is missing)
 *   xfail  a known issue (test option xfail = {id =, reason =}): it failed
 *          as expected, which does not fail the run
 *   xpass  a known issue that passed: reported as such, and it fails the
 *          run until the known issue is closed (pytest's strict xfail)
 *   flaky  failed, then passed when --retry ran it again: the run passes,
 *          the report says so, with every attempt
 */
#ifndef PH_VERDICT_H
#define PH_VERDICT_H

#ifndef PH_USES_RESULTS
#error "results/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <jansson.h>

typedef enum ph_verdict {
	PH_VERDICT_PASS = 0,
	PH_VERDICT_FAIL,
	PH_VERDICT_ERROR,
	PH_VERDICT_SKIP,
	PH_VERDICT_XFAIL,
	PH_VERDICT_XPASS,
	PH_VERDICT_FLAKY,
	PH_VERDICT_COUNT
} ph_verdict;

/* "pass", "fail", ... as the record spells it.  Never NULL. */
const char *ph_verdict_name(ph_verdict v);
/* The verdict named s; -1 when s names none. */
int ph_verdict_parse(const char *s);
/* The verdict a test object carries; a missing or unknown one is an error
 * (a result nobody can read is no pass). */
ph_verdict ph_verdict_of(json_t *test);
/* "pass, fail, error, skip, xfail, xpass or flaky", for messages. */
const char *ph_verdict_list(void);

/* Does v fail the run: fail and xpass (the device), error (the bench)? */
int ph_verdict_is_failure(ph_verdict v); /* fail, xpass */
int ph_verdict_is_error(ph_verdict v);   /* error */
/* Counted as passed in the closing line: pass, flaky; xfail and skip
 * count on their own. */
int ph_verdict_is_pass(ph_verdict v);

#endif
