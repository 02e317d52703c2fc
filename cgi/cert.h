/*
 * cert.h: drawing a certificate (issue 16): an A4 landscape page with the
 * contest, the track and place, the author and the entry, its thumbnail,
 * the organiser and a QR code of the public verification URL, as a PNG
 * (libgd, FreeType) and as a PDF (libharu): the same page in vectors,
 * its text real text in the embedded TrueType font.  Everything
 * drawn is the site's own data (the thumbnail is the JPEG netdep made), so
 * nothing untrusted is parsed here.
 */
#ifndef NETDEP_CERT_H
#define NETDEP_CERT_H

#include <stddef.h>

#include <gd.h>

/* The font of every text: DejaVu Sans (fonts-dejavu-core) has every
 * Vietnamese letter with its diacritics. */
#define CERT_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

/* The PNG's size: A4 landscape at 150 dots per inch. */
#define CERT_W 1754
#define CERT_H 1240

/* What one certificate says. */
struct cert_doc {
	const char *code; /* 32 hex digits */
	const char *url;  /* the verification page, in the QR */
	const char *contest_title;
	const char *organiser;
	const char *label; /* "Giải Nhất", "Chứng nhận tham gia" */
	const char *author;
	const char *unit; /* "" when none */
	const char *entry_title;
	int         entry_number;
	const char *issued;         /* "DD/MM/YYYY" */
	const unsigned char *thumb; /* the entry's 400 px JPEG, or NULL */
	size_t               thumb_len;
};

/* One line of text of the page, in PNG pixels (baseline y, size px). */
struct cert_line {
	const char *text;
	int         y;    /* baseline, from the top */
	int         px;   /* font size in pixels */
	int         rgb;  /* 0xRRGGBB */
	int         left; /* 0: centred; else the left edge */
};

#define CERT_LINES_MAX 10

/*
 * The page's lines for d into out (texts in d's storage or in buf, of
 * bufsz bytes); returns how many.  The PNG and the PDF draw the same
 * lines, so what a test checks in one holds in the other.
 */
int cert_lines(const struct cert_doc *d, struct cert_line *out, char *buf,
               size_t bufsz);

/* The text's left edge when centred on the page at size px (PNG). */
int cert_centre_x(const char *text, int px);

/* The page drawn with libgd: the caller destroys it (gdImageDestroy);
 * NULL when the font or the QR code cannot be made. */
gdImagePtr cert_draw(const struct cert_doc *d);

/*
 * The PNG (cert_png) or the PDF (cert_pdf) of d in a
 * malloc'd buffer (*out, *len; the caller frees it).  Returns 0, or -1
 * (nothing to free).
 */
int cert_png(const struct cert_doc *d, unsigned char **out, size_t *len);
int cert_pdf(const struct cert_doc *d, unsigned char **out, size_t *len);

#endif
