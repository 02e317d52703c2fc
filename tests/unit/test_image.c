/*
 * test_image.c: table-driven tests of cgi/image.c.  Synthetic headers check
 * the probe's verdicts without decoding (bombs, odd formats, truncation);
 * crafted TIFF blocks check the EXIF walker; the public corpora in
 * tests/data/ (NETDEP_TESTDATA_DIR, the checkout's absolute path given by
 * the Makefile, so the binary runs from any directory; $NETDEP_TESTDATA
 * overrides) check real decoders' edge cases, orientation and the
 * metadata-free output.
 */
#include <dirent.h>
#include <gd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "unit.h"

/* Built outside the Makefile: relative to the top of the checkout. */
#ifndef NETDEP_TESTDATA_DIR
#define NETDEP_TESTDATA_DIR "tests/data"
#endif

/* Limits as in an ordinary contest. */
static const struct image_limits lim_contest = {30000, 100000000, 800};
/* For the small corpus files: only the bomb limits. */
static const struct image_limits lim_small = {30000, 100000000, 1};

/* ---- byte builders ----------------------------------------------------- */

struct buf {
	uint8_t *b;
	size_t   n, cap;
};

static void
put(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		b->b = realloc(b->b, b->cap);
		if (b->b == NULL)
			abort();
	}
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void
put8(struct buf *b, unsigned v)
{
	uint8_t c = (uint8_t)v;
	put(b, &c, 1);
}

static void
put16be(struct buf *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static void
put32be(struct buf *b, uint32_t v)
{
	put16be(b, v >> 16);
	put16be(b, v & 0xffff);
}

static void
put16le(struct buf *b, unsigned v)
{
	put8(b, v);
	put8(b, v >> 8);
}

static void
put24le(struct buf *b, uint32_t v)
{
	put16le(b, v & 0xffff);
	put8(b, v >> 16);
}

static void
put32le(struct buf *b, uint32_t v)
{
	put16le(b, v & 0xffff);
	put16le(b, v >> 16);
}

static uint32_t
crc32_png(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	size_t   i;
	int      k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return c ^ 0xffffffffu;
}

static void
png_chunk(struct buf *b, const char *type, const void *data, uint32_t n,
          int bad_crc)
{
	size_t at;

	put32be(b, n);
	at = b->n;
	put(b, type, 4);
	if (n > 0)
		put(b, data, n);
	put32be(b, crc32_png(b->b + at, n + 4) ^ (bad_crc ? 1u : 0u));
}

/* flags: 1 bad IHDR CRC, 2 acTL, 4 no IDAT (IEND right away) */
static struct buf
mk_png(uint32_t w, uint32_t h, unsigned depth, unsigned ctype, int flags)
{
	struct buf b = {0};
	uint8_t    ihdr[13];

	put(&b, "\x89PNG\r\n\x1a\n", 8);
	ihdr[0] = (uint8_t)(w >> 24), ihdr[1] = (uint8_t)(w >> 16);
	ihdr[2] = (uint8_t)(w >> 8), ihdr[3] = (uint8_t)w;
	ihdr[4] = (uint8_t)(h >> 24), ihdr[5] = (uint8_t)(h >> 16);
	ihdr[6] = (uint8_t)(h >> 8), ihdr[7] = (uint8_t)h;
	ihdr[8] = (uint8_t)depth, ihdr[9] = (uint8_t)ctype;
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	png_chunk(&b, "IHDR", ihdr, 13, flags & 1);
	if (flags & 2)
		png_chunk(&b, "acTL", "\0\0\0\2\0\0\0\0", 8, 0);
	if (!(flags & 4))
		png_chunk(&b, "IDAT", "\x78\x9c", 2, 0);
	png_chunk(&b, "IEND", NULL, 0, 0);
	return b;
}

/* A JPEG header: SOF of the given kind, then `scans` tiny scans, EOI. */
static struct buf
mk_jpeg(unsigned sof, unsigned prec, uint32_t w, uint32_t h, unsigned ncomp,
        unsigned scans, int eoi)
{
	struct buf b = {0};
	unsigned   i;

	put(&b, "\xff\xd8", 2);
	put(&b, "\xff\xe0\x00\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 18);
	put8(&b, 0xff), put8(&b, sof);
	put16be(&b, 8 + 3 * ncomp);
	put8(&b, prec), put16be(&b, h), put16be(&b, w), put8(&b, ncomp);
	for (i = 0; i < ncomp; i++)
		put8(&b, i + 1), put8(&b, 0x11), put8(&b, 0);
	for (i = 0; i < scans; i++) {
		put(&b, "\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00", 10);
		put(&b, "\x12\xff\x00\x34\xff\xd0\x56", 7); /* stuffing, RST */
	}
	if (eoi)
		put(&b, "\xff\xd9", 2);
	return b;
}

static struct buf
mk_webp_vp8(uint32_t w, uint32_t h)
{
	struct buf b = {0};

	put(&b, "RIFF", 4), put32le(&b, 4 + 8 + 10), put(&b, "WEBP", 4);
	put(&b, "VP8 ", 4), put32le(&b, 10);
	put(&b, "\x10\x02\x00\x9d\x01\x2a", 6);
	put16le(&b, w), put16le(&b, h);
	return b;
}

static struct buf
mk_webp_vp8l(uint32_t w, uint32_t h)
{
	struct buf b = {0};

	put(&b, "RIFF", 4), put32le(&b, 4 + 8 + 6), put(&b, "WEBP", 4);
	put(&b, "VP8L", 4), put32le(&b, 5);
	put8(&b, 0x2f), put32le(&b, (w - 1) | (h - 1) << 14);
	put8(&b, 0); /* pad */
	return b;
}

/* VP8X canvas w x h, flags, optional ANIM chunk, then a VP8L of bw x bh. */
static struct buf
mk_webp_vp8x(uint32_t w, uint32_t h, unsigned flags, int anim, uint32_t bw,
             uint32_t bh)
{
	struct buf b = {0};

	put(&b, "RIFF", 4), put32le(&b, 0), put(&b, "WEBP", 4);
	put(&b, "VP8X", 4), put32le(&b, 10);
	put8(&b, flags), put24le(&b, 0), put24le(&b, w - 1), put24le(&b, h - 1);
	if (anim)
		put(&b, "ANIM", 4), put32le(&b, 6), put(&b, "\0\0\0\0\0\0", 6);
	put(&b, "VP8L", 4), put32le(&b, 5);
	put8(&b, 0x2f), put32le(&b, (bw - 1) | (bh - 1) << 14);
	put8(&b, 0);
	b.b[4] = (uint8_t)(b.n - 8), b.b[5] = (uint8_t)((b.n - 8) >> 8);
	return b;
}

static struct buf
mk_str(const char *s, size_t n)
{
	struct buf b = {0};

	put(&b, s, n);
	return b;
}

/* ---- probe ------------------------------------------------------------- */

struct probe_case {
	const char       *what;
	struct buf        in;
	enum image_result want;
	uint32_t          w, h; /* checked when want is IMAGE_OK */
};

static void
test_probe_synthetic(void)
{
	struct probe_case cases[] = {
	    {"png 20000x20000 (400 MP)", mk_png(20000, 20000, 8, 2, 0),
	     IMAGE_ERR_TOO_LARGE, 0, 0},
	    {"png 1000x900", mk_png(1000, 900, 8, 6, 0), IMAGE_OK, 1000, 900},
	    {"png 700x900 short side", mk_png(700, 900, 8, 2, 0),
	     IMAGE_ERR_TOO_SMALL, 0, 0},
	    {"png 40000x800 side", mk_png(40000, 800, 8, 2, 0),
	     IMAGE_ERR_TOO_LARGE, 0, 0},
	    {"png bad IHDR crc", mk_png(1000, 900, 8, 2, 1), IMAGE_ERR_CORRUPT,
	     0, 0},
	    {"png rgb depth 4", mk_png(1000, 900, 4, 2, 0), IMAGE_ERR_CORRUPT,
	     0, 0},
	    {"png colour type 5", mk_png(1000, 900, 8, 5, 0), IMAGE_ERR_CORRUPT,
	     0, 0},
	    {"png palette depth 16", mk_png(1000, 900, 16, 3, 0),
	     IMAGE_ERR_CORRUPT, 0, 0},
	    {"png width 0", mk_png(0, 900, 8, 2, 0), IMAGE_ERR_CORRUPT, 0, 0},
	    {"apng", mk_png(1000, 900, 8, 2, 2), IMAGE_ERR_ANIMATED, 0, 0},
	    {"png without IDAT", mk_png(1000, 900, 8, 2, 4), IMAGE_ERR_CORRUPT,
	     0, 0},
	    {"jpeg 65500x65500", mk_jpeg(0xc0, 8, 65500, 65500, 3, 1, 1),
	     IMAGE_ERR_TOO_LARGE, 0, 0},
	    {"jpeg 1024x800 baseline", mk_jpeg(0xc0, 8, 1024, 800, 3, 1, 1),
	     IMAGE_OK, 1024, 800},
	    {"jpeg progressive 10 scans", mk_jpeg(0xc2, 8, 1024, 800, 3, 10, 1),
	     IMAGE_OK, 1024, 800},
	    {"jpeg arithmetic", mk_jpeg(0xc9, 8, 1024, 800, 1, 1, 1), IMAGE_OK,
	     1024, 800},
	    {"jpeg 5000 scans", mk_jpeg(0xc2, 8, 1024, 800, 3, 5000, 1),
	     IMAGE_ERR_COMPLEX, 0, 0},
	    {"jpeg 101 scans", mk_jpeg(0xc2, 8, 1024, 800, 3, 101, 1),
	     IMAGE_ERR_COMPLEX, 0, 0},
	    {"jpeg 12-bit", mk_jpeg(0xc1, 12, 1024, 800, 3, 1, 1),
	     IMAGE_ERR_VARIANT, 0, 0},
	    {"jpeg lossless SOF3", mk_jpeg(0xc3, 8, 1024, 800, 3, 1, 1),
	     IMAGE_ERR_VARIANT, 0, 0},
	    {"jpeg hierarchical SOF5", mk_jpeg(0xc5, 8, 1024, 800, 3, 1, 1),
	     IMAGE_ERR_VARIANT, 0, 0},
	    {"jpeg 2 components", mk_jpeg(0xc0, 8, 1024, 800, 2, 1, 1),
	     IMAGE_ERR_VARIANT, 0, 0},
	    {"jpeg height 0 (DNL)", mk_jpeg(0xc0, 8, 1024, 0, 3, 1, 1),
	     IMAGE_ERR_CORRUPT, 0, 0},
	    {"jpeg no EOI (truncated)", mk_jpeg(0xc0, 8, 1024, 800, 3, 1, 0),
	     IMAGE_ERR_CORRUPT, 0, 0},
	    {"jpeg no scan", mk_jpeg(0xc0, 8, 1024, 800, 3, 0, 1),
	     IMAGE_ERR_CORRUPT, 0, 0},
	    {"webp vp8 1000x900", mk_webp_vp8(1000, 900), IMAGE_OK, 1000, 900},
	    {"webp vp8l 1200x1000", mk_webp_vp8l(1200, 1000), IMAGE_OK, 1200,
	     1000},
	    {"webp vp8x 16383x16383",
	     mk_webp_vp8x(16383, 16383, 0, 0, 16383, 16383),
	     IMAGE_ERR_TOO_LARGE, 0, 0},
	    {"webp vp8x 1000x900", mk_webp_vp8x(1000, 900, 0x10, 0, 1000, 900),
	     IMAGE_OK, 1000, 900},
	    {"webp vp8x canvas != bitstream",
	     mk_webp_vp8x(1000, 900, 0, 0, 900, 900), IMAGE_ERR_CORRUPT, 0, 0},
	    {"webp animation flag", mk_webp_vp8x(1000, 900, 0x02, 0, 1000, 900),
	     IMAGE_ERR_ANIMATED, 0, 0},
	    {"webp ANIM chunk", mk_webp_vp8x(1000, 900, 0, 1, 1000, 900),
	     IMAGE_ERR_ANIMATED, 0, 0},
	    {"gif", mk_str("GIF89a\x10\0\x10\0\0\0\0;", 14),
	     IMAGE_ERR_UNSUPPORTED, 0, 0},
	    {"bmp", mk_str("BM\x36\0\0\0\0\0\0\0\x36\0\0\0\x28\0", 16),
	     IMAGE_ERR_UNSUPPORTED, 0, 0},
	    {"tiff", mk_str("II*\0\x08\0\0\0\0\0\0\0", 12),
	     IMAGE_ERR_UNSUPPORTED, 0, 0},
	    {"svg",
	     mk_str("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>", 47),
	     IMAGE_ERR_UNSUPPORTED, 0, 0},
	    {"html", mk_str("<!DOCTYPE html><script>x</script>", 33),
	     IMAGE_ERR_UNSUPPORTED, 0, 0},
	    /* A HEIC brand and nothing else: ours (heif.c), but no meta. */
	    {"heic",
	     mk_str("\0\0\0\x18"
	            "ftypheic\0\0\0\0mif1heic",
	            24),
	     IMAGE_ERR_CORRUPT, 0, 0},
	    /* Its ftyp cut short: no brand read, not known as HEIF. */
	    {"avif",
	     mk_str("\0\0\0\x1c"
	            "ftypavif\0\0\0\0avifmif1",
	            24),
	     IMAGE_ERR_UNSUPPORTED, 0, 0},
	    {"riff wave", mk_str("RIFF\x24\0\0\0WAVEfmt ", 16),
	     IMAGE_ERR_UNSUPPORTED, 0, 0},
	    {"text", mk_str("hello, world\n", 13), IMAGE_ERR_UNSUPPORTED, 0, 0},
	    {"empty", mk_str("", 0), IMAGE_ERR_UNSUPPORTED, 0, 0},
	    {"jpeg soi only", mk_str("\xff\xd8\xff", 3), IMAGE_ERR_CORRUPT, 0,
	     0},
	    {"png signature only", mk_str("\x89PNG\r\n\x1a\n\0\0\0\x0d", 12),
	     IMAGE_ERR_CORRUPT, 0, 0},
	    {"webp riff size past end", mk_str("RIFF\xff\0\0\0WEBPVP8 ", 16),
	     IMAGE_ERR_CORRUPT, 0, 0},
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		struct image_info info;
		enum image_result r;

		r = image_probe(cases[i].in.b, cases[i].in.n, &lim_contest,
		                &info);
		UNIT_CHECK(r == cases[i].want, "%s: got %d (%s), want %d",
		           cases[i].what, r, image_result_message(r),
		           cases[i].want);
		if (r == IMAGE_OK && cases[i].want == IMAGE_OK)
			UNIT_CHECK(info.width == cases[i].w &&
			               info.height == cases[i].h,
			           "%s: %ux%u", cases[i].what, info.width,
			           info.height);
		/* Every prefix must be refused or accepted, never crash. */
		if (cases[i].in.n > 0)
			(void)image_probe(cases[i].in.b, cases[i].in.n / 2,
			                  &lim_contest, &info);
		free(cases[i].in.b);
	}
	for (i = 0; i < IMAGE_RESULT__MAX; i++)
		UNIT_CHECK(image_result_message((enum image_result)i)[0] !=
		               '\0',
		           "message %zu", i);
	UNIT_CHECK(strcmp(image_type_mime(IMAGE_WEBP), "image/webp") == 0 &&
	               strcmp(image_type_ext(IMAGE_JPEG), "jpg") == 0,
	           "type table");
}

/* ---- EXIF -------------------------------------------------------------- */

struct ifd_entry {
	unsigned tag, type;
	uint32_t count;
	uint32_t value; /* inline value or offset */
};

static void
putT16(struct buf *b, int le, unsigned v)
{
	if (le)
		put16le(b, v);
	else
		put16be(b, v);
}

static void
putT32(struct buf *b, int le, uint32_t v)
{
	if (le)
		put32le(b, v);
	else
		put32be(b, v);
}

/*
 * A TIFF block: header, IFD0 at 8 with the given entries, then (at the
 * offsets the entries name) whatever tail holds.
 */
static struct buf
mk_tiff(int le, const struct ifd_entry *e, unsigned n, const void *tail,
        size_t tail_n)
{
	struct buf b = {0};
	unsigned   i;

	put(&b, le ? "II" : "MM", 2);
	putT16(&b, le, 42);
	putT32(&b, le, 8);
	putT16(&b, le, n);
	for (i = 0; i < n; i++) {
		putT16(&b, le, e[i].tag);
		putT16(&b, le, e[i].type);
		putT32(&b, le, e[i].count);
		if (e[i].type == 3 && e[i].count == 1) {
			putT16(&b, le, e[i].value);
			putT16(&b, le, 0);
		} else
			putT32(&b, le, e[i].value);
	}
	putT32(&b, le, 0); /* next IFD */
	if (tail_n > 0)
		put(&b, tail, tail_n);
	return b;
}

static void
test_exif(void)
{
	int le;

	for (le = 0; le <= 1; le++) {
		/* IFD0: 5 entries -> ends at 8+2+60+4 = 74. */
		const struct ifd_entry e[] = {
		    {0x010f, 2, 6, 74},  /* Make "Canon" at 74 */
		    {0x0110, 2, 8, 80},  /* Model at 80 */
		    {0x0112, 3, 1, 6},   /* Orientation 6 */
		    {0x0132, 2, 20, 88}, /* DateTime at 88 */
		    {0x8769, 4, 1, 108}, /* Exif IFD at 108 */
		};
		struct buf        sub = {0}, b;
		struct image_exif x;
		char              tail[34 + 64];

		memcpy(tail, "Canon\0", 6);
		memcpy(tail + 6, "EOS \x01R  ", 8);
		memcpy(tail + 14, "2020:01:02 03:04:05\0", 20);
		/* Exif IFD at 108: 1 entry DateTimeOriginal at 126. */
		putT16(&sub, le, 1);
		putT16(&sub, le, 0x9003), putT16(&sub, le, 2);
		putT32(&sub, le, 20), putT32(&sub, le, 126);
		putT32(&sub, le, 0);
		put(&sub, "2019:12:31 23:59:58\0", 20);
		memcpy(tail + 34, sub.b, sub.n);
		b = mk_tiff(le, e, 5, tail, 34 + sub.n);
		UNIT_CHECK(image_exif_parse(b.b, b.n, &x) == 0, "exif le=%d",
		           le);
		UNIT_CHECK(x.orientation == 6, "orientation le=%d: %u", le,
		           x.orientation);
		UNIT_CHECK(strcmp(x.make, "Canon") == 0, "make le=%d: %s", le,
		           x.make);
		UNIT_CHECK(strcmp(x.model, "EOS ?R") == 0, "model le=%d: '%s'",
		           le, x.model);
		UNIT_CHECK(strcmp(x.datetime, "2019:12:31 23:59:58") == 0,
		           "DateTimeOriginal wins le=%d: %s", le, x.datetime);
		/* The same with the "Exif\0\0" prefix of JPEG APP1. */
		{
			struct buf p = mk_str("Exif\0\0", 6);
			put(&p, b.b, b.n);
			UNIT_CHECK(image_exif_parse(p.b, p.n, &x) == 0 &&
			               x.orientation == 6,
			           "prefix le=%d", le);
			free(p.b);
		}
		/* Every truncation is handled and never crashes. */
		{
			size_t n;
			for (n = 0; n < b.n; n++)
				(void)image_exif_parse(b.b, n, &x);
		}
		free(b.b);
		free(sub.b);
	}

	{
		/* Orientation out of range, offsets out of bounds, loops. */
		const struct ifd_entry bad_o[] = {{0x0112, 3, 1, 9}};
		const struct ifd_entry oob[] = {{0x0112, 3, 1, 3},
		                                {0x010f, 2, 100, 4000}};
		const struct ifd_entry loop0[] = {{0x8769, 4, 1, 8},
		                                  {0x0112, 3, 1, 8}};
		const struct ifd_entry loop_sub[] = {{0x8769, 4, 1, 26}};
		struct image_exif      x;
		struct buf             b;
		uint8_t                self[18];

		b = mk_tiff(1, bad_o, 1, NULL, 0);
		UNIT_CHECK(image_exif_parse(b.b, b.n, &x) == 0 &&
		               x.orientation == 1,
		           "orientation 9 ignored");
		free(b.b);
		b = mk_tiff(0, oob, 2, NULL, 0);
		UNIT_CHECK(image_exif_parse(b.b, b.n, &x) == -1 &&
		               x.orientation == 3 && x.make[0] == '\0',
		           "out-of-bounds string");
		free(b.b);
		b = mk_tiff(1, loop0, 2, NULL, 0);
		UNIT_CHECK(image_exif_parse(b.b, b.n, &x) == 0 &&
		               x.orientation == 8,
		           "sub-IFD pointing at IFD0");
		free(b.b);
		/* Sub-IFD at 26 whose entry points at itself again. */
		memcpy(self,
		       "\x01\x00\x69\x87\x04\x00\x01\x00\x00\x00\x1a"
		       "\x00\x00\x00\x00\x00\x00\x00",
		       18);
		b = mk_tiff(1, loop_sub, 1, self, 18);
		UNIT_CHECK(image_exif_parse(b.b, b.n, &x) == 0, "self loop");
		free(b.b);
		b = mk_str("II*\0\x08\0\0\0\xff\xff", 10);
		UNIT_CHECK(image_exif_parse(b.b, b.n, &x) == -1,
		           "65535 entries");
		free(b.b);
		b = mk_str("II*\0\xff\xff\xff\xff", 8);
		UNIT_CHECK(image_exif_parse(b.b, b.n, &x) == -1 &&
		               x.orientation == 1,
		           "IFD0 past end");
		free(b.b);
		b = mk_str("XX*\0\x08\0\0\0\0\0", 10);
		UNIT_CHECK(image_exif_parse(b.b, b.n, &x) == -1, "byte order");
		free(b.b);
		UNIT_CHECK(image_exif_parse(NULL, 0, &x) == -1 &&
		               x.orientation == 1,
		           "NULL");
	}
}

/* ---- real files -------------------------------------------------------- */

static char testdata[1024];

static uint8_t *
slurp(const char *rel, size_t *len)
{
	char     path[2048];
	FILE    *f;
	uint8_t *b;
	long     n;

	snprintf(path, sizeof(path), "%s/%s", testdata, rel);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (b = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	*len = fread(b, 1, (size_t)n, f);
	fclose(f);
	return b;
}

/* Checks a JPEG has no APPn other than JFIF APP0 and no COM before SOS. */
static int
jpeg_clean(const struct image_blob *bl)
{
	size_t i = 2;

	while (i + 4 <= bl->len && bl->data[i] == 0xff) {
		unsigned m = bl->data[i + 1];
		if (m == 0xda)
			return 1;
		if ((m >= 0xe1 && m <= 0xef) || m == 0xfe)
			return 0;
		i += 2 + ((size_t)bl->data[i + 2] << 8 | bl->data[i + 3]);
	}
	return 0;
}

/* A WebP is clean when it is a simple VP8/VP8L file (no VP8X chunks). */
static int
webp_clean(const struct image_blob *bl)
{
	return bl->len > 16 && memcmp(bl->data, "RIFF", 4) == 0 &&
	       (memcmp(bl->data + 12, "VP8 ", 4) == 0 ||
	        memcmp(bl->data + 12, "VP8L", 4) == 0 ||
	        (memcmp(bl->data + 12, "VP8X", 4) == 0 &&
	         (bl->data[20] & 0x2c) == 0));
}

/*
 * Probes and derives rel; returns the first failing result (IMAGE_OK when
 * both pass) and, if d is not NULL, leaves the derivatives there.
 */
static enum image_result
run_file(const char *rel, const struct image_limits *lim,
         struct image_info *info, struct image_derivs *d)
{
	struct image_derivs tmp;
	enum image_result   r;
	uint8_t            *b;
	size_t              n = 0;

	if ((b = slurp(rel, &n)) == NULL) {
		UNIT_CHECK(0, "cannot read %s/%s", testdata, rel);
		return IMAGE_ERR_NOMEM;
	}
	r = image_probe(b, n, lim, info);
	if (r == IMAGE_OK) {
		r = image_derive(b, n, info, d != NULL ? d : &tmp);
		if (r == IMAGE_OK && d == NULL) {
			int i;
			for (i = 0; i < IMAGE_DERIV__MAX; i++)
				UNIT_CHECK(tmp.blob[i].data != NULL &&
				               tmp.blob[i].len > 0,
				           "%s: derivative %d", rel, i);
			UNIT_CHECK(
			    jpeg_clean(&tmp.blob[IMAGE_DERIV_T400_JPEG]) &&
			        jpeg_clean(&tmp.blob[IMAGE_DERIV_D1600_JPEG]),
			    "%s: JPEG output carries metadata", rel);
			UNIT_CHECK(
			    webp_clean(&tmp.blob[IMAGE_DERIV_T400_WEBP]) &&
			        webp_clean(&tmp.blob[IMAGE_DERIV_D1600_WEBP]),
			    "%s: WebP output carries metadata", rel);
			image_derivs_free(&tmp);
		}
	}
	free(b);
	return r;
}

/* Runs every file of dir (relative) whose name starts with prefix. */
static void
run_dir(const char *dir, const char *prefix, const char *ext, int want_ok,
        unsigned *count)
{
	char           path[2048], rel[1024];
	DIR           *d;
	struct dirent *de;

	snprintf(path, sizeof(path), "%s/%s", testdata, dir);
	if ((d = opendir(path)) == NULL) {
		UNIT_CHECK(0, "cannot open %s", path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct image_info info;
		enum image_result r;
		size_t            l = strlen(de->d_name), e = strlen(ext);

		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 || l < e ||
		    strcmp(de->d_name + l - e, ext) != 0)
			continue;
		/* PngSuite: x* files are the broken ones. */
		if (want_ok && strcmp(prefix, "") == 0 &&
		    de->d_name[0] == 'x' && strcmp(ext, ".png") == 0 &&
		    strstr(dir, "pngsuite"))
			continue;
		/* The two animated files are tested on their own. */
		if (strcmp(de->d_name, "anim.webp") == 0 ||
		    strncmp(de->d_name, "advertises_rgba", 15) == 0)
			continue;
		snprintf(rel, sizeof(rel), "%s/%s", dir, de->d_name);
		r = run_file(rel, &lim_small, &info, NULL);
		if (want_ok)
			UNIT_CHECK(r == IMAGE_OK, "%s refused: %s", rel,
			           image_result_message(r));
		else
			UNIT_CHECK(r != IMAGE_OK && r != IMAGE_ERR_NOMEM,
			           "%s accepted or 5xx (%d)", rel, r);
		(*count)++;
	}
	closedir(d);
}

static void
test_corpora(void)
{
	static const struct {
		const char       *rel;
		enum image_result want;
	} single[] = {
	    {"libjpeg-turbo/testimages/testorig.jpg", IMAGE_OK},
	    {"libjpeg-turbo/testimages/testimgint.jpg", IMAGE_OK},
	    {"libjpeg-turbo/testimages/testimgari.jpg", IMAGE_OK},
	    {"libjpeg-turbo/testimages/testorig.png", IMAGE_OK},
	    {"libjpeg-turbo/testimages/monkey16.png", IMAGE_OK},
	    {"libjpeg-turbo/testimages/vgl_5674_0098.png", IMAGE_OK},
	    {"libjpeg-turbo/testimages/monkey12.jpg", IMAGE_ERR_VARIANT},
	    {"libgd/tests/png/png-conformance/invalid/badadler.png",
	     IMAGE_ERR_DECODE},
	    {"libgd/tests/png/bug00033.png", IMAGE_ERR_DECODE},
	    {"libgd/tests/jpeg/empty.jpeg", IMAGE_ERR_UNSUPPORTED},
	    /* 32540x255 and truncated: refused by size or by the decoder. */
	    {"libgd/tests/webp/bug_double_free.jpg", IMAGE_RESULT__MAX},
	    {"libgd/tests/webp/webp-conformance/valid/anim.webp",
	     IMAGE_ERR_ANIMATED},
	    {"libgd/tests/webp/webp-conformance/valid/"
	     "advertises_rgba_but_frames_are_rgb.webp",
	     IMAGE_ERR_ANIMATED},
	};
	unsigned n = 0;
	size_t   i;

	for (i = 0; i < UNIT_NELEM(single); i++) {
		struct image_info info;
		enum image_result r =
		    run_file(single[i].rel, &lim_small, &info, NULL);
		if (single[i].want == IMAGE_RESULT__MAX) /* any 4xx */
			UNIT_CHECK(r != IMAGE_OK && r != IMAGE_ERR_NOMEM,
			           "%s: got %d", single[i].rel, r);
		else
			UNIT_CHECK(r == single[i].want,
			           "%s: got %d (%s), want %d", single[i].rel, r,
			           image_result_message(r), single[i].want);
	}
	run_dir("pngsuite/png", "", ".png", 1, &n);
	UNIT_CHECK(n == 161, "pngsuite valid files: %u", n);
	n = 0;
	run_dir("pngsuite/png", "x", ".png", 0, &n);
	UNIT_CHECK(n == 14, "pngsuite broken files: %u", n);
	n = 0;
	run_dir("libwebp", "", ".webp", 1, &n);
	UNIT_CHECK(n > 100, "libwebp files: %u", n);
	n = 0;
	run_dir("libgd/tests/png/png-conformance/valid", "", ".png", 1, &n);
	run_dir("libgd/tests/webp/webp-conformance/valid", "", ".webp", 1, &n);
	UNIT_CHECK(n > 50, "libgd valid files: %u", n);
}

/* Mean absolute difference of two same-size images, per channel. */
static double
mad(const struct image_blob *a, const struct image_blob *b)
{
	gdImagePtr x = gdImageCreateFromJpegPtr((int)a->len, a->data);
	gdImagePtr y = gdImageCreateFromJpegPtr((int)b->len, b->data);
	double     sum = 0;
	int        i, j;

	if (x == NULL || y == NULL || gdImageSX(x) != gdImageSX(y) ||
	    gdImageSY(x) != gdImageSY(y)) {
		if (x)
			gdImageDestroy(x);
		if (y)
			gdImageDestroy(y);
		return 1e9;
	}
	for (j = 0; j < gdImageSY(x); j++)
		for (i = 0; i < gdImageSX(x); i++) {
			int p = gdImageGetTrueColorPixel(x, i, j);
			int q = gdImageGetTrueColorPixel(y, i, j);
			sum +=
			    abs(gdTrueColorGetRed(p) - gdTrueColorGetRed(q)) +
			    abs(gdTrueColorGetGreen(p) -
			        gdTrueColorGetGreen(q)) +
			    abs(gdTrueColorGetBlue(p) - gdTrueColorGetBlue(q));
		}
	sum /= 3.0 * gdImageSX(x) * gdImageSY(x);
	gdImageDestroy(x);
	gdImageDestroy(y);
	return sum;
}

static void
test_orientation(void)
{
	static const char *const kinds[] = {"Landscape", "Portrait"};
	uint64_t                 h1[2] = {0, 0};
	int                      k, o;

	for (k = 0; k < 2; k++) {
		struct image_derivs ref;
		struct image_info   info;
		char                rel[256];

		snprintf(rel, sizeof(rel), "exif-orientation/%s_1.jpg",
		         kinds[k]);
		if (!UNIT_CHECK(run_file(rel, &lim_small, &info, &ref) ==
		                    IMAGE_OK,
		                "%s", rel))
			continue;
		for (o = 0; o <= 8; o++) {
			struct image_derivs      d;
			const struct image_blob *t, *dp;
			double                   diff;

			snprintf(rel, sizeof(rel), "exif-orientation/%s_%d.jpg",
			         kinds[k], o);
			if (!UNIT_CHECK(run_file(rel, &lim_small, &info, &d) ==
			                    IMAGE_OK,
			                "%s", rel))
				continue;
			t = &d.blob[IMAGE_DERIV_T400_JPEG];
			dp = &d.blob[IMAGE_DERIV_D1600_JPEG];
			UNIT_CHECK(info.exif.orientation == (o == 0 ? 1 : o),
			           "%s: orientation %u", rel,
			           info.exif.orientation);
			if (k == 0)
				UNIT_CHECK(t->width > t->height &&
				               dp->width > dp->height,
				           "%s: %ux%u not landscape", rel,
				           dp->width, dp->height);
			else
				UNIT_CHECK(t->width < t->height &&
				               dp->width < dp->height,
				           "%s: %ux%u not portrait", rel,
				           dp->width, dp->height);
			UNIT_CHECK(t->width == 400, "%s: thumb width %u", rel,
			           t->width);
			diff = mad(t, &ref.blob[IMAGE_DERIV_T400_JPEG]);
			UNIT_CHECK(diff < 8.0,
			           "%s: looks different from _1 (%.1f)", rel,
			           diff);
			UNIT_CHECK(image_dhash_distance(d.dhash, ref.dhash) <=
			               6,
			           "%s: dhash distance %d", rel,
			           image_dhash_distance(d.dhash, ref.dhash));
			image_derivs_free(&d);
		}
		h1[k] = ref.dhash;
		image_derivs_free(&ref);
	}
	/* Two different photos: far apart. */
	UNIT_CHECK(image_dhash_distance(h1[0], h1[1]) > 10,
	           "landscape vs portrait dhash distance %d",
	           image_dhash_distance(h1[0], h1[1]));
}

/* Encodes a synthetic image with libgd and derives from it. */
/* The SOF marker of a JPEG blob (0xc0 baseline, 0xc2 progressive), or 0. */
static unsigned
jpeg_sof(const struct image_blob *b)
{
	const uint8_t *p = b->data;
	size_t         i = 2;

	while (p != NULL && i + 4 <= b->len && p[i] == 0xff) {
		if (p[i + 1] >= 0xc0 && p[i + 1] <= 0xc2)
			return p[i + 1];
		i += 2 + ((size_t)p[i + 2] << 8 | p[i + 3]);
	}
	return 0;
}

static void
test_derive_sizes(void)
{
	static const struct {
		int      w, h, png_alpha;
		uint32_t tw, th, dw, dh;
	} cases[] = {
	    {3000, 2000, 0, 400, 267, 1600, 1067},
	    {2000, 3000, 0, 400, 600, 1067, 1600},
	    {1200, 900, 0, 400, 300, 1200, 900},   /* never upscale */
	    {300, 200, 0, 300, 200, 300, 200},     /* smaller than a thumb */
	    {2400, 1600, 1, 400, 267, 1600, 1067}, /* PNG with alpha */
	    {4000, 1000, 0, 400, 100, 1600, 400},
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		gdImagePtr im = gdImageCreateTrueColor(cases[i].w, cases[i].h);
		struct image_info   info;
		struct image_derivs d;
		enum image_result   r;
		void               *enc;
		int                 n = 0, x, y;

		gdImageAlphaBlending(im, 0);
		gdImageSaveAlpha(im, 1);
		for (y = 0; y < cases[i].h; y++)
			for (x = 0; x < cases[i].w; x++)
				im->tpixels[y][x] =
				    cases[i].png_alpha && x < cases[i].w / 2
				        ? gdTrueColorAlpha(0, 0, 0, 127)
				        : gdTrueColor(x * 255 / cases[i].w,
				                      y * 255 / cases[i].h,
				                      128);
		enc = cases[i].png_alpha ? gdImagePngPtr(im, &n)
		                         : gdImageJpegPtr(im, &n, 90);
		gdImageDestroy(im);
		r = image_probe(enc, (size_t)n, &lim_small, &info);
		if (r == IMAGE_OK)
			r = image_derive(enc, (size_t)n, &info, &d);
		if (!UNIT_CHECK(r == IMAGE_OK, "synthetic %zu: %s", i,
		                image_result_message(r))) {
			gdFree(enc);
			continue;
		}
		UNIT_CHECK(
		    d.blob[IMAGE_DERIV_T400_JPEG].width == cases[i].tw &&
		        d.blob[IMAGE_DERIV_T400_JPEG].height == cases[i].th &&
		        d.blob[IMAGE_DERIV_T400_WEBP].width == cases[i].tw,
		    "synthetic %zu thumb %ux%u", i,
		    d.blob[IMAGE_DERIV_T400_JPEG].width,
		    d.blob[IMAGE_DERIV_T400_JPEG].height);
		UNIT_CHECK(
		    d.blob[IMAGE_DERIV_D1600_JPEG].width == cases[i].dw &&
		        d.blob[IMAGE_DERIV_D1600_JPEG].height == cases[i].dh &&
		        d.blob[IMAGE_DERIV_D1600_WEBP].height == cases[i].dh,
		    "synthetic %zu display %ux%u", i,
		    d.blob[IMAGE_DERIV_D1600_JPEG].width,
		    d.blob[IMAGE_DERIV_D1600_JPEG].height);
		/* The thumbnail is baseline (cheaper to encode), the display
		 * JPEG progressive. */
		UNIT_CHECK_INT(jpeg_sof(&d.blob[IMAGE_DERIV_T400_JPEG]), 0xc0,
		               "thumbnail SOF");
		UNIT_CHECK_INT(jpeg_sof(&d.blob[IMAGE_DERIV_D1600_JPEG]), 0xc2,
		               "display SOF");
		if (cases[i].png_alpha) {
			/* Transparent half -> white in the JPEG. */
			gdImagePtr t = gdImageCreateFromJpegPtr(
			    (int)d.blob[IMAGE_DERIV_T400_JPEG].len,
			    d.blob[IMAGE_DERIV_T400_JPEG].data);
			int c = t ? gdImageGetTrueColorPixel(t, 10, 10) : 0;
			UNIT_CHECK(t != NULL && gdTrueColorGetRed(c) > 245 &&
			               gdTrueColorGetBlue(c) > 245,
			           "alpha flattened onto white: %06x", c);
			if (t)
				gdImageDestroy(t);
		}
		image_derivs_free(&d);
		image_derivs_free(&d); /* twice is safe */
		/* A truncated copy is refused by the decoder. */
		if (!cases[i].png_alpha) {
			size_t cut = (size_t)n * 2 / 3;
			r = image_derive(enc, cut, &info, &d);
			UNIT_CHECK(r == IMAGE_ERR_DECODE,
			           "truncated synthetic %zu: %d", i, r);
		}
		gdFree(enc);
	}
}

int
main(void)
{
	const char *env = getenv("NETDEP_TESTDATA");

	image_init();
	snprintf(testdata, sizeof(testdata), "%s",
	         env != NULL && env[0] != '\0' ? env : NETDEP_TESTDATA_DIR);
	test_probe_synthetic();
	test_exif();
	test_derive_sizes();
	test_corpora();
	test_orientation();
	return unit_report();
}
