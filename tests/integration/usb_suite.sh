#!/bin/sh
# usb_suite.sh PUMPHIL SRCDIR WORKDIR - the suites on virtual-usb: every test
# that needs at most 30 s of bench time (measured on sim first: virtual-usb
# runs in real time) passes on virtual-usb as it does on sim.
set -eu
P=$1
SRC=$2
W=$3
rm -rf "$W"
mkdir -p "$W"
cd "$SRC"
"$P" run --skip-tag long --report "$W/sim" scripts/regression scripts/faults >"$W/sim.out" 2>&1 ||
	{ cat "$W/sim.out"; echo "usb_suite.sh: the suites fail on sim"; exit 1; }
python3 - "$W/sim/record.json" >"$W/quick.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for t in r["tests"]:
    if t["bench_ns"] <= 30e9:
        print(t["suite"] + " / " + t["name"])
PY
n=$(wc -l <"$W/quick.txt")
[ "$n" -ge 5 ] || { echo "usb_suite.sh: only $n quick tests"; exit 1; }
fails=0
while IFS= read -r name; do
	if ! "$P" run --board virtual-usb --no-report --filter "$name" scripts/regression scripts/faults \
		>"$W/one.out" 2>&1; then
		cat "$W/one.out"
		fails=$((fails + 1))
	fi
done <"$W/quick.txt"
[ $fails -eq 0 ] || { echo "usb_suite.sh: $fails of $n failed on virtual-usb"; exit 1; }
echo "usb_suite.sh: $n tests pass on sim and on virtual-usb"
