#!/usr/bin/env bash
# tests/cli/probe.sh - `tracebook probe` on the fake kernel roots of every era
# (tests/fake/mktree.sh): JSON facts per era, text consequences, exit codes.
# No root, no kernel needed.
. "$(dirname "$0")/../lib.sh"

if ! command -v jq >/dev/null; then
	skip "probe cli" "jq is not installed (make deps installs it)"
	exit 0
fi
W=$(mktemp -d /tmp/tb-cli-probe.XXXXXX)
trap 'rm -rf "$W"' EXIT

for era in 3.10 4.19 5.10 6.x; do
	bash "$TOP/tests/fake/mktree.sh" "$era" "$W/$era" || not_ok "mktree.sh $era"
done
FAKE_KPROBES=0 bash "$TOP/tests/fake/mktree.sh" 6.x "$W/6.x-nokp"
FAKE_BUSY=1 bash "$TOP/tests/fake/mktree.sh" 4.19 "$W/4.19-busy"

# j ERA FILTER: a value from probe --json on that fake root
declare -A JSON
for era in 3.10 4.19 5.10 6.x 6.x-nokp 4.19-busy; do
	JSON[$era]=$(TRACEBOOK_ROOT=$W/$era "$TB" probe --json 2>"$W/err"); rc=$?
	expect_eq "probe --json exits 0 on $era" 0 "$rc"
	expect_eq "probe --json on $era prints nothing on stderr" "" "$(cat "$W/err")"
done
j() { printf '%s' "${JSON[$1]}" | jq -r "$2"; }

# 3.10 (CentOS 7): debugfs, no triggers/dynamic_events, instances without options, no $argN,
# SLUB trace writable, call_site %lx and ptr real.
expect_eq "3.10: tracing on debugfs" debugfs "$(j 3.10 .tracefs.type)"
expect_match "3.10: path is debug/tracing" '/sys/kernel/debug/tracing$' "$(j 3.10 .tracefs.path)"
expect_eq "3.10: no triggers" false "$(j 3.10 .triggers)"
expect_eq "3.10: no dynamic_events" false "$(j 3.10 .dynamic_events)"
expect_eq "3.10: no error_log" false "$(j 3.10 .error_log)"
expect_eq "3.10: instances have no own options" false "$(j 3.10 .instances.own_options)"
expect_eq "3.10: kprobes present" present "$(j 3.10 .kprobes.kprobe_events)"
expect_eq "3.10: no \$argN" false "$(j 3.10 .kprobes.argN)"
expect_eq "3.10: no :x64" false "$(j 3.10 .kprobes.x64)"
expect_eq "3.10: SLUB trace writable" writable "$(j 3.10 .slub.trace)"
expect_eq "3.10: SLUB trace mode 0600" 0600 "$(j 3.10 .slub.trace_mode)"
expect_eq "3.10: 5 merged aliases" 5 "$(j 3.10 .slub.aliases)"
expect_eq "3.10: kmalloc call_site hex" hex "$(j 3.10 .kmem_events.kmalloc.call_site)"
expect_eq "3.10: kmalloc ptr raw" raw "$(j 3.10 .kmem_events.kmalloc.ptr)"
expect_eq "3.10: no hash-ptr option" null "$(j 3.10 .options.hash_ptr)"
expect_eq "3.10: func_stack_trace absent while tracer is nop" false "$(j 3.10 .options.func_stack_trace)"
expect_eq "3.10: x86_64" x86_64 "$(j 3.10 .arch)"
expect_eq "3.10: buffer 7 KB, 1408 expanded" "7 1408" "$(j 3.10 '"\(.buffer.per_cpu_kb) \(.buffer.per_cpu_kb_expanded)"')"

# 4.19 arm64: triggers, no $argN, x64 yes, writable SLUB trace, aarch64
expect_eq "4.19: tracefs" tracefs "$(j 4.19 .tracefs.type)"
expect_eq "4.19: triggers" true "$(j 4.19 .triggers)"
expect_eq "4.19: no \$argN" false "$(j 4.19 .kprobes.argN)"
expect_eq "4.19: :x64" true "$(j 4.19 .kprobes.x64)"
expect_eq "4.19: \$comm" true "$(j 4.19 .kprobes.comm)"
expect_eq "4.19: SLUB trace writable" writable "$(j 4.19 .slub.trace)"
expect_eq "4.19: aarch64" aarch64 "$(j 4.19 .arch)"
expect_eq "4.19: kmalloc ptr hashed" hashed "$(j 4.19 .kmem_events.kmalloc.ptr)"
expect_eq "4.19: mm_page_alloc has pfn field" true "$(j 4.19 .kmem_events.mm_page_alloc.pfn_field)"
expect_eq "4.19: no dynamic_events" false "$(j 4.19 .dynamic_events)"
expect_eq "4.19: kprobes blacklist" true "$(j 4.19 .kprobes.blacklist)"

# 5.10
expect_eq "5.10: call_site symbol" symbol "$(j 5.10 .kmem_events.kmalloc.call_site)"
expect_eq "5.10: SLUB trace read-only" read-only "$(j 5.10 .slub.trace)"
expect_eq "5.10: \$argN" true "$(j 5.10 .kprobes.argN)"

# 6.x: hash-ptr, error_log, dynamic_events, $argN, SLUB read-only, name in kmem_cache_alloc
expect_eq "6.x: hash-ptr on" true "$(j 6.x .options.hash_ptr)"
expect_eq "6.x: error_log" true "$(j 6.x .error_log)"
expect_eq "6.x: dynamic_events" true "$(j 6.x .dynamic_events)"
expect_eq "6.x: \$argN" true "$(j 6.x .kprobes.argN)"
expect_eq "6.x: SLUB trace read-only" read-only "$(j 6.x .slub.trace)"
expect_eq "6.x: SLUB trace mode 0400" 0400 "$(j 6.x .slub.trace_mode)"
expect_eq "6.x: kmem_cache_alloc has name" true "$(j 6.x .kmem_events.kmem_cache_alloc.name_field)"
expect_eq "6.x: kmalloc ptr hashed" hashed "$(j 6.x .kmem_events.kmalloc.ptr)"
expect_eq "6.x: hist" true "$(j 6.x .hist)"
expect_eq "6.x: nobody else tracing" false "$(j 6.x .others.busy)"

# 6.x without kprobes: README still mentions $arg<N> (uprobes) - must not count
expect_match "6.x-nokp: README mentions \$arg<N>" '\$arg<N>' "$(cat "$W/6.x-nokp/sys/kernel/tracing/README")"
expect_eq "6.x-nokp: kprobes absent" absent "$(j 6.x-nokp .kprobes.kprobe_events)"
expect_eq "6.x-nokp: \$argN false" false "$(j 6.x-nokp .kprobes.argN)"

# someone else tracing
expect_eq "busy: detected" true "$(j 4.19-busy .others.busy)"
expect_eq "busy: current_tracer" function "$(j 4.19-busy .others.current_tracer)"
expect_eq "busy: set_event" kmem:kmalloc "$(j 4.19-busy '.others.events_enabled[0]')"
expect_eq "busy: one kprobe" 1 "$(j 4.19-busy .others.kprobes_defined)"
expect_eq "busy: instance" other "$(j 4.19-busy '.others.instances[0]')"

# text report: the field-engineer lines
out=$(TRACEBOOK_ROOT=$W/6.x "$TB" probe 2>&1)
expect_match "6.x text: SLUB read-only consequence" 'SLUB trace is read-only \(kernel >= 5.9\): boot with slub_debug=T,<cache>' "$out"
expect_match "6.x text: hashed pointers explained" 'pointers print hashed' "$out"
out=$(TRACEBOOK_ROOT=$W/3.10 "$TB" probe 2>&1)
expect_match "3.10 text: debugfs" 'tracing +.*/sys/kernel/debug/tracing \(debugfs\)' "$out"
expect_match "3.10 text: no triggers consequence" 'no event triggers' "$out"
expect_match "3.10 text: no \$arg<N> consequence" 'no \$arg<N>.*%di' "$out"
out=$(TRACEBOOK_ROOT=$W/6.x-nokp "$TB" probe 2>&1)
expect_match "no-kprobes text: kprobe recipes cannot run" 'kprobes absent.*kprobe recipes .*cannot run' "$out"
out=$(TRACEBOOK_ROOT=$W/4.19-busy "$TB" probe 2>&1)
expect_match "busy text: names the other user" 'BUSY: current_tracer=function;.*kmem:kmalloc' "$out"

# 4.19 before its random pool is ready (no entropy yet): hashed %p prints
# (____ptrval____), so trace text cannot be paired; once ready, only "hashed" is said
FAKE_CRNG=0 bash "$TOP/tests/fake/mktree.sh" 4.19 "$W/4.19-noent" >/dev/null
FAKE_CRNG=1 bash "$TOP/tests/fake/mktree.sh" 4.19 "$W/4.19-ent" >/dev/null
out=$(TRACEBOOK_ROOT=$W/4.19-noent "$TB" probe 2>&1)
expect_match "4.19 no entropy: probe says (____ptrval____)" "pointers print as \(____ptrval____\) in trace text: the kernel's random pool is not initialized" "$out"
expect_match "4.19 no entropy: text cannot be paired offline" "cannot be paired offline" "$out"
expect_eq "4.19 no entropy: JSON crng_ready false" false "$(TRACEBOOK_ROOT=$W/4.19-noent "$TB" probe --json | jq -r .options.crng_ready)"
out=$(TRACEBOOK_ROOT=$W/4.19-ent "$TB" probe 2>&1)
expect_nomatch "4.19 entropy ready: no ptrval warning" "ptrval" "$out"
expect_match "4.19 entropy ready: pointers hashed" "pointers print hashed in trace text" "$out"
expect_eq "4.19 entropy ready: JSON crng_ready true" true "$(TRACEBOOK_ROOT=$W/4.19-ent "$TB" probe --json | jq -r .options.crng_ready)"
# 6.x with hash-ptr=1: the same key is needed
FAKE_CRNG=0 bash "$TOP/tests/fake/mktree.sh" 6.x "$W/6.x-noent" >/dev/null
expect_match "6.x no entropy: probe says (____ptrval____)" "____ptrval____" "$(TRACEBOOK_ROOT=$W/6.x-noent "$TB" probe 2>&1)"

# --root is the same as TRACEBOOK_ROOT
expect_eq "--root DIR equals TRACEBOOK_ROOT" "$(j 4.19 .)" "$("$TB" probe --json --root "$W/4.19" | jq -r .)"

# exit codes and one-line errors
mkdir "$W/empty"
TRACEBOOK_ROOT=$W/empty "$TB" probe >"$W/out" 2>"$W/err"; rc=$?
expect_eq "empty root: exit 4 (no tracing)" 4 "$rc"
expect_eq "empty root: exactly one line on stderr" 1 "$(wc -l <"$W/err")"
expect_match "empty root: the line says why" 'no tracing directory under TRACEBOOK_ROOT' "$(cat "$W/err")"
"$TB" probe --bogus >/dev/null 2>&1; expect_eq "unknown option: exit 2" 2 "$?"

# a control file that exists but cannot be read: one clear line, exit 9, report still out
bash "$TOP/tests/fake/mktree.sh" 6.x "$W/broken"
rm "$W/broken/sys/kernel/tracing/buffer_size_kb" && mkdir "$W/broken/sys/kernel/tracing/buffer_size_kb"
TRACEBOOK_ROOT=$W/broken "$TB" probe --json >"$W/out" 2>"$W/err"; rc=$?
expect_eq "unreadable file: exit 9 (distinct)" 9 "$rc"
expect_eq "unreadable file: one line" 1 "$(wc -l <"$W/err")"
expect_match "unreadable file: names it" 'cannot read .*/buffer_size_kb: Is a directory' "$(cat "$W/err")"
expect_eq "unreadable file: JSON report still complete" read-only "$(jq -r .slub.trace <"$W/out")"

# probe changes nothing in the tree (names, modes, sizes, contents of readable files)
treesum() { (cd "$1" && find . -printf '%m %s %p\n' | sort && find . -type f -readable -exec md5sum {} + | sort); }
bash "$TOP/tests/fake/mktree.sh" 4.19 "$W/ref"
treesum "$W/ref" >"$W/sum1"
# a 32-bit ARM box (Debian armmp 6.1): no $arg<N> there; the register fallback is %r0..%r3
FAKE_ARCH=armv7l bash "$TOP/tests/fake/mktree.sh" 6.x "$W/armhf" || not_ok "mktree.sh 6.x armhf"
out=$(TRACEBOOK_ROOT=$W/armhf "$TB" probe --json 2>&1)
expect_eq "armhf: arch armv7l" armv7l "$(printf '%s' "$out" | jq -r .arch)"
expect_eq "armhf: kprobes without \$argN" false "$(printf '%s' "$out" | jq -r .kprobes.argN)"
out=$(TRACEBOOK_ROOT=$W/armhf "$TB" probe 2>&1)
expect_match "armhf: probe names the arm argument registers" 'fetches arguments from registers \(%r0\.\.%r3\)' "$out"

TRACEBOOK_ROOT=$W/ref "$TB" probe >/dev/null 2>&1
TRACEBOOK_ROOT=$W/ref "$TB" probe --json >/dev/null 2>&1
treesum "$W/ref" >"$W/sum2"
expect_eq "probe leaves the fake tree unchanged" "" "$(diff "$W/sum1" "$W/sum2")"
exit 0
