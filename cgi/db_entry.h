/*
 * db_entry.h: the data layer of entries and their media: uploads, the
 * gallery, one entry, the caller's own, the owner's edits and
 * withdrawals, private media, near-duplicates and the share page.  Ids
 * are decimal text the caller checked.  Tri-state returns (db.h); what a
 * function fills lives in the arena given.
 */
#ifndef NETDEP_DB_ENTRY_H
#define NETDEP_DB_ENTRY_H

#include <stdint.h>

#include "db.h"
#include "gallery.h"

/* What a contest says about uploads, for account uid. */
struct upload_contest {
	const char *id;
	int         open;           /* submissions open now */
	int64_t     max_entries;    /* per participant */
	int64_t     used;           /* the caller's entries holding a slot */
	int64_t     uploads_today;  /* the caller's stored this Vietnam day */
	int64_t     day_left;       /* seconds until the next Vietnam day */
	int64_t     max_bytes;      /* largest original */
	int         has_categories; /* an entry must name one */
	uint32_t    min_short_side;
	uint64_t    max_pixels;
	uint32_t    max_side;
	const char *outside;     /* the organising unit the caller is not under,
	                            or NULL: may enter (issue 15) */
	const char *next_number; /* the next entry's number (decimal text) */
	const char *title;       /* the contest's name (share card) */
};

/* DB_NONE: no contest slug. */
int db_upload_contest(struct db *db, struct arena *a, const char *slug,
                      const char *uid, struct upload_contest *out);

/* DB_OK when category belongs to contest, DB_NONE when not. */
int db_category_check(struct db *db, struct arena *a, const char *category,
                      const char *contest);

/* A new entry's text, checked by the caller. */
struct entry_new {
	const char *contest, *account;
	const char *category; /* or NULL */
	const char *title, *caption;
	const char *number; /* the number the card shows, or NULL */
};

/* What entry_create() answered. */
struct entry_created {
	const char
	    *outcome;   /* created, upload_quota, entry_limit, outside_unit */
	const char *id; /* the new entry (created) */
	const char *detail;      /* upload_quota: the quota */
	const char *number;      /* created: the entry's number */
	long long   retry_after; /* upload_quota: seconds to the next day */
	int         raced;       /* a concurrent upload took the slot */
};

/*
 * Counts the upload against its author's daily quota (of quota uploads
 * per Vietnam day) and inserts the entry in the author's first free slot,
 * in the caller's transaction (sql/functions/020_entries.sql).  DB_OK
 * with out->id; DB_NONE with out->raced 1 when a concurrent upload took
 * the same slot (roll back and retry), else with out->outcome saying why
 * (roll back).
 */
int db_entry_create(struct db *db, struct arena *a, const struct entry_new *in,
                    int quota, struct entry_created *out);

/* The media row of an upload (all numbers as decimal text). */
struct media_new {
	const char *entry, *token, *mime, *bytes;
	const char *width, *height;             /* oriented original */
	const char *thumb_width, *thumb_height; /* the 400 px derivative */
	const char *display_width, *display_height;
	const char *dhash;
	const char *camera, *taken_at; /* or NULL */
	const char *sha256_hex;
	int         card; /* a share card was drawn */
};

int db_media_insert(struct db *db, struct arena *a, const struct media_new *m);

/* The entry whose media has token; DB_NONE: no such row. */
int db_media_entry(struct db *db, struct arena *a, const char *token,
                   const char **entry);

/*
 * Entry id as viewer (decimal, or NULL) may see it, as JSON: the private
 * fields for its author and judges.  DB_NONE: absent or not visible.
 */
int db_entry_json(struct db *db, struct arena *a, const char *id,
                  const char *viewer, const char **json);

/* A gallery page (gallery.h). */
struct gallery_query {
	const char                   *slug;
	const char                   *category, *unit; /* or NULL */
	enum gallery_sort             sort;
	int64_t                       limit; /* rows: the page and one more */
	const struct gallery_cursor  *after; /* NULL: the first page */
	const struct gallery_segment *plan;  /* shuffle: the seed's walk */
};

struct gallery_row {
	const char *json; /* the entry as anyone sees it */
	int64_t     id;
	int64_t     key; /* votes or shuffle_key: what a cursor needs */
	int         seg; /* the shuffle segment */
};

struct gallery_page {
	int                 n;
	struct gallery_row *rows; /* in order */
};

int db_gallery(struct db *db, struct arena *a, const struct gallery_query *q,
               struct gallery_page *out);

/*
 * The plan PostgreSQL chooses for that page, as EXPLAIN (FORMAT JSON)
 * text: the gallery's statements are planned for their values at every
 * call (stmt.h per_call), so this is the plan db_gallery() runs.
 */
int db_gallery_plan(struct db *db, struct arena *a,
                    const struct gallery_query *q, const char **json);

/* Every entry of account uid, any status, as a JSON array. */
int db_my_entries(struct db *db, struct arena *a, const char *uid,
                  const char **json);

/* An entry's media as its owner or a judge reaches it. */
struct entry_media {
	const char *token, *status, *original_type;
	int         allowed; /* the caller is its author or a judge */
	int         purged;  /* its files were removed after retention */
};

int db_entry_media(struct db *db, struct arena *a, const char *id,
                   const char *uid, struct entry_media *out);

/* An entry locked for its owner's change (in the caller's transaction). */
struct entry_lock {
	int         owner; /* the caller is its author */
	const char *status, *contest;
	int         open; /* submissions open now */
	const char *token, *original_type;
	const char *before; /* audit JSON of the fields an edit may change */
	const char *unit, *author, *title;
	const char *number;        /* the entry's number (decimal text) */
	const char *contest_title; /* the contest's name (share card) */
};

int db_entry_lock(struct db *db, struct arena *a, const char *id,
                  const char *uid, struct entry_lock *out);

/* Changes the text of a pending entry (NULL keeps a field); *after is the
 * audit JSON.  DB_NONE: no longer pending. */
int db_entry_edit(struct db *db, struct arena *a, const char *id,
                  const char *title, const char *caption, const char *category,
                  const char **after);

/* Withdraws a pending or approved entry; *after is the audit JSON. */
int db_entry_withdraw(struct db *db, struct arena *a, const char *id,
                      const char **after);

/* Near-duplicates of an entry for a judge. */
struct entry_similar {
	int         judge;  /* the caller judges the entry's contest */
	int         hashed; /* the photo has a dHash at all */
	const char *json;   /* the list */
};

int db_entry_similar(struct db *db, struct arena *a, const char *id,
                     const char *uid, struct entry_similar *out);

/* What the share page of an approved entry shows. */
struct share_page {
	const char *title, *caption, *author, *unit;
	const char *number; /* decimal: the entry's number in its contest */
	const char *contest_title, *contest_slug;
	const char *token;
	const char *display_width, *display_height;
	const char *votes; /* decimal, "0" when none */
	int         card;  /* a 1200x630 share card exists */
};

/* DB_NONE: no such approved entry. */
int db_share_page(struct db *db, struct arena *a, const char *id,
                  struct share_page *out);

/* Every media token in byte order, one per row, for the sweeper: those of
 * entries whose files the janitor purged are left out. */
int db_media_tokens(struct db *db, struct arena *a, struct db_table *out);

extern const struct stmt_set db_entry_set;

#endif
