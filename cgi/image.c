/*
 * image.c: sniffing, header dimensions, EXIF, decode and derivatives.
 * The first half parses untrusted bytes without decoding (image_probe,
 * image_exif_parse) so bombs and odd formats are refused cheaply; the second
 * half decodes once (libjpeg-turbo with DCT scaling, libgd for PNG, libwebp
 * with scaling; HEIC and AVIF through heif.c) and resamples and encodes
 * with libgd.
 */
#include "image.h"
#include "heif.h"
#include "resample.h"

#include <gd.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h> /* jpeglib.h needs FILE */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jerror.h>
#include <jpeglib.h>
#include <webp/decode.h>
#include <webp/encode.h>

/* Above this many scans a progressive JPEG is a CPU bomb, not a photo. */
#define IMAGE_JPEG_MAX_SCANS 100
/* libjpeg's own allocation cap (coefficient buffers of progressive files). */
#define IMAGE_JPEG_MAX_MEMORY (384L * 1024 * 1024)
/* Entries per IFD; real files have a few dozen. */
#define IMAGE_EXIF_MAX_ENTRIES 512
/* Never decode more than this, whatever limits the caller passed. */
#define IMAGE_HARD_MAX_PIXELS ((uint64_t)1 << 28)

/* Resamples to at least this many pixels use two threads: the 1600 px
 * display image (~25 ms alone from a 2000 px decode), not the 400 px
 * thumbnail (~1.5 ms, no faster on two since resample.c). */
#define IMAGE_MT_MIN_PIXELS 1000000

#define IMAGE_THUMB_WIDTH  400
#define IMAGE_DISPLAY_LONG 1600
#define IMAGE_THUMB_JPEG_Q 82
#define IMAGE_DISP_JPEG_Q  85
#define IMAGE_THUMB_WEBP_Q 80
#define IMAGE_DISP_WEBP_Q  80
#define IMAGE_CARD_JPEG_Q  85
/*
 * libwebp's speed/quality knob (0 fast .. 6 slow; 4 is its default and
 * vipsthumbnail's).  The 1600 px WebP is the slowest step of an upload;
 * measured on the 12 MP bench photo, method 2 costs 0.1 dB of PSNR against
 * method 4 (35.64 vs 35.74, vips 35.78) for a markedly shorter encode.
 */
#define IMAGE_WEBP_METHOD 2

/*
 * The share card: the photo full-bleed (cover-cropped), a dark gradient
 * over its lower part, the contest's name in a red label at the top left,
 * and at the bottom the entry's number in a red label, the title, the
 * author and the call to action.  Baselines and boxes in card pixels.
 */
#define IMAGE_CARD_MARGIN     48
#define IMAGE_CARD_TITLE_PT   40.0
#define IMAGE_CARD_SMALL_PT   21.0
#define IMAGE_CARD_LABEL_PT   20.0
#define IMAGE_CARD_GRAD_TOP   210  /* the gradient starts here ... */
#define IMAGE_CARD_GRAD_MAX   0.88 /* ... and ends this dark at the bottom */
#define IMAGE_CARD_LABEL_H    46   /* a red label's height */
#define IMAGE_CARD_LABEL_PAD  16   /* text to the label's sides */
#define IMAGE_CARD_LABEL_BASE 32   /* baseline below the label's top */
#define IMAGE_CARD_TOP_LABEL  40   /* the contest label's top */
#define IMAGE_CARD_NUM_LABEL  414  /* the number label's top */
#define IMAGE_CARD_TITLE_Y    528  /* the title's baseline */
#define IMAGE_CARD_LAST_Y     586  /* author and call to action */
#define IMAGE_CARD_BG         0x14171c
#define IMAGE_CARD_RED        0xb50d29 /* the site's brand red (site.css --red) */
#define IMAGE_FONT_DIR        "/usr/share/fonts/truetype/dejavu/"
#define IMAGE_FONT_REGULAR    IMAGE_FONT_DIR "DejaVuSans.ttf"
#define IMAGE_FONT_BOLD       IMAGE_FONT_DIR "DejaVuSans-Bold.ttf"

struct image_type_row {
	const char *name;
	const char *mime;
	const char *ext;
};

static const struct image_type_row image_types[IMAGE__MAX] = {
    {"jpeg", "image/jpeg", "jpg"},  /* IMAGE_JPEG */
    {"png", "image/png", "png"},    /* IMAGE_PNG */
    {"webp", "image/webp", "webp"}, /* IMAGE_WEBP */
    {"heic", "image/heic", "heic"}, /* IMAGE_HEIC */
    {"avif", "image/avif", "avif"}, /* IMAGE_AVIF */
};

static const char *const image_messages[IMAGE_RESULT__MAX] = {
    /* IMAGE_OK */
    "ok",
    /* IMAGE_ERR_UNSUPPORTED */
    "unsupported file type: upload a JPEG, PNG, WebP, HEIC or AVIF photo",
    /* IMAGE_ERR_VARIANT */
    "unsupported image variant (e.g. 12-bit or lossless JPEG)",
    /* IMAGE_ERR_ANIMATED */
    "animated images are not accepted",
    /* IMAGE_ERR_CORRUPT */
    "the image header is damaged or truncated",
    /* IMAGE_ERR_TOO_LARGE */
    "the image has too many pixels",
    /* IMAGE_ERR_TOO_SMALL */
    "the image is too small",
    /* IMAGE_ERR_COMPLEX */
    "the JPEG has too many scans",
    /* IMAGE_ERR_DECODE */
    "the image data is damaged or truncated",
    /* IMAGE_ERR_NOMEM */
    "the image could not be processed (server error)",
};

const char *
image_type_name(enum image_type t)
{
	return (unsigned)t < IMAGE__MAX ? image_types[t].name : "?";
}

const char *
image_type_mime(enum image_type t)
{
	return (unsigned)t < IMAGE__MAX ? image_types[t].mime
	                                : "application/octet-stream";
}

const char *
image_type_ext(enum image_type t)
{
	return (unsigned)t < IMAGE__MAX ? image_types[t].ext : "bin";
}

const char *
image_result_message(enum image_result r)
{
	return (unsigned)r < IMAGE_RESULT__MAX ? image_messages[r]
	                                       : "unknown image error";
}

/* ---------------------------------------------------------------------- */
/* Byte readers: callers have checked the bounds. */

static uint32_t
rd_be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t
rd_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
rd_le16(const uint8_t *p)
{
	return (uint32_t)p[1] << 8 | p[0];
}

static uint32_t
rd_le24(const uint8_t *p)
{
	return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t
rd_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

/* ---------------------------------------------------------------------- */
/* EXIF */

struct tiff {
	const uint8_t *b;
	uint32_t       len;
	int            le; /* 1 for "II" */
};

static uint32_t
tiff16(const struct tiff *t, uint32_t off)
{
	return t->le ? rd_le16(t->b + off) : rd_be16(t->b + off);
}

static uint32_t
tiff32(const struct tiff *t, uint32_t off)
{
	return t->le ? rd_le32(t->b + off) : rd_be32(t->b + off);
}

/* Copies an ASCII value, stopping at NUL, printable bytes only. */
static void
exif_str(char *dst, const uint8_t *src, uint32_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n && len < IMAGE_EXIF_STR_MAX - 1; i++) {
		if (src[i] == '\0')
			break;
		dst[len++] =
		    (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	}
	while (len > 0 && dst[len - 1] == ' ')
		len--;
	dst[len] = '\0';
}

/* Bytes per TIFF field type; 0 for types we do not know. */
static uint32_t
tiff_type_size(uint32_t type)
{
	switch (type) {
	case 1: /* BYTE */
	case 2: /* ASCII */
	case 6: /* SBYTE */
	case 7: /* UNDEFINED */
		return 1;
	case 3: /* SHORT */
	case 8: /* SSHORT */
		return 2;
	case 4:  /* LONG */
	case 9:  /* SLONG */
	case 11: /* FLOAT */
	case 13: /* IFD */
		return 4;
	case 5:  /* RATIONAL */
	case 10: /* SRATIONAL */
	case 12: /* DOUBLE */
		return 8;
	default:
		return 0;
	}
}

/*
 * Reads the entries of one IFD at off.  sub is 0 for IFD0, 1 for the Exif
 * sub-IFD.  *exif_ifd receives the sub-IFD offset (0 when absent).
 * Returns 0 or -1 on a malformed directory.
 */
static int
exif_ifd(const struct tiff *t, uint32_t off, int sub, struct image_exif *out,
         char *dt_orig, uint32_t *exif_ifd)
{
	uint32_t n, i, e;
	int      rc = 0;

	if (off < 8 || off > t->len - 2)
		return -1;
	n = tiff16(t, off);
	if (n > IMAGE_EXIF_MAX_ENTRIES)
		return -1;
	if (n > (t->len - off - 2) / 12) {
		n = (t->len - off - 2) / 12; /* read what is there */
		rc = -1;
	}
	for (i = 0, e = off + 2; i < n; i++, e += 12) {
		uint32_t tag = tiff16(t, e), type = tiff16(t, e + 2);
		uint32_t count = tiff32(t, e + 4), size = tiff_type_size(type);
		uint64_t total = (uint64_t)count * size;
		uint32_t voff;

		if (size == 0 || count == 0)
			continue;
		if (total <= 4)
			voff = e + 8;
		else {
			voff = tiff32(t, e + 8);
			if (voff > t->len || total > t->len - voff) {
				rc = -1;
				continue;
			}
		}
		if (!sub && tag == 0x0112 && type == 3) {
			uint32_t o = tiff16(t, voff);
			if (o >= 1 && o <= 8)
				out->orientation = (uint8_t)o;
		} else if (!sub && tag == 0x010f && type == 2)
			exif_str(out->make, t->b + voff, (uint32_t)total);
		else if (!sub && tag == 0x0110 && type == 2)
			exif_str(out->model, t->b + voff, (uint32_t)total);
		else if (!sub && tag == 0x0132 && type == 2)
			exif_str(out->datetime, t->b + voff, (uint32_t)total);
		else if (!sub && tag == 0x8769 && (type == 4 || type == 13) &&
		         count == 1)
			*exif_ifd = tiff32(t, voff);
		else if (sub && tag == 0x9003 && type == 2)
			exif_str(dt_orig, t->b + voff, (uint32_t)total);
	}
	return rc;
}

int
image_exif_parse(const uint8_t *buf, size_t len, struct image_exif *out)
{
	struct tiff t;
	char        dt_orig[IMAGE_EXIF_STR_MAX] = "";
	uint32_t    ifd0, sub = 0;
	int         rc;

	memset(out, 0, sizeof(*out));
	out->orientation = 1;
	if (buf == NULL)
		return -1;
	if (len >= 6 && memcmp(buf, "Exif\0\0", 6) == 0) {
		buf += 6;
		len -= 6;
	}
	if (len < 8)
		return -1;
	t.b = buf;
	t.len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	if (buf[0] == 'I' && buf[1] == 'I')
		t.le = 1;
	else if (buf[0] == 'M' && buf[1] == 'M')
		t.le = 0;
	else
		return -1;
	if (tiff16(&t, 2) != 42)
		return -1;
	ifd0 = tiff32(&t, 4);
	rc = exif_ifd(&t, ifd0, 0, out, dt_orig, &sub);
	/*
	 * Only IFD0 and its Exif sub-IFD are read and next-IFD links are
	 * never followed, so a loop in the file cannot make us loop.
	 */
	if (sub != 0 && sub != ifd0) {
		uint32_t unused = 0;
		if (exif_ifd(&t, sub, 1, out, dt_orig, &unused) < 0)
			rc = -1;
	}
	if (dt_orig[0] != '\0')
		memcpy(out->datetime, dt_orig, sizeof(dt_orig));
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Probes: they fill out->type/width/height/... and return a result. */

static void
probe_exif(const uint8_t *p, size_t n, struct image_info *out)
{
	if (out->has_exif)
		return; /* the first block wins */
	(void)image_exif_parse(p, n, &out->exif);
	out->has_exif = 1;
}

/* Skips entropy-coded data from *pos to the next real marker's 0xFF. */
static int
jpeg_skip_entropy(const uint8_t *b, size_t n, size_t *pos)
{
	size_t i = *pos;

	for (;;) {
		const uint8_t *q = memchr(b + i, 0xff, n - i);
		if (q == NULL)
			return -1;
		i = (size_t)(q - b);
		if (i + 1 >= n)
			return -1;
		if (b[i + 1] == 0x00 || (b[i + 1] >= 0xd0 && b[i + 1] <= 0xd7))
			i += 2; /* stuffed byte or restart marker */
		else if (b[i + 1] == 0xff)
			i += 1; /* fill byte */
		else
			break;
	}
	*pos = i;
	return 0;
}

static enum image_result
probe_jpeg(const uint8_t *b, size_t n, struct image_info *out)
{
	size_t   i = 2;
	int      have_sof = 0;
	uint32_t scans = 0;

	out->type = IMAGE_JPEG;
	for (;;) {
		uint32_t m, seglen;

		if (i >= n || b[i] != 0xff)
			return IMAGE_ERR_CORRUPT;
		while (i < n && b[i] == 0xff)
			i++;
		if (i >= n)
			return IMAGE_ERR_CORRUPT;
		m = b[i++];
		if (m == 0xd9)
			break; /* EOI; anything after it is ignored */
		if (m == 0x00 || m == 0xd8)
			return IMAGE_ERR_CORRUPT;
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))
			continue; /* markers without a length */
		if (n - i < 2)
			return IMAGE_ERR_CORRUPT;
		seglen = rd_be16(b + i);
		if (seglen < 2 || seglen > n - i)
			return IMAGE_ERR_CORRUPT;
		const uint8_t *p = b + i + 2;
		uint32_t       plen = seglen - 2;

		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 &&
		    m != 0xcc) {
			uint32_t nc;

			if (have_sof || scans > 0 || plen < 6)
				return IMAGE_ERR_CORRUPT;
			have_sof = 1;
			out->height = rd_be16(p + 1);
			out->width = rd_be16(p + 3);
			nc = p[5];
			if (plen < 6 + 3 * nc || out->width == 0 ||
			    out->height == 0)
				return IMAGE_ERR_CORRUPT;
			/*
			 * libjpeg-turbo 2.1 decodes baseline, extended,
			 * progressive and their arithmetic-coded forms, in
			 * 8-bit precision, grey, YCbCr/RGB or CMYK/YCCK.
			 */
			if (m != 0xc0 && m != 0xc1 && m != 0xc2 && m != 0xc9 &&
			    m != 0xca)
				return IMAGE_ERR_VARIANT;
			if (p[0] != 8)
				return IMAGE_ERR_VARIANT;
			if (nc != 1 && nc != 3 && nc != 4)
				return IMAGE_ERR_VARIANT;
		} else if (m == 0xe1 && plen >= 14 &&
		           memcmp(p, "Exif\0\0", 6) == 0) {
			probe_exif(p, plen, out);
		} else if (m == 0xda) {
			if (!have_sof)
				return IMAGE_ERR_CORRUPT;
			if (++scans > IMAGE_JPEG_MAX_SCANS)
				return IMAGE_ERR_COMPLEX;
			i += seglen;
			if (jpeg_skip_entropy(b, n, &i) < 0)
				return IMAGE_ERR_CORRUPT;
			continue;
		}
		i += seglen;
	}
	if (!have_sof || scans == 0)
		return IMAGE_ERR_CORRUPT;
	out->jpeg_scans = scans;
	return IMAGE_OK;
}

/* CRC-32 as in PNG (ISO 3309), bitwise: only small chunks are checked. */
static uint32_t
png_crc(const uint8_t *p, size_t n)
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

static int
png_depth_ok(uint32_t ctype, uint32_t depth)
{
	switch (ctype) {
	case 0: /* grey */
		return depth == 1 || depth == 2 || depth == 4 || depth == 8 ||
		       depth == 16;
	case 3: /* palette */
		return depth == 1 || depth == 2 || depth == 4 || depth == 8;
	case 2: /* RGB */
	case 4: /* grey + alpha */
	case 6: /* RGBA */
		return depth == 8 || depth == 16;
	default:
		return 0;
	}
}

static enum image_result
probe_png(const uint8_t *b, size_t n, struct image_info *out)
{
	static const uint8_t sig[8] = {0x89, 'P',  0x4e, 0x47,
	                               0x0d, 0x0a, 0x1a, 0x0a};
	const uint8_t       *h = b + 16;
	size_t               i;

	out->type = IMAGE_PNG;
	if (n < 33 || memcmp(b, sig, 8) != 0)
		return IMAGE_ERR_CORRUPT;
	if (rd_be32(b + 8) != 13 || memcmp(b + 12, "IHDR", 4) != 0)
		return IMAGE_ERR_CORRUPT;
	if (png_crc(b + 12, 17) != rd_be32(b + 29))
		return IMAGE_ERR_CORRUPT;
	out->width = rd_be32(h);
	out->height = rd_be32(h + 4);
	if (out->width == 0 || out->height == 0 || out->width > INT32_MAX ||
	    out->height > INT32_MAX)
		return IMAGE_ERR_CORRUPT;
	if (!png_depth_ok(h[9], h[8]) || h[10] != 0 || h[11] != 0 || h[12] > 1)
		return IMAGE_ERR_CORRUPT;
	out->has_alpha = h[9] == 4 || h[9] == 6;

	/* Walk the chunks up to the first IDAT: EXIF, tRNS, APNG. */
	for (i = 33;;) {
		uint32_t clen;

		if (n - i < 12)
			return IMAGE_ERR_CORRUPT;
		clen = rd_be32(b + i);
		if (clen > INT32_MAX || clen > n - i - 12)
			return IMAGE_ERR_CORRUPT;
		const uint8_t *type = b + i + 4, *data = b + i + 8;

		if (memcmp(type, "IDAT", 4) == 0)
			break;
		if (memcmp(type, "IEND", 4) == 0)
			return IMAGE_ERR_CORRUPT;
		if (memcmp(type, "acTL", 4) == 0)
			return IMAGE_ERR_ANIMATED;
		if (memcmp(type, "tRNS", 4) == 0)
			out->has_alpha = 1;
		if (memcmp(type, "eXIf", 4) == 0 &&
		    png_crc(type, (size_t)clen + 4) == rd_be32(data + clen))
			probe_exif(data, clen, out);
		i += (size_t)clen + 12;
	}
	return IMAGE_OK;
}

/* Reads a VP8 or VP8L bitstream header; 0 or -1. */
static int
webp_bitstream(const uint8_t *fourcc, const uint8_t *d, uint32_t sz,
               uint32_t *w, uint32_t *h, uint8_t *alpha)
{
	if (memcmp(fourcc, "VP8 ", 4) == 0) {
		if (sz < 10 || (d[0] & 1) != 0) /* must be a key frame */
			return -1;
		if (d[3] != 0x9d || d[4] != 0x01 || d[5] != 0x2a)
			return -1;
		*w = rd_le16(d + 6) & 0x3fff;
		*h = rd_le16(d + 8) & 0x3fff;
		return (*w == 0 || *h == 0) ? -1 : 0;
	}
	if (memcmp(fourcc, "VP8L", 4) == 0) {
		uint32_t bits;

		if (sz < 5 || d[0] != 0x2f)
			return -1;
		bits = rd_le32(d + 1);
		*w = (bits & 0x3fff) + 1;
		*h = ((bits >> 14) & 0x3fff) + 1;
		*alpha |= (uint8_t)((bits >> 28) & 1);
		return (bits >> 29) != 0 ? -1 : 0; /* version 0 only */
	}
	return -1;
}

static enum image_result
probe_webp(const uint8_t *b, size_t n, struct image_info *out)
{
	size_t   end, i;
	uint32_t riff;
	int      vp8x = 0, have_image = 0;

	out->type = IMAGE_WEBP;
	riff = rd_le32(b + 4);
	if (riff < 4 + 8 || riff > n - 8)
		return IMAGE_ERR_CORRUPT;
	end = (size_t)riff + 8;
	for (i = 12;;) {
		uint32_t       csz;
		const uint8_t *fourcc, *d;

		if (end - i < 8)
			return IMAGE_ERR_CORRUPT; /* no image chunk */
		fourcc = b + i;
		csz = rd_le32(b + i + 4);
		if (csz > end - i - 8)
			return IMAGE_ERR_CORRUPT;
		d = b + i + 8;
		if (i == 12 && memcmp(fourcc, "VP8X", 4) == 0) {
			if (csz < 10)
				return IMAGE_ERR_CORRUPT;
			if (d[0] & 0x02)
				return IMAGE_ERR_ANIMATED;
			out->has_alpha = (d[0] & 0x10) != 0;
			out->width = rd_le24(d + 4) + 1;
			out->height = rd_le24(d + 7) + 1;
			vp8x = 1;
		} else if (memcmp(fourcc, "VP8 ", 4) == 0 ||
		           memcmp(fourcc, "VP8L", 4) == 0) {
			uint32_t w, h;

			if (webp_bitstream(fourcc, d, csz, &w, &h,
			                   &out->has_alpha) < 0)
				return IMAGE_ERR_CORRUPT;
			if (vp8x && (w != out->width || h != out->height))
				return IMAGE_ERR_CORRUPT;
			out->width = w;
			out->height = h;
			have_image = 1;
			if (!vp8x)
				return IMAGE_OK; /* simple format: one chunk */
			/* EXIF is allowed after the image data; go on. */
		} else if (!vp8x) {
			return IMAGE_ERR_CORRUPT;
		} else if (memcmp(fourcc, "ANIM", 4) == 0 ||
		           memcmp(fourcc, "ANMF", 4) == 0) {
			return IMAGE_ERR_ANIMATED;
		} else if (memcmp(fourcc, "ALPH", 4) == 0) {
			out->has_alpha = 1;
		} else if (memcmp(fourcc, "EXIF", 4) == 0) {
			probe_exif(d, csz, out);
		}
		i += 8 + (size_t)csz + (csz & 1);
		if (i >= end)
			break;
	}
	/* A VP8X file must have had its bitstream chunk. */
	return have_image ? IMAGE_OK : IMAGE_ERR_CORRUPT;
}

enum image_result
image_probe(const uint8_t *buf, size_t len, const struct image_limits *lim,
            struct image_info *out)
{
	enum image_result r;
	uint64_t          px;
	uint32_t          lng, shrt;

	memset(out, 0, sizeof(*out));
	out->exif.orientation = 1;
	if (buf == NULL || len < 12)
		r = (buf != NULL && len >= 3 && buf[0] == 0xff &&
		     buf[1] == 0xd8 && buf[2] == 0xff)
		        ? IMAGE_ERR_CORRUPT
		        : IMAGE_ERR_UNSUPPORTED;
	else if (buf[0] == 0xff && buf[1] == 0xd8 && buf[2] == 0xff)
		r = probe_jpeg(buf, len, out);
	else if (memcmp(buf, "\x89PNG", 4) == 0)
		r = probe_png(buf, len, out);
	else if (memcmp(buf, "RIFF", 4) == 0 && memcmp(buf + 8, "WEBP", 4) == 0)
		r = probe_webp(buf, len, out);
	else if (heif_sniff(buf, len))
		r = heif_probe(buf, len, out);
	else
		r = IMAGE_ERR_UNSUPPORTED;
	/* A header that states a size past the limits is refused for that,
	 * even when what follows is broken: a bomb gets the clear answer. */
	if (r == IMAGE_ERR_CORRUPT && lim != NULL && out->width != 0 &&
	    out->height != 0) {
		uint32_t side =
		    out->width > out->height ? out->width : out->height;

		if ((lim->max_side != 0 && side > lim->max_side) ||
		    (lim->max_pixels != 0 &&
		     (uint64_t)out->width * out->height > lim->max_pixels))
			r = IMAGE_ERR_TOO_LARGE;
	}
	if (r != IMAGE_OK)
		goto fail;

	if (out->type == IMAGE_HEIC || out->type == IMAGE_AVIF) {
		/* heif_probe() applied the file's crop and rotation. */
	} else if (out->exif.orientation >= 5) {
		out->oriented_width = out->height;
		out->oriented_height = out->width;
	} else {
		out->oriented_width = out->width;
		out->oriented_height = out->height;
	}
	px = (uint64_t)out->width * out->height;
	lng = out->width > out->height ? out->width : out->height;
	shrt = out->width > out->height ? out->height : out->width;
	if (lim != NULL) {
		if ((lim->max_side != 0 && lng > lim->max_side) ||
		    (lim->max_pixels != 0 && px > lim->max_pixels)) {
			r = IMAGE_ERR_TOO_LARGE;
			goto fail;
		}
		if (shrt < lim->min_short_side) {
			r = IMAGE_ERR_TOO_SMALL;
			goto fail;
		}
	}
	return IMAGE_OK;
fail:
	memset(out, 0, sizeof(*out));
	out->exif.orientation = 1;
	return r;
}

/* ---------------------------------------------------------------------- */
/* Decode and derive */

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Output sizes, in the oriented frame. */
struct plan {
	uint32_t tw, th; /* thumbnail */
	uint32_t dw, dh; /* display */
	uint32_t cw, ch; /* the photo inside the share card */
	uint32_t need_w; /* decode at least this, in the stored frame */
	uint32_t need_h;
};

/* Scales w x h so that side `side` becomes `to`, never upscaling. */
static void
fit(uint32_t w, uint32_t h, uint32_t to, int by_width, uint32_t *ow,
    uint32_t *oh)
{
	uint32_t ref = by_width ? w : (w > h ? w : h);

	if (ref <= to) {
		*ow = w;
		*oh = h;
		return;
	}
	*ow = (uint32_t)(((uint64_t)w * to + ref / 2) / ref);
	*oh = (uint32_t)(((uint64_t)h * to + ref / 2) / ref);
	if (*ow == 0)
		*ow = 1;
	if (*oh == 0)
		*oh = 1;
}

/*
 * The size w x h becomes once scaled to cover the whole card (the card
 * then crops the middle), never above w x h itself: a smaller photo is
 * enlarged by the card, not decoded bigger than it is.
 */
static void
card_cover(uint32_t w, uint32_t h, uint32_t *cw, uint32_t *ch)
{
	uint64_t ow, oh;

	if ((uint64_t)w * IMAGE_CARD_HEIGHT >= (uint64_t)h * IMAGE_CARD_WIDTH) {
		oh = IMAGE_CARD_HEIGHT; /* wider than the card: height covers */
		ow = ((uint64_t)w * IMAGE_CARD_HEIGHT + h / 2) / h;
	} else {
		ow = IMAGE_CARD_WIDTH;
		oh = ((uint64_t)h * IMAGE_CARD_WIDTH + w / 2) / w;
	}
	*cw = ow > w ? w : (uint32_t)ow;
	*ch = oh > h ? h : (uint32_t)oh;
}

static void
plan_make(const struct image_info *info, unsigned which, struct plan *p)
{
	uint32_t W = info->oriented_width, H = info->oriented_height;
	uint32_t nw = 0, nh = 0;

	fit(W, H, IMAGE_THUMB_WIDTH, 1, &p->tw, &p->th);
	fit(W, H, IMAGE_DISPLAY_LONG, 0, &p->dw, &p->dh);
	card_cover(W, H, &p->cw, &p->ch);
	if (which & (IMAGE_DERIV_BIT(IMAGE_DERIV_T400_JPEG) |
	             IMAGE_DERIV_BIT(IMAGE_DERIV_T400_WEBP))) {
		nw = p->tw;
		nh = p->th;
	}
	if (which & (IMAGE_DERIV_BIT(IMAGE_DERIV_D1600_JPEG) |
	             IMAGE_DERIV_BIT(IMAGE_DERIV_D1600_WEBP))) {
		nw = nw > p->dw ? nw : p->dw;
		nh = nh > p->dh ? nh : p->dh;
	}
	if (which & IMAGE_DERIV_BIT(IMAGE_DERIV_CARD_JPEG)) {
		nw = nw > p->cw ? nw : p->cw;
		nh = nh > p->ch ? nh : p->ch;
	}
	if (info->exif.orientation >= 5) {
		p->need_w = nh;
		p->need_h = nw;
	} else {
		p->need_w = nw;
		p->need_h = nh;
	}
}

/* libjpeg error manager: errors and warnings both end the decode. */
struct jpeg_fail {
	struct jpeg_error_mgr pub;
	jmp_buf               jb;
};

static void
jpeg_fail_exit(j_common_ptr ci)
{
	longjmp(((struct jpeg_fail *)(void *)ci->err)->jb, 1);
}

static void
jpeg_fail_emit(j_common_ptr ci, int level)
{
	/*
	 * level -1 is a warning: corrupt entropy data, a premature end of
	 * file.  libjpeg would go on and paint grey; we refuse instead.
	 * Two warnings about metadata only are let through.
	 */
	if (level < 0 && ci->err->msg_code != JWRN_JFIF_MAJOR &&
	    ci->err->msg_code != JWRN_BOGUS_ICC)
		longjmp(((struct jpeg_fail *)(void *)ci->err)->jb, 1);
}

static void
jpeg_fail_output(j_common_ptr ci)
{
	(void)ci; /* never print: the caller reports a result code */
}

/*
 * State of one JPEG decode, kept outside the function that calls setjmp so
 * nothing it needs after a longjmp lives in a clobbered local.
 */
struct jpeg_job {
	struct jpeg_decompress_struct ci;
	struct jpeg_fail              err;
	gdImagePtr                    im;
	uint8_t                      *row; /* CMYK conversion buffer */
	enum image_result             r;
};

static int
cmyk_to_rgb(unsigned c, unsigned m, unsigned y, unsigned k, int inverted)
{
	if (!inverted) {
		c = 255 - c;
		m = 255 - m;
		y = 255 - y;
		k = 255 - k;
	}
	/* Adobe files store inverted CMYK: the values are already 255-x. */
	return gdTrueColor((int)(c * k / 255), (int)(m * k / 255),
	                   (int)(y * k / 255));
}

/*
 * Asks libjpeg for the smallest DCT scale whose output still covers the
 * targets, and for pixels in gd's layout (or CMYK, converted per row).
 */
static void
jpeg_job_scale(struct jpeg_decompress_struct *ci, const struct image_info *info,
               const struct plan *p)
{
	unsigned scale;

	for (scale = 1; scale < 8; scale++) {
		uint64_t ow = ((uint64_t)info->width * scale + 7) / 8;
		uint64_t oh = ((uint64_t)info->height * scale + 7) / 8;
		if (ow >= p->need_w && oh >= p->need_h)
			break;
	}
	ci->scale_num = scale;
	ci->scale_denom = 8;
	ci->dct_method = JDCT_ISLOW;
	if (ci->num_components == 4)
		ci->out_color_space = JCS_CMYK;
	else
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		ci->out_color_space = JCS_EXT_BGRX; /* = gd's 0x00RRGGBB */
#else
		ci->out_color_space = JCS_EXT_XRGB;
#endif
}

/*
 * Reads the next scanlines into j->im: up to 16 straight into gd's rows,
 * or one CMYK row converted.  Returns the rows read (0: the data ends).
 * libjpeg's errors longjmp to jpeg_job_run().
 */
static unsigned
jpeg_job_rows(struct jpeg_job *j)
{
	struct jpeg_decompress_struct *ci = &j->ci;
	unsigned                       y0 = ci->output_scanline, n, k, x;
	JSAMPROW                       rows[16];

	if (j->row != NULL) {
		rows[0] = j->row;
		if (jpeg_read_scanlines(ci, rows, 1) != 1)
			return 0;
		for (x = 0; x < ci->output_width; x++) {
			const uint8_t *s = j->row + 4 * x;
			j->im->tpixels[y0][x] = cmyk_to_rgb(
			    s[0], s[1], s[2], s[3], ci->saw_Adobe_marker);
		}
		return 1;
	}
	n = ci->output_height - y0;
	if (n > 16)
		n = 16;
	for (k = 0; k < n; k++)
		rows[k] = (JSAMPROW)(void *)j->im->tpixels[y0 + k];
	n = jpeg_read_scanlines(ci, rows, n);
	/* The X byte is 0xff; gd reads the top byte as alpha. */
	for (k = 0; k < n; k++) {
		int *px = j->im->tpixels[y0 + k];
		for (x = 0; x < ci->output_width; x++)
			px[x] &= 0x00ffffff;
	}
	return n;
}

static void
jpeg_job_run(struct jpeg_job *j, const uint8_t *buf, size_t len,
             const struct image_info *info, const struct plan *p)
{
	struct jpeg_decompress_struct *ci = &j->ci;

	ci->err = jpeg_std_error(&j->err.pub);
	j->err.pub.error_exit = jpeg_fail_exit;
	j->err.pub.emit_message = jpeg_fail_emit;
	j->err.pub.output_message = jpeg_fail_output;
	j->r = IMAGE_ERR_DECODE;
	if (setjmp(j->err.jb))
		return; /* jpeg_job_done() cleans up */
	jpeg_create_decompress(ci);
	ci->mem->max_memory_to_use = IMAGE_JPEG_MAX_MEMORY;
	jpeg_mem_src(ci, buf, (unsigned long)len);
	if (jpeg_read_header(ci, TRUE) != JPEG_HEADER_OK)
		return;
	if (ci->image_width != info->width || ci->image_height != info->height)
		return;
	jpeg_job_scale(ci, info, p);
	jpeg_start_decompress(ci);
	if (ci->output_width > INT_MAX || ci->output_height > INT_MAX)
		return;
	j->im = gdImageCreateTrueColor((int)ci->output_width,
	                               (int)ci->output_height);
	if (j->im == NULL ||
	    (ci->out_color_space == JCS_CMYK &&
	     (j->row = malloc((size_t)ci->output_width * 4)) == NULL)) {
		j->r = IMAGE_ERR_NOMEM;
		return;
	}
	while (ci->output_scanline < ci->output_height)
		if (jpeg_job_rows(j) == 0)
			return;
	jpeg_finish_decompress(ci);
	j->r = IMAGE_OK;
}

static enum image_result
decode_jpeg(const uint8_t *buf, size_t len, const struct image_info *info,
            const struct plan *p, gdImagePtr *out)
{
	struct jpeg_job  *j;
	enum image_result r;

	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return IMAGE_ERR_NOMEM;
	jpeg_job_run(j, buf, len, info, p);
	jpeg_destroy_decompress(&j->ci);
	free(j->row);
	r = j->r;
	if (r == IMAGE_OK)
		*out = j->im;
	else if (j->im != NULL)
		gdImageDestroy(j->im);
	free(j);
	return r;
}

static enum image_result
decode_webp(const uint8_t *buf, size_t len, const struct image_info *info,
            const struct plan *p, gdImagePtr *out)
{
	WebPDecoderConfig cfg;
	gdImagePtr        im = NULL;
	enum image_result r = IMAGE_ERR_DECODE;
	uint32_t          w = info->width, h = info->height, x, y;

	if (!WebPInitDecoderConfig(&cfg))
		return IMAGE_ERR_NOMEM;
	if (WebPGetFeatures(buf, len, &cfg.input) != VP8_STATUS_OK)
		return IMAGE_ERR_DECODE;
	if (cfg.input.has_animation)
		return IMAGE_ERR_ANIMATED;
	if ((uint32_t)cfg.input.width != w || (uint32_t)cfg.input.height != h)
		return IMAGE_ERR_DECODE;
	/* libwebp's rescaler averages areas: scale at decode, like JPEG. */
	if (p->need_w < w && p->need_h < h) {
		cfg.options.use_scaling = 1;
		cfg.options.scaled_width = (int)p->need_w;
		cfg.options.scaled_height = (int)p->need_h;
		w = p->need_w;
		h = p->need_h;
	}
	cfg.output.colorspace = MODE_BGRA;
	if (WebPDecode(buf, len, &cfg) != VP8_STATUS_OK)
		goto out;
	if ((uint32_t)cfg.output.width != w || (uint32_t)cfg.output.height != h)
		goto out;
	im = gdImageCreateTrueColor((int)w, (int)h);
	if (im == NULL) {
		r = IMAGE_ERR_NOMEM;
		goto out;
	}
	for (y = 0; y < h; y++) {
		const uint8_t *s = cfg.output.u.RGBA.rgba +
		                   (size_t)y * (size_t)cfg.output.u.RGBA.stride;
		int *d = im->tpixels[y];
		for (x = 0; x < w; x++, s += 4)
			d[x] = gdTrueColorAlpha(s[2], s[1], s[0],
			                        127 - (s[3] >> 1));
	}
	*out = im;
	im = NULL;
	r = IMAGE_OK;
out:
	WebPFreeDecBuffer(&cfg.output);
	if (im != NULL)
		gdImageDestroy(im);
	return r;
}

static enum image_result
decode_png(const uint8_t *buf, size_t len, const struct image_info *info,
           gdImagePtr *out)
{
	gdImagePtr im;
	int        x, y, tc;

	if (len > INT_MAX)
		return IMAGE_ERR_DECODE;
	/* libgd refuses CRC, Adler-32 and truncation errors (checked). */
	im = gdImageCreateFromPngPtr((int)len, (void *)(uintptr_t)buf);
	if (im == NULL)
		return IMAGE_ERR_DECODE;
	if ((uint32_t)gdImageSX(im) != info->width ||
	    (uint32_t)gdImageSY(im) != info->height)
		goto fail;
	if (!gdImageTrueColor(im)) {
		if (!gdImagePaletteToTrueColor(im))
			goto fail;
	} else if ((tc = gdImageGetTransparent(im)) >= 0) {
		/* A tRNS colour on RGB: make those pixels transparent. */
		for (y = 0; y < gdImageSY(im); y++)
			for (x = 0; x < gdImageSX(im); x++)
				if (im->tpixels[y][x] == tc)
					im->tpixels[y][x] =
					    gdTrueColorAlpha(0, 0, 0, 127);
	}
	*out = im;
	return IMAGE_OK;
fail:
	gdImageDestroy(im);
	return IMAGE_ERR_DECODE;
}

/* Applies EXIF orientation o (2..8); returns a new image or NULL. */
static gdImagePtr
orient(gdImagePtr src, int o)
{
	int        W = gdImageSX(src), H = gdImageSY(src);
	int        swap = o >= 5, dw = swap ? H : W, dh = swap ? W : H;
	int        x, y;
	gdImagePtr dst = gdImageCreateTrueColor(dw, dh);

	if (dst == NULL)
		return NULL;
	gdImageAlphaBlending(dst, 0);
	gdImageSaveAlpha(dst, 1);
	for (y = 0; y < dh; y++) {
		int *d = dst->tpixels[y];
		for (x = 0; x < dw; x++) {
			int sx, sy;
			switch (o) {
			case 2: /* mirrored */
				sx = W - 1 - x, sy = y;
				break;
			case 3: /* rotated 180 */
				sx = W - 1 - x, sy = H - 1 - y;
				break;
			case 4: /* mirrored vertically */
				sx = x, sy = H - 1 - y;
				break;
			case 5: /* transposed */
				sx = y, sy = x;
				break;
			case 6: /* stored rotated 90 CCW: turn 90 CW */
				sx = y, sy = H - 1 - x;
				break;
			case 7: /* transversed */
				sx = W - 1 - y, sy = H - 1 - x;
				break;
			default: /* 8: stored rotated 90 CW: turn 90 CCW */
				sx = W - 1 - y, sy = x;
				break;
			}
			d[x] = src->tpixels[sy][sx];
		}
	}
	return dst;
}

/* One horizontal band of a resample, for a second thread. */
struct band_job {
	gdImagePtr dst, src;
	int        y0, y1, rc;
};

static void *
band_job_run(void *arg)
{
	struct band_job *b = arg;

	b->rc = resample_rows(b->dst, b->src, b->y0, b->y1);
	return NULL;
}

/*
 * Area-resamples src to w x h (alpha kept; resample.c, the box filter of
 * gdImageCopyResampled).  Big images are cut into two bands of rows done
 * on two threads.
 */
static gdImagePtr
resample(gdImagePtr src, uint32_t w, uint32_t h)
{
	gdImagePtr      dst = gdImageCreateTrueColor((int)w, (int)h);
	struct band_job b;
	pthread_t       tid;
	int             rc;

	if (dst == NULL)
		return NULL;
	gdImageAlphaBlending(dst, 0);
	gdImageSaveAlpha(dst, 1);
	b = (struct band_job){dst, src, 0, (int)h / 2, -1};
	if ((uint64_t)w * h >= IMAGE_MT_MIN_PIXELS && h >= 2 &&
	    pthread_create(&tid, NULL, band_job_run, &b) == 0) {
		rc = resample_rows(dst, src, b.y1, (int)h);
		pthread_join(tid, NULL);
		rc = rc != 0 ? rc : b.rc;
	} else {
		rc = resample_rows(dst, src, 0, (int)h);
	}
	if (rc != 0) {
		gdImageDestroy(dst);
		return NULL;
	}
	return dst;
}

/* Composes every pixel onto white, in place: JPEG has no alpha. */
static void
flatten(gdImagePtr im)
{
	int x, y;

	for (y = 0; y < gdImageSY(im); y++) {
		int *px = im->tpixels[y];
		for (x = 0; x < gdImageSX(im); x++) {
			int a = gdTrueColorGetAlpha(px[x]), o = 127 - a;
			if (a == 0)
				continue;
			px[x] = gdTrueColor(
			    (gdTrueColorGetRed(px[x]) * o + 255 * a + 63) / 127,
			    (gdTrueColorGetGreen(px[x]) * o + 255 * a + 63) /
			        127,
			    (gdTrueColorGetBlue(px[x]) * o + 255 * a + 63) /
			        127);
		}
	}
}

/* 64-bit dHash: 9x8 grey, one bit per left-to-right brightness step. */
static int
dhash(gdImagePtr src, uint64_t *out)
{
	gdImagePtr s = resample(src, 9, 8);
	uint64_t   h = 0;
	int        x, y;

	if (s == NULL)
		return -1;
	for (y = 0; y < 8; y++) {
		int g[9];
		for (x = 0; x < 9; x++) {
			int c = s->tpixels[y][x];
			g[x] = 299 * gdTrueColorGetRed(c) +
			       587 * gdTrueColorGetGreen(c) +
			       114 * gdTrueColorGetBlue(c);
		}
		for (x = 0; x < 8; x++)
			h = h << 1 | (g[x] < g[x + 1]);
	}
	gdImageDestroy(s);
	*out = h;
	return 0;
}

/* Drops COM segments (libgd writes "CREATOR: gd-jpeg ...") in place. */
static size_t
jpeg_strip_com(uint8_t *b, size_t n)
{
	size_t i = 2, o = 2;

	while (i + 4 <= n && b[i] == 0xff && b[i + 1] != 0xda) {
		size_t seg = 2 + rd_be16(b + i + 2);
		if (seg < 4 || seg > n - i)
			return n; /* not ours to repair: leave it */
		if (b[i + 1] != 0xfe) {
			memmove(b + o, b + i, seg);
			o += seg;
		}
		i += seg;
	}
	memmove(b + o, b + i, n - i);
	return o + (n - i);
}

static int
encode_jpeg(gdImagePtr im, int q, int progressive, struct image_blob *out)
{
	int   size = 0;
	void *p;

	gdImageInterlace(im, progressive);
	p = gdImageJpegPtr(im, &size, q);
	if (p == NULL || size <= 0) {
		gdFree(p);
		return -1;
	}
	out->data = p;
	out->len = jpeg_strip_com(p, (size_t)size);
	out->width = (uint32_t)gdImageSX(im);
	out->height = (uint32_t)gdImageSY(im);
	return 0;
}

/*
 * Encodes im as lossy WebP with libwebp's advanced API (libgd's wrapper
 * offers neither the method nor threads).  gd's pixels are 0x7fRRGGBB
 * ints, i.e. B, G, R, A bytes on a little-endian machine with a 7-bit
 * inverted alpha: opaque images go in as BGRX, others are converted.
 */
static int
encode_webp(gdImagePtr im, int q, int alpha, struct image_blob *out)
{
	WebPConfig       cfg;
	WebPPicture      pic;
	WebPMemoryWriter wr;
	int              w = gdImageSX(im), h = gdImageSY(im), ok = 0;
	uint8_t         *buf;

	if (!WebPConfigInit(&cfg) || !WebPPictureInit(&pic))
		return -1;
	cfg.quality = (float)q;
	cfg.method = IMAGE_WEBP_METHOD;
	cfg.thread_level = 1;
	if ((buf = malloc((size_t)w * (size_t)h * 4)) == NULL)
		return -1;
	for (int y = 0; y < h; y++) {
		const int *src = im->tpixels[y];
		uint8_t   *d = buf + (size_t)y * (size_t)w * 4;

		for (int x = 0; x < w; x++, d += 4) {
			int c = src[x];

			d[0] = (uint8_t)gdTrueColorGetBlue(c);
			d[1] = (uint8_t)gdTrueColorGetGreen(c);
			d[2] = (uint8_t)gdTrueColorGetRed(c);
			d[3] = (uint8_t)(255 -
			                 ((gdTrueColorGetAlpha(c) * 255 + 63) /
			                  127));
		}
	}
	pic.width = w;
	pic.height = h;
	pic.use_argb = 0;
	WebPMemoryWriterInit(&wr);
	pic.writer = WebPMemoryWrite;
	pic.custom_ptr = &wr;
	if (alpha ? WebPPictureImportBGRA(&pic, buf, w * 4)
	          : WebPPictureImportBGRX(&pic, buf, w * 4))
		ok = WebPEncode(&cfg, &pic);
	WebPPictureFree(&pic);
	free(buf);
	if (!ok || wr.size == 0) {
		WebPMemoryWriterClear(&wr);
		return -1;
	}
	/* image_derivs_free() releases blobs with gdFree(), i.e. free(). */
	out->data = wr.mem;
	out->len = wr.size;
	out->width = (uint32_t)w;
	out->height = (uint32_t)h;
	return 0;
}

/*
 * The display WebP is the slowest step (libwebp method 4, ~140 ms for
 * 1600x1200), so it runs on a second thread while this one makes the
 * thumbnail and the JPEGs.  Both threads only read `im`.
 */
struct webp_job {
	gdImagePtr        im;
	int               q;
	int               alpha;
	struct image_blob out;
	int               rc;
};

static void *
webp_job_run(void *arg)
{
	struct webp_job *j = arg;

	j->rc = encode_webp(j->im, j->q, j->alpha, &j->out);
	return NULL;
}

/* Encodes the flattened JPEG of im; flattens a copy when im has alpha. */
static int
encode_flat_jpeg(gdImagePtr im, int alpha, int q, int progressive,
                 struct image_blob *out, uint64_t *hash)
{
	gdImagePtr flat = im;
	int        rc = -1;

	if (alpha) {
		if ((flat = gdImageClone(im)) == NULL)
			return -1;
		flatten(flat);
	}
	if (out != NULL && encode_jpeg(flat, q, progressive, out) < 0)
		goto out;
	if (hash != NULL && dhash(flat, hash) < 0)
		goto out;
	rc = 0;
out:
	if (flat != im)
		gdImageDestroy(flat);
	return rc;
}

/* The card's fonts, and what image_fonts_load() found of them. */
static const char *const card_fonts[] = {IMAGE_FONT_REGULAR, IMAGE_FONT_BOLD};
static int               fonts_checked;
static unsigned          fonts_missing; /* bit i: card_fonts[i] */

/* Width in pixels of text drawn at pt with font; -1 when it cannot be. */
static int
text_width(const char *font, double pt, const char *text)
{
	int brect[8];

	for (unsigned i = 0; fonts_checked && i < 2; i++)
		if ((fonts_missing & (1u << i)) &&
		    strcmp(font, card_fonts[i]) == 0)
			return -1; /* not looked for again (image_fonts_load) */
	if (gdImageStringFT(NULL, brect, 0, (char *)(uintptr_t)font, pt, 0.0, 0,
	                    0, (char *)(uintptr_t)text) != NULL)
		return -1;
	return brect[2] - brect[0];
}

/*
 * Copies text into buf (512 bytes), shortened at a character boundary
 * with "…" until it is at most maxw pixels wide at pt with font.  Text
 * longer than the card could ever show is cut first, so the measuring
 * loop stays short.  Returns the width, or -1 when there is nothing to
 * draw (empty text, no font).
 */
static int
line_fit(const char *font, double pt, int maxw, const char *text, char *buf)
{
	size_t n = text != NULL ? strlen(text) : 0, cut;

	if (n == 0 || maxw <= 0)
		return -1;
	if (n > 512 - 4)
		n = 512 - 4;
	while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
		n--; /* never split a UTF-8 sequence */
	memcpy(buf, text, n);
	buf[n] = '\0';
	for (;;) {
		int w = text_width(font, pt, buf);
		if (w < 0)
			return -1; /* no font: a card without this line */
		if (w <= maxw || n == 0)
			return w;
		/* Drop one character, then a trailing space. */
		cut = n - 1;
		while (cut > 0 && ((unsigned char)buf[cut] & 0xc0) == 0x80)
			cut--;
		while (cut > 0 && buf[cut - 1] == ' ')
			cut--;
		n = cut;
		memcpy(buf + n, "\xe2\x80\xa6", 4); /* U+2026 and NUL */
	}
}

/* Draws text at (x, baseline y) in at most maxw pixels; returns its width
 * (-1: nothing drawn). */
static int
draw_line(gdImagePtr im, const char *font, double pt, int color, int x, int y,
          int maxw, const char *text)
{
	char buf[512];
	int  w = line_fit(font, pt, maxw, text, buf);

	if (w >= 0)
		gdImageStringFT(im, NULL, color, (char *)(uintptr_t)font, pt,
		                0.0, x, y, buf);
	return w;
}

/* White bold text on a brand-red label whose top left is (x, top). */
static void
draw_label(gdImagePtr im, int x, int top, int maxw, const char *text)
{
	char buf[512];
	int  w = line_fit(IMAGE_FONT_BOLD, IMAGE_CARD_LABEL_PT,
	                  maxw - 2 * IMAGE_CARD_LABEL_PAD, text, buf);

	if (w < 0)
		return;
	gdImageFilledRectangle(im, x, top, x + w + 2 * IMAGE_CARD_LABEL_PAD - 1,
	                       top + IMAGE_CARD_LABEL_H - 1, IMAGE_CARD_RED);
	gdImageStringFT(im, NULL, gdTrueColor(255, 255, 255),
	                (char *)(uintptr_t)IMAGE_FONT_BOLD, IMAGE_CARD_LABEL_PT,
	                0.0, x + IMAGE_CARD_LABEL_PAD,
	                top + IMAGE_CARD_LABEL_BASE, buf);
}

/* Copies the middle of src that has the card's shape over the whole card
 * (portraits keep a little more of their top, where faces usually are).
 * 0, or -1 when out of memory. */
static int
card_photo(gdImagePtr im, gdImagePtr src)
{
	gdImagePtr p;
	int        sw = gdImageSX(src), sh = gdImageSY(src), x = 0, y = 0, w, h;

	if ((int64_t)sw * IMAGE_CARD_HEIGHT >= (int64_t)sh * IMAGE_CARD_WIDTH) {
		h = sh;
		w = (int)(((int64_t)sh * IMAGE_CARD_WIDTH +
		           IMAGE_CARD_HEIGHT / 2) /
		          IMAGE_CARD_HEIGHT);
		w = w < 1 ? 1 : (w > sw ? sw : w);
		x = (sw - w) / 2;
	} else {
		w = sw;
		h = (int)(((int64_t)sw * IMAGE_CARD_HEIGHT +
		           IMAGE_CARD_WIDTH / 2) /
		          IMAGE_CARD_WIDTH);
		h = h < 1 ? 1 : (h > sh ? sh : h);
		y = (sh - h) * 2 / 5;
	}
	p = gdImageCreateTrueColor(IMAGE_CARD_WIDTH, IMAGE_CARD_HEIGHT);
	if (p == NULL ||
	    resample_region(p, src, x, y, w, h, 0, IMAGE_CARD_HEIGHT) != 0) {
		if (p != NULL)
			gdImageDestroy(p);
		return -1;
	}
	/* Alpha blending is on in im: a transparent photo lands on the
	 * ground. */
	gdImageFilledRectangle(im, 0, 0, IMAGE_CARD_WIDTH - 1,
	                       IMAGE_CARD_HEIGHT - 1, IMAGE_CARD_BG);
	gdImageCopy(im, p, 0, 0, 0, 0, IMAGE_CARD_WIDTH, IMAGE_CARD_HEIGHT);
	gdImageDestroy(p);
	return 0;
}

/* Darkens the rows below IMAGE_CARD_GRAD_TOP, more towards the bottom
 * (a gentle ease-in: the photo stays clear above the text, about half
 * dark behind the title). */
static void
card_gradient(gdImagePtr im)
{
	const int span = IMAGE_CARD_HEIGHT - IMAGE_CARD_GRAD_TOP;

	for (int y = IMAGE_CARD_GRAD_TOP; y < IMAGE_CARD_HEIGHT; y++) {
		double t = (double)(y - IMAGE_CARD_GRAD_TOP + 1) / span;
		double o = IMAGE_CARD_GRAD_MAX * pow(t, 1.2);
		int    alpha = gdAlphaTransparent - (int)(o * gdAlphaMax + 0.5);

		gdImageLine(im, 0, y, IMAGE_CARD_WIDTH - 1, y,
		            gdTrueColorAlpha(0, 0, 0, alpha));
	}
}

/*
 * The share card: the photo (src, already resampled or not) cover-cropped
 * to the whole card, the gradient, then the text (struct image_card_text).
 * Returns the card or NULL.
 */
static gdImagePtr
card_make(gdImagePtr src, const struct image_card_text *t)
{
	gdImagePtr im =
	    gdImageCreateTrueColor(IMAGE_CARD_WIDTH, IMAGE_CARD_HEIGHT);
	const int x = IMAGE_CARD_MARGIN, maxw = IMAGE_CARD_WIDTH - 2 * x;
	char      buf[512];
	int       white, grey, cta = -1;

	if (im == NULL)
		return NULL;
	if (card_photo(im, src) != 0) {
		gdImageDestroy(im);
		return NULL;
	}
	card_gradient(im);
	if (t == NULL)
		return im;
	white = gdTrueColor(255, 255, 255);
	grey = gdTrueColor(226, 226, 226);
	draw_label(im, x, IMAGE_CARD_TOP_LABEL, maxw, t->contest);
	if (t->number != NULL && t->number[0] != '\0') {
		snprintf(buf, sizeof(buf), "S\xe1\xbb\x91 %s", t->number);
		draw_label(im, x, IMAGE_CARD_NUM_LABEL, maxw, buf);
	}
	/* The title over a soft shadow: legible on a bright photo too. */
	draw_line(im, IMAGE_FONT_BOLD, IMAGE_CARD_TITLE_PT,
	          gdTrueColorAlpha(0, 0, 0, 70), x + 2, IMAGE_CARD_TITLE_Y + 2,
	          maxw, t->title);
	draw_line(im, IMAGE_FONT_BOLD, IMAGE_CARD_TITLE_PT, white, x,
	          IMAGE_CARD_TITLE_Y, maxw, t->title);
	/* The call to action at the right, the author in what is left. */
	if (t->host != NULL && t->host[0] != '\0') {
		char line[512];

		snprintf(buf, sizeof(buf),
		         "B\xc3\xacnh ch\xe1\xbb\x8dn t\xe1\xba\xa1i %s",
		         t->host);
		cta = line_fit(IMAGE_FONT_BOLD, IMAGE_CARD_SMALL_PT, maxw, buf,
		               line);
		if (cta >= 0) {
			int cx = IMAGE_CARD_WIDTH - x - cta;

			gdImageStringFT(im, NULL, white,
			                (char *)(uintptr_t)IMAGE_FONT_BOLD,
			                IMAGE_CARD_SMALL_PT, 0.0, cx,
			                IMAGE_CARD_LAST_Y, line);
			/* The brand's red underlines it. */
			gdImageFilledRectangle(
			    im, cx, IMAGE_CARD_LAST_Y + 12, cx + cta - 1,
			    IMAGE_CARD_LAST_Y + 16, IMAGE_CARD_RED);
		}
	}
	draw_line(im, IMAGE_FONT_REGULAR, IMAGE_CARD_SMALL_PT, grey, x,
	          IMAGE_CARD_LAST_Y, cta >= 0 ? maxw - cta - 40 : maxw,
	          t->author);
	return im;
}

enum image_result
image_derive_some(const uint8_t *buf, size_t len, const struct image_info *info,
                  unsigned which, struct image_derivs *out)
{
	return image_derive_card(buf, len, info, which, NULL, out);
}

/* One derivation in progress: what image_derive_card() holds. */
struct derive {
	struct plan     p;
	unsigned        which, want_t, want_d;
	int             alpha;
	gdImagePtr      src, disp, thumb, card;
	struct webp_job wj; /* the display WebP, encoded on its own thread */
	pthread_t       tid;
	int             threaded;
	uint64_t        t1, resize_us;
};

/* Decodes the file and applies its EXIF orientation into d->src. */
static enum image_result
derive_decode(struct derive *d, const uint8_t *buf, size_t len,
              const struct image_info *info, struct image_derivs *out)
{
	uint64_t          t0 = now_us();
	enum image_result r;
	gdImagePtr        tmp;

	switch (info->type) {
	case IMAGE_JPEG:
		r = decode_jpeg(buf, len, info, &d->p, &d->src);
		break;
	case IMAGE_PNG:
		r = decode_png(buf, len, info, &d->src);
		break;
	case IMAGE_HEIC:
	case IMAGE_AVIF: /* libheif applies irot and imir itself */
		r = heif_decode(buf, len, info, d->p.need_w, d->p.need_h,
		                &d->src);
		break;
	default:
		r = decode_webp(buf, len, info, &d->p, &d->src);
		break;
	}
	if (r != IMAGE_OK)
		return r;
	/* Truecolor already (decoders above); now the EXIF orientation. */
	if (info->exif.orientation >= 2 && info->exif.orientation <= 8) {
		if ((tmp = orient(d->src, info->exif.orientation)) == NULL)
			return IMAGE_ERR_NOMEM;
		gdImageDestroy(d->src);
		d->src = tmp;
	}
	d->alpha = info->type != IMAGE_JPEG;
	d->t1 = now_us();
	out->timing.decode_us = d->t1 - t0;
	return IMAGE_OK;
}

/*
 * The display image, and its WebP started on a thread of its own while
 * this one goes on with the thumbnail (the two encoders are the slow
 * part; both cores work).
 */
static enum image_result
derive_display(struct derive *d)
{
	uint64_t t = now_us();

	if (!d->want_d)
		return IMAGE_OK;
	if ((d->disp = resample(d->src, d->p.dw, d->p.dh)) == NULL)
		return IMAGE_ERR_NOMEM;
	d->resize_us += now_us() - t;
	if (d->which & IMAGE_DERIV_BIT(IMAGE_DERIV_D1600_WEBP)) {
		d->wj.im = d->disp;
		d->wj.q = IMAGE_DISP_WEBP_Q;
		d->wj.alpha = d->alpha;
		d->wj.rc = -1;
		d->threaded =
		    pthread_create(&d->tid, NULL, webp_job_run, &d->wj) == 0;
		if (!d->threaded)
			webp_job_run(&d->wj);
	}
	return IMAGE_OK;
}

/* The thumbnail, its encodings and the dHash (taken from it, flattened). */
static enum image_result
derive_thumb(struct derive *d, struct image_derivs *out)
{
	unsigned   w = d->which;
	gdImagePtr from;
	uint64_t   t = now_us();

	if (!d->want_t)
		return IMAGE_OK;
	/* The thumbnail comes from the display image when it is as big. */
	from = (d->disp != NULL && d->p.dw >= d->p.tw && d->p.dh >= d->p.th)
	           ? d->disp
	           : d->src;
	if ((d->thumb = resample(from, d->p.tw, d->p.th)) == NULL)
		return IMAGE_ERR_NOMEM;
	d->resize_us += now_us() - t;
	if ((w & IMAGE_DERIV_BIT(IMAGE_DERIV_T400_WEBP)) &&
	    encode_webp(d->thumb, IMAGE_THUMB_WEBP_Q, d->alpha,
	                &out->blob[IMAGE_DERIV_T400_WEBP]) < 0)
		return IMAGE_ERR_NOMEM;
	/*
	 * The thumbnail is baseline, the bigger JPEGs progressive: for a
	 * ~20 KB file that arrives at once, progressive coding (several
	 * passes, optimised Huffman tables) took ~3 of its ~4 ms of encoding
	 * (12 MP bench photo) and saved ~7% of its bytes.  Same quantisation.
	 */
	if (encode_flat_jpeg(d->thumb, d->alpha, IMAGE_THUMB_JPEG_Q, 0,
	                     (w & IMAGE_DERIV_BIT(IMAGE_DERIV_T400_JPEG))
	                         ? &out->blob[IMAGE_DERIV_T400_JPEG]
	                         : NULL,
	                     &out->dhash) < 0)
		return IMAGE_ERR_NOMEM;
	return IMAGE_OK;
}

/* The display JPEG and the share card. */
static enum image_result
derive_rest(struct derive *d, const struct image_card_text *card,
            struct image_derivs *out)
{
	uint64_t t;

	if ((d->which & IMAGE_DERIV_BIT(IMAGE_DERIV_D1600_JPEG)) &&
	    encode_flat_jpeg(d->disp, d->alpha, IMAGE_DISP_JPEG_Q, 1,
	                     &out->blob[IMAGE_DERIV_D1600_JPEG],
	                     d->want_t ? NULL : &out->dhash) < 0)
		return IMAGE_ERR_NOMEM;
	if (!(d->which & IMAGE_DERIV_BIT(IMAGE_DERIV_CARD_JPEG)))
		return IMAGE_OK;
	t = now_us();
	/* The display image when it covers the card as well as the decoded
	 * one would (a panorama's display image is too low for it). */
	d->card = card_make(
	    (d->disp != NULL && d->p.dw >= d->p.cw && d->p.dh >= d->p.ch)
	        ? d->disp
	        : d->src,
	    card);
	if (d->card == NULL)
		return IMAGE_ERR_NOMEM;
	d->resize_us += now_us() - t;
	if (encode_jpeg(d->card, IMAGE_CARD_JPEG_Q, 1,
	                &out->blob[IMAGE_DERIV_CARD_JPEG]) < 0)
		return IMAGE_ERR_NOMEM;
	return IMAGE_OK;
}

/* Joins the WebP thread, records the timing and releases every image. */
static enum image_result
derive_finish(struct derive *d, enum image_result r, struct image_derivs *out)
{
	if (d->threaded)
		pthread_join(d->tid, NULL);
	if (d->wj.im != NULL) {
		out->blob[IMAGE_DERIV_D1600_WEBP] = d->wj.out;
		if (d->wj.rc < 0 && r == IMAGE_OK)
			r = IMAGE_ERR_NOMEM;
	}
	if (r == IMAGE_OK) {
		out->timing.resize_us = d->resize_us;
		out->timing.encode_us = now_us() - d->t1 - d->resize_us;
	}
	if (d->thumb != NULL)
		gdImageDestroy(d->thumb);
	if (d->card != NULL)
		gdImageDestroy(d->card);
	if (d->disp != NULL)
		gdImageDestroy(d->disp);
	if (d->src != NULL)
		gdImageDestroy(d->src);
	if (r != IMAGE_OK)
		image_derivs_free(out);
	return r;
}

enum image_result
image_derive_card(const uint8_t *buf, size_t len, const struct image_info *info,
                  unsigned which, const struct image_card_text *card,
                  struct image_derivs *out)
{
	struct derive     d;
	enum image_result r;

	memset(out, 0, sizeof(*out));
	memset(&d, 0, sizeof(d));
	if (buf == NULL || info == NULL || (unsigned)info->type >= IMAGE__MAX)
		return IMAGE_ERR_DECODE;
	if ((uint64_t)info->width * info->height > IMAGE_HARD_MAX_PIXELS ||
	    info->width > INT_MAX / 4 || info->height > INT_MAX / 4)
		return IMAGE_ERR_TOO_LARGE;
	d.which = which & IMAGE_DERIV_ALL;
	d.want_t = d.which & (IMAGE_DERIV_BIT(IMAGE_DERIV_T400_JPEG) |
	                      IMAGE_DERIV_BIT(IMAGE_DERIV_T400_WEBP));
	d.want_d = d.which & (IMAGE_DERIV_BIT(IMAGE_DERIV_D1600_JPEG) |
	                      IMAGE_DERIV_BIT(IMAGE_DERIV_D1600_WEBP));
	if (!d.want_d)
		d.want_t = 1; /* the hash comes from the thumbnail */
	plan_make(info,
	          d.which |
	              (d.want_t ? IMAGE_DERIV_BIT(IMAGE_DERIV_T400_JPEG) : 0),
	          &d.p);
	if ((r = derive_decode(&d, buf, len, info, out)) == IMAGE_OK &&
	    (r = derive_display(&d)) == IMAGE_OK &&
	    (r = derive_thumb(&d, out)) == IMAGE_OK)
		r = derive_rest(&d, card, out);
	return derive_finish(&d, r, out);
}

enum image_result
image_derive(const uint8_t *buf, size_t len, const struct image_info *info,
             struct image_derivs *out)
{
	return image_derive_some(buf, len, info, IMAGE_DERIV_ALL, out);
}

void
image_derivs_free(struct image_derivs *d)
{
	int i;

	for (i = 0; i < IMAGE_DERIV__MAX; i++) {
		gdFree(d->blob[i].data);
		d->blob[i].data = NULL;
		d->blob[i].len = 0;
	}
}

int
image_dhash_distance(uint64_t a, uint64_t b)
{
	return __builtin_popcountll(a ^ b);
}

static void
image_gd_quiet(int level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
}

void
image_init(void)
{
	gdSetErrorMethod(image_gd_quiet);
}

int
image_fonts_load(void)
{
	int n = 0;

	for (unsigned i = 0; i < 2; i++) {
		/* Measuring a glyph loads the face into libgd's cache. */
		if (text_width(card_fonts[i], IMAGE_CARD_SMALL_PT,
		               "\xe1\xba\xa2") >= 0)
			n++;
		else
			fonts_missing |= 1u << i;
	}
	fonts_checked = 1;
	return n;
}
