/*
 * report_html_fta.c - the fault-tree validation table of the HTML report:
 * one row per scenario of `pumphil fta validate` (tests carrying an "fta"
 * object in the record), with the cut set's order, probability and
 * contribution, the hazard and requirement ids it is linked to, the
 * hazard, the detection, the figures and the verdict against the tree.
 */
#include <stdio.h>

#include "report_priv.h"

#define esc ph_report_html_esc

int ph_report_has_fta(json_t *record)
{
	json_t *tests = json_object_get(record, "tests");
	size_t i;
	json_t *t;
	json_array_foreach(tests, i, t) if (json_is_object(json_object_get(t, "fta"))) return 1;
	return 0;
}

static void events_cell(FILE *f, json_t *fta)
{
	size_t i;
	json_t *e;
	fputs("<td>", f);
	json_array_foreach(json_object_get(fta, "events"), i, e)
	{
		if (i)
			fputs(", ", f);
		esc(f, json_string_value(e) ? json_string_value(e) : "");
	}
	fputs("</td>", f);
}

static void ids_cell(FILE *f, json_t *t)
{
	static const char *const keys[] = { "hazard", "req" };
	size_t i, n = 0;
	json_t *e;
	fputs("<td>", f);
	for (int k = 0; k < 2; k++)
		json_array_foreach(json_object_get(t, keys[k]), i, e)
		{
			if (n++)
				fputs(", ", f);
			esc(f, json_string_value(e) ? json_string_value(e) : "");
		}
	fputs("</td>", f);
}

/* Order, probability and contribution (cut sets only: a single basic event
 * that is not a cut set has neither). */
static void cut_set_cells(FILE *f, json_t *fta)
{
	json_t *p = json_object_get(fta, "probability");
	json_t *c = json_object_get(fta, "contribution");
	fprintf(f, "<td class=num>%lld</td>",
	        (long long)json_integer_value(json_object_get(fta, "order")));
	if (json_is_number(p) && json_is_number(c))
		fprintf(f, "<td class=num>%.4g</td><td class=num>%.2f %%</td>",
		        json_number_value(p), 100 * json_number_value(c));
	else
		fputs("<td></td><td></td>", f);
}

static void outcome_cells(FILE *f, json_t *fta)
{
	const char *skipped = ph_report_str(fta, "skipped");
	if (*skipped) {
		fputs("<td class=skip colspan=4>", f);
		esc(f, skipped);
		fputs("</td><td class=\"badge skip\">skipped</td>", f);
		return;
	}
	int hazard = json_is_true(json_object_get(fta, "hazard"));
	fprintf(f, "<td class=%s>%s", hazard ? "fail" : "pass", hazard ? "yes: " : "no");
	esc(f, ph_report_str(fta, "why"));
	fputs("</td><td>", f);
	esc(f, json_is_true(json_object_get(fta, "detected")) ? ph_report_str(fta, "alarm") : "no");
	json_t *lat = json_object_get(fta, "latency_s");
	if (json_is_number(lat))
		fprintf(f, "</td><td class=num>%.1f s</td>", json_number_value(lat));
	else
		fputs("</td><td></td>", f);
	fputs("<td>", f);
	esc(f, ph_report_str(fta, "figures"));
	fputs("</td>", f);
	const char *c = ph_report_str(fta, "contradiction");
	fprintf(f, "<td class=\"badge %s\">%s</td>", *c ? "fail" : "pass",
	        *c ? "contradiction" : "as the tree says");
}

void ph_report_html_fta(FILE *f, json_t *record)
{
	json_t *tests = json_object_get(record, "tests"), *t;
	size_t i;
	if (!ph_report_has_fta(record))
		return;
	fputs("<h2 id=fta>Fault-tree validation</h2>\n<table class=tests><tr><th>#</th>"
	      "<th>top event</th><th>scenario</th><th>basic events</th><th>order</th>"
	      "<th>probability</th><th>contribution</th><th>hazards, requirements</th>"
	      "<th>hazard</th><th>detected</th><th>latency</th><th>figures</th>"
	      "<th>verdict</th></tr>\n",
	      f);
	json_array_foreach(tests, i, t)
	{
		json_t *fta = json_object_get(t, "fta");
		if (!json_is_object(fta))
			continue;
		fprintf(f, "<tr><td class=num><a href=\"#test-%zu\">%zu</a></td><td>", i + 1,
		        i + 1);
		esc(f, ph_report_str(fta, "top"));
		fputs("</td><td>", f);
		esc(f, ph_report_str(fta, "kind"));
		fputs("</td>", f);
		events_cell(f, fta);
		cut_set_cells(f, fta);
		ids_cell(f, t);
		outcome_cells(f, fta);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}
