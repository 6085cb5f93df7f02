#!/usr/bin/env bash
# tests/cli/offline-filters.sh - issue 14 item 2: `analyze --recipe R params...` applies
# the recipe's kernel-side narrowing (filters, cache =, SLUB trace caches) in user space,
# as the live run would have, and says so in the report.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
TMP=$(mktemp -d /tmp/tb-cli-offline.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

if [ ! -x "$TB" ]; then
	not_ok "tracebook binary $TB missing (make asan)"
	finish
fi

# 64-byte and 8192-byte objects, none freed
cat > "$TMP/mixed.txt" <<'T'
# tracer: nop
          insmod-5000    [000] .....   931.000001: kmalloc: call_site=leaky_init+0x1d/0x40 ptr=00000000aa11bb22 bytes_req=60 bytes_alloc=64 gfp_flags=GFP_KERNEL
          insmod-5000    [000] .....   931.000002: kmalloc: call_site=leaky_init+0x1d/0x40 ptr=00000000aa11bb23 bytes_req=60 bytes_alloc=64 gfp_flags=GFP_KERNEL
          insmod-5000    [000] .....   931.000003: kmalloc: call_site=big_init+0x1d/0x40 ptr=00000000aa11cc00 bytes_req=8000 bytes_alloc=8192 gfp_flags=GFP_KERNEL
          insmod-5000    [000] .....   931.000004: kmem_cache_alloc: call_site=dentry_alloc+0x1d/0x40 ptr=00000000aa11dd00 bytes_req=192 bytes_alloc=192 gfp_flags=GFP_KERNEL
T
out=$("$TB" analyze --recipe slab-leak "$TMP/mixed.txt" 2>&1)
expect_match "no parameter: every size is outstanding" "outstanding 4 objects" "$out"
out=$("$TB" analyze --recipe slab-leak size=8k "$TMP/mixed.txt" 2>&1); rc=$?
expect_eq "size=8k offline: exit 0" 0 "$rc"
expect_match "size=8k: only the 8192-byte object is outstanding" "outstanding 1 object, 8.0 KiB" "$out"
expect_nomatch "size=8k: no 64-byte site listed" "leaky_init" "$out"
expect_match "size=8k: the report says which filter was applied offline" "note: recipe filter applied offline, as the kernel would have: kmem:kmalloc bytes_alloc == 8192: 2 of 3 events dropped" "$out"
out=$("$TB" analyze --recipe slab-leak cache=kmalloc-64 "$TMP/mixed.txt" 2>&1)
expect_match "cache=kmalloc-64: the two 64-byte objects only" "outstanding 2 objects, 128 B" "$out"
expect_match "cache=kmalloc-64: narrowed by bytes_alloc, as the planner does" "kmem:kmalloc cache kmalloc-64 \(bytes_alloc == 64\): 1 of 3 events dropped" "$out"
expect_nomatch "cache=kmalloc-64: no big_init" "big_init" "$out"

# a call_site filter on text (call sites print as symbols): kept, and said
cat > "$TMP/site.recipe" <<'R'
[recipe]
name = site-filter
summary = a filter tracebook cannot judge on text call sites
[tracepoint kmem:kmalloc]
filter = call_site == 0xffffffff8119c1a8 || bytes_alloc > 100
[tracepoint kmem:kfree]
[pair p]
alloc = kmem:kmalloc
free = kmem:kfree
key = ptr
R
out=$("$TB" analyze --recipe "$TMP/site.recipe" "$TMP/mixed.txt" 2>&1)
expect_match "or with an unknown side: the big one passes on bytes_alloc, the others cannot be judged" "kmem:kmalloc call_site == 0xffffffff8119c1a8 \|\| bytes_alloc > 100: 0 of 3 events dropped; 2 kept that it could not judge" "$out"

# SLUB TRACE records of other caches are dropped for slub-trace cache=...
cat > "$TMP/slub.txt" <<'T'
[  100.000000] TRACE kmalloc-64 alloc 0xffff88001e691340 inuse=3 fp=0x          (null)
[  100.100000] TRACE kmalloc-8192 alloc 0xffff88001e700000 inuse=3 fp=0x          (null)
[  100.200000] TRACE kmalloc-8192 alloc 0xffff88001e702000 inuse=4 fp=0x          (null)
T
out=$("$TB" analyze --recipe slub-trace cache=kmalloc-64 "$TMP/slub.txt" 2>&1); rc=$?
expect_eq "slub-trace cache=kmalloc-64 offline: exit 0" 0 "$rc"
expect_match "slub-trace cache=kmalloc-64: one object" "1 allocation, 0 frees; outstanding 1 object" "$out"
expect_nomatch "slub-trace cache=kmalloc-64: no kmalloc-8192 object" "kmalloc-8192," "$out"
expect_match "slub-trace: the note names the cache" "slub:alloc cache kmalloc-64: 2 of 3 events dropped" "$out"
finish
