/*
 * bench/tc-count.c - count the records of a trace.dat (what `trace-cmd record` wrote)
 * and the events its pages say were lost, without formatting them: the number that
 * bench/capture.sh divides trace-cmd's CPU time by.  `trace-cmd report | wc -l` formats
 * every record (minutes for 10 M events); its --stat only shows the kernel's counters
 * at the moment recording stopped.
 *
 * usage: tc-count FILE.dat    prints "records N lost N lost_unknown 0|1"
 */
#include <stdio.h>
#include <trace-cmd/trace-cmd.h>
#include <traceevent/event-parse.h>

#define TC_MAX_CPUS 4096	/* tracecmd_read_data() returns NULL past the last CPU */

struct counts {
	unsigned long long records, lost;
	int lost_unknown;
};

static int one(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data)
{
	struct counts *c = data;

	(void)h;
	(void)cpu;
	c->records++;
	if (rec->missed_events > 0)
		c->lost += (unsigned long long)rec->missed_events;
	else if (rec->missed_events < 0)
		c->lost_unknown = 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct tracecmd_input *h;
	struct counts c = { 0, 0, 0 };
	int cpu;

	if (argc != 2) {
		fprintf(stderr, "usage: tc-count FILE.dat\n");
		return 2;
	}
	h = tracecmd_open(argv[1], TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!h) {
		fprintf(stderr, "tc-count: cannot open %s as trace-cmd data\n", argv[1]);
		return 1;
	}
	/* CPU by CPU: no cross-CPU merge (tracecmd_iterate_events sorts, 10x slower) */
	for (cpu = 0; cpu < TC_MAX_CPUS; cpu++) {
		struct tep_record *rec;

		while ((rec = tracecmd_read_data(h, cpu))) {
			one(h, rec, cpu, &c);
			tracecmd_free_record(rec);
		}
	}
	tracecmd_close(h);
	printf("records %llu lost %llu lost_unknown %d\n", c.records, c.lost, c.lost_unknown);
	return 0;
}
