/*
 * test_usb_sweep.c - leftover testbeds of killed board processes are
 * removed, and nothing else is (in a private temporary folder).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "usb/vusb.h"

static void make_dir(const char *base, const char *name, long pid, char *path, size_t n)
{
	char f[600];
	FILE *fp;

	snprintf(path, n, "%s/%s", base, name);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(f, sizeof f, "%s/dev", path); /* some content, like a testbed */
	assert_int_equal(mkdir(f, 0700), 0);
	if (pid) {
		snprintf(f, sizeof f, "%s/pumphil.pid", path);
		fp = fopen(f, "w");
		assert_non_null(fp);
		fprintf(fp, "%ld\n", pid);
		fclose(fp);
	}
}

static long dead_pid(void)
{
	pid_t p = fork();

	assert_true(p >= 0);
	if (p == 0)
		_exit(0);
	assert_int_equal(waitpid(p, NULL, 0), p);
	return (long)p;
}

static int exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

static void test_sweep(void **state)
{
	char base[] = "/tmp/ph_sweep_XXXXXX";
	char dead[512], live[512], none[512], other[512], f[600];
	long gone = dead_pid();

	(void)state;
	assert_non_null(mkdtemp(base));
	make_dir(base, "umockdev.DEAD01", gone, dead, sizeof dead);
	make_dir(base, "umockdev.LIVE01", (long)getppid(), live, sizeof live);
	make_dir(base, "umockdev.NOPID1", 0, none, sizeof none);
	make_dir(base, "other.DEAD02", gone, other, sizeof other);
	assert_int_equal(ph_vusb_sweep_stale(base), 1);
	assert_false(exists(dead));
	assert_true(exists(live));
	assert_true(exists(none));
	assert_true(exists(other));
	assert_int_equal(ph_vusb_sweep_stale(base), 0);
	/* our own pid file makes a directory ours and alive */
	assert_int_equal(ph_vusb_write_pid(none), 0);
	assert_int_equal(ph_vusb_sweep_stale(base), 0);
	assert_true(exists(none));

	const char *dirs[] = { live, none, other };
	for (int i = 0; i < 3; i++) {
		snprintf(f, sizeof f, "%s/pumphil.pid", dirs[i]);
		unlink(f);
		snprintf(f, sizeof f, "%s/dev", dirs[i]);
		rmdir(f);
		rmdir(dirs[i]);
	}
	assert_int_equal(rmdir(base), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_sweep) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
