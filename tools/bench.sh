#!/usr/bin/env bash
# bench.sh BUILD_DIR - run every benchmark program and print one table.
# Figures are medians of repeated runs inside each program; machines are
# shared and noisy, so compare ratios measured in the same run.
set -uo pipefail
build=${1:-build-release}
echo "| benchmark | result | detail | target |"
echo "| --- | --- | --- | --- |"
# The virtual-bench speed is the first row.
order=(bench_sim bench_codec bench_runner)
for b in "$build"/bench/bench_*; do
  name=$(basename "$b")
  [[ " ${order[*]} " == *" $name "* ]] || order+=("$name")
done
status=0
for name in "${order[@]}"; do
  exe="$build/bench/$name"
  [ -x "$exe" ] || continue
  if ! "$exe"; then
    echo "| $name | FAILED | | |"
    status=1
  fi
done
# Recording: trace size, monitors' cost, the default report's cost.
"$(dirname "$0")/bench_monitors.sh" "$build" || status=1
exit $status
