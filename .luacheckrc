-- luacheck settings for pumphil test scripts (scripts/, tests/**/*.lua).
-- `make lint` and the ctest lint_luacheck run: luacheck scripts tests
-- The globals are the test language's (docs/scripting.md; the same API is
-- annotated for editors in tools/lua/).  Scripts run in a Lua 5.4 sandbox
-- without io, os, package, debug, dofile, loadfile and collectgarbage, so
-- using one of them is an error here as it is on the bench.
std = "lua54"
not_globals = { "io", "os", "package", "debug", "dofile", "loadfile", "collectgarbage" }
max_line_length = 120

read_globals = {
  "suite", "test", "measure", "fixture_data", "fail", "skip", "annotate", "codes",
  expect = { fields = { "eq", "ne", "near", "lt", "le", "gt", "ge", "truthy", "falsy", "ok", "refused", "fail" } },
  units = { fields = { "fmt_time", "nL", "uL", "mL", "ng", "ug", "mg", "ns", "us", "ms", "s", "min", "h", "day",
                       "Pa", "kPa", "psi", "mV", "V", "mm", "cm" } },
  -- every unit is also a global
  "nL", "uL", "mL", "ng", "ug", "mg", "ns", "us", "ms", "s", "min", "h", "day", "Pa", "kPa", "psi", "mV", "V",
  "mm", "cm",
}

-- A test body receives the bench and its case whether it uses them or not.
ignore = { "212/b", "212/case" }

-- Scripts that break the rules on purpose: the sandbox's and the runner's own tests.
files["tests/integration/scripts/sandbox.lua"] = { not_globals = {}, globals = { "io", "os", "package", "debug" } }
files["tests/integration/scripts/gc/in_test.lua"] = { not_globals = {}, globals = { "collectgarbage" } }
-- A syntax error the runner must report (run_syntax_error).
exclude_files = { "tests/integration/scripts/bad/syntax_error.lua", "tests/integration/scripts/long_syntax.lua", "tools/lua/**", "harness/lua/**" }
-- Report fixtures: the report tests see their test names and lines as they are.
files["tests/integration/report"] = { max_line_length = false }
-- Pump adapters (docs/adapters.md): the script globals plus the line,
-- framing and crc tables; their functions take the contract's arguments
-- whether they use them or not.
local adapter = {
  read_globals = {
    line = { fields = { "open", "send", "recv", "close" } },
    framing = { fields = { "cobs_encode", "cobs_decode", "slip_encode", "slip_decode", "split",
                           "lenprefix_encode", "lenprefix_decode" } },
    crc = { fields = { "crc16", "crc32" } },
  },
  ignore = { "212" },
}
files["tests/integration/adapters"] = adapter
files["fixtures/adapters"] = adapter
