# cases.sh - the golden cases of tests/cli/decode.sh, sourced by it and by regen.sh.
# One case per line: NAME|FILES (relative to the top; several files = one stream)
DECODE_CASES='
samples-ftrace-3.10|tests/fixtures/samples/ftrace-3.10.txt
samples-ftrace-4.19-tgid|tests/fixtures/samples/ftrace-4.19-tgid.txt
samples-ftrace-4.19-arm64|tests/fixtures/samples/ftrace-4.19-arm64.txt
samples-ftrace-5.10|tests/fixtures/samples/ftrace-5.10.txt
samples-ftrace-6x|tests/fixtures/samples/ftrace-6x.txt
samples-ftrace-counter-clock|tests/fixtures/samples/ftrace-counter-clock.txt
samples-function|tests/fixtures/samples/function.txt
samples-kprobes|tests/fixtures/samples/kprobes.txt
samples-tracecmd-report|tests/fixtures/samples/tracecmd-report.txt
samples-klog-3.10-dmesg|tests/fixtures/samples/klog-3.10-dmesg.txt
samples-klog-4.19-syslog|tests/fixtures/samples/klog-4.19-syslog.txt
samples-klog-arm64-journal|tests/fixtures/samples/klog-arm64-journal.txt
samples-klog-cat-n|tests/fixtures/samples/klog-cat-n.txt
samples-klog-6x-grep-n|tests/fixtures/samples/klog-6x-grep-n.txt
samples-klog-kmsg|tests/fixtures/samples/klog-kmsg.txt
samples-merge-klog|tests/fixtures/samples/klog-4.19-syslog.txt tests/fixtures/samples/klog-3.10-dmesg.txt
perf-tools-functrace|tests/fixtures/perf-tools/functrace_example.txt
perf-tools-kprobe|tests/fixtures/perf-tools/kprobe_example.txt
perf-tools-tpoint|tests/fixtures/perf-tools/tpoint_example.txt
centos7-slub-trace|tests/fixtures/centos7-3.10/slub-trace-kmsg-lines.txt
live-6x-kmem|tests/fixtures/live-6x/kmem-6x.txt
live-6x-kmem-stack|tests/fixtures/live-6x/kmem-6x-stack.txt
live-6x-kmem-noirqinfo|tests/fixtures/live-6x/kmem-6x-noirqinfo.txt
live-6x-kmem-hashptr0|tests/fixtures/live-6x/kmem-6x-hashptr0.txt
live-6x-pages|tests/fixtures/live-6x/pages-6x.txt
live-6x-tracecmd-report|tests/fixtures/live-6x/tracecmd-report-6x.txt
'
# The report numbers compared (jq): totals, per pair its counts and top groups, counts
# (ties sorted here: the report's order among equals is not part of the contract).
DECODE_JQ='{events, lost_events, lost_unknown,
  pairs: [.pairs[] | {label: .label, allocs, frees, null_frees, hidden, hashed, outstanding_count,
          outstanding_bytes, groups,
          top: [.outstanding | sort_by(-.bytes, -.count, .site, .by // "") | .[:5][] |
                "\(.count) \(.bytes) \(.site) \(.by)"]}],
  counts: [.counts | sort_by(-.calls, .function, .caller // "") | .[:8][] |
           "\(.calls) \(.function) \(.caller)"]}'
