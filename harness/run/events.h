/*
 * events.h - what a run announces, and who listens.
 *
 * The runner does not print and does not write files: it announces the run
 * (started, each test started, its log lines, its measurements, its
 * verdict, the run finished) to subscribers, in the manner of busted's
 * output handlers.  The console printer and the record writer are two
 * subscribers (console.c, record_out.c); a results store, a live dashboard
 * or a test adds its own with ph_run_opts.subscribers.
 *
 * Order: subscribers are called in the order they were added, the built-in
 * record writer first and the console second, then the caller's.  With -j N
 * tests run in worker processes and their events reach the subscribers in
 * this process when the test ends (log, measurements, verdict, in that
 * order); test_started comes when a worker takes the test.  Every callback
 * is optional (NULL) and runs in the process that called ph_run.
 *
 * Borrowing: every json_t passed to a callback is borrowed for the call; take
 * a reference (json_incref) to keep it.
 */
#ifndef PH_RUN_EVENTS_H
#define PH_RUN_EVENTS_H

#ifndef PH_USES_RUN
#error "run/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "results/verdict.h"

/* One planned test: which script, which test in it (1-based definition
 * order), which repetition, and its seed. */
typedef struct ph_plan_item {
	int script;
	int id;
	int rep;
	uint64_t seed;
} ph_plan_item;

typedef struct ph_plan {
	ph_plan_item *items;
	size_t n, cap;
} ph_plan;

/* A test as events name it.  index is its 0-based place in the plan; the
 * strings live as long as the run. */
typedef struct ph_test_ref {
	size_t index;
	const char *file, *suite, *name;
	int line;
	const ph_plan_item *plan;
} ph_test_ref;

/* Counts over the verdicts announced so far. */
typedef struct ph_run_summary {
	int tests;
	int count[PH_VERDICT_COUNT];
	double wall_s;
} ph_run_summary;

typedef struct ph_subscriber {
	const char *name; /* for messages: "record", "console", ... */
	void *ud;
	/* run: the record's "run" object (id, board, seed, ...); ntests planned. */
	void (*run_started)(void *ud, json_t *run, size_t ntests);
	void (*test_started)(void *ud, const ph_test_ref *t);
	/* One line of the test's log, a string "[bench time] text" (docs/record.md). */
	void (*log)(void *ud, const ph_test_ref *t, json_t *entry);
	/* One measurement as the record holds it (docs/record.md). */
	void (*measurement)(void *ud, const ph_test_ref *t, json_t *m);
	/* The test's end: its verdict and its whole result (the record's test
	 * object). */
	void (*verdict)(void *ud, const ph_test_ref *t, ph_verdict v, json_t *result);
	/* The run's end.  Returns 0, or -1 when the subscriber could not do its
	 * part (evidence not written): the run then does not exit 0. */
	int (*run_finished)(void *ud, json_t *run, const ph_run_summary *s);
} ph_subscriber;

#define PH_RUN_MAX_SUBSCRIBERS 8

/* The subscribers of one run, and the counts they are told. */
typedef struct ph_run_bus {
	const ph_subscriber *subs[PH_RUN_MAX_SUBSCRIBERS];
	int n;
	ph_run_summary summary;
} ph_run_bus;

/* Add s (borrowed: it must outlive the run).  Returns 0 or -1 when full. */
int ph_bus_subscribe(ph_run_bus *bus, const ph_subscriber *s);

/* Announce.  ph_bus_test_ended sends the result's log entries and
 * measurements, then the verdict, and counts it.  ph_bus_run_finished
 * returns 0, or -1 when any subscriber failed. */
void ph_bus_run_started(ph_run_bus *bus, json_t *run, size_t ntests);
void ph_bus_test_started(ph_run_bus *bus, const ph_test_ref *t);
void ph_bus_test_ended(ph_run_bus *bus, const ph_test_ref *t, json_t *result);
int ph_bus_run_finished(ph_run_bus *bus, json_t *run);

#endif
