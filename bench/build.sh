#!/usr/bin/env bash
# bench/build.sh NAME - build build/bench/NAME from bench/NAME.c against the release
# objects (make tracebook), for the benches that drive tracebook's analysis directly
# (day-sim, pair-mem, checkpoint).  Prints nothing; exits non-zero when a build fails.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
name=$1
make -s -j2 tracebook >/dev/null
# objects of sources that still exist (a moved file leaves its old .o behind)
objs=$(cd build/release && find src build -name '*.o' ! -path 'src/main.o' |
	while read -r o; do [ -f "../../${o%.o}.c" ] && echo "build/release/$o"; done)
mkdir -p build/bench
# shellcheck disable=SC2086
${CC:-cc} -std=gnu99 -O2 -g -D_GNU_SOURCE -Isrc -Ibench -o "build/bench/$name" "bench/$name.c" $objs \
	$(pkg-config --libs libtracefs libtraceevent json-c) -lpthread -lm -ldl
