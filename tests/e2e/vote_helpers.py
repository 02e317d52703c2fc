"""Helpers of the vote and leaderboard tests.  Counts are folded in the
background (cgi/fold.c): tests wait for the queue to drain by polling,
never by sleeping a fixed time."""

import time

from helpers import API, assert_status


def settle(db, timeout=60.0):
    """Waits until the folder has folded every queued count change."""
    deadline = time.monotonic() + timeout
    while True:
        with db.cursor() as cur:
            cur.execute("SELECT count(*) FROM netdep.vote_changes")
            if cur.fetchone()[0] == 0:
                return
        assert time.monotonic() < deadline, \
            "the folder did not drain netdep.vote_changes"
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
