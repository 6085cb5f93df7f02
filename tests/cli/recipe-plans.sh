#!/usr/bin/env bash
# Every shipped recipe is planned (`run --dry-run`) on the fake 3.10, 4.19 and 6.x trees:
# it must plan there (exit 0), show its analyses, translate what the era needs, and write
# nothing.  (Golden plans for a chosen few are in driver-plans.sh; the qemu tier runs the
# kprobe and function-tracer recipes live.)
. "$(dirname "$0")/../lib.sh"
[ -x "$TB" ] || { not_ok "no $TB (make asan)"; finish; }
W=$(mktemp -d /tmp/tb-recipe-plans.XXXXXX)
trap 'rm -rf "$W"' EXIT
for era in 3.10 4.19 6.x; do
	bash "$TOP/tests/fake/mktree.sh" "$era" "$W/$era" >/dev/null || { not_ok "mktree $era"; finish; }
done
FAKE_ARCH=armv7l bash "$TOP/tests/fake/mktree.sh" 6.x "$W/armhf" >/dev/null || { not_ok "mktree 6.x armhf"; finish; }
before=$(cd "$W" && find . -type f -exec md5sum {} + | sort)
for f in "$TOP"/recipes/*.recipe; do
	r=$(basename "$f" .recipe)
	args=
	[ "$r" = slub-trace ] && args=cache=kmalloc-64
	for era in 3.10 4.19 6.x armhf; do
		# shellcheck disable=SC2086
		out=$(TRACEBOOK_ROOT=$W/$era TRACEBOOK_RUNDIR=$W/run "$TB" run "$r" $args --dry-run 2>&1); rc=$?
		if [ "$rc" = 0 ] && printf '%s\n' "$out" | grep -q '^analyses:' &&
			printf '%s\n' "$out" | grep -q 'dry run: nothing was written'; then
			ok "$r plans on $era"
		else
			not_ok "$r plans on $era (exit $rc)"; printf '%s\n' "$out" | tail -8 | sed 's/^/    /'
		fi
		case "$r:$era" in
		kernfs-leak:3.10) expect_match "$r on 3.10: \$arg1 becomes %di (x86_64, no \$argN)" 'kprobe_events.*%di' "$out" ;;
		kernfs-leak:4.19) expect_match "$r on 4.19: \$arg1 becomes %x0 (arm64, no \$argN)" 'kprobe_events.*%x0' "$out" ;;
		kernfs-leak:armhf) expect_match "$r on armhf: \$arg1 becomes %r0 (arm, no \$argN)" 'kprobe_events.*%r0' "$out" ;;
		kernfs-leak:6.x) expect_match "$r on 6.x: \$arg1 kept" 'kprobe_events.*\$arg1' "$out" ;;
		esac
		case "$r" in
		kernfs-leak|ip6-dst-leak|path-refcount)
			expect_nomatch "$r on $era: no \$retval on an entry probe" '^ +[0-9]+\. append +kprobe_events = .p:[^ ]* .*\$retval' "$out" ;;
		esac
	done
done
after=$(cd "$W" && find . -type f -exec md5sum {} + | sort)
expect_eq "dry runs of every recipe wrote nothing" "$before" "$after"
finish
