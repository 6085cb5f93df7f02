#!/usr/bin/env bash
# Both compilers build every source with warnings as errors (`make builds` did it; this
# checks the flags are really there so a Makefile edit cannot drop them silently).
. "$(dirname "$0")/../lib.sh"
flags=$(make -s -C "$TOP" -pn 2>/dev/null | grep -E '^WARN :?=' | head -1)
expect_match "Makefile compiles with -Werror" '-Werror' "$flags"
for f in tracebook build/asan/tracebook build/clang/tracebook; do
	[ -x "$TOP/$f" ] && ok "built with warnings as errors: $f" || not_ok "built: $f"
done
finish
