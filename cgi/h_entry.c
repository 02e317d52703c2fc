/*
 * h_entry.c: uploads, the gallery, one entry, the caller's own entries and
 * private media.  An upload is checked cheaply first (size, type and pixel
 * count from the header), decoded once, written to disk atomically, and
 * only then recorded; any failure removes what was written.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "handlers.h"
#include "image.h"
#include "input.h"
#include "log.h"
#include "multipart.h"
#include "resp.h"
#include "store.h"

/* Concurrent uploads may race for the same entry slot; retry that. */
#define ENTRY_SLOT_TRIES 3

enum up_field {
	UP_TITLE,    /* UP_TITLE */
	UP_CAPTION,  /* UP_CAPTION */
	UP_CATEGORY, /* UP_CATEGORY */
	UP__MAX
};

static const struct valid_field up_fields[UP__MAX] = {
    {"title", valid_f_line, 1, 120, VALID_REQUIRED, NULL},
    {"caption", valid_f_block, 0, 2000, 0, NULL},
    {"category", valid_f_int, 1, 9007199254740991LL, 0, NULL},
};

/* What the contest says about uploads, from STMT_CONTEST_UPLOAD. */
struct up_contest {
	const char         *id;
	int                 open;
	long long           max_entries;
	long long           used;
	long long           max_bytes;
	int                 has_categories;
	struct image_limits lim;
};

static int
image_status(enum image_result res)
{
	switch (res) {
	case IMAGE_ERR_UNSUPPORTED:
	case IMAGE_ERR_VARIANT:
	case IMAGE_ERR_ANIMATED:
		return 415;
	case IMAGE_ERR_TOO_LARGE:
		return 413;
	case IMAGE_ERR_NOMEM:
		return 503;
	default:
		return 422;
	}
}

static const char *
image_code(enum image_result res)
{
	switch (res) {
	case IMAGE_ERR_UNSUPPORTED:
	case IMAGE_ERR_VARIANT:
	case IMAGE_ERR_ANIMATED:
		return "unsupported_image";
	case IMAGE_ERR_TOO_LARGE:
		return "image_too_large";
	case IMAGE_ERR_TOO_SMALL:
		return "image_too_small";
	case IMAGE_ERR_NOMEM:
		return "busy";
	default:
		return "image_corrupt";
	}
}

static int
up_contest_load(struct req *r, struct up_contest *c)
{
	struct rows rs;
	char       *uid = arena_printf(r->a, "%lld", r->user->id);
	int         rc;

	if (uid == NULL)
		return resp_db_error(r, DB_ERR);
	rc = db_run(r->db, r->a, STMT_CONTEST_UPLOAD,
	            (const char *[]){r->seg[0], uid}, &rs);
	if (rc == DB_NONE)
		return resp_error(r, 404, "no_contest",
		                  "There is no contest %s.", r->seg[0]);
	if (rc < 0)
		return resp_db_error(r, rc);
	c->id = rows_get(&rs, 0, 0);
	c->open = rows_get(&rs, 0, 1)[0] == 't';
	c->max_entries = rows_ll(&rs, 0, 2, 3);
	c->lim.min_short_side = (uint32_t)rows_ll(&rs, 0, 3, 800);
	c->lim.max_pixels = (uint64_t)rows_ll(&rs, 0, 4, 50000000);
	c->lim.max_side = (uint32_t)rows_ll(&rs, 0, 5, 16384);
	c->max_bytes = rows_ll(&rs, 0, 6, 20971520);
	c->has_categories = rows_get(&rs, 0, 7)[0] == 't';
	c->used = rows_ll(&rs, 0, 8, 0);
	return 0;
}

/* Writes the original and every derivative; 0 or -1 (nothing left). */
static int
up_store(const struct store *st, const char *token,
         const struct image_info *info, const struct mpart *photo,
         const struct image_derivs *d)
{
	static const char *const suffix[IMAGE_DERIV__MAX] = {
	    "_t400.jpg",   /* IMAGE_DERIV_T400_JPEG */
	    "_t400.webp",  /* IMAGE_DERIV_T400_WEBP */
	    "_d1600.jpg",  /* IMAGE_DERIV_D1600_JPEG */
	    "_d1600.webp", /* IMAGE_DERIV_D1600_WEBP */
	};
	char ext[16];

	snprintf(ext, sizeof(ext), ".%s", image_type_ext(info->type));
	if (store_write(st, STORE_ORIG, token, ext, photo->data, photo->len) !=
	    0)
		goto fail;
	for (int i = 0; i < IMAGE_DERIV__MAX; i++)
		if (store_write(st, STORE_PRIV, token, suffix[i],
		                d->blob[i].data, d->blob[i].len) != 0)
			goto fail;
	return 0;
fail:
	(void)store_remove_all(st, token, NULL);
	return -1;
}

/* Inserts entry and media in one transaction; returns the tri-state. */
static int
up_record(struct req *r, const struct up_contest *c,
          const struct valid_value *v, const char *token,
          const struct image_info *info, const struct mpart *photo,
          const struct image_derivs *d, const char **entry_id)
{
	unsigned char sha[crypto_hash_sha256_BYTES];
	char          sha_hex[2 * sizeof(sha) + 1], camera[2 * 64 + 2];
	char         *uid = arena_printf(r->a, "%lld", r->user->id);
	struct rows   rs;
	int           rc = DB_ERR;

	crypto_hash_sha256(sha, photo->data, photo->len);
	sodium_bin2hex(sha_hex, sizeof(sha_hex), sha, sizeof(sha));
	snprintf(camera, sizeof(camera), "%s%s%s", info->exif.make,
	         info->exif.make[0] && info->exif.model[0] ? " " : "",
	         info->exif.model);
	for (int attempt = 0; attempt < ENTRY_SLOT_TRIES; attempt++) {
		if ((rc = db_begin(r->db)) != DB_OK)
			return rc;
		rc =
		    db_run(r->db, r->a, STMT_ENTRY_INSERT,
		           (const char *[]){
		               c->id, uid,
		               v[UP_CATEGORY].present ? v[UP_CATEGORY].s : NULL,
		               v[UP_TITLE].s, v[UP_CAPTION].s},
		           &rs);
		if (rc == DB_OK)
			break;
		db_rollback(r->db);
		if (rc != DB_NONE || rs.constraint == NULL)
			return rc; /* DB_NONE without a constraint: limit full
			            */
	}
	if (rc != DB_OK)
		return rc;
	*entry_id = rows_get(&rs, 0, 0);
	rc = db_run(
	    r->db, r->a, STMT_MEDIA_INSERT,
	    (const char *[]){
	        *entry_id, token, image_type_mime(info->type),
	        arena_printf(r->a, "%zu", photo->len),
	        arena_printf(r->a, "%u", info->oriented_width),
	        arena_printf(r->a, "%u", info->oriented_height),
	        arena_printf(r->a, "%u", d->blob[IMAGE_DERIV_T400_JPEG].width),
	        arena_printf(r->a, "%u", d->blob[IMAGE_DERIV_T400_JPEG].height),
	        arena_printf(r->a, "%u", d->blob[IMAGE_DERIV_D1600_JPEG].width),
	        arena_printf(r->a, "%u",
	                     d->blob[IMAGE_DERIV_D1600_JPEG].height),
	        arena_printf(r->a, "%lld", (long long)d->dhash),
	        camera[0] ? camera : NULL,
	        info->exif.datetime[0] ? info->exif.datetime : NULL, sha_hex},
	    NULL);
	if (rc != DB_OK) {
		db_rollback(r->db);
		return rc == DB_NONE ? DB_ERR : rc;
	}
	return db_commit(r->db);
}

int
h_entry_upload(struct req *r)
{
	struct valid_value  v[UP__MAX];
	struct up_contest   c;
	struct mpart       *parts;
	const struct mpart *photo;
	struct kv          *kv;
	size_t              np, nkv;
	struct image_info   info;
	struct image_derivs d;
	enum image_result   res;
	char                token[STORE_TOKEN_LEN + 1];
	const char         *entry_id = NULL;
	struct rows         rs;
	int                 rc;

	memset(&d, 0, sizeof(d));
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
	if ((rc = input_check(r, up_fields, UP__MAX, kv, nkv, v)) != 0)
		return rc;
	photo = multipart_find(parts, np, "photo");
	if (photo == NULL || photo->filename == NULL || photo->len == 0)
		return resp_error(r, 400, "invalid_field",
		                  "Field photo is required: attach the photo "
		                  "file.");
	if ((rc = up_contest_load(r, &c)) != 0)
		return rc;
	if (!c.open)
		return resp_error(r, 403, "submissions_closed",
		                  "This contest does not take entries now.");
	if (c.used >= c.max_entries)
		return resp_error(r, 409, "entry_limit",
		                  "You already have %lld entries in this "
		                  "contest, the most it allows.",
		                  c.max_entries);
	if ((long long)photo->len > c.max_bytes)
		return resp_error(r, 413, "image_too_large",
		                  "The photo is larger than %lld MB.",
		                  c.max_bytes / (1024 * 1024));
	if (c.has_categories && !v[UP_CATEGORY].present)
		return resp_error(r, 400, "invalid_field",
		                  "Field category is required: choose one of "
		                  "the contest's categories.");
	if (v[UP_CATEGORY].present) {
		rc = db_run(r->db, r->a, STMT_CATEGORY_CHECK,
		            (const char *[]){v[UP_CATEGORY].s, c.id}, NULL);
		if (rc == DB_NONE)
			return resp_error(r, 400, "invalid_field",
			                  "Field category is not a category of "
			                  "this contest.");
		if (rc < 0)
			return resp_db_error(r, rc);
	}

	res = image_probe(photo->data, photo->len, &c.lim, &info);
	if (res != IMAGE_OK)
		return resp_error(r, image_status(res), image_code(res), "%s",
		                  image_result_message(res));
	res = image_derive(photo->data, photo->len, &info, &d);
	if (res != IMAGE_OK)
		return resp_error(r, image_status(res), image_code(res), "%s",
		                  image_result_message(res));
	store_token_new(token);
	if (up_store(r->store, token, &info, photo, &d) != 0) {
		image_derivs_free(&d);
		log_msg("error", "req=%s cannot store an upload", r->id);
		return resp_error(r, 503, "storage",
		                  "The photo could not be stored; try again.");
	}
	rc = up_record(r, &c, v, token, &info, photo, &d, &entry_id);
	image_derivs_free(&d);
	if (rc == DB_LOST && db_ensure(r->db) == 0) {
		/* The commit's fate is unknown: look instead of guessing. */
		rc = db_run(r->db, r->a, STMT_MEDIA_BY_TOKEN,
		            (const char *[]){token}, &rs);
		if (rc == DB_OK)
			entry_id = rows_get(&rs, 0, 0);
		else if (rc == DB_NONE) {
			(void)store_remove_all(r->store, token, NULL);
			rc = DB_LOST;
		}
	} else if (rc != DB_OK && rc != DB_LOST)
		(void)store_remove_all(r->store, token, NULL);
	if (rc == DB_NONE)
		return resp_error(r, 409, "entry_limit",
		                  "You already have %lld entries in this "
		                  "contest, the most it allows.",
		                  c.max_entries);
	if (rc != DB_OK)
		return resp_db_error(r, rc);
	log_msg("info", "req=%s entry=%s stored %s %ux%u decode=%lluus", r->id,
	        entry_id, image_type_name(info.type), info.width, info.height,
	        (unsigned long long)d.timing.decode_us);
	rc = db_run(
	    r->db, r->a, STMT_ENTRY_GET,
	    (const char *[]){entry_id, arena_printf(r->a, "%lld", r->user->id)},
	    &rs);
	if (rc != DB_OK)
		return resp_db_error(r, rc < 0 ? rc : DB_ERR);
	return resp_json(
	    r, 201,
	    json_pack("{s:o*}", "entry", input_db_json(rows_get(&rs, 0, 0))));
}

enum list_field {
	LIST_CATEGORY, /* LIST_CATEGORY */
	LIST_UNIT,     /* LIST_UNIT */
	LIST_SORT,     /* LIST_SORT */
	LIST_LIMIT,    /* LIST_LIMIT */
	LIST_CURSOR,   /* LIST_CURSOR */
	LIST__MAX
};

static const char *const list_sorts[] = {"new", "votes", NULL};

static const struct valid_field list_fields[LIST__MAX] = {
    {"category", valid_f_int, 1, 9007199254740991LL, 0, NULL},
    {"unit", valid_f_line, 1, 120, 0, NULL},
    {"sort", valid_f_choice, 0, 0, 0, list_sorts},
    {"limit", valid_f_int, 1, 100, 0, NULL},
    {"cursor", valid_f_int, 0, 100000, 0, NULL},
};

/*
 * The gallery: approved entries, newest first or most voted first.  The
 * cursor is an opaque position the previous page returned.
 */
int
h_entry_list(struct req *r)
{
	struct valid_value v[LIST__MAX];
	struct rows        rs;
	json_t            *list;
	long long          limit, offset;
	int                rc;

	if ((rc = input_args(r, list_fields, LIST__MAX, v)) != 0)
		return rc;
	limit = v[LIST_LIMIT].present ? v[LIST_LIMIT].i : 24;
	offset = v[LIST_CURSOR].present ? v[LIST_CURSOR].i : 0;
	rc = db_run(r->db, r->a, STMT_CONTEST_GET, (const char *[]){r->seg[0]},
	            NULL);
	if (rc == DB_NONE)
		return resp_error(r, 404, "no_contest",
		                  "There is no contest %s.", r->seg[0]);
	if (rc < 0)
		return resp_db_error(r, rc);
	rc = db_run(r->db, r->a, STMT_ENTRIES_LIST,
	            (const char *[]){
	                r->seg[0],
	                v[LIST_CATEGORY].present ? v[LIST_CATEGORY].s : NULL,
	                v[LIST_UNIT].present ? v[LIST_UNIT].s : NULL,
	                list_sorts[v[LIST_SORT].i],
	                arena_printf(r->a, "%lld", limit + 1),
	                arena_printf(r->a, "%lld", offset)},
	            &rs);
	if (rc < 0)
		return resp_db_error(r, rc);
	if ((list = json_array()) == NULL)
		return resp_db_error(r, DB_ERR);
	for (int i = 0; i < rs.nrows && i < limit; i++)
		json_array_append_new(list, input_db_json(rows_get(&rs, i, 0)));
	return resp_json(r, 200,
	                 json_pack("{s:o,s:o}", "entries", list, "next_cursor",
	                           rs.nrows > limit
	                               ? json_sprintf("%lld", offset + limit)
	                               : json_null()));
}

int
h_entry_get(struct req *r)
{
	struct rows rs;
	json_t     *e;
	int         rc;

	rc = db_run(
	    r->db, r->a, STMT_ENTRY_GET,
	    (const char *[]){arena_printf(r->a, "%lld", r->id_param),
	                     r->user ? arena_printf(r->a, "%lld", r->user->id)
	                             : NULL},
	    &rs);
	if (rc < 0)
		return resp_db_error(r, rc);
	if (rc == DB_NONE || (e = input_db_json(rows_get(&rs, 0, 0))) == NULL)
		return resp_error(r, 404, "no_entry", "There is no entry %lld.",
		                  r->id_param);
	return resp_json(r, 200, json_pack("{s:o}", "entry", e));
}

int
h_me_entries(struct req *r)
{
	struct rows rs;
	json_t     *list;
	int         rc;

	rc = db_run(r->db, r->a, STMT_ME_ENTRIES,
	            (const char *[]){arena_printf(r->a, "%lld", r->user->id)},
	            &rs);
	if (rc < 0)
		return resp_db_error(r, rc);
	if ((list = input_db_json(rows_get(&rs, 0, 0))) == NULL)
		return resp_db_error(r, DB_ERR);
	return resp_json(r, 200, json_pack("{s:o}", "entries", list));
}

/* Looks up an entry's media for the owner or a judge; 0 or sent status. */
static int
media_access(struct req *r, const char **token, const char **status,
             const char **otype)
{
	struct rows rs;
	int         rc;

	rc = db_run(r->db, r->a, STMT_ENTRY_MEDIA,
	            (const char *[]){arena_printf(r->a, "%lld", r->id_param),
	                             arena_printf(r->a, "%lld", r->user->id)},
	            &rs);
	if (rc < 0)
		return resp_db_error(r, rc);
	/* Not allowed looks the same as absent: no probing of ids. */
	if (rc == DB_NONE || rows_get(&rs, 0, 3)[0] != 't')
		return resp_error(r, 404, "no_entry", "There is no entry %lld.",
		                  r->id_param);
	*token = rows_get(&rs, 0, 0);
	*status = rows_get(&rs, 0, 1);
	*otype = rows_get(&rs, 0, 2);
	return 0;
}

/* A derivative of a not-yet-public entry, for its owner and judges. */
int
h_entry_media(struct req *r)
{
	static const struct {
		const char *kind, *suffix, *ctype;
	} kinds[] = {
	    {"t400.jpg", "_t400.jpg", "image/jpeg"},
	    {"t400.webp", "_t400.webp", "image/webp"},
	    {"d1600.jpg", "_d1600.jpg", "image/jpeg"},
	    {"d1600.webp", "_d1600.webp", "image/webp"},
	};
	const char *token, *status, *otype;
	int         rc;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(r->seg[0], kinds[i].kind) != 0)
			continue;
		if ((rc = media_access(r, &token, &status, &otype)) != 0)
			return rc;
		return resp_accel(r,
		                  arena_printf(r->a, "/_priv/%.2s/%.2s/%s%s",
		                               token, token + 2, token,
		                               kinds[i].suffix),
		                  kinds[i].ctype, NULL);
	}
	return resp_error(r, 404, "not_found", "There is no such image.");
}

/* The untouched original, as a download, for its owner and judges. */
int
h_entry_original(struct req *r)
{
	const char *token, *status, *otype, *ext;
	int         rc;

	if ((rc = media_access(r, &token, &status, &otype)) != 0)
		return rc;
	ext = strcmp(otype, "image/png") == 0    ? "png"
	      : strcmp(otype, "image/webp") == 0 ? "webp"
	                                         : "jpg";
	return resp_accel(r,
	                  arena_printf(r->a, "/_orig/%.2s/%.2s/%s.%s", token,
	                               token + 2, token, ext),
	                  otype,
	                  arena_printf(r->a,
	                               "attachment; filename=\"entry-%lld.%s\"",
	                               r->id_param, ext));
}
