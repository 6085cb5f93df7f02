/*
 * cmdlines.c - the kernel's saved_cmdlines into a pid -> comm table (cmdlines.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/cmdlines.h"
#include "util/alloc.h"
#include "util/fileio.h"
#include "util/strbuf.h"

static size_t pos(const struct tb_cmdlines *m, int32_t pid, int *found)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->v[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < m->n && m->v[lo].pid == pid;
	return lo;
}

static int put(struct tb_cmdlines *m, int32_t pid, const char *comm, size_t len)
{
	int found;
	size_t at = pos(m, pid, &found);

	if (!found) {
		if (ALLOC_GROW(m->v, m->n + 1, m->alloc))
			return -1;
		memmove(m->v + at + 1, m->v + at, (m->n - at) * sizeof(*m->v));
		m->n++;
		m->v[at].pid = pid;
	}
	if (len >= sizeof(m->v[at].comm))
		len = sizeof(m->v[at].comm) - 1;
	memcpy(m->v[at].comm, comm, len);
	m->v[at].comm[len] = 0;
	return 0;
}

int tb_cmdlines_parse(struct tb_cmdlines *m, const char *text)
{
	const char *p = text;

	while (p && *p) {
		const char *eol = strchr(p, '\n'), *c;
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *end;
		long pid = strtol(p, &end, 10);

		/* "PID COMM": COMM may hold spaces; "<...>" is the kernel's unknown name */
		c = end;
		if (end != p && pid > 0 && pid <= INT32_MAX && *c == ' ' && (size_t)(c + 1 - p) < len &&
		    strncmp(c + 1, "<...>", 5) && put(m, (int32_t)pid, c + 1, len - (size_t)(c + 1 - p)))
			return -1;
		p = eol ? eol + 1 : NULL;
	}
	return 0;
}

int tb_cmdlines_read(struct tb_cmdlines *m, const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	char path[4200];
	int r;

	snprintf(path, sizeof(path), "%s/saved_cmdlines", dir);
	r = tb_read_file(path, &sb);
	if (r == 0)
		r = tb_cmdlines_parse(m, strbuf_str(&sb));
	strbuf_release(&sb);
	return r < 0 ? -1 : 0;
}

const char *tb_cmdlines_comm(const struct tb_cmdlines *m, int32_t pid)
{
	int found;
	size_t at = pos(m, pid, &found);

	return found ? m->v[at].comm : NULL;
}

void tb_cmdlines_free(struct tb_cmdlines *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}
