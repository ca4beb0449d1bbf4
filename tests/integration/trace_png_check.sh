#!/bin/sh
# trace_png_check.sh PUMPHIL TRACE GOLDEN OUTDIR
# `pumphil view TRACE --png` draws what the golden image of the unit test
# test_view_golden shows (same size, whole trace), within a tolerance.
set -u
pumphil=$1 trace=$2 golden=$3 out=$4
png=$out/cli_day.png
rm -f "$png"
"$pumphil" view "$trace" --png "$png" --size 800x600 || { echo "FAIL: pumphil view exited $?"; exit 1; }
[ -s "$png" ] || { echo "FAIL: no PNG written"; exit 1; }
# compare prints the number of pixels differing by more than the fuzz (19 % ~ 48/255).
bad=$(compare -metric AE -fuzz 19% "$png" "$golden" "$out/cli_day_diff.png" 2>&1 >/dev/null)
echo "$png vs $golden: $bad pixels differ (limit 2400)"
case $bad in
''|*[!0-9]*) echo "FAIL: compare: $bad"; exit 1 ;;
esac
[ "$bad" -le 2400 ] || { echo "FAIL: see $out/cli_day_diff.png"; exit 1; }
