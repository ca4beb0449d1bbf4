/*
 * lua_fixtures.c - see lua_fixtures.h.  The checks themselves are the test
 * language's (pumphil.lua's check_fixtures), so a file is judged by the
 * same rules before the run as when a script reads it.
 */
#include "lua/lua_fixtures.h"

#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "base/json_err.h"
#include "lua/lua_bench.h"
#include "lua/lua_sandbox.h"

/* Lua memory for the check: the two files as tables, and the test language. */
#define CHECK_MEM (256u << 20)

typedef struct check {
	json_t *catalogue, *druglib;
	const json_t *profile;
	const char *catalogue_path, *druglib_path;
} check;

/* The first null inside a list, by its place ("drugs[5]"), into where:
 * Lua has no value for it, so the list the checks see would just be
 * shorter.  Returns 1 when there is one.  Depth is bounded by jansson's. */
static int null_in_list(const json_t *j, char *where, size_t n)
{
	size_t len = strlen(where), i;
	const char *k;
	json_t *v;

	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
		{
			snprintf(where + len, n - len, "[%zu]", i + 1);
			if (json_is_null(v) || null_in_list(v, where, n))
				return 1;
		}
	} else if (json_is_object(j)) {
		json_object_foreach((json_t *)j, k, v)
		{
			snprintf(where + len, n - len, "%s%s", len ? "." : "", k);
			if (null_in_list(v, where, n))
				return 1;
		}
	}
	where[len] = '\0';
	return 0;
}

static int no_null_in_list(const char *path, const json_t *j, char *err, size_t errlen)
{
	char where[512] = "";
	if (!null_in_list(j, where, sizeof where))
		return 0;
	snprintf(err, errlen, "%s: %s is null (a list holds no nulls)", path, where);
	return -1;
}

/* Protected: require the test language, then call its check_fixtures. */
static int run_check(lua_State *L)
{
	check *c = lua_touserdata(L, 1);

	lua_getglobal(L, "require");
	lua_pushliteral(L, "pumphil");
	lua_call(L, 1, 1);
	lua_getfield(L, -1, "init");
	ph_lua_push_primitives(L);
	lua_call(L, 1, 1);
	lua_getfield(L, -1, "check_fixtures");
	ph_lua_push_json(L, c->catalogue);
	lua_pushstring(L, c->catalogue_path);
	ph_lua_push_json(L, c->druglib);
	lua_pushstring(L, c->druglib_path);
	if (c->profile)
		ph_lua_push_json(L, c->profile);
	else
		lua_pushnil(L);
	lua_call(L, 5, 1);
	return 1;
}

int ph_lua_check_fixtures(const char *fixtures_dir, const json_t *profile, char *err, size_t errlen)
{
	char fpath[1100], dpath[1100];
	check c = { .profile = profile, .catalogue_path = fpath, .druglib_path = dpath };
	json_error_t je;
	ph_sandbox *sb = NULL;
	ph_ctx ctx = { .fixtures_dir = fixtures_dir };
	int rc = -1;

	snprintf(fpath, sizeof fpath, "%s/faults.json", fixtures_dir);
	snprintf(dpath, sizeof dpath, "%s/druglib.json", fixtures_dir);
	if (!(c.catalogue = json_load_file(fpath, JSON_REJECT_DUPLICATES, &je))) {
		ph_json_errmsg(err, errlen, fpath, &je);
		goto out;
	}
	if (!(c.druglib = json_load_file(dpath, JSON_REJECT_DUPLICATES, &je))) {
		ph_json_errmsg(err, errlen, dpath, &je);
		goto out;
	}
	if (no_null_in_list(fpath, c.catalogue, err, errlen) < 0 ||
	    no_null_in_list(dpath, c.druglib, err, errlen) < 0)
		goto out;
	if (!(sb = ph_sandbox_new(CHECK_MEM))) {
		snprintf(err, errlen, "%s: out of memory", fpath);
		goto out;
	}
	ph_lua_set_ctx(sb->L, &ctx);
	lua_pushcfunction(sb->L, run_check);
	lua_pushlightuserdata(sb->L, &c);
	if (ph_sandbox_pcall(sb, 1, 1) != LUA_OK) {
		char where[256], msg[800];
		ph_sandbox_unwrap(sb->L, -1, where, sizeof where);
		ph_sandbox_describe(sb, -1, msg, sizeof msg);
		snprintf(err, errlen, "%s and %s could not be checked: %s", fpath, dpath, msg);
		goto out;
	}
	if (lua_type(sb->L, -1) == LUA_TSTRING) {
		snprintf(err, errlen, "%s", lua_tostring(sb->L, -1));
		goto out;
	}
	rc = 0;
out:
	if (sb)
		ph_lua_set_ctx(sb->L, NULL);
	ph_sandbox_close(sb);
	json_decref(c.catalogue);
	json_decref(c.druglib);
	return rc;
}
