"""Accounts and sessions (SPEC section 8): registration, log in, who am I,
log out, cookie attributes, session regeneration, CSRF on state changes,
case-insensitive usernames."""

import secrets

from conftest import PASSWORD, Client
from helpers import (API, assert_error, assert_status, cookie_attrs,
                     cookie_header_values, describe, unchanged)


def register(client, username=None, password=PASSWORD, **fields):
    body = {"username": username or f"Reg{secrets.token_hex(4)}",
            "password": password,
            "display_name": fields.pop("display_name", "Nguyễn Văn Đoàn"),
            "unit": fields.pop("unit", "Chi đoàn Phường 3"),
            # An old client's field: ignored, not refused (issue 15).
            "district": fields.pop("district", "Quận Bình Thạnh")}
    body.update(fields)
    return client.post(f"{API}/accounts", json=body, csrf=False)


def session_cookie(r):
    lines = cookie_header_values(r)
    assert len(lines) == 1, f"expected one netdep_session cookie: " \
        f"{lines} {describe(r)}"
    return cookie_attrs(lines[0])


def test_register_logs_in_with_a_safe_cookie(anon, db):
    username = f"Reg{secrets.token_hex(4)}"
    r = register(anon, username)
    assert_status(r, 201)
    body = r.json()
    user = body["user"]
    assert user["username"] == username
    assert user["display_name"] == "Nguyễn Văn Đoàn"
    assert user["unit"] == "Chi đoàn Phường 3"
    assert "district" not in user and user["unit_code"] is None
    assert user["roles"] == [] and user["is_admin"] is False
    assert "password" not in r.text and "argon2" not in r.text
    assert isinstance(body["csrf_token"], str) and len(body["csrf_token"]) >= 32

    token, attrs = session_cookie(r)
    assert len(token) >= 43
    assert attrs.get("httponly") is True
    assert str(attrs.get("samesite", "")).lower() == "lax"
    assert attrs.get("path") == "/"
    assert "secure" not in attrs  # the test site is plain http

    # Only the hash of the token is stored, never the token.
    with db.cursor() as cur:
        cur.execute("SELECT encode(token_hash, 'hex') FROM netdep.sessions s "
                    "JOIN netdep.accounts a ON a.id = s.account_id "
                    "WHERE a.username = %s", (username,))
        rows = cur.fetchall()
        cur.execute("SELECT password_hash FROM netdep.accounts "
                    "WHERE username = %s", (username,))
        pw_hash = cur.fetchone()[0]
    assert len(rows) == 1 and token not in rows[0][0]
    assert pw_hash.startswith("$argon2id$")

    # The new session works at once.
    r = anon.get(f"{API}/session")
    assert_status(r, 200)
    assert r.json()["user"]["username"] == username


def test_register_duplicate_username_is_case_insensitive(anon, base_url,
                                                         snapshot, db):
    username = f"Dup{secrets.token_hex(4)}"
    assert_status(register(anon, username), 201)
    other = Client(base_url)
    for variant in (username, username.lower(), username.upper()):
        with unchanged(snapshot, db):
            assert_error(register(other, variant), 409, "username_taken")


def test_register_refuses_bad_fields(anon, snapshot, db):
    bad = [
        {"username": "a b c"},               # space
        {"username": "ab"},                  # too short
        {"username": "x" * 33},              # too long
        {"password": "short"},               # under 8
        {"display_name": ""},                # required
        {"display_name": "x" * 81},          # too long
        {"unit": "u" * 201},                 # a free-text unit: 200 at most
        {"unit_code": "x" * 65},             # a unit code: 64
    ]
    for fields in bad:
        with unchanged(snapshot, db):
            r = register(anon, **fields)
            assert_error(r, 400, "invalid_field")
    with unchanged(snapshot, db):
        r = anon.post(f"{API}/accounts", json={"username": "only"},
                      csrf=False)
        assert_error(r, 400, "invalid_field")


def test_login_is_case_insensitive_and_wrong_password_is_refused(
        new_user, base_url, snapshot, db):
    u = new_user(login=False)
    c = Client(base_url)
    r = c.login(u.username.upper(), PASSWORD)
    assert_status(r, 200)
    assert r.json()["user"]["username"] == u.username

    for name, pw in ((u.username, PASSWORD + "x"),
                     (f"nobody{secrets.token_hex(4)}", PASSWORD)):
        fresh = Client(base_url)
        with unchanged(snapshot, db):
            r = fresh.post(f"{API}/session",
                           json={"username": name, "password": pw})
            err = assert_error(r, 401, "bad_credentials")
        assert not cookie_header_values(r), "a refused log-in set a cookie"
    # Unknown user and wrong password look the same.
    assert err["message"]


def test_who_am_i_requires_a_session(anon):
    assert_error(anon.get(f"{API}/session"), 401, "login_required")
    anon.cookies.set("netdep_session", "A" * 43)
    assert_error(anon.get(f"{API}/session"), 401, "login_required")
    anon.cookies.set("netdep_session", "garbage")
    assert_error(anon.get(f"{API}/session"), 401, "login_required")


def test_who_am_i_answers_user_and_csrf(new_user):
    u = new_user()
    r = u.get(f"{API}/session")
    assert_status(r, 200)
    body = r.json()
    assert body["user"]["username"] == u.username
    assert body["csrf_token"] == u.csrf


def test_login_regenerates_the_session(new_user, base_url):
    u = new_user()
    old = u.cookies.get("netdep_session")
    assert old
    # Log in again over the same (valid) session.
    r = u.login(u.username, PASSWORD)
    assert_status(r, 200)
    new, _ = session_cookie(r)
    assert new != old, "log-in kept the session token"
    # The old token no longer works; the new one does.
    stale = Client(base_url)
    stale.cookies.set("netdep_session", old)
    assert_error(stale.get(f"{API}/session"), 401, "login_required")
    assert_status(u.get(f"{API}/session"), 200)


def test_login_does_not_adopt_a_planted_session_token(new_user, base_url):
    u = new_user(login=False)
    planted = "P" * 43
    c = Client(base_url)
    c.cookies.set("netdep_session", planted)
    r = c.login(u.username, PASSWORD)
    assert_status(r, 200)
    token, _ = session_cookie(r)
    assert token != planted
    attacker = Client(base_url)
    attacker.cookies.set("netdep_session", planted)
    assert_error(attacker.get(f"{API}/session"), 401, "login_required")


def test_logout_invalidates_the_session(new_user, base_url):
    u = new_user()
    token = u.cookies.get("netdep_session")
    r = u.delete(f"{API}/session")
    assert_status(r, 204)
    lines = cookie_header_values(r)
    assert lines, "log-out did not clear the cookie"
    value, attrs = cookie_attrs(lines[0])
    assert value == "" or attrs.get("max-age") == "0"
    replay = Client(base_url)
    replay.cookies.set("netdep_session", token)
    assert_error(replay.get(f"{API}/session"), 401, "login_required")
    assert_error(u.get(f"{API}/session"), 401, "login_required")


def test_logout_needs_the_csrf_token(new_user, snapshot, db):
    u = new_user()
    for csrf in (False, "wrong-token", "", u.csrf[:-1] + "x"):
        with unchanged(snapshot, db):
            r = u.delete(f"{API}/session", csrf=csrf)
            assert_error(r, 403, "csrf")
    assert_status(u.get(f"{API}/session"), 200)


def test_logout_without_a_session_is_401(anon):
    assert_error(anon.delete(f"{API}/session"), 401, "login_required")


def test_csrf_token_of_another_session_is_refused(new_user, snapshot, db):
    a, b = new_user(), new_user()
    with unchanged(snapshot, db):
        assert_error(a.delete(f"{API}/session", csrf=b.csrf), 403, "csrf")
