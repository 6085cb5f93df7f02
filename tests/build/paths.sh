#!/usr/bin/env bash
# tests/build/paths.sh - no path of the build checkout is compiled into any binary
# (issue 15): recipes are found relative to the executable at run time, and
# -ffile-prefix-map keeps __FILE__ and the debug info's compile directory relative.
# Checks every binary the builds made (release, ASan, clang, static per arch), and
# proves the grep can fail: an object built here with -g but without the prefix map
# does carry the path.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1

n=0
for bin in tracebook build/asan/tracebook build/clang/tracebook build/static-*/tracebook; do
	[ -x "$bin" ] || continue
	n=$((n + 1))
	expect_eq "$bin: holds no path of the checkout ($TOP)" 0 "$(grep -c -a -F "$TOP" "$bin")"
done
for need in tracebook build/static-x86_64/tracebook; do
	[ -x "$need" ] || not_ok "$need exists (make tracebook static)"
done
[ "$n" -gt 0 ] || not_ok "no binary to check"

# every compile rule passes the prefix map
for rule in build/release/src/main.o build/asan/src/main.o build/clang/src/main.o \
	build/static-x86_64/src/main.o; do
	cmd=$(make -n -B "$rule" 2>&1 | grep -E ' -c ' | head -1)
	expect_match "$rule is compiled with -ffile-prefix-map=$TOP" "-ffile-prefix-map=$TOP" "$cmd"
done

# the grep finds the path where the map is missing (the release flags, -g, no map)
P=build/pathtest.$$
mkdir -p "$P"
trap 'rm -rf "$P"' EXIT
printf 'const char *where(void);\nconst char *where(void) { return __FILE__; }\n' > "$P/where.c"
cc -std=gnu99 -O2 -g -c -o "$P/plain.o" "$TOP/$P/where.c"
cc -std=gnu99 -O2 -g -ffile-prefix-map="$TOP/"= -ffile-prefix-map="$TOP"=. -c -o "$P/mapped.o" \
	"$TOP/$P/where.c"
expect_match "control: -g without the map embeds the checkout path" '^[1-9]' "$(grep -c -a -F "$TOP" "$P/plain.o")"
expect_eq "control: the same with the map does not" 0 "$(grep -c -a -F "$TOP" "$P/mapped.o")"

# nothing in the sources names a compiled-in recipe directory any more
expect_eq "no TB_RECIPE_DIR in the Makefile or src/" "" "$(grep -rn TB_RECIPE_DIR Makefile src)"
finish
