/*
 * store_s3.c: the store's object operations over S3's REST API with
 * libcurl.  Each request carries the SHA-256 of its body in
 * x-amz-content-sha256 and is signed with SigV4 by libcurl; the service
 * checks both, so a body cut short is refused, never stored.  Failures
 * map to errno: ENOENT (404), EACCES (403), EAGAIN (no connection, a
 * time-out or a 5xx: the service is away), EIO (anything else).
 */
#include "store_s3.h"

#include <curl/curl.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "s3list.h"

#define S3_URL_MAX    2048
#define S3_ERR_MAX    (64 * 1024) /* an error or listing body we read */
#define S3_LIST_MAX   (1024 * 1024)
#define S3_CONNECT_MS 5000L

struct s3 {
	char        endpoint[512]; /* scheme://host[:port], no slash */
	const char *scheme_end;    /* into endpoint: after "://" */
	const char *bucket, *pub_bucket, *key_id, *secret;
	char        sigv4[160]; /* "aws:amz:REGION:s3" */
	int         path_style;
	long        timeout_ms;
	CURL       *h;      /* this process's handle (connections reused) */
	pid_t       pid;    /* whose handle it is */
	int sign_expect_ok; /* libcurl >= 8.3.0: "Expect:" is not signed */
};

static struct s3 s3_one;

/* A growing response body, refused past max bytes. */
struct s3_buf {
	unsigned char *p;
	size_t         len, cap, max;
	int            over;
};

static size_t
s3_write_cb(char *data, size_t sz, size_t nm, void *ud)
{
	struct s3_buf *b = ud;
	size_t         n = sz * nm;

	if (b->len + n > b->max) {
		b->over = 1;
		return 0; /* curl stops: CURLE_WRITE_ERROR */
	}
	if (b->len + n + 1 > b->cap) {
		size_t         cap = (b->len + n + 1) * 2;
		unsigned char *p;

		if (cap > b->max + 1)
			cap = b->max + 1;
		if ((p = realloc(b->p, cap)) == NULL)
			return 0;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

/* The bucket of key: pub/ in the public one, the rest in the private. */
static const char *
s3_bucket_of(const struct s3 *s, const char *key)
{
	return strncmp(key, "pub/", 4) == 0 ? s->pub_bucket : s->bucket;
}

/* The URL of bucket's object key (NULL key: the bucket), then ?query. */
static int
s3_url(const struct s3 *s, const char *bucket, const char *key,
       const char *query, char *out, size_t outsz)
{
	int n;

	if (s->path_style)
		n = snprintf(out, outsz, "%s/%s/%s%s%s", s->endpoint, bucket,
		             key ? key : "", query ? "?" : "",
		             query ? query : "");
	else
		n = snprintf(out, outsz, "%.*s%s.%s/%s%s%s",
		             (int)(s->scheme_end - s->endpoint), s->endpoint,
		             bucket, s->scheme_end, key ? key : "",
		             query ? "?" : "", query ? query : "");
	if (n < 0 || (size_t)n >= outsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* The Content-Type an object of key is stored with (nginx passes it on). */
static const char *
s3_ctype(const char *key)
{
	const char *dot = strrchr(key, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcmp(dot, ".jpg") == 0)
		return "image/jpeg";
	if (strcmp(dot, ".webp") == 0)
		return "image/webp";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	if (strcmp(dot, ".heic") == 0)
		return "image/heic";
	if (strcmp(dot, ".avif") == 0)
		return "image/avif";
	if (strcmp(dot, ".pdf") == 0)
		return "application/pdf";
	return "application/octet-stream";
}

/* This process's curl handle, made after a fork (never shared). */
static CURL *
s3_handle(struct s3 *s)
{
	pid_t me = getpid();

	if (s->h != NULL && s->pid == me) {
		curl_easy_reset(s->h);
		return s->h;
	}
	/* A handle inherited from the parent is left alone: its
	 * connections are the parent's. */
	s->h = curl_easy_init();
	s->pid = me;
	return s->h;
}

struct s3_call {
	const char    *method; /* GET PUT DELETE HEAD */
	const char    *bucket, *key, *query;
	const void    *body; /* PUT: the object */
	size_t         blen;
	const char    *copy_from; /* PUT: x-amz-copy-source */
	struct s3_buf *out;       /* the response body (may be NULL) */
	long           status;
};

/* Performs c; 0 with c->status set, or -1 with errno EAGAIN (no answer),
 * EFBIG (the body is over out->max) or ENOMEM. */
static int
s3_perform(struct s3 *s, struct s3_call *c)
{
	unsigned char      sha[crypto_hash_sha256_BYTES];
	char               hex[2 * sizeof(sha) + 1], url[S3_URL_MAX];
	char               hsha[128], hct[96], hcopy[STORE_PATH_MAX + 96];
	struct curl_slist *hl = NULL, *t;
	struct s3_buf      sink = {.max = S3_ERR_MAX};
	CURL              *h;
	CURLcode           cc;
	int                rc = 0;

	if (s3_url(s, c->bucket, c->key, c->query, url, sizeof(url)) < 0)
		return -1;
	if ((h = s3_handle(s)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	crypto_hash_sha256(sha, c->body ? c->body : (const void *)"",
	                   c->body ? c->blen : 0);
	sodium_bin2hex(hex, sizeof(hex), sha, sizeof(sha));
	snprintf(hsha, sizeof(hsha), "x-amz-content-sha256: %s", hex);
	hl = curl_slist_append(hl, hsha);
	if (strcmp(c->method, "PUT") == 0) {
		snprintf(hct, sizeof(hct), "Content-Type: %s",
		         s3_ctype(c->key));
		if ((t = curl_slist_append(hl, hct)) != NULL)
			hl = t;
		/* "Expect:" (no 100-continue round trip) only where libcurl
		 * leaves it out of the signature: before 8.3.0 its SigV4 lists
		 * "expect" in SignedHeaders though it sends no such header,
		 * and S3 refuses the request (curl issue 11664, fixed by
		 * curl PR 11668).  Older ones send their own unsigned
		 * "Expect: 100-continue" for bodies over 1 MB. */
		if (s->sign_expect_ok &&
		    (t = curl_slist_append(hl, "Expect:")) != NULL)
			hl = t;
		if (c->copy_from != NULL) {
			snprintf(hcopy, sizeof(hcopy),
			         "x-amz-copy-source: /%s/%s",
			         s3_bucket_of(s, c->copy_from), c->copy_from);
			if ((t = curl_slist_append(hl, hcopy)) != NULL)
				hl = t;
		}
	}
	if (hl == NULL) {
		errno = ENOMEM;
		return -1;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_AWS_SIGV4, s->sigv4);
	curl_easy_setopt(h, CURLOPT_USERNAME, s->key_id);
	curl_easy_setopt(h, CURLOPT_PASSWORD, s->secret);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, s->timeout_ms);
	/* A service that does not even accept the connection is away: say
	 * so within seconds, not after the whole time-out. */
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
	                 s->timeout_ms < S3_CONNECT_MS ? s->timeout_ms
	                                               : S3_CONNECT_MS);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, s3_write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c->out ? c->out : &sink);
	if (strcmp(c->method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else if (strcmp(c->method, "PUT") == 0) {
		/* The body from memory: curl sends Content-Length and S3
		 * stores nothing unless all of it arrived. */
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)(c->body ? c->blen : 0));
		curl_easy_setopt(h, CURLOPT_POSTFIELDS,
		                 c->body ? c->body : (const void *)"");
	} else if (strcmp(c->method, "DELETE") == 0)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
	cc = curl_easy_perform(h);
	curl_slist_free_all(hl);
	if (cc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &c->status);
	else if (c->out != NULL && c->out->over) {
		errno = EFBIG;
		rc = -1;
	} else {
		log_msg("warn", "s3 %s %s: %s", c->method, url,
		        curl_easy_strerror(cc));
		errno = EAGAIN;
		rc = -1;
	}
	if (rc == 0 && (c->status >= 500 || c->status == 0)) {
		log_msg("warn", "s3 %s %s: HTTP %ld", c->method, url,
		        c->status);
		errno = EAGAIN;
		rc = -1;
	}
	free(sink.p);
	return rc;
}

/* errno for a 4xx answer. */
static int
s3_fail(long status)
{
	errno = status == 404 ? ENOENT : status == 403 ? EACCES : EIO;
	return -1;
}

static int
s3_put(void *ctx, const char *key, const void *data, size_t len)
{
	struct s3_call c = {.method = "PUT",
	                    .bucket = s3_bucket_of(ctx, key),
	                    .key = key,
	                    .body = data,
	                    .blen = len};

	if (s3_perform(ctx, &c) < 0)
		return -1;
	return c.status / 100 == 2 ? 0 : s3_fail(c.status);
}

static int
s3_put_file(void *ctx, const char *key, int src_fd)
{
	struct stat    sb;
	unsigned char *b;
	size_t         got = 0;
	int            rc, save;

	if (fstat(src_fd, &sb) < 0)
		return -1;
	if ((b = malloc((size_t)sb.st_size + 1)) == NULL)
		return -1;
	while (got < (size_t)sb.st_size) {
		ssize_t n = pread(src_fd, b + got, (size_t)sb.st_size - got,
		                  (off_t)got);
		if (n <= 0) {
			save = n == 0 ? EIO : errno;
			free(b);
			errno = save;
			return -1;
		}
		got += (size_t)n;
	}
	rc = s3_put(ctx, key, b, got);
	save = errno;
	free(b);
	errno = save;
	return rc;
}

static int
s3_get(void *ctx, const char *key, size_t max, unsigned char **data,
       size_t *len)
{
	struct s3_buf  b = {.max = max};
	struct s3_call c = {.method = "GET",
	                    .bucket = s3_bucket_of(ctx, key),
	                    .key = key,
	                    .out = &b};

	*data = NULL;
	*len = 0;
	if (s3_perform(ctx, &c) < 0 || c.status != 200) {
		int save = c.status != 0 && c.status != 200
		               ? (s3_fail(c.status), errno)
		               : errno;

		free(b.p);
		errno = save;
		return -1;
	}
	if (b.p == NULL && (b.p = malloc(1)) == NULL)
		return -1;
	*data = b.p;
	*len = b.len;
	return 0;
}

static int
s3_exists(void *ctx, const char *key)
{
	struct s3_call c = {
	    .method = "HEAD", .bucket = s3_bucket_of(ctx, key), .key = key};

	if (s3_perform(ctx, &c) < 0)
		return -1;
	if (c.status == 200)
		return 1;
	if (c.status == 404)
		return 0;
	return s3_fail(c.status);
}

static int
s3_del(void *ctx, const char *key)
{
	struct s3_call c = {
	    .method = "DELETE", .bucket = s3_bucket_of(ctx, key), .key = key};

	if (s3_perform(ctx, &c) < 0)
		return -1;
	/* 204; a missing object is success, as for unlink(ENOENT). */
	return c.status / 100 == 2 || c.status == 404 ? 0 : s3_fail(c.status);
}

static int
s3_copy(void *ctx, const char *from, const char *to)
{
	struct s3_buf  b = {.max = S3_ERR_MAX};
	struct s3_call c = {.method = "PUT",
	                    .bucket = s3_bucket_of(ctx, to),
	                    .key = to,
	                    .copy_from = from,
	                    .out = &b};
	int            rc;

	if (s3_perform(ctx, &c) < 0) {
		int save = errno;

		free(b.p);
		errno = save;
		return -1;
	}
	/* A copy can fail after its 200 started: the body says so. */
	if (c.status == 200 && b.p != NULL &&
	    strstr((const char *)b.p, "<Error>") != NULL) {
		errno = EAGAIN;
		rc = -1;
	} else
		rc = c.status == 200 ? 0 : s3_fail(c.status);
	free(b.p);
	return rc;
}

/* Appends "name=escaped(value)&" to q (size qsz); 0 or -1. */
static int
q_add(CURL *h, char *q, size_t qsz, const char *name, const char *value)
{
	char  *e = curl_easy_escape(h, value, 0);
	size_t n = strlen(q);
	int    w;

	if (e == NULL)
		return -1;
	w = snprintf(q + n, qsz - n, "%s%s=%s", n ? "&" : "", name, e);
	curl_free(e);
	if (w < 0 || (size_t)w >= qsz - n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * One ListObjectsV2 call on bucket: keys with prefix after `after` (or
 * from the continuation token when tok is not ""), at most max.  Appends
 * the media keys to page; *more and tok tell whether more follow.
 */
static int
s3_list_call(struct s3 *s, const char *bucket, const char *prefix,
             const char *after, char *tok, size_t max, struct store_keys *page,
             int *more)
{
	char               q[S3_URL_MAX] = "", num[16];
	struct s3_buf      b = {.max = S3_LIST_MAX};
	struct s3_call     c = {.method = "GET",
	                        .bucket = bucket,
	                        .key = NULL,
	                        .query = q,
	                        .out = &b};
	struct store_keys *one;
	CURL              *h = s3_handle(s);
	int                rc = -1;

	if (h == NULL)
		return -1;
	/* In the canonical order of SigV4: sorted by name. */
	snprintf(num, sizeof(num), "%zu", max);
	if ((tok[0] != '\0' &&
	     q_add(h, q, sizeof(q), "continuation-token", tok) < 0) ||
	    q_add(h, q, sizeof(q), "list-type", "2") < 0 ||
	    q_add(h, q, sizeof(q), "max-keys", num) < 0 ||
	    (prefix[0] != '\0' &&
	     q_add(h, q, sizeof(q), "prefix", prefix) < 0) ||
	    (tok[0] == '\0' && after[0] != '\0' &&
	     q_add(h, q, sizeof(q), "start-after", after) < 0))
		return -1;
	if ((one = malloc(sizeof(*one))) == NULL)
		return -1;
	if (s3_perform(s, &c) < 0)
		goto out;
	if (c.status != 200) {
		s3_fail(c.status);
		goto out;
	}
	if (s3list_parse(b.p ? (const char *)b.p : "", b.len, one, tok,
	                 S3LIST_TOKEN_MAX) < 0)
		goto out;
	for (size_t i = 0; i < one->n && page->n < STORE_KEYS_PAGE; i++) {
		memcpy(page->key[page->n], one->key[i], STORE_PATH_MAX);
		page->size[page->n] = one->size[i];
		page->mtime[page->n] = one->mtime[i];
		page->n++;
	}
	*more = one->truncated;
	rc = 0;
out:
	free(one);
	free(b.p);
	return rc;
}

/*
 * A page of keys after `after`: the private bucket's (orig/, priv/)
 * first, then the public bucket's pub/ when it is another bucket, so the
 * keys come in one bytewise order across both.
 */
static int
s3_list(void *ctx, const char *prefix, const char *after,
        struct store_keys *page)
{
	struct s3 *s = ctx;
	char      *tok = malloc(S3LIST_TOKEN_MAX);
	int        two = strcmp(s->bucket, s->pub_bucket) != 0;
	int        pub = two && strcmp(after, "pub/") >= 0;
	int        more = 0, rc = 0;

	if (tok == NULL)
		return -1;
	tok[0] = '\0';
	page->n = 0;
	page->truncated = 0;
	for (;;) {
		const char *b = pub ? s->pub_bucket : s->bucket;
		const char *p =
		    pub && two && prefix[0] == '\0' ? "pub/" : prefix;

		if (s3_list_call(s, b, p, after, tok, STORE_KEYS_PAGE - page->n,
		                 page, &more) < 0) {
			rc = -1;
			break;
		}
		if (more && page->n < STORE_KEYS_PAGE)
			continue; /* foreign keys were skipped: go on */
		if (more) {
			page->truncated = 1;
			break;
		}
		tok[0] = '\0';
		if (pub || !two)
			break;
		pub = 1; /* the private bucket is done: the public one */
		if (page->n == STORE_KEYS_PAGE) {
			page->truncated = 1;
			break;
		}
	}
	free(tok);
	return rc;
}

int
store_backend_s3(struct store_backend *be, const struct config *cfg)
{
	struct s3  *s = &s3_one;
	const char *se;
	size_t      n;

	if (!cfg->storage_s3 || cfg->s3_secret == NULL)
		return -1;
	n = strlen(cfg->s3_endpoint);
	while (n > 0 && cfg->s3_endpoint[n - 1] == '/')
		n--;
	if (n >= sizeof(s->endpoint) ||
	    (se = strstr(cfg->s3_endpoint, "://")) == NULL)
		return -1;
	memcpy(s->endpoint, cfg->s3_endpoint, n);
	s->endpoint[n] = '\0';
	s->scheme_end = s->endpoint + (se - cfg->s3_endpoint) + 3;
	s->bucket = cfg->s3_bucket;
	s->pub_bucket = cfg->s3_public_bucket;
	s->key_id = cfg->s3_key_id;
	s->secret = cfg->s3_secret;
	s->path_style = cfg->s3_path_style;
	s->timeout_ms = cfg->s3_timeout_ms;
	snprintf(s->sigv4, sizeof(s->sigv4), "aws:amz:%s:s3", cfg->s3_region);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	s->sign_expect_ok =
	    curl_version_info(CURLVERSION_NOW)->version_num >= 0x080300;
	*be = (struct store_backend){.name = "s3",
	                             .ctx = s,
	                             .put_file = s3_put_file,
	                             .del = s3_del,
	                             .exists = s3_exists,
	                             .list = s3_list,
	                             .put = s3_put,
	                             .get = s3_get,
	                             .copy = s3_copy};
	return 0;
}

int
store_s3_attach(struct store *st, const struct config *cfg)
{
	static struct store_backend be;

	if (!cfg->storage_s3)
		return 0;
	if (store_backend_s3(&be, cfg) < 0)
		return -1;
	st->remote = &be;
	return 0;
}
