#!/usr/bin/env bash
# tests/build/fuzz-smoke.sh - the libFuzzer targets of tests/fuzz/ keep building and
# working: `make fuzz-build` builds every one (clang -fsanitize=fuzzer,address,undefined
# into build/fuzz/), each fuzzes for a few seconds from its seed corpus (crash, leak or
# UBSan report: not ok), and every regression input (tests/fuzz/regress/NAME/*, the
# inputs of crashes found and fixed) is run (checked in the log) and runs clean.
# SMOKE_TIME (seconds per target, default 3), SMOKE_RUNS (input bound, default 20000).
. "$(dirname "$0")/../lib.sh"

cd "$TOP" || exit 1
SMOKE_TIME=${SMOKE_TIME:-3}
export FUZZ_WORK=build/fuzz/smoke
out=$(make -s -j2 fuzz-build 2>&1); rc=$?
if [ $rc != 0 ]; then
	not_ok "make fuzz-build builds every fuzz target"; printf '%s\n' "$out" | tail -20 | sed 's/^/    | /'
	finish
	exit 0
fi
ok "make fuzz-build builds every fuzz target"
for f in tests/fuzz/fuzz_*.c; do
	t=${f##*/}; t=${t%.c}; name=${t#fuzz_}
	if [ -d tests/fuzz/corpus/"$name" ] && [ -n "$(ls tests/fuzz/corpus/"$name")" ]; then
		ok "$t has a seed corpus"
	else
		not_ok "$t has a seed corpus (tests/fuzz/corpus/$name/)"
	fi
	# a few seconds of fuzzing, and a bound on the inputs for a fast machine
	# (from the 20 smallest corpus files: a grown corpus alone takes longer to load)
	line=$(FUZZ_TIME=$SMOKE_TIME FUZZ_RUNS=${SMOKE_RUNS:-20000} FUZZ_SEED_MAX=${SMOKE_SEEDS:-20} \
	       tests/fuzz/run.sh "$t" 2>&1); rc=$?
	if [ $rc = 0 ]; then ok "$line"; else not_ok "$t fuzzes ${SMOKE_TIME}s without crash, leak or UB"; printf '%s\n' "$line" | sed 's/^/    | /'; fi
done
# the regression inputs: each one is run (the log names it) and none fails again
for d in tests/fuzz/regress/*/; do
	name=$(basename "$d"); t=fuzz_$name
	[ -n "$(ls "$d")" ] || continue
	line=$(tests/fuzz/run.sh --replay "$t" 2>&1); rc=$?
	n=$(ls "$d" | wc -l)
	ran=$(grep -c '^Executed ' "$FUZZ_WORK/$name.log" 2>/dev/null)
	if [ $rc = 0 ] && [ "$ran" = "$n" ]; then ok "$t: the $n regression inputs of fixed crashes run clean"
	else not_ok "$t: regression inputs (exit $rc, $ran of $n run)"; printf '%s\n' "$line" | sed 's/^/    | /'; fi
done
finish
