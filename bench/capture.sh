#!/usr/bin/env bash
# bench/capture.sh - live capture at the workload's full rate, two ways:
#   (a) `cat trace_pipe` of the four kmem events (what field engineers do today), with
#       the default per-CPU buffer, then pairing the text by (hashed) pointer in awk;
#   (b) `tracebook run slab-leak`.
# The workload (build/tb-workload) churns pipes+sockets flat out on every CPU and
# PLANTS N signalfds (N kmalloc-8 objects at do_signalfd4; PLANT_KIND=eventfd for
# do_eventfd, which other programs' event loops also use) that stay open past the end.
# Reports, per way: events/s, events lost, CPU of the capturing process, its peak RSS,
# and whether exactly N objects were found outstanding at the planted site.
#
# Root; takes the live-test lock; works in its own trace instance (a) or tracebook's
# (b); puts back every tracing setting it touches (also on Ctrl-C).
#
# usage: bench/capture.sh [-d SECONDS] [-n PLANT] [-r RUNS]   (defaults 10, 1000, 1)
# Prints a markdown table on stdout; details on stderr.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
D=10 N=1000 RUNS=1
while getopts d:n:r: o; do
	case $o in d) D=$OPTARG ;; n) N=$OPTARG ;; r) RUNS=$OPTARG ;; *) exit 2 ;; esac
done
TB=${TB:-$TOP/tracebook}
PLANT_KIND=${PLANT_KIND:-signalfd}
case $PLANT_KIND in signalfd) SITE=do_signalfd4 ;; eventfd) SITE=do_eventfd ;; *) exit 2 ;; esac
WL=$TOP/build/tb-workload
LOCK=/tmp/tracebook-live-tests.lock

[ "$(id -u)" = 0 ] || { echo "bench/capture.sh: needs root" >&2; exit 1; }
T=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i+1) == "tracefs") { print $5; exit } break } }' /proc/self/mountinfo)
[ -n "$T" ] || T=/sys/kernel/tracing
[ -e "$T/trace" ] || { echo "bench/capture.sh: no tracefs" >&2; exit 1; }
[ -x "$TB" ] || { echo "bench/capture.sh: $TB not built (make tracebook)" >&2; exit 1; }
[ -x "$WL" ] || make -s -C "$TOP" workload >&2 || exit 1

WORK=$(mktemp -d /tmp/tb-bench.XXXXXX)
INST=$T/instances/tb-bench-$$
WLPID= CATPID=
cleanup() {
	[ -n "$WLPID" ] && kill "$WLPID" 2>/dev/null && wait "$WLPID" 2>/dev/null
	[ -n "$CATPID" ] && kill "$CATPID" 2>/dev/null && wait "$CATPID" 2>/dev/null
	if [ -d "$INST" ]; then
		echo 0 > "$INST/tracing_on"
		for e in kmalloc kfree kmem_cache_alloc kmem_cache_free; do
			echo 0 > "$INST/events/kmem/$e/enable"
		done
		rmdir "$INST"
	fi
	rm -rf "$WORK"
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
	printf '| cat trace_pipe (default %s KiB/CPU) | %s | %s | %s | %s cores | %s MiB | %s of %s at %s | %s |\n' \
		"$(sed 's/ .*//' "$T/buffer_size_kb")" "$lines" "$rate" "$lost" "$cpu" \
		"$(awk -v k="${rss:-0}" 'BEGIN { printf "%.1f", k / 1024 }')" "$found" "$N" "$SITE" "$falsel"
}

# (b) tracebook run slab-leak
bench_tracebook() {
	local peak u s cpu ev lost rate found bpo out outst dur falsel
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
	printf '| tracebook run slab-leak | %s | %s | %s | %s cores | %s MiB | %s of %s at %s | %s |\n' \
		"$ev" "$rate" "$lost" "$cpu" "$(awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }')" "$found" "$N" "$SITE" "$falsel"
	echo "tracebook: $outst outstanding objects tracked at the end, $bpo bytes of analysis memory per outstanding object (analysis' own count)" >&2
	grep '^capture:' "$WORK/tb.err" | sed 's/^/tracebook /' >&2
}

echo "| capture | events | M events/s | lost | CPU | peak RSS | planted found | churned objects reported outstanding |"
echo "|---|---|---|---|---|---|---|---|"
for _ in $(seq "$RUNS"); do
	bench_cat
	bench_tracebook
done
echo "workload: $(grep '^churned' "$WORK/wl.out" 2>/dev/null)" >&2
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)" >&2
