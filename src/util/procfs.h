/*
 * procfs.h - the one place /proc memory snapshots are known: the table of snapshot
 * kinds (slabinfo, meminfo, vmstat, buddyinfo: recipes, capture, growth and
 * `tracebook slabs` all take their list from it) and the parsers for what an engineer
 * takes or brings back: /proc/slabinfo (version 2.x, SLAB and SLUB), `slabtop -o`,
 * crash's `kmem -s`, /proc/meminfo, /proc/vmstat and /proc/buddyinfo.  Pure text in,
 * rows out (kernel/meminfo.c reads the live files with them); errors name file:line,
 * the offending text and what was expected.
 */
#ifndef TB_UTIL_PROCFS_H
#define TB_UTIL_PROCFS_H

#include <stddef.h>
#include <stdint.h>

/* The snapshot kinds, in the order reports list them.  Adding one starts here. */
enum tb_proc_kind {
	TB_PROC_NONE = -1,
	TB_PROC_SLABINFO,
	TB_PROC_MEMINFO,
	TB_PROC_VMSTAT,
	TB_PROC_BUDDYINFO,
	TB_PROC_KINDS
};

struct tb_proc_kind_info {
	const char *name;		/* the file under /proc, and the recipe's word */
	/* 1 if line starts a section of this kind in a bundle (`cat /proc/slabinfo /proc/meminfo`) */
	int (*starts)(const char *line);
};

extern const struct tb_proc_kind_info tb_proc_kinds[TB_PROC_KINDS];

/* The kind called name ("meminfo"), or TB_PROC_NONE. */
enum tb_proc_kind tb_proc_kind(const char *name);
/* "slabinfo, meminfo, vmstat or buddyinfo", for messages. */
const char *tb_proc_kinds_text(void);
/*
 * The kind whose section line starts in a bundle, else cur (the section goes on).
 * A buddyinfo section starts once: its "Node 0, zone" lines all belong to it.
 */
enum tb_proc_kind tb_proc_section_start(const char *line, enum tb_proc_kind cur);

enum tb_slab_format {
	TB_SLABFMT_UNKNOWN,
	TB_SLABFMT_PROC,	/* /proc/slabinfo */
	TB_SLABFMT_SLABTOP,	/* slabtop -o */
	TB_SLABFMT_KMEM,	/* crash> kmem -s */
};

struct tb_slab_row {
	char *name;
	uint64_t active_objs;	/* allocated objects */
	uint64_t num_objs;	/* objects in slabs (allocated + free) */
	uint32_t objsize;	/* bytes (slabtop: rounded from "0.12K") */
	uint32_t objperslab;
	uint32_t pagesperslab;	/* 0 when the format does not say */
	uint64_t slabs;		/* slabs in the cache */
	uint64_t size_bytes;	/* memory held by the cache's slabs */
	int line;		/* line in the input */
};

struct tb_slabinfo {
	enum tb_slab_format format;
	struct tb_slab_row *rows;
	size_t n, alloc;
	uint64_t wall_ns;	/* time the file says it was taken; 0 when it does not */
};

/* The format's name for messages: "/proc/slabinfo", "slabtop -o", "kmem -s". */
const char *tb_slab_format_name(enum tb_slab_format f);

/**
 * tb_slabinfo_parse() - parse slabinfo, slabtop -o or kmem -s text (detected).
 * @text: the file's contents
 * @origin: file name for messages (NULL: "<slabinfo>")
 * @out: filled (release with tb_slabinfo_release(), also after failure)
 *
 * Lines before the header may carry the time the file was taken: the output of
 * `date` ("Sun Nov 22 12:31:46 UTC 2026"), `date +%s`, ISO 8601
 * ("2026-11-22T12:31:46Z", "2026-11-22 12:31:46"), or "# time: <any of those>";
 * crash's "crash> " prompts and "kmem: ..." warnings are skipped.
 * Every malformed line is reported as "origin:line: ... 'text': expected ...".
 * Returns 0, or -TB_EXIT_BADINPUT (after printing), or -ENOMEM.
 */
int tb_slabinfo_parse(const char *text, const char *origin, struct tb_slabinfo *out);
void tb_slabinfo_release(struct tb_slabinfo *si);
/* The row named @name, or NULL. */
const struct tb_slab_row *tb_slabinfo_find(const struct tb_slabinfo *si, const char *name);

/**
 * tb_parse_wall_time() - parse a line that gives a time (formats as above).
 * Returns 0 and *ns (ns since the epoch; a `date` zone name other than UTC/GMT is
 * ignored, which is fine for the difference of two files from one box), or -1.
 */
int tb_parse_wall_time(const char *line, uint64_t *ns);

/* name/value pairs: meminfo (kB values as bytes? no: as printed, with unit), vmstat. */
struct tb_kv {
	char *key;
	int64_t value;		/* meminfo: kB; vmstat: the counter */
};

struct tb_kvlist {
	struct tb_kv *v;
	size_t n, alloc;
	uint64_t wall_ns;	/* from a leading time line; 0 if none */
};

/**
 * tb_meminfo_parse() - /proc/meminfo ("Slab:   123456 kB"): values in kB.
 * Lines without a unit (HugePages_Total) are kept as numbers.  Returns 0 or
 * -TB_EXIT_BADINPUT after printing origin:line.
 */
int tb_meminfo_parse(const char *text, const char *origin, struct tb_kvlist *out);
/** tb_vmstat_parse() - /proc/vmstat ("compact_stall 12"): every counter. */
int tb_vmstat_parse(const char *text, const char *origin, struct tb_kvlist *out);
void tb_kvlist_release(struct tb_kvlist *l);
/* Value of key, or @dflt when absent; *found (may be NULL) says whether it was there. */
int64_t tb_kv_get(const struct tb_kvlist *l, const char *key, int64_t dflt, int *found);

/**
 * tb_vmstat_sum() - a reclaim counter under either naming: 3.10 has `allocstall` and
 * per-zone `pgsteal_direct_<zone>`; 4.19+ per-zone `allocstall_<zone>` and a single
 * `pgsteal_direct`.  Returns the counter, or the sum of its `<base>_<zone>` counters;
 * *found says whether any existed.
 */
int64_t tb_vmstat_sum(const struct tb_kvlist *l, const char *base, int *found);

#define TB_BUDDY_MAX_ORDER 16

struct tb_buddy_zone {
	int node;
	char zone[16];
	unsigned norders;
	uint64_t free[TB_BUDDY_MAX_ORDER];	/* free blocks per order */
};

struct tb_buddyinfo {
	struct tb_buddy_zone *zones;
	size_t n, alloc;
	uint64_t wall_ns;
};

/** tb_buddyinfo_parse() - /proc/buddyinfo ("Node 0, zone   Normal  12 5 ..."). */
int tb_buddyinfo_parse(const char *text, const char *origin, struct tb_buddyinfo *out);
void tb_buddyinfo_release(struct tb_buddyinfo *b);

/*
 * tb_slab_header() - the slab listing a header line starts: "slabinfo - version:"
 * (/proc/slabinfo), slabtop's "OBJS ACTIVE USE OBJ SIZE ..." or its "Active / Total
 * Objects" summary, crash's "CACHE ... OBJSIZE ALLOCATED ..." (*name_last, may be NULL:
 * the NAME column is the last).  TB_SLABFMT_UNKNOWN for any other line.
 */
enum tb_slab_format tb_slab_header(const char *line, int *name_last);

#endif
