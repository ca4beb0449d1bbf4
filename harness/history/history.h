/*
 * history.h - the results history: every run in a database (SQLite by
 * default, PostgreSQL for a team), `pumphil history` and `pumphil compare`.
 * The schema, the URLs and compare's noise test are in docs/history.md.
 *
 * A run reaches the store as its record (docs/record.md), whether live at
 * the run's end (run/'s history subscriber) or later from RUN_DIR/record.json
 * (`pumphil history import`): one code path, ph_history_store.
 */
#ifndef PH_HISTORY_H
#define PH_HISTORY_H

#ifndef PH_USES_HISTORY
#error "history/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>

#include <jansson.h>

/* The schema version this build writes and reads (docs/history.md). */
#define PH_HISTORY_SCHEMA_VERSION 1

/* The store used when nothing is said: $PUMPHIL_HISTORY when set (may be
 * "off"), else "sqlite:reports/history.sqlite".  Never NULL. */
const char *ph_history_default_url(void);
/* Does url mean "no history" ("off", "none", "")? */
int ph_history_url_off(const char *url);

typedef struct ph_history ph_history;

/* Connect to (or create) the store url names and bring its schema up to
 * PH_HISTORY_SCHEMA_VERSION.  Blocks up to the driver's connect or lock
 * timeout.  Returns the store (ph_history_close) or NULL with one line in
 * err (unreachable, refused, a schema newer than this build). */
ph_history *ph_history_open(const char *url, char *err, size_t errlen);
void ph_history_close(ph_history *h);

/* Store one run's record (borrowed) in one transaction: the run, every
 * test, every measurement with its limits.  source (may be NULL) is where
 * the record lives on disk.  The run's key is run.id + host + started: a run
 * already stored is left alone.  Returns 1 stored, 0 already there, or -1
 * with one line in err (nothing stored). */
int ph_history_store(ph_history *h, json_t *record, const char *source, char *err, size_t errlen);

/* The key that makes a run unique in the store; written into key. */
void ph_history_run_key(json_t *run, char *key, size_t n);

/* The runs a trend shows by default: this run and up to 19 before it. */
#define PH_HISTORY_TREND_RUNS 20

/* The trend of each measurement of record (a run's record, borrowed): the
 * store at url is asked for the up to nruns - 1 runs stored before this one
 * (started no later, this run's own key left out, so the answer is the
 * same whether this run is already stored or not) on the same bench
 * (host/board) and profile, and every measurement of record whose test
 * ("suite / name") and name have values there gets a "trend" member:
 *   {"values": [per run the mean of its values, oldest first, this run
 *               last], "runs": how many points,
 *    "moved": compare's verdict (ph_history_moved, default thresholds) of
 *             this run's values against the earlier runs' values,
 *    "shift_pct": (this run's mean - before) / |before| * 100,
 *    "p": Welch's p, or null with a single value on a side,
 *    "before": the earlier runs' mean}
 * A SQLite file that does not exist is not created (no history yet).
 * Returns the number of measurements annotated (0: history off, empty or
 * a merged record), or -1 with one line in err (unreachable, unreadable);
 * the record is then left as it was. */
int ph_history_trend(const char *url, json_t *record, int nruns, char *err, size_t errlen);

/* `pumphil history ...` and `pumphil compare A B`: return the exit status. */
int ph_cmd_history(int argc, char **argv);
int ph_cmd_compare(int argc, char **argv);

#endif
