#!/usr/bin/env bash
# tests/build/flags.sh - an object compiled with other flags is rebuilt (Makefile,
# track_flags): each build keeps its compiler and flags in build/<dir>/.flags and its
# objects depend on that file.  Without it, `make CFLAGS=...` (or a Makefile change of
# the flags) linked objects compiled the old way into the binary.
#
# Runs the real Makefile on a copy of the sources with a stand-in compiler that only
# logs what it compiles and creates its output, so the check takes seconds, not a build.
. "$(dirname "$0")/../lib.sh"

work=$(mktemp -d /tmp/tb-flags.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$TOP/Makefile" "$TOP/src" "$TOP/recipes" "$work/"
mkdir -p "$work/contrib" && cp "$TOP/contrib/embed-recipes.sh" "$work/contrib/"
cat > "$work/fakecc" <<'EOF'
#!/bin/sh
# a compiler that logs the source it compiles and creates the file after -o
out= src=
while [ $# -gt 0 ]; do
	case $1 in -o) out=$2; shift ;; *.c) src=$1 ;; esac
	shift
done
[ -n "$src" ] && echo "$src" >> "$(dirname "$0")/compiled"
[ -n "$out" ] && : > "$out"
EOF
chmod +x "$work/fakecc"

# build NAME [make args]: run make tracebook, print how many sources it compiled
build() {
	: > "$work/compiled"
	make -s -C "$work" tracebook CC="$work/fakecc" "$@" > "$work/make.out" 2>&1 ||
		{ echo "make failed:"; sed 's/^/    /' "$work/make.out"; }
	wc -l < "$work/compiled"
}

nsrc=$(cd "$work" && find src -name '*.c' | wc -l)
first=$(build)
expect_eq "a first build compiles every source (and the generated recipes)" "$((nsrc + 1))" "$first"
expect_eq "the same flags again: nothing is compiled" 0 "$(build)"
expect_eq "CFLAGS=-DTB_FLAGS_PROBE: every object is compiled again" "$((nsrc + 1))" \
	"$(build CFLAGS=-DTB_FLAGS_PROBE)"
expect_match "the new flags are in build/release/.flags" 'TB_FLAGS_PROBE' "$(cat "$work/build/release/.flags")"
expect_eq "the same CFLAGS again: nothing is compiled" 0 "$(build CFLAGS=-DTB_FLAGS_PROBE)"
expect_eq "back to no CFLAGS: every object is compiled again" "$((nsrc + 1))" "$(build)"
# another build's flags do not touch this one's objects
: > "$work/compiled"
make -s -C "$work" -n static CC="$work/fakecc" > /dev/null 2>&1
expect_eq "reading the Makefile for another build leaves release objects alone" 0 "$(build)"
finish
