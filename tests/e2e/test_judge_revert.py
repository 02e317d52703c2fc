"""Issue 17, the judging pages' server side: a moderation decision taken
back (POST /entries/{id}/moderation/revert, the page's undo) and the
moderation queue read a page at a time (GET /moderation/queue/page)."""

from helpers import (API, approve, assert_error, assert_status, media_token,
                     public_media_path, reject, upload_ok)


def revert(client, eid, **kw):
    return client.post(f"{API}/entries/{eid}/moderation/revert", **kw)


def status_of(db, eid):
    with db.cursor() as cur:
        cur.execute("SELECT status, reject_reason, decided_by, slot FROM "
                    "netdep.entries WHERE id = %s", (eid,))
        return cur.fetchone()


def audit_of(db, eid, action):
    with db.cursor() as cur:
        cur.execute("SELECT actor_name, before, after FROM netdep.audit_log "
                    "WHERE action = %s AND target_id = %s ORDER BY id",
                    (action, eid))
        return cur.fetchall()


def test_revert_undoes_a_decision_audited_and_only_for_the_contests_jury(
        contest, new_user, make_jpeg, db, anon):
    slug = contest(max_entries=1)
    other = contest()
    judge = new_user(role="judge", contest=slug)
    stranger_judge = new_user(role="judge", contest=other)
    admin = new_user(role="admin")
    owner = new_user()
    eid = upload_ok(owner, slug, make_jpeg(1000, 800))["id"]

    # Nothing to take back yet.
    assert_error(revert(judge, eid), 409, "not_decided")

    approve(judge, eid)
    token = media_token(db, eid)
    assert_status(anon.get(public_media_path(token)), 200)
    # Refused: no session, no CSRF token, the author, a judge of another
    # contest; nothing changes and nothing is audited.
    assert revert(anon, eid).status_code == 401
    assert revert(judge, eid, csrf=False).status_code == 403
    assert revert(owner, eid).status_code == 403
    assert_error(revert(stranger_judge, eid), 403, "forbidden")
    assert status_of(db, eid)[0] == "approved"
    assert audit_of(db, eid, "entry.revert") == []

    r = revert(judge, eid)
    assert_status(r, 200)
    assert r.json()["entry"] == {"id": eid, "status": "pending", "was": "approved"}
    st, reason, by, slot = status_of(db, eid)
    assert (st, reason, by) == ("pending", None, None) and slot == 1
    # Pending again: the derivatives are no longer public.
    assert anon.get(public_media_path(token)).status_code == 404
    [(actor, before, after)] = audit_of(db, eid, "entry.revert")
    assert actor == judge.username
    assert before["status"] == "approved" and after == {"status": "pending"}

    # A rejection taken back by an admin gets its place back.
    reject(judge, eid, "Ảnh trùng lặp")
    assert status_of(db, eid)[3] is None
    r = revert(admin, eid)
    assert_status(r, 200)
    assert r.json()["entry"]["was"] == "rejected"
    assert status_of(db, eid)[:2] == ("pending", None)
    assert status_of(db, eid)[3] == 1
    rows = audit_of(db, eid, "entry.revert")
    assert len(rows) == 2 and rows[1][0] == admin.username
    assert rows[1][1]["reject_reason"] == "Ảnh trùng lặp"

    # A rejected entry whose place the author has used since stays rejected.
    reject(judge, eid, "Sai thể loại")
    upload_ok(owner, slug, make_jpeg(1000, 800))
    assert_error(revert(judge, eid), 409, "revert_no_place")
    assert status_of(db, eid)[0] == "rejected"
    assert_error(revert(judge, 999999999), 404, "no_entry")


def test_queue_pages_follow_the_keyset(contest, new_user, make_jpeg):
    slug = contest(max_entries=10, min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    owner = new_user()
    ids = [upload_ok(owner, slug, make_jpeg(900, 700))["id"] for _ in range(5)]
    seen, after, pages = [], None, 0
    while True:
        q = f"{API}/moderation/queue/page?contest={slug}&limit=2"
        r = judge.get(q + (f"&after={after}" if after else ""))
        assert_status(r, 200)
        body = r.json()
        assert body["total"] == (5 if pages == 0 else 4)
        assert len(body["entries"]) <= 2
        seen += [e["id"] for e in body["entries"]]
        pages += 1
        after = body["next"]
        if after is None:
            break
        # An entry decided between two pages moves nothing that follows.
        if pages == 1:
            approve(judge, ids[0])
    assert seen == ids and pages == 3
    r = judge.get(f"{API}/moderation/queue/page?contest={slug}&limit=2")
    assert [e["id"] for e in r.json()["entries"]] == ids[1:3]
    assert r.json()["total"] == 4
    assert_error(judge.get(f"{API}/moderation/queue/page?limit=0"), 400,
                 "invalid_field")
    assert owner.get(f"{API}/moderation/queue/page?contest={slug}").status_code == 403
