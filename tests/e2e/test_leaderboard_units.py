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


def test_units_follow_moderation_and_withdrawal(units_board, new_user,
                                                make_jpeg, base_url, db):
    """A unit's entries count approved entries only (queued by a trigger
    on entry_stats and folded with the votes, 008_boards_topn.sql): a
    pending upload does not count, an approval does, a withdrawal takes
    it away, and a unit left with no approved entry leaves the board."""
    slug, (a, b, c, d), _ = units_board
    anon = Client(base_url)
    judge = new_user(role="judge", contest=slug)
    reader = new_user()     # a session: no nginx cache in the way
    u3 = new_user(unit="Chi đoàn Ba", district="Quận 2")
    e = upload_ok(u3, slug, make_jpeg(400, 300))

    def names(level="unit"):
        return [(u["name"], u["entries"])
                for u in units(reader, slug, level=level)["units"]]
    settle(db)
    assert names() == [("Chi đoàn Một", 2), ("Chi đoàn Hai", 2)]
    approve(judge, e["id"])
    # Three units with approved entries; Ba has no votes: last.
    want = [("Chi đoàn Một", 2), ("Chi đoàn Hai", 2), ("Chi đoàn Ba", 1)]
    assert eventually_equal(names, want) == want
    want_d = [("Quận 1", 2), ("Quận 2", 3)]
    assert eventually_equal(lambda: names("district"), want_d) == want_d
    assert_status(u3.delete(f"{API}/entries/{e['id']}"), 200)
    assert eventually_equal(names, want[:2]) == want[:2]
    want_d = [("Quận 1", 2), ("Quận 2", 2)]
    assert eventually_equal(lambda: names("district"), want_d) == want_d
    settle(db)
    # The stored counts equal a count over entries.
    with db.cursor() as cur:
        cur.execute(
            "SELECT u.level, u.name, u.entries, (SELECT count(*) FROM "
            "netdep.entries e WHERE e.contest_id = u.contest_id AND "
            "e.status = 'approved' AND CASE u.level WHEN 'unit' THEN e.unit "
            "ELSE e.district END = u.name) FROM netdep.unit_stats u JOIN "
            "netdep.contests c ON c.id = u.contest_id WHERE c.slug = %s",
            (slug,))
        rows = cur.fetchall()
    assert rows and all(r[2] == r[3] for r in rows), rows
    # The anonymous board follows too (nginx keeps it a second at most).
    anon_names = lambda: [(u["name"], u["entries"])  # noqa: E731
                          for u in units(anon, slug)["units"]]
    assert eventually_equal(anon_names, want[:2]) == want[:2]


def test_units_limit_and_ties_by_name(contest, new_user, make_jpeg,
                                      base_url, db):
    """Ties by name, competition ranks, limit 1..1000 (default 100)."""
    slug = contest(min_short_side=200, max_entries=1)
    judge = new_user(role="judge", contest=slug)
    names = ["Chi đoàn C", "Chi đoàn A", "Chi đoàn B", "Chi đoàn D"]
    ids = {}
    for n in names:
        owner = new_user(unit=n, district="Quận 5")
        e = upload_ok(owner, slug, make_jpeg(400, 300))
        approve(judge, e["id"])
        ids[n] = e["id"]
    for n, k in (("Chi đoàn D", 2), ("Chi đoàn B", 1), ("Chi đoàn C", 1)):
        for _ in range(k):
            assert_status(vote(new_user(), ids[n]), 201)
    settle(db)
    anon = Client(base_url)
    rows = [(u["rank"], u["name"], u["votes"])
            for u in units(anon, slug)["units"]]
    assert rows == [(1, "Chi đoàn D", 2), (2, "Chi đoàn B", 1),
                    (2, "Chi đoàn C", 1), (4, "Chi đoàn A", 0)]
    assert [(u["rank"], u["name"]) for u in
            units(anon, slug, limit=3)["units"]] == \
        [(1, "Chi đoàn D"), (2, "Chi đoàn B"), (2, "Chi đoàn C")]
    assert len(units(anon, slug, limit=1000)["units"]) == 4
    for bad in ("0", "1001", "x", "-1"):
        assert_error(anon.get(f"{API}/contests/{slug}/leaderboard/units",
                              params={"limit": bad}), 400, "invalid_field")


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
