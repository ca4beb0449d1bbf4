/*
 * history_out.c - the history subscriber: at the run's end, the run's record
 * into the results store (history/), in one transaction.  It shares
 * ph_history_store with `pumphil history import`, so a run stored live and
 * a run imported later are the same rows.
 *
 * A store that cannot be reached never fails the run: the record stays on
 * disk, a warning says so and how to load it later.
 */
#include <string.h>

#include "base/log.h"
#include "history/history.h"
#include "run/run_priv.h"

static void on_run_started(void *ud, json_t *run, size_t ntests)
{
	ph_collect_start(&((ph_history_out *)ud)->results, ntests);
}

static void on_verdict(void *ud, const ph_test_ref *t, ph_verdict v, json_t *result)
{
	ph_collect_put(&((ph_history_out *)ud)->results, t->index, result);
}

static void warn_kept(ph_history_out *h, const char *why)
{
	if (h->o->no_report)
		ph_log_warn("pumphil: warning: history: %s: this run is not in the history, and "
		            "--no-report kept no record of it",
		            why);
	else
		ph_log_warn("pumphil: warning: history: %s: the run's record stays in %s; load it "
		            "later with: pumphil history import %s",
		            why, h->dir, h->dir);
}

static int on_run_finished(void *ud, json_t *run, const ph_run_summary *s)
{
	ph_history_out *h = ud;
	char err[1024], why[1200];
	json_t *record = ph_collect_record(&h->results, run);
	if (!record) {
		warn_kept(h, "out of memory");
		return 0;
	}
	ph_history *db = ph_history_open(h->url, err, sizeof err);
	if (!db) {
		snprintf(why, sizeof why, "cannot open %s (%s)", h->url, err);
		warn_kept(h, why);
	} else {
		int rc = ph_history_store(db, record, h->o->no_report ? NULL : h->dir, err,
		                          sizeof err);
		if (rc < 0) {
			snprintf(why, sizeof why, "cannot store the run in %s (%s)", h->url, err);
			warn_kept(h, why);
		} else {
			ph_log_info("history: run stored in %s", h->url);
		}
		ph_history_close(db);
	}
	json_decref(record);
	/* An unreachable store is not lost evidence: the record is on disk. */
	return 0;
}

void ph_history_out_subscriber(ph_history_out *h, ph_subscriber *s)
{
	memset(s, 0, sizeof *s);
	s->name = "history";
	s->ud = h;
	s->run_started = on_run_started;
	s->verdict = on_verdict;
	s->run_finished = on_run_finished;
}

void ph_history_out_free(ph_history_out *h)
{
	ph_collect_free(&h->results);
}
