/*
 * event.c - field access helpers of the normalized event; see event.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "event/event.h"

const struct tb_field *tb_event_field_slow(const struct tb_event *ev, const char *name)
{
	unsigned i;

	for (i = 0; i < ev->nfields; i++)
		if (!strcmp(ev->fields[i].name, name))
			return &ev->fields[i];
	return ev->more ? ev->more->field(ev->more->ctx, name) : NULL;
}

int tb_field_u64_str(const struct tb_field *f, int base_hint, uint64_t *out)
{
	const char *s;
	char *end;
	int base = base_hint;

	if (f->type & TB_FV_NUM) {
		*out = f->num;
		return 0;
	}
	s = f->str;
	while (*s == ' ')
		s++;
	if (!strcmp(s, "(null)")) {
		*out = 0;
		return 0;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -1;
	errno = 0;
	*out = strtoull(s, &end, base);
	if (errno || end == s || *end)
		return -1;
	return 0;
}

static struct tb_field *add_field(struct tb_event *ev, const char *iname)
{
	struct tb_field *f;

	if (ev->nfields >= TB_EV_MAX_FIELDS)
		return NULL;
	f = &ev->fields[ev->nfields++];
	f->name = iname;
	f->type = 0;
	f->num = 0;
	f->str = NULL;
	return f;
}

int tb_event_add_num(struct tb_event *ev, const char *iname, uint64_t num)
{
	struct tb_field *f = add_field(ev, iname);

	if (!f)
		return -1;
	f->type = TB_FV_NUM;
	f->num = num;
	return 0;
}

int tb_event_add_str(struct tb_event *ev, const char *iname, const char *str)
{
	struct tb_field *f = add_field(ev, iname);

	if (!f)
		return -1;
	f->type = TB_FV_STR;
	f->str = str;
	return 0;
}

void tb_event_clear(struct tb_event *ev)
{
	memset(ev, 0, offsetof(struct tb_event, fields));
	ev->cpu = -1;
	ev->pid = -1;
}
