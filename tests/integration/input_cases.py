#!/usr/bin/env python3
"""input_cases.py - table-driven tests of bad input files for `pumphil run`.

    input_cases.py PUMPHIL SOURCE_DIR GROUP [NAME...]

Each case writes one bad file (a bench profile, or a fixtures folder whose
faults.json or druglib.json is bad) to a temporary folder and runs
`pumphil run --list` on a one-test script with it.  The case passes when
pumphil exits with status 2 before listing any test, and prints exactly one
line, which names the file ("<file>:<line>:<col>: " for JSON syntax, or
"<file>: ..." with the key or entry) followed by the expected message.
GROUP: `profiles` (--profile FILE) or `catalogues` (--fixtures DIR).
"""
import concurrent.futures
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SOURCE = sys.argv[2] if len(sys.argv) > 2 else "."
REF = json.load(open(os.path.join(SOURCE, "fixtures/profiles/reference.json")))


def profile(**changes):
    """The reference profile with changes: "pump.eri_mv": 2600 sets a
    value, a value of DELETE removes the key."""
    p = copy.deepcopy(REF)
    for path, v in changes.items():
        *parents, leaf = path.split(".")
        d = p
        for k in parents:
            d = d[k]
        if v is DELETE:
            del d[leaf]
        else:
            d[leaf] = v
    return json.dumps(p, indent=2)


DELETE = object()
KEY = r": key '{}': "

# (name, file text, regex after "<name>.json")
PROFILES = [
    ("accuracy_negative", profile(accuracy_pct=-5), KEY.format("accuracy_pct") + r"must be > 0, got -5"),
    ("accuracy_zero", profile(accuracy_pct=0), KEY.format("accuracy_pct") + r"must be > 0, got 0"),
    ("accuracy_huge", profile(accuracy_pct=1e6), KEY.format("accuracy_pct") + r"must be at most 100, got 1e\+06"),
    ("accuracy_string", profile(accuracy_pct="14.5"), KEY.format("accuracy_pct") + r"must be a number, got a string"),
    ("bolus_fraction", profile(post_occlusion_bolus_nl=500000.5),
     KEY.format("post_occlusion_bolus_nl") + r"must be a whole number, got 500000\.5"),
    ("bolus_negative", profile(post_occlusion_bolus_nl=-1), KEY.format("post_occlusion_bolus_nl") + r"-1 outside 0\.\.100000000"),
    ("bolus_above_reservoir", profile(post_occlusion_bolus_nl=30000000),
     KEY.format("post_occlusion_bolus_nl") + r"30000000 must not be above pump\.reservoir_nl \(20000000\)"),
    ("unknown_top_key", profile(acuracy_pct=14.5), r": unknown key 'acuracy_pct'"),
    ("path_key", profile(path="elsewhere.json"), r": unknown key 'path'"),
    ("name_number", profile(name=5), KEY.format("name") + r"must be a string, got an integer"),
    ("description_array", profile(description=[]), KEY.format("description") + r"must be a string, got an array"),
    ("pump_array", profile(pump=[]), KEY.format("pump") + r"must be an object, got an array"),
    ("pump_string_number", profile(**{"pump.stroke_nl": "250"}), KEY.format("pump.stroke_nl") + r"must be a number, got a string"),
    ("pump_fraction", profile(**{"pump.stroke_nl": 250.5}), KEY.format("pump.stroke_nl") + r"must be a whole number, got 250\.5"),
    ("pump_out_of_range", profile(**{"pump.stroke_nl": 0}), KEY.format("pump.stroke_nl") + r"0 outside 1\.\.100000"),
    ("pump_null", profile(**{"pump.eri_mv": None}), KEY.format("pump.eri_mv") + r"must be a number, got null"),
    ("pump_unknown", profile(**{"pump.strok_nl": 250}), r": unknown key 'pump\.strok_nl'"),
    ("fixture_fraction", profile(**{"fixture.balance_resolution_ug": 10.5}),
     KEY.format("fixture.balance_resolution_ug") + r"must be a whole number, got 10\.5"),
    ("fixture_string", profile(**{"fixture.line_tau_s": "0.5"}), KEY.format("fixture.line_tau_s") + r"must be a number, got a string"),
    ("fixture_bool", profile(**{"fixture.temp_mc": True}), KEY.format("fixture.temp_mc") + r"must be a number, got true"),
    ("eri_below_eos", profile(**{"pump.eri_mv": 2600}), KEY.format("pump.eri_mv") + r"2600 must be above pump\.eos_mv \(2700\)"),
    ("eri_equal_eos", profile(**{"pump.eri_mv": 2700}), KEY.format("pump.eri_mv") + r"2700 must be above pump\.eos_mv \(2700\)"),
    ("eos_above_default_eri", profile(**{"pump.eri_mv": DELETE, "pump.eos_mv": 2900}),
     KEY.format("pump.eri_mv") + r"2800 must be above pump\.eos_mv \(2900\)"),
    ("min_rate_above_max", profile(**{"pump.min_rate_nl_h": 2000000}),
     KEY.format("pump.min_rate_nl_h") + r"2000000 must not be above pump\.max_rate_nl_h \(1000000\)"),
    ("eos_rate_above_max", profile(**{"pump.eos_rate_nl_h": 2000000}),
     KEY.format("pump.eos_rate_nl_h") + r"2000000 must not be above pump\.max_rate_nl_h \(1000000\)"),
    ("eos_rate_below_min", profile(**{"pump.eos_rate_nl_h": 1000}),
     KEY.format("pump.eos_rate_nl_h") + r"1000 must not be below pump\.min_rate_nl_h \(2000\)"),
    ("low_residual_below_dead", profile(**{"pump.low_residual_nl": 400000}),
     KEY.format("pump.low_residual_nl") + r"400000 must be above pump\.dead_volume_nl \(500000\)"),
    ("dead_volume_above_reservoir", profile(**{"pump.dead_volume_nl": 10000000, "pump.reservoir_nl": 5000000,
                                               "pump.low_residual_nl": 4000000, "fixture.reservoir_nl": 5000000}),
     KEY.format("pump.dead_volume_nl") + r"10000000 must be below pump\.reservoir_nl \(5000000\)"),
    ("low_residual_above_reservoir", profile(**{"pump.low_residual_nl": 20000000}),
     KEY.format("pump.low_residual_nl") + r"20000000 must be below pump\.reservoir_nl \(20000000\)"),
    ("fixture_reservoir_above_pump", profile(**{"fixture.reservoir_nl": 30000000}),
     KEY.format("fixture.reservoir_nl") + r"30000000 must not be above pump\.reservoir_nl \(20000000\)"),
    ("brownout_above_supply", profile(**{"fixture.brownout_mv": 3700}),
     KEY.format("fixture.brownout_mv") + r"3700 must be below fixture\.supply_mv \(3600\)"),
    ("brownout_above_eos", profile(**{"fixture.brownout_mv": 2800}),
     KEY.format("fixture.brownout_mv") + r"2800 must be below pump\.eos_mv \(2700\)"),
    ("syntax_truncated", profile()[:200], r":\d+:\d+: "),
    ("syntax_trailing_comma", '{ "name": "x", }', r":1:\d+: "),
    ("duplicate_key", '{ "name": "x",\n  "name": "y" }', r":2:\d+: duplicate object key"),
    ("not_object", "[]", r": a profile is a JSON object"),
    ("empty_file", "", r":1:0: "),
    ("nan_literal", '{ "accuracy_pct": NaN }', r":1:\d+: "),
    ("huge_real", '{ "accuracy_pct": 1e400 }', r":1:\d+: real number overflow"),
    ("huge_integer", '{ "pump": { "serial": 99999999999999999999 } }', r":1:\d+: too big integer"),
    ("nul_byte", r'{ "name": "a\u0000b" }', r":1:\d+: "),
]


def run(pumphil, args, timeout=120):
    try:
        p = subprocess.run([pumphil] + args, capture_output=True, text=True, timeout=timeout,
                           errors="replace")
    except subprocess.TimeoutExpired:
        return None, "", "did not finish"
    return p.returncode, p.stdout, p.stderr


def check(name, rc, out, err, path, want):
    errors = []
    if rc != 2:
        errors.append(f"exit status {rc}, expected 2")
    lines = [l for l in (out + err).splitlines() if l.strip()]
    if len(lines) != 1:
        errors.append(f"{len(lines)} lines of output, expected exactly one")
    pat = re.escape(path) + want
    if not any(re.search(pat, l) for l in lines):
        errors.append(f"output does not match: {pat}")
    if "AddressSanitizer" in err or "runtime error:" in err:
        errors.append("sanitizer report")
    return errors


def profile_case(pumphil, folder, case):
    name, text, want = case
    path = os.path.join(folder, name + ".json")
    with open(path, "w") as f:
        f.write(text)
    script = os.path.join(SOURCE, "tests/integration/scripts/pass.lua")
    rc, out, err = run(pumphil, ["run", "--list", "--profile", path, script])
    return name, check(name, rc, out, err, path, want), out + err


GROUPS = {"profiles": (PROFILES, profile_case)}


def main():
    pumphil, group = sys.argv[1], sys.argv[3]
    cases, fn = GROUPS[group]
    if len(sys.argv) > 4:
        cases = [c for c in cases if c[0] in sys.argv[4:]]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="phi") as folder:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for name, errors, out in pool.map(lambda c: fn(pumphil, folder, c), cases):
                if errors:
                    failed += 1
                    print(f"FAIL {name}: " + "; ".join(errors))
                    for line in out.splitlines()[:4]:
                        print("     | " + line)
                else:
                    print(f"ok   {name}")
    print(f"{len(cases) - failed} of {len(cases)} {group} cases passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
