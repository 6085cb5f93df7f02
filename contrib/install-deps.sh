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
for arch in arm64 armhf; do
	case "$missing" in
	*:$arch*)
		if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
			dpkg --add-architecture "$arch"
		fi ;;
	esac
done
export DEBIAN_FRONTEND=noninteractive
echo "deps: installing:$missing"
# A mirror being synced can fail one index ("File has unexpected size ... Mirror sync in
# progress"): retry once, then go on with the lists apt already has; the install below
# says plainly if they are not enough.
if ! apt-get update -qq; then
	echo "deps: apt-get update failed; retrying in 10 s" >&2
	sleep 10
	if ! apt-get update -qq; then
		echo "deps: warning: apt-get update failed twice; installing from the package lists already present" >&2
	fi
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
