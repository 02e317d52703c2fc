/*
 * test_cert.c: the certificate drawing (cgi/cert.c).  Vietnamese text is
 * checked by rendering: the author's line of the certificate's PNG is
 * compared, pixel for pixel within its box, with the same string drawn
 * alone by libgd with the same font at the same place (equal), and with
 * the string stripped of its diacritics (different: the marks are
 * there, not boxes nor dropped glyphs).  The PDF starts with %PDF, ends
 * with %%EOF and embeds the TrueType font; the PNG is A4 landscape.  The
 * PDF's page rendered by poppler (pdftoppm, at the PNG's 150 dpi) shows
 * the author's line as the PNG does, its marks included (libharu 2.3
 * alone dropped the parts of "ễ" and "ằ": cert.c, pdf_font_closure).
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cert.h"
#include "unit.h"

#define AUTHOR "Nguyễn Thị Hằng Ước"
#define PLAIN  "Nguyen Thi Hang Uoc"

static const struct cert_doc doc = {
    .code = "0123456789abcdef0123456789abcdef",
    .url = "http://127.0.0.1:8080/certificates/"
           "0123456789abcdef0123456789abcdef",
    .contest_title = "Cuộc thi ảnh “Nét đẹp đoàn viên” 2026",
    .organiser = "Ban Thường vụ Thành đoàn",
    .label = "Giải Nhất",
    .author = AUTHOR,
    .unit = "Chi đoàn Phường Bến Nghé",
    .entry_title = "Mùa hè xanh",
    .entry_number = 42,
    .issued = "04/12/2026",
};

/* The author's line as cert_lines() lays it out. */
static struct cert_line
author_line(void)
{
	struct cert_line l[CERT_LINES_MAX];
	char             buf[1024];
	int              n = cert_lines(&doc, l, buf, sizeof(buf));

	for (int i = 0; i < n; i++)
		if (strcmp(l[i].text, AUTHOR) == 0)
			return l[i];
	return (struct cert_line){0};
}

/* text drawn alone on a blank page like the certificate's. */
static gdImagePtr
alone(const char *text, const struct cert_line *l, int *brect)
{
	gdImagePtr im = gdImageCreateTrueColor(CERT_W, CERT_H);
	int        bg = gdImageColorAllocate(im, 0xff, 0xfd, 0xf5);
	int        fg = gdImageColorAllocate(im, 0xa0, 0x1c, 0x1c);

	gdImageFilledRectangle(im, 0, 0, CERT_W - 1, CERT_H - 1, bg);
	if (gdImageStringFT(im, brect, fg, CERT_FONT, l->px * 72.0 / 96.0, 0.0,
	                    cert_centre_x(text, l->px), l->y, text) != NULL) {
		gdImageDestroy(im);
		return NULL;
	}
	return im;
}

/* Pixels that differ between a and b inside brect. */
static long
diff_in(gdImagePtr a, gdImagePtr b, const int *brect)
{
	long n = 0;

	for (int y = brect[5]; y <= brect[1]; y++)
		for (int x = brect[0]; x <= brect[2]; x++)
			if (x >= 0 && y >= 0 && x < CERT_W && y < CERT_H &&
			    gdImageGetTrueColorPixel(a, x, y) !=
			        gdImageGetTrueColorPixel(b, x, y))
				n++;
	return n;
}

static void
test_vietnamese_rendered(void)
{
	struct cert_line l = author_line();
	gdImagePtr       page, same, plain;
	int              box[8], pbox[8];

	if (!UNIT_CHECK(l.text != NULL, "the author's line is laid out"))
		return;
	page = cert_draw(&doc);
	same = alone(AUTHOR, &l, box);
	plain = alone(PLAIN, &l, pbox);
	if (UNIT_CHECK(page && same && plain, "drawn")) {
		UNIT_CHECK_INT(diff_in(page, same, box), 0,
		               "author on the certificate = drawn alone");
		UNIT_CHECK(diff_in(same, plain, box) > 200,
		           "diacritics drawn: %ld pixels differ from the "
		           "plain letters",
		           diff_in(same, plain, box));
		/* The marks reach above the plain letters' ascent. */
		UNIT_CHECK(box[5] < pbox[5], "marks above: %d < %d", box[5],
		           pbox[5]);
	}
	if (page)
		gdImageDestroy(page);
	if (same)
		gdImageDestroy(same);
	if (plain)
		gdImageDestroy(plain);
}

static int
has(const unsigned char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, needle, k) == 0)
			return 1;
	return 0;
}

static void
test_files(void)
{
	unsigned char *png = NULL, *pdf = NULL;
	size_t         plen = 0, dlen = 0;

	if (UNIT_CHECK(cert_png(&doc, &png, &plen) == 0, "png") &&
	    UNIT_CHECK(plen > 24, "png size")) {
		UNIT_CHECK(memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0,
		           "png magic");
		UNIT_CHECK_INT(
		    (png[16] << 24 | png[17] << 16 | png[18] << 8 | png[19]),
		    CERT_W, "png width");
		UNIT_CHECK_INT(
		    (png[20] << 24 | png[21] << 16 | png[22] << 8 | png[23]),
		    CERT_H, "png height");
	}
	if (UNIT_CHECK(cert_pdf(&doc, &pdf, &dlen) == 0, "pdf") &&
	    UNIT_CHECK(dlen > 1000, "pdf size")) {
		UNIT_CHECK(memcmp(pdf, "%PDF-", 5) == 0, "pdf magic");
		UNIT_CHECK(has(pdf + dlen - 8, 8, "%%EOF"), "pdf end");
		UNIT_CHECK(has(pdf, dlen, "/FontFile2"),
		           "the TrueType font is embedded");
		UNIT_CHECK(has(pdf, dlen, "DejaVuSans"), "DejaVu Sans");
	}
	free(png);
	free(pdf);
}

/* The PDF's page rendered by pdftoppm at 150 dpi; NULL on failure. */
static gdImagePtr
pdf_rendered(const unsigned char *pdf, size_t len)
{
	char  dir[] = "/tmp/netdep-cert-XXXXXX", in[64], out[64], png[64];
	char *argv[] = {"pdftoppm",    "-q", "-r", "150", "-png",
	                "-singlefile", in,   out,  NULL};
	extern char **environ;
	gdImagePtr    im = NULL;
	FILE         *f;
	pid_t         pid;
	int           st;

	if (mkdtemp(dir) == NULL)
		return NULL;
	snprintf(in, sizeof(in), "%s/c.pdf", dir);
	snprintf(out, sizeof(out), "%s/r", dir);
	snprintf(png, sizeof(png), "%s/r.png", dir);
	if ((f = fopen(in, "wb")) != NULL) {
		int ok = fwrite(pdf, 1, len, f) == len;

		if (fclose(f) == 0 && ok &&
		    posix_spawnp(&pid, "pdftoppm", NULL, NULL, argv, environ) ==
		        0 &&
		    waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		    WEXITSTATUS(st) == 0 && (f = fopen(png, "rb")) != NULL) {
			im = gdImageCreateFromPng(f);
			fclose(f);
		}
	}
	unlink(png);
	unlink(in);
	rmdir(dir);
	return im;
}

/* Ink of the author's line (red on paper): a dark green channel. */
static int
ink(gdImagePtr im, int x, int y)
{
	return x >= 0 && y >= 0 && x < gdImageSX(im) && y < gdImageSY(im) &&
	       gdImageGreen(im, gdImageGetPixel(im, x, y)) < 140;
}

/* Of a's ink pixels in rows y0..y1 (columns x0..x1), the share that has
 * ink of b within r pixels (PDF text is placed in unhinted units, the
 * PNG's in hinted pixels: a glyph may stand a pixel or two aside);
 * *n is how many ink pixels a has there. */
static double
matched(gdImagePtr a, gdImagePtr b, int x0, int x1, int y0, int y1, int r,
        long *n)
{
	long hit = 0;

	*n = 0;
	for (int y = y0; y <= y1; y++)
		for (int x = x0; x <= x1; x++) {
			int near = 0;

			if (!ink(a, x, y))
				continue;
			(*n)++;
			for (int dy = -r; dy <= r && !near; dy++)
				for (int dx = -r; dx <= r && !near; dx++)
					near = ink(b, x + dx, y + dy);
			hit += near;
		}
	return *n > 0 ? (double)hit / (double)*n : 0;
}

static void
test_pdf_rendered(void)
{
	struct cert_line l = author_line();
	unsigned char   *pdf = NULL;
	size_t           dlen = 0;
	gdImagePtr       page = NULL, seen = NULL, same, plain;
	int              box[8], pbox[8];

	same = alone(AUTHOR, &l, box);
	plain = alone(PLAIN, &l, pbox);
	if (UNIT_CHECK(l.text != NULL && same && plain, "laid out") &&
	    UNIT_CHECK(cert_pdf(&doc, &pdf, &dlen) == 0, "pdf") &&
	    UNIT_CHECK((seen = pdf_rendered(pdf, dlen)) != NULL,
	               "pdftoppm renders the pdf") &&
	    UNIT_CHECK((page = cert_draw(&doc)) != NULL, "png")) {
		int    x0 = box[0] - 8, x1 = box[2] + 8, top = box[5] - 8;
		int    bottom = box[1] + 8, marks = pbox[5] - 2;
		long   n_png, n_pdf;
		double png_in_pdf, pdf_in_png;

		UNIT_CHECK_INT(gdImageSX(seen), CERT_W, "rendered width");
		/* The whole line: the same ink both ways. */
		png_in_pdf =
		    matched(page, seen, x0, x1, top, bottom, 3, &n_png);
		pdf_in_png =
		    matched(seen, page, x0, x1, top, bottom, 3, &n_pdf);
		UNIT_CHECK(n_pdf > n_png / 2 && n_pdf < n_png * 2,
		           "the PDF's line has ink: %ld pixels (PNG %ld)",
		           n_pdf, n_png);
		UNIT_CHECK(png_in_pdf > 0.97 && pdf_in_png > 0.97,
		           "the author's line: %.3f of the PNG's ink in the "
		           "PDF's, %.3f the other way",
		           png_in_pdf, pdf_in_png);
		/* The marks above the plain letters ("ễ", "ằ"). */
		png_in_pdf = matched(page, seen, x0, x1, top, marks, 3, &n_png);
		pdf_in_png = matched(seen, page, x0, x1, top, marks, 3, &n_pdf);
		UNIT_CHECK(n_png > 100, "marks in the PNG: %ld pixels", n_png);
		UNIT_CHECK(
		    png_in_pdf > 0.95 && pdf_in_png > 0.95,
		    "the marks: %.3f of the PNG's in the PDF's, %.3f the "
		    "other way (%ld / %ld pixels)",
		    png_in_pdf, pdf_in_png, n_png, n_pdf);
	}
	free(pdf);
	if (page)
		gdImageDestroy(page);
	if (seen)
		gdImageDestroy(seen);
	if (same)
		gdImageDestroy(same);
	if (plain)
		gdImageDestroy(plain);
}

int
main(void)
{
	test_vietnamese_rendered();
	test_files();
	test_pdf_rendered();
	return unit_report();
}
