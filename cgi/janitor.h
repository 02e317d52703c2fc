/*
 * janitor.h: the files of entries that were rejected or withdrawn longer
 * than the retention period ago (NETDEP_MEDIA_RETENTION_DAYS) are removed,
 * once an hour by a process the master forks beside the workers and by
 * hand with `netdep-admin media janitor [--dry-run]`.  The database says
 * first (entries.files_purged_at, committed), the files go after: a crash
 * in between leaves files no live row names, which the sweep below
 * removes at the janitor's next run.
 */
#ifndef NETDEP_JANITOR_H
#define NETDEP_JANITOR_H

#include <signal.h>

struct config;
struct db;
struct db_purged;
struct store;
struct store_sweep_stats;

/* One run's settings. */
struct janitor_opts {
	int         days;    /* retention: entries closed longer ago go */
	int         dry_run; /* only report what is due */
	const char *actor;   /* the audit log's actor name */
	/* Called for each entry purged (or due, in a dry run); may be NULL. */
	void (*report)(void *ctx, const struct db_purged *p, int removed);
	void                        *ctx;
	const volatile sig_atomic_t *stop; /* set: stop between batches */
};

struct janitor_stats {
	unsigned long entries;   /* purged (or due) */
	unsigned long failed;    /* entries whose files could not all go */
	long long     quota_old; /* upload_quota rows of past days removed */
};

/*
 * Runs the janitor once over db (a connection outside any transaction:
 * every batch commits on its own before its files go) and the media store
 * st: marks closed entries older than o->days purged, a batch at a time,
 * and removes their original and derivatives; prunes the upload quota's
 * past days.  A file that cannot be removed is logged and counted (the
 * sweeper takes it later).  Returns 0 with *out filled, or -1 when the
 * database failed (what committed before stays done).
 */
int janitor_run(struct db *db, const struct store *st,
                const struct janitor_opts *o, struct janitor_stats *out);

/* Files younger than this may belong to an upload in flight: the
 * janitor's sweep and `media sweep` without --older-than leave them. */
#define SWEEP_MIN_AGE_DEFAULT 86400L

/* One orphan sweep's settings. */
struct janitor_sweep_opts {
	long min_age; /* seconds: younger files stay */
	int  dry_run; /* only report the orphans */
	/* Called for each orphan before it is removed; may be NULL. */
	void (*report)(void *ctx, const char *token, const char *file);
	void                        *ctx;
	const volatile sig_atomic_t *stop; /* set: stop the walk; may be NULL */
};

enum {
	JANITOR_SWEEP_OK = 0,
	JANITOR_SWEEP_DB = -1,      /* the tokens could not be read */
	JANITOR_SWEEP_STORE = -2,   /* a media directory could not be read */
	JANITOR_SWEEP_STOPPED = -3, /* o->stop was set midway */
};

/*
 * Removes the media files that no row names (db_media_tokens(): purged
 * entries' tokens are not among them) and that are older than
 * o->min_age: what a crash between writing an upload's files and
 * committing its row leaves.  The tokens are read first, in one
 * statement on db (the caller's transaction, if any), and the files
 * after: a row committed meanwhile names files younger than min_age, and
 * those stay.  Files whose name is no token are never touched.  Returns
 * JANITOR_SWEEP_OK with the counts in *out (what was removed before a
 * failure stays removed), or one of the negative codes above.
 */
int janitor_sweep(struct db *db, const struct store *st,
                  const struct janitor_sweep_opts *o,
                  struct store_sweep_stats        *out);

/*
 * The janitor process: janitor_run() and janitor_sweep() (files older
 * than SWEEP_MIN_AGE_DEFAULT) at start and every hour until SIGTERM or
 * SIGINT, with a connection of its own (reconnecting after a loss) and
 * the master's media store st.  Returns the exit status.
 */
int janitor_main(const struct config *cfg, const struct store *st);

#endif
