#!/bin/bash
# tests/fake/mktree.sh - build a fake kernel root for one era, from the facts in
# docs/kernel-compat.md, so probe and the planner can be tested without root or a VM.
#
# usage: tests/fake/mktree.sh ERA DIR
#   ERA   3.10   CentOS 7 (3.10.0-1160.el7.x86_64): debugfs tracing, no triggers, no
#                dynamic_events/error_log, instances without options/, README without a
#                kprobe section, SLUB trace writable (0600), ids like ':t-0000256'
#         4.19   4.19 arm64 (aarch64): tracefs, triggers + hist, kprobes with x8..x64 and
#                $comm but no $arg<N>, SLUB trace writable (0600), ids like ':0000256'
#         5.10   5.10 x86_64: like 6.x but no hash-ptr (pointers always hashed),
#                call_site=%pS, pfn=%lu
#         6.x    6.18 x86_64: tracefs, dynamic_events, error_log, hash-ptr=1, kprobes
#                with $arg<N>, SLUB trace read-only (0400), kmem_cache_alloc has "name"
#   DIR   created (must not exist or be empty); use it as TRACEBOOK_ROOT=DIR.
#
# Environment knobs (all optional, default is the era's normal state):
#   FAKE_KPROBES=0     no kprobe_events file and no kprobe section in README (6.x: this
#                      machine's kernel: README still mentions $arg<N> for uprobes)
#   FAKE_CRNG=0|1     the kernel's random pool not ready / ready (what getrandom
#                      GRND_NONBLOCK tells on a live box), in
#                      DIR/proc/sys/kernel/random/.fake_crng_ready; unset: unknown
#   FAKE_ARCH=armv7l   (6.x only) a 32-bit ARM box (Debian's armmp 6.1): uname -m armv7l,
#                      no $arg<N> in the kprobe README (arm has no
#                      HAVE_FUNCTION_ARG_ACCESS_API), 32-bit kallsyms addresses.  The
#                      event formats stay the 64-bit ones: for plans, not for decoding.
#   FAKE_BUSY=1        someone else is tracing: current_tracer=function (3.10:
#                      nop kept, set_ftrace_filter set), set_event has kmem:kmalloc,
#                      one kprobe defined, options/stacktrace=1, an instance "other"
#
# Layout (stable; the planner's golden plans depend on it):
#   DIR/proc/sys/kernel/{osrelease,arch}  DIR/proc/sys/debug/kprobes-optimization
#   DIR/proc/self/mountinfo  DIR/proc/{slabinfo,
#   meminfo,kallsyms,vmstat,buddyinfo}  DIR/sys/devices/system/cpu/online
#   tracing dir: DIR/sys/kernel/debug/tracing (3.10) or DIR/sys/kernel/tracing (4.19+)
#   DIR/sys/kernel/slab/<cache>/{trace,aliases,object_size,...}, merged ids + symlinks
#   DIR/sys/kernel/debug/kprobes/blacklist (4.19+)
# Two CPUs (per_cpu/cpu0, cpu1).  Everything is plain files: writes just change them.
set -eu

die() { echo "mktree.sh: $*" >&2; exit 2; }
[ $# -eq 2 ] || die "usage: mktree.sh 3.10|4.19|5.10|6.x DIR"
ERA=$1
ROOT=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FMT=$HERE/formats
KPROBES=${FAKE_KPROBES:-1}
BUSY=${FAKE_BUSY:-0}

case "$ERA" in
3.10) RELEASE=3.10.0-1160.el7.x86_64 ARCH=x86_64 ;;
4.19) RELEASE=4.19.1 ARCH=aarch64 ;;
5.10) RELEASE=5.10.7 ARCH=x86_64 ;;
6.x) RELEASE=6.18.2 ARCH=x86_64 ;;
*) die "unknown era '$ERA' (expected 3.10, 4.19, 5.10 or 6.x)" ;;
esac
case "${FAKE_ARCH:-}" in
'') ;;
armv7l) [ "$ERA" = 6.x ] || die "FAKE_ARCH=armv7l is for the 6.x era only"
	RELEASE=6.1.0-50-armmp ARCH=armv7l ;;
*) die "unknown FAKE_ARCH '$FAKE_ARCH' (expected armv7l)" ;;
esac
if [ -e "$ROOT" ] && [ -n "$(ls -A "$ROOT" 2>/dev/null)" ]; then
	die "$ROOT exists and is not empty"
fi
mkdir -p "$ROOT"
ROOT=$(cd "$ROOT" && pwd)

# put FILE MODE [CONTENT]: create a file with a mode; content from $3 or stdin.
# No fork per file (the test machines are loaded): modes are applied in one chmod per
# mode at the end (apply_modes), the last put of a file deciding its mode.
shopt -s lastpipe	# "... | put" and "... | event" run in this shell
declare -A MODE_OF
put() {
	local d=${1%/*} c=
	[ -d "$d" ] || mkdir -p "$d"
	if [ $# -ge 3 ]; then
		c=$3
	else
		IFS= read -r -d '' c || true
	fi
	printf '%s' "$c" > "$1"
	MODE_OF[$1]=$2
}
apply_modes() {
	local m f
	for m in $(printf '%s\n' "${MODE_OF[@]}" | sort -u); do
		for f in "${!MODE_OF[@]}"; do
			[ "${MODE_OF[$f]}" = "$m" ] && printf '%s\0' "$f"
		done | xargs -0 chmod "$m"
	done
}

# ---------------------------------------------------------------- /proc ---------
P=$ROOT/proc
put "$P/sys/kernel/osrelease" 0444 "$RELEASE
"
put "$P/sys/kernel/arch" 0444 "$ARCH
"
# CONFIG_OPTPROBES kernels (x86_64, arm64, armmp): probes optimized into jumps
put "$P/sys/debug/kprobes-optimization" 0644 "1
"
if [ "$ERA" = 3.10 ]; then
	put "$P/self/mountinfo" 0444 <<'EOF'
17 39 0:17 / /sys rw,nosuid,nodev,noexec,relatime shared:6 - sysfs sysfs rw
18 39 0:3 / /proc rw,nosuid,nodev,noexec,relatime shared:5 - proc proc rw
39 1 253:0 / / rw,relatime shared:1 - xfs /dev/mapper/centos-root rw,attr2,inode64,noquota
21 17 0:7 / /sys/kernel/debug rw,relatime shared:12 - debugfs debugfs rw
EOF
else
	put "$P/self/mountinfo" 0444 <<'EOF'
22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
23 1 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
41 22 0:13 / /sys/kernel/tracing rw,relatime shared:17 - tracefs nodev rw
EOF
fi

if [ -n "${FAKE_CRNG:-}" ]; then
	put "$P/sys/kernel/random/.fake_crng_ready" 0444 "$FAKE_CRNG
"
fi
put "$P/meminfo" 0444 <<EOF
MemTotal:        8009180 kB
MemFree:         5120336 kB
MemAvailable:    6893120 kB
Buffers:           91320 kB
Cached:          1633184 kB
$( [ "$ERA" = 3.10 ] || [ "$ERA" = 4.19 ] || echo "KReclaimable:      98120 kB" )
Slab:             160472 kB
SReclaimable:      98120 kB
SUnreclaim:        62352 kB
EOF
sed -i '/^$/d' "$P/meminfo"

case "$ERA" in
3.10 | 4.19) K1K=kmalloc-1024 K8K=kmalloc-8192 ;;
*) K1K=kmalloc-1k K8K=kmalloc-8k ;;
esac
put "$P/slabinfo" 0400 <<EOF
slabinfo - version: 2.1
# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>
skbuff_head_cache    544    544    256   16    1 : tunables    0    0    0 : slabdata     34     34      0
dentry             41013  41013    192   21    1 : tunables    0    0    0 : slabdata   1953   1953      0
$K8K           112    112   8192    4    8 : tunables    0    0    0 : slabdata     28     28      0
$K1K          1824   1824   1024   16    4 : tunables    0    0    0 : slabdata    114    114      0
kmalloc-256         2160   2160    256   16    1 : tunables    0    0    0 : slabdata    135    135      0
kmalloc-64          9984   9984     64   64    1 : tunables    0    0    0 : slabdata    156    156      0
EOF

if [ "$ERA" = 3.10 ] || [ "$ERA" = 4.19 ]; then OPEN=do_sys_open; else OPEN=do_sys_openat2; fi
case $ARCH in aarch64) KB=ffff000008 ;; armv7l) KB=c0 ;; *) KB=ffffffff81 ;; esac
# kallsyms: sorted by address, "ADDR TYPE NAME"
put "$P/kallsyms" 0444 <<EOF
${KB}0a1230 T __alloc_pages_direct_compact
${KB}1b2340 T kmem_cache_alloc
${KB}1b2a80 T kmem_cache_free
${KB}1b3450 T __kmalloc
${KB}1b3c20 T kfree
${KB}2c0010 T path_get
${KB}2c0090 T path_put
${KB}2d1100 T $OPEN
${KB}3a4560 T kernfs_new_node
${KB}3a4780 T kernfs_put
${KB}6b1200 T alloc_netdev_mqs
${KB}6b1a40 T free_netdev
${KB}6f0320 T dst_release
${KB}7c1180 T ip6_dst_alloc
EOF

if [ "$ERA" = 3.10 ]; then
	put "$P/vmstat" 0444 <<'EOF'
nr_free_pages 1280084
nr_slab_reclaimable 24530
nr_slab_unreclaimable 15588
pgsteal_direct_dma32 0
pgsteal_direct_normal 0
pgscan_direct_dma32 0
pgscan_direct_normal 0
allocstall 0
compact_migrate_scanned 0
compact_free_scanned 0
compact_isolated 0
compact_stall 0
compact_fail 0
compact_success 0
EOF
else
	put "$P/vmstat" 0444 <<'EOF'
nr_free_pages 1280084
nr_slab_reclaimable 24530
nr_slab_unreclaimable 15588
allocstall_dma32 0
allocstall_normal 0
pgsteal_direct 0
pgscan_direct 0
compact_migrate_scanned 0
compact_free_scanned 0
compact_isolated 0
compact_stall 0
compact_fail 0
compact_success 0
compact_daemon_wake 0
compact_daemon_migrate_scanned 0
compact_daemon_free_scanned 0
EOF
fi
put "$ROOT/sys/devices/system/cpu/online" 0444 "0-1
"
put "$P/buddyinfo" 0444 <<'EOF'
Node 0, zone      DMA      1      1      1      0      2      1      1      0      1      1      3
Node 0, zone    DMA32    362    408    286    190    101     46     18      8      4      2    310
Node 0, zone   Normal   1023    871    532    290    128     51     17      5      2      1    820
EOF

# --------------------------------------------------------- tracing dir ----------
if [ "$ERA" = 3.10 ]; then T=$ROOT/sys/kernel/debug/tracing; else T=$ROOT/sys/kernel/tracing; fi
mkdir -p "$T"

# README: the kprobe section only where the kernel has one (not 3.10).
{
	cat <<'EOF'
tracing mini-HOWTO:

# echo 0 > tracing_on : quick way to disable tracing
# echo 1 > tracing_on : quick way to re-enable tracing

 Important files:
  trace			- The static contents of the buffer
			  To clear the buffer write into this file: echo > trace
  trace_pipe		- A consuming read to see the contents of the buffer
  current_tracer	- function and latency tracers
  available_tracers	- list of configured tracers for current_tracer
EOF
	case "$ERA" in 5.10 | 6.x) printf '  error_log\t- error log for failed commands (that support it)\n' ;; esac
	cat <<'EOF'
  buffer_size_kb	- view and modify size of per cpu buffer
  buffer_total_size_kb  - view total size of all cpu buffers

  trace_clock		-change the clock used to order events
  trace_marker		- Writes into this file writes into the kernel buffer
  tracing_cpumask	- Limit which CPUs to trace
  instances		- Make sub-buffers with: mkdir instances/foo
			  Remove sub-buffer with rmdir
  trace_options		- Set format or modify how tracing happens
			  Disable an option by adding a suffix 'no' to the
			  option name
  available_filter_functions - list of functions that can be filtered on
  set_ftrace_filter	- echo function name in here to only trace these
			  functions
	    accepts: func_full_name or glob-matching-pattern
	    modules: Can select a group via module
	     Format: :mod:<module-name>
	     example: echo :mod:ext3 > set_ftrace_filter
	    triggers: a command to perform when function is hit
	      Format: <function>:<trigger>[:count]
	     trigger: traceon, traceoff
		      enable_event:<system>:<event>
		      disable_event:<system>:<event>
		      stacktrace
		      snapshot
  set_ftrace_notrace	- echo function name in here to never trace.
  set_ftrace_pid	- Write pid(s) to only function trace those pids
EOF
	case "$ERA" in
	3.10) ;;
	4.19)
		cat <<'EOF'
  kprobe_events		- Add/remove/show the kernel dynamic events
			  Write into this file to define/undefine new trace events.
  uprobe_events		- Add/remove/show the userspace dynamic events
			  Write into this file to define/undefine new trace events.
	  accepts: event-definitions (one definition per line)
	   Format: p[:[<group>/]<event>] <place> [<args>]
	           r[maxactive][:[<group>/]<event>] <place> [<args>]
	           -:[<group>/]<event>
	    place: [<module>:]<symbol>[+<offset>]|<memaddr>
   place (kretprobe): [<module>:]<symbol>[+<offset>]|<memaddr>
   place (uprobe): <path>:<offset>[(ref_ctr_offset)]
	     args: <name>=fetcharg[:type]
	 fetcharg: %<register>, @<address>, @<symbol>[+|-<offset>],
	           $stack<index>, $stack, $retval, $comm
	     type: s8/16/32/64, u8/16/32/64, x8/16/32/64, string, symbol,
	           b<bit-width>@<bit-offset>/<container-size>
EOF
		;;
	5.10 | 6.x)
		printf '  dynamic_events\t\t- Create/append/remove/show the generic dynamic events\n'
		printf '\t\t\t  Write into this file to define/undefine new trace events.\n'
		if [ "$KPROBES" = 1 ]; then
			printf '  kprobe_events\t\t- Create/append/remove/show the kernel dynamic events\n'
			printf '\t\t\t  Write into this file to define/undefine new trace events.\n'
		fi
		cat <<'EOF'
  uprobe_events		- Create/append/remove/show the userspace dynamic events
			  Write into this file to define/undefine new trace events.
	  accepts: event-definitions (one definition per line)
	   Format: p[:[<group>/][<event>]] <place> [<args>]
	           r[maxactive][:[<group>/][<event>]] <place> [<args>]
	           -:[<group>/][<event>]
EOF
		if [ "$KPROBES" = 1 ]; then
			printf '\t    place: [<module>:]<symbol>[+<offset>]|<memaddr>\n'
			printf '\t    place (kretprobe): [<module>:]<symbol>[+<offset>]%%return|<memaddr>\n'
		fi
		cat <<'EOF'
   place (uprobe): <path>:<offset>[%return][(ref_ctr_offset)]
	     args: <name>=fetcharg[:type]
	 fetcharg: (%<register>|$<efield>), @<address>, @<symbol>[+|-<offset>],
EOF
		# $arg<N> only where the arch has HAVE_FUNCTION_ARG_ACCESS_API (not arm)
		if [ "$ARCH" = armv7l ]; then A=; else A=' $arg<N>,'; fi
		printf '\t           $stack<index>, $stack, $retval, $comm,%s\n' "$A"
		printf '\t           +|-[u]<offset>(<fetcharg>), \\imm-value, \\"imm-string"\n'
		printf '\t     kernel return probes support: $retval,%s $comm\n' "$A"
		cat <<'EOF'
	     type: s8/16/32/64, u8/16/32/64, x8/16/32/64, char, string, symbol,
	           b<bit-width>@<bit-offset>/<container-size>, ustring,
	           symstr, %pd/%pD, <type>\[<array-size>\]
EOF
		;;
	esac
	cat <<'EOF'
  set_event		- Enables events by name written into it
			  Can enable module events via: :mod:<module>
  events/		- Directory containing all trace event subsystems:
      enable		- Write 0/1 to enable/disable tracing of all events
  events/<system>/	- Directory containing all trace events for <system>:
      enable		- Write 0/1 to enable/disable tracing of all <system>
			  events
      filter		- If set, only events passing filter are traced
  events/<system>/<event>/	- Directory containing control files for
			  <event>:
      enable		- Write 0/1 to enable/disable tracing of <event>
      filter		- If set, only events passing filter are traced
EOF
	if [ "$ERA" != 3.10 ]; then
		cat <<'EOF'
      trigger		- If set, a command to perform when event is hit
	    Format: <trigger>[:count][if <filter>]
	   trigger: traceon, traceoff
	            enable_event:<system>:<event>
	            disable_event:<system>:<event>
		    stacktrace
		    snapshot
EOF
		[ "$ERA" != 6.x ] || cat <<'EOF'
		    hist (see below)
      hist trigger	- If set, event hits are aggregated into a hash table
	    Format: hist:keys=<field1[,field2,...]>
	            [:values=<field1[,field2,...]>]
	            [:sort=<field1[,field2,...]>]
	            [:size=#entries]
	            [:pause][:continue][:clear]
	            [:name=histname1]
	            [if <filter>]
EOF
	fi
} | put "$T/README" 0444

case "$ERA" in
3.10) TRACERS="blk function_graph wakeup_rt wakeup function nop" ;;
*) TRACERS="blk function_graph wakeup_dl wakeup_rt wakeup function nop" ;;
esac
put "$T/available_tracers" 0444 "$TRACERS
"
put "$T/current_tracer" 0644 "nop
"
put "$T/set_event" 0644 ""
put "$T/set_ftrace_filter" 0644 "#### all functions enabled ####
"
put "$T/set_ftrace_notrace" 0644 "#### no functions disabled ####
"
put "$T/set_ftrace_pid" 0644 "no pid
"
put "$T/tracing_on" 0644 "1
"
put "$T/trace" 0644 "# tracer: nop
#
"
put "$T/trace_pipe" 0444 ""
put "$T/trace_marker" 0200 ""
put "$T/free_buffer" 0200 ""
put "$T/snapshot" 0644 ""
put "$T/saved_cmdlines" 0444 ""
put "$T/buffer_size_kb" 0644 "7 (expanded: 1408)
"
put "$T/buffer_total_size_kb" 0444 "14 (expanded: 2816)
"
put "$T/tracing_cpumask" 0644 "3
"
put "$T/tracing_thresh" 0644 "0
"
put "$T/uprobe_events" 0644 ""
put "$T/uprobe_profile" 0444 ""
put "$T/printk_formats" 0444 ""
put "$T/available_events" 0444 ""
case "$ERA" in
3.10) CLOCKS="[local] global counter uptime perf x86-tsc" ;;
4.19) CLOCKS="[local] global counter uptime perf mono mono_raw boot" ;;
5.10) CLOCKS="[local] global counter uptime perf mono mono_raw boot x86-tsc" ;;
6.x) CLOCKS="[local] global counter uptime perf mono mono_raw boot tai x86-tsc" ;;
esac
put "$T/trace_clock" 0644 "$CLOCKS
"
if [ "$KPROBES" = 1 ]; then
	put "$T/kprobe_events" 0644 ""
	put "$T/kprobe_profile" 0444 ""
fi
if [ "$ERA" != 3.10 ]; then
	put "$T/saved_cmdlines_size" 0644 "128
"
	put "$T/set_event_pid" 0644 ""
	put "$T/saved_tgids" 0444 ""
	put "$T/trace_marker_raw" 0200 ""
fi
if [ "$ERA" = 5.10 ] || [ "$ERA" = 6.x ]; then
	put "$T/dynamic_events" 0644 ""
	put "$T/error_log" 0644 ""
	put "$T/buffer_percent" 0644 "50
"
fi
put "$T/available_filter_functions" 0444 <<EOF
__alloc_pages_direct_compact
kmem_cache_alloc
kmem_cache_free
__kmalloc
kfree
path_get
path_put
$OPEN
kernfs_new_node
kernfs_put
alloc_netdev_mqs
free_netdev
dst_release
ip6_dst_alloc
EOF

# options/: the core trace options of the era (docs/kernel-compat.md §2); 0/1 values.
opts_on="print-parent trace_printk annotate context-info record-cmd overwrite irq-info markers function-trace"
opts_off="sym-offset sym-addr verbose raw hex bin block stacktrace branch userstacktrace sym-userobj printk-msg-only latency-format disable_on_free"
case "$ERA" in
3.10) opts_on="$opts_on sleep-time graph-time" opts_off="$opts_off ftrace_preempt" ;;
4.19) opts_off="$opts_off record-tgid event-fork function-fork display-graph func_stack_trace" ;;
5.10) opts_off="$opts_off record-tgid event-fork function-fork display-graph pause-on-trace func_stack_trace" ;;
6.x) opts_on="$opts_on hash-ptr" opts_off="$opts_off record-tgid event-fork function-fork display-graph pause-on-trace func_stack_trace func-no-repeats fields" ;;
esac
for o in $opts_on; do put "$T/options/$o" 0644 "1
"; done
for o in $opts_off; do put "$T/options/$o" 0644 "0
"; done
{ for o in $opts_on; do echo "$o"; done; for o in $opts_off; do echo "no$o"; done; } | put "$T/trace_options" 0644

# per_cpu/
for c in 0 1; do
	d=$T/per_cpu/cpu$c
	put "$d/trace_pipe_raw" 0444 ""
	put "$d/trace_pipe" 0444 ""
	put "$d/trace" 0644 ""
	put "$d/buffer_size_kb" 0644 "7 (expanded: 1408)
"
	put "$d/stats" 0444 "entries: 0
overrun: 0
commit overrun: 0
bytes: 0
oldest event ts:     0.000000
now ts:  1234.567890
dropped events: 0
read events: 0
"
done

# instances/: present in every era; 3.10 (CentOS 7) instances have no options/.
mkdir -p "$T/instances"
mkinstance() {
	local i=$T/instances/$1
	mkdir -p "$i"
	for f in trace trace_pipe trace_options buffer_size_kb free_buffer trace_marker trace_clock tracing_on snapshot; do
		put "$i/$f" 0644 ""
	done
	put "$i/tracing_on" 0644 "1
"
	mkdir -p "$i/per_cpu/cpu0" "$i/per_cpu/cpu1" "$i/events"
	# CentOS 7 backports current_tracer/available_tracers to instances (vanilla 3.10: no)
	put "$i/current_tracer" 0644 "nop
"
	put "$i/available_tracers" 0444 "$TRACERS
"
	if [ "$ERA" != 3.10 ]; then
		put "$i/set_event" 0644 ""
		mkdir -p "$i/options"
		put "$i/options/stacktrace" 0644 "0
"
	fi
}

# ---------------------------------------------------------------- events --------
E=$T/events
put "$E/enable" 0644 "0
"
put "$E/header_page" 0444 <<'EOF'
	field: u64 timestamp;	offset:0;	size:8;	signed:0;
	field: local_t commit;	offset:8;	size:8;	signed:1;
	field: int overwrite;	offset:8;	size:1;	signed:1;
	field: char data;	offset:16;	size:4080;	signed:0;
EOF
put "$E/header_event" 0444 <<'EOF'
# compressed entry header
	type_len    :    5 bits
	time_delta  :   27 bits
	array       :   32 bits

	padding     : type == 29
	time_extend : type == 30
	time_stamp : type == 31
	data max type_len  == 28
EOF

COMMON='	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;
'
# The __print_flags() expression for gfp_flags, taken from the real 3.10 kmalloc format.
GFP=$(sed -n 's/^print fmt: .*REC->bytes_alloc, //p' "$FMT/3.10/kmalloc.format")

# fmt NAME ID FIELDS PRINT: a format file body
fmt() {
	printf 'name: %s\nID: %s\nformat:\n%s\n%s\n\nprint fmt: %s\n' "$1" "$2" "$COMMON" "$3" "$4"
}

# event SYS NAME ID: create the event dir; the format comes from stdin
NEXT_ID=300
event() {
	local d=$E/$1/$2
	mkdir -p "$d"
	put "$d/format" 0444
	put "$d/enable" 0644 "0
"
	put "$d/filter" 0644 "none
"
	put "$d/id" 0444 "$3
"
	if [ "$ERA" != 3.10 ]; then
		put "$d/trigger" 0644 "# Available triggers:
# traceon traceoff snapshot stacktrace enable_event disable_event enable_hist disable_hist hist
"
	fi
	if [ "$ERA" = 6.x ]; then
		put "$d/hist" 0444 "# event histogram
#
"
	fi
	[ -e "$E/$1/enable" ] || { put "$E/$1/enable" 0644 "0
"; put "$E/$1/filter" 0644 "none
"; }
}
# Same format with a new name and ID, from a file.
rename_fmt() { sed -e "1s/^name: .*/name: $2/" -e "2s/^ID: .*/ID: $3/" "$1"; }

KM_ALLOC_FIELDS='	field:unsigned long call_site;	offset:8;	size:8;	signed:0;
	field:const void * ptr;	offset:16;	size:8;	signed:0;
	field:size_t bytes_req;	offset:24;	size:8;	signed:0;
	field:size_t bytes_alloc;	offset:32;	size:8;	signed:0;
	field:gfp_t gfp_flags;	offset:40;	size:4;	signed:0;'
KM_FREE_FIELDS='	field:unsigned long call_site;	offset:8;	size:8;	signed:0;
	field:const void * ptr;	offset:16;	size:8;	signed:0;'

case "$ERA" in
3.10 | 4.19)
	rename_fmt "$FMT/3.10/kmalloc.format" kmalloc 375 | event kmem kmalloc 375
	rename_fmt "$FMT/3.10/kmalloc.format" kmem_cache_alloc 373 | event kmem kmem_cache_alloc 373
	fmt kfree 371 "$KM_FREE_FIELDS" '"call_site=%lx ptr=%p", REC->call_site, REC->ptr' | event kmem kfree 371
	fmt kmem_cache_free 370 "$KM_FREE_FIELDS" '"call_site=%lx ptr=%p", REC->call_site, REC->ptr' |
		event kmem kmem_cache_free 370
	;;
5.10)
	fmt kmalloc 375 "$KM_ALLOC_FIELDS" "\"call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s\", (void *)REC->call_site, REC->ptr, REC->bytes_req, REC->bytes_alloc, $GFP" |
		event kmem kmalloc 375
	fmt kmem_cache_alloc 373 "$KM_ALLOC_FIELDS" "\"call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s\", (void *)REC->call_site, REC->ptr, REC->bytes_req, REC->bytes_alloc, $GFP" |
		event kmem kmem_cache_alloc 373
	fmt kfree 371 "$KM_FREE_FIELDS" '"call_site=%pS ptr=%p", (void *)REC->call_site, REC->ptr' | event kmem kfree 371
	fmt kmem_cache_free 370 "$KM_FREE_FIELDS" '"call_site=%pS ptr=%p", (void *)REC->call_site, REC->ptr' |
		event kmem kmem_cache_free 370
	;;
6.x)
	for e in kmalloc kmem_cache_alloc kfree kmem_cache_free mm_page_alloc mm_page_free; do
		id=$(sed -n 's/^ID: //p' "$FMT/6.x/$e.format")
		event kmem $e "$id" < "$FMT/6.x/$e.format"
	done
	;;
esac

# The _node allocation events exist until 6.1 folded them into kmalloc/kmem_cache_alloc
# (§5: 5.4 still prints their call_site with %lx, 5.10 with %pS); mm_page_free_batched is
# in every era (3.10 records page and cold, 4.19+ the pfn, 6.1+ prints pfn in hex).
KM_NODE_FIELDS="$KM_ALLOC_FIELDS
	field:int node;	offset:44;	size:4;	signed:1;"
case "$ERA" in
3.10 | 4.19 | 5.10)
	if [ "$ERA" = 5.10 ]; then cs='%pS'; csv='(void *)REC->call_site'; else cs='%lx'; csv='REC->call_site'; fi
	for e in kmalloc_node:374 kmem_cache_alloc_node:372; do
		fmt "${e%%:*}" "${e##*:}" "$KM_NODE_FIELDS" \
			"\"call_site=$cs ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d\", $csv, REC->ptr, REC->bytes_req, REC->bytes_alloc, $GFP, REC->node" |
			event kmem "${e%%:*}" "${e##*:}"
	done
	;;
esac
case "$ERA" in
3.10)
	fmt mm_page_free_batched 365 '	field:struct page * page;	offset:8;	size:8;	signed:0;
	field:int cold;	offset:16;	size:4;	signed:1;' \
		'"page=%p pfn=%lu order=0 cold=%d", REC->page, (unsigned long)((REC->page) - ((struct page *)(0xffffea0000000000UL))), REC->cold' |
		event kmem mm_page_free_batched 365 ;;
4.19 | 5.10)
	fmt mm_page_free_batched 365 '	field:unsigned long pfn;	offset:8;	size:8;	signed:0;' \
		'"page=%p pfn=%lu order=0", (void *)0, REC->pfn' | event kmem mm_page_free_batched 365 ;;
6.x)
	fmt mm_page_free_batched 365 '	field:unsigned long pfn;	offset:8;	size:8;	signed:0;' \
		'"page=%p pfn=0x%lx order=0", (void *)0, REC->pfn' | event kmem mm_page_free_batched 365 ;;
esac

case "$ERA" in
3.10)
	fmt mm_page_alloc 368 '	field:struct page * page;	offset:8;	size:8;	signed:0;
	field:unsigned int order;	offset:16;	size:4;	signed:0;
	field:gfp_t gfp_flags;	offset:20;	size:4;	signed:0;
	field:int migratetype;	offset:24;	size:4;	signed:1;' \
		"\"page=%p pfn=%lu order=%d migratetype=%d gfp_flags=%s\", REC->page, REC->page ? (unsigned long)((REC->page) - ((struct page *)(0xffffea0000000000UL))) : 0, REC->order, REC->migratetype, $GFP" |
		event kmem mm_page_alloc 368
	fmt mm_page_free 366 '	field:struct page * page;	offset:8;	size:8;	signed:0;
	field:unsigned int order;	offset:16;	size:4;	signed:0;' \
		'"page=%p pfn=%lu order=%d", REC->page, (unsigned long)((REC->page) - ((struct page *)(0xffffea0000000000UL))), REC->order' |
		event kmem mm_page_free 366
	;;
4.19 | 5.10)
	if [ "$ARCH" = aarch64 ]; then VMEMMAP='((struct page *)(0xffff7e0000000000UL - (memstart_addr >> 12)))'; else VMEMMAP='((struct page *)vmemmap_base)'; fi
	fmt mm_page_alloc 368 '	field:unsigned long pfn;	offset:8;	size:8;	signed:0;
	field:unsigned int order;	offset:16;	size:4;	signed:0;
	field:gfp_t gfp_flags;	offset:20;	size:4;	signed:0;
	field:int migratetype;	offset:24;	size:4;	signed:1;' \
		"\"page=%p pfn=%lu order=%d migratetype=%d gfp_flags=%s\", REC->pfn != -1UL ? ($VMEMMAP + (REC->pfn)) : ((void *)0), REC->pfn != -1UL ? REC->pfn : 0, REC->order, REC->migratetype, $GFP" |
		event kmem mm_page_alloc 368
	fmt mm_page_free 366 '	field:unsigned long pfn;	offset:8;	size:8;	signed:0;
	field:unsigned int order;	offset:16;	size:4;	signed:0;' \
		"\"page=%p pfn=%lu order=%d\", ($VMEMMAP + (REC->pfn)), REC->pfn, REC->order" |
		event kmem mm_page_free 366
	;;
esac

# vmscan direct reclaim (§9)
case "$ERA" in
3.10)
	fmt mm_vmscan_direct_reclaim_begin 330 '	field:int order;	offset:8;	size:4;	signed:1;
	field:int may_writepage;	offset:12;	size:4;	signed:1;
	field:gfp_t gfp_flags;	offset:16;	size:4;	signed:0;' \
		"\"order=%d may_writepage=%d gfp_flags=%s\", REC->order, REC->may_writepage, ${GFP}" |
		event vmscan mm_vmscan_direct_reclaim_begin 330
	;;
4.19)
	fmt mm_vmscan_direct_reclaim_begin 330 '	field:int order;	offset:8;	size:4;	signed:1;
	field:int may_writepage;	offset:12;	size:4;	signed:1;
	field:gfp_t gfp_flags;	offset:16;	size:4;	signed:0;
	field:int classzone_idx;	offset:20;	size:4;	signed:1;' \
		"\"order=%d may_writepage=%d gfp_flags=%s classzone_idx=%d\", REC->order, REC->may_writepage, ${GFP}, REC->classzone_idx" |
		event vmscan mm_vmscan_direct_reclaim_begin 330
	;;
5.10)
	fmt mm_vmscan_direct_reclaim_begin 330 '	field:int order;	offset:8;	size:4;	signed:1;
	field:gfp_t gfp_flags;	offset:12;	size:4;	signed:0;' \
		"\"order=%d gfp_flags=%s\", REC->order, ${GFP}" |
		event vmscan mm_vmscan_direct_reclaim_begin 330
	;;
6.x)
	event vmscan mm_vmscan_direct_reclaim_begin "$(sed -n 's/^ID: //p' "$FMT/6.x/mm_vmscan_direct_reclaim_begin.format")" \
		< "$FMT/6.x/mm_vmscan_direct_reclaim_begin.format"
	;;
esac
if [ "$ERA" = 6.x ]; then
	event vmscan mm_vmscan_direct_reclaim_end "$(sed -n 's/^ID: //p' "$FMT/6.x/mm_vmscan_direct_reclaim_end.format")" \
		< "$FMT/6.x/mm_vmscan_direct_reclaim_end.format"
else
	fmt mm_vmscan_direct_reclaim_end 329 '	field:unsigned long nr_reclaimed;	offset:8;	size:8;	signed:0;' \
		'"nr_reclaimed=%lu", REC->nr_reclaimed' | event vmscan mm_vmscan_direct_reclaim_end 329
fi

# compaction (§9): 3.10 has only the three isolate/migrate events.
SCAN_FIELDS='	field:unsigned long nr_scanned;	offset:8;	size:8;	signed:0;
	field:unsigned long nr_taken;	offset:16;	size:8;	signed:0;'
fmt mm_compaction_isolate_migratepages 320 "$SCAN_FIELDS" '"nr_scanned=%lu nr_taken=%lu", REC->nr_scanned, REC->nr_taken' |
	event compaction mm_compaction_isolate_migratepages 320
fmt mm_compaction_isolate_freepages 321 "$SCAN_FIELDS" '"nr_scanned=%lu nr_taken=%lu", REC->nr_scanned, REC->nr_taken' |
	event compaction mm_compaction_isolate_freepages 321
fmt mm_compaction_migratepages 322 '	field:unsigned long nr_migrated;	offset:8;	size:8;	signed:0;
	field:unsigned long nr_failed;	offset:16;	size:8;	signed:0;' \
	'"nr_migrated=%lu nr_failed=%lu", REC->nr_migrated, REC->nr_failed' |
	event compaction mm_compaction_migratepages 322
if [ "$ERA" != 3.10 ]; then
	fmt mm_compaction_begin 323 '	field:unsigned long zone_start;	offset:8;	size:8;	signed:0;
	field:unsigned long migrate_pfn;	offset:16;	size:8;	signed:0;
	field:unsigned long free_pfn;	offset:24;	size:8;	signed:0;
	field:unsigned long zone_end;	offset:32;	size:8;	signed:0;
	field:bool sync;	offset:40;	size:1;	signed:0;' \
		'"zone_start=0x%lx migrate_pfn=0x%lx free_pfn=0x%lx zone_end=0x%lx, mode=%s", REC->zone_start, REC->migrate_pfn, REC->free_pfn, REC->zone_end, REC->sync ? "sync" : "async"' |
		event compaction mm_compaction_begin 323
	fmt mm_compaction_end 324 '	field:unsigned long zone_start;	offset:8;	size:8;	signed:0;
	field:unsigned long migrate_pfn;	offset:16;	size:8;	signed:0;
	field:unsigned long free_pfn;	offset:24;	size:8;	signed:0;
	field:unsigned long zone_end;	offset:32;	size:8;	signed:0;
	field:bool sync;	offset:40;	size:1;	signed:0;
	field:int status;	offset:44;	size:4;	signed:1;' \
		'"zone_start=0x%lx migrate_pfn=0x%lx free_pfn=0x%lx zone_end=0x%lx, mode=%s status=%d", REC->zone_start, REC->migrate_pfn, REC->free_pfn, REC->zone_end, REC->sync ? "sync" : "async", REC->status' |
		event compaction mm_compaction_end 324
	fmt mm_compaction_try_to_compact_pages 325 '	field:int order;	offset:8;	size:4;	signed:1;
	field:gfp_t gfp_mask;	offset:12;	size:4;	signed:0;
	field:int prio;	offset:16;	size:4;	signed:1;' \
		'"order=%d gfp_mask=%s priority=%d", REC->order, REC->gfp_mask, REC->prio' |
		event compaction mm_compaction_try_to_compact_pages 325
	for e in mm_compaction_finished mm_compaction_suitable mm_compaction_deferred \
		mm_compaction_defer_compaction mm_compaction_defer_reset \
		mm_compaction_kcompactd_sleep mm_compaction_kcompactd_wake mm_compaction_wakeup_kcompactd; do
		NEXT_ID=$((NEXT_ID + 1))
		fmt $e $NEXT_ID '	field:int nid;	offset:8;	size:4;	signed:1;' '"nid=%d", REC->nid' |
			event compaction $e $NEXT_ID
	done
fi

# ----------------------------------------------------------- /sys/kernel/slab ---
S=$ROOT/sys/kernel/slab
if [ "$ERA" = 6.x ] || [ "$ERA" = 5.10 ]; then TRACE_MODE=0400; else TRACE_MODE=0600; fi
if [ "$ERA" = 3.10 ]; then ID256=:t-0000256 ID64=:t-0000064; else ID256=:0000256 ID64=:0000064; fi
mkcache() { # name object_size aliases
	local d=$S/$1
	mkdir -p "$d"
	put "$d/trace" $TRACE_MODE "0
"
	put "$d/object_size" 0444 "$2
"
	put "$d/aliases" 0444 "$3
"
	put "$d/slab_size" 0444 "$2
"
	put "$d/objects" 0444 "512
"
	put "$d/order" 0644 "0
"
	put "$d/shrink" 0644 ""		# an action: reads empty (FAKE_NOSHRINK=1: absent)
	[ "${FAKE_NOSHRINK:-0}" = 1 ] && rm -f "$d/shrink" && unset 'MODE_OF[$d/shrink]'
	put "$d/sanity_checks" 0444 "0
"
	put "$d/store_user" 0444 "0
"
	put "$d/red_zone" 0444 "0
"
	put "$d/poison" 0444 "0
"
}
mkcache kmalloc-64 64 0
mkcache kmalloc-256 256 0
mkcache "$K1K" 1024 0
mkcache "$K8K" 8192 0
mkcache dentry 192 0
mkcache skbuff_head_cache 256 0
mkcache "$ID256" 256 3
mkcache "$ID64" 64 2
for a in biovec-16 key_jar sgpool-8; do ln -s "$ID256" "$S/$a"; done
for a in anon_vma_chain eventpoll_pwq; do ln -s "$ID64" "$S/$a"; done

if [ "$ERA" != 3.10 ]; then
	put "$ROOT/sys/kernel/debug/kprobes/blacklist" 0400 <<EOF
0x${KB}000000-0x${KB}000040	do_debug
0x${KB}000100-0x${KB}000180	do_int3
0x${KB}0a0000-0x${KB}0a0020	kprobe_ftrace_handler
EOF
fi

# ----------------------------------------------------- someone else tracing -----
if [ "$BUSY" = 1 ]; then
	if [ "$ERA" = 3.10 ]; then
		put "$T/set_ftrace_filter" 0644 "kfree
"
	else
		put "$T/current_tracer" 0644 "function
"
		put "$T/set_ftrace_filter" 0644 "kfree
"
		put "$T/options/func_stack_trace" 0644 "0
"
	fi
	put "$T/set_event" 0644 "kmem:kmalloc
"
	put "$E/kmem/kmalloc/enable" 0644 "1
"
	put "$T/options/stacktrace" 0644 "1
"
	[ "$KPROBES" = 1 ] && put "$T/kprobe_events" 0644 "p:kprobes/other_probe kfree
"
	mkinstance other
fi
apply_modes
exit 0
