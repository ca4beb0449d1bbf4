#!/bin/bash
# fta_vs_scram.sh PUMPHIL SOURCE_DIR [SCRAM_INPUT_DIR]
#
# Runs SCRAM and `pumphil fta analyse --json` on the same fault-tree models
# and fails on any difference: the minimal cut sets of every top event must
# be equal, and the exact probability (and, where marked, the rare-event and
# MCUB approximations) must agree to the 6 significant digits SCRAM prints.
# Exit 0 all equal, 1 a mismatch (the model is named), 77 SCRAM is absent.
#
# The models are those SCRAM ships (Debian: /usr/share/scram/input) that use
# only what pumphil reads, plus the pump's own trees; docs/fta.md lists the
# skipped ones and why.  Large models run with an order limit on both sides.
set -euo pipefail

PUMPHIL=${1:?usage: fta_vs_scram.sh PUMPHIL SOURCE_DIR [SCRAM_INPUT_DIR]}
SRC=${2:?usage: fta_vs_scram.sh PUMPHIL SOURCE_DIR [SCRAM_INPUT_DIR]}
SCRAM_IN=${3:-/usr/share/scram/input}

if ! command -v scram >/dev/null || [ ! -d "$SCRAM_IN" ]; then
	echo "fta_vs_scram: scram or its models are not installed: skipped"
	exit 77
fi
command -v python3 >/dev/null || { echo "fta_vs_scram: python3 missing"; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# name | order limit (- for SCRAM's default 20) | approximations too? | files
# Files are relative to SCRAM_IN, or to SOURCE_DIR with a leading @/.
MODELS="
Theatre      | - | yes | Theatre/theatre.xml
TwoTrain     | - | yes | TwoTrain/two_train.xml
ne574        | - | yes | ne574/ne574.xml
Lift         | - | yes | Lift/lift.xml
ThreeMotor   | - | yes | ThreeMotor/three_motor.xml
Chinese      | - | yes | Chinese/chinese.xml Chinese/chinese-basic-events.xml
Chinese-high | - | yes | Chinese/chinese.xml Chinese/high-prob.xml
Baobab2      | - | yes | Baobab/baobab2.xml Baobab/baobab2-basic-events.xml
Baobab1      | 6 | yes | Baobab/baobab1.xml Baobab/baobab1-basic-events.xml
CEA9601      | 3 | no  | CEA9601/CEA9601.xml CEA9601/CEA9601-basic-events.xml
pump         | - | yes | @/fixtures/faulttrees/pump.xml
"

exec python3 - "$PUMPHIL" "$SRC" "$SCRAM_IN" "$WORK" "$MODELS" <<'PY'
import json, os, subprocess, sys
import xml.etree.ElementTree as ET

pumphil, src, scram_in, work, models = sys.argv[1:6]

def scram(files, limit, flag, out):
    cmd = ["scram", "--probability", "true", "-o", out] + flag
    if limit:
        cmd += ["-l", limit]
    subprocess.run(cmd + files, check=True, stdout=subprocess.DEVNULL)
    tops = {}
    for sop in ET.parse(out).getroot().iter("sum-of-products"):
        products = set()
        for p in sop.iter("product"):
            if p.find("not") is not None:
                raise SystemExit("SCRAM reported a negative literal: prime implicants?")
            products.add(frozenset(e.get("name") for e in p.iter("basic-event")))
        tops[sop.get("name")] = (products, float(sop.get("probability")))
    return tops

def ours(files, limit, top):
    cmd = [pumphil, "fta", "analyse", "--json", "--limit-order", limit or "20",
           "--top", top] + files
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

failed = 0
compared = 0
for line in models.strip().splitlines():
    name, limit, approx, paths = [f.strip() for f in line.split("|")]
    limit = "" if limit == "-" else limit
    files = [os.path.join(src, p[2:]) if p.startswith("@/") else os.path.join(scram_in, p)
             for p in paths.split()]
    ref = {}
    try:
        ref = scram(files, limit, [], os.path.join(work, name + ".xml"))
        checks = [("probability", ref)]
        if approx == "yes":
            checks.append(("rare_event", scram(files, limit, ["--rare-event"], os.path.join(work, name + "-re.xml"))))
            checks.append(("mcub", scram(files, limit, ["--mcub"], os.path.join(work, name + "-mcub.xml"))))
        problems = []
        for top, (products, _) in ref.items():
            got = ours(files, limit, top)
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
        compared += 1
    except (subprocess.CalledProcessError, SystemExit, ET.ParseError, KeyError) as e:
        problems = [f"error: {e}"]
    status = "ok" if not problems else "MISMATCH"
    print(f"{name:14} {status}  ({len(ref)} top events, "
          f"limit {limit or 20}{', approximations' if approx == 'yes' else ''})")
    for p in problems:
        print(f"    {name}: {p}")
    failed += bool(problems)

print(f"fta_vs_scram: {compared} models compared, {failed} failed")
sys.exit(1 if failed else 0)
PY
