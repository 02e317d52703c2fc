/*
 * zip.c: a stored-only ZIP writer (zip.h), after APPNOTE.TXT 6.3: a local
 * header and the data per file, then the central directory and its end
 * record.  Times are a fixed 1980-01-01 00:00 (the archive is made on
 * demand; the files' own dates are not worth a clock read per entry).
 */
#include "zip.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define ZIP_LOCAL_SIG 0x04034b50u
#define ZIP_CDIR_SIG  0x02014b50u
#define ZIP_END_SIG   0x06054b50u
#define ZIP_VERSION   20     /* 2.0: what a stored file needs */
#define ZIP_DOS_DATE  0x0021 /* 1980-01-01 */

void
zip_init(struct zip *z)
{
	memset(z, 0, sizeof(*z));
}

void
zip_free(struct zip *z)
{
	free(z->buf);
	free(z->dir);
	zip_init(z);
}

/* Appends n bytes to *b (len, cap), growing it; -1 when out of memory. */
static int
put(unsigned char **b, size_t *len, size_t *cap, const void *p, size_t n)
{
	if (n > SIZE_MAX - *len)
		return -1;
	if (*len + n > *cap) {
		size_t         c = *cap ? *cap : 4096;
		unsigned char *nb;

		while (c < *len + n)
			c = c > SIZE_MAX / 2 ? *len + n : c * 2;
		if ((nb = realloc(*b, c)) == NULL)
			return -1;
		*b = nb;
		*cap = c;
	}
	memcpy(*b + *len, p, n);
	*len += n;
	return 0;
}

static unsigned char *
le16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v & 255);
	p[1] = (unsigned char)((v >> 8) & 255);
	return p + 2;
}

static unsigned char *
le32(unsigned char *p, uint32_t v)
{
	p = le16(p, v & 0xffffu);
	return le16(p, (v >> 16) & 0xffffu);
}

static int
name_ok(const char *name, size_t n)
{
	if (n == 0 || n > 255 || name[0] == '/')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-' || c == '/'))
			return 0;
	}
	return strstr(name, "..") == NULL;
}

int
zip_add(struct zip *z, const char *name, const void *data, size_t len)
{
	unsigned char h[46], *p;
	size_t        n = strlen(name), at = z->len;
	uint32_t      crc;

	if (z->failed || z->n >= ZIP_MAX_ENTRIES || !name_ok(name, n) ||
	    len > ZIP_MAX_BYTES || at > ZIP_MAX_BYTES - 30 - n - len)
		goto fail;
	crc = (uint32_t)crc32(0L, data, (uInt)len);
	/* local file header */
	p = le32(h, ZIP_LOCAL_SIG);
	p = le16(p, ZIP_VERSION);
	p = le16(p, 0);            /* flags */
	p = le16(p, 0);            /* method: stored */
	p = le16(p, 0);            /* time */
	p = le16(p, ZIP_DOS_DATE); /* date */
	p = le32(p, crc);
	p = le32(p, (uint32_t)len); /* compressed */
	p = le32(p, (uint32_t)len); /* uncompressed */
	p = le16(p, (unsigned)n);
	p = le16(p, 0); /* extra */
	if (put(&z->buf, &z->len, &z->cap, h, (size_t)(p - h)) != 0 ||
	    put(&z->buf, &z->len, &z->cap, name, n) != 0 ||
	    put(&z->buf, &z->len, &z->cap, data, len) != 0)
		goto fail;
	/* its central directory record */
	p = le32(h, ZIP_CDIR_SIG);
	p = le16(p, ZIP_VERSION); /* made by */
	p = le16(p, ZIP_VERSION); /* needed */
	p = le16(p, 0);
	p = le16(p, 0);
	p = le16(p, 0);
	p = le16(p, ZIP_DOS_DATE);
	p = le32(p, crc);
	p = le32(p, (uint32_t)len);
	p = le32(p, (uint32_t)len);
	p = le16(p, (unsigned)n);
	p = le16(p, 0); /* extra */
	p = le16(p, 0); /* comment */
	p = le16(p, 0); /* disk */
	p = le16(p, 0); /* internal attributes */
	p = le32(p, 0); /* external attributes */
	p = le32(p, (uint32_t)at);
	if (put(&z->dir, &z->dlen, &z->dcap, h, (size_t)(p - h)) != 0 ||
	    put(&z->dir, &z->dlen, &z->dcap, name, n) != 0)
		goto fail;
	z->n++;
	return 0;
fail:
	z->failed = 1;
	return -1;
}

int
zip_finish(struct zip *z, const unsigned char **out, size_t *len)
{
	unsigned char e[22], *p;
	size_t        at = z->len;

	if (z->failed || at > ZIP_MAX_BYTES || z->dlen > ZIP_MAX_BYTES - at)
		return -1;
	p = le32(e, ZIP_END_SIG);
	p = le16(p, 0);
	p = le16(p, 0);
	p = le16(p, z->n);
	p = le16(p, z->n);
	p = le32(p, (uint32_t)z->dlen);
	p = le32(p, (uint32_t)at);
	p = le16(p, 0); /* comment */
	if ((z->dlen > 0 &&
	     put(&z->buf, &z->len, &z->cap, z->dir, z->dlen) != 0) ||
	    put(&z->buf, &z->len, &z->cap, e, (size_t)(p - e)) != 0) {
		z->failed = 1;
		return -1;
	}
	*out = z->buf;
	*len = z->len;
	return 0;
}
