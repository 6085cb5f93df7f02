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
finish
