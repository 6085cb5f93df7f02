#!/usr/bin/env bash
# tests/build/man.sh - the man pages (docs/man/*.scd, built by `make man` with scdoc)
# render without warnings and say what the code does:
#   - tracebook(1): every command of `tracebook --help` has an entry, and every option
#     `tracebook CMD --help` lists (generated from the option tables the parser uses)
#     appears in that command's entry;
#   - tracebook-recipe(5): every section type and every key the recipe parser accepts
#     (asked of the parser itself, through its "unknown key ...: expected one of ..."
#     errors) appears in that section's entry, and so does every parameter type;
#     the page's example recipes pass `tracebook check`.
# Then proves the checks can fail: a page with one option or key removed is reported.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
T=$(mktemp -d /tmp/tb-man.XXXXXX)
trap 'rm -rf "$T"' EXIT

out=$(make -s man 2>&1)
expect_eq "make man builds the pages quietly" "" "$out"
for p in build/man/tracebook.1 build/man/tracebook-recipe.5; do
	if [ ! -s "$p" ]; then not_ok "$p exists"; continue; fi
	w=$(groff -man -ww -z "$p" 2>&1); rc=$?
	expect_eq "$p: groff -man -ww renders it without a warning (exit $rc)" "" "$w"
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
	expect_eq "$p: man --warnings has nothing to say" "" "$w"
done
# a stale page (older than its source) would not say what the source says
for s in docs/man/*.scd; do
	p=build/man/$(basename "$s" .scd)
	if [ -f "$p" ] && ! [ "$p" -ot "$s" ]; then ok "$p is not older than $s"
	else not_ok "$p is not older than $s"; fi
done

render() { groff -man -Tascii -P-cbou "$1" 2>/dev/null; }

# every command's --help, asked once (the sanitizer build is slow to start)
CMDS=$("$TB" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
mkdir -p "$T/help"
for c in $CMDS; do "$TB" "$c" --help > "$T/help/$c" 2>&1; done

# block PAGE_TEXT CMD: the entry of CMD in the COMMANDS section of tracebook(1)
cmd_block() {
	awk -v c="$2" '/^[A-Z]/ { sec = $0 } sec == "COMMANDS" && /^       [a-z]/ { on = ($1 == c) } sec == "COMMANDS" && on' "$1"
}

# missing_options RENDERED_PAGE: "CMD OPTION" for each option the binary has and the page lacks
missing_options() {
	local page=$1 c o blk
	for c in $CMDS; do
		blk=$(cmd_block "$page" "$c")
		if [ -z "$blk" ]; then echo "$c (no entry)"; continue; fi
		# check takes run's options and says so
		if printf '%s\n' "$blk" | grep -q "every option of run"; then blk="$blk
$(cmd_block "$page" run)"; fi
		for o in $(awk '/^ +(-[A-Za-z0-9], )?--[a-z]/ {
				for (i = 1; i <= NF; i++) { w = $i; sub(/,$/, "", w)
					if (w ~ /^--?[A-Za-z0-9][A-Za-z0-9-]*$/) print w; else break } }' "$T/help/$c"); do
			case $o in -h|--help) continue ;; esac
			printf '%s\n' "$blk" | grep -Eq -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|$)" || echo "$c $o"
		done
	done
}

render build/man/tracebook.1 > "$T/tracebook.1.txt"
nopts=$(cat "$T"/help/* | grep -cE '^ +(-[A-Za-z0-9], )?--[a-z]')
expect_match "the commands' --help list options to compare against ($nopts)" '^[1-9][0-9]+$' "$nopts"
expect_eq "tracebook(1) documents every command and each of its options" "" "$(missing_options "$T/tracebook.1.txt")"
expect_match "tracebook(1) documents --version" '--version' "$(cat "$T/tracebook.1.txt")"
expect_match "tracebook(1) lists the exit codes through 9" '^       9$' "$(cat "$T/tracebook.1.txt")"

# the check can fail: drop run's --text and slabs' --sysfs from a copy of the page
sed -e '/^\t\*--text\*$/,/^$/d' -e '/^\t\*--sysfs\* _L_$/,/^$/d' -e 's/ \[\*--sysfs\* _L_\]//' docs/man/tracebook.1.scd |
	scdoc > "$T/broken.1"
render "$T/broken.1" > "$T/broken.1.txt"
m=$(missing_options "$T/broken.1.txt")
expect_match "control: a page without run --text is caught" '^run --text$' "$m"
expect_match "control: a page without slabs --sysfs is caught" '^slabs --sysfs$' "$m"

# --- tracebook-recipe(5) against the parser -------------------------------------------
cat > "$T/probe.recipe" <<'R'
[zz_no_such_section]
[recipe]
zz_unknown = 1
[param p]
type = zz_no_such_type
zz_unknown = 1
[function]
zz_unknown = 1
[tracepoint kmem:kmalloc]
zz_unknown = 1
[kprobe k]
zz_unknown = 1
[slub-trace]
zz_unknown = 1
[snapshot]
zz_unknown = 1
[pair a]
zz_unknown = 1
[count b]
zz_unknown = 1
[balance c]
zz_unknown = 1
[growth]
zz_unknown = 1
R
errs=$("$TB" check "$T/probe.recipe" 2>&1)
sections=$(printf '%s\n' "$errs" | sed -n "s/.*unknown section 'zz_no_such_section': expected one of //p" |
	tr ',' '\n' | sed 's/^ *\[//; s/[] ].*//')
keys=$(printf '%s\n' "$errs" | sed -n "s/.*unknown key 'zz_unknown': expected one of \(.*\) in \[\([a-z-]*\)\]$/\2 \1/p" |
	awk '{ s = $1; $1 = ""; n = split($0, k, /, */); for (i = 1; i <= n; i++) { gsub(/ /, "", k[i]); if (k[i] != "") print s, k[i] } }')
types=$(printf '%s\n' "$errs" | sed -n "s/.*parameter type 'zz_no_such_type': expected //p" | sed 's/ or /, /' | tr ',' '\n' | tr -d ' ')
expect_eq "the parser names its 11 section types" 11 "$(printf '%s\n' "$sections" | grep -c .)"
expect_eq "every section type's keys come back from the parser" "$(printf '%s\n' "$sections" | sort)" \
	"$(printf '%s\n' "$keys" | awk '{ print $1 }' | sort -u)"
expect_eq "the parser names its 7 parameter types" 7 "$(printf '%s\n' "$types" | grep -c .)"

# sec_block RENDERED SECTION: the "[SECTION ...]" entry of the SECTIONS part
sec_block() {
	awk -v s="$2" '/^[A-Z]/ { part = $0 } part == "SECTIONS" && /^   \[/ { h = $1; sub(/^\[/, "", h); sub(/\]$/, "", h); on = (h == s) } part == "SECTIONS" && on' "$1"
}
missing_keys() { # RENDERED
	local s k
	printf '%s\n' "$sections" | while read -r s; do
		[ -n "$(sec_block "$1" "$s")" ] || echo "[$s] (no entry)"
	done
	printf '%s\n' "$keys" | while read -r s k; do
		sec_block "$1" "$s" | grep -Eq "^       $k( |$)" || echo "[$s] $k"
	done
	printf '%s\n' "$types" | while read -r k; do
		sec_block "$1" param | grep -Eq "^           $k( |$)" || echo "type $k"
	done
}
render build/man/tracebook-recipe.5 > "$T/recipe.5.txt"
expect_eq "tracebook-recipe(5) documents every section, key and parameter type the parser accepts" "" \
	"$(missing_keys "$T/recipe.5.txt")"
for part in 'PARAMETER SUBSTITUTION' 'EVENT REFERENCES' 'FILTERS' 'KPROBE ARGUMENTS' 'EXAMPLES'; do
	expect_match "tracebook-recipe(5) has $part" "^$part\$" "$(cat "$T/recipe.5.txt")"
done
# every filter operator the validator accepts (from its error message) is in FILTERS
ops=$(printf '[recipe]\nname = x\nsummary = x\n[tracepoint kmem:kmalloc]\nfilter = a\n' > "$T/f.recipe"
	"$TB" check "$T/f.recipe" 2>&1 | sed -n 's/.*expected an operator (\([^)]*\)).*/\1/p' | tr ',' '\n' | tr -d ' ')
expect_match "the validator names its filter operators" '==' "$ops"
fb=$(awk '/^[A-Z]/ { on = ($0 == "FILTERS") } on' "$T/recipe.5.txt")
for o in $ops; do
	printf '%s\n' "$fb" | grep -qF "\"$o\"" || not_ok "filter operator $o is in FILTERS"
done
ok "every filter operator is in FILTERS ($(echo $ops))"

# the examples are recipes the parser accepts
awk '/^```$/ { inb = !inb; if (inb) { n++; f = sprintf("%s/ex%d.recipe", d, n) } next } inb { print > f }' \
	d="$T" docs/man/tracebook-recipe.5.scd
nex=0
for f in "$T"/ex*.recipe; do
	head -1 "$f" | grep -q '^\[recipe\]' || continue
	nex=$((nex + 1))
	check "example recipe $nex of tracebook-recipe(5) passes tracebook check" "$TB" check "$f"
done
expect_match "tracebook-recipe(5) has example recipes" '^[1-9]' "$nex"

# the check can fail: a page without [pair]'s requested key and the bool type
sed -e '/^\*requested\*$/,/^$/d' -e '/^\t\*bool\*$/,/^$/d' docs/man/tracebook-recipe.5.scd | scdoc > "$T/broken.5"
render "$T/broken.5" > "$T/broken.5.txt"
m=$(missing_keys "$T/broken.5.txt")
expect_match "control: a page without [pair] requested is caught" '^\[pair\] requested$' "$m"
expect_match "control: a page without the bool type is caught" '^type bool$' "$m"
finish
