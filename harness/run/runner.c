/*
 * runner.c - a run from end to end: load the scripts, plan (plan.c), open a
 * fresh bench per test and run it (here), hand the plan to the pool, and
 * announce what happens to the subscribers (events.h): the record writer,
 * the console, and the caller's.
 */
#include "run/runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "adapters/board.h"
#include "base/clock.h"
#include "base/fs.h"
#include "base/interrupt.h"
#include "base/paths.h"
#include "link/linkfault.h"
#include "link/profile.h"
#include "link/monitor.h"
#include "lua/lua_adapter.h"
#include "lua/lua_fixtures.h"
#include "report/report.h"
#include "results/record.h"
#include "run/pool.h"
#include "run/script.h"
#include "trace/trace.h"
#include "trace/trace_write.h"
#include "run/run_priv.h"
#include "base/log.h"

void ph_run_opts_default(ph_run_opts *o)
{
	memset(o, 0, sizeof *o);
	o->board = "sim";
	o->time_scale = 1;
	o->seed = 1;
	o->reports_root = "reports";
	o->profile = "reference";
	o->fixtures_dir = ph_default_fixtures_dir();
	o->repeat = 1;
	o->jobs = 1;
	o->bench_timeout_ns = 200LL * 86400 * 1000000000; /* 200 virtual days */
	o->wall_timeout_ns = 120LL * 1000000000;
	o->mem_cap = 256u << 20;
}

/* ---- one test on one bench ---- */

typedef struct run_env {
	const ph_run_opts *o;
	ph_script **scripts;
	ph_plan plan;
	json_t *profile;
	bench_config cfg;
	char dir[1024]; /* report directory */
	char board_desc[256];
	json_t *run; /* the record's "run" object, also written into every trace */
	ph_run_bus bus;
	int lock_fd; /* the report directory's lock, held for the run (-1: none) */
	ph_mon_rule mon[PH_MON_SIGNALS]; /* the profile's recording rules */
} run_env;

static void trace_tap(void *ud, int64_t t_ns, uint8_t ch, int dir, const uint8_t *w, size_t n)
{
	ph_trace_frame(ud, t_ns, ch, dir, w, n);
}

/* Harness events are flushed at once: they are few, and a run killed while a
 * Lua test spins without touching the bench must still leave the test's
 * test_start (and what led up to it) in the trace for `pumphil report`. */
static void trace_clock(void *ud, int64_t t_ns)
{
	ph_trace_clock(ud, t_ns);
}

static void trace_record(void *ud, int64_t t_ns, const char *json)
{
	ph_trace_event(ud, t_ns, json);
	ph_trace_flush(ud);
}

/* -v, one bench: the test's events on the console as they are recorded. */
typedef struct ph_test_echo {
	ph_trace *trace;
} ph_test_echo;

static void echo_clock(void *ud, int64_t t_ns)
{
	ph_test_echo *e = ud;
	if (e->trace)
		trace_clock(e->trace, t_ns);
}

static void echo_record(void *ud, int64_t t_ns, const char *text)
{
	ph_test_echo *e = ud;
	if (e->trace)
		trace_record(e->trace, t_ns, text);
	ph_console_event(text);
}

/* First event of every trace: the run it belongs to and the test's place in
 * it, so a trace alone can rebuild its part of the record (docs/record.md). */
static void trace_run_start(ph_trace *trace, int64_t t_ns, const run_env *env,
                            const ph_plan_item *p, size_t index)
{
	json_t *ev =
	        json_pack("{s:s,s:O,s:O,s:O,s:{s:I,s:i,s:I}}", "ev", "run_start", "seed",
	                  json_object_get(env->run, "seed"), "board",
	                  json_object_get(env->run, "board"), "run", env->run, "test", "index",
	                  (json_int_t)index + 1, "repeat", p->rep, "seed", (json_int_t)p->seed);
	char *text = ev ? json_dumps(ev, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	if (text)
		trace_record(trace, t_ns, text);
	free(text);
	json_decref(ev);
}

/* Identify the board under test the way a bench operator would: interrogate
 * it once before the test and keep its serial and firmware version (the
 * exchange is in the trace).  Returns a new {"serial","fw_version"} object,
 * or NULL when the board does not answer (the test will say why). */
static json_t *identify_dut(ph_link *link)
{
	pp_msg req = { .type = pp_type_interrogate }, reply;
	char ver[32], serial[16];

	if (ph_link_call(link, PP_CH_PUMP, &req, &reply, NULL) != PH_LINK_OK ||
	    reply.type != pp_type_status)
		return NULL;
	uint32_t v = reply.u.status.fw_version;
	snprintf(ver, sizeof ver, "%u.%u.%u", (unsigned)(v >> 16), (unsigned)(v >> 8 & 0xff),
	         (unsigned)(v & 0xff));
	snprintf(serial, sizeof serial, "%lu", (unsigned long)reply.u.status.serial);
	return json_pack("{s:s,s:s}", "serial", serial, "fw_version", ver);
}

/* The test's identity (from its script) and place in the plan, into res. */
static void set_identity(run_env *env, size_t index, json_t *res)
{
	static const char *const keys[] = { "file", "line", "suite",  "name",
		                            "tags", "req",  "hazard", "xfail" };
	const ph_plan_item *p = &env->plan.items[index];
	json_t *t = ph_plan_test(env->scripts, p);

	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		json_object_set(res, keys[k], json_object_get(t, keys[k]));
	json_object_set_new(res, "ordinal", json_integer(p->id)); /* definition order in its file */
	json_object_set_new(res, "seed", json_integer((json_int_t)p->seed));
	json_object_set_new(res, "repeat", json_integer(p->rep));
	json_object_set_new(res, "index", json_integer((json_int_t)index + 1));
}

/* A real board starts each test from its factory state: the fixture erases
 * the therapy state and power-cycles the DUT, then it must answer. */
static void factory_reset(ph_link *link)
{
	pp_msg req = { .type = pp_type_fx_reset }, reply;
	req.u.fx_reset.kind = 3;
	if (ph_link_call(link, PP_CH_FIXTURE, &req, &reply, NULL) == PH_LINK_OK)
		ph_link_run_until(link, ph_link_now(link) + 200000000LL);
}

/* A known issue (test option xfail = {id, reason}): a failure is the
 * expected one (xfail), a pass is news (xpass: the issue may be fixed, or
 * the test no longer sees it).  An error stays an error: the bench or the
 * script broke, and that says nothing about the known issue. */
static void apply_xfail(json_t *res)
{
	json_t *x = json_object_get(res, "xfail");
	if (!json_is_object(x))
		return;
	ph_verdict v = ph_verdict_of(res);
	const char *id = json_string_value(json_object_get(x, "id"));
	const char *why = json_string_value(json_object_get(x, "reason"));
	char msg[1200];
	if (v == PH_VERDICT_FAIL) {
		json_object_set_new(res, "verdict", json_string("xfail"));
		const char *m = json_string_value(json_object_get(res, "message"));
		snprintf(msg, sizeof msg, "known issue %s: %s", id ? id : "?", m ? m : "");
		json_object_set_new(res, "message", json_string(msg));
	} else if (v == PH_VERDICT_PASS) {
		json_object_set_new(res, "verdict", json_string("xpass"));
		snprintf(msg, sizeof msg,
		         "passed, but known issue %s (%s) says it fails: close the issue or drop "
		         "the test's xfail",
		         id ? id : "?", why ? why : "");
		json_object_set_new(res, "message", json_string(msg));
	}
}

/* The run was stopped while this test ran: unless it passed anyway, its
 * verdict is the stop's, not the test's (docs/record.md, "interrupted"). */
static void mark_interrupted(json_t *res)
{
	char msg[160];
	if (ph_verdict_of(res) == PH_VERDICT_PASS)
		return;
	snprintf(msg, sizeof msg, "interrupted: the run was stopped (%s) during this test",
	         ph_interrupt_name(ph_interrupted()));
	json_object_set_new(res, "verdict", json_string("error"));
	json_object_set_new(res, "message", json_string(msg));
	json_object_set_new(res, "interrupted", json_true());
}

/* A board whose clock runs K times faster still answers over USB in real
 * time: a reply takes K times longer in bench time.  The reply timeout keeps
 * its real-time worth (a frame lost on the link is retried after 100 ms of
 * real time, a bench-time multiple of it), never less than the default. */
static void scaled_link_timing(ph_link *link, unsigned k)
{
	int64_t t = 100000000LL * (int64_t)k;

	ph_link_set_timing(link, t > 250000000LL ? t : 250000000LL, 3);
}

/* A retry's seed: another draw for the same test. */
static uint64_t retry_seed(uint64_t seed, int attempt)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ull * (uint64_t)attempt;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (z ^ (z >> 31)) & 0x7fffffffffffffffull;
}

/* One attempt at a planned test on a fresh bench.  Attempt 0 is the test
 * as planned; a retry (--retry) runs it again with its own seed (a real
 * bench's noise differs each time too) and its own trace. */
static json_t *run_attempt(void *envp, size_t index, int attempt)
{
	run_env *env = envp;
	const ph_plan_item *p = &env->plan.items[index];
	ph_script *s = env->scripts[p->script];
	int id = p->id;
	json_t *t = ph_plan_test(env->scripts, p);
	uint64_t seed = attempt ? retry_seed(p->seed, attempt) : p->seed;
	char err[512], trace_path[1200], rel[64];
	bench_config cfg = env->cfg;
	ph_transport *tr;
	ph_link *link = NULL;
	ph_trace *trace = NULL;
	json_t *res, *dut = NULL, *trace_err = NULL;

	cfg.seed = seed;
	ph_board_params bp = { .cfg = &cfg, .time_scale = env->o->time_scale };
	tr = ph_board_open(env->o->board, &bp, err, sizeof err);
	if (!tr) {
		res = json_object();
		json_object_set_new(res, "verdict", json_string("error"));
		json_object_set_new(res, "message", json_string(err));
		goto out;
	}
	/* Every test's board sits behind a link-fault layer (transparent until
	 * a script sets faults), seeded from the test. */
	const char *adapter_line = ph_board_adapter_line(env->o->board, tr);
	ph_transport *lf = ph_linkfault_wrap(tr, seed ^ 0x6c696e6b6661756cull);
	if (lf)
		tr = lf;
	link = ph_link_new(tr);
	if (link && env->o->time_scale > 1)
		scaled_link_timing(link, env->o->time_scale);
	if (ph_board_flags_of(env->o->board) & PH_BOARD_PHYSICAL)
		factory_reset(link);
	if (attempt)
		snprintf(rel, sizeof rel, "traces/%04zu-retry%d.pcapng", index + 1, attempt);
	else
		snprintf(rel, sizeof rel, "traces/%04zu.pcapng", index + 1);
	if (!env->o->no_report) {
		snprintf(trace_path, sizeof trace_path, "%s/%s", env->dir, rel);
		trace = ph_trace_open(trace_path, err, sizeof err);
		if (!trace) {
			ph_log_warn("pumphil: warning: no trace: %s", err);
			trace_err = json_string(err);
		} else
			ph_link_set_tap(link, trace_tap, trace);
	}
	if (trace)
		trace_run_start(trace, ph_link_now(link), env, p, index);
	if (trace && !env->o->no_monitors) {
		/* The board streams its signals into the trace for the whole test,
		 * whatever the script asks. */
		int r = ph_mon_subscribe(link, env->mon);
		if (r != PH_LINK_OK)
			ph_log_warn("pumphil: warning: no monitors on this board: %s",
			            ph_link_strerror(r));
	}
	dut = env->o->adapter ? NULL : identify_dut(link); /* the adapter speaks to the pump */
	ph_ctx ctx = {
		.link = link,
		.transport = tr,
		.t0 = ph_link_now(link),
		.seed = seed,
		.fixtures_dir = env->o->fixtures_dir,
		.profile = env->profile,
		.record = trace ? trace_record : NULL,
		.clock = trace ? trace_clock : NULL,
		.record_ud = trace,
		.adapter_file = env->o->adapter,
		.adapter_line = adapter_line,
	};
	ph_console_live lv = { json_string_value(json_object_get(t, "suite")),
		               json_string_value(json_object_get(t, "name")), ph_link_now(link) };
	ph_test_echo echo = { .trace = trace };
	if (env->o->verbosity > 0 && env->o->jobs <= 1) {
		/* -v with one bench: the test's log and measurements as they
		 * happen, and into the trace as before. */
		ctx.record = echo_record;
		ctx.clock = trace ? echo_clock : NULL; /* the ud is the echo, not the trace */
		ctx.record_ud = &echo;
	}
	if (env->o->jobs <= 1 && isatty(STDOUT_FILENO)) {
		ctx.progress = ph_console_progress;
		ctx.progress_ud = &lv;
		ctx.progress_wall = ph_monotonic_ns();
	}
	json_t *tmo = json_object_get(t, "timeout");
	int64_t bench_limit =
	        json_is_number(tmo) ? (int64_t)json_number_value(tmo) : env->o->bench_timeout_ns;
	ctx.bench_limit_ns = ph_link_now(link) + bench_limit;
	json_t *wtmo = json_object_get(t, "wall_timeout");
	ph_test_limits lim = {
		.wall_timeout_ns = json_is_number(wtmo) ? (int64_t)json_number_value(wtmo)
		                                        : env->o->wall_timeout_ns,
		.teardown_wall_ns = 10LL * 1000000000,
	};
	int64_t bench_start = ph_link_now(link);
	int stopped_before = ph_interrupted();
	res = ph_script_run_test(s, id, &ctx, &lim);
	ph_lua_adapter_close(&ctx);
	if (!stopped_before && ph_interrupted())
		mark_interrupted(res);
	json_object_set_new(res, "bench_ns", json_integer(ph_link_now(link) - bench_start));
	if (ctx.disconnected) {
		char msg[200];
		int64_t waited = ph_monotonic_ns();
		int back = ph_board_wait_back(env->o->board, 60LL * 1000000000) == 0;
		waited = ph_monotonic_ns() - waited;
		snprintf(msg, sizeof msg, "board disconnected at t=%.3f s%s",
		         (double)(ctx.disconnected_at - ctx.t0) / 1e9,
		         back ? ""
		         : waited >= 59LL * 1000000000
		                 ? "; it did not come back within 60 s"
		                 : "; it cannot come back (its board is gone)");
		json_object_set_new(res, "verdict", json_string("error"));
		json_object_set_new(res, "message", json_string(msg));
	}
	const ph_link_stats *st = ph_link_stats_get(link);
	json_object_set_new(res, "link",
	                    json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", "tx", st->tx, "rx", st->rx,
	                              "bad_rx", st->bad_rx, "naks", st->naks, "retries",
	                              st->retries, "timeouts", st->timeouts));
	if (trace)
		json_object_set_new(res, "trace", json_string(rel));
	if (dut)
		json_object_set_new(res, "dut", dut);
out:
	if (ph_trace_close(trace) < 0) {
		char msg[1400];
		snprintf(msg, sizeof msg, "%s: %s", trace_path, strerror(errno));
		json_object_set_new(res, "evidence_error", json_string(msg));
	}
	ph_link_free(link);
	ph_transport_close(tr);
	if (trace_err)
		json_object_set_new(res, "evidence_error", trace_err);
	set_identity(env, index, res);
	apply_xfail(res);
	if (attempt) {
		json_object_set_new(res, "seed", json_integer((json_int_t)seed));
		json_object_set_new(res, "attempt", json_integer(attempt));
	}
	return res;
}

/* The planned test, and with --retry N, up to N more attempts while it
 * fails or errors (not when the run is stopping).  A pass after a failure
 * is "flaky"; every attempt before the last is listed in "attempts" with
 * its verdict, message, seed and trace, so nothing is hidden. */
static json_t *ph_run_planned(void *envp, size_t index)
{
	run_env *env = envp;
	json_t *res = run_attempt(env, index, 0), *attempts = NULL;
	for (int k = 1; k <= env->o->retries && !ph_interrupted(); k++) {
		ph_verdict v = ph_verdict_of(res);
		if (!ph_verdict_is_failure(v) && !ph_verdict_is_error(v))
			break;
		if (!attempts)
			attempts = json_array();
		json_array_append_new(attempts,
		                      json_pack("{s:O,s:O*,s:O*,s:O,s:O*}", "verdict",
		                                json_object_get(res, "verdict"), "message",
		                                json_object_get(res, "message"), "where",
		                                json_object_get(res, "where"), "seed",
		                                json_object_get(res, "seed"), "trace",
		                                json_object_get(res, "trace")));
		json_decref(res);
		res = run_attempt(env, index, k);
	}
	if (attempts) {
		if (ph_verdict_of(res) == PH_VERDICT_PASS)
			json_object_set_new(res, "verdict", json_string("flaky"));
		json_object_set_new(res, "attempts", attempts);
	}
	return res;
}

/* ---- the run ---- */

static int load_scripts(const ph_run_opts *o, ph_strvec *files, ph_script ***out)
{
	ph_script **s = calloc((size_t)files->n + 1, sizeof *s);
	char err[1024];
	int bad = 0;

	if (!s)
		return -1;
	for (int i = 0; i < files->n; i++) {
		s[i] = ph_script_load(files->v[i], o->mem_cap, o->fixtures_dir, err, sizeof err);
		if (!s[i]) {
			ph_log_error("pumphil: %s", err);
			bad = 1;
		}
	}
	*out = s;
	return bad ? -1 : 0;
}

static int make_report_dir(const ph_run_opts *o, char *dir, size_t n, char *run_id, size_t idn)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	snprintf(run_id, idn, "%04d%02d%02d-%02d%02d%02d-%d", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)getpid());
	if (o->report_dir)
		snprintf(dir, n, "%s", o->report_dir);
	else
		snprintf(dir, n, "%s/%s", o->reports_root, run_id);
	return ph_mkdirs(dir);
}

static void utc_now(char *buf, size_t n)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *run_info(const ph_run_opts *o, run_env *env, const char *run_id)
{
	char host[256] = "?";
	char when[64];
	gethostname(host, sizeof host - 1);
	utc_now(when, sizeof when);
	const char *profile = json_string_value(json_object_get(env->profile, "path"));
	json_t *run =
	        json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:i,s:s}", "id", run_id, "started",
	                  when, "harness_version", PUMPHIL_VERSION, "git", PUMPHIL_GIT, "board",
	                  o->board, "seed", (json_int_t)o->seed, "board_desc", env->board_desc,
	                  "profile", profile ? profile : o->profile, "host", host, "jobs", o->jobs,
	                  "command", o->argv_line ? o->argv_line : "");
	if (run && o->shard_n > 1) {
		char shard[32];
		snprintf(shard, sizeof shard, "%d/%d", o->shard_k, o->shard_n);
		json_object_set_new(run, "shard", json_string(shard));
	}
	return run;
}

/* When the run ended and how long it took (wall time). */
static void run_finished(json_t *run, int64_t wall_start_ns)
{
	char when[64];
	utc_now(when, sizeof when);
	json_object_set_new(run, "finished", json_string(when));
	json_object_set_new(run, "wall_s",
	                    json_real((double)(ph_monotonic_ns() - wall_start_ns) / 1e9));
}

/* A test as events name it. */
static ph_test_ref test_ref(run_env *env, size_t index)
{
	const ph_plan_item *p = &env->plan.items[index];
	json_t *t = ph_plan_test(env->scripts, p);
	ph_test_ref ref = {
		.index = index,
		.file = json_string_value(json_object_get(t, "file")),
		.suite = json_string_value(json_object_get(t, "suite")),
		.name = json_string_value(json_object_get(t, "name")),
		.line = (int)json_integer_value(json_object_get(t, "line")),
		.plan = p,
	};
	return ref;
}

/* The exit status the verdicts give: a failure (the device) over an error
 * (the bench or script) over a pass. */
static int run_status(const ph_run_summary *s)
{
	int failures = 0, errors = 0;
	for (int v = 0; v < PH_VERDICT_COUNT; v++) {
		failures += ph_verdict_is_failure((ph_verdict)v) ? s->count[v] : 0;
		errors += ph_verdict_is_error((ph_verdict)v) ? s->count[v] : 0;
	}
	return failures ? PH_EXIT_FAILED : errors ? PH_EXIT_ERROR : PH_EXIT_OK;
}

static int on_stop(void *ud)
{
	run_env *env = ud;
	if (env->o->fail_fast && run_status(&env->bus.summary) != PH_EXIT_OK)
		return 1;
	return ph_interrupted() != 0;
}

static void on_started(void *ud, size_t index)
{
	run_env *env = ud;
	ph_test_ref ref = test_ref(env, index);
	ph_bus_test_started(&env->bus, &ref);
}

/* A result arrived.  A worker that died mid-test returns a bare error: give
 * it its identity, and its trace when it left one. */
static void on_done(void *ud, size_t index, json_t *r)
{
	run_env *env = ud;
	if (!json_object_get(r, "name")) {
		set_identity(env, index, r);
		if (!env->o->no_report) {
			char rel[64], path[1200];
			struct stat st;
			snprintf(rel, sizeof rel, "traces/%04zu.pcapng", index + 1);
			snprintf(path, sizeof path, "%s/%s", env->dir, rel);
			if (stat(path, &st) == 0)
				json_object_set_new(r, "trace", json_string(rel));
		}
	}
	ph_test_ref ref = test_ref(env, index);
	ph_bus_test_ended(&env->bus, &ref, r);
}

/* The report directory, before any test runs: created with its traces/
 * folder, writable, and ours alone.  A lock (flock on DIR/.pumphil.lock,
 * held until the process ends) keeps a second run from interleaving its
 * traces with ours.  Returns 0, or -1 with one line on stderr naming the
 * directory. */
static int open_report_dir(run_env *env, char *run_id, size_t idn)
{
	char path[1200], other[32] = "";
	const char *dir = env->dir;

	if (make_report_dir(env->o, env->dir, sizeof env->dir, run_id, idn) < 0)
		goto cannot;
	snprintf(path, sizeof path, "%s/traces", dir);
	if (ph_mkdirs(path) < 0)
		goto cannot;
	snprintf(path, sizeof path, "%s/.pumphil.lock", dir);
	env->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (env->lock_fd < 0)
		goto cannot;
	if (flock(env->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		ssize_t n = read(env->lock_fd, other, sizeof other - 1);
		other[n > 0 ? n : 0] = 0;
		other[strcspn(other, "\n")] = 0;
		ph_log_error("pumphil: %s is in use by another run%s%s%s; give each run its own "
		             "--report",
		             dir, *other ? " (pid " : "", other, *other ? ")" : "");
		return -1;
	}
	snprintf(other, sizeof other, "%d\n", (int)getpid());
	if (ftruncate(env->lock_fd, 0) < 0 || write(env->lock_fd, other, strlen(other)) < 0)
		goto cannot;
	return 0;
cannot:
	ph_log_error("pumphil: cannot write reports to %s: %s", dir, strerror(errno));
	return -1;
}

/* --rerun-failed: the tests that failed or errored in a run's record, as a
 * set of plan keys.  Returns NULL after a line naming the record when it
 * cannot be read. */
static json_t *failed_in(const char *run_dir)
{
	char path[4096], err[1024], key[1024];
	snprintf(path, sizeof path, "%s/record.json", run_dir);
	json_t *rec = ph_record_load(path, err, sizeof err), *t;
	if (!rec) {
		ph_log_error("pumphil: --rerun-failed: %s", err);
		return NULL;
	}
	json_t *only = json_object();
	size_t i;
	json_array_foreach(json_object_get(rec, "tests"), i, t)
	{
		ph_verdict v = ph_verdict_of(t);
		if (v != PH_VERDICT_FAIL && v != PH_VERDICT_ERROR)
			continue;
		ph_plan_key(json_string_value(json_object_get(t, "file")),
		            json_string_value(json_object_get(t, "suite")),
		            json_string_value(json_object_get(t, "name")), key, sizeof key);
		json_object_set_new(only, key, json_true());
	}
	json_decref(rec);
	return only;
}

/* Everything a run needs before its first test: scripts, profile, plan,
 * board check, report directory.  Returns 0, 1 when the run is a listing
 * (done), or 2 for bad input (said on stderr). */
static int prepare(ph_run_opts *oc, run_env *env, ph_strvec *files, char *run_id, size_t idn)
{
	const ph_run_opts *o = oc;
	char err[1024];

	for (int i = 0; i < o->npaths; i++)
		if (ph_discover(o->paths[i], files) < 0)
			return 2;
	if (files->n == 0) {
		ph_log_error("pumphil: no *.lua test scripts under the given paths");
		return 2;
	}
	env->profile = ph_profile_load(o->profile, o->fixtures_dir, &env->cfg, err, sizeof err);
	if (!env->profile) {
		ph_log_error("pumphil: %s", err);
		return 2;
	}
	if (ph_mon_rules(env->profile, json_string_value(json_object_get(env->profile, "path")),
	                 env->mon, err, sizeof err) < 0) {
		ph_log_error("pumphil: %s", err);
		return 2;
	}
	/* The fault catalogue and drug library, before any script runs. */
	if (ph_lua_check_fixtures(o->fixtures_dir, env->profile, err, sizeof err) < 0) {
		ph_log_error("pumphil: %s", err);
		return 2;
	}
	if (load_scripts(o, files, &env->scripts) < 0)
		return 2;
	json_t *only = NULL;
	if (o->rerun_failed && !(only = failed_in(o->rerun_failed)))
		return 2;
	int rc = ph_plan_make(o, env->scripts, files->n, only, &env->plan);
	json_decref(only);
	if (rc < 0) {
		ph_log_error("pumphil: out of memory planning the run");
		return 2;
	}
	if (o->rerun_failed && env->plan.n == 0) {
		ph_log_note("pumphil: nothing to rerun: no test under the given paths failed in %s",
		            o->rerun_failed);
		return 1;
	}
	if (o->list) {
		ph_plan_list(&env->plan, env->scripts);
		return 1;
	}
	if (!ph_board_check(o->board, err, sizeof err)) {
		ph_log_error("pumphil: %s", err);
		return 2;
	}
	unsigned flags = ph_board_flags_of(o->board);
	if ((flags & PH_BOARD_REALTIME) && !oc->wall_timeout_set)
		oc->wall_timeout_ns = 24LL * 3600 * 1000000000;
	if ((flags & PH_BOARD_REALTIME) && oc->jobs > 1) {
		ph_log_note("pumphil: one board: running with -j 1 on %s", o->board);
		oc->jobs = 1;
	}
	if (o->time_scale > 1)
		snprintf(env->board_desc, sizeof env->board_desc, "%s (board clock x%u)", o->board,
		         o->time_scale);
	else
		snprintf(env->board_desc, sizeof env->board_desc, "%s", o->board);
	if (!o->no_report && open_report_dir(env, run_id, idn) < 0)
		return 2;
	return 0;
}

/* The record writer first (the console's last line follows "report: ..."),
 * then the console, then the caller's subscribers. */
static int subscribe_all(run_env *env, ph_subscriber builtin[3])
{
	int rc = 0;
	rc |= ph_bus_subscribe(&env->bus, &builtin[0]);
	rc |= ph_bus_subscribe(&env->bus, &builtin[1]);
	if (env->o->history) /* the results store, after the console's summary */
		rc |= ph_bus_subscribe(&env->bus, &builtin[2]);
	for (int i = 0; i < env->o->nsubscribers; i++)
		rc |= ph_bus_subscribe(&env->bus, env->o->subscribers[i]);
	if (rc < 0)
		ph_log_error("pumphil: more than %d run subscribers", PH_RUN_MAX_SUBSCRIBERS);
	return rc;
}

int ph_run(const ph_run_opts *opts)
{
	ph_run_opts oc = *opts;
	ph_strvec files = { 0 };
	run_env env = { .o = &oc, .lock_fd = -1 };
	ph_record_out rec = { .o = &oc, .dir = env.dir };
	ph_console console = { .verbosity = opts->verbosity };
	ph_history_out hist = { .o = &oc, .url = opts->history, .dir = env.dir };
	ph_subscriber builtin[3];
	json_t *results = NULL;
	char run_id[64] = "";
	int status;

	status = prepare(&oc, &env, &files, run_id, sizeof run_id);
	if (status == 1)
		status = 0; /* a listing */
	else if (status == 0) {
		rec.run_id = run_id;
		ph_record_out_subscriber(&rec, &builtin[0]);
		console.streamed = oc.jobs <= 1;
		ph_console_subscriber(&console, &builtin[1]);
		ph_history_out_subscriber(&hist, &builtin[2]);
		status = 2;
		if (subscribe_all(&env, builtin) < 0)
			goto out;
		int64_t t0 = ph_monotonic_ns();
		env.run = run_info(&oc, &env, run_id);
		ph_bus_run_started(&env.bus, env.run, env.plan.n);
		ph_pool_hooks hooks = {
			.started = on_started, .done = on_done, .stop = on_stop, .ud = &env
		};
		ph_interrupt_install(1);
		/* A full disk (or a file size limit) is an error to report, not a
		 * signal that kills the run before it can say so. */
		signal(SIGXFSZ, SIG_IGN);
		results = ph_pool_run(&env, env.plan.n, oc.jobs, ph_run_planned, &hooks);
		run_finished(env.run, t0);
		int sig = ph_interrupted();
		if (sig)
			json_object_set_new(env.run, "interrupted",
			                    json_string(ph_interrupt_name(sig)));
		status = run_status(&env.bus.summary);
		if (ph_bus_run_finished(&env.bus, env.run) < 0)
			status = PH_EXIT_EVIDENCE;
		else if (sig)
			status = 128 + sig;
	}
out:
	if (env.scripts)
		for (int k = 0; k < files.n; k++)
			ph_script_free(env.scripts[k]);
	free(env.scripts);
	ph_strvec_free(&files);
	ph_plan_free(&env.plan);
	ph_record_out_free(&rec);
	ph_history_out_free(&hist);
	json_decref(env.profile);
	json_decref(env.run);
	json_decref(results);
	if (env.lock_fd >= 0)
		close(env.lock_fd);
	return status;
}
