/*
 * h_consent.c: consent texts, a participant's birth year and guardian,
 * and the participant's data rights: a download of their data and its
 * erasure (issue 16).  The consent given at registration and with each
 * upload is recorded by h_account.c and h_entry.c through
 * consent_check() here.
 */
#include <string.h>

#include "cert_queue.h"
#include "consent.h"
#include "db_consent.h"
#include "handlers.h"
#include "input.h"
#include "log.h"
#include "resp.h"
#include "store.h"

const char *const consent_yes[] = {"yes", "on", "true", "1", NULL};

int
consent_check(struct req *r, const struct valid_value *v)
{
	if (v->present)
		return 0;
	return resp_error(r, 400, "consent_required",
	                  "Hãy đọc và đánh dấu ô đồng ý với thể lệ và việc "
	                  "công bố ảnh cùng họ tên (trường consent) trước khi "
	                  "gửi.");
}

/* A read's answer: its JSON, or the error (no row is an error here). */
static int
json_answer(struct req *r, int rc, const char *json)
{
	if (rc != DB_OK)
		return resp_db_error(r, rc < 0 ? rc : DB_ERR);
	return resp_json(r, 200, input_db_json(json));
}

int
h_consent_texts(struct req *r)
{
	const char *json = NULL;
	int         rc = db_consent_texts(r->db, r->a, &json);

	return json_answer(r, rc, json);
}

static const char *
account_id(struct req *r)
{
	return arena_printf(r->a, "%lld", r->user->id);
}

int
h_me_consent(struct req *r)
{
	const char *json = NULL;
	int         rc = db_consent_of(r->db, r->a, account_id(r), &json);

	return json_answer(r, rc, json);
}

enum by_field {
	BY_BIRTH_YEAR, /* BY_BIRTH_YEAR */
	BY__MAX
};

static const struct valid_field by_fields[BY__MAX] = {
    {"birth_year", valid_f_int, CONSENT_YEAR_MIN, CONSENT_YEAR_MAX,
     VALID_REQUIRED, NULL},
};

/* PUT /api/v1/me/birth-year {"birth_year": 2011} */
int
h_me_birth_year(struct req *r)
{
	struct valid_value v[BY__MAX];
	struct kv         *kv;
	size_t             n;
	int                rc;

	if ((rc = input_body(r, &kv, &n)) != 0 ||
	    (rc = input_check(r, by_fields, BY__MAX, kv, n, v)) != 0)
		return rc;
	if ((rc = db_consent_birth_year(r->db, r->a, account_id(r),
	                                v[BY_BIRTH_YEAR].s, r->remote_addr)) !=
	    DB_OK)
		return resp_db_error(r, rc < 0 ? rc : DB_ERR);
	return h_me_consent(r);
}

enum gd_field {
	GD_NAME,    /* GD_NAME: the guardian's full name */
	GD_CONTACT, /* GD_CONTACT: a phone number or an e-mail address */
	GD_CONSENT, /* GD_CONSENT: the guardian's statement, ticked */
	GD__MAX
};

static const struct valid_field gd_fields[GD__MAX] = {
    {"guardian_name", valid_f_line, 2, 120, VALID_REQUIRED, NULL},
    {"guardian_contact", valid_f_line, 3, 254, VALID_REQUIRED, NULL},
    CONSENT_FIELD,
};

/* One of: a phone number, or an e-mail address. */
static int
contact_ok(const char *s, size_t len)
{
	struct valid_value       out;
	const struct valid_field phone = {
	    "guardian_contact", valid_f_phone, 0, 32, 0, NULL};
	const struct valid_field email = {
	    "guardian_contact", valid_f_email, 0, 254, 0, NULL};

	return valid_f_phone(s, len, &phone, &out) == NULL ||
	       valid_f_email(s, len, &email, &out) == NULL;
}

/*
 * POST /api/v1/me/guardian: a parent's or guardian's consent for a
 * participant under 16, given on the participant's account: the
 * guardian's name, a phone number or e-mail address the organiser can
 * check it with, and the statement ticked.
 */
int
h_me_guardian(struct req *r)
{
	struct valid_value v[GD__MAX];
	struct kv         *kv;
	size_t             n;
	int                rc;

	if ((rc = input_body(r, &kv, &n)) != 0 ||
	    (rc = input_check(r, gd_fields, GD__MAX, kv, n, v)) != 0)
		return rc;
	if (!v[GD_CONSENT].present)
		return resp_error(r, 400, "consent_required",
		                  "Cha, mẹ hoặc người giám hộ cần đánh dấu ô "
		                  "đồng ý (trường consent).");
	if (!contact_ok(v[GD_CONTACT].s, v[GD_CONTACT].len))
		return resp_error(
		    r, 400, "invalid_field",
		    "Trường guardian_contact cần là số điện "
		    "thoại hoặc địa chỉ email của người giám hộ.");
	if ((rc = db_consent_guardian(r->db, r->a, account_id(r), v[GD_NAME].s,
	                              v[GD_CONTACT].s, r->remote_addr)) !=
	    DB_OK)
		return resp_db_error(r, rc < 0 ? rc : DB_ERR);
	return h_me_consent(r);
}

/* GET /api/v1/me/data: a download of the participant's own data. */
int
h_me_data(struct req *r)
{
	const char *json = NULL;
	int         rc = db_account_data(r->db, r->a, account_id(r), &json);

	if (rc == DB_OK)
		resp_header(r, "Content-Disposition",
		            "attachment; filename=\"netdep-data.json\"");
	return json_answer(r, rc, json);
}

enum er_field {
	ER_CONFIRM, /* ER_CONFIRM: the username, typed again */
	ER__MAX
};

static const struct valid_field er_fields[ER__MAX] = {
    {"confirm", valid_f_line, 1, 64, VALID_REQUIRED, NULL},
};

/*
 * POST /api/v1/me/erase {"confirm": "<username>"}: the participant's
 * request to be forgotten (account_erase(), 120_consent.sql).  The files
 * of the entries go after the commit, through the store, as the janitor
 * removes them; a file left by a crash is the orphan sweep's.
 */
int
h_me_erase(struct req *r)
{
	struct valid_value v[ER__MAX];
	struct kv         *kv;
	struct db_table    t = {0};
	size_t             n;
	int                rc, failed = 0;

	if ((rc = input_body(r, &kv, &n)) != 0 ||
	    (rc = input_check(r, er_fields, ER__MAX, kv, n, v)) != 0)
		return rc;
	if (strcmp(v[ER_CONFIRM].s, r->user->username) != 0)
		return resp_error(r, 400, "confirm_mismatch",
		                  "Hãy gõ lại đúng tên đăng nhập của bạn vào ô "
		                  "xác nhận để xóa tài khoản.");
	if ((rc = db_begin(r->db)) != DB_OK)
		return resp_db_error(r, rc);
	rc = db_account_erase(r->db, r->a, account_id(r), r->remote_addr, &t);
	if (rc < 0) {
		db_rollback(r->db);
		return resp_db_error(r, rc);
	}
	if ((rc = db_commit(r->db)) != DB_OK)
		return resp_db_error(r, rc);
	for (int i = 0; i < t.nrows; i++) {
		const char *token = t.cells[(size_t)i * (size_t)t.ncols];

		if (token == NULL)
			continue;
		/* An entry's token or a certificate's code (a store token
		 * too): every file either may have. */
		if (store_unpublish(r->store, token) != 0 ||
		    store_remove_all(r->store, token, NULL) != 0 ||
		    store_remove(r->store, STORE_PRIV, token,
		                 CERT_PNG_SUFFIX) != 0 ||
		    store_remove(r->store, STORE_PRIV, token,
		                 CERT_PDF_SUFFIX) != 0)
			failed++;
	}
	if (failed > 0)
		log_msg("error",
		        "req=%s erase: files of %d entries not all removed; "
		        "media sweep will",
		        r->id, failed);
	resp_session_cookie(r, NULL, 0);
	return resp_json(
	    r, 200, json_pack("{s:b,s:i}", "erased", 1, "entries", t.nrows));
}
