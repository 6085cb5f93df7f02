# tracebook.bash - bash completion for tracebook(1).
#
# Install as /usr/share/bash-completion/completions/tracebook (make install does), or
# source it.  Commands come from `tracebook --help` and each command's options from
# `tracebook CMD --help` (built from the same option tables the parser uses), recipe
# names from `tracebook recipes`, param= names from the chosen recipe's [param]
# sections, and cache= values from /sys/kernel/slab (or /proc/slabinfo when readable).
# TRACEBOOK_COMP_ROOT (empty by default) prefixes /sys and /proc, for tests.

# the tracebook being completed (as typed: ./tracebook, build/asan/tracebook, ...)
_tracebook_bin()
{
	local b=${COMP_WORDS[0]}
	b=${b/#\~/$HOME}
	if [[ $b == */* ]]; then printf '%s\n' "$b"; else command -v "$b" 2>/dev/null || echo tracebook; fi
}

_tracebook_commands()
{
	"$1" --help 2>/dev/null | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'
}

# long and short options of a command, from its --help option list
_tracebook_options()
{
	"$1" "$2" --help 2>/dev/null | awk '
		/^ +(-[A-Za-z0-9], )?--[a-z]/ {
			for (i = 1; i <= NF; i++) {
				w = $i; sub(/,$/, "", w)
				if (w ~ /^--?[A-Za-z0-9][A-Za-z0-9-]*$/) print w; else break
			}
		}'
}

# options of a command that take a value (the help shows an argument name after them)
_tracebook_option_takes_arg()
{
	"$1" "$2" --help 2>/dev/null | awk -v o="$3" '
		/^ +(-[A-Za-z0-9], )?--[a-z]/ {
			mine = 0
			for (i = 1; i <= NF; i++) {
				w = $i; sub(/,$/, "", w)
				if (w !~ /^--?[A-Za-z0-9][A-Za-z0-9-]*$/) break
				if (w == o) mine = 1
			}
			if (mine) { found = (i <= NF && $i ~ /^[A-Z][A-Z0-9_|.]*$/); exit }
		}
		END { exit !found }'
}

_tracebook_recipe_names()
{
	"$1" recipes 2>/dev/null | awk '/^  [A-Za-z0-9_-]+( |$)/ { print $1 }'
}

# the [param NAME] names of recipe $2 (a name or a file)
_tracebook_params()
{
	local text
	if [[ $2 == */* || $2 == *.recipe ]] && [[ -f $2 ]]; then
		text=$(<"$2")
	else
		text=$("$1" recipes show "$2" 2>/dev/null)
	fi
	printf '%s\n' "$text" | sed -n 's/^[[:space:]]*\[param[[:space:]]\{1,\}\([A-Za-z0-9_]\{1,\}\)[[:space:]]*\].*/\1/p'
}

_tracebook_caches()
{
	local root=${TRACEBOOK_COMP_ROOT:-} d
	if [[ -r $root/proc/slabinfo ]]; then
		awk 'NR > 2 { print $1 }' "$root/proc/slabinfo"
	elif [[ -d $root/sys/kernel/slab ]]; then
		for d in "$root"/sys/kernel/slab/*; do
			[[ -e $d ]] && printf '%s\n' "${d##*/}"
		done
	fi
}

_tracebook()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= bin cmd= recipe= i w nargs=0
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	bin=$(_tracebook_bin)

	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W "$(_tracebook_commands "$bin") --help --version" -- "$cur"))
		return 0
	fi
	cmd=${COMP_WORDS[1]}

	# the value of an option: files, durations, or nothing to offer
	if [[ $prev == -* ]] && _tracebook_option_takes_arg "$bin" "$cmd" "$prev"; then
		case $prev in
		--cache) COMPREPLY=($(compgen -W "$(_tracebook_caches)" -- "$cur")) ;;
		--format) COMPREPLY=($(compgen -W "ftrace klog tracecmd dat slabinfo" -- "$cur")) ;;
		--recipe|-r) COMPREPLY=($(compgen -W "$(_tracebook_recipe_names "$bin")" -- "$cur"))
			COMPREPLY+=($(compgen -f -X '!*.recipe' -- "$cur")) ;;
		-d|--duration|--interval|-i|--between|--top|-n|--count) ;;
		*) COMPREPLY=($(compgen -f -- "$cur")) ;;
		esac
		return 0
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_tracebook_options "$bin" "$cmd")" -- "$cur"))
		return 0
	fi

	# the recipe: the first word after the command that is no option and no option value
	for ((i = 2; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -* ]]; then
			_tracebook_option_takes_arg "$bin" "$cmd" "$w" && ((i++))
			[[ ($w == -r || $w == --recipe) && $cmd == analyze ]] && recipe=${COMP_WORDS[i]}
			continue
		fi
		[[ $w == *=* ]] && continue
		((nargs++))
		[[ -z $recipe && ($cmd == run || $cmd == check) ]] && recipe=$w
	done

	case $cmd in
	run|check|analyze)
		if [[ $cur == cache=* ]]; then
			COMPREPLY=($(compgen -P cache= -W "$(_tracebook_caches)" -- "${cur#cache=}"))
			return 0
		fi
		if [[ $cmd != analyze && -z $recipe ]]; then
			COMPREPLY=($(compgen -W "$(_tracebook_recipe_names "$bin")" -- "$cur"))
			[[ $cur == */* || $cur == .* ]] && COMPREPLY+=($(compgen -f -- "$cur"))
			return 0
		fi
		if [[ -n $recipe ]]; then
			COMPREPLY=($(compgen -S = -W "$(_tracebook_params "$bin" "$recipe")" -- "$cur"))
			compopt -o nospace 2>/dev/null
		fi
		[[ $cmd == analyze ]] && COMPREPLY+=($(compgen -f -- "$cur"))
		;;
	recipes)
		if ((nargs == 0)); then
			COMPREPLY=($(compgen -W "list show path" -- "$cur"))
		elif ((nargs == 1)) && [[ ${COMP_WORDS[2]} == show || ${COMP_WORDS[2]} == path ]]; then
			COMPREPLY=($(compgen -W "$(_tracebook_recipe_names "$bin")" -- "$cur"))
		fi
		;;
	diff|slabs)
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	esac
	return 0
}
complete -F _tracebook tracebook
