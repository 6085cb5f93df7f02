/*
 * intern.c - the string intern table (open addressing over an arena of strings).
 */
#include <stdlib.h>
#include <string.h>
#include "util/intern.h"

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	char data[];
};

static const char **slots;
static size_t nslots, nused;
static struct arena_block *blocks;

static char *arena_copy(const char *s, size_t len)
{
	struct arena_block *b = blocks;
	char *p;

	if (!b || b->size - b->used < len + 1) {
		size_t sz = len + 1 > 16384 ? len + 1 : 16384;

		b = malloc(sizeof(*b) + sz);
		if (!b)
			return NULL;
		b->used = 0;
		b->size = sz;
		b->next = blocks;
		blocks = b;
	}
	p = b->data + b->used;
	memcpy(p, s, len);
	p[len] = '\0';
	b->used += len + 1;
	return p;
}

static int rehash(void)
{
	size_t n = nslots ? nslots * 2 : 1024, i;
	const char **ns = calloc(n, sizeof(*ns));

	if (!ns)
		return -1;
	for (i = 0; i < nslots; i++) {
		const char *s = slots[i];
		size_t j;

		if (!s)
			continue;
		j = tb_hash_bytes(s, strlen(s)) & (n - 1);
		while (ns[j])
			j = (j + 1) & (n - 1);
		ns[j] = s;
	}
	free(slots);
	slots = ns;
	nslots = n;
	return 0;
}

const char *tb_intern_n(const char *s, size_t len)
{
	size_t j;

	if ((nused + 1) * 2 > nslots && rehash())
		return NULL;
	j = tb_hash_bytes(s, len) & (nslots - 1);
	while (slots[j]) {
		if (!strncmp(slots[j], s, len) && slots[j][len] == '\0')
			return slots[j];
		j = (j + 1) & (nslots - 1);
	}
	slots[j] = arena_copy(s, len);
	if (!slots[j])
		return NULL;
	nused++;
	return slots[j];
}

const char *tb_intern(const char *s)
{
	return tb_intern_n(s, strlen(s));
}

void tb_intern_reset(void)
{
	while (blocks) {
		struct arena_block *b = blocks;

		blocks = b->next;
		free(b);
	}
	free(slots);
	slots = NULL;
	nslots = nused = 0;
}
