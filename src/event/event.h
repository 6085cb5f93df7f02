/*
 * event.h - the one normalized event every source produces and every analyzer reads.
 *
 * Sources (live raw per-CPU buffers, live trace_pipe text, /dev/kmsg, offline files
 * of every kernel era, trace-cmd data) decode into struct tb_event and hand it to a
 * struct tb_sink.  Analyzers never learn where an event came from.
 *
 * Lifetime: an event and everything it points to (fields, strings, stack) is valid
 * only during the sink's event() call; an analyzer that keeps something copies or
 * interns it.  system, name and field names must be interned (util/intern.h) so
 * analyzers may compare them by pointer.
 *
 * Event naming: "system:name" as in tracefs (kmem:kmalloc, kprobes:tb_kernfs_new_node).
 * Conventions shared by all decoders:
 *  - function tracer:  system "ftrace", name "function", fields ip (callee) and
 *    parent_ip (caller); as strings (text) or numbers (raw, to be symbolized).
 *  - SLUB TRACE kernel-log records: system "slub", name "alloc" or "free", fields
 *    cache (str), ptr (num), inuse (num); stack from the call trace that follows.
 *  - kprobes: their tracefs group/name; fields are the probe's named arguments plus
 *    __probe_ip (kprobe) or __probe_func/__probe_ret_ip (kretprobe).  Text decoders
 *    put the "(sym+off/len)" or "(caller <- sym)" part in __probe_ip / __probe_ret_ip
 *    and __probe_func as strings.
 *  - /proc snapshots are not events; they go to the growth analyzer directly.
 */
#ifndef TB_EVENT_EVENT_H
#define TB_EVENT_EVENT_H

#include <stdint.h>
#include <stddef.h>

#define TB_EV_MAX_FIELDS 24

/* How a field's value is known. */
enum tb_fv {
	TB_FV_NUM = 1,		/* num is the value (raw binary data) */
	TB_FV_STR = 2,		/* str is the value as the kernel printed it (text) */
};

/* What a text source knows about the pointers it printed (enum, per event). */
enum tb_ptr_quality {
	TB_PTR_REAL = 0,	/* real addresses (raw data, 3.10-4.14 text, hash-ptr=0) */
	TB_PTR_HASHED,		/* 32-bit hashed ids (4.15+ text): pair with care */
	TB_PTR_HIDDEN,		/* (____ptrval____) or all zero: no information */
};

struct tb_field {
	const char *name;	/* interned */
	unsigned type;		/* TB_FV_NUM and/or TB_FV_STR */
	uint64_t num;
	const char *str;	/* NUL-terminated when type has TB_FV_STR */
};

/* A stack: return addresses (raw) or symbol strings (text), innermost first. */
struct tb_stack {
	unsigned n;
	const uint64_t *addrs;		/* n addresses, or NULL */
	const char *const *syms;	/* n strings "sym+0x1a/0x60", or NULL */
};

/*
 * Fields a decoder left out of fields[] on purpose and decodes when asked: the raw
 * decoder decodes only the fields its reader said it reads (tb_rawdec_select) and the
 * rest on a miss, so a name left off that list costs speed, never a value.
 */
struct tb_field_more {
	/* The field called name (interned or not), added to the event; NULL if none. */
	const struct tb_field *(*field)(void *ctx, const char *name);
	void *ctx;
};

/* decode/rawdecode.c's emit() sets the members before fields one by one: add new ones there. */
struct tb_event {
	uint64_t ts_ns;		/* trace clock in ns (counter clocks: raw count); 0 unknown */
	int32_t cpu;		/* -1 unknown */
	int32_t pid;		/* -1 unknown */
	const char *comm;	/* may be NULL */
	const char *system;	/* interned, e.g. "kmem" */
	const char *name;	/* interned, e.g. "kmalloc" */
	unsigned ptr_quality;	/* enum tb_ptr_quality */
	struct tb_stack stack;	/* n == 0: no stack captured */
	const char *origin;	/* "file:line" or NULL, for messages about this event */
	/* NULL, or fields left out of fields[] (valid only during the sink's call; a
	 * copy of the event kept for later sets it NULL) */
	const struct tb_field_more *more;
	unsigned nfields;
	struct tb_field fields[TB_EV_MAX_FIELDS];
};

/* Where decoded events go. */
struct tb_sink {
	/* One event; return 0, or negative to stop the source (error already printed). */
	int (*event)(void *ctx, const struct tb_event *ev);
	/*
	 * Events lost on cpu (-1: unknown cpu) just before ts_ns; count is
	 * TB_LOST_UNKNOWN when the kernel said only that some were lost.
	 */
	void (*lost)(void *ctx, int cpu, uint64_t count, uint64_t ts_ns);
	void *ctx;
};

#define TB_LOST_UNKNOWN UINT64_MAX

/* tb_event_field() past the pointer compare: by string, then ev->more. */
const struct tb_field *tb_event_field_slow(const struct tb_event *ev, const char *name);
/* tb_event_u64() of a field that is a string. */
int tb_field_u64_str(const struct tb_field *f, int base_hint, uint64_t *out);

/*
 * The field called name (compared by pointer first, then by string), else one the
 * decoder left out (ev->more), or NULL.  Inline: the analyses look up a few fields
 * of every event, by interned name, and the pointer compare almost always finds it.
 */
static inline const struct tb_field *tb_event_field(const struct tb_event *ev, const char *name)
{
	unsigned i;

	for (i = 0; i < ev->nfields; i++)
		if (ev->fields[i].name == name)
			return &ev->fields[i];
	return tb_event_field_slow(ev, name);
}

/*
 * tb_event_field() for a caller that asks every event of a stream for the same name:
 * *hint (start it at 0) is where the name was last time, looked at first - the
 * records of a type decode their fields in the same order, so it is nearly always
 * there (a search per field per event was ~5 % of a capture's instructions).  A miss
 * searches as tb_event_field() does and moves the hint.
 */
static inline const struct tb_field *tb_event_field_hint(const struct tb_event *ev,
							 const char *name, unsigned *hint)
{
	unsigned i = *hint;
	const struct tb_field *f;
	uintptr_t off;

	if (i < ev->nfields && ev->fields[i].name == name)
		return &ev->fields[i];
	f = tb_event_field(ev, name);
	/* found in ev's own fields (a copy's late field may live elsewhere) */
	off = (uintptr_t)f - (uintptr_t)ev->fields;
	if (f && off < ev->nfields * sizeof(*f))
		*hint = (unsigned)(off / sizeof(*f));
	return f;
}

/* tb_event_u64() of a field found (NULL: -1). */
static inline int tb_field_u64(const struct tb_field *f, int base_hint, uint64_t *out)
{
	if (!f)
		return -1;
	if (f->type & TB_FV_NUM) {
		*out = f->num;
		return 0;
	}
	return tb_field_u64_str(f, base_hint, out);
}

/*
 * A field as an unsigned number.  Strings are parsed: "0x" prefix means hex, else
 * base_hint (16 for pointers/keys, 10 for sizes/counts); "(null)" reads as 0.
 * Returns 0, or -1 if the field is missing or not a number.
 */
static inline int tb_event_u64(const struct tb_event *ev, const char *name, int base_hint,
			       uint64_t *out)
{
	return tb_field_u64(tb_event_field(ev, name), base_hint, out);
}

/* tb_event_u64() through tb_event_field_hint(). */
static inline int tb_event_u64_hint(const struct tb_event *ev, const char *name,
				    unsigned *hint, int base_hint, uint64_t *out)
{
	return tb_field_u64(tb_event_field_hint(ev, name, hint), base_hint, out);
}

/* Add a field to ev (decoders). Returns 0, -1 if full. */
int tb_event_add_num(struct tb_event *ev, const char *iname, uint64_t num);
int tb_event_add_str(struct tb_event *ev, const char *iname, const char *str);

/* Reset ev to empty (cpu/pid -1, no fields, no stack). */
void tb_event_clear(struct tb_event *ev);

#endif
