#!/bin/sh
# usb_run.sh PUMPHIL SCRIPT - the same Lua script passes on `--board sim`
# and on `--board virtual-usb`.  Exit 77 (skipped) while the runner does
# not offer virtual-usb yet.
set -u
P=$1
S=$2
out=$("$P" run --no-report --board sim "$S" 2>&1) || {
	echo "$out"
	echo "usb_run.sh: fails on --board sim" >&2
	exit 1
}
out=$("$P" run --no-report --board virtual-usb "$S" 2>&1)
rc=$?
echo "$out"
if [ $rc -eq 2 ] && echo "$out" | grep -q "unknown board 'virtual-usb'"; then
	echo "usb_run.sh: the runner has no virtual-usb board yet: skipped" >&2
	exit 77
fi
[ $rc -eq 0 ] || { echo "usb_run.sh: fails on --board virtual-usb (status $rc)" >&2; exit 1; }
echo "usb_run.sh: ok"
