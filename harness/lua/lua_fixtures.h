/*
 * lua_fixtures.h - the fixture files the test language reads, checked
 * before a run's first test.
 */
#ifndef PH_LUA_FIXTURES_H
#define PH_LUA_FIXTURES_H

#ifndef PH_USES_LUA
#error "lua/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stddef.h>

#include <jansson.h>

/* Check fixtures_dir/faults.json (the fault catalogue, against the drivers
 * of pumphil_faults.lua and the bench profile `profile`, borrowed) and
 * fixtures_dir/druglib.json: JSON syntax and duplicate keys, then every
 * entry.  Returns 0, or -1 with one line in err naming the file and the
 * entry ("DIR/faults.json: fault 'leak': ...", "DIR/druglib.json:3:7: ...").
 * Blocks only on reading the two files. */
int ph_lua_check_fixtures(const char *fixtures_dir, const json_t *profile, char *err,
                          size_t errlen);

#endif
