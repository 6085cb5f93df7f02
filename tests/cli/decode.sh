#!/usr/bin/env bash
# decode.sh - `tracebook analyze` on files brought back from a box (no kernel needed):
# every fixture decodes to its golden events and report numbers; detection; multi-file
# merge; stdin; CRLF; trace.dat vs its `trace-cmd report` text; bad input never fatal.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
. tests/golden/decode/cases.sh
G=tests/golden/decode
TMP=$(mktemp -d /tmp/tb-decode.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

report_numbers() { # FILE... -> the jq summary of the JSON report
	"$TB" analyze "$@" -o "$TMP/r.json" > "$TMP/r.txt" 2> "$TMP/r.err" || { cat "$TMP/r.err"; return 1; }
	jq -S "$DECODE_JQ" "$TMP/r.json"
}

# --- golden: decoded events and report numbers, per format -------------------------
while IFS='|' read -r name files; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086
	if out=$("$TB" analyze --dump-events $files 2>&1) && [ "$out" = "$(cat "$G/$name.events")" ]; then
		ok "events of $name"
	else
		not_ok "events of $name"
		diff <(printf '%s\n' "$out") "$G/$name.events" | head -20 | sed 's/^/    /'
	fi
	# shellcheck disable=SC2086
	if out=$(report_numbers $files) && [ "$out" = "$(cat "$G/$name.report")" ]; then
		ok "report numbers of $name"
	else
		not_ok "report numbers of $name"
		diff <(printf '%s\n' "$out") "$G/$name.report" | head -20 | sed 's/^/    /'
	fi
done <<< "$DECODE_CASES"

# --- what the goldens must say (so a wrong golden cannot hide a bug) ----------------
S=tests/fixtures/samples
ev() { "$TB" analyze --dump-events "$@" 2>&1; }
out=$(ev $S/ftrace-3.10.txt)
expect_match "3.10: comm with spaces and dashes" '^100000040000 1 4321 "my prog-x" kmem:kmalloc_node' "$out"
expect_match "3.10: <...> comm, kmem_cache_alloc" '^100000020000 0 77 "<\.\.\.>" kmem:kmem_cache_alloc q=real' "$out"
expect_match "3.10: (null) ptr is a NULL free" 'kmem:kfree q=real call_site="ffffffff8150aaab" ptr="\(null\)"' "$out"
expect_match "3.10: LOST marker" '^LOST cpu=1 count=42$' "$out"
expect_match "3.10: stack attached to its event" 'ptr="ffff88003a6b2000".*gfp_flags="GFP_ATOMIC"' "$out"
expect_match "3.10: stack frames" '^  => leaky_init$' "$out"
expect_match "3.10: overwritten entries from the trace header" '^LOST cpu=-1 count=3$' "$out"
out=$(ev $S/ftrace-4.19-tgid.txt)
expect_match "4.19: (TGID) and (-----) columns" '^200123460000 1 45 "kworker/0:1" kmem:kfree q=hashed' "$out"
# 4.19 before its random pool was ready: every pointer (____ptrval____); analyze says it
# cannot pair, and gives no "nothing outstanding" verdict
out=$("$TB" analyze $S/ftrace-4.19-ptrval.txt 2>&1)
expect_match "4.19 ptrval: analyze says the events cannot pair" "4 events cannot pair: pointers hidden by the kernel" "$out"
expect_match "4.19 ptrval: outstanding unknown, said why" "outstanding objects unknown: 4 events could not be paired" "$out"
expect_nomatch "4.19 ptrval: no clean verdict" "nothing outstanding" "$out"
out=$(ev $S/ftrace-5.10.txt)
expect_match "5.10: pid width 7, %pS call_site" '^3000000003000 1 98765 "kworker/u8:2" kmem:kfree q=hashed call_site="free_netdev\+0x10e/0x150"' "$out"
expect_match "5.10: [LOST EVENTS] without a count" '^LOST cpu=1 count=unknown$' "$out"
out=$(ev $S/ftrace-6x.txt)
expect_match "6.x: (____ptrval____) is hidden" 'kmem:kfree q=hidden call_site="early_thing\+0x30/0x40" ptr="\(____ptrval____\)"' "$out"
expect_match "6.x: %pS with module" 'call_site="leaky_init\+0x1d/0x40 \[leaky\]"' "$out"
expect_nomatch "6.x: user stack frames not attached" '00007f1e2a0c1b2d' "$out"
out=$(ev $S/ftrace-counter-clock.txt)
expect_match "counter clock: raw count, no flag column" '^123456790500 1 100 "bash" kmem:kmalloc' "$out"
out=$(ev $S/kprobes.txt)
expect_match "kretprobe fields" 'kprobes:tb_alloc_netdev_ret q=real __probe_ret_ip="rtnl_create_link\+0x10a/0x2c0" __probe_func="alloc_netdev_mqs" ret="0xffff88003a6b0000"' "$out"
expect_match "kprobe string arg with a space" 'filename="\\"supervise/status new\\"" flags="0x241"' "$out"
out=$(ev $S/klog-3.10-dmesg.txt)
expect_match "klog 3.10: call site below the allocator, ? frames dropped" 'slub:alloc q=real cache="kmalloc-64" ptr="0xffff88001e691340".*call_site="leaky_init\+0x45/0x1000 \[leaky\]"$' "$out"
expect_match "klog: truncated record is malformed, quoted with file:line" 'klog-3.10-dmesg.txt:33: SLUB TRACE record.*0xffff88001e66' "$out"
out=$(ev $S/klog-4.19-syslog.txt)
expect_match "klog syslog prefix, <IRQ> markers dropped" '^  => e1000_clean_rx_irq\+0x2f0/0x3e0 \[e1000\]$' "$out"
expect_nomatch "klog: unrelated syslog line not a frame" 'Started Session' "$out"
out=$(ev $S/klog-6x-grep-n.txt)
expect_match "klog grep -n prefix, build id dropped" '^  => leaky_init\+0x1d/0x40 \[leaky\]$' "$out"
out=$(ev $S/klog-kmsg.txt)
expect_match "/dev/kmsg records: usec timestamps" '^123456800000 -1 -1 "" slub:free' "$out"

# --- detection ---------------------------------------------------------------------
for pair in "samples/ftrace-3.10.txt:ftrace text" "samples/klog-4.19-syslog.txt:kernel log" \
	"samples/klog-kmsg.txt:kernel log" "samples/tracecmd-report.txt:trace-cmd report text" \
	"live-6x/tracecmd-report-6x.txt:trace-cmd report text" "perf-tools/kprobe_example.txt:ftrace text"; do
	f=${pair%%:*}; want=${pair#*:}
	expect_match "detect $f" "^# tests/fixtures/$f \\($want\\)" "$(ev tests/fixtures/$f | tail -n 5)"
done
printf 'hello\nworld\n' > "$TMP/junk.txt"
"$TB" analyze "$TMP/junk.txt" > /dev/null 2> "$TMP/err"; rc=$?
expect_eq "unknown format: exit 3" 3 "$rc"
expect_match "unknown format: says what it expected" 'not a format tracebook reads \(expected trace' "$(cat "$TMP/err")"
gzip -c $S/ftrace-5.10.txt > "$TMP/t.gz"
"$TB" analyze "$TMP/t.gz" > /dev/null 2> "$TMP/err"; rc=$?
expect_eq "gzip file: exit 3" 3 "$rc"
expect_match "gzip file: says how to read it" "is compressed: run \`zcat $TMP/t.gz \| tracebook analyze -\`" "$(cat "$TMP/err")"
expect_eq "... and zcat | analyze - works" "$(report_numbers $S/ftrace-5.10.txt)" "$(zcat "$TMP/t.gz" | report_numbers -)"
"$TB" analyze "$TMP/nonexistent" > /dev/null 2> "$TMP/err"; rc=$?
expect_eq "missing file: exit 3" 3 "$rc"
"$TB" analyze > /dev/null 2>&1; expect_eq "no file: usage exit 2" 2 "$?"
"$TB" analyze --bogus x > /dev/null 2>&1; expect_eq "unknown option: exit 2" 2 "$?"

# --- several files are one stream ------------------------------------------------
K=tests/fixtures/live-6x/kmem-6x.txt
whole=$(report_numbers $K)
# per-CPU files overlap in time all along (trace_pipe breaks timestamp ties by CPU order)
grep -F '[000]' $K > "$TMP/cpu0.txt"; grep -vF '[000]' $K > "$TMP/cpu1.txt"
expect_eq "merge: overlapping per-CPU files give the whole's events" \
	"$(ev $K | grep -v '^#')" "$(ev "$TMP/cpu0.txt" "$TMP/cpu1.txt" | grep -v '^#')"
expect_eq "merge: overlapping per-CPU files give the whole's report" "$whole" "$(report_numbers "$TMP/cpu0.txt" "$TMP/cpu1.txt")"
head -n 400 $K > "$TMP/first.txt"; tail -n +401 $K > "$TMP/second.txt"
expect_eq "merge: files in either order give the whole's report" "$whole" "$(report_numbers "$TMP/second.txt" "$TMP/first.txt")"
# the events come out in timestamp order whatever the file order
ev "$TMP/second.txt" "$TMP/first.txt" | grep -v '^[#L ]' | awk '{print $1}' > "$TMP/ts"
if sort -n -c "$TMP/ts" 2>/dev/null; then ok "merge: timestamps ascending"; else not_ok "merge: timestamps ascending"; fi
expect_eq "stdin '-' is a file" "$whole" "$(report_numbers - < $K)"
sed 's/$/\r/' $K > "$TMP/crlf.txt"
expect_eq "CRLF line ends" "$(ev $K | grep -v '^#')" "$(ev "$TMP/crlf.txt" | grep -v '^#')"

# --- garbage inside a good file: counted, never fatal -------------------------------
{ head -n 100 $K; printf 'garbage \001\002 line\n\n%s\n' "$(head -c 3000 /dev/zero | tr '\0' x)"; tail -n +101 $K; } > "$TMP/dirty.txt"
out=$("$TB" analyze "$TMP/dirty.txt" 2>&1); rc=$?
expect_eq "garbage lines: still exit 0" 0 "$rc"
expect_match "garbage lines: counted and quoted with file:line" "2 malformed lines skipped \\(first: $TMP/dirty.txt:101: not a trace line" "$out"

# --- recipes: the analyses of a recipe over text -----------------------------------
out=$("$TB" analyze --recipe netdev-leak $S/function.txt 2>&1)
expect_match "recipe netdev-leak: balance from function text" 'alloc_netdev_mqs 2 vs free_netdev 1' "$out"
out=$("$TB" analyze --recipe slub-trace cache=kmalloc-64 $S/klog-3.10-dmesg.txt 2>&1)
expect_match "recipe slub-trace over dmesg" 'pair objects: slub:alloc -> slub:free' "$out"
"$TB" analyze cache=x $S/function.txt > /dev/null 2>&1; expect_eq "param without recipe: usage" 2 "$?"

# --- raw %lx call sites (3.10) named with the box's kallsyms ------------------------
out=$("$TB" analyze --kallsyms $S/kallsyms-3.10.txt $S/ftrace-3.10.txt 2>&1)
expect_match "--kallsyms names raw call sites" 'from leaky_init\+0x45/0x100 \[leaky\]' "$out"

# --- JSON and folded outputs ---------------------------------------------------
"$TB" analyze $S/ftrace-6x.txt -o "$TMP/o.json" --folded "$TMP/o.folded" > /dev/null 2>&1
expect_eq "JSON source names the file and format" "files: $S/ftrace-6x.txt (ftrace text)" "$(jq -r .source "$TMP/o.json")"
expect_match "folded stacks written" 'leaky_init' "$(cat "$TMP/o.folded")"

# --- trace.dat and its trace-cmd report text give the same events and report ------
# The fixture is what trace-cmd 3.1 writes by default: version 7, zstd-compressed, the
# data in an instance buffer (extract -B).  Compressed files are refused (exit 3, with
# the trace-cmd convert line that makes them readable); uncompressed copies in version
# 6 and 7 are decoded by tracebook's own reader (decode/tracedat.c, every build).
D=tests/fixtures/live-6x/kmem-6x.dat
R=tests/fixtures/live-6x/tracecmd-report-6x.txt
"$TB" analyze --dump-events $D > "$TMP/dat.ev" 2> "$TMP/dat.err"; rc=$?
expect_eq "compressed trace.dat: refused, exit 3" 3 "$rc"
expect_match "compressed trace.dat: says how to read it" 'compressed trace.dat \(zstd\).*trace-cmd convert --compression none' "$(cat "$TMP/dat.err")"
# the report text's events as "ts_us cpu pid event ptr" (text rounds to microseconds;
# the raw reader gives numbers, the text rendered strings: the pointer is the same)
evkey() { grep -v '^#' | awk '{ p = ""; if (match($0, /ptr=[^ ]*#[0-9]+/)) { p = substr($0, RSTART, RLENGTH); sub(/.*#/, "", p) }
	printf "%d %s %s %s %s\n", int(($1 + 500) / 1000), $2, $3, $5, p }'; }
if ! command -v trace-cmd > /dev/null; then
	skip "trace.dat v6/v7 vs its report text" "trace-cmd is not installed (make deps)"
else
	export LSAN_OPTIONS="suppressions=$TOP/tests/cli/decode-lsan.supp:print_suppressions=0"
	trace-cmd convert --compression none -i $D -o "$TMP/v7.dat" > /dev/null 2>&1
	trace-cmd convert --file-version 6 -i $D -o "$TMP/v6.dat" > /dev/null 2>&1
	want=$(ev $R | evkey)
	expect_match "the report text has kmem events" 'kmem:kfree [0-9]+' "$want"
	for v in v6 v7; do
		expect_eq "trace.dat $v: version as converted" "${v#v}" "$(head -c 11 "$TMP/$v.dat" | tail -c 1)"
		"$TB" analyze --dump-events "$TMP/$v.dat" > "$TMP/$v.ev" 2> "$TMP/$v.err"
		expect_eq "trace.dat $v decodes to the events of its report text" "$want" "$(evkey < "$TMP/$v.ev")"
		# sites: the raw reader names them from the file's own kallsyms as sym+off/len
		# (like a live run); the report text prints sym+off
		expect_eq "trace.dat $v and its report text: same report numbers" "$(report_numbers $R)" \
			"$(report_numbers "$TMP/$v.dat" | sed -E 's|(\+0x[0-9a-f]+)/0x[0-9a-f]+|\1|')"
		expect_match "trace.dat $v: sites named from its own kallsyms" '"1 64 eventfs_set_attr\+0x10d/0x140 null"' "$(report_numbers "$TMP/$v.dat")"
		# with a recipe the raw reader decodes only the fields its analyses read
		# (others when asked for): the same numbers, and every field read was listed
		expect_eq "trace.dat $v -r slab-leak and its report text: same report numbers" \
			"$(report_numbers -r slab-leak $R)" \
			"$(TRACEBOOK_CAPTURE_DEBUG=1 report_numbers -r slab-leak "$TMP/$v.dat" | sed -E 's|(\+0x[0-9a-f]+)/0x[0-9a-f]+|\1|')"
		expect_match "trace.dat $v -r slab-leak: the fields it reads decoded up front, none late" \
			"the sink's fields decoded, fields decoded when asked: 0" "$(cat "$TMP/r.err")"
		# --buffer: the instance by name (the same events: it is the one with data); a
		# name the file does not have: exit 3, naming the ones it has
		expect_eq "trace.dat $v --buffer tbdecode: the same events" "$want" \
			"$("$TB" analyze --buffer tbdecode --dump-events "$TMP/$v.dat" 2>/dev/null | evkey)"
		out=$("$TB" analyze --buffer nosuch "$TMP/$v.dat" 2>&1); rc=$?
		expect_eq "trace.dat $v --buffer nosuch: exit 3" 3 "$rc"
		expect_match "trace.dat $v --buffer nosuch: names the file's instances" \
			"$v.dat: no buffer instance 'nosuch' in it \\(--buffer\\); its instances: 'tbdecode'" "$out"
	done
	# damaged: a cut file is refused with exit 3 naming what is missing
	head -c 100000 "$TMP/v6.dat" > "$TMP/cut.dat"
	out=$("$TB" analyze "$TMP/cut.dat" 2>&1); rc=$?
	expect_eq "truncated trace.dat: exit 3" 3 "$rc"
	expect_match "truncated trace.dat: says so" 'truncated' "$out"
	unset LSAN_OPTIONS
fi
finish
