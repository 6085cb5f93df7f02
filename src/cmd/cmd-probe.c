/*
 * cmd-probe.c - `tracebook probe [--json] [--no-mount] [--root DIR] [--tracefs DIR]`:
 * what this kernel offers for tracing, in words a field engineer understands (with one
 * line of consequence and workaround per missing capability) or as one JSON object.
 * Reads only; the one change it may make is mounting tracefs where it is unmounted,
 * and it says so on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "cmd/cmds.h"
#include "kernel/caps.h"
#include "kernel/tracefs.h"
#include "util/err.h"
#include "util/parse-options.h"
#include "util/strbuf.h"

static const char *avail_name(enum tb_avail a)
{
	switch (a) {
	case TB_PRESENT: return "present";
	case TB_REFUSED: return "refused";
	case TB_READONLY: return "read-only";
	default: return "absent";
	}
}

static const char *print_name(enum tb_print p)
{
	switch (p) {
	case TB_PRINT_HEX: return "hex";
	case TB_PRINT_SYM: return "symbol";
	case TB_PRINT_PTR: return "raw";
	case TB_PRINT_PTR_HASHED: return "hashed";
	default: return "unknown";
	}
}

static const char *print_words(enum tb_print p)
{
	switch (p) {
	case TB_PRINT_HEX: return "raw hex address (%lx)";
	case TB_PRINT_SYM: return "symbol+offset (%pS)";
	case TB_PRINT_PTR: return "real address (%p, not hashed)";
	case TB_PRINT_PTR_HASHED: return "hashed (%p)";
	default: return "unknown";
	}
}

static const char *yesno(int v)
{
	return v ? "yes" : "no";
}

/* Is anybody else using tracing right now? */
static int others_busy(const struct tb_caps *c)
{
	return (c->current_tracer[0] && strcmp(c->current_tracer, "nop")) ||
	       c->events_enabled.n || c->kprobes_defined || c->ftrace_filter_set == 1 ||
	       c->opt_stacktrace_on || c->instances_present.n || c->kmem_triggers.n;
}

/* ---------------------------------------------------------------- JSON ---- */

static json_object *jstrlist(const struct strlist *l)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_object_array_add(a, json_object_new_string(l->v[i]));
	return a;
}

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define JS(s) json_object_new_string(s)
#define JB(b) json_object_new_boolean(!!(b))
#define JI(i) json_object_new_int64((int64_t)(i))

static json_object *caps_json(const struct tb_caps *c);
static void consequences(const struct tb_caps *c, struct strlist *out);

/**
 * probe_write_json - what `probe --json` prints, for caps, to out (also used by
 * `run --save`).  Returns 0, or -1 when out could not be written.
 */
int probe_write_json(const struct tb_caps *caps, FILE *out)
{
	json_object *o = caps_json(caps);
	struct strlist cons = STRLIST_INIT;
	int r;

	consequences(caps, &cons);
	json_object_object_add(o, "consequences", jstrlist(&cons));
	strlist_clear(&cons);
	r = fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return r < 0 ? -1 : 0;
}

static json_object *caps_json(const struct tb_caps *c)
{
	json_object *o = json_object_new_object(), *t, *k, *a;
	unsigned i;
	char ver[32];

	snprintf(ver, sizeof(ver), "%d.%d.%d", c->kver >> 16, (c->kver >> 8) & 255, c->kver & 255);
	ADD(o, "release", JS(c->release));
	ADD(o, "kernel_version", JS(ver));
	ADD(o, "arch", JS(c->machine));
	ADD(o, "cpus", JI(c->ncpus));
	ADD(o, "lockdown", JS(c->lockdown[0] ? c->lockdown : "none"));
	ADD(o, "ftrace_enabled", c->ftrace_enabled < 0 ? NULL : JB(c->ftrace_enabled));

	t = json_object_new_object();
	ADD(t, "path", JS(c->tracefs));
	ADD(t, "type", JS(tb_fstype_name(c->fstype)));
	ADD(t, "mounted_now", JB(c->mounted_now));
	ADD(o, "tracefs", t);

	ADD(o, "tracers", jstrlist(&c->tracers));
	ADD(o, "function", JS(avail_name(c->function)));
	ADD(o, "function_filter", JS(avail_name(c->func_filter)));

	k = json_object_new_object();
	ADD(k, "kprobe_events", JS(avail_name(c->kprobes)));
	ADD(k, "readme_section", JB(c->kprobe_readme_section));
	ADD(k, "argN", JB(c->kprobe_argn));
	ADD(k, "x64", JB(c->kprobe_x64));
	ADD(k, "string", JB(c->kprobe_string));
	ADD(k, "comm", JB(c->kprobe_comm));
	ADD(k, "multiprobe", JB(c->kprobe_multiprobe));
	ADD(k, "maxactive", JB(c->kprobe_maxactive));
	ADD(k, "return_suffix", JB(c->kprobe_return_suffix));
	ADD(k, "blacklist", JB(c->kprobe_blacklist));
	ADD(o, "kprobes", k);
	ADD(o, "dynamic_events", JB(c->dynamic_events));
	ADD(o, "triggers", JB(c->triggers));
	ADD(o, "hist", JB(c->hist));
	ADD(o, "error_log", JB(c->error_log));
	ADD(o, "set_event_pid", JB(c->set_event_pid));

	t = json_object_new_object();
	ADD(t, "stacktrace", c->opt_stacktrace ? JB(c->opt_stacktrace_on) : NULL);
	ADD(t, "func_stack_trace", JB(c->func_stack_trace_file));
	ADD(t, "hash_ptr", c->opt_hash_ptr ? JB(c->opt_hash_ptr_on) : NULL);
	ADD(t, "crng_ready", c->crng_ready < 0 ? NULL : JB(c->crng_ready));
	ADD(t, "record_tgid", JB(c->opt_record_tgid));
	ADD(o, "options", t);

	t = json_object_new_object();
	ADD(t, "present", JB(c->instances));
	ADD(t, "own_options", JB(c->instance_options));
	ADD(t, "own_current_tracer", JB(c->instance_tracer));
	ADD(t, "inferred", JB(c->instances_inferred));
	ADD(o, "instances", t);

	t = json_object_new_object();
	ADD(t, "per_cpu_kb", JI(c->buffer_kb));
	ADD(t, "expanded", JB(c->buffer_expanded));
	ADD(t, "per_cpu_kb_expanded", JI(c->buffer_kb_expanded));
	ADD(o, "buffer", t);

	t = json_object_new_object();
	ADD(t, "sysfs", JB(c->slab_sysfs));
	ADD(t, "dir", c->slab_sysfs ? JS(c->slab_dir) : NULL);
	ADD(t, "caches", JI(c->slab_caches));
	ADD(t, "merged_ids", JI(c->slab_merged));
	ADD(t, "aliases", JI(c->slab_aliases));
	ADD(t, "trace", JS(c->slub_trace == TB_PRESENT ? "writable" : avail_name(c->slub_trace)));
	ADD(t, "trace_cache", c->slub_trace_cache[0] ? JS(c->slub_trace_cache) : NULL);
	if (c->slub_trace_cache[0]) {
		char m[8];

		snprintf(m, sizeof(m), "%04o", c->slub_trace_mode);
		ADD(t, "trace_mode", JS(m));
	}
	ADD(o, "slub", t);

	a = json_object_new_object();
	for (i = 0; i < c->nkmem; i++) {
		const struct tb_kmem_event *e = &c->kmem[i];

		if (!e->present)
			continue;
		t = json_object_new_object();
		ADD(t, "call_site", JS(print_name(e->call_site)));
		ADD(t, "ptr", JS(print_name(e->ptr)));
		ADD(t, "name_field", JB(e->has_name_field));
		ADD(t, "bytes_alloc", JB(e->has_bytes_alloc));
		ADD(t, "pfn_field", JB(e->has_pfn_field));
		ADD(a, e->name, t);
	}
	ADD(o, "kmem_events", a);

	t = json_object_new_object();
	ADD(t, "busy", JB(others_busy(c)));
	ADD(t, "current_tracer", JS(c->current_tracer));
	ADD(t, "events_enabled", jstrlist(&c->events_enabled));
	ADD(t, "kprobes_defined", JI(c->kprobes_defined));
	ADD(t, "ftrace_filter", JS(c->ftrace_filter_set < 0 ? "unknown" :
				   c->ftrace_filter_set ? "set" : "empty"));
	ADD(t, "stacktrace_on", JB(c->opt_stacktrace_on));
	ADD(t, "instances", jstrlist(&c->instances_present));
	ADD(t, "kmem_triggers_filters", jstrlist(&c->kmem_triggers));
	ADD(t, "tracing_on", c->tracing_on < 0 ? NULL : JB(c->tracing_on));
	ADD(o, "others", t);

	ADD(o, "unreadable", jstrlist(&c->unreadable));
	return o;
}

/* ------------------------------------------------------------- consequences -- */

/* One line per missing/refused capability: consequence + workaround. */
static void consequences(const struct tb_caps *c, struct strlist *out)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned nkmem = 0, i;

#define SAY(...) do { strbuf_reset(&sb); strbuf_addf(&sb, __VA_ARGS__); strlist_add(out, sb.buf); } while (0)
	for (i = 0; i < c->nkmem; i++)
		nkmem += c->kmem[i].present;

	if (c->function == TB_REFUSED)
		SAY("function tracer listed but refused (EPERM on available_filter_functions): "
		    "netdev-leak, path-refcount and compaction-stall cannot count calls with it here; "
		    "they use kprobes where present, else only their tracepoint parts run");
	else if (c->function == TB_ABSENT)
		SAY("function tracer absent (CONFIG_FUNCTION_TRACER off): call counting and "
		    "set_ftrace_filter stack triggers unavailable; recipes fall back to kprobes or tracepoints");
	if (c->kprobes == TB_ABSENT)
		SAY("kprobes absent (no kprobe_events: CONFIG_KPROBE_EVENTS off): kprobe recipes "
		    "(kernfs-leak, ip6-dst-leak, netdev-leak by probe) cannot run; the kmem tracepoint "
		    "recipes (slab-leak, page-alloc) still work");
	else if (c->kprobes == TB_REFUSED)
		SAY("kprobes refused (kprobe_events cannot be opened%s%s): kprobe recipes cannot run; "
		    "boot without lockdown=confidentiality or use the tracepoint recipes",
		    c->lockdown[0] ? ", lockdown " : "", c->lockdown);
	else {
		if (!c->kprobe_argn)
			SAY("kprobes have no $arg<N> (kernel < 5.4 or no arch support): tracebook "
			    "fetches arguments from registers (%s)",
			    !strcmp(c->machine, "aarch64") ? "%x0..%x7" :
			    !strncmp(c->machine, "arm", 3) ? "%r0..%r3" : "%di %si %dx %cx %r8 %r9");
		if (!c->kprobe_x64)
			SAY("kprobes have no :x8..:x64 types (3.10): values print in the era default "
			    "(u64 hex, 3.10.105 without 0x); tracebook parses them as base 16");
		if (!c->kprobe_comm)
			SAY("kprobes have no $comm: the task name comes from the event context instead");
		if (!c->kprobe_maxactive)
			SAY("kretprobe maxactive (rN:) not honoured: under heavy concurrency some "
			    "returns may be missed (kretprobe nmissed in kprobe_profile)");
	}
	if (!c->triggers)
		SAY("no event triggers (kernel < 3.14): per-event stack traces come from the global "
		    "options/stacktrace, narrowed by event filters");
	else if (!c->hist)
		SAY("no hist triggers (CONFIG_HIST_TRIGGERS off): no in-kernel aggregation; tracebook "
		    "aggregates in user space (no change in results)");
	if (!c->error_log)
		SAY("no error_log (kernel < 5.4): why a kprobe or filter write failed is only in dmesg");
	if (!c->instances)
		SAY("no instances/: tracebook must use the top-level buffer (restored afterwards)");
	else if (!c->instance_options)
		SAY("instances have no own options/ (3.10): options/stacktrace is global, so it also "
		    "affects anyone else tracing; tracebook restores it afterwards");
	if (!c->opt_stacktrace)
		SAY("no options/stacktrace: events carry no call stacks; reports group by call_site only");
	if (c->slab_sysfs == 0)
		SAY("no /sys/kernel/slab (SLAB allocator or no sysfs): SLUB trace and alias "
		    "information unavailable; kmem tracepoints still work");
	else if (c->slub_trace == TB_READONLY)
		SAY("SLUB trace is read-only (kernel >= 5.9): boot with slub_debug=T,<cache>, or "
		    "tracebook falls back to kmem tracepoints filtered by size");
	else if (c->slub_trace == TB_PRESENT && c->slab_aliases) {
		if (c->kver >= TB_KVER(4, 0, 0))
			SAY("SLUB trace is writable but refused (EINVAL) on merged caches (%u aliases "
			    "here): boot with slab_nomerge, or trace an unmerged cache", c->slab_aliases);
		else
			SAY("SLUB trace is writable, but on a merged cache it traces every alias (%u "
			    "aliases here): boot with slub_nomerge to separate them", c->slab_aliases);
	}
	if (nkmem == 0)
		SAY("no kmem tracepoints (CONFIG_TRACEPOINTS/kmem events missing): slab-leak and "
		    "page-alloc cannot run; only SLUB trace (slub-trace recipe) remains");
	else {
		const struct tb_kmem_event *k = tb_caps_kmem(c, "kmalloc");

		if (k && k->ptr == TB_PRINT_PTR_HASHED && c->crng_ready == 0)
			SAY("pointers print as (____ptrval____) in trace text: the kernel's random pool "
			    "is not initialized yet (no entropy since boot), so %%p has no hash key; trace "
			    "text captured now (trace_pipe, --text, trace-cmd report) cannot be paired "
			    "offline. tracebook run reads binary trace_pipe_raw, where addresses are real");
		else if (k && k->ptr == TB_PRINT_PTR_HASHED)
			SAY("pointers print hashed in trace text (%s): tracebook reads binary "
			    "trace_pipe_raw, where addresses are real%s",
			    c->opt_hash_ptr ? "options/hash-ptr=1" : "kernels 4.15-5.11, no opt-out",
			    c->opt_hash_ptr ? "; text captures still pair by hash" : "");
	}
	if (!c->buffer_expanded && c->buffer_kb_expanded)
		SAY("ring buffer not expanded yet (%lu KB now, %lu KB per CPU once tracing starts)",
		    c->buffer_kb, c->buffer_kb_expanded);
	if (c->ftrace_filter_set < 0 && c->function != TB_REFUSED)
		SAY("set_ftrace_filter cannot be read: whether someone filters functions is unknown");
	if (others_busy(c))
		SAY("someone else is using tracing now (see 'others' above): tracebook run will not "
		    "start over their settings; stop them or wait");
#undef SAY
	strbuf_release(&sb);
}

/* ---------------------------------------------------------------- text ---- */

#define W "  %-16s "

static void caps_text(const struct tb_caps *c, FILE *f)
{
	struct strbuf sb = STRBUF_INIT;
	struct strlist cons = STRLIST_INIT;
	unsigned i;
	size_t j;


	fprintf(f, "tracebook probe: Linux %s on %s, %d CPU%s\n", c->release, c->machine,
		c->ncpus, c->ncpus == 1 ? "" : "s");
	fprintf(f, W "%s (%s)%s\n", "tracing", c->tracefs, tb_fstype_name(c->fstype),
		c->mounted_now ? " - mounted by this probe, unmounted again at exit" : "");
	if (c->lockdown[0])
		fprintf(f, W "%s\n", "lockdown", c->lockdown);

	strbuf_add_strlist(&sb, &c->tracers, " ");
	fprintf(f, W "%s\n", "tracers", sb.len ? sb.buf : "(none)");
	fprintf(f, W "%s\n", "function tracer",
		c->function == TB_PRESENT ? "usable" :
		c->function == TB_REFUSED ? "listed but REFUSED (available_filter_functions: EPERM)" :
		"absent");
	if (c->kprobes == TB_PRESENT)
		fprintf(f, W "present: $arg<N> %s, :x64 %s, :string %s, $comm %s, rN: %s, %%return %s\n",
			"kprobes", yesno(c->kprobe_argn), yesno(c->kprobe_x64), yesno(c->kprobe_string),
			yesno(c->kprobe_comm), yesno(c->kprobe_maxactive), yesno(c->kprobe_return_suffix));
	else
		fprintf(f, W "%s\n", "kprobes", c->kprobes == TB_REFUSED ?
			"REFUSED (kprobe_events cannot be opened)" : "absent (no kprobe_events)");
	fprintf(f, W "dynamic_events %s, triggers %s, hist %s, error_log %s\n", "events",
		yesno(c->dynamic_events), yesno(c->triggers), yesno(c->hist), yesno(c->error_log));
	fprintf(f, W "stacktrace %s, func_stack_trace %s, hash-ptr %s\n", "options",
		c->opt_stacktrace ? (c->opt_stacktrace_on ? "on" : "off") : "absent",
		c->func_stack_trace_file ? "yes" : "absent now",
		c->opt_hash_ptr ? (c->opt_hash_ptr_on ? "on" : "off") : "absent");
	if (c->instances)
		fprintf(f, W "yes; own options/ %s, own current_tracer %s%s\n", "instances",
			yesno(c->instance_options), yesno(c->instance_tracer),
			c->instances_inferred ? " (from the kernel version; none exists to look at)" : "");
	else
		fprintf(f, W "no\n", "instances");
	if (c->buffer_expanded)
		fprintf(f, W "%lu KB per CPU\n", "buffer", c->buffer_kb);
	else
		fprintf(f, W "%lu KB per CPU (%lu KB once expanded)\n", "buffer", c->buffer_kb,
			c->buffer_kb_expanded);
	if (c->slab_sysfs) {
		fprintf(f, W "%u caches (%u merged ids), %u merged aliases; trace %s", "SLUB",
			c->slab_caches, c->slab_merged, c->slab_aliases,
			c->slub_trace == TB_PRESENT ? "writable" : avail_name(c->slub_trace));
		if (c->slub_trace_cache[0])
			fprintf(f, " (%s/trace mode %04o)", c->slub_trace_cache, c->slub_trace_mode);
		fputc('\n', f);
	} else {
		fprintf(f, W "no /sys/kernel/slab\n", "SLUB");
	}
	strbuf_reset(&sb);
	for (i = 0; i < c->nkmem; i++)
		if (c->kmem[i].present)
			strbuf_addf(&sb, "%s%s", sb.len ? " " : "", c->kmem[i].name);
	fprintf(f, W "%s\n", "kmem events", sb.len ? sb.buf : "none");
	for (i = 0; i < c->nkmem; i++) {
		const struct tb_kmem_event *e = &c->kmem[i];

		if (!e->present)
			continue;
		fprintf(f, "    %-20s %s%s%s%s %s%s%s\n", e->name,
			e->call_site ? "call_site " : "", e->call_site ? print_words(e->call_site) : "",
			e->call_site ? ", " : "",
			e->has_pfn_field || !strncmp(e->name, "mm_page", 7) ? "page" : "ptr",
			print_words(e->ptr), e->has_name_field ? ", has name field" : "",
			e->has_pfn_field ? ", pfn field" : "");
	}
	if (others_busy(c)) {
		fprintf(f, W "BUSY:", "others");
		if (c->current_tracer[0] && strcmp(c->current_tracer, "nop"))
			fprintf(f, " current_tracer=%s;", c->current_tracer);
		if (c->events_enabled.n) {
			strbuf_reset(&sb);
			strbuf_add_strlist(&sb, &c->events_enabled, ",");
			fprintf(f, " events enabled: %s;", sb.buf);
		}
		if (c->kprobes_defined)
			fprintf(f, " %u kprobe(s) defined;", c->kprobes_defined);
		if (c->ftrace_filter_set == 1)
			fprintf(f, " set_ftrace_filter set;");
		if (c->opt_stacktrace_on)
			fprintf(f, " options/stacktrace on;");
		if (c->instances_present.n) {
			strbuf_reset(&sb);
			strbuf_add_strlist(&sb, &c->instances_present, ",");
			fprintf(f, " instances: %s;", sb.buf);
		}
		for (j = 0; j < c->kmem_triggers.n; j++)
			fprintf(f, " %s;", c->kmem_triggers.v[j]);
		fputc('\n', f);
	} else {
		fprintf(f, W "nobody else is tracing (current_tracer nop, no events, no kprobes%s)\n",
			"others", c->ftrace_filter_set < 0 ? "; set_ftrace_filter unreadable" : "");
	}

	consequences(c, &cons);
	if (cons.n) {
		fprintf(f, "\nwhat this means here:\n");
		for (j = 0; j < cons.n; j++)
			fprintf(f, "  - %s\n", cons.v[j]);
	}
	strlist_clear(&cons);
	strbuf_release(&sb);
}

/* footer: the exit codes probe returns, worded by util/err.c (set in cmd_probe) */
static struct tb_usage probe_usage = {
	"probe",
	"usage: tracebook probe [--json] [--no-mount] [--root DIR] [--tracefs DIR]",
	NULL,
	NULL,
};
static const int probe_exits[] = { 0, 1, 2, 4, 5, 9, -1 };

int cmd_probe(int argc, char **argv)
{
	static char exits[512];
	struct tb_caps caps;
	struct strlist args = STRLIST_INIT;
	const char *root = NULL, *tracefs = NULL;
	int json = 0, no_mount = 0, i, r;
	struct tb_option opts[] = {
		TB_OPT_FLAG(0, "json", &json, "one JSON object on stdout"),
		TB_OPT_FLAG(0, "no-mount", &no_mount,
			    "never mount tracefs/debugfs (exit 4 if not mounted)"),
		TB_OPT_STRING(0, "root", &root, "DIR",
			      "read a fake kernel root (same as TRACEBOOK_ROOT=DIR)"),
		TB_OPT_STRING(0, "tracefs", &tracefs, "DIR",
			      "use DIR as the tracing directory (same as TRACEBOOK_TRACEFS=DIR)"),
		TB_OPT_END(),
	};

	probe_usage.footer = tb_exit_list(exits, sizeof(exits), probe_exits);
	r = tb_parse_options(argc, argv, &probe_usage, opts, &args, NULL);
	if (!r && args.n)
		r = tb_usage_error(&probe_usage, "unknown argument '%s'", args.v[0]);
	strlist_clear(&args);
	if (r)
		return r > 0 ? 0 : r;
	if (root)
		setenv("TRACEBOOK_ROOT", root, 1);
	if (tracefs)
		setenv("TRACEBOOK_TRACEFS", tracefs, 1);
	r = tb_caps_probe(&caps, !no_mount);
	if (r) {
		tb_caps_free(&caps);
		return r;
	}
	if (json) {
		probe_write_json(&caps, stdout);
	} else {
		caps_text(&caps, stdout);
	}
	/* one line per file that exists but cannot be read; the report above is partial */
	for (i = 0; i < (int)caps.unreadable.n; i++)
		tb_error("cannot read %s (reported as absent/unknown above)", caps.unreadable.v[i]);
	r = caps.unreadable.n ? -TB_EXIT_UNREADABLE : 0;
	tb_caps_free(&caps);
	return r;
}
