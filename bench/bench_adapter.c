/*
 * bench_adapter.c - the regression suite's wall time through the Lua ASCII
 * adapter (--board sim:ascii --adapter fixtures/adapters/ascii.lua: every
 * pump command and event as text across a pseudo-terminal, parsed in Lua)
 * against the built-in pumphil adapter on sim, in the same run, one job
 * each, medians of three runs alternated after a warm-up (target: at most
 * 1.5x).  Runs `pumphil run` in-process through
 * ph_run() with output to /dev/null.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "run/runner.h"

static double cpu_s(void)
{
	struct timespec ts;
	struct rusage ch;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	getrusage(RUSAGE_CHILDREN, &ch);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + (double)ch.ru_utime.tv_sec +
	       (double)ch.ru_stime.tv_sec +
	       (double)(ch.ru_utime.tv_usec + ch.ru_stime.tv_usec) / 1e6;
}

static double last_cpu; /* CPU seconds of the last run */

static double run(const char *board, const char *adapter)
{
	ph_run_opts o;
	const char *paths[1] = { "scripts/regression" };
	int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
	double t0;

	ph_run_opts_default(&o);
	o.paths = paths;
	o.npaths = 1;
	o.no_report = 1;
	o.jobs = 1;
	o.board = board;
	o.adapter = adapter;
	o.history = NULL;
	fflush(stdout);
	dup2(null, STDOUT_FILENO);
	t0 = bench_now_s();
	double c0 = cpu_s();
	int status = ph_run(&o);
	double dt = bench_now_s() - t0;
	last_cpu = cpu_s() - c0;
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(null);
	return status == 0 ? dt : -1;
}

/* Medians of three alternated runs of each, after a warm-up; -1 when a run
 * did not pass. */
static int measure(double *builtin, double *ascii, double *cpu_ratio)
{
	double b[3], a[3], r[3];

	run("sim", NULL); /* warm-up: scripts and fixtures into the page cache */
	for (int i = 0; i < 3; i++) {
		b[i] = run("sim", NULL);
		double cb = last_cpu;
		a[i] = run("sim:ascii", "fixtures/adapters/ascii.lua");
		r[i] = cb > 0 ? last_cpu / cb : 0;
		if (b[i] < 0 || a[i] < 0)
			return -1;
	}
	*builtin = bench_median(b, 3);
	*ascii = bench_median(a, 3);
	*cpu_ratio = bench_median(r, 3);
	return 0;
}

int main(void)
{
	double builtin = 0, ascii = 0, cpu = 0;

	if (access("scripts/regression", R_OK) || access("fixtures/adapters/ascii.lua", R_OK)) {
		printf("| regression suite, Lua ASCII adapter vs built-in | skipped | run from the "
		       "source tree | <= 1.5x |\n");
		return 0;
	}
	if (measure(&builtin, &ascii, &cpu)) {
		printf("| regression suite, Lua ASCII adapter vs built-in | FAILED | a run did not "
		       "pass | <= 1.5x |\n");
		return 1;
	}
	printf("| regression suite, Lua ASCII adapter vs built-in | %.2fx | %.2f s vs %.2f s wall "
	       "(CPU %.2fx), scripts/regression, -j 1, medians of 3 alternated; ASCII over a pty "
	       "in lock-step, hook tests skipped | <= 1.5x |\n",
	       ascii / builtin, ascii, builtin, cpu);
	return 0;
}
