/*
 * unitcsv.c: the unit CSV reader (unitcsv.h).  One pass over the bytes:
 * a record is read cell by cell into a small buffer, its first line's
 * number kept for the messages.
 */
#include "unitcsv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "valid.h"

/* The columns unit_import() knows, and the names a header may use. */
static const struct {
	const char *key;
	const char *alias[3];
	int         required;
} ucsv_cols[] = {
    {"code", {"ma", "mã", NULL}, 1},
    {"name", {"ten", "tên", NULL}, 1},
    {"kind", {"loai", "loại", NULL}, 1},
    {"short_name", {"shortname", "ten_viet_tat", NULL}, 0},
    {"parent", {"parent_code", "ma_cap_tren", NULL}, 0},
    {"valid_from", {"from", "tu_ngay", NULL}, 0},
    {"valid_to", {"to", "den_ngay", NULL}, 0},
    {"successors", {"successor_codes", "ke_thua", NULL}, 0},
    {"members", {"so_doan_vien", NULL, NULL}, 0},
    {"members_as_of", {"members_date", NULL, NULL}, 0},
};
#define UCSV_NCOLS (sizeof(ucsv_cols) / sizeof(ucsv_cols[0]))
/* Cells of one record at most (a wider row is an error). */
#define UCSV_MAX_CELLS 32

struct ucsv {
	const char *p, *end;
	char        sep;
	long        line; /* the line the reader is on */
	char       *cell[UCSV_MAX_CELLS];
	size_t      ncell;
	json_t     *errors;
	long        nerrors;
	int         oom;
};

static void
ucsv_error(struct ucsv *u, long line, const char *msg)
{
	json_t *e;

	u->nerrors++;
	if (json_array_size(u->errors) >= UNITCSV_MAX_ERRORS)
		return;
	e = json_pack("{s:I,s:s}", "line", (json_int_t)line, "message", msg);
	if (e == NULL || json_array_append_new(u->errors, e) != 0)
		u->oom = 1;
}

static void
ucsv_free_cells(struct ucsv *u)
{
	for (size_t i = 0; i < u->ncell; i++)
		free(u->cell[i]);
	u->ncell = 0;
}

/*
 * Reads one cell at u->p into a new string; *last is set when the record
 * ends after it.  Returns NULL with *why on a malformed cell.
 */
static char *
ucsv_cell(struct ucsv *u, int *last, const char **why)
{
	size_t cap = 64, n = 0;
	char  *s = malloc(cap);
	int    quoted = 0;

	*last = 0;
	*why = NULL;
	if (s == NULL) {
		u->oom = 1;
		return NULL;
	}
	if (u->p < u->end && *u->p == '"') {
		quoted = 1;
		u->p++;
	}
	for (;;) {
		char c;

		if (u->p >= u->end) {
			if (quoted)
				*why = "dấu ngoặc kép không được đóng";
			*last = 1;
			break;
		}
		c = *u->p;
		if (quoted && c == '"') {
			if (u->p + 1 < u->end && u->p[1] == '"') {
				u->p += 2;
				c = '"';
			} else {
				quoted = 0;
				u->p++;
				if (u->p < u->end && *u->p != u->sep &&
				    *u->p != '\r' && *u->p != '\n')
					*why =
					    "có ký tự sau dấu ngoặc kép đóng";
				continue;
			}
		} else if (!quoted && c == u->sep) {
			u->p++;
			break;
		} else if (!quoted && (c == '\r' || c == '\n')) {
			u->p +=
			    c == '\r' && u->p + 1 < u->end && u->p[1] == '\n'
			        ? 2
			        : 1;
			u->line++;
			*last = 1;
			break;
		} else {
			if (c == '\n')
				u->line++;
			u->p++;
		}
		if (n + 1 >= cap) {
			char *t;

			if (cap >= UNITCSV_MAX_CELL + 2) {
				*why = "có một ô dài quá 2000 byte";
				continue;
			}
			cap *= 2;
			if ((t = realloc(s, cap)) == NULL) {
				free(s);
				u->oom = 1;
				return NULL;
			}
			s = t;
		}
		s[n++] = c;
	}
	s[n] = '\0';
	if (*why != NULL) {
		free(s);
		return NULL;
	}
	return s;
}

/*
 * Reads one record into u->cell.  Returns 1 when one was read, 0 at the
 * end; *bad names what was wrong with it (NULL: nothing).
 */
static int
ucsv_record(struct ucsv *u, const char **bad)
{
	int last = 0;

	ucsv_free_cells(u);
	*bad = NULL;
	if (u->p >= u->end)
		return 0;
	while (!last) {
		const char *why;
		char       *c = ucsv_cell(u, &last, &why);

		if (c == NULL) {
			if (u->oom)
				return 0;
			*bad = why;
			/* Skip to the end of the physical line. */
			while (u->p < u->end && *u->p != '\n')
				u->p++;
			if (u->p < u->end) {
				u->p++;
				u->line++;
			}
			return 1;
		}
		if (u->ncell == UCSV_MAX_CELLS) {
			free(c);
			*bad = "có quá nhiều ô";
			continue;
		}
		u->cell[u->ncell++] = c;
	}
	return 1;
}

/* The header cell s lowercased and trimmed, spaces as underscores. */
static void
ucsv_key(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s != '\0' && n + 1 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		out[n++] = c == ' ' || c == '-'     ? '_'
		           : (c >= 'A' && c <= 'Z') ? (char)(c + 32)
		                                    : (char)c;
	}
	while (n > 0 && out[n - 1] == '_')
		n--;
	out[n] = '\0';
}

/* Which column header cell s names, or -1. */
static int
ucsv_column(const char *s)
{
	char key[64];

	ucsv_key(s, key, sizeof(key));
	for (size_t i = 0; i < UCSV_NCOLS; i++) {
		if (strcmp(key, ucsv_cols[i].key) == 0)
			return (int)i;
		for (int k = 0; k < 3 && ucsv_cols[i].alias[k] != NULL; k++)
			if (strcmp(key, ucsv_cols[i].alias[k]) == 0)
				return (int)i;
	}
	return -1;
}

/* Reads the header into map (cell index -> column); 0, or -1 if bad. */
static int
ucsv_header(struct ucsv *u, int *map, size_t *nmap)
{
	const char *bad;
	int         seen[UCSV_NCOLS] = {0};
	int         ok = 1;

	if (!ucsv_record(u, &bad) || bad != NULL) {
		ucsv_error(u, 1,
		           bad ? bad
		               : "tệp trống: dòng đầu phải là tiêu đề (code, "
		                 "name, kind, ...)");
		return -1;
	}
	for (size_t i = 0; i < u->ncell; i++) {
		int c = ucsv_column(u->cell[i]);

		map[i] = c;
		if (c < 0 && u->cell[i][0] != '\0') {
			ucsv_error(u, 1,
			           "tiêu đề có một cột lạ; các cột là code, "
			           "name, kind, short_name, parent, "
			           "valid_from, valid_to, successors, "
			           "members, members_as_of");
			ok = 0;
		} else if (c >= 0 && seen[c]++) {
			ucsv_error(u, 1, "tiêu đề có một cột hai lần");
			ok = 0;
		}
	}
	*nmap = u->ncell;
	for (size_t k = 0; k < UCSV_NCOLS; k++)
		if (ucsv_cols[k].required && !seen[k]) {
			ucsv_error(u, 1,
			           "tiêu đề thiếu cột bắt buộc (code, name, "
			           "kind)");
			ok = 0;
			break;
		}
	return ok ? 0 : -1;
}

/* The separator: the header's first comma or semicolon. */
static char
ucsv_sep(const char *p, const char *end)
{
	for (; p < end && *p != '\n'; p++)
		if (*p == ',' || *p == ';' || *p == '\t')
			return *p;
	return ',';
}

/* Turns the record in u->cell into a row object, or reports it. */
static void
ucsv_row(struct ucsv *u, long line, const int *map, size_t nmap, json_t *rows)
{
	json_t *o;
	int     empty = 1;

	for (size_t i = 0; i < u->ncell; i++)
		if (strspn(u->cell[i], " \t") != strlen(u->cell[i]))
			empty = 0;
	if (empty)
		return; /* a blank line, or ";;;" as a spreadsheet saves one */
	if (u->ncell > nmap) {
		ucsv_error(u, line, "dòng có nhiều ô hơn tiêu đề");
		return;
	}
	for (size_t i = 0; i < u->ncell; i++)
		if (!valid_utf8((const uint8_t *)u->cell[i],
		                strlen(u->cell[i]))) {
			ucsv_error(u, line,
			           "dòng không phải văn bản UTF-8 (hãy "
			           "lưu tệp dạng CSV UTF-8)");
			return;
		}
	o = json_pack("{s:I}", "line", (json_int_t)line);
	if (o == NULL) {
		u->oom = 1;
		return;
	}
	for (size_t i = 0; i < u->ncell; i++)
		if (map[i] >= 0 &&
		    json_object_set_new(o, ucsv_cols[map[i]].key,
		                        json_string(u->cell[i])) != 0)
			u->oom = 1;
	if (json_array_append_new(rows, o) != 0)
		u->oom = 1;
}

int
unitcsv_parse(const char *buf, size_t len, json_t **rows, json_t **errors)
{
	struct ucsv u = {.p = buf, .end = buf + len, .line = 1};
	int         map[UCSV_MAX_CELLS];
	size_t      nmap = 0;
	const char *bad;
	json_t     *out = json_array();

	u.errors = json_array();
	*rows = *errors = NULL;
	if (out == NULL || u.errors == NULL) {
		json_decref(out);
		json_decref(u.errors);
		return -1;
	}
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		u.p += 3; /* Excel's byte-order mark */
	u.sep = ucsv_sep(u.p, u.end);
	if (ucsv_header(&u, map, &nmap) == 0) {
		for (;;) {
			long line = u.line;

			if (!ucsv_record(&u, &bad) || u.oom)
				break;
			if (bad != NULL)
				ucsv_error(&u, line, bad);
			else
				ucsv_row(&u, line, map, nmap, out);
		}
	}
	ucsv_free_cells(&u);
	if (u.nerrors > UNITCSV_MAX_ERRORS)
		ucsv_error(&u, u.line, "còn nhiều dòng lỗi khác");
	if (u.oom) {
		json_decref(out);
		json_decref(u.errors);
		return -1;
	}
	*rows = out;
	*errors = u.errors;
	return 0;
}
