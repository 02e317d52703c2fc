"""Moderation (SPEC section 6): judges of the contest approve or reject
pending entries once; everyone else is refused and nothing changes."""

import pytest

from helpers import (API, assert_error, assert_status, decide, unchanged,
                     upload_ok, approve, reject)


@pytest.fixture
def pending(contest, new_user, make_jpeg):
    """A contest, its judge, a participant and one pending entry."""
    slug = contest()
    judge = new_user(role="judge", contest=slug)
    owner = new_user()
    entry = upload_ok(owner, slug, make_jpeg(1000, 800))
    return slug, judge, owner, entry["id"]


def assert_already_decided(r, status, by):
    """409 with the error shape plus "decided_by" (display name) and
    "status" beside "error" (docs/judging-api.md)."""
    assert r.status_code == 409, r.text
    body = r.json()
    assert set(body) == {"error", "decided_by", "status"}, body
    assert body["error"]["code"] == "already_decided"
    assert set(body["error"]) == {"code", "message"}
    assert body["status"] == status and body["decided_by"] == by, body


def audit_rows(db, entry_id):
    with db.cursor() as cur:
        cur.execute("SELECT action, actor_name, before, after FROM "
                    "netdep.audit_log WHERE target_type = 'entry' AND "
                    "target_id = %s ORDER BY id", (entry_id,))
        return cur.fetchall()


def test_judge_approves_and_it_is_audited(pending, db):
    slug, judge, owner, eid = pending
    r = decide(judge, eid, "approve")
    assert_status(r, 200)
    entry = r.json()["entry"]
    assert entry["id"] == eid and entry["status"] == "approved"
    assert entry.get("reject_reason") is None
    rows = audit_rows(db, eid)
    assert len(rows) == 1
    action, actor, before, after = rows[0]
    assert action == "entry.approve" and actor == judge.username
    assert before["status"] == "pending" and after["status"] == "approved"
    r = owner.get(f"{API}/entries/{eid}")
    assert r.json()["entry"]["status"] == "approved"


def test_judge_rejects_with_a_reason_the_owner_sees(pending, db, anon):
    slug, judge, owner, eid = pending
    reason = "Ảnh bị mờ, vui lòng gửi ảnh rõ hơn"
    r = decide(judge, eid, "reject", reason)
    assert_status(r, 200)
    assert r.json()["entry"]["reject_reason"] == reason
    e = owner.get(f"{API}/entries/{eid}").json()["entry"]
    assert e["status"] == "rejected" and e["reject_reason"] == reason
    assert_error(anon.get(f"{API}/entries/{eid}"), 404, "no_entry")
    assert audit_rows(db, eid)[0][0] == "entry.reject"


def test_second_decision_is_409(pending, new_user, snapshot, db):
    slug, judge, owner, eid = pending
    approve(judge, eid)
    other = new_user(role="judge", contest=slug)
    for j, action, reason in ((judge, "approve", None),
                              (other, "reject", "muộn"),
                              (judge, "reject", "đổi ý")):
        with unchanged(snapshot, db):
            assert_already_decided(decide(j, eid, action, reason),
                                   "approved", judge.user["display_name"])


def test_rejected_entry_cannot_be_approved_later(pending, snapshot, db):
    slug, judge, owner, eid = pending
    reject(judge, eid)
    with unchanged(snapshot, db):
        assert_already_decided(decide(judge, eid, "approve"), "rejected",
                               judge.user["display_name"])


def test_participant_cannot_moderate(pending, new_user, snapshot, db):
    slug, judge, owner, eid = pending
    stranger = new_user()
    for who in (stranger, owner):
        for action, reason in (("approve", None), ("reject", "x")):
            with unchanged(snapshot, db):
                assert_error(decide(who, eid, action, reason), 403,
                             "forbidden")


def test_judge_of_another_contest_cannot_moderate(pending, contest, new_user,
                                                  snapshot, db):
    slug, judge, owner, eid = pending
    elsewhere = new_user(role="judge", contest=contest())
    with unchanged(snapshot, db):
        assert_error(decide(elsewhere, eid, "approve"), 403, "forbidden")


def test_judge_cannot_moderate_own_entry(contest, new_user, make_jpeg,
                                         snapshot, db):
    slug = contest()
    judge = new_user(role="judge", contest=slug)
    e = upload_ok(judge, slug, make_jpeg(1000, 800))
    with unchanged(snapshot, db):
        assert_error(decide(judge, e["id"], "approve"), 403, "own_entry")


def test_admin_may_moderate_any_contest(pending, new_user):
    slug, judge, owner, eid = pending
    admin = new_user(role="admin")
    approve(admin, eid)


def test_moderation_needs_login_csrf_and_json(pending, anon, snapshot, db):
    slug, judge, owner, eid = pending
    with unchanged(snapshot, db):
        assert_error(decide(anon, eid, "approve"), 401, "login_required")
    for csrf in (False, "forged"):
        with unchanged(snapshot, db):
            assert_error(decide(judge, eid, "approve", csrf=csrf), 403,
                         "csrf")
    with unchanged(snapshot, db):
        r = judge.post(f"{API}/entries/{eid}/moderation",
                       data="action=approve",
                       headers={"Content-Type":
                                "application/x-www-form-urlencoded"})
        assert_error(r, 415, "unsupported_media_type")
    with unchanged(snapshot, db):
        r = judge.post(f"{API}/entries/{eid}/moderation",
                       data='{"action":"approve"}',
                       headers={"Content-Type": "text/plain"})
        assert_error(r, 415, "unsupported_media_type")


def test_bad_moderation_bodies_are_refused(pending, snapshot, db):
    slug, judge, owner, eid = pending
    url = f"{API}/entries/{eid}/moderation"
    raw = [
        ('{"action":"approve","action":"reject","reason":"x"}', "bad_json"),
        ('{"action":"approve"', "bad_json"),
        ('["approve"]', "bad_json"),
        ('{"action":"publish"}', "invalid_field"),
        ('{"action":"reject"}', "invalid_field"),
        ('{"action":"reject","reason":""}', "invalid_field"),
        ('{"action":{"x":1}}', "bad_field"),
        ('{}', "invalid_field"),
    ]
    for body, code in raw:
        with unchanged(snapshot, db):
            r = judge.post(url, data=body.encode(),
                           headers={"Content-Type": "application/json"})
            assert_error(r, 400, code)
    with unchanged(snapshot, db):
        r = judge.post(url, data=b'{"action":"reject","reason":"\xff\xfe"}',
                       headers={"Content-Type": "application/json"})
        assert_error(r, 400, "bad_json")
    with unchanged(snapshot, db):
        assert_error(decide(judge, eid, "reject", "r" * 501), 400,
                     "invalid_field")


def test_unknown_entry_is_404(new_user, contest, snapshot, db):
    judge = new_user(role="judge", contest=contest())
    with unchanged(snapshot, db):
        assert_error(decide(judge, 987654321, "approve"), 404, "no_entry")


def test_queue_lists_pending_entries_for_judges_only(pending, new_user):
    slug, judge, owner, eid = pending
    r = judge.get(f"{API}/moderation/queue")
    assert_status(r, 200)
    ids = [e["id"] for e in r.json()["entries"]]
    assert eid in ids
    assert_error(owner.get(f"{API}/moderation/queue"), 403, "forbidden")
    approve(judge, eid)
    ids = [e["id"] for e in judge.get(f"{API}/moderation/queue")
           .json()["entries"]]
    assert eid not in ids
