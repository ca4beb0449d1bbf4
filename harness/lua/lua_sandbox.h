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
	int budget;               /* hook calls left before an abort; 0 = none */
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

/* Protected call with a traceback message handler (lua.c's docall).  A
 * string error comes back as "script:line: message" (see below) with a
 * traceback after its first line; any other error value comes back wrapped
 * with the place it was raised at: see ph_sandbox_unwrap(). */
int ph_sandbox_pcall(ph_sandbox *sb, int nargs, int nresults);

/* "file:line" of the innermost frame from `level` up that is a script's
 * (not C, not the harness's built-in Lua) into buf.  Returns 0 (and "")
 * when there is none. */
int ph_sandbox_script_where(lua_State *L, int level, char *buf, size_t n);
/* A chunk's whole name (a file's path however long), for messages. */
const char *ph_sandbox_source(const lua_Debug *ar);

/* Length of the "file:line" that starts msg (followed by ": "), 0 when msg
 * does not start with a place. */
size_t ph_sandbox_where_len(const char *msg);

/* When the value at idx is an error wrapped by ph_sandbox_pcall, replace it
 * by the value raised, put the script place it was raised at (or "") in
 * where, and return 1; otherwise return 0 and leave it. */
int ph_sandbox_unwrap(lua_State *L, int idx, char *where, size_t n);

/* What the error value at idx is, in one line, into buf: a string's first
 * line; "error object is nil", "... is a number (42)", "... is a table
 * without __tostring"; or its __tostring's result, run with an instruction
 * budget of its own ("error object's __tostring did not return within its
 * budget", "... failed: why", "... returned a number").  Never raises and
 * never runs any other metamethod of the value. */
void ph_sandbox_describe(ph_sandbox *sb, int idx, char *buf, size_t n);

#endif
