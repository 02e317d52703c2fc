"""What make lighthouse measures, held by tests that do not time anything
(issue 17): the gallery's first row of photos is fetched at once and first
(the page's largest paint), the rest when it nears the screen; the contest
list every landing page starts from is preloaded by the HTML and that
preload is used (one request, not two); the entry page's photo is fetched
first; the gallery and the leaderboard do not move while they fill in."""
import re

from browserkit import PHONE
from judging_kit import upload, wait
from site_kit import SIZES, css, size, text
from test_part_pages import CLS_LIMIT, _cls, _probe

COUNT = "return performance.getEntriesByType('resource').filter((r) => r.name.endsWith('/api/v1/contests')).length"


def test_first_photos_first_and_preload_used(browser, contest, new_user, make_jpeg, anon):
    slug = contest(min_short_side=200, max_entries=10, title="Nét đẹp đoàn viên 2026")
    author = new_user(display_name="Nguyễn Thị Hà")
    judge = new_user(role="judge", contest=slug)
    ids = [upload(author, slug, "Ấn tượng %d" % i, "", make_jpeg, w=900, h=600, seed=300 + i)
           for i in range(4)]
    for eid in ids:
        assert judge.post("/api/v1/entries/%d/moderation" % eid,
                          json={"action": "approve"}).status_code == 200
    browser.resize(PHONE)
    for path in ("/", "/gallery.html", "/leaderboard.html"):
        html = anon.get(path).text
        assert '<link rel="preload" href="/api/v1/contests" as="fetch" crossorigin>' in html, path
    browser.get("/gallery.html")
    wait(browser, lambda d: len(d.find_elements("css selector", "#gallery .card img")) >= 4,
         msg="gallery drawn")
    imgs = browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('#gallery .card img'))"
        ".map((i) => [i.getAttribute('loading'), i.getAttribute('fetchpriority'),"
        " i.getAttribute('width'), i.getAttribute('height')])")
    assert imgs[0][:2] == [None, "high"] and imgs[1][:2] == [None, "high"], imgs
    assert all(i[:2] == ["lazy", None] for i in imgs[2:]), imgs
    assert all(i[2] and i[3] for i in imgs), "every photo has its size: %r" % imgs
    # The preloaded list served the script's request: one fetch, not two.
    assert browser.driver.execute_script(COUNT) == 1
    # The entry page (server-rendered): its photo is fetched first.
    page = anon.get("/e/%d" % ids[0]).text
    assert re.search(r'<img fetchpriority="high" src="/media/[^"]+"[^>]* srcset="[^"]+ 400w, [^"]+ 1600w"[^>]* width="\d+" height="\d+"', page)


def test_gallery_and_leaderboard_do_not_shift(browser, contest, new_user, make_jpeg):
    """The contest's name under the h1 and the leaderboard's rows come from
    scripts; the room they take is kept (site.css), so nothing below moves
    while they arrive (Lighthouse's CLS < 0.05)."""
    slug = contest(min_short_side=200, max_entries=10,
                   title="Một cuộc thi có cái tên khá dài để xuống dòng trên điện thoại")
    judge = new_user(role="judge", contest=slug)
    author = new_user()
    voter = new_user()
    for i in range(3):
        eid = upload(author, slug, "Ảnh %d" % i, "", make_jpeg, w=900, h=600, seed=900 + i)
        assert judge.post("/api/v1/entries/%d/moderation" % eid,
                          json={"action": "approve"}).status_code == 200
        r = voter.post("/api/v1/entries/%d/votes" % eid, json={})
        assert r.status_code < 300, r.text
    _probe(browser)
    for wh in SIZES:
        size(browser, wh)
        for path, ready in (("/gallery.html?contest=", "#gallery .card img"),
                            ("/leaderboard.html?contest=", "#board li")):
            browser.get(path + slug)
            wait(browser, lambda d: len(css(browser, ready)) == 3, msg=path)
            wait(browser, lambda d: text(browser, "#contest-name") != "", msg=path + " name")
            cls, shifts = _cls(browser, "%s-%dx%d" % (path.strip("/?=contest"), wh[0], wh[1]))
            assert cls < CLS_LIMIT, "%s at %r shifts %.3f: %r" % (path, wh, cls, shifts)


def test_home_keeps_no_room_for_dates_a_contest_has_not(browser, contest):
    """The hero keeps room for five dates while they load (no shift); a
    contest with none shows no empty box (the after screenshot of issue
    17 had one)."""
    bare = contest(title="Cuộc thi chưa có lịch")
    dated = contest(title="Cuộc thi có lịch", vote_from="2026-01-01T00:00:00Z",
                    vote_until="2027-12-31T00:00:00Z")
    browser.resize(PHONE)
    for slug, n in ((bare, 0), (dated, 2)):
        browser.get("/?contest=" + slug)
        wait(browser, lambda d: "lịch" in d.find_element("id", "contest-title").text,
             msg="contest drawn")
        got = browser.driver.execute_script(
            "const u = document.getElementById('dates');"
            "return [u.children.length, u.getBoundingClientRect().height, u.hidden,"
            " document.getElementById('cd-time').hidden];")
        assert got[0] == n, (slug, got)
        if n == 0:
            # Nor an empty line for a countdown to no deadline.
            assert got[1] == 0 and got[2] is True and got[3] is True, got
        else:
            assert got[1] > 0 and got[2] is False, got
