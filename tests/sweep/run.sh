#!/usr/bin/env bash
# Every dynamically linked program of this system, run with --version by the system loader
# and by ld-mmld.so, both named on the command line (so both see the same argv[0] and
# /proc/self/exe): same stdout, same exit status. Programs whose output changes from run to
# run (groff starts troff and grotty at once) are retried before they count as different, and
# after the retries the same lines in another order count as alike (groff's order changes from
# run to run under the system loader itself, often enough that its own runs can agree three
# times in a row while ours did not).
#
# ld-mmld.so runs each program four times: as it is (the relocation cache off), then with
# MMLD_RELOC_CACHE=1 on an empty cache (cold: every library relocated and published), again
# (warm: every library mapped from the cache), and with MMLD_RELOC_CACHE=verify (relocated
# normally and compared with the cache word by word: a difference is exit status 127). Each
# program gets its own cache directory, removed after it. The warm run must use every image
# the cold run published (the distinct names in the cache's hits log).
# usage: run.sh BUILD_DIR [DIR...]   (default DIRs: /usr/bin /usr/sbin)
set -u
BUILD=$(cd "${1:-build}" && pwd)
# The cache runs hold every library, however small (below its default minimum, MMLD_RELOC_CACHE_MIN, a
# library is relocated as without the cache: the sweep would check less).
export MMLD_RELOC_CACHE_MIN=0
# and the cold run publishes every image, however large (by default one over 1 MiB waits for its
# second miss, MMLD_RELOC_CACHE_DEFER: the warm run would map fewer than the cold one published).
export MMLD_RELOC_CACHE_DEFER=0
shift || true
RTLD=$BUILD/ld-mmld.so
SYSTEM_LOADER=/lib64/ld-linux-x86-64.so.2
DIRS=("$@")
MIN=1
[ ${#DIRS[@]} -gt 0 ] || { DIRS=(/usr/bin /usr/sbin); MIN=50; }
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT

# Programs that act on the machine or wait for a terminal even when asked for --version;
# PAM's unix_chkpwd/unix_update sleep 10 s when not run by PAM, racing the 10 s timeout.
SKIP='^(reboot|shutdown|halt|poweroff|init|telinit|runlevel|kill.*|pkill|agetty|getty|login|su|sulogin|nologin|yes|watch|top|htop|less|more|vi.*|ex|view|script.*|fdisk|sfdisk|cfdisk|mkfs.*|mkswap|swapon|swapoff|wall|write|unix_chkpwd|unix_update)$'

# The system loader's run, into $w.sys and $r1.
system_run() {
	(timeout 10 "$SYSTEM_LOADER" "$p" --version </dev/null >"$w.sys") 2>/dev/null
	r1=$?
	# A program that prints its own path prints the loader's (/proc/self/exe).
	sed -i "s#$SYSTEM_LOADER#$RTLD#g; s#/lib/x86_64-linux-gnu/ld-linux-x86-64\.so\.2#$RTLD#g; s#ld-linux-x86-64\.so\.2#ld-mmld.so#g" "$w.sys"
}

# One run of ours against the system loader's: true if alike, else why in $why. $1 names the
# run, $2 is "cold" if the cache must be empty first, the rest its environment. Tried three
# times, the system loader's run again each time.
ours() {
	local what=$1 empty=$2 try r
	shift 2
	for try in 1 2 3; do
		[ "$empty" = cold ] && rm -rf "$cache"
		(env "$@" timeout 10 "$RTLD" "$p" --version </dev/null >"$w.our") 2>/dev/null
		r=$?
		[ "$r" = "$r1" ] && cmp -s "$w.sys" "$w.our" && return 0
		why="exit $r1 under the system loader, $r under ld-mmld.so ($what)$(cmp -s "$w.sys" "$w.our" || echo ', stdout differs')"
		system_run
	done
	[ "$r" = "$r1" ] && cmp -s <(sort "$w.sys") <(sort "$w.our")
}

# One program: "same PUBLISHED HITS PATH", or "DIFF PATH: why".
one() {
	local p=$1 w=$2 why r1 cache=$2.rc published hits
	system_run
	if ours plain - && ours cold cold MMLD_RELOC_CACHE=1 MMLD_RELOC_CACHE_DIR="$cache" &&
		published=$(find "$cache" -type f -name '*.rc' | wc -l) &&
		ours warm - MMLD_RELOC_CACHE=1 MMLD_RELOC_CACHE_DIR="$cache" &&
		hits=$(cat "$cache"/*/hits 2>/dev/null | od -An -tx1 -v -w16 | sort -u | grep -c .) ;
		[ -n "$hits" ] &&
		ours verify - MMLD_RELOC_CACHE=verify MMLD_RELOC_CACHE_DIR="$cache"; then
		echo "same $published $hits $p"
	else
		echo "DIFF $p: $why"
	fi
	rm -rf "$cache"
}
export -f one ours system_run
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
good=$(grep -c '^same ' "$TMPD/results")
bad=$(grep -c '^DIFF' "$TMPD/results")
grep '^DIFF' "$TMPD/results"
# Images published by a cold run and not used by the warm run after it.
unused=$(awk '$1 == "same" && $3 < $2 { print "unused images: " $4 ": " $2 " published, " $3 " used" }' "$TMPD/results")
[ -z "$unused" ] || echo "$unused"
read -r published hits < <(awk '$1 == "same" { p += $2; h += $3 } END { print p + 0, h + 0 }' "$TMPD/results")
echo "sweep: $good passed, $bad failed (every dynamically linked program in ${DIRS[*]}, --version;" \
	"cache off, cold, warm and verify: $published images published, $hits used)"
# Fewer than 50 programs in /usr/bin and /usr/sbin means the search for them went wrong,
# not that all is well.
[ "$bad" = 0 ] && [ "$good" = "$n" ] && [ "$n" -ge "$MIN" ] && [ -z "$unused" ] && [ "$published" -gt 0 ]
