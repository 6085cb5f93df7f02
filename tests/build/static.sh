#!/usr/bin/env bash
# The field-kit binaries: fully static, right machine, and they run (x86_64 here;
# the arm64 and armhf ones run under qemu in tests/vm).
. "$(dirname "$0")/../lib.sh"
for arch in x86_64 arm64 armhf; do
	bin=$TOP/build/static-$arch/tracebook
	if [ ! -x "$bin" ]; then not_ok "static $arch binary exists ($bin; run make static ARCH=$arch)"; continue; fi
	f=$(file -b "$bin")
	expect_match "static $arch: file says statically linked" 'statically linked' "$f"
	case $arch in x86_64) m='Advanced Micro Devices X86-64' ;; arm64) m='AArch64' ;; armhf) m='ARM' ;; esac
	expect_match "static $arch: ELF machine is $m" "Machine: +$m\$" "$(readelf -h "$bin")"
	case $arch in armhf) c=ELF32 ;; *) c=ELF64 ;; esac
	expect_match "static $arch: ELF class is $c" "Class: +$c" "$(readelf -h "$bin")"
	expect_eq "static $arch: no program interpreter (no dynamic loader)" "" "$(readelf -l "$bin" | grep -i 'interpreter')"
	expect_eq "static $arch: no NEEDED shared libraries" "" "$(readelf -d "$bin" 2>/dev/null | grep NEEDED)"
done
out=$("$TOP/build/static-x86_64/tracebook" --version 2>&1)
expect_match "static x86_64 binary runs here" '^tracebook [0-9]' "$out"

# No dlopen at run time (the binaries must not depend on the build host's glibc).
# libtraceevent's plugin loader comes along with the library (event-parse.o needs
# event-plugin.o) and calls dlopen; src/util/static-nodl.c defines dlopen, dlsym,
# dlclose and dlerror in the static build, so those references bind to tracebook's
# null versions, not to glibc's loader (which glibc itself still links for iconv/NSS).
for arch in x86_64 arm64 armhf; do
	bin=$TOP/build/static-$arch/tracebook
	[ -x "$bin" ] || continue
	syms=$(nm "$bin" 2>/dev/null)
	ours=$(nm "$TOP/build/static-$arch/src/util/static-nodl.o" 2>/dev/null | awk '$2 == "T" { print $3 }' | sort | xargs)
	expect_eq "static $arch: static-nodl.o defines dlclose dlerror dlopen dlsym" "dlclose dlerror dlopen dlsym" "$ours"
	for f in dlopen dlsym dlclose dlerror; do
		a=$(printf '%s\n' "$syms" | awk -v f="$f" '$3 == f { print $1 }')
		g=$(printf '%s\n' "$syms" | awk -v f="__$f" '$3 == f { print $1 }')
		if [ -n "$a" ] && [ "$a" != "$g" ]; then
			ok "static $arch: $f is tracebook's (at $a), not glibc's __$f (${g:-absent})"
		else
			not_ok "static $arch: $f is tracebook's, not glibc's (dlopen at ${a:-absent}, __$f at ${g:-absent})"
		fi
	done
	# every call to dlopen in the binary goes to tracebook's null dlopen
	if [ "$arch" = x86_64 ]; then
		a=$(printf '%s\n' "$syms" | awk '$3 == "dlopen" { print $1 }' | sed 's/^0*//')
		calls=$(objdump -d --no-show-raw-insn "$bin" | grep -E 'call.*<(__|___)?dlopen>' | sort -u)
		expect_match "static x86_64: the plugin loader calls dlopen" '<dlopen>' "$calls"
		expect_eq "static x86_64: no call to glibc's __dlopen/___dlopen from tracebook or its libraries" "" \
			"$(printf '%s\n' "$calls" | grep -E '<_+dlopen>' | grep -v "<dlopen>")"
	fi
done
# and at run time: no shared object is opened (strace sees every open)
if command -v strace >/dev/null; then
	bin=$TOP/build/static-x86_64/tracebook
	T=$(mktemp -d /tmp/tb-static.XXXXXX)
	for cmd in "--version" "recipes" "check slab-leak" "recipes show kernfs-leak" \
		"analyze $TOP/tests/fixtures/samples/ftrace-5.10.txt" \
		"slabs $TOP/tests/fixtures/slabinfo/live-6.18-before.txt $TOP/tests/fixtures/slabinfo/live-6.18-after.txt" \
		"run slab-leak --dry-run"; do
		# shellcheck disable=SC2086
		strace -f -qq -e trace=open,openat,execve -o "$T/trace" "$bin" $cmd >/dev/null 2>&1
		n=$(grep -c . "$T/trace")
		so=$(grep -E '\.so([."]|$)|gconv|plugins' "$T/trace")
		if [ "$n" -gt 0 ] && [ -z "$so" ]; then ok "static x86_64 '$cmd' opens no shared object ($n calls traced)"
		else not_ok "static x86_64 '$cmd' opens no shared object"; printf '%s\n' "$so" | head -5 | sed 's/^/    /'; fi
	done
	# control: the same trace of the dynamic release build does show its libraries
	if [ -x "$TOP/tracebook" ]; then
		strace -f -qq -e trace=open,openat,execve -o "$T/trace" "$TOP/tracebook" --version >/dev/null 2>&1
		expect_match "control: strace sees the dynamic build open its shared objects" 'libtracefs\.so' "$(cat "$T/trace")"
	fi
	rm -rf "$T"
else
	skip "static x86_64 opens no shared object" "strace is not installed (make deps)"
fi
finish
