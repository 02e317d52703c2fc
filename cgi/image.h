/*
 * image.h: the image service.  It decides what an upload is from its bytes
 * alone (type, dimensions, EXIF) without decoding, then decodes it once and
 * derives the thumbnail and display images plus a perceptual hash, all in
 * memory.  No disk, no database: the store and db modules do that.
 */
#ifndef NETDEP_IMAGE_H
#define NETDEP_IMAGE_H

#include <stddef.h>
#include <stdint.h>

enum image_type {
	IMAGE_JPEG,
	IMAGE_PNG,
	IMAGE_WEBP,
	IMAGE_HEIC, /* HEIF with HEVC pictures (heif.h) */
	IMAGE_AVIF, /* HEIF with AV1 pictures (heif.h) */
	IMAGE__MAX
};

/* Short name ("jpeg"), MIME type ("image/jpeg"), extension without dot. */
const char *image_type_name(enum image_type t);
const char *image_type_mime(enum image_type t);
const char *image_type_ext(enum image_type t);

/*
 * Outcomes of image_probe() and image_derive().  Everything but
 * IMAGE_ERR_NOMEM is the uploader's fault (4xx); IMAGE_ERR_NOMEM is ours.
 */
enum image_result {
	IMAGE_OK,
	IMAGE_ERR_UNSUPPORTED, /* not JPEG, PNG, WebP, HEIC, AVIF by its bytes
	                        */
	IMAGE_ERR_VARIANT,     /* a flavour we do not decode (12-bit JPEG...) */
	IMAGE_ERR_ANIMATED,    /* animated WebP, APNG, HEIF sequence */
	IMAGE_ERR_CORRUPT,     /* header malformed or truncated */
	IMAGE_ERR_TOO_LARGE,   /* a side or the pixel count over the limit */
	IMAGE_ERR_TOO_SMALL,   /* short side under the limit */
	IMAGE_ERR_COMPLEX,     /* too many JPEG scans (a CPU bomb) */
	IMAGE_ERR_DECODE,      /* the decoder refused the data (truncated...) */
	IMAGE_ERR_NOMEM,       /* out of memory or an encoder failed: a 500 */
	IMAGE_RESULT__MAX
};

/* A one-line English message for a user; never NULL. */
const char *image_result_message(enum image_result r);

/* Upload limits, from the configuration. 0 disables a limit. */
struct image_limits {
	uint32_t max_side;       /* longest side, pixels */
	uint64_t max_pixels;     /* width * height */
	uint32_t min_short_side; /* shortest side, pixels */
};

#define IMAGE_EXIF_STR_MAX 64

/*
 * What we keep from EXIF.  Strings are NUL-terminated, printable ASCII
 * only (other bytes become '?'), empty when absent.
 */
struct image_exif {
	uint8_t orientation;                  /* 1..8; 1 when absent or bad */
	char    make[IMAGE_EXIF_STR_MAX];     /* 0x010F */
	char    model[IMAGE_EXIF_STR_MAX];    /* 0x0110 */
	char    datetime[IMAGE_EXIF_STR_MAX]; /* 0x9003, else 0x0132 */
};

/* Everything image_probe() learns from the header. */
struct image_info {
	enum image_type   type;
	uint32_t          width;  /* as stored, before EXIF orientation */
	uint32_t          height; /* as stored, before EXIF orientation */
	uint32_t          oriented_width;  /* as shown, after orientation */
	uint32_t          oriented_height; /* as shown, after orientation */
	uint32_t          jpeg_scans;      /* SOS count (JPEG only) */
	uint8_t           has_alpha;       /* the header says alpha may exist */
	uint8_t           has_exif;        /* an EXIF block was found+parsed */
	struct image_exif exif;
};

/*
 * Identifies buf[0..len) by its magic bytes and reads type, dimensions and
 * EXIF from the headers without decoding pixels, then checks lim (NULL for
 * no limits).  Fills *out on IMAGE_OK (and zeroes it otherwise).  Pure: no
 * allocation, no I/O; safe on any bytes.
 */
enum image_result image_probe(const uint8_t *buf, size_t len,
                              const struct image_limits *lim,
                              struct image_info         *out);

/*
 * Parses an EXIF block: a TIFF header ("II*\0" or "MM\0*") optionally
 * preceded by "Exif\0\0", as found in JPEG APP1, WebP EXIF and PNG eXIf.
 * Walks IFD0 and the Exif sub-IFD only, with bounded entry counts and
 * offset checks.  Always initialises *out (orientation 1); returns 0 when
 * the block is well-formed, -1 when it is not (fields read before the
 * problem are kept).
 */
int image_exif_parse(const uint8_t *buf, size_t len, struct image_exif *out);

/* The derivatives, in the order the store names them. */
enum image_deriv {
	IMAGE_DERIV_T400_JPEG,  /* 400 px wide, JPEG q82 progressive */
	IMAGE_DERIV_T400_WEBP,  /* 400 px wide, WebP */
	IMAGE_DERIV_D1600_JPEG, /* 1600 px long side, JPEG q85 progressive */
	IMAGE_DERIV_D1600_WEBP, /* 1600 px long side, WebP */
	IMAGE_DERIV_CARD_JPEG,  /* 1200x630 share card, JPEG q85 */
	IMAGE_DERIV__MAX
};

#define IMAGE_DERIV_BIT(d) (1u << (d))
/* Everything an upload makes. */
#define IMAGE_DERIV_ALL ((1u << IMAGE_DERIV__MAX) - 1)
/* The four web sizes (PERF.md's "full derivative set"), without the card. */
#define IMAGE_DERIV_WEB                                                        \
	(IMAGE_DERIV_ALL & ~IMAGE_DERIV_BIT(IMAGE_DERIV_CARD_JPEG))

#define IMAGE_CARD_WIDTH  1200
#define IMAGE_CARD_HEIGHT 630

/*
 * The text of the share card, drawn over the photo (full-bleed, cover-
 * cropped to 1200x630, a dark gradient at the bottom): the contest's name
 * in a brand-red label at the top, then at the bottom "Số <number>" in a
 * red label, the title (bold), the author (unit or name) and the call to
 * action "Bình chọn tại <host>".  UTF-8; any may be NULL or empty (its
 * line is left out).  Drawn with DejaVu Sans (Debian's fonts-dejavu-core),
 * which covers Vietnamese.
 */
struct image_card_text {
	const char *contest; /* the contest's name */
	const char *number;  /* the entry's number (decimal text) */
	const char *title;   /* the entry's title */
	const char *author;  /* the author's unit, or name */
	const char *host; /* where to vote: the site's host (NETDEP_SITE_URL) */
};

/* One encoded derivative; data is NULL when it was not asked for. */
struct image_blob {
	uint8_t *data; /* gdMalloc'd; freed by image_derivs_free() */
	size_t   len;
	uint32_t width;
	uint32_t height;
};

/* Microseconds spent per phase, for logs and the bench. */
struct image_timing {
	uint64_t decode_us; /* bytes to a truecolor, oriented gdImage */
	uint64_t resize_us; /* resampling, flattening, hash */
	uint64_t encode_us; /* JPEG and WebP encoders */
};

struct image_derivs {
	struct image_blob   blob[IMAGE_DERIV__MAX];
	uint64_t            dhash; /* 64-bit difference hash of the image */
	struct image_timing timing;
};

/*
 * Decodes buf[0..len) once, as described by info (from a successful
 * image_probe() on the same bytes), applies the EXIF orientation and
 * writes every derivative into *out, never upscaling.  Output carries no
 * metadata.  Returns IMAGE_OK, IMAGE_ERR_DECODE for data the decoder
 * refuses (truncated, bad CRC, ...), IMAGE_ERR_NOMEM on resource failure.
 * On failure *out holds nothing to free; on success the caller calls
 * image_derivs_free().
 */
enum image_result image_derive(const uint8_t *buf, size_t len,
                               const struct image_info *info,
                               struct image_derivs     *out);

/* As image_derive(), encoding only the derivatives in the mask `which`
 * (IMAGE_DERIV_BIT()s); the decode scale adapts to what is asked. */
enum image_result image_derive_some(const uint8_t *buf, size_t len,
                                    const struct image_info *info,
                                    unsigned which, struct image_derivs *out);

/* As image_derive_some(), with the share card's text (card may be NULL:
 * a card without text). */
enum image_result image_derive_card(const uint8_t *buf, size_t len,
                                    const struct image_info      *info,
                                    unsigned                      which,
                                    const struct image_card_text *card,
                                    struct image_derivs          *out);

/* Frees every blob; safe on a zeroed or already freed struct. */
void image_derivs_free(struct image_derivs *d);

/* Hamming distance of two dHashes: 0 same picture, <= 10 near-duplicate. */
int image_dhash_distance(uint64_t a, uint64_t b);

/*
 * Once per process, before any decode: routes libgd's warnings away from
 * stderr (a hostile upload must not flood the log with them).
 */
void image_init(void);

/*
 * Opens the share card's fonts now (libgd keeps them mapped in its font
 * cache), so that drawing a card later opens no file: the decoder's
 * sandbox (decode.c) calls it before its system-call filter forbids
 * open().  A font that cannot be loaded is not looked for again: its
 * line is left out of the card.  Returns how many fonts are loaded.
 */
int image_fonts_load(void);

#endif
