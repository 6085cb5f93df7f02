/*
 * ftrace-text.c - the text of tracefs `trace` / `trace_pipe` of every kernel era, and
 * `trace-cmd report` text (same line shape), decoded into tb_event.
 *
 * Context prefix, parsed from the right of the comm so comms with spaces and dashes
 * work:  COMM-PID [(TGID)] [CPU] [FLAGS] TIMESTAMP: BODY
 *   3.10: 4 flag chars; 4.19: optional "(TGID)" / "(-----)"; 5.10: pid width 7;
 *   6.x: 5 flag chars; irq-info=0: no flags; counter clocks: integer timestamps.
 * Bodies:
 *   "func <-parent" (function tracer; trace-cmd "function: func <-- parent")
 *   "name: k=v k=v"                          tracepoints
 *   "name: (sym+off/len) k=v"                kprobe
 *   "name: (caller+off/len <- sym) k=v"      kretprobe
 *   "<stack trace>" then " => frame" lines   stack of the preceding event of that CPU
 *   "CPU:N [LOST M EVENTS]", "CPU:N [LOST EVENTS]"
 *
 * An event is held back (bounded window) until it is known whether a stack follows:
 * it is emitted when its stack block ends, when a later event of the same CPU or a
 * line more than 1 ms later arrives, or when the window is full.  Emission keeps
 * arrival order.
 */
#include <stdlib.h>
#include <string.h>
#include "decode/decode-local.h"
#include "util/intern.h"

#define FT_WINDOW 256
#define FT_COMPLETE_AFTER_NS 1000000ULL
#define FT_COLLECT_NONE (-1)
#define FT_COLLECT_DISCARD (-2)

struct ft_slot {
	struct strbuf line;	/* owns the strings of ev */
	struct tb_event ev;
	struct tb_dec_frames frames;
	uint64_t lineno;
	int complete;
	int has_stack;
};

struct ft {
	int tracecmd;
	struct ft_slot *slots;	/* ring of FT_WINDOW */
	unsigned head, count;
	int collecting;		/* slot index, or FT_COLLECT_* */
	uint64_t last_ts;
	char origin[512];
	const char *i_kprobes;
	const char *i_ftrace, *i_function, *i_ip, *i_parent_ip, *i_probe_ip, *i_probe_ret_ip,
		*i_probe_func;
};

struct ft_ctx {
	const char *comm;
	size_t comm_len;
	int32_t pid, cpu;
	uint64_t ts;
	char *body;
};

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * Take the next space-separated token at *t (advancing *t past it): 0 when it is a
 * timestamp followed by ':' (parsed into *ts), else -1.
 */
static int take_ts_token(char **t, const char *end, uint64_t *ts)
{
	char *tok, *e = *t;

	while (e < end && *e == ' ')
		e++;
	tok = e;
	while (e < end && *e != ' ')
		e++;
	*t = e;
	if (e > tok && e[-1] == ':' && !tb_dec_parse_ts(tok, (size_t)(e - tok - 1), ts))
		return 0;
	return -1;
}

/* Largest CPU and PID numbers taken (the kernel's own limits are far below). */
#define FT_MAX_CPU 0x7fffffff
#define FT_MAX_PID 0x7fffffff

/*
 * Parse the context prefix of line; 0 and ctx filled, or -1 with *why saying what
 * was wrong when a prefix was found but a number in it is out of range.
 */
static int parse_ctx(char *line, size_t len, struct ft_ctx *c, const char **why)
{
	char *p = line, *end = line + len;

	*why = NULL;
	while ((p = memchr(p, '[', (size_t)(end - p)))) {
		char *q = p + 1, *b, *dash, *t;
		uint64_t cpu = 0, pid = 0;
		int n;

		if (!is_digit((unsigned char)*q))
			goto next;
		n = tb_dec_parse_dec(q, (size_t)(end - q), FT_MAX_CPU, &cpu);
		if (n < 0) {
			*why = "CPU number out of range";
			goto next;
		}
		q += n;
		if (q >= end || *q != ']')
			goto next;
		/* backwards: spaces, optional (TGID), spaces, PID, '-' */
		b = p - 1;
		while (b >= line && *b == ' ')
			b--;
		if (b >= line && *b == ')') {
			while (b >= line && *b != '(')
				b--;
			if (b < line)
				goto next;
			b--;
			while (b >= line && *b == ' ')
				b--;
		}
		if (b < line || !is_digit((unsigned char)*b))
			goto next;
		while (b >= line && is_digit((unsigned char)*b))
			b--;
		if (b < line || *b != '-')
			goto next;
		if (tb_dec_parse_dec(b + 1, (size_t)(end - b - 1), FT_MAX_PID, &pid) < 0) {
			*why = "PID out of range";
			goto next;
		}
		dash = b;
		/* forwards from ']': [FLAGS] TIMESTAMP: (no flag column with irq-info=0) */
		t = q + 1;
		if (take_ts_token(&t, end, &c->ts) && take_ts_token(&t, end, &c->ts))
			goto next;
		while (t < end && *t == ' ')
			t++;
		c->body = t;
		c->cpu = (int32_t)cpu;
		c->pid = (int32_t)pid;
		c->comm = line;
		while (c->comm < dash && *c->comm == ' ')
			c->comm++;
		c->comm_len = (size_t)(dash - c->comm);
		*why = NULL;
		return 0;
next:
		p++;
	}
	return -1;
}

static struct ft_slot *slot_at(struct ft *ft, unsigned i)
{
	return &ft->slots[(ft->head + i) % FT_WINDOW];
}

static int emit_head(struct tb_decoder *d, struct ft *ft)
{
	struct ft_slot *s = slot_at(ft, 0);
	unsigned idx = ft->head;
	int r;

	if (ft->collecting == (int)idx)
		ft->collecting = FT_COLLECT_DISCARD;
	tb_dec_origin(d, s->lineno, ft->origin, sizeof(ft->origin));
	s->ev.origin = ft->origin;
	tb_dec_frames_stack(&s->frames, &s->ev);
	ft->head = (ft->head + 1) % FT_WINDOW;
	ft->count--;
	r = tb_dec_emit(d, &s->ev);
	return r;
}

static int drain(struct tb_decoder *d, struct ft *ft, int all)
{
	int r;

	while (ft->count && (all || slot_at(ft, 0)->complete))
		if ((r = emit_head(d, ft)) < 0)
			return r;
	return 0;
}

/* A line for cpu at ts arrived: older pending events of that cpu are complete. */
static void mark_complete(struct ft *ft, int32_t cpu, uint64_t ts)
{
	unsigned i;

	for (i = 0; i < ft->count; i++) {
		struct ft_slot *s = slot_at(ft, i);

		if (s->complete || (int)((ft->head + i) % FT_WINDOW) == ft->collecting)
			continue;
		if (s->ev.cpu == cpu || (ts > s->ev.ts_ns && ts - s->ev.ts_ns > FT_COMPLETE_AFTER_NS))
			s->complete = 1;
	}
}

static void end_collect(struct ft *ft)
{
	if (ft->collecting >= 0)
		ft->slots[ft->collecting].complete = 1;
	ft->collecting = FT_COLLECT_NONE;
}

static int stack_line(struct tb_decoder *d, struct ft *ft, char *line, size_t len)
{
	char *s = line, *e = line + len;

	while (s < e && *s == ' ')
		s++;
	s += 2;	/* "=>" */
	while (s < e && *s == ' ')
		s++;
	while (e > s && e[-1] == ' ')
		e--;
	/* trace-cmd: "sym (ffffffff81234567)" */
	if (e > s && e[-1] == ')') {
		char *o = e - 1;

		while (o > s && o[-1] != '(')
			o--;
		if (o > s + 1 && o[-2] == ' ' && o[-1] == '(')
			e = o - 2;
		while (e > s && e[-1] == ' ')
			e--;
	}
	if (ft->collecting < 0) {
		d->st.ignored++;
		return 0;
	}
	if (e > s)
		tb_dec_frames_add(&ft->slots[ft->collecting].frames, s, (size_t)(e - s));
	return 0;
}

static int lost_line(struct tb_decoder *d, struct ft *ft, const char *line)
{
	const char *p = line + 4;
	uint64_t cpu = 0, count = TB_LOST_UNKNOWN;
	int n;

	n = tb_dec_parse_dec(p, strlen(p), FT_MAX_CPU, &cpu);
	if (n <= 0)
		return -1;
	p += n;
	while (*p == ' ')
		p++;
	if (!strncmp(p, "[LOST ", 6) && is_digit((unsigned char)p[6])) {
		/* a count past 64 bits is no count: unknown */
		if (tb_dec_parse_dec(p + 6, strlen(p + 6), UINT64_MAX - 1, &count) < 0)
			count = TB_LOST_UNKNOWN;
	} else if (strncmp(p, "[LOST EVENTS]", 13)) {
		return -1;
	}
	d->st.lost_markers++;
	if (d->sink.lost)
		d->sink.lost(d->sink.ctx, (int32_t)cpu, count, ft->last_ts);
	return 0;
}

static void header_line(struct tb_decoder *d, struct ft *ft, const char *line)
{
	const char *p = strstr(line, "entries-in-buffer/entries-written:");
	uint64_t in, written;
	int n;

	(void)ft;
	if (!p)
		return;
	p += strlen("entries-in-buffer/entries-written:");
	while (*p == ' ')
		p++;
	n = tb_dec_parse_dec(p, strlen(p), UINT64_MAX, &in);
	if (n <= 0 || p[n] != '/')
		return;	/* not the header, or numbers past 64 bits: no claim made */
	if (tb_dec_parse_dec(p + n + 1, strlen(p + n + 1), UINT64_MAX, &written) <= 0)
		return;
	if (written > in && d->sink.lost)
		d->sink.lost(d->sink.ctx, -1, written - in, 0);
}

/* Strip "+0x../0x.." from a symbol in place. */
static void strip_offset(char *s)
{
	char *plus = strstr(s, "+0x");

	if (plus)
		*plus = '\0';
}

static int parse_function(struct tb_decoder *d, struct ft *ft, struct tb_event *ev, char *body)
{
	char *arrow = strstr(body, " <-"), *parent, *e;

	if (!arrow)
		return -1;
	*arrow = '\0';
	parent = arrow + 3;
	if (*parent == '-')
		parent++;	/* trace-cmd "<--" */
	while (*parent == ' ')
		parent++;
	e = parent + strlen(parent);
	while (e > parent && e[-1] == ' ')
		*--e = '\0';
	e = body + strlen(body);
	while (e > body && e[-1] == ' ')
		*--e = '\0';
	while (*body == ' ')
		body++;
	if (!*body || !*parent)
		return -1;
	strip_offset(body);
	ev->system = ft->i_ftrace;
	ev->name = ft->i_function;
	tb_event_add_str(ev, ft->i_ip, body);
	tb_event_add_str(ev, ft->i_parent_ip, parent);
	return 0;
}

/* "(sym+off/len) args" or "(caller+off/len <- sym) args": 0, or -1 if not one. */
static int parse_kprobe(struct tb_decoder *d, struct ft *ft, struct tb_event *ev, char *rest)
{
	char *close = strchr(rest, ')'), *arrow;

	if (*rest != '(' || !close)
		return -1;
	*close = '\0';
	arrow = strstr(rest + 1, " <- ");
	if (arrow) {
		*arrow = '\0';
		tb_event_add_str(ev, ft->i_probe_ret_ip, rest + 1);
		tb_event_add_str(ev, ft->i_probe_func, arrow + 4);
	} else {
		tb_event_add_str(ev, ft->i_probe_ip, rest + 1);
	}
	tb_dec_fields(d, ev, close + 1);
	return 0;
}

/* "(sym+0x0/0x220)" or "(caller+0x1e/0x20 <- sym)": the probe's address part. */
static int probe_shape(const char *rest)
{
	const char *close = strchr(rest, ')'), *plus = strchr(rest, '+');

	if (!close || !plus || plus > close)
		return 0;
	return (plus[1] == '0' && plus[2] == 'x' && memchr(plus, '/', (size_t)(close - plus))) ||
	       strstr(rest, " <- ") != NULL;
}

static int is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
	       c == '.' || c == '-' || c == '/';
}

/*
 * The event a line with a context prefix that cannot be read was ("... [99999999999]
 * ..... 931.000002: kfree: ..." -> "kmem:kfree"), interned; NULL if it does not say.
 */
static const char *maybe_event(struct tb_decoder *d, const char *line)
{
	const char *p = strchr(line, ']'), *n, *q, *iname, *sys;
	char buf[256];

	if (!p || !(p = strstr(p, ": ")))
		return NULL;
	n = p + 2;
	while (*n == ' ')
		n++;
	for (q = n; is_name_char((unsigned char)*q); q++)
		;
	if (q == n || *q != ':' || q - n > 200)
		return NULL;
	iname = tb_dec_intern(d, n, (size_t)(q - n));
	sys = iname ? tb_dec_system_for(d, iname, 0) : NULL;
	if (!sys)
		return NULL;
	snprintf(buf, sizeof(buf), "%s:%s", sys, iname);
	return tb_intern(buf);
}

static int ft_line(struct tb_decoder *d, char *line, size_t len)
{
	struct ft *ft = d->priv;
	struct ft_ctx c;
	struct ft_slot *s;
	struct strbuf tmp;
	char *body, *p;
	const char *why;
	int r, is_stack = 0, user_stack = 0;

	/* frame lines of a stack block */
	p = line;
	while (*p == ' ')
		p++;
	if (p[0] == '=' && p[1] == '>')
		return stack_line(d, ft, line, len);
	end_collect(ft);

	if (!*p) {
		d->st.ignored++;
		return drain(d, ft, 0);
	}
	if (*p == '#') {
		d->st.ignored++;
		header_line(d, ft, line);
		return drain(d, ft, 0);
	}
	if (!strncmp(p, "CPU:", 4)) {
		if (!lost_line(d, ft, p))
			return drain(d, ft, 0);
	}
	if (parse_ctx(line, len, &c, &why)) {
		const char *ev = why ? maybe_event(d, line) : NULL;

		if (ev)
			tb_dec_malformed_as(d, line, len, why, ev);
		else if (why)
			tb_dec_malformed(d, line, len, why);
		else if (ft->tracecmd || !strncmp(p, "version = ", 10) || !strncmp(p, "cpus=", 5) ||
		    (!strncmp(p, "CPU ", 4) && strstr(p, "is empty")))
			d->st.ignored++;
		else
			tb_dec_malformed(d, line, len, "not a trace line");
		return drain(d, ft, 0);
	}
	body = c.body;
	if (!strncmp(body, "kernel_stack:", 13) || !strncmp(body, "user_stack:", 11)) {
		body = strchr(body, ':') + 1;
		while (*body == ' ')
			body++;
	}
	if (!strncmp(body, "<stack trace", 12))
		is_stack = 1;
	else if (!strncmp(body, "<user stack trace", 17))
		user_stack = 1;
	if (c.ts)
		ft->last_ts = c.ts;

	if (is_stack || user_stack) {
		int found = FT_COLLECT_DISCARD;
		unsigned i;

		if (is_stack)
			for (i = ft->count; i-- > 0;) {
				struct ft_slot *o = slot_at(ft, i);

				if (o->ev.cpu != c.cpu)
					continue;
				if (!o->complete && !o->has_stack) {
					found = (int)((ft->head + i) % FT_WINDOW);
					o->has_stack = 1;
				}
				break;
			}
		if (found == FT_COLLECT_DISCARD)
			d->st.ignored++;
		ft->collecting = found;
		mark_complete(ft, c.cpu, c.ts);
		return drain(d, ft, 0);
	}

	/* the body must be "name: ..." or "func <-parent" before the line is taken */
	p = body;
	while (is_name_char((unsigned char)*p))
		p++;
	if (!(p > body && *p == ':' && (p[1] == ' ' || p[1] == '\0')) && !strstr(body, " <-")) {
		tb_dec_malformed(d, line, len, "no event in trace line");
		return drain(d, ft, 0);
	}
	mark_complete(ft, c.cpu, c.ts);
	if (ft->count == FT_WINDOW) {
		if ((r = emit_head(d, ft)) < 0)
			return r;
	}
	/* take the line: swap buffers with the slot (no copy) */
	s = &ft->slots[(ft->head + ft->count) % FT_WINDOW];
	tmp = s->line;
	s->line = d->linebuf;
	d->linebuf = tmp;
	/* pointers into the line are still valid: the buffer moved, not the bytes */
	tb_event_clear(&s->ev);
	tb_dec_frames_reset(&s->frames);
	s->lineno = d->lineno;
	s->complete = 0;
	s->has_stack = 0;
	s->ev.ts_ns = c.ts;
	s->ev.cpu = c.cpu;
	s->ev.pid = c.pid;
	((char *)c.comm)[c.comm_len] = '\0';
	{
		/* "instance:   comm" when trace-cmd shows several buffers (report lines
		 * pasted without their header are read as ftrace text: both modes) */
		char *colon = strchr(c.comm, ':');

		if (colon && colon[1] == ' ' && !memchr(c.comm, ' ', (size_t)(colon - c.comm))) {
			c.comm = colon + 1;
			while (*c.comm == ' ')
				c.comm++;
		}
	}
	s->ev.comm = c.comm;

	/* "name: rest" or "func <-parent" */
	p = body;
	while (is_name_char((unsigned char)*p))
		p++;
	if (p > body && *p == ':' && (p[1] == ' ' || p[1] == '\0')) {
		char *rest = p + 1;
		const char *iname;

		*p = '\0';
		while (*rest == ' ')
			rest++;
		iname = tb_dec_intern(d, body, (size_t)(p - body));
		if (!iname)
			return -1;
		if (iname == ft->i_function && strstr(rest, " <-")) {
			if (parse_function(d, ft, &s->ev, rest))
				goto bad;
		} else {
			int looks_kprobe = *rest == '(' && probe_shape(rest);

			s->ev.name = iname;
			s->ev.system = tb_dec_system_for(d, iname, looks_kprobe);
			if (looks_kprobe && s->ev.system == ft->i_kprobes) {
				parse_kprobe(d, ft, &s->ev, rest);
			} else {
				/* libtraceevent's kmem plugin: "(sym+0x10d) call_site=..." */
				if (*rest == '(' && strchr(rest, ')'))
					rest = strchr(rest, ')') + 1;
				tb_dec_fields(d, &s->ev, rest);
			}
			tb_dec_ptr_quality(d, &s->ev);
		}
	} else if (strstr(body, " <-")) {
		if (parse_function(d, ft, &s->ev, body))
			goto bad;
	} else {
		goto bad;
	}
	ft->count++;
	return drain(d, ft, 0);
bad:
	tb_dec_malformed(d, body, strlen(body), "empty function or caller");
	return drain(d, ft, 0);
}

static int ft_finish(struct tb_decoder *d)
{
	struct ft *ft = d->priv;

	end_collect(ft);
	return drain(d, ft, 1);
}

static void ft_free(struct tb_decoder *d)
{
	struct ft *ft = d->priv;
	unsigned i;

	if (!ft)
		return;
	for (i = 0; i < FT_WINDOW; i++) {
		strbuf_release(&ft->slots[i].line);
		tb_dec_frames_release(&ft->slots[i].frames);
	}
	free(ft->slots);
	free(ft);
	d->priv = NULL;
}

static const struct tb_decoder_ops ft_ops = {
	.line = ft_line,
	.finish = ft_finish,
	.free = ft_free,
};

int tb_ftrace_text_init(struct tb_decoder *d, int tracecmd)
{
	struct ft *ft = calloc(1, sizeof(*ft));

	if (!ft)
		return -1;
	ft->slots = calloc(FT_WINDOW, sizeof(*ft->slots));
	if (!ft->slots) {
		free(ft);
		return -1;
	}
	ft->tracecmd = tracecmd;
	ft->collecting = FT_COLLECT_NONE;
	ft->i_ftrace = tb_intern("ftrace");
	ft->i_kprobes = tb_intern("kprobes");
	ft->i_function = tb_intern("function");
	ft->i_ip = tb_intern("ip");
	ft->i_parent_ip = tb_intern("parent_ip");
	ft->i_probe_ip = tb_intern("__probe_ip");
	ft->i_probe_ret_ip = tb_intern("__probe_ret_ip");
	ft->i_probe_func = tb_intern("__probe_func");
	if (!ft->i_probe_func) {
		free(ft->slots);
		free(ft);
		return -1;
	}
	d->priv = ft;
	d->ops = &ft_ops;
	return 0;
}
