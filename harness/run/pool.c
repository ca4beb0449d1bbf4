/*
 * pool.c - see pool.h.
 */
#include "run/pool.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/interrupt.h"

typedef struct worker {
	pid_t pid;
	int to, from; /* pipes: indices to the worker, results back */
	long busy;    /* plan index in progress, -1 idle */
	char *buf;    /* partial result line */
	size_t len, cap;
} worker;

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Worker process: read an index per line, answer with one JSON line.  A
 * stop request ends the test in flight (base/interrupt.h); the parent, not
 * a second signal, decides that the worker is done. */
static void worker_main(int in, int out, void *env, ph_pool_fn fn)
{
	ph_interrupt_install(0);
	FILE *f = fdopen(in, "r");
	char line[64];
	while (f && fgets(line, sizeof line, f)) {
		json_t *r = fn(env, strtoul(line, NULL, 10));
		char *s = json_dumps(r, JSON_COMPACT);
		json_decref(r);
		if (!s || write_all(out, s, strlen(s)) < 0 || write_all(out, "\n", 1) < 0)
			_exit(3);
		free(s);
	}
	_exit(0);
}

static int spawn(worker *w, void *env, ph_pool_fn fn)
{
	int a[2], b[2];
	if (pipe(a) < 0)
		return -1;
	if (pipe(b) < 0) {
		close(a[0]);
		close(a[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	w->pid = fork();
	if (w->pid < 0)
		return -1;
	if (w->pid == 0) {
		close(a[1]);
		close(b[0]);
		worker_main(a[0], b[1], env, fn);
	}
	close(a[0]);
	close(b[1]);
	w->to = a[1];
	w->from = b[0];
	w->busy = -1;
	w->len = 0;
	return 0;
}

static json_t *died(pid_t pid, int status)
{
	char msg[128];
	if (WIFSIGNALED(status))
		snprintf(msg, sizeof msg, "worker %d died from signal %d", (int)pid,
		         WTERMSIG(status));
	else
		snprintf(msg, sizeof msg, "worker %d exited with status %d", (int)pid,
		         WEXITSTATUS(status));
	return json_pack("{s:s,s:s,s:i,s:f}", "verdict", "error", "message", msg, "bench_ns", 0,
	                 "wall_ms", 0.0);
}

static void give(worker *w, size_t *next, size_t n, const ph_pool_hooks *h)
{
	char line[32];
	if (h && h->stop && h->stop(h->ud))
		*next = n;
	if (*next >= n) {
		w->busy = -1;
		return;
	}
	if (h && h->started)
		h->started(h->ud, *next);
	w->busy = (long)*next;
	snprintf(line, sizeof line, "%zu\n", (*next)++);
	/* A failed write means the worker is gone: its EOF reports the test. */
	(void)write_all(w->to, line, strlen(line));
}

/* Read what the worker sent; returns a complete result or NULL. */
static json_t *take_line(worker *w)
{
	char *nl = memchr(w->buf, '\n', w->len);
	json_t *r;
	if (!nl)
		return NULL;
	*nl = 0;
	r = json_loads(w->buf, 0, NULL);
	size_t used = (size_t)(nl - w->buf) + 1;
	memmove(w->buf, nl + 1, w->len - used);
	w->len -= used;
	return r;
}

static int fill(worker *w)
{
	if (w->cap - w->len < 65536) {
		size_t cap = w->cap ? w->cap * 2 : 1 << 20;
		char *b = realloc(w->buf, cap);
		if (!b)
			return -1;
		w->buf = b;
		w->cap = cap;
	}
	ssize_t r = read(w->from, w->buf + w->len, w->cap - w->len - 1);
	if (r > 0)
		w->len += (size_t)r;
	return (int)r;
}

static void store(json_t *results, size_t idx, json_t *r, const ph_pool_hooks *h)
{
	if (!json_object_get(r, "index"))
		json_object_set_new(r, "index", json_integer((json_int_t)idx + 1));
	json_array_set_new(results, idx, r);
	if (h && h->done)
		h->done(h->ud, idx, r);
}

static json_t *run_parallel(void *env, size_t n, int jobs, ph_pool_fn fn, json_t *results,
                            const ph_pool_hooks *h)
{
	worker ws[64];
	size_t next = 0;
	int alive = 0, forwarded = 0;

	if (jobs > 64)
		jobs = 64;
	memset(ws, 0, sizeof ws);
	for (int i = 0; i < jobs && (size_t)i < n; i++) {
		if (spawn(&ws[i], env, fn) < 0)
			break;
		alive++;
		give(&ws[i], &next, n, h);
	}
	while (alive > 0) {
		struct pollfd pf[64];
		int map[64], np = 0;
		for (int i = 0; i < jobs; i++)
			if (ws[i].pid > 0) {
				pf[np].fd = ws[i].from;
				pf[np].events = POLLIN;
				map[np++] = i;
			}
		if (ph_interrupted() && !forwarded) {
			/* Stop: no more tests, and the workers end theirs. */
			forwarded = 1;
			next = n;
			for (int i = 0; i < jobs; i++)
				ph_interrupt_forward(ws[i].pid);
		}
		if (poll(pf, (nfds_t)np, 200) < 0) { /* 200 ms: see a stop request */
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < np; k++) {
			worker *w = &ws[map[k]];
			if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			int r = fill(w);
			json_t *res;
			while ((res = take_line(w))) {
				store(results, (size_t)w->busy, res, h);
				give(w, &next, n, h);
			}
			if (r > 0)
				continue;
			/* EOF: the worker finished or died. */
			int status = 0;
			close(w->from);
			close(w->to);
			waitpid(w->pid, &status, 0);
			if (w->busy >= 0) {
				store(results, (size_t)w->busy, died(w->pid, status), h);
				w->pid = 0;
				alive--;
				if (next < n && spawn(w, env, fn) == 0) {
					alive++;
					give(w, &next, n, h);
				}
				continue;
			}
			w->pid = 0;
			alive--;
		}
		/* Idle workers with nothing left to give: let them exit. */
		for (int i = 0; i < jobs; i++)
			if (ws[i].pid > 0 && ws[i].busy < 0 && ws[i].to >= 0 && next >= n) {
				close(ws[i].to);
				ws[i].to = -1;
			}
	}
	for (int i = 0; i < jobs; i++)
		free(ws[i].buf);
	return results;
}

json_t *ph_pool_run(void *env, size_t n, int jobs, ph_pool_fn fn, const ph_pool_hooks *h)
{
	json_t *results = json_array();
	signal(SIGPIPE, SIG_IGN); /* a dead worker's pipe must not kill the run */
	for (size_t i = 0; i < n; i++)
		json_array_append_new(results, json_null());
	if (jobs <= 1 || n <= 1) {
		for (size_t i = 0; i < n; i++) {
			if (h && h->stop && h->stop(h->ud))
				break;
			if (h && h->started)
				h->started(h->ud, i);
			store(results, i, fn(env, i), h);
		}
		return results;
	}
	return run_parallel(env, n, jobs, fn, results, h);
}
