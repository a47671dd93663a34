#!/usr/bin/env bash
# The relocation cache (MMLD_RELOC_CACHE, rtld/relcache*.c): every program run cold (its
# libraries relocated and published), warm (mapped from the cache) and in verify mode
# (relocated and compared word by word) prints what it prints under the system loader;
# damaged, hostile or foreign cache files and directories are ignored with one LD_DEBUG line
# and the program still runs right; 16 processes on a cold cache; dlopen'ed libraries; the
# per-boot, per-user addresses; secure mode; `mmld cache`, `mmld run` and `mmld share`.
# usage: relcache.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
RTLD=$BUILD/ld-mmld.so
MMLD=$BUILD/mmld
TP=$BUILD/testprogs
EXPECTED=$(cd "$(dirname "$0")" && pwd)/expected
. "$(dirname "$0")/lib.sh"
cd "$TP"
CACHE=$TMPD/cache
export MMLD_RELOC_CACHE_DIR=$CACHE
# Every library cached, however small (the test libraries have one or two pages): the
# default minimum is checked on its own below (cache-min-*).
export MMLD_RELOC_CACHE_MIN=0
# Every image published at its first miss: publishing at the second (MMLD_RELOC_CACHE_DEFER)
# is checked on its own below (cache-defer-*).
export MMLD_RELOC_CACHE_DEFER=0
entries() { find "$CACHE" -type f -name '*.rc' 2>/dev/null | wc -l; }
hits() { cat "$CACHE"/*/hits 2>/dev/null | od -An -tx1 -v -w16 | sort -u | grep -c .; } # images used
bootdir() { echo "$CACHE/$(cat /proc/sys/kernel/random/boot_id)"; }

# against_system NAME STAGE ENV... -- PROGRAM ARGS: ours (ENV) against the system loader's
# reference run in $TMPD/ref.*: same stdout and status. Prints why not, else nothing.
against_ref() {
	local stage=$1; shift
	run_cmd "$TMPD/ours" NOLIBC_SKIP_FINI=1 "$@"
	if ! cmp -s "$TMPD/ours.out" "$TMPD/ref.out"; then
		diff "$TMPD/ref.out" "$TMPD/ours.out" | head -20
		echo "$stage: stdout differs from the system loader's (< system, > ld-mmld.so)"
	elif [ "$(cat "$TMPD/ours.rc")" != "$(cat "$TMPD/ref.rc")" ]; then
		head -5 "$TMPD/ours.err"
		echo "$stage: exit status $(cat "$TMPD/ours.rc"), system loader $(cat "$TMPD/ref.rc")"
	fi
}

# cached NAME MIN ENV... -- PROGRAM ARGS: cold, warm and verify runs of ld-mmld.so PROGRAM
# against `system-loader PROGRAM` (REF=plain: against ld-mmld.so without the cache, for what
# the system loader cannot run, tests/e2e/run.sh's golden files check that); the cold run
# publishes at least MIN images and the warm run maps every one of them.
cached() {
	local name=$1 min=$2; shift 2
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	rm -rf "$CACHE"
	if [ "${REF:-}" = plain ]; then
		run_cmd "$TMPD/ref" NOLIBC_SKIP_FINI=1 "${envs[@]}" -- "$RTLD" "$@"
	else
		run_cmd "$TMPD/ref" NOLIBC_SKIP_FINI=1 "${envs[@]}" -- "$SYSLD" "$@"
	fi
	local why
	why=$(against_ref cold "${envs[@]}" MMLD_RELOC_CACHE=1 -- "$RTLD" "$@")
	[ -z "$why" ] || { echo "$why" >"$TMPD/detail"; bad "$name" "cold cache"; return; }
	local published; published=$(entries)
	[ "$published" -ge "$min" ] || { bad "$name" "$published images published, at least $min expected"; return; }
	why=$(against_ref warm "${envs[@]}" MMLD_RELOC_CACHE=1 -- "$RTLD" "$@")
	[ -z "$why" ] || { echo "$why" >"$TMPD/detail"; bad "$name" "warm cache"; return; }
	[ "$(hits)" = "$published" ] || { bad "$name" "warm run used $(hits) of the $published images"; return; }
	why=$(against_ref verify "${envs[@]}" MMLD_RELOC_CACHE=verify -- "$RTLD" "$@")
	[ -z "$why" ] || { echo "$why" >"$TMPD/detail"; bad "$name" "verify mode"; return; }
	ok "$name"
}

# --- every feature program, cold, warm and verify, against the system loader -------------
cached cache-hello 0 -- ./hello first "second arg"
cached cache-hello-nopie 1 -- ./hello-nopie x
cached cache-deps 3 -- ./deps
cached cache-deps-preload 4 LD_PRELOAD=./libpreload.so -- ./deps
cached cache-initorder 2 -- ./initorder x
cached cache-versions 1 LD_LIBRARY_PATH=ver2 -- ./versions-v2
cached cache-weak 1 LD_PRELOAD=libweakprov.so LD_LIBRARY_PATH=. -- ./weak
cached cache-unique 2 -- ./unique
cached cache-protected 1 -- ./protected
cached cache-copy 1 -- ./copy-nopie
cached cache-ifunc 1 -- ./ifunc
REF=plain cached cache-tls 3 -- ./tls
cached cache-lazy 1 -- ./lazy
cached cache-bind-now 1 LD_BIND_NOW=1 -- ./lazy
cached cache-relr 1 -- ./relr
cached cache-origin 1 -- ./origin-runpath
cached cache-undef-lazy 1 -- ./undef-lazy
# Text relocations are never cached (ld-mmld.so warns about them on stderr).
cached cache-textrel 0 -- ./textrel
check cache-textrel-not-cached "a library with text relocations was published" [ "$(entries)" = 0 ]
cached cache-glibc-hello 1 -- ./glibc/hello one two
cached cache-glibc-threads 1 -- ./glibc/threads
cached cache-glibc-cxx 3 -- ./glibc/throw
cached cache-glibc-dlfcn 2 -- ./glibc/dltest
cached cache-glibc-deepbind 2 -- ./glibc/deepbind
cached cache-glibc-rtld-next 2 -- ./glibc/rtld_next
cached cache-glibc-dlclose 2 -- ./glibc/dlclose
cached cache-dlopen-fails 2 -- ./relcache/dlfail
cached cache-glibc-tunables 1 GLIBC_TUNABLES=glibc.malloc.tcache_count=0 -- ./glibc/tunables
cached cache-python3 4 -- /usr/bin/python3 -c 'import json, _decimal; print(json.dumps([1, 2]), _decimal.Decimal(1) / 8)'
printf 'caf\xc3\xa9\n' >"$TMPD/utf8"
cached cache-iconv 2 -- /usr/bin/iconv -f UTF-8 -t ISO-8859-1 "$TMPD/utf8"
cached cache-clang 10 -- /usr/bin/clang-14 --version

# --- a published entry never changes: a program's writes to a library's relocated data stay
# its own (a miss relocates through a shared mapping of the new entry, then maps it privately)
rm -rf "$CACHE"
run_cmd "$TMPD/ref" -- "$SYSLD" ./relcache/writes
for i in 1 2 3; do
	why=$(against_ref "run $i" MMLD_RELOC_CACHE=1 LD_DEBUG=files -- "$RTLD" ./relcache/writes)
	[ -z "$why" ] || break
	cp "$TMPD/ours.err" "$TMPD/writes$i.err"
done
run_cmd "$TMPD/wv" -- "$MMLD" cache verify
check cache-entry-never-written "the program's writes reached the cache entry: ${why:-mmld cache verify says $(grep -v '^ok' "$TMPD/wv.out" | head -1)}" \
	sh -c "[ -z '$why' ] && [ \$(cat '$TMPD/wv.rc') = 0 ] &&
		grep -q 'libwrites\.so \[0\];  relocation cache: relocated and published' '$TMPD/writes1.err' &&
		grep -q 'libwrites\.so \[0\];  relocation cache: mapped' '$TMPD/writes3.err'"

# --- an IFUNC resolver that decides once and keeps its decision in its library's data (the
# usual memoised set-up): the image holds the first process's decision, so a process mapping
# it must start its resolvers from the data as it was before they ran, and choose as the
# system loader does. relcache/ifunc's two libraries choose from IFUNC_CHOICE, one through
# IRELATIVE, one through a global IFUNC symbol its own relocations bind to.
rm -rf "$CACHE"
ifunc_run() { # ifunc_run N CHOICE: run N, against the system loader's with that choice
	run_cmd "$TMPD/ref" IFUNC_CHOICE=$2 -- "$SYSLD" ./relcache/ifunc
	why=$(against_ref "run $1 (IFUNC_CHOICE=$2)" IFUNC_CHOICE=$2 MMLD_RELOC_CACHE=1 LD_DEBUG=files -- "$RTLD" ./relcache/ifunc)
	cp "$TMPD/ours.err" "$TMPD/ifunc$1.err"
}
ifunc_ok() {
	[ -z "$why" ] && [ "$(grep -c 'libifunc_.*relocation cache: mapped' "$TMPD/ifunc2.err")" = 2 ] &&
		grep -q '^local 22 global 22$' "$TMPD/ours.out"
}
ifunc_run 1 1
[ -n "$why" ] || ifunc_run 2 2
check cache-ifunc-resolver-state "${why:-the second run did not map the two images, or chose $(cat "$TMPD/ours.out")}" ifunc_ok
run_cmd "$TMPD/iv" IFUNC_CHOICE=2 MMLD_RELOC_CACHE=verify -- "$RTLD" ./relcache/ifunc
check cache-ifunc-resolver-state-verify "MMLD_RELOC_CACHE=verify, choice 2 against an image made with 1: status $(cat "$TMPD/iv.rc"), $(head -1 "$TMPD/iv.err")" \
	sh -c "[ \$(cat '$TMPD/iv.rc') = 0 ] && grep -qx 'local 22 global 22' '$TMPD/iv.out'"

# --- MMLD_RELOC_CACHE_MIN: smaller images relocated as without the cache ------------------
# libc.so.6's image is 24 KiB: under the default minimum (32 KiB), at or over 24576 bytes.
# Under it, and alone, it does not even make the cache open (or make) its directory.
rm -rf "$CACHE"
run_cmd "$TMPD/ref" -- "$SYSLD" ./glibc/hello one
why=$(against_ref min MMLD_RELOC_CACHE_MIN= MMLD_RELOC_CACHE=1 LD_DEBUG=files -- "$RTLD" ./glibc/hello one) # empty: the default
check cache-min-default "with the default minimum, libc.so.6 (24 KiB) was cached, its directory made, or the program went wrong: $why $(entries) entries" \
	sh -c "[ -z '$why' ] && [ ! -e '$CACHE' ] && grep -q 'libc\.so\.6 \[0\];  relocation cache: not used: its image is smaller than the cache.s minimum (MMLD_RELOC_CACHE_MIN)' '$TMPD/ours.err'"
rm -rf "$CACHE"
run_cmd "$TMPD/m2" MMLD_RELOC_CACHE=1 MMLD_RELOC_CACHE_MIN=24576 LD_DEBUG=files -- "$RTLD" ./glibc/hello one
check cache-min-reached "MMLD_RELOC_CACHE_MIN=24576 did not cache libc.so.6's 24 KiB image" \
	grep -q 'libc\.so\.6 \[0\];  relocation cache: relocated and published' "$TMPD/m2.err"
run_cmd "$TMPD/m3" MMLD_RELOC_CACHE=1 MMLD_RELOC_CACHE_MIN=24577 LD_DEBUG=files -- "$RTLD" ./glibc/hello one
check cache-min-above "MMLD_RELOC_CACHE_MIN=24577 cached libc.so.6's 24 KiB image" \
	grep -q 'libc\.so\.6 \[0\];  relocation cache: not used: its image is smaller' "$TMPD/m3.err"
run_cmd "$TMPD/m4" MMLD_RELOC_CACHE=1 MMLD_RELOC_CACHE_MIN=32k -- "$RTLD" ./glibc/hello one
check cache-min-bad "MMLD_RELOC_CACHE_MIN=32k: no warning, or the program went wrong (status $(cat "$TMPD/m4.rc"))" \
	sh -c "[ \$(cat '$TMPD/m4.rc') = 0 ] && grep -q '^warning: MMLD_RELOC_CACHE_MIN=32k is not a number of bytes; using 32768' '$TMPD/m4.err'"

# --- dlopen'ed libraries are mapped from the cache too -------------------------------------
rm -rf "$CACHE"
for i in 1 2; do
	run_cmd "$TMPD/dl$i" MMLD_RELOC_CACHE=1 LD_DEBUG=files -- "$RTLD" /usr/bin/python3 -c 'import _decimal, _ctypes'
done
check cache-dlopen-python-published "python3's extension modules were not published" \
	grep -Eq '_decimal\.cpython[^ ]*\.so \[0\];  relocation cache: relocated and published' "$TMPD/dl1.err"
check cache-dlopen-python-mapped "python3's extension modules were not mapped from the cache" \
	grep -Eq '_ctypes\.cpython[^ ]*\.so \[0\];  relocation cache: mapped' "$TMPD/dl2.err"
run_cmd "$TMPD/dl3" MMLD_RELOC_CACHE=1 LD_DEBUG=files -- "$RTLD" /usr/bin/iconv -f UTF-8 -t ISO-8859-1 "$TMPD/utf8"
run_cmd "$TMPD/dl4" MMLD_RELOC_CACHE=1 LD_DEBUG=files -- "$RTLD" /usr/bin/iconv -f UTF-8 -t ISO-8859-1 "$TMPD/utf8"
check cache-dlopen-gconv-mapped "iconv's gconv module was not mapped from the cache" \
	grep -Eq 'gconv/ISO8859-1\.so \[0\];  relocation cache: mapped' "$TMPD/dl4.err"

# --- LD_DEBUG=files and maps say which objects came from the cache ---------------------
run_cmd "$TMPD/lm" MMLD_RELOC_CACHE=1 -- "$RTLD" ./deps
run_cmd "$TMPD/lm" MMLD_RELOC_CACHE=1 LD_DEBUG=files,maps -- "$RTLD" ./deps
check cache-debug-files "LD_DEBUG=files does not say libdep_a.so came from the cache" \
	grep -Eq 'libdep_a\.so \[0\];  relocation cache: mapped .*/[0-9a-f]{32}\.rc \([0-9]+ fix-ups\)' "$TMPD/lm.err"
check cache-debug-maps "LD_DEBUG=maps does not show the cache file mapped over libdep_a.so" \
	grep -Eq 'mmap 0x[0-9a-f]+-0x[0-9a-f]+ rw- .*/[0-9a-f]{32}\.rc\+0x[0-9a-f]+ \(relocation cache, relocated: .*libdep_a\.so\)' "$TMPD/lm.err"

# --- the addresses: agreed within the boot and user, in the window, random per secret ----
base_of() { # base_of LIB ERRFILE: the base LD_DEBUG=files gave LIB
	grep -A1 "file=$1 \[0\];  generating link map" "$2" | sed -nE 's/.*base: (0x[0-9a-f]+).*/\1/p' | head -1
}
for i in 1 2; do run_cmd "$TMPD/b$i" MMLD_RELOC_CACHE=1 LD_DEBUG=files -- "$RTLD" ./deps; done
b1=$(base_of libdep_a.so "$TMPD/b1.err") b2=$(base_of libdep_a.so "$TMPD/b2.err")
check cache-base-agreed "libdep_a.so at $b1, then at $b2" [ -n "$b1" ] && [ "$b1" = "$b2" ]
check cache-base-window "libdep_a.so at $b1, outside [0x200000000000, 0x300000000000)" \
	python3 -c "import sys; b = int('$b1', 16); sys.exit(not 0x200000000000 <= b < 0x300000000000)"
run_cmd "$TMPD/b3" MMLD_RELOC_CACHE=1 MMLD_RELOC_CACHE_DIR="$TMPD/other" LD_DEBUG=files -- "$RTLD" ./deps
b3=$(base_of libdep_a.so "$TMPD/b3.err")
check cache-base-per-secret "another secret (another directory) gave the same address $b3" \
	[ -n "$b3" ] && [ "$b3" != "$b1" ]
for i in 4 5; do run_cmd "$TMPD/b$i" LD_DEBUG=files -- "$RTLD" ./deps; done
b4=$(base_of libdep_a.so "$TMPD/b4.err") b5=$(base_of libdep_a.so "$TMPD/b5.err")
check cache-off-random "without the cache libdep_a.so sits at $b4 both times (randomisation per run lost)" \
	[ "$b4" != "$b5" ] && [ "$b4" != "$b1" ]
# Every agreed address taken (a program over the whole window): all relocated as without the cache.
rm -rf "$CACHE"
run_cmd "$TMPD/ref" NOLIBC_SKIP_FINI=1 -- "$SYSLD" ./relcache/window
against_ref taken MMLD_RELOC_CACHE=1 -- "$RTLD" ./relcache/window >"$TMPD/detail"
check cache-window-taken "with its agreed address taken, a library was not relocated as without the cache" \
	sh -c "[ ! -s '$TMPD/detail' ] && [ \$(find '$CACHE' -name '*.rc' | wc -l) = 0 ]"
run_cmd "$TMPD/wt" NOLIBC_SKIP_FINI=1 MMLD_RELOC_CACHE=1 LD_DEBUG=files -- "$RTLD" ./relcache/window
check cache-window-says "LD_DEBUG=files does not say why libdep_a.so was not cached" \
	grep -q 'libdep_a\.so \[0\];  relocation cache: not used: its agreed address was taken' "$TMPD/wt.err"

# --- 16 processes at once on a cold cache -----------------------------------------------
rm -rf "$CACHE"
PY='import json, _decimal, _struct; print(json.dumps({"sum": sum(range(1000))}), _decimal.Decimal(2) ** 10)'
/usr/bin/python3 -c "$PY" >"$TMPD/py.ref"
for i in $(seq 1 16); do
	(MMLD_RELOC_CACHE=1 timeout 30 "$RTLD" /usr/bin/python3 -c "$PY" >"$TMPD/py.$i" 2>&1; echo $? >"$TMPD/py.$i.rc") &
done
wait
bad16=0
for i in $(seq 1 16); do cmp -s "$TMPD/py.ref" "$TMPD/py.$i" && [ "$(cat "$TMPD/py.$i.rc")" = 0 ] || bad16=$((bad16 + 1)); done
check cache-16-cold "$bad16 of 16 processes started together on a cold cache went wrong" [ "$bad16" = 0 ]
check cache-16-no-leftovers "temporary files left in the cache" sh -c "! ls -a '$(bootdir)' | grep -q '^\.tmp'"
run_cmd "$TMPD/py" MMLD_RELOC_CACHE=verify -- "$RTLD" /usr/bin/python3 -c "$PY"
check cache-16-verify "the images the 16 published differ from relocation" \
	sh -c "cmp -s '$TMPD/py.ref' '$TMPD/py.out' && [ \$(cat '$TMPD/py.rc') = 0 ]"

# --- a damaged, hostile or foreign cache file: ignored with one LD_DEBUG line, relocated
# normally (and published anew), the program still right ------------------------------------
# The program: glibc/hello; the entry: libc.so.6's (it has fix-ups, RELR and IRELATIVE).
DPROG=./glibc/hello
run_cmd "$TMPD/ref" NOLIBC_SKIP_FINI=1 -- "$SYSLD" $DPROG one two
prime() { # the cache made for $DPROG; $ENTRY is libc.so.6's entry
	rm -rf "$CACHE"
	run_cmd "$TMPD/p" MMLD_RELOC_CACHE=1 LD_DEBUG=files -- "$RTLD" $DPROG one two
	ENTRY=$(sed -nE 's#.*libc\.so\.6 \[0\];  relocation cache: relocated and published (.*\.rc) .*#\1#p' "$TMPD/p.err")
}
header_field() { # header_field NAME: a field of $ENTRY's header (rtld/relcache_format.h)
	python3 - "$ENTRY" "$1" <<'EOF'
import struct, sys
names = ["magic", "version", "header_size", "file_size", "path_off", "path_len", "key_off", "key_len",
         "image_off", "image_len", "fixup_off", "fixup_count"]
v = struct.unpack_from("<8sII10Q", open(sys.argv[1], "rb").read())
print(dict(zip(names, v))[sys.argv[2]])
EOF
}
poke() { # poke OFFSET: one byte of $ENTRY changed, in place (chmod: entries are 0400)
	chmod u+w "$ENTRY"
	python3 -c "
import sys
f = open(sys.argv[1], 'r+b'); f.seek(int(sys.argv[2])); b = f.read(1); f.seek(int(sys.argv[2]))
f.write(bytes([b[0] ^ 0x5a]))" "$ENTRY" "$1"
	chmod u-w "$ENTRY"
}
# damaged NAME REASON-REGEX SHELL-DAMAGE [stays]: one LD_DEBUG line naming the entry and the
# reason, the right output, and (unless "stays": a directory cannot be renamed over) the
# entry replaced by a good one.
damaged() {
	local name=$1 re=$2 how=$3 stays=${4:-}
	prime
	[ -n "$ENTRY" ] || { bad "$name" "no entry was published for libc.so.6"; return; }
	eval "$how"
	local why
	why=$(against_ref "$name" MMLD_RELOC_CACHE=1 LD_DEBUG=files -- "$RTLD" $DPROG one two)
	[ -z "$why" ] || { echo "$why" >"$TMPD/detail"; bad "$name" "the program went wrong"; return; }
	local lines; lines=$(grep -c "relocation cache: ignored $ENTRY: " "$TMPD/ours.err")
	if [ "$lines" != 1 ] || ! grep -Eq "relocation cache: ignored $ENTRY: $re\$" "$TMPD/ours.err"; then
		grep 'relocation cache' "$TMPD/ours.err" >"$TMPD/detail"
		bad "$name" "not one LD_DEBUG line 'ignored ENTRY: $re'"; return
	fi
	run_cmd "$TMPD/again" MMLD_RELOC_CACHE=1 LD_DEBUG=files -- "$RTLD" $DPROG one two
	[ -n "$stays" ] || grep -q 'libc\.so\.6 \[0\];  relocation cache: mapped' "$TMPD/again.err" ||
		{ bad "$name" "the damaged entry was not replaced by a good one"; return; }
	ok "$name"
}
damaged cache-file-truncated 'truncated, or its size is not the one its header gives' 'chmod u+w "$ENTRY"; truncate -s -8 "$ENTRY"'
damaged cache-file-truncated-header 'truncated' 'chmod u+w "$ENTRY"; truncate -s 100 "$ENTRY"'
damaged cache-file-empty 'truncated' 'chmod u+w "$ENTRY"; : >"$ENTRY"'
damaged cache-file-extended 'truncated, or its size is not the one its header gives' 'chmod u+w "$ENTRY"; echo x >>"$ENTRY"'
damaged cache-file-magic 'not a relocation cache file' 'poke 0'
damaged cache-file-version 'another version of the format' 'poke 8'
damaged cache-file-header 'its header does not describe this object.s image' 'poke 64' # image_off
damaged cache-file-checksum-path 'damaged \(its checksum does not match\)' 'poke $(header_field path_off)'
damaged cache-file-checksum-key 'damaged \(its checksum does not match\)' 'poke $(( $(header_field key_off) + 40 ))'
damaged cache-file-checksum-fixups 'damaged \(its checksum does not match\)' 'poke $(header_field fixup_off)'
damaged cache-file-foreign-owner 'not a regular file owned by this user and closed to others' 'chown 65534 "$ENTRY"'
damaged cache-file-group-writable 'not a regular file owned by this user and closed to others' 'chmod 0460 "$ENTRY"'
damaged cache-file-world-writable 'not a regular file owned by this user and closed to others' 'chmod 0406 "$ENTRY"'
damaged cache-file-symlink 'a symbolic link' 'mv "$ENTRY" "$ENTRY.real"; ln -s "$ENTRY.real" "$ENTRY"'
damaged cache-file-directory 'not a regular file owned by this user and closed to others' 'rm -f "$ENTRY"; mkdir "$ENTRY"' stays
damaged cache-file-fifo 'not a regular file owned by this user and closed to others' 'rm -f "$ENTRY"; mkfifo "$ENTRY"'
# The image itself is not checksummed at every start (reading every page would cost more
# than relocating): mmld cache verify and MMLD_RELOC_CACHE=verify find a changed image.
prime
poke $(($(header_field image_off) + 8))
run_cmd "$TMPD/cv" -- "$MMLD" cache verify
check cache-verify-finds-image "mmld cache verify did not call the changed image damaged (status $(cat "$TMPD/cv.rc"))" \
	sh -c "[ \$(cat '$TMPD/cv.rc') = 1 ] && grep -q '^DAMAGED $ENTRY: its image changed since it was published' '$TMPD/cv.out'"
run_cmd "$TMPD/vm" MMLD_RELOC_CACHE=verify -- "$RTLD" $DPROG one two
check cache-verify-mode-finds-image "MMLD_RELOC_CACHE=verify did not find the changed image (status $(cat "$TMPD/vm.rc"))" \
	sh -c "[ \$(cat '$TMPD/vm.rc') = 127 ] && grep -q 'relocation cache verify: .*libc\.so\.6: .*checksum' '$TMPD/vm.err'"

# A damaged or foreign directory or secret: the cache off for the process, one line, the
# program right.
dir_damaged() { # dir_damaged NAME REASON-REGEX SHELL-DAMAGE
	local name=$1 re=$2 how=$3
	prime
	eval "$how"
	local why
	why=$(against_ref "$name" MMLD_RELOC_CACHE=1 LD_DEBUG=files -- "$RTLD" $DPROG one two)
	[ -z "$why" ] || { echo "$why" >"$TMPD/detail"; bad "$name" "the program went wrong"; return; }
	if [ "$(grep -c 'relocation cache off: ' "$TMPD/ours.err")" != 1 ] || ! grep -Eq "relocation cache off: .*$re" "$TMPD/ours.err" ||
		grep -q 'relocation cache: mapped' "$TMPD/ours.err"; then
		grep 'relocation cache' "$TMPD/ours.err" >"$TMPD/detail"
		bad "$name" "not one LD_DEBUG line 'relocation cache off: ...$re'"; return
	fi
	ok "$name"
}
dir_damaged cache-dir-foreign-owner 'not a directory owned by this user and closed to others' 'chown 65534 "$CACHE"'
dir_damaged cache-dir-world-writable 'not a directory owned by this user and closed to others' 'chmod 0777 "$CACHE"'
dir_damaged cache-dir-symlink 'a symbolic link' 'mv "$CACHE" "$CACHE.real"; ln -s "$CACHE.real" "$CACHE"'
dir_damaged cache-bootdir-group-writable 'not a directory owned by this user and closed to others' 'chmod 0770 "$(bootdir)"'
dir_damaged cache-secret-readable 'secret: missing, or not a 16-byte file only this user can read' 'chmod 0644 "$(bootdir)/secret"'
dir_damaged cache-secret-short 'secret: missing, or not a 16-byte file only this user can read' 'truncate -s 8 "$(bootdir)/secret"'
dir_damaged cache-secret-symlink 'secret: missing, or not a 16-byte file only this user can read' \
	'mv "$(bootdir)/secret" "$TMPD/s"; ln -s "$TMPD/s" "$(bootdir)/secret"'
rm -rf "$CACHE.real"

# A process killed while publishing (here at the call that would name the written file, the
# last moment anything exists of it) leaves nothing in the directory: the file has no name
# until it is complete (O_TMPFILE, linked into place).
if command -v strace >/dev/null; then
	rm -rf "$CACHE"
	( run_cmd "$TMPD/kill" MMLD_RELOC_CACHE=1 -- strace -f -qq -o /dev/null -e trace=linkat,renameat \
		-e inject=linkat,renameat:signal=KILL "$RTLD" $DPROG one two ) 2>/dev/null # no "Killed" line
	left=$(ls -A "$(bootdir)" | grep -vxE 'secret|hits' | tr '\n' ' ')
	check cache-killed-publishing "killed while publishing ($(cat "$TMPD/kill.rc")), it left: $left" \
		sh -c "[ '$(cat "$TMPD/kill.rc")' = 137 ] && [ -z '$left' ]"
else
	echo "skip cache-killed-publishing (needs strace)"
fi

# --- another user gets other addresses; secure mode never uses the cache --------------------
if [ "$(id -u)" = 0 ]; then
	as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	NB=$TMPD/nobody; mkdir -p "$NB"; cp ./deps ./libdep_*.so "$NB/"; cp "$RTLD" "$NB/ld-mmld.so"
	chown -R 65534 "$NB"; chmod a+rx "$TMPD"
	cp "$RTLD" "$NB/ld-suid.so"; chmod 4755 "$NB/ld-suid.so" # root's, setuid: AT_SECURE for nobody
	run_cmd "$TMPD/u1" MMLD_RELOC_CACHE=1 LD_DEBUG=files -- "$RTLD" "$NB/deps"
	run_cmd "$TMPD/u2" -- $as_nobody env MMLD_RELOC_CACHE=1 MMLD_RELOC_CACHE_DIR="$NB/cache" LD_DEBUG=files \
		"$NB/ld-mmld.so" "$NB/deps"
	u1=$(base_of libdep_a.so "$TMPD/u1.err") u2=$(base_of libdep_a.so "$TMPD/u2.err")
	check cache-per-user "root and nobody agreed on libdep_a.so's address ($u1, $u2)" \
		[ -n "$u1" ] && [ -n "$u2" ] && [ "$u1" != "$u2" ]
	check cache-per-user-dir "nobody's cache is not nobody's" sh -c "[ \$(stat -c %u '$NB/cache') = 65534 ]"
	check cache-per-user-publish "nobody's run published nothing (a user without CAP_DAC_READ_SEARCH links through /proc)" \
		sh -c "[ \$(find '$NB/cache' -name '*.rc' | wc -l) = 3 ]"
	# The setuid loader run by nobody: secure mode (AT_SECURE); $ORIGIN is not expanded
	# there, so a program whose libraries come from the system's directories.
	run_cmd "$TMPD/sec" -- $as_nobody env MMLD_RELOC_CACHE=1 MMLD_RELOC_CACHE_DIR="$NB/secure-cache" \
		"$NB/ld-suid.so" /bin/echo secure
	check cache-secure-mode "a setuid loader used the relocation cache" \
		sh -c "[ ! -e '$NB/secure-cache' ] && grep -qx secure '$TMPD/sec.out'"
else
	echo "skip per-user and secure-mode cache tests (need root)"
fi

# --- MMLD_RELOC_CACHE_DEFER: an image over it is published at its second miss ------------
# deps' images: libdep_a.so 8 KiB, libdep_b.so and libdep_c.so 4 KiB each; over 4096 bytes only
# libdep_a.so waits: the first run marks it seen (relocating it as without the cache), the
# second publishes it, the third maps it. The output is the system loader's every time.
seen() { find "$CACHE" -name '*.seen' | wc -l; }
run_cmd "$TMPD/ref" NOLIBC_SKIP_FINI=1 -- "$SYSLD" ./deps
rm -rf "$CACHE"
defer_run() { # defer_run N ENV...: run N of deps; "why" if its output differs
	local n=$1; shift
	why=$(against_ref "run $n" MMLD_RELOC_CACHE=1 LD_DEBUG=files "$@" -- "$RTLD" ./deps)
	cp "$TMPD/ours.err" "$TMPD/defer$n.err"
}
said() { grep -q "$2 \[0\];  relocation cache: $3" "$TMPD/defer$1.err"; }
first_ok() { [ -z "$why" ] && [ "$(entries)" = 2 ] && [ "$(seen)" = 1 ] &&
	said 1 libdep_a.so 'not published yet: the first miss' && said 1 libdep_b.so 'relocated and published'; }
second_ok() { [ -z "$why" ] && [ "$(entries)" = 3 ] && [ "$(seen)" = 0 ] &&
	said 2 libdep_a.so 'relocated and published' && said 2 libdep_b.so 'mapped'; }
defer_run 1 MMLD_RELOC_CACHE_DEFER=4096
check cache-defer-first-miss "first run: ${why:-libdep_a.so not marked seen, or libdep_b/c not published ($(entries) entries, $(seen) marks)}" first_ok
defer_run 2 MMLD_RELOC_CACHE_DEFER=4096
check cache-defer-second-miss "second run: ${why:-libdep_a.so not published, or its mark left ($(entries) entries, $(seen) marks)}" second_ok
defer_run 3 MMLD_RELOC_CACHE_DEFER=4096
third_ok() { [ -z "$why" ] && [ "$(grep -c 'relocation cache: mapped' "$TMPD/defer3.err")" = 3 ]; }
check cache-defer-then-hit "third run: ${why:-not every image mapped}" third_ok
# The default (1 MiB): these small images are all published at their first miss.
rm -rf "$CACHE"
defer_run 4 MMLD_RELOC_CACHE_DEFER=
default_ok() { [ -z "$why" ] && [ "$(entries)" = 3 ] && [ "$(seen)" = 0 ]; }
check cache-defer-default "default MMLD_RELOC_CACHE_DEFER: ${why:-$(entries) of 3 small images published at the first miss}" default_ok
rm -rf "$CACHE"
defer_run 5 MMLD_RELOC_CACHE_DEFER=4096
marks=$(seen)
run_cmd "$TMPD/dc" -- "$MMLD" cache clear
cleared_ok() { [ "$marks" = 1 ] && [ "$(seen)" = 0 ]; }
check mmld-cache-clear-marks "mmld cache clear: $marks mark(s) of an image seen once before, $(seen) after" cleared_ok

# --- mmld cache list|verify|clear, mmld run --reloc-cache --------------------------------
rm -rf "$CACHE"
for i in 1 2 3; do run_cmd "$TMPD/r$i" NOLIBC_SKIP_FINI=1 -- "$MMLD" run --reloc-cache ./deps; done
check mmld-run-reloc-cache "mmld run --reloc-cache did not publish deps' three libraries" [ "$(entries)" = 3 ]
run_cmd "$TMPD/cl" -- "$MMLD" cache list
check mmld-cache-list "mmld cache list does not show libdep_a.so with its base and 2 hits" \
	grep -Eq '^libdep_a\.so +0x[0-9a-f]+ +[0-9]+ KiB +[0-9]+ +2  [0-9a-f]{32}\.rc$' "$TMPD/cl.out"
run_cmd "$TMPD/cv" -- "$MMLD" cache verify
check mmld-cache-verify "mmld cache verify on good entries: status $(cat "$TMPD/cv.rc")" \
	sh -c "[ \$(cat '$TMPD/cv.rc') = 0 ] && grep -q '3 entries, 0 damaged, 0 stale' '$TMPD/cv.out'"
# An object changed since its entry was made: the entry is stale (never used again).
ST=$TMPD/stale; mkdir -p "$ST"; cp ./deps ./libdep_*.so "$ST/"
run_cmd "$TMPD/st" NOLIBC_SKIP_FINI=1 MMLD_RELOC_CACHE=1 -- "$RTLD" "$ST/deps"
touch "$ST/libdep_b.so"
run_cmd "$TMPD/cv2" -- "$MMLD" cache verify
check mmld-cache-verify-stale "a changed object's entry is not reported stale" \
	sh -c "[ \$(cat '$TMPD/cv2.rc') = 0 ] && grep -q '^stale .*($ST/libdep_b.so): its object changed' '$TMPD/cv2.out'"
run_cmd "$TMPD/st2" NOLIBC_SKIP_FINI=1 MMLD_RELOC_CACHE=1 LD_DEBUG=files -- "$RTLD" "$ST/deps"
check cache-changed-object "a changed object was mapped from its old entry" \
	grep -q "$ST/libdep_b.so \[0\];  relocation cache: relocated and published" "$TMPD/st2.err"
# An entry of another format version (an upgrade of ld-mmld.so left it): stale, not damaged;
# `mmld cache clear --stale` removes it and the changed object's entry, and nothing else.
ENTRY=$(grep -L -F "$ST/" $(find "$(bootdir)" -name '*.rc') | head -1) # one of ./deps' libraries
poke 8 # the version
run_cmd "$TMPD/cv3" -- "$MMLD" cache verify
check mmld-cache-verify-other-version "an entry of another format version is not reported stale (status 0)" \
	sh -c "[ \$(cat '$TMPD/cv3.rc') = 0 ] && grep -q ' 0 damaged, 2 stale' '$TMPD/cv3.out' &&
	grep -q '^stale   $ENTRY: made by another version of ld-mmld.so (entry format [0-9]*, this one.s [0-9]*): never used' '$TMPD/cv3.out'"
before=$(entries)
run_cmd "$TMPD/cs" -- "$MMLD" cache clear --stale
run_cmd "$TMPD/cv4" -- "$MMLD" cache verify
check mmld-cache-clear-stale "mmld cache clear --stale did not remove exactly the two stale entries" \
	sh -c "[ \$(cat '$TMPD/cs.rc') = 0 ] && [ ! -e '$ENTRY' ] && [ $((before - 2)) = \$(find '$CACHE' -name '*.rc' | wc -l) ] &&
	[ \$(cat '$TMPD/cv4.rc') = 0 ] && grep -q ' 0 damaged, 0 stale' '$TMPD/cv4.out'"
run_cmd "$TMPD/cs2" -- "$MMLD" cache verify --stale
check mmld-cache-stale-with-clear-only "mmld cache verify --stale: status $(cat "$TMPD/cs2.rc"), not 2" \
	sh -c "[ \$(cat '$TMPD/cs2.rc') = 2 ] && grep -q -- '--stale goes with clear only' '$TMPD/cs2.err'"
run_cmd "$TMPD/cc" -- "$MMLD" cache clear
check mmld-cache-clear "mmld cache clear left entries" sh -c "[ \$(cat '$TMPD/cc.rc') = 0 ] &&
	[ \$(find '$CACHE' -type f -name '*.rc' | wc -l) = 0 ] && [ ! -e '$(bootdir)/hits' ]"
# mmld cache reads and removes only in directories ld-mmld.so would trust: a symbolic link
# planted as this boot's or an earlier boot's directory, or a root open to others (a sticky
# /tmp-like one), is left alone and named; the files behind the links stay.
BOOT=$(cat /proc/sys/kernel/random/boot_id)
mkdir -p "$TMPD/victim" && touch "$TMPD/victim/a.rc" "$TMPD/victim/hits" "$TMPD/victim/secret"
mkdir -m 700 "$TMPD/linked" && ln -s "$TMPD/victim" "$TMPD/linked/$BOOT" &&
	ln -s "$TMPD/victim" "$TMPD/linked/11111111-2222-3333-4444-555555555555"
run_cmd "$TMPD/cl" MMLD_RELOC_CACHE_DIR="$TMPD/linked" -- "$MMLD" cache clear
check mmld-cache-clear-no-links "mmld cache clear followed a symbolic link out of the cache" sh -c \
	"[ \$(cat '$TMPD/cl.rc') = 1 ] && [ \$(ls '$TMPD/victim' | wc -l) = 3 ] && grep -q 'a symbolic link' '$TMPD/cl.err'"
mkdir -m 1777 "$TMPD/open-root" && ln -s "$TMPD/victim" "$TMPD/open-root/$BOOT"
run_cmd "$TMPD/cl" MMLD_RELOC_CACHE_DIR="$TMPD/open-root" -- "$MMLD" cache clear
check mmld-cache-clear-open-root "mmld cache clear worked in a root open to others" sh -c \
	"[ \$(cat '$TMPD/cl.rc') = 1 ] && [ \$(ls '$TMPD/victim' | wc -l) = 3 ] && grep -q 'closed to others' '$TMPD/cl.err'"
ln -s "$CACHE" "$TMPD/root-link"
run_cmd "$TMPD/cl" MMLD_RELOC_CACHE_DIR="$TMPD/root-link" -- "$MMLD" cache list
check mmld-cache-list-root-link "mmld cache list read through a symbolic link as the root" sh -c \
	"[ \$(cat '$TMPD/cl.rc') = 1 ] && grep -q 'root-link: a symbolic link' '$TMPD/cl.err'"
run_cmd "$TMPD/cb" -- "$MMLD" cache frobnicate
check mmld-cache-bad-argument "mmld cache frobnicate: status $(cat "$TMPD/cb.rc"), not 2 with one line" \
	sh -c "[ \$(cat '$TMPD/cb.rc') = 2 ] && grep -q \"unknown command 'frobnicate'\" '$TMPD/cb.err'"

# --- mmld share: pages mapped from an entry are the object's, and shared ------------------
if [ "$(id -u)" = 0 ]; then
	rm -rf "$CACHE"
	"$MMLD" share -n 4 --reloc-cache --json -- ./share/known >"$TMPD/share.json" 2>"$TMPD/share.err"
	check share-reloc-cache "mmld share --reloc-cache: libknown.so's 8 relocated pages not one shared copy" python3 -c "
import json, sys
d = json.load(open('$TMPD/share.json'))['runs'][0]
assert not [o for o in d['objects'] if o['path'].endswith('.rc')], 'a cache file counted as an object'
o = next(o for o in d['objects'] if o['path'].endswith('/libknown.so'))
rel = o['classes']['relro']
assert rel['rss_kib'] >= 4 * 32 and rel['frames_kib'] <= 40 and o['reloc_dirty_kib'] <= 8, (rel, o['reloc_dirty_kib'])
"
fi

echo "relcache: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
