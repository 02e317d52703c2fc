"""Before/after screenshots of issue 17 (docs/screenshots/), not a test of
make test: `make screenshots SHOTS=after` runs this module alone against a
throwaway stack (scripts/e2e.sh with E2E_TESTS).  It seeds one contest with
a few photos (some approved, some waiting), then saves
  <SHOTS>-home-1366x768.png        the home page on a laptop
  <SHOTS>-entry-390x844.png        an entry page on a phone
  <SHOTS>-share-card.png           the 1200x630 share card (og:image)
  <SHOTS>-moderation-1366x768.png  the moderation page with a queue
SHOTS defaults to "after"; NETDEP_SHOTS_DIR to docs/screenshots."""
import os
import re

from browserkit import DESKTOP, PHONE
from judging_kit import login_as, upload, wait

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def out_path(name):
    d = os.environ.get("NETDEP_SHOTS_DIR") or os.path.join(TOP, "docs", "screenshots")
    os.makedirs(d, exist_ok=True)
    return os.path.join(d, "%s-%s.png" % (os.environ.get("SHOTS", "after"), name))


def images_loaded(d):
    return d.execute_script(
        "return document.readyState === 'complete' && "
        "Array.from(document.images).every((i) => i.complete)")


def test_screenshots(browser, contest, new_user, make_jpeg, anon):
    slug = contest(min_short_side=200, max_entries=10, title="Nét đẹp đoàn viên 2026")
    author = new_user(display_name="Trần Thị Hoa", unit="Chi đoàn Y tế")
    judge = new_user(role="judge", contest=slug, display_name="Giám khảo Lê Văn Một")
    titles = ["Nụ cười vùng cao", "Mùa hè xanh", "Tiếp sức mùa thi",
              "Hiến máu nhân đạo", "Đêm trăng thiếu nhi", "Công trình thanh niên"]
    ids = [upload(author, slug, t, "Câu chuyện: " + t, make_jpeg,
                  w=1200 + i, h=800, seed=100 + i) for i, t in enumerate(titles)]
    for eid in ids[:3]:
        r = judge.post("/api/v1/entries/%d/moderation" % eid, json={"action": "approve"})
        assert r.status_code == 200, r.text
    browser.allow_console_errors()  # pictures of the pages as they are

    browser.resize(DESKTOP)
    browser.get("/")
    wait(browser, images_loaded, msg="home images")
    browser.driver.save_screenshot(out_path("home-1366x768"))

    browser.resize(PHONE)
    browser.get("/e/%d" % ids[0])
    wait(browser, images_loaded, msg="entry images")
    browser.driver.save_screenshot(out_path("entry-390x844"))

    page = anon.get("/e/%d" % ids[0]).text
    m = re.search(r'<meta property="og:image" content="([^"]+)"', page)
    assert m, "no og:image on /e/%d" % ids[0]
    # The card is a JPEG; the browser shows it at 1200x630 for the PNG.
    browser.driver.set_window_size(1200, 630)
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 1200, "height": 630, "deviceScaleFactor": 1, "mobile": False})
    browser.get(re.sub(r"^https?://[^/]+", "", m.group(1)))
    wait(browser, images_loaded, msg="share card")
    browser.driver.execute_script(
        "document.body.style.margin = '0'; document.images[0].style.display = 'block'")
    browser.driver.save_screenshot(out_path("share-card"))

    browser.resize(DESKTOP)
    login_as(browser, judge)
    browser.get("/moderation.html?contest=%s" % slug)
    wait(browser, lambda d: d.execute_script(
        "return document.querySelectorAll('#queue .item').length") == 3, msg="queue of 3")
    wait(browser, images_loaded, msg="moderation images")
    browser.driver.save_screenshot(out_path("moderation-1366x768"))
