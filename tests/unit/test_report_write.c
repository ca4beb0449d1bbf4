/* test_report_write.c - the writers on records built in memory: junit.xml
 * validates against the published junit-10 shape and keeps hostile names
 * as text; index.html escapes them and shows the summary, the traceability
 * matrix (uncovered, untestable and unknown ids) and each test; merge joins
 * runs and the summary is recomputed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>

#include "report/report.h"
#include "results/record.h"

#define NASTY_NAME "<script>alert(\"x\")</script> & 'q'\nline\x01two"

static const char *source_dir(void)
{
	const char *s = getenv("PUMPHIL_SOURCE_DIR");
	return s ? s : ".";
}

static json_t *test_obj(const char *suite, const char *name, const char *verdict, const char *req,
                        const char *file, int line)
{
	json_t *t = json_pack("{s:s,s:s,s:s,s:s,s:i,s:[s],s:[s],s:[],s:f,s:I,s:i,s:i}", "suite",
	                      suite, "name", name, "verdict", verdict, "file", file, "line", line,
	                      "req", req, "hazard", "HAZ-OVER", "tags", "wall_ms", 12.5, "bench_ns",
	                      (json_int_t)3600000000000, "checks", 3, "repeat", 0);
	json_object_set_new(t, "log", json_pack("[s]", "[1 s] <b>step</b> & more"));
	return t;
}

static json_t *nasty_record(const char *id)
{
	json_t *tests = json_array();
	json_t *bad = test_obj("suite <&>", "placeholder", "fail", "REQ-DEL-001", "a.lua", 20);
	char raw[] = "bad bytes \xff\xfe end";

	json_object_set_new(bad, "name", json_string(NASTY_NAME));
	json_object_set_new(bad, "message", ph_json_string_lossy(raw, strlen(raw)));
	json_object_set_new(bad, "where", json_string("a.lua:21"));
	json_object_set_new(bad, "measurements",
	                    json_pack("[{s:s,s:f,s:s,s:f,s:f,s:s}]", "name", "vol <ume>", "value",
	                              5.0, "unit", "\"uL\"&", "min", 0.0, "max", 1.0, "verdict",
	                              "fail"));
	json_array_append_new(tests,
	                      test_obj("suite <&>", "fine", "pass", "REQ-DEL-001", "a.lua", 10));
	json_array_append_new(tests, bad);
	json_array_append_new(tests, test_obj("other", "unknown requirement", "error",
	                                      "REQ-NOPE-001", "b.lua", 5));
	return json_pack("{s:s,s:{s:s,s:s,s:s,s:I},s:o}", "schema", PH_RECORD_SCHEMA, "run", "id",
	                 id, "board", "sim", "host", "h", "seed", (json_int_t)5, "tests", tests);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *s;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = 0;
	fclose(f);
	return s;
}

static void write_reports(const char *dir, json_t *record)
{
	char fixtures[1024], err[1024];
	ph_report_opts o = { .src_dir = dir, .fixtures_dir = fixtures, .plots = 0 };
	/* A catalogue of its own, so the matrix checks do not follow the
	 * shipped one as it grows. */
	snprintf(fixtures, sizeof fixtures, "%s/tests/data/report/fixtures", source_dir());
	if (ph_report_write_all(dir, record, &o, err, sizeof err) < 0)
		fail_msg("%s", err);
}

static void validate_junit(const char *path)
{
	char xsd[1024];
	snprintf(xsd, sizeof xsd, "%s/tests/data/junit/junit-10.xsd", source_dir());
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
	xmlSchemaPtr schema = xmlSchemaParse(pc);
	assert_non_null(schema);
	xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
	assert_int_equal(xmlSchemaValidateFile(vc, path, 0), 0);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
}

/* The string value of an XPath expression over the document at path. */
static char *xpath_string(const char *path, const char *expr)
{
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	char *s = strdup(o && o->type == XPATH_STRING ? (const char *)o->stringval : "");
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return s;
}

static void test_junit_and_html(void **state)
{
	char dir[] = "/tmp/test_report_write_XXXXXX", path[256];
	(void)state;
	assert_non_null(mkdtemp(dir));
	json_t *r = nasty_record("run-a");
	write_reports(dir, r);

	snprintf(path, sizeof path, "%s/junit.xml", dir);
	validate_junit(path);
	char *name = xpath_string(path, "string(//testcase[2]/@name)");
	assert_string_equal(name,
	                    "<script>alert(\"x\")</script> & 'q'\nlinetwo"); /* \x01 dropped */
	free(name);
	char *msg = xpath_string(path, "string(//testcase[2]/failure/@message)");
	assert_string_equal(msg, "bad bytes \xef\xbf\xbd\xef\xbf\xbd end");
	free(msg);
	char *where = xpath_string(path, "string(//testcase[2]/failure)");
	assert_memory_equal(where, "a.lua:21: ", 10);
	free(where);
	char *err = xpath_string(path, "string(//testsuite[@name='other']/@errors)");
	assert_string_equal(err, "1");
	free(err);
	char *req = xpath_string(path, "string(//testsuite[@name='other']/properties/"
	                               "property[@name='requirement']/@value)");
	assert_string_equal(req, "REQ-NOPE-001");
	free(req);

	snprintf(path, sizeof path, "%s/index.html", dir);
	char *html = slurp(path);
	assert_null(strstr(html, "<script"));
	assert_non_null(strstr(
	        html,
	        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;\nlinetwo"));
	assert_non_null(strstr(html, "&lt;b&gt;step&lt;/b&gt; &amp; more"));
	assert_non_null(strstr(html, "vol &lt;ume&gt;"));
	assert_non_null(strstr(html, "FAILED: 3 tests, 1 passed, 1 failed, 1 errored, 0 skipped"));
	/* The matrix: REQ-DEL-001 has a failing test, REQ-OCC-002 none, the
	 * untestable one says why, and the unknown id is named. */
	assert_non_null(strstr(html, "<tr id=\"req-REQ-DEL-001\">"));
	assert_non_null(strstr(html, "covered, failing"));
	char *uncovered = strstr(html, "<p id=uncovered>");
	assert_non_null(uncovered);
	assert_non_null(strstr(uncovered, "REQ-OCC-002"));
	assert_true(strstr(uncovered, "REQ-DEL-001") == NULL ||
	            strstr(uncovered, "REQ-DEL-001") > strstr(uncovered, "</p>"));
	assert_non_null(strstr(html, "not testable: The bench has no acoustic sensor"));
	assert_non_null(strstr(
	        html, "Requirement ids used by tests but not in the catalogue: REQ-NOPE-001"));
	free(html);

	/* The record now carries the catalogue and the summary. */
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(r, "summary"), "errors")), 1);
	assert_true(json_array_size(
	                    json_object_get(json_object_get(r, "catalogue"), "requirements")) > 10);
	json_decref(r);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_merge(void **state)
{
	char dir[] = "/tmp/test_report_merge_XXXXXX", err[256];
	(void)state;
	assert_non_null(mkdtemp(dir));
	json_t *a = nasty_record("run-a"), *b = nasty_record("run-b");
	json_array_remove(json_object_get(b, "tests"), 2);
	json_object_set_new(json_array_get(json_object_get(b, "tests"), 0), "line",
	                    json_integer(1));
	json_t *recs[] = { a, b };
	const char *dirs[] = { "/tmp", "/tmp" };
	json_t *m = ph_report_merge(recs, dirs, 2, err, sizeof err);
	assert_non_null(m);
	assert_int_equal(ph_record_check(m, "merged", err, sizeof err), 0);
	write_reports(dir, m);
	json_t *sum = json_object_get(m, "summary"), *tests = json_object_get(m, "tests");
	assert_int_equal(json_integer_value(json_object_get(sum, "tests")), 5);
	assert_int_equal(json_integer_value(json_object_get(sum, "passed")), 2);
	assert_int_equal(json_integer_value(json_object_get(sum, "failed")), 2);
	assert_int_equal(json_array_size(json_object_get(m, "runs")), 2);
	/* Script order: a.lua:1 (run b) before a.lua:10 (run a). */
	assert_string_equal(json_string_value(json_object_get(json_array_get(tests, 0), "run_id")),
	                    "run-b");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(tests, 0), "line")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(tests, 4), "file")),
	                    "b.lua");
	char path[256];
	snprintf(path, sizeof path, "%s/junit.xml", dir);
	validate_junit(path);
	json_decref(m);
	json_decref(a);
	json_decref(b);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_junit_and_html),
		cmocka_unit_test(test_merge),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return r;
}
