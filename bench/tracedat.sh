#!/bin/bash
# bench/tracedat.sh [-d SECONDS] [-b BEFORE_BINARY] - offline `tracebook analyze` of a big
# trace.dat: wall time, CPU ns per event, peak RSS.  Records one first (under the live
# lock, with build/tb-workload churning): `tracebook run slab-leak --save` for SECONDS
# (default 6; `trace-cmd record` cannot run in this container: it fails to write
# ftrace_enabled), converts its version-6 trace.dat to an uncompressed version 7 with
# trace-cmd, and times ./tracebook on both (and BEFORE_BINARY, e.g. a build with the
# libtracecmd reader).  Needs root, tracefs, trace-cmd.  Results: bench/README.md.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib.sh"
D=6 BEFORE=
while getopts d:b: o; do case $o in d) D=$OPTARG ;; b) BEFORE=$OPTARG ;; *) exit 2 ;; esac; done
TBR=$TOP/tracebook
W=$(mktemp -d /var/tmp/tb-bench-dat.XXXXXX)
trap 'rm -rf "$W"' EXIT
make -s -C "$TOP" tracebook workload >/dev/null || exit 1
record() {
	cd "$W" || exit 1
	"$TOP/build/tb-workload" -t 2 -d "$D" > /dev/null 2>&1 &
	wl=$!
	"$TOP/tracebook" run slab-leak -d "${D}s" --save "$W/run" -o "$W/live.json" > /dev/null 2> "$W/rec.log"
	wait $wl
}
with_live_lock bash -c "$(declare -f record); W=$W TOP=$TOP D=$D record"
mv "$W/run/trace.dat" "$W/big6.dat" || { cat "$W/rec.log"; exit 1; }
trace-cmd convert --compression none -i "$W/big6.dat" -o "$W/big7.dat" > /dev/null 2>&1
jq -r '"live run: \(.events) events, \(.lost_events) lost, \(.duration_s) s"' "$W/live.json"
measure() { # label binary file
	local ev t rss
	/usr/bin/time -f '%e %U %S %M' -o "$W/time" "$2" analyze "$3" -o "$W/r.json" > /dev/null 2> "$W/err" ||
		{ echo "$1: failed: $(tail -1 "$W/err")"; return; }
	ev=$(jq .events "$W/r.json")
	read -r t u s rss < "$W/time"
	printf '%-28s %6s MB %10s events  %6.2f s wall  %6.0f ns/event (CPU)  peak RSS %6.1f MiB\n' \
		"$1" "$(( $(stat -c %s "$3") / 1000000 ))" "$ev" "$t" \
		"$(echo "($u + $s) * 1000000000 / $ev" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}
measure "tracebook (own reader) v7" "$TBR" "$W/big7.dat"
measure "tracebook (own reader) v6" "$TBR" "$W/big6.dat"
[ -n "$BEFORE" ] && measure "before (libtracecmd) v6" "$BEFORE" "$W/big6.dat"
exit 0
