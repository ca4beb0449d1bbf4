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

static json_t *from_lua(lua_State *L, int idx, int depth)
{
	size_t n;
	const char *s;
	json_t *j;

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
		if (is_array(L, idx)) {
			j = json_array();
			for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, idx); i++) {
				lua_rawgeti(L, idx, i);
				json_t *v = from_lua(L, -1, depth + 1);
				json_array_append_new(j, v ? v : json_null());
				lua_pop(L, 1);
			}
			return j;
		}
		j = json_object();
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
			json_object_set_new(j, key, v ? v : json_null());
			lua_pop(L, 1);
		}
		return j;
	default: return json_string(lua_typename(L, lua_type(L, idx)));
	}
}

json_t *ph_record_from_lua(lua_State *L, int idx)
{
	json_t *j = from_lua(L, idx, 0);
	return j ? j : json_null();
}
