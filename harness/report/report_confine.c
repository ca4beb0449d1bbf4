/*
 * report_confine.c - the paths a record names (a test's trace, its plots)
 * are untrusted input: only what lies inside the run's directory is read or
 * linked.
 */
#define _XOPEN_SOURCE 700 /* realpath */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report_priv.h"

/* At most this much of a path is echoed in a message. */
#define SHOWN 200
#define SHOW(p) SHOWN, (p), strlen(p) > SHOWN ? "..." : ""

/* Whether path has a ".." component. */
static int has_dotdot(const char *p)
{
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		p += strspn(p, "/");
	}
	return 0;
}

int ph_report_confine(const char *dir, const char *rel, const char *what, char *path, size_t n,
                      char *why, size_t whylen)
{
	char rdir[PATH_MAX], rpath[PATH_MAX];
	struct stat st;
	size_t len;

	if (!*rel) {
		snprintf(why, whylen, "empty %s path", what);
		return -1;
	}
	if (rel[0] == '/') {
		snprintf(why, whylen,
		         "%.*s%s: absolute path refused (a %s must lie inside the run directory)",
		         SHOW(rel), what);
		return -1;
	}
	if (has_dotdot(rel)) {
		snprintf(why, whylen,
		         "%.*s%s: '..' refused (a %s must lie inside the run directory)", SHOW(rel),
		         what);
		return -1;
	}
	if ((size_t)snprintf(path, n, "%s/%s", dir, rel) >= n) {
		snprintf(why, whylen, "%.*s%s: path too long", SHOW(rel));
		return -1;
	}
	/* Symlinks followed: it must still be inside.  A file that is not there
	 * is left for the reader to name. */
	if (!realpath(path, rpath))
		return 0;
	if (!realpath(dir, rdir)) {
		snprintf(why, whylen, "%.*s%s: %s", SHOW(dir), strerror(errno));
		return -1;
	}
	len = strlen(rdir);
	if (strcmp(rdir, "/") &&
	    (strncmp(rpath, rdir, len) || (rpath[len] != '/' && rpath[len] != 0))) {
		snprintf(why, whylen, "%.*s%s: resolves outside the run directory", SHOW(rel));
		return -1;
	}
	if (stat(rpath, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%.*s%s: not a regular file", SHOW(rel));
		return -1;
	}
	return 0;
}
