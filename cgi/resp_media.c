/*
 * resp_media.c: private media through nginx (local files) or through the
 * worker (objects in a remote store, which nginx cannot read unsigned).
 */
#include "resp_media.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "outcome.h"
#include "req.h"
#include "resp.h"

int
resp_storage_unavailable(struct req *r)
{
	resp_header(r, "Retry-After", "5");
	return resp_outcome(r, NULL, "storage_unavailable", NULL);
}

int
resp_media(struct req *r, enum store_area area, const char *token,
           const char *suffix, const char *ctype, const char *disposition)
{
	char           path[STORE_PATH_MAX + 16];
	unsigned char *data;
	size_t         len;
	int            rc;

	if (r->store->remote == NULL) {
		if (store_accel(area, token, suffix, path, sizeof(path)) != 0)
			return resp_db_error(r, DB_ERR);
		return resp_accel(r, arena_strdup(r->a, path), ctype,
		                  disposition);
	}
	if (store_read(r->store, area, token, suffix, r->cfg->max_upload, &data,
	               &len) != 0) {
		int err = errno;

		log_msg("error", "req=%s cannot read media %s%s: %s", r->id,
		        token, suffix, strerror(err));
		if (err == ENOENT)
			return resp_error(r, 404, "not_found",
			                  "There is no such image.");
		if (err == EAGAIN)
			return resp_storage_unavailable(r);
		return resp_db_error(r, DB_ERR);
	}
	resp_header(r, "Cache-Control", "private, no-store");
	resp_header(r, "X-Content-Type-Options", "nosniff");
	resp_header(r, "Content-Security-Policy",
	            "default-src 'none'; sandbox");
	rc = resp_bytes(r, 200, ctype, disposition, data, len);
	free(data);
	return rc;
}
