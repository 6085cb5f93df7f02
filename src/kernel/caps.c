/*
 * caps.c - probes what this kernel offers for tracing (see caps.h), by reading files
 * only: nothing is written, no instance is created, no tracer is switched.  The one
 * change it may make is mounting tracefs where it is unmounted (tracefs.c says so).
 *
 * Rules that come from docs/kernel-compat.md and from real boxes:
 *  - "function" listed in available_tracers is not enough: the tracer is REFUSED when
 *    available_filter_functions cannot be opened (EPERM), as on locked-down kernels.
 *  - kprobe features are read from the README like perf does, but only from the
 *    kprobe_events section and only when kprobe_events exists: a kernel without
 *    kprobes still documents $arg<N> for uprobes.
 *  - pointers: %p is raw before 4.15, hashed from 4.15 (no opt-out until
 *    options/hash-ptr appears in 5.12+/6.x), %px is raw.
 *
 * Per-event files (trigger, filter, hist) and the list of instances are read through
 * libtracefs (tracefs_event_file_read/_exists, tracefs_instances), on the directory
 * tb_tracefs_find() gave it.  Control files whose failure must be told apart (EPERM
 * means "refused", another errno is noted as unreadable) stay on read_ctl(): libtracefs
 * answers NULL without the reason, and an empty file as NULL too.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <tracefs.h>
#include "kernel/caps.h"
#include "kernel/format.h"
#include "kernel/tracefs.h"
#include "util/err.h"
#include "util/fileio.h"

static const char *const kmem_names[TB_KMEM_MAX] = {
	"kmalloc", "kmem_cache_alloc", "kfree", "kmem_cache_free",
	"mm_page_alloc", "mm_page_free", "kmalloc_node", "kmem_cache_alloc_node",
};

/* Copy src into dst[size], truncating; always NUL-terminated. */
static void scopy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Note a file that exists but cannot be read. */
static void note_unreadable(struct tb_caps *c, const char *path, int err)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s: %s", path, strerror(err));
	if (!strlist_has(&c->unreadable, strbuf_str(&sb)))
		strlist_add(&c->unreadable, strbuf_str(&sb));
	strbuf_release(&sb);
}

/*
 * Read a tracing control file; on a failure other than ENOENT (and other than EPERM,
 * which callers interpret as "refused") note it as unreadable.  Returns 0 or -errno.
 */
static int read_ctl(struct tb_caps *c, const char *rel, struct strbuf *sb)
{
	int r = tb_tracefs_read(rel, sb);

	if (r && r != -ENOENT && r != -EPERM) {
		char p[4096];

		tb_tracefs_path(p, sizeof(p), rel);
		note_unreadable(c, p, -r);
	}
	return r;
}

static int read_ctl_line(struct tb_caps *c, const char *rel, char *buf, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	int r = read_ctl(c, rel, &sb);
	char *nl;

	buf[0] = '\0';
	if (!r) {
		nl = strchr(strbuf_str(&sb), '\n');
		if (nl)
			*nl = '\0';
		snprintf(buf, size, "%s", strbuf_str(&sb));
	}
	strbuf_release(&sb);
	return r;
}

/* 0/1 from an options/<name> file; -1 when absent or unreadable. */
static int read_opt(struct tb_caps *c, const char *name)
{
	char rel[256], v[16];

	snprintf(rel, sizeof(rel), "options/%s", name);
	if (read_ctl_line(c, rel, v, sizeof(v)))
		return -1;
	return atoi(v) != 0;
}

/* Parse "a.b.c..." into TB_KVER (parts capped at 255). */
static int parse_kver(const char *rel)
{
	unsigned a = 0, b = 0, cc = 0;

	if (sscanf(rel, "%u.%u.%u", &a, &b, &cc) < 2)
		return 0;
	return TB_KVER(a > 255 ? 255 : (int)a, b > 255 ? 255 : (int)b, cc > 255 ? 255 : (int)cc);
}

static void probe_kernel(struct tb_caps *c)
{
	char p[4096];

	snprintf(c->proc_dir, sizeof(c->proc_dir), "%s/proc", tb_root());
	if (*tb_root()) {
		tb_root_path(p, sizeof(p), "/proc/sys/kernel/osrelease");
		if (tb_read_line(p, c->release, sizeof(c->release)))
			snprintf(c->release, sizeof(c->release), "unknown");
		tb_root_path(p, sizeof(p), "/proc/sys/kernel/arch");
		if (tb_read_line(p, c->machine, sizeof(c->machine)))
			snprintf(c->machine, sizeof(c->machine), "unknown");
	} else {
		struct utsname u;

		if (uname(&u) == 0) {
			scopy(c->release, sizeof(c->release), u.release);
			scopy(c->machine, sizeof(c->machine), u.machine);
		}
	}
	c->kver = parse_kver(c->release);

	c->ftrace_enabled = -1;
	tb_root_path(p, sizeof(p), "/proc/sys/kernel/ftrace_enabled");
	{
		char v[16];

		if (tb_read_line(p, v, sizeof(v)) == 0)
			c->ftrace_enabled = atoi(v) != 0;
	}
	tb_root_path(p, sizeof(p), "/sys/kernel/security/lockdown");
	{
		char v[128], *b, *e;

		if (tb_read_line(p, v, sizeof(v)) == 0 && (b = strchr(v, '[')) &&
		    (e = strchr(b, ']'))) {
			*e = '\0';
			if (strcmp(b + 1, "none"))
				scopy(c->lockdown, sizeof(c->lockdown), b + 1);
		}
	}
}

/* Count per_cpu/cpuN directories. */
static void probe_cpus(struct tb_caps *c)
{
	char p[4096];
	DIR *d;
	struct dirent *de;

	c->ncpus = 0;
	if (tb_tracefs_path(p, sizeof(p), "per_cpu") == 0 && (d = opendir(p))) {
		while ((de = readdir(d)))
			if (!strncmp(de->d_name, "cpu", 3) && isdigit((unsigned char)de->d_name[3]))
				c->ncpus++;
		closedir(d);
	}
	if (c->ncpus == 0 && !*tb_root()) {
		long n = sysconf(_SC_NPROCESSORS_CONF);

		c->ncpus = n > 0 ? (int)n : 1;
	}
}

static void probe_tracers(struct tb_caps *c)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	if (read_ctl(c, "available_tracers", &sb) == 0)
		strlist_split_ws(&c->tracers, strbuf_str(&sb));
	strbuf_release(&sb);

	/* never written: only whether the filter list can be opened */
	r = tb_tracefs_can_open("available_filter_functions");
	if (r == 0)
		c->func_filter = TB_PRESENT;
	else if (r == -EPERM || r == -EACCES)
		c->func_filter = TB_REFUSED;
	else
		c->func_filter = TB_ABSENT;

	if (!strlist_has(&c->tracers, "function"))
		c->function = TB_ABSENT;
	else if (c->func_filter == TB_REFUSED)
		c->function = TB_REFUSED;
	else
		c->function = TB_PRESENT;
	c->func_stack_trace_file = tb_tracefs_exists("options/func_stack_trace");
}

/* Does line start an entry of the README's "Important files" list ("  name\t- ...")? */
static int entry_name(const char *line, char *name, size_t size)
{
	size_t n = 0;

	if (line[0] != ' ' || line[1] != ' ' || line[2] == ' ' || line[2] == '\t' || !line[2])
		return 0;
	line += 2;
	while (line[n] && !isspace((unsigned char)line[n]))
		n++;
	if (n == 0 || n >= size)
		return 0;
	memcpy(name, line, n);
	name[n] = '\0';
	return 1;
}

/*
 * tb_caps_parse_readme - kprobe features from the tracing README, the way perf does
 * (tools/perf/util/probe-file.c), restricted to the kprobe_events section: from the
 * "  kprobe_events" entry through the following probe entries (uprobe_events,
 * dynamic_events) and their shared syntax block, up to the next other entry.
 */
void tb_caps_parse_readme(struct tb_caps *c, const char *readme)
{
	const char *line = readme;
	int in = 0;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[1024], name[128];

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (entry_name(buf, name, sizeof(name))) {
			if (!strcmp(name, "kprobe_events"))
				in = 1;
			else if (in && !strstr(name, "probe") && strcmp(name, "dynamic_events"))
				in = 0;
		} else if (in && len == 0) {
			in = 0;
		}
		if (in) {
			c->kprobe_readme_section = 1;
			if (strstr(buf, "$arg<N>"))
				c->kprobe_argn = 1;
			if (strstr(buf, "x8/16/32/64"))
				c->kprobe_x64 = 1;
			if (strstr(buf, "string"))
				c->kprobe_string = 1;
			if (strstr(buf, "$comm"))
				c->kprobe_comm = 1;
			if (strstr(buf, "kprobe_events") && strstr(buf, "Create/append/"))
				c->kprobe_multiprobe = 1;
			if (strstr(buf, "r[maxactive]"))
				c->kprobe_maxactive = 1;
			if (strstr(buf, "kretprobe") && strstr(buf, "%return"))
				c->kprobe_return_suffix = 1;
		}
		line = end ? end + 1 : NULL;
	}
}

static void probe_dynamic(struct tb_caps *c)
{
	struct strbuf sb = STRBUF_INIT;
	char p[4096];
	int r;

	r = tb_tracefs_can_open("kprobe_events");
	if (r == -ENOENT)
		c->kprobes = TB_ABSENT;
	else if (r == -EPERM || r == -EACCES)
		c->kprobes = TB_REFUSED;
	else
		c->kprobes = TB_PRESENT;

	if (c->kprobes != TB_ABSENT && read_ctl(c, "README", &sb) == 0) {
		tb_caps_parse_readme(c, strbuf_str(&sb));
		if (!c->kprobe_readme_section)
			c->kprobe_string = 1;	/* every era has :string (3.10: no section) */
	}
	if (c->kprobes == TB_ABSENT) {
		/* the README may still talk about $arg<N> (uprobes): it does not count */
		c->kprobe_argn = c->kprobe_x64 = c->kprobe_string = c->kprobe_comm = 0;
		c->kprobe_multiprobe = c->kprobe_maxactive = c->kprobe_return_suffix = 0;
	}
	strbuf_release(&sb);

	tb_root_path(p, sizeof(p), "/sys/kernel/debug/kprobes/blacklist");
	c->kprobe_blacklist = access(p, R_OK) == 0;
	c->dynamic_events = tb_tracefs_exists("dynamic_events");
	c->error_log = tb_tracefs_exists("error_log");
	c->set_event_pid = tb_tracefs_exists("set_event_pid");
}

/* The conversion after "<key>=%" in a print fmt: "lx", "pS", "p", "px"; "" if none. */
static void conversion(const char *fmt, const char *key, char *out, size_t size)
{
	char pat[64];
	const char *s;
	size_t n = 0;

	out[0] = '\0';
	snprintf(pat, sizeof(pat), "%s=%%", key);
	s = strstr(fmt, pat);
	if (!s)
		return;
	s += strlen(pat);
	while (s[n] && isalnum((unsigned char)s[n]) && n + 1 < size)
		n++;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* How %p-style conversion cv prints on this kernel. */
static enum tb_print ptr_print(const struct tb_caps *c, const char *cv)
{
	if (!strcmp(cv, "px"))
		return TB_PRINT_PTR;
	if (!strcmp(cv, "pS") || !strcmp(cv, "ps"))
		return TB_PRINT_SYM;
	if (!strncmp(cv, "l", 1))
		return TB_PRINT_HEX;
	if (strcmp(cv, "p"))
		return TB_PRINT_UNKNOWN;
	if (c->opt_hash_ptr)
		return c->opt_hash_ptr_on ? TB_PRINT_PTR_HASHED : TB_PRINT_PTR;
	if (c->kver && c->kver < TB_KVER(4, 15, 0))
		return TB_PRINT_PTR;
	return TB_PRINT_PTR_HASHED;
}

/*
 * tb_caps_parse_format - fill one kmem event from its format file text (the "field:"
 * lines and the "print fmt:" string).  Needs c->kver and c->opt_hash_ptr* set.
 */
void tb_caps_parse_format(const struct tb_caps *c, struct tb_kmem_event *ev, const char *text)
{
	struct tb_format f;
	char cv[16];

	tb_format_parse(text, &f);	/* ENOMEM: the fields parsed so far */
	ev->present = 1;
	ev->has_name_field = tb_format_field(&f, "name") != NULL;
	ev->has_bytes_alloc = tb_format_field(&f, "bytes_alloc") != NULL;
	ev->has_pfn_field = tb_format_field(&f, "pfn") != NULL;
	conversion(f.print_fmt, "call_site", cv, sizeof(cv));
	ev->call_site = cv[0] ? ptr_print(c, cv) : TB_PRINT_UNKNOWN;
	conversion(f.print_fmt, "ptr", cv, sizeof(cv));
	if (!cv[0])
		conversion(f.print_fmt, "page", cv, sizeof(cv));
	ev->ptr = cv[0] ? ptr_print(c, cv) : TB_PRINT_UNKNOWN;
	tb_format_release(&f);
}

static void probe_events(struct tb_caps *c)
{
	unsigned i;
	const char *any = NULL;

	for (i = 0; i < TB_KMEM_MAX; i++) {
		struct tb_kmem_event *ev = &c->kmem[i];
		struct strbuf sb = STRBUF_INIT;
		char rel[256];
		int r;

		memset(ev, 0, sizeof(*ev));
		ev->name = kmem_names[i];
		snprintf(rel, sizeof(rel), "events/kmem/%s/format", ev->name);
		r = read_ctl(c, rel, &sb);
		if (r == 0) {
			tb_caps_parse_format(c, ev, strbuf_str(&sb));
			if (!any)
				any = ev->name;
		} else if (r != -ENOENT) {
			ev->present = 1;	/* there, but unreadable: noted */
		}
		strbuf_release(&sb);

		if (ev->present) {
			/* someone else's trigger or filter on this event? */
			char *text = tracefs_event_file_read(tb_tracefs_top(), "kmem", ev->name,
							     "trigger", NULL);

			if (text) {
				char *line, *save = NULL;

				for (line = strtok_r(text, "\n", &save); line;
				     line = strtok_r(NULL, "\n", &save)) {
					char msg[512];

					if (line[0] == '#' || !line[0])
						continue;
					snprintf(msg, sizeof(msg), "kmem/%s trigger: %s", ev->name, line);
					strlist_add(&c->kmem_triggers, msg);
				}
			}
			free(text);
			text = tracefs_event_file_read(tb_tracefs_top(), "kmem", ev->name, "filter", NULL);
			if (text) {
				char msg[512];

				strbuf_addstr(&sb, text);
				strbuf_rtrim(&sb);
				if (sb.len && strcmp(sb.buf, "none")) {
					snprintf(msg, sizeof(msg), "kmem/%s filter: %s", ev->name, sb.buf);
					strlist_add(&c->kmem_triggers, msg);
				}
			}
			free(text);
			strbuf_release(&sb);
		}
	}
	c->nkmem = TB_KMEM_MAX;

	/* triggers and hist: per-event files; look at a kmem event, else sched_switch */
	{
		const char *sys = any ? "kmem" : "sched", *ev = any ? any : "sched_switch";

		c->triggers = tracefs_event_file_exists(tb_tracefs_top(), sys, ev, "trigger");
		c->hist = tracefs_event_file_exists(tb_tracefs_top(), sys, ev, "hist");
	}
}

static void probe_options(struct tb_caps *c)
{
	int v;

	v = read_opt(c, "stacktrace");
	c->opt_stacktrace = v >= 0;
	c->opt_stacktrace_on = v > 0;
	v = read_opt(c, "hash-ptr");
	c->opt_hash_ptr = v >= 0;
	c->opt_hash_ptr_on = v > 0;
	c->opt_record_tgid = tb_tracefs_exists("options/record-tgid");
}

static void probe_instances(struct tb_caps *c)
{
	char **names;
	int i;

	c->instances = tb_tracefs_exists("instances");
	if (!c->instances)
		return;
	names = tracefs_instances(NULL);
	for (i = 0; names && names[i]; i++)
		strlist_add(&c->instances_present, names[i]);
	tracefs_list_free(names);
	if (c->instances_present.n) {
		/* look at one that exists (never create one to find out) */
		char rel[512];

		snprintf(rel, sizeof(rel), "instances/%s/options", c->instances_present.v[0]);
		c->instance_options = tb_tracefs_exists(rel);
		snprintf(rel, sizeof(rel), "instances/%s/current_tracer", c->instances_present.v[0]);
		c->instance_tracer = tb_tracefs_exists(rel);
		c->instances_inferred = 0;
	} else {
		/* per-instance trace_flags and options/: upstream 4.4 (3.10/C7: global);
		 * current_tracer in instances: 4.x, and the C7 backport */
		c->instance_options = c->kver >= TB_KVER(4, 4, 0);
		c->instance_tracer = c->kver >= TB_KVER(4, 0, 0) || strstr(c->release, ".el7");
		c->instances_inferred = 1;
	}
}

/*
 * Is the kernel's random pool initialized?  Until then (early boot, no entropy source:
 * 4.19 on a box without RDRAND or virtio-rng), %p hashing has no key and trace text
 * prints "(____ptrval____)" for every pointer.  Read-only test: getrandom(GRND_NONBLOCK)
 * fails with EAGAIN exactly while the pool is not ready (crng_ready(), 3.17+).  A fake
 * root (tests) states it in DIR/proc/sys/kernel/random/.fake_crng_ready (0/1).
 */
static void probe_crng(struct tb_caps *c)
{
	char p[4096], v[16];
	unsigned char byte;
	long r;

	c->crng_ready = -1;
	if (*tb_root()) {
		tb_root_path(p, sizeof(p), "/proc/sys/kernel/random/.fake_crng_ready");
		if (tb_read_line(p, v, sizeof(v)) == 0)
			c->crng_ready = atoi(v) != 0;
		return;
	}
#ifdef SYS_getrandom
	r = syscall(SYS_getrandom, &byte, 1, 1 /* GRND_NONBLOCK */);
	if (r == 1)
		c->crng_ready = 1;
	else if (r < 0 && errno == EAGAIN)
		c->crng_ready = 0;
#else
	(void)r;
	(void)byte;
#endif
}

static void probe_buffers(struct tb_caps *c)
{
	char v[128], *ex;

	if (read_ctl_line(c, "buffer_size_kb", v, sizeof(v)) == 0) {
		c->buffer_kb = strtoul(v, NULL, 10);
		ex = strstr(v, "expanded:");
		c->buffer_expanded = ex == NULL;
		c->buffer_kb_expanded = ex ? strtoul(ex + 9, NULL, 10) : c->buffer_kb;
	}
	if (read_ctl_line(c, "buffer_subbuf_size_kb", v, sizeof(v)) == 0)
		c->subbuf_kb = strtoul(v, NULL, 10);
	c->trace_clock_ok = read_ctl_line(c, "trace_clock", v, sizeof(v)) == 0;
}

static void probe_slub(struct tb_caps *c)
{
	char dir[4096], p[4096 + 300];
	const char *pick = NULL;
	DIR *d;
	struct dirent *de;
	struct stat st;
	char first[256] = "";

	tb_root_path(dir, sizeof(dir), "/sys/kernel/slab");
	d = opendir(dir);
	if (!d) {
		c->slab_sysfs = 0;
		c->slub_trace = TB_ABSENT;
		c->slab_dir[0] = '\0';
		if (errno != ENOENT)
			note_unreadable(c, dir, errno);
		return;
	}
	c->slab_sysfs = 1;
	scopy(c->slab_dir, sizeof(c->slab_dir), dir);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (lstat(p, &st))
			continue;
		if (S_ISLNK(st.st_mode)) {
			c->slab_aliases++;
		} else if (S_ISDIR(st.st_mode)) {
			c->slab_caches++;
			if (de->d_name[0] == ':')
				c->slab_merged++;
			else if (!first[0] || strcmp(de->d_name, first) < 0)
				scopy(first, sizeof(first), de->d_name);
			if (!strcmp(de->d_name, "kmalloc-64"))
				pick = "kmalloc-64";
		}
	}
	closedir(d);
	if (!pick)
		pick = first[0] ? first : NULL;
	c->slub_trace = TB_ABSENT;
	if (!pick)
		return;
	scopy(c->slub_trace_cache, sizeof(c->slub_trace_cache), pick);
	snprintf(p, sizeof(p), "%s/%s/trace", dir, pick);
	if (stat(p, &st))
		return;
	c->slub_trace_mode = st.st_mode & 07777;
	{
		char v[16];
		int r = tb_read_line(p, v, sizeof(v));

		if (r)
			note_unreadable(c, p, -r);
	}
	/* 5.9+ made the attribute read-only (0400); earlier kernels have 0600 */
	if (st.st_mode & S_IWUSR)
		c->slub_trace = TB_PRESENT;
	else
		c->slub_trace = TB_READONLY;
}

static void probe_others(struct tb_caps *c)
{
	struct strbuf sb = STRBUF_INIT;
	char v[64];
	char *line, *save = NULL;
	int r;

	read_ctl_line(c, "current_tracer", c->current_tracer, sizeof(c->current_tracer));
	if (read_ctl(c, "set_event", &sb) == 0)
		for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (line[0] && line[0] != '#')
				strlist_add(&c->events_enabled, line);
	strbuf_release(&sb);

	save = NULL;
	if (c->kprobes == TB_PRESENT && read_ctl(c, "kprobe_events", &sb) == 0)
		for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (line[0] && line[0] != '#')
				c->kprobes_defined++;
	strbuf_release(&sb);

	r = tb_tracefs_read("set_ftrace_filter", &sb);
	if (r == -ENOENT) {
		c->ftrace_filter_set = 0;
	} else if (r) {
		c->ftrace_filter_set = -1;	/* EPERM: cannot know */
	} else {
		c->ftrace_filter_set = 0;
		save = NULL;
		for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (line[0] && line[0] != '#')
				c->ftrace_filter_set = 1;
	}
	strbuf_release(&sb);

	c->tracing_on = read_ctl_line(c, "tracing_on", v, sizeof(v)) == 0 ? atoi(v) != 0 : -1;
}

int tb_caps_probe(struct tb_caps *caps, int mount_ok)
{
	struct tb_tracefs_loc loc;
	int r;

	memset(caps, 0, sizeof(*caps));
	if (!tb_root_is_fake() && geteuid() != 0)
		return tb_error_code(TB_EXIT_NOTROOT,
				     "tracing is root-only: run 'tracebook probe' as root (or with sudo)");
	probe_kernel(caps);
	r = tb_tracefs_find(&loc, mount_ok);
	if (r)
		return r;
	scopy(caps->tracefs, sizeof(caps->tracefs), loc.dir);
	caps->fstype = loc.type;
	caps->mounted_now = loc.mounted_now;
	scopy(caps->mounted_what, sizeof(caps->mounted_what), loc.mounted_what);

	/* lockdown (5.4+ confidentiality) refuses every tracefs open */
	r = tb_tracefs_can_open("tracing_on");
	if (r == -EPERM && !*tb_root())
		return tb_error_code(TB_EXIT_NOTRACING,
				     "the kernel refuses tracefs (%s/tracing_on: %s)%s%s", loc.dir,
				     strerror(-r), caps->lockdown[0] ? "; lockdown is " : "",
				     caps->lockdown);

	probe_cpus(caps);
	probe_tracers(caps);
	probe_dynamic(caps);
	probe_options(caps);	/* before events: %p printing depends on hash-ptr */
	probe_events(caps);
	probe_instances(caps);
	probe_buffers(caps);
	probe_crng(caps);
	probe_slub(caps);
	probe_others(caps);
	return 0;
}

void tb_caps_free(struct tb_caps *caps)
{
	strlist_clear(&caps->tracers);
	strlist_clear(&caps->events_enabled);
	strlist_clear(&caps->instances_present);
	strlist_clear(&caps->kmem_triggers);
	strlist_clear(&caps->unreadable);
}

const struct tb_kmem_event *tb_caps_kmem(const struct tb_caps *caps, const char *name)
{
	unsigned i;

	for (i = 0; i < caps->nkmem && i < TB_KMEM_MAX; i++)
		if (caps->kmem[i].name && !strcmp(caps->kmem[i].name, name))
			return caps->kmem[i].present ? &caps->kmem[i] : NULL;
	return NULL;
}
