"""Helpers of the public-site browser tests (issue 6): a populated contest,
waiting for the page, logging in through the forms, and the checks every
page shares (no dialog, no injected element, no inline script)."""
import os
import tempfile

from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browserkit import DESKTOP, PHONE

WAIT = 30  # seconds: generous; "eventually", never a performance limit
SIZES = (PHONE, DESKTOP)
# The site's own scripts; anything else in a page is an injection.
OWN_SCRIPTS = {"/common.js", "/home.js", "/gallery.js", "/entry.js",
               "/leaderboard.js", "/rules.js", "/results.js", "/account.js",
               "/me.js", "/pow.js", "/unitpicker.js", "/unit.js",
               "/myunit.js", "/consent.js", "/review.js", "/ledger.js",
               "/vote.js", "/viewer.js"}
PUBLIC_JS = sorted(s.lstrip("/") for s in OWN_SCRIPTS)


def size(browser, wh):
    """Sets the viewport to exactly w x h CSS pixels.  Headless chromium
    keeps windows at least 500 px wide and its window size includes no
    chrome, so --window-size=390,... renders at 500 px; device-metrics
    emulation gives the real phone viewport (and mobile viewport rules)."""
    w, h = wh
    browser.resize(wh)
    got = browser.driver.execute_script(
        "return location.protocol.startsWith('http') ? [innerWidth, innerHeight] : null")
    assert got in (None, [w, h]), "viewport is %r, not %r" % (got, wh)


def wait(browser, cond, msg="", timeout=WAIT):
    return WebDriverWait(browser.driver, timeout, poll_frequency=0.1).until(
        lambda d: cond(d), msg)


def css(browser, sel):
    return browser.driver.find_elements(By.CSS_SELECTOR, sel)


def text(browser, sel):
    els = css(browser, sel)
    return els[0].text if els else ""


def body_text(browser):
    return browser.driver.find_element(By.TAG_NAME, "body").text


def wait_text(browser, sel, needle, msg=None):
    """Waits until the element sel shows needle."""
    return wait(browser, lambda d: needle in text(browser, sel),
                msg or "%s never showed %r (shows %r)" % (sel, needle, text(browser, sel)))


def fill(browser, field_id, value):
    e = browser.driver.find_element(By.ID, field_id)
    e.clear()
    e.send_keys(value)
    return e


def agree(browser, checkbox_id="up-consent"):
    """Ticks a consent checkbox (issue 16): "up-consent" on the upload
    form, "consent" on the registration form; the consent text is shown
    beside it once /api/v1/consent answered."""
    box = browser.driver.find_element(By.ID, checkbox_id)
    wait(browser, lambda d: d.execute_script(
        "return arguments[0].closest('form').querySelector("
        "'[data-consent] p') !== null", box), "no consent text shown")
    if not box.is_selected():
        box.click()
    return box


def upload_api(client, slug, make_jpeg, title, caption="", w=1200, h=900,
               seed=None, category=None):
    data = {"title": title, "caption": caption}
    if category is not None:
        data["category"] = str(category)
    r = client.post("/api/v1/contests/%s/entries" % slug,
                    files={"photo": ("p.jpg", make_jpeg(w, h, seed=seed), "image/jpeg")},
                    data=data)
    assert r.status_code == 201, r.text
    return r.json()["entry"]


def approve(judge, eid):
    r = judge.post("/api/v1/entries/%d/moderation" % eid, json={"action": "approve"})
    assert r.status_code == 200, r.text


def login_form(browser, username, password, next_path=None):
    """Logs in through /login.html and waits to land on next_path."""
    from urllib.parse import quote
    browser.get("/login.html" + ("?next=" + quote(next_path, safe="") if next_path else ""))
    wait(browser, lambda d: css(browser, "#login-form"))
    fill(browser, "username", username)
    fill(browser, "password", password)
    browser.driver.find_element(By.ID, "submit").click()
    target = (next_path or "/").split("?")[0]
    wait(browser, lambda d: d.execute_script("return location.pathname") == target,
         "login did not go to %s" % target)


def temp_file(data, suffix):
    fd, path = tempfile.mkstemp(suffix=suffix, prefix="netdep-upload-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


def assert_no_dialog(browser):
    try:
        alert = browser.driver.switch_to.alert
        txt = alert.text
        alert.dismiss()
        raise AssertionError("a dialog opened: %r" % txt)
    except NoAlertPresentException:
        pass


def assert_inert(browser, where):
    """No dialog, no element an author's text could have injected, and no
    script but the site's own files."""
    assert_no_dialog(browser)
    found = browser.driver.execute_script(r"""
        const bad = [];
        for (const e of document.querySelectorAll('*')) {
          for (const a of e.attributes) if (/^on/i.test(a.name)) bad.push(e.tagName + '[' + a.name + ']');
        }
        for (const s of document.scripts) {
          const src = s.getAttribute('src');
          if (!src) bad.push('inline script: ' + s.textContent.slice(0, 60));
          // NAME.HASH.js (scripts/fingerprint.sh) is the file NAME.js.
          else bad.push('script ' + new URL(src, location.href).pathname.replace(/\.[0-9a-f]{10}(\.js)$/, '$1'));
        }
        for (const e of document.querySelectorAll('img[src="x"], main b, main svg:not([role="img"]), iframe, object, embed'))
          bad.push('injected ' + e.tagName);
        return bad;""")
    injected = [b for b in found if not (b.startswith("script ") and b[7:] in OWN_SCRIPTS)]
    assert not injected, "%s: %r" % (where, injected)
    assert_no_dialog(browser)
