/*
 * h_moderation.c: the judges' queue and their decisions.  A decision is
 * one conditional UPDATE (only a pending entry changes), so two judges
 * deciding at once cannot both win: the second gets 409 and learns who
 * decided.  Approval publishes the derivatives; every decision is audited.
 */
#include <string.h>

#include "db.h"
#include "handlers.h"
#include "input.h"
#include "log.h"
#include "resp.h"
#include "store.h"

int
h_moderation_queue(struct req *r)
{
	struct rows rs;
	json_t     *list;
	char       *uid = arena_printf(r->a, "%lld", r->user->id);
	int         rc;

	if (uid == NULL)
		return resp_db_error(r, DB_ERR);
	rc = db_run(r->db, r->a, STMT_MOD_QUEUE, (const char *[]){uid}, &rs);
	if (rc < 0)
		return resp_db_error(r, rc);
	if ((list = input_db_json(rows_get(&rs, 0, 0))) == NULL)
		return resp_db_error(r, DB_ERR);
	return resp_json(r, 200, json_pack("{s:o}", "entries", list));
}

enum mod_field {
	MOD_ACTION, /* MOD_ACTION */
	MOD_REASON, /* MOD_REASON */
	MOD__MAX
};

static const char *const mod_actions[] = {"approve", "reject", NULL};

static const struct valid_field mod_fields[MOD__MAX] = {
    {"action", valid_f_choice, 0, 0, VALID_REQUIRED, mod_actions},
    {"reason", valid_f_line, 1, 500, 0, NULL},
};

int
h_moderation_decide(struct req *r)
{
	struct valid_value v[MOD__MAX];
	struct kv         *kv;
	size_t             n;
	struct rows        info, rs;
	char              *eid, *uid, *after;
	const char        *token, *status;
	int                approve, rc, published = 0;

	if ((rc = input_body(r, &kv, &n)) != 0)
		return rc;
	if ((rc = input_check(r, mod_fields, MOD__MAX, kv, n, v)) != 0)
		return rc;
	approve = v[MOD_ACTION].i == 0;
	if (!approve && !v[MOD_REASON].present)
		return resp_error(r, 400, "invalid_field",
		                  "Field reason is required to reject: tell "
		                  "the author what is wrong.");
	eid = arena_printf(r->a, "%lld", r->id_param);
	uid = arena_printf(r->a, "%lld", r->user->id);
	if (eid == NULL || uid == NULL)
		return resp_db_error(r, DB_ERR);

	rc = db_run(r->db, r->a, STMT_MOD_INFO, (const char *[]){eid, uid},
	            &info);
	if (rc == DB_NONE)
		return resp_error(r, 404, "no_entry", "There is no entry %s.",
		                  eid);
	if (rc < 0)
		return resp_db_error(r, rc);
	if (rows_get(&info, 0, 3)[0] != 't')
		return resp_error(
		    r, 403, "forbidden",
		    "You are not a judge of this entry's contest.");
	if (rows_get(&info, 0, 2)[0] == 't')
		return resp_error(r, 403, "own_entry",
		                  "You cannot moderate your own entry.");
	status = rows_get(&info, 0, 0);
	token = rows_get(&info, 0, 6);
	if (strcmp(status, "pending") != 0)
		goto conflict;

	/* Publish first: if the commit fails we unpublish, so a public file
	 * never outlives a refused approval. */
	if (approve) {
		if (store_publish(r->store, token) != 0) {
			log_msg("error",
			        "req=%s cannot publish media of entry %s",
			        r->id, eid);
			return resp_db_error(r, DB_ERR);
		}
		published = 1;
	}
	after = input_json_text(
	    r->a,
	    json_pack("{s:s,s:s*}", "status", approve ? "approved" : "rejected",
	              "reject_reason", approve ? NULL : v[MOD_REASON].s));
	if (after == NULL || (rc = db_begin(r->db)) != DB_OK)
		goto fail;
	rc =
	    db_run(r->db, r->a, STMT_MOD_DECIDE,
	           (const char *[]){eid, uid, approve ? "approved" : "rejected",
	                            approve ? NULL : v[MOD_REASON].s},
	           &rs);
	if (rc == DB_NONE) {
		db_rollback(r->db);
		if (published)
			(void)store_unpublish(r->store, token);
		/* Someone decided between our read and our update. */
		rc = db_run(r->db, r->a, STMT_MOD_INFO,
		            (const char *[]){eid, uid}, &info);
		if (rc < 0)
			return resp_db_error(r, rc);
		goto conflict;
	}
	if (rc != DB_OK)
		goto fail;
	rc = db_run(r->db, r->a, STMT_AUDIT_INSERT,
	            (const char *[]){uid, r->user->username, r->remote_addr,
	                             approve ? "entry.approve" : "entry.reject",
	                             "entry", eid, rows_get(&rs, 0, 0),
	                             "{\"status\":\"pending\"}", after},
	            NULL);
	if (rc != DB_OK)
		goto fail;
	if ((rc = db_commit(r->db)) != DB_OK)
		goto fail;
	if (!approve)
		(void)store_unpublish(r->store, token);
	return resp_json(r, 200,
	                 json_pack("{s:{s:I,s:s,s:s*}}", "entry", "id",
	                           (json_int_t)r->id_param, "status",
	                           approve ? "approved" : "rejected",
	                           "reject_reason",
	                           approve ? NULL : v[MOD_REASON].s));
fail:
	db_rollback(r->db);
	/* After a lost COMMIT the approval may have landed: keep the files
	 * public rather than hide an approved entry; a retry answers 409. */
	if (published && rc != DB_LOST)
		(void)store_unpublish(r->store, token);
	return resp_db_error(r, rc == DB_OK || rc == DB_NONE ? DB_ERR : rc);
conflict:
	return resp_error(
	    r, 409, "already_decided", "This entry is already %s by %s.",
	    rows_get(&info, 0, 0),
	    rows_get(&info, 0, 4) ? rows_get(&info, 0, 4) : "someone else");
}
