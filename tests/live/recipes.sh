#!/usr/bin/env bash
# Every shipped recipe on this kernel, live: the ones this kernel can run (kmem
# tracepoints, /proc snapshots; slub-trace through its tracepoint fallback when the toggle
# is read-only) run for 2 s, write a JSON report and leave every tracefs control file
# byte-identical; the ones it cannot (no kprobes: exit 3; function tracer refused: exit 6) are refused
# before anything is written, with a message that says why (checked against the kernel).
. "$(dirname "$0")/../lib.sh"
is_root || { skip "live recipes" "not root"; finish; }
T=$(live_tracefs) || true
[ -n "$T" ] || { skip "live recipes" "no tracefs on this kernel"; finish; }
[ -x "$TB" ] || { not_ok "no $TB (make asan)"; finish; }
W=$(mktemp -d /tmp/tb-live-recipes.XXXXXX)
trap 'rm -rf "$W"' EXIT
export TRACEBOOK_RUNDIR=$W/run

# What this kernel really offers, read independently of tracebook.
have_kprobes=0; [ -e "$T/kprobe_events" ] && have_kprobes=1
have_function=0
if grep -qw function "$T/available_tracers" && head -c1 "$T/available_filter_functions" >/dev/null 2>&1; then have_function=1; fi

run_one() { # recipe args...
	local r=$1 out rc
	shift
	tracefs_snapshot "$T" > "$W/before"
	out=$("$TB" run "$r" "$@" -d 2s -o "$W/$r.json" 2>&1); rc=$?
	tracefs_snapshot "$T" > "$W/after"
	printf '%s\n' "$out" > "$W/$r.out"
	echo "$rc"
}

for f in "$TOP"/recipes/*.recipe; do
	r=$(basename "$f" .recipe)
	args=
	[ "$r" = slub-trace ] && args=cache=kmalloc-64
	needs=none
	grep -q '^\[kprobe ' "$f" && needs=kprobes
	grep -q '^\[function\]' "$f" && { [ $needs = none ] && needs=function || needs="$needs+function"; }
	can=1
	case $needs in *kprobes*) [ $have_kprobes = 1 ] || can=0 ;; esac
	case $needs in *function*) [ $have_function = 1 ] || can=0 ;; esac
	# shellcheck disable=SC2086
	rc=$(with_live_lock bash -c "$(declare -f run_one tracefs_snapshot); TB='$TB' T='$T' W='$W' run_one $r $args")
	out=$(cat "$W/$r.out")
	if [ $can = 1 ]; then
		expect_eq "$r: runs here (exit 0)" 0 "$rc"
		[ "$rc" = 0 ] || printf '%s\n' "$out" | tail -5 | sed 's/^/    /'
		if [ -s "$W/$r.json" ] && [ "$(jq -r .tool "$W/$r.json")" = tracebook ] &&
			[ "$(jq -r .recipe "$W/$r.json")" = "$r" ] && [ "$(jq -r '.events' "$W/$r.json")" -ge 0 ]; then
			ok "$r: JSON report written"
		else
			not_ok "$r: JSON report written"
		fi
	else
		# absent (no kprobe_events) is bad input for this kernel: 3; present but refused by
		# the system (EPERM on the function tracer): 6
		want=3; case $needs in function) want=6 ;; esac
		expect_eq "$r: refused here before anything is written (exit $want; needs $needs)" $want "$rc"
		case $needs in
		kprobes*) expect_match "$r: the refusal says kprobes are missing" 'no kprobe_events' "$out" ;;
		function) expect_match "$r: the refusal says the function tracer is refused" 'function tracer.*(refused|EPERM)' "$out" ;;
		esac
		[ -e "$W/$r.json" ] && not_ok "$r: no report when refused" || ok "$r: no report when refused"
	fi
	if d=$(diff "$W/before" "$W/after"); then ok "$r: tracefs byte-identical afterwards"; else
		not_ok "$r: tracefs byte-identical afterwards"; printf '%s\n' "$d" | head -10 | sed 's/^/    /'; fi
done
finish
