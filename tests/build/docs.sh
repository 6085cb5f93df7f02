#!/usr/bin/env bash
# tests/build/docs.sh - the documentation a newcomer reads still matches the project:
#  1. every relative link in README.md and docs/*.md resolves: the file or folder exists,
#     and a #anchor names a heading of that file (GitHub's anchor rule, -N for repeats);
#  2. every `kernel-compat.md §N` cited in src/, tests/, README.md and docs/ is a section
#     "## §N" of docs/kernel-compat.md;
#  3. every `tracebook ...` command line in a fenced code block parses:
#     - `run`/`check` lines are planned with --dry-run (run) / checked (check) on the fake
#       kernel trees (tests/fake/mktree.sh 6.x, 4.19, 3.10, armhf): exit 0 on one of them;
#     - synopsis lines (with [options]) name only options `tracebook CMD --help` lists;
#     - any other command runs on the fake 6.x tree (files it names need not exist) and
#       must not exit 2, the exit code of a command line that does not parse.
#     Lines that need a live box or a file of the reader's are listed, with the reason, in
#     tests/build/docs-allow.txt; they are reported as skip lines, never silently.
# Links into the docs other branches add (docs-allow.txt "pending") are skipped while the
# file is absent and checked like any other once it exists.
. "$(dirname "$0")/../lib.sh"
[ -x "$TB" ] || { not_ok "no $TB (make asan)"; finish; }
cd "$TOP" || exit 1
ALLOW=$TOP/tests/build/docs-allow.txt
W=$(mktemp -d /tmp/tb-docs.XXXXXX)
trap 'rm -rf "$W"' EXIT
DOCS=(README.md docs/*.md)

# anchors FILE: the GitHub anchors of FILE's headings, one per line
anchors() {
	awk '
	/^```/ { fence = !fence; next }
	fence { next }
	/^#+ / {
		h = $0; sub(/^#+ +/, "", h); h = tolower(h)
		gsub(/[^a-z0-9 _-]/, "", h); gsub(/ /, "-", h)
		if (h in seen) { seen[h]++; print h "-" seen[h] - 1 } else { seen[h] = 1; print h }
	}' "$1"
}

# allowed KIND TEXT: the reason TEXT is allowed under KIND (empty: not allowed)
allowed() {
	awk -F'\t' -v k="$1" -v t="$2" '$1 == k && $2 == t { print $3; exit }' "$ALLOW"
}

# --- 1. links ---------------------------------------------------------------------------
nlinks=0
for f in "${DOCS[@]}"; do
	dir=$(dirname "$f")
	# [text](target) outside fenced code, one target per line: FILE:LINE:TARGET
	awk '/^```/ { fence = !fence; next } !fence {
		line = $0
		while (match(line, /\]\([^) ]+\)/)) {
			print FILENAME ":" FNR ":" substr(line, RSTART + 2, RLENGTH - 3)
			line = substr(line, RSTART + RLENGTH)
		}
	}' "$f" > "$W/links"
	while IFS=: read -r file line target; do
		case $target in http://* | https://* | mailto:*) continue ;; esac
		nlinks=$((nlinks + 1))
		path=${target%%#*}
		anchor=
		[[ $target == *"#"* ]] && anchor=${target#*#}
		if [ -z "$path" ]; then dest=$file; else dest=$dir/$path; fi
		dest=$(realpath -m --relative-to="$TOP" "$dest")
		if [ ! -e "$dest" ]; then
			why=$(allowed pending "$dest")
			if [ -n "$why" ]; then skip "link $file:$line -> $target" "$dest absent: $why"
			else not_ok "link $file:$line -> $target: $dest does not exist"; fi
			continue
		fi
		if [ -n "$anchor" ]; then
			if [ -d "$dest" ]; then not_ok "link $file:$line -> $target: #anchor on a folder"; continue; fi
			if ! anchors "$dest" | grep -qxF -- "$anchor"; then
				not_ok "link $file:$line -> $target: no heading in $dest makes #$anchor"
				continue
			fi
		fi
		ok "link $file:$line -> $target"
	done < "$W/links"
done
[ "$nlinks" -gt 10 ] || not_ok "found only $nlinks relative links in ${DOCS[*]} (the link parser broke?)"

# --- 2. kernel-compat citations ---------------------------------------------------------
grep -o '^## §[0-9]*' docs/kernel-compat.md | sed 's/^## //' | sort -u > "$W/sections"
grep -rnoIE 'kernel-compat(\.md)? *§[0-9]+' src tests README.md docs recipes 2>/dev/null |
	grep -v '^tests/build/docs.sh:' > "$W/cites"
[ -s "$W/cites" ] || not_ok "no kernel-compat.md §N citation found (the grep broke?)"
while IFS= read -r c; do
	sec=§${c##*§}
	if grep -qxF "$sec" "$W/sections"; then ok "cited ${c#*:*:} ($(echo "$c" | cut -d: -f1,2)) is a section of docs/kernel-compat.md"
	else not_ok "cited ${c#*:*:} ($(echo "$c" | cut -d: -f1,2)): docs/kernel-compat.md has no '## $sec'"; fi
done < "$W/cites"

# --- 3. command lines -------------------------------------------------------------------
for era in 6.x 4.19 3.10; do
	bash tests/fake/mktree.sh "$era" "$W/$era" > /dev/null || { not_ok "mktree $era"; finish; }
done
FAKE_ARCH=armv7l bash tests/fake/mktree.sh 6.x "$W/armhf" > /dev/null || { not_ok "mktree armhf"; finish; }
mkdir -p "$W/run" "$W/cwd"
# the example files the docs use as ./NAME (docs/examples/bad.recipe)
cp docs/examples/* "$W/cwd/" 2>/dev/null
COMMANDS=" $("$TB" --help 2>&1 | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { printf "%s ", $1 }') "
[ "$COMMANDS" != "  " ] || not_ok "could not read the command list from tracebook --help"

# tbf ERA ARGS...: tracebook on a fake tree, from an empty directory; exit status in $rc
tbf() {
	local era=$1; shift
	out=$(cd "$W/cwd" && TRACEBOOK_ROOT=$W/$era TRACEBOOK_RUNDIR=$W/run timeout 5 "$TB" "$@" 2>&1 < /dev/null)
	rc=$?
}

ncmd=0
for f in "${DOCS[@]}"; do
	awk '/^```/ { fence = !fence; next } fence && /^(\$ |# )?tracebook / {
		l = $0; sub(/^(\$ |# )/, "", l); print FILENAME "\t" FNR "\t" l }' "$f"
done > "$W/cmds"
while IFS=$'\t' read -r file line cmd; do
	# drop a trailing comment and trailing blanks
	cmd=$(printf '%s' "$cmd" | sed -e 's/[[:space:]]\{1,\}#.*$//' -e 's/[[:space:]]*$//')
	read -r -a argv <<< "$cmd"
	sub=${argv[1]:-}
	[[ $COMMANDS == *" $sub "* ]] || continue	# output text such as "tracebook probe: Linux ..."
	ncmd=$((ncmd + 1))
	what="$file:$line: $cmd"
	why=$(allowed cmd "$cmd")
	if [ -n "$why" ]; then skip "command $what" "$why"; continue; fi
	if [[ $cmd == *"["* || $cmd == *"<"* || $cmd == *"..."* || $cmd == *"…"* ]]; then
		# a synopsis: every long option it shows must be one the command accepts
		help=$("$TB" "$sub" --help 2>&1)
		bad=
		for o in $(printf '%s\n' "$cmd" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
			printf '%s\n' "$help" | grep -qE -- "(^|[ ,])$o([ =,]|$)" || bad="$bad $o"
		done
		if [ -z "$bad" ]; then ok "synopsis $what: its options are in '$sub --help'"
		else not_ok "synopsis $what: '$sub --help' has no$bad"; fi
		continue
	fi
	args=("${argv[@]:1}")
	ex=
	for a in "${args[@]}"; do
		case $a in ./*) [ -e "docs/examples/${a#./}" ] && ex=$a ;; esac
	done
	if [ -n "$ex" ]; then
		# a transcript of an example file: the lines after the command, up to the next
		# "$ " line or the fence, must be exactly what tracebook prints
		awk -v from="$line" 'NR > from { if (/^```/ || /^\$ /) exit; print }' "$file" > "$W/want"
		tbf 6.x "${args[@]}"
		printf '%s\n' "$out" > "$W/got"
		if [ "$rc" != 2 ] && [ -s "$W/want" ] && diff -u "$W/want" "$W/got" > "$W/tdiff"; then
			ok "transcript $what: output as documented (exit $rc)"
		else
			not_ok "transcript $what: exit $rc, output differs from the docs"
			sed 's/^/    /' "$W/tdiff"
		fi
		continue
	fi
	case $sub in
	run | check)
		[ "$sub" = run ] && args+=(--dry-run)
		good=
		for era in 6.x 4.19 3.10 armhf; do
			tbf "$era" "${args[@]}"
			[ "$rc" = 0 ] && { good=$era; break; }
		done
		if [ -n "$good" ]; then ok "command $what: tracebook ${args[*]} exits 0 on the fake $good tree"
		else not_ok "command $what: exit $rc on every fake tree"; printf '%s\n' "$out" | tail -4 | sed 's/^/    /'; fi
		;;
	*)
		tbf 6.x "${args[@]}"
		if [ "$rc" != 2 ]; then ok "command $what: parses (exit $rc on the fake 6.x tree, not 2)"
		else not_ok "command $what: exit 2 (does not parse)"; printf '%s\n' "$out" | tail -4 | sed 's/^/    /'; fi
		;;
	esac
done < "$W/cmds"
[ "$ncmd" -gt 5 ] || not_ok "found only $ncmd tracebook command lines in the docs (the parser broke?)"

# allowlist entries that no longer match anything are stale
while IFS=$'\t' read -r kind text _; do
	case $kind in
	cmd) cut -f3 "$W/cmds" | sed -e 's/[[:space:]]\{1,\}#.*$//' -e 's/[[:space:]]*$//' | grep -qxF -- "$text" ||
		not_ok "docs-allow.txt: no docs line is '$text' any more (remove the entry)" ;;
	esac
done < <(grep -v '^#' "$ALLOW" | grep -v '^$')
finish
