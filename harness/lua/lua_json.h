/*
 * lua_json.h - Lua values to JSON: what a test returns, logs and measures,
 * made into record fields (docs/record.md).
 */
#ifndef PH_LUA_JSON_H
#define PH_LUA_JSON_H

#ifndef PH_USES_LUA
#error "lua/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <jansson.h>
#include <lua.h>

/* The Lua value at idx as JSON (tables with keys 1..n become arrays, other
 * tables objects; functions and userdata become their type name).  Strings
 * are made valid UTF-8 (invalid bytes become U+FFFD).  Never runs a
 * metamethod (the value may be a script's); writes at most a million values
 * (then "(too many values)") and 32 levels.  Never NULL.  May raise a memory
 * error: call it where an error is caught. */
json_t *ph_record_from_lua(lua_State *L, int idx);

/* A json_t owned by a Lua userdata ("pumphil.json_box"), as lauxlib's box
 * owns a luaL_Buffer's memory: C that holds JSON across a call that can
 * raise (a push under the memory cap) keeps it in a box, whose __gc and
 * __close free it (once; both may run).  ph_json_box_new() pushes an empty
 * box: create it first, then acquire the JSON into b->j. */
typedef struct ph_json_box {
	json_t *j;
} ph_json_box;
ph_json_box *ph_json_box_new(lua_State *L);

#endif
