#!/usr/bin/env bash
# tests/cli/plan-checks.sh - issue 14 "the planner checks what it can before it writes
# anything": filters against the event's format file, size=/cache= against the caches
# the kernel has (near names both ways), values from the command line named as such;
# in `check`, `run --dry-run` and `run` alike.  On the fake 3.10 / 4.19 / 6.x trees.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
[ -x "$TB" ] || { not_ok "tracebook binary $TB missing (make asan)"; finish; }
W=$(mktemp -d /tmp/tb-plan-checks.XXXXXX)
trap 'rm -rf "$W"' EXIT
for era in 3.10 4.19 6.x; do
	bash tests/fake/mktree.sh "$era" "$W/$era" >/dev/null || { not_ok "mktree $era"; finish; }
done
# tb ERA ARGS...: run tracebook on the fake tree of ERA; sets out and rc
tb() { local era=$1; shift; out=$(TRACEBOOK_ROOT=$W/$era TRACEBOOK_RUNDIR=$W/run "$TB" "$@" 2>&1); rc=$?; }

# --- filters against the format file ------------------------------------------------
filt() { # FILTER -> $W/f.recipe
	printf '[recipe]\nname = f\nsummary = f\n[tracepoint kmem:kmalloc]\nfilter = %s\n[tracepoint kmem:kfree]\n[pair p]\nalloc = kmem:kmalloc\nfree = kmem:kfree\nkey = ptr\n' "$1" > "$W/f.recipe"
}
filt 'nosuchfield == 3'
for verb in check "run --dry-run" run; do
	tb 6.x $verb "$W/f.recipe"
	expect_eq "$verb: unknown filter field: exit 3" 3 "$rc"
	expect_match "$verb: unknown field named with the recipe line and the fields there are" "error: $W/f.recipe:4: filter 'nosuchfield == 3' of kmem:kmalloc: field 'nosuchfield' is not in this kernel's format of the event \(.*/events/kmem/kmalloc/format\); its fields: call_site ptr bytes_req bytes_alloc gfp_flags node" "$out"
done
tb 6.x run "$W/f.recipe" -d 1s
expect_nomatch "run: nothing written (no journal step, no filter file changed)" "journal|applied" "$out"
expect_eq "run: the kmalloc filter file is untouched" "none" "$(cat "$W/6.x/sys/kernel/tracing/events/kmem/kmalloc/filter")"
filt 'name == "dentry"'
tb 3.10 check "$W/f.recipe"
expect_eq "name on kmalloc (3.10): exit 3" 3 "$rc"
expect_match "name on kmalloc: no such field, 3.10's fields listed" "field 'name' is not in this kernel's format of the event .*; its fields: call_site ptr bytes_req bytes_alloc gfp_flags$" "$out"
# a string field declared "__data_loc char[] name" (6.x kmem_cache_alloc): the name is
# the last word, the brackets belong to the type
printf '[recipe]\nname = f\nsummary = f\n[tracepoint kmem:kmem_cache_alloc]\nfilter = name == "dentry"\n[tracepoint kmem:kmem_cache_free]\n[pair p]\nalloc = kmem:kmem_cache_alloc\nfree = kmem:kmem_cache_free\nkey = ptr\n' > "$W/n.recipe"
tb 6.x check "$W/n.recipe"
expect_eq "name on kmem_cache_alloc (6.x, __data_loc char[] name): exit 0" 0 "$rc"
expect_nomatch "name on kmem_cache_alloc (6.x): no bogus field 'char'" "its fields: .*char" "$out"
filt 'call_site == ffffffff8119c1a8'
tb 4.19 run "$W/f.recipe" --dry-run
expect_eq "hex address without 0x: exit 3" 3 "$rc"
expect_match "hex address without 0x: the reason and the fix" "value 'ffffffff8119c1a8' of number field 'call_site' \(unsigned long\) reads as hex without '0x': the kernel takes decimal unless it starts with 0x; write 0xffffffff8119c1a8" "$out"
filt 'call_site == 0xffffffff8119c1a8'
tb 4.19 check "$W/f.recipe"
expect_eq "the same address with 0x: exit 0" 0 "$rc"
filt 'bytes_alloc == 99999999999999999999999'
tb 6.x check "$W/f.recipe"
expect_eq "value past 64 bits: exit 3" 3 "$rc"
expect_match "value past 64 bits: does not fit the field, with its type" "value 99999999999999999999999 does not fit field 'bytes_alloc' \(size_t, 8 bytes, unsigned\)" "$out"
filt 'node == 3000000000'
tb 6.x check "$W/f.recipe"
expect_match "value past a 4-byte signed field" "value 3000000000 does not fit field 'node' \(int, 4 bytes, signed\)" "$out"
filt 'bytes_alloc ~ "kmalloc*"'
tb 6.x check "$W/f.recipe"
expect_match "glob on a number field refused" "field 'bytes_alloc' is a number \(size_t\): '~' matches strings only" "$out"

# --- size= and cache= against the caches of this kernel ----------------------------
tb 3.10 check slab-leak cache=kmalloc-8k
expect_eq "3.10 cache=kmalloc-8k: exit 3" 3 "$rc"
expect_match "3.10 cache=kmalloc-8k: the command-line argument and the kernel's name" "error: command-line argument cache=kmalloc-8k: this kernel \(3.10.0-1160.el7.x86_64\) has no slab cache 'kmalloc-8k': it names that size kmalloc-8192$" "$out"
tb 4.19 run slab-leak cache=kmalloc-8k --dry-run
expect_match "4.19 --dry-run cache=kmalloc-8k: kmalloc-8192" "has no slab cache 'kmalloc-8k': it names that size kmalloc-8192" "$out"
tb 6.x run slub-trace cache=kmalloc-8192 --dry-run
expect_eq "6.x slub-trace cache=kmalloc-8192: exit 3" 3 "$rc"
expect_match "6.x cache=kmalloc-8192: the other way round" "error: command-line argument cache=kmalloc-8192: this kernel \(6.18.2\) has no slab cache 'kmalloc-8192': it names that size kmalloc-8k$" "$out"
tb 6.x run slub-trace cache=kmalloc-8k --dry-run
expect_eq "6.x slub-trace cache=kmalloc-8k: planned" 0 "$rc"
tb 6.x run slab-leak cache=kmalloc-999 --dry-run
expect_eq "cache=kmalloc-999: exit 3" 3 "$rc"
expect_match "cache=kmalloc-999: no kmalloc cache of that size" "command-line argument cache=kmalloc-999: this kernel \(6.18.2\) has no slab cache 'kmalloc-999' \(no kmalloc cache of that size\)" "$out"
for era in 3.10 6.x; do
	tb $era run slab-leak cache=nonexistent --dry-run
	expect_eq "$era slab-leak cache=nonexistent: exit 3" 3 "$rc"
	expect_match "$era cache=nonexistent: a message about the cache" "command-line argument cache=nonexistent: this kernel .* has no slab cache 'nonexistent'" "$out"
	expect_nomatch "$era cache=nonexistent: nothing about stacks" "stack" "$out"
done
tb 6.x check slab-leak cache=dentri
expect_match "a near name" "has no slab cache 'dentri'; near: dentry" "$out"
tb 6.x run slab-leak size=6000 --dry-run
expect_eq "size=6000: exit 3" 3 "$rc"
expect_match "size=6000: not a slab object size, the nearest ones" "error: command-line argument size=6000: filter 'bytes_alloc == 6000' of kmem:kmalloc: no slab cache of this kernel \(6.18.2\) has 6000-byte objects, so bytes_alloc \(the object size, e.g. the N of kmalloc-N\) never equals it; the nearest sizes it has are 1024 and 8192" "$out"
tb 3.10 check slab-leak size=0
expect_eq "size=0: exit 3" 3 "$rc"
expect_match "size=0: the reason" "command-line argument size=0: filter 'bytes_alloc == 0' of kmem:kmalloc: bytes_alloc is never 0" "$out"
tb 3.10 check slab-leak size=8k
expect_eq "size=8k on 3.10 (kmalloc-8192): exit 0" 0 "$rc"
expect_match "check says the filters fit the kernel" "slab-leak: filters and caches fit this kernel \(3.10.0-1160.el7.x86_64\)" "$out"
tb 6.x check slab-leak size=192
expect_eq "size=192 (dentry's object size): exit 0" 0 "$rc"
finish
