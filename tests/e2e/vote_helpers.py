"""Helpers of the vote and leaderboard tests.  Counts are folded in the
background (cgi/fold.c): tests wait for the queue to drain by polling,
never by sleeping a fixed time."""

import contextlib
import os
import secrets
import time

import psycopg2

from helpers import (API, assert_error, assert_status, clone, run_together,
                     vote)


def owner_conn():
    """A connection of its own as the cluster owner, autocommit."""
    conn = psycopg2.connect(os.environ["NETDEP_DSN"])
    conn.autocommit = True
    return conn


@contextlib.contextmanager
def votes_locked():
    """Within the block, netdep.votes is locked against writes (reads go
    on): a vote's statement waits at its INSERT until the block ends."""
    lock = owner_conn()
    try:
        with lock.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("LOCK TABLE netdep.votes IN SHARE ROW EXCLUSIVE "
                        "MODE")
            yield
            cur.execute("ROLLBACK")
    finally:
        lock.close()


def settle(db, timeout=60.0):
    """Waits until the folder has folded every queued count change (votes,
    and the units' entry counts)."""
    deadline = time.monotonic() + timeout
    while True:
        with db.cursor() as cur:
            cur.execute("SELECT (SELECT count(*) FROM netdep.vote_changes) + "
                        "(SELECT count(*) FROM netdep.unit_entry_changes)")
            if cur.fetchone()[0] == 0:
                return
        assert time.monotonic() < deadline, \
            "the folder did not drain its queues"
        time.sleep(0.05)


def eventually_equal(fn, want, timeout=30.0, step=0.1):
    """Calls fn until it returns want (or the generous timeout passes);
    returns the last value, for the caller to assert on."""
    deadline = time.monotonic() + timeout
    while True:
        got = fn()
        if got == want or time.monotonic() > deadline:
            return got
        time.sleep(step)


def board_rows(client, slug, **params):
    r = client.get(f"{API}/contests/{slug}/leaderboard", params=params)
    assert_status(r, 200)
    return [(x["rank"], x["votes"], x["entry"]["id"])
            for x in r.json()["entries"]]


def db_ranking(db, slug, limit=1000):
    """The board computed from the vote rows themselves: approved entries
    by count of valid votes, competition ranks, ties oldest first."""
    with db.cursor() as cur:
        cur.execute(
            "SELECT rank() OVER (ORDER BY n DESC), n, id FROM (SELECT e.id, "
            "(SELECT count(*) FROM netdep.votes v WHERE v.entry_id = e.id "
            "AND v.voided_at IS NULL) AS n FROM netdep.entries e JOIN "
            "netdep.contests c ON c.id = e.contest_id WHERE c.slug = %s AND "
            "e.status = 'approved') t ORDER BY n DESC, id LIMIT %s",
            (slug, limit))
        return [tuple(row) for row in cur.fetchall()]


def key():
    return secrets.token_urlsafe(18)


def status_of(r):
    return r.status_code if hasattr(r, "status_code") else repr(r)


def assert_counts_match_rows(db, slug):
    """Every entry's folded count equals count(*) of its valid votes, per
    entry, per day, per week, and per unit (votes and distinct voters)."""
    settle(db)
    with db.cursor() as cur:
        cur.execute(
            "SELECT e.id, s.votes, (SELECT count(*) FROM netdep.votes v "
            "WHERE v.entry_id = e.id AND v.voided_at IS NULL) FROM "
            "netdep.entries e JOIN netdep.contests c ON c.id = e.contest_id "
            "JOIN netdep.entry_stats s ON s.entry_id = e.id WHERE c.slug = %s",
            (slug,))
        rows = cur.fetchall()
        assert rows, "no entries"
        bad = [r for r in rows if r[1] != r[2]]
        assert not bad, f"folded != rows (id, folded, rows): {bad[:10]}"
        # Per day and per week: the folded table and a GROUP BY over the
        # rows, in both directions (a missing row is a difference too).
        for table, col, of_vote in (
                ("entry_day_counts", "vote_day", "v.vote_day"),
                ("entry_week_counts", "week",
                 "date_trunc('week', v.vote_day)::date")):
            cur.execute(
                f"WITH c AS (SELECT id FROM netdep.contests WHERE slug = %s), "
                f"t AS (SELECT x.entry_id, x.{col} AS p, x.votes FROM "
                f"netdep.{table} x, c WHERE x.contest_id = c.id AND "
                f"x.votes <> 0), r AS (SELECT v.entry_id, {of_vote} AS p, "
                f"count(*) AS votes FROM netdep.votes v, c WHERE v.contest_id "
                f"= c.id AND v.voided_at IS NULL GROUP BY 1, 2) SELECT "
                f"entry_id, p, t.votes, r.votes FROM t FULL JOIN r USING "
                f"(entry_id, p) WHERE t.votes IS DISTINCT FROM r.votes",
                (slug,))
            bad = cur.fetchall()
            assert not bad, f"{table} != rows: {bad[:10]}"
        # An entry counts under each key unit_keys() gives it: its node
        # and every ancestor, or "other" and its free-text name.
        keyed = ("netdep.votes v JOIN netdep.entries e ON e.id = v.entry_id "
                 "WHERE e.contest_id = u.contest_id AND v.voided_at IS NULL "
                 "AND EXISTS (SELECT 1 FROM netdep.unit_keys(e.unit_id, "
                 "e.unit) k WHERE k.level = u.level AND k.name = u.name)")
        cur.execute(
            f"SELECT u.level, u.name, u.votes, u.voters, (SELECT count(*) "
            f"FROM {keyed}), (SELECT count(DISTINCT v.voter_id) FROM "
            f"{keyed}) FROM netdep.unit_stats u JOIN netdep.contests c ON "
            f"c.id = u.contest_id WHERE c.slug = %s", (slug,))
        bad = [r for r in cur.fetchall() if (r[2], r[3]) != (r[4], r[5])]
        assert not bad, f"unit stats != rows: {bad[:10]}"


def race_the_budget(voter, ids, base_url, db, budget, keys):
    """One voter fires a vote at every entry of ids at once (with an
    Idempotency-Key each when keys): exactly budget are counted, the rest
    get 429, the budget row says budget, and votes_left counts down."""
    clients = [clone(voter, base_url) for _ in ids]
    results = run_together([
        lambda c=c, e=e: vote(c, e, **({"headers": {"Idempotency-Key": key()}}
                                       if keys else {}))
        for c, e in zip(clients, ids)])
    codes = [status_of(r) for r in results]
    assert sorted(codes) == [201] * budget + [429] * (len(ids) - budget), \
        codes
    for r in results:
        if r.status_code == 429:
            assert_error(r, 429, "budget_spent")
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.votes WHERE voter_id = %s",
                    (voter.user["id"],))
        assert cur.fetchone()[0] == budget
    lefts = sorted(r.json()["votes_left"] for r in results
                   if r.status_code == 201)
    assert lefts == list(range(budget)), lefts
