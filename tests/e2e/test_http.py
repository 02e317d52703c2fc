"""HTTP behaviour of the API through nginx: security headers, 404/405,
content types, malformed JSON, oversized bodies."""

import pytest

from helpers import (API, assert_error, assert_status, raw_http, unchanged)


def assert_api_headers(r):
    h = r.headers
    csp = h.get("Content-Security-Policy", "")
    assert "default-src 'none'" in csp, csp
    assert "frame-ancestors 'none'" in csp or \
        h.get("X-Frame-Options", "").upper() == "DENY", h
    assert h.get("X-Content-Type-Options") == "nosniff"
    assert h.get("X-Frame-Options", "").upper() == "DENY"
    assert h.get("Referrer-Policy") in ("strict-origin-when-cross-origin",
                                        "no-referrer", "same-origin",
                                        "strict-origin")
    assert "no-store" in h.get("Cache-Control", ""), h.get("Cache-Control")
    assert "Server" not in h or "/" not in h["Server"]  # no version


def test_health(anon):
    r = anon.get(f"{API}/health")
    assert_status(r, 200)
    assert r.json() == {"status": "ok"}
    assert r.headers["Content-Type"].startswith("application/json")
    assert_api_headers(r)


def test_security_headers_on_every_kind_of_answer(new_user, anon):
    u = new_user()
    answers = [
        anon.get(f"{API}/health"),
        anon.get(f"{API}/contests"),
        anon.get(f"{API}/nothing-here"),
        anon.get(f"{API}/session"),
        anon.post(f"{API}/session", json={"username": "nobody-x",
                                          "password": "whatever1"}),
        u.get(f"{API}/session"),
        u.get(f"{API}/me/entries"),
        anon.delete(f"{API}/contests"),
    ]
    for r in answers:
        assert_api_headers(r)


def test_unknown_paths_are_404(anon):
    for path in (f"{API}/nothing", f"{API}/contests/UPPER", f"{API}/entries/0",
                 f"{API}/entries/abc", f"{API}/entries/-1",
                 f"{API}/entries/99999999999999999999", f"{API}/health/x",
                 f"{API}/contests/a/b/c", "/api/v2/health", "/api/"):
        r = anon.get(path)
        assert_error(r, 404, "not_found")


def test_wrong_method_is_405_with_allow(anon, new_user):
    cases = [
        ("POST", f"{API}/health", {"GET"}),
        ("PUT", f"{API}/health", {"GET"}),
        ("DELETE", f"{API}/contests", {"GET", "POST"}),  # POST: admins create
        ("GET", f"{API}/accounts", {"POST"}),
        ("PUT", f"{API}/session", {"GET", "POST", "DELETE"}),
        ("PATCH", f"{API}/me/entries", {"GET"}),
        ("GET", f"{API}/entries/1/votes", {"POST"}),
    ]
    for method, path, allowed in cases:
        r = anon.request(method, path)
        assert_error(r, 405, "method_not_allowed")
        got = {m.strip() for m in r.headers.get("Allow", "").split(",")}
        assert allowed <= got, f"{method} {path}: Allow {got}"
        if "GET" in allowed:
            assert got <= allowed | {"HEAD"}, f"{method} {path}: {got}"


def test_head_is_answered_without_a_body(anon):
    r = anon.head(f"{API}/health")
    assert_status(r, 200)
    assert r.content == b""


@pytest.mark.parametrize("path", [f"{API}/session", f"{API}/accounts"])
def test_json_endpoints_refuse_other_content_types(anon, path, snapshot, db):
    for ctype, body in (("text/plain", '{"username":"a","password":"b"}'),
                        ("application/x-www-form-urlencoded",
                         "username=a&password=b"),
                        ("multipart/form-data; boundary=x", "--x--\r\n"),
                        ("application/jsonx", "{}"),
                        (None, '{"username":"a","password":"b"}')):
        headers = {"Content-Type": ctype} if ctype else {}
        with unchanged(snapshot, db):
            r = anon.post(path, data=body.encode(), headers=headers)
            assert_error(r, 415, "unsupported_media_type")


def test_malformed_json_is_400(anon, snapshot, db):
    bodies = [
        b'{"username":"abc","username":"def","password":"12345678"}',
        b'{"username":"abc",',
        b'[]',
        b'"just a string"',
        b'',
        b'{"username":"abc\xff","password":"12345678"}',
        b'{"username":"a\\u0000b","password":"12345678"}',
        b'{"username":["abc"],"password":"12345678"}',
    ]
    for body in bodies:
        with unchanged(snapshot, db):
            r = anon.post(f"{API}/session", data=body,
                          headers={"Content-Type": "application/json"})
            assert_error(r, 400, ("bad_json", "bad_field"))


def test_duplicate_keys_cannot_smuggle_a_registration(anon, snapshot, db):
    body = (b'{"username":"dupkey1","password":"correct horse 1",'
            b'"display_name":"A","username":"dupkey2"}')
    with unchanged(snapshot, db):
        r = anon.post(f"{API}/accounts", data=body,
                      headers={"Content-Type": "application/json"})
        assert_error(r, 400, "bad_json")


def test_charset_parameter_is_accepted(new_user, base_url):
    u = new_user(login=False)
    from conftest import Client, PASSWORD
    c = Client(base_url)
    r = c.post(f"{API}/session",
               data=('{"username":"%s","password":"%s"}' %
                     (u.username, PASSWORD)).encode(),
               headers={"Content-Type": "application/json; charset=utf-8"})
    assert_status(r, 200)


def test_oversize_body_is_413(base_url, new_user, contest, snapshot, db):
    slug = contest()
    u = new_user()
    cookie = u.cookies.get("netdep_session")
    host = base_url.split("//", 1)[1]
    head = (f"POST {API}/contests/{slug}/entries HTTP/1.1\r\n"
            f"Host: {host}\r\n"
            f"Cookie: netdep_session={cookie}\r\n"
            f"X-CSRF-Token: {u.csrf}\r\n"
            "Content-Type: multipart/form-data; boundary=xx\r\n"
            f"Content-Length: {64 * 1024 * 1024}\r\n"
            "Connection: close\r\n\r\n").encode()
    with unchanged(snapshot, db):
        status, rhead, body = raw_http(base_url, head + b"--xx\r\n" * 100)
        assert status == 413, rhead
    # A JSON endpoint too.
    head = (f"POST {API}/session HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {40 * 1024 * 1024}\r\n"
            "Connection: close\r\n\r\n").encode()
    with unchanged(snapshot, db):
        status, rhead, body = raw_http(base_url, head + b"{" * 1000)
        assert status == 413, rhead


def test_large_json_under_the_nginx_limit_is_refused_cleanly(anon, snapshot,
                                                             db):
    big = b'{"username":"' + b"a" * (2 * 1024 * 1024) + b'","password":"x"}'
    with unchanged(snapshot, db):
        r = anon.post(f"{API}/session", data=big,
                      headers={"Content-Type": "application/json"})
        assert r.status_code in (400, 413), r.status_code
        assert_error(r, r.status_code, ("invalid_field", "too_large",
                                        "bad_json"))


def test_static_home_page_has_security_headers(anon):
    r = anon.get("/")
    assert_status(r, 200)
    assert "text/html" in r.headers["Content-Type"]
    assert "frame-ancestors 'none'" in r.headers.get(
        "Content-Security-Policy", "")
    assert r.headers.get("X-Content-Type-Options") == "nosniff"


def test_chunked_request_body_is_accepted(new_user, base_url):
    from conftest import Client, PASSWORD
    u = new_user(login=False)

    def body():
        yield ('{"username":"%s",' % u.username).encode()
        yield ('"password":"%s"}' % PASSWORD).encode()
    r = Client(base_url).post(f"{API}/session", data=body(),
                              headers={"Content-Type": "application/json"})
    assert_status(r, 200)
