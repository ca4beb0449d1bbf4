/*
 * lua_bench.h - the C primitives the Lua test language is built on.
 *
 * Thin C, rich Lua: C offers message calls by name (fields checked against
 * the protocol tables, nothing clamped), raw frames, the bench clock, waits
 * with deadlines, events, and harness-event recording.  Everything a test
 * reads like a plan (pump:program{...}, expect, measure) is Lua in
 * harness/lua/, compiled into the binary.
 *
 * The primitives act on the current run context, which the runner swaps in
 * for each test; outside a test they raise "no bench".
 */
#ifndef PH_LUA_BENCH_H
#define PH_LUA_BENCH_H

#ifndef PH_USES_LUA
#error "lua/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stdint.h>

#include <jansson.h>
#include <lua.h>

#include "link/link.h"

/* The bench a test is running on.  Owned by the runner. */
typedef struct ph_ctx {
	ph_link *link;
	ph_transport *transport; /* the link's transport (a link-fault wrapper) */
	int64_t t0;              /* bench time of the test's start: scripts see time from it */
	int64_t bench_limit_ns;  /* absolute bench time the test may not pass */
	uint64_t seed;
	const char *fixtures_dir; /* where fixture_data() may read */
	json_t *profile;          /* borrowed */
	/* Harness events go here (the recorder); may be NULL. */
	void (*record)(void *ud, int64_t t_ns, const char *json);
	/* The bench clock reached t_ns (after a wait): lets the recorder write
	 * out what it holds.  May be NULL. */
	void (*clock)(void *ud, int64_t t_ns);
	void *record_ud;
	int disconnected; /* the board went away during this test */
	int64_t disconnected_at;
	/* Live progress (a terminal): called from waits, at most every 100 ms
	 * of wall time, with the bench time reached.  May be NULL. */
	void (*progress)(void *ud, int64_t bench_ns);
	void *progress_ud;
	int64_t progress_wall;
	/* A Lua adapter for the pump (--adapter), its line's path (from the
	 * board) and, once the adapter opened it, the line (lua_adapter.h). */
	const char *adapter_file, *adapter_line;
	void *adapter_port;
} ph_ctx;

/* Push the primitives table (_ph) onto L's stack. */
void ph_lua_push_primitives(lua_State *L);

/* Set (or clear with NULL) the current context. */
void ph_lua_set_ctx(lua_State *L, ph_ctx *ctx);

/* The current context; raises "no bench" outside a test. */
ph_ctx *ph_lua_ctx_get(lua_State *L);

/* Push a JSON value as a Lua value (objects become tables). */
void ph_lua_push_json(lua_State *L, const json_t *j);

#endif
