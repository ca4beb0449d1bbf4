/*
 * test_fta_reader.c - reading Open-PSA MEF: definitions, name scopes, top
 * events, merging files, and one clear error line for each bad input.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fta/fta.h"

#define HEAD "<?xml version=\"1.0\"?>\n<opsa-mef>\n"
#define TAIL "</opsa-mef>\n"

static ph_fta_model *load_ok(const char *xml)
{
	char err[512];
	ph_fta_model *m = NULL;
	int rc = ph_fta_model_load_memory(xml, strlen(xml), "t.xml", &m, err, sizeof err);
	if (rc)
		fail_msg("load failed (%d): %s", rc, err);
	assert_non_null(m);
	return m;
}

/* Loads xml expecting failure code and an error line containing want. */
static void load_bad(const char *xml, int code, const char *want)
{
	char err[512];
	ph_fta_model *m = (ph_fta_model *)&err; /* must be reset to NULL */
	int rc = ph_fta_model_load_memory(xml, strlen(xml), "bad.xml", &m, err, sizeof err);
	assert_null(m);
	if (rc != code || !strstr(err, want))
		fail_msg("got %d '%s', want %d containing '%s'", rc, err, code, want);
	assert_null(strchr(err, '\n'));
}

static void test_simple_tree(void **state)
{
	(void)state;
	ph_fta_model *m = load_ok(
	        HEAD
	        "<define-fault-tree name=\"FT\">\n"
	        "  <define-gate name=\"top\"><or><gate name=\"g\"/><basic-event "
	        "name=\"a\"/></or></define-gate>\n"
	        "  <define-gate name=\"g\"><and><event name=\"b\"/><event "
	        "name=\"h\"/></and></define-gate>\n"
	        "  <define-basic-event name=\"a\"><float value=\"0.5\"/></define-basic-event>\n"
	        "  <define-basic-event name=\"b\"><label>x</label><float "
	        "value=\"0.25\"/></define-basic-event>\n"
	        "  <define-house-event name=\"h\"><constant value=\"true\"/></define-house-event>\n"
	        "</define-fault-tree>\n" TAIL);
	assert_int_equal(ph_fta_model_gate_count(m), 2);
	assert_int_equal(ph_fta_model_basic_count(m), 2);
	assert_int_equal(ph_fta_model_house_count(m), 1);
	assert_int_equal(ph_fta_model_top_count(m), 1);
	assert_string_equal(ph_fta_model_top(m, 0), "top");
	assert_null(ph_fta_model_top(m, 1));
	ph_fta_model_free(m);
}

/* Tops are per fault tree: a gate of tree A used only by tree B stays a
 * top event of A (SCRAM's rule), listed in definition order. */
static void test_tops_per_tree(void **state)
{
	(void)state;
	ph_fta_model *m =
	        load_ok(HEAD "<define-fault-tree name=\"A\">\n"
	                     "  <define-gate name=\"ta\"><or><basic-event name=\"x\"/><basic-event "
	                     "name=\"y\"/></or></define-gate>\n"
	                     "  <define-gate name=\"tb\"><and><basic-event "
	                     "name=\"x\"/><basic-event name=\"y\"/></and></define-gate>\n"
	                     "</define-fault-tree>\n"
	                     "<define-fault-tree name=\"B\">\n"
	                     "  <define-gate name=\"tc\"><or><gate name=\"ta\"/><basic-event "
	                     "name=\"y\"/></or></define-gate>\n"
	                     "</define-fault-tree>\n"
	                     "<model-data><define-basic-event name=\"x\"/><define-basic-event "
	                     "name=\"y\"/></model-data>\n" TAIL);
	assert_int_equal(ph_fta_model_top_count(m), 3);
	assert_string_equal(ph_fta_model_top(m, 0), "ta");
	assert_string_equal(ph_fta_model_top(m, 1), "tb");
	assert_string_equal(ph_fta_model_top(m, 2), "tc");
	ph_fta_model_free(m);
}

/* A private component's short names win inside it; outside, its gates are
 * reached by path (as in SCRAM's ThreeMotor model). */
static void test_private_component_scope(void **state)
{
	(void)state;
	ph_fta_model *m = load_ok(
	        HEAD
	        "<define-fault-tree name=\"FT\">\n"
	        "  <define-gate name=\"E1\"><and><gate name=\"t.E1\"/><basic-event "
	        "name=\"k\"/></and></define-gate>\n"
	        "  <define-component name=\"t\" role=\"private\">\n"
	        "    <define-gate name=\"E1\"><or><gate name=\"E2\"/><basic-event "
	        "name=\"k\"/></or></define-gate>\n"
	        "    <define-gate name=\"E2\"><and><basic-event name=\"k\"/><basic-event "
	        "name=\"j\"/></and></define-gate>\n"
	        "    <define-basic-event name=\"k\"><float value=\"0.1\"/></define-basic-event>\n"
	        "  </define-component>\n"
	        "</define-fault-tree>\n"
	        "<model-data>\n"
	        "  <define-basic-event name=\"k\"><float value=\"0.2\"/></define-basic-event>\n"
	        "  <define-basic-event name=\"j\"><float value=\"0.3\"/></define-basic-event>\n"
	        "</model-data>\n" TAIL);
	/* FT.t.E1 is private, so "E1" the public top does not clash with it. */
	assert_int_equal(ph_fta_model_top_count(m), 1);
	assert_string_equal(ph_fta_model_top(m, 0), "E1");
	char err[256];
	ph_fta_result *r = NULL;
	assert_int_equal(ph_fta_analyse(m, NULL, NULL, &r, err, sizeof err), 0);
	/* E1 = k AND (FT.t.k OR (FT.t.k AND j)) = k.FT.t.k; private events are
	 * named by path, as SCRAM reports them. */
	assert_int_equal(r->n_products, 1);
	assert_int_equal(r->products[0].order, 2);
	assert_string_equal(r->products[0].events[0], "FT.t.k");
	assert_string_equal(r->products[0].events[1], "k");
	assert_float_equal(r->probability, 0.2 * 0.1, 1e-15);
	ph_fta_result_free(r);
	/* The private gate is analysable by its full path. */
	assert_int_equal(ph_fta_analyse(m, "FT.t.E1", NULL, &r, err, sizeof err), 0);
	assert_string_equal(r->top, "FT.t.E1");
	ph_fta_result_free(r);
	ph_fta_model_free(m);
}

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/test_fta_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_several_files(void **state)
{
	(void)state;
	char *tree =
	        write_temp(HEAD "<define-fault-tree name=\"FT\">\n"
	                        "<define-gate name=\"top\"><atleast min=\"2\"><event name=\"a\"/>"
	                        "<event name=\"b\"/><event name=\"c\"/></atleast></define-gate>\n"
	                        "</define-fault-tree>\n" TAIL);
	char *data = write_temp(
	        HEAD "<model-data>\n"
	             "<define-basic-event name=\"a\"><float value=\"0.1\"/></define-basic-event>\n"
	             "<define-basic-event name=\"b\"><float value=\"0.2\"/></define-basic-event>\n"
	             "<define-basic-event name=\"c\"><int value=\"1\"/></define-basic-event>\n"
	             "</model-data>\n" TAIL);
	const char *files[] = { tree, data };
	char err[512];
	ph_fta_model *m = NULL;
	assert_int_equal(ph_fta_model_load(files, 2, &m, err, sizeof err), 0);
	assert_int_equal(ph_fta_model_basic_count(m), 3);
	ph_fta_model_free(m);
	/* The same definitions twice: duplicate, named with the second file. */
	const char *twice[] = { tree, data, data };
	assert_int_equal(ph_fta_model_load(twice, 3, &m, err, sizeof err), PH_FTA_EDUPLICATE);
	assert_null(m);
	assert_non_null(strstr(err, data));
	assert_non_null(strstr(err, ":4: error: define-basic-event 'a': duplicate definition"));
	unlink(tree);
	unlink(data);
	free(tree);
	free(data);
}

static void test_missing_file(void **state)
{
	(void)state;
	const char *files[] = { "/nonexistent/pump.xml" };
	char err[256];
	ph_fta_model *m = NULL;
	assert_int_equal(ph_fta_model_load(files, 1, &m, err, sizeof err), PH_FTA_EIO);
	assert_non_null(strstr(err, "/nonexistent/pump.xml: No such file"));
	assert_int_equal(ph_fta_model_load(NULL, 0, &m, err, sizeof err), PH_FTA_EARG);
}

#define TREE(body) HEAD "<define-fault-tree name=\"FT\">\n" body "</define-fault-tree>\n" TAIL
#define BE(n) "<define-basic-event name=\"" n "\"><float value=\"0.1\"/></define-basic-event>\n"

static void test_errors(void **state)
{
	(void)state;
	load_bad("<opsa-mef><define-fault-tree name=\"x\">", PH_FTA_EXML,
	         "bad.xml:1: error: malformed XML:");
	load_bad("", PH_FTA_EXML, "bad.xml:");
	load_bad("<?xml version=\"1.0\"?>\n<tree/>\n", PH_FTA_EXML,
	         "bad.xml:2: error: tree '': not an Open-PSA MEF document");
	load_bad(TREE("<define-gate name=\"top\"><or><basic-event name=\"a\"/>\n"
	              "<basic-event name=\"zz\"/></or></define-gate>\n" BE("a")),
	         PH_FTA_EUNDEFINED,
	         "bad.xml:5: error: basic-event 'zz': undefined basic-event (used by gate 'top')");
	load_bad(TREE("<define-gate name=\"top\"><or><event name=\"a\"/>\n"
	              "<gate name=\"b\"/></or></define-gate>\n" BE("a") BE("b")),
	         PH_FTA_EUNDEFINED, "bad.xml:5: error: gate 'b': undefined gate");
	load_bad(TREE("<define-gate name=\"top\"><or><event name=\"a\" type=\"gate\"/>\n"
	              "<event name=\"b\"/></or></define-gate>\n" BE("a") BE("b")),
	         PH_FTA_EUNDEFINED, "bad.xml:4: error: event 'a': undefined gate");
	load_bad(TREE("<define-gate name=\"top\"><or><gate name=\"g\"/><event "
	              "name=\"a\"/></or></define-gate>\n"
	              "<define-gate name=\"g\"><and><gate name=\"top\"/><event "
	              "name=\"a\"/></and></define-gate>\n" BE("a")),
	         PH_FTA_ECYCLE, "bad.xml:4: error: define-gate 'top': cycle top -> g -> top");
	load_bad(TREE("<define-gate name=\"top\"><not><gate name=\"top\"/></not></define-gate>\n"),
	         PH_FTA_ECYCLE, "cycle top -> top");
	load_bad(TREE("<define-gate name=\"top\">\n<label>later</label></define-gate>\n"),
	         PH_FTA_EEMPTY, "bad.xml:4: error: define-gate 'top': empty gate (no formula)");
	load_bad(TREE("<define-gate name=\"top\"><or>\n</or></define-gate>\n"), PH_FTA_EEMPTY,
	         "bad.xml:4: error: or 'top': empty formula");
	load_bad(TREE("<define-gate name=\"top\"><and><event name=\"a\"/></and></define-gate>\n" BE(
	                 "a")),
	         PH_FTA_EINVALID, "and 'top': needs 2 or more arguments, has 1");
	load_bad(TREE("<define-gate name=\"top\"><xor><event name=\"a\"/><event name=\"b\"/>"
	              "<event name=\"c\"/></xor></define-gate>\n" BE("a") BE("b") BE("c")),
	         PH_FTA_EINVALID, "xor 'top': needs exactly 2 arguments, has 3");
	load_bad(TREE("<define-gate name=\"top\"><atleast min=\"two\"><event name=\"a\"/><event "
	              "name=\"b\"/>"
	              "<event name=\"c\"/></atleast></define-gate>\n" BE("a") BE("b") BE("c")),
	         PH_FTA_EINVALID, "atleast 'top': attribute min must be");
	load_bad(TREE("<define-gate name=\"top\"><and><event name=\"a\"/><event "
	              "name=\"a\"/></and></define-gate>\n" BE("a")),
	         PH_FTA_EDUPLICATE, "and 'top': duplicate argument 'a'");
	load_bad(TREE("<define-gate name=\"a\"><not><event name=\"b\"/></not></define-gate>\n" BE(
	                 "b") BE("a")),
	         PH_FTA_EDUPLICATE,
	         "bad.xml:6: error: define-basic-event 'a': duplicate definition (first defined by "
	         "define-gate at bad.xml:4)");
	load_bad(TREE("<define-gate name=\"top\"><or><event name=\"a\"/><parameter "
	              "name=\"p\"/></or></define-gate>\n" BE("a")),
	         PH_FTA_EUNSUPPORTED,
	         "bad.xml:4: error: parameter 'top': unsupported formula element");
	load_bad(HEAD "<define-CCF-group name=\"pumps\" model=\"beta-factor\"/>\n" TAIL,
	         PH_FTA_EINVALID,
	         "bad.xml:3: error: define-CCF-group 'pumps': needs exactly one <members> list");
	load_bad(HEAD "<define-CCF-group name=\"pumps\" model=\"gamma\"/>\n" TAIL, PH_FTA_EINVALID,
	         "bad.xml:3: error: define-CCF-group 'pumps': model must be beta-factor, MGL, "
	         "alpha-factor or phi-factor");
	load_bad(HEAD "<define-CCF-group name=\"pumps\" model=\"beta-factor\"><members>"
	              "<basic-event name=\"x\"/></members></define-CCF-group>\n" TAIL,
	         PH_FTA_EINVALID,
	         "bad.xml:3: error: members 'pumps': a CCF group needs at least 2 members");
	load_bad(HEAD "<define-CCF-group name=\"pumps\" model=\"beta-factor\"><members>"
	              "<basic-event name=\"x\"/><basic-event name=\"y\"/></members>"
	              "<factor level=\"2\"><float value=\"0.1\"/></factor>"
	              "</define-CCF-group>\n" TAIL,
	         PH_FTA_EEMPTY, "bad.xml:3: error: define-CCF-group 'pumps': no <distribution>");
	load_bad(HEAD "<define-CCF-group name=\"pumps\" model=\"beta-factor\"><members>"
	              "<basic-event name=\"x\"/><basic-event name=\"y\"/></members>"
	              "<distribution><float value=\"1.5\"/></distribution>"
	              "<factor level=\"2\"><float value=\"0.1\"/></factor>"
	              "</define-CCF-group>\n" TAIL,
	         PH_FTA_EINVALID,
	         "bad.xml:3: error: define-CCF-group 'pumps': distribution 1.5 is outside [0, 1]");
	load_bad(HEAD "<define-event-tree name=\"et\"/>\n" TAIL, PH_FTA_EUNSUPPORTED,
	         "define-event-tree 'et': event trees are not supported");
	load_bad(TREE("<define-basic-event name=\"a\"><float "
	              "value=\"1.5\"/></define-basic-event>\n"),
	         PH_FTA_EINVALID,
	         "bad.xml:4: error: define-basic-event 'a': probability 1.5 is outside [0, 1]");
	load_bad(TREE("<define-basic-event name=\"a\"><float "
	              "value=\"nan\"/></define-basic-event>\n"),
	         PH_FTA_EINVALID, "float 'a': value attribute is not a number");
	load_bad(TREE("<define-house-event name=\"h\"><constant "
	              "value=\"yes\"/></define-house-event>\n"),
	         PH_FTA_EINVALID, "constant 'h': value must be \"true\" or \"false\"");
	load_bad(TREE("<define-gate name=\"a.b\"><not><event name=\"c\"/></not></define-gate>\n" BE(
	                 "c")),
	         PH_FTA_EINVALID, "define-gate 'a.b': invalid name");
	load_bad(TREE("<define-gate><not><event name=\"c\"/></not></define-gate>\n" BE("c")),
	         PH_FTA_EINVALID, "define-gate '': missing name attribute");
	load_bad(TREE("<define-gate name=\"g\" role=\"secret\"><not><event "
	              "name=\"c\"/></not></define-gate>\n" BE("c")),
	         PH_FTA_EINVALID, "role must be");
	load_bad("<?xml version=\"1.0\"?>\n<!DOCTYPE opsa-mef [<!ENTITY x \"y\">]>\n<opsa-mef/>\n",
	         PH_FTA_EUNSUPPORTED,
	         "bad.xml:2: error: document type declarations are not supported");
	/* A DOCTYPE is refused at its own line, never line -1 (item 14). */
	load_bad("<!DOCTYPE opsa-mef>\n<opsa-mef/>\n", PH_FTA_EUNSUPPORTED,
	         "bad.xml:1: error: document type declarations are not supported");
	load_bad("<?xml version=\"1.0\"?>\n<!-- <!DOCTYPE x> -->\n\n<!DOCTYPE opsa-mef SYSTEM\n"
	         "  \"opsa-mef.dtd\">\n<opsa-mef/>\n",
	         PH_FTA_EUNSUPPORTED,
	         "bad.xml:4: error: document type declarations are not supported");
	load_bad("<!DOCTYPE opsa-mef [\n<!ELEMENT opsa-mef ANY>\n<!ENTITY a \"&b;&b;\">\n]>\n"
	         "<opsa-mef>&a;</opsa-mef>\n",
	         PH_FTA_EUNSUPPORTED,
	         "bad.xml:1: error: document type declarations are not supported");
	load_bad(TREE("") HEAD, PH_FTA_EXML, "malformed XML");
}

/* A private definition may reuse a public name; two publics may not. */
static void test_private_names_do_not_clash(void **state)
{
	(void)state;
	ph_fta_model *m = load_ok(
	        HEAD
	        "<define-fault-tree name=\"A\">\n"
	        "  <define-gate name=\"top\"><or><event name=\"x\"/><gate "
	        "name=\"c.g\"/></or></define-gate>\n"
	        "  <define-component name=\"c\" role=\"private\">\n"
	        "    <define-gate name=\"g\"><and><event name=\"x\"/><event "
	        "name=\"y\"/></and></define-gate>\n"
	        "    <define-basic-event name=\"x\"><float value=\"0.5\"/></define-basic-event>\n"
	        "  </define-component>\n"
	        "</define-fault-tree>\n"
	        "<model-data>" BE("x") BE("y") "</model-data>\n" TAIL);
	ph_fta_model_free(m);
	load_bad(HEAD "<define-fault-tree name=\"A\"><define-gate name=\"g\"><not><event "
	              "name=\"x\"/></not></define-gate></define-fault-tree>\n"
	              "<define-fault-tree name=\"B\"><define-gate name=\"g\"><not><event "
	              "name=\"x\"/></not></define-gate></define-fault-tree>\n"
	              "<model-data>" BE("x") "</model-data>" TAIL,
	         PH_FTA_EDUPLICATE, "bad.xml:4: error: define-gate 'g': duplicate definition");
	load_bad(HEAD "<define-fault-tree name=\"A\"/><define-fault-tree name=\"A\"/>" TAIL,
	         PH_FTA_EDUPLICATE, "define-fault-tree 'A': duplicate fault tree name");
}

static void test_error_buffer_truncates(void **state)
{
	(void)state;
	char err[16];
	ph_fta_model *m = NULL;
	const char *xml = TREE("<define-gate name=\"top\"><or>\n</or></define-gate>\n");
	assert_int_equal(ph_fta_model_load_memory(xml, strlen(xml), "a-rather-long-file-name.xml",
	                                          &m, err, sizeof err),
	                 PH_FTA_EEMPTY);
	assert_int_equal(strlen(err), sizeof err - 1);
	assert_int_equal(ph_fta_model_load_memory(xml, strlen(xml), "x.xml", &m, NULL, 0),
	                 PH_FTA_EEMPTY);
	assert_string_equal(ph_fta_strerror(PH_FTA_ECYCLE), "cycle");
	assert_string_equal(ph_fta_strerror(12345), "unknown error");
}

/* Probability expressions: parameters (scoped like events), the mission
 * time, arithmetic and the reliability models, evaluated as SCRAM does. */
static void test_expressions(void **state)
{
	(void)state;
	ph_fta_model *m = load_ok(
	        HEAD
	        "<define-fault-tree name=\"FT\">\n"
	        "  <define-gate name=\"top\"><and><event name=\"a\"/><event name=\"b\"/>"
	        "<event name=\"c\"/><event name=\"d\"/></and></define-gate>\n"
	        "  <define-parameter name=\"rate\" role=\"private\"><float "
	        "value=\"2e-4\"/></define-parameter>\n"
	        "  <define-basic-event name=\"a\"><exponential><parameter name=\"rate\"/>"
	        "<system-mission-time/></exponential></define-basic-event>\n"
	        "  <define-basic-event name=\"b\"><GLM><float value=\"0.1\"/><float "
	        "value=\"1e-3\"/>"
	        "<float value=\"0.01\"/><int value=\"100\"/></GLM></define-basic-event>\n"
	        "  <define-basic-event name=\"c\"><mul><parameter name=\"half\"/><sub><int "
	        "value=\"1\"/>"
	        "<div><float value=\"1\"/><int "
	        "value=\"4\"/></div></sub></mul></define-basic-event>\n"
	        "  <define-basic-event name=\"d\"><lognormal-deviate><float value=\"0.01\"/>"
	        "<float value=\"3\"/><float "
	        "value=\"0.95\"/></lognormal-deviate></define-basic-event>\n"
	        "</define-fault-tree>\n"
	        "<model-data><define-parameter name=\"half\"><neg><float value=\"-0.5\"/></neg>"
	        "</define-parameter></model-data>\n" TAIL);
	assert_int_equal(ph_fta_model_param_count(m), 2);
	char err[256];
	ph_fta_result *r = NULL;
	assert_int_equal(ph_fta_analyse(m, NULL, NULL, &r, err, sizeof err), 0);
	double pa = 1 - exp(-2e-4 * 8760);
	double pb = (1e-3 - (1e-3 - 0.1 * 0.011) * exp(-0.011 * 100)) / 0.011;
	assert_float_equal(r->probability, pa * pb * 0.375 * 0.01, 1e-15);
	ph_fta_result_free(r);
	/* Another mission time changes what depends on it. */
	assert_int_equal(ph_fta_model_set_mission_time(m, 1000, err, sizeof err), 0);
	assert_int_equal(ph_fta_analyse(m, NULL, NULL, &r, err, sizeof err), 0);
	assert_float_equal(r->probability, (1 - exp(-0.2)) * pb * 0.375 * 0.01, 1e-15);
	ph_fta_result_free(r);
	assert_int_equal(ph_fta_model_set_mission_time(m, -1, err, sizeof err), PH_FTA_EARG);
	ph_fta_model_free(m);
	load_bad(TREE("<define-parameter name=\"p\"><parameter name=\"q\"/></define-parameter>\n"
	              "<define-parameter name=\"q\"><parameter name=\"p\"/></define-parameter>\n"),
	         PH_FTA_ECYCLE, "define-parameter 'p': parameter depends on itself");
	load_bad(TREE("<define-basic-event name=\"a\"><exponential><parameter name=\"lambda\"/>\n"
	              "<system-mission-time/></exponential></define-basic-event>\n"),
	         PH_FTA_EUNDEFINED,
	         "bad.xml:4: error: parameter 'lambda': undefined parameter (used by 'a')");
	load_bad(TREE("<define-basic-event name=\"a\"><div><float value=\"1\"/>\n"
	              "<int value=\"0\"/></div></define-basic-event>\n"),
	         PH_FTA_EINVALID, "bad.xml:4: error: div 'a': division by zero");
	load_bad(TREE("<define-basic-event name=\"a\"><exponential><float value=\"1\"/>"
	              "</exponential></define-basic-event>\n"),
	         PH_FTA_EINVALID, "exponential 'a': needs 2 arguments, has 1");
	load_bad(TREE("<define-basic-event name=\"a\"><histogram/></define-basic-event>\n"),
	         PH_FTA_EUNSUPPORTED, "bad.xml:4: error: histogram 'a': unsupported expression");
	load_bad(TREE("<define-parameter name=\"p\"><label>x</label></define-parameter>\n"),
	         PH_FTA_EEMPTY, "define-parameter 'p': parameter without expression");
	load_bad(TREE("<define-basic-event name=\"a\"><exponential><float value=\"1\"/>"
	              "<system-mission-time/></exponential></define-basic-event>\n"
	              "<define-basic-event name=\"b\"><mul><float value=\"1e-3\"/>"
	              "<system-mission-time/></mul></define-basic-event>\n"),
	         PH_FTA_EINVALID, "define-basic-event 'b': probability 8.76 is outside [0, 1]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_tree),
		cmocka_unit_test(test_tops_per_tree),
		cmocka_unit_test(test_private_component_scope),
		cmocka_unit_test(test_several_files),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_private_names_do_not_clash),
		cmocka_unit_test(test_error_buffer_truncates),
		cmocka_unit_test(test_expressions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
