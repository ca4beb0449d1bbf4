/*
 * run_priv.h - the stages of a run, shared inside run/ only: discovery
 * (discover.c), the plan (plan.c), and the two built-in subscribers
 * (console.c, record_out.c).  runner.c strings them together.
 */
#ifndef PH_RUN_PRIV_H
#define PH_RUN_PRIV_H

#ifndef PH_USES_RUN
#error "run/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stdint.h>

#include <jansson.h>

#include "run/events.h"
#include "run/runner.h"
#include "run/script.h"

/* A growable list of owned strings. */
typedef struct ph_strvec {
	char **v;
	int n, cap;
} ph_strvec;

int ph_strvec_push(ph_strvec *s, const char *x);
void ph_strvec_free(ph_strvec *s);

/* Append path, or every *.lua below it in name order, to out.  Returns 0, or
 * -1 with a line naming the path on stderr. */
int ph_discover(const char *path, ph_strvec *out);

/* The selected tests of scripts[0..n-1] in order (after tags, filter,
 * shard), each repeated o->repeat times with its own seed.  Returns 0 or -1
 * (no memory). */
int ph_plan_make(const ph_run_opts *o, ph_script **scripts, int n, const json_t *only,
                 ph_plan *plan);
/* The key ph_plan_make's `only` set is made of: "FILE-NAME\tSUITE\tNAME"
 * (the script's file name without its folder, as seeds use it).  Writes
 * at most n bytes. */
void ph_plan_key(const char *file, const char *suite, const char *name, char *key, size_t n);
void ph_plan_free(ph_plan *plan);
/* The test a plan item names: its object in the script's test list. */
json_t *ph_plan_test(ph_script **scripts, const ph_plan_item *p);
/* `run --list`: one line per planned test. */
void ph_plan_list(const ph_plan *plan, ph_script **scripts);

/* The console: a line per verdict (and the failure's message), the
 * "N passed, N failed" line at the end; on a terminal, with one worker, a
 * self-overwriting line while a test runs (ph_console_progress, the
 * ph_ctx.progress callback, ud a ph_console_live). */
typedef struct ph_console_live {
	const char *suite, *name;
	int64_t start;
} ph_console_live;

typedef struct ph_console {
	int verbosity; /* -1: only what did not pass; 1: also log lines and measurements */
	int tty;       /* stdout is a terminal: overwrite the progress line */
	int streamed;  /* -v events were printed live (one bench): not again */
} ph_console;

void ph_console_subscriber(ph_console *c, ph_subscriber *s);
void ph_console_progress(void *ud, int64_t bench_ns);
/* -v with one bench: one recorded test event (JSON text: log, measurement,
 * check_failed) as a console line while the test runs. */
void ph_console_event(const char *json);

/* A run's results by plan index, from the bus (collect.c): the record
 * writer and the history each build the run's record from one.
 * ph_collect_record returns a new record (tests never started left out),
 * NULL when out of memory. */
typedef struct ph_collect {
	json_t *tests; /* owned: results by plan index, null until the test ends */
} ph_collect;

void ph_collect_start(ph_collect *c, size_t ntests);
void ph_collect_put(ph_collect *c, size_t index, json_t *result);
json_t *ph_collect_record(const ph_collect *c, json_t *run);
void ph_collect_free(ph_collect *c);

/* The record writer: collects every result in plan order and, at the end,
 * writes record.json, junit.xml, index.html and plots/ into dir (unless
 * no_report) and points reports/latest at the run.  Its run_finished fails
 * when the evidence could not be written. */
typedef struct ph_record_out {
	const ph_run_opts *o;
	const char *dir;    /* the run's report directory */
	const char *run_id; /* its name under reports_root */
	ph_collect results;
} ph_record_out;

void ph_record_out_subscriber(ph_record_out *r, ph_subscriber *s);
void ph_record_out_free(ph_record_out *r);

/* The history subscriber (history_out.c): at the run's end, the run into the
 * results store at url (history/).  An unreachable store only warns (the
 * record stays on disk for `pumphil history import`): its run_finished never
 * fails the run. */
typedef struct ph_history_out {
	const ph_run_opts *o;
	const char *url; /* the store */
	const char *dir; /* the run's report directory */
	ph_collect results;
} ph_history_out;

void ph_history_out_subscriber(ph_history_out *h, ph_subscriber *s);
void ph_history_out_free(ph_history_out *h);

#endif
