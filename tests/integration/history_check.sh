#!/bin/bash
# history_check.sh MODE KIND SRC BIN WORK [PLANT_BIN]: the results history's
# acceptance checks (docs/history.md), against KIND sqlite (a temporary
# file) or pg (a database of its own on the server $PUMPHIL_TEST_PG names).
#
#   unreachable  a run whose store cannot be reached passes and warns; its
#                record is then imported once, a second import is a no-op
#   concurrent   two runs write the same store at once: exact row counts
#   regression   the same tests on the clean build and on PLANT_BIN (the
#                occlusion_slow planted bug) with several seeds: compare
#                names the occlusion latency as moved and nothing else, and
#                the one-in-five test as flaky with its rate
#
# A pg check with no PUMPHIL_TEST_PG fails under CI=true and skips (77)
# elsewhere.
set -u
mode=$1 kind=$2 src=$3 bin=$4 work=$5 plant=${6:-}
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" || exit 1
cd "$src" || exit 1

case $kind in
sqlite) url="sqlite:$work/history.sqlite" ;;
pg)
	if [ -z "${PUMPHIL_TEST_PG:-}" ]; then
		[ "${CI:-}" = true ] && fail "CI=true but PUMPHIL_TEST_PG is not set: no PostgreSQL server (run the tests through tools/with-pg.sh)"
		echo "SKIP: PUMPHIL_TEST_PG not set (make test starts a server with pg_virtualenv)"
		exit 77
	fi
	db="ph_${mode}_$$"
	psql "$PUMPHIL_TEST_PG" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	psql "$PUMPHIL_TEST_PG" -qc "CREATE DATABASE $db" || fail "cannot create database $db"
	trap 'psql "$PUMPHIL_TEST_PG" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT
	url="$PUMPHIL_TEST_PG dbname=$db"
	;;
*) fail "unknown kind $kind" ;;
esac
flaky=tests/integration/history/flaky.lua

# stats_is RUNS TESTS MEASUREMENTS
stats_is() {
	got=$("$bin" history --db "$url" stats) || fail "history stats: $got"
	want=$(printf 'schema_version 1\nruns %s\ntests %s\nmeasurements %s' "$1" "$2" "$3")
	[ "$got" = "$want" ] || fail "store holds
$got
expected
$want"
}

case $mode in
unreachable)
	out=$("$bin" run --seed 3 --repeat 4 --history "postgresql://127.0.0.1:1/nowhere" \
		--report "$work/run" $flaky 2>&1)
	rc=$?
	[ $rc -le 1 ] || fail "run exit status $rc (an unreachable store must not fail the run): $out"
	grep -q "warning: history: cannot open postgresql://127.0.0.1:1/nowhere.*Connection refused.*: the run's record stays in $work/run; load it later with: pumphil history import $work/run" <<<"$out" ||
		fail "no warning naming the record: $out"
	[ -f "$work/run/record.json" ] || fail "no record on disk"
	stats_is 0 0 0
	out=$("$bin" history --db "$url" import "$work/run") || fail "import: $out"
	grep -q "^imported $work/run (run " <<<"$out" || fail "first import: $out"
	stats_is 1 8 4
	out=$("$bin" history --db "$url" import "$work/run") || fail "second import: $out"
	grep -q "is already in the history, not imported again" <<<"$out" || fail "second import: $out"
	stats_is 1 8 4
	# The verdicts the store holds are the record's.
	n=$("$bin" history --db "$url" verdicts "one in five" | grep -c ',history / one in five,')
	[ "$n" -eq 4 ] || fail "verdicts: $n rows for the one-in-five test, expected 4"
	echo "ok: unreachable store warned, record imported once ($kind)"
	;;
concurrent)
	for round in 1 2 3; do
		"$bin" run -q --seed $round --repeat 10 --history "$url" --report "$work/a$round" $flaky \
			>"$work/a$round.out" 2>&1 &
		a=$!
		"$bin" run -q --seed $((round + 10)) --repeat 10 --history "$url" --report "$work/b$round" \
			$flaky >"$work/b$round.out" 2>&1 &
		b=$!
		wait $a; ra=$?
		wait $b; rb=$?
		[ $ra -le 1 ] && [ $rb -le 1 ] || fail "round $round: exit $ra, $rb: $(cat "$work/a$round.out" "$work/b$round.out")"
		! grep -q "warning: history" "$work/a$round.out" "$work/b$round.out" ||
			fail "a writer lost its store: $(grep -h "warning: history" "$work"/*.out)"
	done
	# 6 runs of 20 tests, each with one measurement in half of them.
	stats_is 6 120 60
	echo "ok: 6 runs written two at a time, no row lost or doubled ($kind)"
	;;
regression)
	[ -x "$plant" ] || fail "no plant build at $plant"
	clean_build=$("$bin" --version | sed -n 's/.*(\(.*\))$/\1/p')
	plant_build=$("$plant" --version | sed -n 's/.*(\(.*\))$/\1/p')
	[ "$plant_build" = "$clean_build+plant-occlusion_slow" ] ||
		fail "build ids: clean '$clean_build', plant '$plant_build'"
	for seed in 1 2 3; do
		for side in clean plant; do
			exe=$bin
			[ $side = plant ] && exe=$plant
			"$exe" run -q --seed $seed --repeat 5 --history "$url" --report "$work/$side-o$seed" \
				--filter "20 psi" scripts/regression/alarms.lua >"$work/$side-o$seed.out" 2>&1
			"$exe" run -q --seed $((seed * 7)) --repeat 5 --history "$url" \
				--report "$work/$side-f$seed" $flaky >"$work/$side-f$seed.out" 2>&1
		done
	done
	! grep -q "warning: history" "$work"/*.out || fail "a run was not stored"
	out=$("$bin" compare --db "$url" "build=$clean_build" "build=$plant_build")
	rc=$?
	printf '%s\n' "$out"
	[ $rc -eq 1 ] || fail "compare exit status $rc, expected 1 (differences)"
	grep -q "^compare: A build=$clean_build (6 runs), B build=$plant_build (6 runs)$" <<<"$out" ||
		fail "compare's sides"
	[ "$(grep -c '^  MOVED ' <<<"$out")" -eq 1 ] || fail "expected exactly one moved measurement"
	grep -Eq '^  MOVED  Alarms / occlusion alarm for a line held at 20 psi: alarm latency at 20 psi  A [0-9.]+ s .*n 15\) -> B [0-9.]+ s .*n 15\): shift \+[0-9.]+ s \(\+(1[5-9]|2[0-5])\.[0-9]%\)' <<<"$out" ||
		fail "the occlusion latency is not named as moved by 15-25%"
	[ "$(grep -c '^  FLAKY ' <<<"$out")" -eq 1 ] || fail "expected exactly one flaky test"
	grep -Eq '^  FLAKY  history / one in five  A [0-9]+/15 failed \([0-9]+%\), B [0-9]+/15 failed \([0-9]+%\)$' <<<"$out" ||
		fail "the one-in-five test is not named flaky with its rate"
	# Its rate is what the store holds.
	fa=$("$bin" history --db "$url" --build "$clean_build" verdicts "one in five" | grep -c ',fail,')
	grep -q "FLAKY  history / one in five  A $fa/15 failed" <<<"$out" || fail "rate A is not $fa/15"
	grep -q "steady reading" <<<"$out" && fail "the steady reading was named"
	echo "ok: compare names the planted occlusion regression and the flaky test only ($kind)"
	;;
*) fail "unknown mode $mode" ;;
esac
