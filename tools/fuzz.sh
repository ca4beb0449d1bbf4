#!/usr/bin/env bash
# fuzz.sh BUILD_DIR SECONDS - build the libFuzzer targets with clang and run
# each for SECONDS, then print a table of each target's executions per
# second and edges covered (libFuzzer's cov).
#
# Each target starts from its seeds: tests/fuzz/seeds/<target>, the fixtures
# it reads (fault trees, profiles), and the frames gen_fuzz_seeds makes with
# the codec (BUILD_DIR/seeds/<target>); and uses its dictionary,
# tests/fuzz/dicts/<target>.dict.  Corpora grow in BUILD_DIR/corpus/<target>.
#
# FUZZ_TARGETS="fuzz_a fuzz_b" runs only those (default: every target).
#
# Fails on any crash, leak, timeout or sanitizer report: UBSan does not
# recover in this build (-fno-sanitize-recover=all), and every log is also
# searched for a sanitizer's report.  A canary target with a deliberate
# signed overflow runs first; if its run passes, nothing would fail, and the
# script stops there.
set -euo pipefail
build=${1:-build-fuzz}
secs=${2:-5}
mkdir -p "$build"
build=$(cd "$build" && pwd) # the targets run in the source tree
src=$(cd "$(dirname "$0")/.." && pwd)
gen=$(command -v ninja >/dev/null && echo Ninja || echo "Unix Makefiles")
CC=clang cmake -S "$src" -B "$build" -G "$gen" -Wno-dev -DCMAKE_BUILD_TYPE=Debug -DPUMPHIL_FUZZ=ON >/dev/null
cmake --build "$build" -j "$(nproc)"
rm -rf "$build/seeds"
"$build/tests/fuzz/gen_fuzz_seeds" "$build/seeds"

# Seed directories of a target, besides tests/fuzz/seeds/<target> and the
# generated ones.
extra_seeds() {
	case $1 in
	fuzz_fta) echo "$src/fixtures/faulttrees $src/tests/data/fta" ;;
	fuzz_fta_map) echo "$src/tests/data/fta" ;;
	fuzz_profile) echo "$src/fixtures/profiles" ;;
	esac
}

sanitizer_report='runtime error:|ERROR: AddressSanitizer|ERROR: LeakSanitizer|SUMMARY: UndefinedBehaviorSanitizer|==[0-9]+==ERROR'

# run NAME SECONDS: fuzz one target; 0 when it ran clean.
run() {
	local name=$1 t=$2 exe="$build/tests/fuzz/$1" log="$build/$1.log"
	local corpus="$build/corpus/$name" seeds=() dict=() d
	mkdir -p "$corpus" "$build/artifacts"
	for d in "$src/tests/fuzz/seeds/$name" "$build/seeds/$name" $(extra_seeds "$name"); do
		[ -d "$d" ] && seeds+=("$d")
	done
	[ -f "$src/tests/fuzz/dicts/$name.dict" ] && dict=(-dict="$src/tests/fuzz/dicts/$name.dict")
	(cd "$src" && "$exe" -max_total_time="$t" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$build/artifacts/$name-" "${dict[@]}" "$corpus" "${seeds[@]}" \
		>"$log" 2>&1) && ! grep -Eq "$sanitizer_report" "$log"
}

# The canary: its undefined behaviour must fail the run.
if run canary_ub 2; then
	echo "fuzz: canary_ub ran clean despite its signed overflow: sanitizer reports do not fail a run"
	exit 1
fi
grep -Eq "$sanitizer_report" "$build/canary_ub.log" || {
	echo "fuzz: canary_ub failed without a sanitizer report, see $build/canary_ub.log"
	exit 1
}

status=0
table=()
for exe in "$build"/tests/fuzz/fuzz_*; do
	[ -x "$exe" ] || continue
	name=$(basename "$exe")
	if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $name "* ]]; then
		continue
	fi
	echo "fuzz: $name for ${secs}s"
	result=ok
	if ! run "$name" "$secs"; then
		echo "fuzz: $name FAILED, see $build/$name.log"
		grep -E -m3 "$sanitizer_report" "$build/$name.log" || true
		tail -30 "$build/$name.log"
		status=1
		result="FAILED (artifacts in $build/artifacts)"
	fi
	# What it reached, until the end or the failure.
	execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$build/$name.log" | tail -1)
	cov=$(grep -Eo 'cov: [0-9]+' "$build/$name.log" | tail -1 | cut -d' ' -f2)
	units=$(grep -Eo 'corp: [0-9]+' "$build/$name.log" | tail -1 | cut -d' ' -f2)
	table+=("$(printf '%-14s %10s %8s %8s  %s' "$name" "${execs:-?}" "${cov:-?}" "${units:-?}" "$result")")
done
echo
printf '%-14s %10s %8s %8s  %s\n' target execs/s edges corpus result
printf '%s\n' "${table[@]}"
[ $status -eq 0 ] && echo "fuzz: every target ran ${secs}s clean"
exit $status
