#!/usr/bin/env bash
# bench/checkpoint.sh - the cost of one partial-report rewrite (bench/checkpoint.c) built against the release
# objects (make tracebook).  usage: bench/checkpoint.sh [GROUPS] [OBJECTS] [INTERVALS] [FILE]
set -eu
"$(dirname "$0")/build.sh" checkpoint
exec "$(cd "$(dirname "$0")/.." && pwd)/build/bench/checkpoint" "$@"
