#!/bin/sh
# fw-property-long.sh BUILDDIR [SEEDS] [DAYS] - the long run of the
# firmware's property test (default 10000 seeds x 7 virtual days) in an
# optimised build tree BUILDDIR (configured here if needed).
set -eu

dir=${1:?usage: fw-property-long.sh BUILDDIR [SEEDS] [DAYS]}
src=$(cd "$(dirname "$0")/.." && pwd)
gen=
command -v ninja >/dev/null 2>&1 && gen="-G Ninja"
[ -f "$dir/CMakeCache.txt" ] || cmake -S "$src" -B "$dir" $gen -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$dir" --target test_fw_property >/dev/null
PUMPHIL_PROPERTY_SEEDS=${2:-10000} PUMPHIL_PROPERTY_DAYS=${3:-7} "$dir/tests/test_fw_property"
