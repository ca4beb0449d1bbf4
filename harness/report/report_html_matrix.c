/*
 * report_html_matrix.c - the traceability matrix: each requirement of the
 * catalogue with its source, its hazards and the tests that verify it, and
 * its coverage; the requirements no test covers, named; the hazards with
 * the requirements and tests that address them; ids tests use that the
 * catalogue does not know.
 */
#include <stdio.h>
#include <string.h>

#include "report_priv.h"

#define str ph_report_str
#define esc ph_report_html_esc

static int has_id(json_t *list, const char *id)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) if (json_string_value(v) &&
	                                   !strcmp(json_string_value(v), id)) return 1;
	return 0;
}

/* Links to the tests whose key list holds id; returns the worst verdict
 * seen: 0 none, 1 all passed, 2 only skipped, 3 some failed or errored. */
static int test_links(FILE *f, json_t *tests, const char *key, const char *id, json_t *also_reqs)
{
	size_t i, k;
	json_t *t, *r;
	int n = 0, worst = 0;

	json_array_foreach(tests, i, t)
	{
		int hit = has_id(json_object_get(t, key), id);
		json_array_foreach(also_reqs, k, r) hit =
		        hit || (json_string_value(r) &&
		                has_id(json_object_get(t, "req"), json_string_value(r)));
		if (!hit)
			continue;
		const char *v = str(t, "verdict");
		ph_verdict vd = ph_verdict_of(t);
		/* A known issue (xfail) leaves the requirement unverified. */
		int level = ph_verdict_is_pass(vd) ? 1 : vd == PH_VERDICT_SKIP ? 2 : 3;
		if (level == 2 && worst == 1)
			level = 1;
		worst = level > worst ? level : worst;
		fprintf(f, "%s<a class=%s href=\"#test-%zu\">", n++ ? "<br>" : "", v, i + 1);
		esc(f, str(t, "name"));
		fprintf(f, "</a> <span class=\"badge %s\">%s</span>", v, v);
	}
	if (!n)
		fputs("&ndash;", f);
	return worst;
}

static void coverage_cell(FILE *f, int worst, json_t *req)
{
	if (json_is_false(json_object_get(req, "testable"))) {
		fputs("<td class=skip>not testable: ", f);
		esc(f, str(req, "reason"));
		fputs("</td>", f);
	} else if (worst == 0) {
		fputs("<td class=\"badge fail uncovered\">not covered</td>", f);
	} else if (worst == 3) {
		fputs("<td class=\"badge fail\">covered, failing</td>", f);
	} else if (worst == 2) {
		fputs("<td class=\"badge warn\">covered, skipped</td>", f);
	} else {
		fputs("<td class=\"badge pass\">covered, passing</td>", f);
	}
}

static void id_cell(FILE *f, json_t *list)
{
	size_t i;
	json_t *v;
	fputs("<td>", f);
	json_array_foreach(list, i, v)
	{
		if (i)
			fputs(", ", f);
		esc(f, json_string_value(v));
	}
	fputs("</td>", f);
}

/* One row per requirement; counts[] gets passing, failing, uncovered, untestable. */
static void requirement_rows(FILE *f, json_t *reqs, json_t *tests, int counts[4])
{
	size_t i;
	json_t *r;

	json_array_foreach(reqs, i, r)
	{
		const char *id = str(r, "id");
		fprintf(f, "<tr id=\"req-");
		esc(f, id);
		fputs("\"><th>", f);
		esc(f, id);
		fputs("</th><td>", f);
		esc(f, str(r, "text"));
		fputs("<br><span class=meta>source: ", f);
		esc(f, str(r, "source"));
		if (*str(r, "note")) {
			fputs("<br>note: ", f);
			esc(f, str(r, "note"));
		}
		fputs("</span></td>", f);
		id_cell(f, json_object_get(r, "hazards"));
		fputs("<td>", f);
		int worst = test_links(f, tests, "req", id, NULL);
		fputs("</td>", f);
		coverage_cell(f, worst, r);
		fputs("</tr>\n", f);
		if (json_is_false(json_object_get(r, "testable")))
			counts[3]++;
		else
			counts[worst == 0 ? 2 : worst == 3 ? 1 : 0]++;
	}
}

static void uncovered_list(FILE *f, json_t *reqs, json_t *tests)
{
	size_t i, k, n = 0;
	json_t *r, *t;

	fputs("<p id=uncovered><b>Requirements no test covers:</b> ", f);
	json_array_foreach(reqs, i, r)
	{
		int covered = 0;
		if (json_is_false(json_object_get(r, "testable")))
			continue;
		json_array_foreach(tests, k, t) covered =
		        covered || has_id(json_object_get(t, "req"), str(r, "id"));
		if (covered)
			continue;
		fputs(n++ ? ", " : "", f);
		fputs("<a class=fail href=\"#req-", f);
		esc(f, str(r, "id"));
		fputs("\">", f);
		esc(f, str(r, "id"));
		fputs("</a>", f);
	}
	fputs(n ? "</p>\n" : "none.</p>\n", f);
}

/* Requirements of the catalogue that name hazard id. */
static json_t *reqs_of_hazard(json_t *reqs, const char *id)
{
	json_t *out = json_array(), *r;
	size_t i;
	json_array_foreach(reqs, i, r) if (has_id(json_object_get(r, "hazards"), id))
	        json_array_append(out, json_object_get(r, "id"));
	return out;
}

static void hazard_rows(FILE *f, json_t *hazards, json_t *reqs, json_t *tests)
{
	size_t i;
	json_t *h;

	fputs("<h3>Hazards</h3>\n<table "
	      "class=hazards><tr><th>hazard</th><th>text</th><th>requirements</th>"
	      "<th>tests (direct, or through a requirement)</th><th>coverage</th></tr>\n",
	      f);
	json_array_foreach(hazards, i, h)
	{
		json_t *rs = reqs_of_hazard(reqs, str(h, "id"));
		fputs("<tr><th>", f);
		esc(f, str(h, "id"));
		fputs("</th><td>", f);
		esc(f, str(h, "text"));
		fputs("</td>", f);
		id_cell(f, rs);
		fputs("<td>", f);
		int worst = test_links(f, tests, "hazard", str(h, "id"), rs);
		fputs("</td>", f);
		coverage_cell(f, worst, h);
		fputs("</tr>\n", f);
		json_decref(rs);
	}
	fputs("</table>\n", f);
}

/* Ids of key used by tests that the catalogue list does not hold. */
static void unknown_ids(FILE *f, json_t *tests, const char *key, json_t *list, const char *what)
{
	json_t *seen = json_object(), *known = json_object(), *t, *v;
	size_t i, k;

	json_array_foreach(list, i, v) json_object_set_new(known, str(v, "id"), json_true());
	json_array_foreach(tests, i, t) json_array_foreach(json_object_get(t, key), k, v)
	{
		const char *id = json_string_value(v);
		if (!id || json_object_get(known, id) || json_object_get(seen, id))
			continue;
		fprintf(f, "%s", json_object_size(seen) ? ", " : "");
		if (!json_object_size(seen))
			fprintf(f,
			        "<p class=warn id=unknown-%s>%s used by tests but not in the "
			        "catalogue: ",
			        key, what);
		json_object_set_new(seen, id, json_true());
		esc(f, id);
	}
	if (json_object_size(seen))
		fputs("</p>\n", f);
	json_decref(seen);
	json_decref(known);
}

void ph_report_html_matrix(FILE *f, json_t *record)
{
	json_t *cat = json_object_get(record, "catalogue"),
	       *tests = json_object_get(record, "tests");
	json_t *reqs = json_object_get(cat, "requirements"),
	       *hazards = json_object_get(cat, "hazards");
	json_t *missing = json_object_get(cat, "missing"), *v;
	int counts[4] = { 0 };
	size_t i;

	fputs("<h2 id=traceability>Traceability</h2>\n", f);
	json_array_foreach(missing, i, v)
	{
		fputs("<p class=warn>catalogue: ", f);
		esc(f, json_string_value(v));
		fputs("</p>\n", f);
	}
	fputs("<table class=matrix><tr><th>requirement</th><th>text and source</th><th>hazards</th>"
	      "<th>tests</th><th>coverage</th></tr>\n",
	      f);
	requirement_rows(f, reqs, tests, counts);
	fputs("</table>\n", f);
	fprintf(f,
	        "<p id=coverage>%zu requirements: %d covered and passing, %d covered with "
	        "failures, "
	        "%d not covered, %d not testable on the bench.</p>\n",
	        json_array_size(reqs), counts[0], counts[1], counts[2], counts[3]);
	uncovered_list(f, reqs, tests);
	unknown_ids(f, tests, "req", reqs, "Requirement ids");
	hazard_rows(f, hazards, reqs, tests);
	unknown_ids(f, tests, "hazard", hazards, "Hazard ids");
}
