/*
 * h_page.c: the server-rendered share page of an entry, so Facebook and
 * Zalo previews show the photo (their crawlers run no JavaScript), and
 * the same entry view for people: photo, title, story, author and unit,
 * the vote button (static/entry.js makes it work) and share links.  A
 * missing or unapproved entry gets a proper 404 page.  Every text of the
 * page is in txt[] below; user text goes through html_esc only.
 */
#include <string.h>

#include "config.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "resp.h"

/* The description of a share preview: this many bytes of the story. */
#define PAGE_DESC_MAX 300

enum txt {
	TXT_SKIP,        /* TXT_SKIP */
	TXT_NAV,         /* TXT_NAV */
	TXT_LOGIN,       /* TXT_LOGIN */
	TXT_FOOT,        /* TXT_FOOT */
	TXT_DESC_BY,     /* TXT_DESC_BY */
	TXT_VOTES,       /* TXT_VOTES */
	TXT_VOTE,        /* TXT_VOTE */
	TXT_SHARE,       /* TXT_SHARE */
	TXT_COPY,        /* TXT_COPY */
	TXT_LINK_LABEL,  /* TXT_LINK_LABEL */
	TXT_GALLERY,     /* TXT_GALLERY */
	TXT_404_TITLE,   /* TXT_404_TITLE */
	TXT_404_TEXT,    /* TXT_404_TEXT */
	TXT_404_HOME,    /* TXT_404_HOME */
	TXT_404_GALLERY, /* TXT_404_GALLERY */
	TXT__MAX
};

static const char *const txt[TXT__MAX] = {
    "Chuyển đến nội dung chính",                    /* TXT_SKIP */
    "Điều hướng chính",                             /* TXT_NAV */
    "Đăng nhập",                                    /* TXT_LOGIN */
    "Cuộc thi ảnh “Nét đẹp đoàn viên, thanh niên”", /* TXT_FOOT */
    "Ảnh dự thi của ",                              /* TXT_DESC_BY */
    " lượt bình chọn",                              /* TXT_VOTES */
    "Bình chọn",                                    /* TXT_VOTE */
    "Chia sẻ để bạn bè cùng bình chọn",             /* TXT_SHARE */
    "Sao chép liên kết",                            /* TXT_COPY */
    "Liên kết của ảnh",                             /* TXT_LINK_LABEL */
    "Xem các ảnh dự thi khác",                      /* TXT_GALLERY */
    "Không tìm thấy ảnh dự thi",                    /* TXT_404_TITLE */
    ("Ảnh này không tồn tại, chưa được duyệt hoặc đã được "
     "tác giả rút khỏi cuộc thi."), /* TXT_404_TEXT */
    "Về trang chủ",                 /* TXT_404_HOME */
    "Xem ảnh dự thi",               /* TXT_404_GALLERY */
};

/* The site's menu, as in the static pages (our own literal markup). */
static const char nav_links[] =
    "<a href=\"/\">Trang chủ</a><a href=\"/gallery.html\">Ảnh dự thi</a>"
    "<a href=\"/leaderboard.html\">Xếp hạng</a><a href=\"/rules.html\">"
    "Thể lệ</a><a href=\"/results.html\">Kết quả</a><a href=\"/me.html\">"
    "Ảnh của tôi</a>";

/* <!doctype> to <title>: the page's head up to the title text. */
static void
page_open(struct html *h)
{
	html_raw(h, "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta "
	            "charset=\"utf-8\">\n<meta name=\"viewport\" "
	            "content=\"width=device-width, initial-scale=1\">\n"
	            "<link rel=\"icon\" href=\"/favicon.ico\">\n<link "
	            "rel=\"stylesheet\" href=\"/site.css\">\n<title>");
}

/* After </head>: <body> (with a class and the contest's slug for the
 * page's script, each when not NULL), the skip link and the header. */
static void
page_top(struct html *h, const char *cls, const char *contest)
{
	html_raw(h, "<body");
	if (cls != NULL) {
		html_raw(h, " class=\"");
		html_esc(h, cls);
		html_raw(h, "\"");
	}
	if (contest != NULL) {
		html_raw(h, " data-contest=\"");
		html_esc(h, contest);
		html_raw(h, "\"");
	}
	html_raw(h, ">\n<a class=\"skip\" href=\"#main\">");
	html_raw(h, txt[TXT_SKIP]);
	html_raw(h, "</a>\n<header class=\"top\">\n<a class=\"brand\" "
	            "href=\"/\">netdep</a>\n<a id=\"nav-login\" "
	            "class=\"login\" href=\"/login.html\">");
	html_raw(h, txt[TXT_LOGIN]);
	html_raw(h, "</a>\n<nav class=\"nav\" aria-label=\"");
	html_raw(h, txt[TXT_NAV]);
	html_raw(h, "\">");
	html_raw(h, nav_links);
	html_raw(h, "</nav>\n</header>\n");
}

static void
page_close(struct html *h)
{
	html_raw(h, "<footer class=\"foot\"><p>");
	html_raw(h, txt[TXT_FOOT]);
	html_raw(h, "</p></footer>\n</body>\n</html>\n");
}

/* At most max bytes of s, cut at a UTF-8 character boundary, with an
 * ellipsis when cut. */
static const char *
page_trim(struct arena *a, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return s;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return arena_printf(a, "%.*s…", (int)max, s);
}

/* s percent-encoded for a query value (unreserved characters kept). */
static char *
page_urlenc(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t            n = strlen(s), o = 0;
	char             *out = arena_alloc(a, 3 * n + 1);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~')
			out[o++] = (char)c;
		else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

/* A count of digits grouped the Vietnamese way: 1.234.567. */
static char *
page_number(struct arena *a, const char *digits)
{
	size_t n = strlen(digits), o = 0;
	char  *out = arena_alloc(a, n + n / 3 + 1);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = '.';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return out;
}

static int
page_not_found(struct req *r)
{
	struct html h;

	html_init(&h, r->a);
	page_open(&h);
	html_raw(&h, txt[TXT_404_TITLE]);
	html_raw(&h, " – netdep</title>\n<meta name=\"robots\" "
	             "content=\"noindex\">\n<script src=\"/common.js\" "
	             "defer></script>\n</head>\n");
	page_top(&h, "errpage", NULL);
	html_raw(&h, "<main id=\"main\" class=\"wrap\">\n<h1>");
	html_raw(&h, txt[TXT_404_TITLE]);
	html_raw(&h, "</h1>\n<p class=\"big-code\" aria-hidden=\"true\">404"
	             "</p>\n<p>");
	html_raw(&h, txt[TXT_404_TEXT]);
	html_raw(&h, "</p>\n<p class=\"actions\"><a class=\"btn primary\" "
	             "href=\"/gallery.html\">");
	html_raw(&h, txt[TXT_404_GALLERY]);
	html_raw(&h, "</a> <a class=\"btn\" href=\"/\">");
	html_raw(&h, txt[TXT_404_HOME]);
	html_raw(&h, "</a></p>\n</main>\n");
	page_close(&h);
	if (h.failed)
		return resp_db_error(r, DB_ERR);
	return resp_html(r, 404, h.buf, h.len);
}

int
h_page_entry(struct req *r)
{
	struct rows rs;
	struct html h;
	const char *title, *caption, *author, *unit, *contest, *token, *site;
	const char *ogw, *ogh, *slug, *desc;
	char       *votes, *enc, *webp;
	char       *img, *og, *url;
	int         rc;

	rc = db_run(r->db, r->a, STMT_SHARE_PAGE,
	            (const char *[]){arena_printf(r->a, "%lld", r->id_param)},
	            &rs);
	if (rc < 0)
		return resp_db_error(r, rc);
	if (rc == DB_NONE)
		return page_not_found(r);
	title = rows_get(&rs, 0, 0);
	caption = rows_get(&rs, 0, 1);
	author = rows_get(&rs, 0, 2);
	unit = rows_get(&rs, 0, 3);
	contest = rows_get(&rs, 0, 4);
	token = rows_get(&rs, 0, 5);
	site = r->cfg->site_url;
	img = arena_printf(r->a, "%s/media/%.2s/%.2s/%s_d1600.jpg", site, token,
	                   token + 2, token);
	url = arena_printf(r->a, "%s/e/%lld", site, r->id_param);
	/* The 1200x630 share card (issue 3) when the upload made one. */
	og = img;
	ogw = rows_get(&rs, 0, 6);
	ogh = rows_get(&rs, 0, 7);
	if (rows_get(&rs, 0, 10) != NULL && rows_get(&rs, 0, 10)[0] == 't') {
		og = arena_printf(r->a, "%s/media/%.2s/%.2s/%s_card.jpg", site,
		                  token, token + 2, token);
		ogw = "1200";
		ogh = "630";
	}
	if (img == NULL || og == NULL || url == NULL)
		return resp_db_error(r, DB_ERR);

	slug = rows_get(&rs, 0, 9);
	votes = page_number(r->a, rows_get(&rs, 0, 8));
	desc = caption[0] != '\0'
	           ? page_trim(r->a, caption, PAGE_DESC_MAX)
	           : arena_printf(r->a, "%s%s%s%s – %s", txt[TXT_DESC_BY],
	                          author, unit[0] ? " – " : "", unit, contest);
	enc = page_urlenc(r->a, url);
	webp = arena_printf(r->a, "/media/%.2s/%.2s/%s_d1600.webp", token,
	                    token + 2, token);
	if (votes == NULL || desc == NULL || enc == NULL || webp == NULL)
		return resp_db_error(r, DB_ERR);

	html_init(&h, r->a);
	page_open(&h);
	html_esc(&h, title);
	html_raw(&h, " – ");
	html_esc(&h, contest);
	html_raw(&h, "</title>\n<meta name=\"description\" content=\"");
	html_esc(&h, desc);
	html_raw(&h, "\">\n<link rel=\"canonical\" href=\"");
	html_esc(&h, url);
	html_raw(&h, "\">\n<meta property=\"og:type\" content=\"article\">\n"
	             "<meta property=\"og:locale\" content=\"vi_VN\">\n"
	             "<meta property=\"og:site_name\" content=\"");
	html_esc(&h, contest);
	html_raw(&h, "\">\n<meta property=\"og:title\" content=\"");
	html_esc(&h, title);
	html_raw(&h, "\">\n<meta property=\"og:description\" content=\"");
	html_esc(&h, desc);
	html_raw(&h, "\">\n<meta property=\"og:image\" content=\"");
	html_esc(&h, og);
	html_raw(&h,
	         "\">\n<meta property=\"og:image:type\" "
	         "content=\"image/jpeg\">\n<meta property=\"og:image:width\" "
	         "content=\"");
	html_esc(&h, ogw);
	html_raw(&h, "\">\n<meta property=\"og:image:height\" content=\"");
	html_esc(&h, ogh);
	html_raw(&h, "\">\n<meta property=\"og:image:alt\" content=\"");
	html_esc(&h, title);
	html_raw(&h, "\">\n<meta property=\"og:url\" content=\"");
	html_esc(&h, url);
	html_raw(&h, "\">\n<meta name=\"twitter:card\" "
	             "content=\"summary_large_image\">\n<meta "
	             "name=\"twitter:title\" content=\"");
	html_esc(&h, title);
	html_raw(&h, "\">\n<meta name=\"twitter:description\" content=\"");
	html_esc(&h, desc);
	html_raw(&h, "\">\n<meta name=\"twitter:image\" content=\"");
	html_esc(&h, og);
	html_raw(&h, "\">\n<meta name=\"twitter:image:alt\" content=\"");
	html_esc(&h, title);
	html_raw(&h, "\">\n<script src=\"/common.js\" defer></script>\n"
	             "<script src=\"/entry.js\" defer></script>\n</head>\n");
	page_top(&h, NULL, slug);

	html_raw(&h, "<main id=\"main\" class=\"wrap entry\" data-entry=\"");
	html_printf(&h, "%lld", r->id_param);
	html_raw(&h,
	         "\">\n<p class=\"crumbs\"><a href=\"/gallery.html?contest=");
	html_esc(&h, slug);
	html_raw(&h, "\">");
	html_esc(&h, contest);
	html_raw(&h, "</a></p>\n<article class=\"entry-view\">\n<figure "
	             "class=\"photo\"><picture><source type=\"image/webp\" "
	             "srcset=\"");
	html_esc(&h, webp);
	html_raw(&h, "\"><img src=\"");
	html_esc(&h, img + strlen(site));
	html_raw(&h, "\" width=\"");
	html_esc(&h, rows_get(&rs, 0, 6));
	html_raw(&h, "\" height=\"");
	html_esc(&h, rows_get(&rs, 0, 7));
	html_raw(&h, "\" alt=\"");
	html_esc(&h, title);
	html_raw(&h, "\"></picture></figure>\n<div class=\"entry-side\">\n"
	             "<h1>");
	html_esc(&h, title);
	html_raw(&h, "</h1>\n<p class=\"author\"><span class=\"name\">");
	html_esc(&h, author);
	html_raw(&h, "</span>");
	if (unit[0] != '\0') {
		html_raw(&h, " · <span class=\"unit\">");
		html_esc(&h, unit);
		html_raw(&h, "</span>");
	}
	html_raw(&h,
	         "</p>\n<p id=\"category\" class=\"category\" hidden></p>\n"
	         "<div class=\"vote-box\">\n<p class=\"vote-count\"><strong "
	         "id=\"vote-count\">");
	html_esc(&h, votes);
	html_raw(&h, "</strong>");
	html_raw(&h, txt[TXT_VOTES]);
	html_raw(&h, "</p>\n<button id=\"vote\" class=\"btn primary\" "
	             "type=\"button\" disabled>");
	html_raw(&h, txt[TXT_VOTE]);
	html_raw(&h, "</button>\n<p id=\"vote-msg\" class=\"msg\" "
	             "role=\"status\" aria-live=\"polite\"></p>\n<p "
	             "id=\"votes-left\" class=\"muted\"></p>\n</div>\n"
	             "<div class=\"story\">");
	html_esc(&h, caption);
	html_raw(&h, "</div>\n<div class=\"share\">\n<h2>");
	html_raw(&h, txt[TXT_SHARE]);
	html_raw(&h, "</h2>\n<a class=\"btn fb\" target=\"_blank\" "
	             "rel=\"noopener noreferrer\" "
	             "href=\"https://www.facebook.com/sharer/sharer.php?u=");
	html_esc(&h, enc);
	html_raw(&h, "\">Facebook</a>\n<a class=\"btn zalo\" "
	             "target=\"_blank\" rel=\"noopener noreferrer\" "
	             "href=\"https://sp.zalo.me/share?url=");
	html_esc(&h, enc);
	html_raw(&h, "\">Zalo</a>\n<button id=\"copy-link\" class=\"btn\" "
	             "type=\"button\">");
	html_raw(&h, txt[TXT_COPY]);
	html_raw(&h, "</button>\n<input id=\"share-url\" readonly "
	             "aria-label=\"");
	html_raw(&h, txt[TXT_LINK_LABEL]);
	html_raw(&h, "\" value=\"");
	html_esc(&h, url);
	html_raw(&h, "\">\n<p id=\"copy-msg\" class=\"msg ok\" "
	             "role=\"status\" aria-live=\"polite\"></p>\n</div>\n"
	             "<p><a href=\"/gallery.html?contest=");
	html_esc(&h, slug);
	html_raw(&h, "\">");
	html_raw(&h, txt[TXT_GALLERY]);
	html_raw(&h, " →</a></p>\n</div>\n</article>\n</main>\n");
	page_close(&h);
	if (h.failed)
		return resp_db_error(r, DB_ERR);
	return resp_html(r, 200, h.buf, h.len);
}
