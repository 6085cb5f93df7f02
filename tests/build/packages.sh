#!/usr/bin/env bash
# tests/build/packages.sh - `make install`, `make rpm` and `make deb` (issue 15):
#   - make install DESTDIR=... PREFIX=... puts the binary, recipes, man pages and
#     completion where a distribution expects them, and the binary finds its recipes;
#   - the RPM is one CentOS/RHEL 7 (rpm 4.11) can install: gzip or xz payload, only
#     rpmlib() features rpm 4.11 has, no other dependency; it installs into a scratch
#     root (rpm --root --nodeps -i) with the files el7 would get, and the binary runs;
#   - the .deb: dpkg-deb -I/-c, installed into a scratch root (dpkg --root), lintian.
# `make check` builds the packages first (make builds).
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
V=$(sed -n 's/^#define TB_VERSION "\(.*\)"/\1/p' src/util/version.h)
T=$(mktemp -d /tmp/tb-pkg.XXXXXX)
trap 'rm -rf "$T"' EXIT
expect_match "the version comes from src/util/version.h" '^[0-9]+\.[0-9]+' "$V"

# the files every package installs under its prefix
files() { # PREFIX MANSUFFIX
	printf '%s\n' "$1/bin/tracebook" "$1/share/bash-completion/completions/tracebook" \
		"$1/share/man/man1/tracebook.1$2" "$1/share/man/man5/tracebook-recipe.5$2"
	(cd recipes && ls *.recipe | sed "s|^|$1/share/tracebook/recipes/|")
}

# --- make install ---------------------------------------------------------------------
out=$(make -s install DESTDIR="$T/dest" PREFIX=/opt/tb 2>&1); rc=$?
expect_eq "make install DESTDIR=... PREFIX=/opt/tb succeeds" 0 "$rc"
[ "$rc" = 0 ] || printf '%s\n' "$out" | sed 's/^/    | /' | head
expect_eq "make install installs binary, recipes, man pages and completion" \
	"$(files /opt/tb "" | LC_ALL=C sort)" "$(cd "$T/dest" && find . -type f | sed 's|^\.||' | LC_ALL=C sort)"
expect_eq "the installed binary finds its recipes in PREFIX/share/tracebook/recipes" \
	"$T/dest/opt/tb/share/tracebook/recipes/slab-leak.recipe" \
	"$(env -u TRACEBOOK_RECIPES "$T/dest/opt/tb/bin/tracebook" recipes path slab-leak 2>&1)"
# and prefers them to its built-in copy: an edited installed recipe is the one shown
printf '# edited here\n' >> "$T/dest/opt/tb/share/tracebook/recipes/kernfs-leak.recipe"
expect_match "an edited installed recipe is the one used" '^# edited here$' \
	"$(env -u TRACEBOOK_RECIPES "$T/dest/opt/tb/bin/tracebook" recipes show kernfs-leak 2>&1)"
# without any directory, the recipes built into the binary
cp tracebook "$T/alone"
expect_eq "a binary alone falls back to its built-in recipes" "<builtin>/slab-leak.recipe" \
	"$(env -u TRACEBOOK_RECIPES "$T/alone" recipes path slab-leak 2>&1)"
expect_eq "TRACEBOOK_RECIPES overrides the directories" "$TOP/recipes/slab-leak.recipe" \
	"$(TRACEBOOK_RECIPES=$TOP/recipes "$T/dest/opt/tb/bin/tracebook" recipes path slab-leak 2>&1)"
out=$(make -s uninstall DESTDIR="$T/dest" PREFIX=/opt/tb 2>&1)
expect_eq "make uninstall removes every file" "" "$(cd "$T/dest" && find . -type f)"

# --- rpm ---------------------------------------------------------------------------------
R=build/rpm/tracebook-$V-1.x86_64.rpm
if [ ! -f "$R" ]; then not_ok "$R exists (make rpm)"; else
	q() { rpm -qp "$@" "$R" 2>/dev/null; }
	expect_eq "rpm -qpi: name, version, arch" "tracebook $V x86_64" "$(q --qf '%{NAME} %{VERSION} %{ARCH}')"
	expect_match "rpm -qpi describes it" '^Summary *: .*leak' "$(q -i)"
	expect_eq "rpm -qpl: the files el7 gets" \
		"$( (files /usr .gz; printf '%s\n' /usr/share/tracebook /usr/share/tracebook/recipes) | LC_ALL=C sort)" \
		"$(q -l | LC_ALL=C sort)"
	c=$(q --qf '%{PAYLOADCOMPRESSOR}')
	expect_match "payload compressor is one rpm 4.11 reads (gzip or xz): $c" '^(gzip|xz)$' "$c"
	# rpmlib() features of rpm 4.11 (CentOS 7); anything else would refuse to install there
	el7='CompressedFileNames|FileDigests|PayloadFilesHavePrefix|PayloadIsBzip2|PayloadIsXz|PayloadIsLzma|VersionedDependencies|ExplicitPackageProvide|HeaderLoadSortsTags|PartialHardlinkSets|ScriptletInterpreterArgs|FileCaps|BuiltinLuaScripts|TildeInVersions'
	reqs=$(q --requires)
	expect_match "it requires the rpmlib features every rpm has" 'rpmlib\(CompressedFileNames\)' "$reqs"
	expect_eq "no requirement but rpmlib() features rpm 4.11 has (no rich, zstd or automatic deps)" "" \
		"$(printf '%s\n' "$reqs" | grep -Ev "^rpmlib\(($el7)\)")"
	expect_eq "no rich dependencies anywhere" "" "$(q --requires --recommends --suggests --supplements --enhances --conflicts --obsoletes | grep -E '^\(| (if|with|and|or) ')"
	expect_match "rpm file header: RPM v3 package (the lead el7 reads)" 'RPM v3.0 bin' "$(file -b "$R")"
	# the payload is really gzip/xz: decompress it with the tool el7 would
	case $c in gzip) dec="gzip -dc" ;; xz) dec="xz -dc" ;; esac
	n=$(rpm2cpio "$R" 2>/dev/null | cpio -t --quiet 2>/dev/null | grep -c .)
	expect_eq "the payload unpacks (rpm2cpio | cpio -t): $n files" "$(q -l | grep -c .)" "$n"
	root=$T/el7
	mkdir -p "$root"
	rpm --root "$root" --dbpath /var/lib/rpm --initdb 2>/dev/null
	out=$(rpm --root "$root" --dbpath /var/lib/rpm --nodeps -i "$R" 2>&1); rc=$?
	expect_eq "rpm --root DIR --nodeps -i installs it" 0 "$rc"
	[ "$rc" = 0 ] || printf '%s\n' "$out" | sed 's/^/    | /' | head
	expect_eq "the scratch root's database lists it" "tracebook-$V-1.x86_64" \
		"$(rpm --root "$root" --dbpath /var/lib/rpm -qa 2>/dev/null)"
	echo "    files el7 would get:"; rpm --root "$root" --dbpath /var/lib/rpm -ql tracebook 2>/dev/null | sed 's/^/    | /'
	miss=$(files /usr .gz | while read -r f; do [ -f "$root$f" ] || echo "$f"; done)
	expect_eq "every packaged file is in the scratch root" "" "$miss"
	expect_eq "the installed binary runs" "tracebook $V" "$(env -u TRACEBOOK_RECIPES "$root/usr/bin/tracebook" --version)"
	expect_eq "the installed binary finds /usr/share/tracebook/recipes" "$root/usr/share/tracebook/recipes/slab-leak.recipe" \
		"$(env -u TRACEBOOK_RECIPES "$root/usr/bin/tracebook" recipes path slab-leak 2>&1)"
	expect_match "the packaged binary is static (no library of the box needed)" 'statically linked' "$(file -b "$root/usr/bin/tracebook")"
fi

# --- deb ---------------------------------------------------------------------------------
D=build/deb/tracebook_${V}_amd64.deb
if [ ! -f "$D" ]; then not_ok "$D exists (make deb)"; else
	info=$(dpkg-deb -I "$D")
	expect_eq "dpkg-deb -f: package, version, architecture" "tracebook $V amd64" \
		"$(dpkg-deb -f "$D" Package Version Architecture | awk '{ print $2 }' | xargs)"
	expect_eq "no Depends (the binary is static)" "" "$(dpkg-deb -f "$D" Depends Pre-Depends)"
	expect_match "dpkg-deb -I: control and md5sums" 'md5sums' "$info"
	list=$(dpkg-deb -c "$D" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./|/|' | LC_ALL=C sort)
	expect_eq "dpkg-deb -c: the files" "$( (files /usr .gz; printf '%s\n' /usr/share/doc/tracebook/changelog.gz \
		/usr/share/doc/tracebook/copyright /usr/share/lintian/overrides/tracebook) | LC_ALL=C sort)" "$list"
	root=$T/deb
	mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
	: > "$root/var/lib/dpkg/status"
	out=$(dpkg --root="$root" --log=/dev/null -i "$D" 2>&1); rc=$?
	expect_eq "dpkg --root DIR -i installs it" 0 "$rc"
	[ "$rc" = 0 ] || printf '%s\n' "$out" | sed 's/^/    | /' | head
	expect_match "dpkg --root DIR -s: installed" '^Status: install ok installed' "$(dpkg --root="$root" -s tracebook 2>&1)"
	miss=$(files /usr .gz | while read -r f; do [ -f "$root$f" ] || echo "$f"; done)
	expect_eq "every packaged file is in the scratch root" "" "$miss"
	expect_eq "the installed binary finds /usr/share/tracebook/recipes" "$root/usr/share/tracebook/recipes/slab-leak.recipe" \
		"$(env -u TRACEBOOK_RECIPES "$root/usr/bin/tracebook" recipes path slab-leak 2>&1)"
	expect_eq "md5sums match the installed files" "" \
		"$(cd "$root" && dpkg-deb -e "$TOP/$D" "$T/ctl" && md5sum -c --quiet "$T/ctl/md5sums" 2>&1)"
	if command -v lintian >/dev/null; then
		l=$(lintian --allow-root --show-overrides "$D" 2>&1 | grep -v 'running with root privileges')
		expect_eq "lintian: no error or warning" "" "$(printf '%s\n' "$l" | grep -E '^[EW]:')"
		echo "    lintian (overrides shown):"; printf '%s\n' "$l" | sed 's/^/    | /'
	else
		skip "lintian on the .deb" "lintian is not installed (make deps)"
	fi
fi
finish
