/*
 * store.h: the media store on disk.  Files are named by a random token and
 * fanned out as ab/cd/<token><suffix> under four areas of a media root:
 * tmp/ (writes in progress), orig/ (private originals, served through an
 * nginx internal redirect), priv/ (derivatives of entries not approved) and
 * pub/ (derivatives of approved entries; nginx serves /media/ from it).
 * Every write is atomic: temp file, fsync, rename, fsync of the directory.
 */
#ifndef NETDEP_STORE_H
#define NETDEP_STORE_H

#include <stddef.h>

#define STORE_TOKEN_LEN  32 /* 128 random bits as lowercase hex */
#define STORE_SUFFIX_MAX 16 /* "_d1600.webp" and ".webp" fit */
#define STORE_PATH_MAX   96 /* longest relative path, NUL included */
/* In tmp/: the decode slots (decode.c); dot files are never swept. */
#define STORE_DECODE_SLOTS ".decode-slots"
#define STORE_HASH_SLOTS   ".hash-slots" /* brake.c: password hashes */

enum store_area { STORE_ORIG, STORE_PRIV, STORE_PUB, STORE_AREA__MAX };

/* The derivative files, in the order of enum image_deriv (image.h). */
enum store_deriv {
	STORE_T400_JPG,
	STORE_T400_WEBP,
	STORE_D1600_JPG,
	STORE_D1600_WEBP,
	STORE_CARD_JPG, /* the 1200x630 share card */
	STORE_DERIV__MAX
};

struct store_backend;

/* An open media root.  Owned by the worker; read-only after store_open. */
struct store {
	int root_fd;                  /* O_DIRECTORY of the root */
	int area_fd[STORE_AREA__MAX]; /* orig/, priv/, pub/ */
	int tmp_fd;                   /* tmp/ */
	/* NULL: the files are the areas under the root.  Else (issue 18:
	 * store_s3_attach) every write, read, exists, publish, remove and
	 * sweep of the areas goes to this backend; tmp/ stays local. */
	const struct store_backend *remote;
};

/*
 * Opens (creating when missing, mode 0750) root and its tmp, orig, priv and
 * pub directories, and the empty lock file tmp/STORE_DECODE_SLOTS, keeping
 * a descriptor on each directory so later calls never walk the path again.
 * Returns 0, or -1 with errno set (st is then closed).
 */
int store_open(struct store *st, const char *root);

/*
 * Bytes an unprivileged process may still write on the media filesystem
 * (*avail) and its size (*total).  Returns 0, or -1 (both 0).
 */
int store_space(const struct store *st, unsigned long long *avail,
                unsigned long long *total);

/* Closes every descriptor; safe on a closed or failed store. */
void store_close(struct store *st);

/* "_t400.jpg" etc.; NULL when d is out of range. */
const char *store_deriv_suffix(enum store_deriv d);

/*
 * Writes a fresh token: 16 bytes from libsodium's randombytes_buf as 32
 * lowercase hex digits and a NUL.  Needs sodium_init() done once before.
 */
void store_token_new(char out[STORE_TOKEN_LEN + 1]);

/* 1 when s is exactly 32 lowercase hex digits (a token), else 0. */
int store_token_valid(const char *s);

/*
 * Writes "<area>/ab/cd/<token><suffix>" into out (outsz bytes), the path
 * relative to the media root, e.g. for X-Accel-Redirect.  suffix is one of
 * [a-z0-9._], at most STORE_SUFFIX_MAX bytes.  Returns 0, or -1 with errno
 * EINVAL (bad token/suffix/area) or ENAMETOOLONG.
 */
int store_path(enum store_area area, const char *token, const char *suffix,
               char *out, size_t outsz);

/*
 * Writes the path nginx serves area's file under, for X-Accel-Redirect:
 * "/_orig/ab/cd/<token><suffix>" (originals), "/_priv/..." (derivatives
 * not public) or "/media/..." (public).  Returns 0 or -1 (errno as
 * store_path).
 */
int store_accel(enum store_area area, const char *token, const char *suffix,
                char *out, size_t outsz);

/* The suffix an original of MIME type mime is stored with: ".jpg",
 * ".png", ".webp", ".heic" or ".avif" (".jpg" for anything else). */
const char *store_orig_suffix(const char *mime);

/*
 * Writes the public URL path "/media/ab/cd/<token><suffix>" of a derivative
 * into out.  Returns 0 or -1 (errno as store_path).
 */
int store_url(const char *token, const char *suffix, char *out, size_t outsz);

/*
 * Stores len bytes as area/ab/cd/<token><suffix>: writes a temp file in
 * tmp/, fsyncs it, renames it into place (replacing any older file) and
 * fsyncs the directory, creating the fan-out directories as needed.  The
 * file is either complete or absent.  Returns 0, or -1 with errno set and
 * no temp file left behind.
 */
int store_write(const struct store *st, enum store_area area, const char *token,
                const char *suffix, const void *data, size_t len);

/*
 * 1 when area's file <token><suffix> is a regular file, 0 when it is
 * missing, -1 with errno on another error (EINVAL for a bad name).
 */
int store_exists(const struct store *st, enum store_area area,
                 const char *token, const char *suffix);

/*
 * Reads area/ab/cd/<token><suffix> whole into a malloc'd buffer (*data,
 * *len; the caller frees it).  Files over max bytes are refused (EFBIG).
 * Returns 0, or -1 with errno set and *data NULL.
 */
int store_read(const struct store *st, enum store_area area, const char *token,
               const char *suffix, size_t max, unsigned char **data,
               size_t *len);

/*
 * Makes the derivatives of token public: hard-links each priv/ file that
 * exists into pub/ (replacing a different older file) and fsyncs.
 * Idempotent.  Returns 0, or -1 with errno set (some may be linked: call
 * again or store_unpublish()).
 */
int store_publish(const struct store *st, const char *token);

/*
 * Removes the pub/ links of token's derivatives (priv/ keeps them); missing
 * files are fine.  Returns 0, or -1 with errno of the first failure.
 */
int store_unpublish(const struct store *st, const char *token);

/*
 * Removes every file of token: the original (any extension in
 * orig_suffixes, a NULL-terminated list such as {".jpg", ".png", ".webp",
 * NULL}; NULL means those and ".heic", ".avif"), the priv/ and pub/
 * derivatives.  For clean-up after a failed database insert.  Missing files are
 * fine; it tries them all.  Returns 0, or -1 with errno of the first failure.
 */
int store_remove_all(const struct store *st, const char *token,
                     const char *const *orig_suffixes);

/*
 * Removes area's file <token><suffix> (a certificate's, say: issue 16);
 * a missing file is fine.  Returns 0, or -1 with errno set.
 */
int store_remove(const struct store *st, enum store_area area,
                 const char *token, const char *suffix);

/*
 * Removes regular files in tmp/ whose mtime is older than max_age seconds
 * (writes that died half way).  Returns the number removed, or -1 with
 * errno set.
 */
int store_sweep_tmp(const struct store *st, long max_age);

/* How store_sweep_orphans() decides and reports. */
struct store_sweep {
	long min_age; /* seconds: younger files may be uploads in flight */
	int  dry_run; /* report only */
	/* 1 when token has a row (keep its files), 0 when not, -1: stop. */
	int (*known)(void *ctx, const char *token);
	/* Called for each orphan before it is removed; may be NULL. */
	void (*report)(void *ctx, const char *token, const char *file);
	void *ctx;
};

struct store_sweep_stats {
	unsigned long      files;   /* regular files looked at */
	unsigned long      orphans; /* old enough and without a row */
	unsigned long      removed;
	unsigned long long bytes; /* of the orphans */
};

/*
 * Removes the files of orig/, priv/ and pub/ whose token has no row (as
 * sw->known says) and that are older than sw->min_age: what a crash or a
 * lost database left between writing a file and committing its row.
 * Files whose name is not a token are never touched.  Returns 0 with the
 * counts in *out, or -1 (a directory could not be read, or known failed).
 */
int store_sweep_orphans(const struct store *st, const struct store_sweep *sw,
                        struct store_sweep_stats *out);

/*
 * The object interface every media backend offers (issue 18).  An object
 * is named by a key "<area>/ab/cd/<token><suffix>" (store_path's form).
 * put_file stores the whole content of the local file src_fd (read from
 * offset 0) atomically: a reader sees the old object, the new one or
 * none, never part of one.  del removes (a missing object is success),
 * exists answers 1, 0 or -1, list fills one page of keys that start with
 * prefix and sort (bytewise) after `after` ("" for the first page).  All
 * return 0 or -1 with errno set unless said otherwise.
 */
#define STORE_KEYS_PAGE 64

struct store_keys {
	char      key[STORE_KEYS_PAGE][STORE_PATH_MAX];
	long long size[STORE_KEYS_PAGE];  /* bytes, -1 unknown */
	long long mtime[STORE_KEYS_PAGE]; /* epoch seconds, -1 unknown */
	size_t    n;
	int       truncated; /* 1: ask again with after = key[n - 1] */
};

struct store_backend {
	const char *name; /* "local", "s3" */
	void       *ctx;
	int (*put_file)(void *ctx, const char *key, int src_fd);
	int (*del)(void *ctx, const char *key);
	int (*exists)(void *ctx, const char *key);
	int (*list)(void *ctx, const char *prefix, const char *after,
	            struct store_keys *page);
	/* Needed by a remote backend (struct store's remote), NULL for the
	 * local one: put len bytes atomically; get the whole object into a
	 * malloc'd buffer (EFBIG past max bytes, ENOENT when missing); copy
	 * object from to object to (ENOENT when from is missing).  Errors
	 * set errno; EAGAIN means the service is unreachable or failing
	 * (a 5xx): try again later. */
	int (*put)(void *ctx, const char *key, const void *data, size_t len);
	int (*get)(void *ctx, const char *key, size_t max, unsigned char **data,
	           size_t *len);
	int (*copy)(void *ctx, const char *from, const char *to);
};

/*
 * Splits key into its area, token and suffix (suffix: at least
 * STORE_SUFFIX_MAX + 1 bytes).  Returns 0, or -1 with errno EINVAL when key
 * is not exactly a name store_path() would build.
 */
int store_key_parse(const char *key, enum store_area *area,
                    char token[STORE_TOKEN_LEN + 1], char *suffix);

/*
 * Fills be with the local filesystem backend over the open store st (the
 * default).  Its put_file writes a temp file in the root's tmp/, fsyncs
 * it, renames it into place and fsyncs the directory: on NFS that needs
 * the whole root on one export (rename is atomic only within one), close-
 * to-open consistency and no "async" export option, or fsync lies.
 */
void store_backend_local(struct store_backend *be, struct store *st);

/*
 * store_sweep_orphans over any backend: pages through be's keys, removing
 * (be->del) those whose token sw->known does not know and that are older
 * than sw->min_age; keys whose age is unknown are kept.  Returns 0 with
 * the counts in *out, or -1 (a listing or known failed).
 */
int store_sweep_backend(const struct store_backend *be,
                        const struct store_sweep   *sw,
                        struct store_sweep_stats   *out);

#endif
