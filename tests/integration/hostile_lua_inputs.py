#!/usr/bin/env python3
"""hostile_lua_inputs.py - generated bad inputs for `pumphil run`: bench
profiles, the fault catalogue and drug library, and test scripts.

    hostile_lua_inputs.py PUMPHIL SOURCE_DIR [--seed N] [--per-kind N]
                          [--jobs N] [--kind K]... [--keep DIR]

Every case is bad by construction (a JSON file that the strict parser of
Python's json module rejects, a value outside its rule, a script that
cannot load), written to a temporary folder and given to

    profiles:    pumphil run --list --report W/report --profile FILE ONE_TEST.lua
    catalogues:  pumphil run --list --report W/report --fixtures DIR ONE_TEST.lua
    scripts:     pumphil run --list --report W/report SCRIPT.lua

from an empty working folder W.  Each case must end with exit status 2 and
exactly one line of output, "pumphil: " and the file's path, then
":line:col: " (JSON syntax), ": key '...'" / ": fault '...'" /
": drugs[i]" (a JSON value: jansson keeps no positions), or ":line: "
(a script); no AddressSanitizer or UBSan report; and nothing written
anywhere but W/report (the inputs unchanged, W otherwise empty).  Cases are
drawn from --seed (default 1), so a failure replays; the per-kind counts
are printed at the end.  Bounded: 36 cases a kind (504 in all) by default,
each a --list run.
"""
import argparse
import concurrent.futures
import copy
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

DELETE = object()

# ---------------------------------------------------------------- profiles
# Keys of harness/link/profile.c: (min, max, whole number).
PUMP = {
    "serial": (0, 0xffffffff, True), "stroke_nl": (1, 100000, True),
    "reservoir_nl": (1000000, 100000000, True), "dead_volume_nl": (0, 10000000, True),
    "low_residual_nl": (0, 20000000, True), "min_rate_nl_h": (0, 10000000, True),
    "max_rate_nl_h": (1, 100000000, True), "occlusion_pa": (1000, 1000000, True),
    "occlusion_persist_us": (0, 3600000000, True), "stall_strokes": (1, 1000, True),
    "eri_mv": (0, 5000, True), "eos_mv": (0, 5000, True), "eos_rate_nl_h": (0, 10000000, True),
    "session_timeout_s": (1, 86400, True), "event_resend_us": (1000, 3600000000, True),
}
FIXTURE = {
    "reservoir_nl": (0, 100000000, True), "line_compliance_nl_kpa": (0, 1000, False),
    "line_tau_s": (0, 100000, False), "catheter_compliance_nl_kpa": (0, 1000, False),
    "catheter_tau_s": (0, 100000, False), "balance_period_us": (1000, 3600000000, True),
    "balance_resolution_ug": (1, 1000000, True), "balance_noise_ug": (0, 1000000, True),
    "evaporation_ug_h": (0, 10000000, True), "density_ug_ul": (1, 10000, True),
    "supply_mv": (0, 5000, True), "brownout_mv": (0, 5000, True), "temp_mc": (0, 60000, True),
}
# Pairs that must hold, in the order profile.c checks them: (a, op, b).
PAIRS = [
    ("pump.eri_mv", ">", "pump.eos_mv"),
    ("pump.min_rate_nl_h", "<=", "pump.max_rate_nl_h"),
    ("pump.eos_rate_nl_h", "<=", "pump.max_rate_nl_h"),
    ("pump.eos_rate_nl_h", ">=", "pump.min_rate_nl_h"),
    ("pump.dead_volume_nl", "<", "pump.reservoir_nl"),
    ("pump.low_residual_nl", "<", "pump.reservoir_nl"),
    ("pump.low_residual_nl", ">", "pump.dead_volume_nl"),
    ("fixture.reservoir_nl", "<=", "pump.reservoir_nl"),
    ("fixture.brownout_mv", "<", "fixture.supply_mv"),
    ("fixture.brownout_mv", "<", "pump.eos_mv"),
    ("post_occlusion_bolus_nl", "<=", "pump.reservoir_nl"),
]
OPS = {">": lambda a, b: a > b, "<": lambda a, b: a < b, ">=": lambda a, b: a >= b,
       "<=": lambda a, b: a <= b}
WRONG_TYPES = ["12", "", None, True, False, [], [1], {}, {"x": 1}]


def get(d, path):
    for k in path.split("."):
        d = d[k]
    return d


def put(d, path, v):
    *parents, leaf = path.split(".")
    for k in parents:
        d = d[k]
    if v is DELETE:
        del d[leaf]
    else:
        d[leaf] = v


def strictly_invalid(text):
    """Python's json rejects it (so jansson, stricter still, does too)."""
    try:
        json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return True
    return False


def corrupt(rng, text):
    """A JSON text made invalid: cut, a byte changed, inserted or removed."""
    data = text.encode()
    for _ in range(100):
        how = rng.choice(["cut", "change", "insert", "delete", "duplicate_key", "bytes"])
        i = rng.randrange(len(data))
        if how == "cut":
            out = data[:i]
        elif how == "change":
            out = data[:i] + bytes([rng.choice(b'{}[]:,"\\x0-+.eE\x00\x1f\x7f\xff\xc3')]) + data[i + 1:]
        elif how == "insert":
            out = data[:i] + rng.choice([b",", b"}", b"]", b'"', b"NaN", b"1e400", b"99999999999999999999",
                                         b"\xc3\x28", b"\x00", b"//", b"'x'"]) + data[i:]
        elif how == "delete":
            out = data[:i] + data[i + 1:]
        elif how == "bytes":
            out = data[:i] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 6))) + data[i:]
        else:
            m = list(re.finditer(rb'\n(\s*)("[a-z_]+": [^\n]*)\n', data))
            if not m:
                continue
            g = rng.choice(m)
            out = data[:g.end()] + g.group(1) + g.group(2) + b"\n" + data[g.end():]
            if not out.rstrip().endswith(b"}"):
                continue
            # the same key twice in one object: jansson rejects it, Python does not
            return out
        if strictly_invalid(out):
            return out
    raise RuntimeError("could not corrupt the text")


class Case:
    def __init__(self, kind, files, mode, want, note=""):
        self.kind, self.files, self.mode, self.want, self.note = kind, files, mode, want, note


def profile_syntax(rng, src):
    text = open(os.path.join(src, "fixtures/profiles/reference.json")).read()
    return Case("profile_syntax", {"p.json": corrupt(rng, text)}, "profile", r":\d+:\d+: ")


def ref_profile(src):
    return json.load(open(os.path.join(src, "fixtures/profiles/reference.json")))


def profile_value(rng, src):
    p = ref_profile(src)
    section, keys = rng.choice([("pump", PUMP), ("fixture", FIXTURE), ("", None)])
    if keys is None:
        key = rng.choice(["accuracy_pct", "post_occlusion_bolus_nl", "name", "description"])
        if key == "accuracy_pct":
            v = rng.choice([-rng.uniform(0, 100), 0, 100 + rng.uniform(0.001, 1e9), rng.choice(WRONG_TYPES)])
        elif key == "post_occlusion_bolus_nl":
            v = rng.choice([-rng.randrange(1, 10**9), rng.randrange(10**8 + 1, 10**12), 0.5 + rng.randrange(10**6),
                            rng.choice(WRONG_TYPES)])
        else:
            v = rng.choice([5, 1.5, None, True, [], {}])
        path = key
    else:
        key = rng.choice(sorted(keys))
        lo, hi, whole = keys[key]
        choices = [lo - rng.randrange(1, 10**9), hi + rng.randrange(1, 10**12), rng.choice(WRONG_TYPES)]
        if whole:
            choices.append(rng.randrange(lo, min(hi, lo + 10**6)) + 0.5)
        v = rng.choice(choices)
        path = section + "." + key
    put(p, path, v)
    return Case("profile_value", {"p.json": json.dumps(p, indent=2)}, "profile",
                ": key '" + re.escape(path) + "': ", f"{path} = {v!r}")


def profile_key(rng, src):
    p = ref_profile(src)
    where = rng.choice(["", "pump", "fixture"])
    name = rng.choice(["x", "strok_nl", "accuracy", "PUMP", "eri", "Fixture", "path", "reservoir"]) + \
        rng.choice(["", "_", str(rng.randrange(100))])
    known = set(p) if not where else set(PUMP if where == "pump" else FIXTURE)
    if name in known:
        name += "_x"
    (p[where] if where else p)[name] = rng.choice([1, "x", None, {}])
    path = (where + "." if where else "") + name
    return Case("profile_key", {"p.json": json.dumps(p, indent=2)}, "profile",
                ": unknown key '" + re.escape(path) + "'")


def profile_pair(rng, src):
    p = ref_profile(src)
    a, op, b = rng.choice(PAIRS)

    def rng_key(path):
        if path == "post_occlusion_bolus_nl":
            return 0, 100000000
        section, key = path.split(".")
        lo, hi, _ = (PUMP if section == "pump" else FIXTURE)[key]
        return lo, min(hi, 100000000)

    for _ in range(1000):
        va, vb = rng.randrange(*rng_key(a)), rng.randrange(*rng_key(b))
        if not OPS[op](va, vb):
            break
    put(p, a, va)
    put(p, b, vb)
    first = next(x for x, o, y in PAIRS if not OPS[o](get(p, x), get(p, y)))
    return Case("profile_pair", {"p.json": json.dumps(p, indent=2)}, "profile",
                ": key '" + re.escape(first) + "': ", f"{a}={va} {op} {b}={vb}")


# ---------------------------------------------------------------- catalogues
def faults_syntax(rng, src):
    text = open(os.path.join(src, "fixtures/faults.json")).read()
    return Case("faults_syntax", {"faults.json": corrupt(rng, text)}, "fixtures", r":\d+:\d+: ")


def druglib_syntax(rng, src):
    text = open(os.path.join(src, "fixtures/druglib.json")).read()
    return Case("druglib_syntax", {"druglib.json": corrupt(rng, text)}, "fixtures", r":\d+:\d+: ")


def junk(rng):
    return rng.choice(["PINCH_PMX", "x", "", "OCCLUSON", "occlusion", "42", "null", "\u00e9t\u00e9",
                       "HAZ-", "a b"]) + rng.choice(["", "_" + str(rng.randrange(99))])


FAULT_EDITS = [
    ("fx code", lambda rng, f: f.setdefault("mechanism", {}).__setitem__("fx", [junk(rng)])),
    ("hook code", lambda rng, f: f.setdefault("mechanism", {}).__setitem__("hook", [junk(rng)])),
    ("reset kind", lambda rng, f: f.setdefault("mechanism", {}).__setitem__("reset", [junk(rng)])),
    ("mechanism kind", lambda rng, f: f.setdefault("mechanism", {}).__setitem__("valve" + junk(rng), ["x"])),
    ("alarm", lambda rng, f: f["response"].__setitem__("alarm", rng.choice([junk(rng), 5, [], True]))),
    ("priority", lambda rng, f: f["response"].__setitem__("priority", rng.choice([junk(rng), 3, []]))),
    ("delivery", lambda rng, f: f["response"].__setitem__("delivery", rng.choice([junk(rng), 1, None]))),
    ("level", lambda rng, f: f.__setitem__("level", rng.choice([junk(rng), 1, None]))),
    ("hazards", lambda rng, f: f.__setitem__("hazards", rng.choice([[], "HAZ-OCCL", [1], [junk(rng)], None]))),
    ("unknown key", lambda rng, f: f.__setitem__(rng.choice(["hazard", "limit", "Name", "x"]), 1)),
    ("title", lambda rng, f: f.__setitem__("title", rng.choice([1, None, [], {}]))),
    ("timing", lambda rng, f: f.__setitem__("timing", rng.choice([{"duration": "sometimes"}, {"ramp": 1},
                                                                   {"x": True}, [1]]))),
    ("param", lambda rng, f: f.__setitem__("params", {"p": rng.choice([
        {"unit": "furlong", "min": 0, "max": 1, "default": 0},
        {"unit": "s", "min": 0, "max": 1, "default": 5},
        {"unit": "s", "min": "0", "max": 1, "default": 0},
        {"unit": "s", "min": 0, "max": 1, "default": 0, "dflt": 1},
        {"unit": "s", "min": 2, "max": 1, "default": 1}])})),
    ("limit", lambda rng, f: f.__setitem__("limits", {"l": rng.choice([
        {"unit": "furlong", "max": 1}, {"unit": "s"}, {"unit": "s", "tol": -1},
        {"unit": "s", "min": 5, "max": 1}, {"unit": "s", "nominal": 1},
        {"unit": "s", "max": {"profile": "pump.nope" + junk(rng), "unit": "s"}},
        {"unit": "s", "max": {"profile": "pump.stroke_nl", "unit": "furlong"}},
        {"unit": "s", "max": "10"}])})),
]


def faults_entry(rng, src):
    c = json.load(open(os.path.join(src, "fixtures/faults.json")))
    i = rng.randrange(len(c["faults"]))
    f = c["faults"][i]
    how = rng.choice(["edit"] * 8 + ["duplicate", "rename", "remove", "not_object"])
    path = "faults.json"
    if how == "edit":
        what, edit = rng.choice(FAULT_EDITS)
        edit(rng, f)
        want = ": fault '" + re.escape(f["name"]) + "'"
    elif how == "duplicate":
        c["faults"].append(copy.deepcopy(f))
        what, want = "duplicate", ": fault '" + re.escape(f["name"]) + "' is listed twice"
    elif how == "rename":
        f["name"] = "gremlin" + str(rng.randrange(1000))
        what, want = "rename", ": fault '" + f["name"] + "' has no driver"
    elif how == "remove":
        name = c["faults"].pop(i)["name"]
        what, want = "remove", r": pumphil_faults\.lua drives '[a-z_]+', which the catalogue does not list"
    else:
        c["faults"][i] = rng.choice(["leak", 5, [], None])
        what, want = "not an object", rf": faults\[{i + 1}\]( must be an object|: name must be| is null)"
    return Case("faults_entry", {path: json.dumps(c, indent=1)}, "fixtures", want, what)


DRUG_EDITS = [
    ("id fraction", lambda rng, d, lib: d.__setitem__("id", d["id"] + 0.5)),
    ("id range", lambda rng, d, lib: d.__setitem__("id", rng.choice([0, -1, 65536, 10**12]))),
    ("id type", lambda rng, d, lib: d.__setitem__("id", rng.choice(WRONG_TYPES))),
    ("name", lambda rng, d, lib: d.__setitem__("name", rng.choice(["", 5, None, [], {}]))),
    ("conc", lambda rng, d, lib: d.__setitem__("max_conc_mg_ml", rng.choice([0, -1, "20", None, 1e12]))),
    ("soft", lambda rng, d, lib: d.__setitem__("soft_mg_day", rng.choice([0, -0.5, "1", True]))),
    ("hard", lambda rng, d, lib: d.__setitem__("hard_mg_day", rng.choice([-3, [], 1e15]))),
    ("soft above hard", lambda rng, d, lib: d.__setitem__("soft_mg_day", d["hard_mg_day"] * rng.uniform(1.01, 10))),
    ("unknown key", lambda rng, d, lib: d.__setitem__(rng.choice(["max_conc", "Name", "soft", "x"]), 1)),
    ("source", lambda rng, d, lib: d.__setitem__("source", rng.choice([1, [], {}]))),
]


def druglib_entry(rng, src):
    lib = json.load(open(os.path.join(src, "fixtures/druglib.json")))
    n = len(lib["drugs"])
    j = rng.randrange(1, n)
    d = lib["drugs"][j]
    how = rng.choice(["edit"] * 6 + ["dup id", "dup name", "null", "top"])
    if how == "edit":
        what, edit = rng.choice(DRUG_EDITS)
        edit(rng, d, lib)
        want = rf": drugs\[{j + 1}\]"
    elif how == "dup id":
        d["id"] = lib["drugs"][rng.randrange(j)]["id"]
        what, want = how, rf": drugs\[{j + 1}\] \('[a-z]+'\): id \d+ is also drugs\[\d+\]'s"
    elif how == "dup name":
        d["name"] = lib["drugs"][rng.randrange(j)]["name"]
        what, want = how, rf": drugs\[{j + 1}\] \('[a-z]+'\): name '[a-z]+' is also drugs\[\d+\]'s"
    elif how == "null":
        lib["drugs"][j] = None
        what, want = how, rf": drugs\[{j + 1}\] is null"
    else:
        what = how
        if rng.random() < 0.5:
            lib[rng.choice(["drug", "Drugs", "x"])] = []
            want = r": unknown key '[A-Za-z]+'"
        else:
            lib["drugs"] = rng.choice([[], {}, "morphine", None])
            want = r": key 'drugs': must be a non-empty list of drugs"
    return Case("druglib_entry", {"druglib.json": json.dumps(lib, indent=1)}, "fixtures", want, what)


# ---------------------------------------------------------------- scripts
TEMPLATE = """-- generated
suite { name = "hostile", tags = { "x" } }
local function ready(b)
  b.pump:load_druglib()
  b.pump:refill { volume = 20 * mL, drug = 1, conc = 1 * mg / mL }
end
test("one", { tags = { "fast" } }, function(b)
  ready(b)
  expect.eq(b.pump:status().mode, 0, "mode")
end)
test("two", function(b)
  b:run_for(1 * s)
end)
"""
# Where an inserted line goes (indices into TEMPLATE's lines): anywhere for
# what cannot parse, between top-level statements for what must run.
STATEMENT_LINES = [1, 2, 3, 6, 7, 10, 11, 14]
TOP_LINES = [1, 2, 6, 10, 14]

SYNTAX = [
    "end", "local = 1", "x = = 2", "function(", '"unterminated', "[[unterminated", "if then end",
    "@", "$x", "x = 1 + + 2", "return return", "local x <bogus> = 1", "break", "goto nowhere",
    "::a:: ::a::", "for i = 1 do end", "x = {1, 2", "x = 0x", "x = 1e", "local function () end",
    "x = '\\q'", "x = \"\\300\"", "x = '\\u{110000000}'", "a.b:c = 1", "(f)",
]


def lines_with(rng, stmt, where=STATEMENT_LINES):
    lines = TEMPLATE.split("\n")
    at = rng.choice(where)
    lines.insert(at, stmt)
    return "\n".join(lines), at + 1


def script_syntax(rng, src):
    stmt = rng.choice(SYNTAX)
    text, line = lines_with(rng, stmt)
    # The parser names the line it noticed at: the inserted one or later.
    return Case("script_syntax", {"s.lua": text}, "script", r":\d+: ", stmt)


def script_bytes(rng, src):
    junk = bytes(rng.choice(list(range(0, 9)) + list(range(14, 32)) + list(range(127, 256)))
                 for _ in range(rng.randrange(1, 8)))
    lines = TEMPLATE.encode().split(b"\n")
    at = rng.choice(STATEMENT_LINES)
    lines.insert(at, junk)
    return Case("script_bytes", {"s.lua": b"\n".join(lines)}, "script", rf":{at + 1}: ", repr(junk))


ERROR_VALUES = [
    "{}", "nil", "42", "true", "print", "{ where = 'elsewhere.lua:99', msg = 'forged', kind = 'fail' }",
    "setmetatable({}, { __tostring = function() return 'custom' end })",
    "setmetatable({}, { __tostring = function() error('broken') end })",
    "setmetatable({}, { __tostring = function() return {} end })",
    "setmetatable({}, { __tostring = function() while true do end end })",
    "setmetatable({}, { __index = function() while true do end end })",
    "coroutine.create(print)", "'plain message'", "string.rep('x', 100000)", "0/0", "-math.huge",
]


def script_raise(rng, src):
    v = rng.choice(ERROR_VALUES)
    text, line = lines_with(rng, f"error({v})", TOP_LINES)
    return Case("script_raise", {"s.lua": text}, "script", rf":{line}: ", v)


BAD_OPTIONS = [
    "timeout = 2^63", "timeout = -1", "timeout = 0", "timeout = 0/0", "timeout = math.huge",
    "timeout = '1h'", "wall_timeout = 0", "wall_timeout = -1 * s", "wall_timeout = 0/0",
    "timout = 1 * h", "tags = 5", "tags = { {} }", "req = { 1 }", "hazard = true",
    "setup = 'x'", "teardown = 5", "cases = 3", "cases = {}", "cases = { 7 }",
    "cases = { { label = {} } }", "[1] = 2", "[true] = 1",
]


def script_option(rng, src):
    opt = rng.choice(BAD_OPTIONS)
    name = rng.choice(["t", "a test", "x" * 50, "\u00e9"])
    text, line = lines_with(rng, f'test("{name}", {{ {opt} }}, function(b) end)', TOP_LINES)
    return Case("script_option", {"s.lua": text}, "script", rf":{line}: ", opt)


TOP_MISUSE = [
    'suite { name = "s", setpu = 1 }', "suite { tags = 5 }", "suite(5)", 'suite { name = "s", setup = 1 }',
    "test(5, function() end)", 'test("", function() end)', 'test("t")', 'test("t", 5, function() end)',
    "expect.eq(1, 2)", "expect.near(1, 'a', 1)", "expect.lt(1, nil)", "expect.fail('x')", "fail('x')",
    "measure('x', 0/0)", "measure(5, 1)", "measure('x', 1, { min = 0/0 })", "measure('x', 1, 'u')",
    "skip('x')", "annotate('x', {})", "units.fmt_time('x')", 'fixture_data("../x")',
    'fixture_data("no_such_file")', 'require "pumphil.nope"', 'require "os"', "os.exit(1)",
    "io.open('x')", "debug.getinfo(1)", "load(string.dump(print))", "collectgarbage()",
    "local t = setmetatable({}, { __index = function(t, k) return t[k] end }) local x = t.a",
    "local function f() return f() + 1 end f()", "string.rep('x', -1)()",
    "require('pumphil.faults').spec('nope')", "require('pumphil.accuracy').protocol(0, 1)",
]


def script_toplevel(rng, src):
    stmt = rng.choice(TOP_MISUSE)
    text, line = lines_with(rng, stmt, TOP_LINES)
    return Case("script_toplevel", {"s.lua": text}, "script", rf":{line}: ", stmt)


def script_deep(rng, src):
    n = rng.randrange(250, 3000)
    stmt = rng.choice(["x = " + "(" * n + "1" + ")" * n, "x = " + "{" * n + "}" * n,
                       "x = " + "not " * n + "1", "x = " + "f(" * n + ")" * n])
    text, line = lines_with(rng, stmt)
    # Lua's parser reports its C stack overflow without a line.
    return Case("script_deep", {"s.lua": text}, "script", r"(:\d+)?: ", f"depth {n}")


KINDS = {
    "profile_syntax": profile_syntax, "profile_value": profile_value, "profile_key": profile_key,
    "profile_pair": profile_pair, "faults_syntax": faults_syntax, "faults_entry": faults_entry,
    "druglib_syntax": druglib_syntax, "druglib_entry": druglib_entry, "script_syntax": script_syntax,
    "script_bytes": script_bytes, "script_raise": script_raise, "script_option": script_option,
    "script_toplevel": script_toplevel, "script_deep": script_deep,
}

ONE_TEST = 'test("one", function(b) expect.eq(1, 1, "one") end)\n'
SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:")


def tree_digest(folder):
    h = hashlib.sha256()
    for root, dirs, files in sorted(os.walk(folder)):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(root, f)
            h.update(p.encode())
            h.update(open(p, "rb").read())
    return h.hexdigest()


def run_case(pumphil, src, base, index, case):
    folder = os.path.join(base, f"{index:04d}")
    inputs, work = os.path.join(folder, "in"), os.path.join(folder, "w")
    os.makedirs(inputs)
    os.makedirs(work)
    script = os.path.join(inputs, "one.lua")
    if case.mode == "fixtures":
        fixtures = os.path.join(inputs, "fx")
        shutil.copytree(os.path.join(src, "fixtures"), fixtures, ignore=shutil.ignore_patterns("faulttrees"))
        target_dir = fixtures
    else:
        target_dir = inputs
    for name, text in case.files.items():
        with open(os.path.join(target_dir, name), "wb") as f:
            f.write(text if isinstance(text, bytes) else text.encode())
    path = os.path.join(target_dir, next(iter(case.files)))
    args = [pumphil, "run", "--list", "--report", os.path.join(work, "report")]
    if case.mode == "profile":
        args += ["--profile", path, script]
    elif case.mode == "fixtures":
        args += ["--fixtures", fixtures, script]
    else:
        args += [path]
        script = None
    if script:
        with open(script, "w") as f:
            f.write(ONE_TEST)
    before = tree_digest(inputs)
    try:
        p = subprocess.run(args, cwd=work, capture_output=True, timeout=60)
        rc, out = p.returncode, (p.stdout + p.stderr).decode(errors="replace")
    except subprocess.TimeoutExpired:
        rc, out = None, "(did not finish within 60 s)"
    errors = []
    if rc != 2:
        errors.append(f"exit status {rc}, expected 2")
    lines = [l for l in out.splitlines() if l.strip()]
    if len(lines) != 1:
        errors.append(f"{len(lines)} lines of output, expected one")
    pat = "^pumphil: " + re.escape(path) + case.want
    if not any(re.search(pat, l) for l in lines):
        errors.append(f"no line matches {pat}")
    if SANITIZER.search(out):
        errors.append("sanitizer report")
    if tree_digest(inputs) != before:
        errors.append("the inputs changed")
    stray = [os.path.relpath(os.path.join(r, f), work) for r, _, fs in os.walk(work) for f in fs
             if not os.path.join(r, f).startswith(os.path.join(work, "report") + os.sep)]
    if stray:
        errors.append(f"wrote outside the report folder: {stray[:3]}")
    if not errors:
        shutil.rmtree(folder)
    return case, errors, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pumphil")
    ap.add_argument("source")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-kind", type=int, default=36)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--kind", action="append", choices=sorted(KINDS))
    ap.add_argument("--keep", help="keep the failing cases' folders under this folder")
    a = ap.parse_args()
    pumphil, src = os.path.abspath(a.pumphil), os.path.abspath(a.source)
    kinds = a.kind or sorted(KINDS)
    cases = []
    for kind in kinds:
        rng = random.Random(f"{a.seed}/{kind}")
        cases += [KINDS[kind](rng, src) for _ in range(a.per_kind)]
    base = a.keep or tempfile.mkdtemp(prefix="phh", dir="/tmp")
    os.makedirs(base, exist_ok=True)
    counts = {k: [0, 0] for k in kinds}
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        futures = [pool.submit(run_case, pumphil, src, base, i, c) for i, c in enumerate(cases)]
        for i, fut in enumerate(futures):
            case, errors, out = fut.result()
            counts[case.kind][0] += 1
            if errors:
                counts[case.kind][1] += 1
                print(f"FAIL {i:04d} {case.kind} ({case.note}): " + "; ".join(errors))
                for line in out.splitlines()[:4]:
                    print("     | " + line[:300])
    if not a.keep:
        shutil.rmtree(base, ignore_errors=True)
    print(f"\n{'kind':<18} {'cases':>6} {'failed':>6}")
    for k in kinds:
        print(f"{k:<18} {counts[k][0]:>6} {counts[k][1]:>6}")
    total, failed = sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())
    print(f"{'total':<18} {total:>6} {failed:>6}   (seed {a.seed}, {time.monotonic() - t0:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
