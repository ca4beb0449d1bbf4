#!/bin/sh
# usb_faults.sh PUMPHIL SRCDIR WORKDIR K N SCALE - shard K of N of the fault
# suite, long tests included, on virtual-usb with the virtual board's clock
# running SCALE times real time: every frame crosses libusb and umockdev,
# fixture faults through the fixture channel, link faults through the host's
# link-fault layer.  Every test of the shard must pass, and the record must
# say which board and clock it ran on.
set -eu
P=$1
SRC=$2
W=$3
K=$4
N=$5
SCALE=$6
rm -rf "$W"
mkdir -p "$W"
cd "$SRC"
start=$(date +%s)
status=0
# These shards check the faults across USB, where wall time is bench time
# over SCALE.  Monitors off: their stream across USB has its own test
# (usb_monitors_cross_usb), and at 1000x its traffic delays the replies a
# timing test reads (the hung-firmware catch-up count).  The over-infusion
# and refill-visit suites act on the rig alone, the same on every transport;
# on sim they run whole (faults_suite), here they would add ~450 s.
"$P" run --board virtual-usb --time-scale "$SCALE" --shard "$K/$N" --no-monitors \
	--skip-tag overinfusion --skip-tag refill --report "$W/report" \
	scripts/faults >"$W/run.out" 2>&1 || status=$?
grep -v '^pumphil: warning: board 1209:0001' "$W/run.out" || true
[ "$status" -eq 0 ] || { echo "usb_faults.sh: shard $K/$N failed on virtual-usb (exit $status)"; exit 1; }
python3 - "$W/report/record.json" "$SCALE" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
run, tests = r["run"], r["tests"]
assert run["board"] == "virtual-usb", run["board"]
assert "x" + sys.argv[2] in run["board_desc"], run["board_desc"]
assert tests and all(t["verdict"] == "pass" for t in tests), [t["name"] for t in tests if t["verdict"] != "pass"]
bench_h = sum(t["bench_ns"] for t in tests) / 3.6e12
print(f"usb_faults.sh: {len(tests)} fault tests pass on virtual-usb, {bench_h:.1f} bench-hours")
PY
echo "usb_faults.sh: shard $K/$N took $(($(date +%s) - start)) s of wall time"
