/*
 * cert_queue.c: the janitor's certificate step (cert_queue.h).  The files
 * are written first and the row marked ready after: a crash between
 * leaves files the row does not name as ready yet, rewritten at the next
 * step (store_write replaces), never a ready row without its files.
 */
#include "cert_queue.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cert.h"
#include "db_cert.h"
#include "log.h"

#define CERT_BATCH     16
#define CERT_THUMB_MAX (4u << 20)

/* Renders and stores one certificate; 0 or -1 (logged). */
static int
cert_make(const struct store *st, const struct db_cert_due *c, struct arena *a,
          const char *site_url)
{
	unsigned char  *thumb = NULL, *png = NULL, *pdf = NULL;
	size_t          tlen = 0, plen = 0, dlen = 0;
	int             rc = -1;
	struct cert_doc d = {
	    .code = c->code,
	    .url = arena_printf(a, "%s/certificates/%s", site_url, c->code),
	    .contest_title = c->contest_title,
	    .organiser = c->organiser,
	    .label = c->label,
	    .author = c->author,
	    .unit = c->unit,
	    .entry_title = c->entry_title,
	    .entry_number = c->entry_number,
	    .issued = c->issued};

	if (d.url == NULL)
		return -1;
	/* The 400 px thumbnail netdep made; a certificate without it is
	 * still a certificate. */
	if (c->thumb_token != NULL &&
	    store_read(st, STORE_PRIV, c->thumb_token, "_t400.jpg",
	               CERT_THUMB_MAX, &thumb, &tlen) == 0) {
		d.thumb = thumb;
		d.thumb_len = tlen;
	}
	if (cert_png(&d, &png, &plen) != 0 || cert_pdf(&d, &pdf, &dlen) != 0) {
		log_msg("error", "certificate %s: cannot draw it", c->code);
		goto out;
	}
	if (store_write(st, STORE_PRIV, c->code, CERT_PNG_SUFFIX, png, plen) !=
	        0 ||
	    store_write(st, STORE_PRIV, c->code, CERT_PDF_SUFFIX, pdf, dlen) !=
	        0) {
		log_msg("error", "certificate %s: cannot store it", c->code);
		goto out;
	}
	rc = 0;
out:
	free(thumb);
	free(png);
	free(pdf);
	return rc;
}

int
cert_queue_run(struct db *db, const struct store *st, const char *site_url)
{
	struct db_cert_due due[CERT_BATCH];
	struct arena       a;
	long long          queued;
	int                n, made = 0;

	arena_init(&a, 0);
	if (db_cert_fill(db, &a, &queued) != DB_OK)
		goto fail;
	do {
		arena_reset(&a);
		if (db_cert_due(db, &a, CERT_BATCH, due, &n) < 0)
			goto fail;
		for (int i = 0; i < n; i++) {
			int ok = cert_make(st, &due[i], &a, site_url) == 0;

			if (db_cert_made(db, &a, due[i].code, ok) != DB_OK)
				goto fail;
			made += ok;
		}
	} while (n == CERT_BATCH);
	if (made > 0 || queued > 0)
		log_msg("info", "certificates: %lld queued, %d made", queued,
		        made);
	arena_free(&a);
	return made;
fail:
	arena_free(&a);
	return -1;
}
