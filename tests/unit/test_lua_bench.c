/* test_lua_bench.c - the Lua primitives (lua_bench.c) on a fake transport:
 * JSON they hold is freed when a Lua error (the memory cap) cuts them short,
 * and a transport error during a wait reaches the script as nil, msg, code
 * (and fails a test that waits with b:run_for or b:wait_event). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <lauxlib.h>

#include "base/paths.h"
#include "lua/lua_bench.h"
#include "lua/lua_sandbox.h"
#include "run/script.h"

/* ---- jansson allocations still live: a leak shows without LeakSanitizer */

static long json_live;

static void *count_malloc(size_t n)
{
	void *p = malloc(n);
	if (p)
		json_live++;
	return p;
}

static void count_free(void *p)
{
	if (p)
		json_live--;
	free(p);
}

/* ---- a transport whose receive fails with `fail` once the clock is at fail_at
 * (every time, or only the first time with once) */

typedef struct fake {
	ph_transport base;
	int64_t now;
	int fail; /* a ph_terr, 0 = never */
	int64_t fail_at;
	int once;
} fake;

static int f_send(ph_transport *t, uint8_t ch, const uint8_t *wire, size_t n)
{
	(void)t, (void)ch, (void)wire, (void)n;
	return PH_T_OK;
}

static int f_recv(ph_transport *t, int64_t deadline, ph_rx *rx)
{
	fake *f = (fake *)t;
	(void)rx;
	if (f->fail && deadline >= f->fail_at) {
		int r = f->fail;
		if (f->now < f->fail_at)
			f->now = f->fail_at;
		if (f->once)
			f->fail = 0;
		return r;
	}
	if (deadline > f->now)
		f->now = deadline;
	return PH_T_TIMEOUT;
}

static int64_t f_now(ph_transport *t)
{
	return ((fake *)t)->now;
}

static void f_describe(ph_transport *t, char *buf, size_t n)
{
	(void)t;
	snprintf(buf, n, "fake");
}

static void f_close(ph_transport *t)
{
	(void)t;
}

static const ph_transport_ops fake_ops = {
	.name = "fake",
	.send = f_send,
	.recv = f_recv,
	.now = f_now,
	.describe = f_describe,
	.close = f_close,
};

/* ---- a sandbox with the primitives as global `ph` on a fake bench */

typedef struct bench {
	ph_sandbox *sb;
	fake tr;
	ph_link *link;
	ph_ctx ctx;
	char recorded[4096]; /* the last harness event recorded */
	int nrecorded;
} bench;

static void on_record(void *ud, int64_t t_ns, const char *json)
{
	bench *b = ud;
	(void)t_ns;
	snprintf(b->recorded, sizeof b->recorded, "%s", json);
	b->nrecorded++;
}

static bench *bench_new(void)
{
	bench *b = calloc(1, sizeof *b);
	assert_non_null(b);
	b->sb = ph_sandbox_new(64u << 20);
	assert_non_null(b->sb);
	b->tr.base.ops = &fake_ops;
	b->link = ph_link_new(&b->tr.base);
	assert_non_null(b->link);
	b->ctx.link = b->link;
	b->ctx.transport = &b->tr.base;
	b->ctx.record = on_record;
	b->ctx.record_ud = b;
	ph_lua_push_primitives(b->sb->L);
	lua_setglobal(b->sb->L, "ph");
	ph_lua_set_ctx(b->sb->L, &b->ctx);
	return b;
}

static void bench_free(bench *b)
{
	ph_sandbox_close(b->sb);
	ph_link_free(b->link);
	free(b);
}

/* Run code; returns the status, its results (or error) left on the stack. */
static int run(bench *b, const char *code)
{
	lua_State *L = b->sb->L;
	lua_settop(L, 0);
	assert_int_equal(luaL_loadstring(L, code), LUA_OK);
	return ph_sandbox_pcall(b->sb, 0, LUA_MULTRET);
}

/* Let the state grow by at most `room` bytes from now on. */
static void cap_room(bench *b, size_t room)
{
	lua_gc(b->sb->L, LUA_GCCOLLECT);
	b->sb->cap = b->sb->used + room;
}

/* ---- JSON held by a primitive when the memory cap cuts it short */

static char fixtures_dir[64];

/* fixtures_dir/big.json: 20000 objects, megabytes as Lua tables. */
static void write_big_fixture(void)
{
	char path[128];
	FILE *f;

	snprintf(fixtures_dir, sizeof fixtures_dir, "/tmp/test_lua_bench.XXXXXX");
	assert_non_null(mkdtemp(fixtures_dir));
	snprintf(path, sizeof path, "%s/big.json", fixtures_dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[", f);
	for (int i = 0; i < 20000; i++)
		fprintf(f, "%s{\"i\": %d, \"name\": \"entry %d\"}", i ? "," : "", i, i);
	fputs("]\n", f);
	assert_int_equal(fclose(f), 0);
}

static void remove_big_fixture(void)
{
	char path[128];
	snprintf(path, sizeof path, "%s/big.json", fixtures_dir);
	unlink(path);
	rmdir(fixtures_dir);
}

static void test_fixture_data_reads_the_file(void **state)
{
	long live0 = json_live;
	bench *b = bench_new();
	(void)state;
	b->ctx.fixtures_dir = fixtures_dir;
	assert_int_equal(run(b, "local t = ph.fixture_data('big') return #t, t[20000].name"),
	                 LUA_OK);
	assert_int_equal(lua_tointeger(b->sb->L, 1), 20000);
	assert_string_equal(lua_tostring(b->sb->L, 2), "entry 19999");
	bench_free(b);
	assert_int_equal(json_live, live0);
}

/* The table for big.json does not fit under the cap: pushing it raises a
 * memory error with the loaded JSON in C's hands. */
static void test_fixture_data_at_the_memory_cap_frees_the_json(void **state)
{
	long live0 = json_live;
	bench *b = bench_new();
	(void)state;
	b->ctx.fixtures_dir = fixtures_dir;
	cap_room(b, 64 * 1024);
	assert_int_equal(run(b, "return ph.fixture_data('big')"), LUA_ERRMEM);
	assert_int_equal(json_live, live0); /* freed as the error left the primitive */
	bench_free(b);
	assert_int_equal(json_live, live0);
}

static void test_record_writes_the_event(void **state)
{
	bench *b = bench_new();
	json_error_t err;
	json_t *j;
	(void)state;
	assert_int_equal(run(b, "ph.record { ev = 'note', n = 3, data = { 1, 2 } }"), LUA_OK);
	assert_int_equal(b->nrecorded, 1);
	j = json_loads(b->recorded, 0, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "ev")), "note");
	assert_int_equal(json_integer_value(json_object_get(j, "n")), 3);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 2);
	json_decref(j);
	bench_free(b);
}

/* Converting the event never runs a script's metamethod (a key whose
 * __tostring would need more than the cap raised half way and leaked what
 * was converted): the key is named by its type, and nothing leaks. */
static void test_record_never_runs_a_key_metamethod(void **state)
{
	long live0 = json_live;
	bench *b = bench_new();
	(void)state;
	assert_int_equal(run(b, "local key = setmetatable({}, { __tostring = function()\n"
	                        "  return string.rep('x', 1 << 30) end })\n"
	                        "ph.record { ev = 'note', a = { 1, 2, 3 }, b = { [key] = true } }"),
	                 LUA_OK);
	assert_int_equal(b->nrecorded, 1);
	bench_free(b);
	assert_int_equal(json_live, live0);
}

/* ---- a transport error during a wait */

static void assert_fail_values(bench *b, const char *msg, const char *code)
{
	lua_State *L = b->sb->L;
	assert_int_equal(lua_gettop(L), 3);
	assert_true(lua_isnil(L, 1));
	assert_string_equal(lua_tostring(L, 2), msg);
	assert_string_equal(lua_tostring(L, 3), code);
}

static void test_run_until_returns_an_io_error(void **state)
{
	bench *b = bench_new();
	(void)state;
	b->tr.fail = PH_T_IO;
	b->tr.fail_at = 500;
	assert_int_equal(run(b, "return ph.run_until(1000)"), LUA_OK);
	assert_fail_values(b, "transport error", "io");
	assert_int_equal(b->ctx.disconnected, 0);
	bench_free(b);
}

static void test_next_event_returns_an_io_error(void **state)
{
	bench *b = bench_new();
	(void)state;
	b->tr.fail = PH_T_IO;
	b->tr.fail_at = 500;
	assert_int_equal(run(b, "return ph.next_event(1000)"), LUA_OK);
	assert_fail_values(b, "transport error", "io");
	bench_free(b);
}

static void test_wait_without_error_returns_as_before(void **state)
{
	bench *b = bench_new();
	lua_State *L;
	(void)state;
	assert_int_equal(run(b, "return ph.run_until(1000), ph.next_event(2000)"), LUA_OK);
	L = b->sb->L;
	assert_int_equal(lua_gettop(L), 1); /* the clock; next_event: nothing on timeout */
	assert_int_equal(lua_tointeger(L, 1), 1000);
	bench_free(b);
}

/* A board that goes away during a wait still ends the test with an error. */
static void test_run_until_losing_the_board_raises(void **state)
{
	bench *b = bench_new();
	(void)state;
	b->tr.fail = PH_T_NO_DEVICE;
	b->tr.fail_at = 500;
	assert_int_equal(run(b, "return ph.run_until(1000)"), LUA_ERRRUN);
	assert_non_null(strstr(lua_tostring(b->sb->L, -1), "board disconnected at t="));
	assert_int_equal(b->ctx.disconnected, 1);
	assert_int_equal(b->ctx.disconnected_at, 500);
	bench_free(b);
}

/* The test language over the primitives: a wait the link cannot finish
 * fails the test, with and without a fault scheduled during it (the
 * scheduler waits in steps), even when the next receive would succeed. */
static void test_waits_fail_the_test_on_an_io_error(void **state)
{
	static const char *const expect[] = {
		"run_until: transport error (io)",
		"wait_event: transport error (io)",
		"run_until: transport error (io)",
	};
	const char *src = getenv("PUMPHIL_SOURCE_DIR");
	char fixtures[512];
	const ph_test_limits lim = { .wall_timeout_ns = 10000000000LL,
		                     .teardown_wall_ns = 10000000000LL };
	char path[128], err[256];
	ph_script *s;
	FILE *f;
	(void)state;

	/* the fault catalogue, for b:inject */
	snprintf(fixtures, sizeof fixtures, "%s/fixtures", src ? src : ".");
	snprintf(path, sizeof path, "%s/waits.lua", fixtures_dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("test('run_for', function(b) b:run_for(1000) end)\n"
	      "test('wait_event', function(b)\n"
	      "  b:wait_event({ name = 'BOLUS_END' }, { within = 1000 })\n"
	      "end)\n"
	      "test('run_for with a fault scheduled', function(b)\n"
	      "  b:inject('telemetry_outage', {}, { at = 800, duration = 100 })\n"
	      "  b:run_for(1000)\n"
	      "end)\n",
	      f);
	assert_int_equal(fclose(f), 0);
	s = ph_script_load(path, 64u << 20, ph_default_fixtures_dir(), err, sizeof err);
	assert_non_null(s);
	for (int i = 0; i < 3; i++) {
		bench *b = bench_new();
		const char *msg;
		json_t *res;
		b->tr.fail = PH_T_IO;
		b->tr.fail_at = 500;
		b->tr.once = 1;
		b->ctx.fixtures_dir = fixtures;
		res = ph_script_run_test(s, i + 1, &b->ctx, &lim);
		msg = json_string_value(json_object_get(res, "message"));
		assert_string_equal(msg ? msg : "(none: it passed)", expect[i]);
		assert_string_equal(json_string_value(json_object_get(res, "verdict")), "fail");
		json_decref(res);
		bench_free(b);
	}
	ph_script_free(s);
	unlink(path);
}

static int setup(void **state)
{
	(void)state;
	write_big_fixture();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_big_fixture();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_data_reads_the_file),
		cmocka_unit_test(test_fixture_data_at_the_memory_cap_frees_the_json),
		cmocka_unit_test(test_record_writes_the_event),
		cmocka_unit_test(test_record_never_runs_a_key_metamethod),
		cmocka_unit_test(test_run_until_returns_an_io_error),
		cmocka_unit_test(test_next_event_returns_an_io_error),
		cmocka_unit_test(test_wait_without_error_returns_as_before),
		cmocka_unit_test(test_run_until_losing_the_board_raises),
		cmocka_unit_test(test_waits_fail_the_test_on_an_io_error),
	};
	json_set_alloc_funcs(count_malloc, count_free);
	return cmocka_run_group_tests(tests, setup, teardown);
}
