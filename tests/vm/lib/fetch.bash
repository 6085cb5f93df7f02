# tests/vm/lib/fetch.bash - fetch and cache the Debian kernels and busybox the qemu tier
# boots (sourced by tests/vm/tier.sh; not a test itself).
#
# Kernels come from the Debian mirror this machine's apt is configured with (the URIs of
# its Debian archive and security archive, from `apt-get indextargets`; VM_MIRROR=URI
# overrides, with debian/ and debian-security/ below it), through a PRIVATE apt
# configuration per release and architecture under $VM_CACHE/apt-<release>-<arch>/ (own
# sources.list, Dir::Etc, Dir::State, Dir::Cache): the machine's apt sources and lists
# are never touched.  One per architecture because apt updates a repository as a whole:
# one index it cannot read (seen: bookworm-security's armhf Packages mid-sync, "File has
# unexpected size") drops every index of that repository, so the amd64 kernels of
# bookworm-security vanished with the armhf one.  A flavour's meta package
# (linux-image-amd64, ...) is resolved to the versioned -unsigned image package, so ABI
# bumps don't break the tier; when the newest version's .deb is missing on the mirror
# (bullseye-security arm64 images are), older versions (the main suite's) are tried.
# Only vmlinuz and config are kept: $VM_CACHE/kernels/<name>/{vmlinuz,config,package}.

VM_KEYRING=${VM_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}

# vm_mirror_uris: set VM_DEBIAN_URI and VM_SECURITY_URI from VM_MIRROR or, by default,
# from the machine's apt sources (the repository whose suites are Debian's: the one with
# a *-security suite is the security archive).  Returns non-zero when there is none.
vm_mirror_uris() {
	[ -n "${VM_DEBIAN_URI:-}" ] && return 0
	if [ -n "${VM_MIRROR:-}" ]; then
		VM_DEBIAN_URI=${VM_MIRROR%/}/debian VM_SECURITY_URI=${VM_MIRROR%/}/debian-security
		return 0
	fi
	local targets
	targets=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null | sort -u)
	# a Debian suite name; among several such repositories the one whose path ends in
	# /debian (a third-party repository may use a Debian codename as its suite too)
	VM_DEBIAN_URI=$(printf '%s\n' "$targets" |
		awk '$2 ~ /^(buster|bullseye|bookworm|trixie|forky|sid|oldstable|stable|testing|unstable)$/ {
			if ($1 ~ /\/debian\/?$/) { print $1; found = 1; exit } if (!any) any = $1 }
			END { if (!found && any) print any }')
	VM_SECURITY_URI=$(printf '%s\n' "$targets" |
		awk '$2 ~ /^[a-z]+-security$/ { if ($1 ~ /\/debian-security\/?$/) { print $1; found = 1; exit } if (!any) any = $1 }
			END { if (!found && any) print any }')
	VM_DEBIAN_URI=${VM_DEBIAN_URI%/} VM_SECURITY_URI=${VM_SECURITY_URI%/}
	if [ -z "$VM_DEBIAN_URI" ]; then
		echo "this machine's apt sources name no Debian archive (apt-get indextargets); set VM_MIRROR" >&2
		return 1
	fi
	# no security archive configured: the main archive's suites only
	return 0
}

# vm_apt RELEASE DEBARCH apt-get|apt-cache ARGS... : apt with the private configuration
# of RELEASE for DEBARCH.
vm_apt() {
	local rel=$1 arch=$2 tool=$3 root=$VM_CACHE/apt-$1-$2
	shift 3
	"$tool" -q -o Dir::Etc="$root/etc" -o Dir::Etc::sourcelist="$root/etc/sources.list" \
		-o Dir::Etc::sourceparts="$root/etc/sources.list.d" \
		-o Dir::Etc::preferencesparts="$root/etc/preferences.d" \
		-o Dir::State="$root/state" -o Dir::State::status="$root/state/status" \
		-o Dir::Cache="$root/cache" -o APT::Architecture="$arch" \
		-o APT::Architectures::="$arch" \
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root "$@"
}

# vm_apt_setup RELEASE DEBARCH : write the private sources (RELEASE and RELEASE-security,
# DEBARCH only) and run apt-get update once a day at most, or at once when the sources
# changed.  Returns non-zero when the mirror cannot be read.
vm_apt_setup() {
	local rel=$1 arch=$2 root=$VM_CACHE/apt-$1-$2 opts src
	vm_mirror_uris || return 1
	mkdir -p "$root/etc/sources.list.d" "$root/etc/preferences.d" "$root/etc/apt.conf.d" \
		"$root/state/lists/partial" "$root/cache/archives/partial"
	[ -e "$root/state/status" ] || : > "$root/state/status"
	opts="[arch=$arch signed-by=$VM_KEYRING]"
	src=$(printf 'deb %s %s %s main\n' "$opts" "$VM_DEBIAN_URI" "$rel"
		[ -n "$VM_SECURITY_URI" ] && printf 'deb %s %s %s-security main\n' "$opts" "$VM_SECURITY_URI" "$rel")
	if [ "$src" != "$(cat "$root/etc/sources.list" 2>/dev/null)" ]; then
		printf '%s\n' "$src" > "$root/etc/sources.list"
		rm -f "$root/state/updated"
	fi
	if [ -n "$(find "$root/state" -maxdepth 1 -name updated -mmin -1440 2>/dev/null)" ]; then
		return 0
	fi
	local try
	for try in 1 2; do
		if vm_apt "$rel" "$arch" apt-get update > "$root/update.log" 2>&1 &&
			! grep -q '^[EW]: Failed' "$root/update.log"; then
			touch "$root/state/updated"
			return 0
		fi
		[ $try = 1 ] && sleep 5
	done
	# A mirror being synced fails single indexes ("File has unexpected size ... Mirror
	# sync in progress?"): when the release's main index was read, go on with what was
	# read (said on stderr; the next run updates again) - a package missing because of it
	# fails its download with apt's own message.
	if ls "$root/state/lists/"*"_dists_${rel}_main_binary-"*_Packages* > /dev/null 2>&1; then
		echo "warning: apt-get update of $rel partly failed; going on with the indexes read:" \
			"$(grep -E '^(E|W): Failed' "$root/update.log" | head -2 | tr '\n' ' ')" >&2
		return 0
	fi
	return 1
}

# vm_fetch_kernel NAME DEBARCH RELEASE METAPKG : make $VM_CACHE/kernels/NAME/vmlinuz exist.
# Prints the reason on stderr and returns non-zero when it cannot be fetched.
vm_fetch_kernel() {
	local name=$1 arch=$2 rel=$3 meta=$4 dir=$VM_CACHE/kernels/$1 tmp dep pkg deb
	[ -s "$dir/vmlinuz" ] && return 0
	if ! vm_apt_setup "$rel" "$arch"; then
		echo "apt-get update of $rel ($arch) from ${VM_DEBIAN_URI:-(no mirror)} failed: $(grep -E '^(E|W):' "$VM_CACHE/apt-$rel-$arch/update.log" | head -2 | tr '\n' ' ')" >&2
		return 1
	fi
	tmp=$(mktemp -d "$VM_CACHE/tmp.XXXXXX")
	# Every version of the meta package, newest first; its Depends names the image.
	for dep in $(vm_apt "$rel" "$arch" apt-cache show "$meta:$arch" 2>/dev/null |
			sed -n 's/^Depends: \(linux-image-[^ ,]*\).*/\1/p'); do
		for pkg in "$dep-unsigned" "$dep"; do
			vm_apt "$rel" "$arch" apt-cache show "$pkg:$arch" > /dev/null 2>&1 || continue
			rm -f "$tmp"/*.deb
			if (cd "$tmp" && vm_apt "$rel" "$arch" apt-get download "$pkg:$arch") > "$tmp/dl.log" 2>&1; then
				deb=$(ls "$tmp"/*.deb 2>/dev/null | head -1)
				if [ -n "$deb" ] && dpkg-deb -x "$deb" "$tmp/x" 2>> "$tmp/dl.log"; then
					mkdir -p "$dir"
					cp "$tmp"/x/boot/vmlinuz-* "$dir/vmlinuz.tmp" &&
						cp "$tmp"/x/boot/config-* "$dir/config" &&
						echo "$(basename "$deb")" > "$dir/package" &&
						mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
					rm -rf "$tmp"
					[ -s "$dir/vmlinuz" ] && return 0
					echo "$deb holds no boot/vmlinuz-*" >&2
					return 1
				fi
			fi
			echo "  ($pkg:$arch: $(grep -E 'E:|Err' "$tmp/dl.log" | head -1); trying an older version)" >&2
			break
		done
	done
	rm -rf "$tmp"
	echo "no downloadable image package for $meta:$arch in $rel on $VM_DEBIAN_URI" >&2
	return 1
}

# vm_fetch_busybox DEBARCH : make $VM_CACHE/busybox-<arch> (static) exist.
vm_fetch_busybox() {
	local arch=$1 out=$VM_CACHE/busybox-$1 tmp deb
	[ -s "$out" ] && return 0
	vm_apt_setup bookworm "$arch" || { echo "apt-get update of bookworm ($arch) failed" >&2; return 1; }
	tmp=$(mktemp -d "$VM_CACHE/tmp.XXXXXX")
	if (cd "$tmp" && vm_apt bookworm "$arch" apt-get download "busybox-static:$arch") > "$tmp/dl.log" 2>&1; then
		deb=$(ls "$tmp"/*.deb | head -1)
		dpkg-deb -x "$deb" "$tmp/x" && cp "$tmp/x/bin/busybox" "$out.tmp" && mv "$out.tmp" "$out"
	fi
	rm -rf "$tmp"
	[ -s "$out" ] || { echo "could not download busybox-static:$arch" >&2; return 1; }
}

# vm_fetch_modules NAME DEBARCH RELEASE MODULE... : the named modules and the ones they
# depend on (their .modinfo "depends=") from the kernel package of $VM_CACHE/kernels/NAME,
# kept uncompressed under $VM_CACHE/kernels/NAME/modules/ with a file "order" listing
# them in load order (dependencies first).  For guests that need a driver the kernel
# builds as a module (the network card of tests/vm/fleet.sh).  The same package version
# as the cached vmlinuz (its "package" file) is downloaded once; only the modules are kept.
vm_fetch_modules() {
	local name=$1 arch=$2 rel=$3 dir=$VM_CACHE/kernels/$1 tmp deb pkg ver m want
	shift 3
	want="$*"
	if [ -s "$dir/modules/order" ] && [ "$(cat "$dir/modules/wanted" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	deb=$(cat "$dir/package" 2>/dev/null) || { echo "no cached kernel $name" >&2; return 1; }
	pkg=${deb%%_*} ver=${deb#*_} ver=${ver%_*}
	vm_apt_setup "$rel" "$arch" || { echo "apt-get update of $rel ($arch) failed" >&2; return 1; }
	tmp=$(mktemp -d "$VM_CACHE/tmp.XXXXXX")
	if ! (cd "$tmp" && vm_apt "$rel" "$arch" apt-get download "$pkg:$arch=$ver") > "$tmp/dl.log" 2>&1; then
		echo "could not download $pkg:$arch=$ver: $(grep -E 'E:|Err' "$tmp/dl.log" | head -1)" >&2
		rm -rf "$tmp"; return 1
	fi
	dpkg-deb -x "$tmp"/*.deb "$tmp/x" || { rm -rf "$tmp"; return 1; }
	rm -rf "$dir/modules"; mkdir -p "$dir/modules"
	: > "$dir/modules/order.tmp"
	# vm_add_mod NAME: its dependencies first, then itself (names with - or _ alike)
	vm_add_mod() {
		local n=${1//-/_} f d out
		grep -qxF "$n.ko" "$dir/modules/order.tmp" && return 0
		f=$(find "$tmp"/x/lib/modules -name '*.ko*' | while read -r p; do
			b=$(basename "${p%.ko*}"); [ "${b//-/_}" = "$n" ] && echo "$p"; done | head -1)
		[ -n "$f" ] || { echo "module $1 not in $pkg" >&2; return 1; }
		out=$dir/modules/$n.ko
		case $f in
		*.xz) xz -dc "$f" ;;
		*.zst) zstd -qdc "$f" ;;
		*.gz) gzip -dc "$f" ;;
		*) cat "$f" ;;
		esac > "$out" || return 1
		# its .modinfo section: NUL-separated key=value, "depends=a,b"
		objcopy -O binary --only-section=.modinfo "$out" "$out.info" || return 1
		for d in $(tr '\0' '\n' < "$out.info" | sed -n 's/^depends=//p' | tr ',' ' '); do
			vm_add_mod "$d" || return 1
		done
		rm -f "$out.info"
		echo "$n.ko" >> "$dir/modules/order.tmp"
	}
	for m in $want; do
		vm_add_mod "$m" || { rm -rf "$tmp"; return 1; }
	done
	echo "$want" > "$dir/modules/wanted"
	mv "$dir/modules/order.tmp" "$dir/modules/order"
	rm -rf "$tmp"
}
