#!/bin/sh
# serial_board_killed.sh PUMPHIL SCRIPT WORKDIR - `pumphil board --pty` is
# killed (-9) while `pumphil run --board serial:PTY` waits in a test: the
# port vanishes mid-test.  That test is an error naming the disconnection,
# not a hang; the next test runs (an error too: the port is gone), the
# record is written and the run exits 4 (errors only) within seconds.
set -u
P=$1
SCRIPT=$2
W=$3
rm -rf "$W"
mkdir -p "$W"
fail() {
	echo "serial_board_killed.sh: $*" >&2
	cat "$W/out" >&2 2>/dev/null || true
	exit 1
}
: >"$W/pty" # exists before the loop reads it, whatever the scheduler does
"$P" board --pty >"$W/pty" 2>"$W/board.err" </dev/null &
BP=$!
trap 'kill -KILL $BP 2>/dev/null || true' EXIT
i=0
while [ "$(wc -l <"$W/pty")" -lt 1 ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "board printed no pty path within 10 s"
	sleep 0.1
done
PTY=$(head -n 1 "$W/pty")
[ -c "$PTY" ] || fail "'$PTY' is not a character device"
start=$(date +%s)
timeout 90 "$P" run --board "serial:$PTY@115200" --report "$W/run" "$SCRIPT" >"$W/out" 2>&1 &
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
took=$(($(date +%s) - start))
[ $rc -eq 4 ] || fail "rc $rc, expected 4 (errors only)"
[ $took -lt 80 ] || fail "the run took $took s: it waited for a vanished port"
grep -q "ERROR  *board killed / a long wait the board dies in" "$W/out" || fail "no ERROR for the test"
grep -q "board disconnected at t=" "$W/out" || fail "no disconnection message"
grep -q "ERROR  *board killed / the next test" "$W/out" || fail "the next test did not run"
[ -s "$W/run/record.json" ] || fail "no record"
echo "ok: the run outlived its serial port ($took s)"
