/*
 * bench_fta.c - minimal cut sets: pumphil against SCRAM on the same models.
 *
 *   bench_fta [SCRAM_INPUT_DIR [PUMP_TREE]]
 *
 * Prints one `make bench` table row per model:
 *   | fta cut sets <model> (<cut sets>) | <ms>, <MiB> | scram <ms>, <MiB> |
 *     ratio <x>, memory <y> |
 * where the ratios are pumphil's over SCRAM's (below 1: pumphil better).
 * pumphil's figure is the median wall time of ph_fta_analyse over every
 * top event (BDD, cut-set ZBDD, listing, probability; parsing excluded);
 * SCRAM's is the median of the cut-set time it reports itself (the sum of
 * its <calculation-time><products> over the top events), so
 * neither side pays for process start-up or XML input/output.  Each side
 * runs up to 5 times or about 3 s per model.  Peak memory is the maximum
 * resident set size of the process doing the work (pumphil's analyses run in
 * a forked child per model; SCRAM's the largest of its runs), parsing
 * included on both sides.  Without scram the SCRAM column says "skipped".
 * Models and order limits are those of tests/integration/fta_vs_scram.sh,
 * and the limited ones again one order higher.
 *
 * A second row per model times whole processes, as a user runs them:
 *   | fta process <model> | <ms> CPU, <MiB> | scram <ms> CPU, <MiB> | ratio <x>, memory <y> |
 * `pumphil-fta [-l N] FILES` (= `pumphil fta analyse`, text to /dev/null;
 * next to this program, ../harness/pumphil-fta) against
 * `scram [-l N] -o FILE FILES`,
 * CPU time (user + system, from wait4: both run on one thread, and on a
 * shared machine the wall time measures the other load more than the
 * program; median of up to 5 runs or about 3 s) and peak resident set,
 * start-up, parsing and output included on both sides.
 */
#define _DEFAULT_SOURCE /* wait4: the child's own peak resident set */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fta/fta.h"

#define RUNS 5
#define BUDGET_S 3.0

extern char **environ;

typedef struct model {
	const char *name;
	int limit; /* 0: SCRAM's default 20 */
	const char *files[2];
} model;

static const model models[] = {
	{ "Theatre", 0, { "Theatre/theatre.xml" } },
	{ "TwoTrain", 0, { "TwoTrain/two_train.xml" } },
	{ "ne574", 0, { "ne574/ne574.xml" } },
	{ "Lift", 0, { "Lift/lift.xml" } },
	{ "ThreeMotor", 0, { "ThreeMotor/three_motor.xml" } },
	{ "SmallTree", 0, { "SmallTree/SmallTree.xml" } },
	{ "BSCU", 0, { "BSCU/BSCU.xml" } },
	{ "HIPPS", 0, { "HIPPS/HIPPS.xml" } },
	{ "Chinese", 0, { "Chinese/chinese.xml", "Chinese/chinese-basic-events.xml" } },
	{ "Baobab2", 0, { "Baobab/baobab2.xml", "Baobab/baobab2-basic-events.xml" } },
	{ "Baobab1 -l 6", 6, { "Baobab/baobab1.xml", "Baobab/baobab1-basic-events.xml" } },
	{ "Baobab1 -l 7", 7, { "Baobab/baobab1.xml", "Baobab/baobab1-basic-events.xml" } },
	{ "CEA9601 -l 3", 3, { "CEA9601/CEA9601.xml", "CEA9601/CEA9601-basic-events.xml" } },
	{ "CEA9601 -l 4", 4, { "CEA9601/CEA9601.xml", "CEA9601/CEA9601-basic-events.xml" } },
};

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Median ms of ph_fta_analyse on the model; < 0 when it fails. */
static double time_ours(const char *const *paths, size_t n, int limit, size_t *products)
{
	char err[512];
	ph_fta_model *m = NULL;
	if (ph_fta_model_load(paths, n, &m, err, sizeof err)) {
		fprintf(stderr, "bench_fta: %s\n", err);
		return -1;
	}
	ph_fta_options o;
	ph_fta_options_init(&o);
	if (limit)
		o.limit_order = limit;
	double ms[RUNS], start = now_s();
	int runs = 0;
	while (runs < RUNS && (runs == 0 || now_s() - start < BUDGET_S)) {
		double t0 = now_s();
		*products = 0;
		/* Every top event, as SCRAM analyses them all. */
		for (size_t i = 0; i < ph_fta_model_top_count(m); i++) {
			ph_fta_result *r = NULL;
			if (ph_fta_analyse(m, ph_fta_model_top(m, i), &o, &r, err, sizeof err)) {
				fprintf(stderr, "bench_fta: %s\n", err);
				ph_fta_model_free(m);
				return -1;
			}
			*products += r->n_products;
			ph_fta_result_free(r);
		}
		ms[runs++] = (now_s() - t0) * 1e3;
	}
	ph_fta_model_free(m);
	return median(ms, runs);
}

/* Runs scram once; returns its self-reported cut-set time in ms, or < 0
 * (-2 when scram is not installed). */
static char pumphil_bin[4200];

/* Runs argv (stdout, stderr to /dev/null), waits; its CPU time in ms into
 * *wall_ms and the largest peak resident set so far into *maxrss_kb.
 * Returns its exit status, -2 when the program is missing, -1 on failure. */
static int spawn_wait(const char *const *argv, double *cpu_ms, long *maxrss_kb)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return rc == ENOENT ? -2 : -1;
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status))
		return -1;
	*cpu_ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	          (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	if (ru.ru_maxrss > *maxrss_kb)
		*maxrss_kb = ru.ru_maxrss;
	return WEXITSTATUS(status) == 127 ? -2 : WEXITSTATUS(status);
}

/* Median whole-process CPU ms of pumphil-fta (scram: 0) or of scram
 * (1) on the model; < 0 when it fails. */
static double time_process(int scram, const char *const *paths, size_t n, int limit,
                           long *maxrss_kb)
{
	char lim[16], out[] = "/tmp/bench_fta_XXXXXX";
	const char *argv[16];
	int k = 0;
	int fd = mkstemp(out);
	if (fd < 0)
		return -1;
	close(fd);
	argv[k++] = scram ? "scram" : pumphil_bin;
	if (limit) {
		snprintf(lim, sizeof lim, "%d", limit);
		argv[k++] = "-l";
		argv[k++] = lim;
	}
	if (scram)
		argv[k++] = "-o", argv[k++] = out;
	for (size_t i = 0; i < n; i++)
		argv[k++] = paths[i];
	argv[k] = NULL;
	double ms[RUNS], start = now_s();
	int runs = 0;
	while (runs < RUNS && (runs == 0 || now_s() - start < BUDGET_S)) {
		int rc = spawn_wait(argv, &ms[runs], maxrss_kb);
		if (rc) {
			unlink(out);
			return rc == -2 ? -2 : -1;
		}
		runs++;
	}
	unlink(out);
	return median(ms, runs);
}

static double scram_once(const char *const *paths, size_t n, int limit, const char *out,
                         long *maxrss_kb)
{
	char lim[16];
	const char *argv[16];
	int k = 0;
	argv[k++] = "scram";
	if (limit) {
		snprintf(lim, sizeof lim, "%d", limit);
		argv[k++] = "-l";
		argv[k++] = lim;
	}
	argv[k++] = "-o";
	argv[k++] = out;
	for (size_t i = 0; i < n; i++)
		argv[k++] = paths[i];
	argv[k] = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, "scram", &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return rc == ENOENT ? -2 : -1;
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status))
		return -1;
	if (ru.ru_maxrss > *maxrss_kb)
		*maxrss_kb = ru.ru_maxrss;
	if (WEXITSTATUS(status) == 127)
		return -2;
	if (WEXITSTATUS(status))
		return -1;
	FILE *f = fopen(out, "r");
	char buf[4096];
	size_t len = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[len] = 0;
	/* One <products> time per top event: sum them. */
	double total = -1;
	for (const char *p = buf; (p = strstr(p, "<products>")); p += strlen("<products>"))
		total = (total < 0 ? 0 : total) + strtod(p + strlen("<products>"), NULL) * 1e3;
	return total;
}

static double time_scram(const char *const *paths, size_t n, int limit, long *maxrss_kb)
{
	char out[] = "/tmp/bench_fta_XXXXXX";
	int fd = mkstemp(out);
	if (fd < 0)
		return -1;
	close(fd);
	double ms[RUNS], start = now_s();
	int runs = 0;
	while (runs < RUNS && (runs == 0 || now_s() - start < BUDGET_S)) {
		ms[runs] = scram_once(paths, n, limit, out, maxrss_kb);
		if (ms[runs] < 0) {
			unlink(out);
			return ms[runs];
		}
		runs++;
	}
	unlink(out);
	return median(ms, runs);
}

/* time_ours in a forked child, so its peak resident set is the model's
 * alone; < 0 when it fails. */
static double time_ours_child(const char *const *paths, size_t n, int limit, size_t *products,
                              long *maxrss_kb)
{
	int fd[2];
	struct {
		double ms;
		size_t products;
	} res = { -1, 0 };
	if (pipe(fd))
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fd[0]);
		res.ms = time_ours(paths, n, limit, &res.products);
		ssize_t w = write(fd[1], &res, sizeof res);
		_exit(w == (ssize_t)sizeof res ? 0 : 1);
	}
	close(fd[1]);
	ssize_t r = read(fd[0], &res, sizeof res);
	close(fd[0]);
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0 || r != (ssize_t)sizeof res)
		return -1;
	*maxrss_kb = ru.ru_maxrss;
	*products = res.products;
	return res.ms;
}

static void process_row(const char *name, const char *const *paths, size_t n, int limit)
{
	long our_kb = 0, their_kb = 0;
	double ours = time_process(0, paths, n, limit, &our_kb);
	double theirs = ours < 0 ? -1 : time_process(1, paths, n, limit, &their_kb);
	if (ours < 0)
		printf("| fta process %s | failed (%s) | | |\n", name, pumphil_bin);
	else if (theirs < 0)
		printf("| fta process %s | %.1f ms CPU, %.1f MiB | scram %s | |\n", name, ours,
		       our_kb / 1024.0, theirs == -2 ? "skipped" : "failed");
	else
		printf("| fta process %s | %.1f ms CPU, %.1f MiB | scram %.1f ms CPU, %.1f MiB | "
		       "ratio %.3gx, memory %.3gx |\n",
		       name, ours, our_kb / 1024.0, theirs, their_kb / 1024.0,
		       theirs > 0 ? ours / theirs : 0.0,
		       their_kb > 0 ? (double)our_kb / their_kb : 0.0);
	fflush(stdout);
}

static void row(const char *name, const char *const *paths, size_t n, int limit)
{
	size_t products = 0;
	long our_kb = 0, their_kb = 0;
	double ours = time_ours_child(paths, n, limit, &products, &our_kb);
	if (ours < 0) {
		printf("| fta cut sets %s | failed | | |\n", name);
		return;
	}
	double theirs = time_scram(paths, n, limit, &their_kb);
	if (theirs == -2)
		printf("| fta cut sets %s (%zu) | %.3f ms, %.1f MiB | scram skipped | |\n", name,
		       products, ours, our_kb / 1024.0);
	else if (theirs < 0)
		printf("| fta cut sets %s (%zu) | %.3f ms, %.1f MiB | scram failed | |\n", name,
		       products, ours, our_kb / 1024.0);
	else
		printf("| fta cut sets %s (%zu) | %.3f ms, %.1f MiB | scram %.3f ms, %.1f MiB | "
		       "ratio %.3gx, memory %.3gx |\n",
		       name, products, ours, our_kb / 1024.0, theirs, their_kb / 1024.0,
		       theirs > 0 ? ours / theirs : 0.0,
		       their_kb > 0 ? (double)our_kb / their_kb : 0.0);
	fflush(stdout);
	process_row(name, paths, n, limit);
}

/* pumphil-fta beside this program: BUILD/bench/bench_fta ->
 * BUILD/harness/pumphil-fta. */
static void find_pumphil(void)
{
	char self[4000];
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len <= 0) {
		snprintf(pumphil_bin, sizeof pumphil_bin, "pumphil-fta");
		return;
	}
	self[len] = 0;
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = 0;
	snprintf(pumphil_bin, sizeof pumphil_bin, "%s/../harness/pumphil-fta", self);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/usr/share/scram/input";
	const char *src = getenv("PUMPHIL_SOURCE_DIR");
	char pump[4096];
	find_pumphil();
	if (argc > 2)
		snprintf(pump, sizeof pump, "%s", argv[2]);
	else
		snprintf(pump, sizeof pump, "%s/fixtures/faulttrees/pump.xml", src ? src : ".");
	for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
		char path[2][4096];
		const char *paths[2];
		size_t n = 0;
		for (; n < 2 && models[i].files[n]; n++) {
			snprintf(path[n], sizeof path[n], "%s/%s", dir, models[i].files[n]);
			paths[n] = path[n];
		}
		if (access(paths[0], R_OK)) {
			printf("| fta cut sets %s | skipped (no %s) | | |\n", models[i].name,
			       paths[0]);
			continue;
		}
		row(models[i].name, paths, n, models[i].limit);
	}
	const char *paths[] = { pump };
	if (!access(pump, R_OK))
		row("pump.xml (3 tops)", paths, 1, 0);
	else
		printf("| fta cut sets pump.xml | skipped (no %s) | | |\n", pump);
	return 0;
}
