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

/* `pumphil history ...` and `pumphil compare A B`: return the exit status. */
int ph_cmd_history(int argc, char **argv);
int ph_cmd_compare(int argc, char **argv);

#endif
