#!/usr/bin/env python3
"""faults_doc.py - docs/faults.md's catalogue tables from fixtures/faults.json.

    faults_doc.py ROOT            print the generated section
    faults_doc.py ROOT --check    exit 1 when docs/faults.md's section is stale
    faults_doc.py ROOT --write    replace docs/faults.md's section

Validates the catalogue on the way: levels, units, ranges, alarm / FX / hook
names against proto/pp_codes.def, hazard and requirement ids against
fixtures/hazards.json and fixtures/requirements.json when they exist.  A bad catalogue is an
error naming the fault.
"""
import json
import pathlib
import re
import sys

BEGIN = "<!-- BEGIN GENERATED: faults_doc -->\n"
END = "<!-- END GENERATED: faults_doc -->\n"
# Units the test language knows (harness/lua/pumphil.lua) and dimensionless ones.
UNITS = {"nL", "uL", "mL", "ng", "ug", "mg", "ns", "us", "ms", "s", "min", "h", "day",
         "Pa", "kPa", "psi", "mV", "V", "cm", "mm"}
DIMENSIONLESS = {"permille", "ppm", "count", "%", "degC"}
DELIVERY = {"stops", "continues", "min_rate", "eos_rate", "not_sensed"}


def unit_ok(u):
    if u in UNITS or u in DIMENSIONLESS:
        return True
    m = re.fullmatch(r"(\w+)/(\w+)", u or "")
    return bool(m) and m.group(1) in UNITS and m.group(2) in UNITS


def codes(root):
    out = {}
    for table, name in re.findall(r"^PP_CODE\((\w+), (\w+),", (root / "proto/pp_codes.def").read_text(), re.M):
        out.setdefault(table, set()).add(name)
    return out


def known_ids(root):
    """Hazard and requirement ids of the traceability catalogues (None: absent)."""
    hazards = reqs = None
    for name, key in (("hazards.json", "hazards"), ("requirements.json", "hazards")):
        p = root / "fixtures" / name
        if p.exists() and key in json.loads(p.read_text()):
            hazards = {h["id"] for h in json.loads(p.read_text())[key]}
            break
    p = root / "fixtures/requirements.json"
    if p.exists():
        reqs = {q["id"] for q in json.loads(p.read_text()).get("requirements", [])}
    return hazards, reqs


def validate(cat, root):
    c = codes(root)
    hazards, reqs = known_ids(root)
    errors, seen = [], set()
    mech_tables = {"fx": "FX", "hook": "HOOK"}
    for f in cat["faults"]:
        n = f.get("name", "?")
        def bad(msg):
            errors.append(f"fixtures/faults.json: fault '{n}': {msg}")
        if n in seen:
            bad("listed twice")
        seen.add(n)
        if f.get("level") not in cat["levels"]:
            bad(f"level '{f.get('level')}' is not one of {sorted(cat['levels'])}")
        for k, p in f.get("params", {}).items():
            if not unit_ok(p.get("unit")):
                bad(f"parameter '{k}': unknown unit {p.get('unit')!r}")
            if not p.get("min", 0) <= p.get("default", 0) <= p.get("max", 0):
                bad(f"parameter '{k}': default outside min..max")
        for k, lim in f.get("limits", {}).items():
            if not unit_ok(lim.get("unit")):
                bad(f"limit '{k}': unknown unit {lim.get('unit')!r}")
            if not any(x in lim for x in ("min", "max", "tol")):
                bad(f"limit '{k}' has no min, max or tol")
        if not f.get("hazards"):
            bad("maps to no hazard")
        for h in f.get("hazards", []):
            if not re.fullmatch(r"HAZ-[A-Z]+", h) or (hazards is not None and h not in hazards):
                bad(f"unknown hazard {h}")
        for q in f.get("req", []):
            if reqs is not None and q not in reqs:
                bad(f"unknown requirement {q}")
        for k in f.get("classes", {}):
            if k not in ("reference", "peristaltic", "valve-metered"):
                bad(f"classes: unknown class '{k}'")
        responses = [f.get("response", {})] + list(f.get("classes", {}).values())
        for a in [x for r in responses for x in [r] + r.get("also", [])]:
            if a.get("alarm") is not None and a["alarm"] not in c["ALARM"]:
                bad(f"unknown alarm {a['alarm']}")
            if a.get("delivery") not in DELIVERY:
                bad(f"delivery must be one of {sorted(DELIVERY)}")
        for kind, names in f.get("mechanism", {}).items():
            for x in names:
                if kind in mech_tables and x not in c[mech_tables[kind]]:
                    bad(f"mechanism {kind} {x} is not a {mech_tables[kind]} code")
    return errors


def num(x):
    return f"{x:g}" if isinstance(x, (int, float)) else str(x)


def limit_value(v):
    if isinstance(v, dict):
        scale = "-" if v.get("scale", 1) == -1 else ""
        return f"{scale}profile `{v['profile']}` ({v['unit']})"
    return num(v)


def limit_text(lim):
    parts = []
    if "nominal" in lim:
        parts.append(f"{limit_value(lim['nominal'])} ± {num(lim['tol'])}")
    elif "tol" in lim:
        parts.append(f"± {num(lim['tol'])} around the test's nominal")
    if "min" in lim:
        parts.append(f"≥ {limit_value(lim['min'])}")
    if "max" in lim:
        parts.append(f"≤ {limit_value(lim['max'])}")
    return ", ".join(parts)


def mechanism(f):
    return "; ".join(f"{k} {', '.join(v)}" for k, v in f.get("mechanism", {}).items())


def timing(f):
    t = f.get("timing", {})
    opts = ["at"]
    if t.get("duration"):
        opts.append("duration" + (" (required)" if t["duration"] == "required" else ""))
    if t.get("ramp"):
        opts.append("ramp")
    return ", ".join(opts) + ("" if t.get("duration") else "; instantaneous")


def response_cell(f):
    cell = response_text(f["response"])
    for k, r in f.get("classes", {}).items():
        cell += f"; {k}: {response_text(r)}"
    return cell


def response_text(r):
    alarms = [a for a in [r] + r.get("also", []) if a.get("alarm")]
    if not alarms:
        return f"no alarm; delivery {r['delivery'].replace('_', ' ')}"
    return "; ".join(f"{a['alarm']} ({a['priority'].lower()}), delivery {a['delivery'].replace('_', ' ')}"
                     for a in alarms)


def generate(cat):
    out = ["### Summary\n\n",
           "| fault | level | hazards | expected response |\n| --- | --- | --- | --- |\n"]
    for f in cat["faults"]:
        out.append(f"| [`{f['name']}`](#{f['name']}) | {f['level']} | {', '.join(f['hazards'])} | "
                   f"{response_cell(f)} |\n")
    out.append("\n")
    for f in cat["faults"]:
        out.append(f"### `{f['name']}`\n\n**{f['title']}** ({f['level']}: {mechanism(f)}; timing: {timing(f)}). "
                   f"Hazards: {', '.join(f['hazards'])}. Requirements: {', '.join(f.get('req', [])) or '-'}.\n\n")
        out.append(f"Expected response: {f['response']['summary']}.\n\n")
        for k, r in f.get("classes", {}).items():
            out.append(f"On the {k} class: {r['summary']}.\n\n")
        if f.get("conditions"):
            out.append(f"Test conditions: {f['conditions']}.\n\n")
        if f.get("params"):
            out.append("| parameter | unit | min | max | default | meaning |\n| --- | --- | --- | --- | --- | --- |\n")
            for k, p in f["params"].items():
                out.append(f"| `{k}` | {p['unit']} | {num(p['min'])} | {num(p['max'])} | {num(p['default'])} | {p['text']} |\n")
            out.append("\n")
        else:
            out.append("No parameters.\n\n")
        out.append("| limit | unit | bound | measures |\n| --- | --- | --- | --- |\n")
        for k, lim in f["limits"].items():
            out.append(f"| `{k}` | {lim['unit']} | {limit_text(lim)} | {lim['text']} |\n")
        out.append("\n")
    return "".join(out)


def main():
    root = pathlib.Path(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) > 2 else None
    cat = json.loads((root / "fixtures/faults.json").read_text())
    errors = validate(cat, root)
    if errors:
        sys.exit("\n".join(errors))
    text = generate(cat)
    if mode is None:
        sys.stdout.write(text)
        return
    doc_path = root / "docs/faults.md"
    doc = doc_path.read_text()
    if BEGIN not in doc or END not in doc:
        sys.exit(f"{doc_path}: no generated section ({BEGIN.strip()} ... {END.strip()})")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + BEGIN + text + END + tail
    if mode == "--write":
        doc_path.write_text(new)
    elif mode == "--check":
        if new != doc:
            sys.exit(f"{doc_path}: the catalogue section is stale: run make faults-doc")
        print(f"{doc_path}: {len(cat['faults'])} faults, in sync with fixtures/faults.json")
    else:
        sys.exit("usage: faults_doc.py ROOT [--check|--write]")


if __name__ == "__main__":
    main()
