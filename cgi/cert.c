/*
 * cert.c: a certificate as PNG and PDF (cert.h).  One layout, in the
 * PNG's pixels (A4 landscape at 150 dpi), drawn twice: by libgd with
 * FreeType for the PNG; the PDF (libharu) is that PNG on an A4 page with
 * the lines again as invisible text in the embedded TrueType font.  The QR code
 * (libqrencode) holds the public verification URL.
 */
#include "cert.h"

#include <hpdf.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INK    0x2b2b2b
#define RED    0xa01c1c
#define GOLD   0x8a6d1f
#define PAPER  0xfffdf5
#define MARGIN 130 /* the thumbnail's and the QR's distance to the edge */
#define BOX_W  400 /* the thumbnail's box */
#define BOX_H  300
#define BOX_Y  820
#define QR_PX  300 /* the QR code's side, quiet zone included */
#define QR_Y   820
#define WIDE   (CERT_W - 2 * MARGIN) /* a line above the pictures */
#define NARROW (CERT_W - 2 * (MARGIN + BOX_W) - 60) /* between them */
/* A4 landscape in PDF points, and PNG pixels to points. */
#define PDF_W     841.89
#define PDF_H     595.28
#define PDF_SCALE (PDF_W / CERT_W)

/* gd measures in points at 96 dpi: a size of px pixels. */
static double
gd_pt(int px)
{
	return px * 72.0 / 96.0;
}

/* The width of text at px pixels, or -1 when the font fails. */
static int
text_width(const char *text, int px)
{
	int brect[8];

	if (gdImageStringFT(NULL, brect, 0, CERT_FONT, gd_pt(px), 0.0, 0, 0,
	                    text) != NULL)
		return -1;
	return brect[2] - brect[0];
}

int
cert_centre_x(const char *text, int px)
{
	int w = text_width(text, px);

	return w < 0 ? 0 : (CERT_W - w) / 2;
}

/* px, made smaller until text fits in maxw (never below a third). */
static int
fit(const char *text, int px, int maxw)
{
	int small = px / 3;

	while (px > small && text_width(text, px) > maxw)
		px -= 2;
	return px;
}

static void
line(struct cert_line *l, int *n, const char *text, int y, int px, int rgb,
     int maxw)
{
	if (text == NULL || text[0] == '\0')
		return;
	l[*n] = (struct cert_line){text, y, fit(text, px, maxw), rgb, 0};
	(*n)++;
}

int
cert_lines(const struct cert_doc *d, struct cert_line *out, char *buf,
           size_t bufsz)
{
	int    n = 0;
	size_t used = 0;
	char  *work = buf, *org = NULL, *when = NULL;
	int    k;

	k = snprintf(work, bufsz, "Tác phẩm số %d: “%s”", d->entry_number,
	             d->entry_title);
	if (k > 0 && (size_t)k < bufsz) {
		used = (size_t)k + 1;
		org = buf + used;
		k = snprintf(org, bufsz - used, "Ban tổ chức: %s",
		             d->organiser);
		if (k > 0 && (size_t)k < bufsz - used) {
			used += (size_t)k + 1;
			when = buf + used;
			k = snprintf(when, bufsz - used, "Ngày cấp: %s · Mã %s",
			             d->issued, d->code);
			if (k < 0 || (size_t)k >= bufsz - used)
				when = NULL;
		} else {
			org = NULL;
		}
	} else {
		work = NULL;
	}
	line(out, &n, "GIẤY CHỨNG NHẬN", 250, 84, RED, WIDE);
	line(out, &n, d->contest_title, 340, 40, INK, WIDE);
	line(out, &n, "Ban tổ chức trân trọng chứng nhận", 440, 32, INK, WIDE);
	line(out, &n, d->author, 540, 72, RED, WIDE);
	line(out, &n, d->unit, 605, 32, INK, WIDE);
	line(out, &n, d->label, 700, 56, GOLD, WIDE);
	line(out, &n, work, 775, 34, INK, WIDE);
	line(out, &n, org, 1000, 30, INK, NARROW);
	line(out, &n, when, 1060, 22, INK, NARROW);
	return n;
}

/* The QR code of url; NULL when it cannot be made. */
static QRcode *
qr_of(const char *url)
{
	return QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

/* Modules of q with a 4-module quiet zone on each side. */
static int
qr_span(const QRcode *q)
{
	return q->width + 8;
}

static int
qr_dark(const QRcode *q, int x, int y)
{
	return (q->data[y * q->width + x] & 1) != 0;
}

static void
png_qr(gdImagePtr im, const QRcode *q)
{
	int mod = QR_PX / qr_span(q), x0 = CERT_W - MARGIN - QR_PX;
	int white = gdImageColorAllocate(im, 255, 255, 255);
	int black = gdImageColorAllocate(im, 0, 0, 0);

	gdImageFilledRectangle(im, x0, QR_Y, x0 + QR_PX - 1, QR_Y + QR_PX - 1,
	                       white);
	x0 += (QR_PX - mod * qr_span(q)) / 2 + 4 * mod;
	for (int y = 0; y < q->width; y++)
		for (int x = 0; x < q->width; x++)
			if (qr_dark(q, x, y))
				gdImageFilledRectangle(
				    im, x0 + x * mod,
				    QR_Y + (QR_PX - mod * qr_span(q)) / 2 +
				        (4 + y) * mod,
				    x0 + (x + 1) * mod - 1,
				    QR_Y + (QR_PX - mod * qr_span(q)) / 2 +
				        (5 + y) * mod - 1,
				    black);
}

/* The thumbnail fitted into its box at the bottom left. */
static void
png_thumb(gdImagePtr im, const struct cert_doc *d)
{
	gdImagePtr t;
	int        w, h;

	if (d->thumb == NULL || d->thumb_len == 0 || d->thumb_len > 16u << 20)
		return;
	t = gdImageCreateFromJpegPtr((int)d->thumb_len, (void *)d->thumb);
	if (t == NULL)
		return;
	w = gdImageSX(t);
	h = gdImageSY(t);
	if (w > 0 && h > 0) {
		int fw = BOX_W, fh = BOX_W * h / w;

		if (fh > BOX_H) {
			fh = BOX_H;
			fw = BOX_H * w / h;
		}
		gdImageCopyResampled(im, t, MARGIN + (BOX_W - fw) / 2,
		                     BOX_Y + (BOX_H - fh) / 2, 0, 0, fw, fh, w,
		                     h);
	}
	gdImageDestroy(t);
}

static int
colour(gdImagePtr im, int rgb)
{
	return gdImageColorAllocate(im, (rgb >> 16) & 255, (rgb >> 8) & 255,
	                            rgb & 255);
}

gdImagePtr
cert_draw(const struct cert_doc *d)
{
	struct cert_line l[CERT_LINES_MAX];
	char             buf[1024];
	gdImagePtr       im;
	QRcode          *q = qr_of(d->url);
	int              n, red;

	if (q == NULL)
		return NULL;
	if ((im = gdImageCreateTrueColor(CERT_W, CERT_H)) == NULL) {
		QRcode_free(q);
		return NULL;
	}
	gdImageFilledRectangle(im, 0, 0, CERT_W - 1, CERT_H - 1,
	                       colour(im, PAPER));
	red = colour(im, RED);
	gdImageSetThickness(im, 8);
	gdImageRectangle(im, 40, 40, CERT_W - 41, CERT_H - 41, red);
	gdImageSetThickness(im, 2);
	gdImageRectangle(im, 60, 60, CERT_W - 61, CERT_H - 61, red);
	gdImageSetThickness(im, 1);
	n = cert_lines(d, l, buf, sizeof(buf));
	for (int i = 0; i < n; i++)
		if (gdImageStringFT(im, NULL, colour(im, l[i].rgb), CERT_FONT,
		                    gd_pt(l[i].px), 0.0,
		                    cert_centre_x(l[i].text, l[i].px), l[i].y,
		                    l[i].text) != NULL) {
			gdImageDestroy(im);
			QRcode_free(q);
			return NULL;
		}
	png_thumb(im, d);
	png_qr(im, q);
	QRcode_free(q);
	return im;
}

int
cert_png(const struct cert_doc *d, unsigned char **out, size_t *len)
{
	gdImagePtr im = cert_draw(d);
	void      *png;
	int        size = 0;

	*out = NULL;
	if (im == NULL)
		return -1;
	png = gdImagePngPtr(im, &size);
	gdImageDestroy(im);
	if (png == NULL || size <= 0 || (*out = malloc((size_t)size)) == NULL) {
		gdFree(png);
		return -1;
	}
	memcpy(*out, png, (size_t)size);
	*len = (size_t)size;
	gdFree(png);
	return 0;
}

/* libharu's error handler: remembers that something failed. */
static void
pdf_error(HPDF_STATUS err, HPDF_STATUS detail, void *ctx)
{
	(void)err;
	(void)detail;
	*(int *)ctx = 1;
}

/*
 * The page: the PNG drawn over the whole A4 landscape page (libharu 2.3
 * draws some Vietnamese letters of its UTF-8 TrueType text wrongly: the
 * ones with two marks, "ễ", "ấ", and "Ư"; the PNG, drawn by FreeType, has
 * them all), and over it every line once more as invisible text in the
 * embedded font, so the PDF's text can be searched and selected.
 */
static void
pdf_page(HPDF_Doc pdf, HPDF_Page p, HPDF_Font font, const struct cert_doc *d,
         const unsigned char *png, size_t png_len)
{
	struct cert_line l[CERT_LINES_MAX];
	char             buf[1024];
	int              n = cert_lines(d, l, buf, sizeof(buf));
	HPDF_Image       img;

	HPDF_Page_SetSize(p, HPDF_PAGE_SIZE_A4, HPDF_PAGE_LANDSCAPE);
	img = HPDF_LoadPngImageFromMem(pdf, png, (HPDF_UINT)png_len);
	if (img != NULL)
		HPDF_Page_DrawImage(p, img, 0, 0, (HPDF_REAL)PDF_W,
		                    (HPDF_REAL)PDF_H);
	for (int i = 0; i < n; i++) {
		HPDF_REAL size = (HPDF_REAL)(l[i].px * PDF_SCALE);
		HPDF_REAL w;

		HPDF_Page_BeginText(p);
		HPDF_Page_SetTextRenderingMode(p, HPDF_INVISIBLE);
		HPDF_Page_SetFontAndSize(p, font, size);
		w = HPDF_Page_TextWidth(p, l[i].text);
		HPDF_Page_TextOut(p, (HPDF_REAL)((PDF_W - w) / 2),
		                  (HPDF_REAL)(PDF_H - l[i].y * PDF_SCALE),
		                  l[i].text);
		HPDF_Page_EndText(p);
	}
}

int
cert_pdf(const struct cert_doc *d, const unsigned char *png, size_t png_len,
         unsigned char **out, size_t *len)
{
	int         failed = 0, rc = -1;
	HPDF_Doc    pdf = NULL;
	HPDF_UINT32 size;
	const char *name;

	*out = NULL;
	if (png == NULL || png_len == 0 ||
	    (pdf = HPDF_New(pdf_error, &failed)) == NULL)
		goto out;
	HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(pdf);
	HPDF_SetCurrentEncoder(pdf, "UTF-8");
	if ((name = HPDF_LoadTTFontFromFile(pdf, CERT_FONT, HPDF_TRUE)) == NULL)
		goto out;
	pdf_page(pdf, HPDF_AddPage(pdf), HPDF_GetFont(pdf, name, "UTF-8"), d,
	         png, png_len);
	if (failed || HPDF_SaveToStream(pdf) != HPDF_OK)
		goto out;
	size = HPDF_GetStreamSize(pdf);
	if (size == 0 || (*out = malloc(size)) == NULL)
		goto out;
	if (HPDF_ReadFromStream(pdf, *out, &size) != HPDF_OK && size == 0) {
		free(*out);
		*out = NULL;
		goto out;
	}
	*len = size;
	rc = failed ? -1 : 0;
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
out:
	if (pdf != NULL)
		HPDF_Free(pdf);
	return rc;
}
