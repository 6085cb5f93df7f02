#!/usr/bin/env bash
# bench/checkpoint.sh - the cost of one partial-report rewrite (bench/checkpoint.c) built against the release
# objects (make tracebook).  usage: bench/checkpoint.sh [GROUPS] [OBJECTS] [INTERVALS] [FILE]
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
make -s -j2 tracebook >/dev/null
# objects of sources that still exist (a moved file leaves its old .o behind)
objs=$(cd build/release && find src build -name '*.o' ! -path 'src/main.o' |
	while read -r o; do [ -f "../../${o%.o}.c" ] && echo "build/release/$o"; done)
mkdir -p build/bench
# shellcheck disable=SC2086
${CC:-cc} -std=gnu99 -O2 -g -D_GNU_SOURCE -Isrc -o build/bench/checkpoint bench/checkpoint.c $objs \
	$(pkg-config --libs libtracefs libtraceevent json-c) \
	$(pkg-config --exists libtracecmd && pkg-config --libs libtracecmd) -lpthread -lm -ldl
build/bench/checkpoint "$@"
