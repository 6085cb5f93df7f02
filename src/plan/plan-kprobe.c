/*
 * plan-kprobe.c - portable kprobe definitions (recipe [kprobe] sections) into this
 * kernel's kprobe_events syntax (docs/kernel-compat.md §3): $argN becomes the argument
 * register where the kernel lacks $argN, x-types become u-types (hex) on kernels
 * without them, $retval only on return probes, and every event gets an explicit name
 * in group "tracebook".  What the kernel cannot do is an error naming the recipe line.
 * Then the plan's kprobe steps: each probe point checked against /proc/kallsyms and
 * the kprobe blacklist, appended to kprobe_events (other users' probes stay), with an
 * entry probe for the stacks of a return probe.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel/tracefs.h"
#include "plan/plan-local.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

/* Argument registers by machine, docs/kernel-compat.md §3 "Register names". */
static const char *arg_register(const char *machine, unsigned n, unsigned *max)
{
	static const char *const x86_64[] = { "di", "si", "dx", "cx", "r8", "r9" };
	static const char *const arm64[] = { "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7" };
	static const char *const arm[] = { "r0", "r1", "r2", "r3" };
	const char *const *tab = NULL;
	unsigned len = 0;

	if (!strcmp(machine, "x86_64")) {
		tab = x86_64;
		len = 6;
	} else if (!strcmp(machine, "aarch64") || !strcmp(machine, "arm64")) {
		tab = arm64;
		len = 8;
	} else if (!strncmp(machine, "arm", 3)) {
		tab = arm;
		len = 4;
	}
	*max = len;
	if (!tab || n < 1 || n > len)
		return NULL;
	return tab[n - 1];
}

static int kp_error(const struct tb_recipe_kprobe *kp, const char *what, const char *text,
		    const char *expected)
{
	return tb_error_code(TB_EXIT_BADINPUT, "kprobe %s (recipe line %d): %s '%s': %s",
			     kp->name, kp->line, what, text, expected);
}

/* Rewrite one fetch argument (no type) into out. */
static int translate_fetch(const struct tb_recipe_kprobe *kp, const struct tb_caps *caps,
			   const char *fetch, struct strbuf *out)
{
	const char *p = fetch;

	while (*p) {
		if (!strncmp(p, "$arg", 4) && isdigit((unsigned char)p[4])) {
			char *end;
			unsigned long n = strtoul(p + 4, &end, 10);
			unsigned max;
			const char *reg;

			if (kp->is_return && !(caps->kprobe_argn && caps->kver >= TB_KVER(6, 9, 0)))
				return kp_error(kp, "argument on a return probe", fetch,
						"function arguments are gone when the function returns; "
						"use an entry probe (return=no) for them");
			if (caps->kprobe_argn) {
				strbuf_add(out, p, (size_t)(end - p));
			} else {
				reg = arg_register(caps->machine, (unsigned)n, &max);
				if (!reg && !max)
					return kp_error(kp, "argument", fetch,
							"this kernel has no $argN and tracebook does not know "
							"the argument registers of this machine; write %reg");
				if (!reg) {
					char want[64];

					snprintf(want, sizeof(want), "$arg1..$arg%u on %s", max, caps->machine);
					return kp_error(kp, "argument number", fetch, want);
				}
				strbuf_addf(out, "%%%s", reg);
			}
			p = end;
			continue;
		}
		if (!strncmp(p, "$retval", 7)) {
			if (!kp->is_return)
				return kp_error(kp, "argument", fetch,
						"$retval exists only on return probes (return=yes)");
			strbuf_addstr(out, "$retval");
			p += 7;
			continue;
		}
		if (!strncmp(p, "$comm", 5)) {
			if (!caps->kprobe_comm)
				return kp_error(kp, "argument", fetch,
						"$comm needs kernel 4.19 or later; this kernel lacks it");
			strbuf_addstr(out, "$comm");
			p += 5;
			continue;
		}
		if (*p == '+' && p[1] == 'u') {
			if (caps->kver < TB_KVER(5, 4, 0))
				return kp_error(kp, "user-space offset", fetch, "+u needs kernel 5.4 or later");
		}
		if (*p == '\\' && caps->kver < TB_KVER(5, 4, 0))
			return kp_error(kp, "immediate value", fetch, "\\imm needs kernel 5.4 or later");
		strbuf_addch(out, *p);
		p++;
	}
	return 0;
}

/* Rewrite a type suffix; "" means the kernel's default type. */
static int translate_type(const struct tb_recipe_kprobe *kp, const struct tb_caps *caps,
			  const char *type, struct strbuf *out)
{
	char base[32];
	const char *br = strchr(type, '[');
	size_t blen = br ? (size_t)(br - type) : strlen(type);

	if (blen >= sizeof(base))
		return kp_error(kp, "type", type, "a kprobe type (u8..u64, s8..s64, x8..x64, string)");
	memcpy(base, type, blen);
	base[blen] = 0;
	if (br && caps->kver < TB_KVER(5, 4, 0))
		return kp_error(kp, "array type", type, "arrays need kernel 5.4 or later");

	if (base[0] == 'x' && (!strcmp(base + 1, "8") || !strcmp(base + 1, "16") ||
			       !strcmp(base + 1, "32") || !strcmp(base + 1, "64"))) {
		if (caps->kprobe_x64) {
			strbuf_addf(out, ":%s", type);
		} else if (!strcmp(base, "x64") && !br) {
			/* 3.10: the default type is u64 printed in hex: say nothing */
		} else {
			strbuf_addf(out, ":u%s%s", base + 1, br ? br : "");
		}
		return 0;
	}
	if ((base[0] == 'u' || base[0] == 's') && (!strcmp(base + 1, "8") || !strcmp(base + 1, "16") ||
						  !strcmp(base + 1, "32") || !strcmp(base + 1, "64"))) {
		strbuf_addf(out, ":%s", type);
		return 0;
	}
	if (!strcmp(base, "string")) {
		strbuf_addf(out, ":%s", type);
		return 0;
	}
	if (!strcmp(base, "ustring") || !strcmp(base, "symbol")) {
		if (caps->kver < TB_KVER(5, 4, 0))
			return kp_error(kp, "type", type, "this type needs kernel 5.4 or later");
		strbuf_addf(out, ":%s", type);
		return 0;
	}
	if (!strcmp(base, "symstr") || !strcmp(base, "char")) {
		if (caps->kver < TB_KVER(6, 5, 0))
			return kp_error(kp, "type", type, "this type needs kernel 6.5 or later");
		strbuf_addf(out, ":%s", type);
		return 0;
	}
	if (base[0] == 'b' && isdigit((unsigned char)base[1]) && strchr(base, '@') && strchr(base, '/')) {
		strbuf_addf(out, ":%s", type);
		return 0;
	}
	return kp_error(kp, "type", type, "u8..u64, s8..s64, x8..x64, string, ustring, symbol or b<w>@<o>/<s>");
}

static int valid_event_name(const char *s)
{
	size_t n = 0;

	if (!s || !*s || isdigit((unsigned char)*s))
		return 0;
	for (; *s; s++, n++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return n < 64;
}

int tb_kprobe_translate(const struct tb_recipe_kprobe *kp, const struct tb_caps *caps,
			struct strbuf *out)
{
	size_t i;
	int r;

	if (!valid_event_name(kp->name))
		return kp_error(kp, "event name", kp->name ? kp->name : "",
				"letters, digits and _ (not starting with a digit), under 64 characters");
	if (!kp->probe || !*kp->probe || strpbrk(kp->probe, " \t\n"))
		return kp_error(kp, "probe point", kp->probe ? kp->probe : "", "SYMBOL or SYMBOL+OFFSET");
	if (kp->is_return && strchr(kp->probe, '+'))
		return kp_error(kp, "probe point", kp->probe,
				"a return probe goes on a function, not an offset into it");
	strbuf_addf(out, "%c:%s/%s %s", kp->is_return ? 'r' : 'p', TB_KPROBE_GROUP, kp->name, kp->probe);
	for (i = 0; i < kp->args.n; i++) {
		const char *arg = kp->args.v[i];
		const char *eq = strchr(arg, '=');
		const char *colon;
		struct strbuf fetch = STRBUF_INIT, one = STRBUF_INIT;
		char name[64];

		if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name))
			return kp_error(kp, "argument", arg, "NAME=FETCH[:TYPE], e.g. size=$arg2:u64");
		memcpy(name, arg, (size_t)(eq - arg));
		name[eq - arg] = 0;
		if (!valid_event_name(name))
			return kp_error(kp, "argument name", name, "letters, digits and _");
		colon = strrchr(eq + 1, ':');
		strbuf_add(&fetch, eq + 1, colon ? (size_t)(colon - eq - 1) : strlen(eq + 1));
		strbuf_addf(&one, "%s=", name);
		r = translate_fetch(kp, caps, strbuf_str(&fetch), &one);
		if (!r && colon)
			r = translate_type(kp, caps, colon + 1, &one);
		if (!r && one.len - strlen(name) - 1 > 63)
			r = kp_error(kp, "argument", arg, "at most 63 characters after translation");
		if (!r)
			strbuf_addf(out, " %s", strbuf_str(&one));
		strbuf_release(&fetch);
		strbuf_release(&one);
		if (r)
			return r;
	}
	if (out->len > 4000)
		return kp_error(kp, "definition", kp->name, "a kprobe line under 4096 bytes");
	return strbuf_failed(out) ? tb_error("out of memory") : 0;
}
/* Check kprobe points against kallsyms and the blacklist; write the definitions. */
int plan_kprobes(struct plan_builder *b)
{
	const struct tb_caps *caps = b->caps;
	struct strbuf ksyms = STRBUF_INIT, black = STRBUF_INIT, cur = STRBUF_INIT;
	char path[PATH_MAX + 64];
	unsigned i, nent;
	int r = 0, have_ksyms, have_black;

	if (!b->r->nkps)
		return 0;
	if (caps->kprobes == TB_ABSENT)
		return tb_error_code(TB_EXIT_BADINPUT,
				     "%s:%d: kprobe %s: this kernel has no kprobe_events (CONFIG_KPROBE_EVENTS is off)",
				     b->r->path, b->r->kps[0].line, b->r->kps[0].name);
	if (caps->kprobes == TB_REFUSED)
		return tb_error_code(TB_EXIT_REFUSED,
				     "kprobes are refused on this system (EPERM: lockdown or policy)");
	snprintf(path, sizeof(path), "%s/kallsyms", caps->proc_dir);
	have_ksyms = tb_read_file(path, &ksyms) == 0 && ksyms.len;
	have_black = tb_root_path(path, sizeof(path), "/sys/kernel/debug/kprobes/blacklist") == 0 &&
		     tb_read_file(path, &black) == 0;
	if (!have_black && caps->kver >= TB_KVER(4, 19, 0))
		plan_note(b->p, "kprobe blacklist %s not readable (debugfs not mounted there?): probe points were checked against kallsyms only",
			  path);
	snprintf(path, sizeof(path), "%s/kprobe_events", caps->tracefs);
	tb_read_file(path, &cur);

	for (i = 0; i < b->r->nkps && !r; i++) {
		const struct tb_recipe_kprobe *kp = &b->r->kps[i];
		struct strbuf line = STRBUF_INIT, undo = STRBUF_INIT, why = STRBUF_INIT, mine = STRBUF_INIT;
		char sym[256];
		size_t sl = strcspn(kp->probe ? kp->probe : "", "+");

		r = tb_kprobe_translate(kp, caps, &line);
		if (r) {
			strbuf_release(&line);
			break;
		}
		snprintf(sym, sizeof(sym), "%.*s", (int)(sl < 255 ? sl : 255), kp->probe);
		if (strchr(sym, ':'))		/* MOD:SYM */
			memmove(sym, strchr(sym, ':') + 1, strlen(strchr(sym, ':') + 1) + 1);
		if (have_ksyms && !tb_sym_count(ksyms.buf, TB_SYM_KALLSYMS, sym)) {
			char *near = tb_sym_near(sym, ksyms.buf, TB_SYM_KALLSYMS);

			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: kprobe %s: function '%s' is not in /proc/kallsyms of this kernel (%s)%s%s",
					  b->r->path, kp->line, kp->name, sym, caps->release,
					  *near ? "; did you mean: " : "", near);
			free(near);
		} else if (have_black && tb_sym_count(black.buf, TB_SYM_BLACKLIST, sym)) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: kprobe %s: '%s' is on the kernel's kprobe blacklist (it cannot be probed)",
					  b->r->path, kp->line, kp->name, sym);
		}
		strbuf_addf(&mine, "%s/%s ", TB_KPROBE_GROUP, kp->name);
		if (!r && strstr(strbuf_str(&cur), mine.buf))
			r = tb_error_code(TB_EXIT_BUSY, "kprobe %s/%s already exists (a run that died?): run `tracebook restore` first",
					  TB_KPROBE_GROUP, kp->name);
		if (!r) {
			strbuf_addf(&undo, "-:%s/%s", TB_KPROBE_GROUP, kp->name);
			strbuf_addf(&why, "define %s probe %s/%s on %s (appended: other users' probes stay)%s",
				    kp->is_return ? "return" : "entry", TB_KPROBE_GROUP, kp->name, sym,
				    (!caps->kprobe_argn && strstr(line.buf, "%")) ?
				    "; $argN written as registers: this kernel has no $argN" : "");
			r = plan_append(b->p, path, line.buf, undo.buf, why.buf);
		}
		if (!r && kp->is_return && kp->stack) {
			/*
			 * A kretprobe's stack is taken in the return trampoline: on x86_64 (4.19,
			 * 5.10) it reads kretprobe_trace_func <- kretprobe_dispatcher <-
			 * __kretprobe_trampoline_handler <- ..., the caller is lost (arm64 gives
			 * the real one).  The stack is taken where it means something on every
			 * kernel: an entry probe of the same function, joined to its return by
			 * task in the analysis.
			 */
			char ename[128];

			snprintf(ename, sizeof(ename), "%s" TB_KPROBE_ENTRY_SUFFIX, kp->name);
			strbuf_reset(&line);
			strbuf_reset(&undo);
			strbuf_reset(&why);
			strbuf_addf(&line, "p:%s/%s %s", TB_KPROBE_GROUP, ename, sym);
			strbuf_addf(&undo, "-:%s/%s", TB_KPROBE_GROUP, ename);
			strbuf_addf(&why, "entry probe %s/%s on %s for the stacks of %s: a return probe's own stack is the return trampoline's on x86_64 (kretprobe_trampoline <- ...), so the stack is taken at entry and joined to the return by task",
				    TB_KPROBE_GROUP, ename, sym, kp->name);
			if (strlen(ename) > 63)
				r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: kprobe %s: name too long for its entry probe %s (under 58 characters)",
						  b->r->path, kp->line, kp->name, ename);
			if (!r)
				r = plan_append(b->p, path, line.buf, undo.buf, why.buf);
			if (!r)
				r = plan_ev_add(&b->evs, TB_KPROBE_GROUP, ename, NULL, 1, kp->line, "kprobe entry (stacks)");
			if (!r) {
				char *f = kp->filter ? strdup(kp->filter) : NULL;

				r = plan_ev_add(&b->evs, TB_KPROBE_GROUP, kp->name, f, 0, kp->line, "kprobe");
				free(f);
			}
			if (!r)
				plan_summary(b->p, "stacks of return probe %s taken on the entry probe %s (joined by task)",
					     kp->name, ename);
		} else if (!r) {
			char *f = kp->filter ? strdup(kp->filter) : NULL;

			r = plan_ev_add(&b->evs, TB_KPROBE_GROUP, kp->name, f, kp->stack, kp->line, "kprobe");
			free(f);
		}
		strbuf_release(&line);
		strbuf_release(&undo);
		strbuf_release(&why);
		strbuf_release(&mine);
	}
	if (!r && !have_ksyms)
		plan_note(b->p, "kprobe functions not checked: /proc/kallsyms unreadable");
	for (i = 0, nent = 0; i < b->r->nkps; i++)
		nent += b->r->kps[i].is_return && b->r->kps[i].stack;
	plan_summary(b->p, "%u kprobe(s) in group %s%s", b->r->nkps + nent, TB_KPROBE_GROUP,
		     caps->kprobe_argn ? "" : "; $argN translated to argument registers");
	strbuf_release(&ksyms);
	strbuf_release(&black);
	strbuf_release(&cur);
	return r;
}

/*
 * 32-bit ARM (armv7l, Debian armmp 6.1): an optimized kprobe (OPTPROBES: the probed
 * instruction replaced by a branch to a detour buffer) is taken from
 * kprobe_optinsn_page, and the ARM unwinder cannot walk out of it: every stack is one
 * frame, "kprobe_optinsn_page+0x330 [__builtin__kprobes]".  With stacks on kprobes,
 * /proc/sys/debug/kprobes-optimization is set to 0 before any probe is enabled (the
 * kernel optimizes at arm time; writing 0 also unoptimizes probes already optimized),
 * journaled and restored like every other write.  x86_64 and arm64 unwind through
 * their optimized probes: nothing is done there.
 */
int plan_kprobe_optimization(struct plan_builder *b)
{
	const struct tb_caps *caps = b->caps;
	char path[PATH_MAX + 64];
	unsigned k;
	int any = 0;

	if (b->stack_mode == TB_STACKS_NONE || strncmp(caps->machine, "armv", 4))
		return 0;
	for (k = 0; k < b->evs.n && !any; k++)
		any = b->evs.v[k].stack && !strcmp(b->evs.v[k].system, TB_KPROBE_GROUP);
	if (!any)
		return 0;
	snprintf(path, sizeof(path), "%s/sys/debug/kprobes-optimization", caps->proc_dir);
	if (!tb_exists(path)) {
		plan_note(b->p, "stacks on kprobes may be a single frame on this kernel (%s): a 32-bit ARM kernel cannot unwind out of an optimized kprobe's detour buffer (kprobe_optinsn_page), and %s is absent",
			  caps->machine, path);
		return 0;
	}
	if (plan_read_ulong(path) != 1)
		return 0;	/* already off: probes are not optimized */
	if (access(path, W_OK) != 0) {
		plan_note(b->p, "stacks on kprobes may be a single frame on this kernel (%s): a 32-bit ARM kernel cannot unwind out of an optimized kprobe's detour buffer (kprobe_optinsn_page), and %s cannot be written here",
			  caps->machine, path);
		return 0;
	}
	return plan_write(b->p, path, "0",
			  "kprobe optimization off while stacks are taken on kprobes: on 32-bit ARM an optimized probe's stack is the single frame kprobe_optinsn_page [__builtin__kprobes] (the unwinder cannot leave the detour buffer); written before any probe is enabled");
}
