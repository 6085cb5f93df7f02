/*
 * folded.c - outstanding bytes per stack in FlameGraph's folded format
 * ("outer;...;inner BYTES", one line per stack, outermost frame first), written
 * atomically.  Groups without a stack contribute "pair;site".  Groups with no bytes
 * (pairs without a size field) contribute their object count instead.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "report/report-local.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

/* Frames may not contain the separators of the format. */
static void frame(struct strbuf *sb, const char *f)
{
	for (; *f; f++)
		strbuf_addch(sb, *f == ';' ? ':' : *f == '\n' ? ' ' : *f);
}

int tb_report_folded_string(const struct tb_report *rep, struct strbuf *out)
{
	size_t i, j;

	for (i = 0; i < rep->npairs; i++) {
		const struct tb_rpair *p = &rep->pairs[i];

		for (j = 0; j < p->nsites; j++) {
			const struct tb_rsite *s = &p->sites[j];
			uint64_t value = p->bytes ? s->bytes : s->count;
			unsigned k;

			if (!value)
				continue;
			frame(out, p->label);
			if (s->by) {
				strbuf_addch(out, ';');
				frame(out, s->by);
			}
			if (s->nstack) {
				for (k = s->nstack; k-- > 0;) {
					strbuf_addch(out, ';');
					frame(out, s->stack[k]);
				}
			} else {
				strbuf_addch(out, ';');
				frame(out, s->site);
			}
			strbuf_addf(out, " %" PRIu64 "\n", value);
		}
	}
	return strbuf_failed(out) ? -1 : 0;
}

int tb_report_write_folded(const struct tb_report *rep, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	if (tb_report_folded_string(rep, &sb)) {
		strbuf_release(&sb);
		return tb_error("out of memory writing folded stacks");
	}
	r = tb_write_file_atomic(path, sb.buf, sb.len);
	strbuf_release(&sb);
	if (r < 0)
		return tb_error("cannot write folded stacks to %s: %s (nothing was replaced)",
				path, strerror(-r));
	return 0;
}
