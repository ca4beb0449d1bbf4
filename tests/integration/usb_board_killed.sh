#!/bin/sh
# usb_board_killed.sh PUMPHIL SCRIPT WORKDIR - `pumphil board --usb` is
# killed (-9) while `pumphil run --board usb` waits in a test: the harness
# must not die with the board (umockdev's preload ends a process whose
# device socket is gone at its next ioctl): the test is an error naming the
# disconnection, the next test an error too, the record and reports are
# written, and the run exits 1 within seconds.
set -u
P=$1
SCRIPT=$2
W=$3
rm -rf "$W"
mkdir -p "$W"
fail() {
	echo "usb_board_killed.sh: $*" >&2
	cat "$W/out" >&2 2>/dev/null || true
	exit 1
}
: >"$W/env" # exists before the loop reads it, whatever the scheduler does
"$P" board --usb --serial VBKILL01 >"$W/env" 2>"$W/board.err" </dev/null &
BP=$!
trap 'kill -KILL $BP 2>/dev/null || true' EXIT
i=0
while [ "$(wc -l <"$W/env")" -lt 2 ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "board printed no environment within 10 s"
	sleep 0.1
done
DIR=$(sed -n "s/^export UMOCKDEV_DIR=//p" "$W/env")
PRE=$(sed -n "s/^export LD_PRELOAD='\(.*\)'$/\1/p" "$W/env")
UMOCKDEV_DIR=$DIR LD_PRELOAD=$PRE timeout 90 "$P" run --board usb:VBKILL01 --report "$W/run" \
	"$SCRIPT" >"$W/out" 2>&1 &
RP=$!
i=0
until [ -e "$W/run/traces/0001.pcapng" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "the run did not start its first test within 10 s"
	sleep 0.1
done
sleep 2
kill -KILL $BP
wait $RP
rc=$?
[ $rc -eq 4 ] || fail "rc $rc, expected 4 (errors only)"
grep -q "ERROR  *board killed / a long wait the board dies in" "$W/out" || fail "no ERROR for the test"
grep -q "board disconnected at t=" "$W/out" || fail "no disconnection message"
grep -q "ERROR  *board killed / the next test" "$W/out" || fail "the next test did not run"
grep -q "0 passed, 2 failed" "$W/out" || fail "no summary"
[ -s "$W/run/record.json" ] || fail "no record"
[ -s "$W/run/junit.xml" ] || fail "no junit"
echo "ok: the run outlived its board"
