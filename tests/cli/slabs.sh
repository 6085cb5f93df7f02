#!/usr/bin/env bash
# tests/cli/slabs.sh - `tracebook slabs` offline on files (real 6.18 captures of a
# planted workload, slabtop -o, crash kmem -s), bundles with meminfo, --between,
# --sysfs listings, --cache alias answers, bad input, and the live path against fake
# kernel roots (TRACEBOOK_ROOT) - no root or kernel needed.
. "$(dirname "$0")/../lib.sh"

F=$TOP/tests/fixtures/slabinfo
TMP=$(mktemp -d /tmp/tb-cli-slabs.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

if [ ! -x "$TB" ]; then
	not_ok "tracebook binary $TB missing (make asan)"
	finish
fi

# --- real captures: planted AF_UNIX sockets land in the merged UNIX-STREAM cache ---------
out=$("$TB" slabs "$F/live-6.18-before.txt" "$F/live-6.18-after.txt" \
	--sysfs "$F/sys-kernel-slab-6.18.ls" --top 5 2>&1); rc=$?
expect_eq "offline A B exits 0" 0 "$rc"
expect_match "time taken from the files' date lines" 'over 2\.0s' "$out"
top=$(printf '%s\n' "$out" | awk '/^Top caches by growth/ { getline; getline; print $1; exit }')
expect_eq "top grower is the cache holding UNIX-STREAM" "signal_cache" "$top"
objs=$(printf '%s\n' "$out" | awk '/^Top caches by growth/ { f=1; next } f && $1 == "signal_cache" { print $4; exit }')
if [ "${objs#+}" -ge 17000 ] 2>/dev/null; then ok "signal_cache grew by $objs objects (9000 socket pairs planted)"
else not_ok "signal_cache growth: expected >= +17000, got '$objs'"; fi
expect_match "its row lists the merged names" 'signal_cache .*UNIX, UNIX-STREAM' "$out"
expect_match "meminfo SUnreclaim with a rate per hour" 'SUnreclaim +[0-9.]+ MiB +[0-9.]+ MiB +\+[0-9.]+ MiB +\+[0-9.]+ GiB/h' "$out"
expect_match "compaction verdict from vmstat" 'compaction did not run \(skipped\): compact_stall unchanged' "$out"
expect_match "buddyinfo free blocks per order" 'node 0 Normal .*highest free order' "$out"
expect_match "hint names the next recipe" 'tracebook run slub-trace cache=signal_cache' "$out"
expect_match "hint warns the growth may be a merged name" 'signal_cache also holds UNIX, UNIX-STREAM' "$out"
expect_match "hint offers slab-leak by size" 'tracebook run slab-leak size=1152' "$out"

# --cache with an alias: which cache really holds it
out=$("$TB" slabs "$F/live-6.18-before.txt" "$F/live-6.18-after.txt" \
	--sysfs "$F/sys-kernel-slab-6.18.ls" --cache UNIX-STREAM 2>&1)
expect_match "--cache alias says which cache holds it" '^UNIX-STREAM is merged into signal_cache \(sysfs /sys/kernel/slab/:A-0001152\)' "$out"
out=$("$TB" slabs "$F/live-6.18-before.txt" "$F/live-6.18-after.txt" --cache UNIX-STREAM 2>&1)
expect_match "--cache without a sysfs view says it cannot tell" 'cannot tell whether it is merged.*--sysfs' "$out"

# JSON
out=$("$TB" slabs "$F/live-6.18-before.txt" "$F/live-6.18-after.txt" \
	--sysfs "$F/sys-kernel-slab-6.18.ls" --json --cache UNIX-STREAM 2>&1)
if ! command -v jq >/dev/null; then
	skip "--json checks" "jq is not installed (apt-get install jq)"
elif printf '%s' "$out" | jq -e . >/dev/null 2>&1; then
	ok "--json is valid JSON"
	expect_eq "JSON: top cache" "signal_cache" "$(printf '%s' "$out" | jq -r '.growth.caches[0].name')"
	expect_eq "JSON: its aliases" '["UNIX","UNIX-STREAM"]' "$(printf '%s' "$out" | jq -c '.growth.caches[0].aliases')"
	expect_eq "JSON: --cache held_by" "signal_cache" "$(printf '%s' "$out" | jq -r '.cache.held_by')"
	expect_eq "JSON: compaction" "skipped" "$(printf '%s' "$out" | jq -r '.growth.compaction')"
	expect_eq "JSON: span" "2000000000" "$(printf '%s' "$out" | jq -r '.growth.span_ns')"
else
	not_ok "--json is valid JSON"; printf '%s\n' "$out" | head -5 | sed 's/^/    /'
fi

# --- slabtop -o: no time in the files ---------------------------------------------------------
out=$("$TB" slabs "$F/slabtop-6.18-before.txt" "$F/slabtop-6.18-after.txt" 2>&1)
expect_match "slabtop files without time: rates unknown, said so" 'rates per hour are unknown \(give --between\)' "$out"
expect_match "slabtop files: same top grower" 'signal_cache +1147 +18116 +\+17934' "$out"
out=$("$TB" slabs "$F/slabtop-6.18-before.txt" "$F/slabtop-6.18-after.txt" --between 5m 2>&1)
expect_match "--between gives the span" 'over 5m' "$out"
expect_match "--between: per-hour objects = 12 x 17934" '\+215208 ' "$out"

# --- crash kmem -s (old column order), DATE lines two hours apart ---------------------------
out=$("$TB" slabs "$F/kmem-s-c7-a.txt" "$F/kmem-s-c7-b.txt" 2>&1); rc=$?
expect_eq "kmem -s files exit 0" 0 "$rc"
expect_match "kmem -s: span from DATE lines" 'over 2h' "$out"
expect_match "kmem -s: kmalloc-8192 +2000 objects, 1000/hour" 'kmalloc-8192 +8192 +3200 +\+2000 .* \+1000 ' "$out"
expect_match "kmem -s: hint" 'tracebook run slub-trace cache=kmalloc-8192' "$out"
expect_match "kmem -s: slab-leak size" 'slab-leak size=8192' "$out"

# --- the field report: SUnreclaim 4.2 MB/hour from two bundles 30 minutes apart -------------
{ echo "2026-11-22T02:00:00Z"; echo "slabinfo - version: 2.1"
  echo "kmalloc-8k 100 112 8192 4 8 : tunables 0 0 0 : slabdata 28 28 0"
  printf 'MemTotal: 8000000 kB\nSlab: 300000 kB\nSReclaimable: 200000 kB\nSUnreclaim: 100000 kB\n'; } > "$TMP/a"
{ echo "2026-11-22T02:30:00Z"; echo "slabinfo - version: 2.1"
  echo "kmalloc-8k 360 360 8192 4 8 : tunables 0 0 0 : slabdata 90 90 0"
  printf 'MemTotal: 8000000 kB\nSlab: 302150 kB\nSReclaimable: 200000 kB\nSUnreclaim: 102150 kB\n'; } > "$TMP/b"
out=$("$TB" slabs "$TMP/a" "$TMP/b" 2>&1)
expect_match "SUnreclaim +2.1 MiB in 30 min = +4.2 MiB/h" 'SUnreclaim +97\.7 MiB +99\.8 MiB +\+2\.1 MiB +\+4\.2 MiB/h' "$out"
expect_match "kmalloc-8k +260 objects, 520 per hour" 'kmalloc-8k +8192 +360 +\+260 .* \+520 ' "$out"

# --- bad input: file:line, nothing changed ----------------------------------------------------
printf 'slabinfo - version: 2.1\nkmalloc-64 10 10 64 64 1 : tunables 0 0 0 : slabdata 1 1 0\nkmalloc-128 10 x 128 : tunables\n' > "$TMP/bad"
cp "$TMP/bad" "$TMP/bad.orig"
out=$("$TB" slabs "$TMP/a" "$TMP/bad" 2>&1); rc=$?
expect_eq "malformed row: exit 3" 3 "$rc"
expect_match "malformed row: file:line and the text" "$TMP/bad:3: malformed slabinfo row: expected .* got 'kmalloc-128 10 x 128" "$out"
if cmp -s "$TMP/bad" "$TMP/bad.orig"; then ok "input file untouched"; else not_ok "input file untouched"; fi
printf 'hello\n' > "$TMP/junk"
out=$("$TB" slabs "$TMP/junk" "$TMP/a" 2>&1); rc=$?
expect_eq "not a slab listing: exit 3" 3 "$rc"
expect_match "not a slab listing: file:line" "$TMP/junk:1: not a slab listing 'hello'" "$out"
out=$("$TB" slabs "$TMP/missing" "$TMP/a" 2>&1); rc=$?
expect_eq "missing file: exit 3" 3 "$rc"
expect_match "missing file named" "cannot read $TMP/missing" "$out"
printf 'lrwxrwxrwx 1 root root 0 Nov 22 12:31 UNIX -> :A-0001152\nUNIX :A-0001152\n' > "$TMP/ls"
out=$("$TB" slabs "$TMP/a" "$TMP/b" --sysfs "$TMP/ls" 2>&1); rc=$?
expect_eq "bad --sysfs listing: exit 3" 3 "$rc"
expect_match "bad --sysfs listing: file:line" "$TMP/ls:2: not a line of" "$out"
"$TB" slabs "$TMP/a" "$TMP/b" -i 5s >/dev/null 2>&1; expect_eq "-i with files: usage error" 2 "$?"
"$TB" slabs --between 5m >/dev/null 2>&1; expect_eq "--between without files: usage error" 2 "$?"
"$TB" slabs -i nonsense >/dev/null 2>&1; expect_eq "bad -i: usage error" 2 "$?"
"$TB" slabs --bogus >/dev/null 2>&1; expect_eq "unknown option: usage error" 2 "$?"
out=$("$TB" slabs --help 2>&1); expect_match "--help" 'usage: tracebook slabs' "$out"

# --- live path against fake kernel roots (TRACEBOOK_ROOT) -------------------------------------
mkroot() { # dir era: 3.10 ids ':t-', 6.x ids ':' and ':A-'; trace mode
	local R=$1 S=$1/sys/kernel/slab id256 id64 mode
	if [ "$2" = 3.10 ]; then id256=:t-0000256 id64=:t-0000064 mode=600; else id256=:0000256 id64=:A-0000064 mode=400; fi
	mkdir -p "$S" "$R/proc"
	for d in "$id256" "$id64" kmalloc-8k; do
		mkdir "$S/$d"; echo 0 > "$S/$d/trace"; chmod "$mode" "$S/$d/trace"
		echo 1 > "$S/$d/aliases"; echo 256 > "$S/$d/object_size"
	done
	ln -s "$id256" "$S/pool_workqueue"; ln -s "$id256" "$S/ip6_dst_cache"
	ln -s "$id64" "$S/anon_vma_chain"; ln -s "$id64" "$S/vmap_area"
	cat > "$R/proc/slabinfo" <<-EOF
	slabinfo - version: 2.1
	# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>
	pool_workqueue       480    512    256   16    1 : tunables    0    0    0 : slabdata     32     32      0
	anon_vma_chain      6000   6400     64   64    1 : tunables    0    0    0 : slabdata    100    100      0
	kmalloc-8k           100    112   8192    4    8 : tunables    0    0    0 : slabdata     28     28      0
	EOF
	printf 'MemTotal: 8000000 kB\nSlab: 3000 kB\nSReclaimable: 2000 kB\nSUnreclaim: 1000 kB\n' > "$R/proc/meminfo"
}
for era in 3.10 6.x; do
	R=$TMP/root-$era
	mkroot "$R" "$era"
	out=$(TRACEBOOK_ROOT=$R "$TB" slabs --cache ip6_dst_cache 2>&1); rc=$?
	expect_eq "$era fake root: live slabs exits 0" 0 "$rc"
	expect_match "$era fake root: ip6_dst_cache is merged into pool_workqueue" \
		"^ip6_dst_cache is merged into pool_workqueue \(sysfs $R/sys/kernel/slab/:(t-)?0000256\)" "$out"
	expect_match "$era fake root: rows list aliases" 'anon_vma_chain .*vmap_area' "$out"
	out=$(TRACEBOOK_ROOT=$R "$TB" slabs -i 1s -n 1 2>&1)
	expect_match "$era fake root: -i 1s -n 1 takes two snapshots" '^Slab growth: 2 snapshots \(/proc/slabinfo\) over 1\.0s' "$out"
	expect_match "$era fake root: nothing grew" 'no cache grew' "$out"
done

# --- growth in run/analyze reports: a structured result, --top, JSON read back by diff ------
for x in before after; do	# the bare /proc/slabinfo of the bundles (no date, no meminfo)
	awk 'NR > 1 && /^MemTotal:/ { exit } NR > 1 { print }' "$F/live-6.18-$x.txt" > "$TMP/si-$x.txt"
done
rows() { # number of rows in the "Top caches by growth" table of $1
	printf '%s\n' "$1" | awk '/^Top caches by growth/ { f = 1; getline; next } f && /^  [^ (]/ { n++; next } f { exit } END { print n + 0 }'
}
# a time line first ((date; cat /proc/slabinfo) > FILE): analyze reads it as slabinfo and
# takes the time from it, not from the mtime (equal here, as after a copy)
{ echo "Tue Dec  1 10:00:00 UTC 2026"; cat "$TMP/si-before.txt"; } > "$TMP/sd-before.txt"
{ echo "Tue Dec  1 10:05:00 UTC 2026"; cat "$TMP/si-after.txt"; } > "$TMP/sd-after.txt"
touch -r "$TMP/sd-before.txt" "$TMP/sd-after.txt"
out=$("$TB" analyze "$TMP/sd-before.txt" "$TMP/sd-after.txt" 2>&1); rc=$?
expect_eq "analyze of slabinfo files with a date line first exits 0" 0 "$rc"
expect_match "analyze: the span from the date lines, not the equal mtimes" 'Slab growth: 2 snapshots \(/proc/slabinfo\) over 5m00s' "$out"
out=$("$TB" analyze "$TMP/si-before.txt" "$TMP/si-after.txt" -o "$TMP/g1.json" 2>&1); rc=$?
expect_eq "analyze of two slabinfo files exits 0" 0 "$rc"
expect_match "its report has the growth section" '== slab growth' "$out"
expect_eq "analyze: default --top shows 10 growing caches" 10 "$(rows "$out")"
out=$("$TB" analyze "$TMP/si-before.txt" "$TMP/si-after.txt" --top 3 2>&1)
expect_eq "analyze --top 3: 3 rows in the growth table" 3 "$(rows "$out")"
size_rows=$(printf '%s\n' "$out" | awk '/^Top caches by size/ { f = 1; getline; next } f && /^  [^ ]/ { n++; next } f { exit } END { print n + 0 }')
expect_eq "analyze --top 3: 3 rows in the size table" 3 "$size_rows"
out=$("$TB" slabs "$F/live-6.18-before.txt" "$F/live-6.18-after.txt" --top 2 2>&1)
expect_eq "slabs --top 2: 2 rows in the growth table" 2 "$(rows "$out")"
# AFTER: the same caches, signal_cache grown by half as much (the fix under test)
awk '$1 == "signal_cache" { $2 = $2 - 9000; $3 = $3 - 9000 } { print }' "$TMP/si-after.txt" > "$TMP/si-fixed.txt"
"$TB" analyze "$TMP/si-before.txt" "$TMP/si-fixed.txt" -o "$TMP/g2.json" >/dev/null 2>&1
out=$("$TB" diff "$TMP/g1.json" "$TMP/g2.json" --top 3 2>&1); rc=$?
expect_eq "diff of two reports with growth exits 0" 0 "$rc"
expect_match "diff compares slab growth" '^== slab growth: BEFORE 2 snapshots.*AFTER 2 snapshots' "$out"
expect_match "diff: signal_cache grew less after" '^  signal_cache +\+17934 +\+8934 ' "$out"
n=$(printf '%s\n' "$out" | awk '/^== slab growth/ { f = 1; getline; next } f && /^  / { n++ } END { print n + 0 }')
expect_eq "diff --top 3 limits the growth rows" 3 "$n"

# probe's fake trees, when present (tests/fake/mktree.sh)
if [ -x "$TOP/tests/fake/mktree.sh" ]; then
	for era in 3.10 4.19 6.x; do
		R=$TMP/fake-$era
		if "$TOP/tests/fake/mktree.sh" "$era" "$R" >/dev/null 2>&1; then
			link=$(cd "$R/sys/kernel/slab" && for l in *; do [ -L "$l" ] && { echo "$l"; break; }; done)
			want=$(readlink "$R/sys/kernel/slab/$link")
			out=$(TRACEBOOK_ROOT=$R "$TB" slabs --cache "$link" 2>&1)
			expect_match "mktree $era: $link resolves to $want" "$R/sys/kernel/slab/$want[:)]" "$out"
		else
			skip "mktree $era" "tests/fake/mktree.sh failed"
		fi
	done
else
	skip "probe's fake trees" "tests/fake/mktree.sh not in this tree yet"
fi
finish
