"""Results (SPEC 5, issue 5): a seeded contest with known votes and jury
scores gives the expected jury and combined rankings, ties included;
nothing jury-related is public before publishing; after it the results,
the labelled scores and the CSV (Vietnamese text, BOM, formula guard) are.

Votes are fixture rows inserted as the database owner (see
judging_helpers.insert_votes); scores go through the API.
"""

import csv
import ipaddress
import re
import io
import os

from helpers import API, assert_error, assert_status
from judging_helpers import (board, board_votes, fixture_accounts,
                             insert_votes, judged_contest, wait_for)

TITLES = ["Ánh sáng Đoàn viên", "Mùa hè xanh, tình nguyện",
          "=HYPERLINK(\"http://x\",\"bấm\")", "Tuổi trẻ \"biên cương\""]

# Two judges, criteria weights 40/40/20.  Marks (weighted means):
#   judge 1: A (10, 6, 8) = 8.0   B 9   C 9   D 10
#   judge 2: A (6, 6, 6)  = 6.0   B 7   C 7   D 4
# jury:     A 7.0  B 8.0  C 8.0  D 7.0
# votes:    A 10   B 5    C 5    D 0     (max 10, public weight 30)
# combined: A 0.3*10 + 0.7*7 = 7.9   B 0.3*5 + 0.7*8 = 7.1   C 7.1
#           D 0 + 0.7*7 = 4.9
# ranks:    combined A 1, B 2, C 2, D 4;  jury B 1, C 1, A 3, D 3
SCORES = {
    0: [(10, 6, 8), (6, 6, 6)],
    1: [(9, 9, 9), (7, 7, 7)],
    2: [(9, 9, 9), (7, 7, 7)],
    3: [(10, 10, 10), (4, 4, 4)],
}
VOTES = [10, 5, 5, 0]


def seed(contest, new_user, make_jpeg, db):
    w = judged_contest(contest, new_user, make_jpeg, approved=4,
                       titles=TITLES)
    slug = w["slug"]
    w["judge2"] = new_user(role="judge", contest=slug, unit="Hội đồng 2")
    for i, eid in enumerate(w["approved"]):
        for judge, marks in zip((w["judge"], w["judge2"]), SCORES[i]):
            body = {"criteria": dict(zip(("Nội dung", "Thẩm mỹ",
                                          "Thông điệp"), marks)),
                    "comment": f"Nhận xét {i}: ảnh đẹp, giàu cảm xúc"}
            r = judge.put(f"{API}/entries/{eid}/scores", json=body)
            assert_status(r, 200)
    voters = fixture_accounts(db, max(VOTES))
    for eid, n in zip(w["approved"], VOTES):
        # Spread over hours from different addresses: honest votes.
        for k in range(n):
            insert_votes(db, eid, [voters[k]], f"198.51.{k}.{eid % 250}",
                         start_ago_s=36000 - 3000 * k, step_s=0)
    want = dict(zip(w["approved"], VOTES))
    wait_for(lambda: board_votes(w["admin"], slug) == want,
             "votes folded into the leaderboard")
    return w


def test_combined_and_jury_rankings(contest, new_user, make_jpeg, db):
    w = seed(contest, new_user, make_jpeg, db)
    a, b, c, d = w["approved"]
    comb = board(w["judge"], w["slug"], by="combined")
    assert [(x["entry"]["id"], x["rank"]) for x in comb] == \
        [(a, 1), (b, 2), (c, 2), (d, 4)]
    assert [float(x["combined"]) for x in comb] == [7.9, 7.1, 7.1, 4.9]
    assert [float(x["jury_score"]) for x in comb] == [7.0, 8.0, 8.0, 7.0]
    assert [x["votes"] for x in comb] == [10, 5, 5, 0]
    jury = board(w["admin"], w["slug"], by="jury")
    assert [(x["entry"]["id"], x["rank"]) for x in jury] == \
        [(b, 1), (c, 1), (a, 3), (d, 3)]
    res = w["judge"].get(f"{API}/contests/{w['slug']}/results").json()
    ranking = res["results"]["ranking"]
    assert [(x["entry"]["id"], x["rank"]) for x in ranking] == \
        [(a, 1), (b, 2), (c, 2), (d, 4)]
    assert res["results"]["published"] is False

    # The public weight is a setting: all-jury makes B and C lead.
    r = w["admin"].patch(f"{API}/contests/{w['slug']}",
                         json={"public_weight": 0})
    assert_status(r, 200)
    comb = board(w["judge"], w["slug"], by="combined")
    assert [(x["entry"]["id"], x["rank"]) for x in comb] == \
        [(b, 1), (c, 1), (a, 3), (d, 3)]

    # Per-judge z-scores.  Judge 1 (mean 9, sd 0.7071) gives z: A -1.414,
    # B 0, C 0, D 1.414; judge 2 (mean 6, sd 1.2247): A 0, B 0.816,
    # C 0.816, D -1.633.  Each mark becomes 7.5 + 1.8028 z (pooled mean
    # and sd), clamped to 0..10 (D's 10.0495 from judge 1 becomes 10):
    # B = C (7.5 + 8.9720) / 2 = 8.2360, D (10 + 4.5561) / 2 = 7.2780,
    # A (4.9505 + 7.5) / 2 = 6.2252: D passes A.
    r = w["admin"].patch(f"{API}/contests/{w['slug']}",
                         json={"zscore": True})
    assert_status(r, 200)
    jury = board(w["judge"], w["slug"], by="jury")
    assert [(x["entry"]["id"], x["rank"]) for x in jury] == \
        [(b, 1), (c, 1), (d, 3), (a, 4)]
    for x, want in zip(jury, (8.2360, 8.2360, 7.2780, 6.2252)):
        assert abs(float(x["jury_score"]) - want) < 0.0002, (x, want)
    assert all(0 <= float(x["jury_score"]) <= 10 for x in jury)


def test_nothing_leaks_before_publishing(contest, new_user, make_jpeg, db,
                                         anon):
    w = seed(contest, new_user, make_jpeg, db)
    slug, a = w["slug"], w["approved"][0]
    participant = new_user()
    for who in (anon, participant, w["owner"]):
        for url in (f"{API}/contests/{slug}/leaderboard?by=jury",
                    f"{API}/contests/{slug}/leaderboard?by=combined",
                    f"{API}/contests/{slug}/results",
                    f"{API}/contests/{slug}/results.csv",
                    f"{API}/entries/{a}/scores"):
            assert_error(who.get(url), 403, "results_not_published")
        # The public entry shows votes, never jury numbers.
        e = who.get(f"{API}/entries/{a}").json()["entry"]
        assert "jury_score" not in e and "scores" not in e
    # Prizes, then publish; the most-voted prize follows votes only.
    r = w["admin"].put(f"{API}/contests/{slug}/prizes",
                       json={"prizes": [{"entry_id": w["approved"][1],
                                         "prize": "most_voted"}]})
    assert_error(r, 409, "not_most_voted")
    prizes = [{"entry_id": a, "prize": "first"},
              {"entry_id": w["approved"][1], "prize": "second"},
              {"entry_id": w["approved"][2], "prize": "third"},
              {"entry_id": a, "prize": "most_voted"}]
    assert_status(w["admin"].put(f"{API}/contests/{slug}/prizes",
                                 json={"prizes": prizes}), 200)
    r = w["admin"].put(f"{API}/contests/{slug}/prizes",
                       json={"prizes": prizes + [
                           {"entry_id": w["approved"][3],
                            "prize": "first"}]})
    assert_error(r, 409, "prize_taken")
    assert_status(w["admin"].post(f"{API}/contests/{slug}/publish"), 200)
    assert_error(w["admin"].post(f"{API}/contests/{slug}/publish"), 409,
                 "already_published")
    assert_error(w["judge"].put(
        f"{API}/entries/{a}/scores",
        json={"criteria": {"Nội dung": 1, "Thẩm mỹ": 1, "Thông điệp": 1}}),
        409, "results_published")

    res = anon.get(f"{API}/contests/{slug}/results")
    assert_status(res, 200)
    got = res.json()["results"]
    assert got["published"] is True
    assert [p["prize"] for p in got["prizes"]] == \
        ["first", "second", "third", "most_voted"]
    assert [x["entry"]["id"] for x in got["ranking"]][:1] == [a]
    assert_status(anon.get(f"{API}/contests/{slug}/leaderboard?by=jury"),
                  200)
    sc = anon.get(f"{API}/entries/{a}/scores")
    assert_status(sc, 200)
    judges = sc.json()["judges"]
    assert sorted(j["judge"] for j in judges) == ["A", "B"]
    assert sorted(float(j["mark"]) for j in judges) == [6.0, 8.0]
    assert "mine" not in sc.json()


def test_results_csv_round_trips_vietnamese(contest, new_user, make_jpeg,
                                            db):
    w = seed(contest, new_user, make_jpeg, db)
    r = w["judge"].get(f"{API}/contests/{w['slug']}/results.csv")
    assert_status(r, 200)
    assert r.headers["Content-Type"].startswith("text/csv")
    assert r.headers["Content-Disposition"] == \
        f'attachment; filename="{w["slug"]}-results.csv"'
    assert r.content.startswith(b"\xef\xbb\xbf")
    text = r.content[3:].decode("utf-8")
    table = list(csv.reader(io.StringIO(text, newline="")))
    head, body = table[0], table[1:]
    assert head[:3] == ["Hạng", "Mã bài", "Tên ảnh"]
    by_id = {int(row[1]): row for row in body}
    for eid, title in zip(w["approved"], TITLES):
        cell = by_id[eid][2]
        # A cell that a spreadsheet would run as a formula is defused.
        want = "'" + title if title.startswith("=") else title
        assert cell == want
        assert by_id[eid][3] == w["owner"].user["display_name"]
    assert [row[0] for row in body] == ["1", "2", "2", "4"]
    assert [row[9] for row in body] == ["7.9000", "7.1000", "7.1000",
                                        "4.9000"]

    ve = w["judge"].get(f"{API}/contests/{w['slug']}/votes.csv")
    assert_status(ve, 200)
    rows_ = list(csv.reader(io.StringIO(ve.content[3:].decode("utf-8"),
                                        newline="")))
    assert len(rows_) == 1 + sum(VOTES)
    assert {row[7] for row in rows_[1:]} == {"valid"}
    # Addresses are for admins (issue 12): a judge sees a keyed hash of
    # each vote's /24, the same for one block, nothing to find a person.
    assert rows_[0][6] == "Nhóm địa chỉ (mã hóa)"
    hashes = {row[6] for row in rows_[1:]}
    assert all(re.fullmatch(r"[0-9a-f]{16}", h) for h in hashes), hashes
    adm = w["admin"].get(f"{API}/contests/{w['slug']}/votes.csv")
    rows_a = list(csv.reader(io.StringIO(adm.content[3:].decode("utf-8"),
                                         newline="")))
    assert rows_a[0][6] == "IP"
    for ip in {row[6] for row in rows_a[1:]}:
        ipaddress.ip_address(ip)
    assert len({row[6] for row in rows_a[1:]}) >= len(hashes)
    en = w["admin"].get(f"{API}/contests/{w['slug']}/entries.csv")
    rows_ = list(csv.reader(io.StringIO(en.content[3:].decode("utf-8"),
                                        newline="")))
    assert {row[1] for row in rows_[1:]} == {
        ("'" + t if t.startswith("=") else t) for t in TITLES}


def test_prizes_cannot_change_once_a_racing_publish_won(contest, new_user,
                                                        make_jpeg, db):
    """A prize change that passed its "not published yet" check while a
    publish was committing must not change the published results (issue
    12): the function checks again under the contest's row lock.  The
    test holds that lock itself, lets the change wait on it, publishes in
    the same transaction and releases: deterministic, no timing."""
    import threading
    import psycopg2
    w = judged_contest(contest, new_user, make_jpeg, approved=2)
    slug, (a, b) = w["slug"], w["approved"]
    assert_status(w["admin"].put(f"{API}/contests/{slug}/prizes", json={
        "prizes": [{"entry_id": a, "prize": "first"}]}), 200)
    holder = psycopg2.connect(os.environ["NETDEP_DSN"])
    answer = {}
    try:
        with holder.cursor() as cur:
            cur.execute("SELECT id FROM netdep.contests WHERE slug = %s "
                        "FOR UPDATE", (slug,))
            (cid,) = cur.fetchone()
            t = threading.Thread(target=lambda: answer.update(r=w["admin"].put(
                f"{API}/contests/{slug}/prizes", json={"prizes": [
                    {"entry_id": b, "prize": "first"}]})))
            t.start()
            wait_for(lambda: _waits_on_lock(db), "the prize change to wait "
                     "on the contest's lock")
            cur.execute("UPDATE netdep.contests SET results_at = now() "
                        "WHERE id = %s", (cid,))
        holder.commit()
        t.join(60)
    finally:
        holder.close()
    assert_error(answer["r"], 409, "results_published")
    with db.cursor() as cur:
        cur.execute("SELECT entry_id, prize FROM netdep.prizes WHERE "
                    "contest_id = (SELECT id FROM netdep.contests WHERE "
                    "slug = %s)", (slug,))
        assert cur.fetchall() == [(a, "first")]


def _waits_on_lock(db):
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE "
                    "wait_event_type = 'Lock' AND query LIKE '%prizes_set%'")
        return cur.fetchone()[0] > 0
