"""The voter's state on the voting pages (issue 17):
GET /api/v1/contests/{slug}/me/votes?entries=1,2,3 -> the entries voted in
the current period, the voter's own entries and the votes left today.
401 anonymous, 400 on a bad id list, 404 for no contest, private (never
cached by nginx nor the browser), and one voter never sees another's."""

from helpers import (API, approve, assert_error, assert_status, new_anon,
                     upload_ok, vote)


def state(client, slug, ids):
    return client.get(f"{API}/contests/{slug}/me/votes",
                      params={"entries": ",".join(str(i) for i in ids)})


def test_voter_state_shows_votes_own_entries_and_budget(
        contest, new_user, make_jpeg, base_url):
    slug = contest(vote_rule="daily", votes_per_day=3, max_entries=2,
                   min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    owner = new_user()
    photo = make_jpeg(400, 300)
    ids = []
    for _ in range(2):
        e = upload_ok(owner, slug, photo)
        approve(judge, e["id"])
        ids.append(e["id"])
    a, b = new_user(), new_user()

    r = state(a, slug, ids)
    assert_status(r, 200)
    assert r.json()["voted"] == [] and r.json()["votes_left"] == 3
    assert r.json()["own"] == []
    assert_status(vote(a, ids[0]), 201)
    r = state(a, slug, ids)
    assert_status(r, 200)
    body = r.json()
    assert body["voted"] == [ids[0]], body
    assert body["votes_left"] == 2 and body["votes_per_day"] == 3
    assert body["vote_rule"] == "daily" and body["open"] is True
    # Private: no shared cache, not even the browser's.
    assert "no-store" in r.headers.get("Cache-Control", "")
    assert r.headers.get("X-Cache") is None
    # Another voter's state is theirs alone, asked twice (a cache would
    # answer the second with the first).
    for _ in range(2):
        rb = state(b, slug, ids)
        assert_status(rb, 200)
        assert rb.json()["voted"] == [] and rb.json()["votes_left"] == 3
    # The owner sees their own entries (no vote button on them).
    ro = state(owner, slug, ids)
    assert_status(ro, 200)
    assert ro.json()["own"] == sorted(ids)


def test_voter_state_refuses_anonymous_and_bad_ids(contest, new_user,
                                                    base_url):
    slug = contest()
    r = new_anon(base_url).get(f"{API}/contests/{slug}/me/votes",
                               params={"entries": "1"})
    assert r.status_code == 401, r.text
    u = new_user()
    for bad in ["", "a", "1,,2", "1;2", "-1", "0", "01", "1,", ",1",
                "9" * 19, ",".join(["1"] * 101)]:
        r = u.get(f"{API}/contests/{slug}/me/votes", params={"entries": bad})
        err = assert_error(r, 400, "invalid_entries")
        assert "ảnh" in err["message"]
    r = u.get(f"{API}/contests/{slug}/me/votes")
    assert_error(r, 400, "invalid_entries")
    r = state(u, slug, list(range(1, 101)))
    assert_status(r, 200)
    r = state(u, "no-such-contest-x", [1])
    assert_status(r, 404)
