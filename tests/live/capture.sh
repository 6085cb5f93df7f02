#!/usr/bin/env bash
# tests/live/capture.sh - the raw per-CPU reader (src/capture/raw.c) on this kernel:
# kmem events in a temporary instance, the bench workload producing them at full
# rate, decoded with libtraceevent into real (not hashed) 64-bit kernel pointers, in
# global timestamp order, without loss with a big buffer; and with a tiny buffer the
# loss said by the ring-buffer pages equals the per_cpu stats counters.
# Root and the live lock; creates and removes its own instance; touches nothing else.
. "$(dirname "$0")/../lib.sh"

if ! is_root; then skip "capture live" "needs root"; finish; fi
T=$(live_tracefs)
# live_tracefs reads the fstype from mountinfo field 9, but it follows the "-"
# separator (field 8 when there are no optional fields): fall back to the usual path
[ -z "$T" ] && [ -e /sys/kernel/tracing/trace ] && T=/sys/kernel/tracing
if [ -z "$T" ]; then skip "capture live" "no tracefs on this kernel"; finish; fi
if [ ! -d "$T/instances" ] || [ ! -d "$T/events/kmem/kmalloc" ]; then
	skip "capture live" "no instances/ or no kmem:kmalloc tracepoint"; finish
fi
if ! ls "$TOP"/build/asan/src/capture/raw.o >/dev/null 2>&1; then
	skip "capture live" "build/asan objects missing (run make asan first)"; finish
fi
make -s -C "$TOP" workload >/dev/null 2>&1 || { not_ok "make workload"; finish; }

WORK=$(mktemp -d /tmp/tb-capture-live.XXXXXX)
READER=$WORK/capture-reader
# objects of sources that still exist (a moved file leaves its old .o behind)
objs=$(cd "$TOP/build/asan" && find src build -name '*.o' ! -path 'src/main.o' |
	while read -r o; do [ -f "$TOP/${o%.o}.c" ] && echo "$TOP/build/asan/$o"; done)
if ! cc -std=gnu99 -D_GNU_SOURCE -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-I"$TOP/src" $(pkg-config --cflags libtracefs libtraceevent) -o "$READER" \
	"$TOP/tests/live/capture-reader.c" $objs \
	$(pkg-config --libs libtracefs libtraceevent json-c) -lpthread -lm -ldl 2> "$WORK/cc.err"; then
	not_ok "build the reader test driver"; sed 's/^/    /' "$WORK/cc.err" | head -20
	rm -rf "$WORK"; finish
fi
NCPUS=$(ls -d "$T"/per_cpu/cpu* | wc -l)

run_case() { # name buffer_kb reader_seconds workload_seconds
	local name=$1 kb=$2 rs=$3 ws=$4 I=$T/instances/tb-capture-test-$$ e
	mkdir "$I" || { not_ok "$name: create instance"; return 1; }
	echo "$kb" > "$I/buffer_size_kb"
	for e in kmalloc kfree; do echo 1 > "$I/events/kmem/$e/enable"; done
	"$READER" -d "$rs" -n "$NCPUS" "$I" > "$WORK/$name.out" 2> "$WORK/$name.err" &
	local rp=$!
	sleep 0.3
	"$TOP/build/tb-workload" -d "$ws" > "$WORK/$name.wl" 2>&1
	wait $rp; local rc=$?
	for e in kmalloc kfree; do echo 0 > "$I/events/kmem/$e/enable"; done
	rmdir "$I" || not_ok "$name: remove instance $I"
	[ $rc = 0 ] || { not_ok "$name: reader exited $rc"; sed 's/^/    /' "$WORK/$name.err" | head -30; return 1; }
	return 0
}
val() { sed -n "s/^$2=//p" "$WORK/$1.out"; }

body() {
	local before after
	before=$(tracefs_snapshot "$T")

	# 1. a big buffer: nothing lost, real pointers, global order
	if run_case big 16384 3 2; then
		local ev km kk ks inv lp ls lu
		ev=$(val big events); km=$(val big kmalloc); kk=$(val big kmalloc_ptr_kernel)
		ks=$(val big kmalloc_ptr_small); inv=$(val big inversions)
		lp=$(val big lost_pages); ls=$(val big lost_stats); lu=$(val big lost_pages_unknown)
		echo "# big buffer: $ev events in $(val big seconds) s, reader CPU $(val big cpu_seconds) s, lost pages=$lp stats=$ls"
		[ "${ev:-0}" -gt 100000 ] && ok "raw reader decoded $ev events under the workload" \
			|| not_ok "raw reader decoded too few events: '$ev'"
		[ "${km:-0}" -gt 0 ] && [ "$kk" = "$km" ] && ok "all $km kmalloc ptr values are real kernel addresses (>= 0xffff800000000000)" \
			|| not_ok "kmalloc pointers: $kk of $km in kernel range"
		expect_eq "no kmalloc ptr looks like a 32-bit hash" 0 "$ks"
		expect_eq "events came out in global timestamp order across CPUs" 0 "$inv"
		expect_eq "loss from pages equals loss from per_cpu stats (big buffer)" "$ls" "$lp"
		expect_eq "no page said 'lost, count unknown'" 0 "$lu"
	fi

	# 2. a tiny buffer (16 KiB per CPU): events are lost; the instance is new, so its
	# stats counters (overrun + dropped) hold exactly the run's losses.  A sub-buffer
	# with no room left for the count only says "some were lost": there the pages
	# can only be a lower bound.
	if run_case tiny 16 3 2; then
		local c lp lu sa total=0
		echo "# tiny buffer: $(val tiny events) events, lost by pages $(val tiny lost_pages)"
		for c in $(seq 0 $((NCPUS - 1))); do
			lp=$(val tiny cpu${c}_pages_lost); lu=$(val tiny cpu${c}_pages_unknown)
			sa=$(val tiny cpu${c}_stats_after); total=$((total + sa))
			echo "#   cpu$c: pages said $lp (unknown-count page: $lu), stats overrun+dropped $sa"
			if [ "$lu" = 0 ]; then
				expect_eq "cpu$c: lost events said by the pages equal per_cpu stats" "$sa" "$lp"
			elif [ "$lp" -le "$sa" ] && [ "$lp" -gt 0 ]; then
				ok "cpu$c: pages said $lp lost (+ some uncounted), stats $sa: consistent"
			else
				not_ok "cpu$c: pages said $lp lost, stats say $sa"
			fi
		done
		[ "$total" -gt 0 ] || skip "loss accounting with a tiny buffer" "the kernel lost nothing even with 16 KiB per CPU"
		expect_eq "every page-counted loss reached the sink" "$(val tiny lost_pages)" "$(val tiny lost_marked)"
	fi

	after=$(tracefs_snapshot "$T")
	expect_eq "tracing state unchanged after the test" "$before" "$after"
}

with_live_lock true
exec 9> "$LIVE_LOCK"; flock 9
body
exec 9>&-
rm -rf "$WORK"
finish
