#!/bin/sh
# verdicts_check.sh PUMPHIL SCRIPTS_DIR XSD WORKDIR - the flaky verdict end
# to end: a test that fails on its first attempt and passes on a retry is
# FLAKY on the console, exit 0, "flaky" with every attempt in the record,
# a pass in a schema-valid junit.xml, and said so in index.html; without
# --retry the same run fails (exit 1).
set -u
P=$1 S=$2 XSD=$3 W=$4
rm -rf "$W"
mkdir -p "$W"
fail() { echo "verdicts_check.sh: $*"; cat "$W/out" 2>/dev/null; exit 1; }
"$P" run --seed 2 --report "$W/once" "$S/flaky.lua" >"$W/out" 2>&1
[ $? -eq 1 ] || fail "without --retry: expected exit 1"
"$P" run --seed 2 --retry 3 --report "$W/retry" "$S/flaky.lua" >"$W/out" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "with --retry: rc $rc, expected 0"
grep -Eq "^FLAKY +flaky / one in two" "$W/out" || fail "no FLAKY line"
grep -q "1 flaky" "$W/out" || fail "no breakdown line"
grep -q "^1 passed, 0 failed$" "$W/out" || fail "closing line"
python3 - "$W/retry/record.json" <<'PY' || fail "record"
import json, sys
t = json.load(open(sys.argv[1]))["tests"][0]
assert t["verdict"] == "flaky", t["verdict"]
a = t["attempts"]
assert a and all(x["verdict"] == "fail" for x in a), a
assert a[0]["trace"] == "traces/0001.pcapng" and t["trace"].startswith("traces/0001-retry"), t
assert len({x["seed"] for x in a} | {t["seed"]}) == len(a) + 1, "attempts share a seed"
PY
xmllint --noout --schema "$XSD" "$W/retry/junit.xml" 2>"$W/out" || fail "junit.xml is not junit-10"
grep -q "<failure\|<error" "$W/retry/junit.xml" && fail "junit.xml reports the flaky test as failed"
grep -q "Flaky: passed on a retry" "$W/retry/index.html" || fail "index.html does not say flaky"
echo "ok: flaky"
