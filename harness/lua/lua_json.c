/*
 * lua_json.c - Lua values to JSON for the record (see lua_json.h).
 */
#include "lua/lua_json.h"

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

/* The Lua value at idx as JSON, a table as an empty array or object for
 * fill() to complete once its owner holds it: filling can raise (a key's
 * __tostring, the memory cap), and all that was built must then hang from
 * the box being filled, to be freed with it. */
static json_t *from_lua(lua_State *L, int idx, int depth)
{
	size_t n;
	const char *s;

	idx = lua_absindex(L, idx);
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
		return is_array(L, idx) ? json_array() : json_object();
	default: return json_string(lua_typename(L, lua_type(L, idx)));
	}
}

/* Convert the table at idx into j, the empty container from_lua() gave for it. */
static void fill(lua_State *L, int idx, int depth, json_t *j)
{
	size_t n;
	const char *s;

	idx = lua_absindex(L, idx);
	if (json_is_array(j)) {
		for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, idx); i++) {
			lua_rawgeti(L, idx, i);
			json_t *v = from_lua(L, -1, depth + 1);
			if (!json_array_append_new(j, v ? v : json_null()) &&
			    (json_is_array(v) || json_is_object(v)))
				fill(L, -1, depth + 1, v);
			lua_pop(L, 1);
		}
		return;
	}
	if (!json_is_object(j))
		return;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		char key[256];
		if (lua_type(L, -2) == LUA_TSTRING) {
			s = lua_tolstring(L, -2, &n);
			ph_utf8_sanitize(s, n, key, sizeof key);
		} else {
			lua_pushvalue(L, -2);
			s = luaL_tolstring(L, -1, &n);
			ph_utf8_sanitize(s, n, key, sizeof key);
			lua_pop(L, 2);
		}
		json_t *v = from_lua(L, -1, depth + 1);
		if (!json_object_set_new(j, key, v ? v : json_null()) &&
		    (json_is_array(v) || json_is_object(v)))
			fill(L, -1, depth + 1, v);
		lua_pop(L, 1);
	}
}

json_t *ph_record_from_lua(lua_State *L, int idx)
{
	ph_json_box *b;
	json_t *j;

	idx = lua_absindex(L, idx);
	b = ph_json_box_new(L);
	b->j = from_lua(L, idx, 0);
	fill(L, idx, 0, b->j);
	/* Nothing raises from here on: the JSON leaves the box for the caller. */
	j = b->j ? b->j : json_null();
	b->j = NULL;
	lua_pop(L, 1);
	return j;
}
