#!/usr/bin/env bash
# Shards 1/3, 2/3 and 3/3 together list every test exactly once.
set -euo pipefail
bin=$1; dir=$2
"$bin" run --list "$dir" | sort > /tmp/shard_all.$$
for k in 1 2 3; do "$bin" run --list --shard $k/3 "$dir"; done | sort > /tmp/shard_union.$$
n=$(wc -l < /tmp/shard_all.$$)
[ "$n" -ge 9 ] || { echo "need at least 9 tests, got $n"; exit 1; }
if ! diff -u /tmp/shard_all.$$ /tmp/shard_union.$$; then echo "shards differ from the whole"; exit 1; fi
dups=$(uniq -d /tmp/shard_union.$$ | wc -l)
[ "$dups" -eq 0 ] || { echo "$dups tests in more than one shard"; exit 1; }
for k in 1 2 3; do
  c=$("$bin" run --list --shard $k/3 "$dir" | wc -l)
  [ "$c" -gt 0 ] || { echo "shard $k/3 is empty"; exit 1; }
done
rm -f /tmp/shard_all.$$ /tmp/shard_union.$$
echo "shards: $n tests, each exactly once"
