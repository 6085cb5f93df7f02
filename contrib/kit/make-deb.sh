#!/bin/sh
# make-deb.sh VERSION OUTDIR - `make deb`: OUTDIR/tracebook_VERSION_amd64.deb from the
# static x86_64 binary (no Depends: it needs no library), with dpkg-deb.
set -eu
version=$1 out=$2
rm -rf "$out"
mkdir -p "$out"
root=$out/root
./contrib/kit/stage.sh "$root"
doc=$root/usr/share/doc/tracebook
mkdir -p "$doc" "$root/usr/share/lintian/overrides" "$root/DEBIAN"
cp contrib/kit/copyright "$doc/copyright"
date=$(date -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")
printf 'tracebook (%s) unstable; urgency=medium\n\n  * Release %s (static x86_64 build).\n\n -- tracebook maintainers <tracebook@example.invalid>  %s\n' \
	"$version" "$version" "$date" | gzip -9n > "$doc/changelog.gz"
# the binary is static on purpose: it is carried to boxes whatever their libraries
printf '%s\n' "# static on purpose: a field tool that needs no library of the box it runs on" \
	"tracebook: statically-linked-binary [usr/bin/tracebook]" > "$root/usr/share/lintian/overrides/tracebook"
chmod 0644 "$doc/copyright" "$doc/changelog.gz" "$root/usr/share/lintian/overrides/tracebook"
find "$root" -type d -exec chmod 0755 {} +
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: tracebook
Version: $version
Architecture: amd64
Maintainer: tracebook maintainers <tracebook@example.invalid>
Installed-Size: $size
Section: admin
Priority: optional
Description: kernel leak hunts as recipes: plan, trace, pair, report, restore
 tracebook hunts kernel memory and reference leaks with the kernel's own
 tracing (tracepoints, kprobes, the function tracer, SLUB debug, /proc
 snapshots). A recipe says what to trace and what to conclude; tracebook plans
 it for the running kernel (3.10 debugfs to 6.x tracefs), applies it with a
 journal, captures, pairs allocations with frees, reports, and restores the
 tracing state byte for byte.
 .
 This package holds the static binary: it needs no library from the system.
CONTROL
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort |
	xargs md5sum > DEBIAN/md5sums)
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/tracebook_${version}_amd64.deb" >/dev/null
rm -rf "$root"
echo "deb: $out/tracebook_${version}_amd64.deb"
