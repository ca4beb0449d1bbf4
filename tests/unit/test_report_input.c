/* test_report_input.c - what the reports accept as input: a record's shape
 * (schema, verdicts, field types) with messages naming the file and the
 * test, and the requirement and hazard catalogue (the shipped one, and
 * broken ones naming the file and entry). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "report/report.h"
#include "results/record.h"

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	assert_non_null(j);
	return j;
}

/* ph_record_check on text: 0, or the message. */
static int check_text(const char *text, char *err, size_t n)
{
	json_t *j = parse(text);
	int r = ph_record_check(j, "rec.json", err, n);
	json_decref(j);
	return r;
}

static void test_record_check(void **state)
{
	char err[256];
	(void)state;
	assert_int_equal(
	        check_text("{\"schema\":\"pumphil-record/"
	                   "1\",\"run\":{},\"tests\":[{\"name\":\"a\",\"verdict\":\"skip\"}]}",
	                   err, sizeof err),
	        0);
	assert_int_equal(check_text("{\"schema\":\"pumphil-record/2\",\"run\":{},\"tests\":[]}",
	                            err, sizeof err),
	                 -1);
	assert_string_equal(err, "rec.json: schema 'pumphil-record/2' is not pumphil-record/1");
	assert_int_equal(check_text("{\"run\":{},\"tests\":[]}", err, sizeof err), -1);
	assert_string_equal(err, "rec.json: no \"schema\": not a pumphil record");
	assert_int_equal(
	        check_text("{\"schema\":\"pumphil-record/1\",\"tests\":[]}", err, sizeof err), -1);
	assert_string_equal(err, "rec.json: no \"run\" object");
	assert_int_equal(
	        check_text("{\"schema\":\"pumphil-record/"
	                   "1\",\"run\":{},\"tests\":[{\"name\":\"a\",\"verdict\":\"pass\"},"
	                   "{\"name\":\"b\",\"verdict\":\"maybe\"}]}",
	                   err, sizeof err),
	        -1);
	assert_string_equal(err, "rec.json: tests[1]: verdict 'maybe' is not pass, fail, error, "
	                         "skip, xfail, xpass or flaky");
	assert_int_equal(check_text("{\"schema\":\"pumphil-record/"
	                            "1\",\"run\":{},\"tests\":[{\"verdict\":\"pass\"}]}",
	                            err, sizeof err),
	                 -1);
	assert_string_equal(err, "rec.json: tests[0]: no \"name\" string");
	assert_int_equal(
	        check_text("{\"schema\":\"pumphil-record/"
	                   "1\",\"run\":{},\"tests\":[{\"name\":\"a\",\"verdict\":\"pass\","
	                   "\"req\":[\"REQ-A-001\",3]}]}",
	                   err, sizeof err),
	        -1);
	assert_string_equal(err, "rec.json: tests[0]: \"req\" must be a list of strings");
	assert_int_equal(
	        check_text("{\"schema\":\"pumphil-record/"
	                   "1\",\"run\":{},\"tests\":[{\"name\":\"a\",\"verdict\":\"pass\","
	                   "\"measurements\":[1]}]}",
	                   err, sizeof err),
	        -1);
	assert_string_equal(err, "rec.json: tests[0]: \"measurements\" must be a list of objects");
}

static void test_record_load(void **state)
{
	char path[] = "/tmp/test_report_input_XXXXXX", err[512], want[600];
	int fd = mkstemp(path);
	FILE *f;
	(void)state;
	close(fd);
	f = fopen(path, "w");
	fputs("{\"schema\":\"pumphil-record/1\",\n\"run\":{},\"run\":{},\"tests\":[]}", f);
	fclose(f);
	assert_null(ph_record_load(path, err, sizeof err));
	snprintf(want, sizeof want, "%s:2:", path);
	assert_memory_equal(err, want, strlen(want)); /* file:line: of the duplicate key */
	assert_null(ph_record_load("/nonexistent/record.json", err, sizeof err));
	assert_string_equal(err, "/nonexistent/record.json: No such file or directory");
	unlink(path);
}

static const char *source_dir(void)
{
	const char *s = getenv("PUMPHIL_SOURCE_DIR");
	return s ? s : ".";
}

static json_t *find_id(json_t *list, const char *id)
{
	size_t i;
	json_t *v;
	json_array_foreach(
	        list, i, v) if (!strcmp(json_string_value(json_object_get(v, "id")), id)) return v;
	return NULL;
}

static void test_shipped_catalogue(void **state)
{
	char dir[1024], err[512];
	(void)state;
	snprintf(dir, sizeof dir, "%s/fixtures", source_dir());
	json_t *cat = ph_report_catalog_load(dir, err, sizeof err);
	if (!cat)
		fail_msg("%s", err);
	json_t *reqs = json_object_get(cat, "requirements"), *hz = json_object_get(cat, "hazards");
	assert_true(json_array_size(reqs) >= 20);
	assert_null(json_object_get(cat, "missing"));
	/* The ids the demo suite already uses. */
	assert_non_null(find_id(reqs, "REQ-DEL-001"));
	assert_non_null(find_id(hz, "HAZ-OVER"));
	assert_non_null(find_id(hz, "HAZ-UNDER"));
	/* Every area DESIGN.md sections 5-6 imply has at least one requirement. */
	static const char *const areas[] = { "REQ-DEL-", "REQ-MODE-", "REQ-BOL-", "REQ-LIB-",
		                             "REQ-RES-", "REQ-ALM-",  "REQ-TEL-", "REQ-ROB-" };
	for (size_t a = 0; a < sizeof areas / sizeof *areas; a++) {
		size_t i;
		json_t *r;
		int found = 0;
		json_array_foreach(reqs, i, r) found |= !strncmp(
		        json_string_value(json_object_get(r, "id")), areas[a], strlen(areas[a]));
		assert_true(found);
	}
	json_t *untestable = find_id(reqs, "REQ-ALM-010");
	assert_true(json_is_false(json_object_get(untestable, "testable")));
	assert_non_null(json_string_value(json_object_get(untestable, "reason")));
	json_decref(cat);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Load a catalogue made of these two files; returns the error text or "". */
static const char *bad_catalogue(const char *req, const char *haz, char *err, size_t n)
{
	char dir[] = "/tmp/test_report_cat_XXXXXX", p[128];
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/requirements.json", dir);
	write_file(p, req);
	snprintf(p, sizeof p, "%s/hazards.json", dir);
	write_file(p, haz);
	json_t *cat = ph_report_catalog_load(dir, err, n);
	if (cat)
		snprintf(err, n, "(loaded)");
	json_decref(cat);
	unlink(p);
	snprintf(p, sizeof p, "%s/requirements.json", dir);
	unlink(p);
	rmdir(dir);
	/* Drop the temporary directory from the message. */
	const char *slash = strstr(err, "/requirements.json") ? strstr(err, "/requirements.json")
	                                                      : strstr(err, "/hazards.json");
	return slash ? slash + 1 : err;
}

static void test_bad_catalogues(void **state)
{
	static const char haz[] = "{\"schema\":\"pumphil-hazards/"
	                          "1\",\"hazards\":[{\"id\":\"HAZ-OVER\",\"text\":\"t\"}]}";
	char err[512];
	(void)state;
	assert_string_equal(
	        bad_catalogue("{\"schema\":\"pumphil-requirements/1\",\"requirements\":["
	                      "{\"id\":\"REQ-A-001\",\"text\":\"t\",\"source\":\"s\",\"hazards\":["
	                      "\"HAZ-NO\"]}]}",
	                      haz, err, sizeof err),
	        "requirements.json: requirement 1 (REQ-A-001): unknown hazard 'HAZ-NO'");
	assert_string_equal(
	        bad_catalogue("{\"schema\":\"pumphil-requirements/1\",\"requirements\":["
	                      "{\"id\":\"REQ-A-001\",\"text\":\"t\",\"source\":\"s\"},"
	                      "{\"id\":\"REQ-A-001\",\"text\":\"t\",\"source\":\"s\"}]}",
	                      haz, err, sizeof err),
	        "requirements.json: requirement 2 (REQ-A-001): duplicate id");
	assert_string_equal(
	        bad_catalogue("{\"schema\":\"pumphil-requirements/1\",\"requirements\":["
	                      "{\"id\":\"REQ-A-001\",\"text\":\"t\",\"source\":\"s\",\"testable\":"
	                      "false}]}",
	                      haz, err, sizeof err),
	        "requirements.json: requirement 1 (REQ-A-001): \"testable\": false needs a "
	        "\"reason\"");
	assert_string_equal(
	        bad_catalogue("{\"schema\":\"pumphil-requirements/1\",\"requirements\":["
	                      "{\"id\":\"req-1\",\"text\":\"t\",\"source\":\"s\"}]}",
	                      haz, err, sizeof err),
	        "requirements.json: requirement 1 (req-1): id must look like REQ-DEL-001");
	assert_string_equal(
	        bad_catalogue("{\"schema\":\"pumphil-requirements/1\",\"requirements\":[]}",
	                      "{\"schema\":\"pumphil-hazards/1\",\"hazards\":[{\"id\":\"HAZ-X\"}]}",
	                      err, sizeof err),
	        "hazards.json: hazard 1 (HAZ-X): no \"text\"");
	assert_string_equal(
	        bad_catalogue("{\"schema\":\"pumphil-requirements/1\",\"requirements\":[]}", haz,
	                      err, sizeof err),
	        "(loaded)");
}

static void test_missing_catalogue(void **state)
{
	char err[256];
	(void)state;
	json_t *cat = ph_report_catalog_load("/nonexistent-fixtures", err, sizeof err);
	assert_non_null(cat);
	assert_int_equal(json_array_size(json_object_get(cat, "requirements")), 0);
	assert_int_equal(json_array_size(json_object_get(cat, "missing")), 2);
	json_decref(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_check),      cmocka_unit_test(test_record_load),
		cmocka_unit_test(test_shipped_catalogue), cmocka_unit_test(test_bad_catalogues),
		cmocka_unit_test(test_missing_catalogue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
