#!/usr/bin/env bash
# tests/cli/kallsyms.sh - issue 14 item 6: a kallsyms from another kernel is said, not
# used to print nonsense; data symbols never name code; --kallsyms DIR or a garbage file
# is an error naming it (exit 3).
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
TMP=$(mktemp -d /tmp/tb-cli-kallsyms.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
[ -x "$TB" ] || { not_ok "tracebook binary $TB missing (make asan)"; finish; }
S=tests/fixtures/samples

# the right kallsyms still names everything
out=$("$TB" analyze --kallsyms $S/kallsyms-3.10.txt $S/ftrace-3.10.txt 2>&1); rc=$?
expect_eq "the box's kallsyms: exit 0" 0 "$rc"
expect_match "the box's kallsyms: raw call sites named" 'from leaky_init\+0x45/0x100 \[leaky\]' "$out"
expect_nomatch "the box's kallsyms: no mismatch note" "does not match" "$out"

# another kernel's layout: 0xffffffff81234567 is past its _etext (srso_alias_return_thunk
# follows _etext there), 0xffffffff811c3f1b lands in a data table after a function
cat > "$TMP/other.txt" <<'K'
ffffffff81000000 T _stext
ffffffff811c3e10 T something_else
ffffffff811c3f00 D some_table
ffffffff811c4000 T kmem_cache_free
ffffffff81200000 T _etext
ffffffff81200040 T srso_alias_return_thunk
ffffffff81600000 D init_task
ffffffffa0012300 t leaky_init	[leaky]
K
out=$("$TB" analyze --kallsyms "$TMP/other.txt" $S/ftrace-3.10.txt 2>&1); rc=$?
expect_eq "another kernel's kallsyms: exit 0 (the report still stands, unnamed)" 0 "$rc"
expect_match "another kernel's kallsyms: said, with counts and the first address" "note: raw addresses not symbolized: $TMP/other.txt does not match the kernel the data came from \(another kernel or build\?\): 2 of [0-9]+ addresses fall outside its kernel text \(_stext.._etext\): 1; past the end of the function below them: 1 \(first: 0xffffffff811c3f1b\)" "$out"
expect_nomatch "no srso_alias_return_thunk+0x... nonsense" "srso_alias_return_thunk" "$out"
expect_nomatch "no data symbol names a call site" "some_table|init_task|something_else\+" "$out"
expect_match "the address is left as it is" "from 0xffffffff81234567" "$out"

# data symbols (d b r D) never symbolize a code address
printf '%s\n' 'ffffffff811c3e00 T kmem_cache_alloc' 'ffffffff811c3f00 d kmem_cache_stats' 'ffffffff811c4000 T kmem_cache_free' \
	'ffffffff81234500 b some_bss' 'ffffffff8150aa00 T sk_free' 'ffffffffa0012300 t leaky_init	[leaky]' \
	'ffffffffa0012400 t leaky_exit	[leaky]' > "$TMP/data.txt"
out=$("$TB" analyze --kallsyms "$TMP/data.txt" $S/ftrace-3.10.txt 2>&1)
expect_nomatch "d/b symbols do not name call sites" "kmem_cache_stats|some_bss" "$out"
expect_match "text symbols still do" "leaky_init\+0x45/0x100 \[leaky\]" "$out"

# --kallsyms DIR, garbage, kptr_restrict zeros
out=$("$TB" analyze --kallsyms "$TMP" $S/ftrace-3.10.txt 2>&1); rc=$?
expect_eq "--kallsyms DIR: exit 3" 3 "$rc"
expect_match "--kallsyms DIR: named" "error: --kallsyms $TMP: is a directory; expected a copy of the box's /proc/kallsyms" "$out"
out=$("$TB" analyze --kallsyms $S/random-text.txt $S/ftrace-3.10.txt 2>&1); rc=$?
expect_eq "--kallsyms garbage: exit 3" 3 "$rc"
expect_match "--kallsyms garbage: named, with what was expected" "error: --kallsyms $S/random-text.txt: not a kallsyms file: [0-9]+ of [0-9]+ lines are not 'ADDRESS TYPE NAME \[module\]'" "$out"
printf '0000000000000000 T _stext\n0000000000000000 T kfree\n' > "$TMP/zero.txt"
out=$("$TB" analyze --kallsyms "$TMP/zero.txt" $S/ftrace-3.10.txt 2>&1); rc=$?
expect_eq "--kallsyms with only zero addresses: exit 3" 3 "$rc"
expect_match "--kallsyms zeros: kptr_restrict said" "every address is 0 \(copied without root: kptr_restrict\)" "$out"
out=$("$TB" analyze --kallsyms "$TMP/nonexistent" $S/ftrace-3.10.txt 2>&1); rc=$?
expect_eq "--kallsyms missing file: exit 3" 3 "$rc"
finish
