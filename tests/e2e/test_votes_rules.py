"""Vote rule edges (issue 4).  vote_cast() takes the time as its first
argument (the server passes now()), so the day boundary and the window
edges are tested through the same SQL function the server runs, at exact
instants; the other rules go through HTTP."""

import pytest

from helpers import (API, approve, assert_error, assert_status, unchanged,
                     upload_ok, vote, vote_rows)


@pytest.fixture
def setup(contest, new_user, make_jpeg):
    def make(n=1, **settings):
        settings.setdefault("min_short_side", 200)
        settings.setdefault("max_entries", n)
        slug = contest(**settings)
        judge = new_user(role="judge", contest=slug)
        owner = new_user()
        ids = []
        for _ in range(n):
            e = upload_ok(owner, slug, make_jpeg(400, 300))
            approve(judge, e["id"])
            ids.append(e["id"])
        return slug, judge, owner, ids
    return make


def cast(db, at, entry, voter):
    with db.cursor() as cur:
        cur.execute("SELECT outcome, vote_count, votes_left FROM "
                    "netdep.vote_cast(%s::timestamptz, %s, %s, '10.1.2.3', "
                    "NULL, NULL)", (at, entry, voter))
        return cur.fetchone()


def test_daily_rule_at_midnight_vietnam_time(setup, new_user, db):
    slug, judge, owner, (eid,) = setup(vote_rule="daily", votes_per_day=2)
    voter = new_user().user["id"]
    assert cast(db, "2026-03-01 23:59:59+07", eid, voter)[0] == "counted"
    # One second later it is another day in Vietnam (17:00 UTC).
    assert cast(db, "2026-03-02 00:00:00+07", eid, voter)[0] == "counted"
    assert cast(db, "2026-03-02 00:00:01+07", eid, voter)[0] == "already_voted_today"
    assert cast(db, "2026-03-02 23:59:59.999+07", eid, voter)[0] == "already_voted_today"
    with db.cursor() as cur:
        cur.execute("SELECT vote_day::text, period::text FROM netdep.votes "
                    "WHERE voter_id = %s ORDER BY id", (voter,))
        assert cur.fetchall() == [("2026-03-01", "2026-03-01"),
                                  ("2026-03-02", "2026-03-02")]
    # The budget is per Vietnam day too: one of each day's two is used.
    assert cast(db, "2026-03-01 23:59:58+07", eid, voter)[2] == 1
    assert cast(db, "2026-03-02 00:00:02+07", eid, voter)[2] == 1


def test_once_rule_across_midnight(setup, new_user, db):
    slug, judge, owner, (eid,) = setup(vote_rule="once")
    voter = new_user().user["id"]
    assert cast(db, "2026-03-01 23:59:59+07", eid, voter)[0] == "counted"
    assert cast(db, "2026-03-02 00:00:00+07", eid, voter)[0] == "already_voted"
    assert vote_rows(db, eid) == 1


def test_window_edges(setup, new_user, db):
    slug, judge, owner, (a, b) = setup(
        n=2, vote_from="2026-03-01T08:00:00+07:00",
        vote_until="2026-03-10T20:00:00+07:00")
    voter = new_user().user["id"]
    assert cast(db, "2026-03-01 07:59:59+07", a, voter)[0] == "voting_closed"
    assert cast(db, "2026-03-01 08:00:00+07", a, voter)[0] == "counted"
    assert cast(db, "2026-03-10 19:59:59+07", b, voter)[0] == "counted"
    assert cast(db, "2026-03-10 20:00:00+07", b, voter)[0] == "voting_closed"
    assert vote_rows(db, a) == 1 and vote_rows(db, b) == 1


def test_window_through_http(contest, new_user, make_jpeg, snapshot, db):
    photo = make_jpeg(400, 300)
    for window, code in (({"vote_from": "2099-01-01T00:00:00Z"}, 403),
                         ({"vote_until": "2020-01-01T00:00:00Z",
                           "vote_from": "2019-01-01T00:00:00Z"}, 403),
                         ({"vote_from": "2020-01-01T00:00:00Z"}, 201)):
        slug = contest(min_short_side=200, **window)
        judge = new_user(role="judge", contest=slug)
        eid = upload_ok(new_user(), slug, photo)["id"]
        approve(judge, eid)
        voter = new_user()
        if code == 403:
            with unchanged(snapshot, db):
                assert_error(vote(voter, eid), 403, "voting_closed")
        else:
            assert_status(vote(voter, eid), 201)


def test_own_pending_and_withdrawn_entries(setup, new_user, make_jpeg,
                                           snapshot, db):
    slug, judge, owner, (eid, wid) = setup(n=2)
    with unchanged(snapshot, db):
        assert_error(vote(owner, eid), 403, "own_entry")
    pending = upload_ok(new_user(), slug, make_jpeg(400, 300))["id"]
    voter = new_user()
    with unchanged(snapshot, db):
        assert_error(vote(voter, pending), 403, "not_approved")
    # A vote before the withdrawal stays a row; none after it.
    assert_status(vote(voter, wid), 201)
    r = owner.delete(f"{API}/entries/{wid}")
    assert r.status_code in (200, 204), r.text
    late = new_user()
    with unchanged(snapshot, db):
        assert_error(vote(late, wid), 403, "not_approved")
