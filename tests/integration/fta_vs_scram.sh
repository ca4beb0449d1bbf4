#!/bin/bash
# fta_vs_scram.sh PUMPHIL SOURCE_DIR [SCRAM_INPUT_DIR [MODELS_REGEX]]
#
# Runs SCRAM and `pumphil fta analyse --json` on the same fault-tree models
# and fails on any difference: the minimal cut sets of every top event must
# be equal, and the exact probability (and, where marked, the rare-event and
# MCUB approximations, and the importance factors MIF, CIF, DIF, RAW, RRW
# and occurrence of every event SCRAM lists) must agree to the 6
# significant digits SCRAM prints.
# Exit 0 all equal, 1 a mismatch (the model is named), 77 SCRAM is absent.
#
# The models are those SCRAM ships (Debian: /usr/share/scram/input) that use
# only what pumphil reads, plus the pump's own trees; docs/fta.md lists the
# skipped ones and why.  Large models run with an order limit on both sides.
# MODELS_REGEX (Python, whole name) picks some models, e.g. 'CEA9601' or
# '(?!CEA9601).*' (CTest runs the two in parallel).
set -euo pipefail

PUMPHIL=${1:?usage: fta_vs_scram.sh PUMPHIL SOURCE_DIR [SCRAM_INPUT_DIR]}
SRC=${2:?usage: fta_vs_scram.sh PUMPHIL SOURCE_DIR [SCRAM_INPUT_DIR]}
SCRAM_IN=${3:-/usr/share/scram/input}
PICK=${4:-.*}

if ! command -v scram >/dev/null || [ ! -d "$SCRAM_IN" ]; then
	echo "fta_vs_scram: scram or its models are not installed: skipped"
	exit 77
fi
command -v python3 >/dev/null || { echo "fta_vs_scram: python3 missing"; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# name | order limit (- for SCRAM's default 20) | approximations and importance
#      (yes), importance only (imp) or neither (no) | files
#      | [options given to both tools]
# Files are relative to SCRAM_IN, or to SOURCE_DIR with a leading @/.
# SCRAM always runs with --ccf true: pumphil expands CCF groups by default.
# The largest model comes first: the others are checked beside it.
MODELS="
CEA9601       | 3 | imp | CEA9601/CEA9601.xml CEA9601/CEA9601-basic-events.xml
Theatre       | - | yes | Theatre/theatre.xml
TwoTrain      | - | yes | TwoTrain/two_train.xml
ne574         | - | yes | ne574/ne574.xml
Lift          | - | yes | Lift/lift.xml
ThreeMotor    | - | yes | ThreeMotor/three_motor.xml
SmallTree     | - | yes | SmallTree/SmallTree.xml
BSCU          | - | yes | BSCU/BSCU.xml
BSCU-1000h    | - | yes | BSCU/BSCU.xml | --mission-time 1000
HIPPS         | - | yes | HIPPS/HIPPS.xml
HIPPS-100h    | - | yes | HIPPS/HIPPS.xml | --mission-time 100
Chinese       | - | yes | Chinese/chinese.xml Chinese/chinese-basic-events.xml
Chinese-high  | - | yes | Chinese/chinese.xml Chinese/high-prob.xml
Chinese-mcs   | - | yes | Chinese/chinese.xml Chinese/mcs_prob.xml
Chinese-mixed | - | yes | Chinese/chinese.xml Chinese/mixed_mcs_prob.xml
Baobab2       | - | yes | Baobab/baobab2.xml Baobab/baobab2-basic-events.xml
Baobab1       | 6 | yes | Baobab/baobab1.xml Baobab/baobab1-basic-events.xml
pump          | - | yes | @/fixtures/faulttrees/pump.xml
TwoTrain-CCF  | - | yes | TwoTrain/common_cause.xml
CCF-groups    | - | yes | @/tests/data/fta/ccf_groups.xml
"

exec python3 - "$PUMPHIL" "$SRC" "$SCRAM_IN" "$WORK" "$MODELS" "$PICK" <<'PY'
import concurrent.futures, json, os, re, subprocess, sys, time
import xml.etree.ElementTree as ET

pumphil, src, scram_in, work, models, pick = sys.argv[1:7]
models = [m for m in models.strip().splitlines() if re.fullmatch(pick, m.split("|")[0].strip())]
if not models:
    raise SystemExit(f"fta_vs_scram: no model matches {pick!r}")

IMPORTANCE = ("MIF", "CIF", "DIF", "RAW", "RRW")

def event_name(e):
    """A basic event by name; a CCF event as pumphil names it, "[a b]"."""
    if e.tag == "ccf-event":
        return "[" + " ".join(m.get("name") for m in e.iter("basic-event")) + "]"
    return e.get("name")

def scram(files, limit, flag, out, importance=None):
    cmd = ["scram", "--probability", "true", "--ccf", "true", "-o", out] + flag
    if importance is not None:
        cmd += ["--importance", "true"]
    if limit:
        cmd += ["-l", limit]
    subprocess.run(cmd + files, check=True, stdout=subprocess.DEVNULL)
    tops = {}
    for sop in ET.parse(out).getroot().iter("sum-of-products"):
        products = set()
        for p in sop.iter("product"):
            if p.find("not") is not None:
                raise SystemExit("SCRAM reported a negative literal: prime implicants?")
            products.add(frozenset(event_name(e) for e in p))
        tops[sop.get("name")] = (products, float(sop.get("probability")))
    if importance is not None:
        for imp in ET.parse(out).getroot().iter("importance"):
            importance[imp.get("name")] = {
                event_name(e): [int(e.get("occurrence")), float(e.get("probability"))]
                + [float(e.get(k)) for k in IMPORTANCE]
                for e in imp}
    return tops

def ours(files, limit, extra, top, importance):
    cmd = [pumphil, "fta", "analyse", "--json", "--limit-order", limit or "20",
           "--top", top] + (["--importance"] if importance else []) + extra + files
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit(f"pumphil failed ({r.returncode}): {r.stderr.strip()}")
    return json.loads(r.stdout)

def same6(mine, theirs):
    """mine rounds to SCRAM's 6 significant digits (with slack for ties)."""
    if mine is None:
        return False
    if float("%.6g" % mine) == theirs:
        return True
    return abs(mine - theirs) <= abs(theirs) * 5.000001e-6

def show(sets):
    return "; ".join(" ".join(sorted(s)) or "{}" for s in sorted(sets, key=lambda s: (len(s), sorted(s)))[:5])

def compare_importance(top, theirs, mine):
    """Importance factors per event: the same events, occurrences, factors."""
    if mine is None:
        return [f"{top}: no importance factors"]
    mine = {e["event"]: [e["occurrence"], e["probability"]] + [e[k.lower()] for k in IMPORTANCE]
            for e in mine}
    if set(mine) != set(theirs):
        return [f"{top}: importance lists other events: only ours "
                f"{sorted(set(mine) - set(theirs))[:5]}, only SCRAM {sorted(set(theirs) - set(mine))[:5]}"]
    problems = []
    for event, ref in theirs.items():
        got = mine[event]
        if got[0] != ref[0]:
            problems.append(f"{top}: {event} occurrence {got[0]} vs SCRAM {ref[0]}")
        for key, g, t in zip(("probability",) + IMPORTANCE, got[1:], ref[1:]):
            if not same6(g, t):
                problems.append(f"{top}: {event} {key} {g!r} vs SCRAM {t!r}")
    return problems[:10]

def check(line):
    """Compares one model; returns (report lines, compared?, failed?)."""
    fields = [f.strip() for f in line.split("|")] + [""]
    name, limit, approx, paths, extra = fields[:5]
    extra = extra.split()
    limit = "" if limit == "-" else limit
    files = [os.path.join(src, p[2:]) if p.startswith("@/") else os.path.join(scram_in, p)
             for p in paths.split()]
    ref, problems, ok = {}, [], False
    t0 = time.monotonic()
    try:
        imp_ref = {} if approx in ("yes", "imp") else None
        ref = scram(files, limit, extra, os.path.join(work, name + ".xml"), imp_ref)
        checks = [("probability", ref)]
        if approx == "yes":
            checks.append(("rare_event", scram(files, limit, extra + ["--rare-event"],
                                               os.path.join(work, name + "-re.xml"))))
            checks.append(("mcub", scram(files, limit, extra + ["--mcub"],
                                         os.path.join(work, name + "-mcub.xml"))))
        for top, (products, _) in ref.items():
            got = ours(files, limit, extra, top, imp_ref is not None)
            if imp_ref is not None:
                problems += compare_importance(top, imp_ref.get(top, {}), got.get("importance"))
            mine = {frozenset(p) for p in got["products"]}
            if len(mine) != len(got["products"]):
                problems.append(f"{top}: duplicate cut sets")
            if mine != products:
                problems.append(f"{top}: cut sets differ: {len(mine)} vs SCRAM {len(products)}; "
                                f"only ours: {show(mine - products)}; only SCRAM: {show(products - mine)}")
            for key, tops in checks:
                theirs = tops[top][1]
                if not same6(got[key], theirs):
                    problems.append(f"{top}: {key} {got[key]!r} vs SCRAM {theirs!r}")
        ok = True
    except (subprocess.CalledProcessError, SystemExit, ET.ParseError, KeyError) as e:
        problems = [f"error: {e}"]
    status = "ok" if not problems else "MISMATCH"
    lines = [f"{name:14} {status}  ({len(ref)} top events, "
             f"limit {limit or 20}{', approximations, importance' if approx == 'yes' else ', importance' if approx == 'imp' else ''}"
             f"{', ' + ' '.join(extra) if extra else ''}; {time.monotonic() - t0:.1f} s)"]
    lines += [f"    {name}: {p}" for p in problems]
    return lines, ok, bool(problems)

# Two at a time: the largest model (first in the list) runs beside the rest.
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    results = list(pool.map(check, models))
for lines, _, _ in results:
    print("\n".join(lines))
compared = sum(r[1] for r in results)
failed = sum(r[2] for r in results)
print(f"fta_vs_scram: {compared} models compared, {failed} failed")
sys.exit(1 if failed else 0)
PY
