"""Voting (SPEC section 4): 201 / 409 / 403 / 429 / 401, the 'once' and
'daily' rules, the daily budget, and races: concurrent requests never
make two votes nor overspend the budget."""

import pytest

from conftest import Client
from helpers import (API, approve, assert_error, assert_status, clone,
                     describe, run_together, unchanged, upload_ok, vote,
                     vote_rows)
from vote_helpers import race_the_budget


def approved_entries(contest_slug, judge, owners, photo, n_each=1):
    ids = []
    for owner in owners:
        for _ in range(n_each):
            e = upload_ok(owner, contest_slug, photo)
            approve(judge, e["id"])
            ids.append(e["id"])
    return ids


@pytest.fixture
def arena(contest, new_user, make_jpeg):
    """arena(**contest settings) -> (slug, judge, owner, [approved ids])."""
    photo = make_jpeg(400, 300)

    def make(n=1, **settings):
        settings.setdefault("min_short_side", 200)
        settings.setdefault("max_entries", max(n, 1))
        slug = contest(**settings)
        judge = new_user(role="judge", contest=slug)
        owner = new_user()
        ids = approved_entries(slug, judge, [owner], photo, n_each=n)
        return slug, judge, owner, ids
    return make


def test_vote_counts_once_under_the_once_rule(arena, new_user, snapshot, db):
    slug, judge, owner, (eid,) = arena(vote_rule="once", votes_per_day=10)
    voter = new_user()
    r = vote(voter, eid)
    assert_status(r, 201)
    assert r.json() == {"entry_id": eid, "vote_count": 1, "votes_left": 9}
    with unchanged(snapshot, db):
        assert_error(vote(voter, eid), 409, "already_voted")
    # Another voter counts.
    r = vote(new_user(), eid)
    assert_status(r, 201)
    assert r.json()["vote_count"] == 2
    assert vote_rows(db, eid) == 2


def shift_votes_back(db, voter_id, days=1):
    """Moves a voter's votes (and so the budget they use) back in time, as if cast earlier:
    the only way to test 'tomorrow' without waiting for it."""
    with db.cursor() as cur:
        cur.execute("UPDATE netdep.votes SET vote_day = vote_day - %s, "
                    "period = CASE WHEN period = DATE '2000-01-01' THEN "
                    "period ELSE period - %s END, created_at = created_at - "
                    "make_interval(days => %s) WHERE voter_id = %s",
                    (days, days, days, voter_id))


def test_daily_rule_allows_one_vote_per_entry_per_day(arena, new_user,
                                                      snapshot, db):
    slug, judge, owner, (eid,) = arena(vote_rule="daily")
    voter = new_user()
    assert_status(vote(voter, eid), 201)
    with unchanged(snapshot, db):
        err = assert_error(vote(voter, eid), 409, "already_voted")
    assert "hôm nay" in err["message"].lower()   # "today", in Vietnamese
    shift_votes_back(db, voter.user["id"])
    r = vote(voter, eid)
    assert_status(r, 201)
    assert r.json()["vote_count"] == 2
    assert r.json()["votes_left"] == 9   # a new day, a new budget


def test_once_rule_still_refuses_the_next_day(arena, new_user, snapshot, db):
    slug, judge, owner, (eid,) = arena(vote_rule="once")
    voter = new_user()
    assert_status(vote(voter, eid), 201)
    shift_votes_back(db, voter.user["id"])
    with unchanged(snapshot, db):
        assert_error(vote(voter, eid), 409, "already_voted")


def test_own_entry_is_403(arena, snapshot, db):
    slug, judge, owner, (eid,) = arena()
    with unchanged(snapshot, db):
        assert_error(vote(owner, eid), 403, "own_entry")


def test_pending_and_rejected_entries_are_403(contest, new_user, make_jpeg,
                                              snapshot, db):
    slug = contest()
    judge = new_user(role="judge", contest=slug)
    owner = new_user()
    pending = upload_ok(owner, slug, make_jpeg(1000, 800))["id"]
    rejected = upload_ok(owner, slug, make_jpeg(1000, 800))["id"]
    r = judge.post(f"{API}/entries/{rejected}/moderation",
                   json={"action": "reject", "reason": "không hợp lệ"})
    assert_status(r, 200)
    voter = new_user()
    for eid in (pending, rejected):
        for who in (voter, judge):
            with unchanged(snapshot, db):
                assert_error(vote(who, eid), 403, "not_approved")


def test_voting_window_closed_is_403(contest, new_user, make_jpeg, snapshot,
                                     db):
    photo = make_jpeg(1000, 800)
    for window in ({"vote_from": "2099-01-01T00:00:00Z"},
                   {"vote_from": "2020-01-01T00:00:00Z",
                    "vote_until": "2020-01-02T00:00:00+07:00"}):
        slug = contest(**window)
        judge = new_user(role="judge", contest=slug)
        eid = upload_ok(new_user(), slug, photo)["id"]
        approve(judge, eid)
        voter = new_user()
        with unchanged(snapshot, db):
            assert_error(vote(voter, eid), 403, "voting_closed")


def test_vote_without_login_is_401(arena, base_url, snapshot, db):
    slug, judge, owner, (eid,) = arena()
    anon = Client(base_url)
    with unchanged(snapshot, db):
        assert_error(vote(anon, eid), 401, "login_required")
    anon.cookies.set("netdep_session", "Z" * 43)
    with unchanged(snapshot, db):
        assert_error(vote(anon, eid), 401, "login_required")


def test_vote_without_or_with_wrong_csrf_is_403(arena, new_user, snapshot,
                                                db):
    slug, judge, owner, (eid,) = arena()
    voter = new_user()
    for csrf in (False, "", "0" * 43, owner.csrf):
        with unchanged(snapshot, db):
            assert_error(vote(voter, eid, csrf=csrf), 403, "csrf")


def test_vote_for_unknown_entry_is_404(new_user, snapshot, db):
    voter = new_user()
    with unchanged(snapshot, db):
        assert_error(vote(voter, 876543210), 404, "no_entry")


def test_daily_budget_is_enforced(arena, new_user, snapshot, db):
    slug, judge, owner, ids = arena(n=3, votes_per_day=2)
    voter = new_user()
    r = vote(voter, ids[0])
    assert_status(r, 201)
    assert r.json()["votes_left"] == 1
    r = vote(voter, ids[1])
    assert_status(r, 201)
    assert r.json()["votes_left"] == 0
    with unchanged(snapshot, db):
        assert_error(vote(voter, ids[2]), 429, "budget_spent")
    # A duplicate is still a duplicate, not a budget problem.
    with unchanged(snapshot, db):
        r = vote(voter, ids[0])
        assert r.status_code in (409, 429), describe(r)
    assert vote_rows(db, ids[2]) == 0
    # Another voter has a budget of their own.
    assert_status(vote(new_user(), ids[2]), 201)


def test_budget_is_per_contest(arena, new_user):
    a_slug, _, _, a_ids = arena(n=1, votes_per_day=1)
    b_slug, _, _, b_ids = arena(n=1, votes_per_day=1)
    voter = new_user()
    assert_status(vote(voter, a_ids[0]), 201)
    assert_status(vote(voter, b_ids[0]), 201)


def test_twenty_concurrent_identical_votes_count_once(arena, new_user,
                                                     base_url, db):
    slug, judge, owner, (eid,) = arena(vote_rule="once")
    voter = new_user()
    clients = [clone(voter, base_url) for _ in range(20)]
    results = run_together([lambda c=c: vote(c, eid) for c in clients])
    statuses = sorted(r.status_code if hasattr(r, "status_code") else repr(r)
                      for r in results)
    assert statuses == [201] + [409] * 19, statuses
    for r in results:
        if r.status_code == 409:
            assert_error(r, 409, "already_voted")
    assert vote_rows(db, eid, voter.user["id"]) == 1
    won = [r for r in results if r.status_code == 201][0]
    assert won.json()["vote_count"] == 1


def test_thirty_concurrent_votes_never_overspend_the_budget(
        contest, new_user, make_jpeg, base_url, db):
    slug = contest(votes_per_day=10, max_entries=30, min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    owner = new_user()
    ids = approved_entries(slug, judge, [owner], make_jpeg(400, 300),
                           n_each=30)
    race_the_budget(new_user(), ids, base_url, db, budget=10, keys=False)
