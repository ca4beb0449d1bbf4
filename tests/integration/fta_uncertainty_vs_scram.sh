#!/bin/bash
# fta_uncertainty_vs_scram.sh PUMPHIL SOURCE_DIR [SCRAM_INPUT_DIR [TRIALS]]
#
# Monte Carlo over the deviates against SCRAM's uncertainty analysis: on each
# model with distributions, `scram --uncertainty true` (seed 1) and
# `pumphil fta analyse --json --uncertainty N --seed 7` must give means within
# 3 standard errors of their difference, sqrt(s1^2/n + s2^2/n), and the same
# point probability.  The seeds are fixed, so a run repeats itself.
# Exit 0 all agree, 1 a model disagrees (named), 77 SCRAM is absent.
set -euo pipefail
PUMPHIL=${1:?usage: fta_uncertainty_vs_scram.sh PUMPHIL SOURCE_DIR [SCRAM_INPUT_DIR [TRIALS]]}
SRC=${2:?usage: fta_uncertainty_vs_scram.sh PUMPHIL SOURCE_DIR [SCRAM_INPUT_DIR [TRIALS]]}
SCRAM_IN=${3:-/usr/share/scram/input}
TRIALS=${4:-20000}
if ! command -v scram >/dev/null || [ ! -d "$SCRAM_IN" ]; then
	echo "fta_uncertainty_vs_scram: scram or its models are not installed: skipped"
	exit 77
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# name | files (relative to SCRAM_IN, or to SOURCE_DIR with a leading @/)
MODELS="
BSCU          | BSCU/BSCU.xml
SmallTree     | SmallTree/SmallTree.xml
Chinese-mcs   | Chinese/chinese.xml Chinese/mcs_prob.xml
Chinese-mixed | Chinese/chinese.xml Chinese/mixed_mcs_prob.xml
deviates      | @/tests/data/fta/deviates.xml
"

exec python3 - "$PUMPHIL" "$SRC" "$SCRAM_IN" "$WORK" "$MODELS" "$TRIALS" <<'PY'
import json, math, os, subprocess, sys
import xml.etree.ElementTree as ET

pumphil, src, scram_in, work, models, trials = sys.argv[1:7]
failed = 0
for line in models.strip().splitlines():
    name, paths = [f.strip() for f in line.split("|")]
    files = [os.path.join(src, p[2:]) if p.startswith("@/") else os.path.join(scram_in, p)
             for p in paths.split()]
    out = os.path.join(work, name + ".xml")
    subprocess.run(["scram", "--ccf", "true", "--probability", "true", "--uncertainty", "true",
                    "--num-trials", trials, "--seed", "1", "-o", out] + files,
                   check=True, stdout=subprocess.DEVNULL)
    root = ET.parse(out).getroot()
    problems = []
    for sop in root.iter("sum-of-products"):
        top = sop.get("name")
        measure = next(m for m in root.iter("measure") if m.get("name") == top)
        m2 = float(measure.find("mean").get("value"))
        s2 = float(measure.find("standard-deviation").get("value"))
        r = subprocess.run([pumphil, "fta", "analyse", "--json", "--top", top, "--uncertainty",
                            trials, "--seed", "7"] + files,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode:
            problems.append(f"{top}: pumphil failed ({r.returncode}): {r.stderr.strip()}")
            continue
        got = json.loads(r.stdout)
        u = got["uncertainty"]
        n = int(trials)
        se = math.sqrt(u["sigma"] ** 2 / n + s2 ** 2 / n)
        z = abs(u["mean"] - m2) / se if se > 0 else (0 if u["mean"] == m2 else math.inf)
        point = float(sop.get("probability"))
        status = "ok" if z <= 3 else "MISMATCH"
        print(f"{name:14} {top}: mean {u['mean']:.6g} vs SCRAM {m2:.6g} ({z:.2f} standard errors), "
              f"sigma {u['sigma']:.6g} vs {s2:.6g}, point {got['probability']:.6g} vs {point:.6g}: {status}")
        if z > 3:
            problems.append(f"{top}: means {z:.2f} standard errors apart")
        if abs(got["probability"] - point) > 5.000001e-6 * abs(point):
            problems.append(f"{top}: point probability {got['probability']!r} vs SCRAM {point!r}")
    for p in problems:
        print(f"    {name}: {p}")
    failed += bool(problems)
print(f"fta_uncertainty_vs_scram: {len(models.strip().splitlines())} models, {failed} failed")
sys.exit(1 if failed else 0)
PY
