/*
 * script.h - one test script file in its own sandboxed Lua state, and
 * running one of its tests on a bench.
 */
#ifndef PH_SCRIPT_H
#define PH_SCRIPT_H

#ifndef PH_USES_RUN
#error "run/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <stdint.h>

#include <jansson.h>

#include "lua/lua_bench.h"
#include "lua/lua_sandbox.h"

typedef struct ph_script {
	char *path;
	ph_sandbox *sb;
	int module_ref; /* registry ref to the pumphil module table */
	json_t *tests;  /* array of test descriptions (id, suite, name, tags...) */
} ph_script;

/* Load path in a new state with memory cap mem_cap and collect its tests;
 * fixture_data() at the script's top level reads from fixtures_dir.
 * Returns NULL with a one-line "file:line: message" in err on a syntax or
 * load error, or when the script fails at its top level. */
ph_script *ph_script_load(const char *path, size_t mem_cap, const char *fixtures_dir, char *err,
                          size_t errlen);
void ph_script_free(ph_script *s);

typedef struct ph_test_limits {
	int64_t wall_timeout_ns;
	int64_t teardown_wall_ns;
} ph_test_limits;

/* Run test `id` (1-based, as listed) with ctx as its bench.  Returns the
 * result as a new JSON object (verdict, message, where, checks,
 * measurements, log).  Never raises; Lua errors become verdicts. */
json_t *ph_script_run_test(ph_script *s, int id, ph_ctx *ctx, const ph_test_limits *lim);

#endif
