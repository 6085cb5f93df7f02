#!/usr/bin/env bash
# run-tests.sh - run every test tracebook has and print one closing line:
#   "N passed, N failed, N skipped"
# Unit tests: build/asan/tests/* (cmocka).  Shell tests: tests/{build,cli,live,vm}/*.sh
# (lines "ok -", "not ok -", "skip -", see tests/lib.sh).  Exit status 1 if anything failed.
# TESTS="unit cli" limits the tiers; TEST_FILTER=regex limits the files.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
tiers=${TESTS:-"unit build cli live vm"}
filter=${TEST_FILTER:-.}
pass=0 fail=0 skipped=0
failed_names=()
log=$(mktemp -d /tmp/tracebook-tests.XXXXXX)
# live tests mount tracefs where none is mounted: unmount it again at the end
# shellcheck source=tests/lib.sh
mounts_before=$(. "$TOP/tests/lib.sh" && tracing_mounts)

count_cmocka() { # file name rc
	local f=$1 name=$2 rc=$3 p fl s
	p=$(grep -c '^\[       OK \]' "$f")
	fl=$(grep -E '^\[  FAILED  \] [A-Za-z_]' "$f" | grep -vc 'test(s)')
	s=$(grep -c '^\[  SKIPPED \]' "$f")
	if [ "$rc" != 0 ] && [ "$fl" = 0 ]; then fl=1; echo "    $name exited $rc without a cmocka failure line (crash or sanitizer report)"; tail -30 "$f" | sed 's/^/    | /'; fi
	grep -E '^\[  FAILED  \] [A-Za-z_]' "$f" | grep -v 'test(s)' | sed "s|^|    $name: |"
	pass=$((pass + p)); fail=$((fail + fl)); skipped=$((skipped + s))
	[ "$fl" = 0 ] || failed_names+=("$name")
}

count_sh() { # file name rc
	local f=$1 name=$2 rc=$3 p fl s
	p=$(grep -c '^ok - ' "$f")
	fl=$(grep -c '^not ok - ' "$f")
	s=$(grep -c '^skip - ' "$f")
	# each failure with its detail lines (indented, as expect_eq prints them), at most 12
	awk -v n="$name" '/^(not ok|skip) - / { print "    " n ": " $0; d = (/^not ok/) ? 12 : 0; next }
		d > 0 && /^    / { print "    " $0; d--; next } { d = 0 }' "$f"
	if [ "$rc" != 0 ]; then fl=$((fl + 1)); echo "    $name: script exited $rc"; tail -20 "$f" | sed 's/^/    | /'; fi
	if [ "$p$fl$s" = 000 ]; then fl=1; echo "    $name: ran no check"; fi
	pass=$((pass + p)); fail=$((fail + fl)); skipped=$((skipped + s))
	[ "$fl" = 0 ] || failed_names+=("$name")
}

for tier in $tiers; do
	case $tier in
	unit)
		for b in build/asan/tests/test_*; do
			[ -x "$b" ] || continue
			n=unit/$(basename "$b")
			echo "$n" | grep -Eq "$filter" || continue
			echo "== $n"
			( cd "$TOP" && ASAN_OPTIONS=detect_leaks=1 "$b" ) > "$log/out" 2>&1; rc=$?
			count_cmocka "$log/out" "$n" "$rc"
		done ;;
	*)
		for s in tests/$tier/*.sh; do
			[ -f "$s" ] || continue
			n=$tier/$(basename "$s" .sh)
			echo "$n" | grep -Eq "$filter" || continue
			echo "== $n"
			start=$(date +%s)
			bash "$s" > "$log/out" 2>&1; rc=$?
			count_sh "$log/out" "$n" "$rc"
			echo "   ($(( $(date +%s) - start ))s)"
		done ;;
	esac
done
rm -rf "$log"
( . "$TOP/tests/lib.sh" && unmount_new_tracing_mounts "$mounts_before" )
if [ ${#failed_names[@]} -gt 0 ]; then echo "failed: ${failed_names[*]}"; fi
echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" = 0 ]
