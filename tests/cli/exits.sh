#!/usr/bin/env bash
# tests/cli/exits.sh - issue 14 item 10: inputs tracebook does not read are refused with
# a message and exit 3 (random bytes, function_graph output), `slabs --cache` of a name
# no snapshot has is an error with near names, messages name the real file under
# --format slabinfo, and `probe --help` lists the exit codes probe returns.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
TMP=$(mktemp -d /tmp/tb-cli-exits.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
[ -x "$TB" ] || { not_ok "tracebook binary $TB missing (make asan)"; finish; }
S=tests/fixtures/samples

for f in $S/random-bytes.bin $S/random-text.txt; do
	out=$("$TB" analyze "$f" 2>&1); rc=$?
	expect_eq "$(basename "$f"): not taken for a kernel log, exit 3" 3 "$rc"
	expect_match "$(basename "$f"): says it is not a format tracebook reads" "error: $f: not a format tracebook reads" "$out"
done

out=$("$TB" analyze tests/fixtures/perf-tools/funcgraph_example.txt 2>&1); rc=$?
expect_eq "function_graph transcript: exit 3" 3 "$rc"
expect_match "function_graph: the format is named as not read" "funcgraph_example.txt: function_graph tracer output .*tracebook does not read this format" "$out"
printf '%s\n' ' 0)   0.462 us    |  mutex_unlock();' ' 0)               |  kfree() {' ' 0)   0.120 us    |    __slab_free();' ' 0)   1.203 us    |  }' > "$TMP/graph.txt"
out=$("$TB" analyze "$TMP/graph.txt" 2>&1); rc=$?
expect_eq "function_graph lines without the header: exit 3" 3 "$rc"
expect_match "function_graph without header: named" "graph.txt: function_graph tracer output" "$out"

# slabs --cache NAME that the files do not have: without a sysfs view it may be a merged
# name (a warning with near names); with one (live, or --sysfs) an error, exit 3
F=tests/fixtures/slabinfo
out=$("$TB" slabs --cache dentri $F/kmem-s-c7-a.txt $F/kmem-s-c7-b.txt 2>&1); rc=$?
expect_eq "slabs --cache dentri, no sysfs view: exit 0 (could be a merged name)" 0 "$rc"
expect_match "slabs --cache dentri: near name, and why it cannot be sure" "warning: slabs: --cache 'dentri': no slab cache of that name in these files; near: dentry; or a name merged into another cache \(pass --sysfs to tell\)" "$out"
out=$("$TB" slabs --cache kmalloc-8k $F/kmem-s-c7-a.txt $F/kmem-s-c7-b.txt 2>&1)
expect_match "slabs --cache kmalloc-8k on CentOS 7 files: its name there" "'kmalloc-8k': no slab cache of that name in these files; that size is named kmalloc-8192;" "$out"
out=$("$TB" slabs "$F/live-6.18-before.txt" "$F/live-6.18-after.txt" --sysfs "$F/sys-kernel-slab-6.18.ls" --cache nosuchcache 2>&1); rc=$?
expect_eq "slabs --cache nosuchcache with a sysfs view: exit 3" 3 "$rc"
expect_match "slabs --cache nosuchcache: says so" "error: slabs: --cache 'nosuchcache': no slab cache of that name in these files" "$out"
out=$("$TB" slabs "$F/live-6.18-before.txt" "$F/live-6.18-after.txt" --sysfs "$F/sys-kernel-slab-6.18.ls" --cache kmalloc-8192 2>&1); rc=$?
expect_eq "slabs --cache kmalloc-8192 on 6.18 files: exit 3" 3 "$rc"
expect_match "slabs --cache kmalloc-8192 on 6.18: the name there" "'kmalloc-8192': no slab cache of that name in these files; that size is named kmalloc-8k" "$out"
out=$("$TB" slabs --cache kmalloc-8192 $F/kmem-s-c7-a.txt $F/kmem-s-c7-b.txt 2>&1); rc=$?
expect_eq "slabs --cache kmalloc-8192 (there): exit 0" 0 "$rc"
expect_nomatch "slabs --cache kmalloc-8192 (there): no warning" "warning" "$out"

# --format slabinfo names the file, not <slabinfo>
printf 'slabinfo - version: 2.1\nkmalloc-64 18446744073709551615 112 64 64 1 : tunables 0 0 0 : slabdata 2 2 0\n' > "$TMP/si.txt"
out=$("$TB" analyze --format slabinfo "$TMP/si.txt" 2>&1); rc=$?
expect_eq "--format slabinfo bad row: exit 3" 3 "$rc"
expect_match "--format slabinfo: file:line of the real file" "error: $TMP/si.txt:2: slab row counts more allocated objects" "$out"
expect_nomatch "--format slabinfo: no <slabinfo>" "<slabinfo>" "$out"

# probe --help: the exit codes probe returns, worded as main's list
out=$("$TB" probe --help 2>&1)
expect_match "probe --help: 9 for a file that cannot be read" "9 a kernel file exists but cannot be read" "$out"
expect_match "probe --help: 4 no tracing, 5 not root" "4 no tracing available .*5 not root" "$(printf '%s' "$out" | tr '\n' ' ')"
expect_nomatch "probe --help: no '1 report incomplete' (probe exits 9 for that)" "1 report incomplete" "$out"
out=$("$TB" 2>&1)
expect_match "tracebook's usage lists exit 10" "10 no verdict" "$out"
finish
