/*
 * reads.c: the read connection of a request (reads.h).
 */
#include "reads.h"

#include "config.h"
#include "db.h"
#include "resp.h"

struct db *
reads_db(struct req *r)
{
	const struct kv *lsn = req_cookie(r, READS_LSN_COOKIE);

	/* Only a visitor with a session has own writes to see; anyone may
	 * send the cookie, which at worst sends them to the primary. */
	return db_for_read(
	    r->db, r->session_cookie != NULL && lsn != NULL ? lsn->val : NULL);
}

void
reads_mark(struct req *r)
{
	const char *lsn;

	if (db_has_replica(r->db) && db_wal_lsn(r->db, r->a, &lsn) == DB_OK)
		reads_mark_lsn(r, lsn);
}

void
reads_mark_lsn(struct req *r, const char *lsn)
{
	const char *v;

	/* After the bound, a standby that has not replayed it is not read
	 * anyway: the cookie outlives it by a minute. */
	v = arena_printf(
	    r->a, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
	    READS_LSN_COOKIE, lsn, r->cfg->read_max_lag_ms / 1000 + 60,
	    r->cfg->secure_cookie ? "; Secure" : "");
	if (v != NULL)
		resp_header(r, "Set-Cookie", v);
}
