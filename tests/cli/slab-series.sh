#!/usr/bin/env bash
# tests/cli/slab-series.sh - slab growth over time: a synthetic watch of five snapshots
# (a `date` line, /proc/slabinfo, /proc/meminfo, a minute apart) where cache "leaky"
# grows by 500 objects and SUnreclaim by 200 kB per snapshot.  The JSON carries one
# point per snapshot (slab_points, caches[].series, meminfo_points, meminfo_kb.K.series)
# from `slabs --json` and `analyze -o`; `report R.json --html` draws the chart the
# analysis drew; a report without series (older JSON) still draws first to last; a
# series of the wrong length is refused naming the key; `diff` of two such reports.
. "$(dirname "$0")/../lib.sh"

TMP=$(mktemp -d /tmp/tb-cli-slab-series.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
if [ ! -x "$TB" ]; then
	not_ok "tracebook binary $TB missing (make asan)"
	finish
fi
command -v jq >/dev/null || { skip "slab-series" "jq is not installed (make deps installs it)"; finish; }

N=5
HDR='# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>'
for i in $(seq 0 $((N - 1))); do
	{
		echo "Sun Nov 22 12:3$i:00 UTC 2026"
		echo "slabinfo - version: 2.1"
		echo "$HDR"
		echo "leaky $((1000 + 500 * i)) $((1024 + 512 * i)) 256 16 1 : tunables 0 0 0 : slabdata 100 100 0"
		echo "steady 300 320 64 64 1 : tunables 0 0 0 : slabdata 5 5 0"
		[ "$i" -ge 2 ] && echo "late $((10 * i)) 64 128 32 1 : tunables 0 0 0 : slabdata 2 2 0"
	} > "$TMP/si$i.txt"
	{
		cat "$TMP/si$i.txt"
		echo "MemTotal:        1000000 kB"
		echo "Slab:            $((50000 + 200 * i)) kB"
		echo "SReclaimable:      30000 kB"
		echo "SUnreclaim:      $((20000 + 200 * i)) kB"
	} > "$TMP/snap$i.txt"
	# analyze takes a slabinfo file's time from its mtime
	touch -d "2026-11-22 12:3$i:00 UTC" "$TMP/si$i.txt"
done
files() { for i in $(seq 0 $((N - 1))); do printf '%s\n' "$TMP/$1$i.txt"; done; }

# --- slabs --json: slab and meminfo series ---------------------------------------------
mapfile -t snaps < <(files snap)
"$TB" slabs "${snaps[@]}" --json > "$TMP/slabs.json" 2>"$TMP/err"; rc=$?
expect_eq "slabs of $N files exits 0" 0 "$rc"
G=$TMP/slabs.json
expect_eq "slabs: a point per snapshot" "[0,1,2,3,4]" "$(jq -c .growth.slab_points.snapshot "$G")"
expect_eq "slabs: times from the date lines, a minute apart" \
	"[0,60000000000,120000000000,180000000000,240000000000]" "$(jq -c .growth.slab_points.t_ns "$G")"
expect_eq "slabs: leaky's active objects at each snapshot" "[1000,1500,2000,2500,3000]" \
	"$(jq -c '.growth.caches[] | select(.name == "leaky") | .series' "$G")"
expect_eq "slabs: a cache that came later is null before" "[null,null,20,30,40]" \
	"$(jq -c '.growth.caches[] | select(.name == "late") | .series' "$G")"
expect_eq "slabs: a cache that did not grow has no series" "null" \
	"$(jq -c '.growth.caches[] | select(.name == "steady") | .series' "$G")"
expect_eq "slabs: the last point is the cache's active objects" \
	"$(jq '.growth.caches[] | select(.name == "leaky") | .active_objs' "$G")" \
	"$(jq '.growth.caches[] | select(.name == "leaky") | .series[-1]' "$G")"
expect_eq "slabs: meminfo points" "[0,1,2,3,4]" "$(jq -c .growth.meminfo_points.snapshot "$G")"
expect_eq "slabs: SUnreclaim at each snapshot (kB)" "[20000,20200,20400,20600,20800]" \
	"$(jq -c .growth.meminfo_kb.SUnreclaim.series "$G")"
expect_eq "slabs: Slab at each snapshot (kB)" "[50000,50200,50400,50600,50800]" \
	"$(jq -c .growth.meminfo_kb.Slab.series "$G")"
expect_eq "slabs: SReclaimable at each snapshot (kB)" "[30000,30000,30000,30000,30000]" \
	"$(jq -c .growth.meminfo_kb.SReclaimable.series "$G")"

# --- analyze -o / --html, then report --html of that JSON: the same chart -----------------
mapfile -t sis < <(files si)
"$TB" analyze --format slabinfo "${sis[@]}" -o "$TMP/a.json" --html "$TMP/a.html" > "$TMP/a.txt" 2>&1; rc=$?
expect_eq "analyze of $N slabinfo files exits 0" 0 "$rc"
A=$TMP/a.json
expect_eq "analyze: a point per snapshot" "[0,1,2,3,4]" "$(jq -c .slabs.slab_points.snapshot "$A")"
expect_eq "analyze: times from the files' mtimes" \
	"[0,60000000000,120000000000,180000000000,240000000000]" "$(jq -c .slabs.slab_points.t_ns "$A")"
expect_eq "analyze: leaky's series" "[1000,1500,2000,2500,3000]" \
	"$(jq -c '.slabs.caches[] | select(.name == "leaky") | .series' "$A")"
chart() { awk '/id="slab-growth"/ { f = 1 } f { print } f && /<\/figure>/ { exit }' "$1"; }
npts() { chart "$1" | grep -o 'class="series"[^>]*points="[^"]*"' | sed 's/.*points="\([^"]*\)"/\1/' | awk '{ print NF }' | paste -sd' '; }
expect_eq "analyze --html: two lines (leaky, late) of $N points" "$N $N" "$(npts "$TMP/a.html")"
expect_match "analyze --html: the title says one point per snapshot" "at each of $N snapshots<" "$(chart "$TMP/a.html")"
"$TB" report "$A" --html "$TMP/r.html" > /dev/null 2>&1; rc=$?
expect_eq "report --html of the JSON exits 0" 0 "$rc"
expect_eq "report --html draws the chart analyze drew" "$(chart "$TMP/a.html" | md5sum)" "$(chart "$TMP/r.html" | md5sum)"
[ -n "$(chart "$TMP/r.html")" ] && ok "report --html has a slab chart" || not_ok "report --html has no slab chart"

# --- an older report (no series): first to last, as before --------------------------------
jq 'del(.slabs.slab_points, .slabs.meminfo_points) | .slabs.caches |= map(del(.series))' "$A" > "$TMP/old.json"
"$TB" report "$TMP/old.json" --html "$TMP/old.html" > /dev/null 2>&1; rc=$?
expect_eq "report --html of a report without series exits 0" 0 "$rc"
expect_eq "without series: each line first to last (2 points)" "2 2" "$(npts "$TMP/old.html")"
expect_match "without series: the title says first to last" "first to last of $N snapshots" "$(chart "$TMP/old.html")"

# --- bad series: refused, the key named, exit 3 ----------------------------------------------
jq '.slabs.caches |= map(if .name == "leaky" then .series = [1, 2] else . end)' "$A" > "$TMP/bad.json"
out=$("$TB" report "$TMP/bad.json" 2>&1); rc=$?
expect_eq "a series of the wrong length: exit 3" 3 "$rc"
expect_match "... naming the file and the key" "bad.json: slabs.caches\\[\\].series: expected one value per point of slabs.slab_points \\(5\\)" "$out"
jq '.slabs.caches |= map(if .name == "leaky" then .series[1] = "x" else . end)' "$A" > "$TMP/bad2.json"
out=$("$TB" report "$TMP/bad2.json" 2>&1); rc=$?
expect_eq "a series value that is not a number: exit 3" 3 "$rc"
expect_match "... naming the key" "slabs.caches\\[\\].series\\[\\]: expected whole numbers" "$out"

# --- diff: compares the growth of two reports with series -----------------------------------
for i in $(seq 0 $((N - 1))); do
	awk -v i="$i" '$1 == "leaky" { $2 = 1000 + 100 * i } { print }' "$TMP/si$i.txt" > "$TMP/fx$i.txt"
	touch -d "2026-11-22 12:3$i:00 UTC" "$TMP/fx$i.txt"
done
mapfile -t fxs < <(files fx)
"$TB" analyze --format slabinfo "${fxs[@]}" -o "$TMP/b.json" > /dev/null 2>&1
expect_eq "the fixed run's series" "[1000,1100,1200,1300,1400]" \
	"$(jq -c '.slabs.caches[] | select(.name == "leaky") | .series' "$TMP/b.json")"
out=$("$TB" diff "$A" "$TMP/b.json" 2>&1); rc=$?
expect_eq "diff of two reports with series exits 0" 0 "$rc"
expect_match "diff compares leaky's growth (+2000 before, +400 after)" '^  leaky +\+2000 +\+400 ' "$out"
finish
