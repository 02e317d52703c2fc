/*
 * cert.c: a certificate as PNG and PDF (cert.h).  One layout, in the
 * PNG's pixels (A4 landscape at 150 dpi), drawn twice: by libgd with
 * FreeType for the PNG; by libharu for the PDF, in vectors, with the text
 * as real text in the embedded TrueType font (see pdf_font_closure() for
 * the letters libharu 2.3 alone embeds wrongly).  The QR code
 * (libqrencode) holds the public verification URL.
 */
#include "cert.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_fontdef.h>
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

	k = snprintf(work, bufsz, "Ảnh dự thi số %d: “%s”", d->entry_number,
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

static void
pdf_rgb(HPDF_Page p, int rgb, int fill)
{
	HPDF_REAL r = (HPDF_REAL)((rgb >> 16) & 255) / 255;
	HPDF_REAL g = (HPDF_REAL)((rgb >> 8) & 255) / 255;
	HPDF_REAL b = (HPDF_REAL)(rgb & 255) / 255;

	if (fill)
		HPDF_Page_SetRGBFill(p, r, g, b);
	else
		HPDF_Page_SetRGBStroke(p, r, g, b);
}

/* A filled rectangle given in PNG pixels (left, top, width, height). */
static void
pdf_box(HPDF_Page p, double x, double y, double w, double h)
{
	HPDF_Page_Rectangle(p, (HPDF_REAL)(x * PDF_SCALE),
	                    (HPDF_REAL)(PDF_H - (y + h) * PDF_SCALE),
	                    (HPDF_REAL)(w * PDF_SCALE),
	                    (HPDF_REAL)(h * PDF_SCALE));
}

/* The QR code where png_qr() draws it: a white square, then each run of
 * dark modules of a row as one black rectangle. */
static void
pdf_qr(HPDF_Page p, const QRcode *q)
{
	int mod = QR_PX / qr_span(q), x0 = CERT_W - MARGIN - QR_PX;
	int y0 = QR_Y + (QR_PX - mod * qr_span(q)) / 2 + 4 * mod;

	pdf_rgb(p, 0xffffff, 1);
	pdf_box(p, x0, QR_Y, QR_PX, QR_PX);
	HPDF_Page_Fill(p);
	x0 += (QR_PX - mod * qr_span(q)) / 2 + 4 * mod;
	pdf_rgb(p, 0x000000, 1);
	for (int y = 0; y < q->width; y++)
		for (int x = 0; x < q->width;) {
			int run = 0;

			while (x + run < q->width && qr_dark(q, x + run, y))
				run++;
			if (run > 0) {
				pdf_box(p, x0 + x * mod, y0 + y * mod,
				        run * mod, mod);
				x += run;
			} else {
				x++;
			}
		}
	HPDF_Page_Fill(p);
}

/* The thumbnail, the JPEG itself (no re-encoding), fitted into its box as
 * png_thumb() fits it.  A JPEG libharu cannot read is left out, as the
 * PNG leaves out one libgd cannot read. */
static void
pdf_thumb(HPDF_Doc pdf, HPDF_Page p, const struct cert_doc *d, int *failed)
{
	HPDF_Image img;
	double     w, h, fw = BOX_W, fh;
	int        was = *failed;

	if (d->thumb == NULL || d->thumb_len == 0 || d->thumb_len > 16u << 20)
		return;
	img = HPDF_LoadJpegImageFromMem(pdf, d->thumb, (HPDF_UINT)d->thumb_len);
	if (img == NULL) {
		HPDF_ResetError(pdf);
		*failed = was;
		return;
	}
	w = HPDF_Image_GetWidth(img);
	h = HPDF_Image_GetHeight(img);
	if (w <= 0 || h <= 0)
		return;
	fh = BOX_W * h / w;
	if (fh > BOX_H) {
		fh = BOX_H;
		fw = BOX_H * w / h;
	}
	HPDF_Page_DrawImage(
	    p, img, (HPDF_REAL)((MARGIN + (BOX_W - fw) / 2) * PDF_SCALE),
	    (HPDF_REAL)(PDF_H - (BOX_Y + (BOX_H - fh) / 2 + fh) * PDF_SCALE),
	    (HPDF_REAL)(fw * PDF_SCALE), (HPDF_REAL)(fh * PDF_SCALE));
}

/*
 * The glyphs libharu 2.3 leaves out of the embedded font, put back.
 * libharu keeps a flag per glyph of the TrueType font and embeds the
 * flagged ones (the others are written empty); drawing text flags each
 * glyph used and, when it is a composite glyph, its components, but only
 * one level deep (CheckCompositGryph in hpdf_fontdef_tt.c is not
 * recursive: libharu issue #79, fixed upstream after 2.3 by pull request
 * #54).  DejaVu Sans builds a letter with two marks ("ễ", "ấ", "ỗ", "ằ")
 * from its base letter and a composite mark (circumflex and tilde, breve
 * and grave, ...) whose own parts were thus written empty: the PDF showed
 * "Nguyen" for "Nguyễn".  This flags every component, to any depth, of
 * every flagged glyph, reading the composites with FreeType from the same
 * file; called after the last text is drawn, before the document is
 * written.  Returns 0, or -1 when the font is not the one expected (then
 * the PDF is not made rather than made wrong).
 */
static int
pdf_font_closure(HPDF_Doc pdf, const char *name)
{
	HPDF_FontDef       def = HPDF_GetFontDef(pdf, name);
	HPDF_TTFontDefAttr a;
	FT_Library         lib;
	FT_Face            face;
	unsigned          *todo;
	unsigned           n = 0;
	int                rc = -1;

	if (def == NULL || def->type != HPDF_FONTDEF_TYPE_TRUETYPE ||
	    (a = (HPDF_TTFontDefAttr)def->attr) == NULL || !a->embedding ||
	    a->glyph_tbl.flgs == NULL)
		return -1;
	if (FT_Init_FreeType(&lib) != 0)
		return -1;
	if (FT_New_Face(lib, CERT_FONT, 0, &face) != 0)
		goto done_lib;
	if (face->num_glyphs != a->num_glyphs ||
	    (todo = malloc(a->num_glyphs * sizeof(*todo))) == NULL)
		goto done_face;
	for (unsigned g = 0; g < a->num_glyphs; g++)
		if (a->glyph_tbl.flgs[g])
			todo[n++] = g;
	/* Each glyph enters the list once (when it gets its flag). */
	while (n > 0) {
		FT_GlyphSlot slot = face->glyph;

		if (FT_Load_Glyph(face, todo[--n],
		                  FT_LOAD_NO_RECURSE | FT_LOAD_NO_SCALE) != 0)
			goto done;
		if (slot->format != FT_GLYPH_FORMAT_COMPOSITE)
			continue;
		for (FT_UInt i = 0; i < slot->num_subglyphs; i++) {
			FT_Int    idx, a1, a2;
			FT_UInt   flags;
			FT_Matrix m;

			if (FT_Get_SubGlyph_Info(slot, i, &idx, &flags, &a1,
			                         &a2, &m) != 0 ||
			    idx < 0 || idx >= a->num_glyphs)
				goto done;
			if (!a->glyph_tbl.flgs[idx]) {
				a->glyph_tbl.flgs[idx] = 1;
				todo[n++] = (unsigned)idx;
			}
		}
	}
	rc = 0;
done:
	free(todo);
done_face:
	FT_Done_Face(face);
done_lib:
	FT_Done_FreeType(lib);
	return rc;
}

/*
 * The page, as vectors over the same layout as the PNG: the paper, the
 * two red frames, every line of text as real text in the embedded
 * TrueType font (visible, searchable, sharp at any zoom; at the PNG's
 * left edge, so the two agree), the thumbnail and the QR code.
 */
static void
pdf_page(HPDF_Doc pdf, HPDF_Page p, HPDF_Font font, const struct cert_doc *d,
         const QRcode *q, int *failed)
{
	struct cert_line l[CERT_LINES_MAX];
	char             buf[1024];
	int              n = cert_lines(d, l, buf, sizeof(buf));

	HPDF_Page_SetSize(p, HPDF_PAGE_SIZE_A4, HPDF_PAGE_LANDSCAPE);
	pdf_rgb(p, PAPER, 1);
	HPDF_Page_Rectangle(p, 0, 0, (HPDF_REAL)PDF_W, (HPDF_REAL)PDF_H);
	HPDF_Page_Fill(p);
	pdf_rgb(p, RED, 0);
	HPDF_Page_SetLineWidth(p, (HPDF_REAL)(8 * PDF_SCALE));
	pdf_box(p, 40, 40, CERT_W - 81, CERT_H - 81);
	HPDF_Page_Stroke(p);
	HPDF_Page_SetLineWidth(p, (HPDF_REAL)(2 * PDF_SCALE));
	pdf_box(p, 60, 60, CERT_W - 121, CERT_H - 121);
	HPDF_Page_Stroke(p);
	for (int i = 0; i < n; i++) {
		HPDF_Page_BeginText(p);
		pdf_rgb(p, l[i].rgb, 1);
		HPDF_Page_SetFontAndSize(p, font,
		                         (HPDF_REAL)(l[i].px * PDF_SCALE));
		HPDF_Page_TextOut(
		    p,
		    (HPDF_REAL)(cert_centre_x(l[i].text, l[i].px) * PDF_SCALE),
		    (HPDF_REAL)(PDF_H - l[i].y * PDF_SCALE), l[i].text);
		HPDF_Page_EndText(p);
	}
	pdf_thumb(pdf, p, d, failed);
	pdf_qr(p, q);
}

int
cert_pdf(const struct cert_doc *d, unsigned char **out, size_t *len)
{
	int         failed = 0, rc = -1;
	HPDF_Doc    pdf = NULL;
	HPDF_UINT32 size;
	const char *name;
	QRcode     *q = qr_of(d->url);

	*out = NULL;
	if (q == NULL || (pdf = HPDF_New(pdf_error, &failed)) == NULL)
		goto out;
	HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(pdf);
	HPDF_SetCurrentEncoder(pdf, "UTF-8");
	if ((name = HPDF_LoadTTFontFromFile(pdf, CERT_FONT, HPDF_TRUE)) == NULL)
		goto out;
	pdf_page(pdf, HPDF_AddPage(pdf), HPDF_GetFont(pdf, name, "UTF-8"), d, q,
	         &failed);
	if (failed || pdf_font_closure(pdf, name) != 0 ||
	    HPDF_SaveToStream(pdf) != HPDF_OK)
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
	if (q != NULL)
		QRcode_free(q);
	return rc;
}
