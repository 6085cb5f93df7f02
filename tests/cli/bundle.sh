#!/usr/bin/env bash
# tests/cli/bundle.sh - issue 15: `tracebook collect` bundles, offline.
#  - collect on a fake 6.x root: exit 0, one .tar.gz that GNU tar and gzip read, with
#    the members the MANIFEST lists (sizes) and what it could not collect said
#  - analyze of a bundle built from fixtures (packed by GNU tar: dynamic-Huffman gzip),
#    as FILE.tar.gz and as the unpacked DIR: the same report as analyzing its run's data
#    with the bundle's kallsyms and uname, plus the growth between its two snapshots
#  - bad bundles: truncated gzip, corrupt CRC, not a tar, missing member, ../ and
#    absolute names, a symlink: exit 3 naming the file (and member), nothing written
#    outside the temporary directory, no temporary directory left behind
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
TMP=$(mktemp -d /tmp/tb-cli-bundle.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
[ -x "$TB" ] || { not_ok "tracebook binary $TB missing (make asan)"; finish; }
export TMPDIR=$TMP/tmp
mkdir -p "$TMPDIR"
F=tests/fixtures

# --- collect on a fake root --------------------------------------------------------
bash tests/fake/mktree.sh 6.x "$TMP/root" > /dev/null || { not_ok "mktree 6.x"; finish; }
out=$(TRACEBOOK_ROOT=$TMP/root TRACEBOOK_RUNDIR=$TMP/run "$TB" collect -d 1s -o "$TMP/b.tar.gz" 2> "$TMP/collect.err"); rc=$?
expect_eq "collect (fake 6.x root): exit 0" 0 "$rc"
expect_match "collect: says where the bundle is (stderr)" "the bundle will be $TMP/b.tar.gz" "$(cat "$TMP/collect.err")"
expect_match "collect: lists what it collected with sizes" 'snap/2-slabinfo +[0-9]+ bytes' "$out"
expect_match "collect: says what it could not (SLUB trace read-only on 6.x)" 'not collected.*' "$out"
expect_match "collect: SLUB trace read-only named" 'SLUB trace: read-only' "$out"
check "collect: gzip -t accepts the bundle" gzip -t "$TMP/b.tar.gz"
list=$(tar tzf "$TMP/b.tar.gz" 2>&1)
for m in MANIFEST uname.txt probe.json kallsyms snap/1-slabinfo snap/2-slabinfo snap/1-meminfo \
	snap/2-buddyinfo run/trace.dat run/recipe.recipe run-exit.txt run-report.txt; do
	expect_match "collect: GNU tar lists $m" "^collect-[^/]+/$m\$" "$list"
done
top=$(printf '%s\n' "$list" | head -1 | cut -d/ -f1)
mkdir -p "$TMP/x" && tar xzf "$TMP/b.tar.gz" -C "$TMP/x"
expect_eq "collect: snapshot 1 is the box's slabinfo, byte for byte" "$(md5sum < "$TMP/root/proc/slabinfo")" "$(md5sum < "$TMP/x/$top/snap/1-slabinfo")"
expect_eq "collect: kallsyms is the box's" "$(md5sum < "$TMP/root/proc/kallsyms")" "$(md5sum < "$TMP/x/$top/kallsyms")"
expect_match "collect: the short run's exit is recorded" '^exit 0 ' "$(cat "$TMP/x/$top/run-exit.txt")"
expect_match "collect: MANIFEST lists the missing things" 'not collected:.*SLUB trace' "$(tr '\n' ' ' < "$TMP/x/$top/MANIFEST")"
t1=$(stat -c %Y "$TMP/x/$top/snap/1-slabinfo"); t2=$(stat -c %Y "$TMP/x/$top/snap/2-slabinfo")
expect_eq "collect: the two snapshots are D (1s) apart (tar mtimes)" 1 "$(( t2 - t1 >= 1 && t2 - t1 <= 3 ))"
expect_eq "collect: no staging directory left" "" "$(ls "$TMPDIR")"
# an unwritable output directory is refused before anything is collected
out=$(TRACEBOOK_ROOT=$TMP/root "$TB" collect -o /nonexistent/dir/b.tar.gz 2>&1); rc=$?
expect_eq "collect -o into a missing directory: exit 2" 2 "$rc"
expect_match "collect -o into a missing directory: names it" '/nonexistent/dir' "$out"
out=$("$TB" collect -d 0.5s 2>&1); rc=$?
expect_eq "collect -d below 1s: exit 2" 2 "$rc"
out=$("$TB" collect extra 2>&1); rc=$?
expect_eq "collect with an argument: exit 2" 2 "$rc"

# --- a bundle from fixtures, read back --------------------------------------------------
if ! command -v trace-cmd > /dev/null; then
	skip "bundle analyze round trip" "trace-cmd is not installed (make deps)"
else
	export LSAN_OPTIONS="suppressions=$TOP/tests/cli/decode-lsan.supp:print_suppressions=0"
	B=$TMP/fb/collect-box-20261122T123707Z
	mkdir -p "$B/run" "$B/snap"
	trace-cmd convert --file-version 6 -i $F/live-6x/kmem-6x.dat -o "$B/run/trace.dat" > /dev/null 2>&1
	echo "Linux box 6.18.44-fc-v769 #1 SMP PREEMPT_DYNAMIC x86_64" > "$B/uname.txt"
	cp "$B/uname.txt" "$B/run/uname.txt"	# a run --save directory has its own
	printf 'tracebook collect test\n' > "$B/MANIFEST"
	echo "exit 0 (ok)" > "$B/run-exit.txt"
	# the fixtures are `date; cat /proc/slabinfo /proc/meminfo`: collect keeps one file per kind
	sed -n '2,/^MemTotal/p' $F/slabinfo/live-6.18-before.txt | sed '$d' > "$B/snap/1-slabinfo"
	sed -n '2,/^MemTotal/p' $F/slabinfo/live-6.18-after.txt | sed '$d' > "$B/snap/2-slabinfo"
	touch -d '2026-11-22 12:37:07 UTC' "$B/snap/1-slabinfo"
	touch -d '2026-11-22 12:47:07 UTC' "$B/snap/2-slabinfo"
	(cd "$TMP/fb" && tar czf "$TMP/fix.tar.gz" collect-box-20261122T123707Z)
	"$TB" analyze "$B/run" > "$TMP/direct.txt" 2>&1; rd=$?
	"$TB" analyze "$TMP/fix.tar.gz" > "$TMP/tgz.txt" 2> "$TMP/tgz.err"; rt=$?
	"$TB" analyze "$TMP/fb" > "$TMP/dir.txt" 2> "$TMP/dir.err"; rdir=$?
	expect_eq "bundle .tar.gz (GNU tar, dynamic Huffman): exit as its run's data" "$rd" "$rt"
	expect_eq "bundle unpacked dir: exit as its run's data" "$rd" "$rdir"
	expect_match "bundle: the run's report (kmem pairs)" 'outstanding' "$(cat "$TMP/tgz.txt")"
	expect_match "bundle: sites named from the bundle's data" 'eventfs_set_attr\+0x10d/0x140' "$(cat "$TMP/tgz.txt")"
	# the run's report is the same as analyzing the run directory (paths aside)
	norm() { sed -E 's|/[^ ]*/run/trace.dat|RUN/trace.dat|g' "$1" | sed -n '/== the bundle/q;p'; }
	expect_eq "bundle .tar.gz: same report as its run dir" "$(norm "$TMP/direct.txt")" "$(norm "$TMP/tgz.txt")"
	expect_eq "bundle dir: same report as the .tar.gz" "$(norm "$TMP/tgz.txt")" "$(norm "$TMP/dir.txt")"
	expect_match "bundle: the kernel from the bundle's uname" '6\.18\.44-fc-v769' "$(cat "$TMP/tgz.txt")"
	expect_match "bundle: growth between its two snapshots" "== the bundle's /proc snapshots" "$(cat "$TMP/tgz.txt")"
	g=$("$TB" slabs $F/slabinfo/live-6.18-before.txt $F/slabinfo/live-6.18-after.txt 2>/dev/null | awk '/grow/ {f=1} f && NF>3 {print $1; exit}')
	[ -n "$g" ] && expect_match "bundle: the top grower of the snapshots ($g) is shown" "$g" "$(sed -n "/== the bundle/,\$p" "$TMP/tgz.txt")"
	expect_eq "bundle analyze: temporary directory removed" "" "$(ls "$TMPDIR")"
	# a bundle whose short run failed: the failure and the growth, exit 0
	N=$TMP/nr/collect-box-2
	mkdir -p "$N/snap" && cp "$B/uname.txt" "$B/MANIFEST" "$N/" && cp -p "$B/snap/"* "$N/snap/"
	echo "exit 5 (not root)" > "$N/run-exit.txt"
	out=$("$TB" analyze "$TMP/nr" 2>&1); rc=$?
	expect_eq "bundle without run data: exit 0" 0 "$rc"
	expect_match "bundle without run data: says the run failed" 'left no data \(exit 5 \(not root\)\)' "$out"
	expect_match "bundle without run data: still the growth" "== the bundle's /proc snapshots" "$out"
	unset LSAN_OPTIONS

	# --- bad bundles: exit 3, naming file and member, nothing outside -----------------
	bad() {	# name file regex
		local out rc
		out=$("$TB" analyze "$2" 2>&1); rc=$?
		expect_eq "bad bundle ($1): exit 3" 3 "$rc"
		expect_match "bad bundle ($1): the message names the file" "$(basename "$2")" "$out"
		expect_match "bad bundle ($1): says what is wrong" "$3" "$out"
		expect_eq "bad bundle ($1): no temporary directory left" "" "$(ls "$TMPDIR")"
	}
	head -c 3000 "$TMP/fix.tar.gz" > "$TMP/cut.tar.gz"
	bad "truncated gzip" "$TMP/cut.tar.gz" 'truncated'
	cp "$TMP/fix.tar.gz" "$TMP/crc.tar.gz"
	sz=$(stat -c %s "$TMP/crc.tar.gz")
	printf '\x00\x00\x00\x00' | dd of="$TMP/crc.tar.gz" bs=1 seek=$((sz - 8)) conv=notrunc 2> /dev/null
	bad "corrupt CRC" "$TMP/crc.tar.gz" 'CRC-32'
	echo "hello" | gzip > "$TMP/text.tar.gz"
	bad "not a tar" "$TMP/text.tar.gz" 'not a tar archive|truncated'
	echo "just text" > "$TMP/plain.tar.gz"
	bad "not gzip" "$TMP/plain.tar.gz" 'not gzip'
	(cd "$TMP/fb" && tar czf "$TMP/nouname.tar.gz" --exclude uname.txt collect-box-20261122T123707Z)
	bad "missing member" "$TMP/nouname.tar.gz" "member 'collect-box-20261122T123707Z/uname.txt' is missing"
	mkdir -p "$TMP/ev/sub" && echo pwned > "$TMP/ev/evil"
	(cd "$TMP/ev/sub" && tar czPf "$TMP/dotdot.tar.gz" ../evil)
	bad "../ member" "$TMP/dotdot.tar.gz" "member '../evil'.*outside"
	tar czPf "$TMP/abs.tar.gz" "$TMP/ev/evil" 2> /dev/null
	bad "absolute member" "$TMP/abs.tar.gz" "member '/.*evil'.*outside"
	(cd "$TMP/fb" && ln -s /etc/passwd collect-box-20261122T123707Z/link &&
		tar czf "$TMP/link.tar.gz" collect-box-20261122T123707Z && rm collect-box-20261122T123707Z/link)
	bad "symlink member" "$TMP/link.tar.gz" "member 'collect-box-20261122T123707Z/link': a link"
	# the traversal members were never written anywhere
	expect_eq "bad bundles: nothing written beside the inputs" "pwned" "$(cat "$TMP/ev/evil")"
	expect_eq "bad bundles: no 'evil' outside" "" "$(ls "$TMP"/../evil "$TMPDIR"/../evil 2>/dev/null)"
fi
finish
