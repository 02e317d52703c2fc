/*
 * h_account.c: health, registration and the session (log in, who am I,
 * log out).  Registration logs the new account in at once.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "brake.h"
#include "config.h"
#include "consent.h"
#include "db_account.h"
#include "db_unit.h"
#include "handlers.h"
#include "input.h"
#include "log.h"
#include "password.h"
#include "resp.h"

enum reg_field {
	REG_USERNAME,     /* REG_USERNAME */
	REG_PASSWORD,     /* REG_PASSWORD */
	REG_DISPLAY_NAME, /* REG_DISPLAY_NAME */
	REG_UNIT,         /* REG_UNIT */
	REG_UNIT_CODE,    /* REG_UNIT_CODE: a node of the unit tree */
	REG_EMAIL,        /* REG_EMAIL */
	REG_PHONE,        /* REG_PHONE */
	REG_ALTCHA,       /* REG_ALTCHA: a solved proof of work (brake.h) */
	REG_BIRTH_YEAR,   /* REG_BIRTH_YEAR: under 16 needs a guardian */
	REG_CONSENT,      /* REG_CONSENT: rules and publication (issue 16) */
	REG__MAX
};

static const struct valid_field reg_fields[REG__MAX] = {
    {"username", valid_f_username, 3, 32, VALID_REQUIRED, NULL},
    {"password", valid_f_password, 8, 128, VALID_REQUIRED, NULL},
    {"display_name", valid_f_line, 1, 80, VALID_REQUIRED, NULL},
    /* "my unit is not listed": a free-text name an admin maps later */
    {"unit", valid_f_line, 0, 200, 0, NULL},
    {"unit_code", valid_f_line, 1, 64, 0, NULL},
    {"email", valid_f_email, 0, 254, 0, NULL},
    {"phone", valid_f_phone, 0, 32, 0, NULL},
    {"altcha", valid_f_base64, 4, POW_MAX_TEXT, 0, NULL},
    {"birth_year", valid_f_int, CONSENT_YEAR_MIN, CONSENT_YEAR_MAX,
     VALID_REQUIRED, NULL},
    CONSENT_FIELD,
};

enum login_field {
	LOGIN_USERNAME, /* LOGIN_USERNAME */
	LOGIN_PASSWORD, /* LOGIN_PASSWORD */
	LOGIN_ALTCHA,   /* LOGIN_ALTCHA: a solved proof of work (brake.h) */
	LOGIN__MAX
};

/*
 * A log-in password is whatever registration could have accepted: any
 * UTF-8 without NUL up to the maximum, blanks and tabs included; a wrong
 * one is the password check's business (401), not the validator's.
 */
static const char *
login_password(const char *s, size_t len, const struct valid_field *f,
               struct valid_value *out)
{
	(void)out;
	if (len > (size_t)f->max || !valid_utf8((const uint8_t *)s, len))
		return "is not a password this site could have accepted";
	return NULL;
}

/* Log-in checks only the shape that can exist, to refuse junk cheaply. */
static const struct valid_field login_fields[LOGIN__MAX] = {
    {"username", valid_f_line, 1, 64, VALID_REQUIRED, NULL},
    {"password", login_password, 1, 128, VALID_REQUIRED, NULL},
    {"altcha", valid_f_base64, 4, POW_MAX_TEXT, 0, NULL},
};

/* The session answer: the user as the session sees it, and its token. */
static int
session_answer(struct req *r, int status, const char *csrf)
{
	json_t *roles = input_db_json(r->user->roles_json);

	return resp_json(
	    r, status,
	    json_pack("{s:{s:I,s:s,s:s,s:s,s:s?,s:o,s:b,s:b},s:s}", "user",
	              "id", (json_int_t)r->user->id, "username",
	              r->user->username, "display_name", r->user->display_name,
	              "unit", r->user->unit, "unit_code", r->user->unit_code,
	              "roles", roles ? roles : json_array(), "is_admin",
	              r->user->is_admin, "is_judge", r->user->is_judge,
	              "csrf_token", csrf));
}

/* After a log-in, loads the new session as r->user. */
static int
session_start(struct req *r, long long id, int status)
{
	const char *csrf;
	int         rc;

	if ((rc = auth_login(r, id, &csrf)) != DB_OK)
		return resp_db_error(r, rc);
	if ((rc = auth_refresh(r)) < 0)
		return resp_db_error(r, rc);
	if (r->user == NULL)
		return resp_db_error(r, DB_ERR);
	return session_answer(r, status, csrf);
}

int
h_health(struct req *r)
{
	if (db_ping(r->db, r->a) != DB_OK)
		return resp_json(r, 503,
		                 json_pack("{s:s,s:{s:s,s:s}}", "status",
		                           "unavailable", "error", "code",
		                           "database", "message",
		                           "The database does not answer."));
	return resp_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

/*
 * The node a registration or a profile picked (code, when present): its
 * id into *id and its name into *name; an unknown code is answered 400.
 * Returns 0 or the status answered.
 */
static int
account_unit_pick(struct req *r, const struct valid_value *code,
                  const char **id, const char **name)
{
	int rc;

	*id = NULL;
	if (!code->present)
		return 0;
	rc = db_unit_pick(r->db, r->a, code->s, id, name);
	if (rc == DB_NONE)
		return resp_error(
		    r, 400, "unknown_unit",
		    "Không có đơn vị mã %s; hãy chọn đơn vị trong "
		    "danh sách, hoặc chọn “đơn vị của tôi không "
		    "có trong danh sách” và gõ tên.",
		    code->s);
	return rc < 0 ? resp_db_error(r, rc) : 0;
}

enum me_field {
	ME_UNIT,      /* ME_UNIT */
	ME_UNIT_CODE, /* ME_UNIT_CODE */
	ME__MAX
};

static const struct valid_field me_fields[ME__MAX] = {
    {"unit", valid_f_line, 0, 200, 0, NULL},
    {"unit_code", valid_f_line, 1, 64, 0, NULL},
};

/*
 * PATCH /api/v1/me: the profile's unit, a node of the tree (unit_code)
 * or a free-text name (unit) an admin maps later.  Answers the session
 * as GET /session does.
 */
int
h_me_update(struct req *r)
{
	struct valid_value v[ME__MAX];
	struct kv         *kv;
	size_t             n;
	const char        *unit_id;
	int                rc;

	if ((rc = input_body(r, &kv, &n)) != 0)
		return rc;
	if ((rc = input_check(r, me_fields, ME__MAX, kv, n, v)) != 0)
		return rc;
	if ((rc = account_unit_pick(r, &v[ME_UNIT_CODE], &unit_id,
	                            &v[ME_UNIT].s)) != 0)
		return rc;
	if ((rc = db_account_unit_set(r->db, r->a, r->user->id, unit_id,
	                              v[ME_UNIT].s)) < 0)
		return resp_db_error(r, rc);
	if ((rc = auth_refresh(r)) < 0)
		return resp_db_error(r, rc);
	if (r->user == NULL)
		return resp_db_error(r, DB_ERR);
	return session_answer(r, 200, r->user->csrf);
}

int
h_account_create(struct req *r)
{
	struct valid_value   v[REG__MAX];
	struct kv           *kv;
	size_t               n;
	char                 hash[PASSWORD_HASH_MAX];
	int64_t              id;
	enum account_refusal why;
	struct brake_pow     pow;
	struct auth_gate     gate;
	const char          *unit_id = NULL;
	int                  rc, slot;

	if ((rc = input_body(r, &kv, &n)) != 0)
		return rc;
	if ((rc = input_check(r, reg_fields, REG__MAX, kv, n, v)) != 0 ||
	    (rc = consent_check(r, &v[REG_CONSENT])) != 0)
		return rc;
	if ((rc = account_unit_pick(r, &v[REG_UNIT_CODE], &unit_id,
	                            &v[REG_UNIT].s)) != 0)
		return rc;
	if ((rc = brake_pow_read(r, &v[REG_ALTCHA], &pow)) != DB_OK ||
	    (rc = db_register_gate(
	         r->db, r->a, r->remote_addr, brake_pow_proof(&pow),
	         r->cfg->reg_source_free, r->cfg->reg_source_max,
	         r->cfg->reg_global_max, &gate)) != DB_OK)
		return resp_db_error(r, rc);
	if (strcmp(gate.outcome, "ok") != 0)
		return brake_refuse(r, "register", &gate);
	if ((rc = brake_hash_take(r, &slot)) != 0)
		return rc;
	rc = password_hash(v[REG_PASSWORD].s, v[REG_PASSWORD].len, hash);
	brake_hash_give(slot);
	if (rc != 0)
		return resp_error(
		    r, 503, "busy",
		    "Máy chủ đang thiếu bộ nhớ; hãy thử lại sau ít "
		    "giây.");
	rc = db_account_create(
	    r->db, r->a,
	    &(struct account_new){
	        .username = v[REG_USERNAME].s,
	        .display_name = v[REG_DISPLAY_NAME].s,
	        .unit = v[REG_UNIT].s,
	        .unit_id = unit_id,
	        .email = v[REG_EMAIL].present ? v[REG_EMAIL].s : NULL,
	        .phone = v[REG_PHONE].present ? v[REG_PHONE].s : NULL,
	        .password_hash = hash,
	        .birth_year = v[REG_BIRTH_YEAR].s,
	        .consent_ip = r->remote_addr},
	    &id, &why);
	sodium_memzero(hash, sizeof(hash));
	if (rc == DB_NONE && why == ACCOUNT_TAKEN)
		return resp_error(r, 409, "username_taken",
		                  "The username %s is taken; choose another.",
		                  v[REG_USERNAME].s);
	/* The field table checks what the table does, so this is a gap
	 * between the two: never name the constraint to the client. */
	if (rc == DB_NONE)
		return resp_error(r, 400, "invalid_field",
		                  "The account data was refused; check each "
		                  "field and try again.");
	if (rc < 0)
		return resp_db_error(r, rc);
	return session_start(r, id, 201);
}

/*
 * The password check of a log-in, in a hash slot: 1 when the password is
 * right, 0 when not (an unknown name costs the same hash), or the status
 * written (> 1) when no slot was free.
 */
static int
login_check(struct req *r, const struct valid_value *v, int known,
            const struct account_cred *cred)
{
	int slot, rc, ok = 0;

	if ((rc = brake_hash_take(r, &slot)) != 0)
		return rc;
	if (!known)
		password_burn(v[LOGIN_PASSWORD].s, v[LOGIN_PASSWORD].len);
	else
		ok = password_verify(cred->password_hash, v[LOGIN_PASSWORD].s,
		                     v[LOGIN_PASSWORD].len);
	brake_hash_give(slot);
	return ok;
}

int
h_session_create(struct req *r)
{
	struct valid_value  v[LOGIN__MAX];
	struct kv          *kv;
	size_t              n;
	struct account_cred cred;
	struct brake_pow    pow;
	struct auth_gate    gate;
	const char         *name;
	int                 rc, known, wait;
	char                secs[16];

	if ((rc = input_body(r, &kv, &n)) != 0)
		return rc;
	if ((rc = input_check(r, login_fields, LOGIN__MAX, kv, n, v)) != 0)
		return rc;
	name = v[LOGIN_USERNAME].s;
	if ((rc = brake_pow_read(r, &v[LOGIN_ALTCHA], &pow)) != DB_OK ||
	    (rc = db_login_gate(
	         r->db, r->a, name, r->remote_addr, brake_pow_proof(&pow),
	         r->cfg->login_source_free, r->cfg->login_challenge_failures,
	         &gate)) != DB_OK)
		return resp_db_error(r, rc);
	if (strcmp(gate.outcome, "ok") != 0)
		return brake_refuse(r, "login", &gate);
	rc = db_account_cred(r->db, r->a, name, &cred);
	if (rc < 0)
		return resp_db_error(r, rc);
	known = rc == DB_OK;
	if ((rc = login_check(r, v, known, &cred)) > 1)
		return rc;
	if (rc == 1) {
		if ((rc = db_login_succeeded(r->db, r->a, name,
		                             r->remote_addr)) != DB_OK)
			return resp_db_error(r, rc);
		return session_start(r, cred.id, 200);
	}
	if ((rc = db_login_failed(r->db, r->a, name, r->remote_addr,
	                          r->cfg->login_free_failures,
	                          r->cfg->login_backoff_max_s, &wait)) != DB_OK)
		return resp_db_error(r, rc);
	if (wait > 0) {
		snprintf(secs, sizeof(secs), "%d", wait);
		resp_header(r, "Retry-After", secs);
	}
	log_event("warn", "login_failure", r->id, "username", name, "client",
	          r->remote_addr, "retry_after", wait > 0 ? secs : NULL, NULL);
	return resp_error(r, 401, "bad_credentials",
	                  "Tên đăng nhập hoặc mật khẩu không đúng.");
}

int
h_challenge(struct req *r)
{
	return brake_challenge(r);
}

int
h_session_get(struct req *r)
{
	return session_answer(r, 200, r->user->csrf);
}

int
h_session_delete(struct req *r)
{
	int rc = auth_logout(r);

	if (rc < 0)
		return resp_db_error(r, rc);
	return resp_empty(r, 204);
}
