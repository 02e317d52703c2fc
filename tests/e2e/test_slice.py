"""The whole first slice through nginx: register, upload a JPEG and a PNG,
a judge approves, the gallery lists them, another user votes, the
leaderboard ranks; and the media of an entry is public exactly while the
entry is approved (SPEC section 3: pending and rejected media is not
reachable)."""

import secrets

import pytest

from conftest import PASSWORD, Client
from helpers import (API, DERIV_SUFFIXES, approve, assert_error,
                     assert_status, describe, jpeg_size, media_token,
                     public_media_path, reject, upload_ok, vote)
from vote_helpers import board_rows, eventually_equal


def register(base_url, unit="Chi đoàn Trường THPT Lê Quý Đôn",
             district="Quận 3"):
    c = Client(base_url)
    username = f"sv{secrets.token_hex(4)}"
    r = c.post(f"{API}/accounts", json={
        "username": username, "password": PASSWORD,
        "display_name": f"Đoàn viên {username}", "unit": unit,
        "district": district})
    assert_status(r, 201)
    c.csrf = r.json()["csrf_token"]
    c.user = r.json()["user"]
    c.username = username
    return c


def test_whole_slice(base_url, contest, new_user, make_jpeg, make_png, anon):
    slug = contest(categories=["Đoàn viên", "Thanh niên"])
    judge = new_user(role="judge", contest=slug)
    author = register(base_url)
    voter = register(base_url)

    info = anon.get(f"{API}/contests/{slug}").json()["contest"]
    cat = info["categories"][0]["id"]
    jpg = upload_ok(author, slug, make_jpeg(1600, 1200), title="Tiếp sức "
                    "mùa thi", caption="Sinh viên tình nguyện", category=cat)
    png = upload_ok(author, slug, make_png(1200, 1000), filename="b.png",
                    content_type="image/png", title="Hiến máu nhân đạo",
                    category=cat)
    assert jpg["original_type"] == "image/jpeg"
    assert png["original_type"] == "image/png"

    # Nothing public yet.
    assert anon.get(f"{API}/contests/{slug}/entries").json()["entries"] == []
    queue = [e["id"] for e in judge.get(f"{API}/moderation/queue")
             .json()["entries"]]
    assert jpg["id"] in queue and png["id"] in queue

    approve(judge, jpg["id"])
    approve(judge, png["id"])

    r = anon.get(f"{API}/contests/{slug}/entries")
    assert_status(r, 200)
    listed = r.json()["entries"]
    assert {e["id"] for e in listed} == {jpg["id"], png["id"]}
    assert [e["id"] for e in listed] == [png["id"], jpg["id"]]  # newest
    for e in listed:
        assert e["status"] == "approved"
        assert e["author"]["unit"] == "Chi đoàn Trường THPT Lê Quý Đôn"
        assert "original" not in e and "reject_reason" not in e
        thumb = anon.get(e["media"]["thumb_jpeg"])
        assert_status(thumb, 200)
        assert thumb.headers["Content-Type"] == "image/jpeg"
        assert jpeg_size(thumb.content)[0] == 400

    r = vote(voter, jpg["id"])
    assert_status(r, 201)
    assert r.json() == {"entry_id": jpg["id"], "vote_count": 1,
                        "votes_left": 9}
    assert_error(vote(voter, jpg["id"]), 409, "already_voted")

    # Counts are folded in the background (within 2 s): poll for the vote.
    want = [(1, 1, jpg["id"]), (2, 0, png["id"])]
    assert eventually_equal(lambda: board_rows(anon, slug), want) == want

    r = anon.get(f"{API}/contests/{slug}/entries", params={"sort": "votes"})
    assert [e["id"] for e in r.json()["entries"]] == [jpg["id"], png["id"]]
    assert r.json()["entries"][0]["votes"] == 1

    r = anon.get(f"/e/{jpg['id']}")
    assert_status(r, 200)
    assert "Tiếp sức mùa thi" in r.text


@pytest.fixture
def three(contest, new_user, make_jpeg, base_url):
    slug = contest()
    judge = new_user(role="judge", contest=slug)
    owner = new_user()
    stranger = new_user()
    eid = upload_ok(owner, slug, make_jpeg(1600, 1200))["id"]
    return slug, judge, owner, stranger, eid


def public_status(base_url, token):
    anon = Client(base_url)
    return {s: anon.get(public_media_path(token, s)).status_code
            for s in DERIV_SUFFIXES}


def test_pending_media_is_not_public(three, db, base_url, media_dir):
    slug, judge, owner, stranger, eid = three
    token = media_token(db, eid)
    assert set(public_status(base_url, token).values()) == {404}
    # Not through any guessable path either.
    anon = Client(base_url)
    for path in (f"/media/../orig/{token[:2]}/{token[2:4]}/{token}.jpg",
                 f"/_orig/{token[:2]}/{token[2:4]}/{token}.jpg",
                 f"/_priv/{token[:2]}/{token[2:4]}/{token}_t400.jpg",
                 f"/priv/{token[:2]}/{token[2:4]}/{token}_t400.jpg"):
        r = anon.get(path)
        assert r.status_code in (400, 404), describe(r)
        assert not r.content.startswith(b"\xff\xd8"), path


def test_pending_media_reaches_owner_and_judges_only(three, base_url):
    slug, judge, owner, stranger, eid = three
    for kind, ctype in (("t400.jpg", "image/jpeg"),
                        ("d1600.jpg", "image/jpeg"),
                        ("t400.webp", "image/webp")):
        url = f"{API}/entries/{eid}/media/{kind}"
        for who in (owner, judge):
            r = who.get(url)
            assert_status(r, 200)
            assert r.headers["Content-Type"] == ctype, describe(r)
            assert "no-store" in r.headers.get("Cache-Control", "")
            assert r.content[:2] == b"\xff\xd8" or r.content[:4] == b"RIFF"
        assert_error(stranger.get(url), 404, "no_entry")
        assert_error(Client(base_url).get(url), 401, "login_required")
    assert_error(owner.get(f"{API}/entries/{eid}/media/orig.png"), 404,
                 "not_found")


def test_original_reaches_owner_and_judges_only(three, base_url, make_jpeg):
    slug, judge, owner, stranger, eid = three
    url = f"{API}/entries/{eid}/original"
    for who in (owner, judge):
        r = who.get(url)
        assert_status(r, 200)
        assert r.headers["Content-Type"] == "image/jpeg"
        assert r.headers["Content-Disposition"].startswith("attachment")
        assert jpeg_size(r.content) == (1600, 1200)
    assert_error(stranger.get(url), 404, "no_entry")
    assert_error(Client(base_url).get(url), 401, "login_required")
    approve(judge, eid)
    # Approval publishes derivatives, never the original.
    assert_error(stranger.get(url), 404, "no_entry")


def test_approved_media_is_public(three, db, base_url, anon):
    slug, judge, owner, stranger, eid = three
    approve(judge, eid)
    token = media_token(db, eid)
    assert set(public_status(base_url, token).values()) == {200}
    e = anon.get(f"{API}/entries/{eid}").json()["entry"]
    assert e["media"]["thumb_jpeg"] == public_media_path(token, "_t400.jpg")
    assert e["media"]["display_jpeg"] == public_media_path(token,
                                                           "_d1600.jpg")
    r = anon.get(e["media"]["display_jpeg"])
    assert r.headers["Content-Type"] == "image/jpeg"
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert max(jpeg_size(r.content)) == 1600
    r = anon.get(e["media"]["thumb_webp"])
    assert r.headers["Content-Type"] == "image/webp"
    assert r.content[:4] == b"RIFF" and r.content[8:12] == b"WEBP"


def test_rejected_media_is_not_public(three, db, base_url, anon, media_dir):
    slug, judge, owner, stranger, eid = three
    reject(judge, eid)
    token = media_token(db, eid)
    assert set(public_status(base_url, token).values()) == {404}
    import os
    pub = os.path.join(media_dir, "pub", token[:2], token[2:4])
    if os.path.isdir(pub):
        assert not [n for n in os.listdir(pub) if n.startswith(token)]
    assert_error(anon.get(f"{API}/entries/{eid}"), 404, "no_entry")
    assert_error(stranger.get(f"{API}/entries/{eid}"), 404, "no_entry")
    assert anon.get(f"{API}/contests/{slug}/entries").json()["entries"] == []
    # The owner still sees it, with the reason.
    e = owner.get(f"{API}/entries/{eid}").json()["entry"]
    assert e["status"] == "rejected" and e["reject_reason"]


def test_gallery_filters_and_pages(contest, new_user, make_jpeg, anon):
    slug = contest(categories=["A", "B"], min_short_side=200)
    cats = [c["id"] for c in anon.get(f"{API}/contests/{slug}")
            .json()["contest"]["categories"]]
    judge = new_user(role="judge", contest=slug)
    u1 = new_user(unit="Chi đoàn Một")
    u2 = new_user(unit="Chi đoàn Hai")
    photo = make_jpeg(400, 300)
    ids = []
    for who, cat in ((u1, cats[0]), (u1, cats[1]), (u2, cats[0]),
                     (u2, cats[1])):
        e = upload_ok(who, slug, photo, category=cat)
        approve(judge, e["id"])
        ids.append(e["id"])
    upload_ok(u1, slug, photo, category=cats[0])       # stays pending

    def listed(**params):
        r = anon.get(f"{API}/contests/{slug}/entries", params=params)
        assert_status(r, 200)
        return r.json()

    assert [e["id"] for e in listed()["entries"]] == ids[::-1]
    assert [e["id"] for e in listed(category=cats[0])["entries"]] == \
        [ids[2], ids[0]]
    assert [e["id"] for e in listed(unit="Chi đoàn Hai")["entries"]] == \
        [ids[3], ids[2]]
    page1 = listed(limit=3)
    assert len(page1["entries"]) == 3 and page1["next_cursor"]
    page2 = listed(limit=3, cursor=page1["next_cursor"])
    assert [e["id"] for e in page1["entries"] + page2["entries"]] == ids[::-1]
    assert page2["next_cursor"] is None
    for bad in ({"sort": "random"}, {"limit": "0"}, {"limit": "101"},
                {"category": "x"}, {"cursor": "-1"}):
        assert_error(anon.get(f"{API}/contests/{slug}/entries", params=bad),
                     400, "invalid_field")
    assert_error(anon.get(f"{API}/contests/no-such-contest-q/entries"), 404,
                 "no_contest")
    # A real contest with nothing approved is an empty page, not a 404;
    # so is a page past the end.
    empty = contest()
    r = anon.get(f"{API}/contests/{empty}/entries")
    assert_status(r, 200)
    assert r.json()["entries"] == [] and r.json()["next_cursor"] is None
    # An offset is no cursor: pages are keyset pages (test_reads_cost.py).
    assert_error(anon.get(f"{API}/contests/{slug}/entries",
                          params={"cursor": "500"}), 400, "invalid_field")


def test_contests_list_and_get(contest, anon):
    slug = contest(categories=["Một", "Hai"], votes_per_day=5,
                   vote_rule="once", max_entries=2, min_short_side=640)
    r = anon.get(f"{API}/contests")
    assert_status(r, 200)
    assert slug in [c["slug"] for c in r.json()["contests"]]
    c = anon.get(f"{API}/contests/{slug}").json()["contest"]
    assert [k["name"] for k in c["categories"]] == ["Một", "Hai"]
    assert all(isinstance(k["id"], int) for k in c["categories"])
    assert (c["votes_per_day"], c["vote_rule"], c["max_entries"],
            c["min_short_side"]) == (5, "once", 2, 640)
    assert_error(anon.get(f"{API}/contests/no-such-contest-q"), 404,
                 "no_contest")
