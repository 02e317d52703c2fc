"""The smaller findings of issue 12 (7 and 6): sessions that end, the
session cookie read one way, slow clients, headers, and who the client
is.  Each test would fail on the code before the fix."""
import os
import re
import socket
import subprocess
import time


from conftest import PASSWORD, Client
from helpers import (API, approve, assert_error, assert_status, describe,
                     upload_ok, vote)


def who(c):
    return c.get(f"{API}/session").status_code


# --- sessions -------------------------------------------------------------

def test_sessions_end_when_role_or_password_changes_or_the_account_is_banned(
        new_user, admin_cli, contest, db):
    u = new_user()
    other = new_user()
    assert who(u) == 200
    slug = contest()
    r = admin_cli("grant", "judge", u.username, "--contest", slug)
    assert r.returncode == 0, r.stderr
    assert who(u) == 401, "a role given left the session alive"
    assert who(other) == 200, "another account's session ended"

    assert_status(u.login(u.username, PASSWORD), 200)
    r = admin_cli("revoke", "judge", u.username, "--contest", slug)
    assert r.returncode == 0, r.stderr
    assert who(u) == 401, "a role taken left the session alive"
    assert_status(u.login(u.username, PASSWORD), 200)
    r = admin_cli("user", "password", u.username,
                  input="another long password 2026\n")
    assert r.returncode == 0, r.stderr
    assert who(u) == 401, "a password change left the session alive"

    assert_status(u.login(u.username, "another long password 2026"), 200)
    r = admin_cli("user", "disable", u.username)
    assert r.returncode == 0 and "1 session ended" in r.stdout, \
        (r.stdout, r.stderr)
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.sessions WHERE account_id "
                    "= %s", (u.user["id"],))
        assert cur.fetchone()[0] == 0, "a ban left sessions in the table"
    assert who(u) == 401
    assert_error(u.login(u.username, "another long password 2026"), 401,
                 "bad_credentials")
    # A ban by any path ends the sessions (the trigger), and lifting it
    # lets the owner back in.
    assert admin_cli("user", "enable", u.username).returncode == 0
    assert_status(u.login(u.username, "another long password 2026"), 200)
    with db.cursor() as cur:
        cur.execute("UPDATE netdep.accounts SET disabled_at = now() "
                    "WHERE username = %s", (u.username,))
    assert who(u) == 401


def test_an_idle_session_ends_and_is_purged(new_user, db):
    u = new_user()
    assert who(u) == 200
    with db.cursor() as cur:
        # Used within the idle time (72 h): alive, and a use marks it.
        cur.execute("UPDATE netdep.sessions SET last_seen_at = now() - "
                    "interval '71 hours' WHERE account_id = %s",
                    (u.user["id"],))
    assert who(u) == 200
    with db.cursor() as cur:
        cur.execute("SELECT last_seen_at > now() - interval '1 minute' FROM "
                    "netdep.sessions WHERE account_id = %s", (u.user["id"],))
        assert cur.fetchone() == (True,), "a use did not mark the session"
        cur.execute("UPDATE netdep.sessions SET last_seen_at = now() - "
                    "interval '73 hours' WHERE account_id = %s",
                    (u.user["id"],))
    assert who(u) == 401, "an idle session still works"
    with db.cursor() as cur:
        cur.execute("SELECT netdep.security_purge(72)")
        cur.execute("SELECT count(*) FROM netdep.sessions WHERE account_id "
                    "= %s", (u.user["id"],))
        assert cur.fetchone()[0] == 0, "the purge kept an idle session"


def test_a_session_use_is_written_once_per_sixtieth_of_the_idle_time(
        contest, new_user, make_jpeg, db):
    """A use 30 minutes after the last mark leaves it (72 h / 60 = 72
    minutes), one 2 hours after moves it: through a session lookup and
    through a vote, which checks its session in the vote writer's batch.
    Writing on every use was a new row version and index entries per
    request."""
    slug = contest(min_short_side=200)
    owner, judge = new_user(), new_user(role="judge", contest=slug)
    entry = approve(judge, upload_ok(owner, slug, make_jpeg(400, 300))["id"])
    u = new_user()

    def mark(age):
        with db.cursor() as cur:
            cur.execute("UPDATE netdep.sessions SET last_seen_at = now() - "
                        "%s::interval WHERE account_id = %s "
                        "RETURNING last_seen_at", (age, u.user["id"]))
            return cur.fetchone()[0]

    def last_seen():
        with db.cursor() as cur:
            cur.execute("SELECT last_seen_at FROM netdep.sessions WHERE "
                        "account_id = %s", (u.user["id"],))
            return cur.fetchone()[0]

    for use in (lambda: who(u) == 200,
                lambda: vote(u, entry["id"]).status_code in (201, 409)):
        was = mark("30 minutes")
        assert use()
        assert last_seen() == was, "a use within 72 minutes was written"
        was = mark("2 hours")
        assert use()
        assert last_seen() > was, "a use after 2 hours was not written"


def test_the_session_cookie_is_read_as_nginx_reads_it(contest, new_user,
                                                     make_jpeg, base_url):
    """nginx's cache bypass looks at $cookie_netdep_session; a header the
    worker read as a session but nginx did not ("name<TAB>=value" was one)
    got a judge's private board stored in the cache for everyone.  Now the
    worker reads the value nginx parsed: whenever the answer is a judge's,
    nginx bypassed the cache."""
    slug = contest(min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    approve(judge, upload_ok(new_user(), slug, make_jpeg(400, 300))["id"])
    token = judge.cookies.get("netdep_session")
    url = f"{base_url}{API}/contests/{slug}/leaderboard?by=jury"
    assert_status(judge.get(url), 200)  # a judge sees the jury board
    for header in (f"netdep_session\t={token}", f"netdep_session ={token}",
                   f"netdep_session=; netdep_session={token}",
                   f'netdep_session="{token}"', f"a=b, netdep_session={token}",
                   f"NETDEP_SESSION={token}", f"x=1;netdep_session={token}",
                   f"netdep_session=zz; netdep_session={token}",
                   f"netdep_session={token}"):
        for _ in range(2):  # the second would be a cache hit
            r = Client(base_url).get(url, headers={"Cookie": header})
            assert r.status_code in (200, 403), describe(r)
            if r.status_code == 200:
                assert r.headers.get("X-Cache") == "BYPASS", \
                    (header, "a judge's board went through the cache")
            else:
                assert_error(r, 403, "results_not_published")
    # What an anonymous visitor gets is still the anonymous answer.
    assert_error(Client(base_url).get(url), 403, "results_not_published")


# --- slow clients -----------------------------------------------------------

def _conn(base_url, addr):
    host, port = base_url.split("//")[1].split(":")
    s = socket.create_connection((host, int(port)), timeout=60,
                                 source_address=(addr, 0))
    return s


def test_a_slow_header_is_cut_off(base_url):
    """Slowloris: a request whose headers never end is closed by nginx
    (client_header_timeout 10 s), so it cannot hold a connection."""
    s = _conn(base_url, Client(base_url).addr)
    try:
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-a: b\r\n")
        t0 = time.monotonic()
        try:
            data = s.recv(4096)  # blocks until nginx gives up
        except ConnectionResetError:  # reset_timedout_connection
            data = b""
        took = time.monotonic() - t0
    finally:
        s.close()
    assert data == b"" or data.startswith(b"HTTP/1.1 408"), data[:80]
    assert took >= 5, f"closed after {took:.1f} s: not the header timeout"


def test_one_address_cannot_hold_more_than_its_connections(base_url):
    """limit_conn: requests whose bodies trickle in count against their
    address (NETDEP_CONN_PER_IP, 256); past it that address is refused
    429 while another is served."""
    addr = Client(base_url).addr
    held = []
    try:
        for _ in range(260):
            s = _conn(base_url, addr)
            # The upload route: no request-rate limit in front of it.
            s.sendall(b"POST /api/v1/contests/none/entries HTTP/1.1\r\n"
                      b"Host: x\r\nContent-Type: multipart/form-data; "
                      b"boundary=b\r\nContent-Length: 100000\r\n\r\n--b")
            held.append(s)
        r = Client(base_url, addr=addr).get(f"{API}/health")
        assert_status(r, 429)
        assert_status(Client(base_url).get(f"{API}/health"), 200)
    finally:
        for s in held:
            s.close()


# --- headers ----------------------------------------------------------------

def test_permissions_policy_on_pages_and_api(anon, base_url):
    for path in ("/", "/login.html", f"{API}/health", f"{API}/contests"):
        r = anon.get(path)
        pp = r.headers.get("Permissions-Policy", "")
        assert "camera=()" in pp and "geolocation=()" in pp, (path, pp)


# --- who the client is (finding 6) ----------------------------------------

def _render(var_dir, **env):
    top = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    e = dict(os.environ, **env)
    e["NETDEP_BUILD"] = os.path.dirname(os.path.abspath(
        os.environ["NETDEP_ADMIN"]))
    return subprocess.run([os.path.join(top, "scripts", "netdep-ctl"),
                           "nginx-conf", var_dir], env=e, text=True,
                          capture_output=True, timeout=60)


def test_trusted_proxies_are_configuration_and_empty_by_default(var_dir):
    r = _render(var_dir, NETDEP_TRUSTED_PROXIES="")
    assert r.returncode == 0, r.stderr
    assert not re.search(r"^\s*set_real_ip_from", r.stdout, re.M)
    # No exemption of any address from the vote limits either.
    assert "geo " not in r.stdout
    r = _render(var_dir, NETDEP_TRUSTED_PROXIES="10.0.0.0/8, 2001:db8::/32")
    assert r.returncode == 0, r.stderr
    assert re.findall(r"^\s*set_real_ip_from (\S+);", r.stdout, re.M) == \
        ["10.0.0.0/8", "2001:db8::/32"]
    r = _render(var_dir, NETDEP_TRUSTED_PROXIES="10.0.0.0/33")
    assert r.returncode != 0
    assert "NETDEP_TRUSTED_PROXIES" in r.stderr


def test_an_untrusted_client_cannot_name_its_address(new_user, contest,
                                                     make_jpeg, base_url, db):
    slug = contest(min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    e = upload_ok(new_user(), slug, make_jpeg(400, 300))
    approve(judge, e["id"])
    voter = new_user()
    r = voter.post(f"{API}/entries/{e['id']}/votes", json={},
                   headers={"X-Forwarded-For": "203.0.113.50",
                            "X-Real-IP": "203.0.113.51",
                            "Forwarded": "for=203.0.113.52"})
    assert_status(r, 201)
    with db.cursor() as cur:
        cur.execute("SELECT host(ip) FROM netdep.votes WHERE voter_id = %s",
                    (voter.user["id"],))
        assert cur.fetchone() == (voter.addr,)
