#!/bin/bash
# fta_plant.sh SRC BUILD MAP TREE: builds pumphil with the occlusion_off
# planted bug in BUILD (configured once, only the pumphil target), runs the
# fault-tree validation and checks that it reports the contradiction the bug
# creates: a total occlusion alone reaches the under-infusion hazard
# undetected, where the tree needs a failed detection too.
set -u
src=$1 build=$2 map=$3 tree=$4
if [ ! -f "$build/build.ninja" ]; then
	cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPUMPHIL_PLANT=occlusion_off \
		>"$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
fi
cmake --build "$build" --target pumphil >"$build.build.log" 2>&1 || { tail -30 "$build.build.log"; exit 1; }
out=$("$build/harness/pumphil" fta validate --map "$map" --report "$build/fta-report" -j 2 "$tree" 2>&1)
rc=$?
fail() { echo "FAIL: $*"; printf '%s\n' "$out" | grep -v '^PASS\|^SKIP' | head -40; exit 1; }
[ $rc -eq 1 ] || fail "exit status $rc, expected 1"
grep -q '^firmware: planted bug occlusion_off' <<<"$out" || fail "build not reported as occlusion_off"
grep -q 'contradiction: under_infusion_undetected reached by {catheter_occlusion_total} alone' <<<"$out" ||
	fail "no contradiction for catheter_occlusion_total"
grep -q 'contradiction: therapy_lost_without_alarm reached by {catheter_occlusion_total} alone' <<<"$out" ||
	fail "no therapy-lost contradiction"
# Cut sets holding the plant's event run with the bug standing for it and
# must still reach the hazard (no contradiction there).
grep -q '^PASS .*under_infusion_undetected: cut set {catheter_occlusion_total, occlusion_detection_failure}' <<<"$out" ||
	fail "cut set with occlusion_detection_failure not run as present"
# The report carries the fault-tree table and the JUnit file the testcases.
html=$build/fta-report/index.html
grep -q '<h2 id=fta>Fault-tree validation</h2>' "$html" || fail "no fault-tree table in $html"
[ "$(grep -c 'contradiction</td>' "$html")" -eq 4 ] || fail "expected 4 contradiction rows in $html"
grep -q 'testcase.*catheter_occlusion_total' "$build/fta-report/junit.xml" || fail "no JUnit testcase"
echo "ok: occlusion_off contradictions reported"
