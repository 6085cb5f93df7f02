#!/usr/bin/env bash
# tests/vm/fleet.sh - the no-Python Ansible target, proven in the qemu tier: a Debian
# x86_64 kernel (6.12) booted under qemu with a busybox userland, no Python at all, and
# Debian's dropbear as its SSH server (dynamically linked: shipped with what `ldd`
# lists and the loader), the e1000 driver loaded from the kernel package's modules,
# reached through qemu's user network (hostfwd 127.0.0.1:PORT -> guest :22).
# contrib/ansible/hunt.yml runs against it with ansible_ssh_transfer_method=piped
# (dropbear has no sftp server): it must push build/static-x86_64/tracebook, run probe,
# run slab-leak while the guest plants 23 eventfd contexts (lib/fleet-init), restore,
# and fetch the report; then `tracebook merge` of the result must show the planted
# group on the guest, and the guest's tracing must be back at its defaults.
#
#   VM_CACHE=DIR (as tests/vm/tier.sh), VM_TIMEOUT=SECONDS (the guest's life, default 900)
# On a shared machine, run it under the qemu lock: flock /tmp/tracebook-qemu.lock bash
# tests/vm/fleet.sh (not taken here: a runner holding it would deadlock).  A kernel that cannot be downloaded is the only "skip"; a missing host tool
# is "not ok" (make deps installs them).
. "$(dirname "$0")/../lib.sh"
VM_DIR=$TOP/tests/vm
VM_CACHE=${VM_CACHE:-$VM_DIR/cache}
VM_BUILD=$TOP/build/vm/fleet
VM_TIMEOUT=${VM_TIMEOUT:-900}
KNAME=x86_64-6.12 KREL=bookworm KMETA=linux-image-6.12-amd64
N=23
. "$VM_DIR/lib/fetch.bash"

need_ok=1
for t in qemu-system-x86_64 cpio gzip gcc ansible-playbook ssh ssh-keygen jq objcopy \
	/usr/sbin/dropbear dropbearkey ldd; do
	command -v "$t" > /dev/null || { not_ok "fleet guest: host tool $t present (make deps installs it)"; need_ok=0; }
done
[ -x "$TB" ] || { not_ok "fleet guest: $TB (make asan)"; need_ok=0; }
[ $need_ok = 1 ] || finish
mkdir -p "$VM_CACHE" "$VM_BUILD"

if ! err=$(vm_fetch_kernel "$KNAME" amd64 "$KREL" "$KMETA" 2>&1 > /dev/null); then
	skip "fleet guest" "kernel download failed: $(printf '%s' "$err" | tail -1)"; finish
fi
if ! err=$(vm_fetch_modules "$KNAME" amd64 "$KREL" e1000 2>&1 > /dev/null); then
	skip "fleet guest" "the kernel package's modules could not be downloaded: $(printf '%s' "$err" | tail -1)"; finish
fi
if ! vm_fetch_busybox amd64 2> /dev/null; then
	if file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; then
		cp /bin/busybox "$VM_CACHE/busybox-amd64"
	else
		skip "fleet guest" "busybox-static:amd64 could not be downloaded"; finish
	fi
fi
log=$VM_BUILD/build.log
make -C "$TOP" -s -j2 static ARCH=x86_64 > "$log" 2>&1 || { not_ok "make static ARCH=x86_64"; tail -5 "$log"; finish; }

WORK=$(mktemp -d /tmp/tb-vmfleet.XXXXXX)
QPID=
cleanup() {
	[ -n "$QPID" ] && kill "$QPID" 2>/dev/null && wait "$QPID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- the guest's initramfs ---------------------------------------------------------------
R=$WORK/root
mkdir -p "$R"/{bin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,var/tmp,etc/dropbear,root/.ssh,lib/modules}
cp "$VM_CACHE/busybox-amd64" "$R/bin/busybox" && chmod 755 "$R/bin/busybox"
ln -s busybox "$R/bin/sh"
gcc -std=gnu99 -Wall -Wextra -Werror -O2 -static -o "$R/bin/tbvm-helper" "$VM_DIR/lib/tbvm-helper.c" \
	$(pkg-config --cflags json-c) $(pkg-config --static --libs json-c) >> "$log" 2>&1 ||
	{ not_ok "fleet guest: build tbvm-helper"; tail -5 "$log"; finish; }
# dropbear and what the dynamic loader needs for it, at the same paths
cp /usr/sbin/dropbear "$R/usr/sbin/"
for lib in $(ldd /usr/sbin/dropbear | grep -o '/[^ ]*'); do
	mkdir -p "$R$(dirname "$lib")" && cp -L "$lib" "$R$lib"
done
libs=$(ldd /usr/sbin/dropbear | grep -c '/')
[ "$libs" -ge 2 ] && ok "fleet guest: dropbear's $libs libraries and loader packed (ldd)" ||
	not_ok "fleet guest: ldd listed no libraries of dropbear"
for m in $(cat "$VM_CACHE/kernels/$KNAME/modules/order"); do cp "$VM_CACHE/kernels/$KNAME/modules/$m" "$R/lib/modules/"; done
cp "$VM_CACHE/kernels/$KNAME/modules/order" "$R/lib/modules/order"
dropbearkey -t ed25519 -f "$R/etc/dropbear/hostkey" > /dev/null 2>&1 || { not_ok "dropbearkey"; finish; }
ssh-keygen -q -t ed25519 -N '' -f "$WORK/id" || { not_ok "ssh-keygen"; finish; }
cp "$WORK/id.pub" "$R/root/.ssh/authorized_keys"
chmod 700 "$R/root" "$R/root/.ssh"; chmod 600 "$R/root/.ssh/authorized_keys"
echo 'root:x:0:0:root:/root:/bin/sh' > "$R/etc/passwd"
echo 'root:x:0:' > "$R/etc/group"
echo '/bin/sh' > "$R/etc/shells"
cp "$VM_DIR/lib/fleet-init" "$R/init" && chmod 755 "$R/init"
ls "$R"/usr/bin/python* "$R"/bin/python* > /dev/null 2>&1 && not_ok "fleet guest: a python in the initramfs"
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -6 > "$VM_BUILD/initramfs.cpio.gz") ||
	{ not_ok "fleet guest: initramfs"; finish; }

# --- boot ----------------------------------------------------------------------------------
PORT=$((20000 + $$ % 20000))
SERIAL=$VM_BUILD/serial.log
SSHO=(-o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=20
	-o LogLevel=ERROR -i "$WORK/id" -p "$PORT")
gssh() { ssh "${SSHO[@]}" root@127.0.0.1 "$@"; }
start=$(date +%s)
timeout -k 5 "$VM_TIMEOUT" qemu-system-x86_64 -M pc -cpu max -smp 1 -m 512M \
	-nographic -no-reboot -kernel "$VM_CACHE/kernels/$KNAME/vmlinuz" -initrd "$VM_BUILD/initramfs.cpio.gz" \
	-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$PORT-:22" -device e1000,netdev=n0 \
	-append "console=ttyS0 panic=-1 loglevel=4" < /dev/null > "$SERIAL" 2>&1 &
QPID=$!
up=0
for _ in $(seq 300); do
	kill -0 "$QPID" 2>/dev/null || break
	grep -qa 'TBFLEET ready' "$SERIAL" && gssh true 2>/dev/null && { up=1; break; }
	sleep 2
done
if [ $up = 0 ]; then
	not_ok "fleet guest: booted and answers ssh on 127.0.0.1:$PORT (after $(( $(date +%s) - start ))s)"
	tr -d '\r' < "$SERIAL" | tail -25 | sed 's/^/    | /'
	finish
fi
ok "fleet guest: $(gssh uname -r) booted, dropbear answers through qemu's user network ($(( $(date +%s) - start ))s)"
out=$(gssh 'for p in python python3 python2; do command -v $p; done; echo "uname=$(uname -m)"; ls /usr/bin /bin | grep -c python' 2>&1)
expect_eq "fleet guest: no Python at all (x86_64)" "uname=x86_64
0" "$out"
expect_match "fleet guest: the ssh server is dropbear" 'dropbear' "$(gssh 'cat /proc/$(cat /run/dropbear.pid)/comm' 2>&1)"
tstate() { gssh 'T=/sys/kernel/tracing; echo "tracer=$(cat $T/current_tracer) events=$(cat $T/set_event | wc -l) instances=$(ls $T/instances | wc -l) kprobes=$(cat $T/kprobe_events | wc -l) stacktrace=$(cat $T/options/stacktrace)"' 2>&1; }
before=$(tstate)
expect_eq "fleet guest: tracing at its defaults before the play" "tracer=nop events=0 instances=0 kprobes=0 stacktrace=0" "$before"

# --- the play ------------------------------------------------------------------------------
INV=$WORK/hosts.ini
cat > "$INV" <<INV
[fleet]
bbguest ansible_host=127.0.0.1 ansible_port=$PORT

[fleet:vars]
ansible_user=root
ansible_ssh_private_key_file=$WORK/id
ansible_ssh_transfer_method=piped
ansible_ssh_common_args=-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=20
INV
RES=$WORK/results
pstart=$(date +%s)
( cd "$WORK" && ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
	timeout 600 ansible-playbook -i "$INV" "$TOP/contrib/ansible/hunt.yml" \
	-e recipe=slab-leak -e duration=10s -e save_dir="$RES" -e tracebook_margin=180 \
	-e tracebook_poll=2 -e '{"tracebook_run_options": ["--top", "200"]}' \
	> "$VM_BUILD/play.out" 2>&1 ); rc=$?
expect_eq "ansible-playbook against the busybox+dropbear guest exits 0 ($(( $(date +%s) - pstart ))s)" 0 "$rc"
[ "$rc" = 0 ] || tail -30 "$VM_BUILD/play.out" | sed 's/^/    | /'
st=$RES/bbguest/status.json
expect_eq "status: ok, arch x86_64" "ok x86_64" "$(jq -r '.status + " " + .arch' "$st" 2>&1)"
[ "$(jq -r .status "$st" 2>/dev/null)" = ok ] || jq -c . "$st" 2>&1 | sed 's/^/    | /'
expect_eq "the pushed binary is build/static-x86_64/tracebook" \
	"$(sha256sum < "$TOP/build/static-x86_64/tracebook" | cut -d' ' -f1)" \
	"$(gssh 'sha256sum < /var/tmp/tracebook/tracebook' 2>&1 | cut -d' ' -f1)"
expect_eq "probe ran: results/bbguest/probe.json says the guest's kernel" "$(gssh uname -r 2>&1)" \
	"$(jq -r .release "$RES/bbguest/probe.json" 2>&1)"
expect_eq "restore ran after the run (always:), exit 0" "rc=0" "$(jq -r .restore "$st" 2>&1 | head -1)"
after=$(tstate)
expect_eq "fleet guest: tracing back at its defaults after the play" "$before" "$after"
expect_match "the guest planted its leak during the run" "^planted $N\$" "$(gssh cat /tmp/plant.out 2>&1)"

# --- merge -----------------------------------------------------------------------------------
out=$("$TB" merge --top 1000 -o "$WORK/merged.json" --html "$WORK/merged.html" "$RES"/*/ 2>&1); mrc=$?
expect_eq "tracebook merge results/*/ exits 0" 0 "$mrc"
expect_match "merge: the guest merged, kernel 6.12" "^  bbguest: kernel 6\\.12[^ ]* x86_64" "$out"
expect_eq "merge: the planted eventfd group, $N on bbguest" "bbguest $N" \
	"$(jq -r '[.groups[] | select(.site | test("eventfd")) | .per_host[] | "\(.host) \(.count)"] | join(",")' "$WORK/merged.json" 2>&1)"
expect_match "merge --html: the guest's row" '<tr class="host" data-host="bbguest" data-state="merged">' "$(cat "$WORK/merged.html" 2>&1)"
cp "$WORK/merged.json" "$WORK/merged.html" "$VM_BUILD/" 2>/dev/null

gssh 'sync; poweroff -f' > /dev/null 2>&1
for _ in $(seq 30); do kill -0 "$QPID" 2>/dev/null || break; sleep 1; done
kill -0 "$QPID" 2>/dev/null && not_ok "fleet guest: powered off" || ok "fleet guest: powered off ($(( $(date +%s) - start ))s in all)"
finish
