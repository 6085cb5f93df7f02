#!/usr/bin/env bash
# tests/live/probe.sh - `tracebook probe --json` on this machine's real kernel, each
# answer checked against what the kernel really does, read independently here (cat,
# stat, ls): a listed-but-refused function tracer must read "refused", an absent
# kprobe_events means no kprobes and no $argN whatever the README says, a 0400 SLUB
# trace file means read-only, ...  Also: not root => exit 5; probe changes nothing.
. "$(dirname "$0")/../lib.sh"

if ! is_root; then
	skip "probe live" "needs root (tracefs is root-only); run as root"
	exit 0
fi
if ! command -v jq >/dev/null; then
	skip "probe live" "jq is not installed (make deps installs it)"
	exit 0
fi
# Serialise with other live tests: they change tracing state that probe reports.
if [ -z "${TB_PROBE_LOCKED:-}" ]; then
	TB_PROBE_LOCKED=1 with_live_lock bash "$0"
	exit $?
fi

T=$(live_tracefs)
if [ -z "$T" ]; then
	skip "probe live" "no tracefs on this kernel (not mounted and not mountable)"
	exit 0
fi
W=$(mktemp -d /tmp/tb-live-probe.XXXXXX)
trap 'rm -rf "$W"' EXIT

tracefs_snapshot "$T" >"$W/before"
J=$("$TB" probe --json 2>"$W/err"); rc=$?
expect_eq "probe --json exits 0 as root" 0 "$rc"
tracefs_snapshot "$T" >"$W/after"
expect_eq "probe changed no tracefs file" "" "$(diff "$W/before" "$W/after")"
j() { printf '%s' "$J" | jq -r "$1"; }

expect_eq "tracing dir" "$T" "$(j .tracefs.path)"
expect_eq "release" "$(uname -r)" "$(j .release)"
expect_eq "arch" "$(uname -m)" "$(j .arch)"
expect_eq "CPUs = per_cpu dirs" "$(ls -d "$T"/per_cpu/cpu* | wc -l)" "$(j .cpus)"

# function tracer: listed? can available_filter_functions be read?
if grep -qw function "$T/available_tracers"; then
	if head -c1 "$T/available_filter_functions" >/dev/null 2>"$W/aff"; then
		want=present
	elif grep -q 'Operation not permitted' "$W/aff"; then
		want=refused
	else
		want=refused
	fi
else
	want=absent
fi
expect_eq "function tracer: $want (listed: $(grep -cw function "$T/available_tracers"), afs: $(cat "$W/aff"))" \
	"$want" "$(j .function)"
if [ "$want" = refused ]; then
	out=$("$TB" probe 2>&1)
	expect_match "text says 'listed but REFUSED'" 'function tracer +listed but REFUSED' "$out"
fi

if cat "$T/set_ftrace_filter" >/dev/null 2>&1; then
	expect_match "set_ftrace_filter readable => known" '^(set|empty)$' "$(j .others.ftrace_filter)"
else
	expect_eq "set_ftrace_filter refused => unknown" unknown "$(j .others.ftrace_filter)"
fi

# kprobes
if [ -e "$T/kprobe_events" ]; then
	expect_eq "kprobe_events present" present "$(j .kprobes.kprobe_events)"
else
	expect_eq "kprobe_events absent => kprobes absent" absent "$(j .kprobes.kprobe_events)"
	expect_eq "kprobe_events absent => no \$argN (README says: $(grep -c '\$arg<N>' "$T/README") mention(s))" \
		false "$(j .kprobes.argN)"
	expect_eq "kprobe_events absent => no :x64" false "$(j .kprobes.x64)"
fi

# events, triggers, options
for f in dynamic_events error_log; do
	[ -e "$T/$f" ] && want=true || want=false
	expect_eq "$f exists: $want" "$want" "$(j ".$f")"
done
[ -e "$T/events/kmem/kmalloc/trigger" ] && want=true || want=false
expect_eq "triggers: $want" "$want" "$(j .triggers)"
[ -e "$T/events/kmem/kmalloc/hist" ] && want=true || want=false
expect_eq "hist: $want" "$want" "$(j .hist)"
for ev in kmalloc kfree kmem_cache_alloc kmem_cache_free mm_page_alloc mm_page_free; do
	[ -e "$T/events/kmem/$ev/format" ] && want=true || want=false
	expect_eq "kmem event $ev present: $want" "$want" "$(j ".kmem_events | has(\"$ev\")")"
done
if [ -e "$T/events/kmem/kmalloc/format" ]; then
	case "$(grep '^print fmt' "$T/events/kmem/kmalloc/format")" in
	*call_site=%pS*) want=symbol ;;
	*call_site=%lx*) want=hex ;;
	*) want=unknown ;;
	esac
	expect_eq "kmalloc call_site prints as $want" "$want" "$(j .kmem_events.kmalloc.call_site)"
fi
if [ -e "$T/options/hash-ptr" ]; then
	[ "$(cat "$T/options/hash-ptr")" = 1 ] && want=true || want=false
	expect_eq "hash-ptr = $want" "$want" "$(j .options.hash_ptr)"
	[ "$want" = true ] && want=hashed || want=raw
	expect_eq "kmalloc ptr prints $want" "$want" "$(j .kmem_events.kmalloc.ptr)"
fi
[ "$(cat "$T/options/stacktrace")" = 1 ] && want=true || want=false
expect_eq "options/stacktrace = $want" "$want" "$(j .options.stacktrace)"
expect_eq "buffer per CPU (leading integer of buffer_size_kb)" \
	"$(sed 's/[^0-9].*//' "$T/buffer_size_kb")" "$(j .buffer.per_cpu_kb)"

# SLUB
if [ -d /sys/kernel/slab ]; then
	c=$(j .slub.trace_cache)
	mode=$(stat -c %a "/sys/kernel/slab/$c/trace")
	case "$mode" in 400 | 440 | 444) want=read-only ;; *) want=writable ;; esac
	expect_eq "SLUB $c/trace mode $mode => $want" "$want" "$(j .slub.trace)"
	expect_eq "SLUB merged aliases = symlinks" "$(find /sys/kernel/slab -maxdepth 1 -type l | wc -l)" "$(j .slub.aliases)"
	if [ "$want" = read-only ]; then
		out=$("$TB" probe 2>&1)
		expect_match "text: SLUB read-only consequence" 'SLUB trace is read-only.*slub_debug=T,<cache>' "$out"
	fi
else
	expect_eq "no /sys/kernel/slab" false "$(j .slub.sysfs)"
fi

# who else is tracing
expect_eq "current_tracer" "$(cat "$T/current_tracer")" "$(j .others.current_tracer)"
expect_eq "set_event lines" "$(grep -cv '^#' "$T/set_event")" "$(j '.others.events_enabled | length')"
expect_eq "instances" "$(ls "$T/instances" | wc -l)" "$(j '.others.instances | length')"

# kmem tracepoints really work, and print the way probe says.  In a private instance
# (removed again), so the top-level state is untouched.
I=$T/instances/tb-probe-live-$$
if [ "$(j '.kmem_events | has("kmalloc")')" = true ] && mkdir "$I" 2>/dev/null; then
	trap 'if [ -d "$I" ]; then echo 0 >"$I/events/kmem/kmalloc/enable"; rmdir "$I"; fi; rm -rf "$W"' EXIT
	echo 1 >"$I/events/kmem/kmalloc/enable"
	ls /proc >/dev/null; cat /proc/self/status >/dev/null; sleep 0.2
	echo 0 >"$I/events/kmem/kmalloc/enable"
	grep ' kmalloc: ' "$I/trace" | head -200 >"$W/kmalloc.txt"
	rmdir "$I"
	n=$(wc -l <"$W/kmalloc.txt")
	expect_match "kmem:kmalloc events recorded ($n)" '^[1-9]' "$n"
	case "$(j .kmem_events.kmalloc.call_site)" in
	symbol) re='call_site=[A-Za-z_.][A-Za-z0-9_.]*\+0x[0-9a-f]+/0x[0-9a-f]+ ' ;;
	hex) re='call_site=[0-9a-f]+ ' ;;
	*) re='call_site=' ;;
	esac
	expect_eq "every kmalloc line's call_site looks $(j .kmem_events.kmalloc.call_site)" "$n" "$(grep -cE "$re" "$W/kmalloc.txt")"
	case "$(j .kmem_events.kmalloc.ptr)" in
	hashed) re='ptr=00000000[0-9a-f]{8} ' ;;
	raw) re='ptr=(ffff[0-9a-f]{12}|0x[0-9a-f]+|[ ]*\(null\)) ' ;;
	*) re='ptr=' ;;
	esac
	expect_eq "every kmalloc line's ptr looks $(j .kmem_events.kmalloc.ptr)" "$n" "$(grep -cE "$re" "$W/kmalloc.txt")"
else
	skip "kmem tracepoints record" "no kmalloc event, or instances cannot be created here"
fi

# not root => exit 5, one line.  The ASan binary is copied where nobody can run it.
cp "$TB" "$W/tb" && chmod 755 "$W" "$W/tb"
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$W/tb" probe >"$W/o" 2>"$W/e"; rc=$?
	expect_eq "not root: exit 5" 5 "$rc"
	expect_eq "not root: one line on stderr" 1 "$(wc -l <"$W/e")"
	expect_match "not root: says to run as root" 'root' "$(cat "$W/e")"
else
	skip "not-root exit code" "setpriv not installed"
fi

# TRACEBOOK_ROOT at an empty directory => exit 4, one line
mkdir "$W/empty"
TRACEBOOK_ROOT=$W/empty "$TB" probe >"$W/o" 2>"$W/e"; rc=$?
expect_eq "empty TRACEBOOK_ROOT: exit 4" 4 "$rc"
expect_eq "empty TRACEBOOK_ROOT: one line" 1 "$(wc -l <"$W/e")"

# no tracefs/debugfs mounted: probe and run mount tracefs, and unmount it again at exit.  Done in a
# private mount namespace, so the machine's own mount is never touched.
if [ "$T" = /sys/kernel/tracing ] && unshare -m --propagation private true 2>/dev/null; then
	unshare -m --propagation private bash -c '
		# every tracefs and debugfs mount (debugfs/tracing is one too), deepest first
		grep -E " - (tracefs|debugfs) " /proc/self/mountinfo | awk "{print \$5}" | sort -r |
			while read -r m; do umount "$m" || exit 90; done
		[ -e /sys/kernel/tracing/trace ] && exit 91
		"$1" probe --json >"$2/ns-probe.json" 2>"$2/ns-probe.err"; echo "probe=$?"
		grep -cE " - (tracefs|debugfs) " /proc/self/mountinfo | sed "s/^/after-probe=/"
		"$1" run slab-leak -d 1s -o "$2/ns-run.json" >"$2/ns-run.out" 2>"$2/ns-run.err"; echo "run=$?"
		grep -cE " - (tracefs|debugfs) " /proc/self/mountinfo | sed "s/^/after-run=/"
		# a run killed with SIGKILL cannot unmount: its journal says what it mounted, and
		# restore unmounts it after putting the tracing state back
		mkdir "$2/rundir"
		TRACEBOOK_RUNDIR=$2/rundir "$1" run slab-leak -d 60s -o "$2/ns-kill.json" >/dev/null 2>"$2/ns-kill.err" &
		pid=$!
		for i in $(seq 100); do
			grep -qs "^[WD]	" "$2/rundir/journal-$pid" && break
			sleep 0.1
		done
		sleep 0.5
		kill -9 "$pid"; wait "$pid" 2>/dev/null
		grep -o "^M	[^	]*	[a-z]*" "$2/rundir/journal-$pid" | tr "\t" " " | sed "s/^/journal: /"
		grep -cE " - (tracefs|debugfs) " /proc/self/mountinfo | sed "s/^/after-kill=/"
		TRACEBOOK_RUNDIR=$2/rundir "$1" restore >"$2/ns-restore.out" 2>"$2/ns-restore.err"; echo "restore=$?"
		grep -cE " - (tracefs|debugfs) " /proc/self/mountinfo | sed "s/^/after-restore=/"
		ls "$2/rundir" | grep -c "^journal-" | sed "s/^/journals-left=/"
	' - "$TB" "$W" >"$W/ns" 2>&1
	expect_eq "unmounted tracefs: probe exit 0, unmounted after; run exit 0, unmounted after; killed run: mounted until restore (exit 0), which unmounts it" \
		"probe=0 after-probe=0 run=0 after-run=0 journal: M /sys/kernel/tracing tracefs after-kill=1 restore=0 after-restore=0 journals-left=0" \
		"$(tr '\n' ' ' <"$W/ns" | sed 's/ $//')"
	expect_match "restore says it unmounted the killed run's tracefs" \
		'unmounted tracefs at /sys/kernel/tracing \(the run had mounted it\)' "$(cat "$W/ns-restore.err")"
	expect_eq "probe --json says it mounted tracefs" true "$(jq -r .tracefs.mounted_now "$W/ns-probe.json")"
	expect_match "probe says it unmounted tracefs again" 'unmounted tracefs at /sys/kernel/tracing again' "$(cat "$W/ns-probe.err")"
	expect_match "run says it mounted tracefs" 'mounted tracefs at /sys/kernel/tracing' "$(cat "$W/ns-run.err")"
	expect_match "run says it unmounted tracefs again" 'unmounted tracefs at /sys/kernel/tracing again' "$(cat "$W/ns-run.err")"
else
	skip "probe/run mount and unmount tracefs" "tracing is not at /sys/kernel/tracing, or no private mount namespace (unshare -m)"
fi

tracefs_snapshot "$T" >"$W/after2"
expect_eq "tracing state unchanged at the end" "" "$(diff "$W/before" "$W/after2")"
exit 0
