"""The unit type-ahead of registration and the profile (issue 15): found
without diacritics, picked with the keyboard alone (combobox and listbox
roles, aria-activedescendant, a polite status), registered with the
node's code; "not listed" keeps a typed name; the unit page shows a
merged-away unit's successor; the leaderboard's level switch."""
import secrets
import sys
import os

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browserkit import PHONE
from site_kit import agree, assert_inert, css, fill, size, text, wait, wait_text

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
from unit_helpers import small_tree  # noqa: E402


def submit_registration(browser, display_name):
    """Fills the rest of the form, sends it and waits until it is done;
    returns the username."""
    username = "up" + secrets.token_hex(4)
    fill(browser, "username", username)
    fill(browser, "password", "mật khẩu đủ dài 2026")
    fill(browser, "display_name", display_name)
    fill(browser, "birth_year", "1999")
    agree(browser, "consent")
    browser.driver.find_element(By.ID, "submit").click()
    wait(browser, lambda d: d.execute_script("return location.pathname")
         != "/register.html", "registration did not finish")
    return username


def status(browser):
    # The live region is visually hidden: its text, not what is drawn.
    return attr(browser, "#unit-status", "textContent") or ""


def attr(browser, sel, name):
    els = css(browser, sel)
    return els[0].get_attribute(name) if els else None


def test_type_ahead_keyboard_pick_and_unit_page(browser, admin_cli, tmp_path,
                                                base_url, contest, new_user,
                                                make_jpeg, db):
    c, names, _ = small_tree(admin_cli, tmp_path)
    p = c["b1"].split("-")[0]
    size(browser, PHONE)
    browser.get("/register.html")
    wait(browser, lambda d: css(browser, "#register-form"))
    box = browser.driver.find_element(By.ID, "unit-search")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    assert attr(browser, "#unit-list", "role") == "listbox"
    # Typed without diacritics; the list opens with the matching units.
    box.send_keys(f"chi doan {p} mot")
    wait(browser, lambda d: box.get_attribute("aria-expanded") == "true",
         "the listbox did not open")
    options = css(browser, "#unit-list [role=option]")
    assert [o.get_attribute("data-code") for o in options] == [c["b1"],
                                                               c["b2"]]
    wait(browser, lambda d: "2 đơn vị" in status(browser),
         "the status region did not say how many units match")
    # Keyboard only: down, down, up, Enter picks the first.
    box.send_keys(Keys.ARROW_DOWN)
    active = box.get_attribute("aria-activedescendant")
    assert active and attr(browser, "#" + active, "aria-selected") == "true"
    box.send_keys(Keys.ARROW_DOWN, Keys.ARROW_UP, Keys.ENTER)
    wait(browser, lambda d: box.get_attribute("aria-expanded") == "false")
    assert box.get_attribute("value") == names["b1"]
    assert browser.driver.find_element(By.ID, "unit_code") \
        .get_attribute("value") == c["b1"]
    assert names["b1"] in status(browser)
    browser.shot("unit-picker-390x844")
    username = submit_registration(browser, "Nguyễn Thị Hà")
    with db.cursor() as cur:
        cur.execute("SELECT u.code FROM netdep.accounts a JOIN netdep.units u"
                    " ON u.id = a.unit_id WHERE a.username = %s",
                    (username,))
        assert cur.fetchone() == (c["b1"],)
    assert_inert(browser, "after registration")

    # "Not listed": the typed name is kept, no code is sent.
    browser.driver.delete_all_cookies()
    browser.get("/register.html")
    wait(browser, lambda d: css(browser, "#register-form"))
    browser.driver.find_element(By.ID, "unit-unlisted").click()
    assert browser.driver.find_element(By.ID, "unit-search") \
        .get_attribute("disabled") is not None
    other = f"Chi đoàn Mới Lập {p}"
    fill(browser, "unit", other)
    username = submit_registration(browser, "Trần Văn Nam")
    with db.cursor() as cur:
        cur.execute("SELECT unit, unit_id FROM netdep.accounts "
                    "WHERE username = %s", (username,))
        assert cur.fetchone() == (other, None)

    # The unit page of the merged-away unit leads to its successor.
    browser.get("/unit.html?code=" + c["old"])
    wait_text(browser, "#unit-name", names["old"])
    wait_text(browser, "#succ", names["city"])
    link = css(browser, "#succ a")[0]
    assert link.get_attribute("href").endswith("code=" + c["city"])
    browser.shot("unit-successor-390x844")

    # The leaderboard's level switch: the chi đoàn level of a contest.
    slug = contest(min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    owner = new_user(unit_code=c["b2"])
    r = owner.post(f"/api/v1/contests/{slug}/entries",
                   data={"title": "Ảnh chi đoàn"},
                   files={"photo": ("p.jpg", make_jpeg(400, 300),
                                    "image/jpeg")})
    assert r.status_code == 201, r.text
    assert judge.post(f"/api/v1/entries/{r.json()['entry']['id']}/"
                      "moderation", json={"action": "approve"}) \
        .status_code == 200
    browser.get(f"/leaderboard.html?contest={slug}&kind=units&level=branch")
    wait_text(browser, "#board", names["b2"])
    assert attr(browser, "#levels a[data-level=branch]",
                "aria-current") == "true"
    assert "/ 100 đoàn viên" in text(browser, "#board")
