/*
 * h_cert.c: certificates (issue 16): the public verification page
 * /certificates/<code> (and its .png and .pdf), its facts as JSON, a
 * participant's list, and for admins the contest's settings and all its
 * certificates as one ZIP.  The janitor draws them (cert_queue.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_queue.h"
#include "db_cert.h"
#include "handlers.h"
#include "html.h"
#include "input.h"
#include "jury.h"
#include "log.h"
#include "resp.h"
#include "resp_media.h"
#include "store.h"
#include "zip.h"

/* The largest file of one certificate the ZIP takes (a PDF with its
 * embedded font is ~0.4 MB, a PNG ~0.3 MB). */
#define CERT_FILE_MAX (8u << 20)

/* The certificate a path segment names: "<code>", "<code>.png" or
 * "<code>.pdf"; *suffix NULL for the page.  NULL when it names none. */
static const char *
cert_code(struct req *r, const char *seg, const char **suffix)
{
	size_t n = strlen(seg);

	*suffix = NULL;
	if (n == STORE_TOKEN_LEN + 4 &&
	    strcmp(seg + STORE_TOKEN_LEN, ".png") == 0)
		*suffix = CERT_PNG_SUFFIX;
	else if (n == STORE_TOKEN_LEN + 4 &&
	         strcmp(seg + STORE_TOKEN_LEN, ".pdf") == 0)
		*suffix = CERT_PDF_SUFFIX;
	else if (n != STORE_TOKEN_LEN)
		return NULL;
	seg = arena_strndup(r->a, seg, STORE_TOKEN_LEN);
	return seg != NULL && store_token_valid(seg) ? seg : NULL;
}

static int
cert_missing(struct req *r)
{
	return resp_error(r, 404, "no_certificate",
	                  "Không có giấy chứng nhận nào mang mã này.");
}

/*
 * The ready certificate a path segment names: 0 with *code, *suffix and
 * its facts (*json), or the status answered (404 no_certificate).
 */
static int
cert_lookup(struct req *r, const char **code, const char **suffix,
            const char **json)
{
	int rc;

	if ((*code = cert_code(r, r->seg[0], suffix)) == NULL)
		return cert_missing(r);
	rc = db_cert_public(r->db, r->a, *code, json);
	if (rc == DB_NONE)
		return cert_missing(r);
	return rc != DB_OK ? resp_db_error(r, rc) : 0;
}

/* GET /api/v1/certificates/<code>: the facts the page shows. */
int
h_cert_get(struct req *r)
{
	const char *suffix, *json, *code;
	int         rc;

	if ((rc = cert_lookup(r, &code, &suffix, &json)) != 0)
		return rc;
	if (suffix != NULL)
		return cert_missing(r);
	return resp_json(r, 200, input_db_json(json));
}

static const char *
field(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* The verification page: what the certificate certifies, and links. */
static int
cert_page(struct req *r, const char *code, json_t *o)
{
	struct html h;

	html_init(&h, r->a);
	html_raw(&h, "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta "
	             "charset=\"utf-8\">\n<meta name=\"viewport\" "
	             "content=\"width=device-width, initial-scale=1\">\n"
	             "<link rel=\"stylesheet\" href=\"/site.css\">\n<title>"
	             "Giấy chứng nhận – ");
	html_esc(&h, field(o, "author"));
	html_raw(&h,
	         "</title>\n</head>\n<body>\n<main id=\"main\" "
	         "class=\"wrap\">\n<h1>Giấy chứng nhận hợp lệ</h1>\n"
	         "<dl class=\"cert\">\n<dt>Cuộc thi</dt><dd id=\"contest\">");
	html_esc(&h, field(o, "contest_title"));
	html_raw(&h, "</dd>\n<dt>Trao cho</dt><dd id=\"author\">");
	html_esc(&h, field(o, "author"));
	html_raw(&h, "</dd>\n<dt>Giải</dt><dd id=\"label\">");
	html_esc(&h, field(o, "label"));
	html_raw(&h, "</dd>\n<dt>Ảnh dự thi</dt><dd id=\"entry\">");
	html_printf(
	    &h, "số %lld: ",
	    (long long)json_integer_value(json_object_get(o, "entry_number")));
	html_esc(&h, field(o, "entry_title"));
	html_raw(&h, "</dd>\n<dt>Ban tổ chức</dt><dd id=\"organiser\">");
	html_esc(&h, field(o, "organiser"));
	html_raw(&h, "</dd>\n<dt>Mã</dt><dd id=\"code\">");
	html_esc(&h, code);
	html_raw(&h, "</dd>\n</dl>\n<p><a class=\"btn\" href=\"/certificates/");
	html_esc(&h, code);
	html_raw(&h, ".pdf\">PDF</a> <a class=\"btn\" href=\"/certificates/");
	html_esc(&h, code);
	html_raw(&h, ".png\">PNG</a> <a class=\"btn\" href=\"/e/");
	html_printf(
	    &h, "%lld",
	    (long long)json_integer_value(json_object_get(o, "entry_id")));
	html_raw(&h, "\">Xem ảnh dự thi</a></p>\n</main>\n</body>\n</html>\n");
	if (h.failed)
		return resp_db_error(r, DB_ERR);
	return resp_html(r, 200, h.buf, h.len);
}

/* GET /certificates/<code>[.png|.pdf]: the public page or a file. */
int
h_cert_page(struct req *r)
{
	const char *suffix, *json, *code;
	json_t     *o;
	int         rc;

	if ((rc = cert_lookup(r, &code, &suffix, &json)) != 0)
		return rc;
	if (suffix != NULL)
		return resp_media(r, STORE_PRIV, code, suffix,
		                  strcmp(suffix, CERT_PNG_SUFFIX) == 0
		                      ? "image/png"
		                      : "application/pdf",
		                  NULL);
	if ((o = input_db_json(json)) == NULL)
		return resp_db_error(r, DB_ERR);
	rc = cert_page(r, code, o);
	json_decref(o);
	return rc;
}

/* GET /api/v1/me/certificates */
int
h_me_certificates(struct req *r)
{
	const char *json;
	int         rc = db_cert_of(r->db, r->a,
	                            arena_printf(r->a, "%lld", r->user->id), &json);

	if (rc != DB_OK)
		return resp_db_error(r, rc < 0 ? rc : DB_ERR);
	return resp_json(r, 200, input_db_json(json));
}

enum cs_field {
	CS_ORGANISER, /* CS_ORGANISER: the name printed as the organiser */
	CS_ALL,       /* CS_ALL: every approved participant gets one */
	CS__MAX
};

static const char *const cs_bools[] = {"false", "true", NULL};

static const struct valid_field cs_fields[CS__MAX] = {
    {"organiser", valid_f_line, 1, 200, 0, NULL},
    {"all_participants", valid_f_choice, 0, 0, 0, cs_bools},
};

/* PUT /api/v1/contests/{slug}/certificates */
int
h_cert_settings(struct req *r)
{
	struct valid_value    v[CS__MAX];
	struct contest_access jc;
	struct db_actor       by;
	struct kv            *kv;
	size_t                n;
	const char           *json;
	int                   rc;

	if ((rc = input_body(r, &kv, &n)) != 0 ||
	    (rc = input_check(r, cs_fields, CS__MAX, kv, n, v)) != 0 ||
	    (rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	by = jury_actor(r);
	rc = db_cert_settings(
	    r->db, r->a, jc.id,
	    v[CS_ORGANISER].present ? v[CS_ORGANISER].s : NULL,
	    v[CS_ALL].present ? cs_bools[v[CS_ALL].i] : NULL, &by, &json);
	if (rc != DB_OK)
		return resp_db_error(r, rc < 0 ? rc : DB_ERR);
	return resp_json(r, 200, input_db_json(json));
}

/* Adds certificate code's file suffix as name; 0 or -1. */
static int
zip_file(struct req *r, struct zip *z, const char *code, const char *suffix,
         const char *name)
{
	unsigned char *data = NULL;
	size_t         len = 0;
	int            rc;

	if (name == NULL)
		return -1;
	if (store_read(r->store, STORE_PRIV, code, suffix, CERT_FILE_MAX, &data,
	               &len) != 0) {
		log_msg("error", "req=%s certificate %s%s unreadable", r->id,
		        code, suffix);
		return -1;
	}
	rc = zip_add(z, name, data, len);
	free(data);
	return rc;
}

/* GET /api/v1/contests/{slug}/certificates.zip: every ready certificate
 * of the contest, PDF and PNG, named <number>-<track>-<place>-<code>. */
int
h_cert_zip(struct req *r)
{
	struct contest_access jc;
	struct db_table       t = {0};
	struct zip            z;
	const unsigned char  *out;
	size_t                len;
	int                   rc;

	if ((rc = jury_contest(r, r->seg[0], &jc)) != 0)
		return rc;
	if ((rc = db_cert_list(r->db, r->a, jc.id, &t)) < 0)
		return resp_db_error(r, rc);
	zip_init(&z);
	for (int i = 0; i < t.nrows; i++) {
		const char *code = t.cells[(size_t)i * (size_t)t.ncols];
		const char *stem = t.cells[(size_t)i * (size_t)t.ncols + 1];
		const char *base = arena_printf(r->a, "%s-%s", stem, code);

		if (base == NULL ||
		    zip_file(r, &z, code, CERT_PDF_SUFFIX,
		             arena_printf(r->a, "%s.pdf", base)) != 0 ||
		    zip_file(r, &z, code, CERT_PNG_SUFFIX,
		             arena_printf(r->a, "%s.png", base)) != 0) {
			zip_free(&z);
			return resp_error(r, 500, "internal",
			                  "Không gói được các giấy chứng nhận; "
			                  "hãy thử lại sau ít phút.");
		}
	}
	if (zip_finish(&z, &out, &len) != 0) {
		zip_free(&z);
		return resp_db_error(r, DB_ERR);
	}
	rc = resp_bytes(
	    r, 200, "application/zip",
	    arena_printf(r->a, "attachment; filename=\"chung-nhan-%s.zip\"",
	                 r->seg[0]),
	    out, len);
	zip_free(&z);
	return rc;
}
