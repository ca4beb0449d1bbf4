#!/bin/bash
# fta_plant.sh SRC BUILD MAP TREE PUMPHIL: builds pumphil with the
# occlusion_off planted bug in BUILD (configured once, only the pumphil
# target) and runs the fault-tree validation on it.  The plant stands for
# the basic event occlusion_detection_failure, present without injection on
# that build: a total occlusion alone must then reach the hazards as the cut
# set {catheter_occlusion_total, occlusion_detection_failure} does, and is
# no contradiction (issue 20: it was reported as one).  Then `pumphil fta
# merge` joins that run with the reference build's (PUMPHIL) into one
# verdict that names what each build plants.
set -u
src=$1 build=$2 map=$3 tree=$4 ref=$5
if [ ! -f "$build/build.ninja" ]; then
	cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPUMPHIL_PLANT=occlusion_off \
		>"$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
fi
cmake --build "$build" --target pumphil >"$build.build.log" 2>&1 || { tail -30 "$build.build.log"; exit 1; }
rm -rf "$build/fta-report" "$build/fta-ref" "$build/fta-ref3"
out=$("$build/harness/pumphil" fta validate --map "$map" --report "$build/fta-report" -j 2 "$tree" 2>&1)
rc=$?
fail() { echo "FAIL: $*"; printf '%s\n' "$out" | grep -v '^PASS\|^SKIP' | head -40; exit 1; }
[ $rc -eq 0 ] || fail "exit status $rc, expected 0 (no contradiction with the planted event present)"
grep -q '^firmware: planted bug occlusion_off' <<<"$out" || fail "build not reported as occlusion_off"
for top in over_infusion under_infusion_undetected therapy_lost_without_alarm; do
	grep -q "^PASS .*$top: single {catheter_occlusion_total}" <<<"$out" ||
		fail "single {catheter_occlusion_total} of $top not consistent with the plant present"
done
grep -q '^PASS .*under_infusion_undetected: cut set {catheter_occlusion_total, occlusion_detection_failure}' <<<"$out" ||
	fail "cut set with occlusion_detection_failure not run as present"
python3 - "$build/fta-report/record.json" <<'PY' || exit 1
import json, sys
t = [t for t in json.load(open(sys.argv[1]))["tests"]
     if t["name"] == "under_infusion_undetected: single {catheter_occlusion_total}"][0]["fta"]
if t["present"] != ["occlusion_detection_failure"] or not t["expect_hazard"] or not t["hazard"]:
    print("FAIL: the planted event is not recorded as present:", t); sys.exit(1)
PY
# The report carries the fault-tree table and the JUnit file the testcases.
html=$build/fta-report/index.html
grep -q '<h2 id=fta>Fault-tree validation</h2>' "$html" || fail "no fault-tree table in $html"
[ "$(grep -c 'contradiction</td>' "$html")" -eq 0 ] || fail "contradiction rows in $html"
grep -q 'testcase.*catheter_occlusion_total' "$build/fta-report/junit.xml" || fail "no JUnit testcase"

# One verdict over both builds: what each plants, the cut sets only the
# planted build could run counted as exercised.
"$ref" fta validate --map "$map" --report "$build/fta-ref" -j 2 "$tree" >/dev/null 2>&1 ||
	fail "the reference build's validation failed"
out=$("$ref" fta merge --json "$build/fta-merged.json" "$build/fta-ref" "$build/fta-report" 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "merge: exit status $rc, expected 0"
grep -q "^build .*fta-report: planted bug occlusion_off (plants occlusion_detection_failure)$" <<<"$out" ||
	fail "merge does not say what the occlusion_off build plants"
grep -q "^over_infusion: cut set {catheter_occlusion_total, occlusion_detection_failure}: consistent (ran on occlusion_off)$" <<<"$out" ||
	fail "merge: the planted build's cut set"
grep -q "^coverage: over_infusion: 2 of 6 cut sets exercised on some build, 5.042 % of their probability$" <<<"$out" ||
	fail "merge: merged coverage"
grep -q "^fta merge: 28 consistent, 0 contradictions, 0 errors (not judged), 20 never run, over 2 builds$" <<<"$out" ||
	fail "merge: verdict line"
# Runs of another order (or tree, or map) are not merged.
"$ref" fta validate --map "$map" --order 1 --top over_infusion --report "$build/fta-ref3" "$tree" >/dev/null 2>&1
out=$("$ref" fta merge "$build/fta-ref" "$build/fta-ref3" 2>&1)
rc=$?
[ $rc -eq 2 ] && grep -q "fta-ref3/fta_validation.json: error: validated other trees, map or order" <<<"$out" ||
	fail "merge of runs with different orders: exit $rc"
echo "ok: occlusion_off consistent with its planted event; merged verdict over two builds"
