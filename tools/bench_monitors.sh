#!/usr/bin/env bash
# bench_monitors.sh BUILD_DIR - the rows of `make bench` about recording:
# trace bytes per virtual day of continuous delivery with the default
# monitor rules, the regression suite with monitors against without, and
# `pumphil run` with its default report on 2,000 empty tests against busted
# on 2,000 empty tests (whole processes).  Medians of REPS runs, on and off
# interleaved so that a busy machine slows both alike.
set -uo pipefail
build=${1:-build-release}
src=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/harness/pumphil
reps=${BENCH_REPS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

wall() { # wall seconds of "$@", output discarded; "fail" if it failed
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo fail; return; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "n/a" }'; }

run=("$bin" run -q --no-history --fixtures "$src/fixtures")

# Trace bytes per virtual day.
"${run[@]}" --report "$tmp/day" "$src/bench/monitors/day.lua" >/dev/null 2>&1
bytes=$(stat -c %s "$tmp/day/traces/0001.pcapng" 2>/dev/null || echo 0)
kib=$((bytes / 1024))
echo "| trace bytes per virtual day (1 mL/day, default rules) | ${kib} KiB | monitors on, whole trace | <= 1024 KiB |"

# The regression suite, monitors on and off.
on=() off=()
for _ in $(seq "$reps"); do
  on+=("$(wall "${run[@]}" --report "$tmp/on" "$src/scripts/regression")")
  off+=("$(wall "${run[@]}" --no-monitors --report "$tmp/off" "$src/scripts/regression")")
done
mon=$(median "${on[@]}") moff=$(median "${off[@]}")
echo "| regression suite, monitors on / off | $(ratio "$mon" "$moff")x | ${mon} s / ${moff} s (median of $reps) | <= 1.5x |"

# 2,000 empty tests: pumphil run with its default report against busted.
lua_n() { echo "for i = 1, 2000 do test(\"t\" .. i, function() end) end"; }
busted_n() { echo "describe('empty', function() for i = 1, 2000 do it('t' .. i, function() end) end end)"; }
lua_n >"$tmp/empty.lua"
busted_n >"$tmp/empty_spec.lua"
if command -v busted >/dev/null; then
  ph=() bu=()
  for _ in $(seq "$reps"); do
    ph+=("$(wall "${run[@]}" --report "$tmp/empty" "$tmp/empty.lua")")
    bu+=("$(wall busted "$tmp/empty_spec.lua")")
  done
  p=$(median "${ph[@]}") b=$(median "${bu[@]}")
  echo "| 2,000 empty tests, pumphil run (default report) / busted | $(ratio "$p" "$b")x | ${p} s / ${b} s (median of $reps) | <= 1.0x |"
else
  echo "| 2,000 empty tests vs busted | skipped | busted not installed (tools/deps.sh test) | <= 1.0x |"
fi
