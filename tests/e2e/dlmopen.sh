#!/usr/bin/env bash
# dlmopen and link-map namespaces (testprogs/dlmopen): the program runs through ld-mmld.so and
# normally (the system loader is the oracle) and must print the same, started both ways (named
# on the command line, and as PT_INTERP); and gdb, following r_debug's chain of namespaces,
# lists the same objects under both loaders, the namespace's own libc.so.6 included.
# usage: dlmopen.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
RTLD=$BUILD/ld-mmld.so
TPN=$BUILD/testprogs/dlmopen
EXPECTED=$(cd "$(dirname "$0")" && pwd)/expected
. "$(dirname "$0")/lib.sh"
cd "$TPN"

same dlmopen-namespaces ./ns_main
run_cmd "$TMPD/ours" LD_BIND_NOW=1 -- "$RTLD" ./ns_main
run_cmd "$TMPD/sys" LD_BIND_NOW=1 -- ./ns_main
check dlmopen-bind-now "LD_BIND_NOW=1 ns_main differs from the normal run" cmp "$TMPD/ours.out" "$TMPD/sys.out"
run_cmd "$TMPD/interp" -- ./ns_main-interp
check dlmopen-pt-interp "ns_main-interp (PT_INTERP ld-mmld.so) differs from the normal run" \
	cmp "$TMPD/interp.out" "$TMPD/sys.out"

# gdb: stopped once a namespace exists, `info sharedlibrary` lists the program's objects and
# the namespace's (libnsmod.so, libnsdep.so, its own libc.so.6, ld.so's stand-in), in order.
if command -v gdb >/dev/null; then
	gdb_objects() {
		timeout 120 gdb -nx -batch -ex 'break show_debugger_view' -ex run -ex continue \
			-ex 'info sharedlibrary' -ex kill "$1" 2>&1 </dev/null |
			awk '/^From/ { on = 1; next } on && /^0x/ { print $NF }' |
			sed -E 's|.*/(ld-mmld\.so\|ld-linux-x86-64\.so\.2)$|(the dynamic linker)|; s|.*/||'
	}
	gdb_objects ./ns_main >"$TMPD/gdb-sys"
	gdb_objects ./ns_main-interp >"$TMPD/gdb-ours"
	check gdb-info-sharedlibrary-namespaces "gdb lists other objects than under the system loader" sh -c \
		"diff '$TMPD/gdb-sys' '$TMPD/gdb-ours' && [ \$(grep -c '^libc.so.6\$' '$TMPD/gdb-ours') = 2 ] &&
		 grep -q '^libnsmod.so\$' '$TMPD/gdb-ours'"
fi

echo "dlmopen: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
