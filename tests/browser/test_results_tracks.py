"""The results page with prize tracks (issues 16 and 17) on a 390 px
phone: every track with its ranks and the tie rule, winners linked to
their entries, the jury's comment under a winner, the weekly boards and an
invitation to the next contest; the rules page shows the prize rules made
from the tracks.  Screenshot: results-tracks-390x844.png."""
from selenium.webdriver.common.by import By

from browserkit import PHONE
from site_kit import approve, size, upload_api, wait, wait_text


def test_results_page_shows_tracks_on_a_phone(browser, contest, new_user,
                                              make_jpeg):
    slug = contest(min_short_side=200, title="Ảnh đẹp tuổi trẻ 2026")
    nxt = contest(title="Cuộc thi mùa sau")
    judge = new_user(role="judge", contest=slug)
    admin = new_user(role="admin")
    author = new_user(display_name="Phạm Thu Hà", unit="Chi đoàn Phường 1")
    ids = [upload_api(author, slug, make_jpeg, t, w=800, h=600)["id"]
           for t in ("Cầu vồng sau mưa", "Bình minh trên biển")]
    for eid, mark in zip(ids, (9, 6)):
        approve(judge, eid)
        r = judge.put("/api/v1/entries/%d/scores" % eid, json={
            "criteria": {"Nội dung": mark, "Thẩm mỹ": mark,
                         "Thông điệp": mark},
            "comment": "Ánh sáng và bố cục rất tốt" if mark == 9 else ""})
        assert r.status_code == 200, r.text
    voter = new_user()
    assert voter.post("/api/v1/entries/%d/votes" % ids[1]).status_code == 201
    r = admin.put("/api/v1/contests/%s/tracks" % slug, json={"tracks": [
        {"kind": "jury", "name": "Giải Ban giám khảo", "places": 1},
        {"kind": "popularity", "name": "Giải Bình chọn", "places": 1}]})
    assert r.status_code == 200, r.text
    assert admin.post("/api/v1/contests/%s/publish" % slug).status_code == 200

    size(browser, PHONE)
    browser.get("/results.html?contest=" + slug)
    wait_text(browser, "#tracks", "Giải Bình chọn")
    d = browser.driver
    assert "(1, 2, 2, 4)" in d.find_element(By.ID, "tie-rule").text
    won = d.find_elements(By.CSS_SELECTOR, "#tracks .standing.won a")
    assert [a.get_attribute("href").split("/e/")[1] for a in won] == [
        str(ids[0]), str(ids[1])]
    assert "Ánh sáng và bố cục rất tốt" in d.find_element(
        By.CSS_SELECTOR, "#tracks .jury-comment").text
    wait(browser, lambda drv: drv.find_element(By.ID, "next-sec").is_displayed(),
         "the invitation to the next contest")
    # The newest other contest taking entries: nxt, unless another test
    # of the suite made a newer one meanwhile.
    href = d.find_element(By.ID, "next-link").get_attribute("href")
    assert "?contest=" in href and not href.endswith("contest=" + slug), href
    assert nxt
    # Nothing is wider than the phone.
    assert d.execute_script(
        "return document.documentElement.scrollWidth") <= PHONE[0]
    browser.shot("results-tracks-390x844")
    assert browser.console_errors() == []

    browser.get("/rules.html?contest=" + slug)
    wait_text(browser, "#prize-rules", "Giải Ban giám khảo (1 giải)")
