/*
 * admin_contest.c: the contest commands of netdep-admin: contest create,
 * set, show and list.  create and set share one table of settings (the
 * keys of the command line), one validation pass and one UPDATE, so a
 * setting behaves the same in both; categories can only be added, never
 * removed or renamed here, because entries refer to them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "../contest_rules.h"
#include "../db_contest.h"
#include "../valid.h"
#include "admin.h"
#include "admin_args.h"

/* Elements of a static table. */
#define ADMIN_NELEM(t) (sizeof(t) / sizeof((t)[0]))

/* Most categories one command may add. */
#define CONTEST_CATEGORIES_MAX 100

/* The default jury criteria of a new contest (SPEC 6), weights in %. */
static const struct {
	const char *name;
	const char *weight;
} default_criteria[] = {
    {"Nội dung", "40"},
    {"Thẩm mỹ", "40"},
    {"Thông điệp", "20"},
};

/*
 * The settings are those of contest_rules.h, the web admin's too (their
 * names with '-'), in its order: setting k is bit k of the update mask.
 * categories is this command's own: rows, not a column.
 */
#define CK_CATEGORIES CS__MAX
#define CK__MAX       (CS__MAX + 1)

/* Category names: 1 to 120 characters each. */
#define CATEGORY_NAME_MAX 120

/* What the command line asks for, checked and turned into parameters. */
struct csettings {
	const char *raw[CK__MAX];     /* as typed; NULL = not given */
	const char *param[CS__MAX];   /* SQL text; NULL = SQL NULL */
	char        num[CS__MAX][24]; /* storage for times */
	long long   epoch[CS__MAX];   /* CONTEST_TIME values */
	unsigned    mask;             /* settings to change */
	const char *cats[CONTEST_CATEGORIES_MAX];
	int         cat_added[CONTEST_CATEGORIES_MAX];
	size_t      ncats;
};

/* The command-line name of setting or option k. */
static const char *
ckey_name(int k)
{
	return k < CS__MAX ? contest_settings[k].cli : "categories";
}

/* Formats seconds since the epoch as ISO 8601 UTC. */
static const char *
fmt_utc(long long epoch, char buf[32])
{
	time_t    t = (time_t)epoch;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(buf, 32, "@%lld", epoch);
	return buf;
}

/* Splits the category list into trimmed names; reports and returns 0 on
 * a bad list. */
static int
split_categories(struct csettings *s, struct arena *a, const char *list)
{
	const char *p = list, *end, *b, *e;
	size_t      i;

	if (list[0] == '\0')
		return 1;
	for (;;) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		b = p;
		e = end;
		while (b < e && *b == ' ')
			b++;
		while (e > b && e[-1] == ' ')
			e--;
		if (b == e) {
			admin_usage("categories: empty name in '%s' (names "
			            "are separated by single commas)",
			            list);
			return 0;
		}
		if (!valid_line(b, (size_t)(e - b), 1, CATEGORY_NAME_MAX)) {
			admin_usage("categories: '%.*s' is not 1 to %d "
			            "characters of text on one line",
			            (int)(e - b), b, CATEGORY_NAME_MAX);
			return 0;
		}
		if (s->ncats == CONTEST_CATEGORIES_MAX) {
			admin_usage("categories: at most %d at a time",
			            CONTEST_CATEGORIES_MAX);
			return 0;
		}
		s->cats[s->ncats] = arena_strndup(a, b, (size_t)(e - b));
		if (s->cats[s->ncats] == NULL) {
			admin_fail("out of memory");
			return 0;
		}
		for (i = 0; i < s->ncats; i++)
			if (strcmp(s->cats[i], s->cats[s->ncats]) == 0) {
				admin_usage("categories: '%s' is listed twice",
				            s->cats[i]);
				return 0;
			}
		s->ncats++;
		if (*end == '\0')
			return 1;
		p = end + 1;
	}
}

/*
 * Checks the value v of setting k and fills its parameter.  Returns 1, or
 * 0 after reporting a usage error.
 */
static int
setting_check(struct csettings *s, int k, const char *v)
{
	const struct contest_setting *d = &contest_settings[k];
	size_t                        len = strlen(v);
	long long                     n;

	switch (d->kind) {
	case CONTEST_LINE:
		if (valid_line(v, len, (size_t)d->min, (size_t)d->max))
			break;
		admin_usage("%s must be %lld to %lld characters of text on "
		            "one line",
		            d->cli, d->min, d->max);
		return 0;
	case CONTEST_BLOCK:
		if (valid_block(v, len, (size_t)d->max))
			break;
		admin_usage("%s must be at most %lld characters of text",
		            d->cli, d->max);
		return 0;
	case CONTEST_TIME:
		if (len == 0)
			return 1; /* an open window: SQL NULL */
		if (!valid_timestamp(v, len, &s->epoch[k])) {
			admin_usage(
			    "%s: '%s' is not a time: use ISO 8601 "
			    "such as 2026-05-01T08:00 (Vietnam time) "
			    "or 2026-05-01T01:00:00Z, or an empty value "
			    "for no limit",
			    d->cli, v);
			return 0;
		}
		(void)snprintf(s->num[k], sizeof(s->num[k]), "%lld",
		               s->epoch[k]);
		s->param[k] = s->num[k];
		return 1;
	case CONTEST_INT:
		if (valid_int(v, len, d->min, d->max, &n))
			break;
		admin_usage("%s must be a whole number from %lld to %lld",
		            d->cli, d->min, d->max);
		return 0;
	case CONTEST_RULE:
		if (strcmp(v, "once") == 0 || strcmp(v, "daily") == 0)
			break;
		admin_usage("vote-rule must be 'once' (one vote per entry for "
		            "the whole contest) or 'daily' (one per entry per "
		            "day)");
		return 0;
	case CONTEST_BOOL:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
			admin_usage("%s must be 'yes' or 'no'", d->cli);
			return 0;
		}
		s->param[k] = strcmp(v, "yes") == 0 ? "true" : "false";
		return 1;
	default:
		return 0;
	}
	s->param[k] = v;
	return 1;
}

/*
 * Checks every given setting and fills the parameters and the mask.
 * Returns 1, or 0 after reporting a usage error.
 */
static int
settings_check(struct csettings *s, struct arena *a, int creating)
{
	const char *v = s->raw[CK_CATEGORIES];

	for (int k = 0; k < CS__MAX; k++) {
		if (s->raw[k] == NULL)
			continue;
		if (!setting_check(s, k, s->raw[k]))
			return 0;
		s->mask |= 1u << k;
	}
	if (v == NULL)
		return 1;
	if (!creating && v[0] == '\0') {
		admin_usage("categories= needs at least one name to add");
		return 0;
	}
	return split_categories(s, a, v);
}

/*
 * Locks the row of the contest with the given slug for the rest of the
 * transaction.  Returns ADMIN_EXIT_OK with its id and windows in *cw.
 */
static int
contest_lock(struct admin_run *run, const char *slug,
             struct contest_windows *cw)
{
	int rc = db_contest_lock(run->db, &run->a, slug, cw);

	if (rc < 0)
		return ADMIN_EXIT_FAIL;
	if (rc == DB_NONE) {
		admin_fail("contest '%s' does not exist", slug);
		return ADMIN_EXIT_FAIL;
	}
	return ADMIN_EXIT_OK;
}

/*
 * Returns 1 when window setting k is set after the change, with its time
 * in *t; cw is what contest_lock() read.
 */
static int
window_after(const struct csettings *s, const struct contest_windows *cw, int k,
             long long *t)
{
	if (s->mask & (1u << k)) {
		*t = s->epoch[k];
		return s->param[k] != NULL;
	}
	*t = cw->epoch[k - CS_SUBMIT_FROM];
	return cw->set[k - CS_SUBMIT_FROM];
}

/*
 * Applies the settings to the locked contest (cw as read by
 * contest_lock()).  Returns an exit code, having reported any failure.
 */
static int
settings_apply(struct admin_run *run, struct csettings *s,
               const struct contest_windows *cw)
{
	static const int pairs[2][2] = {{CS_SUBMIT_FROM, CS_SUBMIT_UNTIL},
	                                {CS_VOTE_FROM, CS_VOTE_UNTIL}};
	char             t1[32], t2[32];
	long long        from, until;
	int              st;

	/* The schema refuses an empty window too; say it in words. */
	for (int i = 0; i < 2; i++) {
		if (window_after(s, cw, pairs[i][0], &from) &&
		    window_after(s, cw, pairs[i][1], &until) && from >= until) {
			admin_usage("%s (%s) must be before %s (%s)",
			            ckey_name(pairs[i][0]), fmt_utc(from, t1),
			            ckey_name(pairs[i][1]), fmt_utc(until, t2));
			return ADMIN_EXIT_USAGE;
		}
	}
	if (s->mask != 0) {
		st = db_contest_update(run->db, &run->a, cw->id, s->mask,
		                       s->param);
		if (st == DB_NONE)
			admin_fail("the database refused the settings (a rule "
			           "of the contests table, or a unit-code no "
			           "unit has)");
		if (st != DB_OK)
			return ADMIN_EXIT_FAIL;
	}
	for (size_t c = 0; c < s->ncats; c++) {
		st = db_category_put(run->db, &run->a, cw->id, s->cats[c],
		                     &s->cat_added[c]);
		if (st != DB_OK) {
			admin_fail("the database refused category '%s'",
			           s->cats[c]);
			return ADMIN_EXIT_FAIL;
		}
	}
	return ADMIN_EXIT_OK;
}

/* The contest, its categories and criteria as JSON text, for audit. */
static const char *
snapshot(struct admin_run *run, const char *id)
{
	const char *json;

	if (db_contest_snapshot(run->db, &run->a, id, &json) != DB_OK)
		return NULL;
	return json;
}

/* Returns 1 when s is a slug, else reports and returns 0. */
static int
slug_ok(const char *s)
{
	if (valid_slug(s, strlen(s)))
		return 1;
	admin_usage("'%s' is not a valid contest slug: 2 to 64 lowercase "
	            "letters, digits and '-', not starting or ending with "
	            "'-'",
	            s);
	return 0;
}

/* Fills names[] with the command-line names of the settings. */
static void
ckey_names(const char *names[CK__MAX])
{
	for (int k = 0; k < CK__MAX; k++)
		names[k] = ckey_name(k);
}

/* Prints the categories that were added and those that existed. */
static void
print_categories(const struct csettings *s)
{
	size_t c;
	int    first;
	int    added;

	for (added = 1; added >= 0; added--) {
		first = 1;
		for (c = 0; c < s->ncats; c++) {
			if (s->cat_added[c] != added)
				continue;
			printf("%s'%s'",
			       first ? (added ? "  added categories: "
			                      : "  categories already there, "
			                        "kept: ")
			             : ", ",
			       s->cats[c]);
			first = 0;
		}
		if (!first)
			putchar('\n');
	}
}

/* Reads `contest create SLUG --title T ...`; 0 or an exit code (said). */
static int
create_args(int argc, char **argv, struct csettings *s, struct arena *a,
            const char **slug)
{
	const char *names[CK__MAX], *pos[1];
	char        err[256];
	size_t      npos;

	ckey_names(names);
	if (!admin_args_parse(argc, argv, names, CK__MAX, s->raw, pos, 1, &npos,
	                      err, sizeof(err)))
		return admin_usage("contest create: %s", err);
	if (npos != 1)
		return admin_usage("contest create needs a SLUG");
	*slug = pos[0];
	if (!slug_ok(*slug))
		return ADMIN_EXIT_USAGE;
	if (s->raw[CS_TITLE] == NULL)
		return admin_usage("contest create needs --title TEXT");
	return settings_check(s, a, 1) ? 0 : ADMIN_EXIT_USAGE;
}

/*
 * Creates the contest with its settings, categories and the default jury
 * criteria, audited as one change.  Returns an exit code, *id on success.
 */
static int
create_apply(struct admin_run *run, struct csettings *s, const char *slug,
             const char **id)
{
	struct contest_windows cw;
	const char            *after;
	char                   pos[8];
	int                    rc;

	if ((rc = db_contest_insert(run->db, &run->a, slug, s->raw[CS_TITLE],
	                            id)) < 0)
		return ADMIN_EXIT_FAIL;
	if (rc == DB_NONE) {
		admin_fail("contest '%s' already exists (change it with "
		           "netdep-admin contest set)",
		           slug);
		return ADMIN_EXIT_FAIL;
	}
	if ((rc = contest_lock(run, slug, &cw)) != ADMIN_EXIT_OK ||
	    (rc = settings_apply(run, s, &cw)) != ADMIN_EXIT_OK)
		return rc;
	for (size_t i = 0; i < ADMIN_NELEM(default_criteria); i++) {
		(void)snprintf(pos, sizeof(pos), "%zu", i + 1);
		if (db_criterion_add(
		        run->db, &run->a, *id, default_criteria[i].name,
		        default_criteria[i].weight, pos) != DB_OK) {
			admin_fail("the database refused a criterion");
			return ADMIN_EXIT_FAIL;
		}
	}
	if ((after = snapshot(run, *id)) == NULL ||
	    admin_audit(run, "contest.create", "contest", *id, *id, NULL,
	                after) != 0)
		return ADMIN_EXIT_FAIL;
	return ADMIN_EXIT_OK;
}

int
admin_contest_create(int argc, char **argv)
{
	struct csettings s;
	const char      *slug = NULL, *id = NULL;
	struct admin_run run = {0};
	int              rc;

	memset(&s, 0, sizeof(s));
	if ((rc = create_args(argc, argv, &s, &run.a, &slug)) != 0) {
		arena_free(&run.a);
		return rc;
	}
	rc = ADMIN_EXIT_FAIL;
	if (admin_start(&run, 0) == 0)
		rc = create_apply(&run, &s, slug, &id);
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK)
		printf("created contest '%s' (id %s) with %zu "
		       "categor%s and %zu jury criteria\n",
		       slug, id, s.ncats, s.ncats == 1 ? "y" : "ies",
		       ADMIN_NELEM(default_criteria));
	arena_free(&run.a);
	return rc;
}

/* Reads `contest set SLUG KEY=VALUE...`; 0 or an exit code (said). */
static int
set_args(int argc, char **argv, struct csettings *s, struct arena *a,
         const char **slug)
{
	const char *names[CK__MAX];
	char        err[256];

	ckey_names(names);
	if (argc < 1)
		return admin_usage("contest set needs a SLUG and KEY=VALUE...");
	*slug = argv[0];
	if (!slug_ok(*slug))
		return ADMIN_EXIT_USAGE;
	if (argc < 2)
		return admin_usage("contest set %s: nothing to set; give "
		                   "KEY=VALUE pairs",
		                   *slug);
	for (int i = 1; i < argc; i++)
		if (!admin_args_keyval(argv[i], names, CK__MAX, s->raw, err,
		                       sizeof(err)))
			return admin_usage("contest set: %s", err);
	return settings_check(s, a, 0) ? 0 : ADMIN_EXIT_USAGE;
}

/*
 * Changes the locked contest and audits the change when there is one,
 * with the snapshots before and after.  Returns an exit code.
 */
static int
set_apply(struct admin_run *run, struct csettings *s, const char *slug,
          const char **before, const char **after)
{
	struct contest_windows cw;
	int                    rc;

	if ((rc = contest_lock(run, slug, &cw)) != ADMIN_EXIT_OK)
		return rc;
	/* The row is locked, so the snapshot is exactly what we change. */
	if ((*before = snapshot(run, cw.id)) == NULL)
		return ADMIN_EXIT_FAIL;
	if ((rc = settings_apply(run, s, &cw)) != ADMIN_EXIT_OK)
		return rc;
	if ((*after = snapshot(run, cw.id)) == NULL)
		return ADMIN_EXIT_FAIL;
	/* jsonb prints canonically: equal text means nothing changed. */
	if (strcmp(*before, *after) != 0 &&
	    admin_audit(run, "contest.update", "contest", cw.id, cw.id, *before,
	                *after) != 0)
		return ADMIN_EXIT_FAIL;
	return ADMIN_EXIT_OK;
}

int
admin_contest_set(int argc, char **argv)
{
	struct csettings s;
	const char      *slug = NULL, *before = NULL, *after = NULL;
	struct admin_run run = {0};
	int              rc, first = 1;

	memset(&s, 0, sizeof(s));
	if ((rc = set_args(argc, argv, &s, &run.a, &slug)) != 0)
		goto done;
	rc = ADMIN_EXIT_FAIL;
	if (admin_start(&run, 0) == 0)
		rc = set_apply(&run, &s, slug, &before, &after);
	if ((rc = admin_finish(&run, rc)) != ADMIN_EXIT_OK)
		goto done;
	if (strcmp(before, after) == 0) {
		printf("contest '%s' unchanged (the values were already "
		       "set)\n",
		       slug);
		goto done;
	}
	printf("updated contest '%s':", slug);
	for (int k = 0; k < CS__MAX; k++)
		if (s.raw[k] != NULL) {
			printf("%s %s", first ? "" : ",", ckey_name(k));
			first = 0;
		}
	putchar('\n');
	print_categories(&s);
done:
	arena_free(&run.a);
	return rc;
}

int
admin_contest_show(int argc, char **argv)
{
	const char      *pos[1], *json = NULL;
	char             err[256];
	size_t           npos;
	struct admin_run run = {0};
	json_t          *doc = NULL;
	int              rc = ADMIN_EXIT_FAIL, st;

	if (!admin_args_parse(argc, argv, NULL, 0, NULL, pos, 1, &npos, err,
	                      sizeof(err)))
		return admin_usage("contest show: %s", err);
	if (npos != 1)
		return admin_usage("contest show needs a SLUG");
	if (!slug_ok(pos[0]))
		return ADMIN_EXIT_USAGE;
	/* One snapshot, so the counts agree with each other. */
	if (admin_start(&run, 1) != 0)
		goto out;
	st = db_contest_show(run.db, &run.a, pos[0], &json);
	if (st == DB_NONE)
		admin_fail("contest '%s' does not exist", pos[0]);
	if (st != DB_OK)
		goto out;
	if ((doc = json_loads(json, JSON_DECODE_ANY, NULL)) == NULL) {
		admin_fail("cannot read the JSON document (out of memory, or "
		           "text in the database that is not UTF-8)");
		goto out;
	}
	rc = ADMIN_EXIT_OK;
out:
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK &&
	    (json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) !=
	         0 ||
	     putchar('\n') == EOF || fflush(stdout) != 0)) {
		admin_fail("cannot write to standard output");
		rc = ADMIN_EXIT_FAIL;
	}
	json_decref(doc);
	arena_free(&run.a);
	return rc;
}

/* An open window prints as "-". */
int
admin_contest_list(int argc, char **argv)
{
	return admin_list(argc, argv, "contest list",
	                  "slug\ttitle\tsubmit_from\tsubmit_until\tvote_from\t"
	                  "vote_until\tentries\tapproved\n",
	                  db_contest_table, "-");
}
