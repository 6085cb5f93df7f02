#!/usr/bin/env bash
# tests/cli/diff-comparable.sh - issue 14 item 9: `diff` of reports that cannot be
# compared as they stand says why: raw addresses against names, runs of very different
# lengths (then the outstanding objects and allocations per second are printed).
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
TMP=$(mktemp -d /tmp/tb-cli-diffc.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
[ -x "$TB" ] || { not_ok "tracebook binary $TB missing (make asan)"; finish; }
S=tests/fixtures/samples

"$TB" analyze $S/ftrace-3.10.txt -o "$TMP/raw.json" >/dev/null 2>&1
"$TB" analyze --kallsyms $S/kallsyms-3.10.txt $S/ftrace-3.10.txt -o "$TMP/sym.json" >/dev/null 2>&1
out=$("$TB" diff "$TMP/raw.json" "$TMP/sym.json" 2>&1); rc=$?
expect_eq "unsymbolized vs symbolized: exit 0 (the diff is still printed)" 0 "$rc"
expect_match "unsymbolized vs symbolized: said, with what to do" "!! not comparable site by site: the BEFORE report's call sites are raw addresses \(2 of 2: not symbolized, no kallsyms\), the AFTER report's are names; .* Analyze the BEFORE capture again with --kallsyms" "$out"
out=$("$TB" diff "$TMP/sym.json" "$TMP/sym.json" 2>&1)
expect_nomatch "two symbolized reports: no such note" "not comparable|differ in length" "$out"

rec() { printf '[%s] TRACE kmalloc-64 alloc 0xffff88001e69%04x inuse=3 fp=0x          (null)\n' "$1" "$2"; }
{ for i in 1 2 3 4 5 6; do rec "  10$i.000000" "$i"; done; rec "  103.100000" 9; } > "$TMP/long.txt"	# 101 s to 106 s
{ rec "  200.000000" 1; rec "  200.400000" 2; } > "$TMP/short.txt"
"$TB" analyze "$TMP/long.txt" -o "$TMP/long.json" >/dev/null 2>&1
"$TB" analyze "$TMP/short.txt" -o "$TMP/short.json" >/dev/null 2>&1
out=$("$TB" diff "$TMP/long.json" "$TMP/short.json" 2>&1)
expect_match "runs of 5s and 400ms: said" "!! the runs differ in length \(5.0s vs 400ms, 12.5x\): outstanding objects grow with the run" "$out"
expect_match "runs of different length: per second" "pair slub: outstanding 1.4 -> 5.0 objects/s, allocations 1.4 -> 5.0 /s" "$out"
finish
