/*
 * script.c - a script's Lua state and the phases of one test.
 *
 * Each phase (suite setup, setup, body, teardown, suite teardown) is a
 * separate protected call from C with its own watchdog arming, so a test
 * stopped by its deadline still gets its teardown, and the abort cannot be
 * swallowed by a pcall inside the script.
 */
#include "run/script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "base/clock.h"
#include "lua/lua_json.h"
#include "results/record.h"

/* Push the module's function `name`. */
static void push_fn(ph_script *s, const char *name)
{
	lua_State *L = s->sb->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, s->module_ref);
	lua_getfield(L, -1, name);
	lua_remove(L, -2);
}

typedef struct verdict {
	const char *kind; /* "pass", "fail", "error" */
	char msg[1024];
	char where[512];
} verdict;

/* A failure raised by the test language itself (expect, fail): its kind,
 * message and place as fail() recorded them (M.failure_info), so a script
 * that edits or forges one cannot move it.  Returns 1 when the value at the
 * top is one. */
static int failure_info(ph_script *s, verdict *v, const char *prefix)
{
	lua_State *L = s->sb->L;
	int ok;

	if (s->module_ref <= 0)
		return 0;
	push_fn(s, "failure_info");
	lua_pushvalue(L, -2);
	if (ph_sandbox_pcall(s->sb, 1, 3) != LUA_OK) {
		lua_pop(L, 1);
		return 0;
	}
	ok = lua_type(L, -3) == LUA_TSTRING;
	if (ok) {
		v->kind = !strcmp(lua_tostring(L, -3), "fail") ? "fail" : "error";
		snprintf(v->msg, sizeof v->msg, "%s%s", prefix,
		         lua_isstring(L, -2) ? lua_tostring(L, -2) : "?");
		snprintf(v->where, sizeof v->where, "%s",
		         lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
	}
	lua_pop(L, 3);
	return ok;
}

/* Classify the error at the top of the stack (left there): a failure of a
 * check, or an error with a one-line message saying what was raised and the
 * script place it was raised at (fallback when it carries none). */
static void classify(ph_script *s, verdict *v, const char *prefix, const char *fallback)
{
	lua_State *L = s->sb->L;
	char where[512] = "", msg[900];
	size_t w;

	lua_pushvalue(L, -1);
	v->kind = "error";
	if (ph_sandbox_unwrap(L, -1, where, sizeof where)) {
		if (failure_info(s, v, prefix)) {
			lua_pop(L, 1);
			return;
		}
		ph_sandbox_describe(s->sb, -1, msg, sizeof msg);
	} else {
		ph_sandbox_describe(s->sb, -1, msg, sizeof msg);
		/* "file:line: message" -> where = file:line */
		w = ph_sandbox_where_len(msg);
		snprintf(where, sizeof where, "%.*s", (int)w, msg);
	}
	lua_pop(L, 1);
	snprintf(v->msg, sizeof v->msg, "%s%s", prefix, msg);
	snprintf(v->where, sizeof v->where, "%s", *where ? where : fallback);
}

/* The error at the top of the stack as one line "file:line: message". */
static void error_text(ph_script *s, char *buf, size_t n)
{
	verdict v;
	classify(s, &v, "", s->path);
	if (*v.where && strncmp(v.msg, v.where, strlen(v.where)))
		snprintf(buf, n, "%s: %s", v.where, v.msg);
	else
		snprintf(buf, n, "%s", v.msg);
}

static int to_json_protected(lua_State *L)
{
	json_t **out = lua_touserdata(L, 2);
	*out = ph_record_from_lua(L, 1);
	return 0;
}

/* Pop the value at the top of the stack and return it as JSON, converted in
 * a protected call: the conversion can raise (the memory cap, a key's
 * __tostring), and a raise with no protected call to catch it aborts the
 * process.  NULL with the reason in err when it raised (the conversion has
 * freed what it built: nothing of it is left to clean up here). */
static json_t *to_json(ph_script *s, char *err, size_t errlen)
{
	lua_State *L = s->sb->L;
	json_t *j = NULL;
	int status;

	lua_pushcfunction(L, to_json_protected);
	lua_insert(L, -2);
	lua_pushlightuserdata(L, &j);
	status = lua_pcall(L, 2, 0, 0);
	if (status == LUA_OK)
		return j;
	if (status == LUA_ERRMEM)
		snprintf(err, errlen, "Lua memory cap of %zu bytes reached", s->sb->cap);
	else
		error_text(s, err, errlen);
	lua_pop(L, 1);
	return NULL;
}

static int setup_state(ph_script *s, char *err, size_t errlen)
{
	lua_State *L = s->sb->L;

	lua_getglobal(L, "require");
	lua_pushliteral(L, "pumphil");
	if (ph_sandbox_pcall(s->sb, 1, 1) != LUA_OK) {
		error_text(s, err, errlen);
		return -1;
	}
	lua_getfield(L, -1, "init");
	ph_lua_push_primitives(L);
	if (ph_sandbox_pcall(s->sb, 1, 1) != LUA_OK) {
		error_text(s, err, errlen);
		return -1;
	}
	s->module_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pop(L, 1);
	return 0;
}

static int collect_tests(ph_script *s, char *err, size_t errlen)
{
	char why[900];

	push_fn(s, "list");
	if (ph_sandbox_pcall(s->sb, 0, 1) != LUA_OK) {
		error_text(s, err, errlen);
		return -1;
	}
	s->tests = to_json(s, why, sizeof why);
	if (!s->tests) {
		snprintf(err, errlen, "%s: cannot list the tests: %s", s->path, why);
		return -1;
	}
	if (!json_is_array(s->tests)) {
		snprintf(err, errlen, "%s: internal error listing tests", s->path);
		return -1;
	}
	return 0;
}

ph_script *ph_script_load(const char *path, size_t mem_cap, const char *fixtures_dir, char *err,
                          size_t errlen)
{
	ph_script *s = calloc(1, sizeof *s);
	char chunk[1100];
	lua_State *L;
	/* No bench at the top level, only the fixtures it may read. */
	ph_ctx load_ctx = { .fixtures_dir = fixtures_dir };

	if (!s || !(s->path = strdup(path)) || !(s->sb = ph_sandbox_new(mem_cap))) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	L = s->sb->L;
	if (setup_state(s, err, errlen) < 0)
		goto fail;
	snprintf(chunk, sizeof chunk, "@%s", path);
	if (ph_sandbox_loadfile(s->sb, path, chunk) != LUA_OK) {
		error_text(s, err, errlen);
		goto fail;
	}
	/* Give the chunk its own _ENV with the test language. */
	push_fn(s, "env_for");
	lua_pushstring(L, path);
	if (ph_sandbox_pcall(s->sb, 1, 1) != LUA_OK) {
		error_text(s, err, errlen);
		goto fail;
	}
	lua_setupvalue(L, -2, 1);
	ph_lua_set_ctx(L, &load_ctx);
	ph_sandbox_arm(s->sb, ph_monotonic_ns() + 10 * 1000000000LL,
	               "script top level ran for more than 10 s");
	if (ph_sandbox_pcall(s->sb, 0, 0) != LUA_OK) {
		ph_sandbox_disarm(s->sb);
		ph_lua_set_ctx(L, NULL);
		error_text(s, err, errlen);
		goto fail;
	}
	ph_sandbox_disarm(s->sb);
	ph_lua_set_ctx(L, NULL);
	if (collect_tests(s, err, errlen) < 0)
		goto fail;
	return s;
fail:
	ph_script_free(s);
	return NULL;
}

void ph_script_free(ph_script *s)
{
	if (!s)
		return;
	ph_sandbox_close(s->sb);
	json_decref(s->tests);
	free(s->path);
	free(s);
}

/* Run one phase; returns 1 when it passed. */
static int phase(ph_script *s, int id, const char *name, int64_t deadline, const char *what,
                 verdict *v, const char *prefix, const char *fallback)
{
	lua_State *L = s->sb->L;
	int status;

	push_fn(s, "phase");
	lua_pushinteger(L, id);
	lua_pushstring(L, name);
	ph_sandbox_arm(s->sb, deadline, what);
	status = ph_sandbox_pcall(s->sb, 2, 0);
	ph_sandbox_disarm(s->sb);
	if (status == LUA_OK)
		return 1;
	if (status == LUA_ERRMEM) {
		v->kind = "error";
		snprintf(v->msg, sizeof v->msg, "%sLua memory cap of %zu bytes reached", prefix,
		         s->sb->cap);
		snprintf(v->where, sizeof v->where, "%s", fallback);
	} else {
		classify(s, v, prefix, fallback);
	}
	lua_pop(L, 1);
	return 0;
}

/* Fold the verdict of a teardown phase into the test's. */
static void after_teardown(verdict *v, const verdict *td)
{
	if (!strcmp(td->kind, "pass"))
		return;
	if (!strcmp(v->kind, "pass")) {
		*v = *td;
		v->kind = "error";
	} else {
		size_t n = strlen(v->msg);
		snprintf(v->msg + n, sizeof v->msg - n, "; then %s", td->msg);
	}
}

json_t *ph_script_run_test(ph_script *s, int id, ph_ctx *ctx, const ph_test_limits *lim)
{
	/* The phases after the body, each run whatever happened before it. */
	static const struct {
		const char *name, *what, *prefix;
	} teardowns[] = {
		{ "teardown", "teardown exceeded its wall-time limit", "teardown failed: " },
		{ "after_each", "after_each exceeded its wall-time limit", "after_each failed: " },
		{ "faults_off", "removing the test's faults exceeded its wall-time limit",
		  "removing the test's faults failed: " },
		{ "suite_teardown", "suite teardown exceeded its wall-time limit",
		  "suite teardown failed: " },
	};
	lua_State *L = s->sb->L;
	verdict v = { .kind = "pass" };
	int64_t start = ph_monotonic_ns();
	int64_t deadline = start + lim->wall_timeout_ns;
	char what[128], here[600];
	json_t *res, *t = json_array_get(s->tests, (size_t)id - 1);
	char why[900];

	/* Where an error that carries no place of its own happened: the test. */
	snprintf(here, sizeof here, "%s:%lld", json_string_value(json_object_get(t, "file")),
	         (long long)json_integer_value(json_object_get(t, "line")));
	snprintf(what, sizeof what, "test exceeded its wall-time limit of %.1f s",
	         (double)lim->wall_timeout_ns / 1e9);
	ph_lua_set_ctx(L, ctx);
	push_fn(s, "begin");
	lua_pushinteger(L, id);
	if (ph_sandbox_pcall(s->sb, 1, 0) != LUA_OK) {
		classify(s, &v, "cannot start: ", here);
		lua_pop(L, 1);
	} else if (phase(s, id, "suite_setup", deadline, what, &v, "suite setup failed: ", here) &&
	           phase(s, id, "setup", deadline, what, &v, "setup failed: ", here)) {
		phase(s, id, "body", deadline, what, &v, "", here);
	}
	/* Teardowns run whatever happened, on their own deadline. */
	int64_t td_deadline = ph_monotonic_ns() + lim->teardown_wall_ns;
	for (size_t i = 0; i < sizeof teardowns / sizeof *teardowns; i++) {
		verdict td = { .kind = "pass" };
		phase(s, id, teardowns[i].name, td_deadline, teardowns[i].what, &td,
		      teardowns[i].prefix, here);
		after_teardown(&v, &td);
	}
	push_fn(s, "finish");
	lua_pushinteger(L, id);
	lua_pushstring(L, v.kind);
	if (strcmp(v.kind, "pass"))
		lua_pushstring(L, v.msg);
	else
		lua_pushnil(L);
	lua_pushstring(L, v.where);
	if (ph_sandbox_pcall(s->sb, 4, 1) != LUA_OK) {
		lua_pop(L, 1);
		res = json_object();
		json_object_set_new(res, "verdict", json_string("error"));
		json_object_set_new(res, "message", json_string("internal error closing the test"));
	} else if (!(res = to_json(s, why, sizeof why))) {
		/* The test ran, but its result cannot be recorded: an error for
		 * this test (with what it had found), and the run goes on. */
		char msg[sizeof v.msg + sizeof why + 64];
		snprintf(msg, sizeof msg, "%s%scannot record the result: %s",
		         strcmp(v.kind, "pass") ? v.msg : "",
		         strcmp(v.kind, "pass") ? "; then " : "", why);
		res = json_object();
		json_object_set_new(res, "verdict", json_string("error"));
		json_object_set_new(res, "message", ph_json_string_lossy(msg, strlen(msg)));
		if (v.where[0])
			json_object_set_new(res, "where",
			                    ph_json_string_lossy(v.where, strlen(v.where)));
	}
	ph_lua_set_ctx(L, NULL);
	/* A full collection costs time in proportion to the whole state, so
	 * only when this test left the state near its memory cap. */
	if (s->sb->used > s->sb->cap / 2)
		lua_gc(L, LUA_GCCOLLECT);
	json_object_set_new(res, "wall_ms", json_real((double)(ph_monotonic_ns() - start) / 1e6));
	json_object_set_new(res, "lua_peak_bytes", json_integer((json_int_t)s->sb->peak));
	return res;
}
