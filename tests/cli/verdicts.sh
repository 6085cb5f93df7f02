#!/usr/bin/env bash
# tests/cli/verdicts.sh - issue 14 "honest answers from messy input", items 1 and 4:
# a recipe none of whose events are in the input gives no verdict (exit 10) and says
# what the input has; the confidence line counts what could not be read.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
TMP=$(mktemp -d /tmp/tb-cli-verdicts.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
S=tests/fixtures/samples

if [ ! -x "$TB" ]; then
	not_ok "tracebook binary $TB missing (make asan)"
	finish
fi

# --- item 1: none of the recipe's events in the input: no verdict, exit 10 -----------
out=$("$TB" analyze --recipe netdev-leak $S/ftrace-5.10.txt -o "$TMP/nd.json" 2>&1); rc=$?
expect_eq "netdev-leak on a kmem trace: exit 10 (no verdict)" 10 "$rc"
expect_match "says none of the recipe's events are in the input" \
	"NO VERDICT: none of the recipe's events are in the input" "$out"
expect_match "lists the events the input has, with counts" \
	"the input has: kmem:kfree 2, kmem:kmalloc 2, kmem:kmem_cache_alloc 1, kmem:kmem_cache_free 1" "$out"
expect_nomatch "no 'balanced' verdict from 0 vs 0" "balanced" "$out"
expect_match "the balance says it saw nothing" \
	"== balance of calls \\(netdev\\): alloc_netdev_mqs vs free_netdev" "$out"
expect_match "... no verdict" "saw none of its events: no verdict" "$out"
expect_match "the error names the recipe and the exit code" \
	"error: analyze: none of the events of recipe netdev-leak are in the input: no verdict \\(exit 10\\)" "$out"
json=$(cat "$TMP/nd.json" 2>/dev/null)
expect_match "JSON: no_verdict true" '"no_verdict":true' "$json"
expect_match "JSON: the input's events" '"input_events":\[\{"event":"kmem:kfree","count":2\}' "$json"
expect_match "JSON: the verdict is no verdict" '"verdict":"no verdict: neither call seen","saw_events":false' "$json"
out=$("$TB" diff "$TMP/nd.json" "$TMP/nd.json" 2>&1); rc=$?
expect_eq "diff reads the report back: exit 0" 0 "$rc"
expect_nomatch "diff: 0 vs 0 is not 'balanced'" ": balanced" "$out"

out=$("$TB" analyze --recipe slab-leak $S/klog-3.10-dmesg.txt 2>&1); rc=$?
expect_eq "slab-leak on a SLUB TRACE kernel log: exit 10" 10 "$rc"
expect_match "says none of the recipe's events are in the input (klog)" \
	"NO VERDICT: none of the recipe's events are in the input" "$out"
expect_match "lists the SLUB records it has" "the input has: slub:alloc [0-9]+, slub:free [0-9]+" "$out"
expect_nomatch "no 'nothing outstanding' from a pair that saw nothing" "nothing outstanding" "$out"
expect_match "the pair says it saw nothing" "== pair slab: .*
   saw none of its events: no verdict" "$out"

# the recipe's events are there: the verdict as before, exit 0
out=$("$TB" analyze --recipe netdev-leak $S/function.txt 2>&1); rc=$?
expect_eq "netdev-leak on function tracer text: exit 0" 0 "$rc"
expect_match "the balance verdict stands" "alloc_netdev_mqs 2 vs free_netdev 1: 1 unbalanced" "$out"
expect_nomatch "no 'no verdict' banner when events were seen" "NO VERDICT" "$out"

# some analyses saw events, some did not: the first give verdicts, the others say so
cat > "$TMP/mixed.recipe" <<'R'
[recipe]
name = mixed
summary = a pair the input has and a call balance it has not
symptom = slab grows
duration = 10s
description =
  test recipe: kmem pair plus a function-call balance
[tracepoint kmem:kmalloc]
[tracepoint kmem:kfree]
[function]
functions = alloc_netdev_mqs free_netdev
[pair slab]
alloc = kmem:kmalloc
free = kmem:kfree
key = ptr
size = bytes_alloc
group = site
[count netdev]
functions = alloc_netdev_mqs free_netdev
by = caller
balance = alloc_netdev_mqs:free_netdev
R
out=$("$TB" analyze --recipe "$TMP/mixed.recipe" $S/ftrace-5.10.txt 2>&1); rc=$?
expect_eq "mixed recipe, one analysis saw events: exit 0" 0 "$rc"
expect_match "the pair that saw events gives its result" "2 allocations, 1 free; outstanding 1 object" "$out"
expect_match "the balance that saw nothing says so" \
	"alloc_netdev_mqs vs free_netdev
   saw none of its events: no verdict" "$out"
expect_nomatch "no NO VERDICT banner (one analysis had data)" "NO VERDICT" "$out"
expect_nomatch "and no 'balanced'" "balanced" "$out"

# --- item 4: the confidence line counts what could not be read ----------------------
# two kfree lines malformed (CPU/PID past range): they could have been the frees of
# the one outstanding object
cat > "$TMP/big.txt" <<'T'
# tracer: nop
          insmod-5000    [000] .....   931.000001: kmalloc: call_site=leaky_init+0x1d/0x40 ptr=00000000aa11bb22 bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL
          insmod-5000    [99999999999] .....   931.000002: kfree: call_site=leaky_exit+0x1d/0x40 ptr=00000000aa11bb22
           bash-99999999999999999999 [001] .....   931.000003: kfree: call_site=leaky_exit+0x1d/0x40 ptr=00000000aa11bb22
T
out=$("$TB" analyze "$TMP/big.txt" -o "$TMP/big.json" 2>&1); rc=$?
expect_eq "malformed lines of the pair's events: still exit 0" 0 "$rc"
expect_nomatch "not 'no events lost' when lines of its events were unreadable" \
	"confidence: no events lost" "$out"
expect_match "confidence counts the malformed lines that could have been its events" \
	"confidence: upper bound: 2 malformed lines that could have been its events, so frees may be missing: up to 1 of the 1 outstanding objects are uncertain" "$out"
json=$(cat "$TMP/big.json" 2>/dev/null)
expect_match "JSON pair: unread and uncertain" '"unread":2,"uncertain":1,"confidence":"upper bound: 2 malformed lines' "$json"
out=$("$TB" diff "$TMP/big.json" "$TMP/big.json" 2>&1); rc=$?
expect_eq "diff reads the report with the new fields: exit 0" 0 "$rc"

# SLUB TRACE kernel log: 'could have been slub:alloc|free' lines count against the pair
out=$("$TB" analyze $S/klog-3.10-dmesg.txt 2>&1)
expect_match "kernel log: malformed TRACE records in the slub pair's confidence" \
	"confidence: upper bound: 2 malformed lines that could have been its events, so frees may be missing: up to 1 of the 1 outstanding objects are uncertain" "$out"

# a malformed line of another event does not touch the pair's confidence
cat > "$TMP/other.txt" <<'T'
# tracer: nop
          insmod-5000    [000] .....   931.000001: kmalloc: call_site=leaky_init+0x1d/0x40 ptr=ffff88800aa11b00 bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL
          insmod-5000    [99999999999] .....   931.000002: sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120
T
out=$("$TB" analyze --recipe slab-leak "$TMP/other.txt" 2>&1)
expect_match "another event's malformed line: the pair keeps 'no events lost'" \
	"confidence: no events lost" "$out"

# events without a usable key field (a kfree with no ptr=)
cat > "$TMP/nokey.txt" <<'T'
# tracer: nop
          insmod-5000    [000] .....   931.000001: kmalloc: call_site=leaky_init+0x1d/0x40 ptr=ffff88800aa11b00 bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL
          insmod-5000    [000] .....   931.000002: kmalloc: call_site=leaky_init+0x1d/0x40 ptr=ffff88800aa11c00 bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL
          insmod-5000    [000] .....   931.000003: kmalloc: call_site=leaky_init+0x1d/0x40 ptr=ffff88800aa11d00 bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL
          insmod-5000    [000] .....   931.000004: kfree: call_site=leaky_exit+0x1d/0x40 ptr=ffff88800aa11b00
          insmod-5000    [000] .....   931.000005: kfree: call_site=leaky_exit+0x1d/0x40 pointer=ffff88800aa11c00
T
out=$("$TB" analyze "$TMP/nokey.txt" -o "$TMP/nokey.json" 2>&1); rc=$?
expect_eq "keyless events: exit 0" 0 "$rc"
expect_match "keyless event counted" "1 events had no usable key field" "$out"
expect_match "confidence counts keyless events and bounds the uncertain objects" \
	"confidence: upper bound: 1 events without a usable key, so frees may be missing: up to 1 of the 2 outstanding objects are uncertain" "$out"
expect_match "JSON pair: no_key, uncertain" '"no_key":1,"unread":0,"uncertain":1,' "$(cat "$TMP/nokey.json")"

finish
