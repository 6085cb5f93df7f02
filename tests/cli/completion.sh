#!/usr/bin/env bash
# tests/cli/completion.sh - contrib/completion/tracebook.bash, driven the way bash
# drives it: COMP_WORDS/COMP_CWORD set, _tracebook called, COMPREPLY compared with
# what the binary, the recipes directory and a fake /sys and /proc say.
. "$(dirname "$0")/../lib.sh"
T=$(mktemp -d /tmp/tb-comp.XXXXXX)
trap 'rm -rf "$T"' EXIT

# comp WORD...: the completions of the last word, sorted, one per line
comp() {
	bash -c '. "$1/contrib/completion/tracebook.bash"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"
		_tracebook; printf "%s\n" "${COMPREPLY[@]}"' _ "$TOP" "$TB" "$@" | sort
}
lines() { printf '%s\n' "$@" | sort; }

out=$(bash -c '. "$1/contrib/completion/tracebook.bash"; complete -p tracebook' _ "$TOP")
expect_eq "the script registers _tracebook for tracebook" "complete -F _tracebook tracebook" "$out"

cmds=$("$TB" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
expect_match "the binary lists its commands" '^run$' "$cmds"
expect_eq "tracebook <TAB>: every command, --help, --version" "$(lines $cmds --help --version)" "$(comp "")"
expect_eq "tracebook r<TAB>: recipes report restore run" "$(lines recipes report restore run)" "$(comp r)"

# options of every command = what its --help lists
for c in $cmds; do
	want=$("$TB" "$c" --help | awk '/^ +(-[A-Za-z0-9], )?--[a-z]/ { for (i = 1; i <= NF; i++) {
		w = $i; sub(/,$/, "", w); if (w ~ /^--?[A-Za-z0-9][A-Za-z0-9-]*$/) print w; else break } }' | sort)
	expect_eq "tracebook $c -<TAB>: the options of $c --help" "$want" "$(comp "$c" -)"
done
expect_eq "tracebook run --d<TAB>" "$(lines --dry-run --duration)" "$(comp run --d)"
expect_eq "tracebook merge --h<TAB>" "$(lines --help --html)" "$(comp merge --h)"
expect_eq "tracebook check --fo<TAB> (check takes run's options)" "$(lines --folded --force)" "$(comp check --fo)"

# recipe names = the recipes directory (TRACEBOOK_RECIPES from lib.sh) and the built-in ones
names=$(cd "$TOP/recipes" && ls *.recipe | sed 's/\.recipe$//')
expect_eq "tracebook run <TAB>: every recipe" "$(lines $names)" "$(comp run "")"
expect_eq "tracebook check k<TAB>" "kernfs-leak" "$(comp check k)"
expect_eq "tracebook run -d 10s --dry-run ker<TAB>: option values are skipped" "kernfs-leak" \
	"$(comp run -d 10s --dry-run ker)"
expect_eq "tracebook recipes <TAB>" "$(lines list path show)" "$(comp recipes "")"
expect_eq "tracebook recipes show sl<TAB>" "$(lines slab-leak slub-trace)" "$(comp recipes show sl)"
mkdir -p "$T/extra"
cat > "$T/extra/zz-mine.recipe" <<'R'
[recipe]
name = zz-mine
summary = a local recipe
[param depth]
[param  wide_one ]
[tracepoint kmem:kfree]
R
expect_match "a recipe in TRACEBOOK_RECIPES is offered" '^zz-mine$' \
	"$(TRACEBOOK_RECIPES=$T/extra comp run z)"

# param= names = the recipe's [param NAME] sections
for r in $names; do
	want=$(sed -n 's/^\[param \([A-Za-z0-9_]*\)\]$/\1=/p' "$TOP/recipes/$r.recipe" | sort)
	expect_eq "tracebook run $r <TAB>: its parameters" "$want" "$(comp run "$r" "")"
done
expect_match "slab-leak takes cache= (the check above compared something)" '^cache=$' "$(comp run slab-leak "")"
expect_eq "tracebook run -d 5s <TAB>: the recipe comes next" "$(lines $names)" "$(comp run -d 5s "")"
expect_eq "tracebook run slab-leak si<TAB>" "size=" "$(comp run slab-leak si)"
expect_eq "tracebook check FILE <TAB>: parameters of a recipe file" "$(lines depth= wide_one=)" \
	"$(comp check "$T/extra/zz-mine.recipe" "")"
expect_eq "tracebook analyze -r slab-leak in<TAB>: parameters of --recipe" "interval=" \
	"$(cd "$T" && comp analyze -r slab-leak in)"

# cache= values: /proc/slabinfo when readable, else /sys/kernel/slab
mkdir -p "$T/root1/sys/kernel/slab/dentry" "$T/root1/sys/kernel/slab/kmalloc-8k" \
	"$T/root1/sys/kernel/slab/kmalloc-64" "$T/root1/sys/kernel/slab/:0000064"
expect_eq "cache=km<TAB> from /sys/kernel/slab" "$(lines cache=kmalloc-64 cache=kmalloc-8k)" \
	"$(TRACEBOOK_COMP_ROOT=$T/root1 comp run slab-leak cache=km)"
expect_eq "slabs --cache d<TAB> from /sys/kernel/slab" "dentry" \
	"$(TRACEBOOK_COMP_ROOT=$T/root1 comp slabs --cache d)"
mkdir -p "$T/root2/proc"
cp "$TOP/tests/fixtures/slabinfo/live-6.18-before.txt" "$T/root2/proc/slabinfo"
want=$(awk 'NR > 2 { print "cache=" $1 }' "$T/root2/proc/slabinfo" | grep '^cache=kmalloc-' | sort)
expect_match "the slabinfo fixture has kmalloc caches" '^cache=kmalloc-' "$want"
expect_eq "cache=kmalloc-<TAB> from /proc/slabinfo" "$want" \
	"$(TRACEBOOK_COMP_ROOT=$T/root2 comp run slab-leak cache=kmalloc-)"

# option values
fmts=$("$TB" analyze --help | sed -n 's/.*do not detect: //p' | tr -d '|' | xargs -n1 | sort)
expect_eq "analyze --format <TAB>: the formats analyze --help names" "$fmts" "$(comp analyze --format "")"
touch "$T/report-a.json" "$T/report-b.json"
expect_eq "run -o <TAB>: files" "$(lines "$T/report-a.json" "$T/report-b.json")" "$(comp run -o "$T/report-")"
expect_eq "diff <TAB>: files" "$(lines "$T/report-a.json" "$T/report-b.json")" "$(comp diff "$T/report-")"
expect_eq "run -d <TAB>: nothing to offer for a duration" "" "$(comp run -d "")"
# collect: its options, a file for -o, nothing for -d
expect_eq "tracebook collect -<TAB>" "$(lines --help --interval --output -d -h -o)" "$(comp collect -)"
expect_eq "tracebook collect -d <TAB>: a duration, nothing offered" "" "$(comp collect -d "")"
mkdir -p "$T/cdir" && touch "$T/cdir/box.tar.gz"
expect_eq "tracebook collect -o DIR/<TAB>: files" "$T/cdir/box.tar.gz" "$(comp collect -o "$T/cdir/")"
finish
