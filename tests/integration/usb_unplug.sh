#!/bin/sh
# usb_unplug.sh PUMPHIL SCRIPT WORKDIR - a board unplugged while a test runs:
# the runner reports that test as an error naming the time, never hangs,
# keeps what it recorded, waits for the board and runs the next test.
set -eu
P=$1
S=$2
W=$3
rm -rf "$W"
mkdir -p "$W"
ENVF="$W/board.env"
: >"$ENVF"
fail() { echo "usb_unplug.sh: $*" >&2; cat "$W/run.out" "$W/board.err" 2>/dev/null >&2; exit 1; }

"$P" board --usb --serial VBUNPL01 >"$ENVF" 2>"$W/board.err" </dev/null &
BP=$!
trap 'kill -TERM $BP 2>/dev/null || true' EXIT
i=0
while [ "$(wc -l <"$ENVF")" -lt 2 ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "board printed no environment within 10 s"
	sleep 0.1
done
DIR=$(sed -n "s/^export UMOCKDEV_DIR=//p" "$ENVF")
PRE=$(sed -n "s/^export LD_PRELOAD='\(.*\)'$/\1/p" "$ENVF")

UMOCKDEV_DIR=$DIR LD_PRELOAD=$PRE timeout 120 "$P" run --board usb:VBUNPL01 --report "$W/report" "$S" \
	>"$W/run.out" 2>&1 &
RP=$!
sleep 2
kill -USR1 $BP   # unplug
sleep 2
kill -USR2 $BP   # replug
rc=0
wait $RP || rc=$?
[ $rc -eq 4 ] || fail "run exited $rc, expected 4 (one test errored, none failed)"
grep -q "ERROR usb unplug / board pulled mid-test" "$W/run.out" || fail "no error for the unplugged test"
grep -q "board disconnected at t=" "$W/run.out" || fail "the error does not say when the board went"
grep -q "PASS  usb unplug / next test after the replug" "$W/run.out" || fail "the next test did not pass"
grep -q "1 passed, 1 failed" "$W/run.out" || fail "wrong totals"
[ -s "$W/report/traces/0001.pcapng" ] || fail "the interrupted test's trace is missing"
python3 - "$W/report/record.json" <<'PY' || fail "record does not keep the interrupted test"
import json, sys
r = json.load(open(sys.argv[1]))
t = r["tests"][0]
assert t["verdict"] == "error" and "disconnected" in t["message"], t
assert t["link"]["tx"] > 0
PY
echo "usb_unplug.sh: unplugged test reported, next test passed"
