#!/usr/bin/env bash
# bench/fuzz-campaign.sh - the long fuzz campaign recorded in bench/README.md
# ("Fuzz campaign"): every libFuzzer target of tests/fuzz/ for CAMPAIGN_TIME seconds
# (default 1200), CAMPAIGN_PAR at a time (default 2), under nice -n 19, each on a
# working copy of its corpus in CAMPAIGN_DIR (default /var/tmp/tracebook-fuzz-campaign,
# outside the repository) with its dictionary; crash/leak/timeout inputs are kept in
# CAMPAIGN_DIR/artifacts/NAME/.  Afterwards `bench/fuzz-campaign.sh merge` minimises
# each grown corpus into tests/fuzz/corpus/NAME/ (-merge=1) so the next campaign resumes.
#
#   make fuzz-build && bench/fuzz-campaign.sh [fuzz_NAME ...]   # run (foreground)
#   bench/fuzz-campaign.sh merge [fuzz_NAME ...]                # merge into the repo
#   bench/fuzz-campaign.sh stats                                 # one line per target
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
DIR=${CAMPAIGN_DIR:-/var/tmp/tracebook-fuzz-campaign}
TIME=${CAMPAIGN_TIME:-1200}
PAR=${CAMPAIGN_PAR:-2}
mode=run
case ${1:-} in merge|stats) mode=$1; shift ;; esac
targets=("$@")
if [ ${#targets[@]} = 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do t=${f##*/}; targets+=("${t%.c}"); done
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$DIR"

corpus_size() { # dir -> "files/bytes"
	echo "$(find "$1" -type f | wc -l)/$(find "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')"
}

one() { # target: fuzz it for TIME seconds
	local t=$1 name=${1#fuzz_} args
	rm -rf "${DIR:?}/$name" "$DIR/artifacts/$name"
	mkdir -p "$DIR/$name" "$DIR/artifacts/$name"
	cp tests/fuzz/corpus/"$name"/* "$DIR/$name/"
	echo "corpus_before $(corpus_size "$DIR/$name")" > "$DIR/$name.info"
	echo "start $(date -u +%s)" >> "$DIR/$name.info"
	# -fork=1: a crash is kept (artifacts) and fuzzing goes on for the whole time
	args=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
	      -max_total_time="$TIME" -print_final_stats=1 -close_fd_mask=2 -timeout=25
	      -artifact_prefix="$DIR/artifacts/$name/")
	[ -f tests/fuzz/dict/"$name".dict ] && args+=(-dict=tests/fuzz/dict/"$name".dict)
	if [ -f tests/fuzz/lsan/"$name".supp ]; then	# as tests/fuzz/run.sh
		LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan/$name.supp:print_suppressions=0" \
			nice -n 19 "$DIR/bin/$t" "${args[@]}" "$DIR/$name" > "$DIR/$name.log" 2>&1
	else
		nice -n 19 "$DIR/bin/$t" "${args[@]}" "$DIR/$name" > "$DIR/$name.log" 2>&1
	fi
	echo "rc $?" >> "$DIR/$name.info"
	echo "end $(date -u +%s)" >> "$DIR/$name.info"
	echo "corpus_after $(corpus_size "$DIR/$name")" >> "$DIR/$name.info"
}

stats() { # target: one line from its log and info
	local name=${1#fuzz_} log info
	log=$DIR/$name.log info=$DIR/$name.info
	[ -f "$info" ] || { echo "$name: not run"; return; }
	local s e rc execs eps last arts
	s=$(sed -n 's/^start //p' "$info"); e=$(sed -n 's/^end //p' "$info"); rc=$(sed -n 's/^rc //p' "$info")
	# fork mode: "#EXECS: cov: N ft: N corp: N exec/s N oom/timeout/crash: a/b/c time: Ns"
	last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1)
	execs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
	eps=$(echo "$last" | sed -n 's/.*exec\/s \([0-9]*\).*/\1/p')
	last=$(echo "$last" | grep -oE 'cov: [0-9]+ ft: [0-9]+|oom/timeout/crash: [0-9/]+' | tr '\n' ' ')
	arts=$(find "$DIR/artifacts/$name" -type f | wc -l)
	echo "$name: wall $(( ${e:-$(date -u +%s)} - s ))s rc=${rc:-running} execs=${execs:-?} exec/s=${eps:-?}" \
	     "$last corpus $(sed -n 's/^corpus_before //p' "$info") -> $(sed -n 's/^corpus_after //p' "$info")" \
	     "artifacts=$arts sanitizer_reports=$(grep -cE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log")"
}

case $mode in
run)
	# the campaign runs a copy of the binaries: rebuilding build/fuzz/ meanwhile is fine
	mkdir -p "$DIR/bin"
	git rev-parse HEAD > "$DIR/commit"
	for t in "${targets[@]}"; do
		[ -x build/fuzz/"$t" ] || { echo "build/fuzz/$t missing: make fuzz-build"; exit 1; }
		cp build/fuzz/"$t" "$DIR/bin/"
	done
	for t in "${targets[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge "$PAR" ]; do wait -n; done
		echo "$(date -u +%T) start $t"
		one "$t" &
	done
	wait
	for t in "${targets[@]}"; do stats "$t"; done ;;
stats)
	for t in "${targets[@]}"; do stats "$t"; done ;;
merge)
	for t in "${targets[@]}"; do
		name=${t#fuzz_}
		before=$(corpus_size tests/fuzz/corpus/"$name")
		build/fuzz/"$t" -merge=1 -close_fd_mask=2 tests/fuzz/corpus/"$name" "$DIR/$name" \
			> "$DIR/$name.merge.log" 2>&1 || { echo "$name: merge failed ($DIR/$name.merge.log)"; continue; }
		echo "$name: repo corpus $before -> $(corpus_size tests/fuzz/corpus/"$name")"
	done ;;
esac
