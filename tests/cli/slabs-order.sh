#!/usr/bin/env bash
# tests/cli/slabs-order.sh - issue 14 item 8: `slabs A B` reads files that carry their
# times in time order (with a note), says --between is unused then, and warns when the
# snapshots come from different kernels.  (Absurd counts: tests/cli/messy.sh.)
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
[ -x "$TB" ] || { not_ok "tracebook binary $TB missing (make asan)"; finish; }
F=tests/fixtures/slabinfo

fwd=$("$TB" slabs $F/live-6.18-before.txt $F/live-6.18-after.txt 2>/dev/null)
out=$("$TB" slabs $F/live-6.18-after.txt $F/live-6.18-before.txt 2>&1); rc=$?
expect_eq "B older than A: exit 0" 0 "$rc"
expect_match "B older than A: the note names both files" "tracebook: $F/live-6.18-before.txt was taken before $F/live-6.18-after.txt \(by the times in them\): read in time order, the older first" "$out"
expect_eq "B older than A: the same growth as A B in time order (no negative growth)" "$fwd" "$("$TB" slabs $F/live-6.18-after.txt $F/live-6.18-before.txt 2>/dev/null)"
expect_match "time order: growth is positive" "102.9 MiB -> 161.9 MiB  \+59.0 MiB" "$out"
out=$("$TB" slabs $F/kmem-s-c7-b.txt $F/kmem-s-c7-a.txt 2>&1)
expect_match "crash kmem -s DATE lines order them too" "kmem-s-c7-a.txt was taken before .*kmem-s-c7-b.txt" "$out"

out=$("$TB" slabs --between 1h $F/live-6.18-before.txt $F/live-6.18-after.txt 2>&1)
expect_match "--between with timed files: said, not silently ignored" "warning: --between 1h00m is not used: the files carry the times they were taken \(2.0s apart\)" "$out"

out=$("$TB" slabs $F/kmem-s-c7-a.txt $F/live-6.18-after.txt 2>&1)
expect_match "CentOS 7 kmem -s against a 6.18 slabinfo: different kernels warned" "warning: $F/kmem-s-c7-a.txt and $F/live-6.18-after.txt come from different kernels: one names the 8 KiB kmalloc cache kmalloc-8192 \(before 5.x\), the other kmalloc-8k; their difference is not a growth" "$out"
out=$("$TB" slabs $F/kmem-s-c7-a.txt $F/kmem-s-c7-b.txt 2>&1)
expect_nomatch "two files of one box: no warning" "warning" "$out"
finish
