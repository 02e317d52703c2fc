"""Helpers of the judging tests (tests/e2e/test_judging_*.py): a contest
with judges, entries in known states and fixture votes.

Fixture votes: the server takes the voter's address from nginx's
REMOTE_ADDR, so a burst "from one address" cannot be produced through the
API.  insert_votes() writes vote rows directly as the database owner, with
a chosen ip / created_at, the way vote_cast() would have written them;
the votes triggers of 003 queue them for the folder like any vote.  The
accounts behind them are inserted directly too (fixture_accounts), with a
placeholder hash nobody can log in with.
"""

import secrets
import time

from helpers import API, approve, assert_status, upload_ok, state

PLACEHOLDER_HASH = "$argon2id$v=19$m=65536,t=2,p=1$fixture$fixture"


def judged_contest(contest, new_user, make_jpeg, approved=1, pending=0,
                   titles=None, **settings):
    """A contest, its judge and admin, an owner with `approved` approved
    and `pending` pending entries.  Returns a dict."""
    settings.setdefault("max_entries", 10)
    slug = contest(**settings)
    judge = new_user(role="judge", contest=slug, unit="Đoàn giám khảo")
    admin = new_user(role="admin", unit="Ban tổ chức")
    owner = new_user(unit="Chi đoàn Thanh niên")
    entries = []
    for i in range(approved):
        title = titles[i] if titles else None
        e = upload_ok(owner, slug, make_jpeg(1000, 800), title=title)
        approve(admin, e["id"])
        entries.append(e["id"])
    waiting = [upload_ok(owner, slug, make_jpeg(1000, 800))["id"]
               for _ in range(pending)]
    return {"slug": slug, "judge": judge, "admin": admin, "owner": owner,
            "approved": entries, "pending": waiting}


def fixture_accounts(db, n, created_ago="2 days"):
    """n accounts inserted directly (fixture data); returns their ids."""
    ids = []
    with db.cursor() as cur:
        for _ in range(n):
            cur.execute(
                "INSERT INTO netdep.accounts (username, display_name, "
                "password_hash, created_at) VALUES (%s, %s, %s, now() - "
                "%s::interval) RETURNING id",
                (f"fx{secrets.token_hex(6)}", "Tài khoản thử",
                 PLACEHOLDER_HASH, created_ago))
            ids.append(cur.fetchone()[0])
    return ids


def insert_votes(db, entry_id, voters, ip, start_ago_s, step_s):
    """One fixture vote per voter for entry_id from address ip, the first
    start_ago_s seconds ago and then every step_s seconds.  Returns the
    vote ids in order."""
    ids = []
    with db.cursor() as cur:
        for i, voter in enumerate(voters):
            cur.execute(
                "INSERT INTO netdep.votes (contest_id, entry_id, voter_id, "
                "period, vote_day, created_at, ip, ip_prefix) SELECT "
                "e.contest_id, e.id, %s, DATE '2000-01-01', "
                "(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, now() - "
                "make_interval(secs => %s), %s::inet, set_masklen(%s::cidr, "
                "24) FROM netdep.entries e WHERE e.id = %s RETURNING id",
                (voter, start_ago_s - i * step_s, ip, ip, entry_id))
            ids.append(cur.fetchone()[0])
    return ids


def board(client, slug, by="votes", **params):
    r = client.get(f"{API}/contests/{slug}/leaderboard",
                   params={"by": by, **params})
    assert_status(r, 200)
    return r.json()["entries"]


def board_votes(client, slug):
    return {row["entry"]["id"]: row["votes"] for row in board(client, slug)}


def wait_for(fn, what, timeout=60):
    """Polls fn() until it returns a truthy value (generous: the folder
    runs every few hundred milliseconds); fails with what."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"{what}: never true (last value {last!r})")


JURY_TABLES = {
    "scores": "SELECT entry_id, judge_id, criterion_id, score FROM "
              "netdep.scores ORDER BY 1, 2, 3",
    "score_comments": "SELECT entry_id, judge_id, comment FROM "
                      "netdep.score_comments ORDER BY 1, 2",
    "prizes": "SELECT contest_id, entry_id, prize FROM netdep.prizes "
              "ORDER BY 1, 2, 3",
    "contests": "SELECT id, slug, title, results_at, public_weight, "
                "coi_unit, zscore, judges_named FROM netdep.contests "
                "ORDER BY id",
    "criteria": "SELECT id, contest_id, name, weight FROM netdep.criteria "
                "ORDER BY id",
    "categories": "SELECT id, contest_id, name FROM netdep.categories "
                  "ORDER BY id",
    "votes_void": "SELECT id, voided_at, void_reason FROM netdep.votes "
                  "ORDER BY id",
}


def jury_state(snapshot, db):
    """helpers.state() plus every table the judging endpoints write."""
    out = state(snapshot, db)
    with db.cursor() as cur:
        for name, sql in JURY_TABLES.items():
            cur.execute(sql)
            out[name] = cur.fetchall()
    return out
