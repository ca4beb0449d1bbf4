/*
 * lua_adapter.h - what a Lua adapter (docs/adapters.md) gets besides the
 * script sandbox: the pump's line (open, send bytes, receive with a
 * deadline, close), framing helpers (COBS, SLIP, length-prefixed, lines)
 * and CRCs (CRC-16 variants, CRC-32).  Every byte the line carries goes to
 * the test's trace raw ("adapter_tx" / "adapter_rx" harness events).
 */
#ifndef PH_LUA_ADAPTER_H
#define PH_LUA_ADAPTER_H

#ifndef PH_USES_LUA
#error "lua/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include <lua.h>

#include "lua/lua_bench.h"

/* Add the adapter primitives to the primitives table at the top of L's
 * stack (adapter_file, adapter_load). */
void ph_lua_adapter_register(lua_State *L);

/* Close the adapter's line if the test opened it (the runner, after each
 * test). */
void ph_lua_adapter_close(ph_ctx *c);

#endif
