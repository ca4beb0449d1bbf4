/*
 * lua_sandbox.h - a Lua 5.4 state fit to run untrusted test scripts.
 *
 * Allow-list of libraries (base, table, string, math, utf8, coroutine); io,
 * os, package and debug are replaced by tables that raise a clear error on
 * any use; scripts load as text only with their own _ENV; require() serves
 * only modules compiled into the binary; memory is counted and capped by the
 * allocator; an instruction-count hook enforces a wall-clock deadline and,
 * once fired, re-arms on every line so pcall cannot swallow the abort.
 */
#ifndef PH_LUA_SANDBOX_H
#define PH_LUA_SANDBOX_H

#ifndef PH_USES_LUA
#error "lua/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

typedef struct ph_sandbox {
	lua_State *L;
	size_t used, cap, peak;
	int64_t wall_deadline_ns; /* CLOCK_MONOTONIC; 0 = none */
	int aborting;             /* the watchdog fired: keep raising */
	char abort_msg[160];
} ph_sandbox;

/* Create a sandboxed state with a memory cap in bytes.  Returns NULL when
 * the state cannot be created.  Free with ph_sandbox_close(). */
ph_sandbox *ph_sandbox_new(size_t mem_cap);
void ph_sandbox_close(ph_sandbox *sb);

/* The sandbox owning L. */
ph_sandbox *ph_sandbox_of(lua_State *L);

/* Arm the wall-clock watchdog: Lua code running past deadline_ns (monotonic)
 * is aborted with msg.  ph_sandbox_disarm() clears it. */
void ph_sandbox_arm(ph_sandbox *sb, int64_t deadline_ns, const char *msg);
void ph_sandbox_disarm(ph_sandbox *sb);

/* Abort the running Lua code from C (from a hook or primitive): the same
 * sticky mechanism as the watchdog. */
void ph_sandbox_abort(ph_sandbox *sb, const char *msg);

/* Load a script file as text with a fresh environment table that inherits
 * the globals (pushed below the chunk on success).  On failure pushes the
 * message and returns a LUA_ERR* code. */
int ph_sandbox_loadfile(ph_sandbox *sb, const char *path, const char *chunkname);

/* Protected call with a traceback message handler (lua.c's docall). */
int ph_sandbox_pcall(ph_sandbox *sb, int nargs, int nresults);

#endif
