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

#include "../valid.h"
#include "admin.h"
#include "admin_args.h"

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

enum ckind {
	K_LINE,  /* one line of min..max characters */
	K_BLOCK, /* multi-line text of at most max characters */
	K_TIME,  /* ISO 8601, or empty for an open window */
	K_INT,   /* whole number in min..max */
	K_RULE,  /* once | daily */
	K_BOOL,  /* yes | no */
	K_LIST,  /* comma-separated names of min..max characters each */
};

/* The settings; the column keys share the numbering of the UPDATE. */
enum ckey {
	CK_TITLE = ADM_COL_TITLE,
	CK_RULES = ADM_COL_RULES,
	CK_SUBMIT_FROM = ADM_COL_SUBMIT_FROM,
	CK_SUBMIT_UNTIL = ADM_COL_SUBMIT_UNTIL,
	CK_VOTE_FROM = ADM_COL_VOTE_FROM,
	CK_VOTE_UNTIL = ADM_COL_VOTE_UNTIL,
	CK_RESULTS_AT = ADM_COL_RESULTS_AT,
	CK_MAX_ENTRIES = ADM_COL_MAX_ENTRIES,
	CK_VOTES_PER_DAY = ADM_COL_VOTES_PER_DAY,
	CK_VOTE_RULE = ADM_COL_VOTE_RULE,
	CK_SELF_VOTE = ADM_COL_SELF_VOTE,
	CK_PUBLIC_WEIGHT = ADM_COL_PUBLIC_WEIGHT,
	CK_MIN_SHORT_SIDE = ADM_COL_MIN_SHORT_SIDE,
	CK_MAX_PIXELS = ADM_COL_MAX_PIXELS,
	CK_MAX_SIDE = ADM_COL_MAX_SIDE,
	CK_MAX_BYTES = ADM_COL_MAX_BYTES,
	CK_CATEGORIES = ADM_COL__MAX, /* not a column: rows of categories */
	CK__MAX
};

struct ckey_def {
	const char *name; /* as typed: --name VALUE or name=VALUE */
	enum ckind  kind;
	long long   min, max; /* the schema's CHECK limits */
};

static const struct ckey_def ckeys[CK__MAX] = {
    {"title", K_LINE, 1, 200},             /* CK_TITLE */
    {"rules", K_BLOCK, 0, 20000},          /* CK_RULES */
    {"submit-from", K_TIME, 0, 0},         /* CK_SUBMIT_FROM */
    {"submit-until", K_TIME, 0, 0},        /* CK_SUBMIT_UNTIL */
    {"vote-from", K_TIME, 0, 0},           /* CK_VOTE_FROM */
    {"vote-until", K_TIME, 0, 0},          /* CK_VOTE_UNTIL */
    {"results-at", K_TIME, 0, 0},          /* CK_RESULTS_AT */
    {"max-entries", K_INT, 1, 100},        /* CK_MAX_ENTRIES */
    {"votes-per-day", K_INT, 1, 1000},     /* CK_VOTES_PER_DAY */
    {"vote-rule", K_RULE, 0, 0},           /* CK_VOTE_RULE */
    {"self-vote", K_BOOL, 0, 0},           /* CK_SELF_VOTE */
    {"public-weight", K_INT, 0, 100},      /* CK_PUBLIC_WEIGHT */
    {"min-short-side", K_INT, 1, 16384},   /* CK_MIN_SHORT_SIDE */
    {"max-pixels", K_INT, 1, 268435456},   /* CK_MAX_PIXELS */
    {"max-side", K_INT, 1, 65535},         /* CK_MAX_SIDE */
    {"max-bytes", K_INT, 1024, 104857600}, /* CK_MAX_BYTES */
    {"categories", K_LIST, 1, 120},        /* CK_CATEGORIES */
};

/* What the command line asks for, checked and turned into parameters. */
struct csettings {
	const char *raw[CK__MAX];          /* as typed; NULL = not given */
	const char *param[ADM_COL__MAX];   /* SQL text; NULL = SQL NULL */
	char        num[ADM_COL__MAX][24]; /* storage for times */
	long long   epoch[ADM_COL__MAX];   /* K_TIME values */
	unsigned    mask;                  /* columns to change */
	const char *cats[CONTEST_CATEGORIES_MAX];
	int         cat_added[CONTEST_CATEGORIES_MAX];
	size_t      ncats;
};

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
	const struct ckey_def *d = &ckeys[CK_CATEGORIES];
	const char            *p = list, *end, *b, *e;
	size_t                 i;

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
		if (!valid_line(b, (size_t)(e - b), (size_t)d->min,
		                (size_t)d->max)) {
			admin_usage("categories: '%.*s' is not 1 to %lld "
			            "characters of text on one line",
			            (int)(e - b), b, d->max);
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
 * Checks every given setting and fills the parameters and the mask.
 * Returns 1, or 0 after reporting a usage error.
 */
static int
settings_check(struct csettings *s, struct arena *a, int creating)
{
	const struct ckey_def *d;
	const char            *v;
	size_t                 len;
	long long              n;
	int                    k;

	for (k = 0; k < CK__MAX; k++) {
		d = &ckeys[k];
		v = s->raw[k];
		if (v == NULL)
			continue;
		len = strlen(v);
		switch (d->kind) {
		case K_LINE:
			if (!valid_line(v, len, (size_t)d->min,
			                (size_t)d->max)) {
				admin_usage("%s must be %lld to %lld "
				            "characters of text on one line",
				            d->name, d->min, d->max);
				return 0;
			}
			break;
		case K_BLOCK:
			if (!valid_block(v, len, (size_t)d->max)) {
				admin_usage("%s must be at most %lld "
				            "characters of text",
				            d->name, d->max);
				return 0;
			}
			break;
		case K_TIME:
			if (len == 0)
				break; /* an open window: SQL NULL */
			if (!valid_timestamp(v, len, &s->epoch[k])) {
				admin_usage("%s: '%s' is not a time: use ISO "
				            "8601 such as 2026-05-01T08:00 "
				            "(Vietnam time) or "
				            "2026-05-01T01:00:00Z, or an empty "
				            "value for no limit",
				            d->name, v);
				return 0;
			}
			(void)snprintf(s->num[k], sizeof(s->num[k]), "%lld",
			               s->epoch[k]);
			s->param[k] = s->num[k];
			break;
		case K_INT:
			if (!valid_int(v, len, d->min, d->max, &n)) {
				admin_usage("%s must be a whole number from "
				            "%lld to %lld",
				            d->name, d->min, d->max);
				return 0;
			}
			break;
		case K_RULE:
			if (strcmp(v, "once") != 0 && strcmp(v, "daily") != 0) {
				admin_usage(
				    "vote-rule must be 'once' (one "
				    "vote per entry for the whole "
				    "contest) or 'daily' (one per entry "
				    "per day)");
				return 0;
			}
			break;
		case K_BOOL:
			if (strcmp(v, "yes") == 0)
				s->param[k] = "true";
			else if (strcmp(v, "no") == 0)
				s->param[k] = "false";
			else {
				admin_usage("%s must be 'yes' or 'no'",
				            d->name);
				return 0;
			}
			break;
		case K_LIST:
			if (!creating && len == 0) {
				admin_usage("categories= needs at least one "
				            "name to add");
				return 0;
			}
			if (!split_categories(s, a, v))
				return 0;
			break;
		}
		if (k < ADM_COL__MAX) {
			if (d->kind != K_TIME && d->kind != K_BOOL)
				s->param[k] = v;
			s->mask |= 1u << k;
		}
	}
	return 1;
}

/*
 * Locks the row of the contest with the given slug for the rest of the
 * transaction.  Returns ADMIN_EXIT_OK with its id in *id and its windows
 * in *row (columns 1-4: whole seconds of submit_from .. vote_until).
 */
static int
contest_lock(struct admin_run *run, const char *slug, const char **id,
             struct adm_rows *row)
{
	const char *p[1] = {slug};

	if (admin_db_run(run->db, &run->a, ADM_CONTEST_LOCK, p, row) != ADM_OK)
		return ADMIN_EXIT_FAIL;
	if (row->nrows == 0) {
		admin_fail("contest '%s' does not exist", slug);
		return ADMIN_EXIT_FAIL;
	}
	*id = admin_db_val(row, 0, 0);
	return ADMIN_EXIT_OK;
}

/*
 * Returns 1 when window column k is set after the change, with its time
 * in *t; row is what contest_lock() read.
 */
static int
window_after(const struct csettings *s, const struct adm_rows *row, int k,
             long long *t)
{
	if (s->mask & (1u << k)) {
		*t = s->epoch[k];
		return s->param[k] != NULL;
	}
	*t = admin_db_ll(row, 0, 1 + k - CK_SUBMIT_FROM, 0);
	return admin_db_val(row, 0, 1 + k - CK_SUBMIT_FROM) != NULL;
}

/*
 * Applies the settings to the locked contest id (row as read by
 * contest_lock()).  Returns an exit code, having reported any failure.
 */
static int
settings_apply(struct admin_run *run, struct csettings *s, const char *id,
               const struct adm_rows *row)
{
	static const int pairs[2][2] = {{CK_SUBMIT_FROM, CK_SUBMIT_UNTIL},
	                                {CK_VOTE_FROM, CK_VOTE_UNTIL}};
	const char      *p[2 + ADM_COL__MAX];
	char             maskbuf[16], t1[32], t2[32];
	struct adm_rows  rs;
	long long        from, until;
	int              i, k, st;
	size_t           c;

	/* The schema refuses an empty window too; say it in words. */
	for (i = 0; i < 2; i++) {
		if (window_after(s, row, pairs[i][0], &from) &&
		    window_after(s, row, pairs[i][1], &until) &&
		    from >= until) {
			admin_usage("%s (%s) must be before %s (%s)",
			            ckeys[pairs[i][0]].name, fmt_utc(from, t1),
			            ckeys[pairs[i][1]].name,
			            fmt_utc(until, t2));
			return ADMIN_EXIT_USAGE;
		}
	}

	if (s->mask != 0) {
		(void)snprintf(maskbuf, sizeof(maskbuf), "%u", s->mask);
		p[0] = id;
		p[1] = maskbuf;
		for (k = 0; k < ADM_COL__MAX; k++)
			p[2 + k] = (s->mask & (1u << k)) ? s->param[k] : NULL;
		st = admin_db_run(run->db, &run->a, ADM_CONTEST_UPDATE, p, &rs);
		if (st == ADM_NONE)
			admin_fail("the database refused the settings: %s",
			           rs.message);
		if (st != ADM_OK)
			return ADMIN_EXIT_FAIL;
	}

	for (c = 0; c < s->ncats; c++) {
		p[0] = id;
		p[1] = s->cats[c];
		st = admin_db_run(run->db, &run->a, ADM_CATEGORY_ADD, p, &rs);
		if (st == ADM_NONE)
			admin_fail("the database refused category '%s': %s",
			           s->cats[c], rs.message);
		if (st != ADM_OK)
			return ADMIN_EXIT_FAIL;
		s->cat_added[c] = rs.nrows > 0;
	}
	return ADMIN_EXIT_OK;
}

/* The contest, its categories and criteria as JSON text, for audit. */
static const char *
snapshot(struct admin_run *run, const char *id)
{
	const char     *p[1] = {id};
	struct adm_rows rs;

	if (admin_db_run(run->db, &run->a, ADM_CONTEST_SNAPSHOT, p, &rs) !=
	        ADM_OK ||
	    rs.nrows != 1)
		return NULL;
	return admin_db_val(&rs, 0, 0);
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

/* Fills names[] with the keys of the settings table. */
static void
ckey_names(const char *names[CK__MAX])
{
	int k;

	for (k = 0; k < CK__MAX; k++)
		names[k] = ckeys[k].name;
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

int
admin_contest_create(int argc, char **argv)
{
	struct csettings s;
	const char      *names[CK__MAX], *pos[1], *slug = NULL, *id = NULL;
	const char      *after;
	char             err[256], pbuf[8];
	size_t           npos, i;
	struct admin_run run = {0};
	struct adm_rows  rs, row;
	int              rc = ADMIN_EXIT_FAIL, st;

	memset(&s, 0, sizeof(s));
	ckey_names(names);
	if (!admin_args_parse(argc, argv, names, CK__MAX, s.raw, pos, 1, &npos,
	                      err, sizeof(err))) {
		rc = admin_usage("contest create: %s", err);
		goto out;
	}
	if (npos != 1) {
		rc = admin_usage("contest create needs a SLUG");
		goto out;
	}
	slug = pos[0];
	if (!slug_ok(slug)) {
		rc = ADMIN_EXIT_USAGE;
		goto out;
	}
	if (s.raw[CK_TITLE] == NULL) {
		rc = admin_usage("contest create needs --title TEXT");
		goto out;
	}
	if (!settings_check(&s, &run.a, 1)) {
		rc = ADMIN_EXIT_USAGE;
		goto out;
	}

	if (admin_start(&run, 0) != 0)
		goto out;
	{
		const char *p[2] = {slug, s.raw[CK_TITLE]};

		st = admin_db_run(run.db, &run.a, ADM_CONTEST_INSERT, p, &rs);
	}
	if (st == ADM_NONE)
		admin_fail("the database refused the contest: %s", rs.message);
	if (st != ADM_OK)
		goto out;
	if (rs.nrows == 0) {
		admin_fail("contest '%s' already exists (change it with "
		           "netdep-admin contest set)",
		           slug);
		goto out;
	}
	id = admin_db_val(&rs, 0, 0);
	if ((rc = contest_lock(&run, slug, &id, &row)) != ADMIN_EXIT_OK ||
	    (rc = settings_apply(&run, &s, id, &row)) != ADMIN_EXIT_OK)
		goto out;
	rc = ADMIN_EXIT_FAIL;
	for (i = 0; i < sizeof(default_criteria) / sizeof(default_criteria[0]);
	     i++) {
		const char *p[4] = {id, default_criteria[i].name,
		                    default_criteria[i].weight, pbuf};

		(void)snprintf(pbuf, sizeof(pbuf), "%zu", i + 1);
		if (admin_db_run(run.db, &run.a, ADM_CRITERION_ADD, p, &rs) !=
		    ADM_OK) {
			if (rs.message != NULL)
				admin_fail("the database refused a "
				           "criterion: %s",
				           rs.message);
			goto out;
		}
	}
	if ((after = snapshot(&run, id)) == NULL ||
	    admin_audit(&run, "contest.create", "contest", id, id, NULL,
	                after) != 0)
		goto out;
	rc = ADMIN_EXIT_OK;
out:
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK)
		printf("created contest '%s' (id %s) with %zu "
		       "categor%s and %zu jury criteria\n",
		       slug, id, s.ncats, s.ncats == 1 ? "y" : "ies",
		       sizeof(default_criteria) / sizeof(default_criteria[0]));
	arena_free(&run.a);
	return rc;
}

int
admin_contest_set(int argc, char **argv)
{
	struct csettings s;
	const char      *names[CK__MAX], *slug = NULL, *id = NULL;
	const char      *before = NULL, *after = NULL;
	char             err[256];
	struct admin_run run = {0};
	struct adm_rows  row;
	int              rc = ADMIN_EXIT_FAIL, i, k, first;

	memset(&s, 0, sizeof(s));
	ckey_names(names);
	if (argc < 1) {
		rc = admin_usage("contest set needs a SLUG and KEY=VALUE...");
		goto done;
	}
	slug = argv[0];
	if (!slug_ok(slug)) {
		rc = ADMIN_EXIT_USAGE;
		goto done;
	}
	if (argc < 2) {
		rc = admin_usage("contest set %s: nothing to set; give "
		                 "KEY=VALUE pairs",
		                 slug);
		goto done;
	}
	for (i = 1; i < argc; i++)
		if (!admin_args_keyval(argv[i], names, CK__MAX, s.raw, err,
		                       sizeof(err))) {
			rc = admin_usage("contest set: %s", err);
			goto done;
		}
	if (!settings_check(&s, &run.a, 0)) {
		rc = ADMIN_EXIT_USAGE;
		goto done;
	}

	if (admin_start(&run, 0) != 0)
		goto out;
	if ((rc = contest_lock(&run, slug, &id, &row)) != ADMIN_EXIT_OK)
		goto out;
	rc = ADMIN_EXIT_FAIL;
	/* The row is locked, so the snapshot is exactly what we change. */
	if ((before = snapshot(&run, id)) == NULL)
		goto out;
	if ((rc = settings_apply(&run, &s, id, &row)) != ADMIN_EXIT_OK)
		goto out;
	rc = ADMIN_EXIT_FAIL;
	if ((after = snapshot(&run, id)) == NULL)
		goto out;
	/* jsonb prints canonically: equal text means nothing changed. */
	if (strcmp(before, after) != 0 &&
	    admin_audit(&run, "contest.update", "contest", id, id, before,
	                after) != 0)
		goto out;
	rc = ADMIN_EXIT_OK;
out:
	rc = admin_finish(&run, rc);
	if (rc != ADMIN_EXIT_OK)
		goto done;
	if (strcmp(before, after) == 0) {
		printf("contest '%s' unchanged (the values were already "
		       "set)\n",
		       slug);
		goto done;
	}
	printf("updated contest '%s':", slug);
	first = 1;
	for (k = 0; k < ADM_COL__MAX; k++)
		if (s.raw[k] != NULL) {
			printf("%s %s", first ? "" : ",", ckeys[k].name);
			first = 0;
		}
	putchar('\n');
	print_categories(&s);
done:
	arena_free(&run.a);
	return rc;
}

/*
 * Sets key of obj to val (stolen).  A NULL val (allocation failure or
 * invalid UTF-8 from the database) sets *bad.
 */
static void
put(json_t *obj, const char *key, json_t *val, int *bad)
{
	if (val == NULL || json_object_set_new(obj, key, val) != 0)
		*bad = 1;
}

/* A JSON string of s, or null when s is NULL (SQL NULL). */
static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* A JSON integer of the column, or null when it is NULL. */
static json_t *
jint(const struct adm_rows *rs, int r, int c)
{
	return admin_db_val(rs, r, c) != NULL
	           ? json_integer(admin_db_ll(rs, r, c, 0))
	           : json_null();
}

/* How each column of ADM_CONTEST_SHOW goes into the JSON document. */
enum jtype { J_STR, J_INT, J_BOOL };

static const struct {
	const char *key;
	enum jtype  type;
} show_cols[] = {
    {"id", J_INT},          {"slug", J_STR},          {"title", J_STR},
    {"rules", J_STR},       {"submit_from", J_STR},   {"submit_until", J_STR},
    {"vote_from", J_STR},   {"vote_until", J_STR},    {"results_at", J_STR},
    {"max_entries", J_INT}, {"votes_per_day", J_INT}, {"vote_rule", J_STR},
    {"self_vote", J_BOOL},  {"public_weight", J_INT}, {"min_short_side", J_INT},
    {"max_pixels", J_INT},  {"max_side", J_INT},      {"max_bytes", J_INT},
    {"created_at", J_STR},
};

/*
 * Adds key: [ {names[0]: col 0, ...}, ... ] for every row of statement id
 * run with the contest id.  Column types: all integers but "name" and
 * "username" (strings) and "every_contest" (boolean).
 */
static int
put_rows(struct admin_run *run, json_t *doc, const char *key, enum adm_stmt sid,
         const char *id, const char *const *names, int ncols, int *bad)
{
	const char     *p[1] = {id};
	struct adm_rows rs;
	json_t         *arr, *o;
	int             r, c;

	if (admin_db_run(run->db, &run->a, sid, p, &rs) != ADM_OK)
		return -1;
	if ((arr = json_array()) == NULL) {
		*bad = 1;
		return 0;
	}
	for (r = 0; r < rs.nrows; r++) {
		if ((o = json_object()) == NULL ||
		    json_array_append_new(arr, o) != 0) {
			*bad = 1;
			break;
		}
		for (c = 0; c < ncols; c++) {
			const char *v = admin_db_val(&rs, r, c);

			if (strcmp(names[c], "name") == 0 ||
			    strcmp(names[c], "username") == 0)
				put(o, names[c], jstr(v), bad);
			else if (strcmp(names[c], "every_contest") == 0)
				put(o, names[c],
				    json_boolean(v != NULL && v[0] == 't'),
				    bad);
			else
				put(o, names[c], jint(&rs, r, c), bad);
		}
	}
	put(doc, key, arr, bad);
	return 0;
}

/* Adds key: {names[i]: column i} from the one row of statement sid. */
static int
put_counts(struct admin_run *run, json_t *doc, const char *key,
           enum adm_stmt sid, const char *id, const char *const *names,
           int ncols, int *bad)
{
	const char     *p[1] = {id};
	struct adm_rows rs;
	json_t         *o;
	int             c;

	if (admin_db_run(run->db, &run->a, sid, p, &rs) != ADM_OK)
		return -1;
	if ((o = json_object()) == NULL) {
		*bad = 1;
		return 0;
	}
	for (c = 0; c < ncols; c++)
		put(o, names[c], jint(&rs, 0, c), bad);
	put(doc, key, o, bad);
	return 0;
}

int
admin_contest_show(int argc, char **argv)
{
	static const char *const cat_cols[] = {"id", "name", "position"};
	static const char *const crit_cols[] = {"id", "name", "weight",
	                                        "position"};
	static const char *const entry_cols[] = {
	    "pending", "approved", "rejected", "withdrawn", "total"};
	static const char *const vote_cols[] = {"counted", "voided"};
	static const char *const judge_cols[] = {"username", "every_contest"};
	const char              *pos[1], *id, *v;
	char                     err[256];
	size_t                   npos, c;
	struct admin_run         run = {0};
	struct adm_rows          rs;
	json_t                  *doc = NULL;
	int                      rc = ADMIN_EXIT_FAIL, bad = 0;

	if (!admin_args_parse(argc, argv, NULL, 0, NULL, pos, 1, &npos, err,
	                      sizeof(err)))
		return admin_usage("contest show: %s", err);
	if (npos != 1)
		return admin_usage("contest show needs a SLUG");
	if (!slug_ok(pos[0]))
		return ADMIN_EXIT_USAGE;

	/* One snapshot, so the counts agree with each other. */
	if (admin_start(&run, 1) != 0 ||
	    admin_db_run(run.db, &run.a, ADM_CONTEST_SHOW, pos, &rs) != ADM_OK)
		goto out;
	if (rs.nrows == 0) {
		admin_fail("contest '%s' does not exist", pos[0]);
		goto out;
	}
	if ((doc = json_object()) == NULL)
		goto oom;
	for (c = 0; c < sizeof(show_cols) / sizeof(show_cols[0]); c++) {
		v = admin_db_val(&rs, 0, (int)c);
		switch (show_cols[c].type) {
		case J_STR:
			put(doc, show_cols[c].key, jstr(v), &bad);
			break;
		case J_INT:
			put(doc, show_cols[c].key, jint(&rs, 0, (int)c), &bad);
			break;
		case J_BOOL:
			put(doc, show_cols[c].key,
			    json_boolean(v != NULL && v[0] == 't'), &bad);
			break;
		}
	}
	id = admin_db_val(&rs, 0, 0);
	if (put_rows(&run, doc, "categories", ADM_CATEGORY_LIST, id, cat_cols,
	             3, &bad) != 0 ||
	    put_rows(&run, doc, "criteria", ADM_CRITERION_LIST, id, crit_cols,
	             4, &bad) != 0 ||
	    put_counts(&run, doc, "entries", ADM_ENTRY_COUNTS, id, entry_cols,
	               5, &bad) != 0 ||
	    put_counts(&run, doc, "votes", ADM_VOTE_COUNTS, id, vote_cols, 2,
	               &bad) != 0 ||
	    put_rows(&run, doc, "judges", ADM_JUDGE_LIST, id, judge_cols, 2,
	             &bad) != 0)
		goto out;
	if (bad)
		goto oom;
	rc = ADMIN_EXIT_OK;
	goto out;
oom:
	admin_fail("cannot build the JSON document (out of memory, or text "
	           "in the database that is not UTF-8)");
out:
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK) {
		if (json_dumpf(doc, stdout, JSON_INDENT(2)) != 0 ||
		    putchar('\n') == EOF || fflush(stdout) != 0) {
			admin_fail("cannot write to standard output");
			rc = ADMIN_EXIT_FAIL;
		}
	}
	json_decref(doc);
	arena_free(&run.a);
	return rc;
}

int
admin_contest_list(int argc, char **argv)
{
	const char      *pos[1], *v;
	char             err[256];
	size_t           npos;
	struct admin_run run = {0};
	struct adm_rows  rs;
	int              rc = ADMIN_EXIT_FAIL, r, c;

	if (!admin_args_parse(argc, argv, NULL, 0, NULL, pos, 0, &npos, err,
	                      sizeof(err)))
		return admin_usage("contest list: %s", err);
	if (admin_start(&run, 1) != 0 ||
	    admin_db_run(run.db, &run.a, ADM_CONTEST_LIST, NULL, &rs) != ADM_OK)
		goto out;
	rc = ADMIN_EXIT_OK;
out:
	rc = admin_finish(&run, rc);
	if (rc == ADMIN_EXIT_OK) {
		printf("slug\ttitle\tsubmit_from\tsubmit_until\tvote_from\t"
		       "vote_until\tentries\tapproved\n");
		for (r = 0; r < rs.nrows; r++)
			for (c = 0; c < rs.ncols; c++) {
				v = admin_db_val(&rs, r, c);
				/* An open window prints as "-". */
				printf("%s%c", v != NULL ? v : "-",
				       c + 1 < rs.ncols ? '\t' : '\n');
			}
	}
	arena_free(&run.a);
	return rc;
}
