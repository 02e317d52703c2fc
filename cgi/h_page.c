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
#include "db_entry.h"
#include "handlers.h"
#include "html.h"
#include "reads.h"
#include "resp.h"
#include "store.h"

/* The description of a share preview: this many bytes of the story. */
#define PAGE_DESC_MAX 300

enum txt {
	TXT_SKIP,         /* TXT_SKIP */
	TXT_NAV,          /* TXT_NAV */
	TXT_LOGIN,        /* TXT_LOGIN */
	TXT_FOOT,         /* TXT_FOOT */
	TXT_DESC_BY,      /* TXT_DESC_BY */
	TXT_VOTES,        /* TXT_VOTES */
	TXT_VOTE,         /* TXT_VOTE */
	TXT_SHARE,        /* TXT_SHARE */
	TXT_COPY,         /* TXT_COPY */
	TXT_LINK_LABEL,   /* TXT_LINK_LABEL */
	TXT_GALLERY,      /* TXT_GALLERY */
	TXT_404_TITLE,    /* TXT_404_TITLE */
	TXT_404_TEXT,     /* TXT_404_TEXT */
	TXT_404_HOME,     /* TXT_404_HOME */
	TXT_404_GALLERY,  /* TXT_404_GALLERY */
	TXT_NUMBER,       /* TXT_NUMBER: before the entry number */
	TXT_SHARE_NATIVE, /* TXT_SHARE_NATIVE: the phone's own share sheet */
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
    "Số ",                          /* TXT_NUMBER */
    "Chia sẻ…",                     /* TXT_SHARE_NATIVE */
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

/* The photo's width on the entry page, for its srcset (issue 17). */
#define PAGE_PHOTO_SIZES "(max-width: 700px) 100vw, 60vw"

/* What the share page of an entry shows, ready to print. */
struct share_view {
	long long   id;
	const char *title, *caption, *author, *unit, *contest, *slug;
	const char *number;    /* the entry's number in its contest */
	const char *desc;      /* the description: caption or byline */
	const char *url, *enc; /* the page's URL, and URL-encoded */
	const char *img_path;  /* the 1600 px JPEG, site-relative */
	const char *webp;      /* the 1600 px WebP, site-relative */
	const char *t400,
	    *t400webp; /* the 400 px ones, for srcset (issue 17) */
	const char *width, *height;
	const char *og, *ogw, *ogh; /* the share image and its size */
	const char *votes;          /* grouped the Vietnamese way */
};

/* A media URL of token: site-relative, or absolute when site is given. */
static const char *
page_media(struct req *r, const char *site, const char *token,
           enum store_deriv d)
{
	char path[STORE_PATH_MAX + 16];

	if (store_url(token, store_deriv_suffix(d), path, sizeof(path)) != 0)
		return NULL;
	return site ? arena_printf(r->a, "%s%s", site, path)
	            : arena_strdup(r->a, path);
}

/* Fills v from the entry's row; 0, or -1 when out of memory. */
static int
share_view_make(struct req *r, const struct share_page *p, struct share_view *v)
{
	const char *site = r->cfg->site_url;

	*v = (struct share_view){.id = r->id_param,
	                         .title = p->title,
	                         .caption = p->caption,
	                         .author = p->author,
	                         .unit = p->unit,
	                         .number = p->number,
	                         .contest = p->contest_title,
	                         .slug = p->contest_slug,
	                         .width = p->display_width,
	                         .height = p->display_height};
	v->img_path = page_media(r, NULL, p->token, STORE_D1600_JPG);
	v->webp = page_media(r, NULL, p->token, STORE_D1600_WEBP);
	v->t400 = page_media(r, NULL, p->token, STORE_T400_JPG);
	v->t400webp = page_media(r, NULL, p->token, STORE_T400_WEBP);
	v->url = arena_printf(r->a, "%s/e/%lld", site, r->id_param);
	/* The 1200x630 share card (issue 3) when the upload made one. */
	v->og = page_media(r, site, p->token,
	                   p->card ? STORE_CARD_JPG : STORE_D1600_JPG);
	v->ogw = p->card ? "1200" : p->display_width;
	v->ogh = p->card ? "630" : p->display_height;
	v->votes = page_number(r->a, p->votes);
	v->desc = p->caption[0] != '\0'
	              ? page_trim(r->a, p->caption, PAGE_DESC_MAX)
	              : arena_printf(r->a, "%s%s%s%s – %s", txt[TXT_DESC_BY],
	                             p->author, p->unit[0] ? " – " : "",
	                             p->unit, p->contest_title);
	v->enc = v->url ? page_urlenc(r->a, v->url) : NULL;
	return v->img_path && v->webp && v->t400 && v->t400webp && v->url &&
	               v->og && v->votes && v->desc && v->enc
	           ? 0
	           : -1;
}

/* One <meta attr="name" content="value"> line, the value escaped. */
static void
share_meta(struct html *h, const char *attr, const char *name,
           const char *value)
{
	html_raw(h, "<meta ");
	html_raw(h, attr);
	html_raw(h, "=\"");
	html_raw(h, name);
	html_raw(h, "\" content=\"");
	html_esc(h, value);
	html_raw(h, "\">\n");
}

/* The head of the share page: title, description, OpenGraph, Twitter. */
static void
share_head(struct html *h, const struct share_view *v)
{
	/* What Facebook, Zalo and Twitter read for the preview, in order. */
	const struct {
		const char *attr, *name, *value;
	} metas[] = {
	    {"property", "og:type", "article"},
	    {"property", "og:locale", "vi_VN"},
	    {"property", "og:site_name", v->contest},
	    {"property", "og:title", v->title},
	    {"property", "og:description", v->desc},
	    {"property", "og:image", v->og},
	    {"property", "og:image:type", "image/jpeg"},
	    {"property", "og:image:width", v->ogw},
	    {"property", "og:image:height", v->ogh},
	    {"property", "og:image:alt", v->title},
	    {"property", "og:url", v->url},
	    {"name", "twitter:card", "summary_large_image"},
	    {"name", "twitter:title", v->title},
	    {"name", "twitter:description", v->desc},
	    {"name", "twitter:image", v->og},
	    {"name", "twitter:image:alt", v->title},
	};

	html_esc(h, v->title);
	html_raw(h, " – ");
	html_esc(h, v->contest);
	html_raw(h, "</title>\n");
	share_meta(h, "name", "description", v->desc);
	html_raw(h, "<link rel=\"canonical\" href=\"");
	html_esc(h, v->url);
	html_raw(h, "\">\n");
	for (size_t i = 0; i < sizeof(metas) / sizeof(metas[0]); i++)
		share_meta(h, metas[i].attr, metas[i].name, metas[i].value);
	html_raw(h, "<script src=\"/common.js\" defer></script>\n"
	            "<script src=\"/vote.js\" defer></script>\n"
	            "<script src=\"/viewer.js\" defer></script>\n"
	            "<script src=\"/entry.js\" defer></script>\n</head>\n");
}

/* The author, the vote box (entry.js wakes it up) and the story. */
static void
share_side(struct html *h, const struct share_view *v)
{
	html_raw(h, "<p class=\"author\"><span class=\"name\">");
	html_esc(h, v->author);
	html_raw(h, "</span>");
	if (v->unit[0] != '\0') {
		html_raw(h, " · <span class=\"unit\">");
		html_esc(h, v->unit);
		html_raw(h, "</span>");
	}
	html_raw(h, "</p>\n<p id=\"category\" class=\"category\" hidden></p>\n"
	            "<div class=\"vote-box\">\n<p class=\"vote-count\"><strong "
	            "id=\"vote-count\">");
	html_esc(h, v->votes);
	html_raw(h, "</strong>");
	html_raw(h, txt[TXT_VOTES]);
	html_raw(h, "</p>\n<button id=\"vote\" class=\"btn primary\" "
	            "type=\"button\" disabled>");
	html_raw(h, txt[TXT_VOTE]);
	html_raw(h, "</button>\n<p id=\"vote-msg\" class=\"msg\" "
	            "role=\"status\" aria-live=\"polite\"></p>\n<p "
	            "id=\"votes-left\" class=\"muted\"></p>\n</div>\n"
	            "<div class=\"story\">");
	html_esc(h, v->caption);
}

/* The share buttons and the link to copy. */
static void
share_links(struct html *h, const struct share_view *v)
{
	html_raw(h, "</div>\n<div class=\"share\">\n<h2>");
	html_raw(h, txt[TXT_SHARE]);
	/* Shown by entry.js where navigator.share exists (issue 17); the
	 * links below stay as the fallback. */
	html_raw(h, "</h2>\n<button id=\"share-native\" class=\"btn primary\" "
	            "type=\"button\" hidden>");
	html_raw(h, txt[TXT_SHARE_NATIVE]);
	html_raw(h, "</button>\n<a class=\"btn fb\" target=\"_blank\" "
	            "rel=\"noopener noreferrer\" "
	            "href=\"https://www.facebook.com/sharer/sharer.php?u=");
	html_esc(h, v->enc);
	html_raw(h, "\">Facebook</a>\n<a class=\"btn zalo\" "
	            "target=\"_blank\" rel=\"noopener noreferrer\" "
	            "href=\"https://sp.zalo.me/share?url=");
	html_esc(h, v->enc);
	html_raw(h, "\">Zalo</a>\n<button id=\"copy-link\" class=\"btn\" "
	            "type=\"button\">");
	html_raw(h, txt[TXT_COPY]);
	html_raw(h, "</button>\n<input id=\"share-url\" readonly "
	            "aria-label=\"");
	html_raw(h, txt[TXT_LINK_LABEL]);
	html_raw(h, "\" value=\"");
	html_esc(h, v->url);
	html_raw(h, "\">\n<p id=\"copy-msg\" class=\"msg ok\" "
	            "role=\"status\" aria-live=\"polite\"></p>\n</div>\n"
	            "<p><a href=\"/gallery.html?contest=");
	html_esc(h, v->slug);
	html_raw(h, "\">");
	html_raw(h, txt[TXT_GALLERY]);
}

/* The body of the share page: the photo, the vote box, sharing. */
static void
share_main(struct html *h, const struct share_view *v)
{
	html_raw(h, "<main id=\"main\" class=\"wrap entry\" data-entry=\"");
	html_printf(h, "%lld", v->id);
	html_raw(h, "\" data-contest=\"");
	html_esc(h, v->slug);
	html_raw(h,
	         "\">\n<p class=\"crumbs\"><a href=\"/gallery.html?contest=");
	html_esc(h, v->slug);
	html_raw(h, "\">");
	html_esc(h, v->contest);
	html_raw(h, "</a></p>\n<article class=\"entry-view\">\n<figure "
	            "class=\"photo\"><picture><source type=\"image/webp\" "
	            "srcset=\"");
	/* A phone loads the 400 px derivative, a wide screen the 1600 px. */
	html_esc(h, v->t400webp);
	html_raw(h, " 400w, ");
	html_esc(h, v->webp);
	html_raw(h, " 1600w\" sizes=\"" PAGE_PHOTO_SIZES
	            "\"><img fetchpriority=\"high\" src=\"");
	html_esc(h, v->img_path);
	html_raw(h, "\" srcset=\"");
	html_esc(h, v->t400);
	html_raw(h, " 400w, ");
	html_esc(h, v->img_path);
	html_raw(h, " 1600w\" sizes=\"" PAGE_PHOTO_SIZES "\" width=\"");
	html_esc(h, v->width);
	html_raw(h, "\" height=\"");
	html_esc(h, v->height);
	html_raw(h, "\" alt=\"");
	html_esc(h, v->title);
	html_raw(h, "\"></picture></figure>\n<div class=\"entry-side\">\n"
	            "<h1>");
	html_esc(h, v->title);
	html_raw(h, "</h1>\n<p class=\"entry-number\">");
	html_raw(h, txt[TXT_NUMBER]);
	html_esc(h, v->number);
	html_raw(h, "</p>\n");
	share_side(h, v);
	share_links(h, v);
	html_raw(h, " →</a></p>\n</div>\n</article>\n</main>\n");
}

int
h_page_entry(struct req *r)
{
	struct share_page p;
	struct share_view v;
	struct html       h;
	int               rc;

	rc = db_share_page(reads_db(r), r->a,
	                   arena_printf(r->a, "%lld", r->id_param), &p);
	if (rc < 0)
		return resp_db_error(r, rc);
	if (rc == DB_NONE)
		return page_not_found(r);
	if (share_view_make(r, &p, &v) != 0)
		return resp_db_error(r, DB_ERR);
	html_init(&h, r->a);
	page_open(&h);
	share_head(&h, &v);
	page_top(&h, NULL, v.slug);
	share_main(&h, &v);
	page_close(&h);
	if (h.failed)
		return resp_db_error(r, DB_ERR);
	return resp_html(r, 200, h.buf, h.len);
}
