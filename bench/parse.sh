#!/usr/bin/env bash
# parse.sh - how fast `tracebook analyze` reads trace_pipe text, and in how much memory.
#
# Generates SIZE_MB (default 1024) of 6.x-style kmem trace_pipe text (bench/parse-gen.c:
# kmalloc/kfree with hashed pointers, ~1 in 64 objects never freed) in a temporary
# directory, times the release build on it, prints MB/s (wall clock and CPU time) and
# peak RSS, then deletes the file.  Memory must stay flat as the file grows: the state
# is the outstanding objects and the distinct stacks, not the input; run with
# SIZE_MB=256 and SIZE_MB=1024 to see it.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
SIZE_MB=${SIZE_MB:-1024}
TB=${TB:-$TOP/tracebook}
[ -x "$TB" ] || { echo "parse.sh: build the release binary first (make tracebook)" >&2; exit 1; }
TMP=$(mktemp -d /tmp/tb-parse-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
${CC:-cc} -O2 -o "$TMP/gen" "$TOP/bench/parse-gen.c"
"$TMP/gen" $((SIZE_MB * 1024 * 1024)) > "$TMP/kmem.txt"
bytes=$(stat -c %s "$TMP/kmem.txt")
cat "$TMP/kmem.txt" > /dev/null	# warm the page cache: measure parsing, not the disk
/usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$TB" analyze "$TMP/kmem.txt" -o "$TMP/r.json" > "$TMP/report.txt"
read -r wall user sys rss_kb < "$TMP/time"
events=$(jq .events "$TMP/r.json")
outstanding=$(jq '[.pairs[].outstanding_count] | add' "$TMP/r.json")
awk -v b="$bytes" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss_kb" -v e="$events" -v o="$outstanding" 'BEGIN {
	mb = b / 1048576; cpu = u + s
	printf "parse bench: %.0f MB of trace_pipe text, %d events, %d outstanding at the end\n", mb, e, o
	printf "  wall %.2f s -> %.0f MB/s;  CPU %.2f s (user %.2f + sys %.2f) -> %.0f MB/s on one core\n", w, mb / w, cpu, u, s, mb / cpu
	printf "  peak RSS %.1f MB\n", r / 1024
}'
