"""Issue 17's quality bar: every page, logged out and in (a participant, a
judge on the moderation page, an admin on the admin pages), has no axe-core
violation once its scripts have drawn it, and the HTML every page is
served with validates with the Nu HTML Checker (no errors).  The tools are
pinned and installed by `make qa-tools` (qa_kit.py)."""
import os
import tempfile

from browserkit import DESKTOP, PHONE
from judging_kit import login_as, settled, upload, wait
from qa_kit import axe_violations, vnu_errors

PUBLIC = ["/", "/gallery.html", "/leaderboard.html", "/rules.html", "/results.html",
          "/login.html", "/register.html", "/unit.html", "/no-such-page"]


def check(browser, path, found, who):
    browser.get(path)
    settled.last = None
    wait(browser, settled, msg="%s settles" % path)
    wait(browser, settled, msg="%s settles" % path)
    v = axe_violations(browser)
    if v:
        found["%s as %s" % (path, who)] = v


def test_axe_and_nu_checker_on_every_page(browser, contest, new_user, make_jpeg, anon):
    slug = contest(min_short_side=200, title="Cuộc thi kiểm tra chất lượng trang")
    author = new_user(display_name="Tác Giả Chất Lượng")
    judge = new_user(role="judge", contest=slug)
    admin = new_user(role="admin")
    ids = [upload(author, slug, "Ảnh chất lượng %d" % i, "Câu chuyện", make_jpeg, w=900, h=600)
           for i in range(3)]
    for eid in ids[:2]:
        assert judge.post("/api/v1/entries/%d/moderation" % eid,
                          json={"action": "approve"}).status_code == 200
    entry = "/e/%d" % ids[0]
    found = {}
    browser.allow_console_errors()  # the 404 page logs its own status
    browser.resize(DESKTOP)
    for path in PUBLIC + [entry]:
        check(browser, path, found, "visitor")
    # On a phone the pages a visitor lands on most.
    browser.resize(PHONE)
    for path in ["/", "/gallery.html", entry]:
        check(browser, path, found, "visitor 390px")
    browser.resize(DESKTOP)
    login_as(browser, author)
    for path in ["/", "/me.html", entry, "/gallery.html"]:
        check(browser, path, found, "participant")
    browser.driver.delete_all_cookies()
    login_as(browser, judge)
    for path in ["/moderation.html?contest=%s" % slug,
                 "/moderation.html?contest=%s&view=score" % slug,
                 "/moderation.html?contest=%s&view=history" % slug]:
        check(browser, path, found, "judge")
    browser.driver.delete_all_cookies()
    login_as(browser, admin)
    for path in ["/admin.html", "/admin-units.html"]:
        check(browser, path, found, "admin")

    # The HTML as served, every page, through the Nu HTML Checker.
    served = PUBLIC + [entry, "/me.html", "/moderation.html", "/admin.html",
                       "/admin-units.html", "/404.html", "/429.html", "/500.html"]
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for path in served:
            r = anon.get(path)
            assert r.headers.get("Content-Type", "").startswith("text/html"), path
            name = (path.strip("/").replace("/", "_").replace(".html", "") or "index") + ".html"
            f = os.path.join(tmp, name)
            with open(f, "wb") as out:
                out.write(r.content)
            files.append(f)
        invalid = vnu_errors(files)
    report = ["axe: %s: %s" % (k, "; ".join(v)) for k, v in sorted(found.items())]
    report += ["nu: %s: %s" % (k, "; ".join(v)) for k, v in sorted(invalid.items())]
    print("\n".join(report))
    assert not report, "\n" + "\n".join(report)
