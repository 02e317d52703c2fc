"""What the pages do against the attacks of issue 12: ?next= never leaves
the site (finding 7), and a log-in that the server answers with a proof
of work is solved by the page itself, so the account's owner gets in
while someone else guesses its password (finding 3)."""
from selenium.webdriver.common.by import By

from conftest import PASSWORD, Client
from site_kit import css, fill, wait

# Each of these means another site to a browser, or nothing usable.
HOSTILE = ["//evil.example", "/\t/evil.example", "/\\evil.example",
           "/\n/evil.example", "https://evil.example/", "javascript:alert(1)",
           "/ /evil.example", "\\\\evil.example", "", "evil.example",
           "/%09/evil.example/x"]


def test_next_is_only_ever_a_path_of_this_site(browser, new_user):
    browser.get("/login.html")
    wait(browser, lambda d: css(browser, "#login-form"))
    got = browser.driver.execute_script(
        "return arguments[0].map(s => ND.safeNext(s))", HOSTILE)
    assert all(g == "/" or g.startswith("/%09/") for g in got), \
        dict(zip(HOSTILE, got))
    assert browser.driver.execute_script(
        "return ND.safeNext('/gallery.html?contest=a#top')") == \
        "/gallery.html?contest=a#top"
    # The whole way: a hostile next lands on the home page.
    u = new_user(login=False)
    browser.get("/login.html?next=%2F%09%2Fevil.example")
    wait(browser, lambda d: css(browser, "#login-form"))
    fill(browser, "username", u.username)
    fill(browser, "password", PASSWORD)
    browser.driver.find_element(By.ID, "submit").click()
    wait(browser, lambda d: d.execute_script(
        "return location.origin + location.pathname") ==
        browser.base_url + "/", "login did not go home")


def test_a_log_in_asked_for_a_proof_of_work_solves_it_in_the_page(
        browser, new_user, base_url, db):
    u = new_user(login=False)
    for i in range(20):  # NETDEP_LOGIN_CHALLENGE_FAILURES
        r = Client(base_url).post("/api/v1/session", csrf=False, json={
            "username": u.username, "password": f"guess {i}"})
        assert r.status_code == 401, r.text
    r = Client(base_url).post("/api/v1/session", csrf=False, json={
        "username": u.username, "password": PASSWORD})
    assert r.status_code == 403 and \
        r.json()["error"]["code"] == "challenge_required", r.text
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.pow_spent")
        spent = cur.fetchone()[0]
    browser.get("/login.html?next=%2Fme.html")
    wait(browser, lambda d: css(browser, "#login-form"))
    fill(browser, "username", u.username)
    fill(browser, "password", PASSWORD)
    browser.driver.find_element(By.ID, "submit").click()
    wait(browser, lambda d: d.execute_script("return location.pathname")
         == "/me.html", "the page did not log in after the proof of work")
    # The one error the console saw is the server asking for the proof.
    errors = browser.take_console_errors()
    assert len(errors) == 1 and "/api/v1/session" in errors[0]["message"] \
        and "403" in errors[0]["message"], errors
    browser.shot("login-after-proof-of-work")
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.pow_spent")
        assert cur.fetchone()[0] == spent + 1
        cur.execute("SELECT count(*) FROM netdep.sessions WHERE account_id "
                    "= (SELECT id FROM netdep.accounts WHERE username = %s)",
                    (u.username,))
        assert cur.fetchone()[0] == 1
