/*
 * admin_media.c: `netdep-admin media sweep` (and `media orphans`, which
 * only lists), the clean-up of media files that no row names.  An upload writes
 * its files, then commits its rows, and removes the files when the commit
 * fails; only a crash or a database lost at the wrong moment leaves files
 * behind, and this finds them (janitor_sweep(), which the server's janitor
 * also runs every hour).  `media janitor` runs the server's hourly
 * retention by hand (janitor.c).  `media relink`, after a restore (netdep-ctl
 * restore), rebuilds pub/ from the rows and names rows whose files are
 * missing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../config.h"
#include "../db_entry.h"
#include "../db_janitor.h"
#include "../db_ops.h"
#include "../janitor.h"
#include "../store.h"
#include "../store_s3.h"
#include "../valid.h"
#include "admin.h"
#include "admin_args.h"

enum sopt { SOPT_OLDER_THAN, SOPT__MAX };

static const char *const sopt_names[SOPT__MAX] = {
    "older-than", /* SOPT_OLDER_THAN */
};

static void
token_report(void *ctx, const char *token, const char *file)
{
	(void)ctx;
	printf("orphan %.2s/%.2s/%s\n", token, token + 2, file);
}

/* Loads the configuration and opens its media root: 0 or an exit code. */
static int
media_open(struct config *cfg, struct store *media)
{
	if (config_load(cfg) != 0)
		return ADMIN_EXIT_USAGE;
	if (store_open(media, cfg->media) != 0) {
		admin_fail("cannot open the media root %s (set NETDEP_MEDIA)",
		           cfg->media);
		return ADMIN_EXIT_FAIL;
	}
	if (store_s3_attach(media, cfg) != 0) {
		admin_fail("cannot set up the S3 media backend");
		store_close(media);
		return ADMIN_EXIT_FAIL;
	}
	return 0;
}

/* Parses the options into o; returns 0 or an exit code. */
static int
sweep_options(int argc, char **argv, struct janitor_sweep_opts *o)
{
	const char *opt[SOPT__MAX] = {NULL}, *pos[1];
	char        err[256];
	size_t      npos;
	long long   n;

	if (!admin_args_parse(argc, argv, sopt_names, SOPT__MAX, opt, pos, 0,
	                      &npos, err, sizeof(err)))
		return admin_usage("media %s: %s",
		                   o->dry_run ? "orphans" : "sweep", err);
	o->min_age = SWEEP_MIN_AGE_DEFAULT;
	if (opt[SOPT_OLDER_THAN] != NULL) {
		if (!valid_int(opt[SOPT_OLDER_THAN],
		               strlen(opt[SOPT_OLDER_THAN]), 0, 365L * 86400,
		               &n))
			return admin_usage("--older-than must be a number of "
			                   "seconds from 0 to 31536000");
		o->min_age = (long)n;
	}
	return 0;
}

/* Lists (dry_run 1) or removes the orphans (janitor_sweep()). */
static int
media_sweep(int argc, char **argv, int dry_run)
{
	struct janitor_sweep_opts o = {.dry_run = dry_run,
	                               .report = dry_run ? token_report : NULL};
	struct store_sweep_stats  st;
	struct admin_run          run = {0};
	struct config             cfg;
	struct store              media;
	int                       rc;

	if ((rc = sweep_options(argc, argv, &o)) != 0)
		return rc;
	if ((rc = media_open(&cfg, &media)) != 0)
		return rc;
	rc = ADMIN_EXIT_FAIL;
	if (admin_start(&run, 1) != 0)
		goto out;
	switch (janitor_sweep(run.db, &media, &o, &st)) {
	case JANITOR_SWEEP_OK:
		printf("%s %lu of %lu files (%llu bytes) that no media row "
		       "names\n",
		       o.dry_run ? "would remove" : "removed",
		       o.dry_run ? st.orphans : st.removed, st.files, st.bytes);
		rc = ADMIN_EXIT_OK;
		break;
	case JANITOR_SWEEP_DB:
		admin_fail("cannot read the media tokens");
		break;
	default:
		admin_fail("cannot read the media root %s", cfg.media);
	}
out:
	rc = admin_finish(&run, rc);
	store_close(&media);
	arena_free(&run.a);
	return rc;
}

int
admin_media_sweep(int argc, char **argv)
{
	return media_sweep(argc, argv, 0);
}

int
admin_media_orphans(int argc, char **argv)
{
	return media_sweep(argc, argv, 1);
}

static void
janitor_report(void *ctx, const struct db_purged *p, int removed)
{
	const int *dry = ctx;

	if (*dry)
		printf("due entry %s %s since %s token %.2s/%.2s/%s\n",
		       p->entry, p->status, p->closed_at, p->token,
		       p->token + 2, p->token);
	else
		printf("purged entry %s token %.2s/%.2s/%s%s\n", p->entry,
		       p->token, p->token + 2, p->token,
		       removed ? "" : " (some files remain: media sweep)");
}

int
admin_media_janitor(int argc, char **argv)
{
	struct config        cfg;
	struct store         media;
	struct admin_run     run = {0};
	struct janitor_stats st;
	int                  dry, rc = ADMIN_EXIT_FAIL;

	/* --dry-run takes no value, unlike admin_args_parse()'s options. */
	dry = argc == 1 && strcmp(argv[0], "--dry-run") == 0;
	if (argc > 1 || (argc == 1 && !dry))
		return admin_usage("media janitor takes only --dry-run, not "
		                   "'%s'",
		                   argv[argc - 1]);
	if ((rc = media_open(&cfg, &media)) != 0)
		return rc;
	rc = ADMIN_EXIT_FAIL;
	/* No command transaction: each batch commits before its files go. */
	if (admin_connect(&run) == 0 &&
	    janitor_run(run.db, &media,
	                &(struct janitor_opts){.days = cfg.retention_days,
	                                       .dry_run = dry,
	                                       .actor = "netdep-admin",
	                                       .report = janitor_report,
	                                       .ctx = &dry},
	                &st) == 0) {
		printf("%s the files of %lu entries rejected or withdrawn more "
		       "than %d days ago",
		       dry ? "would remove" : "removed", st.entries,
		       cfg.retention_days);
		if (st.failed > 0)
			printf(" (%lu incomplete)", st.failed);
		printf("\n");
		rc = ADMIN_EXIT_OK;
	} else if (run.db != NULL) {
		admin_fail("the database failed; what was reported is done");
	}
	rc = admin_finish(&run, rc);
	store_close(&media);
	arena_free(&run.a);
	return rc;
}

/* One row of media relink: its files present, its public links right. */
static int
relink_one(const struct store *st, const struct db_relink *r, int *pub)
{
	const char *orig = store_orig_suffix(r->original_type);
	const char *thumb = store_deriv_suffix(STORE_T400_JPG);
	int         ok = 1;

	if (store_exists(st, STORE_ORIG, r->token, orig) != 1) {
		printf("missing orig/%.2s/%.2s/%s%s\n", r->token, r->token + 2,
		       r->token, orig);
		ok = 0;
	}
	if (store_exists(st, STORE_PRIV, r->token, thumb) != 1) {
		printf("missing priv/%.2s/%.2s/%s%s\n", r->token, r->token + 2,
		       r->token, thumb);
		ok = 0;
	}
	if ((r->public ? store_publish(st, r->token)
	               : store_unpublish(st, r->token)) != 0) {
		printf("cannot %s %s: %s\n",
		       r->public ? "publish" : "unpublish", r->token,
		       strerror(errno));
		ok = 0;
	}
	*pub += r->public;
	return ok;
}

int
admin_media_relink(int argc, char **argv)
{
	struct config         cfg;
	struct store          media;
	struct admin_run      run = {0};
	struct db_relink_list l;
	int                   rc = ADMIN_EXIT_FAIL, bad = 0, pub = 0;

	if (argc > 0)
		return admin_usage("media relink takes no argument, not '%s'",
		                   argv[0]);
	if ((rc = media_open(&cfg, &media)) != 0)
		return rc;
	rc = ADMIN_EXIT_FAIL;
	if (admin_start(&run, 1) == 0 &&
	    db_media_relink_list(run.db, &run.a, &l) == DB_OK) {
		for (int i = 0; i < l.n; i++)
			bad += !relink_one(&media, &l.e[i], &pub);
		printf("relinked %d media rows (%d public); %d with files "
		       "missing or not linked\n",
		       l.n, pub, bad);
		rc = bad == 0 ? ADMIN_EXIT_OK : ADMIN_EXIT_FAIL;
	}
	rc = admin_finish(&run, rc);
	store_close(&media);
	arena_free(&run.a);
	return rc;
}
