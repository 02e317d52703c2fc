"""Helpers of the staff-page browser tests (moderation.html, admin.html):
log the browser in as an API client, upload entries, wait for the page,
send keys to the page as a judge would, and read rows back."""
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

TABLET = (1024, 768)
NARROW = (360, 740)
WAIT = 30  # seconds: generous; "eventually", never a performance limit


def login_as(browser, client):
    """Gives the browser the session cookie of a logged-in API client
    (through DevTools: no page has to be open, so none logs anything)."""
    for c in client.cookies:
        browser.driver.execute_cdp_cmd("Network.setCookie", {
            "name": c.name, "value": c.value, "url": browser.base_url + "/",
            "path": "/", "httpOnly": True, "sameSite": "Lax"})


def upload(client, slug, title, caption="", make_jpeg=None, w=900, h=600, seed=None):
    r = client.post("/api/v1/contests/%s/entries" % slug,
                    files={"photo": ("p.jpg", make_jpeg(w, h, seed=seed), "image/jpeg")},
                    data={"title": title, "caption": caption})
    assert r.status_code == 201, r.text
    return r.json()["entry"]["id"]


def wait(browser, cond, timeout=WAIT, msg=""):
    return WebDriverWait(browser.driver, timeout, poll_frequency=0.1).until(
        lambda d: cond(d), msg)


def settled(d):
    """The page has loaded and its scripts' requests have stopped."""
    if d.execute_script("return document.readyState") != "complete":
        return False
    n = d.execute_script("return performance.getEntriesByType('resource').length")
    settled.last, prev = n, getattr(settled, "last", None)
    return prev == n


def css(browser, sel):
    return browser.driver.find_elements(By.CSS_SELECTOR, sel)


def text_of(browser, sel):
    els = css(browser, sel)
    return els[0].text if els else ""


def visible(browser, sel):
    els = css(browser, sel)
    return bool(els) and els[0].is_displayed()


def keys(browser, *seq):
    """Types keys at whatever has the focus (the page body by default)."""
    a = ActionChains(browser.driver)
    for k in seq:
        a.send_keys(k)
    a.perform()


def entry_row(db, eid):
    with db.cursor() as cur:
        cur.execute("SELECT e.status, e.reject_reason, a.username FROM entries e "
                    "LEFT JOIN accounts a ON a.id = e.decided_by WHERE e.id = %s", (eid,))
        return cur.fetchone()


def wait_row(db, eid, status, timeout=WAIT):
    """Polls the entry's row until it has status; returns the row."""
    import time
    deadline = time.monotonic() + timeout
    row = entry_row(db, eid)
    while row[0] != status and time.monotonic() < deadline:
        time.sleep(0.1)
        row = entry_row(db, eid)
    assert row[0] == status, "entry %s: %r, wanted %s" % (eid, row, status)
    return row


def severe_besides(browser, allowed):
    """Console errors whose text matches none of the allowed substrings;
    then stops the fixture from failing on the allowed ones."""
    errors = browser.console_errors()
    rest = [e for e in errors if not any(a in e.get("message", "") for a in allowed)]
    browser.allow_console_errors()
    return rest
