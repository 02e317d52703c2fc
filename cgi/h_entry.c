/*
 * h_entry.c: uploads, the gallery, one entry, the caller's own entries,
 * the owner's edits and withdrawals, near-duplicates and private media.
 * An upload is checked cheaply first (size, type and pixel count from the
 * header), decoded once in a limited child (decode.c), written to disk
 * atomically, and only then recorded; any failure removes what was written.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "consent.h"
#include "db_consent.h"
#include "db_contest.h"
#include "db_entry.h"
#include "db_jury.h"
#include "db_search.h"
#include "decode.h"
#include "gallery.h"
#include "handlers.h"
#include "image.h"
#include "input.h"
#include "log.h"
#include "multipart.h"
#include "outcome.h"
#include "reads.h"
#include "resp.h"
#include "resp_media.h"
#include "store.h"
#include "text.h"

/* Concurrent uploads may race for the same entry slot; retry that. */
#define ENTRY_SLOT_TRIES 3
/* Hamming distance of two dHashes up to which photos are near-duplicates. */
/* Seconds a client should wait after a 503 "busy". */
#define ENTRY_RETRY_AFTER "5"
/* Originals are at most this big (contests allow up to 100 MB). */
#define ENTRY_ORIG_MAX ((size_t)104857600)
/* After a lost commit: reconnections tried to learn its fate, and the
 * wait between them (10 s in all, a PostgreSQL restart's time). */
#define UP_SETTLE_TRIES   20
#define UP_SETTLE_WAIT_US 500000
/* The largest gallery page. */
#define LIST_LIMIT_MAX 100

enum up_field {
	UP_TITLE,    /* UP_TITLE */
	UP_CAPTION,  /* UP_CAPTION */
	UP_CATEGORY, /* UP_CATEGORY */
	UP_CONSENT,  /* UP_CONSENT: rules and publication (issue 16) */
	UP__MAX
};

static const struct valid_field up_fields[UP__MAX] = {
    {"title", valid_f_line, 1, 120, VALID_REQUIRED, NULL},
    {"caption", valid_f_block, 0, 2000, 0, NULL},
    {"category", valid_f_int, 1, 9007199254740991LL, 0, NULL},
    CONSENT_FIELD,
};

/* The outcome (outcome.c, operation "upload") of a refused image. */
static const char *
image_outcome(enum image_result res)
{
	switch (res) {
	case IMAGE_ERR_UNSUPPORTED:
		return "image_unsupported";
	case IMAGE_ERR_VARIANT:
		return "image_variant";
	case IMAGE_ERR_ANIMATED:
		return "image_animated";
	case IMAGE_ERR_TOO_LARGE:
		return "image_too_large";
	case IMAGE_ERR_TOO_SMALL:
		return "image_too_small";
	case IMAGE_ERR_COMPLEX:
		return "image_too_complex";
	case IMAGE_ERR_DECODE:
		return "image_decode";
	default:
		return "image_corrupt";
	}
}

/* Answers a decode that did not produce derivatives. */
static int
decode_answer(struct req *r, enum decode_status ds, enum image_result res)
{
	switch (ds) {
	case DECODE_REFUSED:
		if (res != IMAGE_ERR_NOMEM)
			return resp_outcome(r, "upload", image_outcome(res),
			                    NULL);
		break;
	case DECODE_LIMIT:
		return resp_outcome(r, "upload", "image_limit", NULL);
	case DECODE_CRASHED:
		return resp_outcome(r, "upload", "image_crashed", NULL);
	default:
		break;
	}
	resp_header(r, "Retry-After", ENTRY_RETRY_AFTER);
	return resp_error(r, 503, "busy",
	                  "The server is processing many photos right now; "
	                  "try again in a few seconds.");
}

static int
up_contest_load(struct req *r, struct upload_contest *c)
{
	char *uid = arena_printf(r->a, "%lld", r->user->id);
	int   rc;

	if (uid == NULL)
		return resp_db_error(r, DB_ERR);
	rc = db_upload_contest(r->db, r->a, r->seg[0], uid, c);
	if (rc == DB_NONE)
		return resp_error(r, 404, "no_contest",
		                  "There is no contest %s.", r->seg[0]);
	if (rc < 0)
		return resp_db_error(r, rc);
	return 0;
}

/* Writes the original and every derivative; 0 or -1 (nothing left). */
static int
up_store(const struct store *st, const char *token,
         const struct image_info *info, const struct mpart *photo,
         const struct image_derivs *d)
{
	/* enum store_deriv follows enum image_deriv (store.h). */
	int save;

	_Static_assert((int)STORE_DERIV__MAX == (int)IMAGE_DERIV__MAX,
	               "one store suffix per derivative");
	if (store_write(st, STORE_ORIG, token,
	                store_orig_suffix(image_type_mime(info->type)),
	                photo->data, photo->len) != 0)
		goto fail;
	for (int i = 0; i < IMAGE_DERIV__MAX; i++)
		if (d->blob[i].data != NULL &&
		    store_write(st, STORE_PRIV, token,
		                store_deriv_suffix((enum store_deriv)i),
		                d->blob[i].data, d->blob[i].len) != 0)
			goto fail;
	return 0;
fail:
	save = errno;
	/* Nothing half-written stays: store_write() removed its temporary
	 * file, and every file of the token written before goes here. */
	(void)store_remove_all(st, token, NULL);
	errno = save;
	return -1;
}

/* The media row of an upload, every number as text in the arena. */
static void
up_media_row(struct req *r, const char *entry, const char *token,
             const struct image_info *info, const struct mpart *photo,
             const struct image_derivs *d, struct media_new *m)
{
	unsigned char sha[crypto_hash_sha256_BYTES];
	char          sha_hex[2 * sizeof(sha) + 1], camera[2 * 64 + 2];

	crypto_hash_sha256(sha, photo->data, photo->len);
	sodium_bin2hex(sha_hex, sizeof(sha_hex), sha, sizeof(sha));
	snprintf(camera, sizeof(camera), "%s%s%s", info->exif.make,
	         info->exif.make[0] && info->exif.model[0] ? " " : "",
	         info->exif.model);
	*m = (struct media_new){
	    .entry = entry,
	    .token = token,
	    .mime = image_type_mime(info->type),
	    .bytes = arena_printf(r->a, "%zu", photo->len),
	    .width = arena_printf(r->a, "%u", info->oriented_width),
	    .height = arena_printf(r->a, "%u", info->oriented_height),
	    .thumb_width =
	        arena_printf(r->a, "%u", d->blob[IMAGE_DERIV_T400_JPEG].width),
	    .thumb_height =
	        arena_printf(r->a, "%u", d->blob[IMAGE_DERIV_T400_JPEG].height),
	    .display_width =
	        arena_printf(r->a, "%u", d->blob[IMAGE_DERIV_D1600_JPEG].width),
	    .display_height = arena_printf(
	        r->a, "%u", d->blob[IMAGE_DERIV_D1600_JPEG].height),
	    .dhash = arena_printf(r->a, "%lld", (long long)d->dhash),
	    .camera = camera[0] ? arena_strdup(r->a, camera) : NULL,
	    .taken_at = info->exif.datetime[0] ? info->exif.datetime : NULL,
	    .sha256_hex = arena_strdup(r->a, sha_hex),
	    .card = d->blob[IMAGE_DERIV_CARD_JPEG].data != NULL};
}

/*
 * Answers 429 for an account that stored its NETDEP_UPLOAD_DAILY_QUOTA
 * uploads of the Vietnam day, with Retry-After until the next one.
 */
static int
up_quota_answer(struct req *r, long long quota, long long day_left)
{
	resp_header(r, "Retry-After",
	            arena_printf(r->a, "%lld", day_left > 0 ? day_left : 1));
	return resp_outcome(r, "upload", "upload_quota",
	                    arena_printf(r->a, "%lld", quota));
}

/*
 * Inserts entry and media in one transaction; returns the tri-state, and
 * on DB_NONE cr->outcome says why (upload_quota, entry_limit).
 */
static int
up_record(struct req *r, const struct upload_contest *c,
          const struct valid_value *v, const char *token,
          const struct image_info *info, const struct mpart *photo,
          const struct image_derivs *d, struct entry_created *cr)
{
	struct entry_new in = {
	    .contest = c->id,
	    .account = arena_printf(r->a, "%lld", r->user->id),
	    .category = v[UP_CATEGORY].present ? v[UP_CATEGORY].s : NULL,
	    .title = v[UP_TITLE].s,
	    .caption = v[UP_CAPTION].s,
	    .number = c->next_number};
	struct media_new m;
	int              rc = DB_ERR;

	for (int attempt = 0; attempt < ENTRY_SLOT_TRIES; attempt++) {
		if ((rc = db_begin(r->db)) != DB_OK)
			return rc;
		rc =
		    db_entry_create(r->db, r->a, &in, r->cfg->upload_quota, cr);
		if (rc == DB_OK)
			break;
		db_rollback(r->db);
		if (rc != DB_NONE || !cr->raced)
			return rc; /* quota spent, limit full, or an error */
	}
	if (rc != DB_OK)
		return rc;
	up_media_row(r, cr->id, token, info, photo, d, &m);
	if ((rc = db_media_insert(r->db, r->a, &m)) != DB_OK ||
	    (rc = db_consent_upload(r->db, r->a, in.account, cr->id,
	                            r->remote_addr)) != DB_OK) {
		db_rollback(r->db);
		return rc;
	}
	return db_commit(r->db);
}

/*
 * After up_record() answered rc, makes the files agree with the rows:
 * every file of token goes unless its row committed.  When the commit's
 * fate cannot be learnt (the database stays away), the files stay and
 * the sweeper (netdep-admin media sweep) removes them later if no row
 * ever names them.  Returns the final tri-state, *entry_id on DB_OK.
 */
static int
up_settle(struct req *r, int rc, const char *token, const char **entry_id)
{
	if (rc == DB_OK)
		return rc;
	if (rc == DB_LOST) {
		/* PostgreSQL restarting takes seconds: wait for it (up to
		 * UP_SETTLE_TRIES), so the files go now rather than stay
		 * for the sweeper when the row did not land. */
		int tries = 0;

		while (db_ensure(r->db) != 0)
			if (++tries >= UP_SETTLE_TRIES)
				return DB_LOST;
			else
				usleep(UP_SETTLE_WAIT_US);
		/* The commit's fate is unknown: look instead of guessing. */
		rc = db_media_entry(r->db, r->a, token, entry_id);
		if (rc == DB_OK)
			return DB_OK;
		if (rc != DB_NONE)
			return DB_LOST;
		rc = DB_LOST; /* it did not land: say so, and clean up */
	}
	(void)store_remove_all(r->store, token, NULL);
	return rc;
}

/* Parses the form: fields into v, the photo part into *photo. */
static int
up_form(struct req *r, struct valid_value *v, const struct mpart **photo)
{
	struct mpart *parts;
	struct kv    *kv;
	size_t        np, nkv;
	int           rc;

	if (r->content_type == NULL ||
	    strncasecmp(r->content_type, "multipart/form-data", 19) != 0)
		return resp_error(r, 415, "unsupported_media_type",
		                  "Send the photo as multipart/form-data.");
	rc = multipart_parse(r->a, r->content_type, r->body, r->body_len,
	                     &parts, &np);
	if (rc == MULTIPART_OK)
		rc = multipart_fields(r->a, parts, np, &kv, &nkv);
	if (rc == MULTIPART_ELIMIT)
		return resp_error(r, 413, "too_large",
		                  "The form has too many or too large parts.");
	if (rc != MULTIPART_OK)
		return resp_error(r, 400, "bad_multipart",
		                  "The form data is malformed.");
	if ((rc = input_check(r, up_fields, UP__MAX, kv, nkv, v)) != 0 ||
	    (rc = consent_check(r, &v[UP_CONSENT])) != 0)
		return rc;
	*photo = multipart_find(parts, np, "photo");
	if (*photo == NULL || (*photo)->filename == NULL || (*photo)->len == 0)
		return resp_error(r, 400, "invalid_field",
		                  "Field photo is required: attach the photo "
		                  "file.");
	return 0;
}

/* The contest's rules for this upload, checked before any decoding. */
static int
up_rules(struct req *r, const struct valid_value *v, const struct mpart *photo,
         struct upload_contest *c)
{
	int rc;

	if ((rc = up_contest_load(r, c)) != 0)
		return rc;
	if (!c->open)
		return resp_error(r, 403, "submissions_closed",
		                  "This contest does not take entries now.");
	if (c->outside != NULL) /* only the organiser's subtree takes part */
		return resp_outcome(r, "upload", "outside_unit", c->outside);
	/* A cheap early answer, before any decoding; entry_create() decides
	 * races. */
	if (c->uploads_today >= r->cfg->upload_quota)
		return up_quota_answer(r, r->cfg->upload_quota, c->day_left);
	if (c->used >= c->max_entries)
		return resp_error(r, 409, "entry_limit",
		                  "You already have %lld entries in this "
		                  "contest, the most it allows.",
		                  (long long)c->max_entries);
	if ((long long)photo->len > c->max_bytes)
		return resp_error(r, 413, "image_too_large",
		                  "The photo is larger than %lld MB.",
		                  (long long)(c->max_bytes / (1024 * 1024)));
	if (c->has_categories && !v[UP_CATEGORY].present)
		return resp_error(r, 400, "invalid_field",
		                  "Field category is required: choose one of "
		                  "the contest's categories.");
	if (!v[UP_CATEGORY].present)
		return 0;
	rc = db_category_check(r->db, r->a, v[UP_CATEGORY].s, c->id);
	if (rc == DB_NONE)
		return resp_error(r, 400, "invalid_field",
		                  "Field category is not a category of "
		                  "this contest.");
	return rc < 0 ? resp_db_error(r, rc) : 0;
}

/*
 * Where the share card tells people to vote: NETDEP_SITE_URL without its
 * scheme and trailing slash ("https://binhchon.example.vn/" ->
 * "binhchon.example.vn").
 */
static const char *
card_host(const struct req *r)
{
	const char *u = r->cfg->site_url, *s = strstr(u, "://");
	size_t      n;

	if (s != NULL)
		u = s + 3;
	n = strlen(u);
	while (n > 0 && u[n - 1] == '/')
		n--;
	return arena_strndup(r->a, u, n);
}

/*
 * The share card's text: the contest, the entry's number (the one a voter
 * is told to vote for, issue 15), the title, the author's unit (or name)
 * and the site's host.
 */
static struct image_card_text
card_text(const struct req *r, const char *contest, const char *number,
          const char *title, const char *unit, const char *name)
{
	struct image_card_text t = {
	    .contest = contest,
	    .number = number,
	    .title = title,
	    .author = unit != NULL && unit[0] != '\0' ? unit : name,
	    .host = card_host(r)};

	return t;
}

static void card_store(struct req *r, const char *eid, const char *token,
                       const unsigned char *orig, size_t len,
                       const struct image_card_text *card);

/* Probes and decodes the photo in the limited child (decode.c). */
static int
up_decode(struct req *r, const struct valid_value *v, const struct mpart *photo,
          const struct upload_contest *c, struct image_info *info,
          struct image_derivs *d)
{
	struct image_limits    lim = {.max_side = c->max_side,
	                              .max_pixels = c->max_pixels,
	                              .min_short_side = c->min_short_side};
	struct image_card_text card;
	enum image_result      res;
	enum decode_status     ds;

	res = image_probe(photo->data, photo->len, &lim, info);
	if (res != IMAGE_OK)
		return resp_outcome(
		    r, "upload", image_outcome(res),
		    arena_printf(r->a, "%u", (unsigned)c->min_short_side));
	/* The card shows the title, the entry's number (the contest's next:
	 * entry_create() keeps it or answers another, see h_entry_upload)
	 * and the author's unit (or name). */
	card = card_text(r, c->title, c->next_number, v[UP_TITLE].s,
	                 r->user->unit, r->user->display_name);
	ds = decode_derive(r->store->tmp_fd, r->id, photo->data, photo->len,
	                   info, IMAGE_DERIV_ALL, &card, d, &res);
	return ds == DECODE_OK ? 0 : decode_answer(r, ds, res);
}

/* Answers 200/201 with entry id as its owner sees it. */
static int
entry_answer(struct req *r, int status, const char *id)
{
	const char *json;
	int         rc = db_entry_json(r->db, r->a, id,
	                               arena_printf(r->a, "%lld", r->user->id), &json);

	if (rc != DB_OK)
		return resp_db_error(r, rc < 0 ? rc : DB_ERR);
	reads_mark(r); /* the owner's next reads show it */
	return resp_json(r, status,
	                 json_pack("{s:o*}", "entry", input_db_json(json)));
}

int
h_entry_upload(struct req *r)
{
	struct valid_value    v[UP__MAX];
	struct upload_contest c;
	const struct mpart   *photo = NULL;
	struct image_info     info;
	struct image_derivs   d;
	char                  token[STORE_TOKEN_LEN + 1];
	struct entry_created  cr = {0};
	const char           *entry_id = NULL;
	int                   rc;

	memset(&d, 0, sizeof(d));
	if ((rc = up_form(r, v, &photo)) != 0 ||
	    (rc = up_rules(r, v, photo, &c)) != 0 ||
	    (rc = up_decode(r, v, photo, &c, &info, &d)) != 0)
		return rc;
	store_token_new(token);
	if (up_store(r->store, token, &info, photo, &d) != 0) {
		int full = errno == ENOSPC || errno == EDQUOT;
		int away = errno == EAGAIN; /* S3 unreachable or failing */

		image_derivs_free(&d);
		log_msg("error", "req=%s cannot store an upload: %s", r->id,
		        strerror(errno));
		if (full)
			return resp_storage_full(r);
		if (away)
			return resp_storage_unavailable(r);
		return resp_error(r, 503, "storage",
		                  "The photo could not be stored; try again.");
	}
	rc = up_record(r, &c, v, token, &info, photo, &d, &cr);
	image_derivs_free(&d);
	entry_id = cr.id;
	rc = up_settle(r, rc, token, &entry_id);
	if (rc == DB_NONE && cr.outcome != NULL &&
	    strcmp(cr.outcome, "upload_quota") == 0)
		return up_quota_answer(r, r->cfg->upload_quota, cr.retry_after);
	if (rc == DB_NONE && cr.outcome != NULL &&
	    strcmp(cr.outcome, "outside_unit") == 0)
		return resp_outcome(r, "upload", "outside_unit", cr.detail);
	if (rc == DB_NONE)
		return resp_error(r, 409, "entry_limit",
		                  "You already have %lld entries in this "
		                  "contest, the most it allows.",
		                  (long long)c.max_entries);
	if (rc != DB_OK)
		return resp_db_error(r, rc);
	if (cr.number != NULL &&
	    (c.next_number == NULL || strcmp(cr.number, c.next_number) != 0)) {
		/* A concurrent upload took the number the card shows. */
		struct image_card_text card =
		    card_text(r, c.title, cr.number, v[UP_TITLE].s,
		              r->user->unit, r->user->display_name);

		card_store(r, entry_id, token, photo->data, photo->len, &card);
	}
	log_msg("info", "req=%s entry=%s stored %s %ux%u decode=%lluus", r->id,
	        entry_id, image_type_name(info.type), info.width, info.height,
	        (unsigned long long)d.timing.decode_us);
	return entry_answer(r, 201, entry_id);
}

enum list_field {
	LIST_CATEGORY, /* LIST_CATEGORY */
	LIST_UNIT,     /* LIST_UNIT */
	LIST_SORT,     /* LIST_SORT */
	LIST_LIMIT,    /* LIST_LIMIT */
	LIST_CURSOR,   /* LIST_CURSOR */
	LIST_SEED,     /* LIST_SEED */
	LIST_Q,        /* LIST_Q: a search (db_search.h) */
	LIST__MAX
};

/* In the order of enum gallery_sort. */
static const char *const list_sorts[] = {"new", "votes", "shuffle", NULL};

static const struct valid_field list_fields[LIST__MAX] = {
    {"category", valid_f_int, 1, 9007199254740991LL, 0, NULL},
    {"unit", valid_f_line, 1, 120, 0, NULL},
    {"sort", valid_f_choice, 0, 0, 0, list_sorts},
    {"limit", valid_f_int, 1, LIST_LIMIT_MAX, 0, NULL},
    {"cursor", valid_f_line, 1, GALLERY_CURSOR_MAX - 1, 0, NULL},
    {"seed", valid_f_int, 0, GALLERY_KEY_SPAN - 1, 0, NULL},
    {"q", text_f_query, 1, SEARCH_Q_MAX, 0, NULL},
};

/*
 * The shuffle seed of a visitor who sent none: a hash of the session (or
 * of the address and user agent), so one visitor pages through one stable
 * order and different visitors see different orders.
 */
static long long
list_visitor_seed(const struct req *r)
{
	unsigned char            h[8];
	crypto_generichash_state st;
	const char              *who = r->session_hash ? r->session_hash : "";

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)who, strlen(who));
	if (r->session_hash == NULL) {
		crypto_generichash_update(&st,
		                          (const unsigned char *)r->remote_addr,
		                          strlen(r->remote_addr));
		crypto_generichash_update(&st,
		                          (const unsigned char *)r->user_agent,
		                          strlen(r->user_agent));
	}
	crypto_generichash_final(&st, h, sizeof(h));
	return ((long long)h[0] << 23 | (long long)h[1] << 15 |
	        (long long)h[2] << 7 | (long long)(h[3] >> 1)) &
	       0x7fffffffLL;
}

/*
 * Checks what a page starts from: no "offset" (pages are keyset pages,
 * an offset would make the client choose the cost), a cursor this list
 * gave for this order, and for the shuffle the seed it was made with (the
 * cursor's, when the request names none).  0, or the 400 sent.
 */
static int
list_position(struct req *r, const struct valid_value *v,
              enum gallery_sort sort, struct gallery_cursor *c, int *after,
              long long *seed)
{
	if (req_arg(r, "offset") != NULL)
		return resp_error(r, 400, "invalid_field",
		                  "Field offset is not supported: ask for the "
		                  "next page with the cursor the previous page "
		                  "gave (next_cursor).");
	*after = v[LIST_CURSOR].present;
	*seed = v[LIST_SEED].present ? v[LIST_SEED].i : -1;
	if (!*after)
		return 0;
	if (gallery_cursor_decode(v[LIST_CURSOR].s, v[LIST_CURSOR].len, c) != 0)
		return resp_error(
		    r, 400, "invalid_field",
		    "Field cursor is not a cursor this list gave; "
		    "start again from the first page.");
	if (c->sort != sort)
		return resp_error(r, 400, "invalid_field",
		                  "Field cursor belongs to another sort order; "
		                  "start again from the first page.");
	if (sort == GALLERY_SHUFFLE && *seed >= 0 && *seed != c->seed)
		return resp_error(r, 400, "invalid_field",
		                  "Field cursor belongs to another seed; start "
		                  "again from the first page.");
	if (sort == GALLERY_SHUFFLE)
		*seed = c->seed;
	return 0;
}

/* The cursor after row: the last one a page shows. */
static json_t *
list_next(enum gallery_sort sort, long long seed, const struct gallery_row *row)
{
	struct gallery_cursor c = {.sort = sort, .id = row->id};
	char                  text[GALLERY_CURSOR_MAX];

	if (sort == GALLERY_VOTES)
		c.votes = row->key;
	if (sort == GALLERY_SHUFFLE) {
		c.seed = seed;
		c.seg = row->seg;
		c.key = row->key;
	}
	gallery_cursor_encode(&c, text, sizeof(text));
	return json_string(text);
}

/*
 * ?q=: the contest's approved entries that q finds, best first
 * (db_search.h), at most limit (default 20, at most SEARCH_LIMIT_MAX);
 * "more" says whether there were more.  One page: a search is refined,
 * not paged, so it takes no cursor, and no sort or filter either.
 */
static int
list_search(struct req *r, const struct valid_value *v)
{
	const char *json;
	json_t     *list;
	long long   limit = v[LIST_LIMIT].present ? v[LIST_LIMIT].i : 20;
	int         rc, more;

	for (int f = LIST_CATEGORY; f < LIST_Q; f++)
		if (f != LIST_LIMIT &&
		    (v[f].present || (f == LIST_SORT && req_arg(r, "sort"))))
			return resp_error(
			    r, 400, "invalid_field",
			    "Field %s does not go with q: a search "
			    "is one page of the best matches.",
			    list_fields[f].name);
	if (limit > SEARCH_LIMIT_MAX)
		return resp_error(r, 400, "invalid_field",
		                  "Field limit is at most %d with q.",
		                  SEARCH_LIMIT_MAX);
	rc = db_search(r->db, r->a, r->seg[0], v[LIST_Q].s,
	               arena_printf(r->a, "%lld", limit + 1), &json);
	if (rc == DB_NONE)
		return resp_error(r, 404, "no_contest",
		                  "There is no contest %s.", r->seg[0]);
	if (rc < 0)
		return resp_db_error(r, rc);
	if ((list = input_db_json(json)) == NULL || !json_is_array(list))
		return resp_db_error(r, DB_ERR);
	more = json_array_size(list) > (size_t)limit;
	if (more)
		json_array_remove(list, (size_t)limit);
	return resp_json(r, 200,
	                 json_pack("{s:o,s:s,s:b,s:n,s:n}", "entries", list,
	                           "q", v[LIST_Q].s, "more", more,
	                           "next_cursor", "seed"));
}

/*
 * The gallery: approved entries, newest first, most voted first (folded
 * counts), or shuffled by a seed (the "seed" parameter, else one derived
 * from the visitor; the answer says which).  Pages are keyset pages: the
 * cursor is an opaque position the previous page returned (gallery.h),
 * and each page reads at most limit + 1 rows from an index.
 */
int
h_entry_list(struct req *r)
{
	struct valid_value     v[LIST__MAX];
	struct gallery_page    page;
	struct gallery_cursor  cur;
	struct gallery_segment plan[GALLERY_SEGMENTS];
	struct contest_access  ca;
	enum gallery_sort      sort;
	json_t                *list;
	long long              limit, seed = -1;
	int                    rc, after = 0;

	if ((rc = input_args(r, list_fields, LIST__MAX, v)) != 0)
		return rc;
	if (v[LIST_Q].present)
		return list_search(r, v);
	sort = (enum gallery_sort)v[LIST_SORT].i;
	if ((rc = list_position(r, v, sort, &cur, &after, &seed)) != 0)
		return rc;
	if (seed < 0)
		seed = list_visitor_seed(r);
	if (sort == GALLERY_SHUFFLE)
		gallery_shuffle_plan(seed, plan);
	limit = v[LIST_LIMIT].present ? v[LIST_LIMIT].i : 24;
	rc = db_gallery(
	    reads_db(r), r->a,
	    &(struct gallery_query){
	        .slug = r->seg[0],
	        .category =
	            v[LIST_CATEGORY].present ? v[LIST_CATEGORY].s : NULL,
	        .unit = v[LIST_UNIT].present ? v[LIST_UNIT].s : NULL,
	        .sort = sort,
	        .limit = limit + 1,
	        .after = after ? &cur : NULL,
	        .plan = plan},
	    &page);
	if (rc < 0)
		return resp_db_error(r, rc);
	/* An empty page is rare: only then tell an unknown contest apart,
	 * with the cheap lookup by slug, so a gallery page costs one query. */
	if (page.n == 0) {
		rc = db_contest_access(r->db, r->a, r->seg[0], NULL, &ca);
		if (rc == DB_NONE)
			return resp_error(r, 404, "no_contest",
			                  "There is no contest %s.", r->seg[0]);
		if (rc < 0)
			return resp_db_error(r, rc);
	}
	if ((list = json_array()) == NULL)
		return resp_db_error(r, DB_ERR);
	for (int i = 0; i < page.n && i < limit; i++)
		json_array_append_new(list, input_db_json(page.rows[i].json));
	return resp_json(
	    r, 200,
	    json_pack("{s:o,s:o,s:o}", "entries", list, "next_cursor",
	              page.n > limit
	                  ? list_next(sort, seed, &page.rows[limit - 1])
	                  : json_null(),
	              "seed",
	              sort == GALLERY_SHUFFLE ? json_integer((json_int_t)seed)
	                                      : json_null()));
}

int
h_entry_get(struct req *r)
{
	const char *json;
	json_t     *e;
	int         rc;

	rc = db_entry_json(
	    reads_db(r), r->a, arena_printf(r->a, "%lld", r->id_param),
	    r->user ? arena_printf(r->a, "%lld", r->user->id) : NULL, &json);
	if (rc < 0)
		return resp_db_error(r, rc);
	if (rc == DB_NONE || (e = input_db_json(json)) == NULL)
		return resp_error(r, 404, "no_entry", "There is no entry %lld.",
		                  r->id_param);
	return resp_json(r, 200, json_pack("{s:o}", "entry", e));
}

int
h_me_entries(struct req *r)
{
	const char *json;
	json_t     *list;
	int         rc;

	rc = db_my_entries(r->db, r->a, arena_printf(r->a, "%lld", r->user->id),
	                   &json);
	if (rc < 0)
		return resp_db_error(r, rc);
	if ((list = input_db_json(json)) == NULL)
		return resp_db_error(r, DB_ERR);
	return resp_json(r, 200, json_pack("{s:o}", "entries", list));
}

/* Looks up an entry's media for the owner or a judge; 0 or sent status. */
static int
media_access(struct req *r, struct entry_media *m)
{
	int rc =
	    db_entry_media(r->db, r->a, arena_printf(r->a, "%lld", r->id_param),
	                   arena_printf(r->a, "%lld", r->user->id), m);

	if (rc < 0)
		return resp_db_error(r, rc);
	/* Not allowed looks the same as absent: no probing of ids. */
	if (rc == DB_NONE || !m->allowed)
		return resp_error(r, 404, "no_entry", "There is no entry %lld.",
		                  r->id_param);
	if (m->purged)
		return resp_outcome(
		    r, NULL, "media_purged",
		    arena_printf(r->a, "%d", r->cfg->retention_days));
	return 0;
}

/* A derivative of a not-yet-public entry, for its owner and judges. */
int
h_entry_media(struct req *r)
{
	/* The URL names each derivative by its suffix without the '_'. */
	static const char *const ctype[STORE_DERIV__MAX] = {
	    "image/jpeg", /* STORE_T400_JPG */
	    "image/webp", /* STORE_T400_WEBP */
	    "image/jpeg", /* STORE_D1600_JPG */
	    "image/webp", /* STORE_D1600_WEBP */
	    "image/jpeg", /* STORE_CARD_JPG */
	};
	struct entry_media m;
	int                rc;

	for (int i = 0; i < STORE_DERIV__MAX; i++) {
		const char *suffix = store_deriv_suffix((enum store_deriv)i);

		if (strcmp(r->seg[0], suffix + 1) != 0)
			continue;
		if ((rc = media_access(r, &m)) != 0)
			return rc;
		return resp_media(r, STORE_PRIV, m.token, suffix, ctype[i],
		                  NULL);
	}
	return resp_error(r, 404, "not_found", "There is no such image.");
}

/* The untouched original, as a download, for its owner and judges. */
int
h_entry_original(struct req *r)
{
	struct entry_media m;
	const char        *ext;
	int                rc;

	if ((rc = media_access(r, &m)) != 0)
		return rc;
	ext = store_orig_suffix(m.original_type);
	return resp_media(r, STORE_ORIG, m.token, ext, m.original_type,
	                  arena_printf(r->a,
	                               "attachment; filename=\"entry-%lld%s\"",
	                               r->id_param, ext));
}

/* ---------------------------------------------------------------------- */
/* The owner's edits and withdrawals. */

/*
 * Begins a transaction and locks entry eid for its owner uid.  Returns 0
 * with *lk filled and the transaction open, or the status sent (the
 * transaction then rolled back).  Someone else's entry answers 404 while
 * it is not public (no probing of pending ids), 403 when it is.
 */
static int
owner_lock(struct req *r, const char *eid, const char *uid,
           struct entry_lock *lk)
{
	int rc;

	if ((rc = db_begin(r->db)) != DB_OK)
		return resp_db_error(r, rc);
	rc = db_entry_lock(r->db, r->a, eid, uid, lk);
	if (rc == DB_OK && lk->owner)
		return 0;
	db_rollback(r->db);
	if (rc < 0)
		return resp_db_error(r, rc);
	if (rc == DB_OK && strcmp(lk->status, "approved") == 0)
		return resp_error(r, 403, "forbidden",
		                  "Only the author may change this entry.");
	return resp_error(r, 404, "no_entry", "There is no entry %s.", eid);
}

/* Writes one audit row inside the open transaction; the tri-state. */
static int
entry_audit(struct req *r, const char *action, const char *eid,
            const char *contest, const char *before, const char *after)
{
	struct db_actor by = {arena_printf(r->a, "%lld", r->user->id),
	                      r->user->username, r->remote_addr};

	return db_audit_write(r->db, r->a, &by, action, "entry", eid, contest,
	                      before, after);
}

/*
 * Draws the share card of entry eid (media token) again from its original
 * orig[0..len), in the limited child, and stores it over the old one.
 * Best effort: on failure the old card stays (the log says why).
 */
static void
card_store(struct req *r, const char *eid, const char *token,
           const unsigned char *orig, size_t len,
           const struct image_card_text *card)
{
	struct image_limits lim = {0, 0, 0};
	struct image_info   info;
	struct image_derivs d;
	enum image_result   res;
	enum decode_status  ds = DECODE_ERROR;

	res = image_probe(orig, len, &lim, &info);
	if (res == IMAGE_OK)
		ds = decode_derive(r->store->tmp_fd, r->id, orig, len, &info,
		                   IMAGE_DERIV_BIT(IMAGE_DERIV_CARD_JPEG), card,
		                   &d, &res);
	if (ds != DECODE_OK) {
		log_msg("warn", "req=%s entry=%s card not redrawn: %s", r->id,
		        eid, decode_status_name(ds));
		return;
	}
	/* The derivatives are ours from here on, whatever the write does. */
	if (store_write(r->store, STORE_PRIV, token,
	                store_deriv_suffix(STORE_CARD_JPG),
	                d.blob[IMAGE_DERIV_CARD_JPEG].data,
	                d.blob[IMAGE_DERIV_CARD_JPEG].len) != 0)
		log_msg("warn", "req=%s entry=%s card not stored: %s", r->id,
		        eid, strerror(errno));
	image_derivs_free(&d);
}

/*
 * Redraws the share card of a pending entry whose title changed, from the
 * private original.  Best effort: on failure the old card stays and the
 * edit still counts.
 */
static void
card_redraw(struct req *r, const char *eid, const struct entry_lock *lk,
            const char *title)
{
	struct image_card_text card = card_text(
	    r, lk->contest_title, lk->number, title, lk->unit, lk->author);
	unsigned char *orig = NULL;
	size_t         len = 0;

	if (store_read(r->store, STORE_ORIG, lk->token,
	               store_orig_suffix(lk->original_type), ENTRY_ORIG_MAX,
	               &orig, &len) != 0) {
		log_msg("warn", "req=%s entry=%s cannot read the original",
		        r->id, eid);
		return;
	}
	card_store(r, eid, lk->token, orig, len, &card);
	free(orig);
}

enum edit_field {
	EDIT_TITLE,    /* EDIT_TITLE */
	EDIT_CAPTION,  /* EDIT_CAPTION */
	EDIT_CATEGORY, /* EDIT_CATEGORY */
	EDIT__MAX
};

static const struct valid_field edit_fields[EDIT__MAX] = {
    {"title", valid_f_line, 1, 120, 0, NULL},
    {"caption", valid_f_block, 0, 2000, 0, NULL},
    {"category", valid_f_int, 1, 9007199254740991LL, 0, NULL},
};

/*
 * The edit itself, in the transaction owner_lock() opened: the category
 * check, the update and its audit row; commits.  Returns 0 or the status
 * sent.
 */
static int
edit_write(struct req *r, const char *eid, const struct entry_lock *lk,
           const struct valid_value *v)
{
	const char *after;
	int         rc;

	if (strcmp(lk->status, "pending") != 0) {
		db_rollback(r->db);
		return resp_error(r, 409, "not_pending",
		                  "This entry is %s: only a pending entry can "
		                  "be edited.",
		                  lk->status);
	}
	if (v[EDIT_CATEGORY].present &&
	    (rc = db_category_check(r->db, r->a, v[EDIT_CATEGORY].s,
	                            lk->contest)) != DB_OK) {
		db_rollback(r->db);
		if (rc < 0)
			return resp_db_error(r, rc);
		return resp_error(r, 400, "invalid_field",
		                  "Field category is not a category of "
		                  "this entry's contest.");
	}
	rc = db_entry_edit(
	    r->db, r->a, eid, v[EDIT_TITLE].present ? v[EDIT_TITLE].s : NULL,
	    v[EDIT_CAPTION].present ? v[EDIT_CAPTION].s : NULL,
	    v[EDIT_CATEGORY].present ? v[EDIT_CATEGORY].s : NULL, &after);
	if (rc == DB_OK)
		rc = entry_audit(r, "entry.edit", eid, lk->contest, lk->before,
		                 after);
	if (rc != DB_OK) {
		db_rollback(r->db);
		return resp_db_error(r, rc == DB_NONE ? DB_ERR : rc);
	}
	if ((rc = db_commit(r->db)) != DB_OK)
		return resp_db_error(r, rc == DB_NONE ? DB_ERR : rc);
	return 0;
}

/* PATCH /api/v1/entries/{id}: the owner edits the text while pending. */
int
h_entry_edit(struct req *r)
{
	struct valid_value v[EDIT__MAX];
	struct kv         *kv;
	size_t             n;
	struct entry_lock  lk;
	char              *eid = arena_printf(r->a, "%lld", r->id_param);
	char              *uid = arena_printf(r->a, "%lld", r->user->id);
	int                rc;

	if (eid == NULL || uid == NULL)
		return resp_db_error(r, DB_ERR);
	if ((rc = input_body(r, &kv, &n)) != 0)
		return rc;
	if ((rc = input_check(r, edit_fields, EDIT__MAX, kv, n, v)) != 0)
		return rc;
	/* An empty caption counts as absent to the field table, but here
	 * it means "clear the caption". */
	for (size_t i = 0; i < n && !v[EDIT_CAPTION].present; i++)
		if (strcmp(kv[i].key, "caption") == 0)
			v[EDIT_CAPTION].present = 1;
	if (!v[EDIT_TITLE].present && !v[EDIT_CAPTION].present &&
	    !v[EDIT_CATEGORY].present)
		return resp_error(r, 400, "invalid_field",
		                  "Send at least one of title, caption and "
		                  "category.");
	if ((rc = owner_lock(r, eid, uid, &lk)) != 0 ||
	    (rc = edit_write(r, eid, &lk, v)) != 0)
		return rc;
	if (v[EDIT_TITLE].present && strcmp(v[EDIT_TITLE].s, lk.title) != 0)
		card_redraw(r, eid, &lk, v[EDIT_TITLE].s);
	return entry_answer(r, 200, eid);
}

/*
 * DELETE /api/v1/entries/{id}: the owner withdraws a pending or approved
 * entry while submissions are open.  The slot is freed (the limit counts
 * pending and approved entries only) and the public files go first, so a
 * withdrawn photo is never reachable; a failed commit puts them back.
 */
int
h_entry_withdraw(struct req *r)
{
	struct entry_lock lk;
	char             *eid = arena_printf(r->a, "%lld", r->id_param);
	char             *uid = arena_printf(r->a, "%lld", r->user->id);
	const char       *status, *token, *after;
	int               rc, was_public;

	if (eid == NULL || uid == NULL)
		return resp_db_error(r, DB_ERR);
	if ((rc = owner_lock(r, eid, uid, &lk)) != 0)
		return rc;
	status = lk.status;
	token = lk.token;
	if (strcmp(status, "pending") != 0 && strcmp(status, "approved") != 0) {
		db_rollback(r->db);
		return resp_error(r, 409, "not_withdrawable",
		                  "This entry is already %s.", status);
	}
	if (!lk.open) {
		db_rollback(r->db);
		return resp_error(r, 403, "submissions_closed",
		                  "Submissions are closed: entries can no "
		                  "longer be withdrawn.");
	}
	was_public = strcmp(status, "approved") == 0;
	if (was_public && store_unpublish(r->store, token) != 0) {
		db_rollback(r->db);
		log_msg("error", "req=%s cannot unpublish media of entry %s",
		        r->id, eid);
		return resp_db_error(r, DB_ERR);
	}
	rc = db_entry_withdraw(r->db, r->a, eid, &after);
	if (rc == DB_OK)
		rc = entry_audit(r, "entry.withdraw", eid, lk.contest,
		                 lk.before, after);
	if (rc == DB_OK)
		rc = db_commit(r->db);
	else
		db_rollback(r->db);
	if (rc != DB_OK) {
		/* After a lost COMMIT the withdrawal may have landed: keep
		 * the files private rather than show a withdrawn photo. */
		if (was_public && rc != DB_LOST)
			(void)store_publish(r->store, token);
		return resp_db_error(r, rc == DB_NONE ? DB_ERR : rc);
	}
	return resp_json(r, 200,
	                 json_pack("{s:{s:I,s:s}}", "entry", "id",
	                           (json_int_t)r->id_param, "status",
	                           "withdrawn"));
}

/*
 * GET /api/v1/entries/{id}/similar: for judges of the entry's contest (and
 * admins), the photos in any contest whose dHash is within
 * SIMILAR_MAX_BITS bits of this one's, closest first.
 */
int
h_entry_similar(struct req *r)
{
	struct entry_similar sim;
	json_t              *list;
	char                *eid = arena_printf(r->a, "%lld", r->id_param);
	int                  rc;

	if (eid == NULL)
		return resp_db_error(r, DB_ERR);
	rc = db_entry_similar(r->db, r->a, eid,
	                      arena_printf(r->a, "%lld", r->user->id), &sim);
	if (rc < 0)
		return resp_db_error(r, rc);
	if (rc == DB_NONE)
		return resp_error(r, 404, "no_entry", "There is no entry %s.",
		                  eid);
	if (!sim.judge)
		return resp_error(
		    r, 403, "forbidden",
		    "Only a judge of this entry's contest may see this.");
	if ((list = input_db_json(sim.json)) == NULL)
		return resp_db_error(r, DB_ERR);
	return resp_json(r, 200,
	                 json_pack("{s:I,s:i,s:b,s:o}", "entry",
	                           (json_int_t)r->id_param, "max_distance",
	                           SIMILAR_MAX_BITS, "hashed", sim.hashed,
	                           "similar", list));
}
