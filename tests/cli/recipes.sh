#!/usr/bin/env bash
# tests/cli/recipes.sh - `tracebook recipes`, `recipes show|path`, `tracebook check`
# (exit codes, file:line errors, parameters), and the embedded library.  No root, no
# tracefs needed.
. "$(dirname "$0")/../lib.sh"

[ -x "$TB" ] || { not_ok "recipes: $TB not built (make asan)"; finish; }
tmp=$(mktemp -d /tmp/tb-cli-recipes.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# --- recipes: grouped by symptom -------------------------------------------------------
out=$("$TB" recipes 2>&1); rc=$?
expect_eq "recipes exits 0" 0 "$rc"
for r in slab-leak slub-trace netdev-leak kernfs-leak path-refcount ip6-dst-leak compaction-stall page-alloc; do
	expect_match "recipes lists $r with its summary" "^  $r( [a-z]+=[A-Z]+)? +[a-zA-Z_]" "$out"
done
expect_match "recipes groups: 'slab grows' first" "^slab grows:" "$(printf '%s\n' "$out" | head -1)"
groups=$(printf '%s\n' "$out" | grep -E '^[a-z].*:$' | tr '\n' '|')
expect_eq "recipes symptom groups in order" "slab grows:|refcount:|allocation failures:|pages leak:|" "$groups"
# each recipe sits under its symptom
sect=$(printf '%s\n' "$out" | awk '/^[a-z].*:$/ { g=$0 } /^  / { print g, $1 }')
expect_match "slab-leak under 'slab grows'" "^slab grows: slab-leak$" "$sect"
expect_match "path-refcount under 'refcount'" "^refcount: path-refcount$" "$sect"
expect_match "compaction-stall under 'allocation failures'" "^allocation failures: compaction-stall$" "$sect"
expect_match "slub-trace shows its required parameter" "^  slub-trace cache=CACHE " "$out"
expect_match "recipes says where recipes came from" "^8 recipes \(0 built into tracebook, 8 from $TOP/recipes\)" "$out"

# --- recipes show / path ----------------------------------------------------------------
out=$("$TB" recipes show slab-leak); rc=$?
expect_eq "recipes show slab-leak exits 0" 0 "$rc"
expect_eq "recipes show slab-leak prints the file" "$(cat "$TOP/recipes/slab-leak.recipe")" "$out"
out=$("$TB" recipes show no-such 2>&1); rc=$?
expect_eq "recipes show of an unknown name exits 3" 3 "$rc"
expect_match "unknown name lists the known ones" "unknown recipe 'no-such': expected a path or a recipe name \(.*slab-leak" "$out"
"$TB" recipes bogus >/dev/null 2>&1; expect_eq "recipes with a bad argument exits 2" 2 "$?"

# --- the embedded copy when the recipe directory is empty ---------------------------------
mkdir "$tmp/empty"
out=$(TRACEBOOK_RECIPES=$tmp/empty "$TB" recipes path slab-leak)
expect_eq "empty TRACEBOOK_RECIPES: slab-leak resolves to the built-in copy" "<builtin>/slab-leak.recipe" "$out"
out=$(TRACEBOOK_RECIPES=$tmp/empty "$TB" recipes show slab-leak)
expect_eq "built-in slab-leak is the shipped file" "$(cat "$TOP/recipes/slab-leak.recipe")" "$out"
out=$(TRACEBOOK_RECIPES=$tmp/empty "$TB" recipes)
expect_match "empty TRACEBOOK_RECIPES: all 8 from the built-in library" "^8 recipes \(8 built into tracebook\)\.$" "$out"
out=$(TRACEBOOK_RECIPES=$tmp/empty "$TB" check slab-leak 2>&1); rc=$?
expect_eq "check of the built-in slab-leak exits 0" 0 "$rc"
# a copy on disk wins over the built-in one
mkdir "$tmp/mine"
printf '[recipe]\nname = slab-leak\nsummary = my own\nsymptom = mine\n[tracepoint kmem:kmalloc]\n' > "$tmp/mine/slab-leak.recipe"
out=$(TRACEBOOK_RECIPES=$tmp/mine "$TB" recipes path slab-leak)
expect_eq "a recipe on disk wins over the built-in copy" "$tmp/mine/slab-leak.recipe" "$out"
out=$(TRACEBOOK_RECIPES=$tmp/mine "$TB" recipes)
expect_match "listing shows the disk copy's summary" "^  slab-leak +my own$" "$out"

# --- check: every shipped recipe is valid ------------------------------------------------
for f in "$TOP"/recipes/*.recipe; do
	n=$(basename "$f" .recipe)
	out=$("$TB" check "$n" 2>&1); rc=$?
	expect_eq "check $n exits 0" 0 "$rc"
	expect_match "check $n says ok" "^$n: ok \(" "$out"
	out=$("$TB" check "$f" 2>&1); rc=$?
	expect_eq "check $n by path exits 0" 0 "$rc"
done
out=$("$TB" check slab-leak size=8k cache=kmalloc-8k 2>&1)
expect_match "check slab-leak with parameters" "^slab-leak: ok \(6 tracepoints \(2 optional\), 2 snapshot files, 1 pair, 1 growth, default duration 1m00s\)$" "$out"
expect_match "check shows the parameters the run would use, normalised" "^slab-leak: parameters: size=8192 cache=kmalloc-8k interval=30s$" "$out"
out=$("$TB" check slab-leak 2>&1)
expect_match "check shows unset parameters" "^slab-leak: parameters: size=\(unset\) cache=\(unset\) interval=30s$" "$out"
out=$("$TB" check slub-trace 2>&1); rc=$?
expect_eq "check slub-trace without cache= exits 0" 0 "$rc"
expect_match "check slub-trace says cache= is needed to run" "^slub-trace: to run it, give cache=CACHE" "$out"
out=$("$TB" check slub-trace cache=kmalloc-8192 2>&1)
expect_nomatch "check slub-trace cache=... needs nothing more" "to run it" "$out"

# --- check: bad input → exit 3, file:line, all errors -------------------------------------
out=$("$TB" check slab-leak colour=red 2>&1); rc=$?
expect_eq "check with an unknown parameter exits 3" 3 "$rc"
expect_match "unknown parameter lists the known ones" "command line: unknown parameter 'colour=red': expected one of size, cache, interval" "$out"
for bad in "cache=../x" "cache=a b" "cache=kmalloc/8" "size=huge"; do
	out=$("$TB" check slab-leak "$bad" 2>&1); rc=$?
	expect_eq "check slab-leak '$bad' exits 3" 3 "$rc"
	expect_match "check slab-leak '$bad' names it" "parameter '$bad': expected" "$out"
done
cat > "$tmp/bad.recipe" <<'R'
[recipe]
name = bad
summary = several problems
duration = soon
[tracepoint kmem:kmalloc]
filter = bytes_alloc = 8
cache = ../x
[kprobe k]
probe = f
args = p=$retval
[pair p]
alloc = kmem:kmalloc
free = kmem:kfree
key = ptr
R
out=$("$TB" check "$tmp/bad.recipe" 2>&1); rc=$?
expect_eq "check of a bad recipe exits 3" 3 "$rc"
expect_match "bad duration at line 4" "bad.recipe:4: duration 'soon': expected a duration" "$out"
expect_match "bad filter at line 6" "bad.recipe:6: filter 'bytes_alloc = 8': expected an operator" "$out"
expect_match "unsafe cache at line 7" "bad.recipe:7: unsafe cache name '../x': expected" "$out"
expect_match "\$retval on an entry probe at line 10" "bad.recipe:10: kprobe argument 'p=\\\$retval': expected \\\$retval only on a return probe" "$out"
expect_match "untraced event at line 13" "bad.recipe:13: event 'kmem:kfree': expected an event this recipe traces" "$out"
expect_match "check counts all the errors" "bad.recipe: 5 errors$" "$out"
"$TB" check >/dev/null 2>&1; expect_eq "check without a recipe exits 2" 2 "$?"
"$TB" check slab-leak size=8k -d 30s >/dev/null 2>&1; expect_eq "check takes run's -d DURATION" 0 "$?"
out=$("$TB" check slab-leak -d soon 2>&1); rc=$?
expect_eq "check -d with a bad duration exits 2" 2 "$rc"
expect_match "check -d names the bad duration" "check: -d 'soon': expected a duration" "$out"
"$TB" check slab-leak notanassignment >/dev/null 2>&1; expect_eq "check with a non-assignment argument exits 2" 2 "$?"
out=$("$TB" check "$tmp/nonexistent.recipe" 2>&1); rc=$?
expect_eq "check of a missing file exits 3" 3 "$rc"

# --- check never changes the kernel (runs without tracefs, as any user) -------------------
# As root it reads (never writes, never mounts) the tracing files and slab caches to check
# filters and cache names against this kernel (tests/cli/plan-checks.sh).
if command -v strace >/dev/null 2>&1; then
	out=$(strace -f -e trace=openat,open,mount "$TB" check slab-leak size=8k 2>&1 >/dev/null |
	      grep -E 'tracing|/sys/kernel|/proc' | grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|^mount|] mount' || true)
	expect_eq "check opens nothing under /sys/kernel, /proc or tracing for writing, mounts nothing" "" "$out"
else
	skip "check opens no kernel file" "strace not installed"
fi
if is_root && command -v setpriv >/dev/null 2>&1; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$TB" check slab-leak 2>&1); rc=$?
	expect_eq "check works as an unprivileged user" 0 "$rc"
else
	skip "check as an unprivileged user" "needs root and setpriv to switch user"
fi
finish
