"""The public site from a phone (390x844), end to end: a participant
registers, uploads a photo and watches the progress bar reach 100%, a
judge approves it through the API, a second visitor logs in, votes, and
sees the count and the leaderboard change."""
import re
import secrets
from urllib.parse import quote

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browserkit import PHONE
from site_kit import (agree, approve, assert_inert, body_text, css, fill, login_form,
                      size, temp_file, text, wait, wait_text)

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_register_upload_approve_vote_leaderboard(browser, contest, new_user, make_jpeg, db):
    slug = contest(min_short_side=200, title="Hành trình thử trên điện thoại",
                   categories="Tình nguyện,Học tập")
    judge = new_user(role="judge", contest=slug)
    me_path = "/me.html?contest=" + slug

    # 1. Register through the form; ?next= brings the participant back.
    size(browser, PHONE)
    username = "w" + secrets.token_hex(5)
    browser.get("/register.html?next=" + quote(me_path, safe=""))
    wait(browser, lambda d: css(browser, "#register-form"))
    fill(browser, "username", username)
    fill(browser, "password", "mật khẩu đủ dài 2026")
    fill(browser, "display_name", "Nguyễn Thị Thử")
    # A unit not in the tree: "not listed", then its name (issue 15).
    browser.driver.find_element(By.ID, "unit-unlisted").click()
    fill(browser, "unit", "Chi đoàn Thử nghiệm")
    fill(browser, "birth_year", "2001")
    agree(browser, "consent")
    browser.shot("register-filled-390x844")
    browser.driver.find_element(By.ID, "submit").click()
    wait(browser, lambda d: d.execute_script("return location.pathname") == "/me.html",
         "registration did not land on /me.html")

    # 2. Upload: preview, category, then a real progress bar to 100%.
    wait(browser, lambda d: len(css(browser, "#category option")) == 3, "no categories")
    path = temp_file(make_jpeg(1200, 900), ".jpg")
    browser.driver.find_element(By.ID, "photo").send_keys(path)
    wait_text(browser, "#preview-info", "1.200×900")
    assert css(browser, "#preview")[0].is_displayed()
    Select(browser.driver.find_element(By.ID, "category")).select_by_index(1)
    fill(browser, "title", "Mùa hè xanh")
    fill(browser, "caption", "Đoàn viên dạy chữ cho các em.")
    agree(browser)
    browser.driver.find_element(By.ID, "up-submit").click()
    wait_text(browser, "#up-msg", "Đã gửi ảnh")
    progress = browser.driver.find_element(By.ID, "progress")
    assert progress.get_attribute("value") == "100"
    assert int(progress.get_attribute("data-events")) >= 1, "no upload progress event"
    assert text(browser, "#progress-text") == "100%"
    browser.shot("me-uploaded-390x844")
    wait_text(browser, "#mine", "Chờ duyệt")
    with db.cursor() as cur:
        cur.execute("SELECT e.id, e.status, e.category_id IS NOT NULL FROM entries e "
                    "JOIN accounts a ON a.id = e.account_id WHERE a.username = %s", (username,))
        rows = cur.fetchall()
    assert len(rows) == 1 and rows[0][1] == "pending" and rows[0][2], rows
    eid = rows[0][0]

    # 3. A judge approves it through the API; the owner sees the status.
    approve(judge, eid)
    browser.get(me_path)
    wait_text(browser, "#mine", "Đã duyệt")

    # The board shows the entry with no vote yet.
    browser.get("/leaderboard.html?contest=" + slug)
    wait_text(browser, "#board", "Mùa hè xanh")
    assert "0 lượt bình chọn" in text(browser, "#board")

    # 4. Log out; a second visitor logs in from the entry page and votes.
    browser.get(me_path)
    wait(browser, lambda d: css(browser, "#logout") and css(browser, "#logout")[0].is_displayed())
    browser.driver.find_element(By.ID, "logout").click()
    wait(browser, lambda d: d.execute_script("return location.pathname") == "/")
    voter = new_user(login=False)
    entry_path = "/e/%d" % eid
    browser.get(entry_path)
    wait_text(browser, "#vote", "Đăng nhập để bình chọn")
    login_form(browser, voter.username, voter.password, next_path=entry_path)
    wait(browser, lambda d: d.find_element(By.ID, "vote").is_enabled(), "vote button stays disabled")
    assert text(browser, "#vote") == "Bình chọn"
    assert text(browser, "#vote-count") == "0"
    # Record what the click sends: a fresh Idempotency-Key, button disabled.
    browser.driver.execute_script("""
        window.__votes = [];
        const orig = window.fetch;
        window.fetch = function (url, init) {
          if (String(url).includes('/votes')) {
            const h = (init && init.headers) || {};
            window.__votes.push({key: h['Idempotency-Key'] || null,
                                 disabled: document.getElementById('vote').disabled});
          }
          return orig.apply(this, arguments);
        };""")
    browser.driver.find_element(By.ID, "vote").click()
    wait_text(browser, "#vote-count", "1")
    wait_text(browser, "#votes-left", "Hôm nay bạn còn 9 lượt bình chọn")
    assert "Cảm ơn" in text(browser, "#vote-msg")
    assert not browser.driver.find_element(By.ID, "vote").is_enabled()
    sent = browser.driver.execute_script("return window.__votes")
    assert len(sent) == 1, sent
    assert sent[0]["key"] and UUID.match(sent[0]["key"]), sent
    assert sent[0]["disabled"] is True, "the button was clickable while the vote was in flight"
    browser.shot("entry-voted-390x844")
    assert_inert(browser, entry_path)
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM votes WHERE entry_id = %s AND voided_at IS NULL", (eid,))
        assert cur.fetchone()[0] == 1

    # 5. The leaderboard follows: one vote, and the row's thumbnail.
    browser.get("/leaderboard.html?contest=" + slug)
    wait_text(browser, "#board", "1 lượt bình chọn")
    assert "Mùa hè xanh" in text(browser, "#board li:first-child")
    assert css(browser, "#board li:first-child img"), "no thumbnail"
    browser.shot("leaderboard-after-vote-390x844")
    assert "Nguyễn Thị Thử" in body_text(browser)
