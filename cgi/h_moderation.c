/*
 * h_moderation.c: the judges' queue, their decisions, progress and
 * history.  A decision is one conditional UPDATE (only a pending entry
 * changes), so two judges deciding at once cannot both win: the second
 * gets 409 and learns who decided.  Conflict of interest (own entry, own
 * unit when the contest says so) is refused here and by a trigger in SQL.
 * Approval publishes the derivatives; every decision is audited.
 */
#include <errno.h>
#include <string.h>

#include "db_jury.h"
#include "handlers.h"
#include "input.h"
#include "jury.h"
#include "log.h"
#include "outcome.h"
#include "resp.h"
#include "store.h"

#define MOD_BULK_MAX    100
#define MOD_HISTORY_MAX 200

enum modq_field {
	MODQ_CONTEST, /* MODQ_CONTEST */
	MODQ__MAX
};

static const struct valid_field modq_fields[MODQ__MAX] = {
    {"contest", valid_f_slug, 0, 0, 0, NULL},
};

int
h_moderation_queue(struct req *r)
{
	struct valid_value v[MODQ__MAX];
	json_t            *list;
	const char        *uid = jury_uid(r), *json;
	int                rc;

	if ((rc = input_args(r, modq_fields, MODQ__MAX, v)) != 0)
		return rc;
	if (uid == NULL)
		return resp_db_error(r, DB_ERR);
	rc = db_mod_queue(r->db, r->a, uid,
	                  v[MODQ_CONTEST].present ? v[MODQ_CONTEST].s : NULL,
	                  &json);
	if (rc < 0)
		return resp_db_error(r, rc);
	if ((list = input_db_json(json)) == NULL)
		return resp_db_error(r, DB_ERR);
	return resp_json(r, 200, json_pack("{s:o}", "entries", list));
}

/* The preset reasons of a rejection, as the moderation page shows them. */
static const char *const mod_reasons[] = {
    "Ảnh không phải của tác giả", "Nội dung không phù hợp", "Sai thể loại",
    "Chất lượng ảnh thấp",        "Ảnh trùng lặp",
};

int
h_moderation_reasons(struct req *r)
{
	json_t *list = json_array();

	for (size_t i = 0; i < sizeof(mod_reasons) / sizeof(mod_reasons[0]);
	     i++)
		json_array_append_new(list, json_string(mod_reasons[i]));
	return resp_json(r, 200, json_pack("{s:o}", "reasons", list));
}

enum modp_field {
	MODP_CONTEST, /* MODP_CONTEST */
	MODP_LIMIT,   /* MODP_LIMIT */
	MODP_BEFORE,  /* MODP_BEFORE */
	MODP__MAX
};

static const struct valid_field modp_fields[MODP__MAX] = {
    {"contest", valid_f_slug, 0, 0, VALID_REQUIRED, NULL},
    {"limit", valid_f_int, 1, MOD_HISTORY_MAX, 0, NULL},
    {"before", valid_f_int, 1, 9007199254740991LL, 0, NULL},
};

/*
 * progress (history 0) or history: the contest's, checked, its caller a
 * judge of it.  Returns the status sent.
 */
static int
modp_answer(struct req *r, int history)
{
	struct valid_value    v[MODP__MAX];
	struct contest_access jc;
	const char           *json;
	int                   rc;

	if ((rc = input_args(r, modp_fields, MODP__MAX, v)) != 0 ||
	    (rc = jury_contest_judge(r, v[MODP_CONTEST].s, &jc)) != 0)
		return rc;
	if (!history) {
		rc = db_mod_progress(r->db, r->a, jc.id, jury_uid(r), &json);
		return jury_json(r, rc, json, "progress");
	}
	rc = db_mod_history(
	    r->db, r->a, jc.id, v[MODP_LIMIT].present ? v[MODP_LIMIT].s : "50",
	    v[MODP_BEFORE].present ? v[MODP_BEFORE].s : NULL, &json);
	return jury_json(r, rc, json, "history");
}

int
h_moderation_progress(struct req *r)
{
	return modp_answer(r, 0);
}

int
h_moderation_history(struct req *r)
{
	return modp_answer(r, 1);
}

/* The outcome of one decision, for a single answer or a bulk line. */
struct mod_outcome {
	int         status; /* 200, 403, 404, 409, 500, 503 */
	const char *code;
	const char *message;
	const char *decided_by; /* 409: who decided (display name) */
	const char *state;      /* 409: the entry's status now */
};

static void
mod_set(struct mod_outcome *o, int status, const char *code, const char *msg)
{
	o->status = status;
	o->code = code;
	o->message = msg;
}

/* Fills o for an entry already decided. */
static void
mod_conflict(struct req *r, struct mod_outcome *o, const struct mod_info *info)
{
	o->state = info->status;
	o->decided_by = info->decided_by;
	mod_set(o, 409, "already_decided",
	        arena_printf(r->a, "This entry is already %s by %s.", o->state,
	                     o->decided_by ? o->decided_by : "someone else"));
}

/* Fills o for a database failure rc. */
static void
mod_dberr(struct mod_outcome *o, int rc)
{
	if (rc == DB_LOST)
		mod_set(o, 503, "unavailable",
		        outcome_find(NULL, "db_unavailable")->message);
	else
		mod_set(o, 500, "internal",
		        "The server could not record the decision.");
}

/*
 * May the caller decide entry eid now?  Returns 1 with info filled, or 0
 * with o saying why not.
 */
static int
mod_may_decide(struct req *r, const char *eid, struct mod_info *info,
               struct mod_outcome *o)
{
	int rc = db_mod_info(r->db, r->a, eid, jury_uid(r), info);

	if (rc == DB_NONE)
		mod_set(o, 404, "no_entry",
		        arena_printf(r->a, "There is no entry %s.", eid));
	else if (rc < 0)
		mod_dberr(o, rc);
	else if (!info->judge)
		mod_set(o, 403, "forbidden",
		        "You are not a judge of this entry's contest.");
	else if (info->own)
		mod_set(o, 403, "own_entry",
		        "You cannot moderate your own entry.");
	else if (info->conflict)
		mod_set(o, 403, "conflict_of_interest",
		        "This entry is from your own unit: another judge "
		        "decides it.");
	else if (strcmp(info->status, "pending") != 0)
		mod_conflict(r, o, info);
	else
		return 1;
	return 0;
}

/*
 * The decision and its audit row in one transaction.  Returns DB_OK, a
 * database error, or DB_NONE with o filled (a conflict of interest, or
 * another judge decided first).
 */
static int
mod_record(struct req *r, const char *eid, int approve, const char *reason,
           struct mod_outcome *o)
{
	struct db_actor by = jury_actor(r);
	struct mod_info info;
	const char     *contest, *after;
	int             rc, coi;

	after = input_json_text(
	    r->a,
	    json_pack("{s:s,s:s*}", "status", approve ? "approved" : "rejected",
	              "reject_reason", approve ? NULL : reason));
	if (after == NULL)
		return DB_ERR;
	if ((rc = db_begin(r->db)) != DB_OK)
		return rc;
	rc = db_mod_decide(r->db, r->a, eid, by.id,
	                   approve ? "approved" : "rejected",
	                   approve ? NULL : reason, &contest, &coi);
	if (rc == DB_OK)
		rc = db_audit_write(r->db, r->a, &by,
		                    approve ? "entry.approve" : "entry.reject",
		                    "entry", eid, contest,
		                    "{\"status\":\"pending\"}", after);
	if (rc == DB_OK)
		return db_commit(r->db);
	db_rollback(r->db);
	if (rc != DB_NONE)
		return rc;
	if (coi == MOD_REFUSED_COI) {
		mod_set(o, 403, "conflict_of_interest",
		        "You have a conflict of interest with this entry.");
		return DB_NONE;
	}
	if (coi == MOD_REFUSED_GUARDIAN) {
		const struct outcome *g =
		    outcome_find("moderation", "guardian_consent_missing");

		mod_set(o, g->status, g->code != NULL ? g->code : g->name,
		        g->message);
		return DB_NONE;
	}
	/* Someone decided between our read and our update. */
	if ((rc = db_mod_info(r->db, r->a, eid, by.id, &info)) < 0)
		return rc;
	mod_conflict(r, o, &info);
	return DB_NONE;
}

/*
 * Decides entry eid (approve, or reject with reason) for the caller and
 * fills o; the database and the media store are consistent on return
 * whatever the outcome.
 */
static void
mod_apply(struct req *r, const char *eid, int approve, const char *reason,
          struct mod_outcome *o)
{
	struct mod_info info;
	int             rc;

	memset(o, 0, sizeof(*o));
	if (!mod_may_decide(r, eid, &info, o))
		return;
	/* Publish first: if the commit fails we unpublish, so a public file
	 * never outlives a refused approval. */
	if (approve && store_publish(r->store, info.token) != 0) {
		int away = errno == EAGAIN; /* S3 unreachable (issue 18) */

		log_msg("error", "req=%s cannot publish media of entry %s",
		        r->id, eid);
		if (away)
			mod_set(
			    o, 503, "unavailable",
			    outcome_find(NULL, "storage_unavailable")->message);
		else
			mod_dberr(o, DB_ERR);
		return;
	}
	rc = mod_record(r, eid, approve, reason, o);
	if (rc == DB_OK) {
		if (!approve)
			(void)store_unpublish(r->store, info.token);
		mod_set(o, 200, "ok", NULL);
		return;
	}
	/* After a lost COMMIT the approval may have landed: keep the files
	 * public rather than hide an approved entry; a retry answers 409. */
	if (approve && rc != DB_LOST)
		(void)store_unpublish(r->store, info.token);
	if (rc != DB_NONE)
		mod_dberr(o, rc);
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
	struct mod_outcome o;
	struct kv         *kv;
	size_t             n;
	const char        *eid;
	int                approve, rc;

	if ((rc = input_body(r, &kv, &n)) != 0)
		return rc;
	if ((rc = input_check(r, mod_fields, MOD__MAX, kv, n, v)) != 0)
		return rc;
	approve = v[MOD_ACTION].i == 0;
	if (!approve && !v[MOD_REASON].present)
		return resp_error(r, 400, "invalid_field",
		                  "Field reason is required to reject: tell "
		                  "the author what is wrong.");
	if ((eid = arena_printf(r->a, "%lld", r->id_param)) == NULL)
		return resp_db_error(r, DB_ERR);
	mod_apply(r, eid, approve, v[MOD_REASON].s, &o);
	if (o.status == 409)
		/* The page shows who decided: extra members beside "error". */
		return resp_json(r, 409,
		                 json_pack("{s:{s:s,s:s},s:s*,s:s*}", "error",
		                           "code", o.code, "message", o.message,
		                           "decided_by", o.decided_by, "status",
		                           o.state));
	if (o.status == 503)
		resp_header(r, "Retry-After", "5");
	if (o.status != 200)
		return resp_error(r, o.status, o.code, "%s", o.message);
	return resp_json(r, 200,
	                 json_pack("{s:{s:I,s:s,s:s*}}", "entry", "id",
	                           (json_int_t)r->id_param, "status",
	                           approve ? "approved" : "rejected",
	                           "reject_reason",
	                           approve ? NULL : v[MOD_REASON].s));
}

/*
 * POST /moderation/bulk {"action":"approve","entries":[ids]} (or reject
 * with a reason): each entry is decided on its own, as by the single
 * call, and answered in its own line; the call itself answers 200.
 */
int
h_moderation_bulk(struct req *r)
{
	struct valid_value v[MOD__MAX];
	json_t            *body, *ids, *id, *out;
	size_t             i;
	int                approve, rc;

	if ((body = jury_body(r)) == NULL)
		return r->status;
	if ((rc = jury_check(r, body, mod_fields, MOD__MAX, v, NULL)) != 0)
		goto out;
	approve = v[MOD_ACTION].i == 0;
	ids = json_object_get(body, "entries");
	if (!approve && !v[MOD_REASON].present) {
		rc = resp_error(r, 400, "invalid_field",
		                "Field reason is required to reject.");
		goto out;
	}
	if (!json_is_array(ids) || json_array_size(ids) == 0 ||
	    json_array_size(ids) > MOD_BULK_MAX) {
		rc = resp_error(r, 400, "invalid_field",
		                "Field entries must be a list of 1 to %d entry "
		                "ids.",
		                MOD_BULK_MAX);
		goto out;
	}
	json_array_foreach(ids, i, id)
	{
		if (!json_is_integer(id) || json_integer_value(id) < 1) {
			rc = resp_error(r, 400, "invalid_field",
			                "Field entries must hold entry ids.");
			goto out;
		}
	}
	out = json_array();
	json_array_foreach(ids, i, id)
	{
		struct mod_outcome o;
		const char *eid = arena_printf(r->a, "%" JSON_INTEGER_FORMAT,
		                               json_integer_value(id));

		if (eid == NULL) {
			json_decref(out);
			rc = resp_db_error(r, DB_ERR);
			goto out;
		}
		mod_apply(r, eid, approve, v[MOD_REASON].s, &o);
		json_array_append_new(
		    out, json_pack("{s:I,s:i,s:s,s:s*,s:s*}", "id",
		                   json_integer_value(id), "status", o.status,
		                   "code", o.code, "message", o.message,
		                   "decided_by", o.decided_by));
	}
	rc = resp_json(r, 200, json_pack("{s:o}", "results", out));
out:
	json_decref(body);
	return rc;
}
