"""The staff pages read as docs/glossary.md says (issue 17), as their
scripts draw them: a judge on moderation (queue, scoring, history) and
review, an admin on every section of admin.html, the units page and
review, and the public ledger.  The text a reader sees (visible text,
labels, placeholders, field values, options) is scanned for the forms
the glossary forbids, plus what only drawn text can show: straight
quotes, ISO or one-digit dates, AM/PM, sizes in bytes
(tests/browser/glossary_kit.py)."""
import re

from browserkit import DESKTOP
from glossary_kit import RENDERED, violations
from judging_kit import login_as, settled, upload, visible, wait

# Everything a reader sees: visible text, and the words in attributes and
# fields of visible elements (a closed <details> keeps the raw audit row,
# "details on demand", out of innerText).
SEEN = """
const out = [document.title, document.body.innerText];
for (const e of document.querySelectorAll('[title],[placeholder],[aria-label],input,select')) {
  if (!e.getClientRects().length) continue;
  for (const a of ['title', 'placeholder', 'aria-label'])
    if (e.getAttribute(a)) out.push(e.getAttribute(a));
  if (e.tagName === 'INPUT' && /^(text|search|)$/.test(e.type) && e.value) out.push(e.value);
  if (e.tagName === 'SELECT') for (const o of e.options) out.push(o.textContent);
}
return out.join('\\n');
"""


def seen(browser, path, ready=None):
    browser.get(path)
    if ready is not None:
        wait(browser, ready, msg="%s drawn" % path)
    settled.last = None
    wait(browser, settled, msg="%s settles" % path)
    wait(browser, settled, msg="%s settles" % path)
    return browser.driver.execute_script(SEEN)


def test_staff_pages_follow_the_glossary(browser, contest, new_user, make_jpeg):
    slug = contest(min_short_side=200, title="Nét đẹp đoàn viên 2026",
                   vote_until="2030-06-30T20:00:00+07:00")
    author = new_user(display_name="Nguyễn Thị Hà", unit="Chi đoàn Ấn tượng")
    judge = new_user(role="judge", contest=slug, display_name="Giám khảo Lan")
    admin = new_user(role="admin", display_name="Quản trị Hoàng")
    ids = [upload(author, slug, "Ấn tượng %d" % i, "Câu chuyện", make_jpeg, w=900, h=600)
           for i in range(3)]
    assert judge.post("/api/v1/entries/%d/moderation" % ids[0],
                      json={"action": "approve"}).status_code == 200
    assert judge.post("/api/v1/entries/%d/moderation" % ids[1],
                      json={"action": "reject", "reason": "Ảnh trùng lặp"}).status_code == 200
    browser.resize(DESKTOP)
    texts = {}

    login_as(browser, judge)
    texts["moderation (judge)"] = seen(
        browser, "/moderation.html?contest=%s" % slug,
        lambda d: d.execute_script("return document.querySelectorAll('#queue .item').length") == 1)
    for view in ("score", "history"):
        texts["moderation %s (judge)" % view] = seen(
            browser, "/moderation.html?contest=%s&view=%s" % (slug, view))
    texts["review (judge)"] = seen(browser, "/review.html?contest=%s" % slug)

    browser.driver.delete_all_cookies()
    login_as(browser, admin)
    for sec in ("state", "settings", "judges", "results", "fraud", "audit"):
        texts["admin #%s" % sec] = seen(
            browser, "/admin.html?contest=%s#%s" % (slug, sec),
            lambda d, s=sec: visible(browser, "#" + s))
    texts["admin-units"] = seen(browser, "/admin-units.html")
    texts["review (admin)"] = seen(browser, "/review.html?contest=%s" % slug)
    texts["ledger"] = seen(browser, "/ledger.html")

    # Contest titles and the unit names people typed are the organisers'
    # and participants' words, not ours: other tests' data in the admin's
    # lists may quote "like this" or write "hoà".
    r = admin.get("/api/v1/contests")
    assert r.status_code == 200, r.text
    data = {c["title"] for c in r.json()["contests"]}
    r = admin.get("/api/v1/admin/units/unmapped")
    assert r.status_code == 200, r.text
    data |= {n["name"] for n in r.json().get("names", [])}
    titles = sorted(data - {"Nét đẹp đoàn viên 2026"}, key=len, reverse=True)
    bad = []
    for page, text in texts.items():
        for t in titles:
            text = text.replace(t, "")
        bad += violations(text, page, RENDERED)
    assert not bad, "\n".join(bad)
    # The scan read the drawn pages, not empty shells: the words the
    # glossary asks for are there, dates as dd/mm/yyyy.
    assert "Ấn tượng 2" in texts["moderation (judge)"]
    assert "Lượt bình chọn" in texts["admin #state"]
    assert "30/06/2030 20:00" in texts["admin #settings"], texts["admin #settings"][:2000]
    assert "đã loại" in texts["admin #audit"] and "Ảnh trùng lặp" in texts["admin #audit"]
    assert re.search(r"\b\d{2}/\d{2}/\d{4}\b", texts["admin #audit"])
