#!/usr/bin/env bash
# tests/live/fleet.sh - contrib/ansible/hunt.yml for real against two "hosts" on this
# machine: two network namespaces joined to this one by veth pairs, each with its own
# sshd (started here on its namespace address, key auth with a key made here).  The
# kernel's tracing is one per machine, so the play runs one host at a time
# (tracebook_serial=1) under the live-test lock.
#   fleet-busy   refuses: another tracebook run holds its run lock (its TRACEBOOK_RUNDIR,
#                locked by this test for the length of the play): exit 7, busy
#   fleet-leak   runs slab-leak while N signalfds are planted (kmalloc-8 at
#                do_signalfd4)
# Then `tracebook merge results/*/` must name the planted leak on fleet-leak only, and
# fleet-busy's refusal with its exit code and message.  sshd, namespaces, veths and
# every file made here are removed at the end (trap); the tracing state is compared
# byte for byte before and after.  fleet-leak's sshd runs in a mount namespace where
# Python cannot run (its binaries and libraries hidden): the role must not need it.
. "$(dirname "$0")/../lib.sh"

N=29
if [ "${1:-}" != --locked ]; then
	if ! is_root; then skip "fleet playbook" "needs root (network namespaces, tracing)"; finish; fi
	for c in ansible-playbook ip ssh /usr/sbin/sshd ssh-keygen jq; do
		command -v "$c" >/dev/null || { not_ok "fleet: $c missing (make deps installs ansible-core, openssh-server, openssh-client, iproute2, jq)"; finish; }
	done
	T=$(live_tracefs)
	if [ -z "$T" ]; then skip "fleet playbook" "no tracefs on this kernel"; finish; fi
	if [ ! -d "$T/events/kmem/kmalloc" ]; then skip "fleet playbook" "no kmem:kmalloc tracepoint"; finish; fi
	case $(uname -r) in
	[0-3].*|4.[0-9].*|4.1[0-6].*) skip "fleet playbook" "signalfd's kmalloc is not in do_signalfd4 before 4.17"; finish ;;
	esac
	if [ "$(uname -m)" != x86_64 ]; then skip "fleet playbook" "the test pushes build/static-x86_64"; finish; fi
	with_live_lock bash "$0" --locked
	exit $?
fi

T=$(live_tracefs)
make -s -C "$TOP" workload >/dev/null 2>&1 || { not_ok "make workload"; finish; }
make -s -C "$TOP" static ARCH=x86_64 >/dev/null 2>&1 || { not_ok "make static ARCH=x86_64"; finish; }
[ -x "$TB" ] || { not_ok "$TB not built (make asan)"; finish; }

WORK=$(mktemp -d /tmp/tb-fleet.XXXXXX)
chmod 755 "$WORK"
HOSTS=(fleet-busy fleet-leak)
NS_PREFIX=tbfleet$$
SSHD_PIDS=()
MADE_RUN_SSHD=0

cleanup() {
	local p i
	for p in "${SSHD_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	for i in 0 1; do
		ip link del "${NS_PREFIX}h$i" 2>/dev/null
		ip netns del "${NS_PREFIX}n$i" 2>/dev/null
	done
	[ "$MADE_RUN_SSHD" = 1 ] && rmdir /run/sshd 2>/dev/null
	[ -n "${WL_PID:-}" ] && kill "$WL_PID" 2>/dev/null
	# flock(1) and its sleep: killing flock alone left the sleep holding the lock files
	[ -n "${LOCK_PID:-}" ] && { pkill -P "$LOCK_PID" 2>/dev/null; kill "$LOCK_PID" 2>/dev/null; }
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

before=$(tracefs_snapshot "$T")
ssh-keygen -q -t ed25519 -N '' -f "$WORK/id" || { not_ok "ssh-keygen"; finish; }
ssh-keygen -q -t ed25519 -N '' -f "$WORK/hostkey" || { not_ok "ssh-keygen host key"; finish; }
cp "$WORK/id.pub" "$WORK/authorized_keys"
if [ ! -d /run/sshd ]; then mkdir -p /run/sshd && chmod 755 /run/sshd && MADE_RUN_SSHD=1; fi

# one namespace per host: veth pair 10.251.<i>.1 (here) <-> 10.251.<i>.2 (the host)
INV="$WORK/hosts.ini"
echo "[fleet]" > "$INV"
for i in 0 1; do
	ns=${NS_PREFIX}n$i h=${NS_PREFIX}h$i g=${NS_PREFIX}g$i addr=10.251.$((i + 7)).2
	ip netns add "$ns" && ip link add "$h" type veth peer name "$g" && ip link set "$g" netns "$ns" &&
	ip addr add 10.251.$((i + 7)).1/30 dev "$h" && ip link set "$h" up &&
	ip netns exec "$ns" ip addr add "$addr/30" dev "$g" && ip netns exec "$ns" ip link set "$g" up &&
	ip netns exec "$ns" ip link set lo up || { not_ok "network namespace $ns"; finish; }
	cat > "$WORK/sshd$i.conf" <<CONF
ListenAddress $addr
Port 22
HostKey $WORK/hostkey
AuthorizedKeysFile $WORK/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile $WORK/sshd$i.pid
Subsystem sftp internal-sftp
CONF
	if [ $i = 1 ]; then
		# no Python on this target: in its own mount namespace every python binary is an
		# empty file that cannot be executed, every python library directory empty
		mkdir -p "$WORK/empty" && : > "$WORK/nopython" && chmod 644 "$WORK/nopython"
		hide=""
		# (the system's, and any an ssh session's PATH may reach: pyenv, /opt)
		for p in /usr/bin/python* /usr/local/bin/python* /usr/libexec/platform-python* \
			$(find /opt /root/.pyenv /root/.local -maxdepth 4 -path '*/bin/python*' -type f 2>/dev/null); do
			[ -f "$p" ] && [ ! -L "$p" ] && hide="$hide mount --bind $WORK/nopython $p &&"
		done
		for p in /usr/lib/python3* /usr/local/lib/python3*; do [ -d "$p" ] && hide="$hide mount --bind $WORK/empty $p &&"; done
		ip netns exec "$ns" unshare -m --propagation private sh -c \
			"$hide exec /usr/sbin/sshd -D -e -f $WORK/sshd$i.conf" 2> "$WORK/sshd$i.log" &
	else
		ip netns exec "$ns" /usr/sbin/sshd -D -e -f "$WORK/sshd$i.conf" 2> "$WORK/sshd$i.log" &
	fi
	SSHD_PIDS+=($!)
	echo "${HOSTS[$i]} ansible_host=$addr tracebook_remote_dir=$WORK/remote-${HOSTS[$i]}" >> "$INV"
done
# fleet-busy's run directory, its lock held by "another run" (flock(1), as tracebook's flock(2))
BUSY="$WORK/busy-rundir"
mkdir -p "$BUSY" && chmod 700 "$BUSY"
echo 4242 > "$BUSY/lock"
flock -x "$BUSY/lock" sleep 600 &
LOCK_PID=$!
cat >> "$INV" <<INV

[fleet:vars]
ansible_user=root
ansible_ssh_private_key_file=$WORK/id
ansible_ssh_common_args=-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=10
INV
# fleet-busy: someone else is tracing there
sed -i "s|^fleet-busy .*|& tracebook_environment='{\"TRACEBOOK_RUNDIR\": \"$BUSY\"}'|" "$INV"

# wait for both sshds
for i in 0 1; do
	for _ in $(seq 50); do
		ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
			-i "$WORK/id" root@10.251.$((i + 7)).2 true 2>/dev/null && break
		sleep 0.1
	done
done
check "ssh to both namespace hosts" ssh -o BatchMode=yes -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -i "$WORK/id" root@10.251.8.2 true
out=$(ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -i "$WORK/id" \
	root@10.251.8.2 'python3 -c "print(41 + 1)" 2>/dev/null; echo "python3 rc=$?"' 2>&1)
expect_match "fleet-leak has no usable Python (python3 fails there)" '^python3 rc=[1-9]' "$out"
expect_nomatch "... and printed nothing" '^42$' "$out"

# the play; the leak is planted once fleet-leak's tracebook has its events enabled
RES="$WORK/results"
( cd "$WORK" && ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
	ansible-playbook -i "$INV" "$TOP/contrib/ansible/hunt.yml" -e tracebook_serial=1 \
	-e recipe=slab-leak -e duration=4s -e save_dir="$RES" -e tracebook_margin=60 \
	-e tracebook_poll=1 -e '{"tracebook_run_options": ["--top", "200"]}' \
	> "$WORK/play.out" 2>&1 ) &
PLAY=$!
planted=0
while kill -0 $PLAY 2>/dev/null; do
	if grep -qs kmem "$T"/instances/tracebook-*/set_event; then
		ip netns exec "${NS_PREFIX}n1" "$TOP/build/tb-workload" -p "$N" -P signalfd -d 1.5 -H -1 \
			> "$WORK/wl.out" 2>&1 &
		WL_PID=$!
		planted=1
		break
	fi
	sleep 0.05
done
wait $PLAY; rc=$?
# the workload holds its planted objects until told to go (-H -1)
[ -n "${WL_PID:-}" ] && { kill -TERM "$WL_PID" 2>/dev/null; wait "$WL_PID" 2>/dev/null; WL_PID=; }
after=$(tracefs_snapshot "$T")

expect_eq "ansible-playbook exits 0 (a refusing host does not fail the play)" 0 "$rc"
[ "$rc" = 0 ] || tail -40 "$WORK/play.out" | sed 's/^/    | /'
expect_eq "leak planted during fleet-leak's run" 1 "$planted"
expect_match "workload planted $N at do_signalfd4" "^planted $N site=do_signalfd4" "$(cat "$WORK/wl.out" 2>/dev/null)"
expect_eq "tracing state restored after the play" "$before" "$after"
expect_eq "the pushed binary is build/static-x86_64/tracebook" \
	"$(sha256sum < "$TOP/build/static-x86_64/tracebook")" \
	"$(sha256sum < "$WORK/remote-fleet-leak/tracebook" 2>&1)"

st_busy=$RES/fleet-busy/status.json st_leak=$RES/fleet-leak/status.json
expect_eq "fleet-busy: status failed at run" "failed run" "$(jq -r '.status + " " + .stage' "$st_busy" 2>&1)"
expect_eq "fleet-busy: tracebook's exit code 7 (busy)" 7 "$(jq -r .exit_code "$st_busy" 2>&1)"
expect_match "fleet-busy: tracebook's message" "another tracebook run \\(pid 4242\\) is tracing" "$(jq -r .message "$st_busy" 2>&1)"
expect_eq "fleet-leak: status ok" ok "$(jq -r .status "$st_leak" 2>&1)"
expect_eq "fleet-leak: restored after the run" "rc=0" "$(jq -r .restore "$st_leak" 2>&1 | head -1)"
expect_eq "fleet-leak: probe.json kept" x86_64 "$(jq -r .arch "$RES/fleet-leak/probe.json" 2>&1)"
check "fleet-leak: report.json is a report" "$TB" diff "$RES/fleet-leak/report.json" "$RES/fleet-leak/report.json"
expect_match "summary names both hosts" "fleet-busy: failed at run, exit 7: .*another tracebook run" "$(cat "$RES/summary.txt" 2>&1)"

expect_eq "the play's own merge (results/merged.json): the planted group on fleet-leak" "fleet-leak $N" \
	"$(jq -r '[.groups[] | select(.site | startswith("do_signalfd4")) | .per_host[] | "\(.host) \(.count)"] | join(",")' "$RES/merged.json" 2>&1)"
expect_match "the play's own page (results/merged.html): both hosts, fleet-busy failed" \
	'<tr class="failed" data-host="fleet-busy" data-exit="7">' "$(cat "$RES/merged.html" 2>&1)"
expect_match "... and the planted group in its merged stacks" \
	'<svg class="fr" id="mic0-[0-9]*"[^>]*><title>do_signalfd4' "$(cat "$RES/merged.html" 2>&1)"

# the merge
out=$("$TB" merge --top 1000 -o "$WORK/merged.json" "$RES"/fleet-* 2>&1); mrc=$?
expect_eq "tracebook merge results/* exits 0" 0 "$mrc"
echo "$out" | head -12 | sed "s/^/# /"
expect_match "merge: the planted group, on fleet-leak only" \
	"^  slab do_signalfd4\+[^ ]*: on 1 of 1 hosts, $N outstanding" "$out"
expect_match "merge: fleet-leak's share of it" "^    fleet-leak +$N " "$(echo "$out" | grep -A1 '^  slab do_signalfd4+')"
expect_match "merge: the refusal with its exit code" "^  fleet-busy: exit 7 at run: .*another tracebook run \\(pid 4242\\) is tracing" "$out"
M=$WORK/merged.json
expect_eq "merge JSON: do_signalfd4 group only on fleet-leak, $N objects" "fleet-leak $N" \
	"$(jq -r '[.groups[] | select(.site | startswith("do_signalfd4")) | .per_host[] | "\(.host) \(.count)"] | join(",")' "$M" 2>&1)"
expect_eq "merge JSON: fleet-busy failed with exit 7" "failed 7" \
	"$(jq -r '.hosts[] | select(.host == "fleet-busy") | "\(.state) \(.exit_code)"' "$M" 2>&1)"
expect_eq "merge JSON: fleet-leak's kernel" "$(uname -r)" \
	"$(jq -r '.hosts[] | select(.host == "fleet-leak") | .kernel.release' "$M" 2>&1)"
finish
