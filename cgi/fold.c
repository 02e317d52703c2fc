/*
 * fold.c: the folder process.  Votes are appended, never counted in
 * place; triggers queue a +1/-1 per change (sql/functions/030_votes.sql)
 * and this process calls vote_fold() every NETDEP_FOLD_MS to move the queue
 * into the per-entry, per-day and per-unit counts in one transaction.  Once an
 * hour it also nulls the IP address and user-agent hash of old votes.
 */
#include "fold.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "child.h"
#include "config.h"
#include "db_account.h"
#include "db_ledger.h"
#include "db_tracks.h"
#include "db_vote.h"
#include "log.h"
#include "metrics.h"

#define PURGE_EVERY_SEC    3600
#define PURGE_BATCH        5000L
#define RETRY_MS           1000 /* after a lost database */
#define SNAPSHOT_EVERY_SEC 60   /* weekly snapshots due (issue 16) */
#define REVIEW_EVERY_MS    1000 /* fraud rules over new votes (issue 16) */

static void
fold_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	/* SIGTERM interrupts the sleep (no SA_RESTART). */
	nanosleep(&ts, NULL);
}

/* Purges forensics older than days, in batches; returns rows nulled. */
static long long
fold_purge(struct db *db, struct arena *a, long days)
{
	long long total = 0;
	int64_t   n;

	do {
		if (db_vote_purge(db, a, days, PURGE_BATCH, &n) < 0)
			break;
		total += n;
		arena_reset(a);
	} while (n > 0 && !child_stop);
	return total;
}

/* Wall-clock time in Unix milliseconds (the fold lag of /metrics). */
static double
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int
fold_main(const struct config *cfg)
{
	struct arena a;
	struct db   *db = NULL;
	long         every = cfg->fold_ms;
	long         days = cfg->forensics_days;
	time_t       next_purge = 0, next_snap = 0;
	double       next_review = 0;

	/* Its own name, so "pgrep -x netdep -P master" counts workers only. */
	child_start("netdep-fold");
	arena_init(&a, 0);
	log_msg("info", "folder: folding every %ld ms; forensics kept %ld days",
	        every, days);
	while (!child_stop) {
		int rc;

		if (db == NULL && (db = db_open(cfg->db)) == NULL) {
			metrics_fold(0, 0);
			fold_sleep_ms(RETRY_MS);
			continue;
		}
		db_tag(db, "netdep-folder"); /* its application_name */
		rc = db_vote_fold(db, &a);
		metrics_fold(rc >= 0, wall_ms());
		/*
		 * The fraud rules run here, over the votes cast since the last
		 * scan, not in the vote's transaction: a flagged vote is held
		 * for review (110_ledger.sql, review_scan()), and the day's
		 * ledger digest is published after midnight.
		 */
		if (rc >= 0 && wall_ms() >= next_review) {
			long long held = 0;

			if (db_review_scan(db, &a, &held) == DB_OK && held > 0)
				log_msg("info",
				        "folder: %lld votes held for review",
				        held);
			next_review = wall_ms() + REVIEW_EVERY_MS;
		}
		if (rc == DB_LOST) {
			fold_sleep_ms(RETRY_MS);
		} else if (rc >= 0 && time(NULL) >= next_purge) {
			long long n = fold_purge(db, &a, days);

			if (n > 0)
				log_msg(
				    "info",
				    "folder: forensics of %lld votes purged",
				    n);
			/* Idle and expired sessions, the brakes' old
			 * counters and spent proofs (070_security.sql). */
			if (db_security_purge(db, &a, cfg->session_idle_hours,
			                      &n) == DB_OK &&
			    n > 0)
				log_msg("info",
				        "folder: %lld expired sessions, "
				        "counters and proofs removed",
				        n);
			next_purge = time(NULL) + PURGE_EVERY_SEC;
		}
		if (rc >= 0 && time(NULL) >= next_snap) {
			long long n;

			/* Weeks that ended: their standings frozen, after
			 * this fold so the counts are current. */
			if (db_snapshots_take(db, &a, NULL, &n) == DB_OK &&
			    n > 0)
				log_msg("info",
				        "folder: %lld weekly snapshots taken",
				        n);
			next_snap = time(NULL) + SNAPSHOT_EVERY_SEC;
		}
		arena_reset(&a);
		if (!child_stop)
			fold_sleep_ms(every);
	}
	arena_free(&a);
	db_close(db);
	log_msg("info", "folder: stopped");
	return 0;
}
