#!/usr/bin/env bash
# bench/run-all.sh - every benchmark (`make bench`): live capture against cat
# trace_pipe and trace-cmd record in the same run (bench/capture.sh, root), the pair
# analyzer's memory per outstanding
# object (bench/pair-mem.sh), and offline text parsing speed (bench/parse.sh).
# Speed and memory goals live here, never in timed tests.  Results: bench/README.md.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
make -s workload tracebook || exit 1
rc=0
echo "== capture: tb-workload at full rate with planted signalfds: cat trace_pipe, trace-cmd record, tracebook (bench/capture.sh)"
if [ "$(id -u)" = 0 ]; then
	bash bench/capture.sh -d "${BENCH_SECONDS:-10}" -n "${BENCH_PLANT:-1000}" || rc=1
else
	echo "skipped: needs root (live tracing)"
fi
if [ -f bench/pair-mem.sh ]; then
	echo "== pair analyzer memory (bench/pair-mem.sh)"
	bash bench/pair-mem.sh || rc=1
fi
if [ -f bench/parse.sh ]; then
	echo "== offline parse (bench/parse.sh, SIZE_MB=${SIZE_MB:-256})"
	SIZE_MB=${SIZE_MB:-256} bash bench/parse.sh || rc=1
fi
exit $rc
