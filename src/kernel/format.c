/*
 * format.c - the text of an event's format file parsed into fields and print fmt
 * (see format.h).  Reads what every kernel since 3.10 writes:
 *	field:unsigned long call_site;	offset:8;	size:8;	signed:0;
 *	field:__data_loc char[] name;	offset:32;	size:4;	signed:0;
 *	print fmt: "call_site=%pS ptr=%p ...", REC->call_site, ...
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/format.h"

/* Fill x from the declaration between decl and semi ("type name" or "type name[N]"). */
static void parse_decl(struct tb_fmt_field *x, const char *decl, const char *semi)
{
	const char *e = semi, *s, *nm;

	while (e > decl && isspace((unsigned char)e[-1]))
		e--;
	/*
	 * An array suffix follows the name ("char comm[16]"); in "__data_loc char[]
	 * name" the brackets belong to the type and the name comes last.
	 */
	if (e > decl && e[-1] == ']') {
		s = e;
		while (s > decl && s[-1] != '[')
			s--;
		if (s > decl) {
			e = s - 1;
			x->is_string = 1;
		}
		while (e > decl && isspace((unsigned char)e[-1]))
			e--;
	}
	nm = e;
	while (nm > decl && (isalnum((unsigned char)nm[-1]) || nm[-1] == '_'))
		nm--;
	snprintf(x->name, sizeof(x->name), "%.*s", (int)(e - nm), nm);
	snprintf(x->type, sizeof(x->type), "%.*s", (int)(nm - decl), decl);
	while (*x->type && isspace((unsigned char)x->type[strlen(x->type) - 1]))
		x->type[strlen(x->type) - 1] = '\0';
	if (!strstr(x->type, "char"))
		x->is_string = 0;
	if (strstr(x->type, "__data_loc") && strstr(x->type, "char"))
		x->is_string = 1;
	if (strstr(x->type, "char *") || strstr(x->type, "char*"))
		x->is_string = 1;
}

/**
 * tb_format_parse - fields and print fmt of a format file's text (see format.h).
 */
int tb_format_parse(const char *text, struct tb_format *f)
{
	const char *p = text, *pf = strstr(text, "print fmt:");

	memset(f, 0, sizeof(*f));
	if (pf) {
		const char *q = strchr(pf, '"'), *e = q ? strchr(q + 1, '"') : NULL;

		if (q && e && (size_t)(e - q) < sizeof(f->print_fmt)) {
			memcpy(f->print_fmt, q + 1, (size_t)(e - q - 1));
			f->print_fmt[e - q - 1] = '\0';
		}
	}
	while ((p = strstr(p, "field:"))) {
		const char *decl = p + 6, *semi = strchr(decl, ';'), *s;
		struct tb_fmt_field *nf, *x;

		if (!semi)
			break;
		nf = realloc(f->v, (f->n + 1) * sizeof(*f->v));
		if (!nf)
			return -ENOMEM;
		f->v = nf;
		x = &f->v[f->n];
		memset(x, 0, sizeof(*x));
		parse_decl(x, decl, semi);
		if ((s = strstr(semi, "size:")) != NULL)
			x->size = (unsigned)strtoul(s + 5, NULL, 10);
		if ((s = strstr(semi, "signed:")) != NULL)
			x->is_signed = s[7] == '1';
		p = semi;
		f->n++;
	}
	return 0;
}

const struct tb_fmt_field *tb_format_field(const struct tb_format *f, const char *name)
{
	unsigned i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].name, name))
			return &f->v[i];
	return NULL;
}

void tb_format_release(struct tb_format *f)
{
	free(f->v);
	f->v = NULL;
	f->n = 0;
}
