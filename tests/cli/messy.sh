#!/usr/bin/env bash
# tests/cli/messy.sh - issue 14 "honest answers from messy input": numbers that do not
# fit are malformed lines, never wrapped values; damaged kernel-log lines are read by
# their content or counted; ages in 64-bit nanoseconds; the same input twice is refused.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
TMP=$(mktemp -d /tmp/tb-cli-messy.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

if [ ! -x "$TB" ]; then
	not_ok "tracebook binary $TB missing (make asan)"
	finish
fi

# --- A: numbers past their range (the sanitizer build aborts on a wrap) ---------------
cat > "$TMP/big.txt" <<'T'
# tracer: nop
          insmod-5000    [000] .....   931.000001: kmalloc: call_site=leaky_init+0x1d/0x40 ptr=00000000aa11bb22 bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL
          insmod-5000    [99999999999] .....   931.000002: kfree: call_site=leaky_exit+0x1d/0x40 ptr=00000000aa11bb22
           bash-99999999999999999999 [001] .....   931.000003: kfree: call_site=leaky_exit+0x1d/0x40 ptr=00000000aa11bb22
T
out=$("$TB" analyze --dump-events "$TMP/big.txt" 2>&1); rc=$?
expect_eq "CPU/PID past 32 bits: exit 0 (lines counted, not fatal)" 0 "$rc"
expect_match "CPU [99999999999] is a malformed line naming file:line" "big.txt:3: CPU number out of range: '.*\\[99999999999\\]" "$out"
expect_match "PID 99999999999999999999 is a malformed line naming file:line" "big.txt:4: PID out of range: '.*bash-99999999999999999999" "$out"
expect_match "both counted as malformed, one event left" "events=1 malformed=2" "$out"
expect_nomatch "no wrapped CPU number" "1215752191" "$out"
expect_match "counted against the event they could have been" "malformed lines that could have been kmem:kfree: 2" "$out"
out=$("$TB" analyze "$TMP/big.txt" 2>&1)
expect_match "the report says 2 malformed lines" "2 malformed lines skipped \\(first: $TMP/big.txt:3: CPU number out of range" "$out"
expect_match "the report says which events they could have been" "; of them, 2 could have been kmem:kfree events" "$out"
expect_match "the alloc whose free was unreadable stays outstanding" "outstanding 1 object" "$out"

# /dev/kmsg microseconds, "CPU: N PID: N" lines and pointers past 64 bits
cat > "$TMP/bigk.txt" <<'T'
4,10,100000000,-;TRACE kmalloc-64 alloc 0xffff88001e691340 inuse=3 fp=0x          (null)
4,11,100000001,-;CPU: 99999999999 PID: 99999999999999999999 Comm: insmod Not tainted 3.10.0 #1
4,12,100000002,-;TRACE kmalloc-64 free 0xffff88001e691340ffff88001e691340 inuse=2 fp=0x          (null)
4,13,99999999999999999999,-;TRACE kmalloc-64 free 0xffff88001e691340 inuse=2 fp=0x          (null)
T
out=$("$TB" analyze --dump-events "$TMP/bigk.txt" 2>&1); rc=$?
expect_eq "kernel log with numbers past range: exit 0" 0 "$rc"
expect_match "CPU: and PID: past 32 bits: one malformed line" "bigk.txt:2: CPU and PID numbers out of range" "$out"
expect_match "an 'address' of 128 bits is a malformed record" "bigk.txt:3: SLUB TRACE record" "$out"
expect_match "the alloc keeps cpu/pid unknown, not wrapped" '^100000000000 -1 -1 "insmod" slub:alloc' "$out"
expect_match "kmsg usec past 64-bit ns: a malformed line, not a wrapped time" "bigk.txt:4: kernel log timestamp out of range" "$out"

# slabinfo rows whose numbers cannot be true are refused, naming file:line
cat > "$TMP/slab-bad.txt" <<'T'
slabinfo - version: 2.1
# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>
kmalloc-64         18446744073709551615    112   64    64    1 : tunables    0    0    0 : slabdata     2     2      0
kmalloc-128        100    112   99999999999    4    8 : tunables    0    0    0 : slabdata     28     28      0
T
out=$("$TB" slabs "$TMP/slab-bad.txt" "$TMP/slab-bad.txt" 2>&1); rc=$?
expect_eq "slabinfo with impossible numbers: exit 3" 3 "$rc"
expect_match "active_objs=18446744073709551615 (a -1) refused with file:line" "slab-bad.txt:3: slab row counts more allocated objects than the cache holds" "$out"
expect_match "an objsize past 32 bits refused with file:line" "slab-bad.txt:4: slab row with a number out of range" "$out"

# --- B: kernel-log lines damaged by copy and paste -----------------------------------
D=tests/fixtures/samples/klog-pasted-damaged.txt
out=$("$TB" analyze --dump-events $D 2>&1); rc=$?
expect_eq "damaged kernel log: exit 0" 0 "$rc"
expect_match "a timestamp that lost its '[': the free is read, with its time" '^5001000000000 0 33 "kworker/0:1" slub:free .*ptr="0xffff88001e691340"' "$out"
expect_match "a frame wrapped in two is joined: leaky_ + init+0x45/0x100" '^  => leaky_init\+0x45/0x100 \[leaky\]$' "$out"
expect_nomatch "no invented frame 'init+0x45/0x100 [leaky]'" '=> init\+0x45' "$out"
expect_nomatch "no invented frame '_kmalloc+...' (joined to __kmalloc, an allocator frame)" '=> _kmalloc' "$out"
expect_match "a cut frame whose rest never came is malformed, with file:line" "klog-pasted-damaged.txt:21: call-trace line cut short, not a whole 'sym\+0xOFF/0xSIZE' frame \(no frame taken from it\): '\[<ffffffffa0345678>\] kvm_de'" "$out"
expect_nomatch "no frame made of the cut piece" 'kvm_de[^v]' "$(printf '%s\n' "$out" | grep '=>')"
expect_match "a cut record is counted against the events it could have been" "malformed lines that could have been slub:alloc\|free: 1" "$out"
expect_match "records read from damaged lines are counted" "damaged: 3 events or frames read from damaged lines \(first: $D:8: call-trace frame joined" "$out"
out=$("$TB" analyze $D 2>&1); rc=$?
expect_eq "damaged kernel log report: exit 0" 0 "$rc"
expect_match "report: the alloc freed in the damaged line is not outstanding" "2 allocations, 1 free; outstanding 1 object" "$out"
expect_match "report: no free 'allocated before the run'" "frees of objects allocated before the run: 0" "$out"
expect_match "report: malformed lines and what they could have been" "2 malformed lines skipped \(first: $D:21: .*; of them, 1 could have been slub:alloc\|free events" "$out"
expect_match "report: says events were read from damaged lines" "note: 3 events or frames read from damaged lines \(copy and paste\?\): check them" "$out"
# a record pasted onto the end of another line, and one whose time is gone entirely
printf '%s\n' '[ 7000.000000] TRACE kmalloc-64 alloc 0xffff88001e6913c0 inuse=3 fp=0x          (null)' \
	'[ 7000.500000] e1000: eth0 NIC Link is Up[ 7001.000000] TRACE kmalloc-64 free 0xffff88001e6913c0 inuse=2 fp=0x          (null)' \
	'0.000000] TRACE kmalloc-64 alloc 0xffff88001e691400 inuse=3 fp=0x          (null)' > "$TMP/spliced.txt"
out=$("$TB" analyze --dump-events "$TMP/spliced.txt" 2>&1)
expect_match "a record after another message on one line: read, its own time" '^7001000000000 -1 -1 "" slub:free .*0xffff88001e6913c0' "$out"
expect_match "a time cut to '0.000000]' reads earlier than the line before: that line's time, said" '^7001000000000 -1 -1 "" slub:alloc .*0xffff88001e691400' "$out"
expect_match "the guess is said with file:line" "damaged: 2 events or frames read from damaged lines \(first: $TMP/spliced.txt:2: SLUB TRACE record" "$out"
# a wrapped frame in a log without timestamps (dmesg -t): joined when the rest starts at column 0
printf '%s\n' 'TRACE kmalloc-64 alloc 0xffff88001e691440 inuse=3 fp=0x          (null)' 'Call Trace:' \
	' dump_stack+0x19/0x1b' ' leaky_in' 'it+0x45/0x100 [leaky]' ' do_one_initcall+0xba/0x240' > "$TMP/notime.txt"
out=$("$TB" analyze --dump-events "$TMP/notime.txt" 2>&1)
expect_match "no timestamps: wrapped frame joined" '^  => leaky_init\+0x45/0x100 \[leaky\]$' "$out"
expect_nomatch "no timestamps: no invented 'it+0x45' frame" '=> it\+0x45' "$out"

# --- C: ages and durations in 64-bit nanoseconds --------------------------------------
rec() { printf '[%s] TRACE kmalloc-64 alloc 0xffff88001e69%04x inuse=3 fp=0x          (null)\n' "$1" "$2"; }
age_of() { # FILE -> the "oldest ..." of the report's first group
	"$TB" analyze "$1" -o "${1%.txt}.json" 2>&1 | sed -n 's/.*oldest \([^)]*\)).*/\1/p' | head -1
}
{ rec "    1.000000" 1; rec "4320181.000000" 2; } > "$TMP/50days.txt"
expect_eq "a log spanning 50 days: oldest 1200h03m (not 1193h02m)" "1200h03m" "$(age_of "$TMP/50days.txt")"
expect_eq "50 days: JSON oldest_ns exact" "4320180000000000" "$(jq '.pairs[0].outstanding[0].oldest_ns' "$TMP/50days.json")"
expect_eq "50 days: JSON duration_ns" "4320180000000000" "$(jq '.duration_ns' "$TMP/50days.json")"
# a run that outgrows 32 bits of its unit after objects are kept: their times follow
{ rec "    1.000000" 1; printf '[    1.500000] TRACE kmalloc-64 free 0xffff88001e690001 inuse=2 fp=0x          (null)\n'
  rec "    2.000000" 3; rec "4320181.000000" 4; } > "$TMP/rescale.txt"
expect_eq "kept times rescaled when the run outgrows 32 bits: oldest 1200h03m (4320179 s, to the minute)" "1200h03m" "$(age_of "$TMP/rescale.txt")"
expect_eq "rescaled: JSON oldest_ns within 2 ms of 4320179 s" "true" "$(jq '(.pairs[0].outstanding[0].oldest_ns - 4320179000000000) | fabs < 2000000' "$TMP/rescale.json")"
# early boot prints [    0.000000]: a time, not "no time"
{ rec "    0.000000" 1; rec "  100.000000" 2; } > "$TMP/boot0.txt"
expect_eq "an object allocated at [0.000000], 100 s before the end: oldest 1m40s (not 0us)" "1m40s" "$(age_of "$TMP/boot0.txt")"
expect_match "[0.000000] to 100 s: the header's duration" "duration   1m40s" "$("$TB" analyze "$TMP/boot0.txt" 2>&1)"
{ rec " 5001.000000" 1; rec " 5101.000000" 2; } > "$TMP/100s.txt"
expect_eq "a log spanning 1m40s: oldest 1m40s" "1m40s" "$(age_of "$TMP/100s.txt")"
{ rec " 5001.000000" 1; rec " 5001.000200" 2; } > "$TMP/200us.txt"
expect_eq "a 200 us trace: oldest 200us (not 0us)" "200us" "$(age_of "$TMP/200us.txt")"
expect_match "200 us: the header's duration" "duration   200us" "$("$TB" analyze "$TMP/200us.txt" 2>&1)"
expect_eq "200 us: JSON oldest_ns" "200000" "$(jq '.pairs[0].outstanding[0].oldest_ns' "$TMP/200us.json")"
expect_eq "200 us: JSON oldest_s keeps its meaning (seconds, 3 decimals)" "0" "$(jq '.pairs[0].outstanding[0].oldest_s' "$TMP/200us.json")"
# diff still reads reports written before oldest_ns/duration_ns
jq 'del(.duration_ns) | .pairs[].outstanding[] |= del(.oldest_ns)' "$TMP/50days.json" > "$TMP/old.json"
expect_eq "an old report (no *_ns fields) still has none" "null" "$(jq '.duration_ns' "$TMP/old.json")"
new=$("$TB" diff "$TMP/100s.json" "$TMP/50days.json" 2>&1); rc=$?
old=$("$TB" diff "$TMP/100s.json" "$TMP/old.json" 2>&1); rc2=$?; old=${old//old.json/50days.json}
expect_eq "diff of an old report: exit as for the new one" "$rc" "$rc2"
expect_eq "diff of an old report: same text (durations from duration_s)" "$new" "$old"
expect_match "diff names the 50-day duration" "1200h03m" "$new"

# --- D: the same input twice --------------------------------------------------------
K=tests/fixtures/live-6x/kmem-6x.txt
out=$("$TB" analyze - - < $K 2>&1); rc=$?
expect_eq "analyze - -: usage error, exit 2" 2 "$rc"
expect_match "analyze - -: names the argument" "analyze: input 2 '-' repeats input 1: standard input can be read only once" "$out"
out=$("$TB" analyze $K $K 2>&1); rc=$?
expect_eq "same path twice: exit 2" 2 "$rc"
expect_match "same path twice: names both arguments" "input 2 '$K' repeats input 1" "$out"
ln -s "$TOP/$K" "$TMP/alias.txt"
out=$("$TB" analyze $K "$TMP/alias.txt" 2>&1); rc=$?
expect_eq "same file under another name: exit 2" 2 "$rc"
expect_match "same file under another name: same device and inode" "input 2 '$TMP/alias.txt' is the same file as input 1 '$K' \(same device and inode\)" "$out"
out=$("$TB" analyze $K - < $K 2>&1); rc=$?
expect_eq "stdin redirected from a listed file: exit 2" 2 "$rc"
expect_match "stdin redirected from a listed file: named" "input 2 '-' is the same file as input 1" "$out"
# a copy (another inode): two captures overlapping on the same CPUs, merged with a warning
cp $K "$TMP/copy.txt"
"$TB" analyze $K "$TMP/copy.txt" > "$TMP/ov.out" 2> "$TMP/ov.err"; rc=$?
expect_eq "overlapping captures: merged, exit 0" 0 "$rc"
expect_match "overlapping captures: warning on stderr names both files" "warning: $K and $TMP/copy.txt overlap in time on the same CPU \(cpu 0, " "$(cat "$TMP/ov.err")"
expect_match "overlapping captures: a note in the report" "note: $K and $TMP/copy.txt overlap in time on the same CPU" "$(cat "$TMP/ov.out")"
"$TB" analyze $K "$TMP/copy.txt" -o "$TMP/ov.json" > /dev/null 2>&1
expect_match "overlapping captures: the note in the JSON" "overlap in time on the same CPU" "$(jq -r '.. | strings' "$TMP/ov.json" | grep overlap)"
cp tests/fixtures/samples/klog-kmsg.txt "$TMP/kmsg-copy.txt"
out=$("$TB" analyze tests/fixtures/samples/klog-kmsg.txt "$TMP/kmsg-copy.txt" 2>&1 >/dev/null)
expect_match "a copy with one event per CPU (same stretch) is an overlap too" "warning: tests/fixtures/samples/klog-kmsg.txt and $TMP/kmsg-copy.txt overlap in time on the same CPU \\(cpu 0, 123.456789 s to 123.456789 s\\)" "$out"
# per-CPU pieces overlap in time on different CPUs, halves follow each other: no warning
grep -F '[000]' $K > "$TMP/cpu0.txt"; grep -vF '[000]' $K > "$TMP/cpu1.txt"
head -n 400 $K > "$TMP/first.txt"; tail -n +401 $K > "$TMP/second.txt"
out=$("$TB" analyze "$TMP/cpu0.txt" "$TMP/cpu1.txt" 2>&1 >/dev/null; "$TB" analyze "$TMP/first.txt" "$TMP/second.txt" 2>&1 >/dev/null)
expect_nomatch "per-CPU pieces and consecutive halves: no overlap warning" "overlap" "$out"

finish
