/*
 * record_out.c - the record subscriber: every result in plan order, and at
 * the run's end the record and the reports made from it (docs/record.md,
 * docs/reports.md).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "report/report.h"
#include "results/record.h"
#include "run/run_priv.h"

static void on_run_started(void *ud, json_t *run, size_t ntests)
{
	ph_collect_start(&((ph_record_out *)ud)->results, ntests);
}

static void on_verdict(void *ud, const ph_test_ref *t, ph_verdict v, json_t *result)
{
	ph_collect_put(&((ph_record_out *)ud)->results, t->index, result);
}

/* reports/latest -> this run, replaced atomically. */
static void point_latest(const ph_run_opts *o, const char *run_id)
{
	char link[1024], tmp[1100];
	if (o->report_dir)
		return;
	snprintf(link, sizeof link, "%s/latest", o->reports_root);
	snprintf(tmp, sizeof tmp, "%s/.latest.%d", o->reports_root, (int)getpid());
	unlink(tmp);
	if (symlink(run_id, tmp) == 0 && rename(tmp, link) != 0)
		unlink(tmp);
}

/* Every test's trace reached its file: a test whose trace could not be
 * written (opened, or a write failed: a full disk) is evidence lost.
 * Returns 0, or -1 after naming the first such file and the count. */
static int check_evidence(json_t *tests)
{
	json_t *t;
	size_t i;
	int n = 0;
	const char *first = NULL;
	json_array_foreach(tests, i, t)
	{
		const char *e = json_string_value(json_object_get(t, "evidence_error"));
		if (e && n++ == 0)
			first = e;
	}
	if (!n)
		return 0;
	if (n == 1)
		ph_log_error("pumphil: evidence: trace not written: %s", first);
	else
		ph_log_error("pumphil: evidence: %d traces not written, the first: %s", n, first);
	return -1;
}

static int on_run_finished(void *ud, json_t *run, const ph_run_summary *s)
{
	ph_record_out *r = ud;
	char err[1024];
	int rc = 0;

	if (r->o->no_report)
		return 0;
	rc = check_evidence(r->results.tests);
	json_t *record = ph_collect_record(&r->results, run);
	/* The trends read the history before the history subscriber (after
	 * this one) stores this run; they leave this run's key out of the
	 * earlier runs, so `pumphil report` later draws the same points. */
	ph_report_opts ro = { .src_dir = r->dir,
		              .fixtures_dir = r->o->fixtures_dir,
		              .plots = 1,
		              .history = r->o->history };
	if (!record) {
		ph_log_error("pumphil: report: out of memory building the record");
		rc = -1;
	} else if (ph_report_write_all(r->dir, record, &ro, err, sizeof err) < 0) {
		ph_log_error("pumphil: report: %s", err);
		rc = -1;
	} else {
		printf("report: %s/index.html\n", r->dir);
	}
	point_latest(r->o, r->run_id);
	json_decref(record);
	return rc;
}

void ph_record_out_subscriber(ph_record_out *r, ph_subscriber *s)
{
	memset(s, 0, sizeof *s);
	s->name = "record";
	s->ud = r;
	s->run_started = on_run_started;
	s->verdict = on_verdict;
	s->run_finished = on_run_finished;
}

void ph_record_out_free(ph_record_out *r)
{
	ph_collect_free(&r->results);
}
