#!/bin/bash
# fta_validate_provenance.sh PUMPHIL MAP TREE
#
# `pumphil fta validate` keeps what it ran and says what it validated: the
# campaign script stays in the report directory (failures point at a file
# that exists) with a trace of each scenario to the tree's gates and the map
# entries (file:line), and fta_validation.json names the tree and the map by
# path and SHA-256 and states the probability-weighted coverage of the cut
# sets the campaign exercises (issue 20).
set -euo pipefail
PUMPHIL=${1:?usage: fta_validate_provenance.sh PUMPHIL MAP TREE}
MAP=${2:?}
TREE=${3:?}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

out=$("$PUMPHIL" fta validate --map "$MAP" --top over_infusion --report "$DIR/report" -j 2 "$TREE")
grep -q "^coverage: over_infusion: 1 of 6 cut sets (order <= 2) exercised, 4.202 % of their probability$" <<<"$out" \
	|| fail "no coverage line on the console: $out"
script="$DIR/report/fta_validate.lua"
[ -f "$script" ] || fail "the campaign script was not kept in the report directory"
grep -q "^-- cut set {catheter_occlusion_total, pressure_sensor_stuck} of over_infusion (gate at .*pump\.xml:[0-9]\+)$" "$script" \
	|| fail "no trace of a cut set to its top gate in $script"
grep -q "^--   pressure_sensor_stuck: .*pump\.xml:[0-9]\+, under gate .*pump\.xml:[0-9]\+); map .*pump-map\.json:17 basic_events\.pressure_sensor_stuck$" "$script" \
	|| fail "no trace of an event to its gates and map entry in $script"
python3 - "$DIR/report/fta_validation.json" "$TREE" "$MAP" <<'PY'
import hashlib, json, sys
doc, tree, map_ = sys.argv[1:4]
d = json.load(open(doc))
def sha(p): return hashlib.sha256(open(p, "rb").read()).hexdigest()
assert d["trees"] == [{"path": tree, "sha256": sha(tree)}], d["trees"]
assert d["map"] == {"path": map_, "sha256": sha(map_)}, d["map"]
(c,) = d["coverage"]
assert (c["top"], c["cut_sets"], c["exercised"]) == ("over_infusion", 6, 1), c
assert abs(c["coverage"] - 5e-7 / 1.19e-5) < 1e-12, c
PY
echo "fta_validate_provenance: ok"
