#!/usr/bin/env bash
# bench/pair-mem.sh - memory per outstanding object and feed rate of the pair
# analyzer (bench/pair-mem.c), built against the release objects (make tracebook).
# usage: bench/pair-mem.sh [N_OUTSTANDING] [N_CHURN_PAIRS]
set -eu
"$(dirname "$0")/build.sh" pair-mem
exec "$(cd "$(dirname "$0")/.." && pwd)/build/bench/pair-mem" "$@"
