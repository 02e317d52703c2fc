"""Units and districts boards, ETag / 304, the nginx cache of anonymous
boards, and the gallery's sort=votes|shuffle (issue 4)."""

import pytest

from conftest import Client
from helpers import (API, approve, assert_error, assert_status, upload_ok,
                     vote)
from vote_helpers import eventually_equal, settle


@pytest.fixture
def units_board(contest, new_user, make_jpeg, db):
    """Unit 'Chi đoàn Một' (Quận 1): entries A, B; 'Chi đoàn Hai' (Quận 2):
    C, D.  Votes: v0 -> A, B; v1 -> A, C; v2 -> A."""
    slug = contest(min_short_side=200, max_entries=2)
    judge = new_user(role="judge", contest=slug)
    u1 = new_user(unit="Chi đoàn Một", district="Quận 1")
    u2 = new_user(unit="Chi đoàn Hai", district="Quận 2")
    photo = make_jpeg(400, 300)
    ids = []
    for owner in (u1, u1, u2, u2):
        e = upload_ok(owner, slug, photo)
        approve(judge, e["id"])
        ids.append(e["id"])
    a, b, c, d = ids
    voters = [new_user() for _ in range(3)]
    for voter, targets in ((voters[0], (a, b)), (voters[1], (a, c)),
                           (voters[2], (a,))):
        for t in targets:
            assert_status(vote(voter, t), 201)
    settle(db)
    return slug, ids, voters


def units(client, slug, **params):
    r = client.get(f"{API}/contests/{slug}/leaderboard/units", params=params)
    assert_status(r, 200)
    return r.json()


def test_units_and_districts(units_board, base_url):
    slug, _, _ = units_board
    anon = Client(base_url)
    body = units(anon, slug)
    assert body["contest"] == slug and body["level"] == "unit"
    assert body["units"] == [
        {"rank": 1, "name": "Chi đoàn Một", "entries": 2, "votes": 4,
         "voters": 3},
        {"rank": 2, "name": "Chi đoàn Hai", "entries": 2, "votes": 1,
         "voters": 1}]
    body = units(anon, slug, level="district")
    assert body["level"] == "district"
    assert [(u["name"], u["votes"], u["voters"]) for u in body["units"]] == \
        [("Quận 1", 4, 3), ("Quận 2", 1, 1)]
    assert_error(anon.get(f"{API}/contests/{slug}/leaderboard/units",
                          params={"level": "city"}), 400, "invalid_field")
    assert_error(anon.get(f"{API}/contests/no-such-c/leaderboard/units"),
                 404, "no_contest")


def test_etag_and_304(units_board, new_user):
    slug, _, _ = units_board
    user = new_user()       # a session: nginx's cache is bypassed
    url = f"{API}/contests/{slug}/leaderboard"
    r = user.get(url)
    assert_status(r, 200)
    etag = r.headers["ETag"]
    assert r.headers.get("Last-Modified", "").endswith(" GMT")
    r2 = user.get(url, headers={"If-None-Match": etag})
    assert r2.status_code == 304, r2.text
    assert r2.headers["ETag"] == etag and r2.content == b""
    r3 = user.get(url, headers={"If-None-Match": 'W/"other"'})
    assert_status(r3, 200)
    # Another vote changes the board, so the ETag.
    slug_ids = units_board[1]
    assert_status(vote(new_user(), slug_ids[3]), 201)
    changed = eventually_equal(
        lambda: user.get(url, headers={"If-None-Match": etag}).status_code,
        200)
    assert changed == 200


def test_anonymous_boards_are_cached_by_nginx_for_a_second(units_board,
                                                           base_url,
                                                           new_user):
    slug, _, _ = units_board
    url = f"{API}/contests/{slug}/leaderboard?limit=3"
    anon = Client(base_url)
    seen = [anon.get(url).headers.get("X-Cache") for _ in range(3)]
    assert "HIT" in seen, seen
    assert anon.get(url).headers["Cache-Control"] == "public, max-age=1"
    user = new_user()
    r = user.get(url)
    assert r.headers.get("X-Cache") == "BYPASS"
    assert "private" in r.headers["Cache-Control"]


def gallery(client, slug, **params):
    r = client.get(f"{API}/contests/{slug}/entries", params=params)
    assert_status(r, 200)
    return r.json()


def test_gallery_sort_votes_and_shuffle(contest, new_user, make_jpeg,
                                        base_url, db):
    slug = contest(min_short_side=200, max_entries=8)
    judge = new_user(role="judge", contest=slug)
    owner = new_user()
    ids = []
    for _ in range(8):
        e = upload_ok(owner, slug, make_jpeg(400, 300))
        approve(judge, e["id"])
        ids.append(e["id"])
    for i, eid in enumerate(ids[:3]):
        for _ in range(i + 1):
            assert_status(vote(new_user(), eid), 201)
    settle(db)
    anon = Client(base_url)
    by_votes = [e["id"] for e in gallery(anon, slug, sort="votes")["entries"]]
    assert by_votes[:3] == [ids[2], ids[1], ids[0]]
    # Ties oldest first, as on the leaderboard (the index's order).
    assert by_votes[3:] == sorted(ids[3:])
    assert gallery(anon, slug, sort="votes")["entries"][0]["votes"] == 3

    # Shuffle: one seed, one order, the same across pages.
    full = gallery(anon, slug, sort="shuffle", seed=7, limit=100)
    order = [e["id"] for e in full["entries"]]
    assert full["seed"] == 7 and sorted(order) == sorted(ids)
    assert [e["id"] for e in gallery(anon, slug, sort="shuffle", seed=7,
                                     limit=100)["entries"]] == order
    paged, cursor = [], None
    while True:
        params = {"sort": "shuffle", "seed": 7, "limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = gallery(anon, slug, **params)
        paged += [e["id"] for e in page["entries"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert paged == order
    # Different seeds, different orders: no entry is always last.
    lasts = {gallery(anon, slug, sort="shuffle", seed=s, limit=100)
             ["entries"][-1]["id"] for s in range(1, 21)}
    assert len(lasts) >= 3, lasts
    # Without a seed the visitor gets a stable one, and is told it.
    mine = gallery(anon, slug, sort="shuffle")
    assert isinstance(mine["seed"], int)
    assert gallery(anon, slug, sort="shuffle")["entries"] == mine["entries"]
    assert gallery(anon, slug)["seed"] is None
    assert_error(anon.get(f"{API}/contests/{slug}/entries",
                          params={"sort": "random"}), 400, "invalid_field")
    assert_error(anon.get(f"{API}/contests/{slug}/entries",
                          params={"sort": "shuffle", "seed": "-1"}), 400,
                 "invalid_field")
