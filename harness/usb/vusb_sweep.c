/*
 * vusb_sweep.c - remove testbed directories a killed board process left
 * behind (notes pitfall 4).  Only directories that carry our pid file, are
 * owned by this user and whose process is gone are touched: other
 * programs' umockdev testbeds are never removed.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "usb/vusb.h"

#define PID_FILE "pumphil.pid"

int ph_vusb_write_pid(const char *root)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", root, PID_FILE);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f) ? -1 : 0;
}

/* 1 when dir holds our pid file naming a process that no longer exists. */
static int stale(const char *dir)
{
	char path[512];
	long pid = 0;
	FILE *f;
	int n;

	if (snprintf(path, sizeof path, "%s/%s", dir, PID_FILE) >= (int)sizeof path)
		return 0; /* not one of ours: our testbed paths are short */
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fscanf(f, "%ld", &pid);
	fclose(f);
	if (n != 1 || pid <= 0 || pid == (long)getpid())
		return 0;
	return kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int ph_vusb_sweep_stale(const char *tmpdir)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int removed = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[512];
		struct stat st;

		if (strncmp(e->d_name, "umockdev.", 9))
			continue;
		snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
		if (lstat(path, &st) || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
		    !stale(path))
			continue;
		if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
