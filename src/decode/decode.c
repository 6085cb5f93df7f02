/*
 * decode.c - the decoder object (tb_decoder_*), the event-name -> system table and
 * the helpers every text decoder shares (fields, pointers, timestamps, frames,
 * malformed-line bookkeeping).  Formats live in ftrace-text.c, kernel-log.c,
 * (trace-cmd report text shares ftrace-text.c); trace.dat is tracedat.c; detection
 * in detect.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decode/decode-local.h"
#include "util/intern.h"

const char *tb_format_name(enum tb_format f)
{
	switch (f) {
	case TB_FMT_FTRACE_TEXT: return "ftrace text";
	case TB_FMT_KERNEL_LOG: return "kernel log";
	case TB_FMT_TRACECMD_REPORT: return "trace-cmd report text";
	case TB_FMT_TRACECMD_DAT: return "trace-cmd trace.dat";
	case TB_FMT_SLABINFO: return "slabinfo";
	case TB_FMT_UNKNOWN: break;
	}
	return "unknown";
}

static int known_init(struct tb_decoder *d);

struct tb_decoder *tb_decoder_new(enum tb_format fmt, const char *origin,
				  const struct tb_sink *sink)
{
	struct tb_decoder *d = calloc(1, sizeof(*d));
	int r;

	if (!d)
		return NULL;
	d->fmt = fmt;
	d->origin = strdup(origin ? origin : "-");
	d->sink = *sink;
	strbuf_init(&d->linebuf);
	if (!d->origin) {
		free(d);
		return NULL;
	}
	if (known_init(d)) {
		free(d->known);
		free(d->origin);
		free(d);
		return NULL;
	}
	switch (fmt) {
	case TB_FMT_FTRACE_TEXT:
		r = tb_ftrace_text_init(d, 0);
		break;
	case TB_FMT_TRACECMD_REPORT:
		r = tb_ftrace_text_init(d, 1);
		break;
	case TB_FMT_KERNEL_LOG:
		r = tb_kernel_log_init(d);
		break;
	default:
		r = -1;
		break;
	}
	if (r) {
		free(d->known);
		free(d->origin);
		strbuf_release(&d->linebuf);
		free(d);
		return NULL;
	}
	return d;
}

int tb_decoder_line(struct tb_decoder *d, const char *line, size_t len)
{
	if (d->stopped)
		return -1;
	d->lineno++;
	d->st.lines++;
	while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	strbuf_reset(&d->linebuf);
	strbuf_add(&d->linebuf, line, len);
	if (strbuf_failed(&d->linebuf))
		return -1;
	return d->ops->line(d, d->linebuf.buf, len);
}

int tb_decoder_finish(struct tb_decoder *d)
{
	if (d->stopped)
		return -1;
	return d->ops->finish(d);
}

const struct tb_decode_stats *tb_decoder_stats(const struct tb_decoder *d)
{
	return &d->st;
}

uint64_t tb_decoder_lineno(const struct tb_decoder *d)
{
	return d->lineno;
}

void tb_decoder_free(struct tb_decoder *d)
{
	if (!d)
		return;
	if (d->ops && d->ops->free)
		d->ops->free(d);
	free(d->maps);
	free(d->known);
	free(d->origin);
	strbuf_release(&d->linebuf);
	free(d);
}

int tb_decoder_map_event(struct tb_decoder *d, const char *name, const char *system)
{
	struct tb_dec_map *m;
	const char *in = tb_intern(name), *is = tb_intern(system);
	unsigned i;

	if (!in || !is)
		return -1;
	d->last_name = NULL;
	for (i = 0; i < d->nmaps; i++)
		if (d->maps[i].name == in) {
			d->maps[i].system = is;
			return 0;
		}
	m = realloc(d->maps, (d->nmaps + 1) * sizeof(*m));
	if (!m)
		return -1;
	d->maps = m;
	m[d->nmaps].name = in;
	m[d->nmaps].system = is;
	d->nmaps++;
	return 0;
}

const char *tb_dec_intern(struct tb_decoder *d, const char *s, size_t len)
{
	unsigned h;
	const char *r;

	if (!len)
		return tb_intern_n(s, 0);
	h = ((unsigned)len * 31u + (unsigned char)s[0] * 7u + (unsigned char)s[len - 1] * 13u +
	     (unsigned char)s[len / 2]) & (TB_DEC_ICACHE - 1);
	if (d->icache.s[h] && d->icache.len[h] == len && !memcmp(d->icache.s[h], s, len))
		return d->icache.s[h];
	r = tb_intern_n(s, len);
	if (r && len < 65536) {
		d->icache.s[h] = r;
		d->icache.len[h] = (unsigned short)len;
	}
	return r;
}

/* Well-known events whose text lines name only the event. */
static const struct { const char *name, *system; } known_events[] = {
	{ "kmalloc", "kmem" }, { "kmalloc_node", "kmem" }, { "kfree", "kmem" },
	{ "kmem_cache_alloc", "kmem" }, { "kmem_cache_alloc_node", "kmem" },
	{ "kmem_cache_free", "kmem" }, { "mm_page_alloc", "kmem" }, { "mm_page_free", "kmem" },
	{ "mm_page_free_batched", "kmem" }, { "mm_page_alloc_zone_locked", "kmem" },
	{ "mm_page_pcpu_drain", "kmem" }, { "mm_page_alloc_extfrag", "kmem" },
	{ "mm_page_free_direct", "kmem" }, { "mm_pagevec_free", "kmem" },
	{ "rss_stat", "kmem" }, { "mm_alloc_contig_migrate_range_info", "kmem" },
	{ "percpu_alloc_percpu", "percpu" }, { "percpu_free_percpu", "percpu" },
	{ "percpu_alloc_percpu_fail", "percpu" }, { "percpu_create_chunk", "percpu" },
	{ "percpu_destroy_chunk", "percpu" },
	{ "function", "ftrace" }, { "funcgraph_entry", "ftrace" }, { "funcgraph_exit", "ftrace" },
	{ "kernel_stack", "ftrace" }, { "user_stack", "ftrace" }, { "print", "ftrace" },
	{ "bputs", "ftrace" }, { "bprint", "ftrace" },
	{ "sched_switch", "sched" }, { "sched_wakeup", "sched" }, { "sched_wakeup_new", "sched" },
	{ "sched_process_fork", "sched" }, { "sched_process_exit", "sched" },
	{ "sched_process_exec", "sched" }, { "sched_process_free", "sched" },
	{ "sched_migrate_task", "sched" }, { "sched_waking", "sched" },
	{ "block_rq_issue", "block" }, { "block_rq_insert", "block" },
	{ "block_rq_complete", "block" }, { "block_bio_queue", "block" },
	{ "irq_handler_entry", "irq" }, { "irq_handler_exit", "irq" },
	{ "softirq_entry", "irq" }, { "softirq_exit", "irq" }, { "softirq_raise", "irq" },
	{ "sys_enter", "raw_syscalls" }, { "sys_exit", "raw_syscalls" },
	{ "mm_filemap_add_to_page_cache", "filemap" },
	{ "mm_filemap_delete_from_page_cache", "filemap" },
	{ "net_dev_queue", "net" }, { "netif_receive_skb", "net" },
	{ "kfree_skb", "skb" }, { "consume_skb", "skb" },
	{ "mm_vmscan_kswapd_wake", "vmscan" }, { "mm_vmscan_direct_reclaim_begin", "vmscan" },
	{ "cpu_idle", "power" }, { "cpu_frequency", "power" },
	{ "workqueue_queue_work", "workqueue" }, { "workqueue_execute_start", "workqueue" },
	{ "workqueue_execute_end", "workqueue" },
	{ "timer_start", "timer" }, { "timer_expire_entry", "timer" }, { "hrtimer_start", "timer" },
};

#define NKNOWN (sizeof(known_events) / sizeof(known_events[0]))

/* Intern the table into the decoder (not static: tb_intern_reset would leave it dangling). */
static int known_init(struct tb_decoder *d)
{
	size_t i;

	d->known = calloc(NKNOWN * 2, sizeof(*d->known));
	if (!d->known)
		return -1;
	for (i = 0; i < NKNOWN; i++) {
		d->known[2 * i] = tb_intern(known_events[i].name);
		d->known[2 * i + 1] = tb_intern(known_events[i].system);
		if (!d->known[2 * i] || !d->known[2 * i + 1])
			return -1;
	}
	d->i_kprobes = tb_intern("kprobes");
	d->i_syscalls = tb_intern("syscalls");
	d->i_unknown = tb_intern("unknown");
	d->i_ptr = tb_intern("ptr");
	return d->i_kprobes && d->i_syscalls && d->i_unknown && d->i_ptr ? 0 : -1;
}

const char *tb_dec_system_for(struct tb_decoder *d, const char *name, int looks_kprobe)
{
	const char *sys = NULL;
	size_t i;

	if (name == d->last_name && looks_kprobe == d->last_kprobe)
		return d->last_system;
	for (i = 0; i < d->nmaps && !sys; i++)
		if (d->maps[i].name == name)
			sys = d->maps[i].system;
	for (i = 0; i < NKNOWN && !sys; i++)
		if (d->known[2 * i] == name)
			sys = d->known[2 * i + 1];
	if (!sys) {
		if (looks_kprobe)
			sys = d->i_kprobes;
		else if (!strncmp(name, "sys_enter_", 10) || !strncmp(name, "sys_exit_", 9))
			sys = d->i_syscalls;
		else
			sys = d->i_unknown;
	}
	d->last_name = name;
	d->last_kprobe = looks_kprobe;
	d->last_system = sys;
	return sys;
}

void tb_dec_malformed_as(struct tb_decoder *d, const char *line, size_t len,
			 const char *why, const char *event)
{
	unsigned i;

	tb_dec_malformed(d, line, len, why);
	for (i = 0; i < d->st.nmaybe; i++)
		if (!strcmp(d->st.maybe[i].event, event))
			break;
	if (i == d->st.nmaybe) {
		if (i == sizeof(d->st.maybe) / sizeof(d->st.maybe[0]))
			i--;	/* full: the last slot takes the rest */
		else
			d->st.nmaybe++;
		d->st.maybe[i].event = event;
	}
	d->st.maybe[i].n++;
}

void tb_dec_damaged(struct tb_decoder *d, const char *why)
{
	if (!d->st.damaged++)
		snprintf(d->st.first_damaged, sizeof(d->st.first_damaged), "%s:%llu: %s",
			 d->origin, (unsigned long long)d->lineno, why);
}

void tb_dec_malformed(struct tb_decoder *d, const char *line, size_t len, const char *why)
{
	uint64_t k = d->st.malformed++;
	char *dst;
	size_t room, n;
	int w;

	if (k >= TB_DEC_MALFORMED_KEEP)
		return;
	dst = d->st.first_malformed[k];
	room = sizeof(d->st.first_malformed[k]);
	w = snprintf(dst, room, "%s:%llu: %s: '", d->origin, (unsigned long long)d->lineno,
		     why);
	if (w < 0 || (size_t)w >= room - 2)
		return;
	n = len;
	if (n > room - (size_t)w - 5)
		n = room - (size_t)w - 5;
	memcpy(dst + w, line, n);
	if (n < len) {
		memcpy(dst + w + n, "...'", 5);
	} else {
		dst[w + n] = '\'';
		dst[w + n + 1] = '\0';
	}
}

static inline int is_key_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline int is_key_char(int c)
{
	return is_key_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

/* If s starts a "key=" (key chars then '='), return the '=' position, else NULL. */
static char *key_at(char *s)
{
	char *p = s;

	if (!is_key_start((unsigned char)*p))
		return NULL;
	while (is_key_char((unsigned char)*p))
		p++;
	return *p == '=' ? p : NULL;
}

int tb_dec_fields(struct tb_decoder *d, struct tb_event *ev, char *s)
{
	int added = 0;
	char *p = s, *eq;

	/* find the first key= at a word start */
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		if ((eq = key_at(p)))
			break;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	while (p && *p) {
		char *key = p, *val = eq + 1, *end, *next = NULL, *next_eq = NULL;
		const char *iname;

		if (*val == '"') {
			/* quoted string: to the closing quote */
			end = strchr(val + 1, '"');
			end = end ? end + 1 : val + strlen(val);
			next = end;
			while (*next == ' ' || *next == '\t')
				next++;
			if (*next && !(next_eq = key_at(next)))
				next = NULL;	/* junk after the quote: keep to the next key */
			if (!next) {
				next = end;
				goto scan;
			}
		} else {
			next = val;
scan:
			/* the value runs to whitespace followed by key= */
			for (;;) {
				char *w = next;

				while (*w && *w != ' ' && *w != '\t')
					w++;
				end = w;
				if (!*w) {
					next = w;
					next_eq = NULL;
					break;
				}
				while (*w == ' ' || *w == '\t')
					w++;
				if (!*w) {
					next = w;
					next_eq = NULL;
					break;
				}
				if ((next_eq = key_at(w))) {
					next = w;
					break;
				}
				next = w;
			}
		}
		/* trim the value */
		while (*val == ' ' || *val == '\t')
			val++;
		while (end > val && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		*end = '\0';
		iname = tb_dec_intern(d, key, (size_t)(eq - key));
		if (!iname || tb_event_add_str(ev, iname, val))
			break;
		added++;
		if (!next_eq)
			break;
		p = next;
		eq = next_eq;
	}
	return added;
}

static int all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
	}
	return n > 0;
}

enum tb_dec_ptr tb_dec_ptr_class(const char *v)
{
	size_t n, i;

	while (*v == ' ')
		v++;
	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		v += 2;
		while (*v == ' ')
			v++;
	}
	if (!strcmp(v, "(null)") || !strcmp(v, "(nil)"))
		return TB_DEC_PTR_NULL;
	if (!strncmp(v, "(____ptrval____)", 16) || !strncmp(v, "(ptrval)", 8))
		return TB_DEC_PTR_HIDDEN;
	n = strlen(v);
	if (!all_hex(v, n))
		return TB_DEC_PTR_NONE;
	for (i = 0; i < n && v[i] == '0'; i++)
		;
	if (i == n)
		return TB_DEC_PTR_NULL;
	if (n - i > 16)
		return TB_DEC_PTR_NONE;	/* more than 64 bits: not an address */
	if (n == 16 && i >= 8)
		return TB_DEC_PTR_HASHED;
	return TB_DEC_PTR_REAL;
}

void tb_dec_ptr_quality(struct tb_decoder *d, struct tb_event *ev)
{
	const char *iptr = d->i_ptr;
	unsigned i, q = TB_PTR_REAL, null = 0;

	for (i = 0; i < ev->nfields; i++) {
		struct tb_field *f = &ev->fields[i];
		const char *v;
		enum tb_dec_ptr cls;

		/* "ptr" only: mm_page_* pair by pfn, which is never hashed */
		if (f->name != iptr)
			continue;
		if (!(f->type & TB_FV_STR))
			continue;
		cls = tb_dec_ptr_class(f->str);
		if (cls == TB_DEC_PTR_REAL || cls == TB_DEC_PTR_HASHED) {
			/* the number too, whatever the spelling ("0x..." or not) */
			v = f->str;
			if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
				v += 2;
			f->num = strtoull(v, NULL, 16);
			f->type |= TB_FV_NUM;
		} else if (cls == TB_DEC_PTR_NULL) {
			/* "(null)", "(nil)", "0000000000000000": all the same NULL */
			f->num = 0;
			f->type |= TB_FV_NUM;
		}
		switch (cls) {
		case TB_DEC_PTR_HASHED:
			if (q == TB_PTR_REAL)
				q = TB_PTR_HASHED;
			break;
		case TB_DEC_PTR_NULL:
			null = 1;	/* a real NULL (kfree(NULL)): the analyzer ignores it */
			break;
		case TB_DEC_PTR_HIDDEN:
			q = TB_PTR_HIDDEN;
			break;
		default:
			break;
		}
		break;
	}
	ev->ptr_quality = q;
	if (q == TB_PTR_HASHED)
		d->st.ptr_hashed++;
	else if (q == TB_PTR_HIDDEN)
		d->st.ptr_hidden++;
	if (null)
		d->st.ptr_null++;
}

int tb_dec_parse_dec(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		unsigned dig = (unsigned)(s[i] - '0');

		if (v > (max - dig) / 10) {
			errno = ERANGE;
			return -1;
		}
		v = v * 10 + dig;
	}
	if (i)
		*out = v;
	return (int)(i > INT32_MAX ? INT32_MAX : i);
}

int tb_dec_parse_ts(const char *s, size_t len, uint64_t *out)
{
	uint64_t sec = 0, frac = 0;
	size_t i = 0, nd = 0;
	int n;

	while (i < len && s[i] == ' ')
		i++;
	if (i == len || s[i] < '0' || s[i] > '9')
		return -1;
	n = tb_dec_parse_dec(s + i, len - i, UINT64_MAX, &sec);
	if (n < 0)
		return -1;
	i += (size_t)n;
	if (i == len) {
		*out = sec ? sec : 1;	/* counter clock: raw count (0: see below) */
		return 0;
	}
	if (s[i] != '.')
		return -1;
	if (sec > UINT64_MAX / 1000000000ULL - 1)
		return -1;	/* seconds that no 64-bit nanosecond clock reaches */
	for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (nd < 9) {
			frac = frac * 10 + (uint64_t)(s[i] - '0');
			nd++;
		}
	}
	if (i != len)
		return -1;
	while (nd < 9) {
		frac *= 10;
		nd++;
	}
	*out = sec * 1000000000ULL + frac;
	/* an event's time 0 means "no time": a printed 0.000000 (early boot) is 1 ns */
	if (!*out)
		*out = 1;
	return 0;
}

void tb_dec_frames_reset(struct tb_dec_frames *f)
{
	strbuf_reset(&f->buf);
	f->n = 0;
	f->dropped = 0;
}

void tb_dec_frames_add(struct tb_dec_frames *f, const char *s, size_t len)
{
	if (f->n >= TB_DEC_MAX_FRAMES) {
		f->dropped++;
		return;
	}
	f->off[f->n++] = f->buf.len;
	strbuf_add(&f->buf, s, len);
	strbuf_addch(&f->buf, '\0');
}

void tb_dec_frames_pop(struct tb_dec_frames *f)
{
	if (!f->n)
		return;
	f->n--;
	f->buf.len = f->off[f->n];
	if (f->buf.alloc)
		f->buf.buf[f->buf.len] = '\0';
}

void tb_dec_frames_stack(struct tb_dec_frames *f, struct tb_event *ev)
{
	unsigned i;

	if (!f->n || strbuf_failed(&f->buf)) {
		ev->stack.n = 0;
		ev->stack.syms = NULL;
		return;
	}
	for (i = 0; i < f->n; i++)
		f->syms[i] = f->buf.buf + f->off[i];
	ev->stack.n = f->n;
	ev->stack.syms = f->syms;
	ev->stack.addrs = NULL;
}

void tb_dec_frames_release(struct tb_dec_frames *f)
{
	strbuf_release(&f->buf);
	f->n = 0;
}

void tb_dec_origin(const struct tb_decoder *d, uint64_t lineno, char *buf, size_t size)
{
	size_t n = strlen(d->origin), k = 0;
	char num[24];

	if (size < 2) {
		if (size)
			buf[0] = '\0';
		return;
	}
	do {
		num[k++] = (char)('0' + lineno % 10);
		lineno /= 10;
	} while (lineno && k < sizeof(num));
	if (n + 1 + k + 1 > size)
		n = size > k + 2 ? size - k - 2 : 0;
	memcpy(buf, d->origin, n);
	buf[n++] = ':';
	while (k && n + 1 < size)
		buf[n++] = num[--k];
	buf[n] = '\0';
}

int tb_dec_emit(struct tb_decoder *d, const struct tb_event *ev)
{
	int r;

	d->st.events++;
	if (ev->stack.n)
		d->st.stacks++;
	if (!d->sink.event)
		return 0;
	r = d->sink.event(d->sink.ctx, ev);
	if (r < 0)
		d->stopped = 1;
	return r < 0 ? r : 0;
}
