/*
 * db_entry.c: entries and media.  Entries are shown as JSON PostgreSQL
 * builds (ENTRY_JSON in sqlfrag.h); media URLs in it come from
 * media_path() (sql/functions/010_common.sql), which names files as
 * store.c does.
 */
#include "db_entry.h"

#include <stdio.h>
#include <string.h>

#include "sqlfrag.h"
#include "stmt.h"
#include "valid.h"

enum entry_q {
	Q_UPLOAD_CONTEST, /* Q_UPLOAD_CONTEST */
	Q_CATEGORY_CHECK, /* Q_CATEGORY_CHECK */
	Q_ENTRY_CREATE,   /* Q_ENTRY_CREATE */
	Q_MEDIA_INSERT,   /* Q_MEDIA_INSERT */
	Q_MEDIA_BY_TOKEN, /* Q_MEDIA_BY_TOKEN */
	Q_ENTRY_GET,      /* Q_ENTRY_GET */
	Q_GAL_CONTEST,    /* Q_GAL_CONTEST: a slug's id */
	Q_GAL_NEW,        /* Q_GAL_NEW: sort=new, no filter */
	Q_GAL_NEW_CAT,    /* Q_GAL_NEW_CAT: a category */
	Q_GAL_NEW_UNIT,   /* Q_GAL_NEW_UNIT: a unit (and a category) */
	Q_GAL_VOTES,      /* Q_GAL_VOTES */
	Q_GAL_VOTES_CAT,  /* Q_GAL_VOTES_CAT */
	Q_GAL_VOTES_UNIT, /* Q_GAL_VOTES_UNIT */
	Q_GAL_SHUF,       /* Q_GAL_SHUF */
	Q_GAL_SHUF_CAT,   /* Q_GAL_SHUF_CAT */
	Q_GAL_SHUF_UNIT,  /* Q_GAL_SHUF_UNIT */
	Q_MINE,           /* Q_MINE */
	Q_ENTRY_MEDIA,    /* Q_ENTRY_MEDIA */
	Q_ENTRY_LOCK,     /* Q_ENTRY_LOCK */
	Q_ENTRY_EDIT,     /* Q_ENTRY_EDIT */
	Q_ENTRY_WITHDRAW, /* Q_ENTRY_WITHDRAW */
	Q_SIMILAR,        /* Q_SIMILAR */
	Q_SHARE_PAGE,     /* Q_SHARE_PAGE */
	Q_TOKENS,         /* Q_TOKENS */
	Q__MAX
};

/* Columns of Q_UPLOAD_CONTEST. */
enum upc_col {
	UPC_ID,             /* UPC_ID */
	UPC_OPEN,           /* UPC_OPEN */
	UPC_MAX_ENTRIES,    /* UPC_MAX_ENTRIES */
	UPC_MIN_SHORT_SIDE, /* UPC_MIN_SHORT_SIDE */
	UPC_MAX_PIXELS,     /* UPC_MAX_PIXELS */
	UPC_MAX_SIDE,       /* UPC_MAX_SIDE */
	UPC_MAX_BYTES,      /* UPC_MAX_BYTES */
	UPC_CATEGORIES,     /* UPC_CATEGORIES */
	UPC_USED,           /* UPC_USED */
	UPC_TODAY,          /* UPC_TODAY: uploads stored this Vietnam day */
	UPC_DAY_LEFT,       /* UPC_DAY_LEFT: seconds until the next one */
	UPC_OUTSIDE, /* UPC_OUTSIDE: the organiser the caller is not under */
	UPC_NEXT,    /* UPC_NEXT: the contest's next entry number */
	UPC_TITLE,   /* UPC_TITLE: the contest's name (share card) */
	UPC__MAX
};

/* Columns of the Q_GAL_* statements. */
enum gal_col {
	GAL_JSON, /* GAL_JSON */
	GAL_ID,   /* GAL_ID */
	GAL_KEY,  /* GAL_KEY: votes or shuffle_key (else NULL) */
	GAL_ORD,  /* GAL_ORD: the shuffle segment (else NULL) */
	GAL__MAX
};

/*
 * The gallery (gallery.h): one statement per order and filter, so each
 * walks the one index that serves it and reads at most $4 rows past the
 * cursor.  Parameters: $1 the contest's id, $2 category, $3 unit, $4
 * rows; then
 *   new      $5 the cursor's id (the largest bigint on page 1);
 *   votes    $5 its votes (the largest bigint on page 1), $6 its id;
 *   shuffle  $5, $6, $7 the walk's remaining segments as arrays of their
 *            lower bound (key, id) and upper key, $8 the first one's
 *            number.
 * A filter an order does not use is still named ("$2::bigint IS NULL"),
 * so every statement has the same parameter types.  With a unit, a
 * category is a filter on the unit's index.
 */
/*
 * The contest by its id, not by a subquery on its slug: then the planner
 * cannot know which contest, estimates its rows as the table's over the
 * number of contests, and where many small contests sit beside a big one
 * it sorts the big one's rows instead of reading an index range (CI saw
 * it, test_reads_cost).  Planned per call with the id, it uses the
 * column's statistics.
 */
#define GAL_CONTEST  "$1::bigint"
#define GAL_F_ALL(x) " AND $2::bigint IS NULL AND $3::text IS NULL"
#define GAL_F_CAT(x) " AND " x ".category_id = $2 AND $3::text IS NULL"
#define GAL_F_UNIT(x)                                                          \
	" AND " x ".unit = $3 AND ($2::bigint IS NULL OR " x                   \
	".category_id = $2)"
/*
 * The page t(id, k, ord), shown as JSON in order: each row's JSON is a
 * subquery by primary keys, so showing a page reads the page's rows and
 * never joins a table whole, whatever the planner thinks of its size.
 */
#define GAL_SHOW(inner, order)                                                 \
	"SELECT (SELECT " ENTRY_JSON ENTRY_FROM "WHERE e.id = t.id), t.id, "   \
	"t.k, t.ord FROM (" inner ") t ORDER BY " order
#define GAL_NEW(F)                                                             \
	GAL_SHOW("SELECT x.id, NULL::bigint AS k, NULL::bigint AS ord FROM "   \
	         "entries x WHERE x.contest_id = " GAL_CONTEST " AND "         \
	         "x.status = 'approved'" F("x") " AND x.id < $5 ORDER BY "     \
	                                        "x.id DESC LIMIT $4",          \
	         "t.id DESC")
#define GAL_VOTES_PART(F, cond)                                                \
	"(SELECT s.entry_id AS id, s.votes AS k, NULL::bigint AS ord FROM "    \
	"entry_stats s WHERE s.contest_id = " GAL_CONTEST                      \
	" AND s.approved" F("s") " AND " cond " ORDER BY s.votes DESC, "       \
	                         "s.entry_id LIMIT $4)"
#define GAL_VOTES_TIES(F)  GAL_VOTES_PART(F, "s.votes = $5 AND s.entry_id > $6")
#define GAL_VOTES_BELOW(F) GAL_VOTES_PART(F, "s.votes < $5")
#define GAL_VOTES_PAGE(F)                                                      \
	"SELECT * FROM (" GAL_VOTES_TIES(F) " UNION ALL " GAL_VOTES_BELOW(     \
	    F) ") u ORDER BY u.k DESC, u.id LIMIT $4"
#define GAL_VOTES(F) GAL_SHOW(GAL_VOTES_PAGE(F), "t.k DESC, t.id")
#define GAL_SHUF(F)                                                            \
	GAL_SHOW("SELECT p.id, p.k, g.o - 1 + $8 AS ord FROM unnest("          \
	         "$5::bigint[], $6::bigint[], $7::bigint[]) WITH ORDINALITY "  \
	         "g(lk, li, hi, o) CROSS JOIN LATERAL (SELECT x.id, "          \
	         "x.shuffle_key::bigint AS k FROM entries x WHERE "            \
	         "x.contest_id = " GAL_CONTEST " AND x.status = "              \
	         "'approved'" F("x") " AND (x.shuffle_key, x.id) > (g.lk, "    \
	                             "g.li) AND x.shuffle_key < g.hi ORDER "   \
	                             "BY x.shuffle_key, x.id LIMIT $4) p "     \
	                             "ORDER BY g.o, p.k, p.id LIMIT $4",       \
	         "t.ord, t.k, t.id")

/* Columns of Q_ENTRY_MEDIA. */
enum em_col {
	EM_TOKEN,   /* EM_TOKEN */
	EM_STATUS,  /* EM_STATUS */
	EM_TYPE,    /* EM_TYPE */
	EM_ALLOWED, /* EM_ALLOWED */
	EM_PURGED,  /* EM_PURGED: the janitor removed the files */
	EM__MAX
};

/* Columns of Q_ENTRY_LOCK. */
enum lock_col {
	LOCK_IS_OWNER, /* LOCK_IS_OWNER */
	LOCK_STATUS,   /* LOCK_STATUS */
	LOCK_CONTEST,  /* LOCK_CONTEST */
	LOCK_OPEN,     /* LOCK_OPEN: submissions open now */
	LOCK_TOKEN,    /* LOCK_TOKEN */
	LOCK_BEFORE,   /* LOCK_BEFORE: audit JSON */
	LOCK_OTYPE,    /* LOCK_OTYPE */
	LOCK_UNIT,     /* LOCK_UNIT */
	LOCK_AUTHOR,   /* LOCK_AUTHOR */
	LOCK_TITLE,    /* LOCK_TITLE */
	LOCK_NUMBER,   /* LOCK_NUMBER */
	LOCK_CTITLE,   /* LOCK_CTITLE: the contest's name (share card) */
	LOCK__MAX
};

/* Columns of Q_SIMILAR. */
enum sim_col {
	SIM_JUDGE,  /* SIM_JUDGE */
	SIM_LIST,   /* SIM_LIST */
	SIM_HASHED, /* SIM_HASHED */
	SIM__MAX
};

/* Columns of Q_SHARE_PAGE. */
enum share_col {
	SHARE_TITLE,          /* SHARE_TITLE */
	SHARE_CAPTION,        /* SHARE_CAPTION */
	SHARE_AUTHOR,         /* SHARE_AUTHOR */
	SHARE_UNIT,           /* SHARE_UNIT */
	SHARE_CONTEST,        /* SHARE_CONTEST */
	SHARE_TOKEN,          /* SHARE_TOKEN */
	SHARE_DISPLAY_WIDTH,  /* SHARE_DISPLAY_WIDTH */
	SHARE_DISPLAY_HEIGHT, /* SHARE_DISPLAY_HEIGHT */
	SHARE_VOTES,          /* SHARE_VOTES */
	SHARE_SLUG,           /* SHARE_SLUG */
	SHARE_CARD,           /* SHARE_CARD */
	SHARE_NUMBER,         /* SHARE_NUMBER */
	SHARE__MAX
};

/* Columns of Q_ENTRY_CREATE. */
enum create_col {
	CREATE_OUTCOME, /* CREATE_OUTCOME */
	CREATE_ID,      /* CREATE_ID */
	CREATE_DETAIL,  /* CREATE_DETAIL */
	CREATE_RETRY,   /* CREATE_RETRY */
	CREATE_NUMBER,  /* CREATE_NUMBER */
	CREATE__MAX
};

/* The one column of the statements that return a single value. */
enum one_col {
	ONE_VALUE, /* ONE_VALUE */
	ONE__MAX
};

static const struct stmt q[Q__MAX] = {
    [Q_UPLOAD_CONTEST] =
        {"contest_upload",
         "SELECT c.id, (c.submit_from IS NULL OR now() >= c.submit_from) AND "
         "(c.submit_until IS NULL OR now() < c.submit_until), c.max_entries, "
         "c.min_short_side, c.max_pixels, c.max_side, c.max_bytes, EXISTS "
         "(SELECT 1 FROM categories k WHERE k.contest_id = c.id), (SELECT "
         "count(*) FROM entries x WHERE x.contest_id = c.id AND x.account_id = "
         "$2 AND x.slot IS NOT NULL), coalesce((SELECT q.used FROM "
         "upload_quota q WHERE q.account_id = $2 AND q.day = upload_day()), "
         "0), upload_day_left(), unit_outside(c.id, $2), c.entry_seq + 1, "
         "c.title FROM contests c WHERE c.slug = $1",
         2, UPC__MAX},
    [Q_CATEGORY_CHECK] =
        {"category_check",
         "SELECT 1 FROM categories WHERE id = $1 AND contest_id = $2", 2,
         ONE__MAX},
    /* The quota and the slot are decided in sql/functions/020_entries.sql. */
    [Q_ENTRY_CREATE] = {"entry_create",
                        "SELECT outcome, entry_id, detail, retry_after, "
                        "number FROM entry_create($1, $2, $3, $4, $5, "
                        "$6::int, $7::int)",
                        7, CREATE__MAX},
    [Q_MEDIA_INSERT] =
        {"media_insert",
         "INSERT INTO media (entry_id, token, original_type, original_bytes, "
         "width, height, thumb_width, thumb_height, display_width, "
         "display_height, phash, camera, taken_at, sha256, card) VALUES ($1, "
         "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, decode($14, "
         "'hex'), $15)",
         15, 0},
    [Q_MEDIA_BY_TOKEN] = {"media_by_token",
                          "SELECT entry_id FROM media WHERE token = $1", 1,
                          ONE__MAX},
    [Q_ENTRY_GET] =
        {"entry_get",
         "SELECT CASE WHEN e.account_id = $2 OR is_judge_of($2, e.contest_id) "
         "THEN " ENTRY_JSON " || " ENTRY_PRIVATE_JSON " WHEN e.status = "
         "'approved' THEN " ENTRY_JSON " END" ENTRY_FROM "WHERE e.id = $1",
         2, DB_JSON__MAX},
    [Q_GAL_CONTEST] = {"gallery_contest",
                       "SELECT id FROM contests WHERE slug = $1", 1, 1},
    [Q_GAL_NEW] = {"gallery_new", GAL_NEW(GAL_F_ALL), 5, GAL__MAX, 1},
    [Q_GAL_NEW_CAT] = {"gallery_new_cat", GAL_NEW(GAL_F_CAT), 5, GAL__MAX, 1},
    [Q_GAL_NEW_UNIT] = {"gallery_new_unit", GAL_NEW(GAL_F_UNIT), 5, GAL__MAX,
                        1},
    [Q_GAL_VOTES] = {"gallery_votes", GAL_VOTES(GAL_F_ALL), 6, GAL__MAX, 1},
    [Q_GAL_VOTES_CAT] = {"gallery_votes_cat", GAL_VOTES(GAL_F_CAT), 6, GAL__MAX,
                         1},
    [Q_GAL_VOTES_UNIT] = {"gallery_votes_unit", GAL_VOTES(GAL_F_UNIT), 6,
                          GAL__MAX, 1},
    [Q_GAL_SHUF] = {"gallery_shuffle", GAL_SHUF(GAL_F_ALL), 8, GAL__MAX, 1},
    [Q_GAL_SHUF_CAT] = {"gallery_shuffle_cat", GAL_SHUF(GAL_F_CAT), 8, GAL__MAX,
                        1},
    [Q_GAL_SHUF_UNIT] = {"gallery_shuffle_unit", GAL_SHUF(GAL_F_UNIT), 8,
                         GAL__MAX, 1},
    [Q_MINE] = {"me_entries",
                "SELECT coalesce(jsonb_agg(" ENTRY_JSON
                " || " ENTRY_PRIVATE_JSON
                " ORDER BY e.id DESC), '[]')" ENTRY_FROM
                "WHERE e.account_id = $1",
                1, DB_JSON__MAX},
    [Q_ENTRY_MEDIA] =
        {"entry_media",
         "SELECT m.token, e.status, m.original_type, e.account_id = $2 OR "
         "is_judge_of($2, e.contest_id), e.files_purged_at IS NOT NULL FROM "
         "entries e JOIN media m ON m.entry_id = e.id WHERE e.id = $1",
         2, EM__MAX},
    /* The entry an owner edits or withdraws, locked for the change. */
    [Q_ENTRY_LOCK] =
        {"entry_lock",
         "SELECT e.account_id = $2, e.status, e.contest_id, (c.submit_from "
         "IS NULL OR now() >= c.submit_from) AND (c.submit_until IS NULL OR "
         "now() < c.submit_until), m.token, jsonb_build_object('status', "
         "e.status, 'title', e.title, 'caption', e.caption, 'category', "
         "e.category_id), m.original_type, e.unit, a.display_name, "
         "e.title, e.number, c.title FROM entries e JOIN contests c ON c.id = "
         "e.contest_id JOIN "
         "media m ON m.entry_id = e.id JOIN accounts a ON a.id = "
         "e.account_id WHERE e.id = $1 FOR UPDATE OF e",
         2, LOCK__MAX},
    [Q_ENTRY_EDIT] =
        {"entry_edit",
         "UPDATE entries SET title = coalesce($2, title), caption = "
         "coalesce($3, caption), category_id = coalesce($4::bigint, "
         "category_id), updated_at = now() WHERE id = $1 AND status = "
         "'pending' RETURNING jsonb_build_object('status', status, 'title', "
         "title, 'caption', caption, 'category', category_id)",
         4, ONE__MAX},
    [Q_ENTRY_WITHDRAW] =
        {"entry_withdraw",
         "UPDATE entries SET status = 'withdrawn', slot = NULL, updated_at = "
         "now() WHERE id = $1 AND status IN ('pending', 'approved') "
         "RETURNING jsonb_build_object('status', status)",
         1, ONE__MAX},
    /*
     * Near-duplicates of entry $1 for caller $2: other photos whose dHash
     * differs in at most $3 bits, in any contest, closest first.  The
     * first column says whether the caller judges the entry's contest; a
     * thumbnail URL is given only where the caller may see it.
     */
    [Q_SIMILAR] = {"entry_similar",
                   "SELECT is_judge_of($2, e.contest_id), "
                   "entry_similar(e.id, $2, " SIMILAR_MAX_BITS_SQL
                   ", NULL), m.phash IS NOT NULL FROM entries e "
                   "JOIN media m ON m.entry_id = e.id WHERE e.id = $1",
                   2, SIM__MAX},
    [Q_SHARE_PAGE] =
        {"share_page",
         "SELECT e.title, e.caption, a.display_name, e.unit, c.title, m.token, "
         "m.display_width, m.display_height, (SELECT s.votes FROM "
         "entry_stats s WHERE s.entry_id = e.id), c.slug, "
         "m.card, e.number" ENTRY_FROM "WHERE e.id = $1 AND e.status = "
         "'approved'",
         1, SHARE__MAX},
    /*
     * Every media token whose files should exist, sorted, for the sweeper
     * (netdep-admin): not those the janitor purged, so what a crash
     * between its mark and its unlinks left counts as orphans.
     */
    /* Certificates' codes name their files too (issue 16). */
    [Q_TOKENS] = {"media_tokens",
                  "SELECT t FROM (SELECT m.token AS t FROM media m JOIN "
                  "entries e ON e.id = m.entry_id WHERE e.files_purged_at IS "
                  "NULL UNION ALL SELECT code FROM certificates) x ORDER BY "
                  "t COLLATE \"C\"",
                  0, ONE__MAX},
};

const struct stmt_set db_entry_set = {"db_entry", q, Q__MAX};

int
db_upload_contest(struct db *db, struct arena *a, const char *slug,
                  const char *uid, struct upload_contest *out)
{
	struct rows rs;
	int         rc;

	rc = db_exec(db, a, &q[Q_UPLOAD_CONTEST], (const char *[]){slug, uid},
	             &rs);
	if (rc != DB_OK)
		return rc;
	out->id = rows_str(&rs, 0, UPC_ID, NULL);
	out->open = rows_bool(&rs, 0, UPC_OPEN, 0);
	out->max_entries = rows_ll(&rs, 0, UPC_MAX_ENTRIES, 3);
	out->min_short_side =
	    (uint32_t)rows_ll(&rs, 0, UPC_MIN_SHORT_SIDE, 800);
	out->max_pixels = (uint64_t)rows_ll(&rs, 0, UPC_MAX_PIXELS, 50000000);
	out->max_side = (uint32_t)rows_ll(&rs, 0, UPC_MAX_SIDE, 16384);
	out->max_bytes = rows_ll(&rs, 0, UPC_MAX_BYTES, 20971520);
	out->has_categories = rows_bool(&rs, 0, UPC_CATEGORIES, 0);
	out->used = rows_ll(&rs, 0, UPC_USED, 0);
	out->uploads_today = rows_ll(&rs, 0, UPC_TODAY, 0);
	out->day_left = rows_ll(&rs, 0, UPC_DAY_LEFT, 1);
	out->outside = rows_str(&rs, 0, UPC_OUTSIDE, NULL);
	out->next_number = rows_str(&rs, 0, UPC_NEXT, NULL);
	out->title = rows_str(&rs, 0, UPC_TITLE, "");
	return out->id != NULL ? DB_OK : DB_ERR;
}

int
db_category_check(struct db *db, struct arena *a, const char *category,
                  const char *contest)
{
	struct rows rs;

	return db_exec(db, a, &q[Q_CATEGORY_CHECK],
	               (const char *[]){category, contest}, &rs);
}

int
db_entry_create(struct db *db, struct arena *a, const struct entry_new *in,
                int quota, struct entry_created *out)
{
	struct rows rs;
	char        qs[16];
	int         rc;

	snprintf(qs, sizeof(qs), "%d", quota);
	memset(out, 0, sizeof(*out));
	rc = db_exec(db, a, &q[Q_ENTRY_CREATE],
	             (const char *[]){in->contest, in->account, in->category,
	                              in->title, in->caption, qs, in->number},
	             &rs);
	/* A unique slot taken by a concurrent upload is a constraint. */
	out->raced = rc == DB_NONE && rs.constraint != NULL;
	if (rc != DB_OK)
		return rc == DB_NONE && !out->raced ? DB_ERR : rc;
	out->outcome = rows_str(&rs, 0, CREATE_OUTCOME, NULL);
	out->id = rows_str(&rs, 0, CREATE_ID, NULL);
	out->detail = rows_str(&rs, 0, CREATE_DETAIL, NULL);
	out->retry_after = rows_ll(&rs, 0, CREATE_RETRY, 1);
	out->number = rows_str(&rs, 0, CREATE_NUMBER, NULL);
	if (out->outcome == NULL)
		return DB_ERR;
	if (strcmp(out->outcome, "created") != 0)
		return DB_NONE;
	return out->id != NULL ? DB_OK : DB_ERR;
}

int
db_media_insert(struct db *db, struct arena *a, const struct media_new *m)
{
	int rc = db_exec(db, a, &q[Q_MEDIA_INSERT],
	                 (const char *[]){m->entry, m->token, m->mime, m->bytes,
	                                  m->width, m->height, m->thumb_width,
	                                  m->thumb_height, m->display_width,
	                                  m->display_height, m->dhash,
	                                  m->camera, m->taken_at, m->sha256_hex,
	                                  m->card ? "t" : "f"},
	                 NULL);

	return rc == DB_NONE ? DB_ERR : rc;
}

int
db_media_entry(struct db *db, struct arena *a, const char *token,
               const char **entry)
{
	struct rows rs;
	int         rc =
	    db_exec(db, a, &q[Q_MEDIA_BY_TOKEN], (const char *[]){token}, &rs);

	if (rc == DB_OK)
		*entry = rows_str(&rs, 0, ONE_VALUE, NULL);
	return rc;
}

DB_READ_JSON2(db_entry_json, &q[Q_ENTRY_GET], id, viewer)

/* The statement and parameters of gallery page g, in the arena. */
static const struct stmt *
gal_params(struct arena *a, const struct gallery_query *g, int64_t contest,
           const char **p)
{
	static const enum entry_q by[GALLERY__MAX][3] = {
	    {Q_GAL_NEW, Q_GAL_NEW_CAT, Q_GAL_NEW_UNIT},
	    {Q_GAL_VOTES, Q_GAL_VOTES_CAT, Q_GAL_VOTES_UNIT},
	    {Q_GAL_SHUF, Q_GAL_SHUF_CAT, Q_GAL_SHUF_UNIT},
	};
	const struct gallery_cursor *c = g->after;
	struct db_array              lk = {0}, li = {0}, hi = {0};
	int shape = g->unit != NULL ? 2 : g->category != NULL ? 1 : 0;
	int first = 0, bad = 0;

	if ((unsigned)g->sort >= GALLERY__MAX ||
	    (c != NULL && c->sort != g->sort))
		return NULL;
	p[0] = arena_printf(a, "%lld", (long long)contest);
	p[1] = g->category;
	p[2] = g->unit;
	p[3] = arena_printf(a, "%lld", (long long)g->limit);
	switch (g->sort) {
	case GALLERY_NEW:
		p[4] = arena_printf(
		    a, "%lld", c ? (long long)c->id : (long long)INT64_MAX);
		break;
	case GALLERY_VOTES:
		p[4] = arena_printf(
		    a, "%lld", c ? (long long)c->votes : (long long)INT64_MAX);
		p[5] = arena_printf(a, "%lld", c ? (long long)c->id : 0LL);
		break;
	default:
		/* Page 1 walks every segment from its lower bound; a later
		 * page starts inside the cursor's segment, after it. */
		first = c ? c->seg : 0;
		for (int i = first; i < GALLERY_SEGMENTS; i++)
			bad |= db_array_add_int(
			           a, &lk,
			           c && i == first ? c->key : g->plan[i].lo) |
			       db_array_add_int(a, &li,
			                        c && i == first ? c->id : 0) |
			       db_array_add_int(a, &hi, g->plan[i].hi);
		if (bad != 0)
			return NULL;
		p[4] = db_array_end(a, &lk);
		p[5] = db_array_end(a, &li);
		p[6] = db_array_end(a, &hi);
		p[7] = arena_printf(a, "%d", first);
		break;
	}
	if (p[0] == NULL)
		return NULL;
	for (int k = 3; k < q[by[g->sort][shape]].nparams; k++)
		if (p[k] == NULL)
			return NULL;
	return &q[by[g->sort][shape]];
}

/*
 * The ids of the contests this process showed a gallery of, by slug: a
 * contest's slug and id never change (no statement renames or deletes a
 * contest), so a page costs one query.  A page that comes back empty on
 * a kept id looks the id up again (a contest made again by hand).
 */
#define GAL_IDS 64
static struct {
	char    slug[VALID_SLUG_MAX + 1];
	int64_t id;
} gal_ids[GAL_IDS];
static unsigned gal_ids_next;

/* The id of contest slug into *id: kept (unless fresh) or looked up;
 * *kept says which.  DB_NONE: no such contest. */
static int
gal_contest(struct db *db, struct arena *a, const char *slug, int fresh,
            int64_t *id, int *kept)
{
	struct rows rs;
	int         rc;
	size_t      i;

	*kept = 0;
	for (i = 0; i < GAL_IDS && gal_ids[i].slug[0] != '\0'; i++)
		if (strcmp(gal_ids[i].slug, slug) == 0) {
			if (!fresh) {
				*id = gal_ids[i].id;
				*kept = 1;
				return DB_OK;
			}
			break;
		}
	if ((rc = db_exec(db, a, &q[Q_GAL_CONTEST], (const char *[]){slug},
	                  &rs)) != DB_OK)
		return rc;
	*id = rows_ll(&rs, 0, ONE_VALUE, 0);
	if (strlen(slug) < sizeof(gal_ids[0].slug)) {
		if (i == GAL_IDS || gal_ids[i].slug[0] == '\0' ||
		    strcmp(gal_ids[i].slug, slug) != 0)
			i = gal_ids_next++ % GAL_IDS;
		snprintf(gal_ids[i].slug, sizeof(gal_ids[i].slug), "%s", slug);
		gal_ids[i].id = *id;
	}
	return DB_OK;
}

int
db_gallery(struct db *db, struct arena *a, const struct gallery_query *g,
           struct gallery_page *out)
{
	const char        *p[8] = {0};
	const struct stmt *s;
	struct rows        rs;
	int64_t            contest;
	int                rc, kept;

	out->n = 0;
	out->rows = NULL;
	for (int fresh = 0;; fresh++) {
		if ((rc = gal_contest(db, a, g->slug, fresh, &contest,
		                      &kept)) != DB_OK)
			return rc; /* DB_NONE: no such contest, an empty page */
		if ((s = gal_params(a, g, contest, p)) == NULL)
			return DB_ERR;
		if ((rc = db_exec(db, a, s, p, &rs)) != DB_NONE || !kept)
			break;
	}
	if (rc < 0)
		return rc;
	if (rs.nrows > 0 &&
	    (out->rows =
	         arena_alloc(a, (size_t)rs.nrows * sizeof(*out->rows))) == NULL)
		return DB_ERR;
	for (int i = 0; i < rs.nrows; i++)
		out->rows[out->n++] = (struct gallery_row){
		    rows_str(&rs, i, GAL_JSON, "null"),
		    rows_ll(&rs, i, GAL_ID, 0), rows_ll(&rs, i, GAL_KEY, 0),
		    (int)rows_ll(&rs, i, GAL_ORD, 0)};
	return rc;
}

int
db_gallery_plan(struct db *db, struct arena *a, const struct gallery_query *g,
                const char **json)
{
	const char        *p[8] = {0};
	const struct stmt *s;
	int64_t            contest;
	int                rc, kept;

	if ((rc = gal_contest(db, a, g->slug, 1, &contest, &kept)) != DB_OK)
		return rc;
	if ((s = gal_params(a, g, contest, p)) == NULL)
		return DB_ERR;
	return db_explain(db, a, s, p, json);
}

DB_READ_JSON1(db_my_entries, &q[Q_MINE], uid)

int
db_entry_media(struct db *db, struct arena *a, const char *id, const char *uid,
               struct entry_media *out)
{
	struct rows rs;
	int         rc;

	rc = db_exec(db, a, &q[Q_ENTRY_MEDIA], (const char *[]){id, uid}, &rs);
	if (rc != DB_OK)
		return rc;
	out->token = rows_str(&rs, 0, EM_TOKEN, NULL);
	out->status = rows_str(&rs, 0, EM_STATUS, "");
	out->original_type = rows_str(&rs, 0, EM_TYPE, "image/jpeg");
	out->allowed = rows_bool(&rs, 0, EM_ALLOWED, 0);
	out->purged = rows_bool(&rs, 0, EM_PURGED, 0);
	return out->token != NULL ? DB_OK : DB_ERR;
}

int
db_entry_lock(struct db *db, struct arena *a, const char *id, const char *uid,
              struct entry_lock *out)
{
	struct rows rs;
	int         rc;

	rc = db_exec(db, a, &q[Q_ENTRY_LOCK], (const char *[]){id, uid}, &rs);
	if (rc != DB_OK)
		return rc;
	out->owner = rows_bool(&rs, 0, LOCK_IS_OWNER, 0);
	out->status = rows_str(&rs, 0, LOCK_STATUS, "");
	out->contest = rows_str(&rs, 0, LOCK_CONTEST, NULL);
	out->open = rows_bool(&rs, 0, LOCK_OPEN, 0);
	out->token = rows_str(&rs, 0, LOCK_TOKEN, NULL);
	out->before = rows_str(&rs, 0, LOCK_BEFORE, NULL);
	out->original_type = rows_str(&rs, 0, LOCK_OTYPE, "image/jpeg");
	out->unit = rows_str(&rs, 0, LOCK_UNIT, "");
	out->author = rows_str(&rs, 0, LOCK_AUTHOR, "");
	out->title = rows_str(&rs, 0, LOCK_TITLE, "");
	out->number = rows_str(&rs, 0, LOCK_NUMBER, "");
	out->contest_title = rows_str(&rs, 0, LOCK_CTITLE, "");
	return out->token != NULL && out->contest != NULL ? DB_OK : DB_ERR;
}

int
db_entry_edit(struct db *db, struct arena *a, const char *id, const char *title,
              const char *caption, const char *category, const char **after)
{
	struct rows rs;
	int         rc;

	rc = db_exec(db, a, &q[Q_ENTRY_EDIT],
	             (const char *[]){id, title, caption, category}, &rs);
	if (rc == DB_OK)
		*after = rows_str(&rs, 0, ONE_VALUE, NULL);
	return rc;
}

int
db_entry_withdraw(struct db *db, struct arena *a, const char *id,
                  const char **after)
{
	struct rows rs;
	int         rc =
	    db_exec(db, a, &q[Q_ENTRY_WITHDRAW], (const char *[]){id}, &rs);

	if (rc == DB_OK)
		*after = rows_str(&rs, 0, ONE_VALUE, NULL);
	return rc;
}

int
db_entry_similar(struct db *db, struct arena *a, const char *id,
                 const char *uid, struct entry_similar *out)
{
	struct rows rs;
	int         rc;

	rc = db_exec(db, a, &q[Q_SIMILAR], (const char *[]){id, uid}, &rs);
	if (rc != DB_OK)
		return rc;
	out->judge = rows_bool(&rs, 0, SIM_JUDGE, 0);
	out->json = rows_str(&rs, 0, SIM_LIST, "[]");
	out->hashed = rows_bool(&rs, 0, SIM_HASHED, 0);
	return DB_OK;
}

int
db_share_page(struct db *db, struct arena *a, const char *id,
              struct share_page *out)
{
	struct rows rs;
	int rc = db_exec(db, a, &q[Q_SHARE_PAGE], (const char *[]){id}, &rs);

	if (rc != DB_OK)
		return rc;
	out->title = rows_str(&rs, 0, SHARE_TITLE, "");
	out->caption = rows_str(&rs, 0, SHARE_CAPTION, "");
	out->author = rows_str(&rs, 0, SHARE_AUTHOR, "");
	out->unit = rows_str(&rs, 0, SHARE_UNIT, "");
	out->contest_title = rows_str(&rs, 0, SHARE_CONTEST, "");
	out->contest_slug = rows_str(&rs, 0, SHARE_SLUG, "");
	out->token = rows_str(&rs, 0, SHARE_TOKEN, NULL);
	out->display_width = rows_str(&rs, 0, SHARE_DISPLAY_WIDTH, "1600");
	out->display_height = rows_str(&rs, 0, SHARE_DISPLAY_HEIGHT, "1200");
	out->votes = rows_str(&rs, 0, SHARE_VOTES, "0");
	out->card = rows_bool(&rs, 0, SHARE_CARD, 0);
	out->number = rows_str(&rs, 0, SHARE_NUMBER, "");
	return out->token != NULL ? DB_OK : DB_ERR;
}

int
db_media_tokens(struct db *db, struct arena *a, struct db_table *out)
{
	return db_table(db, a, &q[Q_TOKENS], NULL, out);
}
