#!/usr/bin/env bash
# tests/cli/options.sh - help and parsing cannot drift: for every command,
#  1. every option its --help shows is accepted by parsing (short and long form, with a
#     value of the kind the help names);
#  2. every option parsing accepts is in its --help: all 62 short letters and every long
#     name are probed against the binary (a long prefix `--x=` tells whether any long
#     option starts with x: unknown, one option (named by its error), or ambiguous), so
#     the accepted list comes from the binary's behaviour, not from a list written here;
#  3. bad values of every number and duration option are refused naming the argument,
#     with the usage exit code (2); `diff --top -1` among them.
# A probe never lets a command run: two unknown options (--zz-a --zz-b) follow the option
# under test, so parsing always stops with a usage error after it.  Nothing here
# touches the kernel (TRACEBOOK_ROOT points at an empty directory anyway).
. "$(dirname "$0")/../lib.sh"

[ -x "$TB" ] || { skip "options" "no binary at $TB (make asan)"; finish; }
W=$(mktemp -d /tmp/tb-cli-options.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/root" "$W/run"
export TRACEBOOK_ROOT=$W/root TRACEBOOK_RUNDIR=$W/run
export ASAN_OPTIONS=detect_leaks=0	# probes only parse; the other cli tests check leaks
CMDS="run check restore diff probe recipes analyze slabs"
SENT="--zz-a --zz-b"

# probe CMD ARGS...: "rc<TAB>one-line output" of the binary ($PTB: see the sweep below)
PTB=$TB
probe() {
	local out rc
	out=$("$PTB" "$@" 2>&1 </dev/null); rc=$?
	printf '%s\t%s\n' "$rc" "${out//$'\n'/ }"
}

# the options a command's --help shows, one "SHORT LONG ARG" line each ("-" when absent):
# lines "  -d, --duration D   help", "      --folded FILE  help", "  -q, --quiet  help"
help_options() {
	"$TB" "$1" --help 2>/dev/null | perl -ne '
		next unless /^  (?:-([A-Za-z0-9])(?:, )?|    )(?:--([a-z0-9][a-z0-9-]*))?(?: ([A-Z][A-Za-z|]*))?(?:  |$)/;
		next unless defined $1 or defined $2;
		print join(" ", $1 // "-", $2 // "-", $3 // "-"), "\n";'
}

# a value of the kind the help names
value_for() {
	case $1 in
	N|PID) echo 3 ;;
	D|DURATION|INTERVAL) echo 10s ;;
	NAME) echo bash ;;
	F) [ "$2" = format ] && echo ftrace || echo "$W/f" ;;
	*) echo "$W/x" ;;
	esac
}

sentinel_named() { printf '%s' "$1" | grep -q -- "unknown option '--zz-a'\|unknown option '--zz-b'"; }

for cmd in $CMDS; do
	help_options "$cmd" > "$W/help.$cmd"
	n=$(wc -l < "$W/help.$cmd")
	[ "$n" -ge 1 ] || { not_ok "$cmd --help shows options"; continue; }
	grep -q '^h help ' "$W/help.$cmd" && ok "$cmd --help shows -h, --help" ||
		not_ok "$cmd --help does not show -h, --help"
done

# --- 1. every option in the help is accepted by parsing ---------------------------------
for cmd in $CMDS; do
	bad=
	while read -r s l arg; do
		for form in "-$s" "--$l"; do
			[ "$form" = "--" ] || [ "$form" = "---" ] && continue
			if [ "$l" = help ]; then
				r=$(probe "$cmd" "$form")
				[ "${r%%	*}" = 0 ] && [[ $r == *"usage: tracebook $cmd"* ]] || bad+=" $form"
				continue
			fi
			if [ "$arg" = - ]; then r=$(probe "$cmd" "$form" $SENT)
			else r=$(probe "$cmd" "$form" "$(value_for "$arg" "$l")" $SENT); fi
			{ [ "${r%%	*}" = 2 ] && sentinel_named "$r"; } || { bad+=" $form"; echo "    $cmd $form: $r"; }
		done
	done < "$W/help.$cmd"
	expect_eq "$cmd: every option its --help shows is accepted by parsing" "" "$bad"
done

# --- 2. every option parsing accepts is in the help -------------------------------------
# ~800 probes: the release build (same sources, ~10x faster to start) when it is newer
# than every source, else the binary under test.
[ -x "$TOP/tracebook" ] && [ -z "$(find "$TOP/src" "$TOP/Makefile" -newer "$TOP/tracebook" 2>/dev/null | head -1)" ] &&
	PTB=$TOP/tracebook
echo "# sweep binary: $PTB"
# short letters: "-X --zz-a --zz-b" is refused naming -X exactly when -X is unknown
letters=$(printf '%s\n' {a..z} {A..Z} {0..9})
for cmd in $CMDS; do
	for x in $letters; do echo "$cmd -$x"; done
done > "$W/short.probes"
# long names: --X= for every first character; answers name the option(s) behind it
for cmd in $CMDS; do
	for x in {a..z} {0..9}; do echo "$cmd --$x="; done
done > "$W/long.probes"
cat "$W/short.probes" "$W/long.probes" | while read -r c a; do
	out=$("$PTB" "$c" "$a" $SENT 2>&1 </dev/null); rc=$?	# one fork per probe
	printf '%s %s\t%s\t%s\n' "$c" "$a" "$rc" "${out//$'\n'/ }"
done > "$W/answers"
nprobes=$(wc -l < "$W/answers")
expect_eq "every probe answered (62 short + 36 long prefixes per command)" $((98 * 8)) "$nprobes"

for cmd in $CMDS; do
	accepted=
	# short options accepted: the refusal names something other than the letter itself
	while IFS=$'\t' read -r what rc out; do
		c=${what%% *}; x=${what#* -}
		[ "$c" = "$cmd" ] || continue
		[[ $what == *" --"* ]] && continue
		[[ $out == *"unknown option '-$x'"* ]] && continue
		accepted+=" -$x"
	done < "$W/answers"
	# long options: unknown prefix, one option (its error names it) or several (listed)
	while IFS=$'\t' read -r what rc out; do
		c=${what%% *}; p=${what#* --}; p=${p%=}
		[ "$c" = "$cmd" ] || continue
		[[ $what == *" --"* ]] || continue
		[[ $out == *"unknown option '--$p='"* ]] && continue
		# the options the answer names (not the "(see 'tracebook CMD --help')" hint)
		names=$(printf '%s' "${out%%(see *}" | grep -oE -- "--[a-z0-9][a-z0-9-]*" |
			grep -vxE -- "--zz-[ab]|--$p" | sort -u)
		if [ "$rc" = 2 ] && sentinel_named "$out"; then
			# a value option that took the empty value: ask it without a value
			r=$(probe "$cmd" "--$p")
			names=$(printf '%s' "$r" | grep -oE -- "option '--[a-z0-9-]+' needs a value" | grep -oE -- "--[a-z0-9-]+")
		fi
		[ -n "$names" ] || { not_ok "$cmd --$p=: no option named in: $out"; continue; }
		for nm in $names; do
			# confirm each exactly: parsing accepts it (never 'unknown', never 'ambiguous')
			r=$(probe "$cmd" "$nm=" $SENT)
			if [[ $r == *"unknown option '$nm="* ]] || [[ $r == *ambiguous* ]]; then
				not_ok "$cmd: $nm named by parsing but not accepted exactly: $r"
			else
				accepted+=" $nm"
			fi
		done
	done < "$W/answers"
	accepted=$(printf '%s\n' $accepted | sort -u | tr '\n' ' ')
	shown=$(awk '{ if ($1 != "-") print "-" $1; if ($2 != "-") print "--" $2 }' "$W/help.$cmd" | sort -u | tr '\n' ' ')
	expect_eq "$cmd: the options parsing accepts are exactly those its --help shows" "$shown" "$accepted"
done
PTB=$TB

# --- 3. bad values are refused, naming the argument, exit 2 ------------------------------
for cmd in $CMDS; do
	while read -r s l arg; do
		case $arg in
		N) vals="-1 abc 0x10 99999999999999999999999 1.5" ;;
		D|DURATION|INTERVAL) vals="soon -5s 5x 1e400" ;;
		*) continue ;;
		esac
		[ "$l" = count ] && vals="-1 abc 99999999999999999999999"
		for form in "-$s" "--$l"; do
			[ "$form" = "--" ] || [ "$form" = "---" ] && continue
			for v in $vals; do
				r=$(probe "$cmd" "$form" "$v")
				if [ "${r%%	*}" = 2 ] && [[ $r == *"$cmd: $form '$v': expected "* ]]; then
					ok "$cmd $form '$v': refused naming it, exit 2"
				else
					not_ok "$cmd $form '$v' not refused as a usage error naming it"; echo "    $r"
				fi
			done
		done
	done < "$W/help.$cmd"
done

r=$(probe diff --top -1 "$W/a.json" "$W/b.json")
expect_eq "diff --top -1: usage exit code" 2 "${r%%	*}"
expect_match "diff --top -1: refused naming --top and the value" "diff: --top '-1': expected a whole number from 1 to" "$r"
r=$(probe diff --top=4294967295 "$W/a.json" "$W/b.json")
expect_eq "diff --top 4294967295 (what -1 used to become): usage exit code" 2 "${r%%	*}"

# a value missing at the end of the line, and a value given to a flag
r=$(probe run --top); expect_eq "run --top without a value: exit 2" 2 "${r%%	*}"
expect_match "run --top without a value: named" "run: option '--top' needs a value \(N\)" "$r"
r=$(probe run --force=yes); expect_eq "run --force=yes: exit 2" 2 "${r%%	*}"
expect_match "run --force=yes: says --force takes no value" "option '--force' takes no value" "$r"
r=$(probe run --d 10s); expect_match "run --d: ambiguous, both candidates named" "ambiguous option '--d': --duration, --dry-run" "$r"

# check takes run's options and refuses what run refuses before planning
r=$(probe check slab-leak -o "$W/r.json" --force --top 3 --duration=25h --folded "$W/f" --interval 1s --text -n)
expect_eq "check accepts run's -o, --force, --top, --duration=, --folded, --interval, --text, -n" 0 "${r%%	*}"
r=$(probe check slab-leak -d 25h)
expect_eq "check -d 25h without --force: usage exit code, as run" 2 "${r%%	*}"
expect_match "check -d 25h without --force: says the 24h limit and --force" "24h limit; use --force" "$r"
[ -e "$W/r.json" ] && not_ok "check wrote the -o file" || ok "check does not write the -o file"
finish
