#!/bin/bash
# tests/cli/partial-report.sh - a long hunt's report is rewritten at every trend interval
# during the run, marked partial ("complete": false, "through_s"): a run killed hard
# (SIGKILL) leaves the last interval's report, `tracebook restore` undoes its settings,
# and `report`/`diff` say "partial report, through N".  A run that ends writes
# "complete": true.  Schema 3 is read; schema 2 (no "complete") is a complete report;
# a "complete" that is not a boolean is refused with its key.  Fake kernel tree, no root.
. "$(dirname "$0")/../lib.sh"

[ -x "$TB" ] || { skip "partial report" "no $TB (make asan)"; finish; }
W=$(mktemp -d /tmp/tb-partial.XXXXXX)
bgpid=
trap '[ -n "$bgpid" ] && kill -9 $bgpid 2>/dev/null; rm -rf "$W"' EXIT
export TRACEBOOK_RUNDIR=$W/run
unset TRACEBOOK_REPORTDIR
bash "$TOP/tests/fake/mktree.sh" 6.x "$W/6.x" >/dev/null || { not_ok "mktree 6.x"; finish; }
export TRACEBOOK_ROOT=$W/6.x
state() { (cd "$W/6.x" && find sys -type f -exec md5sum {} + | sort); }

# a run that ends: complete, through = its duration
timeout 120 "$TB" run slab-leak -d 2s --interval 500ms -o "$W/full.json" >/dev/null 2>&1
expect_eq "ended run: schema 3, complete" "3 true" "$(jq -r '"\(.schema_version) \(.complete)"' "$W/full.json")"
expect_eq "ended run: through_ns = duration_ns" "$(jq .duration_ns "$W/full.json")" "$(jq .through_ns "$W/full.json")"
expect_nomatch "ended run: report says nothing of partial" "partial report" "$("$TB" report "$W/full.json" 2>&1)"
# (the fake tree's files are as a restore leaves them from here on)
before=$(state)

# SIGKILL in the middle of a 60 s run with 1 s intervals: the last interval's report is there
"$TB" run slab-leak -d 60s --interval 1s -o "$W/r.json" > "$W/bg.out" 2> "$W/bg.err" &
bgpid=$!
for i in $(seq 1 150); do
	[ "$(jq -r .through_s "$W/r.json" 2>/dev/null | cut -d. -f1)" -ge 2 ] 2>/dev/null && break
	sleep 0.1
done
kill -9 $bgpid; wait $bgpid 2>/dev/null; bgpid=
expect_eq "killed run: report left, complete false" "false" "$(jq -r .complete "$W/r.json" 2>/dev/null)"
t=$(jq -r .through_s "$W/r.json" 2>/dev/null)
check "killed run: through_s >= 2 and < 60 ($t)" awk -v t="$t" 'BEGIN { exit !(t >= 2 && t < 60) }'
expect_eq "killed run: duration_ns = through_ns" "$(jq .through_ns "$W/r.json")" "$(jq .duration_ns "$W/r.json")"
expect_eq "killed run: no temporary file left beside it" "r.json" "$(ls "$W" | grep '^r\.json')"
out=$("$TB" report "$W/r.json" 2>&1); rc=$?
expect_eq "report of a partial report: exit 0" 0 "$rc"
expect_match "report says partial, through N" "partial report, through [0-9.]+s" "$out"
out=$("$TB" diff "$W/r.json" "$W/full.json" 2>&1); rc=$?
expect_eq "diff partial vs complete: exit 0" 0 "$rc"
expect_match "diff says which side is partial" "!! BEFORE: partial report, through" "$out"
expect_nomatch "diff: the complete side is not called partial" "AFTER: partial" "$out"
"$TB" report --html "$W/r.html" "$W/r.json" >/dev/null 2>&1
check "HTML of a partial report says so" grep -q "partial report, through" "$W/r.html"
out=$("$TB" restore 2>&1); rc=$?
expect_eq "restore after SIGKILL: exit 0" 0 "$rc"
expect_eq "after restore: tracing files as before" "$before" "$(state)"

# schema 2 (no "complete"): a complete report; "complete" of the wrong type: refused
jq 'del(.complete, .through_s, .through_ns) | .schema_version = 2' "$W/r.json" > "$W/s2.json"
out=$("$TB" report "$W/s2.json" 2>&1); rc=$?
expect_eq "schema 2 report: exit 0" 0 "$rc"
expect_nomatch "schema 2 report: not partial" "partial report" "$out"
jq '.complete = "no"' "$W/r.json" > "$W/bad.json"
out=$("$TB" report "$W/bad.json" 2>&1); rc=$?
expect_eq "complete not a boolean: exit 3" 3 "$rc"
expect_match "complete not a boolean: names the key" "complete.*true or false" "$out"
finish
