"""Voting pages (issue 17): the signed-in voter's state on the gallery's
cards, the leaderboard's rows and the entry page (voted / can vote / votes
left today), one tap counts with the count updated at once, the state
survives a reload, the voter's own entry has no active vote button;
filters as chips that clear them; the viewer from a row and the entry
page.  At the phone and the desktop sizes."""
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browserkit import DESKTOP, PHONE
from site_kit import approve, css, login_form, size, upload_api, wait, wait_text


def btn(browser, eid):
    els = css(browser, "button.vote-btn[data-entry='%d']" % eid)
    return els[0] if els else None


def world(contest, new_user, make_jpeg, per_day, title, by_voter=False):
    """A daily-rule contest, a voter, an approved entry of someone else
    and (by_voter) one of the voter's own: (slug, voter, theirs, mine)."""
    slug = contest(min_short_side=200, vote_rule="daily",
                   votes_per_day=per_day, title=title)
    judge = new_user(role="judge", contest=slug)
    voter = new_user()
    entries = [upload_api(new_user(), slug, make_jpeg, "Cầu Long Biên", seed=1)]
    if by_voter:
        entries.append(upload_api(voter, slug, make_jpeg, "Ảnh của tôi", seed=2))
    for e in entries:
        approve(judge, e["id"])
    return slug, voter, entries[0], entries[-1]


def test_gallery_one_tap_vote_and_state(browser, contest, new_user, make_jpeg):
    """Also a contest that asks a proof of work per vote (issue 16): the
    card's one tap solves it first (vote.js loads pow.js)."""
    slug, voter, theirs, mine = world(contest, new_user, make_jpeg, 3,
                                      "Bình chọn trong thư viện", by_voter=True)
    r = new_user(role="admin").put("/api/v1/contests/%s/fraud-rules" % slug,
                                   json={"rule": "vote_pow", "enabled": True})
    assert r.status_code == 200, r.text
    page = "/gallery.html?contest=" + slug
    login_form(browser, voter.username, voter.password, next_path=page)
    for i, wh in enumerate((PHONE, DESKTOP)):
        size(browser, wh)
        browser.get(page)
        wait(browser, lambda d: btn(browser, theirs["id"]) is not None,
             "no vote button on the card")
        # The voter's own entry: a button that cannot vote.
        own = btn(browser, mine["id"])
        assert own is not None and not own.is_enabled(), "own entry votable"
        b = btn(browser, theirs["id"])
        card = b.find_element(By.XPATH, "..")
        if i == 0:
            wait_text(browser, ".votes-left-today", "còn 3 lượt bình chọn hôm nay")
            browser.driver.execute_script("arguments[0].scrollIntoView()", b)
            assert b.is_enabled() and b.text == "Bình chọn"
            assert "0 lượt bình chọn" in card.find_element(By.CSS_SELECTOR, ".votes").text
            b.click()
            wait(browser, lambda d: "1 lượt bình chọn" in card.find_element(
                By.CSS_SELECTOR, ".votes").text, "the count did not go up")
            wait_text(browser, ".votes-left-today", "còn 2 lượt")
            wait_text(browser, "#vote-msg", "Cảm ơn bạn đã bình chọn")
            assert b.get_attribute("aria-pressed") == "true"
            browser.shot("voter_gallery_voted_phone")
            # A unit filter is a chip; clearing it shows every entry again.
            browser.get(page + "&unit=Kh%C3%B4ng%20c%C3%B3")
            chip = wait(browser, lambda d: css(browser, "#chips a.chip"))[0]
            assert chip.text.startswith("Không có")
            wait(browser, lambda d: d.find_element(By.ID, "gallery-empty").is_displayed())
            chip.click()
            wait(browser, lambda d: btn(browser, theirs["id"]) is not None)
            assert not css(browser, "#chips a.chip") and "unit=" not in browser.driver.current_url
        else:
            # After a reload (and at the desktop size): still voted today.
            wait(browser, lambda d: btn(browser, theirs["id"]).text == "Đã bình chọn",
                 "the vote is not shown after a reload")
            assert not btn(browser, theirs["id"]).is_enabled()
            wait_text(browser, ".votes-left-today", "còn 2 lượt")
            browser.shot("voter_gallery_voted_desktop")


def test_leaderboard_rows_thumbnail_and_one_tap_vote(browser, contest, new_user,
                                                     make_jpeg):
    slug, voter, e, _ = world(contest, new_user, make_jpeg, 2,
                              "Bình chọn trên bảng xếp hạng")
    # A vote from someone else puts the entry on the board.
    r = new_user().post("/api/v1/entries/%d/votes" % e["id"])
    assert r.status_code == 201, r.text
    page = "/leaderboard.html?contest=" + slug
    login_form(browser, voter.username, voter.password, next_path=page)
    for wh, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        size(browser, wh)
        browser.get(page)
        wait(browser, lambda d: btn(browser, e["id"]) is not None,
             "no vote button on the row")
        assert not css(browser, "#chart"), "the chart is back"
        row = css(browser, "#board li.has-thumb")[0]
        assert row.find_elements(By.CSS_SELECTOR, "img"), "no thumbnail"
        b = btn(browser, e["id"])
        if name == "phone":
            wait_text(browser, ".votes-left-today", "còn 2 lượt")
            browser.driver.execute_script("arguments[0].scrollIntoView()", b)
            b.click()
            wait(browser, lambda d: "2 lượt bình chọn" in text_of(browser, e["id"]),
                 "the count did not go up")
            wait_text(browser, ".votes-left-today", "còn 1 lượt")
            # Filters and the search are chips that clear them.
            browser.get(page + "&unit=Kh%C3%B4ng%20c%C3%B3&q=C%E1%BA%A7u")
            wait(browser, lambda d: len(css(browser, "#chips a.chip")) == 2, "no chips")
            assert chips(browser) == ["Không có ×", "Tìm: “Cầu” ×"]
            wait(browser, lambda d: d.find_element(By.ID, "board-empty").is_displayed())
            css(browser, "#chips a.chip")[0].click()
            wait(browser, lambda d: btn(browser, e["id"]) is not None, "the unit chip did not clear")
            assert chips(browser) == ["Tìm: “Cầu” ×"]
            assert "unit=" not in browser.driver.current_url
            # The thumbnail opens the viewer; closing it gives focus back.
            css(browser, "#board .v-thumb")[0].click()
            wait(browser, lambda d: "Cầu Long Biên" in d.find_element(By.ID, "v-title").text)
            css(browser, ".viewer .v-close")[0].click()
            wait(browser, lambda d: d.execute_script(
                "return document.activeElement.dataset.view") == str(e["id"]),
                "focus did not go back to the row's thumbnail")
        else:
            wait(browser, lambda d: btn(browser, e["id"]).text == "Đã bình chọn",
                 "the vote is not shown after a reload")
            # An entry of the voter's that comes onto the board after the
            # page loaded (its refresh): its state is asked, no live button.
            mine = upload_api(voter, slug, make_jpeg, "Ảnh của tôi", seed=3)
            approve(new_user(role="judge", contest=slug), mine["id"])
            r = new_user().post("/api/v1/entries/%d/votes" % mine["id"])
            assert r.status_code == 201, r.text
            wait(browser, lambda d: btn(browser, mine["id"]) is not None
                 and btn(browser, mine["id"]).text == "Ảnh của bạn",
                 "the new row's state was not asked")
            assert not btn(browser, mine["id"]).is_enabled()
        browser.shot("voter_leaderboard_" + name)


def chips(browser):
    return [" ".join(c.text.split()) for c in css(browser, "#chips a.chip")]


def text_of(browser, eid):
    b = btn(browser, eid)
    return b.find_element(By.XPATH, "..").text if b else ""


def test_entry_page_state_srcset_and_viewer(browser, contest, new_user, make_jpeg):
    """The entry page: the voter's state on load (voted, own entry, budget),
    the photo's srcset (a phone takes the 400 px derivative), and the photo
    opens the viewer that Esc closes with focus back on the photo."""
    slug, voter, theirs, mine = world(contest, new_user, make_jpeg, 3,
                                      "Trạng thái trên trang ảnh", by_voter=True)
    r = voter.post("/api/v1/entries/%d/votes" % theirs["id"])
    assert r.status_code == 201, r.text
    login_form(browser, voter.username, voter.password,
               next_path="/e/%d" % theirs["id"])
    for wh in (PHONE, DESKTOP):
        size(browser, wh)
        for e, label in ((theirs, "Đã bình chọn"), (mine, "Ảnh của bạn")):
            browser.get("/e/%d" % e["id"])
            wait_text(browser, "#vote", label)
            assert not browser.driver.find_element(By.ID, "vote").is_enabled()
            wait_text(browser, "#votes-left", "còn 2 lượt bình chọn")
            src = wait(browser, lambda d: d.execute_script(
                "const i = document.querySelector('.photo img');"
                "return i && i.complete && i.currentSrc"), "photo not loaded")
            assert ("_t400." in src) == (wh == PHONE), (wh, src)
        browser.shot("voter_entry_state_%dx%d" % wh)
    wait(browser, lambda d: css(browser, ".photo .v-thumb"))[0].click()
    wait(browser, lambda d: d.execute_script(
        "return !document.querySelector('.viewer').hidden && "
        "document.activeElement.closest('.viewer') !== null"), "no viewer")
    assert css(browser, ".viewer .vote-btn")[0].text == "Ảnh của bạn"
    browser.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(browser, lambda d: d.execute_script(
        "return document.querySelector('.viewer').hidden && "
        "document.activeElement.classList.contains('v-thumb')"), "Esc did not close")


def test_signed_out_vote_button_leads_to_login_and_back(browser, contest, new_user, make_jpeg):
    """A visitor who is not signed in sees a vote button on the cards and
    the leaderboard's rows while the contest takes votes; it leads to the
    log-in page, which brings them back to the same page, where the
    button now votes."""
    from urllib.parse import quote

    from site_kit import fill
    slug, voter, theirs, _ = world(contest, new_user, make_jpeg, 3, "Bình chọn khi chưa đăng nhập")
    page = "/gallery.html?contest=" + slug
    browser.get("/")
    browser.driver.delete_all_cookies()
    browser.driver.execute_script("localStorage.clear(); sessionStorage.clear();")
    size(browser, PHONE)
    for path in ("/leaderboard.html?contest=" + slug, page):
        browser.get(path)
        link = wait(browser, lambda d: css(browser, "a.vote-btn"), "no vote button signed out")[0]
        assert link.text == "Bình chọn", link.text
        assert link.get_attribute("href").endswith("/login.html?next=" + quote(path, safe="")), \
            link.get_attribute("href")
    browser.driver.execute_script("arguments[0].scrollIntoView()", link)
    link.click()
    wait(browser, lambda d: css(browser, "#login-form"), "the button did not lead to the log-in page")
    fill(browser, "username", voter.username)
    fill(browser, "password", voter.password)
    browser.driver.find_element(By.ID, "submit").click()
    wait(browser, lambda d: d.execute_script("return location.pathname + location.search") == page,
         "the log-in did not come back to the gallery")
    b = wait(browser, lambda d: btn(browser, theirs["id"]), "no vote button after the log-in")
    assert b.is_enabled() and b.text == "Bình chọn"
    assert not css(browser, "a.vote-btn")
