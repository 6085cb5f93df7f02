#!/bin/bash
# tests/live/save.sh - `tracebook run slab-leak -d 2s --save DIR` on this kernel, then:
# DIR holds trace.dat and the run's files; `trace-cmd report DIR/trace.dat` lists
# exactly the events tracebook counted, per event name; `tracebook analyze DIR` gives
# the live run's report (every section but the run-specific ones: plan, source,
# duration, per-CPU loss); the static build reads the same trace.dat to the same
# report and writes a trace.dat of its own that trace-cmd reads; tracing is as found.
# Needs root, tracefs and the kmem tracepoints; takes the live-test lock.
. "$(dirname "$0")/../lib.sh"

if [ -z "${TB_SAVE_LOCKED:-}" ]; then
	is_root || { skip "save live" "not root"; finish; }
	[ -x "$TB" ] || { skip "save live" "no $TB (make asan)"; finish; }
	TB_SAVE_LOCKED=1 with_live_lock bash "$0"
	exit $?
fi
T=$(live_tracefs)
[ -n "$T" ] || { skip "save live" "no tracefs on this kernel"; finish; }
[ -e "$T/events/kmem/kmalloc/enable" ] || { skip "save live" "no kmem tracepoints"; finish; }
command -v trace-cmd > /dev/null || { skip "save live" "trace-cmd is not installed (make deps)"; finish; }

W=$(mktemp -d /tmp/tb-save-live.XXXXXX)
trap 'rm -rf "$W"' EXIT
S=$W/save
before=$(tracefs_snapshot "$T")
out=$(timeout 300 "$TB" run slab-leak -d 2s --save "$S" -o "$W/live.json" 2>&1 >/dev/null); rc=$?
expect_eq "run --save: exit 0" 0 "$rc"
[ "$rc" = 0 ] || printf '%s\n' "$out" | tail -5 | sed 's/^/    | /'
expect_eq "run --save: tracing as found" "$before" "$(tracefs_snapshot "$T")"
expect_match "run --save: says where the data is" "the run's data is in $S" "$out"
for f in trace.dat report.json recipe.recipe params.txt plan.txt probe.json uname.txt kallsyms \
	 proc/001-slabinfo proc/002-meminfo kernel.log MANIFEST; do
	check "saved: $f" test -e "$S/$f"
done
expect_eq "saved report.json is the run's report" "$(jq -S .pairs "$W/live.json")" "$(jq -S .pairs "$S/report.json")"
expect_match "saved probe.json is probe --json" '"release"' "$(cat "$S/probe.json")"
expect_eq "saved uname.txt is uname -snrvm (uname -a without the userland fields)" "$(uname -snrvm)" "$(cat "$S/uname.txt")"
expect_match "saved plan names the events" 'kmem:kmalloc' "$(cat "$S/plan.txt")"
expect_eq "trace.dat is version 6" "6" "$(head -c 11 "$S/trace.dat" | tail -c 1)"

# trace-cmd lists exactly what tracebook counted, per event name
counted=$(jq -r '.input_events[] | "\(.event | sub("^[^:]*:"; "")) \(.count)"' "$W/live.json" | sort)
listed=$(trace-cmd report "$S/trace.dat" 2>/dev/null |
	awk '{ for (i = 1; i < NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { e = $(i + 1); sub(/:$/, "", e); n[e]++; break } }
	     END { for (e in n) print e, n[e] }' | sort)
expect_match "the run counted kmem events" 'kmalloc [1-9]' "$counted"
expect_eq "trace-cmd report lists exactly the events tracebook counted" "$counted" "$listed"
expect_eq "trace.dat: no trace-cmd warnings" "" "$(trace-cmd report "$S/trace.dat" 2>&1 >/dev/null | grep -iv '^cpus=' | head -3)"

# analyze DIR gives the live report, minus what belongs to the run itself
# (through_s/through_ns, schema 3, are the duration: the run's own, like duration_s)
q='del(.plan, .source, .duration_s, .duration_ns, .through_s, .through_ns, .lost_per_cpu, .lost_window_s)'
"$TB" analyze "$S" -o "$W/offline.json" > "$W/offline.txt" 2> "$W/offline.err"; rc=$?
expect_eq "analyze DIR: exit 0" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/    | /' "$W/offline.err" | tail -5
expect_eq "analyze DIR: the same report as the live run" "$(jq -S "$q" "$W/live.json")" "$(jq -S "$q" "$W/offline.json")"
expect_match "analyze DIR: read the saved trace.dat" "$S/trace.dat \\(trace-cmd trace.dat\\)" "$(jq -r .source "$W/offline.json")"

# the static field build reads it, and writes one trace-cmd reads
ST=$TOP/build/static-x86_64/tracebook
if [ "$(uname -m)" != x86_64 ] || [ ! -x "$ST" ]; then
	skip "static build and trace.dat" "no $ST (make static)"
else
	"$ST" analyze "$S" -o "$W/static.json" > /dev/null 2>&1
	expect_eq "static build: analyze DIR gives the same report" "$(jq -S "$q" "$W/live.json")" "$(jq -S "$q" "$W/static.json")"
	out=$(timeout 300 "$ST" run slab-leak -d 1s --save "$W/st" -o "$W/st.json" 2>&1 >/dev/null); rc=$?
	expect_eq "static build: run --save exit 0" 0 "$rc"
	n=$(trace-cmd report "$W/st/trace.dat" 2>/dev/null | grep -c ' kmem_cache_alloc: ')
	expect_eq "static build: trace-cmd reads its trace.dat (kmem_cache_alloc count)" \
		"$(jq '[.input_events[] | select(.event == "kmem:kmem_cache_alloc") | .count] | add // 0' "$W/st.json")" "$n"
	expect_eq "static build: tracing as found" "$before" "$(tracefs_snapshot "$T")"
fi

# a directory in use is refused before anything is touched
out=$("$TB" run slab-leak -d 1s --save "$S" 2>&1); rc=$?
expect_eq "--save into a non-empty directory: usage error" 2 "$rc"
expect_match "--save into a non-empty directory: says why" 'not empty' "$out"
expect_eq "--save refused: tracing as found" "$before" "$(tracefs_snapshot "$T")"
finish
