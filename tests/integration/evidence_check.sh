#!/usr/bin/env bash
# evidence_check.sh PUMPHIL SCRIPTS_DIR CASE - a run that cannot write its
# evidence never exits 0, and one that is stopped keeps what it recorded.
#   unwritable   --report under a regular file, and /dev/null: exit 2 before
#                any test, naming the directory
#   full         the disk fills up mid-run (RLIMIT_FSIZE): exit 3, naming
#                the file that could not be written
#   trace-full   a test's trace cannot be written: exit 3, naming the trace
#   locked       another run holds the report directory: exit 2, naming it
#   sigint-1     SIGINT mid-test (-j 1): the test is an interrupted error,
#                record/JUnit/HTML written, the summary printed, exit 130
#   sigterm-2    SIGTERM to the runner mid-test with -j 2: the same, exit 143
set -uo pipefail
bin=$1 scripts=$2 case=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL ($case): $*"; echo "--- output:"; cat "$work/out" 2>/dev/null; exit 1; }

case $case in
unwritable)
  : > "$work/file"
  "$bin" run --report "$work/file/run" "$scripts/quick.lua" > "$work/out" 2>&1
  rc=$?
  [ $rc -eq 2 ] || fail "rc $rc, expected 2"
  grep -q "cannot write reports to $work/file/run" "$work/out" || fail "no message naming the directory"
  grep -q "PASS\|passed" "$work/out" && fail "tests ran"
  "$bin" run --report /dev/null "$scripts/quick.lua" > "$work/out" 2>&1
  rc=$?
  [ $rc -eq 2 ] || fail "/dev/null: rc $rc, expected 2"
  grep -q "cannot write reports to /dev/null" "$work/out" || fail "/dev/null: no message"
  ;;
full)
  # 20 KiB per file: a trace of 10 virtual minutes fits, the record and
  # the report do not.
  (ulimit -f 20; exec "$bin" run --report "$work/run" "$scripts/quick.lua") > "$work/out" 2>&1
  rc=$?
  [ $rc -eq 3 ] || fail "rc $rc, expected 3"
  grep -Eq "pumphil: report: $work/run/[a-z0-9./]+: .*File too large" "$work/out" ||
    fail "no message naming the file"
  grep -q "1 passed, 0 failed" "$work/out" || fail "no summary"
  ;;
trace-full)
  # The test's trace lands on a full device: its evidence is lost, so the
  # run must not pass, and it says which file.
  mkdir -p "$work/run/traces"
  ln -s /dev/full "$work/run/traces/0001.pcapng"
  "$bin" run --report "$work/run" "$scripts/quick.lua" > "$work/out" 2>&1
  rc=$?
  [ $rc -eq 3 ] || fail "rc $rc, expected 3"
  grep -q "pumphil: evidence: trace not written: $work/run/traces/0001.pcapng: No space left" \
    "$work/out" || fail "no message naming the trace"
  grep -q "1 passed, 0 failed" "$work/out" || fail "no summary"
  [ -s "$work/run/record.json" ] || fail "the record was not written"
  ;;
locked)
  mkdir -p "$work/run"
  flock "$work/run/.pumphil.lock" "$bin" run --report "$work/run" "$scripts/quick.lua" \
    > "$work/out" 2>&1
  rc=$?
  [ $rc -eq 2 ] || fail "rc $rc, expected 2"
  grep -q "$work/run is in use by another run" "$work/out" || fail "no message naming the directory"
  [ -e "$work/run/record.json" ] && fail "the second run wrote a record"
  # Free again: the same directory works.
  "$bin" run --report "$work/run" "$scripts/quick.lua" > "$work/out" 2>&1 || fail "unlocked run failed"
  ;;
sigint-1|sigterm-2)
  sig=${case%-*}; jobs=${case#*-}
  sig=${sig#sig}; sig=${sig^^}
  "$bin" run -j "$jobs" --wall-timeout 60s --report "$work/run" "$scripts/slow.lua" \
    > "$work/out" 2>&1 &
  pid=$!
  # Wait until the spinning test has started (its trace exists), then stop.
  for _ in $(seq 100); do
    [ -e "$work/run/traces/0002.pcapng" ] && break
    sleep 0.1
  done
  sleep 0.5
  kill -"$sig" "$pid"
  start=$(date +%s)
  wait "$pid"
  rc=$?
  [ $(( $(date +%s) - start )) -lt 20 ] || fail "took more than 20 s to stop"
  want=$([ "$sig" = INT ] && echo 130 || echo 143)
  [ $rc -eq "$want" ] || fail "rc $rc, expected $want"
  grep -Eq "ERROR +evidence / spins until interrupted" "$work/out" || fail "no ERROR line"
  grep -q "interrupted" "$work/out" || fail "no interrupted message"
  # With two workers the last test may have run beside the spinning one.
  grep -Eq "^[12] passed, 1 failed" "$work/out" || fail "no summary"
  for f in record.json junit.xml index.html; do
    [ -s "$work/run/$f" ] || fail "$f missing"
  done
  python3 - "$work/run/record.json" "$sig" "$jobs" <<'PY' || fail "record"
import json, sys
r = json.load(open(sys.argv[1]))
t = {x["name"]: x for x in r["tests"]}
assert t["first, quick"]["verdict"] == "pass", t
s = t["spins until interrupted"]
assert s["verdict"] == "error" and s.get("interrupted") is True, s
if sys.argv[3] == "1":
    assert "never reached when interrupted" not in t, "a test that never started is in the record"
assert r["run"].get("interrupted") == "SIG" + sys.argv[2], r["run"]
PY
  ;;
*) echo "unknown case $case"; exit 2 ;;
esac
echo "ok: $case"
