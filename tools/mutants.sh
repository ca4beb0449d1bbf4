#!/bin/sh
# mutants.sh BUILDROOT - build pumphil once per planted firmware bug
# (FW_PLANTS in board/fw/fw_plant.h) and show which tests catch it: the
# firmware's unit tests and every Lua suite under scripts/.
#
# Each plant gets its own tree BUILDROOT/plant-<name> configured with
# -DPUMPHIL_PLANT=<name>.  Prints one line per plant with what failed, and
# exits 1 if any plant survives (nothing failed) or a build fails.
set -eu

root=${1:?usage: mutants.sh BUILDROOT}
src=$(cd "$(dirname "$0")/.." && pwd)
gen=
command -v ninja >/dev/null 2>&1 && gen="-G Ninja"
jobs=$(nproc)

plants=$(sed -n 's/^[[:space:]]*X(\([a-z_0-9]*\)).*/\1/p' "$src/board/fw/fw_plant.h")
tests=$(cd "$src/tests/unit" && ls test_fw_*.c | sed 's/\.c$//')
suites=$(cd "$src" && ls -d scripts/*/ 2>/dev/null | tr '\n' ' ')
[ -n "$plants" ] || { echo "mutants: no plants found in fw_plant.h" >&2; exit 1; }
mkdir -p "$root"

survivors=0
for plant in $plants; do
	dir="$root/plant-$plant"
	log="$root/plant-$plant.log"
	cmake -S "$src" -B "$dir" $gen -DCMAKE_BUILD_TYPE=Release -DPUMPHIL_PLANT="$plant" >"$log" 2>&1 ||
		{ echo "$plant: configure failed (see $log)"; exit 1; }
	# shellcheck disable=SC2086
	cmake --build "$dir" -j "$jobs" --target pumphil $tests >>"$log" 2>&1 ||
		{ echo "$plant: build failed (see $log)"; exit 1; }
	caught=
	for t in $tests; do
		if ! "$dir/tests/$t" >"$dir/$t.out" 2>&1; then
			failed=$(sed -n 's/^\[  FAILED  \] \([a-z_0-9]*\)$/\1/p' "$dir/$t.out" | sort -u | tr '\n' ' ')
			caught="$caught $t(${failed% })"
		fi
	done
	if [ -n "$suites" ]; then
		# shellcheck disable=SC2086
		(cd "$src" && "$dir/harness/pumphil" run --no-report -j "$jobs" $suites) >"$dir/suites.out" 2>&1 || true
		lua=$(sed -n 's/^\(FAIL\|ERROR\) *\(.*\)  \[bench.*/\2/p' "$dir/suites.out" | sed 's/^/"/; s/$/"/' | tr '\n' ' ')
		[ -n "$lua" ] && caught="$caught lua: $lua"
	fi
	if [ -n "$caught" ]; then
		echo "$plant: caught by$caught"
	else
		echo "$plant: SURVIVED"
		survivors=$((survivors + 1))
	fi
done
[ "$survivors" -eq 0 ] || { echo "mutants: $survivors planted bug(s) survived"; exit 1; }
echo "mutants: every planted bug caught"
