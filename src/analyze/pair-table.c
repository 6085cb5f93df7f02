/*
 * pair-table.c - the compact open-addressing tables behind the analyzers: one record
 * per outstanding object (keyed by pointer/pfn/object), and small composite-key maps
 * for groups and counters.  See analysis-local.h.
 */
#include <stdlib.h>
#include <string.h>
#include "analyze/analysis-local.h"
#include "util/intern.h"

#define OTAB_MIN_CAP 64

void tb_otab_init(struct tb_otab *t, size_t rsz)
{
	t->slots = NULL;
	t->cap = 0;
	t->n = 0;
	t->rsz = rsz;
}

void tb_otab_release(struct tb_otab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->n = 0;
}

/*
 * Record sizes the analyzers use (struct tb_pobj and the early-free record: 24; struct
 * tb_pmap_rec: 32) get a constant size here, so clearing or moving a record is a few
 * stores and finding its index a multiply, not a call to memset or memcpy and a
 * division (per allocation and free).
 */
static inline void clear_rec(const struct tb_otab *t, void *rec)
{
	if (t->rsz == 24)
		memset(rec, 0, 24);
	else if (t->rsz == 32)
		memset(rec, 0, 32);
	else
		memset(rec, 0, t->rsz);
}

static inline void copy_rec(const struct tb_otab *t, void *to, const void *from)
{
	if (t->rsz == 24)
		memcpy(to, from, 24);
	else if (t->rsz == 32)
		memcpy(to, from, 32);
	else
		memcpy(to, from, t->rsz);
}

static inline size_t rec_index(const struct tb_otab *t, const void *rec)
{
	size_t off = (size_t)((const unsigned char *)rec - t->slots);

	if (t->rsz == 24)
		return off / 24;
	if (t->rsz == 32)
		return off / 32;
	return off / t->rsz;
}

static size_t home(const struct tb_otab *t, uint64_t key)
{
	return (size_t)tb_hash_u64(key) & (t->cap - 1);
}

static int otab_resize(struct tb_otab *t, size_t ncap)
{
	unsigned char *ns = calloc(ncap, t->rsz);
	unsigned char *old = t->slots;
	size_t ocap = t->cap, i;

	if (!ns)
		return -1;
	t->slots = ns;
	t->cap = ncap;
	for (i = 0; i < ocap; i++) {
		unsigned char *rec = old + i * t->rsz;
		uint64_t k = tb_otab_key(rec);
		size_t j;

		if (!k)
			continue;
		j = home(t, k);
		while (tb_otab_key(tb_otab_slot(t, j)))
			j = (j + 1) & (ncap - 1);
		memcpy(tb_otab_slot(t, j), rec, t->rsz);
	}
	free(old);
	return 0;
}

void *tb_otab_find(const struct tb_otab *t, uint64_t key)
{
	size_t j;

	if (!t->cap || !key)
		return NULL;
	j = home(t, key);
	for (;;) {
		void *rec = tb_otab_slot(t, j);
		uint64_t k = tb_otab_key(rec);

		if (k == key)
			return rec;
		if (!k)
			return NULL;
		j = (j + 1) & (t->cap - 1);
	}
}

void *tb_otab_insert(struct tb_otab *t, uint64_t key, int *existed)
{
	void *rec = NULL;
	size_t j;

	if (existed)
		*existed = 0;
	if (!key)
		return NULL;
	/* one probe finds the key or the empty slot it goes in (no second walk) */
	if (t->cap) {
		for (j = home(t, key);; j = (j + 1) & (t->cap - 1)) {
			uint64_t k;

			rec = tb_otab_slot(t, j);
			k = tb_otab_key(rec);
			if (k == key) {
				if (existed)
					*existed = 1;
				return rec;
			}
			if (!k)
				break;
		}
	}
	if ((t->n + 1) * 4 > t->cap * 3) {
		if (otab_resize(t, t->cap ? t->cap * 2 : OTAB_MIN_CAP))
			return NULL;
		j = home(t, key);
		while (tb_otab_key(tb_otab_slot(t, j)))
			j = (j + 1) & (t->cap - 1);
		rec = tb_otab_slot(t, j);
	}
	clear_rec(t, rec);
	memcpy(rec, &key, sizeof(key));
	t->n++;
	return rec;
}

/* 1 if h lies cyclically in (i, j]. */
static int in_range(size_t h, size_t i, size_t j)
{
	return i <= j ? (i < h && h <= j) : (i < h || h <= j);
}

void tb_otab_delete(struct tb_otab *t, void *rec)
{
	size_t i = rec_index(t, rec), j = i;

	for (;;) {
		void *r;
		uint64_t k;

		j = (j + 1) & (t->cap - 1);
		r = tb_otab_slot(t, j);
		k = tb_otab_key(r);
		if (!k)
			break;
		if (in_range(home(t, k), i, j))
			continue;
		copy_rec(t, tb_otab_slot(t, i), r);
		i = j;
	}
	clear_rec(t, tb_otab_slot(t, i));
	t->n--;
}

struct tb_pmap_rec *tb_pmap_get(struct tb_otab *t, const void *a, const void *b,
				uint64_t c, int create)
{
	uint64_t h = tb_hash_u64((uint64_t)(uintptr_t)a ^
				 tb_hash_u64((uint64_t)(uintptr_t)b ^ tb_hash_u64(c + 1)));

	/* 64-bit hash collisions are resolved by probing h+1, h+2, ... (no deletion). */
	for (;; h++) {
		struct tb_pmap_rec *r;
		int existed;

		if (!h)
			continue;
		r = create ? tb_otab_insert(t, h, &existed) : tb_otab_find(t, h);
		if (!r)
			return NULL;
		if (create && !existed) {
			r->a = a;
			r->b = b;
			r->c = c;
			r->val = 0;
			return r;
		}
		if (r->a == a && r->b == b && r->c == c)
			return r;
	}
}
