#!/usr/bin/env bash
# tests/fuzz/run.sh - run the libFuzzer targets of build/fuzz/ (make fuzz-build).
#
#   tests/fuzz/run.sh [fuzz_NAME ...]          fuzz each for FUZZ_TIME seconds (default 60)
#   tests/fuzz/run.sh --replay [fuzz_NAME ...] run every regression input once
#
# Fuzzing works on a copy of tests/fuzz/corpus/NAME (FUZZ_WORK/NAME, default
# build/fuzz/work), with tests/fuzz/dict/NAME.dict when there is one; crash, leak and
# timeout inputs are kept in FUZZ_WORK/artifacts/NAME/.  FUZZ_RUNS bounds the number of
# inputs as well (-runs); FUZZ_SEED_MAX=N starts from the N smallest corpus files only.
# Replay runs tests/fuzz/regress/NAME/* as plain inputs.
# Prints one line per target; exit 1 if any target crashed, leaked or reported
# undefined behaviour.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
BIN=build/fuzz
WORK=${FUZZ_WORK:-$BIN/work}
TIME=${FUZZ_TIME:-60}
replay=0
if [ "${1:-}" = --replay ]; then replay=1; shift; fi
targets=("$@")
if [ ${#targets[@]} = 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do t=${f##*/}; targets+=("${t%.c}"); done
fi
# leaks are findings; UBSan stops at the first report (the objects use -fno-sanitize-recover)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fail=0
mkdir -p "$WORK"
for t in "${targets[@]}"; do
	name=${t#fuzz_}
	exe=$BIN/$t
	log=$WORK/$name.log
	if [ ! -x "$exe" ]; then echo "$t: not built ($exe; make fuzz-build)"; fail=1; continue; fi
	# leaks inside a library we call (tests/fuzz/lsan/NAME.supp says which and why)
	if [ -f tests/fuzz/lsan/"$name".supp ]; then
		export LSAN_OPTIONS="suppressions=$TOP/tests/fuzz/lsan/$name.supp:print_suppressions=0"
	else
		unset LSAN_OPTIONS
	fi
	if [ $replay = 1 ]; then
		inputs=(tests/fuzz/regress/"$name"/*)
		[ -e "${inputs[0]}" ] || { echo "$t: no regression inputs"; continue; }
		"$exe" -close_fd_mask=2 -timeout=20 "${inputs[@]}" > "$log" 2>&1; rc=$?
		if [ $rc = 0 ]; then echo "$t: ${#inputs[@]} regression inputs pass"
		else echo "$t: a regression input fails again (exit $rc):"; grep -E 'ERROR|SUMMARY|runtime error|Running:' "$log" | tail -5 | sed 's/^/    | /'; fail=1; fi
		continue
	fi
	rm -rf "${WORK:?}/$name" "$WORK/artifacts/$name"
	mkdir -p "$WORK/$name" "$WORK/artifacts/$name"
	if [ -n "${FUZZ_SEED_MAX:-}" ]; then
		# the smallest FUZZ_SEED_MAX corpus files (a grown corpus takes long to load)
		ls -Sr tests/fuzz/corpus/"$name"/ | head -n "$FUZZ_SEED_MAX" |
			while read -r f; do cp tests/fuzz/corpus/"$name"/"$f" "$WORK/$name/"; done
	else
		cp tests/fuzz/corpus/"$name"/* "$WORK/$name/" 2>/dev/null
	fi
	args=(-max_total_time="$TIME" -print_final_stats=1 -close_fd_mask=2 -timeout=25
	      -artifact_prefix="$WORK/artifacts/$name/")
	[ -f tests/fuzz/dict/"$name".dict ] && args+=(-dict=tests/fuzz/dict/"$name".dict)
	[ -n "${FUZZ_RUNS:-}" ] && args+=(-runs="$FUZZ_RUNS")
	"$exe" "${args[@]}" "$WORK/$name" > "$log" 2>&1; rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	last=$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|NEW|REDUCE|pulse)' "$log" | tail -1 |
	       grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*')
	if [ $rc = 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
		echo "$t: ok, ${execs:-?} inputs in ${TIME}s, $last"
	else
		echo "$t: FAILED (exit $rc), see $log; inputs kept in $WORK/artifacts/$name/"
		grep -E 'ERROR: |runtime error:|SUMMARY:' "$log" | head -5 | sed 's/^/    | /'
		fail=1
	fi
done
exit $fail
