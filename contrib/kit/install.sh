#!/bin/sh
# install.sh - install tracebook from this kit, without a package manager.
#
#   ./install.sh [--prefix DIR] [--arch x86_64|aarch64|armhf] [--no-verify]
#
# Picks the binary for this machine (`uname -m`), checks the kit against SHA256SUMS,
# and installs DIR/bin/tracebook, DIR/share/tracebook/recipes, the man pages and the
# bash completion (default DIR: /usr/local).  POSIX sh: runs under busybox.
set -eu

usage() {
	echo "usage: ./install.sh [--prefix DIR] [--arch x86_64|aarch64|armhf] [--no-verify]"
	echo "Installs DIR/bin/tracebook (default DIR /usr/local), its recipes, man pages"
	echo "and bash completion; the binary for this machine is chosen by uname -m."
}
die() { echo "install.sh: $*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
prefix=/usr/local arch= verify=1
while [ $# -gt 0 ]; do
	case $1 in
	--prefix) [ $# -ge 2 ] || { usage >&2; exit 2; }; prefix=$2; shift 2 ;;
	--prefix=*) prefix=${1#*=}; shift ;;
	--arch) [ $# -ge 2 ] || { usage >&2; exit 2; }; arch=$2; shift 2 ;;
	--arch=*) arch=${1#*=}; shift ;;
	--no-verify) verify=0; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "install.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
[ -n "$prefix" ] || die "--prefix: expected a directory"

if [ -z "$arch" ]; then
	m=$(uname -m)
	case $m in
	x86_64|amd64) arch=x86_64 ;;
	aarch64|arm64|aarch64_be) arch=aarch64 ;;
	armv7*|armv8l|armhf) arch=armhf ;;
	armv6*|armv5*|armv4*)
		die "this is $m: the armhf binary needs ARMv7 or later (Debian's armhf baseline)" ;;
	*) die "no tracebook binary for this machine ($m): the kit has $(cd "$here" && ls tracebook-* 2>/dev/null | sed 's/tracebook-//' | tr '\n' ' ')" ;;
	esac
fi
bin=$here/tracebook-$arch
[ -f "$bin" ] || die "$bin is not in this kit (expected x86_64, aarch64 or armhf)"

if [ "$verify" = 1 ]; then
	if ! command -v sha256sum >/dev/null 2>&1; then
		echo "install.sh: no sha256sum here: not verifying the kit" >&2
	elif ! (cd "$here" && sha256sum -c SHA256SUMS >/dev/null 2>&1); then
		(cd "$here" && sha256sum -c SHA256SUMS 2>&1 | grep -v ': OK$') >&2 || true
		die "the kit does not match SHA256SUMS: copy it again (or --no-verify)"
	fi
fi

share=$prefix/share
mkdir -p "$prefix/bin" "$share/tracebook/recipes" "$share/man/man1" "$share/man/man5" \
	"$share/bash-completion/completions" || die "cannot create directories under $prefix"
# a new file renamed over the old one: a running tracebook is not disturbed
cp "$bin" "$prefix/bin/.tracebook.new.$$"
chmod 0755 "$prefix/bin/.tracebook.new.$$"
mv -f "$prefix/bin/.tracebook.new.$$" "$prefix/bin/tracebook"
for f in "$here"/recipes/*.recipe; do
	cp "$f" "$share/tracebook/recipes/" && chmod 0644 "$share/tracebook/recipes/${f##*/}"
done
cp "$here/man/tracebook.1" "$share/man/man1/"
cp "$here/man/tracebook-recipe.5" "$share/man/man5/"
cp "$here/completion/tracebook.bash" "$share/bash-completion/completions/tracebook"
chmod 0644 "$share/man/man1/tracebook.1" "$share/man/man5/tracebook-recipe.5" \
	"$share/bash-completion/completions/tracebook"

v=$("$prefix/bin/tracebook" --version 2>&1) || die "the installed $prefix/bin/tracebook does not run here: $v"
echo "installed $v ($arch) in $prefix:"
echo "  $prefix/bin/tracebook"
echo "  $share/tracebook/recipes/ ($(ls "$share/tracebook/recipes" | wc -l | tr -d ' ') recipes)"
echo "  $share/man/man1/tracebook.1, $share/man/man5/tracebook-recipe.5"
echo "  $share/bash-completion/completions/tracebook"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "note: $prefix/bin is not in PATH" ;; esac
