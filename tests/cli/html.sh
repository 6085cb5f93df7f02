#!/usr/bin/env bash
# tests/cli/html.sh - the HTML page (--html FILE of analyze and report) in a real browser:
# headless Chromium loads each page, its script runs, and the checks read the rendered
# DOM (--dump-dom): no script error (window.onerror writes data-errors into the DOM, and
# the browser's console log must be empty), the number of groups and chart series, the
# verdict text, escaping of kernel strings, and a zoom click on the icicle (the page
# clicks the frames named in "#click=ID,..." with a real click event once loaded).
# Inputs: a kmem trace with stacks (tests/fixtures/live-6x), SLUB TRACE records of a
# CentOS 7 3.10 guest (tests/fixtures/centos7-3.10) and a saved JSON report built here
# around the real slab growth of tests/fixtures/slabinfo (four snapshots: the slab and
# meminfo charts draw a point per snapshot).  Screenshots and DOMs are kept
# in $TB_TEST_LOGDIR/html (default build/test-logs/html).
. "$(dirname "$0")/../lib.sh"

[ -x "$TB" ] || { skip "html" "no binary at $TB (make asan)"; finish; }
BROWSER=$(command -v chromium || command -v chromium-browser)
[ -n "$BROWSER" ] || { skip "html" "chromium is not installed (make deps installs it)"; finish; }
command -v jq >/dev/null || { skip "html" "jq is not installed (make deps installs it)"; finish; }
d=$(mktemp -d /tmp/tb-cli-html.XXXXXX)
trap 'rm -rf "$d"' EXIT
LOG=${TB_TEST_LOGDIR:-$TOP/build/test-logs}/html
mkdir -p "$LOG"
FX=$TOP/tests/fixtures

# browse NAME FILE [HASH]: the DOM after the page's script ran, in $d/NAME.dom; the
# browser's log in $d/NAME.err (both copied into $LOG); a screenshot in $LOG/NAME.png.
browse() {
	local name=$1 file=$2 hash=${3:-}
	rm -f "$LOG/$name.png"
	timeout 120 "$BROWSER" --headless=new --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$d/profile-$name" --enable-logging=stderr --v=0 \
		--hide-scrollbars --window-size=1200,2600 --screenshot="$LOG/$name.png" \
		--dump-dom "file://$file$hash" > "$d/$name.dom" 2> "$d/$name.err"
	cp "$d/$name.dom" "$d/$name.err" "$LOG/" 2>/dev/null
	if [ -s "$LOG/$name.png" ] && file "$LOG/$name.png" | grep -q 'PNG image'; then
		ok "$name: screenshot saved ($LOG/$name.png)"
	else
		not_ok "$name: no screenshot"
	fi
}
# page_ok NAME: the page's script ran to its end, with no error and no console output
page_ok() {
	local dom err
	dom=$(cat "$d/$1.dom"); err=$(grep -E 'CONSOLE|Uncaught' "$d/$1.err")
	expect_match "$1: the page's script ran to its end" '<body data-ready="1"' "$dom"
	expect_nomatch "$1: no script error in the DOM" 'data-errors=' "$dom"
	expect_eq "$1: nothing on the browser console" "" "$err"
}
# section ID FILE: the rendered DOM from id="ID" to the element's end
section() {
	awk -v id="id=\"$1\"" 'index($0, id) { f = 1 } f { print } f && /<\/(figure|table|section|ul)>/ { exit }' "$2"
}
# self_contained FILE: nothing the page would fetch
self_contained() {
	local n
	n=$(grep -Eoi '(src|href)=|url\(|@import|https?://' "$2" | wc -l)
	expect_eq "$1: self-contained (no src=, href=, url(), http)" 0 "$n"
}

# ---- 1. a kmem trace with stacks (6.x trace_pipe text) ---------------------------------
out=$("$TB" analyze "$FX/live-6x/kmem-6x-stack.txt" --top 5 --interval 2ms --html "$d/kmem.html" \
	-o "$d/kmem.json" 2>&1); rc=$?
expect_eq "analyze --html exits 0" 0 "$rc"
expect_match "analyze still prints the text report" '== pair kmem' "$out"
[ -s "$d/kmem.html" ] && ok "analyze --html wrote the page" || not_ok "analyze --html wrote no page"
cp "$d/kmem.html" "$LOG/kmem.html"
self_contained kmem "$d/kmem.html"
count=$(printf '%s\n' "$out" | sed -n 's/.*outstanding \([0-9]*\) objects, \(.*\) (requested.* in \([0-9]*\) groups.*/\1|\2|\3/p')
IFS='|' read -r n_obj n_bytes n_groups <<< "$count"
[ -n "$n_groups" ] && ok "kmem: the text report gives the outstanding objects ($count)" || not_ok "kmem: no outstanding line in the text report"
browse kmem "$d/kmem.html"
page_ok kmem
dom=$(cat "$d/kmem.dom")
# the trace spans 17ms: at 2ms intervals every group has a trend; none grows steadily
grows=$(jq '[.pairs[0].outstanding[] | select(.verdict == "grows")] | length' "$d/kmem.json")
expect_eq "kmem: the JSON report has no steadily growing group (what the page must say)" 0 "$grows"
expect_match "kmem: the verdict says no group grows and names the top group" \
	"id=\"verdict\">No group grows steadily. Outstanding at the end: $n_obj objects \\($n_bytes\\) in kmem; top group alloc_fdtable\\+0x84/0x140<" "$dom"
want=$(jq '[.pairs[0].outstanding[:5][] | select((.trend.t_ns | length) >= 2)] | length' "$d/kmem.json")
got=$(section trend-0 "$d/kmem.dom" | grep -o '<polyline class="series"' | wc -l)
expect_eq "kmem: one line per top group over time ($want)" "$want" "$got"
[ "$want" -ge 2 ] && ok "kmem: at least two groups have a trend" || not_ok "kmem: fewer than two trends ($want)"
want=$(jq -r '[.pairs[0].outstanding[:5][] | .verdict] | join(" ")' "$d/kmem.json")
got=$(section trends-0 "$d/kmem.dom" | grep -o 'data-verdict="[^"]*"' | sed 's/data-verdict="\(.*\)"/\1/' | paste -sd' ')
expect_eq "kmem: each group's verdict as the JSON has it" "$want" "$got"
expect_match "kmem: the reason of a verdict is shown" "<td>$(jq -r '.pairs[0].outstanding[0].verdict_reason' "$d/kmem.json")</td>" "$dom"
expect_match "kmem: top tasks are shown" "<td class=\"site\">bash\\[15529\\] 3" "$dom"
expect_match "kmem: confidence says no events were lost" 'id="confidence"><b>Confidence:</b> no events lost' "$dom"
rows=$(section groups-0 "$d/kmem.dom" | grep -c '<tr class="group">')
expect_eq "kmem: --top 5: 5 groups in the table" 5 "$rows"
expect_match "kmem: says how many groups there are" "5 of $n_groups groups shown" "$dom"
frames=$(grep -o '<svg class="fr" id="ic0-[0-9]*"' "$d/kmem.dom" | wc -l)
expect_eq "kmem: the icicle has the frames it says" "$(sed -n 's/.*class="icicle" id="ic0"[^>]*data-frames="\([0-9]*\)".*/\1/p' "$d/kmem.html")" "$frames"
# a frame narrower than the whole (the exec path beside the clone path) to zoom into
fid=$(grep -o '<svg class="fr" id="ic0-[0-9]*"[^>]*><title>__x64_sys_execve' "$d/kmem.html" | sed 's/.*id="\([^"]*\)".*/\1/' | head -1)
fw=$(grep -o "id=\"$fid\" x=\"[^\"]*\" y=\"[0-9]*\" width=\"[^\"]*\"" "$d/kmem.html" | sed 's/.*width="\([^"]*\)"/\1/')
other=$(grep -o '<svg class="fr" id="ic0-[0-9]*"[^>]*><title>__do_sys_clone' "$d/kmem.html" | sed 's/.*id="\([^"]*\)".*/\1/' | head -1)
if [ -n "$fid" ] && [ -n "$other" ] && [ "$fw" != "100.000000%" ]; then
	ok "kmem: found frames to click ($fid __x64_sys_execve at $fw; $other beside it)"
	browse kmem-zoom "$d/kmem.html" "#click=$fid"
	page_ok kmem-zoom
	z=$(cat "$d/kmem-zoom.dom")
	expect_match "zoom: the icicle says which frame it is zoomed to" "class=\"icicle\" id=\"ic0\"[^>]*data-zoom=\"$fid\"" "$z"
	expect_match "zoom: the clicked frame fills the width" "<svg class=\"fr zoomed\" id=\"$fid\" x=\"0%\" y=\"[0-9]*\" width=\"100%\"" "$z"
	expect_match "zoom: a frame outside it is hidden" "id=\"$other\"[^>]*style=\"display: none;\"" "$z"
	expect_match "zoom: the status line names the frame" 'id="ic0-status">zoomed: __x64_sys_execve' "$z"
	browse kmem-reset "$d/kmem.html" "#click=$fid,ic0-0"
	page_ok kmem-reset
	z=$(cat "$d/kmem-reset.dom")
	expect_nomatch "reset: clicking the root unzooms" 'data-zoom=' "$z"
	rw=$(printf '%s\n' "$z" | grep -o "id=\"$fid\" x=\"[^\"]*\" y=\"[0-9]*\" width=\"[^\"]*\"" | sed 's/.*width="\([^"%]*\)%"/\1/')
	if [ -n "$rw" ] && awk -v a="$rw" -v b="${fw%\%}" 'BEGIN { d = a - b; exit !(d < 1e-4 && d > -1e-4) }'; then
		ok "reset: the frame is back to its width ($rw%)"
	else
		not_ok "reset: the frame is not back to its width ($fw): '$rw'"
	fi
	expect_nomatch "reset: nothing hidden" 'display: none' "$z"
else
	not_ok "kmem: no frame to click (fid='$fid' width='$fw' other='$other')"
fi

# the detector itself: the same page with a script error must show it in the DOM
sed "s/document.body.setAttribute('data-ready','1');/tbNoSuchFunction();/" "$d/kmem.html" > "$d/broken.html"
browse broken "$d/broken.html"
expect_match "a page whose script fails is caught (data-errors in the DOM)" 'data-errors="[^"]*tbNoSuchFunction' "$(cat "$d/broken.dom")"
expect_match "a page whose script fails never says ready" '<body data-ready="0"' "$(cat "$d/broken.dom")"

# ---- 2. a 3.10-era offline capture: SLUB TRACE records of CentOS 7 ----------------------
out=$("$TB" analyze "$FX/centos7-3.10/slub-trace-kmsg-lines.txt" --html "$d/c7.html" 2>&1); rc=$?
expect_eq "3.10 kernel log: analyze --html exits 0" 0 "$rc"
cp "$d/c7.html" "$LOG/c7.html" 2>/dev/null
self_contained c7 "$d/c7.html"
browse c7 "$d/c7.html"
page_ok c7
dom=$(cat "$d/c7.dom")
# SLUB TRACE records carry no size: the bytes come from the cache's name (kmalloc-64)
expect_match "3.10: the text report has the object and its size" 'outstanding 1 object, 64 B' "$out"
expect_match "3.10: the verdict names the object, its size and its cache" \
	'id="verdict">Outstanding at the end: 1 object \(64 B\) in slub; top group alloc \(kmalloc-64\)<' "$dom"
expect_eq "3.10: one group in the table" 1 "$(section groups-0 "$d/c7.dom" | grep -c '<tr class="group">')"
expect_match "3.10: the icicle has the cache under the pair" '<title>kmalloc-64 [^ ]+ 64 B \(100.00%\)</title>' "$dom"
expect_match "3.10: a capture with no time to speak of says so, draws no trend" 'class="notrend">no trend data' "$dom"
expect_eq "3.10: no trend chart" 0 "$(grep -c 'id="trend-0"' "$d/c7.dom")"
expect_match "3.10: the source is the kernel log" 'slub-trace-kmsg-lines.txt \(kernel log\)' "$dom"

# ---- 3. a saved JSON report: slab growth, balances, losses, hostile strings -------------
# four snapshots 20s apart: the real before and after, and two between them (every
# cache's active and total objects and meminfo's slab lines a third and two thirds of
# the way), so the slab chart must draw 4 points per line, not first and last
for k in 0 1 2 3; do
	awk -v k="$k" -v t="12:3$((7 + (k * 20) / 60)):$(printf '%02d' $(((k * 20) % 60)))" '
	function mid(b, a) { return int(b + (a - b) * k / 3) }
	FNR == 1 { f++ }
	f == 1 && /: tunables/ { b2[$1] = $2; b3[$1] = $3; next }
	f == 1 && /^(Slab|SUnreclaim|SReclaimable):/ { bm[$1] = $2; next }
	f == 1 { next }
	FNR == 1 { print "Sun Nov 22 " t " UTC 2026"; next }
	/: tunables/ && ($1 in b2) { $2 = mid(b2[$1], $2); $3 = mid(b3[$1], $3); if ($3 < $2) $3 = $2 }
	/^(Slab|SUnreclaim|SReclaimable):/ && ($1 in bm) { $2 = mid(bm[$1], $2) }
	{ print }' "$FX/slabinfo/live-6.18-before.txt" "$FX/slabinfo/live-6.18-after.txt" > "$d/snap$k.txt"
done
"$TB" slabs "$d/snap0.txt" "$d/snap1.txt" "$d/snap2.txt" "$d/snap3.txt" \
	--sysfs "$FX/slabinfo/sys-kernel-slab-6.18.ls" --json > "$d/slabs.json" 2>/dev/null
expect_eq "slabs --json: 4 slab snapshots, 4 points" "4 4" \
	"$(jq -r '"\(.growth.snapshots.slabinfo) \(.growth.slab_points.snapshot | length)"' "$d/slabs.json")"
jq -e .growth "$d/slabs.json" >/dev/null && ok "slabs --json gave a growth object" || not_ok "slabs --json gave no growth"
jq --slurpfile s "$d/slabs.json" -n '{
 tool: "tracebook", version: "0.1.0", kernel: {release: "3.10.0-1160.el7.x86_64", arch: "x86_64"},
 recipe: "netdev-leak", source: "raw per-CPU buffers",
 plan: ["kprobe p:tb/alloc_netdev_mqs alloc_netdev_mqs", "kprobe p:tb/free_netdev free_netdev",
        "events kmem:kmalloc kmem:kfree with stacktrace"],
 notes: ["a note with <i>markup</i> & an ampersand"], duration_s: 30.0, duration_ns: 30000000000,
 events: 1000, lost_events: 3, lost_unknown: false, lost_per_cpu: [0, 3],
 pairs: [{label: "kmem", alloc: "kmem:kmalloc", free: "kmem:kfree", allocs: 10, frees: 6,
   unmatched_frees: 1, unread: 2, outstanding_count: 5, outstanding_bytes: 20480, groups: 2,
   outstanding: [
    {site: "foo_create+0x12/0x30", by: "<script>alert(1)</script>", count: 4, bytes: 16384, oldest_s: 12.5,
     trend: {interval_ns: 5000000000, t_ns: [0, 5000000000, 10000000000, 15000000000, 20000000000, 25000000000, 30000000000],
             outstanding: [0, 1, 1, 2, 3, 3, 4], bytes: [0, 4096, 4096, 8192, 12288, 12288, 16384]},
     verdict: "grows", verdict_reason: "rose in 5 of 6 intervals, the oldest never freed",
     rate_per_hour: {objects: 480, bytes: 1966080}, age: {oldest_ns: 12500000000, median_ns: 6000000000},
     top_tasks: [{comm: "<img onerror=x>", pid: 42, allocs: 4}],
     stack: ["__kmalloc+0x10/0x200", "foo_create+0x12/0x30", "operator<<&>(x)", "do_syscall_64"]},
    {site: "bar_init+0x1/0x2", by: null, count: 1, bytes: 4096, oldest_s: 1.0,
     stack: ["__kmalloc+0x10/0x200", "bar_init+0x1/0x2", "do_syscall_64"]}]},
 {label: "kprobe", alloc: "tb:get_thing", free: "tb:put_thing", allocs: 7, frees: 2, outstanding_count: 5,
   outstanding_bytes: 0, groups: 2, outstanding: [
    {site: "thing_new+0x5/0x40", by: null, count: 3, bytes: 0, stack: ["thing_new+0x5/0x40", "probe_one"]},
    {site: "thing_dup+0x9/0x20", by: null, count: 2, bytes: 0, stack: ["thing_dup+0x9/0x20", "probe_one"]}]}],
 counts: [{label: "netdev", function: "alloc_netdev_mqs", caller: null, calls: 4},
          {label: "netdev", function: "free_netdev", caller: null, calls: 2}],
 verdicts: [{label: "netdev", a: "alloc_netdev_mqs", b: "free_netdev", a_calls: 4, b_calls: 2,
   callers: [{caller: "veth_newlink+0x1/0x2", a_calls: 4, b_calls: 2}]}],
 balances: [{label: "path", get: "path_get", put: "path_put", gets: 9, puts: 6, held_objects: 3,
   held_refs: 3, unmatched_puts: 0, sites: [{site: "do_filp_open+0x1/0x2", stack: [], objects: 3,
   refs: 3, gets: 9, puts: 6}]}],
 slabs: $s[0].growth}' > "$d/saved.json"
out=$("$TB" report "$d/saved.json" --html "$d/saved.html" 2>&1); rc=$?
expect_eq "report --html of a saved JSON report exits 0" 0 "$rc"
cp "$d/saved.html" "$LOG/saved.html" 2>/dev/null
self_contained saved "$d/saved.html"
expect_match "report without --html prints the text report" '== balance of calls \(netdev\)' \
	"$("$TB" report "$d/saved.json" 2>&1)"
expect_match "kernel strings are escaped in the file" '&lt;script&gt;alert\(1\)&lt;/script&gt;' "$(cat "$d/saved.html")"
expect_nomatch "no kernel string is markup in the file" '<script>alert|<i>markup|operator<<|<img' "$(cat "$d/saved.html")"
browse saved "$d/saved.html"
page_ok saved
dom=$(cat "$d/saved.dom")
expect_eq "saved: only the page's own two scripts are in the DOM" 2 "$(grep -o '<script' "$d/saved.dom" | wc -l)"
expect_match "saved: the verdict is the steadily growing group" \
	'id="verdict">Steady growth: foo_create\+0x12/0x30 \(kmem\) grows steadily, \+480 objects/hour \(\+1.9 MiB/hour\)<' "$dom"
expect_match "saved: the unbalanced calls are a finding of the summary" \
	'<li>calls \(netdev\): <code>alloc_netdev_mqs</code> 4 vs <code>free_netdev</code> 2: <b>2 unbalanced</b></li>' "$dom"
expect_eq "saved: the trend chart has the one group with a trend" 1 "$(section trend-0 "$d/saved.dom" | grep -o '<polyline class="series"' | wc -l)"
expect_match "saved: the task name is text, not markup" '&lt;img onerror=x&gt;\[42\] 4' "$dom"
expect_match "saved: the confidence counts lost events and malformed lines" \
	'Confidence:</b> <span class="warn">3 events lost: 3 frees may be missing; outstanding counts are upper bounds</span>; 2 malformed lines' "$dom"
expect_match "saved: the balance table has the verdict of the calls" \
	'<td class="n">4</td><td class="site">free_netdev</td><td class="n">2</td><td class="warn">2 unbalanced</td>' "$dom"
expect_match "saved: the refcount table says what is held" '<td class="warn">3 objects still held</td>' "$dom"
expect_eq "saved: the plan that ran, 3 lines" 3 "$(section plan "$d/saved.dom" | grep -c '<li>')"
expect_match "saved: the kernel" '<th>kernel</th><td>3.10.0-1160.el7.x86_64 \(x86_64\)</td>' "$dom"
expect_match "saved: lost events per CPU" '<th>lost per CPU</th><td>cpu1: 3</td>' "$dom"
# slab growth: one line per growing cache (at most 8), merged aliases named
want=$(jq '[.growth.caches[] | select(.delta_obj_bytes > 0 or .focus)] | length | if . > 8 then 8 else . end' "$d/slabs.json")
got=$(section slab-growth "$d/saved.dom" | grep -o '<polyline class="series"' | wc -l)
expect_eq "saved: slab chart has one line per growing cache (at most 8)" "$want" "$got"
expect_match "saved: the merged aliases are named" 'signal_cache \(merged: UNIX, UNIX-STREAM\)' "$dom"
# points per line: one per snapshot (4), for every line of the slab and meminfo charts
points() { section "$1" "$2" | grep -o '<polyline class="series"[^>]*points="[^"]*"' | sed 's/.*points="\([^"]*\)"/\1/' | awk '{ print NF }' | sort -u | paste -sd' '; }
nsnap=$(jq '.growth.snapshots.slabinfo' "$d/slabs.json")
expect_eq "saved: the JSON's series are as many as the lines" "$want" "$(jq '[.growth.caches[] | select(.series)] | length' "$d/slabs.json")"
expect_eq "saved: every slab line has a point per snapshot ($nsnap)" "$nsnap" "$(points slab-growth "$d/saved.dom")"
expect_eq "saved: every meminfo line has a point per snapshot ($nsnap)" "$nsnap" "$(points meminfo "$d/saved.dom")"
expect_match "saved: the slab chart's title says so" "<figcaption>Slab caches: active objects x object size at each of $nsnap snapshots<" "$(section slab-growth "$d/saved.dom")"
sig=$(jq -c '[.growth.caches[] | select(.name == "signal_cache") | .series[]]' "$d/slabs.json")
expect_eq "saved: signal_cache's series rises from before to after through the two between" \
	"[$(awk '$1 == "signal_cache" { printf "%s%s", s, $2; s = "," }' "$d/snap0.txt" "$d/snap1.txt" "$d/snap2.txt" "$d/snap3.txt")]" "$sig"
want=$(jq '[.growth.meminfo_kb | keys[] | select(. == "Slab" or . == "SUnreclaim" or . == "SReclaimable")] | length' "$d/slabs.json")
got=$(section meminfo "$d/saved.dom" | grep -o '<polyline class="series"' | wc -l)
expect_eq "saved: meminfo chart has Slab/SUnreclaim/SReclaimable ($want)" "$want" "$got"
[ "$want" -ge 2 ] && ok "saved: meminfo has Slab and SUnreclaim" || not_ok "saved: meminfo lacks Slab/SUnreclaim"
expect_eq "saved: two groups of the pair" 2 "$(section groups-0 "$d/saved.dom" | grep -c '<tr class="group">')"
expect_match "saved: a pair without sizes draws objects" 'Outstanding objects \(no size field\) by stack' "$dom"
expect_match "saved: its icicle root counts the objects" '<svg class="fr" id="ic1-0" [^>]*data-v="5"><title>kprobe [^ ]+ 5 \(100.00%\)' "$dom"

# ---- errors: exit codes, file named, nothing half-written ---------------------------------
out=$("$TB" report "$d/nope.json" --html "$d/x.html" 2>&1); rc=$?
expect_eq "report of a missing file: exit 3" 3 "$rc"
expect_match "report of a missing file: named" "cannot read $d/nope.json" "$out"
[ -e "$d/x.html" ] && not_ok "a page was written for a missing report" || ok "no page for a missing report"
out=$("$TB" report "$d/saved.json" --html "$d/no/such/dir/p.html" 2>&1); rc=$?
expect_eq "report --html into a missing directory: exit 1" 1 "$rc"
expect_match "its error names the page" "cannot write the HTML page $d/no/such/dir/p.html" "$out"
echo "old" > "$d/keep.html"; chmod 0555 "$d"
out=$("$TB" report "$d/saved.json" --html "$d/keep.html" 2>&1); rc=$?
chmod 0755 "$d"
if [ "$(id -u)" != 0 ]; then
	expect_eq "unwritable directory: exit 1" 1 "$rc"
	expect_eq "unwritable directory: the old page is untouched" old "$(cat "$d/keep.html")"
fi
out=$("$TB" report 2>&1); rc=$?
expect_eq "report with no file: usage error (exit 2)" 2 "$rc"
out=$("$TB" analyze "$FX/live-6x/kmem-6x-stack.txt" --dump-events --html "$d/y.html" 2>&1); rc=$?
expect_eq "analyze --dump-events with --html: usage error (exit 2)" 2 "$rc"
# ---- 4. merge --html: the per-host page of a fleet hunt ---------------------------------
# box-a and box-b: the planted leaky_init group (3 and 4 objects) at other KASLR addresses;
# box-e: box-a's report without it; box-c: a run that failed (exit 7, a message with
# markup in it); box-d: another recipe (not comparable).
MF=$FX/merge
mkdir -p "$d/fleet/box-a" "$d/fleet/box-b" "$d/fleet/box-c" "$d/fleet/box-d" "$d/fleet/box-e"
for b in a b; do
	"$TB" analyze --recipe slab-leak --kallsyms "$MF/box-$b.kallsyms" "$MF/box-$b.trace" \
		-o "$d/fleet/box-$b/report.json" > /dev/null 2>&1
done
jq -c '.pairs[0].outstanding |= map(select(.site | startswith("leaky_init") | not))' \
	"$d/fleet/box-a/report.json" > "$d/fleet/box-e/report.json"
cat > "$d/fleet/box-c/status.json" <<'JSON'
{"host":"box-c","status":"failed","stage":"run","exit_code":7,"message":"tracebook: error: someone else is using tracing <b>here</b>","arch":"x86_64","probe":"tracefs, kprobes","restore":"rc=0"}
JSON
"$TB" analyze --recipe kernfs-leak "$MF/box-a.trace" -o "$d/fleet/box-d/report.json" > /dev/null 2>&1
out=$("$TB" merge --html "$d/merge.html" -o "$d/merge.json" "$d"/fleet/* 2>&1); rc=$?
expect_eq "merge --html exits 0" 0 "$rc"
expect_match "merge still prints the text" '^tracebook merge: 5 hosts, recipe slab-leak: 3 merged, 1 failed, 1 not merged' "$out"
cp "$d/merge.html" "$LOG/merge.html" 2>/dev/null
self_contained merge "$d/merge.html"
browse merge "$d/merge.html"
page_ok merge
dom=$(cat "$d/merge.dom")
expect_eq "merge: one row per host (5)" 5 "$(grep -c '<tr class="host" ' "$d/merge.dom")"
expect_eq "merge: host states as the JSON has them" \
	"$(jq -r '[.hosts[] | "\(.host)=\(.state)"] | join(" ")' "$d/merge.json")" \
	"$(grep -o '<tr class="host" data-host="[^"]*" data-state="[^"]*"' "$d/merge.dom" | sed 's/.*data-host="\([^"]*\)" data-state="\([^"]*\)"/\1=\2/' | paste -sd' ')"
expect_eq "merge: one matrix column per merged host (box-a box-b box-e)" "box-a box-b box-e" \
	"$(grep -o '<th class="hostcol" data-host="[^"]*"' "$d/merge.dom" | sed 's/.*data-host="\([^"]*\)"/\1/' | paste -sd' ')"
row=$(grep '<tr class="mgroup" data-hosts="2" data-site="leaky_init+0x45/0x100 \[leaky\]"' "$d/merge.dom")
[ -n "$row" ] && ok "merge: the planted group is a row of the matrix, on 2 hosts" || not_ok "merge: no matrix row for leaky_init on 2 hosts"
expect_eq "merge: the planted group's counts per host as the JSON has them (box-a 3, box-b 4)" \
	"$(jq -r '[.groups[] | select(.site | startswith("leaky_init")) | .per_host[] | "\(.host)=\(.count)"] | join(" ")' "$d/merge.json")" \
	"$(printf '%s\n' "$row" | grep -o 'data-host="[^"]*" data-count="[0-9]*"' | sed 's/data-host="\([^"]*\)" data-count="\([0-9]*\)"/\1=\2/' | paste -sd' ')"
expect_match "merge: ... and not on box-e (an empty cell)" '<td class="cell none" data-host="box-e">' "$row"
expect_match "merge: the verdict names the top group and its hosts" 'id="verdict">Top group: <code>[^<]+</code> \(slab\) on 3 of 3 merged hosts' "$dom"
expect_match "merge: box-a's top group in the host table" 'data-host="box-a" data-state="merged">.*<td class="site top">slab leaky_init\+0x45/0x100 \[leaky\]</td><td class="n">3</td>' "$dom"
expect_match "merge: the failed host with stage and exit code" '<tr class="failed" data-host="box-c" data-exit="7"><td class="site">box-c</td><td>run</td><td class="n">7</td>' "$dom"
expect_match "merge: its message, escaped" 'someone else is using tracing &lt;b&gt;here&lt;/b&gt;' "$dom"
expect_nomatch "merge: no markup from the message" 'tracing <b>here' "$dom"
expect_match "merge: what was not comparable, and why" '<tr class="not-merged" data-host="box-d">.*recipe kernfs-leak, the merged hosts ran slab-leak' "$dom"
fid=$(grep -o '<svg class="fr" id="mic0-[0-9]*"[^>]*><title>leaky_init' "$d/merge.html" | sed 's/.*id="\([^"]*\)".*/\1/' | head -1)
if [ -n "$fid" ]; then
	ok "merge: the merged icicle has the planted group ($fid)"
	browse merge-zoom "$d/merge.html" "#click=$fid"
	page_ok merge-zoom
	expect_match "merge zoom: the icicle zooms to the planted group" "class=\"icicle\" id=\"mic0\"[^>]*data-zoom=\"$fid\"" "$(cat "$d/merge-zoom.dom")"
else
	not_ok "merge: no icicle frame for leaky_init"
fi
out=$("$TB" merge --html "$d/no/such/dir/m.html" "$d"/fleet/* 2>&1); rc=$?
expect_eq "merge --html into a missing directory: exit 1" 1 "$rc"
expect_match "... naming the page" "cannot write the HTML page $d/no/such/dir/m.html" "$out"
finish
