/*
 * format.h - an event's format file (events/SYS/NAME/format) as text: its fields (name,
 * type, size, sign, string or not) and its print fmt string.  One parser for the kernel
 * capabilities (caps.c: how kmem pointers print, which fields an event has) and the
 * planner's filter checks (plan/plan-check.c).  Binary decoding uses libtraceevent.
 */
#ifndef TB_KERNEL_FORMAT_H
#define TB_KERNEL_FORMAT_H

/* One "field:" line. */
struct tb_fmt_field {
	char name[64];
	char type[96];		/* the declaration without the name: "unsigned long", "char[]" */
	unsigned size;
	int is_signed, is_string;
};

struct tb_format {
	struct tb_fmt_field *v;
	unsigned n;
	char print_fmt[512];	/* the quoted string after "print fmt:", "" if none or longer */
};

/*
 * tb_format_parse - the fields and print fmt of a format file's text into f (zeroed
 * first).  Returns 0, or -ENOMEM (the fields parsed so far are kept in f).
 */
int tb_format_parse(const char *text, struct tb_format *f);
/* The field called name, or NULL. */
const struct tb_fmt_field *tb_format_field(const struct tb_format *f, const char *name);
void tb_format_release(struct tb_format *f);

#endif
