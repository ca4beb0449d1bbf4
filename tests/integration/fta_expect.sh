#!/bin/bash
# fta_expect.sh [--rc N] [--stderr ERE] [--stdout ERE] [--one-line] -- CMD...
# Runs CMD and checks its exit status (default 0) and that stdout/stderr
# match the extended regular expressions ('.' also matches newlines).
# --one-line: stderr must be exactly one line (one clear error per bad tree).
set -u
rc_want=0 err_re= out_re= one_line=0
while [ $# -gt 0 ]; do
	case $1 in
	--rc) rc_want=$2; shift 2 ;;
	--stderr) err_re=$2; shift 2 ;;
	--stdout) out_re=$2; shift 2 ;;
	--one-line) one_line=1; shift ;;
	--) shift; break ;;
	*) echo "fta_expect: bad argument '$1'" >&2; exit 2 ;;
	esac
done
cmd="$*"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$@" >"$tmp/out" 2>"$tmp/err"
rc=$?
out=$(cat "$tmp/out"; echo x) err=$(cat "$tmp/err"; echo x)
out=${out%x} err=${err%x}
fail() {
	echo "FAIL: $*"
	echo "--- command: $cmd"
	echo "--- stdout:"; printf '%s' "$out" | head -40
	echo "--- stderr:"; printf '%s' "$err"
	exit 1
}
[ "$rc" = "$rc_want" ] || fail "exit status $rc, expected $rc_want"
if [ -n "$err_re" ] && ! [[ $err =~ $err_re ]]; then fail "stderr does not match: $err_re"; fi
if [ -n "$out_re" ] && ! [[ $out =~ $out_re ]]; then fail "stdout does not match: $out_re"; fi
if [ $one_line = 1 ]; then
	lines=$(printf '%s' "$err" | wc -l)
	[ "$lines" = 1 ] && [ "${err: -1}" = $'\n' ] || fail "stderr is not exactly one line"
fi
exit 0
