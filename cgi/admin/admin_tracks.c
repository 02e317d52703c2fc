/*
 * admin_tracks.c: `netdep-admin tracks set|show` and `snapshot take`
 * (issue 16): a contest's prize tracks from a JSON file, checked by the
 * same SQL function as PUT /contests/{slug}/tracks (tracks_set() in
 * sql/functions/100_tracks.sql: a bad field is named and nothing is
 * written), the tracks computed, and the weekly snapshots due taken now
 * (as the folder does every minute).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../db_tracks.h"
#include "../outcome.h"
#include "admin.h"

static const struct db_actor tracks_actor = {NULL, "netdep-admin", NULL};

/* The contest's id into *id, or reports; 0 or -1. */
static int
tracks_contest(struct admin_run *run, const char *slug, const char **id)
{
	int rc = db_tracks_contest_id(run->db, &run->a, slug, id);

	if (rc == DB_OK)
		return 0;
	if (rc == DB_NONE)
		admin_fail("no contest %s", slug);
	else
		admin_fail("database error");
	return -1;
}

/* tracks set SLUG FILE.json */
int
admin_tracks_set(int argc, char **argv)
{
	struct admin_run run = {0};
	struct db_answer ans = {0};
	json_error_t     err;
	json_t          *doc;
	char            *text;
	const char      *id;
	int              rc = ADMIN_EXIT_FAIL;

	if (argc != 2)
		return admin_usage("tracks set needs a SLUG and a FILE.json");
	if ((doc = json_load_file(argv[1], JSON_REJECT_DUPLICATES, &err)) ==
	    NULL)
		return admin_usage("%s:%d: %s", argv[1], err.line, err.text);
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (text == NULL)
		return admin_usage("%s: cannot read", argv[1]);
	if (admin_start(&run, 0) == 0 &&
	    tracks_contest(&run, argv[0], &id) == 0) {
		if (db_tracks_save(run.db, &run.a, id, &tracks_actor, text,
		                   &ans) <= 0)
			admin_fail("database error");
		else if (strcmp(ans.outcome, "ok") != 0) {
			admin_fail("%s: %s", ans.outcome,
			           ans.detail ? ans.detail : "");
			rc = strcmp(ans.outcome, "invalid_tracks") == 0
			         ? ADMIN_EXIT_USAGE
			         : ADMIN_EXIT_FAIL;
		} else
			rc = ADMIN_EXIT_OK;
	}
	free(text);
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK && puts(ans.body) == EOF)
		rc = ADMIN_EXIT_FAIL;
	arena_free(&run.a);
	return rc;
}

/* tracks show SLUG: every track computed, as JSON. */
int
admin_tracks_show(int argc, char **argv)
{
	struct admin_run run = {0};
	const char      *id, *json = NULL;
	int              rc = ADMIN_EXIT_FAIL;

	if (argc != 1)
		return admin_usage("tracks show needs a SLUG");
	if (admin_start(&run, 1) == 0 &&
	    tracks_contest(&run, argv[0], &id) == 0 &&
	    db_tracks_results(run.db, &run.a, id, &json) == DB_OK)
		rc = ADMIN_EXIT_OK;
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK && (puts(json) == EOF || fflush(stdout) != 0))
		rc = ADMIN_EXIT_FAIL;
	arena_free(&run.a);
	return rc;
}

/* snapshot take [SLUG]: the weekly snapshots due now, of one contest or
 * of all. */
int
admin_snapshot_take(int argc, char **argv)
{
	struct admin_run run = {0};
	const char      *id = NULL;
	long long        n = 0;
	int              rc = ADMIN_EXIT_FAIL;

	if (argc > 1)
		return admin_usage("snapshot take takes at most a SLUG");
	if (admin_start(&run, 0) == 0 &&
	    (argc == 0 || tracks_contest(&run, argv[0], &id) == 0)) {
		if (db_snapshots_take(run.db, &run.a, id, &n) < 0)
			admin_fail("database error");
		else
			rc = ADMIN_EXIT_OK;
	}
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK && printf("%lld snapshots taken\n", n) < 0)
		rc = ADMIN_EXIT_FAIL;
	arena_free(&run.a);
	return rc;
}
