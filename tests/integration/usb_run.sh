#!/bin/sh
# usb_run.sh PUMPHIL SCRIPT - the same Lua script passes on `--board sim`
# and on `--board virtual-usb`.
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
[ $rc -eq 0 ] || { echo "usb_run.sh: fails on --board virtual-usb (status $rc)" >&2; exit 1; }
echo "usb_run.sh: ok"
