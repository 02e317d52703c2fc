"""The home page as a phone user first sees it."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from browserkit import DESKTOP


def test_home_lists_approved_entries_without_console_errors(
        browser, contest, new_user, make_jpeg):
    slug = contest(min_short_side=200, title="Ảnh thử trình duyệt")
    author = new_user()
    judge = new_user(role="judge", contest=slug)
    r = author.post("/api/v1/contests/%s/entries" % slug,
                    files={"photo": ("a.jpg", make_jpeg(800, 600), "image/jpeg")},
                    data={"title": "Tình nguyện <mùa hè>", "caption": "Nét đẹp"})
    assert r.status_code == 201, r.text
    eid = r.json()["entry"]["id"]
    assert judge.post("/api/v1/entries/%d/moderation" % eid,
                      json={"action": "approve"}).status_code == 200

    browser.get("/")
    WebDriverWait(browser.driver, 20).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "img")))
    text = browser.driver.find_element(By.TAG_NAME, "body").text
    assert "Nét đẹp" in text or "netdep" in text
    browser.shot("home-390x844")
    browser.resize(DESKTOP)
    browser.shot("home-1366x768")
