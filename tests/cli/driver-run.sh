#!/bin/bash
# tests/cli/driver-run.sh - the whole `tracebook run` path (plan, lock, journal, apply,
# capture, restore, report) on fake kernel trees, without root: afterwards every file of
# the tree is as before (content and mode) and no journal is left; kill -9 mid-run then
# `tracebook restore`; SIGINT; a second concurrent run; --force with others tracing;
# usage errors.  The fake trees are plain files, so the capture reads no events: this
# tests the driver, not the capture (tests/live/driver.sh does both on this kernel).
. "$(dirname "$0")/../lib.sh"

[ -x "$TB" ] || { skip "driver run" "no $TB (make asan)"; finish; }
W=$(mktemp -d /tmp/tb-drvrun.XXXXXX)
bgpid=
trap '[ -n "$bgpid" ] && kill -9 $bgpid 2>/dev/null; rm -rf "$W"' EXIT
export TRACEBOOK_RUNDIR=$W/run
export TRACEBOOK_REPORTDIR=$W/reports	# default reports (no -o) stay out of the trees
for era in 3.10 4.19 6.x; do
	bash "$TOP/tests/fake/mktree.sh" "$era" "$W/$era" >/dev/null || { not_ok "mktree $era"; finish; }
done
# The tree's state: every file's mode and content.  One irreversible first-use effect
# is told by name: a ring buffer found "N (expanded: M)" (never used since boot) may end
# expanded to M (what restore leaves; like any first use of tracing), never at N.
state() {
	(cd "$W/$1" && find . -exec stat -c '%n %a %F' {} + | sort &&
	 find . -type f ! -name buffer_size_kb ! -name buffer_total_size_kb -exec md5sum {} + | sort &&
	 find . -type f \( -name buffer_size_kb -o -name buffer_total_size_kb \) -exec grep -H . {} + |
		sed 's/:[0-9]* (expanded: \([0-9]*\))$/:\1/' | sort)
}
topbuf() { cat "$W/$1/sys/kernel/tracing/buffer_size_kb"; }
# same_state "what" ERA BEFORE: the tree's state equals BEFORE (else a short diff)
same_state() {
	local now
	now=$(state "$2")
	if [ "$now" = "$3" ]; then ok "$1"; else not_ok "$1"; diff <(printf '%s\n' "$3") <(printf '%s\n' "$now") | head -12 | sed 's/^/    /'; fi
}
journals() { ls "$W/run" 2>/dev/null | grep journal; }
wait_applied() {
	local i
	for i in $(seq 1 100); do
		[ -e "$W/run/journal-$1" ] && grep -q "tracing .* for" "$W/bg.err" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# normal runs: the tree comes back exactly
for run in "3.10 slab-leak size=8192" "4.19 slab-leak cache=kmalloc-64" "6.x slab-leak size=8192" \
	   "4.19 kernfs-leak" "6.x kernfs-leak" "4.19 netdev-leak stack=yes" "6.x slub-trace cache=dentry" \
	   "6.x slab-leak --text"; do
	set -- $run
	era=$1; shift
	before=$(state "$era")
	out=$(TRACEBOOK_ROOT=$W/$era timeout 120 "$TB" run "$@" -d 1s -o "$W/r.json" 2>&1); rc=$?
	expect_eq "run $era $*: exit 0" 0 "$rc"
	[ "$rc" = 0 ] || printf '%s\n' "$out" | tail -8 | sed 's/^/    | /'
	same_state "run $era $*: tree as before" "$era" "$before"
	expect_eq "run $era $*: no journal left" "" "$(journals)"
done
# SLUB trace through the toggle (3.10, 4.19: writable): the cache's per-CPU slabs are
# flushed (shrink) right after the toggle; a fake tree logs no TRACE record, and a
# trace that saw nothing gives no verdict (exit 10), never "nothing outstanding"
for era in 3.10 4.19; do
	S=$W/$era/sys/kernel/slab/kmalloc-64
	touch -d '2001-01-01' "$S/shrink"
	before=$(state "$era")
	out=$(TRACEBOOK_ROOT=$W/$era timeout 120 "$TB" run slub-trace cache=kmalloc-64 -d 1s 2>&1); rc=$?
	expect_eq "slub-trace $era, 0 TRACE records: exit 10" 10 "$rc"
	expect_match "slub-trace $era: says the trace saw nothing" "0 TRACE records in the kernel log .*no verdict" "$out"
	expect_match "slub-trace $era: says the slabs were flushed" "flushed \\(shrink\\)" "$out"
	expect_nomatch "slub-trace $era: no clean verdict" "nothing outstanding" "$out"
	check "slub-trace $era: shrink was written" test "$S/shrink" -nt "$W/$era/proc/meminfo"
	same_state "slub-trace $era: tree as before" "$era" "$before"
	expect_eq "slub-trace $era: no journal left" "" "$(journals)"
done
# the fake kernel marks the ring buffer expanded when an instance's buffer is resized,
# as the real one does: the top level is left expanded, not at its 7 KB minimum
expect_eq "4.19 top-level buffer expanded after an instance run" "1408" "$(topbuf 4.19)"
expect_eq "6.x top-level buffer expanded after an instance run" "1408" "$(topbuf 6.x)"
expect_eq "6.x per-CPU buffer expanded too" "1408" "$(cat "$W/6.x/sys/kernel/tracing/per_cpu/cpu1/buffer_size_kb")"
expect_eq "3.10 top-level buffer written back expanded" "1408" "$(cat "$W/3.10/sys/kernel/debug/tracing/buffer_size_kb")"

check "JSON report of the last run" grep -q '"recipe"' "$W/r.json"

# kill -9 after apply: the tree differs until `tracebook restore` (a fresh tree: its
# ring buffer not expanded yet, as on a box nobody has traced on since boot)
rm -rf "$W/6.x" && bash "$TOP/tests/fake/mktree.sh" 6.x "$W/6.x" >/dev/null || not_ok "mktree 6.x again"
before=$(state 6.x)
TRACEBOOK_ROOT=$W/6.x "$TB" run kernfs-leak -d 60s > "$W/bg.out" 2> "$W/bg.err" &
bgpid=$!
if wait_applied $bgpid; then
	kill -9 $bgpid; wait $bgpid 2>/dev/null
	expect_match "kill -9: instance left behind" "tracebook-$bgpid" "$(ls "$W/6.x/sys/kernel/tracing/instances")"
	expect_match "kill -9: kprobe left behind" "tracebook/kernfs_new" "$(cat "$W/6.x/sys/kernel/tracing/kprobe_events")"
	expect_eq "kill -9: top-level buffer at its minimum (marked expanded by the instance)" "7" "$(topbuf 6.x)"
	bgpid=
	out=$("$TB" restore 2>&1); rc=$?
	expect_eq "restore after kill -9: exit 0" 0 "$rc"
	expect_match "restore says what it put back" "removed our entry from .*kprobe_events" "$out"
	same_state "restore after kill -9: tree as before" 6.x "$before"
	expect_eq "restore after kill -9: top-level buffer expanded" "1408" "$(topbuf 6.x)"
	out=$("$TB" restore 2>&1); rc=$?
	expect_eq "second restore: exit 0" 0 "$rc"
	expect_match "second restore: nothing to do" "nothing to restore" "$out"
else
	not_ok "kill -9: run did not apply"; sed 's/^/    | /' "$W/bg.err" | tail
	kill -9 $bgpid; bgpid=
fi

# 32-bit ARM with stacks on kprobes: /proc/sys/debug/kprobes-optimization is 0 while the
# run traces (an optimized probe's stack is one frame there), and comes back byte-identical
# after a normal run and after kill -9 + `tracebook restore`
FAKE_ARCH=armv7l bash "$TOP/tests/fake/mktree.sh" 6.x "$W/armhf" >/dev/null || not_ok "mktree 6.x armhf"
KOPT=$W/armhf/proc/sys/debug/kprobes-optimization
kopt0=$(md5sum < "$KOPT")
before=$(state armhf)
out=$(TRACEBOOK_ROOT=$W/armhf timeout 120 "$TB" run kernfs-leak -d 1s -o "$W/r.json" 2>&1); rc=$?
expect_eq "run armhf kernfs-leak: exit 0" 0 "$rc"
[ "$rc" = 0 ] || printf '%s\n' "$out" | tail -8 | sed 's/^/    | /'
same_state "run armhf kernfs-leak: tree as before" armhf "$before"
expect_eq "run armhf kernfs-leak: kprobes-optimization byte-identical" "$kopt0" "$(md5sum < "$KOPT")"
TRACEBOOK_ROOT=$W/armhf "$TB" run kernfs-leak -d 60s > "$W/bg.out" 2> "$W/bg.err" &
bgpid=$!
if wait_applied $bgpid; then
	expect_eq "armhf run: kprobes-optimization 0 while tracing" "0" "$(cat "$KOPT")"
	kill -9 $bgpid; wait $bgpid 2>/dev/null; bgpid=
	expect_eq "armhf kill -9: kprobes-optimization left at 0" "0" "$(cat "$KOPT")"
	out=$("$TB" restore 2>&1); rc=$?
	expect_eq "armhf restore after kill -9: exit 0" 0 "$rc"
	same_state "armhf restore after kill -9: tree as before" armhf "$before"
	expect_eq "armhf restore after kill -9: kprobes-optimization byte-identical" "$kopt0" "$(md5sum < "$KOPT")"
	expect_eq "armhf restore after kill -9: no journal left" "" "$(journals)"
else
	not_ok "armhf kill -9: run did not apply"; sed 's/^/    | /' "$W/bg.err" | tail
	kill -9 $bgpid; bgpid=
fi
# x86_64 (and arm64) unwind through optimized probes: never touched there
out=$(TRACEBOOK_ROOT=$W/6.x "$TB" run kernfs-leak --dry-run 2>&1)
if printf '%s' "$out" | grep -q kprobes-optimization; then not_ok "x86_64 plan leaves kprobes-optimization alone"; else ok "x86_64 plan leaves kprobes-optimization alone"; fi

# a dead run's leftovers are finished by the next run before it starts
TRACEBOOK_ROOT=$W/4.19 "$TB" run slab-leak -d 60s > "$W/bg.out" 2> "$W/bg.err" &
bgpid=$!
before=$(state 4.19)
if wait_applied $bgpid; then
	kill -9 $bgpid; wait $bgpid 2>/dev/null; bgpid=
	out=$(TRACEBOOK_ROOT=$W/4.19 "$TB" run slab-leak -d 1s 2>&1); rc=$?
	expect_eq "next run after a dead one: exit 0" 0 "$rc"
	expect_match "next run restored the dead one first" "restoring what run [0-9]+ .* left behind" "$out"
	expect_eq "next run after a dead one: no journal left" "" "$(journals)"
else
	not_ok "dead run: did not apply"; kill -9 $bgpid; bgpid=
fi

# SIGINT: stops early, restores, reports
before=$(state 3.10)
TRACEBOOK_ROOT=$W/3.10 "$TB" run slab-leak -d 60s > "$W/bg.out" 2> "$W/bg.err" &
bgpid=$!
if wait_applied $bgpid; then
	out=$(TRACEBOOK_ROOT=$W/3.10 "$TB" run slab-leak -d 1s 2>&1); rc=$?
	expect_eq "second concurrent run: busy" 7 "$rc"
	expect_match "second concurrent run names the pid" "pid $bgpid" "$out"
	kill -INT $bgpid; wait $bgpid; rc=$?; bgpid=
	expect_eq "SIGINT: exit 0" 0 "$rc"
	expect_match "SIGINT: stopped early" "stopped early by SIGINT" "$(cat "$W/bg.out")"
	same_state "SIGINT: tree as before" 3.10 "$before"
else
	not_ok "SIGINT: run did not apply"; kill -9 $bgpid; bgpid=
fi

# others tracing at the top level: refused, --force shares and restores only ours
FAKE_BUSY=1 bash "$TOP/tests/fake/mktree.sh" 3.10 "$W/busy" >/dev/null
before=$(state busy)
out=$(TRACEBOOK_ROOT=$W/busy "$TB" run slab-leak -d 1s 2>&1); rc=$?
expect_eq "others tracing: busy" 7 "$rc"
same_state "others tracing: nothing touched" busy "$before"
out=$(TRACEBOOK_ROOT=$W/busy "$TB" run slab-leak -d 1s --force 2>&1); rc=$?
expect_eq "others tracing --force: exit 0" 0 "$rc"
expect_match "--force says what is shared" "sharing tracing" "$out"
same_state "others tracing --force: their settings as before" busy "$before"

# usage
out=$("$TB" run --nope 2>&1); expect_eq "unknown option: usage" 2 $?
out=$("$TB" run slab-leak -d soon 2>&1); expect_eq "bad duration: usage" 2 $?
expect_match "bad duration explains" "duration 'soon'" "$out"
out=$("$TB" run no-such-recipe --dry-run 2>&1); expect_eq "unknown recipe: bad input" 3 $?
out=$("$TB" restore --help); expect_eq "restore --help" 0 $?
finish
