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

GROUPS = {"options": OPTIONS}

HARNESS = re.compile(r"\[pumphil\]|pumphil(_\w+)?\.lua")


def run_case(pumphil, folder, case):
    name, rc, body, want = case
    path = os.path.join(folder, name + ".lua")
    lines = body.split("\n")
    marked = [i + 1 for i, l in enumerate(lines) if "--!" in l]
    assert len(marked) == 1, f"{name}: mark exactly one line with --!"
    with open(path, "w") as f:
        f.write(body + "\n")
    p = subprocess.run([pumphil, "run", "--no-report", path], capture_output=True, text=True,
                       timeout=300)
    out = p.stdout + p.stderr
    errors = []
    if p.returncode != rc:
        errors.append(f"exit status {p.returncode}, expected {rc}")
    pat = re.escape(f"{name}.lua:{marked[0]}: ") + want
    if not re.search(pat, out):
        errors.append(f"output does not match: {pat}")
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
