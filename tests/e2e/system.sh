#!/usr/bin/env bash
# The system's own programs, unmodified, with the real libc.so.6: each runs through
# ld-mmld.so and normally (the kernel and the system loader), and what it prints and its
# exit status must be the same. usage: system.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
RTLD=$BUILD/ld-mmld.so
EXPECTED=$(cd "$(dirname "$0")" && pwd)/expected
. "$(dirname "$0")/lib.sh"
cd "$TMPD"

printf 'pear\napple\nfig\n' >fruit.txt
same true-and-status /bin/sh -c 'true; echo status=$?'
same true /bin/true --version
same ls-l /bin/ls -l --time-style=+%Y /usr/lib/x86_64-linux-gnu/libc.so.6 /etc/hostname
same cat /bin/cat fruit.txt
same sort /usr/bin/sort fruit.txt
same sha256sum /usr/bin/sha256sum fruit.txt
same date /bin/date -u -d @1234567890
same false /bin/false --version
same python3-pass /usr/bin/python3 -c 'print("pass")'
same python3-extensions /usr/bin/python3 -c '
import json, decimal, hashlib, ssl, sqlite3, ctypes
print(json.dumps({"k": [1, 2]}), decimal.Decimal("1.10") * 3, hashlib.sha256(b"mmld").hexdigest())
print(ssl.OPENSSL_VERSION.split()[0], sqlite3.connect(":memory:").execute("select 6*7").fetchone()[0])
print(ctypes.CDLL(None).strlen(b"four"), ctypes.CDLL("libm.so.6").cos is not None)'
same python3-threads /usr/bin/python3 -c '
import threading
out = []
ts = [threading.Thread(target=lambda i=i: out.append(i * i)) for i in range(8)]
[t.start() for t in ts]; [t.join() for t in ts]
print(sorted(out))'
same python3-exit-status /usr/bin/python3 -c 'import sys; print("exiting"); sys.exit(3)'
same perl-posix /usr/bin/perl -MPOSIX -e 'print POSIX::floor(7.5), " ", POSIX::strftime("%Y", gmtime(0)), "\n"'
same git-version /usr/bin/git --version
same clang-version /usr/bin/clang-14 --version
printf 'int twice(int x) { return 2 * x; }\n' >small.c
run_cmd "$TMPD/cc1" -- "$RTLD" /usr/bin/clang-14 -O2 -c small.c -o ours.o
run_cmd "$TMPD/cc2" -- /usr/bin/clang-14 -O2 -c small.c -o sys.o
check clang-compile "clang-14 -c through ld-mmld.so made a different object file" cmp ours.o sys.o

# A libc.so.6 other than the one rtld/glibc/abi.h describes is refused, by build-id.
mkdir -p otherlibc
cp /lib/x86_64-linux-gnu/libc.so.6 otherlibc/
note=$(readelf -SW otherlibc/libc.so.6 | awk '{for (i = 1; i < NF; i++) if ($i == ".note.gnu.build-id") print $(i + 3)}')
printf 'X' | dd of=otherlibc/libc.so.6 bs=1 seek=$((0x$note + 16)) conv=notrunc 2>/dev/null
expect_err glibc-build-id-guard 127 "libc\.so\.6: libc\.so\.6 build-id 58.* is not the one ld-mmld\.so was built for" \
	LD_LIBRARY_PATH="$TMPD/otherlibc" -- "$RTLD" /bin/true

echo "system: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
