"""Vote rate limits (SPEC 4): nginx's leaky buckets per client address and
per session (nginx/netdep.conf.in), with the defaults scripts/netdep-ctl
renders: 20 r/s with a burst of 200 per address, 5 r/s with a burst of
150 per session.  A 429 from the limit says rate_limited with Retry-After;
one from the database says budget_spent.

Plain requests come from 127.0.0.1, which the test stack trusts as a
local proxy (NETDEP_TRUSTED_PROXIES=127.0.0.1/32): it names the client in
X-Forwarded-For.  Without a name, the proxy is itself the client and is
limited like any other; any other loopback address is an untrusted
client whose X-Forwarded-For is ignored.  Counts of what got through are
bounded by the burst plus the rate over the time the burst took, measured,
never asserted against a clock."""

import time
from concurrent.futures import ThreadPoolExecutor

import requests

from conftest import Client, FromAddress
from helpers import (API, approve, assert_error, assert_status, clone,
                     upload_ok, vote)

IP_RATE, IP_BURST = 20, 200
SESSION_RATE, SESSION_BURST = 5, 150


def fire(n, fn, threads=16):
    """Calls fn(i) for i < n from a pool; returns (answers, seconds
    taken)."""
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        answers = list(pool.map(fn, range(n)))
    return answers, time.monotonic() - t0


def limited(answers):
    out = [r for r in answers if r.status_code == 429]
    for r in out:
        assert_error(r, 429, "rate_limited")
        assert r.headers.get("Retry-After") == "1"
    return out


def test_one_address_is_limited_others_are_not(base_url):
    url = f"{base_url}{API}/entries/987654321/votes"

    def from_ip(ip):
        return lambda _=0: requests.post(
            url, json={}, headers={"X-Forwarded-For": ip}, timeout=30)

    answers, took = fire(2 * IP_BURST + 100, from_ip("203.0.113.7"))
    shed = limited(answers)
    passed = [r for r in answers if r.status_code != 429]
    assert shed, "no vote request was limited"
    # Those that got through reached the server: not logged in.
    assert {r.status_code for r in passed} == {401}, \
        {r.status_code for r in passed}
    assert len(passed) <= IP_BURST + 1 + IP_RATE * (took + 1), \
        (len(passed), took)
    # Another address is served.
    assert from_ip("203.0.113.8")().status_code == 401
    # Only votes are limited: the rest of the API answers that address.
    r = requests.get(f"{base_url}{API}/health",
                     headers={"X-Forwarded-For": "203.0.113.7"}, timeout=30)
    assert_status(r, 200)


def test_one_session_is_limited(contest, new_user, make_jpeg, base_url, db):
    slug = contest(min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    e = upload_ok(new_user(), slug, make_jpeg(400, 300))
    approve(judge, e["id"])
    voter = new_user()
    n = SESSION_BURST + 150
    clients = [clone(voter, base_url) for _ in range(n)]
    answers, took = fire(n, lambda i: vote(clients[i], e["id"]))
    shed = limited(answers)
    passed = [r.status_code for r in answers if r.status_code != 429]
    assert shed, "no vote of the session was limited"
    # One counted, the rest already voted today.
    assert sorted(passed) == [201] + [409] * (len(passed) - 1), \
        sorted(set(passed))
    assert len(passed) <= SESSION_BURST + 1 + SESSION_RATE * (took + 1), \
        (len(passed), took)
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.votes WHERE voter_id = %s",
                    (voter.user["id"],))
        assert cur.fetchone()[0] == 1
    # Another voter is not held back by this one's bucket.
    assert_status(vote(new_user(), e["id"]), 201)


def test_the_address_behind_the_proxy_is_what_forensics_record(
        contest, new_user, make_jpeg, base_url, db):
    slug = contest(min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    e = upload_ok(new_user(), slug, make_jpeg(400, 300))
    approve(judge, e["id"])
    voter = new_user()
    # Through the trusted proxy (127.0.0.1), which names the client.
    proxied = Client(base_url, addr="127.0.0.1")
    proxied.cookies.update(voter.cookies)
    proxied.csrf = voter.csrf
    r = vote(proxied, e["id"], headers={"X-Forwarded-For": "198.51.100.23"})
    assert_status(r, 201)
    with db.cursor() as cur:
        cur.execute("SELECT host(ip), ip_prefix::text FROM netdep.votes "
                    "WHERE voter_id = %s", (voter.user["id"],))
        assert cur.fetchone() == ("198.51.100.23", "198.51.100.0/24")
    # A client that is not the trusted proxy cannot claim an address: from
    # 127.0.0.2 (loopback, not trusted) X-Forwarded-For is ignored.
    other = new_user()
    c = clone(other, base_url)
    c.mount("http://", FromAddress("127.0.0.2"))
    r = vote(c, e["id"], headers={"X-Forwarded-For": "198.51.100.99"})
    assert_status(r, 201)
    with db.cursor() as cur:
        cur.execute("SELECT host(ip) FROM netdep.votes WHERE voter_id = %s",
                    (other.user["id"],))
        assert cur.fetchone() == ("127.0.0.2",)


def test_every_address_is_limited_with_or_without_a_forwarded_for(base_url):
    """No request escapes the per-address limit: not the trusted proxy's
    own (no X-Forwarded-For), not an untrusted client's that names
    someone else in X-Forwarded-For."""
    url = f"{base_url}{API}/entries/987654321/votes"
    # The trusted proxy (127.0.0.1) without a header: it is the client.
    answers, _ = fire(IP_BURST + 100,
                      lambda _: requests.post(url, json={}, timeout=30))
    assert limited(answers), "a request without X-Forwarded-For escaped"
    liar = Client(base_url)
    answers, _ = fire(IP_BURST + 100, lambda i: liar.post(
        url, json={}, headers={"X-Forwarded-For": f"198.51.100.{i % 250}"}))
    assert limited(answers), "an untrusted X-Forwarded-For escaped the limit"
