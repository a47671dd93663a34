#!/usr/bin/env bash
# mmld as a Unix tool: options parsed the getopt_long way, every bad argument refused in one
# line naming it with exit status 2, --help for every subcommand, --version, mmld help.
# usage: cli.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
MMLD=$BUILD/mmld
. "$(dirname "$0")/lib.sh"

# The commands (mmld help lists them); each answers --help and mmld help COMMAND alike.
run_cmd "$TMPD/h" -- "$MMLD" help
check help-lists-commands "mmld help does not list run, share and inspect" sh -c \
	"[ \$(cat '$TMPD/h.rc') = 0 ] && grep -q '^  run ' '$TMPD/h.out' && grep -q '^  share ' '$TMPD/h.out' && grep -q '^  inspect ' '$TMPD/h.out'"
COMMANDS=$(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' "$TMPD/h.out")
for c in $COMMANDS; do
	run_cmd "$TMPD/c" -- "$MMLD" "$c" --help
	run_cmd "$TMPD/hc" -- "$MMLD" help "$c"
	check "help-$c" "mmld $c --help is not a usage line, options and status 0 on stdout" sh -c \
		"[ \$(cat '$TMPD/c.rc') = 0 ] && head -1 '$TMPD/c.out' | grep -q '^usage: mmld $c ' && [ ! -s '$TMPD/c.err' ]"
	check "help-same-$c" "mmld help $c differs from mmld $c --help" cmp "$TMPD/c.out" "$TMPD/hc.out"
	check "help-short-$c" "mmld $c -h differs from --help" sh -c "'$MMLD' $c -h | cmp - '$TMPD/c.out'"
	check "help-exit-status-$c" "mmld $c --help does not say what the exit status means" grep -qi 'exit status' "$TMPD/c.out"
done
run_cmd "$TMPD/v" -- "$MMLD" --version
check version "mmld --version does not print one version line" sh -c \
	"[ \$(cat '$TMPD/v.rc') = 0 ] && grep -Eqx 'mmld [0-9][0-9.a-z-]*' '$TMPD/v.out'"
check help-columns "mmld share --help does not explain the table's columns" sh -c \
	"'$MMLD' share --help | grep -q '^  RSS ' && '$MMLD' share --help | grep -q '^  frames '"
run_cmd "$TMPD/none" -- "$MMLD"
check no-command "mmld alone is not the usage on stderr with status 2" sh -c \
	"[ \$(cat '$TMPD/none.rc') = 2 ] && head -1 '$TMPD/none.err' | grep -q '^usage: mmld' && [ ! -s '$TMPD/none.out' ]"
expect_err unknown-command 2 "^mmld: unknown command 'frobnicate'" -- "$MMLD" frobnicate
expect_err unknown-global-option 2 "^mmld: unknown option '--frob'" -- "$MMLD" --frob
expect_err help-unknown-command 2 "^mmld help: unknown command 'frob'" -- "$MMLD" help frob

# Spellings getopt_long accepts: -n8, -n 8, --count=8, --count 8 (no process started: --at
# is refused after -n has been taken, so each case shows -n parsed and nothing run).
for spelling in "-n8" "-n 8" "--count=8" "--count 8" "--cou=8"; do
	# shellcheck disable=SC2086
	expect_err "spelling${spelling// /_}" 2 "^mmld share: --at 'never' is not loaded, entry, exit or a duration" -- \
		"$MMLD" share $spelling --at never -- /bin/true
done

# Each bad argument: one line that names it, exit status 2.
refused() {
	local name=$1 re=$2; shift 2
	expect_err "bad-$name" 2 "$re" -- "$MMLD" "$@"
}
refused count-fraction "^mmld share: -n '1\.5' is not a whole number \(allowed: 1 to 4096\)$" share -n 1.5 -- /bin/true
refused count-suffix "^mmld share: -n '1x' is not a whole number \(allowed: 1 to 4096\)$" share -n 1x -- /bin/true
refused count-zero "^mmld share: --count '0' is out of range \(allowed: 1 to 4096\)$" share --count=0 -- /bin/true
refused count-huge "^mmld share: -n '99999999999999999999' is out of range" share -n 99999999999999999999 -- /bin/true
refused count-missing "^mmld share: option '-n' needs a value \(N\)$" share -n
for v in inf nan 1e-9 99999999999999999999 -1 0 1.2.3 5x; do
	refused "at-$v" "^mmld share: --at '$v' is (not loaded, entry, exit or a duration|out of range) \(.*0\.001 to 86400" \
		share -n 2 --at "$v" -- /bin/true
done
refused svg-missing "^mmld share: option '--svg' needs a value \(FILE\)$" share --svg -- /bin/true
refused svg-missing-end "^mmld share: option '--svg' needs a value \(FILE\)$" share --svg
refused svg-empty "^mmld share: --svg '' is empty$" share --svg= -- /bin/true
refused loader-word "^mmld share: --loader 'ours' is not one of: mmld, system$" share --loader ours -- /bin/true
refused load-word "^mmld share: --load 'copy' is not one of: mmap, read$" share --load=copy -- /bin/true
refused json-value "^mmld share: option '--json' takes no value$" share --json=yes -- /bin/true
refused unknown "^mmld share: unknown option '--frob' \(mmld share --help lists them\)$" share --frob -- /bin/true
refused unknown-short "^mmld share: unknown option '-Z'" share -Z -- /bin/true
refused ambiguous "^mmld share: ambiguous option '--comp'" share --comp -- /bin/true
refused compare-both "^mmld share: --compare and --compare-load cannot be used together$" share --compare --compare-load -- /bin/true
refused compare-loader "^mmld share: --compare and --loader cannot be used together$" share --compare --loader=system -- /bin/true
refused system-read "^mmld share: --loader system and --load cannot be used together" share --loader system --load=read -- /bin/true
refused share-no-program "^mmld share: missing operand; usage: mmld share " share -n 2
refused run-no-program "^mmld run: missing operand; usage: mmld run " run --tree
refused run-unknown "^mmld run: unknown option '--frob'" run --frob -- /bin/true
refused inspect-none "^mmld inspect: missing operand; usage: mmld inspect " inspect
refused inspect-two "^mmld inspect: unexpected operand 'b'" inspect a b
refused inspect-unknown "^mmld inspect: unknown option '--frob'" inspect --frob /bin/true
refused help-two "^mmld help: one command at a time" help share run

# Options belong to mmld up to PROGRAM; after it they are the program's.
run_cmd "$TMPD/r" -- "$MMLD" run /bin/echo --help -n 3
check run-program-options "mmld run took the program's --help for its own" grep -qx -- '--help -n 3' "$TMPD/r.out"

# PROGRAM found as bash and execvp find it: a directory or a file without the x bit in PATH
# does not end the search; "" and a directory named with a slash are refused up front in one
# line (nothing started); a non-executable file is "Permission denied", not "command not found".
mkdir -p "$TMPD/shadow/true" "$TMPD/bin"
cp /bin/true "$TMPD/bin/noexec" && chmod -x "$TMPD/bin/noexec"
cp /bin/true "$TMPD/bin/cwdtrue"
TRUE=$(command -v true)
for c in run share pages exec; do
	case $c in run | exec) nf=127 ;; *) nf=1 ;; esac
	case $c in exec) na=126 ;; *) na=$nf ;; esac
	extra=(); [ "$c" = share ] && extra=(-n 2 --quiet); [ "$c" = pages ] && extra=(--quiet)
	expect_err "path-empty-$c" 2 "^mmld $c: '': the program's name is empty$" -- "$MMLD" "$c" "${extra[@]}" -- ""
	run_cmd "$TMPD/p" PATH="$TMPD/shadow:$PATH" -- "$MMLD" "$c" "${extra[@]}" -- true
	check "path-skips-directory-$c" "mmld $c true with a directory 'true' earlier in PATH did not run $TRUE" \
		sh -c "[ \$(cat '$TMPD/p.rc') = 0 ] && [ ! -s '$TMPD/p.err' ]"
	expect_err "path-directory-only-$c" "$nf" "^mmld $c: true: command not found$" -- \
		env PATH="$TMPD/shadow" "$MMLD" "$c" "${extra[@]}" -- true
	expect_err "path-noexec-$c" "$na" "^mmld $c: noexec: Permission denied$" -- \
		env PATH="$TMPD/bin:$PATH" "$MMLD" "$c" "${extra[@]}" -- noexec
	# an empty PATH entry (leading, trailing, '::') is the current directory (redteam #20)
	for pe in ":/usr/bin" "/usr/bin:" "/usr/bin::/bin"; do
		run_cmd "$TMPD/pe" PATH="$pe" -- sh -c "cd '$TMPD/bin' && exec '$MMLD' $c ${extra[*]} -- cwdtrue"
		check "path-empty-entry-$c-${pe//[:\/]/_}" "mmld $c did not find ./cwdtrue through PATH=$pe" sh -c \
			"[ \$(cat '$TMPD/pe.rc') = 0 ] && [ ! -s '$TMPD/pe.err' ]"
	done
done
for c in run share pages; do
	extra=(); [ "$c" = share ] && extra=(-n 2 --quiet); [ "$c" = pages ] && extra=(--quiet)
	case $c in run) nf=127 ;; *) nf=1 ;; esac
	expect_err "slash-directory-$c" "$nf" "^mmld $c: $TMPD/shadow: Is a directory$" -- "$MMLD" "$c" "${extra[@]}" -- "$TMPD/shadow"
	expect_err "slash-noexec-$c" "$nf" "^mmld $c: $TMPD/bin/noexec: Permission denied$" -- "$MMLD" "$c" "${extra[@]}" -- "$TMPD/bin/noexec"
done

# mmld exec of a FIFO with the x bit, and of a program whose interpreter is a FIFO: refused at
# once as the kernel refuses them (redteam #23: the stub's open waited for a writer).
mkfifo "$TMPD/xfifo" && chmod +x "$TMPD/xfifo"
printf 'int main(void) { return 0; }\n' >"$TMPD/fi.c"
cc -o "$TMPD/interp-fifo" "$TMPD/fi.c" -Wl,--dynamic-linker="$TMPD/xfifo"
RUN_TIMEOUT=10 expect_err exec-fifo 126 "^mmld exec: $TMPD/xfifo: program is not a regular file$" -- "$MMLD" exec "$TMPD/xfifo"
RUN_TIMEOUT=10 expect_err exec-interp-fifo 126 "^mmld exec: $TMPD/xfifo: interpreter is not a regular file$" -- "$MMLD" exec "$TMPD/interp-fifo"

# A program name with control bytes is quoted as the reports quote untrusted text (\ooo).
expect_err path-name-escaped 127 '^mmld run: evil\\033\[2J\\007: command not found$' -- "$MMLD" run -- "$(printf 'evil\033[2J\007')"
# So is every argument an error quotes: an option's value, an unknown option or command, an
# operand too many (opts.c, main.c). ESC [2J would clear the screen, OSC 0 set the title.
EVIL=$(printf 'x\033[2J\033]0;t\007')
EVIL_RE='x\\033\[2J\\033\]0;t\\007'
expect_err arg-value-escaped 2 "^mmld share: -n '$EVIL_RE' is not a whole number" -- "$MMLD" share -n "$EVIL" -- /bin/true
expect_err arg-choice-escaped 2 "^mmld share: --by '$EVIL_RE' is not one of: " -- "$MMLD" share --by "$EVIL" -- /bin/true
expect_err arg-option-escaped 2 "^mmld share: unknown option '--$EVIL_RE' " -- "$MMLD" share "--$EVIL" -- /bin/true
expect_err arg-operand-escaped 2 "^mmld inspect: unexpected operand '$EVIL_RE';" -- "$MMLD" inspect /bin/true "$EVIL"
expect_err arg-command-escaped 2 "^mmld: unknown command '$EVIL_RE' " -- "$MMLD" "$EVIL"
expect_err arg-help-escaped 2 "^mmld help: unknown command '$EVIL_RE' " -- "$MMLD" help "$EVIL"
expect_err arg-file-escaped 1 "^mmld share: /nonexistent/$EVIL_RE: No such file or directory$" -- \
	"$MMLD" share -n 1 --quiet --svg "/nonexistent/$EVIL" -- /bin/true
# Characters that reorder or hide what follows them (Trojan Source: U+202E shows "a<RLO>gnp.exe"
# as "aexe.png"), the zero-width ones and the line separator: as the \ooo of their bytes.
for cp in 202e 202a 2066 2069 200b 200f 2028 2029 feff 061c; do
	bytes=$(printf "\\u$cp" | od -An -to1 | tr -d ' \n' | sed 's/[0-7]\{3\}/\\\\&/g')
	expect_err "name-format-u$cp-escaped" 127 "^mmld run: a${bytes}gnp\.exe: command not found$" -- \
		"$MMLD" run -- "$(printf "a\\u${cp}gnp.exe")"
done
check name-letters-kept "shown() escapes letters, marks or wide characters it should leave alone" sh -c \
	"'$MMLD' run -- 'caf$(printf 'e\u0301')-日本-é' 2>&1 | grep -qx 'mmld run: caf$(printf 'e\u0301')-日本-é: command not found'"

# mmld inspect: what the file is and who loads it, in words; errors prefixed, one line each.
run_cmd "$TMPD/i" -- "$MMLD" inspect /lib/x86_64-linux-gnu/libc.so.6
check inspect-machine-name "inspect does not name the machine x86-64" grep -q '^/lib/x86_64-linux-gnu/libc.so.6: ELF 64-bit .*, x86-64$' "$TMPD/i.out"
check inspect-type-names "inspect does not name relocation types R_X86_64_*" sh -c \
	"grep -Eq '^  \.data +R_X86_64_64 +[0-9]+ +[0-9]+$' '$TMPD/i.out' && ! grep -Eq ' (64|GLOB_DAT|other) +[0-9]+ +[0-9]+$' '$TMPD/i.out'"
check inspect-no-tbss "inspect attributes relocations to .tbss, which occupies no addresses" sh -c "! grep -q '^  \.tbss ' '$TMPD/i.out'"
run_cmd "$TMPD/i" -- "$MMLD" inspect "$BUILD/testprogs/exec/startstate-static"
check inspect-static "inspect of a static program does not say the kernel alone loads it" \
	grep -q '^loaded by the kernel alone: a static program' "$TMPD/i.out"
run_cmd "$TMPD/i" -- "$MMLD" inspect "$BUILD/testprogs/exec/startstate-static-pie"
check inspect-static-pie "inspect of a static PIE does not say the kernel alone loads it" \
	grep -q '^loaded by the kernel alone: a static PIE' "$TMPD/i.out"
run_cmd "$TMPD/i" -- "$MMLD" inspect "$BUILD/testprogs/libtextrel.so"
check inspect-textrel "inspect calls text with text relocations shared, or does not warn" sh -c \
	"grep -q 'r-x .*text: 1 written by relocations (text relocations' '$TMPD/i.out' && ! grep -q 'r-x .*text: shared' '$TMPD/i.out' && grep -q '^mmld inspect: .*libtextrel.so: warning: text relocations' '$TMPD/i.err'"
python3 - "$TMPD/aarch64.so" <<'PY'
import shutil, struct, sys
shutil.copy("/lib/x86_64-linux-gnu/libc.so.6", sys.argv[1])
with open(sys.argv[1], "r+b") as f:
    f.seek(18); f.write(struct.pack("<H", 183))  # e_machine = EM_AARCH64
PY
run_cmd "$TMPD/i" -- "$MMLD" inspect "$TMPD/aarch64.so"
check inspect-foreign "inspect of an AArch64 file does not warn" sh -c \
	"[ \$(cat '$TMPD/i.rc') = 0 ] && grep -q 'warning: built for AArch64, not x86-64' '$TMPD/i.err' && grep -q ', AArch64$' '$TMPD/i.out'"
python3 - "$TMPD/nosections.so" <<'PY'
import shutil, struct, sys
shutil.copy("/lib/x86_64-linux-gnu/libc.so.6", sys.argv[1])
with open(sys.argv[1], "r+b") as f:
    f.seek(0x28); f.write(struct.pack("<Q", 0))       # e_shoff
    f.seek(0x3c); f.write(struct.pack("<HH", 0, 0))   # e_shnum, e_shstrndx
PY
run_cmd "$TMPD/i" -- "$MMLD" inspect "$TMPD/nosections.so"
n_with=$("$MMLD" inspect /lib/x86_64-linux-gnu/libc.so.6 | sed -n 's/^relocations: \([0-9]*\) .*/\1/p')
check inspect-no-section-headers "a file without section headers is not read from its dynamic segment" sh -c \
	"grep -q '^relocations: $n_with (the tables of the dynamic segment)' '$TMPD/i.out' && grep -q '^  segment 3 (relro) ' '$TMPD/i.out' && grep -q '^needs: ld-linux-x86-64.so.2' '$TMPD/i.out'"
mkfifo "$TMPD/fifo"
expect_err inspect-fifo 1 "^mmld inspect: .*fifo: a FIFO, not an ELF file$" -- timeout 5 "$MMLD" inspect "$TMPD/fifo"
expect_err inspect-directory 1 "^mmld inspect: /tmp: a directory, not an ELF file$" -- "$MMLD" inspect /tmp
expect_err inspect-missing 1 "^mmld inspect: /nonexistent: No such file or directory$" -- "$MMLD" inspect /nonexistent
expect_err inspect-not-elf 1 "^mmld inspect: /etc/hostname: not an ELF file$" -- "$MMLD" inspect /etc/hostname

# ld-mmld.so --list names itself by its real path, however it was named; --help names every
# MMLD_ variable rtld/ reads.
RTLD=$BUILD/ld-mmld.so
SRC=$(cd "$(dirname "$0")/../.." && pwd)
ln -s "$RTLD" "$TMPD/loader-link.so"
run_cmd "$TMPD/l1" -- sh -c "cd '$BUILD' && ./ld-mmld.so --list /bin/true"
run_cmd "$TMPD/l2" -- "$TMPD/loader-link.so" --list /bin/true
run_cmd "$TMPD/l3" LD_TRACE_LOADED_OBJECTS=1 -- "$BUILD/testprogs/exec/startstate-interp"
for k in 1 2 3; do
	check "list-real-path-$k" "ld-mmld.so --list does not name itself $RTLD" \
		grep -q "^	$RTLD (0x[0-9a-f]*)$" "$TMPD/l$k.out"
done
run_cmd "$TMPD/h" -- "$RTLD" --help
for v in $(grep -rho 'env_get("MMLD_[A-Z_]*")' "$SRC/rtld" | grep -o 'MMLD_[A-Z_]*' | sort -u); do
	check "rtld-help-$v" "ld-mmld.so --help does not describe $v" grep -q "^  $v=" "$TMPD/h.out"
done

# The man pages: no groff warnings, readable with man -l, and complete: every option of every
# command's --help (generated from loader/opts.c's tables), every option of ld-mmld.so's
# --help, every variable mmld and ld-mmld.so read, every LD_DEBUG option, the exit statuses.
render() { LC_ALL=C.UTF-8 MANWIDTH=200 man -P cat -l "$1" 2>"$TMPD/man.err" | sed 's/.\x08//g'; }
# section FILE HEADING: the rendered lines from HEADING to the next heading of its level or above
section() {
	awk -v h="$2" 'index($0, h) == 1 && length($0) == length(h) { on = 1; next }
		on && (/^[A-Z]/ || (h ~ /^   / && /^   [^ ]/)) { exit } on' "$1"
}
for page in mmld.1 ld-mmld.so.8; do
	src=$SRC/docs/man/$page
	check "man-groff-$page" "groff -man -ww -z warns about $page" sh -c "groff -man -ww -z '$src' 2>&1 | grep -q . && exit 1; exit 0"
	render "$src" >"$TMPD/$page.txt"
	check "man-l-$page" "man -l $page printed nothing or warned" sh -c "[ -s '$TMPD/$page.txt' ] && [ ! -s '$TMPD/man.err' ] && grep -q '^NAME' '$TMPD/$page.txt'"
	for h in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT FILES "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		check "man-$page-section-${h// /_}" "$page has no $h section" grep -qx "$h" "$TMPD/$page.txt"
	done
done
M1=$TMPD/mmld.1.txt M8=$TMPD/ld-mmld.so.8.txt
for c in $COMMANDS help; do
	section "$M1" "   mmld $c" >"$TMPD/sec"
	check "man-command-$c" "mmld(1) has no section 'mmld $c'" test -s "$TMPD/sec"
	[ "$c" = help ] && continue
	for o in $("$MMLD" "$c" --help | sed -nE 's/^  (-[a-zA-Z], |    )--([a-z][a-z0-9-]*).*/\2/p' | grep -vx help); do
		check "man-option-$c-$o" "mmld(1) does not describe mmld $c --$o" grep -Eq "^       (-[a-zA-Z], )?--$o([=| ]|$)" "$TMPD/sec"
	done
done
for w in list verify clear; do
	section "$M1" "   mmld cache" >"$TMPD/sec"
	check "man-cache-$w" "mmld(1) does not describe mmld cache $w" grep -Eq "^       $w( |$)" "$TMPD/sec"
done
section "$M1" OPTIONS >"$TMPD/sec"
for o in "-h, --help" "-V, --version"; do
	check "man-global${o#*,}" "mmld(1) OPTIONS does not describe mmld $o" grep -q "^       $o" "$TMPD/sec"
done
section "$M1" ENVIRONMENT >"$TMPD/sec"
for v in $(grep -rhoE '(get|set)env\("MMLD_[A-Z_]*"' "$SRC/loader" | grep -o 'MMLD_[A-Z_]*' | sort -u); do
	check "man-mmld-env-$v" "mmld(1) ENVIRONMENT does not name $v, which mmld reads or sets" grep -qw "$v" "$TMPD/sec"
done
section "$M1" "EXIT STATUS" >"$TMPD/sec"
check man-mmld-exit "mmld(1) EXIT STATUS does not give 0, 1, 2 and 127" sh -c \
	"grep -q '^       0 ' '$TMPD/sec' && grep -q '^       1 ' '$TMPD/sec' && grep -q '^       2 ' '$TMPD/sec' && grep -q 127 '$TMPD/sec'"
section "$M8" OPTIONS >"$TMPD/sec"
for o in $("$RTLD" --help | sed -n '1,/^Environment/s/^  --\([a-z][a-z0-9-]*\).*/\1/p'); do
	check "man-rtld-option-$o" "ld-mmld.so(8) does not describe --$o" grep -Eq "^       --$o( |$)" "$TMPD/sec"
done
section "$M8" ENVIRONMENT >"$TMPD/sec"
for v in $(grep -rhoE 'env_get\("(LD|MMLD|GLIBC)_[A-Z_]*"\)' "$SRC/rtld" | grep -oE '(LD|MMLD|GLIBC)_[A-Z_]*' | sort -u); do
	check "man-rtld-env-$v" "ld-mmld.so(8) ENVIRONMENT does not describe $v, which rtld/ reads" grep -Eq "^       $v(=| |$)" "$TMPD/sec"
done
tr -s ' \n' '  ' <"$TMPD/sec" >"$TMPD/sec1"
for d in $(LD_DEBUG=help "$RTLD" | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
	check "man-ld-debug-$d" "ld-mmld.so(8) does not describe LD_DEBUG=$d" grep -q " $d (" "$TMPD/sec1"
done
check man-reloc-cache-values "ld-mmld.so(8) does not give MMLD_RELOC_CACHE's values 1, verify, 0" grep -q '^       MMLD_RELOC_CACHE=1|verify|0$' "$TMPD/sec"
check man-reloc-cache-tradeoff "ld-mmld.so(8) does not say the cache trades per-exec for per-boot randomisation" \
	grep -q 'trades per-exec address randomisation for per-boot randomisation' "$TMPD/sec1"
section "$M8" "EXIT STATUS" >"$TMPD/sec"
check man-rtld-exit "ld-mmld.so(8) EXIT STATUS does not give 127" grep -q 127 "$TMPD/sec"

echo "cli: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
