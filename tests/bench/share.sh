#!/bin/sh
# make bench, part 2: how long `mmld share -n 16` takes on python3 (start, hold, measure,
# report, let finish), median of 5 runs. A benchmark: it prints, it never fails.
# usage: share.sh BUILD_DIR
set -u
mmld=$1/mmld
for n in 1 2 3 4 5; do
	s=$(date +%s%N)
	"$mmld" share -n 16 -- /usr/bin/python3 -c pass >/dev/null 2>&1
	e=$(date +%s%N)
	echo $(((e - s) / 1000000))
done | sort -n | sed -n 3p | {
	read -r ms
	printf '%-40s %8s ms (median of 5; target < 1000)\n' "mmld share -n 16 -- python3 -c pass" "$ms"
}
