"""Unit prize tracks ranked at a level of the unit tree (issue 16 with the
tree of issue 15; sql/functions/105_unit_tracks.sql): an entry counts for
its chi đoàn and every ancestor, members are the latest figure on or
before the contest's day, a merged-away unit counts under its successor,
the level is named by the track (default: the level under the
organising unit) and said by the rules text."""

import datetime
import secrets

from helpers import API, assert_error, assert_status, upload_ok
from judging_helpers import fixture_accounts, insert_votes
from unit_helpers import import_ok
from vote_helpers import settle


def tree_rows(p, stage=0):
    """One city union, two grassroots unions under it, four chi đoàn:

        city (1000 members)
          w1  Đoàn phường Một (200)   b1, b2 (20)
          w2  Đoàn xã Hai (100)       b3 (10), m (40)

    b1's member figures come one per stage: 40 on 2025-01-01, then 50 on
    2025-07-01, then 500 on 2099-01-01 (after the contest's day); from
    stage 1 on, m is merged into b3 (valid until yesterday)."""
    c = {k: f"{p}-{k}" for k in ("city", "w1", "w2", "b1", "b2", "b3", "m",
                                  "s")}
    b1 = [("40", "2025-01-01"), ("50", "2025-07-01"),
          ("500", "2099-01-01")][stage]
    rows = [
        {"code": c["city"], "name": f"Thành đoàn {p}", "kind": "city",
         "members": "1000"},
        {"code": c["w1"], "name": f"Đoàn phường {p} Một", "kind": "ward",
         "parent": c["city"], "members": "200"},
        {"code": c["w2"], "name": f"Đoàn xã {p} Hai", "kind": "commune",
         "parent": c["city"], "members": "100"},
        {"code": c["b1"], "name": f"Chi đoàn {p} Một A", "kind": "branch",
         "parent": c["w1"], "members": b1[0], "members_as_of": b1[1]},
        {"code": c["b2"], "name": f"Chi đoàn {p} Một B", "kind": "branch",
         "parent": c["w1"], "members": "20"},
        {"code": c["b3"], "name": f"Chi đoàn {p} Hai A", "kind": "branch",
         "parent": c["w2"], "members": "10"},
        {"code": c["m"], "name": f"Chi đoàn {p} Hai Cũ", "kind": "branch",
         "parent": c["w2"], "members": "40"},
    ]
    if stage > 0:
        yesterday = (datetime.date.today()
                     - datetime.timedelta(days=1)).isoformat()
        rows[-1].update(valid_to=yesterday, successors=c["b3"])
        # s (no entries) split into b1 and b2.
        rows.append({"code": c["s"], "name": f"Chi đoàn {p} Tách",
                     "kind": "branch", "parent": c["w1"],
                     "valid_to": yesterday,
                     "successors": f"{c['b1']} {c['b2']}"})
    return c, rows


def units_of(res, name):
    """A unit track's level and its rows (code, rank, score, winner,
    entries, participants, votes, members)."""
    t = next(t for t in res["tracks"] if t["name"] == name)
    return t["level"], [(u["unit"]["code"], u["rank"], float(u["score"]),
                         u["winner"], u["entries"], u["participants"],
                         u["votes"], u["members"]) for u in t["units"]]


TRACKS = [
    {"kind": "unit", "name": "Chi đoàn tích cực", "places": 1,
     "params": {"measure": "per_100_members", "level": "branch"}},
    {"kind": "unit", "name": "Chi đoàn nhiều ảnh", "places": 1,
     "params": {"measure": "entries", "level": "branch"}},
    {"kind": "unit", "name": "Cơ sở tích cực", "places": 1,
     "params": {"measure": "per_100_members"}},
    {"kind": "unit", "name": "Cơ sở được bình chọn", "places": 1,
     "params": {"measure": "votes", "level": "grassroots"}},
    {"kind": "unit", "name": "Thành đoàn", "places": 1,
     "params": {"measure": "per_100_members", "level": "province"}},
]


def tracks_rows(db, slug):
    with db.cursor() as cur:
        cur.execute("SELECT t.position, t.kind, t.name, t.places, "
                    "t.params::text FROM netdep.prize_tracks t JOIN "
                    "netdep.contests c ON c.id = t.contest_id "
                    "WHERE c.slug = %s ORDER BY 1", (slug,))
        return cur.fetchall()


def board(client, slug, level):
    r = client.get(f"{API}/contests/{slug}/leaderboard/units",
                   params={"level": level})
    assert_status(r, 200)
    return {u["code"]: (u["entries"], u["participants"], u["votes"],
                        u["members"]) for u in r.json()["units"]}


def test_unit_tracks_roll_up_levels_and_follow_mergers(
        contest, new_user, make_jpeg, db, admin_cli, tmp_path):
    p = secrets.token_hex(3)
    c, rows = tree_rows(p)
    import_ok(admin_cli, tmp_path, rows, f"t0-{p}.csv")
    until = (datetime.datetime.now(datetime.timezone.utc)
             + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%MZ")
    slug = contest(unit_code=c["city"], max_entries=2, vote_until=until)
    r = admin_cli("contest", "set", slug, "open-to-all=yes")
    assert r.returncode == 0, r.stderr
    admin = new_user(role="admin")
    # Entrants by chi đoàn, with the valid votes of each of their entries:
    # b1: 3 1 and 0 (two entrants); b2: 2; b3: 1; m: 4 and 0 (two).
    plan = [("b1", [3, 1]), ("b1", [0]), ("b2", [2]), ("b3", [1]),
            ("m", [4]), ("m", [0])]
    voters = fixture_accounts(db, 4)
    photo = make_jpeg(1000, 800)

    def entry(owner, votes):
        eid = upload_ok(owner, slug, photo)["id"]
        assert_status(admin.post(f"{API}/entries/{eid}/moderation",
                                 json={"action": "approve"}), 200)
        insert_votes(db, eid, voters[:votes], "198.51.100.20",
                     start_ago_s=600, step_s=1)
    for unit, votes in plan:
        owner = new_user(unit_code=c[unit])
        for n in votes:
            entry(owner, n)
    # Counted nowhere: a pending entry, and an entry of a unit not in the
    # tree (a free-text name), however many votes.
    upload_ok(new_user(unit_code=c["b2"]), slug, photo)
    entry(new_user(unit="Chi đoàn chưa có trong cây"), 4)
    url = f"{API}/contests/{slug}/tracks"
    assert_status(admin.put(url, json={"tracks": TRACKS}), 200)

    # Before the merger, m is a chi đoàn of its own; b1 has 40 members.
    res = admin.get(url).json()
    assert units_of(res, "Chi đoàn tích cực") == ("branch", [
        (c["b3"], 1, 10.0, True, 1, 1, 1, 10),
        (c["m"], 2, 5.0, False, 2, 2, 4, 40),
        (c["b1"], 2, 5.0, False, 3, 2, 4, 40),
        (c["b2"], 2, 5.0, False, 1, 1, 2, 20)])

    # m merged into b3 (valid until yesterday); b1's figure of 2025-07-01
    # (50) counts, not the later one of 2099 (500).
    for stage in (1, 2):
        import_ok(admin_cli, tmp_path, tree_rows(p, stage)[1],
                  f"t{stage}-{p}.csv")
    res = admin.get(url).json()
    assert units_of(res, "Chi đoàn tích cực") == ("branch", [
        (c["b3"], 1, 30.0, True, 3, 3, 5, 10),
        (c["b2"], 2, 5.0, False, 1, 1, 2, 20),
        (c["b1"], 3, 4.0, False, 3, 2, 4, 50)])
    # The unit standing for another on the contest's day: a merger is
    # followed, a split is not (nobody can say which part), a unit still
    # valid is itself.
    with db.cursor() as cur:
        cur.execute("SELECT u.code, s.code FROM netdep.units u JOIN "
                    "netdep.units s ON s.id = netdep.unit_current_on(u.id, "
                    "current_date + 30) WHERE u.code = ANY (%s) ORDER BY 1",
                    ([c["m"], c["s"], c["b1"]],))
        assert cur.fetchall() == sorted([(c["m"], c["b3"]), (c["s"], c["s"]),
                                         (c["b1"], c["b1"])])
    # Tied for the one place: both win.
    assert units_of(res, "Chi đoàn nhiều ảnh") == ("branch", [
        (c["b3"], 1, 3.0, True, 3, 3, 5, 10),
        (c["b1"], 1, 3.0, True, 3, 2, 4, 50),
        (c["b2"], 3, 1.0, False, 1, 1, 2, 20)])
    # No level named: the one under the organiser (a city union).
    assert units_of(res, "Cơ sở tích cực") == ("grassroots", [
        (c["w2"], 1, 3.0, True, 3, 3, 5, 100),
        (c["w1"], 2, 1.5, False, 4, 3, 6, 200)])
    assert units_of(res, "Cơ sở được bình chọn") == ("grassroots", [
        (c["w1"], 1, 6.0, True, 4, 3, 6, 200),
        (c["w2"], 2, 5.0, False, 3, 3, 5, 100)])
    assert units_of(res, "Thành đoàn") == ("province", [
        (c["city"], 1, 0.6, True, 7, 6, 11, 1000)])
    # The same sums as the unit board of each level (m's entries stay
    # under w2 and the city there too).
    settle(db)
    for level, track in (("grassroots", "Cơ sở tích cực"),
                         ("province", "Thành đoàn")):
        assert board(admin, slug, level) == {
            r[0]: (r[4], r[5], r[6], r[7])
            for r in units_of(res, track)[1]}

    # The rules text says each track's level.
    rules = admin.get(f"{API}/contests/{slug}/prize-rules").json()
    text = rules["rules_text"]
    assert ("Chi đoàn tích cực (1 giải): xếp các đơn vị cấp chi đoàn theo "
            "số người tham gia trên 100 đoàn viên") in text, text
    assert ("Cơ sở tích cực (1 giải): xếp các đơn vị cấp đoàn cơ sở theo "
            "số người tham gia") in text, text
    assert ("Thành đoàn (1 giải): xếp các đơn vị cấp tỉnh đoàn, thành "
            "đoàn theo") in text, text
    assert "đơn vị đã sáp nhập được tính vào đơn vị kế thừa" in text
    assert [t["level"] for t in rules["tracks"]] == [
        "branch", "branch", "grassroots", "grassroots", "province"]

    # Organised by a grassroots union: the default level is the chi đoàn.
    assert_status(admin.patch(f"{API}/contests/{slug}",
                              json={"unit_code": c["w2"]}), 200)
    res = admin.get(url).json()
    assert units_of(res, "Cơ sở tích cực")[0] == "branch"
    rules = admin.get(f"{API}/contests/{slug}/prize-rules").json()
    assert ("Cơ sở tích cực (1 giải): xếp các đơn vị cấp chi đoàn"
            in rules["rules_text"])

    # An unknown level: 400 naming the field, nothing written.
    before = tracks_rows(db, slug)
    for level in ("city", 2, ""):
        bad = [dict(TRACKS[0]), dict(TRACKS[1], params={
            "measure": "votes", "level": level})]
        err = assert_error(admin.put(url, json={"tracks": bad}), 400,
                           "invalid_field")
        assert "tracks[2].params.level" in err["message"], err
    assert tracks_rows(db, slug) == before
