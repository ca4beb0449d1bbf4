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
import copy
import json
import os
import re
import shutil
import subprocess
import sys

from case_runner import run_cases

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
    ("monitors_array", profile(monitors=[]), KEY.format("monitors") + r"must be an object"),
    ("monitors_unknown_signal", profile(**{"monitors.presure_pa": {"deadband": 1}}),
     r": unknown key 'monitors\.presure_pa'"),
    ("monitors_unknown_field", profile(**{"monitors.pressure_pa.dead_band": 1}),
     r": unknown key 'monitors\.pressure_pa\.dead_band'"),
    ("monitors_negative", profile(**{"monitors.pressure_pa.deadband": -1}),
     KEY.format("monitors.pressure_pa.deadband") + r"must be 0 to 1000000000, got -1"),
    ("monitors_fraction", profile(**{"monitors.balance_ug.heartbeat_s": 1.5}),
     KEY.format("monitors.balance_ug.heartbeat_s") + r"must be an integer"),
    ("monitors_heartbeat_over_a_day", profile(**{"monitors.balance_ug.heartbeat_s": 86401}),
     KEY.format("monitors.balance_ug.heartbeat_s") + r"must be 0 to 86400, got 86401"),
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


FAULTS = json.load(open(os.path.join(SOURCE, "fixtures/faults.json")))
DRUGLIB = json.load(open(os.path.join(SOURCE, "fixtures/druglib.json")))


def fault(name):
    return next(f for f in FAULTS["faults"] if f["name"] == name)


def faults_with(edit):
    """faults.json after edit(catalogue) (a copy)."""
    c = copy.deepcopy(FAULTS)
    edit(c)
    return ("faults.json", json.dumps(c, indent=2))


def druglib_with(edit):
    d = copy.deepcopy(DRUGLIB)
    edit(d)
    return ("druglib.json", json.dumps(d, indent=2))


def entry(c, name):
    return next(f for f in c["faults"] if f["name"] == name)


def setp(path, value):
    """An edit setting path ("faults.leak.params.share.default") to value;
    DELETE removes it.  A fault is named by its name."""
    def edit(c):
        *parents, leaf = path.split(".")
        d = c
        for k in parents:
            d = entry(d, k) if isinstance(d, dict) and k not in d and "faults" in d else (
                d[int(k)] if isinstance(d, list) else d[k])
        if isinstance(d, list):
            leaf = int(leaf)
        if value is DELETE:
            del d[leaf]
        else:
            d[leaf] = value
    return edit


def dup_fault(c):
    c["faults"].append(copy.deepcopy(entry(c, "leak")))


def drop_fault(c):
    c["faults"] = [f for f in c["faults"] if f["name"] != "leak"]


def new_fault(c):
    f = copy.deepcopy(entry(c, "leak"))
    f["name"] = "gremlins"
    c["faults"].append(f)


FAULT = r": fault '{}': "
# Where an entry appended to the catalogue lands, and where 'leak' is
# (from 1, as the messages count, like Lua): the catalogue grows with every fault.
NFAULTS = len(FAULTS["faults"]) + 1
LEAK_AT = [f["name"] for f in FAULTS["faults"]].index("leak") + 1
DRUG = r": drugs\[{}\] \('{}'\): "
# (name, (file, text), regex after "<dir>/<file>")
CATALOGUES = [
    ("faults_syntax", ("faults.json", json.dumps(FAULTS, indent=2)[:500]), r":\d+:\d+: "),
    ("faults_duplicate_json_key", ("faults.json", '{ "faults": [],\n  "faults": [] }'), r":2:\d+: duplicate object key"),
    ("faults_missing", ("faults.json", None), r": unable to open|faults\.json: .*No such file"),
    ("faults_not_object", ("faults.json", "[]"), r": the catalogue is a JSON object"),
    ("faults_unknown_top_key", faults_with(setp("fautls", [])), r": unknown key 'fautls'"),
    ("faults_empty_list", faults_with(setp("faults", [])), r": key 'faults': must be a non-empty list"),
    ("faults_entry_string", faults_with(lambda c: c["faults"].append("leak")),
     r": faults\[%d\] must be an object" % NFAULTS),
    ("fault_duplicate_name", faults_with(dup_fault),
     r": fault 'leak' is listed twice \(faults\[%d\] and faults\[%d\]\)" % (LEAK_AT, NFAULTS)),
    ("fault_without_driver", faults_with(new_fault), FAULT.format("gremlins") + r"|: fault 'gremlins' has no driver"),
    ("fault_driver_unlisted", faults_with(drop_fault), r": pumphil_faults\.lua drives 'leak', which the catalogue does not list"),
    ("fault_unknown_key", faults_with(setp("leak.hazard", ["HAZ-UNDER"])), FAULT.format("leak") + r"unknown key 'hazard'"),
    ("fault_unknown_fx", faults_with(setp("occlusion_total.mechanism.fx", ["PINCH_PMX"])),
     FAULT.format("occlusion_total") + r"mechanism fx 'PINCH_PMX' is unknown"),
    ("fault_unknown_hook", faults_with(setp("motor_stall.mechanism.hook", ["MOTOR_STAL"])),
     FAULT.format("motor_stall") + r"mechanism hook 'MOTOR_STAL' is unknown"),
    ("fault_unknown_reset", faults_with(setp("watchdog_reset.mechanism.reset", ["reboot"])),
     FAULT.format("watchdog_reset") + r"mechanism reset 'reboot' is unknown"),
    ("fault_unknown_mechanism_kind", faults_with(setp("leak.mechanism.valve", ["x"])),
     FAULT.format("leak") + r"unknown mechanism kind 'valve'"),
    ("fault_unknown_alarm", faults_with(setp("occlusion_total.response.alarm", "OCCLUSON")),
     FAULT.format("occlusion_total") + r"response alarm 'OCCLUSON' is not an ALARM code"),
    ("fault_unknown_priority", faults_with(setp("occlusion_total.response.priority", "URGENT")),
     FAULT.format("occlusion_total") + r"response priority 'URGENT' is not a PRIO code"),
    ("fault_unknown_delivery", faults_with(setp("occlusion_total.response.delivery", "halts")),
     FAULT.format("occlusion_total") + r"response delivery 'halts' is not one of"),
    ("fault_bad_level", faults_with(setp("leak.level", "rig")), FAULT.format("leak") + r"level 'rig' is not one of"),
    ("fault_no_hazard", faults_with(setp("leak.hazards", [])), FAULT.format("leak") + r"hazards must be a non-empty list of strings"),
    ("fault_bad_hazard", faults_with(setp("leak.hazards", ["UNDER"])), FAULT.format("leak") + r"hazard 'UNDER' is not a hazard id"),
    ("fault_param_default_outside", faults_with(setp("leak.params.share.default", 5000)),
     FAULT.format("leak") + r"parameter 'share': default 5000 outside its range"),
    ("fault_param_min_string", faults_with(setp("leak.params.share.min", "1")),
     FAULT.format("leak") + r"parameter 'share': min must be a number, got string"),
    ("fault_param_unit", faults_with(setp("leak.params.share.unit", "furlongs")),
     FAULT.format("leak") + r"parameter 'share' has unknown unit furlongs"),
    ("fault_timing_bad", faults_with(setp("leak.timing.duration", "sometimes")),
     FAULT.format("leak") + r"timing\.duration must be true or \"required\""),
    ("fault_limit_profile_key", faults_with(setp("occlusion_total.limits.pressure_at_alarm.min.profile", "pump.occlusion_kpa")),
     FAULT.format("occlusion_total") + r"limit 'pressure_at_alarm': min: the bench profile has no number at 'pump\.occlusion_kpa'"),
    ("fault_limit_tol_negative", faults_with(setp("leak.limits.delivered_share.tol", -5)),
     FAULT.format("leak") + r"limit 'delivered_share': tol must be >= 0"),
    ("fault_limit_empty", faults_with(setp("leak.limits.delivered_share", {"unit": "%"})),
     FAULT.format("leak") + r"limit 'delivered_share' has no min, max or tol"),
    ("fault_limit_min_above_max", faults_with(setp("occlusion_total.limits.latency.min", 20)),
     FAULT.format("occlusion_total") + r"limit 'latency': min 20 is above max 10"),
    ("fault_limit_unit", faults_with(setp("occlusion_total.limits.latency.unit", "fortnight")),
     FAULT.format("occlusion_total") + r"limit 'latency': unknown unit fortnight"),
    ("druglib_syntax", ("druglib.json", '{ "drugs": [ { "id": 1, } ] }'), r":1:\d+: "),
    ("druglib_duplicate_json_key", ("druglib.json", '{ "drugs": [],\n  "drugs": [] }'), r":2:\d+: duplicate object key"),
    ("druglib_missing", ("druglib.json", None), r": unable to open|druglib\.json: .*No such file"),
    ("druglib_no_drugs", druglib_with(lambda d: d.pop("drugs")), r": key 'drugs': must be a non-empty list of drugs"),
    ("druglib_unknown_key", druglib_with(setp("drug", [])), r": unknown key 'drug'"),
    ("drug_duplicate_id", druglib_with(setp("drugs.1.id", 1)), DRUG.format(2, "hydromorphone") + r"id 1 is also drugs\[1\]'s"),
    ("drug_duplicate_name", druglib_with(setp("drugs.1.name", "morphine")), DRUG.format(2, "morphine") + r"name 'morphine' is also drugs\[1\]'s"),
    ("drug_soft_above_hard", druglib_with(setp("drugs.0.soft_mg_day", 25)), DRUG.format(1, "morphine") + r"soft_mg_day 25 is above hard_mg_day 20"),
    ("drug_conc_string", druglib_with(setp("drugs.0.max_conc_mg_ml", "20")), DRUG.format(1, "morphine") + r"max_conc_mg_ml must be a number > 0, got string"),
    ("drug_conc_zero", druglib_with(setp("drugs.0.max_conc_mg_ml", 0)), DRUG.format(1, "morphine") + r"max_conc_mg_ml must be > 0, got 0"),
    ("drug_id_fraction", druglib_with(setp("drugs.0.id", 1.5)), DRUG.format(1, "morphine") + r"id must be a whole number >= 1, got 1\.5"),
    ("drug_id_zero", druglib_with(setp("drugs.0.id", 0)), DRUG.format(1, "morphine") + r"id must be >= 1, got 0"),
    ("drug_id_huge", druglib_with(setp("drugs.0.id", 70000)), DRUG.format(1, "morphine") + r"id must be at most 65535, got 70000"),
    ("drug_unknown_key", druglib_with(setp("drugs.0.max_conc", 20)), DRUG.format(1, "morphine") + r"unknown key 'max_conc'"),
    ("drug_null_entry", ("druglib.json", '{ "drugs": [ null ] }'), r": drugs\[1\] is null \(a list holds no nulls\)"),
    ("drug_null_last_entry", druglib_with(lambda d: d["drugs"].append(None)), r": drugs\[6\] is null"),
    ("fault_null_hazard", faults_with(setp("leak.hazards", ["HAZ-UNDER", None])), r": faults\[5\]\.hazards\[2\] is null"),
    ("drug_no_name", druglib_with(setp("drugs.0.name", DELETE)), r": drugs\[1\]: name must be a non-empty string"),
]


def catalogue_case(pumphil, folder, case):
    name, (file, text), want = case
    fixtures = os.path.join(folder, name)
    shutil.copytree(os.path.join(SOURCE, "fixtures"), fixtures,
                    ignore=shutil.ignore_patterns("faulttrees"))
    path = os.path.join(fixtures, file)
    if text is None:
        os.unlink(path)
    else:
        with open(path, "w") as f:
            f.write(text)
    script = os.path.join(SOURCE, "tests/integration/scripts/pass.lua")
    rc, out, err = run(pumphil, ["run", "--list", "--fixtures", fixtures, script])
    return name, check(name, rc, out, err, path, want), out + err


# A script's top level reads the fixtures the run was given, not ./fixtures:
# a sixth drug in --fixtures' drug library must be what it sees.
TOPLEVEL = [
    ("toplevel_fixture_data", "druglib", "#fixture_data(\"druglib\").drugs", "6"),
    ("toplevel_catalogue", "faults", "#require(\"pumphil.faults\").catalogue().faults", "25"),
]


def toplevel_case(pumphil, folder, case):
    name, which, expr, want = case
    fixtures = os.path.join(folder, name)
    shutil.copytree(os.path.join(SOURCE, "fixtures"), fixtures,
                    ignore=shutil.ignore_patterns("faulttrees"))
    if which == "druglib":
        d = copy.deepcopy(DRUGLIB)
        d["drugs"].append(dict(d["drugs"][0], id=6, name="clonidine"))
        with open(os.path.join(fixtures, "druglib.json"), "w") as f:
            json.dump(d, f)
    else:
        c = copy.deepcopy(FAULTS)
        c["faults"][0]["title"] = "retitled"
        with open(os.path.join(fixtures, "faults.json"), "w") as f:
            json.dump(c, f)
        expr = '(require("pumphil.faults").catalogue().faults[1].title == "retitled" and 25 or 0)'
    script = os.path.join(folder, name + ".lua")
    with open(script, "w") as f:
        f.write(f'local n = {expr}\ntest("saw " .. n, function(b) end)\n')
    # Run from the source tree, whose ./fixtures holds the unchanged files.
    p = subprocess.run([pumphil, "run", "--list", "--fixtures", fixtures, script], capture_output=True,
                       text=True, cwd=SOURCE, timeout=120)
    errors = []
    if p.returncode != 0 or f"saw {want}" not in p.stdout:
        errors.append(f"exit status {p.returncode}; expected the test 'saw {want}'")
    return name, errors, p.stdout + p.stderr


GROUPS = {"profiles": (PROFILES, profile_case), "catalogues": (CATALOGUES, catalogue_case),
          "toplevel": (TOPLEVEL, toplevel_case)}


def main():
    pumphil, group = os.path.abspath(sys.argv[1]), sys.argv[3]
    cases, fn = GROUPS[group]
    if len(sys.argv) > 4:
        cases = [c for c in cases if c[0] in sys.argv[4:]]
    return run_cases(cases, lambda folder, c: fn(pumphil, folder, c), group, "phi")


if __name__ == "__main__":
    sys.exit(main())
