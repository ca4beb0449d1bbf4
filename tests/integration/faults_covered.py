#!/usr/bin/env python3
"""faults_covered.py RECORD CATALOGUE - every catalogue entry was injected by
a passing test of the run (its fault span in the record), and every test of
the run passed.  Run on the fault suite's record."""
import json
import sys

record = json.load(open(sys.argv[1]))
catalogue = json.load(open(sys.argv[2]))
names = {f["name"] for f in catalogue["faults"]}
tested, failed = {}, []
for t in record["tests"]:
    if t["verdict"] != "pass":
        failed.append(t["suite"] + " / " + t["name"])
        continue
    for s in t.get("spans", []):
        if s.get("kind") == "fault":
            tested.setdefault(s["label"], []).append(t["name"])
missing = sorted(names - set(tested))
if failed or missing:
    for f in failed:
        print(f"faults_covered: failed: {f}")
    for m in missing:
        print(f"faults_covered: catalogue entry '{m}' is injected by no passing test")
    sys.exit(1)
print(f"faults_covered: all {len(names)} catalogue entries injected by passing tests "
      f"({len(record['tests'])} tests)")
