#!/bin/sh
# usb_board.sh PUMPHIL WORKDIR - `pumphil board --usb` in one process, a
# libusb client (`pumphil board --ping`) in others: round trips, unplug
# (SIGUSR1) seen as "no board", replug (SIGUSR2) answering again, and a
# clean SIGTERM exit that removes the umockdev testbed.  Every wait is
# bounded; CTest's TIMEOUT backs them up.
set -eu
P=$1
W=$2
mkdir -p "$W"
ENVF="$W/board.env"
ERRF="$W/board.err"
: >"$ENVF"
: >"$ERRF"

fail() {
	echo "usb_board.sh: $*" >&2
	cat "$ERRF" >&2 2>/dev/null || true
	exit 1
}

"$P" board --usb --serial VBCLI001 >"$ENVF" 2>"$ERRF" </dev/null &
BP=$!
trap 'kill -TERM $BP 2>/dev/null || true' EXIT

i=0
while [ "$(wc -l <"$ENVF")" -lt 2 ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "board printed no environment within 10 s"
	kill -0 $BP 2>/dev/null || fail "board exited early"
	sleep 0.1
done
DIR=$(sed -n "s/^export UMOCKDEV_DIR=//p" "$ENVF")
PRE=$(sed -n "s/^export LD_PRELOAD='\(.*\)'$/\1/p" "$ENVF")
[ -d "$DIR" ] || fail "UMOCKDEV_DIR '$DIR' is not a directory"
[ -n "$PRE" ] || fail "no LD_PRELOAD line"

ping() { UMOCKDEV_DIR=$DIR LD_PRELOAD=$PRE timeout 20 "$P" board --ping "$@"; }

ping VBCLI001 --count 50 || fail "ping by serial failed"
ping 1209:0001 --count 5 || fail "ping by VID:PID failed"

# A client killed while it waits for frames leaves claims and IN URBs
# behind; the board must forget them, as a kernel does with a closed file,
# or the next client is refused (EBUSY) or robbed of its replies.
UMOCKDEV_DIR=$DIR LD_PRELOAD=$PRE "$P" board --monitor VBCLI001 --for 60 >"$W/monitor.out" 2>&1 &
CP=$!
i=0
until grep -q "^usb 1209:0001" "$W/monitor.out"; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "monitor did not open the board within 10 s"
	sleep 0.1
done
sleep 0.3
kill -KILL $CP
wait $CP 2>/dev/null || true
ping VBCLI001 --count 20 || fail "board unusable after a client was killed"

kill -USR1 $BP
i=0
while ping VBCLI001 --count 1 >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -le 25 ] || fail "board still answers 5 s after SIGUSR1"
	sleep 0.2
done

kill -USR2 $BP
i=0
until ping VBCLI001 --count 5 >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -le 25 ] || fail "board does not answer 5 s after SIGUSR2"
	sleep 0.2
done
grep -q "replugged: VBCLI001 plugged as bus 001 device 003" "$ERRF" || fail "no replug report"

kill -TERM $BP
wait $BP || fail "board exited with status $?"
trap - EXIT
[ ! -e "$DIR" ] || fail "testbed $DIR left behind"

# A board killed outright leaves its testbed; the next board removes it.
start_board() { # SERIAL ENVFILE -> BP
	: >"$2"
	"$P" board --usb --serial "$1" >"$2" 2>>"$ERRF" </dev/null &
	BP=$!
	i=0
	while [ "$(wc -l <"$2")" -lt 2 ]; do
		i=$((i + 1))
		[ $i -le 100 ] || fail "board $1 printed no environment within 10 s"
		sleep 0.1
	done
}
start_board VBKILL01 "$W/kill.env"
KDIR=$(sed -n "s/^export UMOCKDEV_DIR=//p" "$W/kill.env")
kill -KILL $BP
wait $BP 2>/dev/null || true
[ -d "$KDIR" ] || fail "expected $KDIR to survive SIGKILL"
start_board VBNEXT01 "$W/next.env"
[ ! -e "$KDIR" ] || fail "stale testbed $KDIR not swept"
kill -TERM $BP
wait $BP || fail "second board exited with status $?"
echo "usb_board.sh: ok"
