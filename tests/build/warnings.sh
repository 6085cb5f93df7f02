#!/usr/bin/env bash
# tests/build/warnings.sh - every build compiles with warnings as errors, proven through the
# Makefile's own rules: a source with a planted warning must fail to compile through the
# release, asan, clang, static and fuzz object rules (and a clean one must compile through the
# same rules, so the failure is the warning's), and the command each rule runs for a real
# source carries -Werror.  A Makefile edit that drops -Werror from any build fails here.
. "$(dirname "$0")/../lib.sh"

cd "$TOP" || exit 1
P=build/warntest.$$
mkdir -p "$P"
trap 'rm -rf "$P" build/release/$P build/asan/$P build/clang/$P build/static-x86_64/$P build/static-arm64/$P build/static-armhf/$P build/fuzz/$P' EXIT
cat > "$P/planted.c" <<'C'
int planted(void);
int planted(void)
{
	int unused_here;	/* -Wunused-variable: an error only with -Werror */
	return 0;
}
C
cat > "$P/clean.c" <<'C'
int clean(void);
int clean(void)
{
	return 0;
}
C

for rule in release asan clang static-x86_64 static-arm64 static-armhf fuzz; do
	case $rule in static-*) mk="make -s ARCH=${rule#static-}" ;; *) mk="make -s" ;; esac
	out=$($mk "build/$rule/$P/clean.o" 2>&1); rc=$?
	if [ "$rc" = 0 ] && [ -f "build/$rule/$P/clean.o" ]; then
		ok "$rule rule compiles a clean source"
	else
		not_ok "$rule rule compiles a clean source"; printf '%s\n' "$out" | sed 's/^/    | /' | head -10
	fi
	out=$($mk "build/$rule/$P/planted.o" 2>&1); rc=$?
	if [ "$rc" != 0 ] && [ ! -f "build/$rule/$P/planted.o" ]; then
		ok "$rule rule refuses a source with a planted warning"
	else
		not_ok "$rule rule refuses a source with a planted warning (exit $rc)"; printf '%s\n' "$out" | sed 's/^/    | /' | head -10
	fi
	expect_match "$rule: the planted warning is reported as an error" 'unused.variable.*-Werror|-Werror.*unused' "$out"
	# the command the rule runs for a real source of tracebook
	cmd=$($mk -n -B "build/$rule/src/main.o" 2>&1 | grep -E ' -c ' | head -1)
	expect_match "$rule: real sources compile with -Werror" ' -Werror( |$)' "$cmd"
	expect_match "$rule: real sources compile with -Wall -Wextra" ' -Wall .*-Wextra' "$cmd"
done
finish
