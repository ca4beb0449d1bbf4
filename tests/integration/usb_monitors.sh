#!/bin/sh
# usb_monitors.sh PUMPHIL SCRIPT OUTDIR [RUN ARGS...] - the board's monitors
# cross USB (issue 13, acceptance 4): a test that reads nothing runs on
# --board virtual-usb, and the trace's CSV holds every motor stroke (one
# sample each, counting up by one), a pressure sample at least per stroke,
# and the rate set-point as programmed.
set -u
P=$1 S=$2 OUT=$3
shift 3
rm -rf "$OUT"
"$P" run -q --no-history --board virtual-usb --time-scale 100 --report "$OUT" "$@" "$S" ||
	{ echo "usb_monitors.sh: the run failed" >&2; exit 1; }
"$P" view "$OUT/traces/0001.pcapng" --csv motor_strokes,pressure_pa,rate_nl_h -o "$OUT/m.csv" ||
	{ echo "usb_monitors.sh: no CSV" >&2; exit 1; }
awk -F, '
NR == 1 { next }
$2 != "" { if (n && $2 != last + 1) bad = "stroke count jumps from " last " to " $2; last = $2; n++ }
$3 != "" { p++ }
$4 != "" { rate = $4 }
END {
	if (bad) { print "usb_monitors.sh: " bad; exit 1 }
	if (n < 30) { print "usb_monitors.sh: " n + 0 " stroke samples, want at least 30"; exit 1 }
	if (p < n) { print "usb_monitors.sh: " p " pressure samples for " n " strokes"; exit 1 }
	if (rate != 300000) { print "usb_monitors.sh: rate set-point " rate ", want 300000"; exit 1 }
	print "usb_monitors.sh: ok, " n " strokes, " p " pressure samples"
}' "$OUT/m.csv"
