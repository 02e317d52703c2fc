"""The share page GET /e/{id} (SPEC section 7): server-rendered HTML with
OpenGraph tags for approved entries, a 404 page for anything else, and
everything the author wrote escaped."""

import html
import re
import subprocess
from urllib.parse import urlsplit

from conftest import Client
from helpers import (approve, assert_status, jpeg_size, reject,
                     upload_ok)


def card_pixel(jpeg, x, y):
    """The RGB of one pixel of a JPEG, decoded by djpeg (libjpeg-turbo)."""
    ppm = subprocess.run(["djpeg", "-pnm"], input=jpeg, capture_output=True,
                         check=True).stdout
    head = ppm.split(b"\n", 3)
    assert head[0] == b"P6", head[0]
    w = int(head[1].split()[0])
    px = head[3][(y * w + x) * 3:(y * w + x) * 3 + 3]
    return px[0], px[1], px[2]


def og(page, prop):
    m = re.search(r'<meta property="%s" content="([^"]*)"' % re.escape(prop),
                  page)
    assert m, f"no {prop} in the page"
    return html.unescape(m.group(1))


def test_share_page_has_opengraph_tags(contest, new_user, make_jpeg,
                                       base_url):
    slug = contest(title="Nét đẹp đoàn viên 2026")
    judge = new_user(role="judge", contest=slug)
    owner = new_user(display_name="Trần Thị Hoa", unit="Chi đoàn Y tế")
    e = upload_ok(owner, slug, make_jpeg(1600, 1200),
                  title="Nụ cười vùng cao", caption="Mùa hè tình nguyện")
    approve(judge, e["id"])
    anon = Client(base_url)
    r = anon.get(f"/e/{e['id']}")
    assert_status(r, 200)
    assert r.headers["Content-Type"].startswith("text/html")
    csp = r.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    page = r.text
    assert og(page, "og:title") == "Nụ cười vùng cao"
    assert og(page, "og:description") == "Mùa hè tình nguyện"
    assert og(page, "og:url") == f"{base_url}/e/{e['id']}"
    # Crawlers get the 1200x630 share card (photo, title and unit drawn).
    image = og(page, "og:image")
    assert image.startswith(base_url + "/media/"), image
    assert image.endswith("_card.jpg"), image
    assert int(og(page, "og:image:width")) == 1200
    assert int(og(page, "og:image:height")) == 630
    assert "Trần Thị Hoa" in page and "Chi đoàn Y tế" in page
    # The image the crawlers are told about exists and is public.
    img = anon.get(urlsplit(image).path)
    assert_status(img, 200)
    assert img.headers["Content-Type"] == "image/jpeg"
    assert jpeg_size(img.content) == (1200, 630)
    # The card's design (issue 17): the contest's name on the brand red
    # (site.css --red, #b50d29) at the top left, the number's label above
    # the title (tests/unit/test_card.c checks the rest).
    for x, y in ((52, 44), (52, 418)):
        r_, g_, b_ = card_pixel(img.content, x, y)
        assert r_ > 150 and g_ < 50 and b_ < 80, ((x, y), (r_, g_, b_))


def test_share_card_is_full_bleed(contest, new_user, make_png, base_url):
    """A portrait photo covers the whole card: its top corners are the
    photo's (green 200 everywhere in this PNG, red and blue gradients),
    not the dark ground (#14171c) beside a photo fitted in the middle."""
    slug = contest(min_short_side=200, title="Nét đẹp đoàn viên 2026")
    judge = new_user(role="judge", contest=slug)
    owner = new_user(display_name="Nguyễn Thị Hà", unit="Chi đoàn Ấn tượng")
    e = upload_ok(owner, slug, make_png(600, 1000, seed=200), title="Ấn tượng",
                  content_type="image/png", filename="p.png")
    approve(judge, e["id"])
    anon = Client(base_url)
    image = og(anon.get(f"/e/{e['id']}").text, "og:image")
    img = anon.get(urlsplit(image).path)
    assert_status(img, 200)
    assert jpeg_size(img.content) == (1200, 630)
    for x in (1, 1198):
        r_, g_, b_ = card_pixel(img.content, x, 1)
        assert g_ > 170, ((x, 1), (r_, g_, b_))


def test_share_page_escapes_what_authors_write(contest, new_user, make_jpeg,
                                               base_url):
    slug = contest()
    judge = new_user(role="judge", contest=slug)
    owner = new_user(display_name='<img src=x onerror=alert(1)>')
    title = '"><script>alert(1)</script>'
    caption = "Tom & Jerry's <b>bold</b> \"quote\""
    e = upload_ok(owner, slug, make_jpeg(1000, 800), title=title,
                  caption=caption)
    approve(judge, e["id"])
    page = Client(base_url).get(f"/e/{e['id']}").text
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page
    assert "<b>bold</b>" not in page
    assert og(page, "og:title") == title
    assert og(page, "og:description") == caption


def test_share_page_of_unapproved_or_missing_entries_is_404(
        contest, new_user, make_jpeg, base_url):
    slug = contest()
    judge = new_user(role="judge", contest=slug)
    owner = new_user()
    pending = upload_ok(owner, slug, make_jpeg(1000, 800))["id"]
    rejected = upload_ok(owner, slug, make_jpeg(1000, 800))["id"]
    reject(judge, rejected)
    for who in (Client(base_url), owner, judge):
        for eid in (pending, rejected, 987654321):
            r = who.get(f"/e/{eid}")
            assert r.status_code == 404, (eid, r.status_code)
            assert r.headers["Content-Type"].startswith("text/html")
            assert "og:image" not in r.text
    r = Client(base_url).get("/e/not-a-number")
    assert r.status_code == 404
