#!/usr/bin/env bash
# fuzz.sh BUILD_DIR SECONDS - build the libFuzzer targets with clang and run
# each for SECONDS.  Fails on any crash, leak or sanitizer report.  Corpora
# grow in BUILD_DIR/corpus/<target> (seeded from tests/fuzz/seeds/<target>).
set -euo pipefail
build=${1:-build-fuzz}
secs=${2:-5}
src=$(cd "$(dirname "$0")/.." && pwd)
gen=$(command -v ninja >/dev/null && echo Ninja || echo "Unix Makefiles")
CC=clang cmake -S "$src" -B "$build" -G "$gen" -Wno-dev -DCMAKE_BUILD_TYPE=Debug -DPUMPHIL_FUZZ=ON >/dev/null
cmake --build "$build" -j "$(nproc)"
status=0
for exe in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$exe" ] || continue
  name=$(basename "$exe")
  corpus="$build/corpus/$name"
  mkdir -p "$corpus"
  seeds=()
  [ -d "$src/tests/fuzz/seeds/$name" ] && seeds=("$src/tests/fuzz/seeds/$name")
  echo "fuzz: $name for ${secs}s"
  if ! (cd "$src" && "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
          -print_final_stats=0 "$corpus" "${seeds[@]}" >"$build/$name.log" 2>&1); then
    echo "fuzz: $name FAILED, see $build/$name.log"
    tail -30 "$build/$name.log"
    status=1
  else
    grep -E "^#[0-9]+.*DONE" "$build/$name.log" | tail -1 || true
  fi
done
[ $status -eq 0 ] && echo "fuzz: every target ran ${secs}s clean"
exit $status
