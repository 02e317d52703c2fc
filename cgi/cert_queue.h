/*
 * cert_queue.h: the janitor's certificate step (issue 16): queues the
 * certificates of published results (certificates_fill()) and renders
 * the queued ones (cert.c) into the media store's priv/ as
 * <code>_cert.png and <code>_cert.pdf, outside any request.
 */
#ifndef NETDEP_CERT_QUEUE_H
#define NETDEP_CERT_QUEUE_H

#include "db.h"
#include "store.h"

/* Suffixes of a certificate's files (the code is a store token). */
#define CERT_PNG_SUFFIX "_cert.png"
#define CERT_PDF_SUFFIX "_cert.pdf"

/* Seconds between two steps of the janitor. */
#define CERT_EVERY_SEC 2

/*
 * One step: fills the queue, then renders what is queued, a batch at a
 * time, until it is empty.  site_url is the verification page's base.
 * Returns the certificates made, or -1 after a database error.
 */
int cert_queue_run(struct db *db, const struct store *st, const char *site_url);

#endif
