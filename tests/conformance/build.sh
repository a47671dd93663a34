#!/bin/bash
# Prepare the glibc test-suite cache once: Debian's glibc-source (the exact source of this
# system's libc6, Debian's patches already applied), glibc's build dependencies, a build of
# glibc with Debian's configuration, its elf/ and dlfcn/ tests built but not run, and
# commands.json (every test's recipe, from glibc's own Makefiles: commands.py).
#
# Usage: build.sh CACHE_DIR. Each step leaves a stamp in CACHE_DIR; a step that is done is
# skipped, so the second call costs nothing. The cache sits outside the clone (`make clean`
# keeps it) and is shared by everyone on the machine; a lock keeps two builds apart.
set -euo pipefail
CACHE=${1:?usage: build.sh CACHE_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
exec 9>"$CACHE/build.lock"
flock 9

# glibc's Build-Depends that the library and its tests need (debian/control), and the source.
PACKAGES="glibc-source gawk bison gperf gettext texinfo python3 gcc g++ make libaudit-dev libcap-dev"
step() { [ -e "$CACHE/stamp.$1" ]; }
done_step() { touch "$CACHE/stamp.$1"; }
sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo

if ! step deps; then
	missing=""
	for p in $PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
	if [ -n "$missing" ]; then
		echo "conformance: installing$missing"
		$sudo apt-get update -qq
		$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
	fi
	done_step deps
fi

VERSION=$(dpkg-query -W -f '${Version}' libc6)
SRCVERSION=$(dpkg-query -W -f '${Version}' glibc-source)
if [ "$VERSION" != "$SRCVERSION" ]; then
	echo "conformance: libc6 is $VERSION but glibc-source is $SRCVERSION; install glibc-source=$VERSION" >&2
	exit 1
fi
# A new libc6 point release needs a new build: the stamps are per version.
if [ -e "$CACHE/version" ] && [ "$(cat "$CACHE/version")" != "$VERSION" ]; then
	echo "conformance: libc6 changed from $(cat "$CACHE/version") to $VERSION: rebuilding"
	rm -rf "$CACHE/glibc-2.36" "$CACHE/build" "$CACHE"/stamp.{source,configure,glibc,tests,commands} "$CACHE/commands.json"
fi
echo "$VERSION" >"$CACHE/version"

SRC=$CACHE/glibc-2.36
OBJ=$CACHE/build
if ! step source; then
	rm -rf "$SRC"
	# The tarball of glibc-source already has Debian's patches applied.
	tar -C "$CACHE" -xJf /usr/src/glibc/glibc-*.tar.xz
	done_step source
fi

if ! step configure; then
	rm -rf "$OBJ"
	mkdir -p "$OBJ"
	# Debian's configuration of the libc6 amd64 pass (debian/rules.d/build.mk,
	# debian/sysdeps/amd64.mk), so the test binaries are linked as Debian links its own.
	cat >"$OBJ/configparms" <<-EOF
		CFLAGS = -pipe -O2 -g
		ASFLAGS = -pipe -O2 -g
		LDFLAGS =
		BASH := /bin/bash
		KSH := /bin/bash
		SHELL := /bin/bash
		LIBGD = no
		libdir = /usr/lib/x86_64-linux-gnu
		slibdir = /lib/x86_64-linux-gnu
		rtlddir = /lib64
		libexecdir = /usr/lib
		install_root = $CACHE/no-install
	EOF
	(cd "$OBJ" && CC="gcc -Wl,--hash-style=both" CXX="g++ -Wl,--hash-style=both" AUTOCONF=false MAKEINFO=: \
		"$SRC/configure" --host=x86_64-linux-gnu --build=x86_64-linux-gnu --prefix=/usr \
		--without-selinux --disable-crypt --enable-stackguard-randomization \
		--enable-stack-protector=strong --enable-multi-arch --enable-kernel=3.2 \
		--with-pkgversion="Debian GLIBC $VERSION" >configure.log 2>&1) ||
		{ tail -20 "$OBJ/configure.log" >&2; exit 1; }
	done_step configure
fi

JOBS=${JOBS:-2}
if ! step glibc; then
	echo "conformance: building glibc $VERSION in $OBJ (log: $OBJ/build.log)"
	nice make -C "$OBJ" -j"$JOBS" >"$OBJ/build.log" 2>&1 || { tail -30 "$OBJ/build.log" >&2; exit 1; }
	done_step glibc
fi

if ! step tests; then
	echo "conformance: building the elf/ and dlfcn/ tests (log: $OBJ/tests-build.log)"
	nice make -C "$OBJ" -j"$JOBS" check subdirs="elf dlfcn" run-built-tests=no >"$OBJ/tests-build.log" 2>&1 ||
		{ tail -30 "$OBJ/tests-build.log" >&2; exit 1; }
	# One real run with glibc's own harness and its freshly built ld.so: it makes the files
	# tests read besides their binaries (copies into glibc-hwcaps/ directories, .phdr
	# listings, malloc's mtrace script...), which are not test recipes. Its results are not
	# used, so failures are expected and ignored. make would delete the intermediate ones
	# (the check-* tests read them) when it ends: MAKEFILES, read by every sub-make, keeps
	# them.
	echo "conformance: one run of glibc's own make check, for the files tests need (log: $OBJ/tests-run.log)"
	echo ".SECONDARY:" >"$CACHE/keep-intermediates.mk"
	MAKEFILES="$CACHE/keep-intermediates.mk" nice make -C "$OBJ" -k -j"$JOBS" check subdirs="elf dlfcn" \
		>"$OBJ/tests-run.log" 2>&1 || true
	done_step tests
fi

if ! step commands; then
	# With no .out file present, make -n --trace prints every test's recipe after a line
	# naming its target; the loader and library path are placeholders the runner fills in.
	find "$OBJ/elf" "$OBJ/dlfcn" -name '*.out' -delete
	make -C "$OBJ" -n --trace check subdirs="elf dlfcn" \
		"rtld-prefix=__RTLD__ --library-path __LIBPATH__" >"$OBJ/dryrun.txt" 2>&1 || true
	python3 "$HERE/commands.py" "$OBJ/dryrun.txt" "$OBJ" >"$CACHE/commands.json.tmp"
	mv "$CACHE/commands.json.tmp" "$CACHE/commands.json"
	done_step commands
fi

# The system's own loader, copied to a path that is not its own: what "ld.so run by path
# from elsewhere" passes is the bar ld-mmld.so is measured against.
mkdir -p "$CACHE/system-ld"
cmp -s /lib64/ld-linux-x86-64.so.2 "$CACHE/system-ld/ld-linux-x86-64.so.2" 2>/dev/null ||
	cp /lib64/ld-linux-x86-64.so.2 "$CACHE/system-ld/ld-linux-x86-64.so.2"
echo "conformance: cache ready in $CACHE ($(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['tests']))" "$CACHE/commands.json") tests)"
