/*
 * caps.h - what this kernel offers for tracing, probed once (kernel/caps.c) and used by
 * the planner, `tracebook probe`, and the live tests.  Facts come from the files the
 * kernel really has and from harmless reads (never from writes): e.g. the function
 * tracer is "refused" when available_filter_functions cannot be read (EPERM) although
 * "function" is listed in available_tracers.
 *
 * Roots are overridable so every era can be tested on fake trees without root:
 *   TRACEBOOK_ROOT=DIR  read DIR/proc/..., DIR/sys/kernel/{tracing,debug/tracing,slab};
 *                       nothing is mounted; the release is DIR/proc/sys/kernel/osrelease
 *                       and the machine (uname -m) is DIR/proc/sys/kernel/arch.
 *   TRACEBOOK_TRACEFS=DIR  use DIR as the tracing directory (no discovery, no mount).
 * See kernel/tracefs.h for path helpers that honour these.
 */
#ifndef TB_KERNEL_CAPS_H
#define TB_KERNEL_CAPS_H

#include <limits.h>
#include <stdint.h>
#include "util/strlist.h"
#include "kernel/tracefs.h"

/* Availability of a feature. */
enum tb_avail {
	TB_ABSENT = 0,		/* the kernel has no such thing */
	TB_PRESENT = 1,		/* there and usable */
	TB_REFUSED = 2,		/* there, but this system refuses it (EPERM, lockdown) */
	TB_READONLY = 3,	/* there, readable, not writable */
};

/* enum tb_fstype (TB_FS_NONE/TRACEFS/DEBUGFS/OTHER) is in kernel/tracefs.h. */

/* How a kmem tracepoint prints a field in trace text. */
enum tb_print { TB_PRINT_UNKNOWN = 0, TB_PRINT_HEX,	/* %lx: raw hex */
	TB_PRINT_SYM,		/* %pS: symbol+off/len */
	TB_PRINT_PTR,		/* %p: real address (3.10-4.14, or hash-ptr=0) */
	TB_PRINT_PTR_HASHED,	/* %p hashed (4.15+, hash-ptr=1) */
};

struct tb_kmem_event {
	const char *name;	/* "kmalloc", ... (static string) */
	int present;
	int has_name_field;	/* kmem_cache_alloc/free: "name" (6.x) */
	int has_bytes_alloc;
	int has_pfn_field;	/* mm_page_*: pfn (4.19+) rather than page (3.10) */
	enum tb_print call_site, ptr;
};

#define TB_KMEM_MAX 8

struct tb_caps {
	/* kernel */
	char release[128];	/* uname -r */
	char machine[32];	/* uname -m: x86_64, aarch64, armv7l, ... */
	int kver;		/* KERNEL_VERSION(a,b,c) = a<<16 | b<<8 | c */
	int ncpus;		/* CPUs with a per_cpu/cpuN directory */

	/* where */
	char tracefs[PATH_MAX];	/* tracing directory */
	enum tb_fstype fstype;
	int mounted_now;	/* probe mounted it (and says so) */
	char slab_dir[PATH_MAX];	/* /sys/kernel/slab, "" if absent */
	char proc_dir[PATH_MAX];	/* /proc (or fake root's) */
	char mounted_what[128];		/* "tracefs at /sys/kernel/tracing" if mounted_now */
	char lockdown[32];		/* /sys/kernel/security/lockdown mode, "" if none */
	int ftrace_enabled;		/* /proc/sys/kernel/ftrace_enabled: 0/1, -1 absent */

	/* tracers */
	struct strlist tracers;		/* available_tracers */
	enum tb_avail function;		/* function tracer */
	enum tb_avail func_filter;	/* set_ftrace_filter/available_filter_functions */
	int func_stack_trace_file;	/* options/func_stack_trace exists right now */

	/* dynamic probes */
	enum tb_avail kprobes;		/* kprobe_events */
	int kprobe_argn;		/* $argN */
	int kprobe_x64;			/* x8..x64 types */
	int kprobe_string;		/* :string */
	int kprobe_comm;		/* $comm */
	int kprobe_multiprobe;		/* same name appends (5.4+) */
	int kprobe_maxactive;		/* rN: honoured */
	int kprobe_return_suffix;	/* SYM%return */
	int kprobe_blacklist;		/* debugfs kprobes/blacklist readable */
	int dynamic_events;
	int kprobe_readme_section;	/* README has a kprobe_events section (4.x+) */

	/* events */
	int triggers;			/* events/x/y/trigger */
	int hist;			/* events/x/y/hist */
	int set_event_pid;
	int error_log;
	struct tb_kmem_event kmem[TB_KMEM_MAX];
	unsigned nkmem;

	/* options */
	int opt_stacktrace;		/* options/stacktrace exists */
	int opt_stacktrace_on;
	int opt_hash_ptr;		/* options/hash-ptr exists */
	int opt_hash_ptr_on;
	int crng_ready;			/* 1 the kernel's random pool is initialized, 0 not
					 * yet (hashed %p prints "(____ptrval____)"), -1 unknown */
	int opt_record_tgid;

	/* instances */
	int instances;			/* instances/ exists */
	int instance_options;		/* instances have their own options/ (4.19+) */
	int instance_tracer;		/* instances have current_tracer */
	int instances_inferred;		/* 1: the two above come from the version (no
					   instance existed to look at; none is created) */

	/* buffers */
	unsigned long buffer_kb;	/* per CPU, leading integer of buffer_size_kb */
	int buffer_expanded;		/* 0 when "7 (expanded: 1408)" */
	unsigned long buffer_kb_expanded;	/* 1408 there; = buffer_kb once expanded */
	unsigned long subbuf_kb;	/* buffer_subbuf_size_kb (6.8+), 0 where absent */
	int trace_clock_ok;

	/* SLUB */
	int slab_sysfs;			/* /sys/kernel/slab exists */
	enum tb_avail slub_trace;	/* writable / read-only / absent */
	unsigned slab_caches;		/* directories */
	unsigned slab_aliases;		/* symlinks (merged names) */
	unsigned slab_merged;		/* merged-cache directories (":..." unique ids) */
	char slub_trace_cache[64];	/* the cache whose trace file was looked at */
	unsigned slub_trace_mode;	/* its permission bits (0600 / 0400) */

	/* others using tracing right now */
	char current_tracer[64];
	struct strlist events_enabled;	/* lines of set_event */
	unsigned kprobes_defined;
	int ftrace_filter_set;		/* 1 set, 0 empty, -1 unknown (EPERM) */
	struct strlist kmem_triggers;	/* "kmem/kmalloc trigger: ..." / "... filter: ..." */
	struct strlist instances_present;
	int tracing_on;

	/* files that exist but could not be read: "path: reason" (one line each) */
	struct strlist unreadable;
};

#define TB_KVER(a, b, c) (((a) << 16) | ((b) << 8) | (c))

/*
 * tb_caps_probe - find tracing (mounting tracefs where it is unmounted, as
 * docs/kernel-compat.md §1 says) and fill caps.
 * @mount_ok: 0 to never mount (dry runs that must change nothing)
 *
 * Returns 0; -TB_EXIT_NOTRACING with a message when no tracing directory can be found
 * or mounted (or lockdown refuses it); -TB_EXIT_NOTROOT when not root on a real root.
 */
int tb_caps_probe(struct tb_caps *caps, int mount_ok);
void tb_caps_free(struct tb_caps *caps);

/* The kmem event entry called name, or NULL. */
const struct tb_kmem_event *tb_caps_kmem(const struct tb_caps *caps, const char *name);

/*
 * tb_caps_parse_readme - set the kprobe_* feature bits from a tracing README text, from
 * its kprobe_events section only (perf's globs, section-restricted).  Exposed for tests.
 */
void tb_caps_parse_readme(struct tb_caps *caps, const char *readme);

/*
 * tb_caps_parse_format - fill ev (present, fields, how call_site/ptr print) from an
 * events/kmem/<ev>/format text.  Uses caps->kver and caps->opt_hash_ptr{,_on}.
 */
void tb_caps_parse_format(const struct tb_caps *caps, struct tb_kmem_event *ev,
			  const char *format_text);

#endif
