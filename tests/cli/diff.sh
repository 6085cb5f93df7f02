#!/usr/bin/env bash
# tests/cli/diff.sh - `tracebook diff BEFORE.json AFTER.json` on two reports written
# here (the shape tracebook run/analyze -o writes), plus its errors (exit 3, file named).
. "$(dirname "$0")/../lib.sh"

[ -x "$TB" ] || { skip "diff" "no binary at $TB (make asan)"; finish; }
d=$(mktemp -d /tmp/tb-cli-diff.XXXXXX)
trap 'rm -rf "$d"' EXIT

report() { # file alloc_calls free_calls outstanding_count lost
	cat > "$1" <<JSON
{"tool":"tracebook","version":"0.1.0","kernel":{"release":"3.10.0-1160.el7.x86_64","arch":"x86_64"},
 "recipe":"netdev-leak","source":"files: trace.txt","plan":[],"notes":[],"duration_s":30.0,
 "events":1000,"lost_events":$5,"lost_unknown":false,"lost_per_cpu":[0,$5],
 "pairs":[{"label":"kmem","alloc":"kmem:kmalloc","free":"kmem:kfree","allocs":10,"frees":6,
   "unmatched_frees":1,"outstanding_count":$4,"outstanding_bytes":$(($4 * 4096)),"groups":1,
   "outstanding":[{"site":"foo_create+0x12/0x30","by":null,"stack":["__kmalloc+0x10/0x200","foo_create+0x12/0x30"],
     "count":$4,"bytes":$(($4 * 4096)),"oldest_s":12.5}]}],
 "counts":[{"label":"netdev","function":"alloc_netdev_mqs","caller":null,"calls":$2},
           {"label":"netdev","function":"free_netdev","caller":null,"calls":$3}],
 "verdicts":[{"label":"netdev","a":"alloc_netdev_mqs","b":"free_netdev","a_calls":$2,"b_calls":$3,"callers":[]}],
 "balances":[],"slabs":null}
JSON
}

report "$d/before.json" 4 2 4 0
report "$d/after.json" 4 4 0 3

out=$("$TB" diff "$d/before.json" "$d/after.json" 2>&1); rc=$?
expect_eq "diff exits 0 on two reports" 0 "$rc"
expect_match "verdict before/after on one line" \
	'alloc_netdev_mqs 4 vs free_netdev 2 \(2 unbalanced\) → after the fix 4 vs 4: balanced' "$out"
expect_match "outstanding per group before -> after" '4 -> 0 +16\.0 KiB -> 0 B +foo_create\+0x12/0x30 +gone' "$out"
expect_match "calls before -> after" '2 -> 4 +free_netdev' "$out"
expect_match "lost events of the AFTER run are loud" '!! AFTER: 3 events lost: 3 frees may be missing; outstanding counts are upper bounds' "$out"
expect_nomatch "no loss warning for the BEFORE run" '!! BEFORE' "$out"

printf '{"tool":"tracebook","pairs":[' > "$d/truncated.json"
out=$("$TB" diff "$d/before.json" "$d/truncated.json" 2>&1); rc=$?
expect_eq "truncated JSON: exit 3" 3 "$rc"
expect_match "truncated JSON: error names the file" "truncated.json:1: not valid JSON" "$out"

echo '{"name":"not a report"}' > "$d/other.json"
out=$("$TB" diff "$d/other.json" "$d/after.json" 2>&1); rc=$?
expect_eq "foreign JSON: exit 3" 3 "$rc"
expect_match "foreign JSON: says it is not a tracebook report" "other.json: tool: expected \"tracebook\"" "$out"

out=$("$TB" diff "$d/before.json" "$d/nope.json" 2>&1); rc=$?
expect_eq "missing file: exit 3" 3 "$rc"
expect_match "missing file: named" "cannot read $d/nope.json" "$out"

out=$("$TB" diff "$d/before.json" 2>&1); rc=$?
expect_eq "one argument: usage error (exit 2)" 2 "$rc"

cp "$d/before.json" "$d/before.copy"
"$TB" diff "$d/before.json" "$d/after.json" >/dev/null 2>&1
if cmp -s "$d/before.json" "$d/before.copy"; then ok "diff leaves its inputs untouched"; else not_ok "diff changed an input"; fi
finish
