/*
 * verdict.c - see verdict.h.
 */
#include "results/verdict.h"

#include <string.h>

static const char *const names[PH_VERDICT_COUNT] = {
	[PH_VERDICT_PASS] = "pass",   [PH_VERDICT_FAIL] = "fail",   [PH_VERDICT_ERROR] = "error",
	[PH_VERDICT_SKIP] = "skip",   [PH_VERDICT_XFAIL] = "xfail", [PH_VERDICT_XPASS] = "xpass",
	[PH_VERDICT_FLAKY] = "flaky",
};

const char *ph_verdict_name(ph_verdict v)
{
	return (unsigned)v < PH_VERDICT_COUNT ? names[v] : "error";
}

int ph_verdict_parse(const char *s)
{
	for (int v = 0; s && v < PH_VERDICT_COUNT; v++)
		if (!strcmp(s, names[v]))
			return v;
	return -1;
}

ph_verdict ph_verdict_of(json_t *test)
{
	int v = ph_verdict_parse(json_string_value(json_object_get(test, "verdict")));
	return v < 0 ? PH_VERDICT_ERROR : (ph_verdict)v;
}

const char *ph_verdict_list(void)
{
	return "pass, fail, error, skip, xfail, xpass or flaky";
}

int ph_verdict_is_failure(ph_verdict v)
{
	return v == PH_VERDICT_FAIL || v == PH_VERDICT_XPASS;
}

int ph_verdict_is_error(ph_verdict v)
{
	return v == PH_VERDICT_ERROR;
}

int ph_verdict_is_pass(ph_verdict v)
{
	return v == PH_VERDICT_PASS || v == PH_VERDICT_FLAKY;
}
