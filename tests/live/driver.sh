#!/bin/bash
# tests/live/driver.sh - `tracebook run` / `tracebook restore` on this real kernel: every
# tracefs control file (tracefs_snapshot) is byte-identical after a normal run, after
# SIGINT, after SIGTERM, and after kill -9 followed by `tracebook restore`; a second
# concurrent run is refused (exit 7, naming the pid); a foreign filter and a foreign
# enabled event (set up here, removed at the end) survive untouched.
# Needs root and tracefs; takes the live-test lock (with_live_lock).
. "$(dirname "$0")/../lib.sh"

if [ -z "${TB_DRIVER_LOCKED:-}" ]; then
	is_root || { skip "driver live" "not root"; finish; }
	[ -x "$TB" ] || { skip "driver live" "no $TB (make asan)"; finish; }
	TB_DRIVER_LOCKED=1 with_live_lock bash "$0"
	exit $?
fi

# tracefs: mounted (live_tracefs mounts it where the kernel has it, as tracebook would)
T=$(live_tracefs)
[ -n "$T" ] || { skip "driver live" "no tracefs on this kernel (not mounted and not mountable)"; finish; }
[ -e "$T/events/kmem/kmalloc/enable" ] || { skip "driver live" "no kmem tracepoints"; finish; }

W=$(mktemp -d /tmp/tb-driver-live.XXXXXX)
FOREIGN_FILTER=$T/events/kmem/mm_page_alloc/filter
FOREIGN_ENABLE=$T/events/sched/sched_process_exec/enable
cleanup() {
	# remove what this test set up (the foreign settings), whatever happened
	[ -n "${bgpid:-}" ] && kill -9 "$bgpid" 2>/dev/null
	[ -n "${foreign:-}" ] && { echo 0 > "$FOREIGN_FILTER"; echo 0 > "$FOREIGN_ENABLE"; } 2>/dev/null
	"$TB" restore -q >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT

# A light recipe for the signal tests: rare events, a filter and a stack (trigger).
cat > "$W/light.recipe" <<'R'
[recipe]
name = light
summary = process forks and exits (driver live test)
[tracepoint sched:sched_process_fork]
stack = yes
[tracepoint sched:sched_process_exit]
filter = prio >= 0
[count forks]
events = sched:sched_process_fork sched:sched_process_exit
R

snap() { tracefs_snapshot "$T"; }
same() { # what before-file
	local now
	now=$(snap)
	if [ "$now" = "$(cat "$2")" ]; then ok "$1"; else not_ok "$1"; diff <(cat "$2") <(printf '%s\n' "$now") | head -20 | sed 's/^/    /'; fi
}
# wait until a background run has applied its plan (its journal and instance exist)
wait_applied() {
	local pid=$1 i
	for i in $(seq 1 200); do
		ls /run/tracebook/journal-"$pid" /var/run/tracebook/journal-"$pid" >/dev/null 2>&1 &&
			grep -q "tracing .* for" "$W/bg.err" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

snap > "$W/before"

# 1. a normal run of slab-leak
"$TB" run slab-leak -d 2s --top 3 -o "$W/r.json" > "$W/out" 2> "$W/err"; rc=$?
expect_eq "slab-leak 2s exits 0" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/    | /' "$W/err" | tail -20
expect_match "report has the slab pair" "== pair slab" "$(cat "$W/out")"
expect_match "run says it restored" "tracing state restored" "$(cat "$W/err")"
check "JSON report written" test -s "$W/r.json"
same "after slab-leak: every tracefs control file byte-identical" "$W/before"

# 2. kill -9 mid-run, then tracebook restore
# where the run works is the plan's choice: an instance of its own, or the top level
if "$TB" run slab-leak -d 60s --dry-run 2>/dev/null | grep -q 'mkdir  instances/tracebook-'; then
	where=instance
else
	where=top
fi
"$TB" run slab-leak -d 60s > "$W/bg.out" 2> "$W/bg.err" &
bgpid=$!
if wait_applied "$bgpid"; then
	if [ "$where" = instance ]; then
		if [ -d "$T/instances/tracebook-$bgpid" ] &&
		   [ "$(cat "$T/instances/tracebook-$bgpid/events/kmem/kmalloc/enable" 2>/dev/null)" = 1 ]; then
			ok "run applied in its planned instance (instances/tracebook-$bgpid, kmem:kmalloc enabled there)"
		else
			not_ok "run planned instances/tracebook-$bgpid with kmem:kmalloc enabled; the instance is not there as planned"
			ls "$T/instances" 2>&1 | sed 's/^/    | /'
		fi
	elif [ "$(cat "$T/events/kmem/kmalloc/enable" 2>/dev/null)" = 1 ]; then
		ok "run applied at the top level as planned (events/kmem/kmalloc/enable = 1)"
	else
		not_ok "run planned the top level; events/kmem/kmalloc/enable is not 1"
	fi
	kill -9 "$bgpid"; wait "$bgpid" 2>/dev/null; bgpid=
	out=$("$TB" restore 2>&1); rc=$?
	expect_eq "restore after kill -9 exits 0" 0 "$rc"
	expect_match "restore says what it restored" "restoring what run [0-9]+ .* left behind" "$out"
	same "after kill -9 + restore: byte-identical" "$W/before"
	out=$("$TB" restore 2>&1); rc=$?
	expect_eq "second restore exits 0" 0 "$rc"
	expect_match "second restore has nothing to do" "nothing to restore" "$out"
else
	not_ok "background run did not apply its plan"; sed 's/^/    | /' "$W/bg.err" | tail -10
	kill -9 "$bgpid" 2>/dev/null; bgpid=
fi

# 3. SIGINT and SIGTERM end the run early, restored
for sig in INT TERM; do
	"$TB" run "$W/light.recipe" -d 60s > "$W/bg.out" 2> "$W/bg.err" &
	bgpid=$!
	if wait_applied "$bgpid"; then
		kill -$sig "$bgpid"; wait "$bgpid"; rc=$?; bgpid=
		expect_eq "SIG$sig: exits 0" 0 "$rc"
		expect_match "SIG$sig: report says stopped early" "stopped early by SIG$sig" "$(cat "$W/bg.out" "$W/bg.err")"
		same "after SIG$sig: byte-identical" "$W/before"
	else
		not_ok "SIG$sig: run did not apply"; sed 's/^/    | /' "$W/bg.err" | tail -10
		kill -9 "$bgpid" 2>/dev/null; bgpid=
	fi
done

# 4. a second concurrent run is refused, naming the first
"$TB" run "$W/light.recipe" -d 60s > "$W/bg.out" 2> "$W/bg.err" &
bgpid=$!
if wait_applied "$bgpid"; then
	out=$("$TB" run "$W/light.recipe" -d 1s 2>&1); rc=$?
	expect_eq "second concurrent run refused (busy)" 7 "$rc"
	expect_match "refusal names the running pid" "pid $bgpid" "$out"
	kill -INT "$bgpid"; wait "$bgpid"; bgpid=
	same "after the concurrent pair: byte-identical" "$W/before"
else
	not_ok "concurrency: first run did not apply"; kill -9 "$bgpid" 2>/dev/null; bgpid=
fi

# 5. a filter on a field kmalloc does not have: the planner checks filters against the
#    event's format file, so it is refused before anything is written (exit 3, the field
#    and the fields there are named); the kernel-refused write path (exit 6, its reason,
#    restore) is proven on the fake trees (tests/cli/driver-plans.sh)
cat > "$W/bad.recipe" <<'R'
[recipe]
name = bad-filter
summary = a filter the kernel refuses
[tracepoint kmem:kmalloc]
filter = no_such_field == 1
[tracepoint kmem:kfree]
[pair p]
alloc = kmem:kmalloc
free = kmem:kfree
key = ptr
R
out=$("$TB" run "$W/bad.recipe" -d 1s 2>&1); rc=$?
expect_eq "refused filter: exit 3 before any write" 3 "$rc"
expect_match "refused filter: the field and this kernel's format named" "field 'no_such_field' is not in this kernel's format of the event .*kmalloc/format" "$out"
expect_nomatch "refused filter: nothing applied" "tracing state restored|applied" "$out"
same "after a refused filter: byte-identical" "$W/before"

# 6. foreign settings survive: a filter and an enabled event set up by someone else
foreign=1
echo 'order > 3' > "$FOREIGN_FILTER" && echo 1 > "$FOREIGN_ENABLE"
snap > "$W/before-foreign"
"$TB" run slab-leak -d 1s > "$W/out" 2> "$W/err"; rc=$?
expect_eq "run with foreign settings exits 0" 0 "$rc"
expect_match "run names the others" "others use tracing here too" "$(cat "$W/err")"
same "foreign filter and enabled event untouched (byte-identical)" "$W/before-foreign"
expect_eq "foreign filter still set" "order > 3" "$(cat "$FOREIGN_FILTER")"
expect_eq "foreign event still enabled" 1 "$(cat "$FOREIGN_ENABLE")"
echo 0 > "$FOREIGN_FILTER"; echo 0 > "$FOREIGN_ENABLE"; foreign=
same "foreign settings removed by the test: back to the start" "$W/before"
finish
