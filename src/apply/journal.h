/*
 * journal.h - the on-disk undo log of a run.  Before every write to the kernel, the
 * old value (or the command that removes our entry, or the directory we create) is
 * appended to <rundir>/journal-<pid> and fsync'd.  Restore replays it backwards,
 * idempotently and tolerantly (what is already gone is fine), says what it put back,
 * and deletes the journal only when everything is back.  `tracebook restore` does the
 * same for the journals of runs that died (kill -9, power cut).
 *
 * The run directory is $TRACEBOOK_RUNDIR, else /run/tracebook, else /var/run/tracebook.
 *
 * Format (text, one record per line, fields separated by a tab, C-style escapes for
 * backslash, tab and newline):
 *   tracebook-journal 1
 *   tracefs <TAB> DIR            the tracing directory of the run
 *   pid <TAB> N                  the run's pid
 *   start <TAB> SECONDS          wall-clock start (CLOCK_REALTIME)
 *   recipe <TAB> NAME
 *   W <TAB> PATH <TAB> VALUE     write VALUE back into PATH (it held VALUE before)
 *   A <TAB> PATH <TAB> UNDO      append UNDO to PATH (removes our entry: -:grp/ev, !func)
 *   D <TAB> PATH                 rmdir PATH (an instance we created)
 *   M <TAB> PATH <TAB> FSTYPE    umount PATH: the run mounted FSTYPE there (first record,
 *                                so it is replayed last; its own process unmounts at exit)
 */
#ifndef TB_APPLY_JOURNAL_H
#define TB_APPLY_JOURNAL_H

#include <stdio.h>
#include <sys/types.h>

struct tb_journal {
	int fd;
	char *path;
};

/* The run directory (created 0700 when create is set); 0 or negative after printing. */
int tb_rundir(char *buf, size_t size, int create);

/*
 * tb_journal_open - create <rundir>/journal-<pid> with its header, fsync'd.
 * Returns 0, or negative after printing why.
 */
int tb_journal_open(struct tb_journal *j, const char *tracefs, const char *recipe);

/* Append one record and fsync it; 0, or negative after printing why (disk full). */
int tb_journal_write(struct tb_journal *j, const char *path, const char *old_value);
int tb_journal_append(struct tb_journal *j, const char *path, const char *undo);
int tb_journal_mkdir(struct tb_journal *j, const char *path);

/* Close the journal file (it stays on disk until restore succeeds). */
void tb_journal_close(struct tb_journal *j);

/* What a restore did. */
struct tb_restore_result {
	unsigned restored;	/* values written back, entries removed, directories removed */
	unsigned unchanged;	/* already as before (or already gone) */
	unsigned failed;	/* could not be put back (journal kept) */
};

/*
 * tb_journal_restore - replay the journal at path backwards.
 * @verbose: say every change on stderr ("restored ...")
 * Deletes the journal when nothing failed.  Returns 0, or -TB_EXIT_RESTORE after
 * printing what could not be put back (the journal is kept for another try).
 */
int tb_journal_restore(const char *path, int verbose, struct tb_restore_result *res);

/*
 * tb_journal_restore_dead - restore the journals in the run directory whose run is
 * gone (pid not alive, or alive as another program).  Says what it restores.
 * @nrestored: journals fully restored; @nalive: journals of live runs, left alone
 * Returns 0, or negative when something could not be put back.
 */
int tb_journal_restore_dead(int verbose, unsigned *nrestored, unsigned *nalive);

/* Header facts of a journal file: 0, or -1 if it is not a journal. */
int tb_journal_header(const char *path, pid_t *pid, long long *start, char *tracefs, size_t size);

#endif
