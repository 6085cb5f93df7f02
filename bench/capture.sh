#!/usr/bin/env bash
# bench/capture.sh - live capture at the workload's full rate, three ways, in one run:
#   (a) `cat trace_pipe` of the four kmem events (what field engineers do today), with
#       the default per-CPU buffer, then pairing the text by (hashed) pointer in awk;
#   (t) `trace-cmd record` of the same four events, 32 MiB per-CPU buffers, to a file
#       (record only: no report); its records counted from the file (build/bench/tc-count)
#   (b) `tracebook run slab-leak`.
# The workload (build/tb-workload) churns pipes+sockets flat out on every CPU and
# PLANTS N signalfds (N kmalloc-8 objects at do_signalfd4; PLANT_KIND=eventfd for
# do_eventfd, which other programs' event loops also use) that stay open past the end.
# Reports, per way: events/s, events lost, CPU of the capturing process (and of its
# children: trace-cmd's per-CPU recorders), CPU ns per event, its peak RSS, and whether
# exactly N objects were found outstanding at the planted site.  After each trace-cmd /
# tracebook pair: tracebook's CPU per event as a fraction of trace-cmd's.
#
# Root; takes the live-test lock; works in its own trace instance (a), the top-level
# buffer (t: trace-cmd has no choice) or tracebook's instance (b); puts back every
# tracing setting it touches (also on Ctrl-C) and checks the whole tracefs state is as
# found after trace-cmd (tests/lib.sh tracefs_snapshot), else says what differs and
# exits 1.
#
# Between two ways it waits PAUSE seconds (-p, default 20): trace-cmd's clean-up (its
# 1.5 GB file removed, its 32 MiB buffers shrunk back) goes on after it exits, and a way
# started at once was charged with it (bench/README, 6 Dec 2026).
#
# usage: bench/capture.sh [-d SECONDS] [-n PLANT] [-r RUNS] [-p PAUSE] [-w "cat tracecmd tracebook"]
#        (defaults 10, 1000, 1, 20, all three ways)
# Prints a markdown table on stdout; details on stderr.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
D=10 N=1000 RUNS=1 PAUSE=20 WAYS="cat tracecmd tracebook"
while getopts d:n:p:r:w: o; do
	case $o in d) D=$OPTARG ;; n) N=$OPTARG ;; p) PAUSE=$OPTARG ;; r) RUNS=$OPTARG ;; w) WAYS=$OPTARG ;; *) exit 2 ;; esac
done
for v in "$D" "$N" "$RUNS" "$PAUSE"; do
	case $v in ''|*[!0-9]*) echo "bench/capture.sh: -d, -n, -r and -p take a whole number, not '$v'" >&2; exit 2 ;; esac
done
TB=${TB:-$TOP/tracebook}
PLANT_KIND=${PLANT_KIND:-signalfd}
case $PLANT_KIND in signalfd) SITE=do_signalfd4 ;; eventfd) SITE=do_eventfd ;; *) exit 2 ;; esac
WL=$TOP/build/tb-workload
LOCK=/tmp/tracebook-live-tests.lock

[ "$(id -u)" = 0 ] || { echo "bench/capture.sh: needs root" >&2; exit 1; }
# tracefs_snapshot: every control file a run could touch, for a byte-identical compare;
# live_tracefs mounts tracefs where none is mounted (unmounted again at the end, by
# cleanup)
TB_SAVED=$TB
# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
TB=$TB_SAVED
[ -x "$TB" ] || { echo "bench/capture.sh: $TB not built (make tracebook)" >&2; exit 1; }
[ -x "$WL" ] || make -s -C "$TOP" workload >&2 || exit 1
TC=$(command -v trace-cmd)
TCCOUNT=$TOP/build/bench/tc-count
case " $WAYS " in *" tracecmd "*)
	[ -n "$TC" ] || { echo "bench/capture.sh: trace-cmd not installed (or -w without tracecmd)" >&2; exit 1; }
	mkdir -p "$TOP/build/bench"
	# shellcheck disable=SC2046
	${CC:-cc} -std=gnu99 -Wall -Wextra -Werror -O2 -o "$TCCOUNT" "$TOP/bench/tc-count.c" \
		$(pkg-config --cflags --libs libtracecmd) || exit 1 ;;
esac

MOUNTS_BEFORE=$(tracing_mounts)
T=$(live_tracefs)
[ -n "$T" ] || { echo "bench/capture.sh: no tracefs (not mounted, and mounting it at /sys/kernel/tracing failed)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/tb-bench.XXXXXX)
INST=$T/instances/tb-bench-$$
WLPID= CATPID= TCPID= TOPSAVED= STATE_BAD=0
cleanup() {
	[ -n "$WLPID" ] && kill "$WLPID" 2>/dev/null && wait "$WLPID" 2>/dev/null
	[ -n "$CATPID" ] && kill "$CATPID" 2>/dev/null && wait "$CATPID" 2>/dev/null
	if [ -n "$TCPID" ]; then
		# trace-cmd and its recorders (they hold the lock's fd too)
		pkill -INT -x trace-cmd -P "$TCPID" 2>/dev/null
		wait "$TCPID" 2>/dev/null
	fi
	[ -n "$TOPSAVED" ] && restore_top
	if [ -d "$INST" ]; then
		echo 0 > "$INST/tracing_on"
		for e in kmalloc kfree kmem_cache_alloc kmem_cache_free; do
			echo 0 > "$INST/events/kmem/$e/enable"
		done
		rmdir "$INST"
	fi
	rm -rf "$WORK"
	unmount_new_tracing_mounts "$MOUNTS_BEFORE" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

exec 9> "$LOCK"
flock 9

ncpus=$(ls -d "$T"/per_cpu/cpu* | wc -l)
lost_sum() { # instance dir: overrun + dropped over CPUs
	cat "$1"/per_cpu/cpu*/stats | awk '/^overrun:/ { s += $2 } /^dropped events:/ { s += $3 } END { print s + 0 }'
}
start_workload() { # planted count, churn seconds
	"$WL" -p "$1" -P "$PLANT_KIND" -d "$2" -H -1 > "$WORK/wl.out" 2>&1 &
	WLPID=$!
	for _ in $(seq 100); do grep -q '^planted' "$WORK/wl.out" && break; sleep 0.05; done
}
stop_workload() {
	kill -TERM "$WLPID" 2>/dev/null; wait "$WLPID" 2>/dev/null; WLPID=
}

# (a) cat trace_pipe, default buffer, awk pairing of the text
bench_cat() {
	local before after lines lost cpu rss found rate size prev tpid falsel
	mkdir "$INST" || return 1
	for e in kmalloc kfree kmem_cache_alloc kmem_cache_free; do echo 1 > "$INST/events/kmem/$e/enable"; done
	before=$(lost_sum "$INST")
	cat "$INST/trace_pipe" > "$WORK/cat.txt" &
	tpid=$! CATPID=$!
	sleep 0.2
	start_workload "$N" "$((D - 1))"
	sample_cat() { # cat's CPU (cores over D) and peak RSS while it lives
		local c r
		c=$(awk -v hz="$(getconf CLK_TCK)" -v d="$D" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz / d }' "/proc/$tpid/stat" 2>/dev/null)
		r=$(awk '/^VmHWM:/ { print $2 }' "/proc/$tpid/status" 2>/dev/null)
		[ -n "$c" ] && cpu=$c
		[ -n "$r" ] && rss=$r
	}
	sleep "$D"
	sample_cat
	echo 0 > "$INST/tracing_on"
	after=$(lost_sum "$INST")
	# let cat drain what is left (it may exit at EOF): until its output stops growing
	prev=-1 size=0
	while [ "$size" != "$prev" ]; do
		sample_cat
		prev=$size; sleep 0.5; size=$(stat -c %s "$WORK/cat.txt")
	done
	kill $tpid 2>/dev/null; wait $tpid 2>/dev/null; CATPID=
	stop_workload
	for e in kmalloc kfree kmem_cache_alloc kmem_cache_free; do echo 0 > "$INST/events/kmem/$e/enable"; done
	rmdir "$INST"
	lines=$(grep -c ': kmem' "$WORK/cat.txt")
	lost=$((after - before))
	echo "cat: the text said LOST $(grep -o 'LOST [0-9]* EVENTS' "$WORK/cat.txt" | awk '{ s += $2 } END { print s + 0 }') events; per_cpu stats say $lost" >&2
	rate=$(awk -v l="$lines" -v d="$D" 'BEGIN { printf "%.2f", l / d / 1e6 }')
	# pair by the printed (hashed, 32-bit) pointer: what the text allows
	found=$(awk -v site="$SITE" '
		/ kmalloc: | kmem_cache_alloc: / {
			s = ""; ptr = ""
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^call_site=/) s = substr($i, 11)
				if ($i ~ /^ptr=/) ptr = substr($i, 5)
			}
			live[ptr] = s; next
		}
		/ kfree: | kmem_cache_free: / {
			for (i = 1; i <= NF; i++) if ($i ~ /^ptr=/) delete live[substr($i, 5)]
		}
		END {
			for (p in live) {
				if (index(live[p], site "+") == 1) n++
				if (live[p] ~ /^(alloc_pipe_info|sk_prot_alloc|sock_alloc_inode|unix_create1)\+/) f++
			}
			print n + 0, f + 0
		}' "$WORK/cat.txt")
	read -r found falsel <<< "$found"
	printf '| cat trace_pipe (default %s KiB/CPU) | %s | %s | %s | %s cores | %s | %s MiB | %s of %s at %s | %s |\n' \
		"$(sed 's/ .*//' "$T/buffer_size_kb")" "$lines" "$rate" "$lost" "$cpu" \
		"$(awk -v c="$cpu" -v d="$D" -v l="$lines" 'BEGIN { printf "%.0f", l ? c * d * 1e9 / l : 0 }')" \
		"$(awk -v k="${rss:-0}" 'BEGIN { printf "%.1f", k / 1024 }')" "$found" "$N" "$SITE" "$falsel"
}


# ---- trace-cmd works in the top-level buffer: save and put back what it may touch ----
# Values of the top-level files trace-cmd record writes (strace of 3.1.6: tracing_on,
# buffer_size_kb, set_event, events/*/enable, options/*, trace_clock, set_event_pid,
# set_ftrace_pid, current_tracer), one "file<TAB>value" a line.
# A buffer never used since boot reads "7 (expanded: 1408)": 7 KiB now, 1408 at its first
# use.  trace-cmd's use expands it and the kernel cannot shrink it back to unexpanded, so
# the value to put back is the one first use gives (writing the 7 left the top-level
# buffer at 7 KiB per CPU: unusable).  Reads "N (expanded: M)" at the end of a line
# (a bare value or a snapshot's "file:value") as M.
unexpanded() { sed 's/[0-9]* (expanded: \([0-9]*\))$/\1/'; }
top_values() {
	local f
	for f in tracing_on current_tracer trace_clock buffer_size_kb per_cpu/cpu*/buffer_size_kb \
		set_event_pid tracing_cpumask buffer_percent options/*; do
		[ -f "$T/$f" ] && printf '%s\t%s\n' "$f" "$(sed -n 's/.*\[\(.*\)\].*/\1/p; t; p' "$T/$f" 2>/dev/null | head -1 | unexpanded)"
	done
}
save_top() {
	top_values > "$WORK/top.values"
	cp "$T/set_event" "$WORK/top.set_event"
	# compared as first use leaves it (see unexpanded): said below when that is a change
	tracefs_snapshot "$T" > "$WORK/state.raw"
	unexpanded < "$WORK/state.raw" > "$WORK/state.before"
	TOPSAVED=1
}
# Put back every value that differs (buffer sizes first, tracing_on last), then compare
# the whole snapshot; says what trace-cmd had left changed.
restore_top() {
	local f v now fixed=""
	if ! cmp -s "$T/set_event" "$WORK/top.set_event"; then
		: > "$T/set_event"
		while read -r v; do [ -n "$v" ] && echo "$v" >> "$T/set_event"; done < "$WORK/top.set_event"
		fixed="$fixed set_event"
	fi
	while IFS=$'\t' read -r f v; do
		[ "$f" = tracing_on ] && continue
		now=$(sed -n 's/.*\[\(.*\)\].*/\1/p; t; p' "$T/$f" 2>/dev/null | head -1)
		if [ "$now" != "$v" ]; then
			echo "$v" > "$T/$f" 2>/dev/null && fixed="$fixed $f"
		fi
	done < "$WORK/top.values"
	v=$(awk -F'\t' '$1 == "tracing_on" { print $2 }' "$WORK/top.values")
	[ "$(cat "$T/tracing_on")" != "$v" ] && echo "$v" > "$T/tracing_on" && fixed="$fixed tracing_on"
	[ -n "$fixed" ] && echo "trace-cmd left changed (put back by the bench):$fixed" >&2
	tracefs_snapshot "$T" > "$WORK/state.after"
	grep -q 'expanded:' "$WORK/state.raw" &&
		echo "trace-cmd expanded the top-level buffer, unused since boot (the kernel cannot undo that): its size is put back to what first use gives" >&2
	if ! cmp -s "$WORK/state.before" "$WORK/state.after"; then
		echo "bench/capture.sh: tracing state NOT as found after trace-cmd:" >&2
		diff "$WORK/state.before" "$WORK/state.after" | sed 's/^/    /' >&2
		STATE_BAD=1
	fi
	TOPSAVED=
}

# (t) trace-cmd record, 32 MiB per CPU, record only
bench_tracecmd() {
	local ev lost unknown statlost u s peak wall cpu rate nspe live_cpu
	save_top
	# -d: this host refuses writes to /proc/sys/kernel/ftrace_enabled, which trace-cmd
	#     makes unless told not to touch the function tracer (then it dies at once);
	# --no-filter: else it reads set_ftrace_pid (EPERM here) and segfaults; it also
	#     makes trace-cmd see its own processes' events, as tracebook does.
	/usr/bin/time -f '%M %U %S %e' -o "$WORK/tc.time" "$TC" record -d --no-filter \
		-e kmem:kmalloc -e kmem:kfree -e kmem:kmem_cache_alloc -e kmem:kmem_cache_free \
		-b 32768 -o "$WORK/tc.dat" > "$WORK/tc.out" 2> "$WORK/tc.err" &
	TCPID=$!
	for _ in $(seq 200); do grep -qs kmem "$T/set_event" && break; sleep 0.05; done
	sleep 0.3	# its recorders start after the events are enabled
	start_workload "$N" "$((D - 1))"
	sleep "$D"
	# CPU of trace-cmd and its recorders so far, to check the rusage below includes them
	live_cpu=$(for p in $(pgrep -x trace-cmd); do awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat"; done 2>/dev/null |
		awk -v hz="$(getconf CLK_TCK)" '{ s += $1 } END { printf "%.2f", s / hz }')
	# SIGINT to the main process only: it stops its recorders, which drain the
	# buffers, then writes the file (compressing it: its CPU counts too)
	kill -INT "$(pgrep -x trace-cmd -P "$TCPID" | head -1)" 2>/dev/null
	wait "$TCPID"; TCPID=
	stop_workload
	# trace-cmd's own per-CPU stats at the end of recording (overrun = lost)
	statlost=$("$TC" report --stat -i "$WORK/tc.dat" 2>/dev/null |
		awk '/^overrun:/ { s += $2 } /^dropped events:/ { s += $3 } END { print s + 0 }')
	restore_top
	read -r _ ev _ lost _ unknown < <("$TCCOUNT" "$WORK/tc.dat") || { echo "tc-count failed" >&2; return 1; }
	[ "$statlost" -gt "$lost" ] && lost=$statlost
	read -r peak u s wall < <(tail -1 "$WORK/tc.time")
	echo "trace-cmd: $(grep -h 'bytes in size' "$WORK/tc.out" | tr -s ' ' | paste -sd';'), exit: $(grep -v '^$' "$WORK/tc.err" | tail -2 | paste -sd' '); CPU by rusage $(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') s (user $u, sys $s, wall $wall), by /proc before stopping $live_cpu s; pages' missed counts $lost (some unknown: $unknown), stats overrun+dropped $statlost" >&2
	cpu=$(awk -v u="$u" -v s="$s" -v d="$D" 'BEGIN { printf "%.2f", (u + s) / d }')
	rate=$(awk -v e="$ev" -v d="$D" 'BEGIN { printf "%.2f", e / d / 1e6 }')
	nspe=$(awk -v u="$u" -v s="$s" -v e="$ev" 'BEGIN { printf "%.0f", e ? (u + s) * 1e9 / e : 0 }')
	TC_NSPE=$nspe
	printf '| trace-cmd record -b 32768 | %s | %s | %s | %s cores | %s | %s MiB | not analysed | - |\n' \
		"$ev" "$rate" "$lost" "$cpu" "$nspe" "$(awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }')"
	rm -f "$WORK"/tc.dat*
}

# (b) tracebook run slab-leak
bench_tracebook() {
	local peak u s cpu ev lost rate found bpo out outst dur falsel nspe
	TRACEBOOK_CAPTURE_DEBUG=1 /usr/bin/time -f '%M %U %S' -o "$WORK/tb.time" \
		"$TB" run slab-leak -d "${D}s" -o "$WORK/r.json" > "$WORK/tb.out" 2> "$WORK/tb.err" &
	local tpid=$!
	# wait for the capture to start (our instance has its events enabled)
	for _ in $(seq 200); do
		grep -qs kmem "$T"/instances/tracebook-*/set_event && break; sleep 0.05
	done
	start_workload "$N" "$((D - 1))"
	wait $tpid; local rc=$?
	stop_workload
	if [ $rc != 0 ] || [ ! -s "$WORK/r.json" ]; then
		echo "tracebook run failed ($rc):" >&2; cat "$WORK/tb.err" >&2; return 1
	fi
	out=$(python3 - "$WORK/r.json" "$N" "$SITE" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1])); n = int(sys.argv[2])
p = [x for x in r["pairs"] if x["label"] == "slab"][0]
efd = sum(o["count"] for o in p["outstanding"] if o["site"].startswith(sys.argv[3] + "+"))
churn = ("alloc_pipe_info+", "sk_prot_alloc+", "sock_alloc_inode+", "unix_create1+")
false = sum(o["count"] for o in p["outstanding"] if o["site"].startswith(churn))
print(r["events"], r["lost_events"], r["duration_s"], efd, p.get("bytes_per_object", 0),
      p["outstanding_count"], false)
EOF
)
	read -r ev lost dur found bpo outst falsel <<< "$out"
	cp "$WORK/r.json" "${BENCH_KEEP_JSON:-/dev/null}" 2>/dev/null
	read -r peak u s < "$WORK/tb.time"
	cpu=$(awk -v u="$u" -v s="$s" -v d="$dur" 'BEGIN { printf "%.2f", (u + s) / d }')
	rate=$(awk -v e="$ev" -v d="$dur" 'BEGIN { printf "%.2f", e / d / 1e6 }')
	nspe=$(awk -v u="$u" -v s="$s" -v e="$ev" 'BEGIN { printf "%.0f", e ? (u + s) * 1e9 / e : 0 }')
	printf '| tracebook run slab-leak | %s | %s | %s | %s cores | %s | %s MiB | %s of %s at %s | %s |\n' \
		"$ev" "$rate" "$lost" "$cpu" "$nspe" "$(awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }')" "$found" "$N" "$SITE" "$falsel"
	[ -n "$TC_NSPE" ] && [ "$TC_NSPE" != 0 ] &&
		printf '| tracebook / trace-cmd CPU per event | | | | | **%s** | | | |\n' \
			"$(awk -v a="$nspe" -v b="$TC_NSPE" 'BEGIN { printf "%.2fx", a / b }')"
	TC_NSPE=
	echo "tracebook: $outst outstanding objects tracked at the end, $bpo bytes of analysis memory per outstanding object (analysis' own count)" >&2
	grep '^capture:' "$WORK/tb.err" | sed 's/^/tracebook /' >&2
}

TC_NSPE=
echo "| capture | events | M events/s | lost | CPU | CPU ns/event | peak RSS | planted found | churned objects reported outstanding |"
echo "|---|---|---|---|---|---|---|---|---|"
first=1
for run in $(seq "$RUNS"); do
	echo "run $run: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
	for way in $WAYS; do
		[ -n "$first" ] || sleep "$PAUSE"
		first=
		case $way in
		cat) bench_cat ;;
		tracecmd) bench_tracecmd ;;
		tracebook) bench_tracebook ;;
		*) echo "bench/capture.sh: unknown way $way (cat, tracecmd, tracebook)" >&2; exit 2 ;;
		esac
		echo "  after $way: workload $(grep '^churned' "$WORK/wl.out" 2>/dev/null | sed 's/ errors=.*//'), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
	done
done
echo "machine: $(nproc) CPUs, kernel $(uname -r)" >&2
[ "$STATE_BAD" = 0 ] || exit 1
