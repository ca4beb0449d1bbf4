/*
 * lua_json.c - Lua values to JSON for the record, and the box that owns
 * JSON across calls that may raise (see lua_json.h).
 */
#include "lua/lua_json.h"

#include <stdio.h>

#include <lauxlib.h>

#include "results/record.h"

static int is_array(lua_State *L, int idx)
{
	lua_Integer n = (lua_Integer)lua_rawlen(L, idx), count = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (!lua_isinteger(L, -1)) {
			lua_pop(L, 1);
			return 0;
		}
		count++;
	}
	return count == n;
}

static int json_box_close(lua_State *L)
{
	ph_json_box *b = lua_touserdata(L, 1);
	json_decref(b->j);
	b->j = NULL;
	return 0;
}

ph_json_box *ph_json_box_new(lua_State *L)
{
	static const luaL_Reg box_mt[] = {
		{ "__gc", json_box_close },
		{ "__close", json_box_close },
		{ NULL, NULL },
	};
	ph_json_box *b = lua_newuserdatauv(L, sizeof *b, 0);
	b->j = NULL;
	if (luaL_newmetatable(L, "pumphil.json_box"))
		luaL_setfuncs(L, box_mt, 0);
	lua_setmetatable(L, -2);
	return b;
}

/* Most values one conversion writes: a script's table shared at every
 * level (t = { t, t } forty times) is small in Lua and 2^40 values here. */
#define MAX_VALUES 1000000

/* A key that is not a string, without running any metamethod of it. */
static void key_text(lua_State *L, int idx, char *key, size_t n)
{
	switch (lua_type(L, idx)) {
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			snprintf(key, n, "%lld", (long long)lua_tointeger(L, idx));
		else
			snprintf(key, n, "%.14g", (double)lua_tonumber(L, idx));
		break;
	case LUA_TBOOLEAN: snprintf(key, n, "%s", lua_toboolean(L, idx) ? "true" : "false"); break;
	default: snprintf(key, n, "(%s)", luaL_typename(L, idx)); break;
	}
}

static json_t *from_lua(lua_State *L, int idx, int depth, long *left)
{
	size_t n;
	const char *s;
	json_t *j;

	idx = lua_absindex(L, idx);
	if (--*left < 0)
		return *left == -1 ? json_string("(too many values)") : json_null();
	switch (lua_type(L, idx)) {
	case LUA_TNIL: return json_null();
	case LUA_TBOOLEAN: return json_boolean(lua_toboolean(L, idx));
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			return json_integer(lua_tointeger(L, idx));
		return json_real(lua_tonumber(L, idx)); /* NaN/inf give NULL: handled below */
	case LUA_TSTRING: s = lua_tolstring(L, idx, &n); return ph_json_string_lossy(s, n);
	case LUA_TTABLE:
		if (depth > 32 || !lua_checkstack(L, 4))
			return json_string("(too deep)");
		if (is_array(L, idx)) {
			j = json_array();
			for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, idx); i++) {
				lua_rawgeti(L, idx, i);
				json_t *v = from_lua(L, -1, depth + 1, left);
				json_array_append_new(j, v ? v : json_null());
				lua_pop(L, 1);
			}
			return j;
		}
		/* Plain values first, tables after: when a script's table uses up
		 * the values one conversion may write, the fields beside it (a
		 * result's verdict and message) are already written. */
		j = json_object();
		for (int tables = 0; tables < 2; tables++) {
			lua_pushnil(L);
			while (lua_next(L, idx)) {
				char key[256];
				if ((lua_type(L, -1) == LUA_TTABLE) != tables) {
					lua_pop(L, 1);
					continue;
				}
				if (lua_type(L, -2) == LUA_TSTRING) {
					s = lua_tolstring(L, -2, &n);
					ph_utf8_sanitize(s, n, key, sizeof key);
				} else {
					key_text(L, -2, key, sizeof key);
				}
				json_t *v = from_lua(L, -1, depth + 1, left);
				json_object_set_new(j, key, v ? v : json_null());
				lua_pop(L, 1);
			}
		}
		return j;
	default: return json_string(lua_typename(L, lua_type(L, idx)));
	}
}

json_t *ph_record_from_lua(lua_State *L, int idx)
{
	long left = MAX_VALUES;
	json_t *j = from_lua(L, idx, 0, &left);
	return j ? j : json_null();
}
