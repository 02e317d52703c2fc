"""Authorization matrix of the judging API (issue 5): every judge and
admin endpoint x {anonymous, participant, the entry's owner, judge of
another contest, judge, admin}.  A refused cell asserts its status, its
error code and that no row (including scores, prizes, contest settings,
criteria, categories and voided marks) and no media file changed."""

import pytest

from helpers import API, assert_error, assert_status, rand, upload_ok
from judging_helpers import judged_contest, jury_state

PERSONAS = ("anon", "participant", "owner", "other_judge", "judge", "admin")

LOGIN = (401, "login_required")
FORBIDDEN = (403, "forbidden")
HIDDEN = (403, "results_not_published")


def judge_only(ok=200):
    return {"anon": LOGIN, "participant": FORBIDDEN, "owner": FORBIDDEN,
            "other_judge": FORBIDDEN, "judge": ok, "admin": ok}


def admin_only(ok=200):
    return {"anon": LOGIN, "participant": FORBIDDEN, "owner": FORBIDDEN,
            "other_judge": FORBIDDEN, "judge": FORBIDDEN, "admin": ok}


def public_after_publish(ok=200):
    return {"anon": HIDDEN, "participant": HIDDEN, "owner": HIDDEN,
            "other_judge": HIDDEN, "judge": ok, "admin": ok}


@pytest.fixture
def world(contest, new_user, make_jpeg):
    w = judged_contest(contest, new_user, make_jpeg, approved=1, pending=3)
    w["anon"] = new_user(login=False)
    w["participant"] = new_user()
    w["other_judge"] = new_user(role="judge", contest=contest())
    w["spare"] = new_user()
    return w


def rows(w):
    """(name, method, url, json body, {persona: 200 | (status, code)})
    in an order where allowed writes do not change later cells."""
    slug, e = w["slug"], w["approved"][0]
    p1, p2, p3 = w["pending"]
    good_scores = {"criteria": {"Nội dung": 8, "Thẩm mỹ": 7.5,
                                "Thông điệp": 9}, "comment": "Ảnh có hồn"}
    return [
        ("queue", "GET", f"{API}/moderation/queue", None,
         {**judge_only(), "other_judge": 200}),
        ("queue of contest", "GET", f"{API}/moderation/queue?contest={slug}",
         None, {**judge_only(), "other_judge": 200}),
        ("reasons", "GET", f"{API}/moderation/reasons", None,
         {**judge_only(), "other_judge": 200}),
        ("progress", "GET", f"{API}/moderation/progress?contest={slug}",
         None, judge_only()),
        ("history", "GET", f"{API}/moderation/history?contest={slug}",
         None, judge_only()),
        ("jury entries", "GET", f"{API}/jury/entries?contest={slug}", None,
         judge_only()),
        ("judges progress", "GET", f"{API}/contests/{slug}/judges/progress",
         None, judge_only()),
        ("scores get", "GET", f"{API}/entries/{e}/scores", None,
         public_after_publish()),
        ("board jury", "GET", f"{API}/contests/{slug}/leaderboard?by=jury",
         None, public_after_publish()),
        ("board combined", "GET",
         f"{API}/contests/{slug}/leaderboard?by=combined", None,
         public_after_publish()),
        ("results", "GET", f"{API}/contests/{slug}/results", None,
         public_after_publish()),
        ("results.csv", "GET", f"{API}/contests/{slug}/results.csv", None,
         public_after_publish()),
        ("entries.csv", "GET", f"{API}/contests/{slug}/entries.csv", None,
         judge_only()),
        ("votes.csv", "GET", f"{API}/contests/{slug}/votes.csv", None,
         judge_only()),
        ("fraud", "GET", f"{API}/contests/{slug}/fraud", None, judge_only()),
        ("state", "GET", f"{API}/admin/contests/{slug}/state", None,
         admin_only()),
        ("audit", "GET", f"{API}/admin/audit?contest={slug}", None,
         admin_only()),
        ("audit.csv", "GET", f"{API}/admin/audit.csv", None, admin_only()),
        # Writes.
        ("decide", "POST", f"{API}/entries/{p1}/moderation",
         {"action": "approve"},
         {**judge_only(), "admin": (409, "already_decided")}),
        ("bulk", "POST", f"{API}/moderation/bulk",
         {"action": "approve", "entries": [p2]},
         {**judge_only(), "other_judge": 200}),
        ("scores put", "PUT", f"{API}/entries/{e}/scores", good_scores,
         judge_only()),
        ("prizes", "PUT", f"{API}/contests/{slug}/prizes",
         {"prizes": [{"entry_id": e, "prize": "first"}]}, admin_only()),
        ("void", "POST", f"{API}/contests/{slug}/votes/void",
         {"account": w["participant"].username, "reason": "thử"},
         admin_only()),
        ("restore", "POST", f"{API}/contests/{slug}/votes/restore",
         {"account": w["participant"].username}, admin_only()),
        ("contest create", "POST", f"{API}/contests",
         {"slug": rand("c-"), "title": "Cuộc thi mới"}, admin_only(201)),
        ("contest patch", "PATCH", f"{API}/contests/{slug}",
         {"judges_named": False, "rules": "Thể lệ mới"}, admin_only()),
        ("category", "POST", f"{API}/contests/{slug}/categories",
         {"name": "Ảnh tập thể"}, admin_only(201)),
        ("criteria", "PUT", f"{API}/contests/{slug}/criteria",
         {"criteria": [{"name": "Nội dung", "weight": 40},
                       {"name": "Thẩm mỹ", "weight": 40},
                       {"name": "Thông điệp", "weight": 20}]},
         admin_only()),
        ("judge grant", "POST", f"{API}/contests/{slug}/judges",
         {"username": w["spare"].username}, admin_only(201)),
        ("judge revoke", "DELETE",
         f"{API}/contests/{slug}/judges/{w['spare'].username.lower()}", None,
         admin_only()),
        ("publish", "POST", f"{API}/contests/{slug}/publish", None,
         admin_only()),
    ]


def test_authorization_matrix(world, snapshot, db):
    w = world
    checked = 0
    for name, method, url, body, expect in rows(w):
        for who in PERSONAS:
            client = w[who]
            want = expect[who]
            kw = {"json": body} if body is not None else {}
            if isinstance(want, tuple):
                before = jury_state(snapshot, db)
                r = client.request(method, url, **kw)
                if want[1] == "already_decided":
                    assert r.status_code == 409, f"{name} {who}: {r.text}"
                    assert r.json()["error"]["code"] == "already_decided"
                else:
                    assert_error(r, *want)
                after = jury_state(snapshot, db)
                for key in before:
                    assert before[key] == after[key], \
                        f"{name} as {who}: {key} changed"
            else:
                r = client.request(method, url, **kw)
                assert_status(r, want)
                if name == "bulk":
                    line = r.json()["results"][0]
                    assert line["id"] == w["pending"][1]
                    assert line["status"] == (403 if who == "other_judge"
                                              else 200 if who == "judge"
                                              else 409), (who, line)
                if name.startswith("queue") and who == "other_judge":
                    ids = [x["id"] for x in r.json()["entries"]]
                    assert not set(ids) & set(w["pending"]), \
                        "a judge of another contest sees this queue"
                if name.endswith(".csv"):
                    assert r.content.startswith(b"\xef\xbb\xbf")
                    assert r.headers["Content-Disposition"].startswith(
                        "attachment")
            checked += 1
    assert checked == len(rows(w)) * len(PERSONAS)


def test_writes_need_csrf(world, snapshot, db):
    w = world
    slug, e = w["slug"], w["approved"][0]
    for method, url, body in (
            ("PUT", f"{API}/entries/{e}/scores",
             {"criteria": {"Nội dung": 1, "Thẩm mỹ": 1, "Thông điệp": 1}}),
            ("PUT", f"{API}/contests/{slug}/prizes", {"prizes": []}),
            ("POST", f"{API}/contests/{slug}/publish", None),
            ("POST", f"{API}/contests/{slug}/votes/void",
             {"account": w["owner"].username, "reason": "x"}),
            ("POST", f"{API}/moderation/bulk",
             {"action": "approve", "entries": w["pending"][:1]})):
        for csrf in (False, "forged"):
            before = jury_state(snapshot, db)
            r = w["admin"].request(method, url, json=body, csrf=csrf)
            assert_error(r, 403, "csrf")
            assert jury_state(snapshot, db) == before


def test_conflict_of_interest(contest, new_user, make_jpeg, snapshot, db):
    """Own entries always; own unit when coi_unit is on: not in the queue,
    not in the jury list, refused to moderate and to score."""
    slug = contest()
    admin = new_user(role="admin")
    judge = new_user(role="judge", contest=slug, unit="Chi đoàn Xanh")
    mate = new_user(unit="Chi đoàn Xanh")
    other = new_user(unit="Chi đoàn Đỏ")
    own = upload_ok(judge, slug, make_jpeg(1000, 800))["id"]
    same = upload_ok(mate, slug, make_jpeg(1000, 800))["id"]
    fine = upload_ok(other, slug, make_jpeg(1000, 800))["id"]
    r = admin.patch(f"{API}/contests/{slug}", json={"coi_unit": True})
    assert_status(r, 200)
    assert r.json()["contest"]["coi_unit"] is True

    queue = judge.get(f"{API}/moderation/queue?contest={slug}").json()
    assert [x["id"] for x in queue["entries"]] == [fine]
    for eid, code in ((own, "own_entry"), (same, "conflict_of_interest")):
        before = jury_state(snapshot, db)
        assert_error(judge.post(f"{API}/entries/{eid}/moderation",
                                json={"action": "approve"}), 403, code)
        assert jury_state(snapshot, db) == before
    for eid in (own, same, fine):
        assert_status(admin.post(f"{API}/entries/{eid}/moderation",
                                 json={"action": "approve"}), 200)
    jury = judge.get(f"{API}/jury/entries?contest={slug}").json()
    assert [x["entry"]["id"] for x in jury["entries"]] == [fine]
    assert jury["progress"] == {"scored": 0, "total": 1}
    body = {"criteria": {"Nội dung": 5, "Thẩm mỹ": 5, "Thông điệp": 5}}
    for eid, code in ((own, "own_entry"), (same, "conflict_of_interest")):
        before = jury_state(snapshot, db)
        assert_error(judge.put(f"{API}/entries/{eid}/scores", json=body),
                     403, code)
        assert jury_state(snapshot, db) == before
    assert_status(judge.put(f"{API}/entries/{fine}/scores", json=body), 200)
    # The rule lives in SQL too: even a direct insert is refused by the
    # trigger.
    with db.cursor() as cur:
        cur.execute("SELECT id FROM netdep.criteria WHERE contest_id = "
                    "(SELECT contest_id FROM netdep.entries WHERE id = %s) "
                    "LIMIT 1", (same,))
        crit = cur.fetchone()[0]
        with pytest.raises(Exception) as exc:
            cur.execute("INSERT INTO netdep.scores (entry_id, judge_id, "
                        "criterion_id, score) VALUES (%s, %s, %s, 5)",
                        (same, judge.user["id"], crit))
        assert "conflict of interest" in str(exc.value)


def test_bad_score_bodies(world, snapshot, db):
    w = world
    url = f"{API}/entries/{w['approved'][0]}/scores"
    bad = [
        {"criteria": {"Nội dung": 8, "Thẩm mỹ": 7}},
        {"criteria": {"Nội dung": 8, "Thẩm mỹ": 7, "Thông điệp": 11}},
        {"criteria": {"Nội dung": 8, "Thẩm mỹ": 7.25, "Thông điệp": 1}},
        {"criteria": {"Nội dung": -1, "Thẩm mỹ": 7, "Thông điệp": 1}},
        {"criteria": {"Nội dung": "8", "Thẩm mỹ": 7, "Thông điệp": 1}},
        {"criteria": {"Nội dung": 8, "Thẩm mỹ": 7, "Thông điệp": 1,
                      "Khác": 3}},
        {"criteria": []},
        {},
    ]
    for body in bad:
        before = jury_state(snapshot, db)
        assert_error(w["judge"].put(url, json=body), 400, "invalid_field")
        assert jury_state(snapshot, db) == before
