#!/bin/sh
# stage.sh DIR - lay out what the rpm and deb install, under DIR (prefix /usr): the
# stripped static x86_64 binary, recipes, gzipped man pages, bash completion.
# Run from the top of the tree after `make static ARCH=x86_64 man`.
set -eu
d=$1
rm -rf "$d"
mkdir -p "$d/usr/bin" "$d/usr/share/tracebook/recipes" "$d/usr/share/man/man1" \
	"$d/usr/share/man/man5" "$d/usr/share/bash-completion/completions"
strip -o "$d/usr/bin/tracebook" build/static-x86_64/tracebook
chmod 0755 "$d/usr/bin/tracebook"
cp recipes/*.recipe "$d/usr/share/tracebook/recipes/"
gzip -9n < build/man/tracebook.1 > "$d/usr/share/man/man1/tracebook.1.gz"
gzip -9n < build/man/tracebook-recipe.5 > "$d/usr/share/man/man5/tracebook-recipe.5.gz"
cp contrib/completion/tracebook.bash "$d/usr/share/bash-completion/completions/tracebook"
find "$d" -type d -exec chmod 0755 {} +
find "$d/usr/share" -type f -exec chmod 0644 {} +
