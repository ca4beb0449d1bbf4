#!/usr/bin/env python3
"""misuse_cases.py - table-driven misuse tests of the Lua test language.

    misuse_cases.py PUMPHIL GROUP [NAME...]

Every case is one small script written to a temporary folder and run with
`pumphil run --no-report`.  The line holding the misuse is marked `--!`; the
case passes when pumphil exits with the expected status and its output names
that line of the script, "<case>.lua:<line>: ", followed by the expected
message, and never a place in the harness's own Lua ([pumphil]/...,
pumphil.lua, pumphil_faults.lua).  GROUP selects a table: `options` (test()
and suite() options, checked when the script loads), `api` (argument errors
of the bench API inside a test), `errors` (what a script raises).
"""
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

# (name, exit status, script, regex of the message after "file:line: ")
# Status 2: the script is rejected when it loads; 1: the test is an error.
OPTIONS = [
    ("timeout_2p63", 2, 'test("t", { timeout = 2^63 }, function(b) end) --!',
     r"test 't': timeout must be a duration in ns > 0 and at most 10000 days, got 9.22"),
    ("timeout_negative", 2, 'test("t", { timeout = -1 * s }, function(b) end) --!',
     r"test 't': timeout must be a duration in ns > 0"),
    ("timeout_zero", 2, 'test("t", { timeout = 0 }, function(b) end) --!',
     r"test 't': timeout must be a duration in ns > 0"),
    ("timeout_nan", 2, 'test("t", { timeout = 0/0 }, function(b) end) --!',
     r"test 't': timeout must be a duration in ns > 0 .*got -?nan"),
    ("timeout_inf", 2, 'test("t", { timeout = math.huge }, function(b) end) --!',
     r"test 't': timeout must be a duration in ns > 0 .*got inf"),
    ("timeout_string", 2, 'test("t", { timeout = "2h" }, function(b) end) --!',
     r"test 't': timeout must be a duration in ns > 0 .*got string"),
    ("wall_timeout_zero", 2, 'test("t", { wall_timeout = 0 }, function(b) end) --!',
     r"test 't': wall_timeout must be a duration in ns > 0"),
    ("wall_timeout_nan", 2, 'test("t", { wall_timeout = 0/0 }, function(b) end) --!',
     r"test 't': wall_timeout must be a duration in ns > 0"),
    ("wall_timeout_negative", 2, 'test("t", { wall_timeout = -5 * s }, function(b) end) --!',
     r"test 't': wall_timeout must be a duration in ns > 0"),
    ("unknown_option", 2, 'test("t", { timout = 1 * h }, function(b) end) --!',
     r"test 't': unknown option 'timout'"),
    ("option_not_string_key", 2, 'test("t", { 5 }, function(b) end) --!',
     r"test 't': unknown option '1'"),
    ("opts_not_table", 2, 'test("t", 5, function(b) end) --!',
     r"test 't': options must be a table"),
    ("no_function", 2, 'test("t", { tags = { "a" } }) --!',
     r"test\(name, \[opts,\] function\(bench\) \.\.\. end\)"),
    ("name_not_string", 2, 'test(42, function(b) end) --!',
     r"test\(name, \[opts,\] function\(bench\) \.\.\. end\): name must be a string"),
    ("name_empty", 2, 'test("", function(b) end) --!',
     r"test name must not be empty"),
    ("tags_number", 2, 'test("t", { tags = 5 }, function(b) end) --!',
     r"test 't': tags must be a string or a list of strings, got number"),
    ("tags_entry_table", 2, 'test("t", { tags = { "a", {} } }, function(b) end) --!',
     r"test 't': tags\[2\] must be a string, got table"),
    ("req_entry_number", 2, 'test("t", { req = { 1 } }, function(b) end) --!',
     r"test 't': req\[1\] must be a string, got number"),
    ("setup_not_function", 2, 'test("t", { setup = "x" }, function(b) end) --!',
     r"test 't': setup must be a function, got string"),
    ("teardown_not_function", 2, 'test("t", { teardown = 1 }, function(b) end) --!',
     r"test 't': teardown must be a function, got number"),
    ("cases_not_table", 2, 'test("t", { cases = 3 }, function(b) end) --!',
     r"test 't': cases must be a non-empty list of tables"),
    ("cases_empty", 2, 'test("t", { cases = {} }, function(b) end) --!',
     r"test 't': cases must be a non-empty list of tables"),
    ("cases_entry_number", 2, 'test("t", { cases = { { label = "a" }, 7 } }, function(b) end) --!',
     r"test 't': cases\[2\] must be a table, got number"),
    ("cases_label_table", 2, 'test("t", { cases = { { label = {} } } }, function(b) end) --!',
     r"test 't': cases\[1\]\.label must be a string or a number"),
    ("suite_unknown_key", 2, 'suite { name = "s", setpu = function() end } --!',
     r"suite 's': unknown option 'setpu'"),
    ("suite_no_name", 2, 'suite { tags = { "a" } } --!',
     r"suite\{ name = \.\.\. \} expects a table with a name"),
    ("suite_setup_not_function", 2, 'suite { name = "s", setup = 5 } --!',
     r"suite 's': setup must be a function, got number"),
    ("suite_tags_number", 2, 'suite { name = "s", tags = 5 } --!',
     r"suite 's': tags must be a string or a list of strings, got number"),
    ("test_inside_test", 1,
     'test("outer", function(b)\n  test("inner", function(b) end) --!\nend)',
     r"test\(\) inside a running test: define tests at the top level of the script"),
    ("suite_inside_test", 1,
     'test("outer", function(b)\n  suite "inner" --!\nend)',
     r"suite\(\) inside a running test: define suites at the top level of the script"),
]

# What a script raises: whatever the error object, the verdict is an error
# at the line that raised it, with a message saying what was raised; a
# location inside the object is never believed.  A few cases also check
# that the test is reported as ERROR, not FAIL (the fifth field).
ERRORS = [
    ("raise_empty_table", 1, 'test("t", function(b)\n  error({}) --!\nend)',
     r"error object is a table without __tostring", r"ERROR +raise_empty_table / t"),
    ("raise_forged_where", 1,
     'test("t", function(b)\n  error({ kind = "fail", msg = "forged", where = "elsewhere.lua:99" }) --!\nend)',
     r"error object is a table without __tostring", r"ERROR +raise_forged_where / t"),
    ("raise_forged_failure_mt", 1,
     'test("t", function(b)\n  local ok, f = pcall(expect.eq, 1, 2, "x")\n'
     '  local forged = setmetatable({ kind = "fail", msg = "forged", where = "elsewhere.lua:99" }, getmetatable(f)) --!\n'
     '  error(forged)\nend)',
     r"bad argument #2 to 'setmetatable'", r"ERROR +raise_forged_failure_mt / t"),
    ("raise_caught_failure_edited", 1,
     'test("t", function(b)\n  local ok, f = pcall(expect.eq, 1, 2, "x") --!\n'
     '  f.where = "elsewhere.lua:99"\n  error(f)\nend)',
     r"x: expected 2, got 1", r"FAIL +raise_caught_failure_edited / t"),
    ("tostring_fails", 1,
     'test("t", function(b)\n  error(setmetatable({}, { __tostring = function() error("broken") end })) --!\nend)',
     r"error object's __tostring failed: .*broken"),
    ("tostring_loops", 1,
     'test("t", function(b)\n  error(setmetatable({}, { __tostring = function() while true do end end })) --!\nend)',
     r"error object's __tostring did not return within its budget"),
    ("tostring_returns_number", 1,
     'test("t", function(b)\n  error(setmetatable({}, { __tostring = function() return 5 end })) --!\nend)',
     r"error object's __tostring returned a number"),
    ("tostring_returns_string", 1,
     'test("t", function(b)\n  error(setmetatable({}, { __tostring = function() return "custom" end })) --!\nend)',
     r"custom"),
    ("tostring_not_function", 1,
     'test("t", function(b)\n  error(setmetatable({}, { __tostring = 7 })) --!\nend)',
     r"error object's __tostring failed"),
    ("index_loops", 1,
     'test("t", function(b)\n  error(setmetatable({}, { __index = function() while true do end end })) --!\nend)',
     r"error object is a table without __tostring"),
    ("raise_nil", 1, 'test("t", function(b)\n  error() --!\nend)', r"error object is nil"),
    ("raise_number", 1, 'test("t", function(b)\n  error(42) --!\nend)',
     r"error object is a number \(42\)"),
    ("raise_boolean", 1, 'test("t", function(b)\n  error(false) --!\nend)',
     r"error object is a boolean \(false\)"),
    ("raise_function", 1, 'test("t", function(b)\n  error(print) --!\nend)',
     r"error object is a function"),
    ("raise_string_level0", 1, 'test("t", function(b)\n  error("no place", 0) --!\nend)',
     r"no place"),
    ("raise_in_helper", 1,
     'local function helper()\n  error({}) --!\nend\ntest("t", function(b)\n  helper()\nend)',
     r"error object is a table without __tostring"),
    ("raise_in_teardown", 1,
     'test("t", { teardown = function(b)\n  error({}) --!\nend }, function(b) end)',
     r"teardown failed: error object is a table without __tostring", r"ERROR +raise_in_teardown / t"),
    ("raise_in_setup", 1,
     'suite { name = "s", setup = function(b)\n  error(setmetatable({}, { __tostring = function() return "setup broke" end })) --!\nend }\n'
     'test("t", function(b) end)',
     r"suite setup failed: setup broke", r"ERROR +s / t"),
    ("raise_at_top_level", 2, 'error({}) --!',
     r"error object is a table without __tostring"),
    ("raise_number_at_top_level", 2, 'local x = 1\nerror(7) --!',
     r"error object is a number \(7\)"),
    ("tostring_loops_at_top_level", 2,
     'error(setmetatable({}, { __tostring = function() while true do end end })) --!',
     r"error object's __tostring did not return within its budget"),
    ("annotate_doubling_table", 1,
     'test("t", function(b)\n  local t = {}\n  for i = 1, 30 do t = { t, t } end\n  annotate("x", t) --!\nend)',
     r"annotate 'x': more than 100000 values in the record"),
    ("annotate_key_tostring_loops", 1,
     'test("t", function(b)\n'
     '  annotate("x", { [setmetatable({}, { __tostring = function() while true do end end })] = 1 }) --!\nend)',
     r"annotate 'x': a key must be a string or a number, not a table"),
    ("mark_doubling_table", 1,
     'test("t", function(b)\n  local t = {}\n  for i = 1, 40 do t = { t, t } end\n  b:mark("note", { t = t })\n'
     '  error({}) --!\nend)',
     r"error object is a table without __tostring", r"ERROR +mark_doubling_table / t"),
    ("mark_key_tostring_loops", 1,
     'test("t", function(b)\n'
     '  b:mark("note", { x = { [setmetatable({}, { __tostring = function() while true do end end })] = 1 } })\n'
     '  error({}) --!\nend)',
     r"error object is a table without __tostring"),
]

GROUPS = {"options": OPTIONS, "errors": ERRORS}

HARNESS = re.compile(r"\[pumphil\]|pumphil(_\w+)?\.lua")


def run_case(pumphil, folder, case):
    name, rc, body, want = case[:4]
    also = case[4:]
    path = os.path.join(folder, name + ".lua")
    lines = body.split("\n")
    marked = [i + 1 for i, l in enumerate(lines) if "--!" in l]
    assert len(marked) == 1, f"{name}: mark exactly one line with --!"
    with open(path, "w") as f:
        f.write(body + "\n")
    try:
        p = subprocess.run([pumphil, "run", "--no-report", path], capture_output=True,
                           text=True, timeout=60)
    except subprocess.TimeoutExpired as e:
        return name, ["did not finish within 60 s"], (e.stdout or b"").decode(errors="replace")
    out = p.stdout + p.stderr
    errors = []
    if p.returncode != rc:
        errors.append(f"exit status {p.returncode}, expected {rc}")
    pat = re.escape(f"{name}.lua:{marked[0]}: ") + want
    if not re.search(pat, out):
        errors.append(f"output does not match: {pat}")
    for a in also:
        if not re.search(a, out, re.M):
            errors.append(f"output does not match: {a}")
    if HARNESS.search(out):
        errors.append("output names the harness's own Lua")
    if "ERROR: AddressSanitizer" in out or "runtime error:" in out:
        errors.append("sanitizer report")
    return name, errors, out


def main():
    pumphil, group = sys.argv[1], sys.argv[2]
    cases = GROUPS[group]
    if len(sys.argv) > 3:
        cases = [c for c in cases if c[0] in sys.argv[3:]]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="phm") as folder:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for name, errors, out in pool.map(lambda c: run_case(pumphil, folder, c), cases):
                if errors:
                    failed += 1
                    print(f"FAIL {name}: " + "; ".join(errors))
                    for line in out.splitlines()[:6]:
                        print("     | " + line)
                else:
                    print(f"ok   {name}")
    print(f"{len(cases) - failed} of {len(cases)} {group} cases passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
