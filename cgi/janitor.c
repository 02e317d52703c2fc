/*
 * janitor.c: retention of media.  Files of rejected and withdrawn entries
 * are kept NETDEP_MEDIA_RETENTION_DAYS (an appeal, a judge's second look),
 * then removed: entry_files_purge() (sql/functions/020_entries.sql) locks
 * and marks a batch of entries in one transaction, and only after its
 * commit are the files unlinked through store.c.  Pending and approved
 * entries are never candidates, and a purged entry can never be made
 * pending or approved again (a CHECK of migration 011).
 *
 * janitor_sweep() is the orphan sweep the janitor process runs with each
 * retention run and `netdep-admin media sweep` runs by hand: files that
 * no row names (a crash between writing an upload's files and committing
 * its row) and that are old enough not to be an upload in flight.
 */
#include "janitor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "cert_queue.h"
#include "child.h"
#include "config.h"
#include "db.h"
#include "db_entry.h"
#include "db_janitor.h"
#include "log.h"
#include "store.h"

#define JANITOR_BATCH     100    /* entries per transaction */
#define JANITOR_DUE_MAX   100000 /* entries a dry run lists */
#define JANITOR_EVERY_SEC 3600
#define JANITOR_RETRY_SEC 60 /* after a database error */

/* Unlinks the files of one batch that just committed as purged. */
static void
janitor_unlink(const struct store *st, const struct janitor_opts *o,
               const struct db_purge_batch *b, struct janitor_stats *out)
{
	for (int i = 0; i < b->n; i++) {
		int ok = store_remove_all(st, b->e[i].token, NULL) == 0;

		if (!ok) {
			log_msg("error",
			        "janitor: files of entry %s (%.8s...) not all "
			        "removed: %s; media sweep will",
			        b->e[i].entry, b->e[i].token, strerror(errno));
			out->failed++;
		}
		out->entries++;
		if (o->report != NULL)
			o->report(o->ctx, &b->e[i], ok);
	}
}

int
janitor_run(struct db *db, const struct store *st, const struct janitor_opts *o,
            struct janitor_stats *out)
{
	struct arena          a;
	struct db_purge_batch b;
	int                   rc = 0;

	memset(out, 0, sizeof(*out));
	arena_init(&a, 0);
	if (o->dry_run) {
		if (db_janitor_due(db, &a, o->days, JANITOR_DUE_MAX, &b) < 0)
			rc = -1;
		for (int i = 0; rc == 0 && i < b.n; i++) {
			out->entries++;
			if (o->report != NULL)
				o->report(o->ctx, &b.e[i], 0);
		}
		goto out;
	}
	do {
		arena_reset(&a);
		if (db_janitor_purge(db, &a, o->days, JANITOR_BATCH, o->actor,
		                     &b) < 0) {
			rc = -1;
			goto out;
		}
		janitor_unlink(st, o, &b, out);
	} while (b.n == JANITOR_BATCH && !(o->stop != NULL && *o->stop));
	arena_reset(&a);
	if (db_janitor_quota_prune(db, &a, &out->quota_old) < 0)
		rc = -1;
out:
	arena_free(&a);
	return rc;
}

/* What the sweep's callbacks see: the tokens that have rows, sorted in
 * the database's byte order, and the caller's settings. */
struct sweep_ctx {
	const char                     **tok;
	int                              n;
	const struct janitor_sweep_opts *o;
};

static int
token_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
sweep_known(void *ctx, const char *token)
{
	const struct sweep_ctx *c = ctx;

	if (c->o->stop != NULL && *c->o->stop)
		return -1;
	return bsearch(&token, c->tok, (size_t)c->n, sizeof(*c->tok),
	               token_cmp) != NULL;
}

static void
sweep_report(void *ctx, const char *token, const char *file)
{
	const struct sweep_ctx *c = ctx;

	c->o->report(c->o->ctx, token, file);
}

int
janitor_sweep(struct db *db, const struct store *st,
              const struct janitor_sweep_opts *o, struct store_sweep_stats *out)
{
	struct sweep_ctx   c = {.o = o};
	struct store_sweep sw = {.min_age = o->min_age,
	                         .dry_run = o->dry_run,
	                         .known = sweep_known,
	                         .report =
	                             o->report != NULL ? sweep_report : NULL,
	                         .ctx = &c};
	struct db_table    t;
	struct arena       a;
	int                rc = JANITOR_SWEEP_OK;

	memset(out, 0, sizeof(*out));
	arena_init(&a, 0);
	/* The tokens are read before the files: a row committed after this
	 * belongs to a file younger than min_age, which stays. */
	if (db_media_tokens(db, &a, &t) < 0) {
		rc = JANITOR_SWEEP_DB;
		goto out;
	}
	c.tok = t.cells;
	c.n = t.nrows;
	qsort(c.tok, (size_t)c.n, sizeof(*c.tok), token_cmp);
	if (store_sweep_orphans(st, &sw, out) != 0)
		rc = o->stop != NULL && *o->stop ? JANITOR_SWEEP_STOPPED
		                                 : JANITOR_SWEEP_STORE;
out:
	arena_free(&a);
	return rc;
}

/* The process's sweep: one "media_sweep" line when it found orphans or
 * could not read the media (a database error is retried; db.c logs it). */
static int
janitor_sweep_logged(struct db *db, const struct store *st)
{
	const struct janitor_sweep_opts o = {.min_age = SWEEP_MIN_AGE_DEFAULT,
	                                     .stop = &child_stop};
	struct store_sweep_stats        s;
	struct log_line                 l;
	int                             rc = janitor_sweep(db, st, &o, &s);

	if (rc == JANITOR_SWEEP_DB ||
	    (rc != JANITOR_SWEEP_STORE && s.orphans == 0))
		return rc;
	log_begin(&l, rc == JANITOR_SWEEP_STORE ? "error" : "info",
	          "media_sweep");
	log_str(&l, "result",
	        rc == JANITOR_SWEEP_OK      ? "done"
	        : rc == JANITOR_SWEEP_STORE ? "unreadable"
	                                    : "stopped");
	log_int(&l, "files", (long long)s.files);
	log_int(&l, "orphans", (long long)s.orphans);
	log_int(&l, "removed", (long long)s.removed);
	log_int(&l, "bytes", (long long)s.bytes);
	log_int(&l, "min_age_s", o.min_age);
	log_end(&l);
	return rc;
}

/* Sleeps sec seconds or until SIGTERM (no SA_RESTART). */
static void
janitor_sleep(long sec)
{
	time_t until = time(NULL) + sec;

	while (!child_stop && time(NULL) < until) {
		struct timespec ts = {until - time(NULL), 0};

		nanosleep(&ts, NULL);
	}
}

/*
 * The hour between two retention runs: the certificate step every
 * CERT_EVERY_SEC (issue 16), so certificates follow published results
 * within seconds.
 */
static void
janitor_between(struct db *db, const struct store *st, const struct config *cfg)
{
	time_t next = time(NULL) + JANITOR_EVERY_SEC;

	while (!child_stop && time(NULL) < next) {
		(void)cert_queue_run(db, st, cfg->site_url); /* db.c logs */
		janitor_sleep(CERT_EVERY_SEC);
	}
}

int
janitor_main(const struct config *cfg, const struct store *st)
{
	struct janitor_opts o = {.days = cfg->retention_days,
	                         .actor = "netdep-janitor",
	                         .stop = &child_stop};
	struct db          *db = NULL;

	/* Its own name, so "pgrep -x netdep -P master" counts workers only. */
	child_start("netdep-janitor");
	log_msg("info",
	        "janitor: files of rejected and withdrawn entries kept %d "
	        "days, files no row names %ld s; checking every %d s",
	        o.days, SWEEP_MIN_AGE_DEFAULT, JANITOR_EVERY_SEC);
	while (!child_stop) {
		struct janitor_stats s;

		if (db == NULL && (db = db_open(cfg->db)) == NULL) {
			janitor_sleep(JANITOR_RETRY_SEC);
			continue;
		}
		db_tag(db, "netdep-janitor"); /* its application_name */
		if (janitor_run(db, st, &o, &s) != 0) {
			/* A lost connection reconnects at the next call. */
			janitor_sleep(JANITOR_RETRY_SEC);
			continue;
		}
		if (s.entries > 0 || s.quota_old > 0)
			log_msg("info",
			        "janitor: files of %lu entries removed (%lu "
			        "incomplete); %lld old quota rows",
			        s.entries, s.failed, s.quota_old);
		if (janitor_sweep_logged(db, st) == JANITOR_SWEEP_DB) {
			janitor_sleep(JANITOR_RETRY_SEC);
			continue;
		}
		janitor_between(db, st, cfg);
	}
	db_close(db);
	log_msg("info", "janitor: stopped");
	return 0;
}
