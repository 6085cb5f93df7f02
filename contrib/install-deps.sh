#!/bin/sh
# install-deps.sh - install every Debian package tracebook's build and tests need.
# Idempotent: installs only what is missing; runs apt-get update only when it must.
# Package list: contrib/debian-packages.txt.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
list="$here/debian-packages.txt"
pkgs=$(grep -v '^[[:space:]]*#' "$list" | grep -v '^[[:space:]]*$')

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && { echo "deps: all $(echo $pkgs | wc -w) packages present"; exit 0; }

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run 'make deps' as root to install them" >&2
	exit 1
fi
case "$missing" in
*:arm64*)
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
	fi ;;
esac
export DEBIAN_FRONTEND=noninteractive
echo "deps: installing:$missing"
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
