/*
 * trace_killtest.c - acceptance 1 of issue 7: a trace from a run killed with
 * kill -9 opens and holds every record up to at most the last 100 ms of
 * bench time before the kill.
 *
 * usage: trace_killtest DIR
 *
 * For several kill points, a child process records a long run (pump frames,
 * fixture frames and harness events with increasing host timestamps) and,
 * after each ph_trace_frame/ph_trace_event returns, reports the record's
 * timestamp through a pipe.  The parent SIGKILLs it at the kill point, reads
 * the file back and checks that it holds, in order and intact, every record
 * stamped at or before (last reported time - 100 ms).  One round runs on
 * the virtual clock (1 ms between records, as fast as it goes), one on the
 * real monotonic clock (records every ~0.3 ms for about a second).
 * Exit 0 on success, 1 on a failed check, with a message.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pp.h"
#include "trace/trace.h"
#include "trace/trace_read.h"

#define WINDOW_NS INT64_C(100000000)

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Record i: a status reply carrying i, every 7th a fixture frame, every 50th
 * a harness event. */
static int record(ph_trace *t, uint64_t i, int64_t ns)
{
	char json[96];
	uint8_t wire[PP_MAX_WIRE];
	pp_msg m;
	int n;

	if (i % 50 == 49) {
		snprintf(json, sizeof json,
		         "{\"ev\":\"measurement\",\"name\":\"i\",\"value\":%llu}",
		         (unsigned long long)i);
		return ph_trace_event(t, ns, json);
	}
	memset(&m, 0, sizeof m);
	m.type = pp_type_status;
	m.u.status.delivered_nl = i;
	n = pp_msg_encode(&m, PP_CH_PUMP, (uint16_t)i, i, wire, sizeof wire);
	if (n < 0)
		return -1;
	return ph_trace_frame(t, ns, i % 7 == 3 ? PP_CH_FIXTURE : PP_CH_PUMP, (int)(i & 1), wire,
	                      (size_t)n);
}

/* Child: record forever, reporting {i, ns} after each record. */
static void child(const char *path, int fd, int realtime)
{
	char err[256];
	ph_trace *t = ph_trace_open(path, err, sizeof err);
	int64_t t0 = mono_ns();

	if (!t) {
		fprintf(stderr, "child: %s\n", err);
		_exit(3);
	}
	for (uint64_t i = 0;; i++) {
		int64_t rep[2];
		int64_t ns = realtime ? mono_ns() - t0 : (int64_t)i * 1000000;
		if (record(t, i, ns) < 0) {
			perror("child: record");
			_exit(3);
		}
		rep[0] = (int64_t)i;
		rep[1] = ns;
		if (write(fd, rep, sizeof rep) != sizeof rep)
			_exit(3);
		if (realtime) {
			struct timespec d = { 0, 300000 };
			nanosleep(&d, NULL);
		}
	}
}

/* Check record i read back from the trace. */
static int check_record(const ph_trace_rec *rec, uint64_t i)
{
	pp_frame f;
	pp_msg m;

	if (i % 50 == 49) {
		char want[96];
		snprintf(want, sizeof want,
		         "{\"ev\":\"measurement\",\"name\":\"i\",\"value\":%llu}",
		         (unsigned long long)i);
		return rec->iface == PH_IF_EVENTS && rec->len == strlen(want) &&
		       !memcmp(rec->data, want, rec->len);
	}
	if (rec->iface != (i % 7 == 3 ? PH_IF_FIXTURE : PH_IF_PUMP) || rec->dir != (int)(i & 1) ||
	    rec->len < 1 || rec->data[rec->len - 1] != 0)
		return 0;
	if (pp_frame_decode(rec->data, rec->len - 1, &f) != PP_OK || f.board_us != i)
		return 0;
	f.channel = PP_CH_PUMP;
	return pp_msg_unpack(&f, &m) == PP_OK && m.u.status.delivered_nl == i;
}

/* Reported timestamps, in order. */
typedef struct reports {
	int64_t *ns;
	size_t n, cap;
} reports;

static int reports_add(reports *rp, int64_t ns)
{
	if (rp->n == rp->cap) {
		size_t cap = rp->cap ? rp->cap * 2 : 4096;
		int64_t *p = realloc(rp->ns, cap * sizeof *p);
		if (!p)
			return -1;
		rp->ns = p;
		rp->cap = cap;
	}
	rp->ns[rp->n++] = ns;
	return 0;
}

/* Read the trace back: it must hold every reported record stamped at or
 * before (last reported - 100 ms), intact and in order. */
static int verify(const char *path, const reports *rp)
{
	char err[256];
	ph_trace_reader *r = ph_trace_reader_open(path, err, sizeof err);
	ph_trace_rec rec;
	int64_t last_ns = rp->n ? rp->ns[rp->n - 1] : 0, prev = -1;
	uint64_t i = 0, need = 0;
	int k, ok = 1;

	if (!r) {
		fprintf(stderr, "FAIL: %s\n", err);
		return 0;
	}
	while (need < rp->n && rp->ns[need] <= last_ns - WINDOW_NS)
		need++;
	while ((k = ph_trace_reader_next(r, &rec)) == PH_TRACE_RECORD) {
		/* The child may die after recording and before reporting once. */
		if (!check_record(&rec, i) || i > rp->n || (i < rp->n && rec.t_ns != rp->ns[i])) {
			fprintf(stderr, "FAIL: %s: record %llu is wrong or was never reported\n",
			        path, (unsigned long long)i);
			ok = 0;
			break;
		}
		prev = rec.t_ns;
		i++;
	}
	if (k == PH_TRACE_ERROR) {
		fprintf(stderr, "FAIL: %s\n", ph_trace_reader_error(r));
		ok = 0;
	}
	if (ok && i < need) {
		fprintf(stderr, "FAIL: %s: %llu records kept, %llu were older than 100 ms\n", path,
		        (unsigned long long)i, (unsigned long long)need);
		ok = 0;
	}
	printf("%s: %llu of %zu reported records kept (%llu required), last %.1f ms before the "
	       "kill%s%s\n",
	       path, (unsigned long long)i, rp->n, (unsigned long long)need,
	       (double)(last_ns - prev) / 1e6, ph_trace_reader_warning(r) ? "; " : "",
	       ph_trace_reader_warning(r) ? ph_trace_reader_warning(r) : "");
	ph_trace_reader_close(r);
	return ok;
}

/* One round: record until the child reported kill_at records (or, on the
 * real clock, for a second), SIGKILL it, verify. */
static int round_trip(const char *dir, int n, uint64_t kill_at, int realtime)
{
	char path[4096];
	int fds[2], status, ok;
	pid_t pid;
	int64_t rep[2], start = mono_ns();
	reports rp = { NULL, 0, 0 };

	snprintf(path, sizeof path, "%s/trace_kill9_%d.pcapng", dir, n);
	if (pipe(fds) < 0)
		return 0;
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		close(fds[0]);
		child(path, fds[1], realtime);
	}
	close(fds[1]);
	while (read(fds[0], rep, sizeof rep) == sizeof rep) {
		if (reports_add(&rp, rep[1]) < 0)
			break;
		if (realtime ? mono_ns() - start > INT64_C(1000000000) : rp.n >= kill_at)
			break;
	}
	kill(pid, SIGKILL);
	/* Reports already in the pipe were made before the kill: they count. */
	while (read(fds[0], rep, sizeof rep) == sizeof rep)
		if (reports_add(&rp, rep[1]) < 0)
			break;
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
		fprintf(stderr, "FAIL: child did not die of SIGKILL (status %d)\n", status);
		free(rp.ns);
		return 0;
	}
	ok = verify(path, &rp);
	free(rp.ns);
	return ok;
}

int main(int argc, char **argv)
{
	static const uint64_t kill_points[] = { 5, 150, 1234, 20000, 77777 };
	int ok = 1, n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: trace_killtest DIR\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof kill_points / sizeof kill_points[0]; i++)
		ok &= round_trip(argv[1], n++, kill_points[i], 0);
	ok &= round_trip(argv[1], n++, 0, 1);
	return ok ? 0 : 1;
}
