"""A phone's HEIC through the upload page (issue 15, part 3): the file
input offers .heic/.heif/.avif, the page lets a HEIC through its own
checks (Chromium cannot preview it and says the server will check), and
the server takes it: the entry waits for moderation."""
import os

from selenium.webdriver.common.by import By

from site_kit import css, fill, login_form, text, wait, wait_text


def test_heic_goes_through_the_upload_page(browser, contest, new_user,
                                           testdata):
    slug = contest(min_short_side=200)
    owner = new_user()
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
    browser.driver.find_element(By.ID, "up-submit").click()
    wait_text(browser, "#up-msg", "Đã gửi ảnh")
    wait_text(browser, "#mine", "Chờ duyệt")
