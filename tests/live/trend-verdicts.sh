#!/usr/bin/env bash
# tests/live/trend-verdicts.sh - issue 12 on this kernel: objects planted over time come
# out as "grows", a cache warmed once and then held comes out as "plateau".
# One `tracebook run slab-leak -d 12s --interval 1s`; during it (and on until it ends) a tb-workload planting
# 4 signalfds (kmalloc-8 at do_signalfd4) is started every second and keeps them open
# (grows), and one tb-workload plants 40 eventfds (do_eventfd) in the first second and
# holds them (plateau).  Tracing state is compared before and after.  During the run the
# JSON report is on disk as a partial report (rewritten every interval), and the
# --interval lines show the trend table so far with the planted group growing.
. "$(dirname "$0")/../lib.sh"

planted_prereqs "trend verdicts"
WORK=$(mktemp -d /tmp/tb-trend.XXXXXX)

body() {
	local before after rc tb_pid pids=() i
	before=$(tracefs_snapshot "$T")
	"$TB" run slab-leak -d 12s --interval 1s --top 400 -o "$WORK/r.json" > "$WORK/run.out" 2> "$WORK/run.err" &
	tb_pid=$!
	for _ in $(seq 200); do
		grep -qs kmem "$T"/instances/tracebook-*/set_event && break
		kill -0 $tb_pid 2>/dev/null || break
		sleep 0.05
	done
	"$TOP/build/tb-workload" -p 40 -P eventfd -d 0.01 -H -1 > "$WORK/cache.out" 2>&1 &
	pids+=($!)
	# planting goes on until the run has ended (a flat tail would rightly read as a
	# plateau): 4 a second for as long as the run lasts, at most 16 s
	for i in $(seq 16); do
		kill -0 $tb_pid 2>/dev/null || break
		"$TOP/build/tb-workload" -p 4 -P signalfd -d 0.01 -H -1 > "$WORK/leak$i.out" 2>&1 &
		pids+=($!)
		# the partial report of the last interval, as a kill -9 now would leave it
		[ "$i" = 8 ] && cp "$WORK/r.json" "$WORK/mid.json" 2>/dev/null
		sleep 1
	done
	wait $tb_pid; rc=$?
	kill -TERM "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null
	after=$(tracefs_snapshot "$T")
	expect_eq "tracebook run exits 0" 0 "$rc"
	[ $rc = 0 ] || sed 's/^/    | /' "$WORK/run.err" | head -20
	if [ ! -s "$WORK/r.json" ]; then not_ok "report written"; return; fi
	local sig efd
	sig=$(jq -r '[.pairs[] | select(.label == "slab") | .outstanding[] | select(.site | startswith("do_signalfd4+"))] | "\(map(.count) | add) \(.[0].verdict) \(.[0].trend.outstanding | map(tostring) | join(","))"' "$WORK/r.json")
	efd=$(jq -r '[.pairs[] | select(.label == "slab") | .outstanding[] | select(.site | startswith("do_eventfd+"))] | sort_by(-.count) | "\(.[0].count) \(.[0].verdict) \(.[0].trend.outstanding | map(tostring) | join(","))"' "$WORK/r.json")
	echo "# signalfd: $sig"
	echo "# eventfd:  $efd"
	# 4 a second over a 12 s run: 40 or more were planted while it traced
	if [ "${sig%% *}" -ge 40 ] 2>/dev/null; then ok "signalfds planted 4 a second: ${sig%% *} (>= 40) outstanding"
	else not_ok "signalfds planted 4 a second: ${sig%% *} outstanding, expected >= 40"; fi
	expect_match "signalfds planted over time: grows" '^[0-9]+ grows ' "$sig"
	expect_match "eventfds planted once, held: plateau" '^[0-9]+ plateau ' "$efd"
	expect_match "text: the verdict beside the group" 'grows steadily, \+[0-9.]+ k? ?objects/h' "$(cat "$WORK/run.out")"
	expect_eq "tracing state restored" "$before" "$after"
	# the report rewritten during the run
	expect_eq "mid-run: the report on disk is partial" false "$(jq -r .complete "$WORK/mid.json" 2>/dev/null)"
	local mid
	mid=$(jq -r '"\(.through_s) \([.pairs[] | select(.label == "slab") | .outstanding[] | select(.site | startswith("do_signalfd4+")) | .count] | add)"' "$WORK/mid.json" 2>/dev/null)
	echo "# mid-run report: through_s, signalfds: $mid"
	check "mid-run: through 5..11 s, signalfds already outstanding ($mid)" \
		awk -v t="${mid% *}" -v n="${mid#* }" 'BEGIN { exit !(t >= 5 && t < 12 && n >= 16) }'
	expect_eq "end: the final report is complete" true "$(jq -r .complete "$WORK/r.json")"
	# --interval: the trend table so far, the planted group growing in the last one
	expect_match "--interval: a trend table so far every interval" "trend so far \(top [0-9]+ of [0-9]+ groups\)" "$(grep -m1 'trend so far' "$WORK/run.out")"
	# the last table (--top 400: every group), its signalfd row
	expect_match "--interval: signalfds grow steadily in the last table" "^    grows steadily +[0-9]+ objects .*do_signalfd4\+" \
		"$(awk '/trend so far/ { n++ } n && /^    (grows steadily|plateau|churn|too short to tell) .*do_signalfd4/ { row[n] = $0 } END { print row[n] }' "$WORK/run.out")"
	[ "$(grep -c 'trend so far' "$WORK/run.out")" -ge 8 ] && ok "--interval: >= 8 tables in 12 s" || not_ok "--interval: $(grep -c 'trend so far' "$WORK/run.out") tables in 12 s, expected >= 8"
}

# the live lock as planted-leak.sh takes it (the lock of with_live_lock, tests/lib.sh)
exec 9> "$LIVE_LOCK"; flock 9
body
exec 9>&-
[ -n "$KEEP" ] || rm -rf "$WORK"
finish
