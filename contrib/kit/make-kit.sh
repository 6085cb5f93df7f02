#!/bin/sh
# make-kit.sh VERSION OUTDIR ARCH... - pack the field kit (`make kit`):
#   OUTDIR/tracebook-VERSION.tar.gz holding tracebook-VERSION/ with
#     tracebook-x86_64, tracebook-aarch64, tracebook-armhf   static binaries (stripped)
#     recipes/*.recipe          found by a binary beside them (<exe dir>/recipes)
#     man/tracebook.1, man/tracebook-recipe.5
#     completion/tracebook.bash
#     FIELD.md                  the one-page field manual (docs/FIELD.md)
#     install.sh                picks the binary by `uname -m`, installs to a prefix
#     SHA256SUMS                of every other file (`sha256sum -c SHA256SUMS`)
#   and OUTDIR/tracebook-VERSION.tar.gz.sha256.
# ARCH are `make static` names (x86_64, arm64, armhf); each build/static-ARCH/tracebook
# must exist.  Run from the top of the tree (the Makefile does).
set -eu
version=$1 out=$2; shift 2
[ $# -gt 0 ] || { echo "make-kit.sh: no ARCH given" >&2; exit 2; }
name=tracebook-$version
stage=$out/$name
rm -rf "$stage" "$out/$name.tar.gz" "$out/$name.tar.gz.sha256"
mkdir -p "$stage/recipes" "$stage/man" "$stage/completion"

for a in "$@"; do
	bin=build/static-$a/tracebook
	case $a in
	x86_64) kit=x86_64 strip=strip ;;
	arm64) kit=aarch64 strip=aarch64-linux-gnu-strip ;;
	armhf) kit=armhf strip=arm-linux-gnueabihf-strip ;;
	*) echo "make-kit.sh: unknown ARCH '$a': expected x86_64, arm64 or armhf" >&2; exit 2 ;;
	esac
	[ -x "$bin" ] || { echo "make-kit.sh: $bin is missing: run make static ARCH=$a" >&2; exit 1; }
	file -b "$bin" | grep -q 'statically linked' ||
		{ echo "make-kit.sh: $bin is not statically linked" >&2; exit 1; }
	"$strip" -o "$stage/tracebook-$kit" "$bin"
	chmod 0755 "$stage/tracebook-$kit"
done
cp recipes/*.recipe "$stage/recipes/"
cp build/man/tracebook.1 build/man/tracebook-recipe.5 "$stage/man/"
cp contrib/completion/tracebook.bash "$stage/completion/"
cp docs/FIELD.md "$stage/FIELD.md"
cp contrib/kit/install.sh "$stage/install.sh"
chmod 0755 "$stage/install.sh"
chmod 0644 "$stage/recipes/"* "$stage/man/"* "$stage/completion/"* "$stage/FIELD.md"
(cd "$stage" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort |
	xargs sha256sum > SHA256SUMS)
# reproducible: fixed order, owner and times (the newest source's time)
mtime=$(git log -1 --format=%ct 2>/dev/null || date +%s)
tar -C "$out" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" \
	-cf - "$name" | gzip -9n > "$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "kit: $out/$name.tar.gz ($(cd "$stage" && ls tracebook-* | tr '\n' ' '| sed 's/ $//'))"
