/*
 * lua_sandbox.c - see lua_sandbox.h.
 */
#include "lua/lua_sandbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lualib.h>

#include "base/clock.h"
#include "base/interrupt.h"
#include "lua/embedded.h"

#define HOOK_COUNT 10000
/* Hook calls (of HOOK_COUNT instructions) an error object's __tostring may
 * take: ten million instructions, a fraction of a second. */
#define TOSTRING_BUDGET 1000

static const char SANDBOX_KEY = 'S';
/* Metatable of a wrapped error object (see msghandler). */
static const char WRAP_KEY = 'W';

/* Counting, capping allocator (lua_Alloc). */
static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	ph_sandbox *sb = ud;
	size_t old = ptr ? osize : 0;

	if (nsize == 0) {
		free(ptr);
		sb->used -= old;
		return NULL;
	}
	if (nsize > old && sb->used - old + nsize > sb->cap)
		return NULL;
	void *p = realloc(ptr, nsize);
	if (!p)
		return NULL;
	sb->used = sb->used - old + nsize;
	if (sb->used > sb->peak)
		sb->peak = sb->used;
	return p;
}

ph_sandbox *ph_sandbox_of(lua_State *L)
{
	ph_sandbox *sb;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &SANDBOX_KEY);
	sb = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return sb;
}

/* ---- watchdog ---- */

static void hook(lua_State *L, lua_Debug *ar)
{
	ph_sandbox *sb = ph_sandbox_of(L);
	char where[256];

	(void)ar;
	if (!sb->aborting && sb->wall_deadline_ns && ph_monotonic_ns() > sb->wall_deadline_ns)
		ph_sandbox_abort(sb, NULL);
	if (!sb->aborting && sb->budget && --sb->budget == 0)
		ph_sandbox_abort(sb, NULL);
	if (!sb->aborting && ph_interrupted()) {
		char msg[80];
		snprintf(msg, sizeof msg, "interrupted: the run was stopped (%s)",
		         ph_interrupt_name(ph_interrupted()));
		ph_sandbox_abort(sb, msg);
	}
	if (!sb->aborting)
		return;
	/* Name the script's line that was running (level 0 inside a hook is
	 * the running function; the harness's own Lua is skipped). */
	if (ph_sandbox_script_where(L, 0, where, sizeof where))
		lua_pushfstring(L, "%s: %s", where, sb->abort_msg);
	else
		lua_pushstring(L, sb->abort_msg);
	lua_error(L);
}

void ph_sandbox_abort(ph_sandbox *sb, const char *msg)
{
	if (msg)
		snprintf(sb->abort_msg, sizeof sb->abort_msg, "%s", msg);
	sb->aborting = 1;
	/* From now on every line raises again: a pcall in the script cannot
	 * swallow the abort. */
	lua_sethook(sb->L, hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
}

void ph_sandbox_arm(ph_sandbox *sb, int64_t deadline_ns, const char *msg)
{
	sb->wall_deadline_ns = deadline_ns;
	sb->aborting = 0;
	snprintf(sb->abort_msg, sizeof sb->abort_msg, "%s", msg ? msg : "wall-time limit exceeded");
	lua_sethook(sb->L, hook, LUA_MASKCOUNT, HOOK_COUNT);
}

void ph_sandbox_disarm(ph_sandbox *sb)
{
	sb->wall_deadline_ns = 0;
	sb->budget = 0;
	sb->aborting = 0;
	lua_sethook(sb->L, NULL, 0, 0);
}

/* ---- library allow-list ---- */

static int forbidden(lua_State *L)
{
	const char *lib = lua_tostring(L, lua_upvalueindex(1));
	const char *key = lua_tostring(L, 2);
	return luaL_error(L, "'%s.%s' is not available in the test sandbox", lib, key ? key : "?");
}

/* A table whose every field access raises a clear error. */
static void push_forbidden_lib(lua_State *L, const char *name)
{
	lua_newtable(L);
	lua_newtable(L);
	lua_pushstring(L, name);
	lua_pushcclosure(L, forbidden, 1);
	lua_setfield(L, -2, "__index");
	lua_pushstring(L, name);
	lua_pushcclosure(L, forbidden, 1);
	lua_setfield(L, -2, "__newindex");
	lua_setmetatable(L, -2);
}

/* require(): only modules compiled into the binary. */
static int sb_require(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);

	lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	if (lua_getfield(L, -1, name) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	for (const ph_embedded_file *f = ph_embedded; f->name; f++) {
		char mod[64];
		snprintf(mod, sizeof mod, "%s", f->name);
		for (char *c = mod; *c; c++)
			if (*c == '_')
				*c = '.';
		if (strcmp(mod, name) != 0)
			continue;
		char chunk[80];
		snprintf(chunk, sizeof chunk, "=[pumphil]/%s.lua", f->name);
		if (luaL_loadbufferx(L, f->data, f->size, chunk, "t") != LUA_OK)
			return lua_error(L);
		lua_pushstring(L, name);
		lua_call(L, 1, 1);
		if (lua_isnil(L, -1)) {
			lua_pop(L, 1);
			lua_pushboolean(L, 1);
		}
		lua_pushvalue(L, -1);
		lua_setfield(L, -3, name);
		return 1;
	}
	return luaL_error(L, "module '%s' is not available in the test sandbox", name);
}

/* load(): text chunks only, never bytecode. */
static int sb_load(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	const char *chunkname = luaL_optstring(L, 2, "=(load)");
	int env = !lua_isnone(L, 4);

	if (luaL_loadbufferx(L, s, len, chunkname, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2;
	}
	if (env) {
		lua_pushvalue(L, 4);
		if (!lua_setupvalue(L, -2, 1))
			lua_pop(L, 1);
	}
	return 1;
}

/* setmetatable(): no __gc.  Lua calls finalizers with hooks off (lgc.c,
 * GCTM), so the watchdog could not stop one that loops, in a test or in
 * lua_close; and an error in one only becomes a warning.  Refusing __gc when
 * the metatable is set is enough: Lua marks an object for finalization only
 * then (a __gc added later is ignored). */
static int sb_setmetatable(lua_State *L)
{
	int t = lua_type(L, 2);
	/* lbaselib.c's checks, so its messages stay: "bad argument #2 to
	 * 'setmetatable' (nil or table expected, got string)". */
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	if (t == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(
			        L, "setmetatable: __gc finalizers are not available in the "
			           "test sandbox (they run where the watchdog cannot stop them)");
		lua_pop(L, 1);
	}
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

static void open_libs(lua_State *L)
{
	static const luaL_Reg allowed[] = {
		{ LUA_GNAME, luaopen_base },
		{ LUA_TABLIBNAME, luaopen_table },
		{ LUA_STRLIBNAME, luaopen_string },
		{ LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 },
		{ LUA_COLIBNAME, luaopen_coroutine },
		{ NULL, NULL },
	};
	static const char *const removed[] = { "dofile", "loadfile", "collectgarbage", NULL };
	static const char *const libs[] = { "io", "os", "package", "debug", NULL };

	for (const luaL_Reg *lib = allowed; lib->func; lib++) {
		luaL_requiref(L, lib->name, lib->func, 1);
		lua_pop(L, 1);
	}
	for (int i = 0; removed[i]; i++) {
		lua_pushnil(L);
		lua_setglobal(L, removed[i]);
	}
	for (int i = 0; libs[i]; i++) {
		push_forbidden_lib(L, libs[i]);
		lua_setglobal(L, libs[i]);
	}
	lua_getglobal(L, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);
	lua_register(L, "require", sb_require);
	lua_register(L, "load", sb_load);
	lua_register(L, "setmetatable", sb_setmetatable);
}

ph_sandbox *ph_sandbox_new(size_t mem_cap)
{
	ph_sandbox *sb = calloc(1, sizeof *sb);

	if (!sb)
		return NULL;
	sb->cap = mem_cap;
	sb->L = lua_newstate(sb_alloc, sb);
	if (!sb->L) {
		free(sb);
		return NULL;
	}
	lua_pushlightuserdata(sb->L, sb);
	lua_rawsetp(sb->L, LUA_REGISTRYINDEX, &SANDBOX_KEY);
	lua_newtable(sb->L);
	lua_rawsetp(sb->L, LUA_REGISTRYINDEX, &WRAP_KEY);
	open_libs(sb->L);
	return sb;
}

void ph_sandbox_close(ph_sandbox *sb)
{
	if (!sb)
		return;
	lua_close(sb->L);
	free(sb);
}

/* ---- errors ---- */

#define BUILTIN_PREFIX "[pumphil]/"

static int builtin_source(const char *source)
{
	return source[0] == '=' && !strncmp(source + 1, BUILTIN_PREFIX, strlen(BUILTIN_PREFIX));
}

/* The whole name of a chunk: Lua's short_src cuts a path longer than
 * LUA_IDSIZE (60) to "...tail", which would name no file. */
const char *ph_sandbox_source(const lua_Debug *ar)
{
	if (ar->source[0] == '@' || ar->source[0] == '=')
		return ar->source + 1;
	return ar->short_src;
}

/* A message Lua prefixed with a cut place "...tail:12: ": the place made
 * whole again when full (a file:line) ends with that tail; else msg. */
static const char *uncut(lua_State *L, const char *msg, const char *full)
{
	size_t w = ph_sandbox_where_len(msg), fl = strlen(full);

	if (w < 4 || strncmp(msg, "...", 3) || fl < w - 3 ||
	    memcmp(full + fl - (w - 3), msg + 3, w - 3))
		return msg;
	return lua_pushfstring(L, "%s%s", full, msg + w);
}

int ph_sandbox_script_where(lua_State *L, int level, char *buf, size_t n)
{
	lua_Debug ar;
	for (; lua_getstack(L, level, &ar); level++) {
		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0 || builtin_source(ar.source))
			continue;
		snprintf(buf, n, "%s:%d", ph_sandbox_source(&ar), ar.currentline);
		return 1;
	}
	if (n)
		buf[0] = '\0';
	return 0;
}

size_t ph_sandbox_where_len(const char *msg)
{
	const char *c = strchr(msg, ':');
	const char *d;
	if (!c || c == msg || memchr(msg, '\n', (size_t)(c - msg)))
		return 0;
	for (d = c + 1; *d >= '0' && *d <= '9'; d++)
		;
	if (d == c + 1 || d[0] != ':' || d[1] != ' ')
		return 0;
	return (size_t)(d - msg);
}

/* A string error raised inside the harness's own Lua, or with no place at
 * all (error(msg, 0)): put the script's line in front, so the place a
 * message names is always the user's script.  When a C function raised it
 * (a primitive, error()), the harness's place in the message is only where
 * the harness called it and is dropped; when the harness's Lua itself
 * failed, its line stays in the message, after the script's. */
static const char *relocate(lua_State *L, const char *msg)
{
	char where[256];
	size_t w = ph_sandbox_where_len(msg);
	lua_Debug ar;
	int from_c = lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && ar.what[0] == 'C';

	if (w && strncmp(msg, BUILTIN_PREFIX, strlen(BUILTIN_PREFIX))) {
		/* already names a place outside the harness: whole, if Lua cut it */
		if (ph_sandbox_script_where(L, 1, where, sizeof where))
			return uncut(L, msg, where);
		return msg;
	}
	if (!ph_sandbox_script_where(L, 1, where, sizeof where))
		return msg;
	if (!w || from_c)
		return lua_pushfstring(L, "%s: %s", where, w ? msg + w + 2 : msg);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	luaL_addstring(&b, where);
	luaL_addstring(&b, ": ");
	luaL_addstring(&b, msg + w + 2);
	luaL_addstring(&b, " (raised in ");
	luaL_addlstring(&b, msg, w);
	luaL_addstring(&b, ")");
	luaL_pushresult(&b);
	return lua_tostring(L, -1);
}

/* The message handler of every protected call: a string gets the script's
 * place and a traceback; any other value is wrapped, unchanged, with the
 * place it was raised at (ph_sandbox_unwrap), because only here is that
 * place still on the stack. */
static int msghandler(lua_State *L)
{
	char where[256];

	if (lua_type(L, 1) == LUA_TSTRING) {
		luaL_traceback(L, L, relocate(L, lua_tostring(L, 1)), 1);
		return 1;
	}
	ph_sandbox_script_where(L, 1, where, sizeof where);
	lua_createtable(L, 0, 2);
	lua_pushvalue(L, 1);
	lua_setfield(L, -2, "value");
	lua_pushstring(L, where);
	lua_setfield(L, -2, "where");
	lua_rawgetp(L, LUA_REGISTRYINDEX, &WRAP_KEY);
	lua_setmetatable(L, -2);
	return 1;
}

int ph_sandbox_unwrap(lua_State *L, int idx, char *where, size_t n)
{
	int wrapped;

	idx = lua_absindex(L, idx);
	if (!lua_getmetatable(L, idx))
		return 0;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &WRAP_KEY);
	wrapped = lua_rawequal(L, -1, -2);
	lua_pop(L, 2);
	if (!wrapped)
		return 0;
	lua_getfield(L, idx, "where");
	snprintf(where, n, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
	lua_pop(L, 1);
	lua_getfield(L, idx, "value");
	lua_replace(L, idx);
	return 1;
}

/* prefix and the first line of the string at idx, into buf. */
static void first_line(lua_State *L, int idx, char *buf, size_t n, const char *prefix)
{
	const char *s = lua_tostring(L, idx);
	snprintf(buf, n, "%s%.*s", prefix, (int)strcspn(s, "\n"), s);
}

/* Call the __tostring at the top on the value at idx, with an instruction
 * budget of its own: a __tostring that never returns is stopped. */
static void bounded_tostring(ph_sandbox *sb, int idx, char *buf, size_t n)
{
	lua_State *L = sb->L;
	int64_t deadline = sb->wall_deadline_ns;
	int aborting = sb->aborting, status;
	char msg[sizeof sb->abort_msg];
	lua_Hook old_hook = lua_gethook(L);
	int old_mask = lua_gethookmask(L), old_count = lua_gethookcount(L);

	memcpy(msg, sb->abort_msg, sizeof msg);
	sb->wall_deadline_ns = 0;
	sb->aborting = 0;
	sb->budget = TOSTRING_BUDGET;
	snprintf(sb->abort_msg, sizeof sb->abort_msg, "__tostring ran over its budget");
	lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_COUNT);
	lua_pushvalue(L, idx);
	status = lua_pcall(L, 1, 1, 0);
	if (sb->aborting || sb->budget == 0)
		snprintf(buf, n, "error object's __tostring did not return within its budget");
	else if (status != LUA_OK && lua_type(L, -1) == LUA_TSTRING)
		first_line(L, -1, buf, n, "error object's __tostring failed: ");
	else if (status != LUA_OK)
		snprintf(buf, n, "error object's __tostring failed with a %s",
		         luaL_typename(L, -1));
	else if (lua_type(L, -1) != LUA_TSTRING)
		snprintf(buf, n, "error object's __tostring returned a %s", luaL_typename(L, -1));
	else
		first_line(L, -1, buf, n, "");
	lua_pop(L, 1);
	sb->budget = 0;
	sb->wall_deadline_ns = deadline;
	sb->aborting = aborting;
	memcpy(sb->abort_msg, msg, sizeof msg);
	lua_sethook(L, old_hook, old_mask, old_count);
}

void ph_sandbox_describe(ph_sandbox *sb, int idx, char *buf, size_t n)
{
	lua_State *L = sb->L;

	idx = lua_absindex(L, idx);
	switch (lua_type(L, idx)) {
	case LUA_TSTRING: first_line(L, idx, buf, n, ""); return;
	case LUA_TNIL: snprintf(buf, n, "error object is nil"); return;
	case LUA_TBOOLEAN:
		snprintf(buf, n, "error object is a boolean (%s)",
		         lua_toboolean(L, idx) ? "true" : "false");
		return;
	case LUA_TNUMBER:
		lua_pushvalue(L, idx);
		snprintf(buf, n, "error object is a number (%s)", lua_tostring(L, -1));
		lua_pop(L, 1);
		return;
	default: break;
	}
	/* The metatable itself, never through its own metamethods. */
	if (lua_getmetatable(L, idx)) {
		lua_pushliteral(L, "__tostring");
		lua_rawget(L, -2);
		lua_remove(L, -2);
		if (!lua_isnil(L, -1)) {
			bounded_tostring(sb, idx, buf, n);
			return;
		}
		lua_pop(L, 1);
	}
	snprintf(buf, n, "error object is a %s without __tostring", luaL_typename(L, idx));
}

int ph_sandbox_pcall(ph_sandbox *sb, int nargs, int nresults)
{
	lua_State *L = sb->L;
	int base = lua_gettop(L) - nargs;
	int status;

	lua_pushcfunction(L, msghandler);
	lua_insert(L, base);
	status = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	return status;
}

typedef struct file_reader {
	FILE *f;
	char buf[4096];
} file_reader;

static const char *read_chunk(lua_State *L, void *ud, size_t *size)
{
	file_reader *r = ud;
	(void)L;
	*size = fread(r->buf, 1, sizeof r->buf, r->f);
	return *size ? r->buf : NULL;
}

int ph_sandbox_loadfile(ph_sandbox *sb, const char *path, const char *chunkname)
{
	lua_State *L = sb->L;
	file_reader *r = malloc(sizeof *r);
	int status;

	if (!r) {
		lua_pushstring(L, "out of memory");
		return LUA_ERRMEM;
	}
	r->f = fopen(path, "rb");
	if (!r->f) {
		lua_pushfstring(L, "%s: cannot open: %s", path, strerror(errno));
		free(r);
		return LUA_ERRFILE;
	}
	status = lua_load(L, read_chunk, r, chunkname, "t");
	fclose(r->f);
	free(r);
	if (status == LUA_ERRSYNTAX && lua_type(L, -1) == LUA_TSTRING) {
		/* "...tail:3: syntax error" names the file whole */
		const char *msg = lua_tostring(L, -1);
		char full[512];
		size_t w = ph_sandbox_where_len(msg);
		if (w > 3) {
			const char *colon = msg + w;
			while (colon > msg && colon[-1] != ':')
				colon--;
			snprintf(full, sizeof full, "%s:%.*s", path, (int)(msg + w - colon), colon);
			if (uncut(L, msg, full) != msg)
				lua_replace(L, -2);
		}
	}
	return status;
}
