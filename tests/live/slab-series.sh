#!/bin/bash
# tests/live/slab-series.sh - `tracebook run slab-leak interval=1s -d 4s` on this kernel
# takes /proc/slabinfo and /proc/meminfo at the start, every second and at the end: the
# JSON report has a point per snapshot (more than first and last), times rising from 0,
# and the HTML page draws every slab and meminfo line with that many points; tracing is
# as found.  Needs root, tracefs and the kmem tracepoints; takes the live-test lock.
. "$(dirname "$0")/../lib.sh"

if [ -z "${TB_SERIES_LOCKED:-}" ]; then
	is_root || { skip "slab-series live" "not root"; finish; }
	[ -x "$TB" ] || { skip "slab-series live" "no $TB (make asan)"; finish; }
	command -v jq >/dev/null || { skip "slab-series live" "jq is not installed (make deps)"; finish; }
	[ -r /proc/slabinfo ] || { skip "slab-series live" "no /proc/slabinfo (SLOB or no SLUB_DEBUG)"; finish; }
	TB_SERIES_LOCKED=1 with_live_lock bash "$0"
	exit $?
fi
T=$(live_tracefs)
[ -n "$T" ] || { skip "slab-series live" "no tracefs on this kernel"; finish; }
[ -e "$T/events/kmem/kmalloc/enable" ] || { skip "slab-series live" "no kmem tracepoints"; finish; }

W=$(mktemp -d /tmp/tb-slab-series-live.XXXXXX)
trap 'rm -rf "$W"' EXIT
before=$(tracefs_snapshot "$T")
out=$(timeout 300 "$TB" run slab-leak interval=1s -d 4s -o "$W/live.json" --html "$W/live.html" 2>&1 >/dev/null); rc=$?
expect_eq "run slab-leak interval=1s -d 4s: exit 0" 0 "$rc"
[ "$rc" = 0 ] || printf '%s\n' "$out" | tail -5 | sed 's/^/    | /'
expect_eq "run: tracing as found" "$before" "$(tracefs_snapshot "$T")"
J=$W/live.json
n=$(jq '.slabs.snapshots.slabinfo' "$J")
npts=$(jq '.slabs.slab_points.snapshot | length' "$J")
if [ "${n:-0}" -gt 2 ] 2>/dev/null; then ok "run took $n slabinfo snapshots (start, every second, end)"
else not_ok "run took '$n' slabinfo snapshots, expected more than 2"; fi
expect_eq "slab_points: one per snapshot" "$n" "$npts"
expect_eq "meminfo_points: one per meminfo snapshot" "$(jq '.slabs.snapshots.meminfo' "$J")" \
	"$(jq '.slabs.meminfo_points.snapshot | length' "$J")"
expect_eq "slab_points: times from 0, rising" "true" \
	"$(jq '.slabs.slab_points.t_ns as $t | $t[0] == 0 and ([range(1; $t | length) | $t[.] > $t[. - 1]] | all)' "$J")"
expect_eq "every cache series has a value per point" "true" \
	"$(jq --argjson n "$npts" '[.slabs.caches[] | select(.series) | .series | length == $n] | all' "$J")"
expect_eq "SUnreclaim has a value per meminfo point" "$(jq '.slabs.meminfo_points.snapshot | length' "$J")" \
	"$(jq '.slabs.meminfo_kb.SUnreclaim.series | length' "$J")"
# the page: every line of both charts has a point per snapshot
points() {
	awk -v id="id=\"$1\"" 'index($0, id) { f = 1 } f { print } f && /<\/figure>/ { exit }' "$W/live.html" |
		grep -o '<polyline class="series"[^>]*points="[^"]*"' | sed 's/.*points="\([^"]*\)"/\1/' |
		awk '{ print NF }' | sort -u | paste -sd' '
}
expect_eq "HTML: every meminfo line has $npts points" "$npts" "$(points meminfo)"
nser=$(jq '[.slabs.caches[] | select(.series)] | length' "$J")
if [ "$nser" -gt 0 ]; then
	expect_eq "HTML: every slab line ($nser) has $npts points" "$npts" "$(points slab-growth)"
else
	expect_match "HTML: no cache grew, and the page says so" 'No cache grew between the snapshots' "$(cat "$W/live.html")"
fi
finish
