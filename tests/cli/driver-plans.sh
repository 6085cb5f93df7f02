#!/bin/bash
# tests/cli/driver-plans.sh - golden plans: `tracebook run RECIPE --dry-run` on the fake
# 3.10 / 4.19 / 6.x trees (tests/fake/mktree.sh) must print exactly the plans in
# tests/golden/plans/ (reviewed by hand).  The fake root's path and the pid in the
# instance name are normalised.  UPDATE_GOLDEN=1 rewrites the files (then read them!).
# Also: the dry run changes nothing in the tree, and what a kernel cannot do is refused.
. "$(dirname "$0")/../lib.sh"

[ -x "$TB" ] || { skip "driver plans" "no $TB (make asan)"; finish; }
W=$(mktemp -d /tmp/tb-plans.XXXXXX)
trap 'rm -rf "$W"' EXIT
for era in 3.10 4.19 6.x; do
	bash "$TOP/tests/fake/mktree.sh" "$era" "$W/$era" >/dev/null || { not_ok "mktree $era"; finish; }
done
GOLD=$TOP/tests/golden/plans

# plan NAME ERA RECIPE ARGS...: compare the dry run with $GOLD/NAME.txt
plan() {
	local name=$1 era=$2 out rc
	shift 2
	out=$(TRACEBOOK_ROOT=$W/$era TRACEBOOK_RUNDIR=$W/run "$TB" run "$@" --dry-run 2>&1); rc=$?
	out=$(printf '%s\n' "$out" | sed -e "s|$W/$era|ROOT|g" -e 's/tracebook-[0-9][0-9]*/tracebook-PID/g')
	out=$(printf '%s\nexit %s\n' "$out" "$rc")
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		printf '%s\n' "$out" > "$GOLD/$name.txt"
		ok "plan $name (golden rewritten)"
	elif [ ! -f "$GOLD/$name.txt" ]; then
		not_ok "plan $name: no golden file $GOLD/$name.txt (UPDATE_GOLDEN=1)"
	elif d=$(diff -u "$GOLD/$name.txt" <(printf '%s\n' "$out")); then
		ok "plan $name"
	else
		not_ok "plan $name differs from the golden plan"
		printf '%s\n' "$d" | head -40 | sed 's/^/    /'
	fi
}

# booted with slub_debug=T,kmalloc-64: the read-only toggle already reads 1
cp -a "$W/6.x" "$W/6.x-slubboot" && chmod u+w "$W/6.x-slubboot/sys/kernel/slab/kmalloc-64/trace" &&
	echo 1 > "$W/6.x-slubboot/sys/kernel/slab/kmalloc-64/trace" && chmod 0400 "$W/6.x-slubboot/sys/kernel/slab/kmalloc-64/trace"
# the stacktrace trigger writes to its instance's buffer since ce33c845b030 (5.17;
# stable 4.19.240, 5.10.113, ...): stack recipes go into an instance from there on
cp -a "$W/4.19" "$W/4.19.240" && echo 4.19.240 > "$W/4.19.240/proc/sys/kernel/osrelease"
cp -a "$W/4.19" "$W/4.19.239" && echo 4.19.239 > "$W/4.19.239/proc/sys/kernel/osrelease"
# Debian hides the stable sublevel in the release; /proc/version has it
bash "$TOP/tests/fake/mktree.sh" 5.10 "$W/deb510" >/dev/null && echo 5.10.0-28-amd64 > "$W/deb510/proc/sys/kernel/osrelease" &&
	echo "Linux version 5.10.0-28-amd64 (debian-kernel@lists.debian.org) (gcc-10 (Debian 10.2.1-6) 10.2.1 20210110, GNU ld (GNU Binutils for Debian) 2.35.2) #1 SMP Debian 5.10.209-2 (2024-01-31)" > "$W/deb510/proc/version"
cp -a "$W/deb510" "$W/deb510old" && sed -i 's/Debian 5.10.209-2/Debian 5.10.112-1/' "$W/deb510old/proc/version"
# a 32-bit ARM box (Debian's armmp 6.1): kprobes without $arg<N>, arguments in %r0..%r3
FAKE_ARCH=armv7l bash "$TOP/tests/fake/mktree.sh" 6.x "$W/armhf" >/dev/null || { not_ok "mktree 6.x armhf"; finish; }
# a kernel whose slab caches have no shrink file: the toggle cannot take effect at once
cp -a "$W/4.19" "$W/4.19-noshrink" && rm -f "$W"/4.19-noshrink/sys/kernel/slab/*/shrink
before=$(cd "$W" && find . -type f -exec md5sum {} + | sort)
for era in 3.10 4.19 6.x; do
	e=${era/./}
	plan slab-leak-$e $era slab-leak
	plan slab-leak-size-$e $era slab-leak size=8192
	plan slab-leak-cache-$e $era slab-leak cache=kmalloc-64
	plan kernfs-leak-$e $era kernfs-leak
	plan netdev-leak-$e $era netdev-leak stack=yes
	plan slub-trace-$e $era slub-trace cache=kmalloc-64
	plan slab-leak-pid-$e $era slab-leak --pid 4242 --comm bash
done
plan slub-trace-merged-419 4.19 slub-trace cache=eventpoll_pwq
plan kernfs-leak-armhf armhf kernfs-leak
plan slub-trace-named-6x 6.x slub-trace cache=dentry
plan slab-leak-text-6x 6.x slab-leak --text
plan slub-trace-booted-6x 6.x-slubboot slub-trace cache=kmalloc-64
plan slub-trace-noshrink-419 4.19-noshrink slub-trace cache=kmalloc-64
plan kernfs-leak-419240 4.19.240 kernfs-leak
plan kernfs-leak-419239 4.19.239 kernfs-leak
plan kernfs-leak-deb510 deb510 kernfs-leak
plan kernfs-leak-deb510old deb510old kernfs-leak
after=$(cd "$W" && find . -type f -exec md5sum {} + | sort)
expect_eq "dry runs wrote nothing" "$before" "$after"
[ -d "$W/run" ] && not_ok "dry run created the run directory" || ok "dry run took no lock and wrote no journal"

# refusals: what this kernel cannot do, and the safety limits
out=$(TRACEBOOK_ROOT=$W/6.x "$TB" run slab-leak -d 25h --dry-run 2>&1); rc=$?
expect_eq "over 24h refused (usage)" 2 "$rc"
expect_match "over 24h says --force" "24h limit; use --force" "$out"
out=$(TRACEBOOK_ROOT=$W/6.x "$TB" run slab-leak -d 25h --force --dry-run 2>&1); rc=$?
expect_eq "over 24h with --force" 0 "$rc"

cat > "$W/stack-all.recipe" <<'R'
[recipe]
name = stack-all
summary = stacks on every kmalloc
[tracepoint kmem:kmalloc]
stack = yes
[tracepoint kmem:kfree]
[pair p]
alloc = kmem:kmalloc
free = kmem:kfree
key = ptr
R
out=$(TRACEBOOK_ROOT=$W/6.x "$TB" run "$W/stack-all.recipe" --dry-run 2>&1); rc=$?
expect_eq "stacks on unfiltered kmalloc refused" 3 "$rc"
expect_match "stacks refusal explains" "would slow this machine badly.*--force" "$out"
out=$(TRACEBOOK_ROOT=$W/6.x "$TB" run "$W/stack-all.recipe" --force --dry-run 2>&1); rc=$?
expect_eq "stacks on unfiltered kmalloc with --force" 0 "$rc"

cat > "$W/open.recipe" <<'R'
[recipe]
name = open
summary = a function that moved
[function]
functions = do_sys_open
[count c]
functions = do_sys_open
R
out=$(TRACEBOOK_ROOT=$W/6.x "$TB" run "$W/open.recipe" --dry-run 2>&1); rc=$?
expect_eq "missing function is bad input" 3 "$rc"
expect_match "missing function suggests near names" "do_sys_open' is not in available_filter_functions.*did you mean: do_sys_openat2" "$out"

cat > "$W/kp.recipe" <<'R'
[recipe]
name = kp
summary = kprobe on a missing symbol
[kprobe k]
probe = do_sys_open
args = f=$arg2:string
[count c]
events = kprobe:k
R
out=$(TRACEBOOK_ROOT=$W/6.x "$TB" run "$W/kp.recipe" --dry-run 2>&1); rc=$?
expect_eq "missing kprobe symbol is bad input" 3 "$rc"
expect_match "missing kprobe symbol suggests" "not in /proc/kallsyms.*did you mean: do_sys_openat2" "$out"
out=$(FAKE_KPROBES=0 bash "$TOP/tests/fake/mktree.sh" 6.x "$W/nokp" >/dev/null; TRACEBOOK_ROOT=$W/nokp "$TB" run kernfs-leak --dry-run 2>&1); rc=$?
expect_eq "no kprobe_events: bad input" 3 "$rc"
expect_match "no kprobe_events says so" "no kprobe_events" "$out"

# someone else is tracing (FAKE_BUSY): a top-level plan is refused, an instance plan is not
FAKE_BUSY=1 bash "$TOP/tests/fake/mktree.sh" 3.10 "$W/busy310" >/dev/null
FAKE_BUSY=1 bash "$TOP/tests/fake/mktree.sh" 6.x "$W/busy6" >/dev/null
out=$(TRACEBOOK_ROOT=$W/busy310 TRACEBOOK_RUNDIR=$W/run1 "$TB" run slab-leak -d 1s 2>&1); rc=$?
expect_eq "3.10 with others tracing: busy" 7 "$rc"
expect_match "busy names what others use" "someone else is using tracing.*" "$out"
expect_match "busy lists set_ftrace_filter" "set_ftrace_filter is set|events enabled" "$out"

# a refused write on a fake tree (the filter is a directory: EISDIR): reason, restore,
# exit 6, tree as before, no journal left
bash "$TOP/tests/fake/mktree.sh" 3.10 "$W/refuse" >/dev/null
F=$W/refuse/sys/kernel/debug/tracing/events/kmem/kmalloc/filter
rm -f "$F"; mkdir "$F"
# modes and contents; a ring buffer found "N (expanded: M)" may end expanded to M (the
# one irreversible first-use effect, told by name), never at N
refuse_state() {
	(cd "$W/refuse" && find . -exec stat -c '%n %a' {} + | sort
	 find . -type f ! -name buffer_size_kb ! -name buffer_total_size_kb -exec md5sum {} + | sort
	 find . -type f \( -name buffer_size_kb -o -name buffer_total_size_kb \) -exec grep -H . {} + |
		sed 's/:[0-9]* (expanded: \([0-9]*\))$/:\1/' | sort)
}
before=$(refuse_state)
out=$(TRACEBOOK_ROOT=$W/refuse TRACEBOOK_RUNDIR=$W/run2 "$TB" run slab-leak size=8192 -d 1s 2>&1); rc=$?
expect_eq "refused write: exit 6" 6 "$rc"
expect_match "refused write names the write" "the kernel refused: echo 'bytes_alloc == 8192' > .*filter" "$out"
expect_match "refused write: restored" "tracing state restored \\([1-9]" "$out"
after=$(refuse_state)
expect_eq "refused write: fake tree as before" "$before" "$after"
expect_eq "refused write: no journal left" "" "$(ls "$W/run2" | grep journal)"
# 32-bit ARM: kprobes-optimization off only where it is on; a note where it is absent
# (stacks on kprobes may then be one frame: kprobe_optinsn_page); untouched without stacks
cp -a "$W/armhf" "$W/armhf-kopt0" && echo 0 > "$W/armhf-kopt0/proc/sys/debug/kprobes-optimization"
out=$(TRACEBOOK_ROOT=$W/armhf-kopt0 "$TB" run kernfs-leak --dry-run 2>&1)
if printf '%s' "$out" | grep -q "kprobes-optimization = "; then not_ok "armhf, optimization already off: no write"; else ok "armhf, optimization already off: no write"; fi
cp -a "$W/armhf" "$W/armhf-nokopt" && rm "$W/armhf-nokopt/proc/sys/debug/kprobes-optimization"
out=$(TRACEBOOK_ROOT=$W/armhf-nokopt "$TB" run kernfs-leak --dry-run 2>&1); rc=$?
expect_eq "armhf, no kprobes-optimization file: planned" 0 "$rc"
expect_match "armhf, no kprobes-optimization file: note" "stacks on kprobes may be a single frame on this kernel \\(armv7l\\)" "$out"
out=$(TRACEBOOK_ROOT=$W/armhf "$TB" run kernfs-leak --dry-run 2>&1)
expect_match "armhf: optimization off before the probes are enabled" "kprobes-optimization = '0'.*mkdir .*kernfs_new_entry/enable" "$(printf '%s' "$out" | tr '\n' ' ')"
out=$(TRACEBOOK_ROOT=$W/armhf "$TB" run netdev-leak --dry-run 2>&1)
if printf '%s' "$out" | grep -q kprobes-optimization; then not_ok "armhf without stacks: optimization left alone"; else ok "armhf without stacks: optimization left alone"; fi
finish
