/*
 * parse-gen.c - writes N bytes of 6.x-style trace_pipe text of kmem events to stdout,
 * for bench/parse.sh: kmalloc / kmem_cache_alloc with hashed pointers, and their
 * frees a little later (so outstanding objects stay bounded: ~1 in 64 leaks), over
 * 4 CPUs and a few hundred call sites.  Deterministic (fixed seed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define LIVE 4096

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int main(int argc, char **argv)
{
	static const char *comms[] = { "bash", "kworker/0:1", "systemd-journal", "Web Content", "sshd" };
	static const char *sites[] = { "alloc_netdev_mqs", "seq_open", "kernfs_new_node", "__alloc_skb",
				       "alloc_fdtable", "getname_flags", "vm_area_dup", "security_prepare_creds" };
	uint64_t want = argc > 1 ? strtoull(argv[1], NULL, 10) : 100000000ULL, done = 0;
	uint64_t live_ptr[LIVE] = { 0 }, ts = 1000000000ULL;
	unsigned live_site[LIVE] = { 0 };
	char buf[512];

	while (done < want) {
		unsigned slot = (unsigned)(next() % LIVE), cpu = (unsigned)(next() % 4);
		unsigned c = (unsigned)(next() % 5);
		int n;

		ts += 1 + next() % 3;
		if (live_ptr[slot] && (next() % 64)) {
			n = snprintf(buf, sizeof(buf), "%16s-%-7u [%03u] ..... %5llu.%06llu: kfree: "
				     "call_site=%s+0x%x/0x200 ptr=%016llx\n", comms[c], 100 + c, cpu,
				     (unsigned long long)(ts / 1000000), (unsigned long long)(ts % 1000000),
				     sites[live_site[slot] % 8], 0x40 + live_site[slot] % 64,
				     (unsigned long long)live_ptr[slot]);
			live_ptr[slot] = 0;
		} else {
			unsigned site = (unsigned)(next() % 300);
			unsigned sz = 8u << (next() % 9);

			live_ptr[slot] = next() & 0xffffffffULL;
			if (!live_ptr[slot])
				live_ptr[slot] = 1;
			live_site[slot] = site;
			n = snprintf(buf, sizeof(buf), "%16s-%-7u [%03u] ..... %5llu.%06llu: kmalloc: "
				     "call_site=%s+0x%x/0x200 ptr=%016llx bytes_req=%u bytes_alloc=%u "
				     "gfp_flags=GFP_KERNEL|__GFP_ZERO node=-1 accounted=false\n",
				     comms[c], 100 + c, cpu, (unsigned long long)(ts / 1000000),
				     (unsigned long long)(ts % 1000000), sites[site % 8], 0x40 + site % 64,
				     (unsigned long long)live_ptr[slot], sz - sz / 4, sz);
		}
		fwrite(buf, 1, (size_t)n, stdout);
		done += (uint64_t)n;
	}
	return 0;
}
