#!/usr/bin/env bash
# tests/live/planted-leak.sh - the end-to-end promise on this kernel: plant exactly N
# long-lived kernel objects from one known call site (N signalfds kept open: N
# kmalloc-8 objects at do_signalfd4; signalfd rather than eventfd because event loops
# on a busy box create eventfds of their own) while churning pipes and sockets flat
# out, run `tracebook run slab-leak -d 3s -o r.json`, and check that the report names
# exactly N outstanding objects at do_signalfd4, that the churned sites are not
# reported as leaks, that nothing was lost, and that the tracing state is as before.
. "$(dirname "$0")/../lib.sh"

N=37
if ! is_root; then skip "planted leak" "needs root"; finish; fi
T=$(live_tracefs)
[ -z "$T" ] && [ -e /sys/kernel/tracing/trace ] && T=/sys/kernel/tracing
if [ -z "$T" ]; then skip "planted leak" "no tracefs on this kernel"; finish; fi
if [ ! -d "$T/events/kmem/kmalloc" ]; then skip "planted leak" "no kmem:kmalloc tracepoint"; finish; fi
if [ ! -x "$TB" ]; then skip "planted leak" "$TB not built (make asan)"; finish; fi
if ! command -v python3 >/dev/null; then skip "planted leak" "python3 needed to read the JSON report"; finish; fi
make -s -C "$TOP" workload >/dev/null 2>&1 || { not_ok "make workload"; finish; }
case $(uname -r) in
[0-3].*|4.[0-9].*|4.1[0-6].*) skip "planted leak" "signalfd's kmalloc is not in do_signalfd4 before 4.17"; finish ;;
esac

WORK=$(mktemp -d /tmp/tb-planted.XXXXXX)

body() {
	local before after rc wl_pid tb_pid out
	before=$(tracefs_snapshot "$T")
	"$TB" run slab-leak -d 3s --top 200 -o "$WORK/r.json" > "$WORK/run.out" 2> "$WORK/run.err" &
	tb_pid=$!
	# plant once tracebook's events are enabled (its instance's set_event says kmem)
	for _ in $(seq 200); do
		grep -qs kmem "$T"/instances/tracebook-*/set_event && break
		kill -0 $tb_pid 2>/dev/null || break
		sleep 0.05
	done
	"$TOP/build/tb-workload" -p "$N" -P signalfd -d 1.5 -H -1 > "$WORK/wl.out" 2>&1 &
	wl_pid=$!
	wait $tb_pid; rc=$?
	kill -TERM $wl_pid 2>/dev/null; wait $wl_pid 2>/dev/null
	after=$(tracefs_snapshot "$T")

	expect_eq "tracebook run slab-leak exits 0" 0 "$rc"
	[ $rc = 0 ] || sed 's/^/    | /' "$WORK/run.err" | head -20
	expect_match "workload planted $N at do_signalfd4" "^planted $N site=do_signalfd4" "$(cat "$WORK/wl.out")"
	if [ ! -s "$WORK/r.json" ]; then not_ok "report written with -o"; return; fi
	ok "report written with -o"
	local ops
	ops=$(sed -n 's/^churned ops=\([0-9]*\).*/\1/p' "$WORK/wl.out")
	out=$(python3 - "$WORK/r.json" "$N" "${ops:-0}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); n = int(sys.argv[2]); ops = int(sys.argv[3])
slab = [p for p in r["pairs"] if p["label"] == "slab"][0]
efd = [o for o in slab["outstanding"] if o["site"].startswith("do_signalfd4+")]
print("efd_count=%d" % sum(o["count"] for o in efd))
print("efd_groups=%d" % len(efd))
print("efd_bytes=%d" % sum(o["bytes"] for o in efd))
churn = ("alloc_pipe_info", "sk_prot_alloc", "sock_alloc_inode", "unix_create1")
print("churn_outstanding=%d" % sum(o["count"] for o in slab["outstanding"] if o["site"].startswith(churn)))
print("churn_allocs=%d" % sum(o["allocs"] for o in slab["outstanding"] if o["site"].startswith(churn)))
print("lost=%d" % r["lost_events"])
print("events=%d" % r["events"])
print("ops=%d" % ops)
PY
)
	echo "$out" | sed 's/^/# /'
	local v
	v() { echo "$out" | sed -n "s/^$1=//p"; }
	expect_eq "exactly $N objects outstanding at do_signalfd4" "$N" "$(v efd_count)"
	expect_eq "they are one group (one call site)" 1 "$(v efd_groups)"
	expect_eq "$N x 8 bytes outstanding at do_signalfd4 (kmalloc-8)" "$((N * 8))" "$(v efd_bytes)"
	expect_eq "no events lost" 0 "$(v lost)"
	# the churn created and closed ~ops pipes/sockets; at most a handful (in flight on
	# other processes of this busy box, which use the same sites) may be outstanding
	if [ "$(v ops)" -gt 1000 ] && [ "$(v churn_outstanding)" -le $(( $(v ops) / 100 )) ]; then
		ok "churned sites not reported as leaks ($(v churn_outstanding) outstanding after $(v ops) create+close)"
	else
		not_ok "churned sites: $(v churn_outstanding) outstanding after $(v ops) create+close"
	fi
	expect_match "text report names do_signalfd4" "$N allocations from do_signalfd4" "$(cat "$WORK/run.out")"
	expect_eq "tracing state restored" "$before" "$after"
}

exec 9> "$LIVE_LOCK"; flock 9
body
exec 9>&-
rm -rf "$WORK"
finish
