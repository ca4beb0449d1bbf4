/*
 * report.h - a run's reports, all derived from its JSON record (schema in
 * docs/record.md): record.json, junit.xml, index.html and plots/.
 *
 * The record is the single source: `pumphil run` builds it, ph_report_prepare
 * completes it from the traces (alarm and fault spans, the frames and events
 * around a failure, plots) and from the requirement catalogue, and the
 * writers only format it.  So `pumphil report` can regenerate every file
 * later, from a record or from traces alone (record.h), and `pumphil merge`
 * can join runs (ph_report_merge).  docs/reports.md describes the outputs.
 */
#ifndef PH_REPORT_H
#define PH_REPORT_H

#ifndef PH_USES_REPORT
#error "report/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "results/verdict.h"

/* Strip what XML 1.0 cannot carry (C0 controls but tab, LF, CR) from valid
 * UTF-8 text; returns a new string (caller frees) or NULL on no memory. */
char *ph_xml_clean(const char *s);

/* Verdict counts over a record's tests (ph_report_count). */
typedef struct ph_report_counts {
	/* passed: pass and flaky; failed: fail and xpass; skipped: skip and
	 * xfail (JUnit's four kinds, results/verdict.h) */
	int tests, passed, failed, errors, skipped;
	int xfail, xpass, flaky; /* the kinds inside them */
	int interrupted;         /* errors that are tests a killed run never finished */
	double wall_s;           /* sum of the tests' wall time */
	int64_t bench_ns;        /* sum of the tests' bench time */
} ph_report_counts;

/* A bench time span as text ("1.00 d", "2.50 h", "12.0 min", "3.250 s"):
 * the runner's lines and the reports write times the same way. */
void ph_report_fmt_ns(int64_t ns, char *buf, size_t n);

/* Count the tests (array) of one suite, or all when suite is NULL.  A
 * verdict other than pass, fail or skip counts as an error.  Never fails. */
void ph_report_count(json_t *tests, const char *suite, ph_report_counts *c);

/* Load the requirement and hazard catalogue from fixtures_dir
 * (requirements.json, hazards.json; see docs/reports.md).  Returns a new
 * object {"requirements":[...],"hazards":[...],"files":[...]}; a missing
 * file gives empty lists and a "missing" note.  Returns NULL with a line
 * naming the file and entry in err when a file is malformed (bad JSON,
 * duplicate or malformed id, unknown hazard, untestable without reason). */
json_t *ph_report_catalog_load(const char *fixtures_dir, char *err, size_t errlen);

enum { PH_PLOTS_NONE = 0, PH_PLOTS_SOME = 1, PH_PLOTS_ALL = 2 };

/* How ph_report_prepare completes a record. */
typedef struct ph_report_opts {
	const char *src_dir;      /* relative trace and plot paths start here; NULL = "." */
	const char *fixtures_dir; /* reload the catalogue from here; NULL keeps the record's
	                             own (or loads ph_default_fixtures_dir()'s when it has none) */
	int plots;                /* render plots with the viewer when it is built in:
	                             PH_PLOTS_SOME the tests worth a look (not passed or
	                             skipped, or with a measurement, fault or alarm),
	                             PH_PLOTS_ALL every test, 0 none */
	int trusted_paths;        /* the record's trace and plot paths were made here, from
	                             paths the user named (a merge, a rebuild from traces):
	                             read them as they are.  0 for a record read from a file:
	                             each must lie inside src_dir (ph_report_prepare) */
	const char *history;      /* the results history (docs/history.md) index.html's
	                             trends are read from; NULL or "off": none */
	int trend_runs;           /* points per trend, this run's included; 0 =
	                             PH_HISTORY_TREND_RUNS (20) */
} ph_report_opts;

/* Complete record in place for a report in out_dir: the catalogue, the
 * summary, per test the spans/events/timeline read from its trace, and the
 * plots (rendered into out_dir/plots/, or copied from src_dir when the trace
 * is gone).  A missing or corrupt trace is noted in the test
 * ("trace_error"), not fatal; so is a trace path that is absolute, holds
 * "..", resolves outside src_dir or is not a regular file (unless
 * o->trusted_paths), which is then never opened; such a plot is marked
 * "missing".  Returns 0, or -1 with err filled (bad
 * catalogue, out_dir not writable, out of memory).  Blocks on file I/O. */
int ph_report_prepare(json_t *record, const ph_report_opts *o, const char *out_dir, char *err,
                      size_t errlen);

/* Prepare record and write record.json, junit.xml and index.html into dir.
 * With o->history, index.html shows each measurement's trend over the runs
 * before this one (ph_history_trend): the trend is not part of the record
 * (record.json is written without it, and record is given back without
 * it), and a history that cannot be read only warns.  Returns 0, or -1
 * with a message in err (what was written before the failure stays). */
int ph_report_write_all(const char *dir, json_t *record, const ph_report_opts *o, char *err,
                        size_t errlen);

/* The writers format a prepared record; they never read traces.  Each
 * returns 0, or -1 with "path: reason" in err. */
int ph_report_junit(const char *path, json_t *record, char *err, size_t errlen);
int ph_report_html(const char *dir, json_t *record, char *err, size_t errlen);

/* One record from n loaded records (borrowed) of runs in dirs[i]: the union
 * of their tests (each tagged with its run's id, trace and plot paths made
 * reachable from anywhere), "run" describing the merge and "runs" listing
 * each run.  Returns a new record, or NULL with err filled: out of memory,
 * or inputs whose union would misstate the counts (the same run id or the
 * same record twice, the same shard twice, shards "K/N" of different N, a
 * malformed shard), the message naming the runs by id and directory. */
json_t *ph_report_merge(json_t *const *records, const char *const *dirs, int n, char *err,
                        size_t errlen);

/* Rebuild a record from the traces at paths[0..n-1] (a run killed before it
 * wrote record.json): the run from their run_start events, one test per
 * test_start with what its events say; a test that started but never ended
 * gets verdict "error", message "interrupted: the run stopped during this
 * test" and "interrupted": true.  Trace paths in the record are made
 * relative to base_dir when they lie under it.  Returns a new record, or NULL
 * with err filled when a trace cannot be read or none holds a test.  A torn
 * tail is fine (that is the point). */
json_t *ph_record_from_traces(const char *const *paths, int n, const char *base_dir, char *err,
                              size_t errlen);

/* The `pumphil report` and `pumphil merge` command: returns the exit status (0 success, 1 a test or
 * check failed, 2 bad usage or bad input). */
int ph_cmd_report(int argc, char **argv);
int ph_cmd_merge(int argc, char **argv);

#endif
