"""Units boards by level of the unit tree, ETag / 304, the nginx cache of
anonymous boards, and the gallery's sort=votes|shuffle (issue 4; the tree
of issue 15 replaced the free-text unit and district levels)."""

import pytest

from conftest import Client
from helpers import (API, approve, assert_error, assert_status, upload_ok,
                     vote)
from unit_helpers import small_tree
from vote_helpers import eventually_equal, settle


@pytest.fixture
def units_board(contest, new_user, make_jpeg, db, admin_cli, tmp_path):
    """Chi đoàn b1 (under w1): entries A, B; chi đoàn b3 (under w2): C, D.
    Votes: v0 -> A, B; v1 -> A, C; v2 -> A."""
    c, names, _ = small_tree(admin_cli, tmp_path)
    slug = contest(min_short_side=200, max_entries=2)
    judge = new_user(role="judge", contest=slug)
    u1 = new_user(unit_code=c["b1"])
    u2 = new_user(unit_code=c["b3"])
    photo = make_jpeg(400, 300)
    ids = []
    for owner in (u1, u1, u2, u2):
        e = upload_ok(owner, slug, photo)
        approve(judge, e["id"])
        ids.append(e["id"])
    a, b, c_, d = ids
    voters = [new_user() for _ in range(3)]
    for voter, targets in ((voters[0], (a, b)), (voters[1], (a, c_)),
                           (voters[2], (a,))):
        for t in targets:
            assert_status(vote(voter, t), 201)
    settle(db)
    return slug, ids, voters, c, names


def units(client, slug, **params):
    r = client.get(f"{API}/contests/{slug}/leaderboard/units", params=params)
    assert_status(r, 200)
    return r.json()


def test_units_by_level(units_board, base_url):
    slug, _, _, c, names = units_board
    anon = Client(base_url)
    body = units(anon, slug, level="branch")
    assert body["contest"] == slug and body["level"] == "branch"
    assert [(u["rank"], u["code"], u["name"], u["entries"], u["votes"],
             u["voters"]) for u in body["units"]] == [
        (1, c["b1"], names["b1"], 2, 4, 3),
        (2, c["b3"], names["b3"], 2, 1, 1)]
    assert body["other"] is None
    # The grassroots unions count their chi đoàn; the city counts all.
    body = units(anon, slug, level="grassroots")
    assert [(u["code"], u["votes"], u["voters"]) for u in body["units"]] \
        == [(c["w1"], 4, 3), (c["w2"], 1, 1)]
    body = units(anon, slug)      # level=province by default
    assert body["level"] == "province"
    assert [(u["code"], u["entries"], u["votes"], u["voters"])
            for u in body["units"]] == [(c["city"], 4, 5, 3)]
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
    slug, (a, b, c_, d), _, c, _ = units_board
    anon = Client(base_url)
    judge = new_user(role="judge", contest=slug)
    reader = new_user()     # a session: no nginx cache in the way
    u3 = new_user(unit_code=c["b2"])
    e = upload_ok(u3, slug, make_jpeg(400, 300))

    def codes(level="branch"):
        return [(u["code"], u["entries"])
                for u in units(reader, slug, level=level)["units"]]
    settle(db)
    assert codes() == [(c["b1"], 2), (c["b3"], 2)]
    approve(judge, e["id"])
    # Three chi đoàn with approved entries; b2 has no votes: last.
    want = [(c["b1"], 2), (c["b3"], 2), (c["b2"], 1)]
    assert eventually_equal(codes, want) == want
    want_g = [(c["w1"], 3), (c["w2"], 2)]
    assert eventually_equal(lambda: codes("grassroots"), want_g) == want_g
    assert_status(u3.delete(f"{API}/entries/{e['id']}"), 200)
    assert eventually_equal(codes, want[:2]) == want[:2]
    want_g = [(c["w1"], 2), (c["w2"], 2)]
    assert eventually_equal(lambda: codes("grassroots"), want_g) == want_g
    settle(db)
    # The stored counts equal a count over entries, for every key.
    with db.cursor() as cur:
        cur.execute(
            "SELECT u.level, u.name, u.entries, (SELECT count(*) FROM "
            "netdep.entries e WHERE e.contest_id = u.contest_id AND "
            "e.status = 'approved' AND EXISTS (SELECT 1 FROM "
            "netdep.unit_keys(e.unit_id, e.unit) k WHERE k.level = u.level "
            "AND k.name = u.name)) FROM netdep.unit_stats u JOIN "
            "netdep.contests c ON c.id = u.contest_id WHERE c.slug = %s",
            (slug,))
        rows = cur.fetchall()
    assert rows and all(r[2] == r[3] for r in rows), rows
    # The anonymous board follows too (nginx keeps it a second at most).
    anon_codes = lambda: [(u["code"], u["entries"])  # noqa: E731
                          for u in units(anon, slug, level="branch")["units"]]
    assert eventually_equal(anon_codes, want[:2]) == want[:2]


def test_units_limit_and_ties_by_name(contest, new_user, make_jpeg,
                                      base_url, db, admin_cli, tmp_path):
    """Ties by name, competition ranks, limit 1..1000 (default 100)."""
    c, names, _ = small_tree(admin_cli, tmp_path)
    slug = contest(min_short_side=200, max_entries=1)
    judge = new_user(role="judge", contest=slug)
    ids = {}
    for k in ("b1", "b2", "b3"):
        owner = new_user(unit_code=c[k])
        e = upload_ok(owner, slug, make_jpeg(400, 300))
        approve(judge, e["id"])
        ids[k] = e["id"]
    for k, n in (("b2", 1), ("b3", 1)):
        for _ in range(n):
            assert_status(vote(new_user(), ids[k]), 201)
    settle(db)
    anon = Client(base_url)
    rows = [(u["rank"], u["code"], u["votes"])
            for u in units(anon, slug, level="branch")["units"]]
    # b3 "Chi đoàn Hai A" sorts before b2 "Chi đoàn Một B".
    assert rows == [(1, c["b3"], 1), (1, c["b2"], 1), (3, c["b1"], 0)]
    assert len(units(anon, slug, level="branch", limit=2)["units"]) == 2
    assert len(units(anon, slug, level="branch", limit=1000)["units"]) == 3
    for bad in ("0", "1001", "x", "-1"):
        assert_error(anon.get(f"{API}/contests/{slug}/leaderboard/units",
                              params={"limit": bad}), 400, "invalid_field")


def test_etag_and_304(units_board, new_user):
    slug = units_board[0]
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
    slug = units_board[0]
    url = f"{API}/contests/{slug}/leaderboard?limit=3"
    anon = Client(base_url)
    seen = [anon.get(url).headers.get("X-Cache") for _ in range(3)]
    assert "HIT" in seen, seen
    assert anon.get(url).headers["Cache-Control"] == "public, no-cache"
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


def test_units_count_voters_through_voids(units_board, new_user, db,
                                          base_url):
    """A unit's voters are the accounts with at least one valid vote for
    its entries: a void that takes a voter's last vote there takes the
    voter away (on every level above too), one that leaves another keeps
    them, and a restore brings them back (the folder's per-voter counts,
    unit_voters)."""
    slug, (a, b, c_, d), voters, c, _ = units_board
    admin = new_user(role="admin")
    reader = new_user()     # a session: no nginx cache in the way
    with db.cursor() as cur:
        cur.execute("SELECT a.username, v.id FROM netdep.votes v JOIN "
                    "netdep.accounts a ON a.id = v.voter_id WHERE "
                    "v.entry_id = %s", (a,))
        on_a = dict(cur.fetchall())

    def branch_and_city():
        settle(db)
        br = {u["code"]: (u["votes"], u["voters"])
              for u in units(reader, slug, level="branch")["units"]}
        city = [(u["votes"], u["voters"]) for u in units(reader, slug)["units"]]
        return br.get(c["b1"]), br.get(c["b3"]), city

    def post(what, body):
        r = admin.post(f"{API}/contests/{slug}/votes/{what}", json=body)
        assert_status(r, 200)

    want = ((4, 3), (1, 1), [(5, 3)])
    assert eventually_equal(branch_and_city, want) == want
    # v2 voted for A only: voiding it takes v2 away everywhere.
    post("void", {"vote_ids": [on_a[voters[2].username]], "reason": "thử"})
    want = ((3, 2), (1, 1), [(4, 2)])
    assert eventually_equal(branch_and_city, want) == want
    # v0 still has B in b1: still a voter of b1.
    post("void", {"vote_ids": [on_a[voters[0].username]], "reason": "thử"})
    want = ((2, 2), (1, 1), [(3, 2)])
    assert eventually_equal(branch_and_city, want) == want
    # v2 again, by account.
    post("restore", {"account": voters[2].username})
    want = ((3, 3), (1, 1), [(4, 3)])
    assert eventually_equal(branch_and_city, want) == want
