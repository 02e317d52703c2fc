/*
 * resp_media.h: sends a private media file (an original, a derivative of
 * an entry not public, a certificate) whichever the backend (issue 18).
 */
#ifndef NETDEP_RESP_MEDIA_H
#define NETDEP_RESP_MEDIA_H

#include "store.h"

struct req;

/*
 * Local files: X-Accel-Redirect to nginx's internal location of area.  A
 * remote backend (S3): the worker reads the object (at most the upload
 * limit, NETDEP_MAX_UPLOAD) and sends it itself with the headers of those
 * locations (private, no-store; nosniff; a sandboxing CSP); a missing
 * object answers 404, the service away 503 `unavailable` (Retry-After).
 * disposition may be NULL.  Returns what the resp_* call returned.
 */
int resp_media(struct req *r, enum store_area area, const char *token,
               const char *suffix, const char *ctype, const char *disposition);

/* 503 `unavailable` with Retry-After: the media storage cannot be reached
 * (an S3 request failed to connect, timed out or answered 5xx). */
int resp_storage_unavailable(struct req *r);

#endif
