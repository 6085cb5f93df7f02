#!/usr/bin/env bash
# tests/live/slabs.sh - `tracebook slabs` on this kernel: slabinfo captured before and
# after a planted workload (tests/live/slabs-plant.c holds AF_UNIX socket pairs open)
# analysed offline with the growth asserted on the cache that really holds UNIX-STREAM;
# a live -i watch across the same workload; alias resolution checked against readlink
# of real /sys/kernel/slab symlinks; the non-root message.  Touches no tracefs file.
. "$(dirname "$0")/../lib.sh"

PAIRS=5000
SLAB=/sys/kernel/slab
TMP=$(mktemp -d /tmp/tb-live-slabs.XXXXXX)
PLANT_PID=
cleanup() {
	[ -n "$PLANT_PID" ] && kill "$PLANT_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

if ! is_root; then skip "live slabs" "needs root (/proc/slabinfo is 0400)"; finish; fi
if [ ! -r /proc/slabinfo ]; then skip "live slabs" "no /proc/slabinfo on this kernel"; finish; fi
if [ ! -x "$TB" ]; then not_ok "tracebook binary $TB missing (make asan)"; finish; fi
if ! cc -O2 -o "$TMP/plant" "$TOP/tests/live/slabs-plant.c" 2>"$TMP/cc.err"; then
	skip "live slabs" "cannot build tests/live/slabs-plant.c: $(head -1 "$TMP/cc.err")"; finish
fi

# The cache that really holds UNIX stream sockets on this kernel: its sysfs directory.
unix_name=UNIX-STREAM
[ -e "$SLAB/$unix_name" ] || unix_name=UNIX
if [ -L "$SLAB/$unix_name" ]; then unix_dir=$(basename "$(readlink "$SLAB/$unix_name")")
elif [ -d "$SLAB/$unix_name" ]; then unix_dir=$unix_name
else skip "live slabs" "no $SLAB/UNIX-STREAM or UNIX (not SLUB?)"; finish; fi

snap() { { date -u; cat /proc/slabinfo /proc/meminfo /proc/vmstat /proc/buddyinfo; } > "$1"; }

# plant PAIRS socket pairs; PLANT_PID set, waits for "ready"
plant() {
	coproc PLANT { "$TMP/plant" "$PAIRS"; }
	PLANT_PID=$PLANT_PID
	read -r -t 30 line <&"${PLANT[0]}"
	case $line in "ready $PAIRS") return 0 ;; esac
	echo "plant said: '$line'"; return 1
}
unplant() { exec {PLANT[1]}>&-; wait "$PLANT_PID" 2>/dev/null; PLANT_PID=; }

# --- offline: before/after files of this kernel -------------------------------------------
snap "$TMP/before"
if ! plant; then not_ok "planted workload started"; finish; fi
sleep 1
snap "$TMP/after"
unplant

out=$("$TB" slabs "$TMP/before" "$TMP/after" --sysfs "$SLAB" 2>&1); rc=$?
expect_eq "offline before/after of this kernel exits 0" 0 "$rc"
# first row of "Top caches by growth": CACHE OBJSIZE ACTIVE +OBJS ...
top=$(printf '%s\n' "$out" | awk '/^Top caches by growth/ { getline; getline; print $1; exit }')
delta=$(printf '%s\n' "$out" | awk '/^Top caches by growth/ { getline; getline; print $4; exit }')
delta=${delta#+}
topdir=$(basename "$(readlink "$SLAB/$top" 2>/dev/null || echo "$top")")
expect_eq "top grower '$top' is the cache holding $unix_name ($unix_dir)" "$unix_dir" "$topdir"
if [ "${delta:-0}" -ge $((PAIRS * 2 * 9 / 10)) ] 2>/dev/null; then
	ok "it grew by $delta objects for $((PAIRS * 2)) planted sockets"
else
	not_ok "growth of $top: expected >= $((PAIRS * 2 * 9 / 10)), got '$delta'"
fi
expect_match "span taken from the date lines" 'over [1-9][0-9]*\.[0-9]s' "$out"
if [ "$top" != "$unix_name" ]; then
	expect_match "the row of $top lists $unix_name merged into it" "^  $top .*$unix_name" "$out"
fi

# --- live alias resolution against real symlinks ---------------------------------------------
n=0
for l in "$SLAB"/*; do
	[ -L "$l" ] || continue
	n=$((n + 1)); [ $n -le 3 ] || break
	name=$(basename "$l"); want=$(basename "$(readlink "$l")")
	got=$("$TB" slabs --cache "$name" 2>&1 | head -1 | sed -n 's|.*(sysfs /sys/kernel/slab/\([^)]*\)).*|\1|p')
	expect_eq "live: $name resolves to readlink's $want" "$want" "$got"
done
[ $n -gt 0 ] || skip "live alias resolution" "no symlink in $SLAB (slab_nomerge?)"
out=$("$TB" slabs --cache "$unix_name" 2>&1)
if [ -L "$SLAB/$unix_name" ]; then
	expect_match "live: $unix_name said to be merged" "^$unix_name is merged into .*$SLAB/$unix_dir\)" "$out"
fi

# --- live watch across the workload, with the hint -----------------------------------------
"$TB" slabs -i 4s -n 1 --top 5 > "$TMP/watch" 2>&1 &
tbpid=$!
sleep 1
if plant; then
	wait "$tbpid"; rc=$?
	unplant
	out=$(cat "$TMP/watch")
	expect_eq "live -i 4s -n 1 exits 0" 0 "$rc"
	first=$(printf '%s\n' "$out" | awk '/^Top caches by growth/ { getline; getline; print $1; exit }')
	fdir=$(basename "$(readlink "$SLAB/$first" 2>/dev/null || echo "$first")")
	expect_eq "live watch: top grower $first is $unix_name's cache" "$unix_dir" "$fdir"
	expect_match "live watch: hint names slub-trace for it" "tracebook run slub-trace cache=$first" "$out"
	mode=$(stat -c %a "$SLAB/$unix_dir/trace" 2>/dev/null)
	if [ "$mode" = 400 ]; then
		expect_match "live watch: read-only trace toggle explained" 'SLUB trace toggle is read-only \(mode 0400, 5\.9\+\): slub-trace falls back to the kmem tracepoints' "$out"
	else
		skip "read-only trace hint" "trace mode here is '$mode'"
	fi
else
	wait "$tbpid"
	not_ok "planted workload started (watch)"
fi

# --- not root: a clear message and exit 5 -----------------------------------------------------
if command -v setpriv >/dev/null; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$TB" slabs 2>&1); rc=$?
	expect_eq "as nobody: exit 5 (not root)" 5 "$rc"
	expect_match "as nobody: says root only and what to do" 'readable by root only.*sudo tracebook slabs' "$out"
else
	skip "non-root message" "no setpriv"
fi
finish
