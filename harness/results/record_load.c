/*
 * record_load.c - reading a record file back, and checking its shape before
 * any report trusts it (records are outside input: a QA engineer may hand
 * over one from another machine, or a truncated one).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/json_err.h"
#include "results/record.h"
#include "results/verdict.h"

static int bad(char *err, size_t errlen, const char *name, const char *where, const char *what)
{
	snprintf(err, errlen, "%s: %s%s%s", name, where, *where ? ": " : "", what);
	return -1;
}

static int is_string_array(json_t *a)
{
	size_t i;
	json_t *v;
	if (!json_is_array(a))
		return 0;
	json_array_foreach(a, i, v) if (!json_is_string(v)) return 0;
	return 1;
}

/* Optional field k of o must satisfy ok() when present (null counts as absent). */
static int field_ok(json_t *o, const char *k, int (*ok)(const json_t *))
{
	json_t *v = json_object_get(o, k);
	return !v || json_is_null(v) || ok(v);
}

static int is_string(const json_t *v)
{
	return json_is_string(v);
}
static int is_number(const json_t *v)
{
	return json_is_number(v);
}
static int is_integer(const json_t *v)
{
	return json_is_integer(v);
}
static int is_object(const json_t *v)
{
	return json_is_object(v);
}
static int is_strings(const json_t *v)
{
	return is_string_array((json_t *)v);
}

static int is_objects(const json_t *v)
{
	size_t i;
	json_t *x;
	if (!json_is_array(v))
		return 0;
	json_array_foreach((json_t *)v, i, x) if (!json_is_object(x)) return 0;
	return 1;
}

static int check_verdict(json_t *t, const char *name, const char *where, char *err, size_t errlen)
{
	const char *v = json_string_value(json_object_get(t, "verdict"));
	char what[160];

	if (!v)
		return bad(err, errlen, name, where, "no \"verdict\" string");
	if (ph_verdict_parse(v) >= 0)
		return 0;
	/* Echo it on one line: control bytes (a CR or LF would split the
	 * message) shown as '?'. */
	char shown[65];
	size_t n = 0;
	for (; v[n] && n < sizeof shown - 1; n++)
		shown[n] = (unsigned char)v[n] < 0x20 || v[n] == 0x7f ? '?' : v[n];
	shown[n] = 0;
	snprintf(what, sizeof what, "verdict '%s' is not %s", shown, ph_verdict_list());
	return bad(err, errlen, name, where, what);
}

static int check_test(json_t *t, size_t i, const char *name, char *err, size_t errlen)
{
	static const struct {
		const char *key;
		int (*ok)(const json_t *);
		const char *what;
	} fields[] = {
		{ "suite", is_string, "a string" },
		{ "file", is_string, "a string" },
		{ "line", is_integer, "an integer" },
		{ "message", is_string, "a string" },
		{ "where", is_string, "a string" },
		{ "tags", is_strings, "a list of strings" },
		{ "req", is_strings, "a list of strings" },
		{ "hazard", is_strings, "a list of strings" },
		{ "log", is_strings, "a list of strings" },
		{ "measurements", is_objects, "a list of objects" },
		{ "wall_ms", is_number, "a number" },
		{ "bench_ns", is_number, "a number" },
		{ "checks", is_integer, "an integer" },
		{ "trace", is_string, "a string" },
		{ "spans", is_objects, "a list of objects" },
		{ "events", is_objects, "a list of objects" },
		{ "plots", is_objects, "a list of objects" },
		{ "dut", is_object, "an object" },
	};
	char where[48], what[96];

	snprintf(where, sizeof where, "tests[%zu]", i);
	if (!json_is_object(t))
		return bad(err, errlen, name, where, "not an object");
	if (!json_is_string(json_object_get(t, "name")))
		return bad(err, errlen, name, where, "no \"name\" string");
	if (check_verdict(t, name, where, err, errlen) < 0)
		return -1;
	for (size_t k = 0; k < sizeof fields / sizeof *fields; k++)
		if (!field_ok(t, fields[k].key, fields[k].ok)) {
			snprintf(what, sizeof what, "\"%s\" must be %s", fields[k].key,
			         fields[k].what);
			return bad(err, errlen, name, where, what);
		}
	return 0;
}

int ph_record_check(json_t *record, const char *name, char *err, size_t errlen)
{
	const char *schema = json_string_value(json_object_get(record, "schema"));
	json_t *tests = json_object_get(record, "tests"), *t;
	size_t i;
	char what[160];

	if (!json_is_object(record))
		return bad(err, errlen, name, "", "not a JSON object");
	if (!schema)
		return bad(err, errlen, name, "", "no \"schema\": not a pumphil record");
	if (strcmp(schema, PH_RECORD_SCHEMA)) {
		snprintf(what, sizeof what, "schema '%.64s' is not %s", schema, PH_RECORD_SCHEMA);
		return bad(err, errlen, name, "", what);
	}
	if (!json_is_object(json_object_get(record, "run")))
		return bad(err, errlen, name, "", "no \"run\" object");
	if (json_object_get(record, "runs") && !is_objects(json_object_get(record, "runs")))
		return bad(err, errlen, name, "", "\"runs\" must be a list of objects");
	if (!json_is_array(tests))
		return bad(err, errlen, name, "", "no \"tests\" list");
	json_array_foreach(tests, i, t) if (check_test(t, i, name, err, errlen) < 0) return -1;
	return 0;
}

json_t *ph_record_load(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *r;
	FILE *f = fopen(path, "rb");

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	r = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	if (!r) {
		ph_json_errmsg(err, errlen, path, &jerr);
		return NULL;
	}
	if (ph_record_check(r, path, err, errlen) < 0) {
		json_decref(r);
		return NULL;
	}
	return r;
}
