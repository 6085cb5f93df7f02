#!/usr/bin/env bash
# tests/build/kit.sh - the field kit (`make kit`, build/kit/tracebook-VERSION.tar.gz):
# what it holds, its checksums, install.sh (POSIX sh, under busybox too) into a
# scratch prefix, and the installed binary finding its recipes there; a kit binary
# run in place finds the recipes beside it.  `make check` builds the kit first.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
V=$(sed -n 's/^#define TB_VERSION "\(.*\)"/\1/p' src/util/version.h)
K=build/kit/tracebook-$V.tar.gz
T=$(mktemp -d /tmp/tb-kit.XXXXXX)
trap 'rm -rf "$T"' EXIT

# make kit refuses an architecture it cannot build, naming it
out=$(make -s kit KIT_ARCHS="x86_64 sparc64" 2>&1); rc=$?
if [ "$rc" != 0 ]; then ok "make kit with an arch it cannot build fails (exit $rc)"; else not_ok "make kit with an arch it cannot build fails"; fi
expect_match "... and names it" "cannot build 'make static ARCH=sparc64'" "$out"

if [ ! -f "$K" ]; then not_ok "$K exists (make kit)"; finish; fi
expect_eq "the tarball matches its .sha256" "$K: OK" "$(cd build/kit && sha256sum -c "tracebook-$V.tar.gz.sha256" 2>&1 | sed "s|^|build/kit/|")"
tar -C "$T" -xzf "$K" || not_ok "the kit extracts"
D=$T/tracebook-$V
want=$(
	printf '%s\n' FIELD.md SHA256SUMS install.sh completion/tracebook.bash man/tracebook.1 \
		man/tracebook-recipe.5 tracebook-x86_64 tracebook-aarch64 tracebook-armhf
	(cd recipes && ls *.recipe | sed 's|^|recipes/|')
)
expect_eq "the kit holds the binaries, recipes, man pages, completion, FIELD.md, install.sh, SHA256SUMS" \
	"$(printf '%s\n' "$want" | LC_ALL=C sort)" "$(cd "$D" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)"
expect_eq "every file but SHA256SUMS is in SHA256SUMS" "$(cd "$D" && find . -type f ! -name SHA256SUMS | wc -l)" \
	"$(grep -c . "$D/SHA256SUMS")"
expect_eq "sha256sum -c SHA256SUMS: all OK" "" "$(cd "$D" && sha256sum -c SHA256SUMS 2>&1 | grep -v ': OK$')"
for a in x86_64:X86-64 aarch64:AArch64 armhf:ARM; do
	b=$D/tracebook-${a%%:*}
	[ -f "$b" ] || continue
	expect_match "tracebook-${a%%:*} is a static ${a#*:} executable" "Machine: +(Advanced Micro Devices )?${a#*:}\$" "$(readelf -h "$b")"
	expect_match "tracebook-${a%%:*} is statically linked" 'statically linked' "$(file -b "$b")"
done
for f in recipes/*.recipe; do
	cmp -s "$f" "$D/$f" || not_ok "$D/$f is the tree's $f"
done
cmp -s build/man/tracebook.1 "$D/man/tracebook.1" && cmp -s docs/FIELD.md "$D/FIELD.md" &&
	cmp -s contrib/completion/tracebook.bash "$D/completion/tracebook.bash" &&
	ok "man page, FIELD.md and completion are the tree's" || not_ok "man page, FIELD.md and completion are the tree's"

# a kit binary run in place finds the recipes beside it (no TRACEBOOK_RECIPES)
out=$(env -u TRACEBOOK_RECIPES "$D/tracebook-x86_64" recipes path slab-leak 2>&1)
expect_eq "the kit's binary, run in place, finds ./recipes beside it" "$D/recipes/slab-leak.recipe" "$out"

# install.sh into scratch prefixes: dash (sh) and busybox sh
shells="sh"
command -v busybox >/dev/null && busybox sh -c true 2>/dev/null && shells="$shells busybox"
for sh in $shells; do
	P=$T/prefix-$sh
	case $sh in busybox) run=(busybox sh) ;; *) run=(sh) ;; esac
	# busybox's own applets (cp, mkdir, sha256sum, uname) only: PATH holds nothing else
	if [ "$sh" = busybox ]; then
		mkdir -p "$T/bb"; for a in $(busybox --list); do ln -sf "$(command -v busybox)" "$T/bb/$a"; done
		out=$(cd / && PATH=$T/bb "${run[@]}" "$D/install.sh" --prefix "$P" 2>&1); rc=$?
	else
		out=$(cd / && "${run[@]}" "$D/install.sh" --prefix "$P" 2>&1); rc=$?
	fi
	expect_eq "install.sh under $sh installs into a scratch prefix (exit 0)" 0 "$rc"
	[ "$rc" = 0 ] || printf '%s\n' "$out" | sed 's/^/    | /' | head -10
	expect_match "install.sh under $sh says it chose x86_64" "^installed tracebook $V \(x86_64\)" "$out"
	for f in bin/tracebook share/man/man1/tracebook.1 share/man/man5/tracebook-recipe.5 \
		share/bash-completion/completions/tracebook share/tracebook/recipes/slab-leak.recipe; do
		[ -f "$P/$f" ] || not_ok "$sh: $P/$f installed"
	done
	cmp -s "$P/bin/tracebook" "$D/tracebook-x86_64" && ok "$sh: the installed binary is the kit's x86_64 one" ||
		not_ok "$sh: the installed binary is the kit's x86_64 one"
	expect_eq "$sh: installed tracebook --version" "tracebook $V" "$(env -u TRACEBOOK_RECIPES "$P/bin/tracebook" --version 2>&1)"
	out=$(env -u TRACEBOOK_RECIPES "$P/bin/tracebook" recipes 2>&1)
	expect_match "$sh: installed tracebook recipes reads PREFIX/share/tracebook/recipes" \
		"from $P/share/tracebook/recipes\)" "$out"
	expect_eq "$sh: installed tracebook finds slab-leak in PREFIX/share/tracebook/recipes" \
		"$P/share/tracebook/recipes/slab-leak.recipe" \
		"$(env -u TRACEBOOK_RECIPES "$P/bin/tracebook" recipes path slab-leak 2>&1)"
done

# install.sh picks the binary by uname -m, and refuses what it has no binary for
mkdir -p "$T/fake"
for m in aarch64:tracebook-aarch64 armv7l:tracebook-armhf; do
	printf '#!/bin/sh\necho %s\n' "${m%%:*}" > "$T/fake/uname"; chmod +x "$T/fake/uname"
	P=$T/prefix-${m%%:*}
	out=$(PATH=$T/fake:$PATH sh "$D/install.sh" --prefix "$P" 2>&1)
	cmp -s "$P/bin/tracebook" "$D/${m#*:}" && ok "uname -m ${m%%:*}: install.sh installs ${m#*:}" ||
		{ not_ok "uname -m ${m%%:*}: install.sh installs ${m#*:}"; printf '%s\n' "$out" | sed 's/^/    | /' | head; }
done
for m in armv6l mips64; do
	printf '#!/bin/sh\necho %s\n' "$m" > "$T/fake/uname"
	out=$(PATH=$T/fake:$PATH sh "$D/install.sh" --prefix "$T/prefix-$m" 2>&1); rc=$?
	if [ "$rc" != 0 ] && [ ! -e "$T/prefix-$m/bin/tracebook" ]; then ok "uname -m $m: install.sh refuses (exit $rc)"
	else not_ok "uname -m $m: install.sh refuses"; fi
	expect_match "uname -m $m: ... and says why" "$m" "$out"
done
# a damaged kit is refused before anything is installed
cp -r "$D" "$T/damaged"
printf '\n# changed\n' >> "$T/damaged/recipes/slab-leak.recipe"
out=$(sh "$T/damaged/install.sh" --prefix "$T/prefix-damaged" 2>&1); rc=$?
if [ "$rc" != 0 ] && [ ! -e "$T/prefix-damaged" ]; then ok "install.sh refuses a kit that does not match SHA256SUMS (exit $rc)"
else not_ok "install.sh refuses a kit that does not match SHA256SUMS"; fi
expect_match "... naming the file" 'slab-leak.recipe' "$out"
out=$(sh "$D/install.sh" --bogus 2>&1); rc=$?
expect_eq "install.sh --bogus is a usage error (exit 2)" 2 "$rc"
finish
