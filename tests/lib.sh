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

# The live tracefs directory, mounting it like tracebook does; empty if none.
live_tracefs() {
	local d
	d=$(awk '$9 == "tracefs" { print $5; exit }' /proc/self/mountinfo 2>/dev/null)
	if [ -z "$d" ] && [ -d /sys/kernel/tracing ] && is_root; then
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null && d=/sys/kernel/tracing
	fi
	[ -n "$d" ] && [ -e "$d/trace" ] && echo "$d"
}

# Serialise tests that touch the live kernel's tracing state (helpers, CI, devs).
LIVE_LOCK=/tmp/tracebook-live-tests.lock
with_live_lock() { flock "$LIVE_LOCK" "$@"; }

# Snapshot every tracefs control file a run could touch, for byte-identical compare.
# usage: tracefs_snapshot DIR > file
tracefs_snapshot() {
	local t=$1 f
	(
		cd "$t" || exit 1
		for f in current_tracer set_event set_ftrace_filter set_ftrace_notrace set_ftrace_pid \
			set_event_pid kprobe_events dynamic_events uprobe_events trace_options tracing_on \
			buffer_size_kb trace_clock tracing_cpumask saved_cmdlines_size; do
			[ -r "$f" ] && { printf '== %s\n' "$f"; cat "$f" 2>&1; }
		done
		for f in options/*; do printf '== %s %s\n' "$f" "$(cat "$f" 2>&1)"; done
		for f in per_cpu/cpu*/buffer_size_kb; do printf '== %s %s\n' "$f" "$(cat "$f" 2>&1)"; done
		printf '== instances\n'; ls instances 2>/dev/null
		for f in events/*/*/enable events/*/*/filter events/*/*/trigger events/*/enable events/*/filter; do
			[ -r "$f" ] || continue
			case "$f" in *enable) v=$(cat "$f" 2>&1) ;; *) v=$(grep -v '^#' "$f" 2>&1) ;; esac
			case "$f:$v" in *enable:0|*filter:none|*filter:|*trigger:) ;; *) printf '== %s %s\n' "$f" "$v" ;; esac
		done
	)
	for f in /sys/kernel/slab/*/trace; do [ -r "$f" ] && [ "$(cat "$f")" != 0 ] && printf '== %s %s\n' "$f" "$(cat "$f")"; done 2>/dev/null
	true
}

finish() { exit 0; }
