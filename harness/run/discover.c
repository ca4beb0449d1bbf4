/*
 * discover.c - finding test scripts: a file is a script, a folder is every
 * *.lua below it in name order (hidden entries skipped, 16 levels at most).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"
#include "run/run_priv.h"

int ph_strvec_push(ph_strvec *s, const char *x)
{
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 16;
		char **v = realloc(s->v, (size_t)cap * sizeof *v);
		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	if (!(s->v[s->n] = strdup(x)))
		return -1;
	s->n++;
	return 0;
}

void ph_strvec_free(ph_strvec *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

static int discover(const char *path, ph_strvec *out, int depth)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		ph_log_error("pumphil: %s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return ph_strvec_push(out, path);
	if (!S_ISDIR(st.st_mode) || depth > 16)
		return 0;
	DIR *d = opendir(path);
	if (!d) {
		ph_log_error("pumphil: %s: %s", path, strerror(errno));
		return -1;
	}
	ph_strvec here = { 0 };
	struct dirent *e;
	int r = 0;
	while ((e = readdir(d))) {
		char sub[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		if (stat(sub, &st) < 0)
			continue;
		if ((S_ISREG(st.st_mode) && ends_with(e->d_name, ".lua")) || S_ISDIR(st.st_mode))
			if (ph_strvec_push(&here, sub) < 0)
				r = -1;
	}
	closedir(d);
	if (here.n)
		qsort(here.v, (size_t)here.n, sizeof *here.v, cmp_str);
	for (int i = 0; i < here.n && r == 0; i++)
		r = discover(here.v[i], out, depth + 1);
	ph_strvec_free(&here);
	return r;
}

int ph_discover(const char *path, ph_strvec *out)
{
	return discover(path, out, 0);
}
