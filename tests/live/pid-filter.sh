#!/usr/bin/env bash
# tests/live/pid-filter.sh - `run --pid PID` filters the allocation events in the kernel:
# during the run the instance's kmalloc filter holds "common_pid == PID" (frees have no
# filter), the watched task's planted signalfds are all outstanding and attributed to
# it, another task's signalfds (same site, same time) are not in the report, and user
# space had nothing left to filter (the kernel dropped the other tasks' allocations).
# The watched task has its pid before the run starts: a shell waiting on a fifo, which
# execs tb-workload once tracing is on (exec keeps the pid).
. "$(dirname "$0")/../lib.sh"

planted_prereqs "pid filter"
WORK=$(mktemp -d /tmp/tb-pidf.XXXXXX)

body() {
	local before after rc tb_pid wpid opid filt ffilt
	before=$(tracefs_snapshot "$T")
	mkfifo "$WORK/go"
	# the watched task: waits for "go", then becomes tb-workload planting 6 signalfds
	bash -c 'read -r _ < "$1"; exec "$2" -p 6 -P signalfd -d 0.01 -H 8' _ "$WORK/go" "$TOP/build/tb-workload" \
		> "$WORK/watched.out" 2>&1 &
	wpid=$!
	"$TB" run slab-leak -d 5s --pid "$wpid" --top 50 -o "$WORK/r.json" > "$WORK/run.out" 2> "$WORK/run.err" &
	tb_pid=$!
	for _ in $(seq 200); do
		grep -qs kmem "$T"/instances/tracebook-*/set_event && break
		kill -0 $tb_pid 2>/dev/null || break
		sleep 0.05
	done
	filt=$(cat "$T"/instances/tracebook-*/events/kmem/kmalloc/filter 2>/dev/null)
	ffilt=$(cat "$T"/instances/tracebook-*/events/kmem/kfree/filter 2>/dev/null)
	# another task plants 5 signalfds at the same site while the watched one plants 6
	"$TOP/build/tb-workload" -p 5 -P signalfd -d 0.01 -H 8 > "$WORK/other.out" 2>&1 &
	opid=$!
	echo go > "$WORK/go"
	wait $tb_pid; rc=$?
	kill -TERM $wpid $opid 2>/dev/null; wait $wpid $opid 2>/dev/null
	after=$(tracefs_snapshot "$T")
	expect_eq "tracebook run --pid exits 0" 0 "$rc"
	[ $rc = 0 ] || sed 's/^/    | /' "$WORK/run.err" | head -20
	expect_match "during the run: kmalloc filtered on the pid in the kernel" "common_pid == $wpid" "$filt"
	expect_match "during the run: kfree not filtered" "^none$" "$ffilt"
	expect_match "watched task planted" "planted 6 site=do_signalfd4" "$(cat "$WORK/watched.out")"
	expect_match "other task planted" "planted 5 site=do_signalfd4" "$(cat "$WORK/other.out")"
	if [ ! -s "$WORK/r.json" ]; then not_ok "report written"; return; fi
	local sig
	sig=$(jq -r '[.pairs[] | select(.label == "slab") | .outstanding[] | select(.site | startswith("do_signalfd4+"))] | "\(map(.count) | add) \([.[].top_tasks[].pid] | unique | map(tostring) | join(","))"' "$WORK/r.json")
	echo "# signalfd outstanding, allocating pids: $sig (watched $wpid, other $opid)"
	expect_eq "the watched task's 6 signalfds, attributed to it only" "6 $wpid" "$sig"
	expect_eq "user space filtered nothing: the kernel did" 0 "$(jq '[.pairs[] | select(.label == "slab") | .filtered_allocs] | add' "$WORK/r.json")"
	expect_match "the plan says so" "--pid $wpid: in the kernel \\(common_pid == $wpid\\)" "$(jq -r '.plan[]' "$WORK/r.json")"
	expect_eq "tracing state restored" "$before" "$after"
}

exec 9> "$LIVE_LOCK"; flock 9
body
exec 9>&-
rm -rf "$WORK"
finish
