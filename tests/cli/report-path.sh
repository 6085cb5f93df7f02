#!/bin/bash
# tests/cli/report-path.sh - a run always leaves its report on disk: without -o the JSON
# goes to /var/tmp/tracebook/RECIPE-TIME.json (under the fake root here), said on
# stderr at the start and the end; SIGHUP (a dropped SSH session) stops the run,
# restores, and the report is still written.  Fake kernel trees, no root needed.
. "$(dirname "$0")/../lib.sh"

[ -x "$TB" ] || { skip "report path" "no $TB (make asan)"; finish; }
W=$(mktemp -d /tmp/tb-rpath.XXXXXX)
bgpid=
trap '[ -n "$bgpid" ] && kill -9 $bgpid 2>/dev/null; rm -rf "$W"' EXIT
export TRACEBOOK_RUNDIR=$W/run
unset TRACEBOOK_REPORTDIR
bash "$TOP/tests/fake/mktree.sh" 6.x "$W/6.x" >/dev/null || { not_ok "mktree 6.x"; finish; }
D=$W/6.x/var/tmp/tracebook

# no -o: the report lands in /var/tmp/tracebook (made if missing), named RECIPE-TIME.json
out=$(TRACEBOOK_ROOT=$W/6.x timeout 120 "$TB" run slab-leak -d 1s 2>&1 >/dev/null); rc=$?
expect_eq "run without -o: exit 0" 0 "$rc"
f=$(ls "$D" 2>/dev/null)
expect_match "one report named RECIPE-TIME.json" '^slab-leak-[0-9]{8}T[0-9]{6}Z\.json$' "$f"
check "the report is the run's JSON" grep -q '"recipe": *"slab-leak"' "$D/$f"
expect_match "said at the start" "JSON report will be written to $D/$f" "$out"
expect_match "said at the end" "report written to $D/$f" "$out"
expect_eq "the directory is private" 700 "$(stat -c %a "$D")"
# a second run in the same second does not replace the first
TRACEBOOK_ROOT=$W/6.x timeout 120 "$TB" run slab-leak -d 1s >/dev/null 2>&1
TRACEBOOK_ROOT=$W/6.x timeout 120 "$TB" run slab-leak -d 1s >/dev/null 2>&1
expect_eq "three runs, three reports" 3 "$(ls "$D" | wc -l)"

# -o FILE: only there
rm -rf "$D"
TRACEBOOK_ROOT=$W/6.x timeout 120 "$TB" run slab-leak -d 1s -o "$W/r.json" >/dev/null 2>&1
check "-o FILE written" test -s "$W/r.json"
check "-o FILE: nothing in the default directory" test ! -e "$D"
# TRACEBOOK_REPORTDIR overrides the directory
TRACEBOOK_REPORTDIR=$W/elsewhere TRACEBOOK_ROOT=$W/6.x timeout 120 "$TB" run slab-leak -d 1s >/dev/null 2>&1
expect_match "TRACEBOOK_REPORTDIR: report there" '^slab-leak-.*\.json$' "$(ls "$W/elsewhere" 2>/dev/null)"
# a directory that cannot be made: refused before tracing starts, nothing touched
touch "$W/file"
out=$(TRACEBOOK_REPORTDIR=$W/file/sub TRACEBOOK_ROOT=$W/6.x "$TB" run slab-leak -d 1s 2>&1); rc=$?
expect_eq "unwritable report directory: exit 1" 1 "$rc"
expect_match "unwritable report directory: says so and -o" "cannot make the report directory .*give -o" "$out"
expect_eq "unwritable report directory: no journal" "" "$(ls "$W/run" 2>/dev/null | grep journal)"

# SIGHUP: stops the run, restores, writes the report with the reason
state() { (cd "$W/6.x" && find sys -type f -exec md5sum {} + | sort); }
before=$(state)
rm -rf "$D"
TRACEBOOK_ROOT=$W/6.x "$TB" run slab-leak -d 60s > "$W/bg.out" 2> "$W/bg.err" &
bgpid=$!
for i in $(seq 1 100); do
	grep -q "tracing .* for" "$W/bg.err" 2>/dev/null && break
	sleep 0.1
done
if grep -q "tracing .* for" "$W/bg.err"; then
	kill -HUP $bgpid; wait $bgpid; rc=$?; bgpid=
	expect_eq "SIGHUP: exit 0" 0 "$rc"
	expect_match "SIGHUP: restored" "tracing state restored" "$(cat "$W/bg.err")"
	f=$(ls "$D" 2>/dev/null)
	check "SIGHUP: report on disk" test -s "$D/$f"
	check "SIGHUP: the report says why it stopped" grep -q "stopped early by SIGHUP" "$D/$f"
	expect_eq "SIGHUP: tracing files as before" "$before" "$(state)"
	expect_eq "SIGHUP: no journal left" "" "$(ls "$W/run" 2>/dev/null | grep journal)"
else
	not_ok "SIGHUP: run did not start tracing"; sed 's/^/    | /' "$W/bg.err" | tail
	kill -9 $bgpid; bgpid=
fi
finish
