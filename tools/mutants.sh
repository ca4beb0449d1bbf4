#!/bin/sh
# mutants.sh BUILDROOT - build pumphil once per planted firmware bug
# (FW_PLANTS in board/fw/fw_plant.h) and show which tests catch it: the
# firmware's unit tests and every Lua suite under scripts/, once per device
# class profile (fixtures/profiles/*.json: a class's planted bug shows only
# on its own profile, e.g. reset_full_rate on peristaltic).
#
# Each plant gets its own tree BUILDROOT/plant-<name> configured with
# -DPUMPHIL_PLANT=<name>.  A clean tree BUILDROOT/clean runs the same tests
# first: only tests that pass there and fail with the plant count as
# catching it.  Prints one line per plant with what caught it, and exits 1
# if any plant survives or a build fails.
set -eu

root=${1:?usage: mutants.sh BUILDROOT}
src=$(cd "$(dirname "$0")/.." && pwd)
gen=
command -v ninja >/dev/null 2>&1 && gen="-G Ninja"
jobs=$(nproc)

plants=$(sed -n 's/^[[:space:]]*X(\([a-z_0-9]*\)).*/\1/p' "$src/board/fw/fw_plant.h")
tests=$(cd "$src/tests/unit" && ls test_fw_*.c | sed 's/\.c$//')
suites=$(cd "$src" && ls -d scripts/*/ 2>/dev/null | tr '\n' ' ')
profiles=$(cd "$src/fixtures/profiles" && ls *.json | sed 's/\.json$//')
[ -n "$plants" ] || { echo "mutants: no plants found in fw_plant.h" >&2; exit 1; }
mkdir -p "$root"

# failures DIR: the names of the failing tests of the tree in DIR, one a line.
failures() {
	dir=$1
	for t in $tests; do
		if ! "$dir/tests/$t" >"$dir/$t.out" 2>&1; then
			sed -n 's/^\[  FAILED  \] \([a-z_0-9]*\)$/'"$t"'(\1)/p' "$dir/$t.out" | sort -u
		fi
	done
	if [ -n "$suites" ]; then
		for prof in $profiles; do
			# shellcheck disable=SC2086
			(cd "$src" && "$dir/harness/pumphil" run --no-report --profile "$prof" -j "$jobs" $suites) \
				>"$dir/suites-$prof.out" 2>&1 || true
			sed -n 's/^\(FAIL\|ERROR\) *\(.*\)  \[bench.*/lua['"$prof"'] "\2"/p' "$dir/suites-$prof.out"
		done
	fi
}

# build NAME [PLANT]: configure and build BUILDROOT/NAME.
build() {
	dir="$root/$1"
	log="$root/$1.log"
	cmake -S "$src" -B "$dir" $gen -DCMAKE_BUILD_TYPE=Release -DPUMPHIL_PLANT="${2:-}" >"$log" 2>&1 ||
		{ echo "$1: configure failed (see $log)"; exit 1; }
	# shellcheck disable=SC2086
	cmake --build "$dir" -j "$jobs" --target pumphil $tests >>"$log" 2>&1 ||
		{ echo "$1: build failed (see $log)"; exit 1; }
}

build clean
failures "$root/clean" >"$root/clean.failures"
if [ -s "$root/clean.failures" ]; then
	echo "clean build: these fail without any plant and are not counted:"
	sed 's/^/  /' "$root/clean.failures"
fi

survivors=0
for plant in $plants; do
	build "plant-$plant" "$plant"
	failures "$root/plant-$plant" | grep -vxF -f "$root/clean.failures" >"$root/plant-$plant.caught" || true
	if [ -s "$root/plant-$plant.caught" ]; then
		echo "$plant: caught by $(wc -l <"$root/plant-$plant.caught") test(s):"
		sed 's/^/  /' "$root/plant-$plant.caught"
	else
		echo "$plant: SURVIVED"
		survivors=$((survivors + 1))
	fi
done
[ "$survivors" -eq 0 ] || { echo "mutants: $survivors planted bug(s) survived"; exit 1; }
echo "mutants: every planted bug caught"
