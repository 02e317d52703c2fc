/*
 * store_s3.h: the S3-compatible media backend (issue 18).  Objects are
 * named by the store's keys ("orig/ab/cd/<token>.jpg", ...): orig/ and
 * priv/ in the private bucket, pub/ in the public one (the same bucket
 * when only one is set).  Requests are signed by libcurl
 * (CURLOPT_AWS_SIGV4); a PUT of a whole body is atomic on S3, so a reader
 * sees the object complete or not at all.
 */
#ifndef NETDEP_STORE_S3_H
#define NETDEP_STORE_S3_H

#include "store.h"

struct config;

/*
 * When cfg's NETDEP_STORAGE is s3, sets st->remote to the S3 backend
 * (one per process; connections are made per process, after a fork).
 * Nothing is asked of the service here: an unreachable S3 shows in the
 * first request (EAGAIN).  Returns 0 (also for local storage), or -1.
 */
int store_s3_attach(struct store *st, const struct config *cfg);

/* Fills be with the S3 backend of cfg (storage s3); 0 or -1. */
int store_backend_s3(struct store_backend *be, const struct config *cfg);

#endif
