/*
 * valid.c: pure validators (UTF-8, text, names, numbers, times) and the
 * field-table checker valid_kv().  Nothing here allocates or keeps state;
 * every function reads exactly the bytes it is given.
 */
#include "valid.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#define VALID_USERNAME_MIN 3
#define VALID_USERNAME_MAX 32
#define VALID_PASSWORD_MIN 8
#define VALID_PASSWORD_MAX 128
#define VALID_EMAIL_MAX    254
#define VALID_EMAIL_LOCAL  64
#define VALID_DOMAIN_LABEL 63
#define VALID_PHONE_MIN    6
#define VALID_PHONE_MAX    20
#define VALID_VN_OFFSET    (7 * 3600) /* UTC+07:00, no daylight saving */

/*
 * Decodes one code point from s[0..len) (len >= 1) strictly.  Returns the
 * number of bytes used (1..4) and sets *cp, or 0 if the bytes are not the
 * shortest encoding of a scalar value.  NUL decodes as U+0000 here; the
 * callers refuse it.
 */
static size_t
utf8_next(const uint8_t *s, size_t len, uint32_t *cp)
{
	uint8_t  c = s[0], lo = 0x80, hi = 0xBF;
	size_t   n, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1Fu;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0Fu;
		if (c == 0xE0)
			lo = 0xA0; /* overlong below U+0800 */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates U+D800..U+DFFF */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07u;
		if (c == 0xF0)
			lo = 0x90; /* overlong below U+10000 */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else
		return 0; /* continuation byte, C0, C1 or F5..FF */
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		uint8_t b = s[i];

		if (b < lo || b > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
		v = (v << 6) | (b & 0x3Fu);
	}
	*cp = v;
	return n;
}

int
valid_utf8(const uint8_t *s, size_t len)
{
	size_t   i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (s[i] != 0 && s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_next(s + i, len - i, &cp)) == 0 || cp == 0)
			return 0;
		i += n;
	}
	return 1;
}

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

int
valid_username(const char *s, size_t len)
{
	size_t i;

	if (len < VALID_USERNAME_MIN || len > VALID_USERNAME_MAX)
		return 0;
	if (!is_alnum((unsigned char)s[0]))
		return 0;
	for (i = 1; i < len; i++) {
		int c = (unsigned char)s[i];

		if (!is_alnum(c) && c != '_' && c != '.' && c != '-')
			return 0;
	}
	return 1;
}

int
valid_password(const char *s, size_t len)
{
	if (len < VALID_PASSWORD_MIN || len > VALID_PASSWORD_MAX)
		return 0;
	return valid_utf8((const uint8_t *)s, len);
}

/* Code points refused in any human text besides the C0/C1 controls. */
static int
is_refused_format(uint32_t cp)
{
	return cp == 0x2028 || cp == 0x2029 ||   /* line/para separators */
	       (cp >= 0x202A && cp <= 0x202E) || /* bidi embed/override */
	       (cp >= 0x2066 && cp <= 0x2069);   /* bidi isolates */
}

/* White space and characters that display as nothing. */
static int
is_blank(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200F) || cp == 0x202F || cp == 0x205F ||
	       cp == 0x2060 || cp == 0x3000 || cp == 0xFEFF || cp == 0x061C ||
	       cp == 0x115F || cp == 0x1160 || cp == 0x2800 || cp == 0x3164 ||
	       cp == 0xFFA0 || cp == '\n' || cp == '\r';
}

/*
 * Shared by valid_line and valid_block: counts code points into *chars and
 * whether any is not blank into *visible.  multiline allows \t, \n, \r\n.
 */
static int
text_scan(const uint8_t *s, size_t len, int multiline, size_t *chars,
          int *visible)
{
	size_t   i = 0, n;
	uint32_t cp;

	*chars = 0;
	*visible = 0;
	while (i < len) {
		if ((n = utf8_next(s + i, len - i, &cp)) == 0)
			return 0;
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
			if (!multiline)
				return 0;
			if (cp == '\r') {
				if (i + 1 >= len || s[i + 1] != '\n')
					return 0;
				n = 2; /* "\r\n" is one character */
			} else if (cp != '\n' && cp != '\t')
				return 0;
		} else if (is_refused_format(cp))
			return 0;
		if (!is_blank(cp))
			*visible = 1;
		(*chars)++;
		i += n;
	}
	return 1;
}

int
valid_line(const char *s, size_t len, size_t min_chars, size_t max_chars)
{
	size_t chars;
	int    visible;

	if (!text_scan((const uint8_t *)s, len, 0, &chars, &visible))
		return 0;
	if (chars < min_chars || chars > max_chars)
		return 0;
	return min_chars == 0 || visible;
}

int
valid_block(const char *s, size_t len, size_t max_chars)
{
	size_t chars;
	int    visible;

	if (!text_scan((const uint8_t *)s, len, 1, &chars, &visible))
		return 0;
	return chars <= max_chars;
}

static int
is_slug_end(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

int
valid_slug(const char *s, size_t len)
{
	size_t i;

	if (len < VALID_SLUG_MIN || len > VALID_SLUG_MAX)
		return 0;
	if (!is_slug_end((unsigned char)s[0]) ||
	    !is_slug_end((unsigned char)s[len - 1]))
		return 0;
	for (i = 1; i + 1 < len; i++)
		if (!is_slug_end((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

int
valid_int(const char *s, size_t len, long long min, long long max,
          long long *out)
{
	unsigned long long v = 0, lim;
	size_t             i = 0;
	int                neg = 0;
	long long          r;

	if (len > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i >= len)
		return 0;
	if (s[i] == '0' && (len - i > 1 || neg))
		return 0; /* leading zero or "-0" */
	lim = neg ? (unsigned long long)LLONG_MAX + 1u
	          : (unsigned long long)LLONG_MAX;
	for (; i < len; i++) {
		unsigned d;

		if (!is_digit((unsigned char)s[i]))
			return 0;
		d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	if (neg)
		r = v == (unsigned long long)LLONG_MAX + 1u ? LLONG_MIN
		                                            : -(long long)v;
	else
		r = (long long)v;
	if (r < min || r > max)
		return 0;
	if (out != NULL)
		*out = r;
	return 1;
}

int
valid_id_list(const char *s, size_t len, size_t max, char *out, size_t outlen)
{
	size_t n = 0, start = 0;

	if (len == 0 || outlen < len + 3)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != ',')
			continue;
		if (++n > max ||
		    !valid_int(s + start, i - start, 1, LLONG_MAX, NULL))
			return 0;
		start = i + 1;
	}
	out[0] = '{';
	memcpy(out + 1, s, len);
	out[len + 1] = '}';
	out[len + 2] = '\0';
	return (int)n;
}

static int
is_label_char(int c)
{
	return is_alnum(c) || c == '-';
}

int
valid_email(const char *s, size_t len)
{
	size_t at = len, i, label = 0, dots = 0;

	if (len == 0 || len > VALID_EMAIL_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c == '@') {
			if (at != len)
				return 0; /* a second '@' */
			at = i;
		} else if (c <= 0x20 || c >= 0x7F ||
		           memchr("\"(),:;<>[\\]", c, 12) != NULL)
			return 0;
	}
	if (at == 0 || at == len || at > VALID_EMAIL_LOCAL)
		return 0;
	/* The domain: labels of [A-Za-z0-9-], not starting or ending in
	 * '-', separated by single dots, at least two labels. */
	for (i = at + 1; i <= len; i++) {
		int c = i < len ? (unsigned char)s[i] : '.';

		if (c == '.') {
			if (label == 0 || label > VALID_DOMAIN_LABEL ||
			    s[i - 1] == '-' || s[i - label] == '-')
				return 0;
			label = 0;
			dots++;
		} else if (is_label_char(c))
			label++;
		else
			return 0;
	}
	return dots >= 2; /* the virtual final dot counts once */
}

int
valid_phone(const char *s, size_t len)
{
	size_t i = 0, digits = 0;
	int    prev_digit = 0;

	if (len > 0 && s[0] == '+')
		i = 1;
	for (; i < len; i++) {
		int c = (unsigned char)s[i];

		if (is_digit(c)) {
			digits++;
			prev_digit = 1;
		} else if ((c == ' ' || c == '-') && prev_digit)
			prev_digit = 0;
		else
			return 0;
	}
	return prev_digit && digits >= VALID_PHONE_MIN &&
	       digits <= VALID_PHONE_MAX;
}

/* Reads exactly n digits at s into *v; 0 if any is not a digit. */
static int
digits_at(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static long long
days_from_civil(int y, int m, int d)
{
	long long yy = y - (m <= 2);
	long long era = (yy >= 0 ? yy : yy - 399) / 400;
	long long yoe = yy - era * 400;
	long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

int
valid_timestamp(const char *s, size_t len, long long *epoch)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
	                              31, 31, 30, 31, 30, 31};
	int              y, mo, d, h, mi, sec = 0, oh, om, dim;
	size_t           i;
	long long        off = VALID_VN_OFFSET, t;

	/* YYYY-MM-DDTHH:MM is 16 bytes. */
	if (len < 16 || !digits_at(s, 4, &y) || s[4] != '-' ||
	    !digits_at(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits_at(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
	    !digits_at(s + 11, 2, &h) || s[13] != ':' ||
	    !digits_at(s + 14, 2, &mi))
		return 0;
	i = 16;
	if (i < len && s[i] == ':') {
		if (len - i < 3 || !digits_at(s + i + 1, 2, &sec))
			return 0;
		i += 3;
	}
	if (i < len) {
		if (s[i] == 'Z' && len - i == 1)
			off = 0;
		else if ((s[i] == '+' || s[i] == '-') && len - i == 6 &&
		         digits_at(s + i + 1, 2, &oh) && s[i + 3] == ':' &&
		         digits_at(s + i + 4, 2, &om) && oh <= 23 && om <= 59) {
			off = (long long)oh * 3600 + om * 60;
			if (s[i] == '-')
				off = -off;
		} else
			return 0;
	}
	if (y < 1 || mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59)
		return 0;
	dim = mdays[mo - 1] + (mo == 2 && is_leap(y));
	if (d < 1 || d > dim)
		return 0;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	if (epoch != NULL)
		*epoch = t - off;
	return 1;
}

/* Characters are counted as code points, and bounds are clamped to the
 * size_t range so a negative min in a table means 0. */
static size_t
bound(long long v)
{
	return v < 0 ? 0 : (size_t)v;
}

const char *
valid_f_line(const char *s, size_t len, const struct valid_field *f,
             struct valid_value *out)
{
	(void)out;
	if (!valid_line(s, len, 0, SIZE_MAX))
		return "is not a single line of text";
	if (!valid_line(s, len, 0, bound(f->max)))
		return "is too long";
	if (f->min > 0 && !valid_line(s, len, 1, SIZE_MAX))
		return "is blank";
	if (!valid_line(s, len, bound(f->min), bound(f->max)))
		return "is too short";
	return NULL;
}

const char *
valid_f_block(const char *s, size_t len, const struct valid_field *f,
              struct valid_value *out)
{
	(void)out;
	if (!valid_block(s, len, SIZE_MAX))
		return "is not valid text";
	if (!valid_block(s, len, bound(f->max)))
		return "is too long";
	return NULL;
}

const char *
valid_f_username(const char *s, size_t len, const struct valid_field *f,
                 struct valid_value *out)
{
	(void)f;
	(void)out;
	return valid_username(s, len) ? NULL
	                              : "must be 3-32 letters, digits, '_', "
	                                "'.' or '-', starting with a letter "
	                                "or digit";
}

const char *
valid_f_password(const char *s, size_t len, const struct valid_field *f,
                 struct valid_value *out)
{
	(void)f;
	(void)out;
	return valid_password(s, len) ? NULL : "must be 8-128 bytes of text";
}

const char *
valid_f_slug(const char *s, size_t len, const struct valid_field *f,
             struct valid_value *out)
{
	(void)f;
	(void)out;
	return valid_slug(s, len) ? NULL
	                          : "must be 2-64 of a-z, 0-9 and '-', "
	                            "not starting or ending with '-'";
}

const char *
valid_f_email(const char *s, size_t len, const struct valid_field *f,
              struct valid_value *out)
{
	(void)f;
	(void)out;
	return valid_email(s, len) ? NULL : "is not an e-mail address";
}

const char *
valid_f_phone(const char *s, size_t len, const struct valid_field *f,
              struct valid_value *out)
{
	(void)f;
	(void)out;
	return valid_phone(s, len) ? NULL : "is not a phone number";
}

const char *
valid_f_base64(const char *s, size_t len, const struct valid_field *f,
               struct valid_value *out)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, pad = 0;

	(void)out;
	if (len < (size_t)f->min || len > (size_t)f->max || len % 4 != 0)
		return "is not base64 text of the expected length";
	for (i = 0; i < len; i++) {
		if (s[i] == '=' && i + 2 >= len)
			pad++;
		else if (pad > 0 || s[i] == '\0' ||
		         strchr(alphabet, s[i]) == NULL)
			return "is not base64 text";
	}
	return NULL;
}

const char *
valid_f_int(const char *s, size_t len, const struct valid_field *f,
            struct valid_value *out)
{
	if (!valid_int(s, len, LLONG_MIN, LLONG_MAX, NULL))
		return "is not a whole number";
	if (!valid_int(s, len, f->min, f->max, &out->i))
		return "is out of range";
	return NULL;
}

const char *
valid_f_timestamp(const char *s, size_t len, const struct valid_field *f,
                  struct valid_value *out)
{
	(void)f;
	return valid_timestamp(s, len, &out->i)
	           ? NULL
	           : "is not a time like 2025-03-01T08:00[+07:00]";
}

const char *
valid_f_choice(const char *s, size_t len, const struct valid_field *f,
               struct valid_value *out)
{
	size_t i;

	for (i = 0; f->choices != NULL && f->choices[i] != NULL; i++)
		if (strlen(f->choices[i]) == len &&
		    memcmp(f->choices[i], s, len) == 0) {
			out->i = (long long)i;
			return NULL;
		}
	return "is not one of the allowed values";
}

int
valid_kv(const struct valid_field *fields, size_t nfields, const struct kv *kv,
         size_t nkv, struct valid_value *out, struct valid_error *err)
{
	size_t f, j;

	if (err != NULL) {
		err->field = NULL;
		err->reason = NULL;
	}
	for (f = 0; f < nfields; f++) {
		const struct valid_field *fd = &fields[f];
		const struct kv          *hit = NULL;
		const char               *why = NULL;
		size_t                    klen = strlen(fd->name);

		out[f].present = 0;
		out[f].s = "";
		out[f].len = 0;
		out[f].i = 0;
		for (j = 0; j < nkv && why == NULL; j++) {
			if (kv[j].keylen != klen ||
			    memcmp(kv[j].key, fd->name, klen) != 0)
				continue;
			if (hit != NULL)
				why = "is given more than once";
			hit = &kv[j];
		}
		if (why == NULL && (hit == NULL || hit->vallen == 0)) {
			if (fd->flags & VALID_REQUIRED)
				why = "is required";
			else
				continue;
		}
		if (why == NULL)
			why = fd->check(hit->val, hit->vallen, fd, &out[f]);
		if (why != NULL) {
			if (err != NULL) {
				err->field = fd->name;
				err->reason = why;
			}
			return 0;
		}
		out[f].present = 1;
		out[f].s = hit->val;
		out[f].len = hit->vallen;
	}
	return 1;
}

/* Parses an address into 16 bytes (IPv4 as ::ffff:a.b.c.d); 4 or 6. */
static int
addr_parse(const char *s, unsigned char out[16])
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0,    0,
	                                         0, 0, 0, 0, 0xff, 0xff};

	if (strchr(s, ':') == NULL) {
		memcpy(out, mapped, sizeof(mapped));
		return inet_pton(AF_INET, s, out + 12) == 1 ? 4 : 0;
	}
	if (inet_pton(AF_INET6, s, out) != 1)
		return 0;
	return memcmp(out, mapped, sizeof(mapped)) == 0 ? 4 : 6;
}

/* 1 when the first bits bits of a and b agree. */
static int
prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[whole] ^ b[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

/* 1 when addr (parsed, family fam) lies in block (n bytes of text). */
static int
addr_in_block(const unsigned char addr[16], int fam, const char *block,
              size_t n)
{
	char          one[INET6_ADDRSTRLEN + 8];
	unsigned char net[16];
	char         *slash;
	int           bfam, bits;

	if (n >= sizeof(one))
		return 0;
	memcpy(one, block, n);
	one[n] = '\0';
	bits = -1;
	if ((slash = strchr(one, '/')) != NULL) {
		long long b;

		if (!valid_int(slash + 1, strlen(slash + 1), 0, 128, &b))
			return 0;
		bits = (int)b;
		*slash = '\0';
	}
	if ((bfam = addr_parse(one, net)) == 0 || bfam != fam)
		return 0;
	if (bits < 0)
		bits = fam == 4 ? 32 : 128;
	if (bits > (fam == 4 ? 32 : 128))
		return 0;
	return prefix_equal(addr, net, fam == 4 ? 96 + bits : bits);
}

int
valid_addr_in(const char *list, const char *addr)
{
	unsigned char a[16];
	int           fam;
	const char   *p = list;

	if (list == NULL || addr == NULL || (fam = addr_parse(addr, a)) == 0)
		return 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ", \t");

		if (n > 0 && addr_in_block(a, fam, p, n))
			return 1;
		p += n > 0 ? n : 1;
	}
	return 0;
}
