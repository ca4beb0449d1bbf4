/*
 * runner.h - discovering, selecting and running Lua test scripts on benches.
 *
 * One Lua state per script file; one fresh bench (board power-on) per test;
 * results as JSON objects (the record) from which every report is written.
 */
#ifndef PH_RUNNER_H
#define PH_RUNNER_H

#ifndef PH_USES_RUN
#error "run/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "base/paths.h"
#include "run/events.h"

/* Exit statuses of a run (README.md, "Exit status"):
 *   0  every test passed (or was skipped, xfail, flaky)
 *   1  a test failed: the device under test did wrong (fail, xpass)
 *   2  bad usage or a bad input file: nothing ran
 *   3  the tests ran, but their evidence (record, reports, a trace) could
 *      not be written: never to be read as a pass
 *   4  no test failed, but one errored: the bench or the script did wrong
 *      (board or instrument lost, script error, harness timeout)
 *   128 + signal  stopped by SIGINT (130) or SIGTERM (143), after writing
 *      the record and reports of the tests that ran */
enum ph_exit {
	PH_EXIT_OK = 0,
	PH_EXIT_FAILED = 1,
	PH_EXIT_BAD_INPUT = 2,
	PH_EXIT_EVIDENCE = 3,
	PH_EXIT_ERROR = 4,
};

typedef struct ph_run_opts {
	const char *board;   /* "sim" (default), "usb[:SEL]", "virtual-usb" */
	unsigned time_scale; /* virtual-usb: board seconds per real second (1) */
	const char *adapter; /* a Lua adapter file for the pump (docs/adapters.md), or NULL */
	uint64_t seed;
	const char *report_dir;   /* NULL: reports/<run-id> with reports/latest */
	const char *reports_root; /* "reports" */
	const char *profile;      /* profile name or path ("reference") */
	const char *fixtures_dir; /* "fixtures" */
	const char **tags;        /* run tests having any of these tags */
	int ntags;
	const char **skip_tags; /* never run tests having these tags */
	int nskip_tags;
	const char *filter; /* substring of "suite / name" */
	int repeat;
	int shard_k, shard_n; /* 1-based shard of n; 0/0 = all */
	int jobs;
	int list;
	int64_t bench_timeout_ns; /* per test, unless the test sets its own */
	int64_t wall_timeout_ns;  /* on a real-time board, default 24 h unless set */
	int wall_timeout_set;     /* given on the command line */
	size_t mem_cap;           /* per Lua state */
	int no_report;
	const char *history; /* results store URL (docs/history.md); NULL: none */
	const char **paths;
	int npaths;
	const char *argv_line;    /* the command line, for the record */
	int verbosity;            /* -1 quiet (failures and the summary), 0 default, 1 -v, 2 -vv */
	int fail_fast;            /* start no more tests once one failed or errored */
	int retries;              /* --retry N: run a failed or errored test again, N times */
	const char *rerun_failed; /* a run directory: only its failed tests run again */
	/* More subscribers to the run's events, after the record writer and
	 * the console (borrowed; they must outlive ph_run). */
	const ph_subscriber *const *subscribers;
	int nsubscribers;
	int no_monitors; /* --no-monitors: record only what the script causes */
} ph_run_opts;

void ph_run_opts_default(ph_run_opts *o);

/* Run (or list) the selected tests, announcing each step to the record
 * writer, the console and o->subscribers (events.h).  Returns the exit
 * status, a PH_EXIT_* above. */
int ph_run(const ph_run_opts *o);

/* The `pumphil run` command: returns the exit status (0 success, 1 a test or
 * check failed, 2 bad usage or bad input). */
int ph_cmd_run(int argc, char **argv);

#endif
