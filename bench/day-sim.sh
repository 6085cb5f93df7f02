#!/usr/bin/env bash
# bench/day-sim.sh - a simulated long hunt (bench/day-sim.c) built against the release
# objects (make tracebook).  usage: bench/day-sim.sh [HOURS] [EVENTS_PER_S] [LEAK_PER_S]
set -eu
"$(dirname "$0")/build.sh" day-sim
exec "$(cd "$(dirname "$0")/.." && pwd)/build/bench/day-sim" "$@"
