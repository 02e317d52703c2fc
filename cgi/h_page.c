/*
 * h_page.c: the server-rendered share page of an entry, so Facebook and
 * Zalo previews show the photo (their crawlers run no JavaScript).
 */
#include <string.h>

#include "config.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "resp.h"

static int
page_not_found(struct req *r)
{
	struct html h;

	html_init(&h, r->a);
	html_raw(&h, "<!doctype html><html lang=\"vi\"><head><meta "
	             "charset=\"utf-8\"><meta name=\"viewport\" "
	             "content=\"width=device-width, initial-scale=1\">"
	             "<title>Không tìm thấy ảnh dự thi</title>"
	             "<link rel=\"stylesheet\" href=\"/style.css\"></head>"
	             "<body><main class=\"page\"><h1>Không tìm thấy ảnh dự "
	             "thi</h1><p>Ảnh này không tồn tại hoặc chưa được duyệt."
	             "</p><p><a href=\"/\">Về trang chủ</a></p></main></body>"
	             "</html>");
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
	char       *img, *url;
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
	if (img == NULL || url == NULL)
		return resp_db_error(r, DB_ERR);

	html_init(&h, r->a);
	html_raw(&h, "<!doctype html><html lang=\"vi\"><head><meta "
	             "charset=\"utf-8\"><meta name=\"viewport\" "
	             "content=\"width=device-width, initial-scale=1\"><title>");
	html_esc(&h, title);
	html_raw(&h, " – ");
	html_esc(&h, contest);
	html_raw(&h, "</title>\n<meta property=\"og:type\" content=\"article\">"
	             "\n<meta property=\"og:title\" content=\"");
	html_esc(&h, title);
	html_raw(&h, "\">\n<meta property=\"og:description\" content=\"");
	html_esc(&h, caption[0] ? caption : contest);
	html_raw(&h, "\">\n<meta property=\"og:image\" content=\"");
	html_esc(&h, img);
	html_raw(&h, "\">\n<meta property=\"og:image:width\" content=\"");
	html_esc(&h, rows_get(&rs, 0, 6));
	html_raw(&h, "\">\n<meta property=\"og:image:height\" content=\"");
	html_esc(&h, rows_get(&rs, 0, 7));
	html_raw(&h, "\">\n<meta property=\"og:url\" content=\"");
	html_esc(&h, url);
	html_raw(&h, "\">\n<meta name=\"twitter:card\" "
	             "content=\"summary_large_image\">\n<meta "
	             "name=\"twitter:title\" content=\"");
	html_esc(&h, title);
	html_raw(&h, "\">\n<meta name=\"twitter:image\" content=\"");
	html_esc(&h, img);
	html_raw(&h, "\">\n<link rel=\"stylesheet\" href=\"/style.css\">"
	             "</head>\n<body><main class=\"page entry\"><p><a "
	             "href=\"/\">");
	html_esc(&h, contest);
	html_raw(&h, "</a></p><h1>");
	html_esc(&h, title);
	html_raw(&h, "</h1><img class=\"photo\" src=\"");
	html_esc(&h, img);
	html_raw(&h, "\" alt=\"");
	html_esc(&h, title);
	html_raw(&h, "\"><p class=\"author\">");
	html_esc(&h, author);
	if (unit[0] != '\0') {
		html_raw(&h, " – ");
		html_esc(&h, unit);
	}
	html_raw(&h, "</p><p class=\"caption\">");
	html_esc(&h, caption);
	html_raw(&h, "</p><p class=\"votes\">");
	html_esc(&h, rows_get(&rs, 0, 8));
	html_raw(&h, " lượt bình chọn</p></main></body></html>\n");
	if (h.failed)
		return resp_db_error(r, DB_ERR);
	return resp_html(r, 200, h.buf, h.len);
}
