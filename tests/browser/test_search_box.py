"""The search box of the gallery and the leaderboard (issue 15): results
as the visitor types without diacritics, the count in a live region, the
entry number on every card, and the keyboard path from the field to a
result."""
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from site_kit import approve, css, fill, upload_api, wait, wait_text


def test_search_box_finds_as_you_type(browser, contest, new_user, make_jpeg):
    slug = contest(min_short_side=200, title="Tìm ảnh trong trình duyệt")
    judge = new_user(role="judge", contest=slug)
    ha = new_user(display_name="Nguyễn Thị Hà", unit="Phường Lê Thanh Nghị")
    other = new_user(display_name="Trần Văn Đức", unit="Xã Đông Hoà")
    a = upload_api(ha, slug, make_jpeg, "Bình minh trên sông Hồng", seed=1)
    b = upload_api(other, slug, make_jpeg, "Mùa lúa chín", seed=2)
    for e in (a, b):
        approve(judge, e["id"])

    for page in ("/gallery.html", "/leaderboard.html"):
        browser.get(page + "?contest=" + slug)
        form = wait(browser, lambda d: css(browser, "form#search[role=search]"))
        assert form
        label = browser.driver.find_element(By.CSS_SELECTOR, "label[for=q]")
        assert "Tìm ảnh" in label.text
        status = browser.driver.find_element(By.ID, "search-status")
        assert status.get_attribute("aria-live") == "polite"
        field = fill(browser, "q", "nguyen thi ha")
        wait_text(browser, "#search-results", "Bình minh trên sông Hồng")
        wait_text(browser, "#search-status", "Tìm thấy 1 ảnh")
        assert "Mùa lúa chín" not in browser.driver.find_element(
            By.ID, "search-results").text
        # The number is on the card.
        assert ("Số %d" % a["number"]) in browser.driver.find_element(
            By.ID, "search-results").text
        # đ/d and the old and new tone marks, then Enter searches at once.
        field.clear()
        field.send_keys("dong hòa" + Keys.ENTER)
        wait_text(browser, "#search-results", "Mùa lúa chín")
        # From the field, Tab reaches the button, then the result's link.
        field.send_keys(Keys.TAB)
        assert browser.driver.switch_to.active_element.tag_name == "button"
        browser.driver.switch_to.active_element.send_keys(Keys.TAB)
        href = browser.driver.switch_to.active_element.get_attribute("href")
        assert href and href.endswith("/e/%d" % b["id"]), href
        # Emptying the field clears results and count.
        field.clear()
        field.send_keys(" " + Keys.BACKSPACE)
        wait(browser, lambda d: not css(browser, "#search-results li"),
             "results stay after the field was emptied")
