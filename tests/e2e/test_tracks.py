"""Prize tracks, weekly snapshots, the generated rules text and the photo
hints for judges (issue 16; sql/functions/100_tracks.sql).

Votes are fixture rows inserted as the database owner
(judging_helpers.insert_votes, with a chosen created_at); scores go
through the API.
"""

import csv
import datetime
import io
import json
import os
import subprocess
import tempfile

import pytest

from helpers import API, assert_error, assert_status, upload_ok
from judging_helpers import (board_votes, fixture_accounts, insert_votes,
                             judged_contest, wait_for)
from unit_helpers import small_tree

CRITERIA = ("Nội dung", "Thẩm mỹ", "Thông điệp")

# One judge gives every criterion of an entry the same mark, so the jury
# score is that mark.  Entries A B C D:
#   jury   9 7 7 5            votes 5 3 2 4
#   jury normalised (min-max 0..100):  100 50 50 0
#   votes normalised:                  100 33.3333 0 66.6667
#   combined 70/30:  A 100  B 45  C 35  D 20
MARKS = [9, 7, 7, 5]
VOTES = [5, 3, 2, 4]

TRACKS = [
    {"kind": "combined", "name": "Giải chung cuộc", "places": 1,
     "params": {"jury_weight": 70, "public_weight": 30}},
    {"kind": "jury", "name": "Giải Ban giám khảo", "places": 2},
    {"kind": "popularity", "name": "Giải Bình chọn", "places": 1},
]


def utc_iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%MZ")


def seed(contest, new_user, make_jpeg, db, **settings):
    w = judged_contest(contest, new_user, make_jpeg, approved=4,
                       titles=["Ảnh A", "Ảnh B", "Ảnh C", "Ảnh D"],
                       **settings)
    for eid, m in zip(w["approved"], MARKS):
        r = w["judge"].put(f"{API}/entries/{eid}/scores", json={
            "criteria": {k: m for k in CRITERIA},
            "comment": f"Nhận xét cho ảnh {eid}: bố cục chắc"})
        assert_status(r, 200)
    voters = fixture_accounts(db, max(VOTES))
    for eid, n in zip(w["approved"], VOTES):
        insert_votes(db, eid, voters[:n], "198.51.100.7", start_ago_s=600,
                     step_s=1)
    want = dict(zip(w["approved"], VOTES))
    wait_for(lambda: board_votes(w["admin"], w["slug"]) == want,
             "votes folded")
    return w


def standings(res, name):
    t = next(t for t in res["tracks"] if t["name"] == name)
    return [(row["entry"]["id"], row["rank"], float(row["score"]),
             row["winner"]) for row in t["standings"]]


def tracks_state(db, slug):
    with db.cursor() as cur:
        cur.execute("SELECT t.position, t.kind, t.name, t.places, "
                    "t.params::text, c.multi_win, c.week_day, c.week_hour "
                    "FROM netdep.contests c LEFT JOIN netdep.prize_tracks t "
                    "ON t.contest_id = c.id WHERE c.slug = %s ORDER BY 1",
                    (slug,))
        return cur.fetchall()


def test_tracks_ranks_ties_combined_and_exclusivity(contest, new_user,
                                                    make_jpeg, db, anon,
                                                    admin_cli):
    w = seed(contest, new_user, make_jpeg, db)
    slug, admin = w["slug"], w["admin"]
    a, b, c, d = w["approved"]
    url = f"{API}/contests/{slug}/tracks"
    r = admin.put(url, json={"multi_win": True, "tracks": TRACKS})
    assert_status(r, 200)

    res = admin.get(url).json()
    assert standings(res, "Giải chung cuộc") == [
        (a, 1, 100.0, True), (b, 2, 45.0, False), (c, 3, 35.0, False),
        (d, 4, 20.0, False)]
    parts = res["tracks"][0]["standings"][1]["parts"]
    assert float(parts["votes_normalised"]) == 33.3333
    assert float(parts["jury_normalised"]) == 50.0
    # Ties share a place, the next is skipped; every entry tied for the
    # last winning place wins.
    assert standings(res, "Giải Ban giám khảo") == [
        (a, 1, 9.0, True), (b, 2, 7.0, True), (c, 2, 7.0, True),
        (d, 4, 5.0, False)]
    assert standings(res, "Giải Bình chọn")[0] == (a, 1, 5.0, True)

    # One prize per entry: tracks in order, earlier winners left out.
    assert_status(admin.put(url, json={"multi_win": False}), 200)
    res = admin.get(url).json()
    assert [s[:2] for s in standings(res, "Giải chung cuộc")][0] == (a, 1)
    assert standings(res, "Giải Ban giám khảo") == [
        (b, 1, 7.0, True), (c, 1, 7.0, True), (d, 3, 5.0, False)]
    assert standings(res, "Giải Bình chọn") == [(d, 1, 4.0, True)]

    # The rules text is made from the tracks.
    rules = anon.get(f"{API}/contests/{slug}/prize-rules").json()
    text = rules["rules_text"]
    for t in TRACKS:
        assert t["name"] in text, text
    assert "70% điểm giám khảo + 30% lượt bình chọn" in text
    assert "(1, 2, 2, 4)" in text and "Mỗi ảnh chỉ đạt một giải" in text

    # Bad definitions: 400 naming the field, nothing written (API, CLI).
    before = tracks_state(db, slug)
    for body, field in [
            ({"tracks": [{"kind": "lottery", "name": "x", "places": 1}]},
             "tracks[1].kind"),
            ({"tracks": [TRACKS[1], {"kind": "combined", "name": "y",
                                     "places": 1, "params": {
                                         "jury_weight": 70,
                                         "public_weight": 20}}]},
             "tracks[2].params"),
            ({"tracks": [{"kind": "jury", "name": "z", "places": 0}]},
             "tracks[1].places"),
            ({"tracks": [{"kind": "jury", "name": "w", "places": 1,
                          "params": {"weights": {"Màu sắc": 10}}}]},
             "tracks[1].params.weights"),
            ({"week_hour": 24}, "week_hour")]:
        err = assert_error(admin.put(url, json=body), 400, "invalid_field")
        assert field in err["message"], err
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump({"tracks": [{"kind": "unit", "name": "Đơn vị",
                               "places": 3, "params": {"measure": "x"}}]}, f)
        f.flush()
        cli = admin_cli("tracks", "set", slug, f.name)
        assert cli.returncode == 2 and "params.measure" in cli.stderr, cli
    assert tracks_state(db, slug) == before

    # Results: judges only until published, then everyone, with the
    # jury's comments and an invitation to the next contest.
    assert_error(anon.get(url), 403, "results_not_published")
    nxt = contest(title="Cuộc thi tiếp theo")
    assert_status(admin.post(f"{API}/contests/{slug}/publish"), 200)
    pub = anon.get(url)
    assert_status(pub, 200)
    res = pub.json()
    assert res["published"] is True and "(1, 2, 2, 4)" in res["tie_rule"]
    assert standings(res, "Giải Bình chọn") == [(d, 1, 4.0, True)]
    assert res["tracks"][0]["standings"][0]["entry"]["url"] == f"/e/{a}"
    assert any(k["entry_id"] == a and "bố cục chắc" in k["comment"]
               for k in res["comments"])
    assert res["next_contest"]["slug"] == nxt
    # Published: the tracks are final.
    assert_error(admin.put(url, json={"multi_win": True}), 409,
                 "results_published")


def test_weekly_snapshot_frozen_after_void(contest, new_user, make_jpeg, db,
                                           anon, admin_cli):
    now = datetime.datetime.now(datetime.timezone.utc)
    # Voting "starts" next year until the votes are in, so no snapshot
    # (the folder takes them every minute) can be taken before them.
    w = judged_contest(contest, new_user, make_jpeg, approved=2,
                       vote_from=utc_iso(now + datetime.timedelta(days=365)))
    slug, admin = w["slug"], w["admin"]
    a, b = w["approved"]
    voters = fixture_accounts(db, 3)
    ten_days = 10 * 86400
    ids = insert_votes(db, a, voters, "198.51.100.9", ten_days, 60)
    insert_votes(db, b, voters[:1], "198.51.100.9", ten_days, 0)
    r = admin_cli("contest", "set", slug,
                  f"vote-from={utc_iso(now - datetime.timedelta(days=15))}")
    assert r.returncode == 0, r.stderr
    r = admin_cli("snapshot", "take", slug)
    assert r.returncode == 0, r.stderr

    def week_with_votes():
        weeks = anon.get(f"{API}/contests/{slug}/weeks").json()["weeks"]
        return [x for x in weeks if x["rows"] and any(
            row["votes"] for row in x["rows"])]
    weeks = week_with_votes()
    assert len(weeks) == 1, weeks
    wk = weeks[0]
    assert [(x["id"], x["rank"], x["votes"], x["voided_since"])
            for x in wk["rows"]] == [(a, 1, 3, 0), (b, 2, 1, 0)]
    assert wk["voided_since"] == 0

    # The weekly track reads the snapshots: one winner per week.
    r = admin.put(f"{API}/contests/{slug}/tracks", json={"tracks": [
        {"kind": "weekly", "name": "Giải tuần", "places": 1}]})
    assert_status(r, 200)
    res = admin.get(f"{API}/contests/{slug}/tracks").json()
    won = [(x["week"], [(s["entry"]["id"], s["rank"], s["score"])
                        for s in x["standings"]])
           for x in res["tracks"][0]["weeks"] if x["standings"]]
    assert won == [(wk["week"], [(a, 1, 3)])], won

    # A vote of that week voided later: the snapshot stays, with a note.
    r = admin.post(f"{API}/contests/{slug}/votes/void",
                   json={"vote_ids": ids[:1], "reason": "Tài khoản ảo"})
    assert_status(r, 200)
    assert r.json()["voided"] == 1
    again = [x for x in anon.get(f"{API}/contests/{slug}/weeks").json()[
        "weeks"] if x["week"] == wk["week"]][0]
    assert [(x["id"], x["votes"], x["total"], x["voided_since"])
            for x in again["rows"]] == [(a, 3, 3, 1), (b, 1, 1, 0)]
    assert again["voided_since"] == 1 and again["taken_at"] == wk["taken_at"]
    # Nothing takes it again, nobody may change it.
    r = admin_cli("snapshot", "take", slug)
    assert r.returncode == 0 and r.stdout.startswith("0 "), r.stdout
    with pytest.raises(Exception, match="never changed"):
        with db.cursor() as cur:
            cur.execute("UPDATE netdep.week_snapshot_rows SET votes = 9 "
                        "WHERE entry_id = %s", (a,))

    # The week's CSV.
    r = anon.get(f"{API}/contests/{slug}/weeks/{wk['week']}/csv")
    assert_status(r, 200)
    assert r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Hạng" and rows[0][-1] == "Lượt bị hủy sau khi chốt"
    assert [(x[0], x[1], x[6], x[8]) for x in rows[1:]] == [
        ("1", str(a), "3", "1"), ("2", str(b), "1", "0")]
    assert_error(anon.get(f"{API}/contests/{slug}/weeks/999/csv"), 404,
                 "no_week")


def exif_jpeg(make_jpeg, taken):
    with tempfile.TemporaryDirectory() as tmp:
        p = os.path.join(tmp, "x.jpg")
        with open(p, "wb") as f:
            f.write(make_jpeg(1000, 800))
        subprocess.run(["exiftool", "-q", "-overwrite_original",
                        f"-DateTimeOriginal={taken}", p], check=True,
                       capture_output=True)
        with open(p, "rb") as f:
            return f.read()


def test_photo_hints_for_judges(contest, new_user, make_jpeg):
    now = datetime.datetime.now(datetime.timezone.utc)
    slug = contest(submit_from=utc_iso(now - datetime.timedelta(days=2)))
    judge = new_user(role="judge", contest=slug, unit="Đoàn giám khảo")
    one, two = new_user(), new_user(unit="Chi đoàn 2")
    old = exif_jpeg(make_jpeg, "2020:01:02 08:00:00")
    first = upload_ok(one, slug, old)["id"]
    # The same photo from another entrant (any contest).
    other = contest()
    copy = upload_ok(two, other, old)["id"]
    fresh = upload_ok(two, slug, make_jpeg(1000, 800))["id"]
    r = judge.get(f"{API}/moderation/queue", params={"contest": slug})
    assert_status(r, 200)
    q = {e["id"]: e for e in r.json()["entries"]}
    hints = {h["kind"]: h for h in q[first]["hints"]}
    assert hints["taken_before"]["text"] == "Chụp trước thời gian cuộc thi"
    # Up to five near matches, nearest first; the suite's other synthetic
    # photos may come near too, so look for the copy among them.
    near = [(h["entry_id"], h["contest"], h["distance"])
            for h in q[first]["hints"] if h["kind"] == "other_entrant"]
    assert (copy, other, 0) in near, near
    assert near[0][2] == 0, near
    # No capture date: no date hint (near matches depend on the suite).
    assert not [h for h in q[fresh]["hints"]
                if h["kind"] in ("taken_before", "taken_after")]


def test_unit_tracks_per_100_members_and_entries(contest, new_user,
                                                 make_jpeg, admin_cli,
                                                 tmp_path):
    codes, names, _ = small_tree(admin_cli, tmp_path)
    slug = contest()
    admin = new_user(role="admin")
    # Chi đoàn Một A (50 members): 2 participants -> 4 per 100;
    # Chi đoàn Một B (20 members): 1 participant -> 5 per 100.
    for code in (codes["b1"], codes["b1"], codes["b2"]):
        u = new_user(unit_code=code)
        eid = upload_ok(u, slug, make_jpeg(1000, 800))["id"]
        assert_status(admin.post(f"{API}/entries/{eid}/moderation",
                                 json={"action": "approve"}), 200)
    r = admin.put(f"{API}/contests/{slug}/tracks", json={"tracks": [
        {"kind": "unit", "name": "Đơn vị tích cực", "places": 1,
         "params": {"measure": "per_100_members", "level": "branch"}},
        {"kind": "unit", "name": "Đơn vị nhiều ảnh", "places": 1,
         "params": {"measure": "entries", "level": "branch"}}]})
    assert_status(r, 200)
    res = admin.get(f"{API}/contests/{slug}/tracks").json()
    got = [[(u["unit"]["code"], u["rank"], float(u["score"]), u["winner"])
            for u in t["units"]] for t in res["tracks"]]
    assert got == [
        [(codes["b2"], 1, 5.0, True), (codes["b1"], 2, 4.0, False)],
        [(codes["b1"], 1, 2.0, True), (codes["b2"], 2, 1.0, False)]], got
