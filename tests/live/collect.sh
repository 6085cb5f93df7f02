#!/bin/bash
# tests/live/collect.sh - `tracebook collect -d 2s` on this kernel: exit 0, the bundle
# where -o says (written atomically: no temporary file left beside it), the members the
# issue lists (probe.json, kallsyms with real addresses, dmesg, two snapshot sets 2 s
# apart, the short run's --save directory and exit), tracing byte-identical after it,
# and `tracebook analyze BUNDLE` gives the short run's own report (its report.json) plus
# the growth between the snapshots.  Needs root, tracefs and the kmem tracepoints; takes
# the live-test lock.
. "$(dirname "$0")/../lib.sh"

if [ -z "${TB_COLLECT_LOCKED:-}" ]; then
	is_root || { skip "collect live" "not root"; finish; }
	[ -x "$TB" ] || { skip "collect live" "no $TB (make asan)"; finish; }
	TB_COLLECT_LOCKED=1 with_live_lock bash "$0"
	exit $?
fi
T=$(live_tracefs)
[ -n "$T" ] || { skip "collect live" "no tracefs on this kernel"; finish; }
[ -e "$T/events/kmem/kmalloc/enable" ] || { skip "collect live" "no kmem tracepoints"; finish; }

W=$(mktemp -d /tmp/tb-collect-live.XXXXXX)
trap 'rm -rf "$W"' EXIT
export TMPDIR=$W/tmp
mkdir -p "$TMPDIR" "$W/out"
before=$(tracefs_snapshot "$T")
out=$(timeout 300 "$TB" collect -d 2s -o "$W/out/box.tar.gz" 2> "$W/err"); rc=$?
expect_eq "collect: exit 0" 0 "$rc"
[ "$rc" = 0 ] || tail -5 "$W/err" | sed 's/^/    | /'
expect_eq "collect: tracing as found" "$before" "$(tracefs_snapshot "$T")"
expect_eq "collect: only the bundle in the output directory (atomic write)" "box.tar.gz" "$(ls "$W/out")"
expect_eq "collect: no staging directory left" "" "$(ls "$TMPDIR")"
expect_match "collect: lists sizes" 'kallsyms +[0-9]+ bytes' "$out"
mkdir -p "$W/x" && tar xzf "$W/out/box.tar.gz" -C "$W/x"
top=$(ls "$W/x")
B=$W/x/$top
expect_match "bundle top directory: collect-HOST-TIME" "^collect-$(uname -n)-[0-9]{8}T[0-9]{6}Z\$" "$top"
for f in MANIFEST uname.txt probe.json kallsyms dmesg.txt snap/1-slabinfo snap/2-slabinfo \
	snap/1-meminfo snap/2-meminfo snap/1-vmstat snap/2-vmstat snap/1-buddyinfo snap/2-buddyinfo \
	run/trace.dat run/report.json run-exit.txt run-report.txt report.json; do
	check "bundle has $f" test -s "$B/$f"
done
expect_eq "uname.txt is uname -snrvm" "$(uname -snrvm)" "$(cat "$B/uname.txt")"
expect_match "probe.json is probe --json" '"release"' "$(cat "$B/probe.json")"
expect_nomatch "kallsyms has real addresses (root)" '^0+ ' "$(head -1 "$B/kallsyms")"
expect_match "the short run succeeded" '^exit 0 ' "$(head -1 "$B/run-exit.txt")"
t1=$(stat -c %Y "$B/snap/1-slabinfo"); t2=$(stat -c %Y "$B/snap/2-slabinfo")
expect_eq "the snapshots are 2 s apart (or a little more)" 1 "$(( t2 - t1 >= 2 && t2 - t1 <= 5 ))"
expect_match "dmesg.txt holds the kernel log" '^\[ *[0-9]+\.[0-9]+\] ' "$(head -1 "$B/dmesg.txt")"

# analyze BUNDLE: the short run's report (as it was live), plus the growth
q='del(.plan, .source, .duration_s, .duration_ns, .lost_per_cpu, .lost_window_s, .through_s, .through_ns)'
"$TB" analyze "$W/out/box.tar.gz" -o "$W/offline.json" > "$W/offline.txt" 2> "$W/offline.err"; rc=$?
expect_eq "analyze BUNDLE: exit 0" 0 "$rc"
[ "$rc" = 0 ] || tail -5 "$W/offline.err" | sed 's/^/    | /'
expect_eq "analyze BUNDLE: the short run's own report" "$(jq -S "$q" "$B/report.json" | md5sum)" "$(jq -S "$q" "$W/offline.json" | md5sum)"
[ "$(jq -S "$q" "$B/report.json")" = "$(jq -S "$q" "$W/offline.json")" ] || diff <(jq -S "$q" "$B/report.json") <(jq -S "$q" "$W/offline.json") | head -40 | sed "s/^/    | /"
expect_match "analyze BUNDLE: the growth between the snapshots" "== the bundle's /proc snapshots" "$(cat "$W/offline.txt")"
expect_match "analyze BUNDLE: slab growth over the interval" 'Slab growth: 2 snapshots' "$(cat "$W/offline.txt")"
expect_eq "analyze BUNDLE: temporary directory removed" "" "$(ls "$TMPDIR")"
finish
