"""The full-screen photo viewer (issue 17, static/viewer.js) on a 390x844
phone: opened from a gallery photo, arrow keys and a swipe between
entries, pinch and double-tap zoom (the 1600 px derivative only once
zoomed, the 400 px one before), a vote from inside that the card shows
after closing, Tab kept inside, Esc and the back button close it and focus
goes back to the card; axe finds nothing on the open viewer."""
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from qa_kit import axe_violations
from browserkit import DESKTOP
from site_kit import approve, css, login_form, size, text, upload_api, wait, wait_text

# Pointer events as a finger makes them: [(type, id, x, y), ...] on the stage.
GESTURE = """
  const s = document.querySelector('.v-stage');
  for (const [type, id, x, y] of arguments[0]) {
    s.dispatchEvent(new PointerEvent(type, {pointerId: id, pointerType: 'touch', isPrimary: id === 1,
      clientX: x, clientY: y, bubbles: true, cancelable: true}));
  }"""


def gesture(browser, *events):
    browser.driver.execute_script(GESTURE, [list(e) for e in events])


def swipe(browser, x0, x1):
    gesture(browser, ("pointerdown", 1, x0, 400), ("pointermove", 1, (x0 + x1) // 2, 405),
            ("pointermove", 1, x1, 410), ("pointerup", 1, x1, 410))


def tap_twice(browser):
    gesture(browser, *[(t, 1, 195, 300) for t in ("pointerdown", "pointerup") * 2])


def shown(browser):
    return browser.driver.execute_script(
        "const v = document.querySelector('.viewer'); return !!v && !v.hidden")


def title(browser):
    return text(browser, "#v-title")


def focus_in_viewer(browser):
    return browser.driver.execute_script(
        "return !!document.activeElement.closest('.viewer')")


def photo(browser):
    """The viewer image's URL once loaded, and its transform."""
    return browser.driver.execute_script(
        "const i = document.querySelector('.v-stage img');"
        "return i.complete && i.naturalWidth ? [i.currentSrc, i.style.transform] : null")


def painted(browser):
    """Waits until the viewer's photo is decoded and drawn (screenshots)."""
    browser.driver.execute_async_script(
        "const done = arguments[0];"
        "document.querySelector('.v-stage img').decode().catch(() => {})"
        ".then(() => requestAnimationFrame(() => requestAnimationFrame(done)));")


def keys(browser, *k):
    ActionChains(browser.driver).send_keys(*k).perform()


def test_viewer_swipe_zoom_vote_and_focus(browser, contest, new_user, make_jpeg):
    slug = contest(min_short_side=200, votes_per_day=3, title="Trình xem ảnh")
    judge = new_user(role="judge", contest=slug)
    owner = new_user()
    voter = new_user()
    for n, t in enumerate(("Ảnh một", "Ảnh hai", "Ảnh ba")):
        approve(judge, upload_api(owner, slug, make_jpeg, t, seed=n + 1)["id"])
    page = "/gallery.html?contest=" + slug
    login_form(browser, voter.username, voter.password, next_path=page)
    wait(browser, lambda d: len(css(browser, "#gallery .vote-btn")) == 3, "no vote buttons")
    names = [e.text for e in css(browser, "#gallery .title")]  # newest first
    first = css(browser, "#gallery li")[0]
    first.find_element(By.CSS_SELECTOR, "img").click()

    wait(browser, lambda d: shown(browser), "the viewer did not open")
    box = css(browser, ".viewer")[0]
    assert box.get_attribute("role") == "dialog" and box.get_attribute("aria-modal") == "true"
    assert focus_in_viewer(browser)
    assert title(browser).endswith(names[0])
    # A 390 px phone takes the 400 px derivative.
    src, _ = wait(browser, lambda d: photo(browser), "no photo in the viewer")
    assert "_t400." in src, src

    keys(browser, Keys.ARROW_RIGHT)
    wait(browser, lambda d: title(browser).endswith(names[1]), "→ did not move on")
    keys(browser, Keys.ARROW_LEFT)
    wait(browser, lambda d: title(browser).endswith(names[0]), "← did not move back")
    swipe(browser, 320, 60)
    wait(browser, lambda d: title(browser).endswith(names[1]), "a left swipe did not move on")
    swipe(browser, 60, 320)
    wait(browser, lambda d: title(browser).endswith(names[0]), "a right swipe did not move back")

    # Pinch: two fingers 100 px apart spread to 200 px, twice the size,
    # and the 1600 px derivative comes in.
    gesture(browser, ("pointerdown", 1, 150, 400), ("pointerdown", 2, 250, 400),
            ("pointermove", 2, 350, 400), ("pointerup", 2, 350, 400), ("pointerup", 1, 150, 400))
    wait(browser, lambda d: "zoomed" in box.get_attribute("class"), "the pinch did not zoom")
    assert "scale(2)" in photo(browser)[1]
    wait(browser, lambda d: "_d1600." in (photo(browser) or [""])[0], "zoomed but still 400 px")
    tap_twice(browser)  # double tap: back to fit, then zoom in again
    wait(browser, lambda d: "zoomed" not in box.get_attribute("class"), "double tap did not unzoom")
    tap_twice(browser)
    wait(browser, lambda d: "scale(2.5)" in photo(browser)[1], "double tap did not zoom")
    keys(browser, Keys.ARROW_RIGHT)  # another photo starts fitted
    wait(browser, lambda d: title(browser).endswith(names[1]))
    assert "zoomed" not in box.get_attribute("class")
    keys(browser, Keys.ARROW_LEFT)
    wait(browser, lambda d: title(browser).endswith(names[0]))

    assert axe_violations(browser) == []
    for _ in range(6):  # Tab goes round inside the dialog
        keys(browser, Keys.TAB)
        assert focus_in_viewer(browser), "focus left the dialog"

    # Vote from inside: the same one-tap state as the cards.
    vote = css(browser, ".viewer .vote-btn")[0]
    assert vote.text == "Bình chọn"
    vote.click()
    wait_text(browser, ".viewer .v-count", "1 lượt bình chọn")
    wait(browser, lambda d: vote.text == "Đã bình chọn" and not vote.is_enabled())
    wait_text(browser, ".viewer .msg", "Cảm ơn")
    painted(browser)
    browser.shot("viewer_open_390x844")

    keys(browser, Keys.ESCAPE)
    wait(browser, lambda d: not shown(browser), "Esc did not close the viewer")
    assert browser.driver.execute_script(
        "return document.activeElement === arguments[0].querySelector('a')", first), \
        "focus did not go back to the card"
    card_btn = first.find_element(By.CSS_SELECTOR, ".vote-btn")
    assert card_btn.text == "Đã bình chọn" and not card_btn.is_enabled()
    assert "1 lượt bình chọn" in first.find_element(By.CSS_SELECTOR, ".votes").text
    wait_text(browser, ".votes-left-today", "còn 2 lượt")

    # The phone's back button closes it too, and the page stays.
    css(browser, "#gallery li img")[1].click()
    wait(browser, lambda d: shown(browser) and title(browser).endswith(names[1]))
    browser.driver.back()
    wait(browser, lambda d: not shown(browser), "back did not close the viewer")
    assert browser.driver.execute_script("return location.pathname") == "/gallery.html"

    # The laptop's view, for the screenshots.
    size(browser, DESKTOP)
    css(browser, "#gallery li img")[2].click()
    wait(browser, lambda d: shown(browser) and photo(browser), "no viewer on the laptop")
    painted(browser)
    browser.shot("viewer_open_1366x768")
