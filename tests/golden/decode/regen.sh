#!/usr/bin/env bash
# regen.sh - rewrite the golden files of tests/cli/decode.sh from the current build.
# Review the diff (git diff tests/golden/decode) before committing: a golden file is
# only worth something if a human checked it against the input once.
set -eu
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$TOP"
TB=${TB:-$TOP/build/asan/tracebook}
. tests/golden/decode/cases.sh
printf '%s\n' "$DECODE_CASES" | while IFS='|' read -r name files; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086
	"$TB" analyze --dump-events $files > "tests/golden/decode/$name.events" 2>/dev/null
	# shellcheck disable=SC2086
	"$TB" analyze $files -o /tmp/tb-golden.$$.json > /dev/null 2>&1
	jq -S "$DECODE_JQ" /tmp/tb-golden.$$.json > "tests/golden/decode/$name.report"
	rm -f /tmp/tb-golden.$$.json
done
