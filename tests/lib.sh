# tests/lib.sh - sourced by every shell test (tests/cli, tests/live, tests/build, tests/vm).
#
# A test script prints one line per check:
#   ok - <what>            passed
#   not ok - <what>        failed (details on the following lines, indented)
#   skip - <what>: <why>   could not run here (the reason is printed, never silent)
# tests/run-tests.sh counts these lines.  Scripts exit 0 unless they could not run at all.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The binary under test: the sanitizer build (make asan), unless TB is set.
TB=${TB:-$TOP/build/asan/tracebook}
export TRACEBOOK_RECIPES=${TRACEBOOK_RECIPES:-$TOP/recipes}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

TB_FAILS=0

# A check that calls a misspelt helper (or a tool that is not installed) must fail, not
# vanish: bash calls this for every command it cannot find.  fd 9 is the script's own
# stdout, so the line is counted even from inside $(...).
exec 9>&1
command_not_found_handle() { echo "not ok - command not found: $*" >&9; return 127; }

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; TB_FAILS=$((TB_FAILS + 1)); }
skip() { echo "skip - $1: $2"; }

# check "what" command...: ok if the command succeeds, else not ok with its output.
check() {
	local what=$1; shift
	local out
	if out=$("$@" 2>&1); then ok "$what"; else not_ok "$what"; printf '%s\n' "$out" | sed 's/^/    /' | head -40; fi
}

# expect_eq "what" expected actual
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; echo "    expected: $2"; echo "    actual:   $3"; fi
}

# expect_match "what" regex text
expect_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then ok "$1"; else not_ok "$1"; echo "    no match for /$2/ in:"; printf '%s\n' "$3" | sed 's/^/    | /' | head -30; fi
}

# expect_nomatch "what" regex text
expect_nomatch() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then not_ok "$1"; echo "    unexpected /$2/ in:"; printf '%s\n' "$3" | grep -E -- "$2" | sed 's/^/    | /' | head -10; else ok "$1"; fi
}

is_root() { [ "$(id -u)" = 0 ]; }

# The mount points of every tracefs and debugfs now mounted, one per line, sorted: the
# runner (and bench/capture.sh) takes this before and after, and unmounts what the
# tests mounted (live_tracefs mounts tracefs where it finds none), so a machine without
# a tracefs mount is left without one.
tracing_mounts() {
	awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "tracefs" || $(i + 1) == "debugfs") print $5; break } }' \
		/proc/self/mountinfo 2>/dev/null | sort -u
}

# unmount_new_tracing_mounts BEFORE: unmount each tracefs/debugfs mount point that is
# not in BEFORE (tracing_mounts' output then), deepest first; says what it unmounted and
# warns (returns 1) for a mount still busy.
unmount_new_tracing_mounts() {
	local before=$1 m rc=0
	for m in $(tracing_mounts | sort -r); do
		printf '%s\n' "$before" | grep -Fxq -- "$m" && continue
		if umount "$m" 2>/dev/null; then
			echo "unmounted $m (it was not mounted before)"
		else
			echo "warning: $m was not mounted before and is busy: left mounted" >&2; rc=1
		fi
	done
	return $rc
}

# The live tracefs directory, mounting it like tracebook does; empty if none.
live_tracefs() {
	local d
	# fstype is the field after " - " (the optional fields before it vary in number)
	d=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "tracefs") { print $5; exit } break } }' \
		/proc/self/mountinfo 2>/dev/null)
	if [ -z "$d" ] && [ -d /sys/kernel/tracing ] && is_root; then
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null && d=/sys/kernel/tracing
	fi
	[ -n "$d" ] && [ -e "$d/trace" ] && echo "$d"
}

# planted_prereqs NAME: what the live tests that plant signalfds with build/tb-workload
# need (root, tracefs with kmem:kmalloc, $TB, jq, the workload built, 4.17+ where
# signalfd's kmalloc is in do_signalfd4).  Sets T; otherwise says why (skip, or not ok
# when the workload does not build) and exits.
planted_prereqs() {
	local name=$1
	is_root || { skip "$name" "needs root"; finish; }
	T=$(live_tracefs)
	[ -n "$T" ] || { skip "$name" "no tracefs on this kernel"; finish; }
	[ -d "$T/events/kmem/kmalloc" ] || { skip "$name" "no kmem:kmalloc tracepoint"; finish; }
	[ -x "$TB" ] || { skip "$name" "$TB not built (make asan)"; finish; }
	command -v jq >/dev/null || { skip "$name" "jq needed to read the JSON report"; finish; }
	make -s -C "$TOP" workload >/dev/null 2>&1 || { not_ok "make workload"; finish; }
	case $(uname -r) in
	[0-3].*|4.[0-9].*|4.1[0-6].*) skip "$name" "signalfd's kmalloc is not in do_signalfd4 before 4.17"; finish ;;
	esac
}

# Serialise tests that touch the live kernel's tracing state (helpers, CI, devs).
LIVE_LOCK=/tmp/tracebook-live-tests.lock
with_live_lock() { flock -o "$LIVE_LOCK" "$@"; }

# Snapshot every tracefs control file a run could touch, for byte-identical compare.
# Values at their defaults (enable 0, filter none, empty trigger) are left out, so the
# snapshot is small; anything else shows.  One grep per file class: fast on eventfs.
# usage: tracefs_snapshot DIR > file
tracefs_snapshot() {
	local t=$1 f
	(
		cd "$t" || exit 1
		for f in current_tracer set_event set_ftrace_filter set_ftrace_notrace set_ftrace_pid \
			set_event_pid kprobe_events dynamic_events uprobe_events trace_options tracing_on \
			buffer_size_kb trace_clock tracing_cpumask saved_cmdlines_size; do
			[ -e "$f" ] && { printf '== %s\n' "$f"; cat "$f" 2>&1 | sed 's/^cat: //'; }
		done
		grep -H . options/* per_cpu/cpu*/buffer_size_kb 2>/dev/null
		printf '== instances\n'; ls instances 2>/dev/null
		grep -H . events/*/*/enable events/*/enable 2>/dev/null | grep -v ':0$'
		grep -H . events/*/*/filter 2>/dev/null | grep -v ':none$'
		grep -H . events/*/filter 2>/dev/null | grep -v ':#'
		grep -H . events/*/*/trigger 2>/dev/null | grep -v ':#'
	)
	grep -H . /sys/kernel/slab/*/trace 2>/dev/null | grep -v ':0$'
	true
}

finish() { exit 0; }
