/*
 * kernel-log.c - kernel logs (dmesg, /dev/kmsg records, kern.log/syslog, journalctl -k,
 * and pastes of them with grep -n / cat -n numbers) decoded into SLUB TRACE events.
 *
 * A record is "TRACE <cache> alloc|free 0x<ptr> inuse=N fp=0x<ptr>" -> slub:alloc or
 * slub:free with fields cache, ptr, inuse, fp (and call_site: the first frame of the
 * call trace below the allocator).  What follows it until the next record belongs to
 * it: the "Object <addr>: ..." hex dump (skipped), "CPU: N PID: N Comm: ..." (cpu,
 * pid, comm), "Hardware name:" (skipped), and one call trace in any shape:
 *   x86 3.10   "Call Trace:" + " [<ffffffff8163a9a8>] dump_stack+0x19/0x1b"
 *   x86 4.19+  " dump_stack+0x19/0x1b", " <IRQ>", " </IRQ>", " <TASK>", " </TASK>"
 *   arm64      "Call trace:" + " dump_backtrace+0x0/0x1a0"
 * Unreliable "? sym" frames are dropped; raw stack-word lines and human elisions
 * ("...", "[...]") are skipped; unrelated lines are ignored (an unrelated oops/WARN
 * header makes the next call trace foreign, so it is not attached to the record).
 *
 * Records and call traces are matched, not just taken in turn: a record's TRACE line
 * and its stack dump are separate printks, so with two CPUs tracing at once the log can
 * read "TRACE A, TRACE B, stack of A, stack of B" (seen under qemu on 3.10 with two
 * CPUs).  Records wait in a small queue; a call trace (its "CPU:" line, "Call Trace:"
 * and frames) goes, when it ends, to the oldest
 * waiting record of its kind (alloc_debug_processing -> alloc, free_debug_processing ->
 * free; either when the frames do not say), and records leave the queue in log order
 * once they have their trace (or when the queue is full, or at the end).  A trace given
 * to a record that is not the last one printed is counted as interleaved
 * (tb_decode_stats.interleaved): matched by kind and order, which the kernel does not
 * guarantee, so the report says its site may belong to the other record.
 */
#include <stdlib.h>
#include <string.h>
#include "decode/decode-local.h"
#include "util/intern.h"

#define KL_QUEUE 8	/* records waiting for their call trace, at most */

/* A SLUB TRACE record waiting for its call trace. */
struct kl_rec {
	struct strbuf rec;	/* the record's line (fields point into it) */
	struct strbuf comm;
	struct tb_event ev;
	struct tb_dec_frames frames;
	uint64_t lineno;
	int has_trace;		/* a call trace was given to it */
	char origin[512];
};

/* The call trace being read (not yet given to a record). */
enum kl_block {
	KL_NONE = 0,	/* none */
	KL_HEAD,	/* its "CPU: N PID: N" line came, no "Call Trace:" yet */
	KL_FRAMES,	/* collecting frames */
};

struct kl {
	struct kl_rec q[KL_QUEUE];	/* ring: q[(head + i) % KL_QUEUE], i < n */
	unsigned head, n;
	enum kl_block blk;
	int foreign;		/* an unrelated oops/WARN header came: its trace is not ours */
	struct tb_dec_frames frames;	/* the trace being read */
	struct strbuf comm;
	int32_t cpu, pid;
	int has_cpu;
	uint64_t last_ts;	/* the latest timestamp of a line so far */
	struct strbuf frag;	/* a call-trace line that is not a whole frame (wrapped?) */
	int frag_ts;		/* ... it had a timestamp prefix */
	struct strbuf lastframe; /* the last frame line taken, as written */
	int lastframe_ts;	/* ... it had a timestamp prefix */
	const char *i_slub, *i_alloc, *i_free, *i_cache, *i_ptr, *i_inuse, *i_fp,
		*i_call_site;
};

static struct kl_rec *kl_at(struct kl *kl, unsigned i)
{
	return &kl->q[(kl->head + i) % KL_QUEUE];
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * Find the message body after any prefix; *ts is set when the line has a kernel
 * timestamp ("[  123.456789]" or a /dev/kmsg record's microseconds); *has_ts is 1
 * then, 0 without one, -1 when the timestamp is there but past 64-bit nanoseconds.
 */
static char *strip_prefix(char *line, uint64_t *ts, int *has_ts)
{
	char *p = line, *q, *k;

	*has_ts = 0;
	/* /dev/kmsg: "prio,seq,usec,flags;message" */
	if (is_digit((unsigned char)*p)) {
		uint64_t us = 0;
		int commas = 0;

		q = p;
		while (is_digit((unsigned char)*q) || *q == ',') {
			if (*q == ',')
				commas++;
			q++;
		}
		if (commas >= 2 && (*q == ';' || *q == ',' || *q == '-' || *q == 'c' || *q == '+')) {
			char *f = p;
			int i;

			for (i = 0; i < 2; i++)
				f = strchr(f, ',') + 1;
			/* microseconds past what 64-bit nanoseconds hold: no timestamp */
			if (tb_dec_parse_dec(f, strlen(f), UINT64_MAX / 1000, &us) < 0) {
				*has_ts = -1;
				return line;
			}
			k = strchr(q, ';');
			if (k) {
				*ts = us ? us * 1000 : 1;	/* 0 means no time */
				*has_ts = 1;
				return k + 1;
			}
		}
	}
	/* "[ seconds.micros]" somewhere near the start */
	for (q = line; (q = strchr(q, '[')) && q - line < 160; q++) {
		char *r = q + 1, *num;

		while (*r == ' ')
			r++;
		num = r;
		while (is_digit((unsigned char)*r))
			r++;
		if (r == num || *r != '.')
			continue;
		r++;
		while (is_digit((unsigned char)*r))
			r++;
		if (*r != ']')
			continue;
		if (tb_dec_parse_ts(num, (size_t)(r - num), ts))
			continue;
		*has_ts = 1;
		p = r + 1;
		if (*p == ' ')
			p++;
		/* journalctl -o short-monotonic: "[  1.2] host kernel: msg" */
		k = strstr(p, " kernel: ");
		if (k && k - p < 80 && !memchr(p, ' ', (size_t)(k - p)))
			p = k + 9;
		return p;
	}
	/* dmesg -T: "[Sun Nov 22 10:00:01 2026] msg" (a wall-clock time: no ts) */
	if (line[0] == '[' && (k = strchr(line, ']')) && k - line < 40 && k[1] == ' ')
		return k + 2;
	/* syslog / journalctl: "Nov 22 10:00:01 host kernel: msg" */
	k = strstr(line, "kernel: ");
	if (k && k - line < 120)
		return k + 8;
	/* grep -n "123:" and cat -n "   123\t" */
	p = line;
	while (*p == ' ')
		p++;
	q = p;
	while (is_digit((unsigned char)*q))
		q++;
	if (q > p && (*q == ':' || *q == '\t'))
		return q + 1;
	return line;
}

/* Leading allocator / tracing frames that say nothing about who allocated. */
static int allocator_frame(const char *s)
{
	static const char *const names[] = {
		"dump_stack", "dump_stack_lvl", "show_stack", "dump_backtrace", "trace",
		"alloc_debug_processing", "free_debug_processing", "__slab_alloc",
		"___slab_alloc", "__slab_alloc_node", "slab_alloc", "slab_alloc_node",
		"__slab_free", "slab_free", "do_slab_free", "slab_free_freelist_hook",
		"kmem_cache_alloc", "kmem_cache_alloc_trace", "kmem_cache_alloc_node",
		"kmem_cache_alloc_node_trace", "kmem_cache_alloc_lru", "kmem_cache_alloc_noprof",
		"kmem_cache_alloc_node_noprof", "kmem_cache_alloc_lru_noprof",
		"__kmalloc", "__kmalloc_node", "__kmalloc_track_caller",
		"__kmalloc_node_track_caller", "__kmalloc_noprof", "__kmalloc_node_noprof",
		"__kmalloc_cache_noprof", "__kmalloc_node_track_caller_noprof",
		"kmalloc_trace", "kmalloc_node_trace", "kmalloc_order", "kmalloc_order_trace",
		"__do_kmalloc_node", "__kmem_cache_alloc_node", "__kmem_cache_free",
		"kmem_cache_free", "kfree", "kzfree", "kfree_sensitive", "kvfree",
		"kmem_cache_free_bulk", "kmem_cache_alloc_bulk", "__kmem_cache_alloc_bulk",
		"slab_post_alloc_hook", "slab_pre_alloc_hook", "free_to_partial_list",
		"alloc_single_from_partial", "alloc_single_from_new_slab",
	};
	size_t n = strcspn(s, "+ ."), i;	/* "__slab_alloc.isra.22+0x2c/0x48" */

	if (s[0] == '<')
		return 1;	/* <IRQ>, <TASK> markers at the top */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !strncmp(s, names[i], n))
			return 1;
	return 0;
}

/* Hand the oldest queued record on (with its trace, if it got one). */
static int emit_head(struct tb_decoder *d, struct kl *kl)
{
	struct kl_rec *r = kl_at(kl, 0);
	unsigned skip = 0, i;

	tb_dec_frames_stack(&r->frames, &r->ev);
	/* drop IRQ/TASK markers from the frames handed on, and the allocator's own */
	if (r->ev.stack.n) {
		while (skip < r->ev.stack.n && allocator_frame(r->ev.stack.syms[skip]))
			skip++;
		if (skip == r->ev.stack.n)
			skip = 0;	/* nothing but allocator frames: keep them all */
		r->ev.stack.syms += skip;
		r->ev.stack.n -= skip;
		for (i = 0; i < r->ev.stack.n; i++)
			if (r->ev.stack.syms[i][0] != '<')
				break;
		if (i < r->ev.stack.n)
			tb_event_add_str(&r->ev, kl->i_call_site, r->ev.stack.syms[i]);
	}
	r->ev.comm = r->comm.len ? r->comm.buf : NULL;
	tb_dec_origin(d, r->lineno, r->origin, sizeof(r->origin));
	r->ev.origin = r->origin;
	kl->head = (kl->head + 1) % KL_QUEUE;
	kl->n--;
	return tb_dec_emit(d, &r->ev);
}

/* Hand on the records at the front that have their trace (all of them with all). */
static int emit_ready(struct tb_decoder *d, struct kl *kl, int all)
{
	int r;

	while (kl->n && (all || kl_at(kl, 0)->has_trace))
		if ((r = emit_head(d, kl)) < 0)
			return r;
	return 0;
}

/* Which record a call trace is of, from its frames: 'a'lloc, 'f'ree or 0 (unknown). */
static int trace_kind(const struct tb_dec_frames *f)
{
	unsigned i;

	for (i = 0; i < f->n; i++) {
		const char *s = f->buf.buf + f->off[i];

		if (!strncmp(s, "alloc_debug_processing", 22))
			return 'a';
		if (!strncmp(s, "free_debug_processing", 21))
			return 'f';
	}
	return 0;
}

/*
 * The trace being read ended: give it to the oldest waiting record of its kind.  A
 * trace that fits no record (an oops, a WARN, a trace of another kind) is dropped.
 */
static void end_block(struct tb_decoder *d, struct kl *kl)
{
	struct tb_dec_frames tmp;
	struct kl_rec *r = NULL;
	unsigned i;
	int kind;

	if (kl->blk == KL_NONE)
		return;
	kl->blk = KL_NONE;
	if (kl->foreign || (!kl->frames.n && !kl->has_cpu))
		return;	/* not ours, or nothing to give */
	kind = trace_kind(&kl->frames);
	for (i = 0; i < kl->n; i++) {
		struct kl_rec *c = kl_at(kl, i);

		if (c->has_trace)
			continue;
		if (kind && (kind == 'a') != (c->ev.name == kl->i_alloc))
			continue;
		r = c;
		break;
	}
	if (!r)
		return;
	if (i + 1 < kl->n)
		d->st.interleaved++;	/* a later record was printed before this trace */
	r->has_trace = 1;
	if (kl->has_cpu) {
		r->ev.cpu = kl->cpu;
		r->ev.pid = kl->pid;
		strbuf_reset(&r->comm);
		strbuf_add(&r->comm, kl->comm.buf ? kl->comm.buf : "", kl->comm.len);
	}
	tmp = r->frames;
	r->frames = kl->frames;
	kl->frames = tmp;
	tb_dec_frames_reset(&kl->frames);
}

/* A call trace starts: its "CPU:" line (head 1) or its "Call Trace:" line. */
static void start_block(struct tb_decoder *d, struct kl *kl, int head)
{
	if (kl->blk == KL_FRAMES || (head && kl->blk == KL_HEAD))
		end_block(d, kl);	/* the previous trace had no end line of its own */
	if (kl->blk == KL_NONE) {
		tb_dec_frames_reset(&kl->frames);
		kl->has_cpu = 0;
	}
	kl->blk = head ? KL_HEAD : KL_FRAMES;
}

/* Parse "TRACE cache alloc|free 0x<ptr> inuse=N fp=0x<ptr>" at body. */
static int start_record(struct tb_decoder *d, struct kl *kl, char *body, size_t off,
			uint64_t ts, int has_ts)
{
	char *p, *cache, *op, *ptr, *ptr_end, *rest;
	const char *maybe = "slub:alloc|free";	/* what the line could have been */
	struct strbuf tmp;
	struct kl_rec *r;
	uint64_t v;
	enum tb_dec_ptr cls;
	int ret;

	/* the trace being read ends here; records that have theirs go on */
	end_block(d, kl);
	kl->foreign = 0;
	if ((ret = emit_ready(d, kl, 0)) < 0)
		return ret;
	if (kl->n == KL_QUEUE && (ret = emit_head(d, kl)) < 0)
		return ret;	/* full: the oldest goes on without a trace */
	r = kl_at(kl, kl->n);

	/* take the line: fields point into it */
	tmp = r->rec;
	r->rec = d->linebuf;
	d->linebuf = tmp;
	body = r->rec.buf + off;

	p = body + 6;
	while (*p == ' ')
		p++;
	cache = p;
	while (*p && *p != ' ')
		p++;
	if (!*p)
		goto bad;
	*p++ = '\0';
	op = p;
	while (*p && *p != ' ')
		p++;
	if (!*p)
		goto bad;
	*p++ = '\0';
	if (strcmp(op, "alloc") && strcmp(op, "free"))
		goto bad;
	maybe = op[0] == 'a' ? "slub:alloc" : "slub:free";
	while (*p == ' ')
		p++;
	if (p[0] != '0' || p[1] != 'x')
		goto bad;
	ptr = p;
	p += 2;
	while (*p == ' ')
		p++;
	if (!strncmp(p, "(____ptrval____)", 16) || !strncmp(p, "(ptrval)", 8) ||
	    !strncmp(p, "(null)", 6)) {
		p = strchr(p, ')') + 1;
	} else {
		char *h = p;

		while (is_hex((unsigned char)*p))
			p++;
		if (p - h < 8 || p - h > 16)
			goto bad;	/* 32- or 64-bit pointers only */
	}
	ptr_end = p;
	if (*p && *p != ' ')
		goto bad;
	rest = *p ? p + 1 : p;
	*ptr_end = '\0';
	if (!strstr(rest, "inuse="))
		goto bad;

	tb_event_clear(&r->ev);
	tb_dec_frames_reset(&r->frames);
	strbuf_reset(&r->comm);
	r->has_trace = 0;
	r->ev.system = kl->i_slub;
	r->ev.name = op[0] == 'a' ? kl->i_alloc : kl->i_free;
	r->ev.ts_ns = has_ts ? ts : 0;
	tb_event_add_str(&r->ev, kl->i_cache, cache);
	tb_event_add_str(&r->ev, kl->i_ptr, ptr);
	cls = tb_dec_ptr_class(ptr);
	if (cls == TB_DEC_PTR_REAL || cls == TB_DEC_PTR_HASHED) {
		r->ev.fields[r->ev.nfields - 1].type |= TB_FV_NUM;
		r->ev.fields[r->ev.nfields - 1].num = strtoull(ptr + 2, NULL, 16);
	}
	tb_dec_fields(d, &r->ev, rest);
	if (!tb_event_u64(&r->ev, kl->i_inuse, 10, &v)) {
		struct tb_field *f;
		unsigned i;

		for (i = 0; i < r->ev.nfields; i++) {
			f = &r->ev.fields[i];
			if (f->name == kl->i_inuse) {
				f->type |= TB_FV_NUM;
				f->num = v;
			}
		}
	}
	switch (cls) {
	case TB_DEC_PTR_HASHED:
		r->ev.ptr_quality = TB_PTR_HASHED;
		d->st.ptr_hashed++;
		break;
	case TB_DEC_PTR_HIDDEN:
		r->ev.ptr_quality = TB_PTR_HIDDEN;
		d->st.ptr_hidden++;
		break;
	case TB_DEC_PTR_NULL:	/* never printed for an object; counted, left to the analyzer */
		r->ev.ptr_quality = TB_PTR_REAL;
		d->st.ptr_null++;
		break;
	default:
		r->ev.ptr_quality = TB_PTR_REAL;
		break;
	}
	r->lineno = d->lineno;
	kl->n++;
	return 0;
bad:
	/* undo the NULs written above, to quote the line as it was */
	for (p = body; p < r->rec.buf + r->rec.len; p++)
		if (!*p)
			*p = ' ';
	tb_dec_malformed_as(d, body, strlen(body), "SLUB TRACE record, expected "
			    "'TRACE <cache> alloc|free 0x<ptr> inuse=N fp=0x<ptr>'", maybe);
	return 0;
}

/* "CPU: 1 PID: 42 Comm: insmod Not tainted 3.10.0 #1" */
static void cpu_line(struct tb_decoder *d, struct kl *kl, const char *body)
{
	const char *p = strstr(body, "PID:"), *c;
	uint64_t v;
	size_t n;

	/* numbers out of range are left unknown (-1), never wrapped; one line, one count */
	const char *why = NULL;

	c = body + 4;
	while (*c == ' ')
		c++;
	kl->has_cpu = 1;
	kl->cpu = kl->pid = -1;
	strbuf_reset(&kl->comm);
	if (tb_dec_parse_dec(c, strlen(c), 0x7fffffff, &v) > 0)
		kl->cpu = (int32_t)v;
	else
		why = "CPU number out of range";
	if (p) {
		p += 4;
		while (*p == ' ')
			p++;
		if (tb_dec_parse_dec(p, strlen(p), 0x7fffffff, &v) > 0)
			kl->pid = (int32_t)v;
		else
			why = why ? "CPU and PID numbers out of range" : "PID out of range";
	}
	if (why)
		tb_dec_malformed(d, body, strlen(body), why);
	c = strstr(body, "Comm:");
	if (c) {
		c += 5;
		while (*c == ' ')
			c++;
		n = strcspn(c, " ");
		/* the comm ends before "Not tainted" / "Tainted:" */
		{
			const char *t = strstr(c, " Not tainted");

			if (!t)
				t = strstr(c, " Tainted:");
			if (t && t > c)
				n = (size_t)(t - c);
		}
		strbuf_reset(&kl->comm);
		strbuf_add(&kl->comm, c, n);
	}
}

/* Past a 3.10 frame's address " [<ffffffff8163a9a8>] " (p itself when there is none); NULL if cut. */
static char *skip_address(char *p)
{
	char *q;

	if (p[0] != '[' || p[1] != '<')
		return p;
	q = strstr(p, ">]");
	if (!q)
		return NULL;
	for (p = q + 2; *p == ' '; p++)
		;
	return p;
}

/*
 * A call-trace frame?  Returns 1 with [*s, *e) the frame text, 2 for an unreliable
 * "? " frame, 3 for a marker (<IRQ> ...) or raw stack words, 4 for a frame cut in
 * its module name ("leaky_init+0x45/0x100 [lea"), 0 if not a frame.
 */
static int frame_shape(char *body, char **s, char **e)
{
	char *p = body, *q;
	int unreliable = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '<' && (p[1] == '/' || (p[1] >= 'A' && p[1] <= 'Z')) && strchr(p, '>') &&
	    strlen(p) < 12)
		return 3;
	if (!(p = skip_address(p)))
		return 0;
	if (p[0] == '?' && p[1] == ' ') {
		unreliable = 1;
		p += 2;
		while (*p == ' ')
			p++;
		if (!(p = skip_address(p)))
			return 0;
	}
	/* raw stack words of vanilla 3.10: " ffff88003a6b1e00 ffffffff8163a9a8 ..." */
	q = p;
	while (is_hex((unsigned char)*q))
		q++;
	if (q - p == 16 && (*q == ' ' || !*q)) {
		char *r = q;

		while (*r == ' ')
			r++;
		if (!*r || is_hex((unsigned char)*r))
			return 3;
	}
	/* "sym+0x19/0x1b" (optionally followed by " [module]" / " [module buildid]") */
	q = p;
	while (*q && *q != '+' && *q != ' ')
		q++;
	if (q == p || q[0] != '+' || q[1] != '0' || q[2] != 'x')
		return 0;
	q += 3;
	while (is_hex((unsigned char)*q))
		q++;
	if (q[0] != '/' || q[1] != '0' || q[2] != 'x')
		return 0;
	q += 3;
	while (is_hex((unsigned char)*q))
		q++;
	/* keep " [module]" but drop a build id */
	if (q[0] == ' ' && q[1] == '[') {
		char *m = q + 2, *end = strchr(m, ']');

		if (!end)
			return 4;
		if (end) {
			char *sp = memchr(m, ' ', (size_t)(end - m));

			if (sp) {
				*sp = ']';
				q = sp + 1;
			} else {
				q = end + 1;
			}
		}
	}
	*s = p;
	*e = q;
	return unreliable ? 2 : 1;
}

static int is_elision(const char *body)
{
	const char *p = body;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!strcmp(p, "[...]") || !strcmp(p, "(...)") || !strcmp(p, "<snip>"))
		return 1;
	if (p[0] == '.' && p[1] == '.' && p[2] == '.') {
		while (*p == '.' || *p == ' ')
			p++;
		return !*p;
	}
	return 0;
}

/*
 * A SLUB TRACE record inside line ("TRACE <cache> alloc|free 0x"), starting at the
 * line's start or after a space, ']', ';', ':' or tab: a record whose prefix was
 * damaged, or pasted onto the end of another line.  NULL if none.
 */
static char *find_record(char *line)
{
	char *t = line;

	while ((t = strstr(t, "TRACE "))) {
		if (t == line || t[-1] == ' ' || t[-1] == ']' || t[-1] == ';' || t[-1] == ':' ||
		    t[-1] == '\t') {
			char *c = t + 6, *e;

			while (*c == ' ')
				c++;
			e = c;
			while (*e && *e != ' ')
				e++;
			if (e > c && (!strncmp(e, " alloc 0x", 9) || !strncmp(e, " free 0x", 8)))
				return t;
		}
		t += 6;
	}
	return NULL;
}

/* Does line name a SLUB TRACE record it cannot be read as ("... TRACE kmalloc-64 allo")? */
static int names_record(const char *line)
{
	const char *t = line;

	while ((t = strstr(t, "TRACE "))) {
		if ((t == line || t[-1] == ' ' || t[-1] == ']' || t[-1] == ';' || t[-1] == ':') &&
		    ((t[6] >= 'a' && t[6] <= 'z') || (t[6] >= 'A' && t[6] <= 'Z')))
			return 1;
		t += 6;
	}
	return 0;
}

/* "SECONDS.MICROS]" right before rec (a timestamp that lost its '['): 0 and *ts. */
static int ts_before(const char *line, const char *rec, uint64_t *ts)
{
	const char *e = rec, *b, *dot;

	while (e > line && e[-1] == ' ')
		e--;
	if (e == line || e[-1] != ']')
		return -1;
	e--;
	b = e;
	while (b > line && (is_digit((unsigned char)b[-1]) || b[-1] == '.'))
		b--;
	dot = memchr(b, '.', (size_t)(e - b));
	if (!dot || dot == b || e - dot - 1 != 6)
		return -1;	/* printk prints %5lu.%06lu */
	return tb_dec_parse_ts(b, (size_t)(e - b), ts);
}

/*
 * A call-trace line that could be the first part of a frame wrapped in two: an
 * optional " [<address>]" and "? ", then one word of symbol characters (or nothing
 * after an address) - never a whole "sym+0xOFF/0xSIZE" frame.
 */
static int is_fragment(const char *p)
{
	const char *q;

	if (p[0] == '[' && p[1] == '<') {
		p += 2;
		while (is_hex((unsigned char)*p))
			p++;
		if (*p == '>')
			p++;
		if (*p == ']')
			p++;
		while (*p == ' ')
			p++;
		if (!*p)
			return 1;	/* the symbol went to the next line */
	}
	if (p[0] == '?' && p[1] == ' ')
		p += 2;
	for (q = p; *q; q++)
		if (!(is_hex((unsigned char)*q) || (*q >= 'g' && *q <= 'z') ||
		      (*q >= 'G' && *q <= 'Z') || *q == '_' || *q == '.' || *q == '+' ||
		      *q == '/' || *q == '$'))
			return 0;
	return q > p;
}

/* A pending fragment that no continuation completed: a malformed line. */
static void drop_fragment(struct tb_decoder *d, struct kl *kl)
{
	if (!kl->frag.len)
		return;
	tb_dec_malformed(d, kl->frag.buf, kl->frag.len, "call-trace line cut short, not a "
			 "whole 'sym+0xOFF/0xSIZE' frame (no frame taken from it)");
	strbuf_reset(&kl->frag);
}

/*
 * In a call trace: join this line (without a timestamp of its own, so the rest of a
 * line wrapped in two) to the fragment or the frame before it.  1 if it was taken
 * (joined, or refused as a malformed piece), 0 if the line is not a continuation.
 */
static int continuation(struct tb_decoder *d, struct kl *kl, const char *body, int has_ts)
{
	struct strbuf j = STRBUF_INIT;
	char *fs, *fe;
	int shape;

	if (has_ts)
		return 0;
	if (kl->frag.len) {
		strbuf_add(&j, kl->frag.buf, kl->frag.len);
		strbuf_addstr(&j, body);
		shape = strbuf_failed(&j) ? 0 : frame_shape(j.buf, &fs, &fe);
		if (shape == 1) {
			tb_dec_frames_add(&kl->frames, fs, (size_t)(fe - fs));
			tb_dec_damaged(d, "call-trace frame joined from a line wrapped in two");
		} else if (shape != 2) {
			tb_dec_malformed(d, j.buf, j.len, "call-trace line wrapped in two, and "
					 "the parts joined are not a 'sym+0xOFF/0xSIZE' frame "
					 "(no frame taken from them)");
		}
		strbuf_release(&j);
		strbuf_reset(&kl->frag);
		strbuf_reset(&kl->lastframe);
		return 1;
	}
	if (!kl->lastframe.len || !kl->lastframe_ts || !kl->frames.n)
		return 0;
	/* "leaky_init+0x45/0x1" + "00 [leaky]": the frame before was cut */
	{
		char *tmp = strdup(body);
		int alone = tmp ? frame_shape(tmp, &fs, &fe) : 1;

		free(tmp);
		if (alone)
			return 0;
	}
	strbuf_add(&j, kl->lastframe.buf, kl->lastframe.len);
	strbuf_addstr(&j, body);
	/* taken only when the frame runs on into this line ("SUBSYSTEM=" of a
	 * /dev/kmsg record after a whole frame is not a continuation) */
	if (!strbuf_failed(&j) && frame_shape(j.buf, &fs, &fe) == 1 &&
	    (size_t)(fe - j.buf) > kl->lastframe.len) {
		tb_dec_frames_pop(&kl->frames);
		tb_dec_frames_add(&kl->frames, fs, (size_t)(fe - fs));
		tb_dec_damaged(d, "call-trace frame joined from a line wrapped in two");
		strbuf_reset(&kl->lastframe);
		strbuf_release(&j);
		return 1;
	}
	strbuf_release(&j);
	return 0;
}

static int kl_line(struct tb_decoder *d, char *line, size_t len)
{
	struct kl *kl = d->priv;
	uint64_t ts = 0, prev_ts = kl->last_ts;
	int has_ts, r, prefixed, shape;
	char *body = strip_prefix(line, &ts, &has_ts), *p, *fs, *fe, *rec;

	if (has_ts < 0) {
		if (find_record(line) || names_record(line))
			tb_dec_malformed_as(d, line, len, "kernel log timestamp out of range",
					    "slub:alloc|free");
		else
			tb_dec_malformed(d, line, len, "kernel log timestamp out of range");
		return 0;
	}
	if (has_ts && ts > kl->last_ts)
		kl->last_ts = ts;
	prefixed = has_ts || body != line;

	p = body;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!strncmp(p, "TRACE ", 6)) {
		drop_fragment(d, kl);
		return start_record(d, kl, p, (size_t)(p - line), ts, has_ts);
	}
	/* a record that does not start where the prefix ends: a damaged line */
	if ((rec = find_record(line))) {
		const char *why = "SLUB TRACE record found inside a damaged line";
		uint64_t t2;

		drop_fragment(d, kl);
		if (!ts_before(line, rec, &t2)) {
			if (t2 >= prev_ts) {
				ts = t2;
				why = "SLUB TRACE record whose timestamp lost its '['";
			} else {
				ts = prev_ts;
				why = "SLUB TRACE record in a damaged line: its timestamp reads "
				      "earlier than the line before's, which is taken instead";
			}
			has_ts = 1;
		} else if (!has_ts && prev_ts) {
			ts = prev_ts;
			has_ts = 1;
			why = "SLUB TRACE record in a damaged line without a timestamp: the "
			      "line before's is taken";
		}
		if (has_ts && ts > kl->last_ts)
			kl->last_ts = ts;
		if ((r = start_record(d, kl, rec, (size_t)(rec - line), ts, has_ts)) < 0)
			return r;
		if (kl->n && kl_at(kl, kl->n - 1)->lineno == d->lineno)
			tb_dec_damaged(d, why);	/* the record was read */
		return 0;
	}
	if (names_record(line)) {
		/* "TRACE kmalloc-64 allo": a record that cannot be read */
		drop_fragment(d, kl);
		tb_dec_malformed_as(d, line, len, "SLUB TRACE record cut or damaged, expected "
				    "'TRACE <cache> alloc|free 0x<ptr> inuse=N fp=0x<ptr>'",
				    "slub:alloc|free");
		return 0;
	}
	if (kl->blk == KL_FRAMES &&
	    !prefixed && (kl->frag.len ? kl->frag_ts || (line[0] != ' ' && line[0] != '\t') : 1) &&
	    continuation(d, kl, body, 0))
		return 0;
	drop_fragment(d, kl);
	if (!kl->n) {
		d->st.ignored++;
		return 0;
	}
	if (!*p || is_elision(p) || !strncmp(p, "Object ", 7) || !strncmp(p, "Redzone ", 8) ||
	    !strncmp(p, "Padding ", 8) || !strncmp(p, "Hardware name:", 14) ||
	    !strncmp(p, "Bytes b4 ", 9) || !strncmp(p, "Stack:", 6) ||
	    !strncmp(p, "Workqueue:", 10)) {
		d->st.ignored++;
		return 0;
	}
	if (!strncmp(p, "CPU: ", 5) && strstr(p, "PID:")) {
		start_block(d, kl, 1);
		cpu_line(d, kl, p);
		return 0;
	}
	if (!strncmp(p, "Call Trace:", 11) || !strncmp(p, "Call trace:", 11)) {
		start_block(d, kl, 0);
		return 0;
	}
	if (kl->blk == KL_FRAMES) {
		strbuf_reset(&kl->lastframe);
		strbuf_addstr(&kl->lastframe, p);
		kl->lastframe_ts = prefixed;
	}
	shape = frame_shape(p, &fs, &fe);
	if (kl->blk == KL_FRAMES && (shape == 4 || (!shape && is_fragment(p)))) {
		/* maybe the first part of a frame wrapped in two: wait for the rest */
		strbuf_reset(&kl->lastframe);
		strbuf_addstr(&kl->frag, p);
		kl->frag_ts = prefixed;
		return 0;
	}
	switch (shape) {
	case 1:
		if (kl->blk == KL_FRAMES) {
			tb_dec_frames_add(&kl->frames, fs, (size_t)(fe - fs));
			return 0;
		}
		d->st.ignored++;
		return 0;
	case 2:
	case 3:
	case 4:
		d->st.ignored++;	/* unreliable frame, marker or stack words: dropped */
		return 0;
	default:
		break;
	}
	strbuf_reset(&kl->lastframe);
	/* an unrelated line; an oops/WARN header makes later call traces foreign */
	if (strstr(p, "cut here") || !strncmp(p, "WARNING:", 8) || !strncmp(p, "BUG:", 4) ||
	    strstr(p, "Oops") || strstr(p, "INFO: task") || strstr(p, "---[ end trace")) {
		end_block(d, kl);
		kl->foreign = 1;
	}
	d->st.ignored++;
	return 0;
}

static int kl_finish(struct tb_decoder *d)
{
	struct kl *kl = d->priv;

	drop_fragment(d, kl);
	end_block(d, kl);
	return emit_ready(d, kl, 1);
}

static void kl_free(struct tb_decoder *d)
{
	struct kl *kl = d->priv;
	unsigned i;

	if (!kl)
		return;
	for (i = 0; i < KL_QUEUE; i++) {
		strbuf_release(&kl->q[i].rec);
		strbuf_release(&kl->q[i].comm);
		tb_dec_frames_release(&kl->q[i].frames);
	}
	strbuf_release(&kl->comm);
	strbuf_release(&kl->frag);
	strbuf_release(&kl->lastframe);
	tb_dec_frames_release(&kl->frames);
	free(kl);
	d->priv = NULL;
}

void tb_decode_interleaved_note(struct strbuf *sb, uint64_t n)
{
	strbuf_addf(sb, "%llu SLUB TRACE record(s) had their call trace printed after a later "
		    "record's line (two CPUs logging at once: a record's line and its stack "
		    "dump are separate printks): each was matched to its trace by kind and order, which the kernel "
		    "does not guarantee, so their sites may be swapped with each other's",
		    (unsigned long long)n);
}

static const struct tb_decoder_ops kl_ops = {
	.line = kl_line,
	.finish = kl_finish,
	.free = kl_free,
};

int tb_kernel_log_init(struct tb_decoder *d)
{
	struct kl *kl = calloc(1, sizeof(*kl));
	unsigned i;

	if (!kl)
		return -1;
	for (i = 0; i < KL_QUEUE; i++) {
		strbuf_init(&kl->q[i].rec);
		strbuf_init(&kl->q[i].comm);
		strbuf_init(&kl->q[i].frames.buf);
	}
	strbuf_init(&kl->comm);
	strbuf_init(&kl->frames.buf);
	strbuf_init(&kl->frag);
	strbuf_init(&kl->lastframe);
	kl->i_slub = tb_intern("slub");
	kl->i_alloc = tb_intern("alloc");
	kl->i_free = tb_intern("free");
	kl->i_cache = tb_intern("cache");
	kl->i_ptr = tb_intern("ptr");
	kl->i_inuse = tb_intern("inuse");
	kl->i_fp = tb_intern("fp");
	kl->i_call_site = tb_intern("call_site");
	if (!kl->i_call_site) {
		free(kl);
		return -1;
	}
	d->priv = kl;
	d->ops = &kl_ops;
	return 0;
}
