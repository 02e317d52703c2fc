/*
 * test_store.c: tests of cgi/store.c in a fresh temporary media root:
 * tokens, path building and its refusals, atomic writes, publish and
 * unpublish (idempotent), clean-up after a failed insert, and the sweep of
 * stale temp files.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "store.h"
#include "unit.h"

static char root[PATH_MAX];

/* 1 when root/rel exists as a regular file with the given content. */
static int
has_file(const char *rel, const char *want)
{
	char   path[PATH_MAX + 128], got[64];
	FILE  *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	n = fread(got, 1, sizeof(got) - 1, f);
	fclose(f);
	got[n] = '\0';
	return want == NULL || strcmp(got, want) == 0;
}

static int
count_tmp(void)
{
	char  cmd[PATH_MAX + 128];
	FILE *p;
	int   n = -1;

	/* The slot files live there for good; count the rest. */
	snprintf(cmd, sizeof(cmd),
	         "ls -A '%s/tmp' | grep -vx -e '" STORE_DECODE_SLOTS
	         "' -e '" STORE_HASH_SLOTS "' | wc -l",
	         root);
	if ((p = popen(cmd, "r")) != NULL) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

static void
test_tokens_paths(void)
{
	static const struct {
		const char *token, *suffix;
		int         ok;
		const char *path;
	} cases[] = {
	    {"0123456789abcdef0123456789abcdef", "_t400.jpg", 1,
	     "priv/01/23/0123456789abcdef0123456789abcdef_t400.jpg"},
	    {"0123456789abcdef0123456789abcdef", ".webp", 1,
	     "priv/01/23/0123456789abcdef0123456789abcdef.webp"},
	    {"0123456789ABCDEF0123456789abcdef", ".jpg", 0, NULL},
	    {"0123456789abcdef0123456789abcde", ".jpg", 0, NULL},
	    {"0123456789abcdef0123456789abcdef0", ".jpg", 0, NULL},
	    {"../3456789abcdef0123456789abcdef", ".jpg", 0, NULL},
	    {"0123456789abcdef0123456789abcdef", "/../x", 0, NULL},
	    {"0123456789abcdef0123456789abcdef", "..jpg", 0, NULL},
	    {"0123456789abcdef0123456789abcdef", "_averyveryverylong.jpg", 0,
	     NULL},
	    {NULL, ".jpg", 0, NULL},
	};
	char   tok[STORE_TOKEN_LEN + 1], tok2[STORE_TOKEN_LEN + 1];
	char   out[STORE_PATH_MAX];
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		int rc = store_path(STORE_PRIV, cases[i].token, cases[i].suffix,
		                    out, sizeof(out));
		UNIT_CHECK((rc == 0) == cases[i].ok, "store_path row %zu: %d",
		           i, rc);
		if (rc == 0 && cases[i].path != NULL)
			UNIT_CHECK(strcmp(out, cases[i].path) == 0,
			           "row %zu: %s", i, out);
		if (rc < 0)
			UNIT_CHECK(errno == EINVAL, "row %zu errno %d", i,
			           errno);
	}
	UNIT_CHECK(store_path(STORE_PRIV, cases[0].token, ".jpg", out, 10) ==
	                   -1 &&
	               errno == ENAMETOOLONG,
	           "short buffer");
	UNIT_CHECK(store_url(cases[0].token, "_t400.jpg", out, sizeof(out)) ==
	                   0 &&
	               strcmp(out, "/media/01/23/0123456789abcdef0123456789"
	                           "abcdef_t400.jpg") == 0,
	           "url %s", out);
	store_token_new(tok);
	store_token_new(tok2);
	UNIT_CHECK(store_token_valid(tok) && strlen(tok) == 32, "token %s",
	           tok);
	UNIT_CHECK(strcmp(tok, tok2) != 0, "two tokens differ");
	UNIT_CHECK(
	    strcmp(store_deriv_suffix(STORE_D1600_WEBP), "_d1600.webp") == 0 &&
	        store_deriv_suffix(STORE_DERIV__MAX) == NULL,
	    "suffix table");
}

static void
test_lifecycle(void)
{
	struct store st;
	char         tok[STORE_TOKEN_LEN + 1], rel[STORE_PATH_MAX];
	char         pub[STORE_PATH_MAX + 8];
	int          i;

	if (!UNIT_CHECK(store_open(&st, root) == 0, "store_open: %s",
	                strerror(errno)))
		return;
	store_token_new(tok);
	UNIT_CHECK(store_write(&st, STORE_ORIG, tok, ".jpg", "original", 8) ==
	               0,
	           "write original");
	for (i = 0; i < STORE_DERIV__MAX; i++)
		UNIT_CHECK(store_write(&st, STORE_PRIV, tok,
		                       store_deriv_suffix((enum store_deriv)i),
		                       "deriv", 5) == 0,
		           "write deriv %d", i);
	store_path(STORE_ORIG, tok, ".jpg", rel, sizeof(rel));
	UNIT_CHECK(has_file(rel, "original"), "original in place: %s", rel);
	store_path(STORE_PRIV, tok, "_t400.jpg", rel, sizeof(rel));
	UNIT_CHECK(has_file(rel, "deriv"), "derivative in priv/");
	store_path(STORE_PUB, tok, "_t400.jpg", pub, sizeof(pub));
	UNIT_CHECK(!has_file(pub, NULL), "not public before publish");
	UNIT_CHECK(store_exists(&st, STORE_ORIG, tok, ".jpg") == 1 &&
	               store_exists(&st, STORE_PRIV, tok, "_t400.jpg") == 1,
	           "store_exists: written files");
	UNIT_CHECK(store_exists(&st, STORE_PUB, tok, "_t400.jpg") == 0 &&
	               store_exists(&st, STORE_ORIG, tok, ".png") == 0,
	           "store_exists: missing files");
	UNIT_CHECK(store_exists(&st, STORE_ORIG, "../x", ".jpg") == -1 &&
	               errno == EINVAL,
	           "store_exists: bad token refused");
	UNIT_CHECK(count_tmp() == 0, "no temp file left: %d", count_tmp());

	/* Overwrite is atomic and complete. */
	UNIT_CHECK(
	    store_write(&st, STORE_PRIV, tok, "_t400.jpg", "second", 6) == 0,
	    "overwrite");
	UNIT_CHECK(has_file(rel, "second"), "overwritten content");

	UNIT_CHECK(store_publish(&st, tok) == 0, "publish: %s",
	           strerror(errno));
	UNIT_CHECK(has_file(pub, "second"), "public after publish");
	UNIT_CHECK(store_publish(&st, tok) == 0, "publish twice");
	/* A changed derivative replaces the older public link. */
	UNIT_CHECK(store_write(&st, STORE_PRIV, tok, "_t400.jpg", "third", 5) ==
	               0,
	           "rewrite");
	UNIT_CHECK(store_publish(&st, tok) == 0 && has_file(pub, "third"),
	           "republish replaces");
	UNIT_CHECK(store_unpublish(&st, tok) == 0, "unpublish");
	UNIT_CHECK(!has_file(pub, NULL), "gone from pub/");
	UNIT_CHECK(has_file(rel, "third"), "still in priv/");
	UNIT_CHECK(store_unpublish(&st, tok) == 0, "unpublish twice");

	UNIT_CHECK(store_publish(&st, tok) == 0, "publish again");
	UNIT_CHECK(store_remove_all(&st, tok, NULL) == 0, "remove_all");
	UNIT_CHECK(!has_file(pub, NULL) && !has_file(rel, NULL),
	           "derivatives removed");
	store_path(STORE_ORIG, tok, ".jpg", rel, sizeof(rel));
	UNIT_CHECK(!has_file(rel, NULL), "original removed");
	UNIT_CHECK(store_remove_all(&st, tok, NULL) == 0, "remove twice");

	/* A phone's original keeps its type's suffix and goes with the rest. */
	UNIT_CHECK(strcmp(store_orig_suffix("image/heic"), ".heic") == 0 &&
	               strcmp(store_orig_suffix("image/avif"), ".avif") == 0,
	           "HEIC and AVIF suffixes");
	for (i = 0; i < 2; i++) {
		const char *sfx = i == 0 ? ".heic" : ".avif";

		UNIT_CHECK(store_write(&st, STORE_ORIG, tok, sfx, "phone", 5) ==
		               0,
		           "write %s original", sfx);
		UNIT_CHECK(store_remove_all(&st, tok, NULL) == 0,
		           "remove_all %s", sfx);
		store_path(STORE_ORIG, tok, sfx, rel, sizeof(rel));
		UNIT_CHECK(!has_file(rel, NULL), "%s original removed", sfx);
	}

	/* Refusals. */
	UNIT_CHECK(store_write(&st, STORE_PRIV, "nope", ".jpg", "x", 1) == -1 &&
	               errno == EINVAL,
	           "bad token refused");
	UNIT_CHECK(store_write(&st, STORE_AREA__MAX, tok, ".jpg", "x", 1) ==
	                   -1 &&
	               errno == EINVAL,
	           "bad area refused");
	UNIT_CHECK(store_publish(&st, "../../etc") == -1 && errno == EINVAL,
	           "bad token publish");
	UNIT_CHECK(store_write(&st, STORE_ORIG, tok, ".png", "", 0) == 0,
	           "empty file");
	UNIT_CHECK(store_remove_all(&st, tok, NULL) == 0, "clean empty");

	/* Sweep: an old temp file goes, a fresh one stays. */
	{
		char           path[PATH_MAX + 64];
		struct timeval tv[2];
		int            fd;

		snprintf(path, sizeof(path), "%s/tmp/old.tmp", root);
		fd = open(path, O_WRONLY | O_CREAT, 0600);
		if (fd >= 0)
			close(fd);
		gettimeofday(&tv[0], NULL);
		tv[0].tv_sec -= 7200;
		tv[1] = tv[0];
		UNIT_CHECK(utimes(path, tv) == 0, "utimes");
		snprintf(path, sizeof(path), "%s/tmp/new.tmp", root);
		fd = open(path, O_WRONLY | O_CREAT, 0600);
		if (fd >= 0)
			close(fd);
		UNIT_CHECK(store_sweep_tmp(&st, 3600) == 1,
		           "sweep removes one");
		UNIT_CHECK(count_tmp() == 1, "fresh temp file kept");
		UNIT_CHECK(store_sweep_tmp(&st, 0) == 1, "sweep all");
	}
	store_close(&st);
	store_close(&st); /* twice is safe */

	/* Opening an existing root again works; a file as root does not. */
	UNIT_CHECK(store_open(&st, root) == 0, "reopen");
	store_close(&st);
	{
		char path[PATH_MAX + 64];
		int  fd;

		snprintf(path, sizeof(path), "%s/afile", root);
		fd = open(path, O_WRONLY | O_CREAT, 0600);
		if (fd >= 0)
			close(fd);
		UNIT_CHECK(store_open(&st, path) == -1 && errno == ENOTDIR,
		           "root is a file: errno %d", errno);
	}
}

/* The backend interface over the local store: keys, put from a file,
 * exists, delete, and a listing that pages in key order. */
static void
test_backend_local(void)
{
	struct store         st;
	struct store_backend be;
	struct store_keys   *page;
	enum store_area      area;
	char                 tok[STORE_TOKEN_LEN + 1], t2[STORE_TOKEN_LEN + 1];
	char sfx[STORE_SUFFIX_MAX + 1], key[STORE_PATH_MAX], src[PATH_MAX + 16];
	char after[STORE_PATH_MAX] = "", prev[STORE_PATH_MAX] = "";
	int  fd, i, seen = 0, pages = 0;

	UNIT_CHECK(store_key_parse(
	               "pub/ab/cd/abcd0000000000000000000000000000_t400.jpg",
	               &area, tok, sfx) == 0 &&
	               area == STORE_PUB && strcmp(sfx, "_t400.jpg") == 0 &&
	               strcmp(tok, "abcd0000000000000000000000000000") == 0,
	           "key_parse: a derivative key");
	UNIT_CHECK(
	    store_key_parse("pub/ab/ce/abcd0000000000000000000000000000.jpg",
	                    &area, tok, sfx) == -1 &&
	        errno == EINVAL,
	    "key_parse: fan-out must match the token");
	UNIT_CHECK(
	    store_key_parse("tmp/ab/cd/abcd0000000000000000000000000000.jpg",
	                    &area, tok, sfx) == -1,
	    "key_parse: tmp/ is no area");
	UNIT_CHECK(
	    store_key_parse("orig/ab/cd/abcd0000000000000000000000000000/../x",
	                    &area, tok, sfx) == -1,
	    "key_parse: no path tricks");
	UNIT_CHECK(store_key_parse("orig", &area, tok, sfx) == -1 &&
	               store_key_parse(NULL, &area, tok, sfx) == -1,
	           "key_parse: short keys");

	if (!UNIT_CHECK(store_open(&st, root) == 0, "store_open"))
		return;
	store_backend_local(&be, &st);
	snprintf(src, sizeof(src), "%s/../src", root);
	fd = open(src, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (!UNIT_CHECK(fd >= 0 && write(fd, "object", 6) == 6, "source file"))
		return;
	store_token_new(tok);
	store_path(STORE_ORIG, tok, ".jpg", key, sizeof(key));
	UNIT_CHECK(be.exists(be.ctx, key) == 0, "not there before put");
	UNIT_CHECK(be.put_file(be.ctx, key, fd) == 0, "put_file: %s",
	           strerror(errno));
	UNIT_CHECK(has_file(key, "object"), "put_file wrote it whole");
	UNIT_CHECK(be.exists(be.ctx, key) == 1, "exists after put");
	UNIT_CHECK(count_tmp() == 0, "no temp file left after put");
	UNIT_CHECK(be.put_file(be.ctx, "orig/../../etc/passwd", fd) == -1 &&
	               errno == EINVAL,
	           "put_file refuses a bad key");
	UNIT_CHECK(be.del(be.ctx, key) == 0 && be.exists(be.ctx, key) == 0 &&
	               be.del(be.ctx, key) == 0,
	           "delete, then delete again");

	/* 150 objects: three pages, every key once, in order. */
	for (i = 0; i < 150; i++) {
		store_token_new(t2);
		store_write(&st, STORE_PRIV, t2, "_t400.jpg", "d", 1);
	}
	store_write(&st, STORE_PUB, t2, "_t400.jpg", "d", 1);
	if ((page = malloc(sizeof(*page))) == NULL)
		return;
	do {
		size_t k;

		if (!UNIT_CHECK(be.list(be.ctx, "priv/", after, page) == 0,
		                "list"))
			break;
		for (k = 0; k < page->n; k++) {
			UNIT_CHECK(strcmp(page->key[k], prev) > 0 &&
			               strncmp(page->key[k], "priv/", 5) == 0,
			           "keys in order, under the prefix: %s",
			           page->key[k]);
			UNIT_CHECK(page->size[k] == 1 && page->mtime[k] > 0,
			           "size and mtime listed");
			snprintf(prev, sizeof(prev), "%s", page->key[k]);
			seen++;
		}
		if (page->n > 0)
			snprintf(after, sizeof(after), "%s",
			         page->key[page->n - 1]);
		pages++;
	} while (page->truncated && pages < 10);
	UNIT_CHECK_INT(seen, 150, "listed priv/ keys");
	UNIT_CHECK_INT(pages, 3, "pages");
	UNIT_CHECK(be.list(be.ctx, "pub/", "", page) == 0 && page->n == 1 &&
	               !page->truncated,
	           "pub/ listed apart");
	free(page);
	close(fd);
	unlink(src);
	store_close(&st);
}

static char kept_token[STORE_TOKEN_LEN + 1];

static int
known_one(void *ctx, const char *token)
{
	(void)ctx;
	return strcmp(token, kept_token) == 0;
}

/* The sweep over the backend: a known token's files stay, an orphan's go
 * (all areas), young files stay whatever their row. */
static void
test_sweep_backend(void)
{
	struct store             st;
	struct store_backend     be;
	struct store_sweep       sw = {0};
	struct store_sweep_stats out;
	char orphan[STORE_TOKEN_LEN + 1], rel[STORE_PATH_MAX];

	if (!UNIT_CHECK(store_open(&st, root) == 0, "store_open"))
		return;
	store_backend_local(&be, &st);
	store_token_new(kept_token);
	store_token_new(orphan);
	store_write(&st, STORE_ORIG, kept_token, ".jpg", "k", 1);
	store_write(&st, STORE_ORIG, orphan, ".jpg", "o", 1);
	store_write(&st, STORE_PRIV, orphan, "_t400.jpg", "o", 1);
	sw.known = known_one;
	sw.min_age = 3600; /* everything is young */
	UNIT_CHECK(store_sweep_backend(&be, &sw, &out) == 0 && out.removed == 0,
	           "young files stay");
	sw.min_age = -1;
	sw.dry_run = 1;
	UNIT_CHECK(store_sweep_backend(&be, &sw, &out) == 0 &&
	               out.orphans >= 2 && out.removed == 0,
	           "dry run removes nothing");
	sw.dry_run = 0;
	UNIT_CHECK(store_sweep_backend(&be, &sw, &out) == 0 && out.removed >= 2,
	           "orphans removed: %lu", out.removed);
	store_path(STORE_ORIG, orphan, ".jpg", rel, sizeof(rel));
	UNIT_CHECK(!has_file(rel, NULL), "orphan original gone");
	store_path(STORE_ORIG, kept_token, ".jpg", rel, sizeof(rel));
	UNIT_CHECK(has_file(rel, "k"), "known token's file kept");
	store_close(&st);
}

int
main(void)
{
	char cmd[PATH_MAX + 32];

	snprintf(root, sizeof(root), "/tmp/netdep-store-XXXXXX");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	/* A subdirectory, so store_open creates the root itself. */
	strncat(root, "/media", sizeof(root) - strlen(root) - 1);
	test_tokens_paths();
	test_lifecycle();
	test_backend_local();
	test_sweep_backend();
	snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strlen(root) - 6),
	         root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	return unit_report();
}
