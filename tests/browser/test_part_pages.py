"""The participant's pages and what every page shares (issue 17): the home
page says what the contest is with a ticking countdown, nothing moves
while the page fills in (layout shift < 0.05 on home and rules), the menu
fits a 390 px phone, and a gallery card's focus ring is not clipped."""
import os
import re
from datetime import datetime, timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browserkit import artifacts_dir
from site_kit import (SIZES, agree, approve, body_text, css, fill, login_form, size, temp_file, text,
                      upload_api, wait)

CLS_LIMIT = 0.05

# Collects every layout shift from the first byte of each document
# (injected by DevTools, so the page's CSP does not apply to it).
CLS_PROBE = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__shifts.push([e.value, e.hadRecentInput]);
}).observe({type: 'layout-shift', buffered: true});
"""


def _vn(days):
    return (datetime.utcnow() + timedelta(hours=7, days=days)).strftime("%Y-%m-%dT%H:%M")


def _contest_with_entries(contest, new_user, make_jpeg, n=3):
    slug = contest(min_short_side=200, title="Nét đẹp thử bố cục",
                   submit_until=_vn(5), vote_until=_vn(9))
    judge = new_user(role="judge", contest=slug)
    author = new_user()
    for i in range(n):
        approve(judge, upload_api(author, slug, make_jpeg, "Ảnh %d" % (i + 1),
                                  w=900, h=600, seed=700 + i)["id"])
    return slug


def _cls(browser, name):
    shifts = browser.driver.execute_script("return window.__shifts || null")
    assert shifts is not None, "the layout-shift probe did not run"
    cls = sum(v for v, recent in shifts if not recent)
    with open(os.path.join(artifacts_dir(), "layout-shift.txt"), "a") as f:
        f.write("%s %.4f\n" % (name, cls))
    return cls, shifts


def _probe(browser):
    browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CLS_PROBE})


def test_home_says_what_the_contest_is_and_counts_down(browser, contest, new_user, make_jpeg):
    slug = _contest_with_entries(contest, new_user, make_jpeg)
    _probe(browser)
    for wh in SIZES:
        size(browser, wh)
        browser.get("/?contest=" + slug)
        wait(browser, lambda d: "Nét đẹp thử bố cục" in text(browser, "#contest-title"), "title")
        wait(browser, lambda d: len(css(browser, "#gallery img")) == 3, "newest entries")
        wait(browser, lambda d: len(css(browser, "#dates li")) >= 2, "dates")
        page = body_text(browser)
        # Theme, who may take part, the four steps, prizes, a call to action.
        for needle in ("Chủ đề", "Ai được tham gia", "Đăng ký", "Gửi ảnh", "Bình chọn",
                       "Kết quả", "Giải thưởng", "Giải Nhất"):
            assert needle in page, needle
        steps = [li.text for li in css(browser, "ol.steps li")]
        assert len(steps) == 4 and all(s.startswith(w) for s, w in zip(
            steps, ("Đăng ký", "Gửi ảnh", "Bình chọn", "Kết quả"))), steps
        cta = css(browser, "#cta-upload")[0]
        assert cta.text == "Gửi ảnh dự thi" and "/me.html" in cta.get_attribute("href")
        assert "contest=" + slug in cta.get_attribute("href")
        # Dates as dd/mm/yyyy and a countdown that ticks.
        assert any("/" in li.text for li in css(browser, "#dates li"))
        assert "gửi ảnh" in text(browser, "#cd-label")
        first = text(browser, "#cd-time")
        assert first.startswith("4 ngày") or first.startswith("5 ngày"), first
        wait(browser, lambda d: text(browser, "#cd-time") != first, "the countdown never ticked")
        cls, shifts = _cls(browser, "home-%dx%d" % wh)
        assert cls < CLS_LIMIT, "home at %r shifts %.3f: %r" % (wh, cls, shifts)
        browser.shot("part-home-%dx%d" % wh)


def test_rules_page_does_not_shift(browser, contest, new_user, make_jpeg):
    slug = contest(min_short_side=200, title="Thể lệ thử bố cục của một cuộc thi có tên khá dài",
                   submit_until=_vn(5), categories="Tình nguyện,Học tập")
    _probe(browser)
    for wh in SIZES:
        size(browser, wh)
        browser.get("/rules.html?contest=" + slug)
        wait(browser, lambda d: len(css(browser, "#cats li")) == 2, "categories")
        wait(browser, lambda d: len(css(browser, "#limits li")) >= 4, "limits")
        cls, shifts = _cls(browser, "rules-%dx%d" % wh)
        assert cls < CLS_LIMIT, "rules at %r shifts %.3f: %r" % (wh, cls, shifts)
        browser.shot("part-rules-%dx%d" % wh)


def test_menu_fits_a_phone_and_card_focus_is_not_clipped(browser, contest, new_user, make_jpeg):
    slug = _contest_with_entries(contest, new_user, make_jpeg, n=1)
    size(browser, (390, 844))
    browser.get("/gallery.html?contest=" + slug)
    wait(browser, lambda d: css(browser, ".card a"), "a card")
    # Every menu link is inside the viewport, none scrolled out of sight.
    boxes = browser.driver.execute_script(
        "return [...document.querySelectorAll('.nav a')].map(a => {"
        " const r = a.getBoundingClientRect(); return [a.textContent, r.left, r.right]; })")
    assert len(boxes) >= 6
    for name, left, right in boxes:
        assert left >= 0 and right <= 390, "menu item %r at %r-%r is cut off" % (name, left, right)
    nav = browser.driver.execute_script(
        "const n = document.querySelector('.nav'); return [n.scrollWidth, n.clientWidth]")
    assert nav[0] <= nav[1], "the menu scrolls sideways: %r" % nav
    browser.shot("part-menu-390x844")
    # Tab to the first card: the ring is drawn by the card (it clips its
    # photo), outside its box.
    link = css(browser, ".card a")[0]
    browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    browser.driver.execute_script("arguments[0].focus({focusVisible: true})", link)
    if not browser.driver.execute_script("return arguments[0].matches(':focus-visible')", link):
        link.send_keys(Keys.SHIFT + Keys.TAB)
        link.send_keys(Keys.TAB)
    wait(browser, lambda d: d.execute_script("return arguments[0].matches(':focus-visible')", link),
         "card link never focus-visible")
    ring = browser.driver.execute_script(
        "const c = arguments[0].closest('.card'); const s = getComputedStyle(c);"
        " return [s.outlineStyle, s.outlineWidth, s.overflow];", link)
    assert ring[0] == "solid" and ring[1] == "3px", ring
    browser.shot("part-card-focus-390x844")
    assert browser.driver.find_element(By.TAG_NAME, "h1")


def _entry_posts(browser):
    return browser.driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(r => /\\/api\\/v1\\/contests\\/[^/]+\\/entries$/.test(new URL(r.name).pathname)).length")


def test_upload_says_what_is_left_and_checks_before_sending(
        browser, contest, new_user, make_jpeg, make_png):
    slug = contest(min_short_side=300, max_entries=2, max_bytes=400000,
                   title="Thử gửi ảnh", submit_until=_vn(5))
    me = new_user()
    upload_api(me, slug, make_jpeg, "Ảnh đầu tiên", w=900, h=600, seed=5)
    files = {
        "text": temp_file(b"not a photo at all\n", ".txt"),
        "small": temp_file(make_png(200, 150, seed=1), ".png"),
        "big": temp_file(os.urandom(500000), ".jpg"),
        "good": temp_file(make_jpeg(900, 600, seed=9), ".jpg"),
    }
    try:
        login_form(browser, me.username, me.password, "/me.html?contest=" + slug)
        for wh in SIZES:
            size(browser, wh)
            browser.get("/me.html?contest=" + slug)
            # Before any file: the uploads left (2 allowed, 1 pending).
            wait(browser, lambda d: "còn 1 lượt gửi ảnh" in text(browser, "#up-left"), "uploads left")
            assert "Sau khi gửi" in text(browser, "#up-next")
            photo = css(browser, "#photo")[0]
            for kind, needle in (("text", "không phải ảnh"), ("big", "vượt giới hạn"),
                                 ("small", "quá nhỏ")):
                photo.send_keys(files[kind])
                wait(browser, lambda d: needle in text(browser, "#up-msg"),
                     "%s: %r" % (kind, text(browser, "#up-msg")))
                # No title made up from the file's name.
                assert css(browser, "#title")[0].get_attribute("value") == ""
                fill(browser, "title", "Một tên")
                css(browser, "#up-submit")[0].click()
                wait(browser, lambda d: needle in text(browser, "#up-msg"), kind)
                assert _entry_posts(browser) == 0, "%s was sent to the server" % kind
                css(browser, "#title")[0].clear()
            photo.send_keys(files["good"])
            wait(browser, lambda d: "900×600" in text(browser, "#preview-info"), "preview")
            assert re.search(r"\d+ KB$", text(browser, "#preview-info")), text(browser, "#preview-info")
            assert css(browser, "#title")[0].get_attribute("value") == ""
            browser.shot("part-upload-%dx%d" % wh)
        # The last upload left: send it, then the form says none is left.
        fill(browser, "title", "Ảnh thứ hai")
        agree(browser)
        css(browser, "#up-submit")[0].click()
        wait(browser, lambda d: "hết 2 lượt gửi ảnh" in text(browser, "#up-left"), "none left")
        assert css(browser, "#photo")[0].get_attribute("disabled") is not None
    finally:
        for p in files.values():
            os.unlink(p)


def _err(browser, field):
    return text(browser, "#%s-err" % field)


def test_registration_errors_sit_next_to_their_fields_and_keep_values(browser, new_user):
    taken = new_user().username
    for wh in SIZES:
        size(browser, wh)
        browser.get("/register.html")
        wait(browser, lambda d: css(browser, "#username-err"), "error slots")
        user = css(browser, "#username")[0]
        assert "username-err" in user.get_attribute("aria-describedby")
        user.send_keys("ab")
        assert _err(browser, "username") == ""  # not while first typing
        css(browser, "#password")[0].click()     # leaves the field
        wait(browser, lambda d: "ít nhất 3" in _err(browser, "username"), "username error")
        assert user.get_attribute("aria-invalid") == "true"
        user.send_keys("c")                      # fixed as they type
        wait(browser, lambda d: _err(browser, "username") == "", "error kept after fixing")
        assert user.get_attribute("aria-invalid") is None
        # Sent with two empty fields: both say so at once, next to themselves.
        css(browser, "#submit")[0].click()
        wait(browser, lambda d: _err(browser, "password") and _err(browser, "display_name"), "all errors")
        assert "Mật khẩu" in _err(browser, "password")
        assert css(browser, "#error")[0].is_displayed() is False
        # The server's refusal (a taken name) lands on its field; what was
        # typed stays.
        fill(browser, "username", taken)
        fill(browser, "password", "mật khẩu dài đủ")
        fill(browser, "display_name", "Nguyễn Thị Thử")
        css(browser, "#unit-unlisted")[0].click()
        wait(browser, lambda d: css(browser, "#unit")[0].is_displayed(), "free unit")
        fill(browser, "unit", "Chi đoàn thử")
        fill(browser, "birth_year", "1998")
        agree(browser, "consent")
        css(browser, "#submit")[0].click()
        wait(browser, lambda d: "đã có người dùng" in _err(browser, "username"),
             "taken: %r / %r" % (_err(browser, "username"), text(browser, "#error")))
        assert css(browser, "#username")[0].get_attribute("aria-invalid") == "true"
        assert css(browser, "#display_name")[0].get_attribute("value") == "Nguyễn Thị Thử"
        assert css(browser, "#password")[0].get_attribute("value") == "mật khẩu dài đủ"
        browser.shot("part-register-%dx%d" % wh)
        # The refused request is the only console error (the browser logs it).
        errors = browser.take_console_errors()
        assert errors and all("409" in e["message"] for e in errors), errors


def test_share_button_uses_the_phone_sheet_with_fallbacks(browser, contest, new_user, make_jpeg):
    slug = contest(min_short_side=200, title="Thử chia sẻ")
    judge = new_user(role="judge", contest=slug)
    eid = upload_api(new_user(), slug, make_jpeg, "Ảnh chia sẻ", w=900, h=600, seed=3)["id"]
    approve(judge, eid)
    # No share sheet (desktop Chromium): the button stays hidden, the
    # Facebook, Zalo and copy-link fallbacks are there.
    browser.get("/e/%d" % eid)
    wait(browser, lambda d: css(browser, "#share-url"), "share box")
    url = css(browser, "#share-url")[0].get_attribute("value")
    assert url.endswith("/e/%d" % eid)
    assert not css(browser, "#share-native")[0].is_displayed()
    hrefs = [a.get_attribute("href") for a in css(browser, ".share a")]
    assert any(h.startswith("https://www.facebook.com/sharer/") for h in hrefs), hrefs
    assert any(h.startswith("https://sp.zalo.me/share") for h in hrefs), hrefs
    assert css(browser, "#copy-link")[0].is_displayed()
    browser.shot("part-share-fallbacks-390x844")
    # A phone's share sheet (stood in for before the page loads).
    browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": (
        "Object.defineProperty(navigator, 'share', {configurable: true, value:"
        " (d) => { window.__shared = d; return Promise.resolve(); }});")})
    for wh in SIZES:
        size(browser, wh)
        browser.get("/e/%d" % eid)
        wait(browser, lambda d: css(browser, "#share-native")[0].is_displayed(), "share button")
        css(browser, "#share-native")[0].click()
        shared = wait(browser, lambda d: d.execute_script("return window.__shared || null"), "share()")
        assert shared["url"] == url, shared
        assert css(browser, "#copy-link")[0].is_displayed()
        browser.shot("part-share-native-%dx%d" % wh)
