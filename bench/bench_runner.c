/*
 * bench_runner.c - the runner's cost per empty test (load, fresh bench,
 * phases, result), -j 2 against -j 1 on eight simulated tests, and the whole
 * fault suite on sim with -j 2 (target: under 10 s on two cores).
 * Runs `pumphil run` in-process through ph_run() with output to /dev/null.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_common.h"
#include "run/runner.h"

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static double run(const char *path, int jobs)
{
	ph_run_opts o;
	const char *paths[1] = { path };
	int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
	double t0;

	ph_run_opts_default(&o);
	o.paths = paths;
	o.npaths = 1;
	o.no_report = 1;
	o.jobs = jobs;
	fflush(stdout);
	dup2(null, STDOUT_FILENO);
	t0 = bench_now_s();
	int status = ph_run(&o);
	double dt = bench_now_s() - t0;
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(null);
	return status == 0 ? dt : -1;
}

static double empty_tests(char *dir, int n)
{
	char path[256], script[128];
	snprintf(path, sizeof path, "%s/empty_%d.lua", dir, n);
	snprintf(script, sizeof script, "for i = 1, %d do test(\"t\" .. i, function() end) end\n",
	         n);
	write_file(path, script);
	return run(path, 1);
}

/* The fault suite as `make bench` finds it from the source tree. */
static int fault_suite(void)
{
	double t[3];

	if (access("scripts/faults", R_OK) != 0) {
		printf("| fault suite on sim, -j 2 | skipped | run from the source tree | < 10 s "
		       "|\n");
		return 0;
	}
	for (int i = 0; i < 3; i++)
		if ((t[i] = run("scripts/faults", 2)) < 0)
			return 1;
	printf("| fault suite on sim, -j 2 | %.2f s | scripts/faults, every test, median of 3 "
	       "| < 10 s |\n",
	       bench_median(t, 3));
	return 0;
}

int main(void)
{
	char dir[] = "/tmp/bench_runner_XXXXXX";
	double small[5], large[5], j1[3], j2[3];
	const int N = 2000;

	if (!mkdtemp(dir))
		return 1;
	for (int i = 0; i < 5; i++) {
		small[i] = empty_tests(dir, 100);
		large[i] = empty_tests(dir, 100 + N);
		if (small[i] < 0 || large[i] < 0)
			return 1;
	}
	double per = (bench_median(large, 5) - bench_median(small, 5)) / N;
	printf("| runner overhead per empty test | %.1f us | (t(2100) - t(100)) / 2000, median of "
	       "5 | target <= 50 us |\n",
	       per * 1e6);

	char path[256];
	snprintf(path, sizeof path, "%s/eight.lua", dir);
	write_file(path, "for i = 1, 8 do test(\"30 days \" .. i, function(b)\n"
	                 "  b.pump:load_druglib()\n"
	                 "  b.pump:refill { volume = 20 * mL, drug = 1, conc = 1 * mg / mL }\n"
	                 "  b.pump:program { mode = 'continuous', rate = 0.5 * mL / day, drug = 1, "
	                 "conc = 1 * mg / mL }\n"
	                 "  b.pump:start()\n"
	                 "  for d = 1, 30 do b:run_for(day); b.fixture:read() end\n"
	                 "end) end\n");
	for (int i = 0; i < 3; i++) {
		j1[i] = run(path, 1);
		j2[i] = run(path, 2);
		if (j1[i] < 0 || j2[i] < 0)
			return 1;
	}
	double m1 = bench_median(j1, 3), m2 = bench_median(j2, 3);
	printf("| runner -j 2 vs -j 1, 8 tests x 30 virtual days | %.0f ms vs %.0f ms | %.2fx "
	       "faster, median of 3 | clearly faster |\n",
	       m2 * 1e3, m1 * 1e3, m1 / m2);
	return fault_suite();
}
