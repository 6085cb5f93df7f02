/*
 * fuzz_rawdecode.c - libFuzzer target owning the raw ring-buffer path of the live
 * capture: sub-buffer pages split into records (decode/merge.c tb_rpage_walk, and
 * tb_rpage_parse with libtraceevent's kbuffer), merged across CPUs (tb_merge_*),
 * decoded with real event formats (capture/rawdecode.c) and fed to the analysis and
 * its report.
 *
 * The formats are the kernel's own (tests/fake/formats: 6.x kmem/vmscan events and
 * the 3.10 kmalloc, plus ftrace's kernel_stack), parsed once into a tep.  Input: byte
 * 0 picks the CPU count (1..4), the rest is cut into 4096-byte sub-buffers (64-bit
 * little-endian: u64 timestamp, u64 commit, then records), page i on CPU i % ncpus.
 */
#include <dirent.h>
#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>
#include "fuzz-common.h"
#include "capture/capture-local.h"
#include "util/fileio.h"

#ifndef FUZZ_FORMATS_DIR
#error "FUZZ_FORMATS_DIR: the directory of tests/fake/formats (the Makefile sets it)"
#endif
#define PAGE 4096

static const char stack_fmt[] =
	"name: kernel_stack\nID: 4\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:int size;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned long caller[8];\toffset:16;\tsize:64;\tsigned:0;\n\n"
	"print fmt: \"\\t=> %ps\\n\", (void *)REC->caller[0]\n";

static struct tep_handle *tep;
static struct kbuffer *kb;

/* Every NAME.format of dir into tep, system from the name (mm_vmscan_* -> vmscan). */
static void load_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		fprintf(stderr, "fuzz_rawdecode: cannot open %s\n", dir);
		abort();
	}
	while ((de = readdir(d))) {
		char path[4096];
		struct strbuf sb = STRBUF_INIT;
		const char *sys = strncmp(de->d_name, "mm_vmscan", 9) ? "kmem" : "vmscan";
		size_t n = strlen(de->d_name);

		if (n < 8 || strcmp(de->d_name + n - 7, ".format"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (tb_read_file(path, &sb) || tep_parse_event(tep, sb.buf, sb.len, sys)) {
			fprintf(stderr, "fuzz_rawdecode: cannot parse %s\n", path);
			abort();
		}
		strbuf_release(&sb);
	}
	closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	tep = tep_alloc();
	kb = kbuffer_alloc(KBUFFER_LSIZE_8, KBUFFER_ENDIAN_LITTLE);
	if (!tep || !kb)
		abort();
	tep_set_long_size(tep, 8);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	load_dir(FUZZ_FORMATS_DIR "/6.x");
	load_dir(FUZZ_FORMATS_DIR "/3.10");
	if (tep_parse_event(tep, stack_fmt, sizeof(stack_fmt) - 1, "ftrace"))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_counting cnt;
	struct tb_sink sink = { fuzz_count_event, fuzz_count_lost, &cnt };
	struct tb_analysis_opts aopts = { NULL, 0 };
	struct tb_analysis *an = NULL;
	struct tb_rawdec *d = NULL;
	struct tb_report *rep = NULL;
	struct tb_run_info info;
	struct tb_merge m;
	struct tb_merge_out mo;
	unsigned ncpus, i;
	size_t off;
	int merge = 0;

	if (size < 1)
		return 0;
	memset(&cnt, 0, sizeof(cnt));
	memset(&info, 0, sizeof(info));
	ncpus = 1 + data[0] % 4;
	an = tb_analysis_new(NULL, &aopts);
	if (!an)
		goto out;
	cnt.inner = tb_analysis_sink(an);
	cnt.an = an;
	d = tb_rawdec_new(tep, &sink);
	if (!d)
		goto out;
	if (data[0] & 4) {
		/* byte 0 bit 2: two fields up front, the rest decoded as the analysis asks */
		const char *want[2];

		want[0] = tb_intern("ptr");
		want[1] = tb_intern("call_site");
		if (!want[0] || !want[1] || tb_rawdec_select(d, want, 2))
			goto out;
	}
	mo = tb_rawdec_out(d);
	if (tb_merge_init(&m, ncpus, &mo))
		goto out;
	merge = 1;
	m.stack_type = tb_rawdec_stack_type(d);
	tb_merge_set_parse(&m, kb, 8);
	for (i = 0, off = 1; off < size; i++, off += PAGE) {
		size_t n = size - off < PAGE ? size - off : PAGE;
		struct tb_rpage *p = tb_rpage_alloc(PAGE);

		if (!p)
			goto out;
		memset(p->data, 0, PAGE);
		memcpy(p->data, data + off, n);
		p->cpu = (int)(i % ncpus);
		/*
		 * the capture's way (split by the merge when due, tb_rpage_walk), split
		 * before it is queued, or kbuffer's split: a page each in turn
		 */
		if (i % 3 == 1 && tb_rpage_walk(p, 8)) {
			tb_rpage_free(p);
			goto out;
		}
		if (i % 3 == 2 && tb_rpage_parse(kb, p)) {
			tb_rpage_free(p);
			goto out;
		}
		tb_merge_add(&m, p);
		if (tb_merge_run(&m, 0) < 0)
			goto out;
	}
	if (tb_merge_run(&m, 1) < 0)
		goto out;
	info.source = "raw per-CPU buffers";
	info.events = cnt.events;
	info.lost = cnt.lost;
	info.ncpus = ncpus;
	rep = tb_report_build(an, &info);
	if (rep)
		tb_report_print_text(rep, fuzz_devnull(), 0);
out:
	tb_report_free(rep);
	if (merge)
		tb_merge_release(&m);
	tb_rawdec_free(d);
	tb_analysis_free(an);
	tb_intern_reset();
	return 0;
}
