#!/bin/sh
# adapter_suites.sh PUMPHIL SRCDIR WORKDIR - scripts/regression and
# scripts/faults through the Lua ASCII adapter over a pty (--board
# sim:ascii) give the verdicts they give on sim, except tests skipped for a
# capability the adapter declares absent (issue 15, acceptance 1).
set -eu
P=$1
SRC=$2
W=$3
rm -rf "$W"
mkdir -p "$W"
cd "$SRC"
"$P" run --no-history --skip-tag long --report "$W/sim" scripts/regression scripts/faults >"$W/sim.out" 2>&1 ||
	{ tail -20 "$W/sim.out"; echo "adapter_suites.sh: the suites fail on sim"; exit 1; }
"$P" run --no-history --skip-tag long --board sim:ascii --adapter fixtures/adapters/ascii.lua \
	--report "$W/ascii" \
	scripts/regression scripts/faults >"$W/ascii.out" 2>&1 || true
# The adapter's raw bytes are in the tests' traces (adapter_tx events).
raw=$(grep -l adapter_tx "$W"/ascii/traces/*.pcapng 2>/dev/null | wc -l)
echo "$raw traces hold the adapter's raw bytes"
[ "$raw" -gt 0 ] || { echo "adapter_suites.sh: no adapter_tx in any trace"; exit 1; }
python3 - "$W/sim/record.json" "$W/ascii/record.json" <<'PY'
import json, sys
sim = {(t["suite"], t["name"]): t for t in json.load(open(sys.argv[1]))["tests"]}
asc = {(t["suite"], t["name"]): t for t in json.load(open(sys.argv[2]))["tests"]}
bad, skipped = [], []
for k, t in sim.items():
    a = asc.get(k)
    if a is None:
        bad.append("%s / %s: not run through the adapter" % k)
    elif a["verdict"] == "skip" and a.get("message", "").startswith("adapter ascii"):
        skipped.append("%s / %s: %s" % (k[0], k[1], a["message"]))
    elif a["verdict"] != t["verdict"]:
        bad.append("%s / %s: %s on sim, %s through the adapter (%s)"
                   % (k[0], k[1], t["verdict"], a["verdict"], a.get("message")))
for line in bad:
    print("DIFFERS  " + line)
print("%d tests, %d with sim's verdict, %d skipped for a capability the adapter lacks"
      % (len(sim), len(sim) - len(bad) - len(skipped), len(skipped)))
for line in skipped:
    print("SKIPPED  " + line)
sys.exit(1 if bad or len(skipped) * 4 > len(sim) else 0)
PY
