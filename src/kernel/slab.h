/*
 * slab.h - the SLUB sysfs tree (/sys/kernel/slab): which caches exist, which names are
 * merged into which cache (aliases), and the state of a cache's `trace` toggle.
 *
 * A mergeable cache's directory is a unique id (3.10: ":t-0000256", 4.19+: ":0000256",
 * ":A-0000064"); every name merged into it, its own first name included, is a symlink
 * to that directory.  An unmergeable cache's directory carries its own name.  The name
 * /proc/slabinfo shows for a merged cache (the "primary", the kernel's s->name, also the
 * name SLUB TRACE log lines print) is not in sysfs: tb_slab_load() takes it from
 * <root>/proc/slabinfo when that is readable, else tb_slab_set_primaries() can.
 *
 * TRACEBOOK_ROOT=DIR (tests, offline trees) makes the tree DIR/sys/kernel/slab.
 *
 * Typical planner use:
 *	struct tb_slab_tree t;
 *	const struct tb_slab_cache *c;
 *	struct tb_slab_trace st;
 *	if (tb_slab_load(&t, NULL) == 0) {
 *		c = tb_slab_resolve(&t, "ip6_dst_cache");	// NULL: no such cache
 *		if (c && tb_slab_trace_state(&t, c, &st) == 0 && !st.writable) ...
 *		tb_slab_release(&t);
 *	}
 */
#ifndef TB_KERNEL_SLAB_H
#define TB_KERNEL_SLAB_H

#include <stddef.h>
#include "util/strbuf.h"
#include "util/strlist.h"

struct tb_slab_cache {
	char *dir;		/* directory name: "kmalloc-8k", ":0000256", ":t-0000256" */
	char *primary;		/* name /proc/slabinfo shows; NULL when not known */
	struct strlist names;	/* every symlink name that points here, sorted */
	int merged;		/* dir is a unique id ("mergeable" cache) */
	long object_size;	/* the object_size attribute, -1 when unreadable */
	long aliases;		/* the aliases attribute (merged names - 1), -1 when unreadable */
};

struct tb_slab_tree {
	char *path;			/* ".../sys/kernel/slab" */
	struct tb_slab_cache *caches;	/* sorted by dir */
	size_t n;
	struct strlist dangling;	/* symlinks whose target is not a cache dir */
	int have_primaries;		/* primaries came from slabinfo */
	int from_listing;		/* built from `ls -l` text: no attributes to read */
};

#define TB_SLAB_TREE_INIT { NULL, NULL, 0, STRLIST_INIT, 0, 0 }

/**
 * tb_slab_path() - the sysfs slab directory tracebook uses.
 * @buf: output buffer
 * @size: its size
 *
 * "$TRACEBOOK_ROOT/sys/kernel/slab" when TRACEBOOK_ROOT is set, else "/sys/kernel/slab".
 * Returns @buf.
 */
char *tb_slab_path(char *buf, size_t size);

/**
 * tb_slab_proc_path() - a /proc file under TRACEBOOK_ROOT (like tb_slab_path()).
 * @name: "slabinfo", "meminfo", "vmstat", "buddyinfo"
 * @buf: output buffer
 * @size: its size
 *
 * Returns @buf ("/proc/<name>" or "$TRACEBOOK_ROOT/proc/<name>").
 */
char *tb_slab_proc_path(const char *name, char *buf, size_t size);

/**
 * tb_slab_load() - read a SLUB sysfs tree.
 * @t: tree to fill (release with tb_slab_release(), also after failure)
 * @dir: the slab directory; NULL for tb_slab_path()
 *
 * Lists every cache directory, resolves every symlink to the cache it names, reads
 * object_size and aliases, and sets primaries from the slabinfo next to the tree
 * (<root>/proc/slabinfo) when readable.  Nothing is printed.
 * Returns 0; -ENOENT when there is no slab directory (SLAB allocator, SLOB, or no
 * sysfs), another -errno when it cannot be read.
 */
int tb_slab_load(struct tb_slab_tree *t, const char *dir);

/**
 * tb_slab_load_listing() - build a tree from `ls -l /sys/kernel/slab` text.
 * @t: tree to fill (release with tb_slab_release())
 * @text: the listing (lines "lrwxrwxrwx ... NAME -> :0000256", "drwxr-xr-x ... NAME")
 * @origin: file name for messages
 *
 * For files brought back from a box.  Returns 0, or -TB_EXIT_BADINPUT after printing
 * "origin:line: ..." for a line that is not part of an ls -l listing.
 */
int tb_slab_load_listing(struct tb_slab_tree *t, const char *text, const char *origin);

/** tb_slab_release() - free what tb_slab_load() allocated; @t can be reloaded. */
void tb_slab_release(struct tb_slab_tree *t);

/**
 * tb_slab_set_primaries() - tell the tree which names /proc/slabinfo lists.
 * @t: the tree
 * @names: the names (first column of slabinfo rows)
 * @n: how many
 *
 * A merged cache whose names include one of @names gets it as primary.
 */
void tb_slab_set_primaries(struct tb_slab_tree *t, char *const *names, size_t n);

/**
 * tb_slab_resolve() - the cache that really holds @name.
 * @t: the tree
 * @name: a cache name (primary or alias) or a directory id (":0000256")
 *
 * Returns the cache, or NULL when no such name exists in the tree.
 */
const struct tb_slab_cache *tb_slab_resolve(const struct tb_slab_tree *t, const char *name);

/**
 * tb_slab_name() - the name to show for a cache: its primary, else its only name,
 * else its directory id.
 */
const char *tb_slab_name(const struct tb_slab_cache *c);

/**
 * tb_slab_is_alias() - 1 if @name resolves to @c but is not the name shown for it.
 */
int tb_slab_is_alias(const struct tb_slab_cache *c, const char *name);

/**
 * tb_slab_format_aliases() - append the names merged into @c, comma-separated, at
 * most @max of them then "+N more" (max 0: all).
 * @c: the cache
 * @except: the name the caller shows for @c, left out (NULL: tb_slab_name(c))
 * @out: appended to
 * @max: names to print at most
 *
 * Returns how many names were listed or counted.
 */
size_t tb_slab_format_aliases(const struct tb_slab_cache *c, const char *except,
			      struct strbuf *out, size_t max);

struct tb_slab_trace {
	int exists;	/* the trace attribute exists (CONFIG_SLUB_DEBUG) */
	int value;	/* 0 or 1; -1 when it could not be read */
	int writable;	/* mode has an owner-write bit (3.10-5.8); 0 on 5.9+ (0400) */
	int merged;	/* the cache holds other names: 4.19-5.8 refuse a write (EINVAL) */
	unsigned mode;	/* st_mode & 07777 */
};

/**
 * tb_slab_trace_state() - the state of @c's `trace` file.
 * @t: the tree @c came from
 * @c: the cache
 * @st: filled
 *
 * Returns 0 (st->exists may be 0), or -errno when the directory cannot be examined
 * (-ENOENT for a tree built from a listing).
 */
int tb_slab_trace_state(const struct tb_slab_tree *t, const struct tb_slab_cache *c,
			struct tb_slab_trace *st);

/**
 * tb_slab_attr_path() - path of attribute @attr of @c ("trace", "object_size").
 * Returns @buf.
 */
char *tb_slab_attr_path(const struct tb_slab_tree *t, const struct tb_slab_cache *c,
			const char *attr, char *buf, size_t size);

#endif
