/*
 * jury.c: helpers of the judging handlers (see jury.h).  Access rules are
 * decided by the database (is_judge_of, results_published); this file
 * turns its answers into responses.
 */
#include "jury.h"

#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "input.h"
#include "outcome.h"
#include "resp.h"
#include "valid.h"

#define JURY_MAX_FIELDS 64

const char *
jury_uid(struct req *r)
{
	if (r->user == NULL)
		return NULL;
	return arena_printf(r->a, "%lld", r->user->id);
}

struct db_actor
jury_actor(struct req *r)
{
	return (struct db_actor){jury_uid(r), r->user ? r->user->username : "",
	                         r->remote_addr};
}

int
jury_contest(struct req *r, const char *slug, struct contest_access *jc)
{
	int rc = db_contest_access(r->db, r->a, slug, jury_uid(r), jc);

	if (rc == DB_NONE)
		return resp_error(r, 404, "no_contest",
		                  "There is no contest %s.", slug);
	if (rc < 0)
		return resp_db_error(r, rc);
	return 0;
}

int
jury_contest_judge(struct req *r, const char *slug, struct contest_access *jc)
{
	int rc;

	if ((rc = jury_contest(r, slug, jc)) != 0)
		return rc;
	if (!jc->judge)
		return resp_error(r, 403, "forbidden",
		                  "Only a judge of this contest may do this.");
	return 0;
}

int
jury_answer(struct req *r, const char *op, int rc, const struct db_answer *ans)
{
	json_t *body;

	/* The function let an integrity rule refuse the write: a race it did
	 * not foresee.  The rule's name stays in the log, not the answer. */
	if (rc == DB_NONE && ans->refused)
		return resp_error(r, 409, "conflict",
		                  "The change conflicts with another one made "
		                  "at the same time; reload and try again.");
	if (rc <= 0)
		return resp_db_error(r, rc == DB_NONE ? DB_ERR : rc);
	if (!outcome_ok(ans->outcome))
		return resp_outcome(r, op, ans->outcome, ans->detail);
	if ((body = input_db_json(ans->body)) == NULL)
		return resp_db_error(r, DB_ERR);
	return resp_json(r, outcome_status(op, ans->outcome), body);
}

int
jury_json(struct req *r, int rc, const char *json, const char *key)
{
	json_t *v;

	if (rc == DB_NONE)
		return resp_error(r, 404, "not_found",
		                  "There is nothing at this address.");
	if (rc < 0)
		return resp_db_error(r, rc);
	if ((v = input_db_json(json)) == NULL)
		return resp_db_error(r, DB_ERR);
	if (key != NULL)
		v = json_pack("{s:o}", key, v);
	return resp_json(r, 200, v);
}

json_t *
jury_body(struct req *r)
{
	json_error_t err;
	json_t      *root;

	root = json_loadb((const char *)r->body, r->body_len,
	                  JSON_REJECT_DUPLICATES, &err);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		resp_error(r, 400, "bad_json",
		           "The body is not a JSON object.");
		return NULL;
	}
	return root;
}

const char *
jury_list(struct req *r, const char *field, size_t min, size_t max,
          json_t *(*clean)(json_t *item), const char *list_help,
          const char *noun, const char *item_help)
{
	json_t     *body, *list, *item, *out = NULL, *c;
	const char *text = NULL;
	size_t      i;

	if ((body = jury_body(r)) == NULL)
		return NULL;
	list = json_object_get(body, field);
	if (!json_is_array(list) || json_array_size(list) < min ||
	    json_array_size(list) > max) {
		resp_error(r, 400, "invalid_field", "Field %s %s.", field,
		           list_help);
		goto out;
	}
	if ((out = json_array()) == NULL) {
		resp_db_error(r, DB_ERR);
		goto out;
	}
	json_array_foreach(list, i, item)
	{
		if (!json_is_object(item) || (c = clean(item)) == NULL) {
			resp_error(r, 400, "invalid_field", "%s %zu %s.", noun,
			           i + 1, item_help);
			goto out;
		}
		json_array_append_new(out, c);
	}
	if ((text = input_json_text(r->a, out)) == NULL)
		resp_db_error(r, DB_ERR);
	out = NULL; /* stolen by input_json_text */
out:
	json_decref(out);
	json_decref(body);
	return text;
}

int
jury_check(struct req *r, json_t *obj, const struct valid_field *fields,
           size_t nfields, struct valid_value *out, int *null_seen)
{
	struct kv kv[JURY_MAX_FIELDS];
	size_t    n = 0;

	if (nfields > JURY_MAX_FIELDS)
		return resp_error(r, 500, "internal", "Too many fields.");
	for (size_t i = 0; i < nfields; i++) {
		json_t     *v = json_object_get(obj, fields[i].name);
		const char *s;
		size_t      len;
		int         rc;

		if (null_seen != NULL)
			null_seen[i] = v != NULL && json_is_null(v);
		if (v == NULL)
			continue;
		if ((rc = input_scalar(r, fields[i].name, v, r->a, &s, &len)) !=
		    0)
			return rc;
		if (s == NULL)
			continue; /* null: absent */
		kv[n].key = fields[i].name;
		kv[n].keylen = strlen(fields[i].name);
		kv[n].val = s;
		kv[n].vallen = len;
		n++;
	}
	return input_check(r, fields, nfields, kv, n, out);
}

static int
jury_csv_put(void *ctx, const char *buf, size_t len)
{
	struct jury_csv *x = ctx;

	return resp_stream_write(x->r, buf, len);
}

static int
jury_csv_start(void *ctx, int ncols)
{
	struct jury_csv *x = ctx;
	const char      *disp;

	(void)ncols;
	disp = arena_printf(x->r->a, "attachment; filename=\"%s\"", x->file);
	csv_init_stream(&x->c, x->r->a, jury_csv_put, x);
	if (disp == NULL || x->c.err)
		return -1;
	if (!resp_has_header(x->r, "Cache-Control"))
		resp_header(x->r, "Cache-Control", "private, no-store");
	resp_stream_begin(x->r, 200, "text/csv; charset=utf-8", disp);
	/* Begun: a failure from here on shows at the end (c.err). */
	csv_rows(&x->c, x->head, 1, x->nhead);
	return 0;
}

static int
jury_csv_row(void *ctx, const char *const *cells, int ncols)
{
	struct jury_csv *x = ctx;

	csv_rows(&x->c, cells, 1, ncols);
	return x->c.err ? -1 : 0;
}

struct db_sink
jury_csv_sink(struct jury_csv *x, struct req *r, const char *file,
              const char *const *head, int nhead)
{
	memset(x, 0, sizeof(*x));
	x->r = r;
	x->file = file;
	x->head = head;
	x->nhead = nhead;
	return (struct db_sink){jury_csv_start, jury_csv_row, x, 0};
}

int
jury_csv_end(struct jury_csv *x, const struct db_sink *sink, int rc)
{
	if (!sink->started)
		return rc < 0 ? resp_db_error(x->r, rc)
		              : resp_error(x->r, 500, "internal",
		                           "The export could not be started.");
	if (rc != DB_OK || csv_flush(&x->c) != 0)
		resp_stream_abort(x->r);
	return x->r->status;
}
