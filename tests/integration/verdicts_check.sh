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
grep -q "^(1 flaky)$" "$W/out" || fail "no breakdown line"
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

# Known issues: xfail when the test fails as expected (the run passes), xpass
# when it passes (the run fails until the issue is closed); JUnit skipped and
# failure type xpass, schema-valid; HTML and record name the issue.
"$P" run --report "$W/known" "$S/known.lua" >"$W/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "xpass: rc $rc, expected 1"
grep -Eq "^XFAIL +known issues / a known issue that still fails" "$W/out" || fail "no XFAIL line"
grep -q "known issue BUG-12: pump mode: expected 7, got 0" "$W/out" || fail "xfail message"
grep -Eq "^XPASS +known issues / a known issue that now passes" "$W/out" || fail "no XPASS line"
grep -q "passed, but known issue BUG-13" "$W/out" || fail "xpass message"
grep -q "^(1 xpass, 1 xfail)$" "$W/out" || fail "breakdown"
grep -q "^1 passed, 1 failed, 1 skipped$" "$W/out" || fail "closing line"
xmllint --noout --schema "$XSD" "$W/known/junit.xml" 2>"$W/out" || fail "known: junit.xml is not junit-10"
python3 - "$W/known" <<'PY' || fail "known: junit/html/record"
import json, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
cases = {c.get("name"): c for c in ET.parse(d + "/junit.xml").getroot().iter("testcase")}
x = cases["a known issue that still fails"]
assert x.find("skipped") is not None and "BUG-12" in x.find("skipped").get("message"), ET.tostring(x)
p = cases["a known issue that now passes"]
assert p.find("failure") is not None and p.find("failure").get("type") == "xpass", ET.tostring(p)
assert all(cases["an ordinary pass"].find(k) is None for k in ("failure", "error", "skipped")), \
    "the pass has an outcome element"
html = open(d + "/index.html").read()
assert "Known issue BUG-12" in html and "known issue BUG-13" in html, "index.html names no issue"
r = json.load(open(d + "/record.json"))
v = {t["name"]: t["verdict"] for t in r["tests"]}
assert v == {"a known issue that still fails": "xfail", "a known issue that now passes": "xpass",
             "an ordinary pass": "pass"}, v
s = r["summary"]
assert (s["xfail"], s["xpass"], s["failed"], s["skipped"]) == (1, 1, 1, 1), s
PY
"$P" run --no-report "$S/known_only_xfail.lua" >"$W/out" 2>&1
[ $? -eq 0 ] || fail "a run whose only failure is a known issue must pass"
"$P" run --no-report "$S/bad_xfail.lua" >"$W/out" 2>&1
[ $? -eq 2 ] || fail "xfail without a reason: expected exit 2"
grep -q "bad_xfail.lua:3: test 'xfail without a reason': xfail.reason must say why" "$W/out" ||
  fail "xfail without a reason: message"
echo "ok: xfail, xpass"
