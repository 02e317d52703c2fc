"""A phone's HEIC through the upload page (issue 15, part 3): the file
input offers .heic/.heif/.avif, the page lets a HEIC through its own
checks (Chromium cannot preview it and says the server will check), and
the server takes it: the entry waits for moderation.  A judge opening
the original on the moderation page, which Chromium cannot draw, is
offered the file and shown the JPEG made from it."""
import os

from selenium.webdriver.common.by import By

from judging_kit import keys, login_as
from site_kit import agree, css, fill, login_form, text, wait, wait_text


def test_heic_goes_through_the_upload_page(browser, contest, new_user,
                                           testdata):
    slug = contest(min_short_side=200)
    owner = new_user()
    judge = new_user(role="judge", contest=slug)
    login_form(browser, owner.username, owner.password,
               next_path="/me.html?contest=" + slug)
    wait(browser, lambda d: css(browser, "#photo"), "no file input")
    accept = browser.driver.find_element(By.ID, "photo").get_attribute(
        "accept")
    for kind in ("image/heic", "image/avif", ".heic", ".heif", ".avif"):
        assert kind in accept.split(","), accept
    path = os.path.join(testdata, "heif", "rot90.heic")
    browser.driver.find_element(By.ID, "photo").send_keys(path)
    # Not refused by the page: at most "no preview, the server checks".
    wait(browser, lambda d: text(browser, "#up-msg") == "" or
         "máy chủ sẽ kiểm tra" in text(browser, "#up-msg"))
    assert "không phải ảnh" not in text(browser, "#up-msg")
    fill(browser, "title", "Ảnh chụp bằng iPhone")
    agree(browser)
    browser.driver.find_element(By.ID, "up-submit").click()
    wait_text(browser, "#up-msg", "Đã gửi ảnh")
    wait_text(browser, "#mine", "Chờ duyệt")

    # The judge: the original is a HEIC Chromium cannot draw.
    login_as(browser, judge)
    browser.get("/moderation.html?contest=" + slug)
    wait(browser, lambda d: d.execute_script(
        "return document.querySelectorAll('#queue .item').length") == 1,
        "the entry is in the queue")
    keys(browser, "o")
    wait(browser, lambda d: "không hiển thị được ảnh HEIC" in
         text(browser, "#original-scroll"), "no note about the HEIC")
    assert css(browser, "#original-scroll a[download]"), "no download link"
    # The 1600 px JPEG of the turned photo (240 x 360) stands in.
    wait(browser, lambda d: d.execute_script(
        "const i = document.querySelector('#original-scroll img');"
        "return i && i.complete && i.naturalWidth") == 240,
        "the display JPEG stands in")
