/* test_trace_write_errors.c - a trace that cannot reach its file says so:
 * on a full device (/dev/full) ph_trace_close returns -1 with the write's
 * errno, so the run can count the evidence as lost; a trace written whole
 * closes with 0. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "trace/trace.h"

static const uint8_t frame[] = { 0x05, 0x01, 0x02, 0x03, 0x04, 0x00 };

static void full_device_fails_at_close(void **state)
{
	char err[256];
	ph_trace *t = ph_trace_open("/dev/full", err, sizeof err);
	/* The section header goes out at open: it is refused there already,
	 * with the device's reason. */
	assert_null(t);
	assert_non_null(strstr(err, "/dev/full"));
	assert_non_null(strstr(err, strerror(ENOSPC)));
}

/* The descriptor this process has open on path (from /proc/self/fd). */
static int fd_of(const char *path)
{
	for (int fd = 3; fd < 1024; fd++) {
		char link[64], target[256];
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, target, sizeof target - 1);
		if (n > 0) {
			target[n] = 0;
			if (!strcmp(target, path))
				return fd;
		}
	}
	return -1;
}

/* A write that fails after the header (the disk fills up mid-test): the
 * records stay buffered, and close reports the first error. */
static void write_error_after_open_fails_at_close(void **state)
{
	char path[64], err[256];
	snprintf(path, sizeof path, "/tmp/ph_trace_late_%d.pcapng", (int)getpid());
	ph_trace *t = ph_trace_open(path, err, sizeof err);
	assert_non_null(t);
	/* Swap the file for /dev/full under the open trace. */
	int full = open("/dev/full", O_WRONLY);
	assert_true(full >= 0);
	int fd = fd_of(path);
	assert_true(dup2(full, fd) >= 0);
	close(full);
	assert_int_equal(ph_trace_frame(t, 1000, 0, 0, frame, sizeof frame), 0);
	errno = 0;
	assert_int_equal(ph_trace_close(t), -1);
	assert_int_equal(errno, ENOSPC);
	unlink(path);
}

static void whole_trace_closes_clean(void **state)
{
	char path[64], err[256];
	snprintf(path, sizeof path, "/tmp/ph_trace_ok_%d.pcapng", (int)getpid());
	ph_trace *t = ph_trace_open(path, err, sizeof err);
	assert_non_null(t);
	assert_int_equal(ph_trace_frame(t, 1000, 0, 0, frame, sizeof frame), 0);
	assert_int_equal(ph_trace_close(t), 0);
	unlink(path);
	assert_int_equal(ph_trace_close(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_device_fails_at_close),
		cmocka_unit_test(write_error_after_open_fails_at_close),
		cmocka_unit_test(whole_trace_closes_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
