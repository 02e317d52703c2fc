"""Brakes on guessing passwords and farming accounts (issue 12, finding 3;
cgi/brake.c, sql/functions/070_security.sql), with the stack's defaults:

  NETDEP_LOGIN_FREE_FAILURES=5        failures of one account from one
                                      address, then a back-off doubling
                                      from 1 s (429 too_many_attempts)
  NETDEP_LOGIN_CHALLENGE_FAILURES=20  failures of one account in an hour
                                      from anywhere, then every log-in to
                                      it needs a proof of work
  NETDEP_LOGIN_SOURCE_FREE=100        log-ins per address in 10 minutes,
                                      then a proof of work (organiser-made
                                      accounts exempt)
  NETDEP_REG_SOURCE_FREE=20           registrations per /24 in an hour,
                                      then a proof of work

Each client here connects from an address of its own (conftest.Client).
A proof of work is solved the way static/js/pow.js solves it."""

import base64
import fcntl
import hashlib
import json
import os
import secrets
import time

from conftest import PASSWORD, Client
from helpers import API, assert_error, assert_status, unchanged

FREE = 5
NAME_FREE = 20
SOURCE_FREE = 100
REG_FREE = 20


def solve(ch, number=None):
    """The payload that answers challenge ch (ALTCHA's format)."""
    assert ch["algorithm"] == "SHA-256"
    if number is None:
        for n in range(ch["maxnumber"] + 1):
            if hashlib.sha256(f"{ch['salt']}{n}".encode()).hexdigest() \
                    == ch["challenge"]:
                number = n
                break
        else:
            raise AssertionError("challenge has no solution")
    payload = {k: ch[k] for k in ("algorithm", "challenge", "salt",
                                  "signature")}
    payload["number"] = number
    return base64.b64encode(json.dumps(payload).encode()).decode()


def login(c, name, password, **extra):
    return c.post(f"{API}/session", csrf=False,
                  json={"username": name, "password": password, **extra})


def register(c, name, **extra):
    return c.post(f"{API}/accounts", csrf=False,
                  json={"username": name, "password": PASSWORD,
                        "display_name": f"Bạn {name}", **extra})


def challenged(r):
    err = assert_error(r, 403, "challenge_required")
    ch = err["challenge"]
    assert ch["maxnumber"] >= 1000 and len(ch["signature"]) == 64
    assert r.headers.get("Cache-Control") == "no-store"
    return ch


def test_failures_back_off_per_account_and_address_and_the_owner_gets_in(
        new_user, base_url):
    u = new_user(login=False)
    attacker = Client(base_url)
    waits = []
    for i in range(FREE + 1):
        r = login(attacker, u.username, f"wrong password {i}")
        assert_error(r, 401, "bad_credentials")
        waits.append(r.headers.get("Retry-After"))
    assert waits == [None] * FREE + ["1"], waits
    # During the back-off even the right password is not tried (no hash).
    r = login(attacker, u.username, PASSWORD)
    assert_error(r, 429, "too_many_attempts")
    retry = int(r.headers["Retry-After"])
    assert retry == 1
    # The owner, elsewhere, is not held back by it.
    assert_status(login(Client(base_url), u.username, PASSWORD), 200)
    # From there the wait doubles with each failure...
    time.sleep(retry + 0.3)
    r = login(attacker, u.username, "wrong again")
    assert_error(r, 401, "bad_credentials")
    assert r.headers.get("Retry-After") == "2"
    # ...and once it is over, the right password gets in and clears it.
    time.sleep(2.3)
    assert_status(login(attacker, u.username, PASSWORD), 200)
    r = login(attacker, u.username, "one more slip")
    assert_error(r, 401, "bad_credentials")
    assert "Retry-After" not in r.headers


def test_an_unknown_name_backs_off_the_same(base_url):
    c = Client(base_url)
    name = f"nobody{secrets.token_hex(4)}"
    codes = [login(c, name, "x" * 9).status_code for _ in range(FREE + 2)]
    assert codes == [401] * (FREE + 1) + [429], codes


def test_an_account_guessed_from_many_addresses_needs_a_proof_of_work(
        new_user, base_url):
    u = new_user(login=False)
    for i in range(NAME_FREE):
        assert_error(login(Client(base_url), u.username, f"guess {i}"), 401,
                     "bad_credentials")
    owner = Client(base_url)
    ch = challenged(login(owner, u.username, PASSWORD))
    # A wrong answer or a forged signature is no proof: a new challenge.
    challenged(login(owner, u.username, PASSWORD,
                     altcha=solve(ch, number=ch["maxnumber"] + 1)))
    forged = dict(ch, signature="0" * 64)
    challenged(login(owner, u.username, PASSWORD, altcha=solve(forged)))
    good = solve(ch)
    r = login(owner, u.username, PASSWORD, altcha=good)
    assert_status(r, 200)
    assert r.json()["user"]["username"] == u.username
    # Each proof counts once.
    challenged(login(Client(base_url), u.username, PASSWORD, altcha=good))
    # A challenge can be fetched ahead, and solves the same.
    r = Client(base_url).get(f"{API}/challenge")
    assert_status(r, 200)
    assert r.headers.get("Cache-Control") == "no-store"
    r = login(Client(base_url), u.username, PASSWORD,
              altcha=solve(r.json()["challenge"]))
    assert_status(r, 200)


def test_a_busy_address_needs_a_proof_of_work_but_organisers_accounts_do_not(
        new_user, base_url, anon):
    member = f"m{secrets.token_hex(5)}"
    assert_status(register(anon, member), 201)
    organiser_made = new_user(login=False)
    busy = Client(base_url)
    for i in range(SOURCE_FREE):
        r = login(busy, f"nobody{secrets.token_hex(4)}", "not it")
        assert_error(r, 401, "bad_credentials")
    ch = challenged(login(busy, member, PASSWORD))
    assert_status(login(busy, organiser_made.username, PASSWORD), 200)
    assert_status(login(busy, member, PASSWORD, altcha=solve(ch)), 200)
    # Other addresses are not concerned.
    assert_status(login(Client(base_url), member, PASSWORD), 200)


def test_registrations_from_one_block_need_a_proof_of_work(
        base_url, snapshot, db):
    block = f"127.{100 + secrets.randbelow(100)}.{secrets.randbelow(250)}."
    for i in range(REG_FREE):
        c = Client(base_url, addr=f"{block}{i + 1}")
        assert_status(register(c, f"r{secrets.token_hex(5)}"), 201)
    late = Client(base_url, addr=f"{block}{REG_FREE + 1}")
    name = f"r{secrets.token_hex(5)}"
    with unchanged(snapshot, db):
        ch = challenged(register(late, name))
    r = register(late, name, altcha=solve(ch))
    assert_status(r, 201)
    assert r.json()["user"]["username"] == name
    # Another block registers freely.
    other = Client(base_url)
    assert_status(register(other, f"r{secrets.token_hex(5)}"), 201)


def test_registration_limits_per_block_and_site(db):
    """The hard limits, on the gate itself (the database function the
    handler calls), with small thresholds."""
    ip = f"198.18.{secrets.randbelow(250)}.7"
    with db.cursor() as cur:
        got = []
        for _ in range(3):
            cur.execute("SELECT outcome, retry_after FROM netdep."
                        "register_gate(%s, NULL, NULL, 100, 2, 1000000)",
                        (ip,))
            got.append(cur.fetchone())
        assert [o for o, _ in got] == ["ok", "ok", "busy"]
        assert 1 <= got[2][1] <= 3600
        cur.execute("SELECT outcome, retry_after FROM netdep."
                    "register_gate('198.19.0.1', NULL, NULL, 100, 100, 0)")
        outcome, retry = cur.fetchone()
        assert outcome == "busy" and 1 <= retry <= 60


def test_password_hashes_wait_for_a_free_slot(new_user, base_url, media_dir):
    """At most NETDEP_HASH_SLOTS hashes at once on the machine: with every
    slot held (byte locks of tmp/.hash-slots, as the workers take them), a
    log-in is answered 503 busy instead of adding 64 MiB."""
    u = new_user(login=False)
    fd = os.open(os.path.join(media_dir, "tmp", ".hash-slots"), os.O_RDWR)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 64, 0)
        r = login(Client(base_url), u.username, PASSWORD)
        assert_error(r, 503, "busy")
        assert r.headers.get("Retry-After") == "1"
        fcntl.lockf(fd, fcntl.LOCK_UN, 64, 0)
        assert_status(login(Client(base_url), u.username, PASSWORD), 200)
    finally:
        os.close(fd)
