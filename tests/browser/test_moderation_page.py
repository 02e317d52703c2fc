"""The moderation page driven from the keyboard, as a judge works: move
through the queue, open the original, approve, reject with a preset and a
free reason, score; the database follows.  Another judge's decision shows
up on the page without a reload.  Screenshots are kept as artefacts at a
laptop (1366x768), a tablet (1024x768) and a narrow phone (360 px)."""
import secrets

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browserkit import DESKTOP
from judging_kit import (NARROW, TABLET, css, entry_row, keys, login_as,
                         severe_besides, text_of, upload, visible, wait,
                         wait_row)

REASONS = ["Ảnh không phải của tác giả", "Nội dung không phù hợp", "Sai thể loại",
           "Chất lượng ảnh thấp", "Ảnh trùng lặp"]


# Read in one script: the poll may redraw the list between two calls.
def current_id(browser):
    v = browser.driver.execute_script(
        "const e = document.querySelector('#queue .item.current'); return e && e.dataset.id")
    return int(v) if v else None


def queue_ids(browser):
    return [int(x) for x in browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('#queue .item'), (e) => e.dataset.id)")]


def open_page(browser, slug, n, view=""):
    browser.get("/moderation.html?contest=%s%s" % (slug, view))
    if n is not None:
        wait(browser, lambda d: len(queue_ids(browser)) == n, msg="queue of %d" % n)


def test_keyboard_moderation_and_scoring(browser, contest, new_user, make_jpeg, db):
    slug = contest(min_short_side=200, title="Kiểm duyệt bằng bàn phím")
    author = new_user(display_name="Trần Thị Tác Giả", unit="Chi đoàn Phường 7")
    judge = new_user(role="judge", contest=slug, display_name="Giám khảo Lê Văn Một")
    ids = [upload(author, slug, "Ảnh %d – <b>mùa hè</b> & \"xanh\"" % i,
                  "Câu chuyện số %d" % i, make_jpeg, w=900 + i, h=600)
           for i in range(1, 4)]

    browser.resize(DESKTOP)
    login_as(browser, judge)
    open_page(browser, slug, 3)
    # Oldest first; the title is shown as text, never parsed as HTML.
    assert queue_ids(browser) == ids
    assert current_id(browser) == ids[0]
    assert text_of(browser, "#entry-title") == "Ảnh 1 – <b>mùa hè</b> & \"xanh\""
    assert not css(browser, "#details b")
    wait(browser, lambda d: d.execute_script(
        "const i = document.querySelector('#preview img'); return i && i.complete && i.naturalWidth > 0"),
        msg="the display image loads")
    assert "Trần Thị Tác Giả" in text_of(browser, "#facts")
    assert "Còn lại" in text_of(browser, "#progress")
    browser.shot("moderation-queue-1366x768")

    # j / k move.
    keys(browser, "j")
    assert current_id(browser) == ids[1]
    keys(browser, "j", "j")
    assert current_id(browser) == ids[2]
    keys(browser, "k", "k", "k")
    assert current_id(browser) == ids[0]

    # ? shows the help, Esc closes it.
    keys(browser, "?")
    wait(browser, lambda d: visible(browser, "#help-overlay"))
    assert "Shift + A" in text_of(browser, "#help-keys")
    browser.shot("moderation-help-1366x768")
    keys(browser, Keys.ESCAPE)
    wait(browser, lambda d: not visible(browser, "#help-overlay"))

    # o opens the original at full size (900 px wide, not the 1600 display).
    keys(browser, "o")
    wait(browser, lambda d: d.execute_script(
        "const i = document.getElementById('original-img'); return i && i.complete && i.naturalWidth"),
        msg="the original loads")
    assert browser.driver.execute_script(
        "return document.getElementById('original-img').naturalWidth") == 901
    browser.shot("moderation-original-1366x768")
    keys(browser, Keys.ESCAPE)
    wait(browser, lambda d: not visible(browser, "#original-overlay"))

    # a approves the current entry; the next one becomes current.
    keys(browser, "a")
    row = wait_row(db, ids[0], "approved")
    assert row[2] == judge.username
    wait(browser, lambda d: queue_ids(browser) == ids[1:])
    assert current_id(browser) == ids[1]
    assert "Đã duyệt" in text_of(browser, "#flash")

    # r then 2 rejects with the second preset reason.
    keys(browser, "r")
    wait(browser, lambda d: visible(browser, "#reasons"))
    assert [e.text for e in css(browser, "#reason-list .reason span")] == REASONS
    browser.shot("moderation-reject-1366x768")
    keys(browser, "2")
    row = wait_row(db, ids[1], "rejected")
    assert row[1] == REASONS[1] and row[2] == judge.username

    # r then 0 types a free reason; Enter sends it.
    wait(browser, lambda d: current_id(browser) == ids[2])
    keys(browser, "r", "0")
    wait(browser, lambda d: d.switch_to.active_element.get_attribute("id") == "reason-free")
    keys(browser, "Ảnh bị mờ, hãy gửi bản rõ hơn", Keys.ENTER)
    row = wait_row(db, ids[2], "rejected")
    assert row[1] == "Ảnh bị mờ, hãy gửi bản rõ hơn"
    wait(browser, lambda d: visible(browser, "#queue-empty"))
    browser.shot("moderation-queue-empty-1366x768")

    # h shows the history: every decision with who and when.
    keys(browser, "h")
    wait(browser, lambda d: len(css(browser, "#history-body tr")) == 3,
         msg="three decisions in the history")
    hist = text_of(browser, "#history-body")
    assert hist.count("Giám khảo Lê Văn Một") == 3
    assert REASONS[1] in hist and "Ảnh bị mờ" in hist
    browser.shot("moderation-history-1366x768")

    # s: the scoring view lists the approved entry; Enter goes to the first
    # criterion, Tab to the next, Enter saves.
    keys(browser, "s")
    wait(browser, lambda d: len(css(browser, "#score-list .item")) == 1)
    crit = css(browser, "#criteria input[type=number]")
    names = [c.get_attribute("data-criterion") for c in crit]
    assert names, "the contest has criteria"
    keys(browser, Keys.ENTER)
    wait(browser, lambda d: d.switch_to.active_element.get_attribute("id") == "crit-0")
    values = ["8.5", "7", "9.5", "6", "5"][:len(names)]
    seq = []
    for v in values:
        seq += [v, Keys.TAB]
    seq[-1] = Keys.ENTER
    browser.shot("moderation-score-1366x768")
    keys(browser, *seq)
    wait(browser, lambda d: "Đã chấm 1/1" in text_of(browser, "#progress"))
    r = judge.get("/api/v1/entries/%d/scores" % ids[0])
    assert r.status_code == 200, r.text
    got = r.json()["mine"]["scores"]
    assert {k: float(got[k]) for k in names} == {k: float(v) for k, v in zip(names, values)}


def test_another_judges_decision_shows_up(browser, contest, new_user, make_jpeg, db):
    slug = contest(min_short_side=200)
    author = new_user()
    me = new_user(role="judge", contest=slug, display_name="Giám khảo Mai")
    other = new_user(role="judge", contest=slug, display_name="Giám khảo Đào Văn Hai")
    ids = [upload(author, slug, "Ảnh đồng thời %d" % i, "", make_jpeg, w=700, h=500)
           for i in range(1, 4)]

    browser.resize(TABLET)
    login_as(browser, me)
    open_page(browser, slug, 3)
    browser.shot("moderation-queue-1024x768")

    # The other judge approves the entry this page shows; this page then
    # presses a at once.  Either the poll saw it first or the server
    # answers 409: both say who decided, and the page moves on.
    r = other.post("/api/v1/entries/%d/moderation" % ids[0], json={"action": "approve"})
    assert r.status_code == 200, r.text
    keys(browser, "a")
    wait(browser, lambda d: "đã được Giám khảo Đào Văn Hai duyệt" in text_of(browser, "#flash"),
         msg="the page says who approved")
    wait(browser, lambda d: ids[0] not in queue_ids(browser))
    assert entry_row(db, ids[0])[2] == other.username

    # A decision elsewhere, with no key pressed here: the poll removes it.
    r = other.post("/api/v1/entries/%d/moderation" % ids[2],
                   json={"action": "reject", "reason": "Ảnh trùng lặp"})
    assert r.status_code == 200, r.text
    wait(browser, lambda d: queue_ids(browser) == [ids[1]], msg="the poll drops the entry")
    wait(browser, lambda d: "đã được Giám khảo Đào Văn Hai từ chối" in text_of(browser, "#flash"))
    assert entry_row(db, ids[1])[0] == "pending"
    browser.shot("moderation-conflict-1024x768")

    # Only the expected 409 may be in the console.
    assert severe_besides(browser, ["/moderation - Failed to load resource: the server responded with a status of 409"]) == []


def test_bulk_approve_and_narrow_screen(browser, contest, new_user, make_jpeg, db):
    slug = contest(min_short_side=200)
    author = new_user()
    judge = new_user(role="judge", contest=slug)
    ids = [upload(author, slug, "Ảnh hàng loạt %d" % i, "", make_jpeg, w=640, h=480)
           for i in range(1, 4)]

    browser.resize(TABLET)
    login_as(browser, judge)
    open_page(browser, slug, 3)
    # x selects the current entry, j moves on, x again; Shift+A approves them.
    keys(browser, "x", "j", "x")
    wait(browser, lambda d: "Duyệt 2 ảnh" in text_of(browser, "#bulk-approve"))
    keys(browser, "A")
    wait_row(db, ids[0], "approved")
    wait_row(db, ids[1], "approved")
    wait(browser, lambda d: queue_ids(browser) == [ids[2]])
    assert entry_row(db, ids[2])[0] == "pending"
    assert "Đã duyệt 2 ảnh" in text_of(browser, "#flash")

    # The scoring view on a tablet lists the two approved entries.
    keys(browser, "s")
    wait(browser, lambda d: len(css(browser, "#score-list .item")) == 2)
    assert "Đã chấm 0/2" in text_of(browser, "#progress")
    browser.shot("moderation-score-1024x768")
    keys(browser, "m")
    wait(browser, lambda d: queue_ids(browser) == [ids[2]])

    # 360 px: everything reachable, nothing wider than the screen.
    browser.resize(NARROW)
    wait(browser, lambda d: visible(browser, "#approve"))
    width = browser.driver.execute_script("return document.documentElement.scrollWidth")
    inner = browser.driver.execute_script("return window.innerWidth")
    assert width <= inner, "page is %d px wide on a %d px screen" % (width, inner)
    browser.shot("moderation-queue-360x740")
    browser.driver.find_element(By.ID, "approve").click()
    wait_row(db, ids[2], "approved")
    wait(browser, lambda d: visible(browser, "#queue-empty"))


def test_logged_out_and_participant(browser, new_user, base_url):
    browser.get("/moderation.html")
    wait(browser, lambda d: "/login.html" in d.current_url or visible(browser, "#login-form"),
         msg="a logged-out visitor is sent to log in")
    if "/login.html" in browser.driver.current_url:
        assert "next=%2Fmoderation.html" in browser.driver.current_url
    # A participant logs in and is told the page is not for them.
    user = new_user()
    login_as(browser, user)
    browser.get("/moderation.html")
    wait(browser, lambda d: user.username in text_of(browser, "#app .error"))
    assert severe_besides(browser, ["/api/v1/session - Failed to load resource: the server responded with a status of 401",
                                    "/login.html - Failed to load resource"]) == []


def test_near_duplicates_side_by_side(browser, contest, new_user, make_jpeg, db):
    slug = contest(min_short_side=200)
    first = new_user(display_name="Người gửi trước")
    second = new_user(display_name="Người gửi sau")
    judge = new_user(role="judge", contest=slug)
    seed = secrets.randbelow(10**9)  # twins of this test only
    a = upload(first, slug, "Bản gốc", "", make_jpeg, w=800, h=600, seed=seed)
    b = upload(second, slug, "Bản gửi lại", "", make_jpeg, w=800, h=600, seed=seed)
    c = upload(second, slug, "Ảnh khác hẳn", "", make_jpeg, w=600, h=800, seed=seed + 1)

    browser.resize(DESKTOP)
    login_as(browser, judge)
    open_page(browser, slug, 3)
    # The first entry shows itself and its twin side by side.
    wait(browser, lambda d: visible(browser, "#similar"))
    figs = css(browser, "#similar-list figure")
    # The entry itself, then its exact twin (distance 0, listed first);
    # near-duplicates are searched in every contest, so photos that other
    # tests generated may follow, but never the different photo c.
    assert len(figs) >= 2
    assert "#%d" % b in figs[1].text and "chờ duyệt" in figs[1].text
    assert all("#%d" % c not in f.text for f in figs)
    wait(browser, lambda d: d.execute_script(
        "return Array.from(document.querySelectorAll('#similar-list img'))"
        ".every((i) => i.complete && i.naturalWidth > 0)"), msg="both thumbnails load")
    browser.shot("moderation-duplicates-1366x768")
    keys(browser, "j")
    wait(browser, lambda d: current_id(browser) == b)
    assert "#%d" % a in text_of(browser, "#similar-list")
    # Reject the copy as a duplicate: r then 5.
    keys(browser, "r", "5")
    row = wait_row(db, b, "rejected")
    assert row[1] == "Ảnh trùng lặp"
    wait(browser, lambda d: current_id(browser) == c)
    # c is not a copy of a or b (other tests' photos may look like it).
    if visible(browser, "#similar"):
        listed = text_of(browser, "#similar-list")
        assert "#%d" % a not in listed and "#%d" % b not in listed, listed
