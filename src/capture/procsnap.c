/*
 * procsnap.c - /proc snapshots (slabinfo, meminfo, vmstat, buddyinfo) handed to the
 * capture's sink (the run wires it to growth) at the start, on the recipe's interval,
 * and at the end.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "capture/capture-local.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/procfs.h"
#include "util/strbuf.h"
#include "util/strlist.h"

static int known(const char *what)
{
	return tb_proc_kind(what) != TB_PROC_NONE;
}

/**
 * tb_procsnap_take - read each file of files under proc_dir and hand it to
 * sink->snapshot (nothing is read when there is none).  A file that cannot be read
 * is warned about once per call and skipped.
 * Returns 0, or the sink's negative return.
 */
int tb_procsnap_take(const struct tb_capture_sink *sink, const char *proc_dir,
		     const struct strlist *files)
{
	size_t i;
	int ret = 0;

	if (!sink->snapshot)
		return 0;
	for (i = 0; i < files->n && ret == 0; i++) {
		struct strbuf sb = STRBUF_INIT;
		char path[4096];
		int e;

		if (!known(files->v[i]))
			continue;
		snprintf(path, sizeof(path), "%s/%s", proc_dir, files->v[i]);
		e = tb_read_file(path, &sb);
		if (e < 0)
			tb_warn("snapshot of %s skipped: %s", path, strerror(-e));
		else
			ret = sink->snapshot(sink->ctx, files->v[i], tb_wall_ns(), strbuf_str(&sb));
		strbuf_release(&sb);
	}
	return ret;
}
