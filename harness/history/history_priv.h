/*
 * history_priv.h - what history/'s files share: the store's database,
 * identities, run filters, and the statistics of compare.
 */
#ifndef PH_HISTORY_PRIV_H
#define PH_HISTORY_PRIV_H

#ifndef PH_USES_HISTORY
#error "history/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "history/db.h"
#include "history/history.h"

ph_db *ph_history_db(ph_history *h);

/* The bench a run ran on: "host/board" (board as given: sim, usb:SERIAL). */
void ph_history_bench_of(json_t *run, char *out, size_t n);
/* A test's identity across runs: "suite / name". */
void ph_history_test_key(const char *suite, const char *name, char *out, size_t n);

/* Which runs: every field optional (NULL). */
typedef struct ph_history_filter {
	const char *run;     /* a run id (record run.id) or run key */
	const char *fw;      /* the board's firmware version (per test) */
	const char *build;   /* the harness build (run.git; on sim it carries the firmware) */
	const char *bench;   /* "host/board" or a host */
	const char *profile; /* a profile path, or its name ("reference") */
	const char *since;   /* ISO date or time, inclusive */
	const char *until;   /* ISO date or time, inclusive */
} ph_history_filter;

/* Parse "k=v[,k=v...]" (keys run, fw, build, bench, profile, since, until)
 * or a bare run id into f; s is modified and must outlive f.  Returns 0, or
 * -1 with one line in err. */
int ph_history_filter_parse(char *s, ph_history_filter *f, char *err, size_t errlen);

/* Append " AND ..." conditions for f to where (runs as r, tests as t) and
 * their parameters to p[*np] (at most 16).  Returns 0 or -1 (too long). */
int ph_history_filter_sql(const ph_history_filter *f, char *where, size_t n, const char **p,
                          int *np, char *buf, size_t bufn);

/* Welch's unequal-variances t-test of two samples' means, two-sided.
 * Fills t, df and p; a side with fewer than 2 values gives p = NAN. */
typedef struct ph_welch {
	double mean_a, mean_b, sd_a, sd_b, t, df, p;
	size_t n_a, n_b;
} ph_welch;
void ph_history_welch(const double *a, size_t na, const double *b, size_t nb, ph_welch *w);

/* When a measurement moved (compare's rule, docs/history.md): Welch's p
 * below alpha and a shift of at least min_shift of A's mean; with a single
 * value on a side (no noise estimate), a shift of at least single_shift of
 * A's value. */
typedef struct ph_history_thresholds {
	double alpha, min_shift, single_shift;
} ph_history_thresholds;
#define PH_HISTORY_THRESHOLDS_DEFAULT                                                              \
	{                                                                                          \
		.alpha = 0.001, .min_shift = 0.01, .single_shift = 0.1                             \
	}

/* Did the values b move from the values a?  Fills w (ph_history_welch). */
int ph_history_moved(const double *a, size_t na, const double *b, size_t nb,
                     const ph_history_thresholds *th, ph_welch *w);

/* Regularised incomplete beta I_x(a, b) (for the t distribution). */
double ph_history_ibeta(double a, double b, double x);

/* Write s as one CSV field (quoted when needed). */
void ph_history_csv_field(FILE *out, const char *s);

#endif
