#!/usr/bin/env bash
# The loader under threads, fork and dlopen/dlclose churn (testprogs/threads, issue 7). Each
# race program runs many times through ld-mmld.so and through the system loader: every run
# must print what the system loader's runs print and exit alike. A race shows in some runs
# only, so the counts are chosen (and measured against the code before each fix: see
# testprogs/threads/README.md) so that the old code fails the test essentially every time.
# usage: threads.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
RTLD=$BUILD/ld-mmld.so
TPT=$BUILD/testprogs/threads
. "$(dirname "$0")/lib.sh"
cd "$TPT"

# repeat NAME RUNS CMD ARGS: RUNS runs of `ld-mmld.so CMD ARGS` and of `CMD ARGS`; every run's
# stdout and status must equal the first system-loader run's, which must be the same every time.
repeat() {
	local name=$1 runs=$2; shift 2
	local i bad_ours=0 bad_sys=0
	run_cmd "$TMPD/ref" -- "$@"
	for i in $(seq 1 "$runs"); do
		run_cmd "$TMPD/sys" -- "$@"
		cmp -s "$TMPD/sys.out" "$TMPD/ref.out" && cmp -s "$TMPD/sys.rc" "$TMPD/ref.rc" || bad_sys=$((bad_sys + 1))
		run_cmd "$TMPD/ours" -- "$RTLD" "$@"
		if ! cmp -s "$TMPD/ours.out" "$TMPD/ref.out" || ! cmp -s "$TMPD/ours.rc" "$TMPD/ref.rc"; then
			[ $bad_ours = 0 ] && { diff "$TMPD/ref.out" "$TMPD/ours.out"; echo "status $(cat "$TMPD/ours.rc")";
				head -5 "$TMPD/ours.err"; } >"$TMPD/first-bad"
			bad_ours=$((bad_ours + 1))
		fi
	done
	if [ $bad_sys != 0 ]; then
		bad "$name" "the system loader's runs differ among themselves ($bad_sys of $runs): no oracle"; return
	fi
	[ -s "$TMPD/ref.out" ] || { bad "$name" "printed nothing"; return; }
	if [ $bad_ours != 0 ]; then
		cp "$TMPD/first-bad" "$TMPD/detail"
		bad "$name" "$bad_ours of $runs runs differ from the system loader's (first one: < system, > ld-mmld.so)"; return
	fi
	ok "$name"
}

# Concurrent first calls through a thousand lazy PLT slots from 4 threads, with SIGALRM every
# 100 us calling a hundred more, in 10 rounds (fresh PLTs by dlopen): before the fix 2 runs
# in 3 or more went wrong (one run in 7 with a single round), so 30 runs fail it every time.
repeat lazy-binding-race 30 ./lazy_race 4

echo "threads: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
