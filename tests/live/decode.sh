#!/usr/bin/env bash
# decode.sh (live) - `tracebook analyze` on text this very kernel prints:
#  1. trace_pipe text of kmem events decodes with no malformed line;
#  2. round trip: ONE ring buffer read twice - as the kernel's text rendering (the
#     `trace` file, which does not consume) and as the raw stream (trace_pipe_raw, via
#     `trace-cmd extract`) - gives the same report numbers.
# Uses a temporary instance (removed afterwards) under the shared live-test lock; the
# top-level tracing state is compared before/after.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
is_root || { skip "live decode" "needs root"; finish; }
T=$(live_tracefs)
[ -n "$T" ] && [ -e "$T/instances" ] || { skip "live decode" "no tracefs with instances on this kernel"; finish; }
[ -d "$T/events/kmem/kmalloc" ] || { skip "live decode" "no kmem:kmalloc tracepoint"; finish; }
TMP=$(mktemp -d /tmp/tb-live-decode.XXXXXX)
export T TMP
[ -n "${KEEP_TMP:-}" ] || trap 'rm -rf "$TMP"' EXIT

capture() {
	I=$T/instances/tbdecode-live
	trap 'for e in kmalloc kfree; do echo 0 > "$I/events/kmem/$e/enable"; done 2>/dev/null; [ -d "$I" ] && rmdir "$I"' EXIT
	tracefs_snapshot "$T" > "$TMP/before"
	mkdir "$I" || exit 1
	# 1. trace_pipe text
	echo 1 > "$I/events/kmem/kmalloc/enable"; echo 1 > "$I/events/kmem/kfree/enable"
	( ls -R /usr/share/doc > /dev/null 2>&1 & timeout 1 cat "$I/trace_pipe" | head -n 20000 > "$TMP/pipe.txt"; wait )
	echo 0 > "$I/events/kmem/kmalloc/enable"; echo 0 > "$I/events/kmem/kfree/enable"
	echo > "$I/trace"
	# 2. one buffer, two readings
	if command -v trace-cmd > /dev/null; then
		[ -w "$I/options/hash-ptr" ] && echo 0 > "$I/options/hash-ptr"
		echo 2048 > "$I/buffer_size_kb"
		echo 1 > "$I/events/kmem/kmalloc/enable"; echo 1 > "$I/events/kmem/kfree/enable"
		ls /usr/share/doc > /dev/null 2>&1; sleep 0.1
		echo 0 > "$I/tracing_on"
		echo 0 > "$I/events/kmem/kmalloc/enable"; echo 0 > "$I/events/kmem/kfree/enable"
		cat "$I/trace" > "$TMP/trace.txt"
		# trace-cmd 3.x writes zstd-compressed version 7 by default, which tracebook
		# refuses (tests/cli/decode.sh): ask for an uncompressed file
		( cd "$TMP" && trace-cmd extract --compression none -B tbdecode-live -o "$TMP/raw.dat" > "$TMP/extract.log" 2>&1 )
	fi
	[ -d "$I" ] && rmdir "$I"
	tracefs_snapshot "$T" > "$TMP/after"
}
export -f capture tracefs_snapshot
with_live_lock bash -c capture

# other helpers' instances may come and go meanwhile: compare ours only
noinst() { awk '/^== instances$/ { inst = 1; print; next } /^== / { inst = 0 } !inst || /^tbdecode/' "$1"; }
if diff <(noinst "$TMP/before") <(noinst "$TMP/after") > "$TMP/diff"; then ok "tracing state restored"; else not_ok "tracing state restored"; sed 's/^/    /' "$TMP/diff" | head; fi

out=$("$TB" analyze --dump-events "$TMP/pipe.txt" 2>&1 | tail -n 4)
expect_match "live trace_pipe text: detected, events decoded" "^# $TMP/pipe.txt \\(ftrace text\\): lines=[0-9]+ events=[1-9]" "$out"
expect_match "live trace_pipe text: no malformed line" "malformed=0 " "$out"
"$TB" analyze "$TMP/pipe.txt" -o "$TMP/pipe.json" > /dev/null 2>&1
expect_match "live trace_pipe text: kmem pair has allocations" '^[1-9]' "$(jq '.pairs[0].allocs' "$TMP/pipe.json" 2>/dev/null)"

if [ ! -s "$TMP/trace.txt" ]; then
	skip "round trip raw vs text" "trace-cmd is not installed"
elif [ ! -s "$TMP/raw.dat" ]; then
	skip "round trip raw vs text" "trace-cmd extract failed: $(tail -n 1 "$TMP/extract.log")"
elif ! grep -q 'entries-in-buffer/entries-written: \([0-9]*\)/\1 ' "$TMP/trace.txt"; then
	skip "round trip raw vs text" "the buffer overflowed ($(grep entries-in-buffer "$TMP/trace.txt"))"
else
	export LSAN_OPTIONS="suppressions=$TOP/tests/cli/decode-lsan.supp:print_suppressions=0"
	# pair numbers only: trace-cmd extract also takes the top-level buffer, where
	# other users' events may be (they are not kmem events of our instance)
	q='[.pairs[] | {label: .label, a: .allocs, f: .frees, n: .null_frees, o: .outstanding_count, b: .outstanding_bytes}]'
	# compare: the pair numbers of both readings; on a difference, each reading's events
	# counted by name (a dropped line or a different order)
	compare() {
		grep -q 'entries-in-buffer/entries-written: \([0-9]*\)/\1 ' "$TMP/trace.txt" || return 3
		"$TB" analyze "$TMP/trace.txt" -o "$TMP/text.json" > /dev/null 2>&1
		# our instance's buffer by name: extract also takes the top-level buffer, and
		# when that holds other users' events tracebook would read it (one buffer per
		# file), which is what made this comparison fail now and then
		"$TB" analyze --buffer tbdecode-live "$TMP/raw.dat" -o "$TMP/raw.json" > /dev/null 2> "$TMP/raw.err" || return 2
		text=$(jq -c "$q" "$TMP/text.json"); raw=$(jq -c "$q" "$TMP/raw.json")
		[ "$raw" = "$text" ] && return 0
		why="raw $raw, text $text;"
		for f in trace.txt raw.dat; do
			why="$why $f: $("$TB" analyze --buffer tbdecode-live --dump-events "$TMP/$f" 2>/dev/null | grep -v '^#' |
				awk '{ n[$5]++ } END { for (e in n) printf "%s=%d ", e, n[e] }')"
		done
		return 1
	}
	compare; rc=$?
	if [ "$rc" = 1 ]; then
		# the difference seen now and then was the top-level buffer read instead of
		# ours (its counts: raw.dat held only other users' sched_process_exec events),
		# fixed by --buffer above; should another cause show, it is said as a skip line
		# (shown in the summary) and the capture is taken again: the second must match
		skip "round trip, first capture" "differed, captured again: $why"
		with_live_lock bash -c capture
		if diff <(noinst "$TMP/before") <(noinst "$TMP/after") > "$TMP/diff"; then ok "tracing state restored (second capture)"
		else not_ok "tracing state restored (second capture)"; sed 's/^/    /' "$TMP/diff" | head; fi
		compare; rc=$?
	fi
	if [ "$rc" = 3 ]; then
		skip "round trip raw vs text" "the second capture's buffer overflowed"
	elif [ "$rc" != 2 ]; then
		expect_match "round trip: the buffer held kmem events" '"a":[1-9]' "$text"
		expect_eq "round trip: raw stream and its text rendering give the same report" "$raw" "$text"
		[ "$rc" = 0 ] || echo "    $why"
	else
		not_ok "round trip: trace.dat analyzed"; sed 's/^/    /' "$TMP/raw.err" | head
	fi
fi
finish
