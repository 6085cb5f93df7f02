#!/usr/bin/env bash
# tests/live/command-children.sh - `run RECIPE -- COMMAND` attributes allocations to the
# command AND its children: a shell script (the command) forks a tb-workload planting 6
# signalfds and a subshell whose tb-workload plants 3 (a grandchild); meanwhile a task
# outside the command plants 5 at the same site.  The run (4 s) ends before the planters
# let go: the report has exactly the 9 of the command's family, allocated by its
# children's pids, none by the outsider; the note says how children were followed
# (sched:sched_process_fork here); the tracing state is restored.  The raw capture
# names the tasks (comm from the kernel's saved_cmdlines: "tb-workload"), and so does
# `analyze` of the run's --save directory (trace.dat's saved cmdlines).
. "$(dirname "$0")/../lib.sh"

planted_prereqs "command children"
WORK=$(mktemp -d /tmp/tb-children.XXXXXX)
WL=$TOP/build/tb-workload

body() {
	local before after rc opid sig pids fam
	before=$(tracefs_snapshot "$T")
	cat > "$WORK/script.sh" <<SH
#!/bin/sh
# a child, and a subshell's child (a grandchild); the script waits for both
"$WL" -p 6 -P signalfd -d 0.2 -H 6 > "$WORK/child.out" 2>&1 &
echo \$! > "$WORK/child.pid"
( sleep 0.5; "$WL" -p 3 -P signalfd -d 0.2 -H 5 > "$WORK/grand.out" 2>&1 & echo \$! > "$WORK/grand.pid"; wait )
wait
SH
	# the outsider starts planting once the run traces (not a child of the command)
	( for _ in $(seq 100); do grep -qs kmem "$T"/instances/tracebook-*/set_event && break; sleep 0.05; done
	  exec "$WL" -p 5 -P signalfd -d 0.2 -H 6 > "$WORK/other.out" 2>&1 ) &
	opid=$!
	"$TB" run slab-leak -d 4s --top 100 -o "$WORK/r.json" --save "$WORK/save" -- sh "$WORK/script.sh" > "$WORK/run.out" 2> "$WORK/run.err"
	rc=$?
	wait $opid
	after=$(tracefs_snapshot "$T")
	expect_eq "tracebook run -- sh script exits 0" 0 "$rc"
	[ $rc = 0 ] || sed 's/^/    | /' "$WORK/run.err" | head -20
	expect_match "child planted" "planted 6 site=do_signalfd4" "$(cat "$WORK/child.out")"
	expect_match "grandchild planted" "planted 3 site=do_signalfd4" "$(cat "$WORK/grand.out")"
	expect_match "outsider planted" "planted 5 site=do_signalfd4" "$(cat "$WORK/other.out")"
	if [ ! -s "$WORK/r.json" ]; then not_ok "report written"; return; fi
	sig=$(jq -r '[.pairs[] | select(.label == "slab") | .outstanding[] | select(.site | startswith("do_signalfd4+")) | .count] | add' "$WORK/r.json")
	pids=$(jq -r '[.pairs[] | select(.label == "slab") | .outstanding[] | select(.site | startswith("do_signalfd4+")) | .top_tasks[].pid] | unique | map(tostring) | join(" ")' "$WORK/r.json")
	fam="$(cat "$WORK/child.pid") $(cat "$WORK/grand.pid")"
	echo "# signalfds outstanding: $sig, by pids: $pids (child, grandchild: $fam; outsider $opid)"
	expect_eq "the family's 6 + 3 signalfds, not the outsider's 5" 9 "$sig"
	expect_eq "allocated by the child and the grandchild" "$(printf '%s\n' $fam | sort -n | tr '\n' ' ' | sed 's/ $//')" "$(printf '%s\n' $pids | sort -n | tr '\n' ' ' | sed 's/ $//')"
	expect_match "the note says how children were followed" "its children \\([0-9]+ followed through sched:sched_process_fork\\)" "$(jq -r '.notes[]' "$WORK/r.json")"
	expect_match "the plan enabled the fork event" "children followed through sched:sched_process_fork" "$(jq -r '.plan[]' "$WORK/r.json")"
	expect_eq "tracing state restored" "$before" "$after"
	# task names in a raw capture: live, and from the saved trace.dat
	local comms
	comms=$(jq -r '[.pairs[] | select(.label == "slab") | .outstanding[] | select(.site | startswith("do_signalfd4+")) | .top_tasks[].comm] | unique | join(" ")' "$WORK/r.json")
	expect_eq "raw capture: the planters are named" "tb-workload" "$comms"
	expect_match "text: comm[pid] of the planter" "by tb-workload\\[$(cat "$WORK/child.pid")\\] 6" "$(cat "$WORK/run.out")"
	"$TB" analyze "$WORK/save" -o "$WORK/a.json" > "$WORK/a.out" 2>&1
	comms=$(jq -r --argjson p "$(cat "$WORK/child.pid")" '[.pairs[] | .outstanding[] | select(.site | startswith("do_signalfd4+")) | .top_tasks[] | select(.pid == $p) | .comm] | unique | join(" ")' "$WORK/a.json" 2>/dev/null)
	expect_eq "analyze of --save's trace.dat: the planter named from saved cmdlines" "tb-workload" "$comms"
}

exec 9> "$LIVE_LOCK"; flock 9
body
exec 9>&-
rm -rf "$WORK"
finish
