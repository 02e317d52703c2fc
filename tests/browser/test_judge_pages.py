"""Issue 17, the judge's pages: undo (the flash's button and key u, the
list of recent decisions), the first pass (1 keep, 2 drop, 3 maybe, the
last a mark only this judge sees), the next photos preloaded, the queue by
pages, the grid, the original at fit and 100%, scoring with digits, the
links between moderation and scoring, the h1 and the focusable queue.
Laptop (1366x768) and phone (390x844); screenshots kept as artefacts."""
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browserkit import DESKTOP, PHONE
from judging_kit import css, entry_row, keys, login_as, text_of, upload, visible, wait, wait_row

REASON_1 = "Ảnh không phải của tác giả"


def queue_ids(browser):
    return [int(x) for x in browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('#queue .item'), (e) => e.dataset.id)")]


def current_id(browser):
    v = browser.driver.execute_script(
        "const e = document.querySelector('#queue .item.current'); return e && e.dataset.id")
    return int(v) if v else None


def test_first_pass_undo_pages_grid_zoom_and_scoring(browser, contest, new_user, make_jpeg, db):
    slug = contest(min_short_side=200, max_entries=10, title="Vòng loại nhanh")
    author = new_user(display_name="Phạm Tác Giả")
    judge = new_user(role="judge", contest=slug, display_name="Giám khảo Vòng Một")
    ids = [upload(author, slug, "Ảnh vòng một %d" % i, "", make_jpeg, w=1800 + i, h=1200)
           for i in range(5)]
    browser.resize(DESKTOP)
    login_as(browser, judge)
    browser.get("/moderation.html?contest=%s&per=2" % slug)
    wait(browser, lambda d: queue_ids(browser) == ids[:2], msg="the first page of 2")

    # The page has its h1; the scrollable queue can take the focus.
    assert text_of(browser, "h1") == "Kiểm duyệt"
    q = css(browser, "#queue")[0]
    assert q.get_attribute("tabindex") == "0" and q.get_attribute("aria-label")

    # Pages: "more" fetches the next keyset page.
    assert "còn 3" in text_of(browser, "#queue-more")
    css(browser, "#queue-more")[0].click()
    wait(browser, lambda d: queue_ids(browser) == ids[:4], msg="two pages")

    # The next photo's display image is fetched ahead.
    nxt = browser.driver.execute_script(
        "return document.querySelectorAll('#queue .item')[1].dataset.id")
    assert int(nxt) == ids[1]
    fetched = ("return performance.getEntriesByType('resource').map((r) => r.name)"
               ".filter((n) => n.includes('/entries/%d/media/d1600'))")
    wait(browser, lambda d: d.execute_script(fetched % ids[1]),
         msg="the next entry's display image is fetched before it is shown")
    assert not browser.driver.execute_script(fetched % ids[3]), "only the next ones"

    # 1 keeps (approves); u within seconds takes it back.
    assert current_id(browser) == ids[0]
    keys(browser, "1")
    wait_row(db, ids[0], "approved")
    wait(browser, lambda d: visible(browser, "#undo"), msg="the flash offers undo")
    browser.shot("judge-undo-offer-1366x768")
    keys(browser, "u")
    wait_row(db, ids[0], "pending")
    wait(browser, lambda d: ids[0] in queue_ids(browser) and current_id(browser) == ids[0],
         msg="the entry is back in the queue and current")
    assert "Đã hoàn tác" in text_of(browser, "#flash")

    # 3 marks "maybe" (no decision) and moves on; the mark stays after a reload.
    keys(browser, "3")
    wait(browser, lambda d: current_id(browser) == ids[1])
    assert entry_row(db, ids[0])[0] == "pending"
    assert "maybe" in css(browser, '#queue .item[data-id="%d"]' % ids[0])[0].get_attribute("class")

    # 2 drops: the reasons open, 1 picks the first.
    keys(browser, "2")
    wait(browser, lambda d: visible(browser, "#reasons"))
    keys(browser, "1")
    row = wait_row(db, ids[1], "rejected")
    assert row[1] == REASON_1
    # The recent decisions list undoes too, after the flash is gone.
    wait(browser, lambda d: visible(browser, "#recent-list li"))
    assert "đã từ chối “Ảnh vòng một 1”" in text_of(browser, "#recent-list")
    css(browser, '#recent-list li[data-id="%d"] button' % ids[1])[0].click()
    wait_row(db, ids[1], "pending")
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.audit_log WHERE action = 'entry.revert' "
                    "AND target_id = ANY(%s)", ([ids[0], ids[1]],))
        assert cur.fetchone()[0] == 2

    browser.get("/moderation.html?contest=%s&per=2" % slug)
    wait(browser, lambda d: len(queue_ids(browser)) == 2)
    assert "maybe" in css(browser, '#queue .item[data-id="%d"]' % ids[0])[0].get_attribute("class")

    # g: the grid of many entries; Enter goes back to the one in focus.
    keys(browser, "g")
    wait(browser, lambda d: "grid" in css(browser, "#view-queue")[0].get_attribute("class"))
    assert not css(browser, "#view-queue .stage")[0].is_displayed()
    browser.shot("judge-grid-1366x768")
    keys(browser, "g")
    wait(browser, lambda d: css(browser, "#view-queue .stage")[0].is_displayed())

    # o: the original fits the box; z shows it at 100%, z again fits.
    keys(browser, "o")
    wait(browser, lambda d: d.execute_script(
        "const i = document.getElementById('original-img'); return i && i.complete && i.naturalWidth > 0"))
    size = "const i = document.getElementById('original-img'); return [i.naturalWidth, i.clientWidth]"
    nat, shown = browser.driver.execute_script(size)
    assert nat == 1800 and shown < nat
    keys(browser, "z")
    wait(browser, lambda d: d.execute_script(size)[1] == 1800, msg="100% zoom")
    assert css(browser, "#original-zoom")[0].get_attribute("aria-pressed") == "true"
    browser.shot("judge-original-100-1366x768")
    keys(browser, "z")
    wait(browser, lambda d: d.execute_script(size)[1] < 1800, msg="fit again")
    keys(browser, Keys.ESCAPE)

    # Moderation links to scoring and back; digits score without a box.
    keys(browser, "1")
    wait_row(db, ids[0], "approved")
    css(browser, "#to-score")[0].click()
    wait(browser, lambda d: len(css(browser, "#score-list .item")) == 1)
    assert "view=score" in browser.driver.current_url
    names = [c.get_attribute("data-criterion") for c in css(browser, "#criteria input[type=number]")]
    assert names
    digits = ["8", "7", "9", "6", "0"][:len(names)]
    keys(browser, *digits)
    keys(browser, Keys.ENTER)
    wait(browser, lambda d: "Đã chấm 1/1" in text_of(browser, "#progress"))
    got = judge.get("/api/v1/entries/%d/scores" % ids[0]).json()["mine"]["scores"]
    assert {k: float(got[k]) for k in names} == {
        k: (10.0 if v == "0" else float(v)) for k, v in zip(names, digits)}
    css(browser, "#to-queue")[0].click()
    wait(browser, lambda d: visible(browser, "#view-queue") and "view=queue" in d.current_url)


def tap(browser, sel):
    """Scrolls the element into the phone's view, then clicks it."""
    e = css(browser, sel)[0]
    browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", e)
    e.click()


def test_undo_on_a_phone(browser, contest, new_user, make_jpeg, db):
    slug = contest(min_short_side=200)
    author = new_user()
    judge = new_user(role="judge", contest=slug)
    ids = [upload(author, slug, "Ảnh điện thoại %d" % i, "", make_jpeg, w=900, h=600)
           for i in range(2)]
    browser.resize(PHONE)
    login_as(browser, judge)
    browser.get("/moderation.html?contest=%s" % slug)
    wait(browser, lambda d: queue_ids(browser) == ids)
    assert browser.driver.find_element(By.TAG_NAME, "h1")
    tap(browser, "#approve")
    wait_row(db, ids[0], "approved")
    wait(browser, lambda d: visible(browser, "#undo"))
    browser.shot("judge-undo-390x844")
    tap(browser, "#undo")
    wait_row(db, ids[0], "pending")
    wait(browser, lambda d: queue_ids(browser) == ids)
