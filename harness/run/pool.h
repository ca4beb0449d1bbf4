/*
 * pool.h - running planned tests one after another, or in worker processes
 * (one simulated bench per core).  Workers are forked after every script is
 * loaded; each takes the next test when it is idle and sends its result back
 * as one JSON line, so a crashing test takes down one worker, not the run.
 */
#ifndef PH_POOL_H
#define PH_POOL_H

#ifndef PH_USES_RUN
#error "run/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>

#include <jansson.h>

typedef json_t *(*ph_pool_fn)(void *env, size_t index);

/* What the pool tells its caller, in the caller's process: a test was
 * handed out (started), a test's result arrived (done; the result is
 * borrowed, and stays in the returned array, so done may complete it).
 * The pool itself prints nothing. */
typedef struct ph_pool_hooks {
	void (*started)(void *ud, size_t index);
	void (*done)(void *ud, size_t index, json_t *result);
	/* Nonzero: hand out no more tests (the run is stopping); the tests in
	 * flight finish, the rest stay JSON null in the returned array. */
	int (*stop)(void *ud);
	void *ud;
} ph_pool_hooks;

/* Run fn(env, i) for i in 0..n-1 on `jobs` workers (1 = in this process),
 * calling hooks (may be NULL) as tests start and end.  Returns the results
 * in plan order (a new array; a test whose worker died is an error
 * result). */
json_t *ph_pool_run(void *env, size_t n, int jobs, ph_pool_fn fn, const ph_pool_hooks *hooks);

#endif
