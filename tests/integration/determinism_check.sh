#!/usr/bin/env bash
# The same --seed gives the same results twice (also across -j, and from a
# copy of the suite in another folder: seeds do not depend on where the
# checkout lives); another seed gives other values.
set -euo pipefail
bin=$1; dir=$2; tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" run --seed 42 --report "$tmp/a" "$dir" >/dev/null
"$bin" run --seed 42 -j 2 --report "$tmp/b" "$dir" >/dev/null
"$bin" run --seed 43 --report "$tmp/c" "$dir" >/dev/null
mkdir -p "$tmp/elsewhere/deeper"
cp -r "$dir" "$tmp/elsewhere/deeper/"
"$bin" run --seed 42 --report "$tmp/d" "$tmp/elsewhere/deeper/$(basename "$dir")" >/dev/null
python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
def load(x):
    r = json.load(open(f"{t}/{x}/record.json"))
    return {(e["suite"], e["name"]): (e["verdict"], e["seed"], [(m["name"], m["value"]) for m in e["measurements"]]) for e in r["tests"]}
a, b, c, d = load("a"), load("b"), load("c"), load("d")
assert len(a) >= 6, a
assert a == b, "same seed, different results"
assert a == d, "same seed, different results from a copy in another folder"
diff = sum(1 for k in a if a[k][2] != c[k][2])
assert diff > 0, "another seed changed nothing"
print(f"determinism: {len(a)} tests identical for seed 42 (-j 1, -j 2, another folder); {diff} differ for seed 43")
PY
