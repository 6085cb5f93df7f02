#!/usr/bin/env bash
# tests/cli/merge.sh - `tracebook merge` end to end on files: two boxes of one kernel
# whose KASLR offsets differ (tests/fixtures/merge/box-{a,b}.trace: the same kmalloc call
# sites at other addresses, each box with its own kallsyms) analyzed into reports, a box
# whose run failed (the playbook's status.json), a box that ran another recipe; the
# merged text and JSON against tests/golden/merge/ (UPDATE_GOLDEN=1 rewrites them), and
# the errors (exit 2 usage, exit 3 naming the file).
. "$(dirname "$0")/../lib.sh"

[ -x "$TB" ] || { skip "merge" "no binary at $TB (make asan)"; finish; }
F=$TOP/tests/fixtures/merge
G=$TOP/tests/golden/merge
d=$(mktemp -d /tmp/tb-cli-merge.XXXXXX)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/results/box-a" "$d/results/box-b" "$d/results/box-c" "$d/results/box-d"
for b in a b; do
	check "analyze box-$b (its own kallsyms)" "$TB" analyze --recipe slab-leak \
		--kallsyms "$F/box-$b.kallsyms" "$F/box-$b.trace" -o "$d/results/box-$b/report.json"
done
sites() { grep -o 'call_site=[0-9a-f]*' "$1" | sort -u; }
expect_eq "the boxes share no raw call-site address (KASLR)" "" "$(comm -12 <(sites "$F/box-a.trace") <(sites "$F/box-b.trace"))"
cat > "$d/results/box-c/status.json" <<'JSON'
{"host":"box-c","status":"failed","stage":"run","exit_code":7,"message":"tracebook: error: someone else is using tracing on this kernel:","arch":"x86_64","probe":"","restore":"rc=0"}
JSON
# (none of kernfs-leak's events in box-a's trace: exit 10, no verdict, report written)
"$TB" analyze --recipe kernfs-leak "$F/box-a.trace" -o "$d/results/box-d/report.json" >/dev/null 2>&1
expect_eq "analyze box-d with another recipe: a report (exit 10, no verdict)" "10 yes" \
	"$? $([ -s "$d/results/box-d/report.json" ] && echo yes)"

cd "$d" || exit 1
out=$("$TB" merge -o merged.json results/* 2>&1); rc=$?
expect_eq "merge exits 0" 0 "$rc"
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
	printf '%s\n' "$out" > "$G/merged.txt"
	jq -S . merged.json > "$G/merged.json"
fi
expect_eq "text as tests/golden/merge/merged.txt" "$(cat "$G/merged.txt")" "$out"
expect_eq "JSON as tests/golden/merge/merged.json" "$(cat "$G/merged.json")" "$(jq -S . merged.json)"
# what the golden files hold, said outright
expect_match "leaky_init matched across both KASLR layouts" \
	'^  slab leaky_init\+0x45/0x100 \[leaky\]: on 2 of 2 hosts, 7 outstanding' "$out"
expect_eq "per host: box-a 3, box-b 4" "box-a 3,box-b 4" \
	"$(jq -r '[.groups[] | select(.site | startswith("leaky_init")) | .per_host[] | "\(.host) \(.count)"] | join(",")' merged.json)"
expect_match "the failed host with its exit code" '^  box-c: exit 7 at run: tracebook: error: someone else' "$out"
expect_match "the other recipe is named, not merged" '^  box-d: recipe kernfs-leak, the merged hosts ran slab-leak' "$out"

out=$("$TB" merge 2>&1); rc=$?
expect_eq "no argument: exit 2" 2 "$rc"
out=$("$TB" merge results/nope 2>&1); rc=$?
expect_eq "missing file: exit 3" 3 "$rc"
expect_match "missing file named" 'results/nope: no such file' "$out"
mkdir -p empty
out=$("$TB" merge empty 2>&1); rc=$?
expect_eq "directory with no report and no status: exit 3" 3 "$rc"
expect_match "... and why" 'empty: neither report.json nor status.json' "$out"
printf '{"tool":"tracebook","pairs":[' > results/box-a/report.json
out=$("$TB" merge results/box-a 2>&1); rc=$?
expect_eq "truncated report: exit 3" 3 "$rc"
expect_match "... naming the file" 'results/box-a/report.json' "$out"
finish
