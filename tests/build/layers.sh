#!/usr/bin/env bash
# tests/build/layers.sh - folders are layers (docs/design.md, "Folders are layers").
#
# Reads the folder order from the ```layers block of docs/design.md (the one place it is
# written; one line per layer, bottom first, siblings on one line) and every
# #include "..." under src/, and fails on:
#   - an include of a folder on a higher line (up) or of a sibling on the same line;
#   - an include of another folder's private header (*-local.h);
#   - an include that does not name its folder ("x.h" instead of "folder/x.h");
#   - a folder under src/ that has no place in the order;
#   - a file that does not start with a comment naming itself ("name.c - what it owns");
#   - an include graph that differs from the one docs/design.md shows.
# Then it proves the checker can fail: copies of the tree with one planted fault each
# must be reported, naming the file and the kind of fault.
. "$(dirname "$0")/../lib.sh"

# The order block of a design document, one layer per line.
layer_order() {
	awk '/^```layers[[:space:]]*$/ { on = 1; next } on && /^```/ { exit } on && NF' "$1"
}

# layer_violations ROOT: one line per violation in ROOT/src against ROOT/docs/design.md.
layer_violations() {
	local root=$1 order f d
	order=$(layer_order "$root/docs/design.md")
	if [ -z "$order" ]; then
		echo "docs/design.md: no \`\`\`layers block (the folder order)"
		return
	fi
	(
		cd "$root" || exit 1
		for d in src/*/; do
			d=${d%/}
			d=${d#src/}
			printf '%s\n' "$order" | tr -s ' \t' '\n\n' | grep -qx "$d" ||
				echo "src/$d/: folder has no place in the layers of docs/design.md"
		done
		find src -name '*.[ch]' | sort | xargs awk '
			FNR == 1 { name = FILENAME; sub(/.*\//, "", name); files[++n] = FILENAME }
			FNR <= 3 && index($0, name " - ") { named[FILENAME] = 1 }
			END {
				for (i = 1; i <= n; i++)
					if (!(files[i] in named)) {
						name = files[i]; sub(/.*\//, "", name)
						print files[i] ": does not start with a comment naming itself (\"" name " - what it owns\")"
					}
			}'
		find src -name '*.[ch]' | sort | xargs grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' |
		awk -v order="$order" '
		BEGIN {
			nl = split(order, lines, "\n")
			for (r = 1; r <= nl; r++) {
				nw = split(lines[r], w, /[ \t]+/)
				for (i = 1; i <= nw; i++)
					if (w[i] != "")
						rank[w[i]] = r
			}
		}
		{
			file = $0; sub(/:.*/, "", file)
			rest = substr($0, length(file) + 2)
			lno = rest; sub(/:.*/, "", lno)
			inc = rest; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
			rel = substr(file, 5)
			from = index(rel, "/") ? substr(rel, 1, index(rel, "/") - 1) : "main"
			where = file ":" lno ": #include \"" inc "\""
			if (!(from in rank))
				next		# said once per folder above
			if (!index(inc, "/")) {
				print where ": name the folder (\"folder/" inc "\")"
				next
			}
			to = substr(inc, 1, index(inc, "/") - 1)
			if (!(to in rank)) {
				print where ": " to " has no place in the layers"
				next
			}
			if (inc ~ /-local\.h$/ && to != from)
				print where ": private to src/" to "/ (a -local.h header)"
			else if (to == from)
				next
			else if (rank[to] > rank[from])
				print where ": goes up (" from " is below " to ")"
			else if (rank[to] == rank[from])
				print where ": goes sideways (" from " and " to " are siblings)"
		}'
	)
}

# The folder include graph of ROOT/src: "from -> to to ..." per folder, sorted.
include_graph() {
	(
		cd "$1" || exit 1
		find src -name '*.[ch]' | sort | xargs grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"/]*/' |
		awk '{
			file = $0; sub(/:.*/, "", file)
			rel = substr(file, 5)
			from = index(rel, "/") ? substr(rel, 1, index(rel, "/") - 1) : "main"
			inc = $0; sub(/^[^"]*"/, "", inc); sub(/\/.*/, "", inc)
			if (inc != from)
				print from, inc
		}' | sort -u | awk '$1 != last { if (NR > 1) print line; line = $1 " ->"; last = $1 }
			{ line = line " " $2 } END { if (NR) print line }'
	)
}

# The graph as docs/design.md shows it ("from → to to"), same normal form.
doc_graph() {
	awk '/^The include graph/ { want = 1; next }
		want && /^```/ { if (on) exit; on = 1; next }
		on && NF { print }' "$1" |
	while read -r from arrow rest; do
		printf '%s ->' "$from"
		printf ' %s' $(printf '%s\n' $rest | sort)
		echo
	done | sort
}

# --- the tree as it is -----------------------------------------------------------------
order=$(layer_order "$TOP/docs/design.md")
expect_match "docs/design.md has the folder order (a \`\`\`layers block, util at the bottom)" \
	'^util$' "$order"
nfiles=$(find "$TOP/src" -name '*.[ch]' | wc -l)
nincl=$(find "$TOP/src" -name '*.[ch]' | xargs grep -h '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' | wc -l)
[ "$nincl" -gt 100 ] && ok "found $nincl #include \"...\" lines in $nfiles files under src/" ||
	not_ok "found only $nincl #include lines under src/ (the scan is broken)"
v=$(layer_violations "$TOP")
if [ -z "$v" ]; then
	ok "every #include under src/ goes down the layers of docs/design.md; private headers stay in their folder; every file names itself in its top comment"
else
	not_ok "includes against the layers of docs/design.md"
	printf '%s\n' "$v" | sed 's/^/    /'
fi
code=$(include_graph "$TOP")
doc=$(doc_graph "$TOP/docs/design.md")
expect_eq "the include graph in docs/design.md is the code's" "$code" "$doc"

# --- the checker fails when it should ----------------------------------------------------
tmp=$(mktemp -d /tmp/tb-layers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# plant NAME FILE LINE: a copy of the tree with LINE added to FILE; prints the violations.
plant() {
	rm -rf "$tmp/t"
	mkdir -p "$tmp/t/docs"
	cp -r "$TOP/src" "$tmp/t/src"
	cp "$TOP/docs/design.md" "$tmp/t/docs/"
	mkdir -p "$(dirname "$tmp/t/$1")"
	printf '%s\n' "$2" >> "$tmp/t/$1"
	layer_violations "$tmp/t"
}

expect_eq "an unchanged copy of the tree has no violation" "" "$(plant src/util/strbuf.c '')"
expect_match "planted upward include (util -> cmd) is reported" \
	'^src/util/strbuf\.c:[0-9]+: #include "cmd/cmds\.h": goes up \(util is below cmd\)$' \
	"$(plant src/util/strbuf.c '#include "cmd/cmds.h"')"
expect_match "planted upward include (kernel -> plan, the old cycle) is reported" \
	'^src/kernel/caps\.c:[0-9]+: #include "plan/plan\.h": goes up' \
	"$(plant src/kernel/caps.c '#include "plan/plan.h"')"
expect_match "planted sideways include (capture -> analyze) is reported" \
	'^src/capture/capture\.c:[0-9]+: #include "analyze/analysis\.h": goes sideways' \
	"$(plant src/capture/capture.c '#include "analyze/analysis.h"')"
expect_match "planted include of another folder's -local.h (report -> analyze) is reported" \
	'^src/report/text\.c:[0-9]+: #include "analyze/analysis-local\.h": private to src/analyze/' \
	"$(plant src/report/text.c '#include "analyze/analysis-local.h"')"
expect_match "planted include without its folder is reported" \
	'^src/plan/plan\.c:[0-9]+: #include "caps\.h": name the folder' \
	"$(plant src/plan/plan.c '#include "caps.h"')"
expect_match "a folder with no place in the order is reported" \
	'^src/newdir/: folder has no place' \
	"$(plant src/newdir/x.c '/* x.c - a new file */')"
expect_match "a file without a comment naming itself is reported" \
	'^src/util/bare\.c: does not start with a comment naming itself' \
	"$(plant src/util/bare.c 'int tb_bare;')"
rm -rf "$tmp/t"
mkdir -p "$tmp/t/docs"
cp -r "$TOP/src" "$tmp/t/src"
sed '/^```layers/,/^```$/d' "$TOP/docs/design.md" > "$tmp/t/docs/design.md"
expect_match "a design.md without the order block is reported" 'no ```layers block' \
	"$(layer_violations "$tmp/t")"
finish
