#!/bin/sh
# fw-mutants.sh BUILDROOT - build the firmware's unit tests once per planted
# bug (FW_PLANTS in board/fw/fw_plant.h) and show which tests catch it.
#
# Each plant gets its own build tree BUILDROOT/plant-<name> configured with
# -DPUMPHIL_PLANT=<name>; only the test_fw_* targets are built.  Prints one
# line per plant with the tests that failed, and exits 1 if any plant
# survives (no test failed) or a build fails.
set -eu

root=${1:?usage: fw-mutants.sh BUILDROOT}
src=$(cd "$(dirname "$0")/.." && pwd)
gen=
command -v ninja >/dev/null 2>&1 && gen="-G Ninja"

plants=$(sed -n 's/^[[:space:]]*X(\([a-z_0-9]*\)).*/\1/p' "$src/board/fw/fw_plant.h")
tests=$(cd "$src/tests/unit" && ls test_fw_*.c | sed 's/\.c$//')
[ -n "$plants" ] || { echo "fw-mutants: no plants found in fw_plant.h" >&2; exit 1; }

survivors=0
for plant in $plants; do
	dir="$root/plant-$plant"
	cmake -S "$src" -B "$dir" $gen -DCMAKE_BUILD_TYPE=Debug -DPUMPHIL_PLANT="$plant" >"$root/plant-$plant.log" 2>&1 ||
		{ echo "$plant: configure failed (see $root/plant-$plant.log)"; exit 1; }
	# shellcheck disable=SC2086
	cmake --build "$dir" --target $tests >>"$root/plant-$plant.log" 2>&1 ||
		{ echo "$plant: build failed (see $root/plant-$plant.log)"; exit 1; }
	caught=
	for t in $tests; do
		if ! "$dir/tests/$t" >"$dir/$t.out" 2>&1; then
			failed=$(sed -n 's/^\[  FAILED  \] \([a-z_0-9]*\)$/\1/p' "$dir/$t.out" | sort -u | tr '\n' ' ')
			caught="$caught $t(${failed% })"
		fi
	done
	if [ -n "$caught" ]; then
		echo "$plant: caught by$caught"
	else
		echo "$plant: SURVIVED"
		survivors=$((survivors + 1))
	fi
done
[ "$survivors" -eq 0 ] || { echo "fw-mutants: $survivors planted bug(s) survived"; exit 1; }
echo "fw-mutants: every planted bug caught"
