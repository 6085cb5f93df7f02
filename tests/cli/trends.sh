#!/usr/bin/env bash
# tests/cli/trends.sh - issue 12: the trend of every group and its verdict on a
# synthetic trace generated here (a leak planted steadily over 100 s -> grows; a cache
# that warms up for 20 s then only replaces objects -> plateau; a sawtooth -> churn),
# ages, --older, --addresses, --pid/--comm, --interval, --max-objects, the JSON
# (schema 2) read back by diff, and the errors of the new options.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
[ -x "$TB" ] || { skip "trends" "no binary at $TB (make asan)"; finish; }
TMP=$(mktemp -d /tmp/tb-cli-trends.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# gen SECONDS LEAK_EVERY: leak_site one object every LEAK_EVERY s (0: none), never freed;
# cache_site +1 per 0.5 s for 20 s, then free one + allocate one; churn_site +4 per step
# for 10 s, -4 per step the next 10 s; 3 churn objects left at the end.
gen() {
	awk -v secs="$1" -v every="$2" '
	function al(task, pid, ts, site, p, b) {
		printf "%16s-%-5d [%03d] .....   %.6f: kmalloc: call_site=%s+0x1/0x10 ptr=ffff8881%08x bytes_req=%d bytes_alloc=%d gfp_flags=GFP_KERNEL node=-1 accounted=false\n", task, pid, pid % 4, ts, site, p, b, b
	}
	function fr(task, pid, ts, p) {
		printf "%16s-%-5d [%03d] .....   %.6f: kfree: call_site=x_free+0x1/0x10 ptr=ffff8881%08x\n", task, pid, pid % 4, ts, p
	}
	BEGIN {
		nl = 0; nc = 0; cn = 0; ns = 0; sn = 0; next_leak = 0
		for (t = 0; t < secs; t += 0.5) {
			ts = 1000 + t
			if (every > 0 && t >= next_leak) { al("leaker", 100, ts, "leak_site", 1048576 + (nl++) * 256, 256); next_leak += every }
			if (t < 20) { c[nc++] = 20971520 + (cn++) * 128; al("cacher", 201, ts + 0.1, "cache_site", c[nc-1], 128) }
			else { k = int(t * 2) % nc; fr("cacher", 201, ts + 0.1, c[k]); c[k] = 20971520 + (cn++) * 128; al("cacher", 201, ts + 0.11, "cache_site", c[k], 128) }
			if (int(t / 10) % 2 == 0) { for (j = 0; j < 4; j++) { s[ns++] = 41943040 + (sn++) * 64; al("churner", 302, ts + 0.2 + j * 0.01, "churn_site", s[ns-1], 64) } }
			else { for (j = 0; j < 4 && ns > 0; j++) fr("kworker/0:1", 7, ts + 0.2 + j * 0.01, s[--ns]) }
		}
		for (j = 0; j < 3; j++) al("churner", 302, 1000 + secs - 0.1 + j * 0.01, "churn_site", 62914560 + j * 64, 64)
	}'
}

verdict() { jq -r --arg s "$2" '.pairs[0].outstanding[] | select(.site | startswith($s)) | .verdict' "$1"; }

gen 100 0.5 > "$TMP/leak.txt"
out=$("$TB" analyze "$TMP/leak.txt" -o "$TMP/leak.json" 2>&1); rc=$?
expect_eq "analyze of the synthetic trace exits 0" 0 "$rc"
expect_eq "JSON schema_version 3" 3 "$(jq .schema_version "$TMP/leak.json")"
expect_eq "interval from the span: 100 s / 10 = 10 s" 10000000000 "$(jq .interval_ns "$TMP/leak.json")"
expect_eq "planted steadily over time: grows" grows "$(verdict "$TMP/leak.json" leak_site)"
expect_eq "warm-up then flat: plateau" plateau "$(verdict "$TMP/leak.json" cache_site)"
expect_eq "sawtooth: churn" churn "$(verdict "$TMP/leak.json" churn_site)"
expect_eq "the growing group is ranked first" "leak_site+0x1/0x10" "$(jq -r '.pairs[0].outstanding[0].site' "$TMP/leak.json")"
expect_eq "leak trend: 11 points, 0 to 200 objects by 20" "0 20 40 60 80 100 120 140 160 180 200" \
	"$(jq -r '.pairs[0].outstanding[0].trend.outstanding | map(tostring) | join(" ")' "$TMP/leak.json")"
expect_eq "trend t_ns at 10 s steps" "0 10 20 30 40 50 60 70 80 90" \
	"$(jq -r '.pairs[0].outstanding[0].trend.t_ns[:10] | map(. / 1e9 | floor | tostring) | join(" ")' "$TMP/leak.json")"
expect_eq "trend bytes follow the objects (256 B each)" 51200 "$(jq '.pairs[0].outstanding[0].trend.bytes[-1]' "$TMP/leak.json")"
# 2 per second planted = 7200/h (the last point is the end, 99.92 s: within 0.5%)
expect_eq "leak rate: 7200 objects/h (0.5%)" true "$(jq '.pairs[0].outstanding[0].rate_per_hour.objects | . > 7164 and . < 7236' "$TMP/leak.json")"
expect_eq "leak rate: 7200 * 256 bytes/h (0.5%)" true "$(jq '.pairs[0].outstanding[0].rate_per_hour.bytes | . > 7164 * 256 and . < 7236 * 256' "$TMP/leak.json")"
expect_eq "plateau rate about 0/h" true "$(jq '[.pairs[0].outstanding[] | select(.verdict == "plateau") | .rate_per_hour.objects | fabs < 50] | all' "$TMP/leak.json")"
# the last event is at 99.92 s: the first leaked object (0 s) is 99.92 s old, the
# 101st of 200 (50 s) is the median
expect_eq "ages: oldest 99.9 s, median 49.9 s of the leak" "99.9 49.9" \
	"$(jq -r '.pairs[0].outstanding[0].age | "\(.oldest_ns / 1e8 | round / 10) \(.median_ns / 1e8 | round / 10)"' "$TMP/leak.json")"
expect_eq "never freed share 1 and 256 bytes per object" "1 256" \
	"$(jq -r '.pairs[0].outstanding[0] | "\(.never_freed_share) \(.bytes_per_object)"' "$TMP/leak.json")"
expect_eq "top task of the leak: leaker pid 100 with 200 allocations" "leaker 100 200" \
	"$(jq -r '.pairs[0].outstanding[0].top_tasks[0] | "\(.comm) \(.pid) \(.allocs)"' "$TMP/leak.json")"
expect_match "text: verdict and rate beside the group" 'grows steadily, \+72[0-3][0-9] objects/h, \+1\.8 MiB/h' "$out"
expect_match "text: bytes with units" '51200 bytes \(50\.0 KiB\) in 200 allocations from leak_site' "$out"
expect_match "text: plateau named" '^	plateau' "$out"
expect_match "text: trend line" 'trend every 10\.0s: 0 20 40 60 80 100 120 140 160 180 200 objects' "$out"
expect_match "text: verdict counts over time" 'over time \(every 10\.0s for [0-9.ms ]+\): 1 grows steadily, 1 plateau, 1 churn, 0 too short to tell' "$out"
expect_match "text: a 100 s run is said to be short beside its grows verdict" \
	'!! a run of [0-9.ms ]+ is short: caches still warming up grow steadily in it too; run for 10 minutes or more' "$out"
"$TB" report "$TMP/leak.json" --html "$TMP/leak.html" >/dev/null 2>&1
expect_match "HTML summary: the short-run caveat" '<strong class="short-run">\(a run of 1m40s is short' "$(cat "$TMP/leak.html")"
gen 660 3 > "$TMP/long.txt"
long=$("$TB" analyze "$TMP/long.txt" -o "$TMP/long.json" 2>&1)
"$TB" report "$TMP/long.json" --html "$TMP/long.html" >/dev/null 2>&1
expect_nomatch "HTML summary of 11 minutes: no short-run caveat" 'short-run' "$(cat "$TMP/long.html")"
expect_match "11 minutes: the leak still grows" 'leak_site\+0x1/0x10.*
	grows steadily' "$long"
expect_nomatch "11 minutes: no short-run caveat" 'is short: caches still warming up' "$long"
expect_match "text: allocs, frees, share" '200 allocations, 0 frees, 100% never freed; 256 B per object; median age' "$out"
expect_match "text: who" 'by leaker\[100\] 200' "$out"
expect_nomatch "no '1 allocations'" ' 1 allocations' "$out"

# too short: 3 s of data cannot support a verdict
gen 3 0.5 > "$TMP/short.txt"
"$TB" analyze "$TMP/short.txt" -o "$TMP/short.json" >/dev/null 2>&1
expect_eq "3 s trace: every group too-short" "too-short" "$(jq -r '[.pairs[0].outstanding[].verdict] | unique | join(",")' "$TMP/short.json")"

# --interval: 5 s points
"$TB" analyze "$TMP/leak.txt" --interval 5s -o "$TMP/i5.json" >/dev/null 2>&1
expect_eq "--interval 5s: 21 points" "5000000000 21" "$(jq -r '"\(.interval_ns) \(.pairs[0].outstanding[0].trend.t_ns | length)"' "$TMP/i5.json")"
expect_eq "--interval 5s: still grows" grows "$(verdict "$TMP/i5.json" leak_site)"

# --older: only objects alive longer than 60 s (allocated before 39.92 s: the leak's first 80)
out=$("$TB" analyze "$TMP/leak.txt" --older 60s -o "$TMP/old.json" 2>&1)
expect_eq "--older 60s: the leak keeps 80 objects, the others none" "leak_site+0x1/0x10 80" \
	"$(jq -r '.pairs[0].outstanding | map("\(.site) \(.count)") | join(",")' "$TMP/old.json")"
expect_match "--older says what it hid" '--older 1m00s: [0-9]+ younger outstanding objects not shown' "$out"

# --addresses N: oldest first, bounded, the rest counted
out=$("$TB" analyze "$TMP/leak.txt" --addresses 2 -o "$TMP/addr.json" 2>&1)
expect_eq "--addresses 2: the two oldest of the leak" "0xffff888100100000 0xffff888100100100" \
	"$(jq -r '.pairs[0].outstanding[0].addresses | join(" ")' "$TMP/addr.json")"
expect_eq "--addresses: 198 omitted" 198 "$(jq '.pairs[0].outstanding[0].addresses_omitted' "$TMP/addr.json")"
expect_match "text: omitted count" '\.\.\. 198 more not listed' "$out"
expect_eq "no addresses key without --addresses" null "$(jq '.pairs[0].outstanding[0].addresses' "$TMP/leak.json")"

# --pid / --comm: allocations of that task only; frees never filtered
"$TB" analyze "$TMP/leak.txt" --pid 100 -o "$TMP/pid.json" >/dev/null 2>&1
expect_eq "--pid 100: only the leak's group" "leak_site+0x1/0x10" "$(jq -r '[.pairs[0].outstanding[].site] | join(",")' "$TMP/pid.json")"
expect_eq "--pid 100: the others' allocations counted as filtered" true "$(jq '.pairs[0].filtered_allocs > 0' "$TMP/pid.json")"
"$TB" analyze "$TMP/leak.txt" --comm churner -o "$TMP/comm.json" >/dev/null 2>&1
expect_eq "--comm churner: only churn_site, its objects freed by kworker still paired" "churn_site+0x1/0x10 3" \
	"$(jq -r '[.pairs[0].outstanding[] | "\(.site) \(.count)"] | join(",")' "$TMP/comm.json")"

# --max-objects: the cap is reported, never silent
out=$("$TB" analyze "$TMP/leak.txt" --max-objects 50 -o "$TMP/cap.json" 2>&1)
expect_eq "--max-objects 50: untracked allocations counted" true "$(jq '.pairs[0].dropped.untracked_allocs > 0 and .pairs[0].dropped.max_objects == 50' "$TMP/cap.json")"
expect_match "--max-objects: the report says so" '!! [0-9]+ allocations not tracked: the cap of 50 tracked objects was reached' "$out"

# diff: the leak went away in the AFTER trace; a new one appears
gen 100 0 > "$TMP/fixed.txt"
"$TB" analyze "$TMP/fixed.txt" -o "$TMP/fixed.json" >/dev/null 2>&1
out=$("$TB" diff "$TMP/leak.json" "$TMP/fixed.json" 2>&1); rc=$?
expect_eq "diff of two schema-2 reports exits 0" 0 "$rc"
expect_match "diff: the leak went away" 'went away: +leak_site\+0x1/0x10  \(grows steadily -> gone\)' "$out"
out=$("$TB" diff "$TMP/fixed.json" "$TMP/leak.json" 2>&1)
expect_match "diff: the leak appeared" 'appeared: +leak_site\+0x1/0x10  \(absent -> grows steadily\)' "$out"
out=$("$TB" diff "$TMP/leak.json" "$TMP/i5.json" 2>&1)
expect_match "diff: still grows" 'still grows: leak_site' "$out"

# the JSON reads back whole: the reader keeps trend, verdict, tasks
jq '.pairs[0].outstanding[0].verdict = "leaky"' "$TMP/leak.json" > "$TMP/badv.json"
out=$("$TB" diff "$TMP/leak.json" "$TMP/badv.json" 2>&1); rc=$?
expect_eq "an unknown verdict: exit 3" 3 "$rc"
expect_match "an unknown verdict: names the key and what was expected" 'badv\.json: pairs\[\]\.outstanding\[\]\.verdict: expected "grows", "plateau", "churn" or "too-short"' "$out"
jq '.pairs[0].outstanding[0].trend.bytes = [1]' "$TMP/leak.json" > "$TMP/badt.json"
out=$("$TB" diff "$TMP/leak.json" "$TMP/badt.json" 2>&1); rc=$?
expect_eq "a trend whose arrays differ in length: exit 3" 3 "$rc"
expect_match "... names trend.bytes" 'trend\.bytes: expected an array of whole numbers as long as t_ns' "$out"

# option errors: usage exit 2, naming the option
for bad in "--older 0s" "--older x" "--addresses 0" "--pid 0" "--pid abc" "--max-objects 0" "--interval 0s"; do
	# shellcheck disable=SC2086
	out=$("$TB" analyze "$TMP/leak.txt" $bad 2>&1); rc=$?
	expect_eq "analyze $bad: exit 2" 2 "$rc"
	expect_match "analyze $bad: names the option" "${bad%% *}" "$out"
done
out=$("$TB" analyze "$TMP/leak.txt" --comm "" 2>&1); rc=$?
expect_eq "--comm '': exit 2" 2 "$rc"
out=$("$TB" analyze "$TMP/leak.txt" --comm 0123456789abcdefg 2>&1); rc=$?
expect_eq "--comm longer than 15: exit 2" 2 "$rc"
expect_match "--comm: says what is expected" '1 to 15 characters' "$out"
out=$("$TB" run --older 0s -n 2>&1); rc=$?
expect_eq "run --older 0s: exit 2" 2 "$rc"
# SLUB TRACE groups: bytes from the cache's object size (kmalloc-64: 64 per object)
out=$("$TB" analyze tests/fixtures/centos7-3.10/slub-trace-kmsg-lines.txt 2>&1)
expect_match "SLUB trace group: bytes from the cache's object size, singular" '64 bytes in 1 allocation from alloc  \(kmalloc-64\)' "$out"
finish
