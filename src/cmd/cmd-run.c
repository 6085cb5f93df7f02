/*
 * cmd-run.c - `tracebook run`: recipe + capabilities -> plan -> (lock, journal,
 * apply) -> capture into the analyses -> restore, always -> report.
 *
 * Restore happens on every path once the first write is journaled: normal end,
 * duration reached, capture error, kernel refusal, journal/disk errors, and
 * SIGINT/SIGTERM/SIGHUP (they only set the stop flag; the capture returns and the
 * restore runs).  SIGKILL and power cuts leave the journal for `tracebook restore`, and
 * the JSON report of the last trend interval (rewritten at each, marked partial).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include "analyze/analysis.h"
#include "capture/capture.h"
#include "decode/decode.h"
#include "cmd/cmds.h"
#include "apply/apply.h"
#include "kernel/caps.h"
#include "kernel/cmdlines.h"
#include "apply/journal.h"
#include "apply/lock.h"
#include "plan/plan.h"
#include "recipe/recipe.h"
#include "report/report.h"
#include "kernel/tracefs.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/parse-options.h"
#include "util/strbuf.h"
#include "util/clock.h"
#include "util/strlist.h"
#include "util/units.h"

#define DEFAULT_RECIPE "slab-leak"
/* `run -- COMMAND` without fork events: how often /proc is searched for its children */
#define CHILD_POLL_MS 100

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t child_done;

/* `run RECIPE -- COMMAND`: the command ended, so does the capture. */
static void on_child(int sig)
{
	(void)sig;
	child_done = 1;
	stop_flag = 1;
}

/*
 * Start COMMAND as a child (its own signals at their defaults); its exit stops the
 * capture through SIGCHLD.  Returns its pid, or -1 after printing why.
 */
static pid_t start_command(const struct strlist *cmd)
{
	struct sigaction sa;
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NOCLDSTOP;
	if (sigaction(SIGCHLD, &sa, NULL) < 0) {
		tb_error("sigaction: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		tb_error("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		execvp(cmd->v[0], cmd->v);
		fprintf(stderr, "tracebook: error: run: cannot run '%s': %s\n", cmd->v[0],
			strerror(errno));
		_exit(127);
	}
	return pid;
}

static void on_signal(int sig)
{
	stop_flag = 1;
	stop_signal = sig;
}

static const struct tb_usage run_usage = {
	"run",
	"usage: tracebook run [RECIPE] [param=value ...] [options] [-- COMMAND ARGS]",
	"Run a recipe (default: " DEFAULT_RECIPE "): plan it for this kernel, apply it with an\n"
	"on-disk journal, capture, report, and restore the tracing state (always).",
	"Exit codes: 0 ok, 1 error, 2 usage, 3 bad recipe/parameter, 4 no tracing,\n"
	"5 not root, 6 kernel refused a write, 7 busy, 8 restore incomplete.",
};

/*
 * run_parse_args - run's option table and arguments (see cmds.h): RECIPE, then
 * param=value words (a word with '=' that is not an existing file), options anywhere.
 * @u: the help of the command parsing (run's own, or check's)
 */
int run_parse_args(int argc, char **argv, const struct tb_usage *u, struct run_opts *o)
{
	struct tb_option opts[] = {
		TB_OPT_DURATION('d', "duration", &o->duration_ns, "D", 1, UINT64_MAX,
				"how long to trace (10s, 5m; recipe default, max 24h)"),
		TB_OPT_STRING('o', "output", &o->json, "FILE", "write the report as JSON (atomically; default:\n"
			      "/var/tmp/tracebook/RECIPE-TIME.json); rewritten as a partial\n"
			      "report at every trend interval during the run"),
		TB_OPT_STRING(0, "folded", &o->folded, "FILE",
			      "outstanding bytes per stack, FlameGraph folded format"),
		TB_OPT_STRING(0, "html", &o->html, "FILE",
			      "the report as one self-contained HTML page (atomically)"),
		CMD_OPT_TOP(&o->top, "groups shown per analysis (default 10)"),
		TB_OPT_DURATION(0, "interval", &o->interval_ns, "D", 100000000ULL, UINT64_MAX,
				"trend interval; print the top growing groups and the\n"
				"trend table so far (verdicts) every D"),
		TB_OPT_FLAG('n', "dry-run", &o->dry_run,
			    "print the plan (every write, what it replaces, why); touch nothing"),
		TB_OPT_FLAG(0, "force", &o->force,
			    "allow what is refused by default (others tracing, unfiltered\n"
			    "function tracer or hot-event stacks, > 24h, bigger buffers)"),
		TB_OPT_FLAG(0, "text", &o->text,
			    "read trace_pipe text instead of the raw per-CPU buffers"),
		CMD_OPTS_REPORT(&o->rep),
		TB_OPT_STRING(0, "save", &o->save, "DIR",
			      "keep the run's data in DIR (new or empty): trace.dat (trace-cmd\n"
			      "format), report.json, recipe, plan, probe, /proc snapshots,\n"
			      "uname, kallsyms, kernel log; `tracebook analyze DIR` reads it"),
		TB_OPT_END(),
	};
	size_t i, literal = 0;
	int ret;

	ret = tb_parse_options(argc, argv, u, opts, &o->args, &literal);
	for (i = 0; !ret && i < o->args.n; i++) {
		const char *a = o->args.v[i];

		if (i >= literal) {	/* after "--": the command to trace while it runs */
			if (strlist_add(&o->command, a))
				ret = tb_error("out of memory");
		} else if (strchr(a, '=') && !tb_exists(a)) {
			if (strlist_add(&o->assign, a))
				ret = tb_error("out of memory");
		} else if (!o->recipe) {
			o->recipe = a;
		} else {
			ret = tb_usage_error(u, "a second recipe '%s' (one at a time)", a);
		}
	}
	return ret;
}

/*
 * Where the JSON report goes when no -o was given: $TRACEBOOK_REPORTDIR, else
 * /var/tmp/tracebook (under the fake root when TRACEBOOK_ROOT is set; /var/tmp
 * survives a reboot), as RECIPE-YYYYMMDDTHHMMSSZ.json (-N added if that exists).
 * The directory is made (0700: reports name kernel addresses).  A run whose
 * SSH session drops (SIGHUP stops it and restores) leaves its report there.
 * Returns a malloc'd path, or NULL after printing why.
 */
static char *default_report_path(const char *recipe)
{
	const char *env = getenv("TRACEBOOK_REPORTDIR");
	char dir[4096], path[4200], stamp[32], *p;
	struct tm tm;
	time_t now = time(NULL);
	unsigned n;

	if (env && *env)
		snprintf(dir, sizeof(dir), "%s", env);
	else if (tb_root_path(dir, sizeof(dir), "/var/tmp/tracebook") < 0) {
		tb_error("the report directory's path is too long");
		return NULL;
	}
	/* made when the report is written (a run that reports nothing leaves nothing);
	 * now only: the nearest existing ancestor must be a directory we can write */
	{
		char up[4096], *slash;
		struct stat st;

		snprintf(up, sizeof(up), "%s", dir);
		while (stat(up, &st) < 0 && (slash = strrchr(up, '/')) && slash > up)
			*slash = 0;
		if (stat(up, &st) < 0 || !S_ISDIR(st.st_mode) || access(up, W_OK | X_OK) < 0) {
			tb_error("cannot make the report directory %s: %s is not a writable "
				 "directory (give -o FILE)", dir, up);
			return NULL;
		}
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(path, sizeof(path), "%s/%s-%s.json", dir, recipe, stamp);
	for (n = 2; tb_exists(path) && n < 1000; n++)
		snprintf(path, sizeof(path), "%s/%s-%s-%u.json", dir, recipe, stamp, n);
	p = strdup(path);
	if (!p)
		tb_error("out of memory");
	return p;
}

/* mkdir -p of the directory part of path (0700), best effort: the write then says why */
static void make_parent_dirs(const char *path)
{
	char dir[4096], *p;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return;
	*p = 0;
	for (p = dir + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = 0;
			mkdir(dir, 0700);
			*p = c;
			if (!c)
				break;
		}
	}
}

/* Restore the journal of this run and say so; returns 0 or -TB_EXIT_RESTORE. */
static int restore_now(const char *journal)
{
	struct tb_restore_result res;
	int r;

	r = tb_journal_restore(journal, 0, &res);
	if (r < 0) {
		tb_error("tracing state NOT fully restored (%u put back, %u failed); run `tracebook restore`",
			 res.restored, res.failed);
		return r;
	}
	tb_note("tracing state restored (%u setting(s) put back, %u already as before)",
		res.restored, res.unchanged);
	return 0;
}

static int install_signals(void)
{
	struct sigaction sa;
	int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;		/* no SA_RESTART: blocking reads return EINTR */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return tb_error("sigaction: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/*
 * A SLUB trace that read no allocation record could not have seen an outstanding
 * object: say so instead of a clean "nothing outstanding" (exit TB_EXIT_BLIND).
 */
static int slub_blind(const struct tb_plan *plan, const struct tb_capture_result *cres)
{
	size_t i;
	int flushed = 0;
	char d[32];

	for (i = 0; i < plan->nsteps; i++)
		flushed |= plan->steps[i].kind == TB_STEP_POKE;
	tb_fmt_duration(cres->elapsed_ns, d, sizeof(d));
	if (cres->slub_frees)
		tb_error_code(TB_EXIT_BLIND,
			      "SLUB trace: %llu free record(s) but no allocation record in %s: allocations came from per-CPU freelists the traced path never saw, so nothing can be said about outstanding objects (no verdict)",
			      (unsigned long long)cres->slub_frees, d);
	else
		tb_error_code(TB_EXIT_BLIND,
			      "SLUB trace: 0 TRACE records in the kernel log in %s: the trace saw nothing, so nothing can be said about outstanding objects (no verdict)",
			      d);
	fprintf(stderr, "  %s\n", flushed ?
		"the per-CPU slabs were flushed (shrink) when the toggle went on: the cache did not allocate during the run, or the kernel log lost the records (see dmesg)" :
		"the per-CPU slabs could not be flushed on this kernel (no writable shrink): objects on the per-CPU freelists bypass the trace until those slabs are used up; run longer or under more load, or boot with slub_debug=T,<cache>");
	return -TB_EXIT_BLIND;
}

/*
 * The run's facts for the report (release with info_release).  @cres: the capture's
 * result at the end, or NULL for a report written during the run (the analysis
 * counts events then; @through_ns is how long the capture has run).
 */
static void fill_info(struct tb_run_info *info, const struct tb_recipe *r,
		      const struct tb_caps *caps, const struct tb_plan *plan,
		      const struct tb_capture_result *cres, const struct run_opts *o,
		      uint64_t through_ns, const struct tb_analysis *an)
{
	size_t i;

	memset(info, 0, sizeof(*info));
	info->kernel_release = caps->release;
	info->arch = caps->machine;
	info->recipe = r->name;
	info->source = (cres && cres->text_fallback) || plan->source == TB_SRC_TEXT ?
		"trace_pipe text (fallback)" : "raw per-CPU buffers";
	for (i = 0; i < plan->summary.n; i++)
		strlist_add(&info->plan_summary, plan->summary.v[i]);
	for (i = 0; i < plan->notes.n; i++)
		strlist_add(&info->notes, plan->notes.v[i]);
	if (o->command.n) {
		struct strbuf sb = STRBUF_INIT;

		if (plan->follows_forks)
			strbuf_addf(&sb, "traced while '%s' ran; allocations attributed to it and its children (%llu followed through sched:sched_process_fork); frees of any task count",
				    o->command.v[0], (unsigned long long)tb_analysis_forks_followed(an));
		else
			strbuf_addf(&sb, "traced while '%s' ran; allocations attributed to it and its children (found by polling /proc every %d ms: a child that lived less may be missed); frees of any task count",
				    o->command.v[0], CHILD_POLL_MS);
		strlist_add(&info->notes, sb.buf);
		strbuf_release(&sb);
	}
	if (!cres) {
		info->partial = 1;
		info->duration_ns = through_ns;
		return;
	}
	if (stop_signal)
		strlist_add(&info->notes, stop_signal == SIGINT ? "stopped early by SIGINT" :
			    stop_signal == SIGTERM ? "stopped early by SIGTERM" : "stopped early by SIGHUP");
	if (cres->kmsg_overwritten)
		strlist_add(&info->notes, "the kernel log overwrote records before tracebook read them "
			    "(its ring buffer is too small for this rate: boot with a larger log_buf_len, "
			    "or trace a quieter cache): SLUB TRACE records were lost, so objects may be "
			    "missing or look outstanding");
	if (cres->kmsg_interleaved) {
		struct strbuf sb = STRBUF_INIT;

		tb_decode_interleaved_note(&sb, cres->kmsg_interleaved);
		strlist_add(&info->notes, sb.buf);
		strbuf_release(&sb);
	}
	info->duration_ns = cres->elapsed_ns;
	info->events = cres->events;
	info->lost = cres->lost;
	info->lost_unknown = cres->lost_unknown;
	info->ncpus = cres->ncpus;
	info->lost_per_cpu = cres->lost_per_cpu;
}

static void info_release(struct tb_run_info *info)
{
	strlist_clear(&info->plan_summary);
	strlist_clear(&info->notes);
}

static const char *cmdline_comm(void *ctx, int32_t pid)
{
	return tb_cmdlines_comm(ctx, pid);
}

/*
 * The raw records carry no task names: read the kernel's saved_cmdlines (merged into
 * cl, which every interval's read feeds) and name the report's tasks from it.
 */
static void name_tasks(struct tb_report *rep, struct tb_cmdlines *cl, const struct tb_caps *caps)
{
	tb_cmdlines_read(cl, caps->tracefs);
	if (tb_report_name_tasks(rep, cmdline_comm, cl) < 0)
		tb_warn("out of memory naming the report's tasks");
}

static int report(struct tb_analysis *an, const struct tb_recipe *r, const struct tb_caps *caps,
		  const struct tb_plan *plan, const struct tb_capture_result *cres,
		  const struct run_opts *o, struct tb_cmdlines *cl)
{
	struct tb_run_info info;
	struct tb_report *rep;
	int ret = 0;

	fill_info(&info, r, caps, plan, cres, o, 0, an);
	rep = tb_report_build(an, &info);
	if (rep)
		name_tasks(rep, cl, caps);
	if (!rep) {
		ret = -TB_EXIT_ERROR;
	} else {
		if (tb_report_print_text(rep, stdout, o->top) < 0)
			ret = -TB_EXIT_ERROR;
		if (o->json && o->json_default)
			make_parent_dirs(o->json);
		if (o->json && tb_report_write_json(rep, o->json) < 0)
			ret = -TB_EXIT_ERROR;
		else if (o->json && o->json_default)
			tb_note("report written to %s", o->json);
		if (o->folded && tb_report_write_folded(rep, o->folded) < 0)
			ret = -TB_EXIT_ERROR;
		if (o->html && tb_report_write_html(rep, o->html, o->top) < 0)
			ret = -TB_EXIT_ERROR;
		if (o->save) {
			char p[4200];

			snprintf(p, sizeof(p), "%s/report.json", o->save);
			if (tb_report_write_json(rep, p) < 0)
				ret = -TB_EXIT_ERROR;
			else
				tb_note("the run's data is in %s (trace.dat: %s; tracebook analyze %s)",
					o->save, cres->saved ? "trace-cmd format" : "none", o->save);
		}
		tb_report_free(rep);
	}
	info_release(&info);
	return ret;
}

/* ---- the capture's sink: events and snapshots into the analyses, ticks rendered to stdout ---- */

/* What the capture's callbacks reach: the analyses, the --save directory, and what
 * the report written at every trend interval needs. */
struct sink_ctx {
	struct tb_analysis *an;
	struct run_save *save;		/* NULL without --save */
	const struct tb_recipe *r;
	const struct tb_caps *caps;
	const struct tb_plan *plan;
	const struct run_opts *o;
	uint64_t start_ns;		/* CLOCK_MONOTONIC when the capture started */
	uint64_t interval_ns;		/* the trend interval (the capture's ticks) */
	unsigned checkpoints;		/* partial reports written */
	uint64_t last_write_ns;		/* when the last one was started */
	uint64_t write_cost_ns;		/* how long it took */
	int checkpoint_failed;		/* said once */
	int throttle_said;
	struct tb_cmdlines *cmdlines;	/* task names read at every interval */
	const char *proc_dir;		/* -- COMMAND without fork events: poll here */
	uint64_t next_poll_ns;
};

static int sink_snapshot(void *ctx, const char *what, uint64_t wall_ns, const char *text)
{
	struct sink_ctx *sc = ctx;

	if (sc->save && run_save_snapshot(sc->save, what, wall_ns, text) < 0)
		return -1;
	return tb_analysis_snapshot(sc->an, what, wall_ns, text);
}

/*
 * A rewrite may take at most this share of the run (1/20): a report of thousands of
 * groups with long trends takes a few hundred ms to write (bench/checkpoint.sh), so on
 * short intervals it is rewritten every few intervals instead, said once.
 */
#define CHECKPOINT_SHARE 20

/*
 * The JSON report as it stands, marked partial ("complete": false, through the time
 * the capture has run), replacing the previous one atomically: a run killed hard
 * (SIGKILL, power cut) leaves the last written interval's report.  Built always (the
 * --interval lines read it); written when due.  Returns the report (the caller frees
 * it), or NULL.
 */
static struct tb_report *checkpoint(struct sink_ctx *sc)
{
	struct tb_run_info info;
	struct tb_report *rep;
	uint64_t t0 = tb_now_ns(), t1;
	int due;

	due = sc->o->json && (!sc->checkpoints ||
			       (t0 - sc->last_write_ns) >= CHECKPOINT_SHARE * sc->write_cost_ns);
	if (!due && !sc->o->interval_ns)
		return NULL;
	fill_info(&info, sc->r, sc->caps, sc->plan, NULL, sc->o, t0 - sc->start_ns, sc->an);
	rep = tb_report_build(sc->an, &info);
	info_release(&info);
	if (rep)
		name_tasks(rep, sc->cmdlines, sc->caps);
	if (!rep || !due)
		return rep;
	if (sc->o->json_default && !sc->checkpoints)
		make_parent_dirs(sc->o->json);
	if (tb_report_write_json(rep, sc->o->json) == 0)
		sc->checkpoints++;
	else if (!sc->checkpoint_failed++)
		tb_warn("the report of this interval was not written (the run goes on; the final report is tried at the end)");
	t1 = tb_now_ns();
	sc->last_write_ns = t0;
	sc->write_cost_ns = t1 - t0;
	if (getenv("TRACEBOOK_CHECKPOINT_DEBUG"))
		fprintf(stderr, "checkpoint %u: report built and written in %.1f ms\n",
			sc->checkpoints, (double)(t1 - t0) / 1e6);
	if (!sc->throttle_said && sc->write_cost_ns * CHECKPOINT_SHARE > sc->interval_ns) {
		char d[32], e[32];

		sc->throttle_said = 1;
		tb_note("writing the report took %s: it is rewritten every %s rather than every interval (at most 1/%d of the run)",
			tb_fmt_duration(sc->write_cost_ns, d, sizeof(d)),
			tb_fmt_duration(sc->write_cost_ns * CHECKPOINT_SHARE, e, sizeof(e)),
			CHECKPOINT_SHARE);
	}
	return rep;
}

/* Every trend interval: the partial report; with --interval also the lines. */
static void sink_interval(void *ctx, uint64_t ts_ns)
{
	struct sink_ctx *sc = ctx;
	struct tb_interval iv;
	struct tb_report *rep;
	int have_iv = 0;

	if (sc->o->interval_ns) {
		have_iv = tb_analysis_interval(sc->an, ts_ns, &iv) == 0;
		if (!have_iv)
			tb_warn("out of memory: --interval lines skipped");
	}
	rep = checkpoint(sc);
	if (have_iv)
		tb_report_print_interval(&iv, rep, sc->o->top, stdout);
	if (sc->o->interval_ns)
		tb_interval_release(&iv);
	tb_report_free(rep);
	fflush(stdout);
}

/* `run -- COMMAND` without fork events: the command's children from /proc. */
static void sink_poll(void *ctx)
{
	struct sink_ctx *sc = ctx;
	uint64_t now = tb_now_ns();

	if (now < sc->next_poll_ns)
		return;
	run_children_poll(sc->an, sc->proc_dir);
	sc->next_poll_ns = now + CHILD_POLL_MS * 1000000ULL;
}

static uint64_t sink_outstanding(void *ctx)
{
	struct tb_analysis_status st = { 0, 0, 0 };
	struct sink_ctx *sc = ctx;

	tb_analysis_status(sc->an, &st);
	return st.outstanding;
}

static void sink_end(void *ctx)
{
	struct sink_ctx *sc = ctx;

	tb_analysis_finish(sc->an);
}

static struct tb_capture_sink capture_sink(struct sink_ctx *sc)
{
	struct tb_capture_sink s;

	memset(&s, 0, sizeof(s));
	s.events = tb_analysis_sink(sc->an);
	s.snapshot = sink_snapshot;
	s.interval = sink_interval;
	s.outstanding = sink_outstanding;
	s.end = sink_end;
	if (sc->proc_dir)
		s.poll = sink_poll;
	s.ctx = sc;
	return s;
}

/*
 * The part between lock and unlock: journal, apply, capture, restore, report.  The
 * analyses come from the plan's spec (SLUB references resolved for this kernel), not
 * from the recipe.
 */
static int run_locked(const struct tb_recipe *r, const struct tb_caps *caps,
		      const struct tb_plan *plan, const struct run_opts *o,
		      struct run_save *save)
{
	struct sink_ctx sc;
	struct tb_journal j;
	struct tb_capture_opts co;
	struct tb_capture_sink sink;
	struct tb_capture_result cres;
	struct tb_analysis_opts ao;
	struct tb_analysis *an = NULL;
	char *journal = NULL;
	unsigned done = 0;
	int ret, rr, captured = 0, status = 0;
	int32_t cmd_pid[1] = { -2 };	/* matches no task until the command starts */
	struct tb_cmdlines cmdlines = { NULL, 0, 0 };
	pid_t child = -1;
	const char **fields = NULL;
	size_t nfields = 0;

	memset(&cres, 0, sizeof(cres));
	memset(&ao, 0, sizeof(ao));
	ao.live = 1;
	ao.sysroot = tb_root();
	ret = cmd_report_opts(&o->rep, &ao);
	if (ret < 0)
		return ret;
	/* the trend interval: --interval, else a tenth of the run, at least 1 s */
	ao.interval_ns = o->interval_ns ? o->interval_ns :
		plan->duration_ns / 10 > 1000000000ULL ? plan->duration_ns / 10 : 1000000000ULL;
	if (o->command.n) {
		/* attribute by the command's pid (added once started) and its children's */
		ao.pids = cmd_pid;
		ao.npids = 1;
		ao.follow_forks = plan->follows_forks;
	}
	/* the analysis first: a recipe it cannot honour fails before the kernel is touched */
	an = tb_analysis_new(&plan->spec, &ao);
	if (!an)
		return -TB_EXIT_BADINPUT;

	ret = tb_journal_open(&j, caps->tracefs, r->name);
	if (ret < 0) {
		tb_analysis_free(an);
		return ret;
	}
	journal = strdup(j.path);
	if (!journal) {
		tb_journal_close(&j);
		tb_analysis_free(an);
		return tb_error("out of memory");
	}
	ret = tb_apply(plan, caps, &j, &done);
	tb_journal_close(&j);
	if (ret == 0 && stop_flag)
		tb_note("stopped by a signal before the capture started");
	if (ret == 0 && !stop_flag) {
		memset(&co, 0, sizeof(co));
		co.caps = caps;
		co.trace_dir = plan->trace_dir;
		co.use_text = plan->source == TB_SRC_TEXT;
		co.kmsg = plan->kmsg;
		co.snap = plan->snapshot;
		co.duration_ns = plan->duration_ns;
		/* ticks at every trend interval: the partial report (and --interval's lines) */
		co.interval_ns = ao.interval_ns;
		co.stop = &stop_flag;
		co.status_line = isatty(STDERR_FILENO);
		/* the raw decoder decodes these for every event, others when asked (NULL: all) */
		fields = tb_analysis_fields(an, &nfields);
		co.fields = fields;
		co.nfields = nfields;
		{
			char d[32];

			tb_note("tracing %s for %s (Ctrl-C stops early; the tracing state is restored either way)",
				r->name, tb_fmt_duration(plan->duration_ns, d, sizeof(d)));
		}
		memset(&sc, 0, sizeof(sc));
		sc.an = an;
		sc.save = save;
		sc.r = r;
		sc.caps = caps;
		sc.plan = plan;
		sc.o = o;
		sc.cmdlines = &cmdlines;
		sc.interval_ns = ao.interval_ns;
		if (o->command.n && !plan->follows_forks)
			sc.proc_dir = caps->proc_dir[0] ? caps->proc_dir : "/proc";
		co.save_dir = save ? save->dir : NULL;
		sink = capture_sink(&sc);
		if (o->command.n) {
			child = start_command(&o->command);
			if (child < 0)
				ret = -TB_EXIT_ERROR;
			else if (tb_analysis_add_task(an, (int32_t)child) < 0)
				ret = tb_error("out of memory");
		}
		if (ret == 0) {
			sc.start_ns = tb_now_ns();
			ret = tb_capture_run(&co, &sink, &cres);
			captured = 1;
		}
	}
	if (child > 0) {
		/* the run ended first (duration, Ctrl-C): the command is waited for, not killed */
		if (!child_done)
			tb_note("waiting for '%s' (pid %d) to exit", o->command.v[0], (int)child);
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status))
			tb_note("'%s' (pid %d) exited with status %d", o->command.v[0], (int)child,
				WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			tb_note("'%s' (pid %d) was killed by signal %d", o->command.v[0], (int)child,
				WTERMSIG(status));
	}
	/* restore, always */
	rr = restore_now(journal);
	free(journal);
	free(fields);
	if (captured && save && run_save_end(save) < 0 && ret == 0)
		ret = -TB_EXIT_ERROR;
	if (captured && ret == 0 && plan->kmsg && !cres.slub_allocs)
		ret = slub_blind(plan, &cres);
	else if (captured && ret == 0)
		ret = report(an, r, caps, plan, &cres, o, &cmdlines);
	tb_capture_result_release(&cres);
	tb_analysis_free(an);
	tb_cmdlines_free(&cmdlines);
	if (rr < 0)
		return rr;
	return ret;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct tb_recipe r;
	struct tb_caps caps;
	struct tb_plan plan;
	struct tb_plan_opts po;
	struct tb_lock lock = { -1 };
	struct strlist others = STRLIST_INIT;
	struct run_save save;
	char *path = NULL, *json_default = NULL;
	int ret, have_recipe = 0, have_caps = 0;
	size_t i;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	memset(&caps, 0, sizeof(caps));
	memset(&plan, 0, sizeof(plan));
	ret = run_parse_args(argc, argv, &run_usage, &o);
	if (ret)
		goto out;
	if (!o.recipe)
		o.recipe = DEFAULT_RECIPE;

	path = tb_recipe_find(o.recipe);
	if (!path) {
		ret = -TB_EXIT_BADINPUT;
		goto out;
	}
	ret = tb_recipe_load(path, &o.assign, &r);
	if (ret < 0)
		goto out;
	have_recipe = 1;
	ret = tb_caps_probe(&caps, !o.dry_run);
	if (ret < 0)
		goto out;
	have_caps = 1;

	memset(&po, 0, sizeof(po));
	po.force = o.force;
	po.text = o.text;
	po.duration_ns = o.duration_ns;
	po.pid = getpid();
	po.filter_pid = (int)o.rep.pid;
	po.filter_comm = o.rep.comm;
	po.follow_forks = o.command.n > 0;
	ret = tb_plan_build(&plan, &r, &caps, &po);
	if (ret < 0)
		goto out;
	if (o.dry_run) {
		tb_plan_explain(&plan, &caps, stdout);
		ret = 0;
		goto out;
	}
	if (!*tb_root() && geteuid() != 0) {
		ret = tb_error_code(TB_EXIT_NOTROOT, "tracing needs root (CAP_SYS_ADMIN); --dry-run shows the plan without it");
		goto out;
	}

	if (!o.json) {
		/* a run always leaves its report on disk */
		o.json = json_default = default_report_path(r.name);
		if (!o.json) {
			ret = -TB_EXIT_ERROR;
			goto out;
		}
		o.json_default = 1;
		tb_note("the JSON report will be written to %s", o.json);
	}
	ret = install_signals();
	if (ret < 0)
		goto out;
	ret = tb_lock_take(&lock);
	if (ret < 0)
		goto out;
	{
		unsigned nd = 0;

		/* a run that died left its settings: put them back before anything else */
		ret = tb_journal_restore_dead(0, &nd, NULL);
		if (ret < 0)
			goto out;
		if (nd) {
			/* the probe saw the dead run's settings as "others": look again */
			tb_caps_free(&caps);
			have_caps = 0;
			tb_plan_free(&plan);
			ret = tb_caps_probe(&caps, 1);
			if (ret < 0)
				goto out;
			have_caps = 1;
			ret = tb_plan_build(&plan, &r, &caps, &po);
			if (ret < 0)
				goto out;
		}
	}
	if (tb_others_tracing(&caps, &others)) {
		if (plan.instance && !plan.uses_function_tracer) {
			tb_note("others use tracing here too; tracebook works in its own instance and leaves their settings alone:");
			for (i = 0; i < others.n; i++)
				tb_note("  %s", others.v[i]);
		} else if (!o.force) {
			tb_error_code(TB_EXIT_BUSY, "someone else is using tracing on this kernel:");
			for (i = 0; i < others.n; i++)
				fprintf(stderr, "    %s\n", others.v[i]);
			fprintf(stderr, "  tracebook would share the top-level buffer with them; --force to go ahead anyway\n");
			ret = -TB_EXIT_BUSY;
			goto out;
		} else {
			tb_warn("--force: sharing tracing with its other users; their events also land in the buffer tracebook reads (and are ignored), and these settings stay as they are:");
			for (i = 0; i < others.n; i++)
				tb_warn("  %s", others.v[i]);
		}
	}
	if (o.save) {
		ret = run_save_begin(&save, o.save, path, &o.assign, &caps, &plan);
		if (ret < 0)
			goto out;
	}
	ret = run_locked(&r, &caps, &plan, &o, o.save ? &save : NULL);
out:
	tb_lock_release(&lock);		/* flock'd fd or O_EXCL lock file; nothing if not taken */
	strlist_clear(&others);
	tb_plan_free(&plan);
	if (have_caps)
		tb_caps_free(&caps);
	if (have_recipe)
		tb_recipe_free(&r);
	free(path);
	free(json_default);
	strlist_clear(&o.assign);
	strlist_clear(&o.args);
	strlist_clear(&o.command);
	return ret > 0 ? 0 : ret;
}
