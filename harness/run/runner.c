/*
 * runner.c - discovery, selection, sharding, running tests one after another
 * or in worker processes, progress lines, and the run's reports.
 */
#include "run/runner.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "adapters/bench_open.h"
#include "base/clock.h"
#include "base/fs.h"
#include "base/paths.h"
#include "link/linkfault.h"
#include "link/profile.h"
#include "lua/lua_fixtures.h"
#include "report/report.h"
#include "run/pool.h"
#include "run/script.h"
#include "trace/trace.h"
#include "trace/trace_write.h"

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

/* ---- discovery ---- */

typedef struct strvec {
	char **v;
	int n, cap;
} strvec;

static int strvec_push(strvec *s, const char *x)
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

static void strvec_free(strvec *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
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

static int discover(const char *path, strvec *out, int depth)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "pumphil: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return strvec_push(out, path);
	if (!S_ISDIR(st.st_mode) || depth > 16)
		return 0;
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "pumphil: %s: %s\n", path, strerror(errno));
		return -1;
	}
	strvec here = { 0 };
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
			if (strvec_push(&here, sub) < 0)
				r = -1;
	}
	closedir(d);
	if (here.n)
		qsort(here.v, (size_t)here.n, sizeof *here.v, cmp_str);
	for (int i = 0; i < here.n && r == 0; i++)
		r = discover(here.v[i], out, depth + 1);
	strvec_free(&here);
	return r;
}

/* ---- selection ---- */

static int has_tag(json_t *t, const char **tags, int n)
{
	json_t *list = json_object_get(t, "tags"), *v;
	size_t i;
	json_array_foreach(list, i, v) for (int k = 0; k < n; k++) if (json_is_string(v) &&
	                                                               !strcmp(json_string_value(v),
	                                                                       tags[k])) return 1;
	return 0;
}

static int selected(const ph_run_opts *o, json_t *t)
{
	if (o->ntags && !has_tag(t, o->tags, o->ntags))
		return 0;
	if (o->nskip_tags && has_tag(t, o->skip_tags, o->nskip_tags))
		return 0;
	if (o->filter) {
		char full[1024];
		snprintf(full, sizeof full, "%s / %s",
		         json_string_value(json_object_get(t, "suite")),
		         json_string_value(json_object_get(t, "name")));
		if (!strstr(full, o->filter))
			return 0;
	}
	return 1;
}

static uint64_t fnv(const char *s, uint64_t h)
{
	while (s && *s)
		h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
	return h;
}

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A test's seed depends on the run seed and the test's identity only, so
 * sharding and parallelism never change what a test sees. The identity is
 * the script's file name, suite and test name, not the directory: the same
 * run seed gives the same results in any clone, wherever it is checked out. */
static uint64_t test_seed(uint64_t run_seed, json_t *t, int rep)
{
	const char *file = json_string_value(json_object_get(t, "file"));
	const char *base = file ? strrchr(file, '/') : NULL;
	uint64_t h = fnv(base ? base + 1 : file, 0xcbf29ce484222325ull);
	h = fnv(json_string_value(json_object_get(t, "suite")), h);
	h = fnv(json_string_value(json_object_get(t, "name")), h);
	return mix(run_seed ^ mix(h + (uint64_t)rep)) & 0x7fffffffffffffffull;
}

/* ---- one test on one bench ---- */

typedef struct run_env {
	const ph_run_opts *o;
	ph_script **scripts;
	json_t *plan; /* array of {script, id, rep, seed, ...} */
	json_t *profile;
	bench_config cfg;
	char dir[1024]; /* report directory */
	char board_desc[256];
	json_t *run; /* the record's "run" object, also written into every trace */
} run_env;

typedef struct live {
	const char *suite, *name;
	int64_t start;
} live;

/* One self-overwriting line on a terminal: the test and its bench time. */
static void live_progress(void *ud, int64_t bench_ns)
{
	live *lv = ud;
	char b[32];
	ph_report_fmt_ns(bench_ns - lv->start, b, sizeof b);
	printf("\r\033[K RUN  %s / %s  [bench %s]", lv->suite, lv->name, b);
	fflush(stdout);
}

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

/* First event of every trace: the run it belongs to and the test's place in
 * it, so a trace alone can rebuild its part of the record (docs/record.md). */
static void trace_run_start(ph_trace *trace, int64_t t_ns, const run_env *env, json_t *plan_entry,
                            size_t index)
{
	json_t *ev = json_pack("{s:s,s:O,s:O,s:O,s:{s:I,s:O,s:O}}", "ev", "run_start", "seed",
	                       json_object_get(env->run, "seed"), "board",
	                       json_object_get(env->run, "board"), "run", env->run, "test", "index",
	                       (json_int_t)index + 1, "repeat", json_object_get(plan_entry, "rep"),
	                       "seed", json_object_get(plan_entry, "seed"));
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
	static const char *const keys[] = {
		"file", "line", "suite", "name", "tags", "req", "hazard"
	};
	json_t *p = json_array_get(env->plan, index);
	ph_script *s = env->scripts[json_integer_value(json_object_get(p, "script"))];
	json_t *t =
	        json_array_get(s->tests, (size_t)json_integer_value(json_object_get(p, "id")) - 1);

	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		json_object_set(res, keys[k], json_object_get(t, keys[k]));
	json_object_set(res, "ordinal",
	                json_object_get(p, "id")); /* definition order in its file */
	json_object_set(res, "seed", json_object_get(p, "seed"));
	json_object_set(res, "repeat", json_object_get(p, "rep"));
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

/* A board whose clock runs K times faster still answers over USB in real
 * time: a reply takes K times longer in bench time.  The reply timeout keeps
 * its real-time worth (a frame lost on the link is retried after 100 ms of
 * real time, a bench-time multiple of it), never less than the default. */
static void scaled_link_timing(ph_link *link, unsigned k)
{
	int64_t t = 100000000LL * (int64_t)k;

	ph_link_set_timing(link, t > 250000000LL ? t : 250000000LL, 3);
}

static json_t *ph_run_planned(void *envp, size_t index)
{
	run_env *env = envp;
	json_t *p = json_array_get(env->plan, index);
	ph_script *s = env->scripts[json_integer_value(json_object_get(p, "script"))];
	int id = (int)json_integer_value(json_object_get(p, "id"));
	json_t *t = json_array_get(s->tests, (size_t)id - 1);
	uint64_t seed = (uint64_t)json_integer_value(json_object_get(p, "seed"));
	char err[512], trace_path[1200], rel[64];
	bench_config cfg = env->cfg;
	ph_transport *tr;
	ph_link *link = NULL;
	ph_trace *trace = NULL;
	json_t *res, *dut = NULL;

	cfg.seed = seed;
	tr = ph_bench_open(env->o->board, &cfg, env->o->time_scale, err, sizeof err);
	if (!tr) {
		res = json_object();
		json_object_set_new(res, "verdict", json_string("error"));
		json_object_set_new(res, "message", json_string(err));
		goto out;
	}
	/* Every test's board sits behind a link-fault layer (transparent until
	 * a script sets faults), seeded from the test. */
	ph_transport *lf = ph_linkfault_wrap(tr, seed ^ 0x6c696e6b6661756cull);
	if (lf)
		tr = lf;
	link = ph_link_new(tr);
	if (link && env->o->time_scale > 1)
		scaled_link_timing(link, env->o->time_scale);
	if (ph_bench_kind(env->o->board) == PH_BOARD_USB)
		factory_reset(link);
	snprintf(rel, sizeof rel, "traces/%04zu.pcapng", index + 1);
	if (!env->o->no_report) {
		snprintf(trace_path, sizeof trace_path, "%s/%s", env->dir, rel);
		trace = ph_trace_open(trace_path, err, sizeof err);
		if (!trace)
			fprintf(stderr, "pumphil: warning: no trace: %s\n", err);
		else
			ph_link_set_tap(link, trace_tap, trace);
	}
	if (trace)
		trace_run_start(trace, ph_link_now(link), env, p, index);
	dut = identify_dut(link);
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
	};
	live lv = { json_string_value(json_object_get(t, "suite")),
		    json_string_value(json_object_get(t, "name")), ph_link_now(link) };
	if (env->o->jobs <= 1 && isatty(STDOUT_FILENO)) {
		ctx.progress = live_progress;
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
	res = ph_script_run_test(s, id, &ctx, &lim);
	json_object_set_new(res, "bench_ns", json_integer(ph_link_now(link) - bench_start));
	if (ctx.disconnected) {
		char msg[200];
		int back = ph_bench_wait_back(env->o->board, 60LL * 1000000000) == 0;
		snprintf(msg, sizeof msg, "board disconnected at t=%.3f s%s",
		         (double)(ctx.disconnected_at - ctx.t0) / 1e9,
		         back ? "" : "; it did not come back within 60 s");
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
	ph_trace_close(trace);
	ph_link_free(link);
	ph_transport_close(tr);
	set_identity(env, index, res);
	return res;
}

/* ---- output ---- */

void ph_print_result(json_t *r)
{
	const char *v = json_string_value(json_object_get(r, "verdict"));
	char b[32];
	ph_report_fmt_ns(json_integer_value(json_object_get(r, "bench_ns")), b, sizeof b);
	if (isatty(STDOUT_FILENO))
		fputs("\r\033[K", stdout);
	printf("%-5s %s / %s  [bench %s, wall %.2f s]\n",
	       !strcmp(v, "pass")   ? "PASS"
	       : !strcmp(v, "fail") ? "FAIL"
	       : !strcmp(v, "skip") ? "SKIP"
	                            : "ERROR",
	       json_string_value(json_object_get(r, "suite")),
	       json_string_value(json_object_get(r, "name")), b,
	       json_number_value(json_object_get(r, "wall_ms")) / 1000.0);
	if (strcmp(v, "pass")) {
		const char *m = json_string_value(json_object_get(r, "message"));
		const char *w = json_string_value(json_object_get(r, "where"));
		if (m && w && *w && strncmp(m, w, strlen(w)))
			printf("      %s: %s\n", w, m);
		else if (m)
			printf("      %s\n", m);
	}
	fflush(stdout);
}

/* ---- the run ---- */

static int load_scripts(const ph_run_opts *o, strvec *files, ph_script ***out)
{
	ph_script **s = calloc((size_t)files->n + 1, sizeof *s);
	char err[1024];
	int bad = 0;

	if (!s)
		return -1;
	for (int i = 0; i < files->n; i++) {
		s[i] = ph_script_load(files->v[i], o->mem_cap, o->fixtures_dir, err, sizeof err);
		if (!s[i]) {
			fprintf(stderr, "pumphil: %s\n", err);
			bad = 1;
		}
	}
	*out = s;
	return bad ? -1 : 0;
}

static json_t *make_plan(const ph_run_opts *o, ph_script **scripts, int nscripts)
{
	json_t *plan = json_array();
	int idx = 0;
	for (int si = 0; si < nscripts; si++) {
		size_t i;
		json_t *t;
		json_array_foreach(scripts[si]->tests, i, t)
		{
			if (!selected(o, t))
				continue;
			int mine = o->shard_n <= 1 || idx % o->shard_n == o->shard_k - 1;
			idx++;
			if (!mine)
				continue;
			for (int rep = 0; rep < o->repeat; rep++)
				json_array_append_new(
				        plan, json_pack("{s:i,s:I,s:i,s:I}", "script", si, "id",
				                        (json_int_t)i + 1, "rep", rep, "seed",
				                        (json_int_t)test_seed(o->seed, t, rep)));
		}
	}
	return plan;
}

static void list_plan(json_t *plan, ph_script **scripts)
{
	size_t i;
	json_t *p;
	json_array_foreach(plan, i, p)
	{
		ph_script *s = scripts[json_integer_value(json_object_get(p, "script"))];
		json_t *t = json_array_get(
		        s->tests, (size_t)json_integer_value(json_object_get(p, "id")) - 1);
		json_t *tags = json_object_get(t, "tags"), *tag;
		size_t k;
		printf("%s:%lld: %s / %s", json_string_value(json_object_get(t, "file")),
		       (long long)json_integer_value(json_object_get(t, "line")),
		       json_string_value(json_object_get(t, "suite")),
		       json_string_value(json_object_get(t, "name")));
		json_array_foreach(tags, k, tag)
		        printf("%s%s", k ? "," : "  [", json_string_value(tag));
		printf("%s\n", json_array_size(tags) ? "]" : "");
	}
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

static void point_latest(const ph_run_opts *o, const char *run_id)
{
	char link[1024], tmp[1100];
	if (o->report_dir)
		return;
	snprintf(link, sizeof link, "%s/latest", o->reports_root);
	snprintf(tmp, sizeof tmp, "%s/.latest.%d", o->reports_root, (int)getpid());
	unlink(tmp);
	if (symlink(run_id, tmp) == 0 && rename(tmp, link) != 0)
		unlink(tmp);
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
	struct timespec ts;
	utc_now(when, sizeof when);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	json_object_set_new(run, "finished", json_string(when));
	json_object_set_new(
	        run, "wall_s",
	        json_real((double)((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec - wall_start_ns) /
	                  1e9));
}

/* A worker that died mid-test returns a bare error: give it its identity. */
static void fill_identities(run_env *env, json_t *results)
{
	size_t i;
	json_t *r;
	json_array_foreach(results, i, r)
	{
		if (json_object_get(r, "name"))
			continue;
		set_identity(env, i, r);
		if (!env->o->no_report) {
			char rel[64], path[1200];
			struct stat st;
			snprintf(rel, sizeof rel, "traces/%04zu.pcapng", i + 1);
			snprintf(path, sizeof path, "%s/%s", env->dir, rel);
			if (stat(path, &st) == 0)
				json_object_set_new(r, "trace", json_string(rel));
		}
	}
}

int ph_run(const ph_run_opts *opts)
{
	ph_run_opts oc = *opts;
	const ph_run_opts *o = &oc;
	strvec files = { 0 };
	ph_script **scripts = NULL;
	run_env env = { .o = o };
	json_t *results = NULL, *record = NULL;
	char err[1024], run_id[64] = "";
	int status = 2;

	for (int i = 0; i < o->npaths; i++)
		if (discover(o->paths[i], &files, 0) < 0)
			goto out;
	if (files.n == 0) {
		fprintf(stderr, "pumphil: no *.lua test scripts under the given paths\n");
		goto out;
	}
	env.profile = ph_profile_load(o->profile, o->fixtures_dir, &env.cfg, err, sizeof err);
	if (!env.profile) {
		fprintf(stderr, "pumphil: %s\n", err);
		goto out;
	}
	/* The fault catalogue and drug library, before any script runs. */
	if (ph_lua_check_fixtures(o->fixtures_dir, env.profile, err, sizeof err) < 0) {
		fprintf(stderr, "pumphil: %s\n", err);
		goto out;
	}
	if (load_scripts(o, &files, &scripts) < 0)
		goto out;
	env.scripts = scripts;
	env.plan = make_plan(o, scripts, files.n);
	if (o->list) {
		list_plan(env.plan, scripts);
		status = 0;
		goto out;
	}
	if (ph_bench_check(o->board, err, sizeof err) < 0) {
		fprintf(stderr, "pumphil: %s\n", err);
		goto out;
	}
	if (ph_bench_kind(o->board) != PH_BOARD_SIM && !oc.wall_timeout_set)
		oc.wall_timeout_ns = 24LL * 3600 * 1000000000;
	if (ph_bench_kind(o->board) != PH_BOARD_SIM && oc.jobs > 1) {
		fprintf(stderr, "pumphil: one board: running with -j 1 on %s\n", o->board);
		oc.jobs = 1;
	}
	if (o->time_scale > 1)
		snprintf(env.board_desc, sizeof env.board_desc, "%s (board clock x%u)", o->board,
		         o->time_scale);
	else
		snprintf(env.board_desc, sizeof env.board_desc, "%s", o->board);
	if (!o->no_report &&
	    make_report_dir(o, env.dir, sizeof env.dir, run_id, sizeof run_id) < 0) {
		fprintf(stderr, "pumphil: cannot create %s: %s\n", env.dir, strerror(errno));
		goto out;
	}
	if (!o->no_report) {
		char traces[1100];
		snprintf(traces, sizeof traces, "%s/traces", env.dir);
		ph_mkdirs(traces);
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	env.run = run_info(o, &env, run_id);
	results = ph_pool_run(&env, json_array_size(env.plan), o->jobs, ph_run_planned);
	fill_identities(&env, results);
	run_finished(env.run, (int64_t)t0.tv_sec * 1000000000 + t0.tv_nsec);
	record = json_pack("{s:s,s:O,s:O}", "schema", "pumphil-record/1", "run", env.run, "tests",
	                   results);
	int passed = 0, failed = 0, skipped = 0;
	size_t i;
	json_t *r;
	json_array_foreach(results, i, r)
	{
		const char *v = json_string_value(json_object_get(r, "verdict"));
		if (v && !strcmp(v, "pass"))
			passed++;
		else if (v && !strcmp(v, "skip"))
			skipped++;
		else
			failed++;
	}
	if (!o->no_report) {
		ph_report_opts ro = { .src_dir = env.dir,
			              .fixtures_dir = o->fixtures_dir,
			              .plots = 1 };
		if (ph_report_write_all(env.dir, record, &ro, err, sizeof err) < 0)
			fprintf(stderr, "pumphil: report: %s\n", err);
		else
			printf("report: %s/index.html\n", env.dir);
		point_latest(o, run_id);
	}
	printf("%d passed, %d failed", passed, failed);
	if (skipped)
		printf(", %d skipped", skipped);
	printf("\n");
	status = failed ? 1 : 0;
out:
	if (scripts)
		for (int k = 0; k < files.n; k++)
			ph_script_free(scripts[k]);
	free(scripts);
	strvec_free(&files);
	json_decref(env.plan);
	json_decref(env.profile);
	json_decref(env.run);
	json_decref(results);
	json_decref(record);
	return status;
}
