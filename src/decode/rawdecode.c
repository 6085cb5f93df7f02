/*
 * rawdecode.c - raw ring-buffer records into struct tb_event, using the kernel's own
 * event formats (libtraceevent, struct tep_handle).  Field offsets are looked up once
 * per event type; each record then costs a few loads: numbers become TB_FV_NUM
 * (real 64-bit pointers, never hashed), __data_loc and char[] strings TB_FV_STR.
 * ftrace:kernel_stack records become the tb_stack of the event they follow.
 *
 * A reader that names the fields it reads (tb_rawdec_select) gets only those in
 * ev->fields; any other is decoded when first asked for (ev->more), so the list is a
 * matter of speed, never of what a reader sees.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include "util/alloc.h"
#include "decode/rawpage.h"
#include "util/intern.h"

#define MAX_STACK 512
#define STRBUF_SIZE 8192
#define COMM_MEMO 256		/* task names remembered by pid (power of 2) */

/*
 * How a field is read: numbers by width and signedness in one kind, so decoding a
 * number is one jump on the kind (a test of the kind, then a switch on the size, was
 * a third of the decoder's instructions per field).
 */
enum fkind { K_U8, K_S8, K_U16, K_S16, K_U32, K_S32, K_U64, K_DATALOC, K_CHARS };

struct fdesc {
	const char *iname;
	int off, size, kind, relative;
	unsigned end;		/* off + size: the record must reach it */
};

struct evdesc {
	int known;		/* 0: not in the tep (counted, skipped) */
	int is_stack;
	const char *sys, *name;
	int pid_off;		/* common_pid, -1 none */
	int stack_size_off, stack_caller_off;
	unsigned nf;		/* fields decoded for every record */
	struct fdesc f[TB_EV_MAX_FIELDS];
	unsigned nlate;		/* fields decoded only when asked for (not selected) */
	struct fdesc late[TB_EV_MAX_FIELDS];
};

struct tb_rawdec {
	struct tep_handle *tep;
	struct tb_sink sink;
	struct evdesc **types;	/* by common_type */
	unsigned ntypes;
	int lsize;
	int stack_type;
	uint64_t events, unknown, bad;
	int names;		/* name tasks from the tep's cmdlines (trace.dat) */
	int32_t last_pid;	/* the last name looked up */
	const char *last_comm;
	/*
	 * Names already looked up, by pid (direct-mapped; pid 0: empty): tasks take
	 * turns on a CPU, so the pid changes every few events, and libtraceevent's
	 * lookup (a binary search of the cmdlines) and interning its answer were an
	 * eighth of an offline analysis' instructions.  A trace.dat names each pid once,
	 * so a remembered name is the name.
	 */
	struct {
		int32_t pid;
		const char *comm;
	} comms[COMM_MEMO];
	const char **want;	/* interned names of the fields to decode; NULL: all */
	size_t nwant;
	struct tb_field_more more;	/* ev.more when some fields are left out */
	const struct evdesc *cur_e;	/* the record being handed out, for ev.more */
	const unsigned char *cur_p;
	unsigned cur_size;
	uint64_t late;		/* fields decoded on a miss (names missing from want) */
	size_t used;		/* bytes of strbuf taken by the record being handed out */
	uint64_t stackbuf[MAX_STACK];
	char strbuf[STRBUF_SIZE];
	struct tb_event ev;
};

static const struct tb_field *late_field(void *ctx, const char *name);

/* 1 if the reader reads the field called iname (no list: it reads them all). */
static int wanted(const struct tb_rawdec *rd, const char *iname)
{
	size_t i;

	if (!rd->want)
		return 1;
	for (i = 0; i < rd->nwant; i++)
		if (rd->want[i] == iname)
			return 1;
	return 0;
}

static int field_desc(const struct tb_rawdec *rd, struct evdesc *e, struct tep_format_field *f)
{
	const char *iname = tb_intern(f->name);
	int now;
	struct fdesc *d;

	if (!iname)
		return -ENOMEM;
	now = wanted(rd, iname);
	if ((now ? e->nf : e->nlate) >= TB_EV_MAX_FIELDS)
		return 0;
	d = now ? &e->f[e->nf] : &e->late[e->nlate];
	memset(d, 0, sizeof(*d));
	d->off = f->offset;
	d->size = f->size;
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		/* __data_loc: only strings are useful to analyzers */
		if (!(f->flags & TEP_FIELD_IS_STRING) && !strstr(f->type, "char"))
			return 0;
		d->kind = K_DATALOC;
		d->relative = !!(f->flags & TEP_FIELD_IS_RELATIVE);
	} else if (f->flags & TEP_FIELD_IS_ARRAY) {
		if (!(f->flags & TEP_FIELD_IS_STRING) && !strstr(f->type, "char"))
			return 0;
		d->kind = K_CHARS;
	} else {
		int sign = !!(f->flags & TEP_FIELD_IS_SIGNED);

		switch (f->size) {
		case 1: d->kind = sign ? K_S8 : K_U8; break;
		case 2: d->kind = sign ? K_S16 : K_U16; break;
		case 4: d->kind = sign ? K_S32 : K_U32; break;
		case 8: d->kind = K_U64; break;	/* 64 bits: the same either way */
		default: return 0;
		}
	}
	/* no record is this big (a damaged format): leave the field out, never overflow */
	if (f->offset < 0 || f->size < 0 || f->offset > (1 << 24) || f->size > (1 << 24))
		return 0;
	d->end = (unsigned)f->offset + (unsigned)f->size;
	d->iname = iname;
	if (now)
		e->nf++;
	else
		e->nlate++;
	return 0;
}

static struct evdesc *describe(struct tb_rawdec *d, int type)
{
	struct tep_event *te;
	struct tep_format_field *f;
	struct evdesc *e;

	if (type < 0 || type > 0xffff)
		return NULL;
	if ((unsigned)type >= d->ntypes) {
		unsigned old = d->ntypes;

		if (ALLOC_GROW(d->types, (unsigned)type + 1, d->ntypes))
			return NULL;
		memset(d->types + old, 0, (d->ntypes - old) * sizeof(*d->types));
	}
	if (d->types[type])
		return d->types[type];
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	d->types[type] = e;
	e->pid_off = -1;
	te = tep_find_event(d->tep, type);
	if (!te)
		return e;
	e->sys = tb_intern(te->system);
	e->name = tb_intern(te->name);
	if (!e->sys || !e->name)
		return NULL;
	e->known = 1;
	f = tep_find_common_field(te, "common_pid");
	if (f && f->size == 4)
		e->pid_off = f->offset;
	if (!strcmp(te->system, "ftrace") && !strcmp(te->name, "kernel_stack")) {
		struct tep_format_field *sz = tep_find_field(te, "size");
		struct tep_format_field *ca = tep_find_field(te, "caller");

		if (sz && ca) {
			e->is_stack = 1;
			e->stack_size_off = sz->offset;
			e->stack_caller_off = ca->offset;
		}
		return e;
	}
	for (f = te->format.fields; f; f = f->next)
		if (field_desc(d, e, f) < 0)
			return NULL;
	return e;
}

/* describe() for every record: a type already described costs no call. */
static inline struct evdesc *desc_of(struct tb_rawdec *d, int type)
{
	if ((unsigned)type < d->ntypes && d->types[type])
		return d->types[type];
	return describe(d, type);
}

/**
 * tb_rawdec_new - a decoder of raw records for the events tep knows, feeding sink.
 */
struct tb_rawdec *tb_rawdec_new(struct tep_handle *tep, const struct tb_sink *sink)
{
	struct tb_rawdec *d = calloc(1, sizeof(*d));
	struct tep_event *te;

	if (!d)
		return NULL;
	d->tep = tep;
	d->sink = *sink;
	d->lsize = tep_get_long_size(tep);
	if (d->lsize != 4 && d->lsize != 8)
		d->lsize = 8;
	te = tep_find_event_by_name(tep, "ftrace", "kernel_stack");
	d->stack_type = te ? te->id : -1;
	d->more.field = late_field;
	d->more.ctx = d;
	return d;
}

static void forget_types(struct tb_rawdec *d)
{
	unsigned i;

	for (i = 0; i < d->ntypes; i++)
		free(d->types[i]);
	free(d->types);
	d->types = NULL;
	d->ntypes = 0;
}

void tb_rawdec_free(struct tb_rawdec *d)
{
	if (!d)
		return;
	forget_types(d);
	free(d->want);
	free(d);
}

/**
 * tb_rawdec_select - decode only the fields called names[0..n) for every record.
 * @names: interned field names (util/intern.h); NULL: every field (the default)
 *
 * The others are decoded when the sink asks for one (tb_event_field through
 * ev->more), so a name missing here costs time, not a value; tb_rawdec_late() counts
 * those.  A sink that keeps copies of events for later must not use it (the copy's
 * ev->more is dropped).  Returns 0, or -ENOMEM (the selection is then unchanged).
 */
int tb_rawdec_select(struct tb_rawdec *d, const char *const *names, size_t n)
{
	const char **w = NULL;

	if (names) {
		w = malloc((n ? n : 1) * sizeof(*w));
		if (!w)
			return -ENOMEM;
		if (n)
			memcpy(w, names, n * sizeof(*w));
	}
	free(d->want);
	d->want = w;
	d->nwant = n;
	forget_types(d);	/* described again with the new selection */
	return 0;
}

uint64_t tb_rawdec_late(const struct tb_rawdec *d)
{
	return d->late;
}

void tb_rawdec_set_names(struct tb_rawdec *d, int on)
{
	d->names = on;
	d->last_pid = 0;
	d->last_comm = NULL;
}

int tb_rawdec_stack_type(const struct tb_rawdec *d)
{
	return d->stack_type;
}

uint64_t tb_rawdec_events(const struct tb_rawdec *d)
{
	return d->events;
}

uint64_t tb_rawdec_unknown(const struct tb_rawdec *d)
{
	return d->unknown;
}

static uint64_t load_num(const unsigned char *p, int size, int sign)
{
	switch (size) {
	case 1: return sign ? (uint64_t)(int64_t)*(const int8_t *)p : *p;
	case 2: { uint16_t v; memcpy(&v, p, 2); return sign ? (uint64_t)(int64_t)(int16_t)v : v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return sign ? (uint64_t)(int64_t)(int32_t)v : v; }
	default: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
}

/* Copy at most len bytes of a string at p into the scratch buffer; NULL if no room. */
static const char *scratch_str(struct tb_rawdec *d, size_t *used, const unsigned char *p,
			       size_t len)
{
	char *s = d->strbuf + *used;
	size_t n = strnlen((const char *)p, len);

	if (*used + n + 1 > sizeof(d->strbuf))
		return NULL;
	memcpy(s, p, n);
	s[n] = 0;
	*used += n + 1;
	return s;
}

static unsigned decode_stack(struct tb_rawdec *d, const struct evdesc *e,
			     const struct tb_rrec *r)
{
	const unsigned char *p = r->data;
	uint64_t n, avail, i, v;
	unsigned out = 0;

	if ((unsigned)e->stack_caller_off > r->size)
		return 0;
	n = load_num(p + e->stack_size_off, 4, 0);
	avail = (r->size - e->stack_caller_off) / d->lsize;
	if (n > avail || n == 0)	/* 3.10: size is bytes, not entries */
		n = avail;
	for (i = 0; i < n && out < MAX_STACK; i++) {
		v = load_num(p + e->stack_caller_off + i * d->lsize, d->lsize, 0);
		if (v == 0 || v == (d->lsize == 4 ? 0xffffffffULL : UINT64_MAX))
			break;
		d->stackbuf[out++] = v;
	}
	return out;
}

/*
 * A string field of len bytes at s: in place when the kernel stored its NUL inside the
 * field (__data_loc strings always do; char[] mostly), so no scan and no copy - the
 * record outlives the sink's call; else copied (bounded) into the scratch buffer.
 */
static const char *field_str(struct tb_rawdec *d, size_t *used, const unsigned char *s,
			     size_t len)
{
	if (len && !s[len - 1])
		return (const char *)s;
	return scratch_str(d, used, s, len);
}

/* A string field (K_DATALOC, K_CHARS) of the record at p into o; as decode_field. */
static int decode_str(struct tb_rawdec *d, const struct fdesc *f, const unsigned char *p,
		      unsigned rsize, struct tb_field *o)
{
	const unsigned char *s = p + f->off;
	size_t len = (size_t)f->size;

	if (f->kind == K_DATALOC) {
		uint32_t loc = (uint32_t)load_num(p + f->off, 4, 0);
		size_t off = loc & 0xffff;

		len = loc >> 16;
		if (f->relative)
			off += f->end;
		if (off + len > rsize) {
			d->bad++;
			return 0;
		}
		s = p + off;
	}
	o->type = TB_FV_STR;
	o->num = 0;
	o->str = field_str(d, &d->used, s, len);
	return o->str != NULL;
}

/*
 * Field f of the record at p (rsize bytes) into o: 1 done, 0 not there (a damaged
 * record: counted in bad; a string with no room left in the scratch buffer).
 */
static inline int decode_field(struct tb_rawdec *d, const struct fdesc *f,
			       const unsigned char *p, unsigned rsize, struct tb_field *o)
{
	const unsigned char *q = p + f->off;

	if (f->end > rsize) {
		d->bad++;
		return 0;
	}
	o->name = f->iname;
	switch (f->kind) {
	case K_U8: o->num = *q; break;
	case K_S8: o->num = (uint64_t)(int64_t)*(const int8_t *)q; break;
	case K_U16: { uint16_t v; memcpy(&v, q, 2); o->num = v; break; }
	case K_S16: { int16_t v; memcpy(&v, q, 2); o->num = (uint64_t)(int64_t)v; break; }
	case K_U32: { uint32_t v; memcpy(&v, q, 4); o->num = v; break; }
	case K_S32: { int32_t v; memcpy(&v, q, 4); o->num = (uint64_t)(int64_t)v; break; }
	case K_U64: { uint64_t v; memcpy(&v, q, 8); o->num = v; break; }
	default: return decode_str(d, f, p, rsize, o);
	}
	o->type = TB_FV_NUM;
	o->str = NULL;
	return 1;
}

/*
 * ev.more: a field of the record being handed out that was not selected, decoded now
 * and added to the event (earlier field pointers stay valid: fields[] only grows).
 */
static const struct tb_field *late_field(void *ctx, const char *name)
{
	struct tb_rawdec *d = ctx;
	const struct evdesc *e = d->cur_e;
	struct tb_event *ev = &d->ev;
	unsigned i;

	if (!e)
		return NULL;
	for (i = 0; i < e->nlate; i++) {
		const struct fdesc *f = &e->late[i];
		struct tb_field *o;

		if (f->iname != name && strcmp(f->iname, name))
			continue;
		/* asked for again through a copy of the event: it is there already */
		for (o = ev->fields; o < ev->fields + ev->nfields; o++)
			if (o->name == f->iname)
				return o;
		if (ev->nfields >= TB_EV_MAX_FIELDS)
			return NULL;
		o = &ev->fields[ev->nfields];
		if (!decode_field(d, f, d->cur_p, d->cur_size, o))
			return NULL;
		ev->nfields++;
		d->late++;
		return o;
	}
	return NULL;
}

static int emit(void *ctx, int cpu, const struct tb_rrec *r, const struct tb_rrec *stack)
{
	struct tb_rawdec *d = ctx;
	struct evdesc *e = desc_of(d, r->type);
	struct tb_event *ev = &d->ev;
	const unsigned char *p = r->data;
	const unsigned rsize = r->size;
	unsigned i, nf = 0;
	int ret;

	if (!e)
		return -ENOMEM;
	if (!e->known) {
		d->unknown++;
		return 0;
	}
	if (e->is_stack)
		return 0;
	/* the header one member at a time: a memset of it was 2 % of a capture's CPU */
	ev->ts_ns = r->ts;
	ev->cpu = cpu;
	ev->pid = e->pid_off >= 0 && (unsigned)e->pid_off + 4 <= r->size ?
		(int32_t)load_num(p + e->pid_off, 4, 1) : -1;
	ev->comm = NULL;
	ev->system = e->sys;
	ev->name = e->name;
	ev->ptr_quality = TB_PTR_REAL;
	ev->stack.n = 0;
	ev->stack.addrs = NULL;
	ev->stack.syms = NULL;
	ev->origin = NULL;
	ev->more = e->nlate ? &d->more : NULL;
	if (d->names && ev->pid > 0) {
		if (ev->pid != d->last_pid) {
			unsigned slot = (unsigned)ev->pid & (COMM_MEMO - 1);

			if (d->comms[slot].pid != ev->pid) {
				const char *c = tep_data_comm_from_pid(d->tep, ev->pid);

				d->comms[slot].pid = ev->pid;
				d->comms[slot].comm = c && strcmp(c, "<...>") ? tb_intern(c) : NULL;
			}
			d->last_pid = ev->pid;
			d->last_comm = d->comms[slot].comm;
		}
		ev->comm = d->last_comm;
	}
	d->used = 0;
	/*
	 * The count of fields stays in a local: stored through ev the compiler cannot
	 * tell it apart from the fields' members and reloads it for every field
	 * (per-event work the decoder does millions of times a second).
	 */
	for (i = 0; i < e->nf; i++)
		nf += decode_field(d, &e->f[i], p, rsize, &ev->fields[nf]);
	ev->nfields = nf;
	if (stack) {
		const struct evdesc *se = desc_of(d, stack->type);

		if (se && se->is_stack) {
			ev->stack.n = decode_stack(d, se, stack);
			ev->stack.addrs = ev->stack.n ? d->stackbuf : NULL;
		}
	}
	d->events++;
	if (!e->nlate)
		return d->sink.event(d->sink.ctx, ev);
	d->cur_e = e;
	d->cur_p = p;
	d->cur_size = rsize;
	ret = d->sink.event(d->sink.ctx, ev);
	d->cur_e = NULL;
	return ret;
}

static void lost(void *ctx, int cpu, int64_t count, uint64_t ts)
{
	struct tb_rawdec *d = ctx;

	if (d->sink.lost)
		d->sink.lost(d->sink.ctx, cpu, count < 0 ? TB_LOST_UNKNOWN : (uint64_t)count, ts);
}

struct tb_merge_out tb_rawdec_out(struct tb_rawdec *d)
{
	struct tb_merge_out o = { emit, lost, d };

	return o;
}
