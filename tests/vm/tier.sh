#!/usr/bin/env bash
# tests/vm/tier.sh - the qemu tier: boots real kernels under software emulation, one after
# another, and runs tracebook inside each (checks: tests/vm/lib/guest-tests).  Prints
# "ok - <kernel>: <check>" per guest check.  Kernels: Debian's (x86_64 5.10, 6.1-cloud,
# 6.12; arm64 5.10, 6.1; armhf 6.1 armmp), downloaded into the cache, and the old kernels our users run
# (CentOS 7.9 3.10.0-1160.el7 x86_64, 4.19.222 x86_64 and arm64), taken from
# ../shared/kernels beside the checkout (never downloaded, never copied into the project).
#
#   TESTS=vm ./tests/run-tests.sh           the tier alone (through the runner)
#   bash tests/vm/tier.sh                   the same, raw output
#   VM_KERNELS="x86_64-6.1-cloud" ...       only these kernels (names as in KERNELS below)
#   VM_CACHE=DIR                            cache (default tests/vm/cache, gitignored)
#   VM_LOGS=DIR                             serial logs and the results table (default
#                                           $VM_CACHE/logs; give each concurrent run its own)
#   VM_TIMEOUT=SECONDS                      hard timeout per boot (default 600: a hang, not
#                                           a slow guest; each tracebook call has its own)
#   VM_TIMEOUT_ARMHF=SECONDS                the same for the armhf boot (default 2.5 x
#                                           VM_TIMEOUT: qemu emulates 32-bit ARM slowest;
#                                           its checks took 540 s to kernfs on a loaded host)
#   VM_TRACEBOOK_x86_64=BIN, VM_TRACEBOOK_arm64=BIN, VM_TRACEBOOK_armhf=BIN
#                                           pack these static binaries instead of building
#                                           build/static-<arch>/tracebook (e.g. another branch)
#   VM_SHARED_KERNELS=DIR                   the old kernels (default $TOP/../shared/kernels);
#                                           a missing folder or kernel is "not ok" (CI has it)
#   VM_CHECKS="version probe ..."          guest checks of the normal boots (default below)
#   VM_SLUB_CHECKS="..."                    guest checks of the slub_debug boot
#   VM_QEMU_EXTRA="..."                     more qemu arguments (e.g. -monitor
#                                           unix:/tmp/m.sock,server,nowait to look at a hung
#                                           guest's CPUs: info registers -a)
#   VM_APPEND="..."                         more kernel command line words (e.g.
#                                           tbvm.watchdog=20: the guest's hang watchdog
#                                           describes a check running over 20 s, not 240)
# Serial logs: $VM_LOGS/<kernel>.serial (raw), .serial.txt (no CR), .serial.tbvm; the
# results table: $VM_LOGS/VERIFIED.md.
#
# Kernels, busybox and the private apt state are cached under $VM_CACHE; the first run
# downloads them from the Debian mirror in the machine's apt sources (lib/fetch.bash).  A Debian kernel that cannot be downloaded is the
# ONLY thing reported as "skip"; everything else that goes wrong is "not ok" (an old kernel
# missing from VM_SHARED_KERNELS too: it is part of the checkout's surroundings, not the net).
. "$(dirname "$0")/../lib.sh"
VM_DIR=$TOP/tests/vm
VM_CACHE=${VM_CACHE:-$VM_DIR/cache}
VM_BUILD=$TOP/build/vm
VM_TIMEOUT=${VM_TIMEOUT:-600}
VM_LOGS=${VM_LOGS:-$VM_CACHE/logs}
VM_SHARED_KERNELS=${VM_SHARED_KERNELS:-$TOP/../shared/kernels}
mkdir -p "$VM_CACHE" "$VM_LOGS" "$VM_BUILD"
. "$VM_DIR/lib/fetch.bash"

# name | debian arch | debian release | meta package | extra kernel command line
# (tbvm.hist: whether Debian built that kernel with hist triggers - 5.10 without, 6.x with)
# Old kernels: release "shared", the "meta package" is the kernel file in VM_SHARED_KERNELS
# (qemu flags per kernel in qemu_flags below, as ../shared/kernels/README.md says).
# log_buf_len=8M: SLUB TRACE writes ~1.5 KB of kernel log per object; with the default
# ring (128-256 KB) a loaded guest overwrote records before tracebook read them (seen on
# arm64 4.19).  tracebook now reports such loss (lost events, a note); the tier boots
# with the larger ring a field engineer is told to use, so the planted truth is provable.
KERNELS=(
	"x86_64-3.10-el7|amd64|shared|vmlinuz-3.10.0-1160.el7-x86_64|tbvm.hist=false log_buf_len=8M"
	"x86_64-4.19|amd64|shared|vmlinuz-4.19.222-x86_64|tbvm.hist=true log_buf_len=8M"
	"arm64-4.19|arm64|shared|Image-4.19.222-arm64|tbvm.hist=true log_buf_len=8M"
	"x86_64-4.19-norng|amd64|shared|vmlinuz-4.19.222-x86_64|tbvm.hist=true log_buf_len=8M"
	"x86_64-5.10|amd64|bullseye|linux-image-amd64|tbvm.hist=false"
	"x86_64-6.1-cloud|amd64|bookworm|linux-image-cloud-amd64|tbvm.hist=true"
	"x86_64-6.12|amd64|bookworm|linux-image-6.12-amd64|tbvm.hist=true"
	"arm64-5.10|arm64|bullseye|linux-image-arm64|tbvm.hist=false"
	"arm64-6.1|arm64|bookworm|linux-image-arm64|tbvm.hist=true"
	"armhf-6.1|armhf|bookworm|linux-image-armmp|tbvm.hist=true"
	"x86_64-6.1-cloud+slub|amd64|bookworm|linux-image-cloud-amd64|tbvm.hist=true slub_debug=T,inotify_inode_mark tbvm.slub=inotify_inode_mark"
)
# Guest checks enabled (functions check_<name> in lib/guest-tests), extended as features
# land on main.  A check for a missing feature FAILS; it is never skipped.
CHECKS=${VM_CHECKS:-"version probe buffer hist recipes slabs slableak kprobe kprobebad argregs kernfs kernfsstack netdev kill9 kill9fn plans offtrace stackinst pidfilter"}
# The old kernels (3.10, 4.19) run every shipped recipe live with a planted workload
# (3.10 has no trigger files: no stackinst there); the 4.19 boot without an RNG device
# checks what probe says about (____ptrval____).
# (VM_OLD_CHECKS="" runs only the common checks on them.)
OLD_CHECKS=${VM_OLD_CHECKS-"slubtoggle pathref ip6dst pagealloc compaction kill9more"}
NORNG_CHECKS=${VM_NORNG_CHECKS:-"version ptrval"}
# The slub_debug boot runs only what that boot is for.  Not default (diagnostics): equipment
# (the kernel does what the checks assume), timing (what the pieces cost).
SLUB_CHECKS=${VM_SLUB_CHECKS:-"version slubboot probe slubtrace offklog"}

# --- host tools -------------------------------------------------------------------------
need_ok=1
for t in qemu-system-x86_64 qemu-system-aarch64 qemu-system-arm cpio gzip gcc aarch64-linux-gnu-gcc \
	arm-linux-gnueabihf-gcc; do
	command -v "$t" > /dev/null || { not_ok "host tool $t present (make deps installs it)"; need_ok=0; }
done
[ $need_ok = 1 ] || finish

# The kernels whose boot also runs `collect` with the static binary alone (check_collect),
# the bundle coming back over the console and analysed here (issue 15's "done when").
COLLECT_KERNELS=${VM_COLLECT_KERNELS:-"x86_64-3.10-el7 x86_64-6.1-cloud"}

# collect_back NAME TBVMLOG RELEASE: the guest's bundle, decoded from its base64 lines into
# $VM_LOGS/NAME.collect.tar.gz (MD5 as the guest said), then `tracebook analyze` of it
# here: exit 0, the guest's kernel named from the bundle's uname, its snapshots' growth.
collect_back() {
	local name=$1 tl=$2 rel=$3 md5 f out rc
	grep -q '^TBVM file collect.tar.gz begin ' "$tl" || return 0
	f=$VM_LOGS/$name.collect.tar.gz
	md5=$(sed -n 's/^TBVM file collect.tar.gz begin //p' "$tl" | tail -1)
	sed -n 's/^TBVM data collect.tar.gz //p' "$tl" | base64 -d > "$f" 2> /dev/null
	if ! grep -q '^TBVM file collect.tar.gz end' "$tl" || [ "$(md5sum < "$f" | cut -d' ' -f1)" != "$md5" ]; then
		not_ok "$name: the collect bundle came back intact over the console (md5 $md5)"
		return 0
	fi
	ok "$name: the collect bundle came back intact ($(wc -c < "$f") bytes)"
	out=$("$TB" analyze "$f" 2>&1); rc=$?
	# a short run without events on an idle guest is exit 10 (no verdict), still a report
	if [ $rc = 0 ] || [ $rc = 10 ]; then ok "$name: tracebook analyze of the guest's bundle here (exit $rc)"
	else not_ok "$name: tracebook analyze of the guest's bundle here (exit $rc)"; printf '%s\n' "$out" | tail -8 | sed 's/^/    | /'; fi
	expect_match "$name: the bundle's report names the guest's kernel" "kernel +$(printf %s "$rel" | sed 's/[.+]/\\&/g')" "$out"
	expect_match "$name: the bundle's report has its snapshots' growth" "== the bundle's /proc snapshots" "$out"
	expect_match "$name: the bundle's report counted the guest's kmem events" 'events +[1-9][0-9]* seen' "$out"
}

# --- guest payload per arch: static tracebook, helper, busybox, recipes, scripts --------
declare -A PAYLOAD_ERR PAYLOAD_SKIP INITRD
build_payload() { # arch(x86_64|arm64|armhf) debarch
	local arch=$1 deb=$2 d=$VM_BUILD/$1 cc pc strip log
	log=$VM_BUILD/$arch-build.log
	case $arch in
	x86_64) cc=gcc; pc=pkg-config; strip=strip ;;
	arm64) cc=aarch64-linux-gnu-gcc; strip=aarch64-linux-gnu-strip
		pc="env PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig pkg-config" ;;
	armhf) cc=arm-linux-gnueabihf-gcc; strip=arm-linux-gnueabihf-strip
		pc="env PKG_CONFIG_LIBDIR=/usr/lib/arm-linux-gnueabihf/pkgconfig pkg-config" ;;
	esac
	local tbbin var=VM_TRACEBOOK_$arch
	tbbin=${!var:-}
	if [ -z "$tbbin" ]; then
		tbbin=$TOP/build/static-$arch/tracebook
		if ! make -C "$TOP" -s -j2 static ARCH=$arch > "$log" 2>&1; then
			PAYLOAD_ERR[$arch]="make static ARCH=$arch failed: $(tail -3 "$log" | tr '\n' ' ')"; return 1
		fi
	fi
	if ! vm_fetch_busybox "$deb" 2>> "$log"; then
		# amd64: the installed busybox-static (make deps) will do
		if [ "$deb" = amd64 ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; then
			cp /bin/busybox "$VM_CACHE/busybox-$deb"
		else
			PAYLOAD_SKIP[$arch]="busybox-static:$deb download failed: $(tail -1 "$log")"; return 1
		fi
	fi
	rm -rf "$d/root"
	mkdir -p "$d/root/bin" "$d/root/tbvm" "$d/root/recipes" "$d/root/proc" "$d/root/sys" \
		"$d/root/dev" "$d/root/tmp" "$d/root/run" "$d/root/root"
	# shellcheck disable=SC2086
	if ! $cc -std=gnu99 -Wall -Wextra -Werror -O2 -static -o "$d/root/bin/tbvm-helper" \
		"$VM_DIR/lib/tbvm-helper.c" $($pc --cflags json-c) $($pc --static --libs json-c) >> "$log" 2>&1; then
		PAYLOAD_ERR[$arch]="building tbvm-helper for $arch failed: $(tail -3 "$log" | tr '\n' ' ')"; return 1
	fi
	$strip -o "$d/root/bin/tracebook" "$tbbin"
	$strip "$d/root/bin/tbvm-helper"
	cp "$VM_CACHE/busybox-$deb" "$d/root/bin/busybox"
	chmod 755 "$d/root/bin/busybox"
	ln -s busybox "$d/root/bin/sh"
	cp "$VM_DIR/lib/init" "$d/root/init"
	chmod 755 "$d/root/init"
	cp "$VM_DIR/lib/guest-tests" "$d/root/tbvm/guest-tests"
	cp "$VM_DIR"/lib/*.recipe "$d/root/tbvm/"
	cp "$TOP"/recipes/*.recipe "$d/root/recipes/" 2>/dev/null
	(cd "$d/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -6 > "$d/initramfs.cpio.gz.tmp") &&
		mv "$d/initramfs.cpio.gz.tmp" "$d/initramfs.cpio.gz"
	INITRD[$arch]=$d/initramfs.cpio.gz
}

# qemu_flags NAME: machine, cpu, cores and devices of a kernel.  3.10 fails every exec with
# -cpu max ("Failed to execute /init"); 4.19 arm64 hangs with -cpu max; the virtio RNG gives
# 4.19 the entropy a real box has (without it %p prints (____ptrval____) long after boot).
# 3.10 runs its two vCPUs on one TCG thread (thread=single): with one thread per vCPU
# (qemu 7.2's default), 3.10 sometimes never got an IPI: CPU 0 waited for ever in
# smp_call_function_many while patching ftrace code to enable a kprobe event (an RCU
# stall on CPU 0, CPU 1 idle; seen about once in 50 kill -9 cycles of the kprobe recipes,
# and twice in the full tier).  With one thread, 3 x 60-80 cycles and full boots ran clean.
qemu_flags() {
	case $1 in
	x86_64-3.10-el7*) echo "-M pc -cpu qemu64 -smp 2 -accel tcg,thread=single" ;;
	x86_64-4.19-norng) echo "-M pc -cpu max -smp 2" ;;
	x86_64-4.19*) echo "-M pc -cpu max -smp 2 -device virtio-rng-pci" ;;
	arm64-4.19*) echo "-M virt -cpu cortex-a57 -smp 2 -device virtio-rng-device" ;;
	x86_64*) echo "-M pc -cpu max -smp 1" ;;
	arm64*) echo "-M virt -cpu cortex-a57 -smp 1" ;;
	armhf*) echo "-M virt -cpu cortex-a15 -smp 1" ;;
	esac
}

# --- one boot ----------------------------------------------------------------------------
declare -a VERIFIED
boot_kernel() { # name debarch release meta extra
	local name=$1 deb=$2 rel=$3 meta=$4 extra=$5 arch vmlinuz log checks start secs rc qflags
	local begin release march summary p f line last_nok=0 err tmo
	case $deb in amd64) arch=x86_64 ;; arm64) arch=arm64 ;; armhf) arch=armhf ;; esac
	if [ "$rel" = shared ]; then
		# an old kernel from ../shared/kernels: never downloaded, so missing is a failure
		vmlinuz=$VM_SHARED_KERNELS/$meta
		if [ ! -s "$vmlinuz" ]; then
			not_ok "$name: kernel $meta present in VM_SHARED_KERNELS ($VM_SHARED_KERNELS)"
			VERIFIED+=("| $name | $arch | (kernel file missing) | fail |")
			return
		fi
	else
		vmlinuz=$VM_CACHE/kernels/${name%%+*}/vmlinuz
		if ! err=$(vm_fetch_kernel "${name%%+*}" "$deb" "$rel" "$meta" 2>&1 > /dev/null); then
			skip "$name: boot" "kernel download failed: $(printf '%s' "$err" | tail -1)"
			VERIFIED+=("| $name | $arch | (not downloaded) | skipped |")
			return
		fi
	fi
	# the guest payload of an arch is built for the first kernel that needs it
	if [ -z "${INITRD[$arch]:-}${PAYLOAD_SKIP[$arch]:-}${PAYLOAD_ERR[$arch]:-}" ]; then
		build_payload "$arch" "$deb"
	fi
	if [ -n "${PAYLOAD_SKIP[$arch]:-}" ]; then
		skip "$name: boot" "${PAYLOAD_SKIP[$arch]}"
		VERIFIED+=("| $name | $arch | (busybox not downloaded) | skipped |")
		return
	fi
	if [ -n "${PAYLOAD_ERR[$arch]:-}" ]; then
		not_ok "$name: guest payload"; echo "    ${PAYLOAD_ERR[$arch]}"
		VERIFIED+=("| $name | $arch | - | fail (payload) |")
		return
	fi
	checks=$CHECKS
	case $name in
	*+slub) checks=$SLUB_CHECKS ;;
	*-norng) checks=$NORNG_CHECKS ;;
	*-3.10-el7) checks="${CHECKS/ stackinst/} $OLD_CHECKS" ;;
	*-4.19) checks="$CHECKS $OLD_CHECKS" ;;
	esac
	case " $COLLECT_KERNELS " in *" $name "*) checks="$checks collect" ;; esac
	checks=${checks// /,}
	log=$VM_LOGS/$name.serial
	start=$(date +%s)
	qflags=$(qemu_flags "$name")
	tmo=$VM_TIMEOUT
	[ "$arch" = armhf ] && tmo=${VM_TIMEOUT_ARMHF:-$((VM_TIMEOUT * 5 / 2))}
	case $arch in
	x86_64)
		# shellcheck disable=SC2086
		timeout -k 5 "$tmo" qemu-system-x86_64 $qflags ${VM_QEMU_EXTRA:-} -m 512M \
			-nographic -no-reboot -kernel "$vmlinuz" -initrd "${INITRD[$arch]}" \
			-append "console=ttyS0 panic=-1 loglevel=4 $extra ${VM_APPEND:-} tbvm.checks=$checks" \
			< /dev/null > "$log" 2>&1 ;;
	arm64|armhf)
		# shellcheck disable=SC2086
		timeout -k 5 "$tmo" "qemu-system-$([ $arch = arm64 ] && echo aarch64 || echo arm)" \
			$qflags ${VM_QEMU_EXTRA:-} -m 512M \
			-nographic -no-reboot -kernel "$vmlinuz" -initrd "${INITRD[$arch]}" \
			-append "console=ttyAMA0 panic=-1 loglevel=4 $extra ${VM_APPEND:-} tbvm.checks=$checks" \
			< /dev/null > "$log" 2>&1 ;;
	esac
	rc=$?
	secs=$(( $(date +%s) - start ))
	tr -d '\r' < "$log" > "$log.txt"
	# TBVM lines; boot noise (escape sequences) may precede the first one on its line
	grep -o 'TBVM .*' "$log.txt" > "$log.tbvm"
	begin=$(grep -m1 '^TBVM begin ' "$log.tbvm")
	release=$(echo "$begin" | awk '{print $3}')
	march=$(echo "$begin" | awk '{print $4}')
	if [ -z "$begin" ]; then
		not_ok "$name: guest booted and started its checks (qemu exit $rc after ${secs}s)"
		tail -25 "$log.txt" | sed 's/^/    | /'
		VERIFIED+=("| $name | $arch | (no boot) | fail |")
		return
	fi
	ok "$name: booted $release ($march) in qemu"
	while IFS= read -r line; do
		case $line in
		"TBVM ok "*) ok "$name: ${line#TBVM ok }"; last_nok=0 ;;
		"TBVM not ok "*) not_ok "$name: ${line#TBVM not ok }"; last_nok=1 ;;
		"TBVM # "*) [ $last_nok = 1 ] && echo "    ${line#TBVM # }" ;;
		esac
	done < "$log.tbvm"
	collect_back "$name" "$log.tbvm" "$release"
	summary=$(grep -E '^TBVM [0-9]+ passed, [0-9]+ failed$' "$log.tbvm" | tail -1)
	if [ -z "$summary" ] || [ $rc = 124 ] || [ $rc = 137 ]; then
		not_ok "$name: guest finished its checks and powered off (qemu exit $rc after ${secs}s, limit ${tmo}s)"
		if [ -n "$summary" ]; then
			echo "    the checks finished ($summary); the guest did not power off"
		else
			echo "    running at the end: $(sed -n 's/^TBVM # start: //p' "$log.tbvm" | tail -1)"
		fi
		grep '^TBVM # watchdog' "$log.tbvm" | head -60 | sed 's/^/    | /'
		grep -v '^TBVM # watchdog' "$log.tbvm" | tail -6 | sed 's/^/    | /'
		echo "    last kernel/console lines:"
		grep -v '^TBVM ' "$log.txt" | tail -15 | sed 's/^/    | /'
		VERIFIED+=("| $name | $arch | $release | fail (did not finish) |")
		return
	fi
	p=$(echo "$summary" | awk '{print $2}')
	f=$(echo "$summary" | awk '{print $4}')
	expect_eq "$name: guest summary matches its result lines" \
		"$p $f" "$(grep -c '^TBVM ok ' "$log.tbvm") $(grep -c '^TBVM not ok ' "$log.tbvm")"
	echo "# $name: $release $march, $p passed, $f failed, ${secs}s"
	if [ "$f" = 0 ]; then
		VERIFIED+=("| $name | $arch | $release | pass ($p checks) |")
	else
		VERIFIED+=("| $name | $arch | $release | FAIL ($f of $((p + f)) checks: $(sed -n 's/^TBVM not ok \([^ ]*\).*/\1/p' "$log.tbvm" | tr '\n' ' ' | sed 's/ $//')) |")
	fi
}

# --- main --------------------------------------------------------------------------------
tier_start=$(date +%s)
for k in "${KERNELS[@]}"; do
	IFS='|' read -r name deb rel meta extra <<< "$k"
	if [ -n "${VM_KERNELS:-}" ] && ! [[ " $VM_KERNELS " == *" $name "* ]]; then continue; fi
	boot_kernel "$name" "$deb" "$rel" "$meta" "$extra"
done
{
	echo "| kernel | arch | release (uname -r, as booted) | result |"
	echo "|---|---|---|---|"
	printf '%s\n' "${VERIFIED[@]}"
	echo
	echo "Checks: $CHECKS; old kernels also $OLD_CHECKS (3.10: no stackinst); 4.19 without RNG: $NORNG_CHECKS; slub_debug boot: $SLUB_CHECKS."
	echo "tracebook $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '(no git)'), $(date -u '+%Y-%m-%d %H:%M UTC'), tier took $(( $(date +%s) - tier_start ))s."
} > "$VM_LOGS/VERIFIED.md"
echo "# results table: $VM_LOGS/VERIFIED.md"
finish
