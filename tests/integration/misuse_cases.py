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
import os
import re
import subprocess
import sys

from case_runner import run_cases

# (name, exit status, script, regex of the message after "file:line: ")
# Status 2: the script is rejected when it loads; 1: the test is an error.
OPTIONS = [
    ("duplicate_name", 2, 'test("t", function(b) end)\ntest("t", function(b) end) --!',
     r"test 't': suite 'duplicate_name' already has a test of that name \(line 1\)"),
    ("duplicate_case_label", 2, 'test("t", { cases = { { label = "a" }, { label = "a" } } }, function(b) end) --!',
     r"test 't \[a\]': suite 'duplicate_case_label' already has a test of that name"),
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
    ("test_inside_test", 4,
     'test("outer", function(b)\n  test("inner", function(b) end) --!\nend)',
     r"test\(\) inside a running test: define tests at the top level of the script"),
    ("suite_inside_test", 4,
     'test("outer", function(b)\n  suite "inner" --!\nend)',
     r"suite\(\) inside a running test: define suites at the top level of the script"),
]

# What a script raises: whatever the error object, the verdict is an error
# at the line that raised it, with a message saying what was raised; a
# location inside the object is never believed.  A few cases also check
# that the test is reported as ERROR, not FAIL (the fifth field).
ERRORS = [
    ("raise_empty_table", 4, 'test("t", function(b)\n  error({}) --!\nend)',
     r"error object is a table without __tostring", r"ERROR +raise_empty_table / t"),
    ("raise_forged_where", 4,
     'test("t", function(b)\n  error({ kind = "fail", msg = "forged", where = "elsewhere.lua:99" }) --!\nend)',
     r"error object is a table without __tostring", r"ERROR +raise_forged_where / t"),
    ("raise_forged_failure_mt", 4,
     'test("t", function(b)\n  local ok, f = pcall(expect.eq, 1, 2, "x")\n'
     '  local forged = setmetatable({ kind = "fail", msg = "forged", where = "elsewhere.lua:99" }, getmetatable(f)) --!\n'
     '  error(forged)\nend)',
     r"bad argument #2 to 'setmetatable'", r"ERROR +raise_forged_failure_mt / t"),
    ("raise_caught_failure_edited", 1,
     'test("t", function(b)\n  local ok, f = pcall(expect.eq, 1, 2, "x") --!\n'
     '  f.where = "elsewhere.lua:99"\n  error(f)\nend)',
     r"x: expected 2, got 1", r"FAIL +raise_caught_failure_edited / t"),
    ("tostring_fails", 4,
     'test("t", function(b)\n  error(setmetatable({}, { __tostring = function() error("broken") end })) --!\nend)',
     r"error object's __tostring failed: .*broken"),
    ("tostring_loops", 4,
     'test("t", function(b)\n  error(setmetatable({}, { __tostring = function() while true do end end })) --!\nend)',
     r"error object's __tostring did not return within its budget"),
    ("tostring_returns_number", 4,
     'test("t", function(b)\n  error(setmetatable({}, { __tostring = function() return 5 end })) --!\nend)',
     r"error object's __tostring returned a number"),
    ("tostring_returns_string", 4,
     'test("t", function(b)\n  error(setmetatable({}, { __tostring = function() return "custom" end })) --!\nend)',
     r"custom"),
    ("tostring_not_function", 4,
     'test("t", function(b)\n  error(setmetatable({}, { __tostring = 7 })) --!\nend)',
     r"error object's __tostring failed"),
    ("index_loops", 4,
     'test("t", function(b)\n  error(setmetatable({}, { __index = function() while true do end end })) --!\nend)',
     r"error object is a table without __tostring"),
    ("raise_nil", 4, 'test("t", function(b)\n  error() --!\nend)', r"error object is nil"),
    ("raise_number", 4, 'test("t", function(b)\n  error(42) --!\nend)',
     r"error object is a number \(42\)"),
    ("raise_boolean", 4, 'test("t", function(b)\n  error(false) --!\nend)',
     r"error object is a boolean \(false\)"),
    ("raise_function", 4, 'test("t", function(b)\n  error(print) --!\nend)',
     r"error object is a function"),
    ("raise_string_level0", 4, 'test("t", function(b)\n  error("no place", 0) --!\nend)',
     r"no place"),
    ("raise_in_helper", 4,
     'local function helper()\n  error({}) --!\nend\ntest("t", function(b)\n  helper()\nend)',
     r"error object is a table without __tostring"),
    ("raise_in_teardown", 4,
     'test("t", { teardown = function(b)\n  error({}) --!\nend }, function(b) end)',
     r"teardown failed: error object is a table without __tostring", r"ERROR +raise_in_teardown / t"),
    ("raise_in_setup", 4,
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
    ("annotate_doubling_table", 4,
     'test("t", function(b)\n  local t = {}\n  for i = 1, 30 do t = { t, t } end\n  annotate("x", t) --!\nend)',
     r"annotate 'x': more than 100000 values in the record"),
    ("annotate_key_tostring_loops", 4,
     'test("t", function(b)\n'
     '  annotate("x", { [setmetatable({}, { __tostring = function() while true do end end })] = 1 }) --!\nend)',
     r"annotate 'x': a key must be a string or a number, not a table"),
    ("mark_doubling_table", 4,
     'test("t", function(b)\n  local t = {}\n  for i = 1, 40 do t = { t, t } end\n  b:mark("note", { t = t })\n'
     '  error({}) --!\nend)',
     r"error object is a table without __tostring", r"ERROR +mark_doubling_table / t"),
    ("mark_key_tostring_loops", 4,
     'test("t", function(b)\n'
     '  b:mark("note", { x = { [setmetatable({}, { __tostring = function() while true do end end })] = 1 } })\n'
     '  error({}) --!\nend)',
     r"error object is a table without __tostring"),
]


def T(name, code, want, pre="", rc=4):
    """A misuse inside a test's body: the marked line is `code`."""
    lines = [l for l in pre.split("\n") if l]
    body = 'test("t", function(b)\n' + "".join("  " + l + "\n" for l in lines)
    return (name, rc, body + "  " + code + " --!\nend)", want)


def TOP(name, code, want, pre=""):
    """A misuse at the top level of the script: rejected when it loads."""
    return (name, 2, pre + code + " --!", want)


FAULTS = 'local faults = require "pumphil.faults"'
CAMPAIGN = 'faults = { "leak" }, n = 1, to = 1 * day, duration = 1 * h'

# Every documented function of the API (docs/scripting.md), misused: wrong
# types, missing required keys, unknown keys, NaN, values out of range,
# methods called with a dot.  Each names the script's line and says what is
# wrong in the user's terms.
API = [
    # checks
    T("expect_near_string", 'expect.near(1, "a", 0.1)', r"expect\.near: expected must be a number, got string"),
    T("expect_near_tol_nan", "expect.near(1, 1, 0/0)", r"expect\.near: tolerance is NaN"),
    T("expect_near_tol_negative", "expect.near(1, 1, -1)", r"expect\.near: tolerance must be >= 0"),
    T("expect_lt_nil_bound", 'expect.lt(1, nil, "x")', r"expect\.lt: bound must be a number, got nil"),
    T("expect_ge_nan_bound", "expect.ge(1, 0/0)", r"expect\.ge: bound is NaN"),
    T("expect_refused_reason_number", "expect.refused(b.pump:try_start(), 5)",
      r"expect\.refused: reason must be a refusal name \(a string\), got number"),
    T("expect_refused_unknown_reason", 'expect.refused(b.pump:try_start(), "NOT_A_REASON")',
      r"expect\.refused: unknown refusal reason 'NOT_A_REASON' \(one of: .*HARD_LIMIT"),
    # measurements
    T("measure_name_number", "measure(5, 1)", r"measure\(name, value, spec\): name must be a string, got number"),
    T("measure_spec_string", 'measure("x", 1, "uL")', r"measure 'x': spec must be a table"),
    T("measure_unknown_option", 'measure("x", 1, { mx = 2 })', r"measure 'x': unknown option 'mx'"),
    T("measure_tol_without_nominal", 'measure("x", 1, { tol = 1 })', r"measure 'x': tol and tol_pct need a nominal"),
    T("measure_min_above_max", 'measure("x", 1, { min = 2, max = 1 })', r"measure 'x': min 2 is above max 1"),
    T("measure_value_nil", 'measure("x", nil, { max = 1 })', r"measure 'x': value must be a number, got nil"),
    # the bench
    T("run_for_string", 'b:run_for("1h")', r"b:run_for: duration must be a number of ns >= 0, got string"),
    T("run_for_nan", "b:run_for(0/0)", r"b:run_for: duration is NaN"),
    T("run_for_negative", "b:run_for(-1)", r"b:run_for: duration must be >= 0"),
    T("run_for_huge", "b:run_for(2^70)", r"b:run_for: duration must be at most 10000 days"),
    T("run_for_no_unit", "b:run_for(5)",
      r"b:run_for: duration 5 ns is below 1 us: durations are in ns, write the unit \(5 \* s, 2 \* h\)"),
    T("refill_no_unit", "b.pump:refill { volume = 0.5, drug = 1, conc = 1 }",
      r"pump:refill: volume 0.5 nL is below 1 nL: volumes are in nL, write the unit \(20 \* mL, 50 \* uL\)"),
    T("run_for_dot", "b.run_for(5 * s)", r"b:run_for: call it with a colon, b:run_for\(\.\.\.\)"),
    T("run_until_string", 'b:run_until("x")', r"b:run_until: t must be a number of ns >= 0, got string"),
    T("wait_event_bad_filter", "b:wait_event(5)",
      r"b:wait_event: filter must be a table of event fields or a function, got number"),
    T("wait_event_unknown_option", 'b:wait_event({ name = "X" }, { whithin = 1 * s })',
      r"b:wait_event: unknown option 'whithin'"),
    T("wait_event_within_nan", 'b:wait_event({ name = "X" }, { within = 0/0 })', r"b:wait_event: within is NaN"),
    T("wait_event_since_string", 'b:wait_event({ name = "X" }, { since = "x" })',
      r"b:wait_event: since must be a number of ns >= 0, got string"),
    T("wait_event_opts_string", 'b:wait_event({ name = "X" }, "1h")', r"b:wait_event: options must be a table"),
    T("wait_alarm_unknown", 'b:wait_alarm("OCCLUSON")', r"b:wait_alarm: unknown alarm 'OCCLUSON' \(one of: .*OCCLUSION"),
    T("wait_alarm_number", "b:wait_alarm(1)", r"b:wait_alarm: alarm must be a name \(a string\), got number"),
    T("wait_until_not_function", "b:wait_until(5)", r"b:wait_until: condition must be a function, got number"),
    T("wait_until_every_zero", "b:wait_until(function() return false end, { every = 0 })",
      r"b:wait_until: every must be > 0"),
    T("wait_until_unknown_option", "b:wait_until(function() return true end, { evry = 1 * s })",
      r"b:wait_until: unknown option 'evry'"),
    T("events_bad_filter", "b:events(5)", r"b:events: filter must be a table of event fields or a function, got number"),
    T("mark_kind_number", "b:mark(5)", r"b:mark: kind must be a string, got number"),
    T("mark_fields_string", 'b:mark("note", "x")', r"b:mark: fields must be a table, got string"),
    T("link_fault_string", 'b:link_fault("drop")', r"b:link_fault: spec must be a table, got string"),
    T("link_fault_bad_channel", 'b:link_fault { channel = "pmp", drop = 0.1 }',
      r"b:link_fault: channel must be 'pump', 'fixture' or 'all', got 'pmp'"),
    T("link_fault_bad_dir", 'b:link_fault { dir = "up", drop = 0.1 }',
      r"b:link_fault: dir must be 'both', 'to_board' or 'from_board', got 'up'"),
    T("link_fault_prob_nan", "b:link_fault { drop = 0/0 }", r"b:link_fault: drop is NaN"),
    T("link_fault_prob_string", 'b:link_fault { drop = "0.1" }', r"b:link_fault: drop must be a number, got string"),
    T("link_fault_prob_above_one", "b:link_fault { corrupt = 1.5 }", r"b:link_fault: corrupt = 1.5 must be a probability, 0 to 1"),
    T("link_fault_delay_fraction", "b:link_fault { delay = 1.5 }", r"b:link_fault: delay must be a whole number of ns >= 0"),
    T("link_fault_unknown", "b:link_fault { dorp = 0.1 }", r"b:link_fault: unknown option 'dorp'"),
    T("link_fault_burst_number", "b:link_fault { burst = 5 }", r"b:link_fault: burst must be a table \{ p =, r =, loss_good =, loss_bad = \}"),
    T("link_fault_burst_unknown", "b:link_fault { burst = { p = 0.1, r = 0.5, lossbad = 1 } }",
      r"b:link_fault: unknown burst option 'lossbad'"),
    T("link_fault_burst_no_p", "b:link_fault { burst = { r = 0.5 } }", r"b:link_fault: burst needs p and r"),
    T("link_stats_bad_channel", 'b:link_stats("pmp", "to_board")', r"b:link_stats: channel must be 'pump' or 'fixture', got 'pmp'"),
    T("link_stats_bad_dir", 'b:link_stats("pump", "both")', r"b:link_stats: dir must be 'to_board' or 'from_board', got 'both'"),
    T("profile_write", "b.profile.accuracy_pct = 1", r"bench\.profile is read-only"),
    # the pump
    T("session_string", 'b.pump:session("30s")', r"pump:session: timeout must be a number of ns >= 0, got string"),
    T("session_negative", "b.pump:session(-1 * s)", r"pump:session: timeout must be >= 0"),
    T("session_dot", "b.pump.session()", r"pump:session: call it with a colon, b\.pump:session\(\.\.\.\)"),
    T("refill_number", "b.pump:refill(20 * mL)", r"pump:refill: expects a table \{ volume =, drug =, conc =, low_residual = \}, got number"),
    T("refill_no_volume", "b.pump:refill { drug = 1 }", r"pump:refill: volume must be a number of nL >= 0, got nil"),
    T("refill_unknown_key", "b.pump:refill { volume = 1 * mL, vol = 2 }", r"pump:refill: unknown field 'vol'"),
    T("refill_negative", "b.pump:refill { volume = -1 }", r"pump:refill: volume must be >= 0"),
    T("refill_conc_string", 'b.pump:refill { volume = 1 * mL, conc = "10" }', r"pump:refill: conc must be a number .*got string"),
    T("refill_drug_fraction", "b.pump:refill { volume = 1 * mL, drug = 1.5 }", r"pump:refill: drug must be a whole number"),
    T("try_refill_nan", "b.pump:try_refill { volume = 0/0 }", r"pump:try_refill: volume is NaN"),
    T("program_number", "b.pump:program(5)", r"pump:program: expects a table .*got number"),
    T("program_bad_mode", 'b.pump:program { mode = "contnuous" }',
      r"pump:program: unknown mode 'contnuous' \(one of: continuous, flexible, stopped\)"),
    T("program_mode_number", "b.pump:program { mode = 1 }", r"pump:program: mode must be a string, got number"),
    T("program_rate_nan", 'b.pump:program { mode = "continuous", rate = 0/0 }', r"pump:program: rate is NaN"),
    T("program_rate_string", 'b.pump:program { mode = "continuous", rate = "1" }', r"pump:program: rate must be a number .*got string"),
    T("program_unknown_key", 'b.pump:program { mode = "continuous", rat = 1 }', r"pump:program: unknown field 'rat'"),
    T("program_step_bad_time", 'b.pump:program { mode = "flexible", steps = { { start = "25:00", rate = 1 } } }',
      r"pump:program: steps\[1\]: start must be a time of day '06:30', 00:00 to 23:59, got '25:00'"),
    T("program_step_not_table", 'b.pump:program { mode = "flexible", steps = { 5 } }',
      r"pump:program: steps\[1\] must be a table \{ start =, rate = \}, got number"),
    T("program_steps_not_table", 'b.pump:program { mode = "flexible", steps = 5 }',
      r"pump:program: steps must be a list of steps, got number"),
    T("program_pb_unknown", 'b.pump:program { mode = "continuous", patient_bolus = { dose = 1 * uL, lockot = 1 * h } }',
      r"pump:program: unknown patient_bolus field 'lockot'"),
    T("program_pb_not_table", 'b.pump:program { mode = "continuous", patient_bolus = 5 }',
      r"pump:program: patient_bolus must be a table, got number"),
    T("program_commit_string", 'b.pump:program { mode = "continuous", commit = "no" }',
      r"pump:program: commit must be a boolean, got string"),
    T("try_program_bad_mode", 'b.pump:try_program { mode = "fast" }', r"pump:try_program: unknown mode 'fast'"),
    T("bolus_bad_kind", 'b.pump:bolus { kind = "patiant" }',
      r"pump:bolus: unknown kind 'patiant' \(one of: bridge, clinician, patient, priming\)"),
    T("bolus_amount_string", 'b.pump:bolus { kind = "clinician", amount = "50" }', r"pump:bolus: amount must be a number .*got string"),
    T("bolus_unknown_key", 'b.pump:bolus { kind = "clinician", amout = 1 * uL }', r"pump:bolus: unknown field 'amout'"),
    T("bolus_string", 'b.pump:bolus("clinician")', r"pump:bolus: expects a table .*got string"),
    T("try_bolus_id_fraction", 'b.pump:try_bolus { kind = "patient", id = 1.5 }', r"pump:try_bolus: id must be a whole number"),
    T("druglib_missing", "b.pump:druglib { id = 9 }", r"pump:druglib: max_conc must be a number .*got nil"),
    T("druglib_string", 'b.pump:druglib("morphine")', r"pump:druglib: expects a table .*got string"),
    T("load_druglib_number", "b.pump:load_druglib(5)", r"pump:load_druglib: name must be a string, got number"),
    T("ack_alarm_unknown", 'b.pump:ack_alarm("OCCLUSON")', r"pump:ack_alarm: unknown alarm 'OCCLUSON'"),
    T("hook_unknown", 'b.pump:hook("MOTOR_STAL", 1)', r"pump:hook: unknown hook 'MOTOR_STAL' \(one of: .*MOTOR_STALL"),
    T("hook_arg_string", 'b.pump:hook("MOTOR_STALL", "1")', r"pump:hook: arg must be a number, got string"),
    T("set_clock_string", 'b.pump:set_clock("2026")', r"pump:set_clock: epoch_ms must be a number of ms >= 0, got string"),
    T("set_clock_negative", "b.pump:set_clock(-1)", r"pump:set_clock: epoch_ms must be >= 0"),
    T("call_unknown_message", 'b.pump:call("interogate")', r"pump:call: unknown message 'interogate'"),
    T("call_fields_number", 'b.pump:call("interrogate", 5)', r"pump:call: fields must be a table, got number"),
    T("call_field_string", 'b.pump:call("session_open", { timeout_s = "5" })',
      r"session_open\.timeout_s: expected an integer, got string"),
    T("call_unknown_field", 'b.pump:call("interrogate", { foo = 1 })', r"message 'interrogate' has no field 'foo'"),
    # the fixture
    T("fixture_set_unknown", 'b.fixture:set("PINCH", 5)', r"fixture:set: unknown parameter 'PINCH' \(one of: .*PINCH_PM"),
    T("fixture_set_nil_value", 'b.fixture:set("PINCH_PM")', r"fixture:set: value must be a number, got nil"),
    T("fixture_pinch_string", 'b.fixture:pinch("full")', r"fixture:pinch: permille must be a number, got string"),
    T("fixture_supply_nan", "b.fixture:supply(0/0)", r"fixture:supply: mV is NaN"),
    T("fixture_rf_loss_dot", "b.fixture.rf_loss(500)", r"fixture:rf_loss: call it with a colon"),
    T("fixture_reset_bad", 'b.fixture:reset("hard")', r"fixture:reset: kind must be 'watchdog', 'brownout', 'power' or 'factory', got 'hard'"),
    T("fixture_reset_nth_string", 'b.fixture:reset("brownout", "3")', r"fixture:reset: nth_write must be a whole number >= 0, got string"),
    # faults
    T("inject_at_nan", 'b:inject("leak", nil, { at = 0/0 })', r"fault 'leak': at is NaN"),
    T("inject_duration_nan", 'b:inject("leak", nil, { duration = 0/0 })', r"fault 'leak': duration is NaN"),
    T("inject_duration_inf", 'b:inject("leak", nil, { duration = math.huge })', r"fault 'leak': duration is infinite"),
    T("inject_param_inf", 'b:inject("leak", { share = math.huge })', r"fault 'leak': parameter 'share' is infinite"),
    T("inject_timing_string", 'b:inject("leak", nil, "now")', r"inject: timing must be a table"),
    T("inject_dot", 'b.inject("leak")', r"b:inject: call it with a colon"),
    T("schedule_entry_number", "b:schedule { 5 }", r"schedule entry 1: must be a table \{ name, params, at =, duration = \}, got number"),
    T("campaign_seed_fraction", "b:campaign { " + CAMPAIGN + ", seed = 1.5 }", r"campaign: seed must be a whole number", pre=FAULTS),
    T("campaign_duration_strings", 'b:campaign { faults = { "leak" }, n = 1, to = 1 * day, duration = { "a", "b" } }',
      r"campaign: duration must be a number of ns > 0 or \{ min, max \}"),
    T("campaign_unknown_key", "b:campaign { " + CAMPAIGN + ", gapp = 1 * h }", r"campaign: unknown option 'gapp'"),
    T("campaign_gap_negative", "b:campaign { " + CAMPAIGN + ", gap = -1 * h }", r"campaign: gap must be >= 0"),
    T("campaign_to_nan", 'b:campaign { faults = { "leak" }, n = 1, to = 0/0, duration = 1 * h }', r"campaign: to is NaN"),
    T("plan_n_huge", 'faults.plan { faults = { "leak" }, n = 2^40, to = 1 * day, duration = 1 * h }',
      r"campaign: n must be an integer 1 to 10000", pre=FAULTS),
    T("limit_nominal_string", 'faults.limit("leak", "delivered_share", "5")', r"faults\.limit: nominal must be a number, got string", pre=FAULTS),
    T("measure_value_nil_faults", 'faults.measure("leak", "delivered_share", nil, 95)',
      r"faults\.measure: value must be a number, got nil", pre=FAULTS),
    T("faults_running_unknown", "faults.running(b, { rat = 1 })", r"faults\.running: unknown option 'rat'", pre=FAULTS),
    T("faults_running_no_bench", "faults.running(nil)", r"faults\.running: the first argument must be the test's bench b, got nil", pre=FAULTS),
    T("still_band_string", 'faults.still_band(b, "1h")', r"faults\.still_band: over must be a number of ns >= 0, got string", pre=FAULTS),
    T("handle_clear_dot", "f.clear()", r"fault:clear: call it with a colon", pre='local f = b:inject("leak")'),
    T("spec_number", "faults.spec(5)", r"unknown fault '5'", pre=FAULTS),
    # other globals
    TOP("skip_outside", 'skip("x")', r"skip\(\) outside a test"),
    TOP("annotate_outside", 'annotate("x", {})', r"annotate\(\) outside a test"),
    T("fmt_time_string", 'units.fmt_time("x")', r"units\.fmt_time: ns must be a number, got string"),
    T("fixture_data_bad_name", 'fixture_data("../x")', r"bad argument #1 to 'fixture_data' \(fixture names are \[a-z0-9_/-\]\+\)"),
    TOP("require_unknown", 'require "pumphil.nope"', r"module 'pumphil\.nope' is not available in the test sandbox"),
    T("accuracy_protocol_zero", 'require("pumphil.accuracy").protocol(0, 250)',
      r"accuracy\.protocol: rate_nl_h must be a number > 0"),
]

GROUPS = {"options": OPTIONS, "errors": ERRORS, "api": API}

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
    return run_cases(cases, lambda folder, c: run_case(pumphil, folder, c), group, "phm", 6)


if __name__ == "__main__":
    sys.exit(main())
