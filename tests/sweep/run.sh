#!/usr/bin/env bash
# Every dynamically linked program of this system, run with --version by the system loader
# and by ld-mmld.so, both named on the command line (so both see the same argv[0] and
# /proc/self/exe): same stdout, same exit status. Programs whose output changes from run to
# run (groff starts troff and grotty at once) are retried before they count as different; one
# whose lines come in a different order from run to run under the system loader itself is
# then compared as sorted lines.
# usage: run.sh BUILD_DIR [DIR...]   (default DIRs: /usr/bin /usr/sbin)
set -u
BUILD=$(cd "${1:-build}" && pwd)
shift || true
RTLD=$BUILD/ld-mmld.so
SYSTEM_LOADER=/lib64/ld-linux-x86-64.so.2
DIRS=("$@")
MIN=1
[ ${#DIRS[@]} -gt 0 ] || { DIRS=(/usr/bin /usr/sbin); MIN=50; }
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT

# Programs that act on the machine or wait for a terminal even when asked for --version.
SKIP='^(reboot|shutdown|halt|poweroff|init|telinit|runlevel|kill.*|pkill|agetty|getty|login|su|sulogin|nologin|yes|watch|top|htop|less|more|vi.*|ex|view|script.*|fdisk|sfdisk|cfdisk|mkfs.*|mkswap|swapon|swapoff|wall|write)$'

# One program: "same", or "DIFF <path> <why>" after three tries.
one() {
	local p=$1 w=$2 try unstable=
	for try in 1 2 3; do
		# (Subshells: a crash is reported in the exit status, not by this shell on stderr.)
		(timeout 10 "$SYSTEM_LOADER" "$p" --version </dev/null >"$w.sys") 2>/dev/null
		local r1=$?
		(timeout 10 "$RTLD" "$p" --version </dev/null >"$w.our") 2>/dev/null
		local r2=$?
		# A program that prints its own path prints the loader's (/proc/self/exe).
		sed -i "s#$SYSTEM_LOADER#$RTLD#g; s#/lib/x86_64-linux-gnu/ld-linux-x86-64\.so\.2#$RTLD#g; s#ld-linux-x86-64\.so\.2#ld-mmld.so#g" "$w.sys"
		if [ $r1 = $r2 ] && cmp -s "$w.sys" "$w.our"; then
			echo same
			return
		fi
		[ $try = 1 ] && cp "$w.sys" "$w.first"
		cmp -s "$w.sys" "$w.first" || unstable=1
	done
	if [ -n "$unstable" ] && [ $r1 = $r2 ] && cmp -s <(sort "$w.sys") <(sort "$w.our"); then
		echo same
		return
	fi
	echo "DIFF $p: exit $r1 under the system loader, $r2 under ld-mmld.so$(cmp -s "$w.sys" "$w.our" || echo ', stdout differs')"
}
export -f one
export SYSTEM_LOADER RTLD

for d in "${DIRS[@]}"; do
	for p in "$d"/*; do
		[ -f "$p" ] && [ -x "$p" ] || continue
		[[ $(basename "$p") =~ $SKIP ]] && continue
		# Dynamically linked x86-64 programs that name the system loader.
		[ "$(head -c4 "$p" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ] || continue
		readelf -lW "$p" 2>/dev/null | grep -q '\[Requesting program interpreter: /lib64/ld-linux-x86-64.so.2\]' || continue
		echo "$p"
	done
done | sort -u >"$TMPD/list"

n=$(wc -l <"$TMPD/list")
export TMPD
nl -ba "$TMPD/list" | xargs -P "$(nproc)" -L1 bash -c 'one "$1" "$TMPD/w$0"' >"$TMPD/results"
good=$(grep -c '^same$' "$TMPD/results")
bad=$(grep -c '^DIFF' "$TMPD/results")
grep '^DIFF' "$TMPD/results"
echo "sweep: $good passed, $bad failed (every dynamically linked program in ${DIRS[*]}, --version)"
# Fewer than 50 programs in /usr/bin and /usr/sbin means the search for them went wrong,
# not that all is well.
[ "$bad" = 0 ] && [ "$good" = "$n" ] && [ "$n" -ge "$MIN" ]
