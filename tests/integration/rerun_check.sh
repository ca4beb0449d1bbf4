#!/bin/sh
# rerun_check.sh PUMPHIL SCRIPT WORKDIR - `run --rerun-failed RUN_DIR` runs
# exactly the tests that failed in RUN_DIR's record, and says so when none
# did.
set -u
P=$1 S=$2 W=$3
rm -rf "$W"
fail() { echo "rerun_check.sh: $*"; cat "$W/out" 2>/dev/null; exit 1; }
"$P" run --report "$W/first" "$S" >"$W.out1" 2>&1
[ $? -eq 1 ] || fail "the first run did not fail"
"$P" run --report "$W/again" --rerun-failed "$W/first" "$S" >"$W/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "rerun: rc $rc, expected 1"
grep -q "FAIL  flags / second fails" "$W/out" || fail "the failed test did not run again"
grep -q "first passes\|third passes" "$W/out" && fail "a passing test ran again"
grep -q "^0 passed, 1 failed" "$W/out" || fail "no summary"
# A run with nothing failed: nothing to rerun, exit 0.
"$P" run --report "$W/ok" --filter first "$S" >/dev/null 2>&1 || fail "the passing run failed"
"$P" run --report "$W/none" --rerun-failed "$W/ok" "$S" >"$W/out" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "nothing to rerun: rc $rc, expected 0"
grep -q "nothing to rerun" "$W/out" || fail "no 'nothing to rerun' message"
# A directory without a record is bad input.
"$P" run --rerun-failed "$W/nowhere" "$S" >"$W/out" 2>&1
[ $? -eq 2 ] || fail "missing record: expected rc 2"
grep -q "nowhere/record.json" "$W/out" || fail "missing record: no message naming it"
echo "ok: rerun-failed"
