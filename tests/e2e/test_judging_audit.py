"""The audit log (issue 5): every moderation, score, prize, publish and
role change leaves a row with actor, time, address and before/after; the
application's database role cannot change or delete a row, and the API has
no way to."""

import os

import psycopg2
import pytest

from helpers import API, assert_error, assert_status
from judging_helpers import judged_contest


def app_connection():
    conn = psycopg2.connect(os.environ["NETDEP_DB"])
    conn.autocommit = True
    return conn


def test_app_role_cannot_edit_or_delete_the_audit_log(contest, new_user,
                                                      make_jpeg, db):
    judged_contest(contest, new_user, make_jpeg, approved=1)
    with db.cursor() as cur:
        cur.execute("SELECT count(*), max(id) FROM netdep.audit_log")
        before = cur.fetchone()
        cur.execute("SELECT md5(string_agg(t::text, ',' ORDER BY id)) "
                    "FROM netdep.audit_log t")
        digest = cur.fetchone()[0]
    conn = app_connection()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_user")
            assert cur.fetchone()[0] == "netdep_app"
            for sql in ("UPDATE netdep.audit_log SET actor_name = 'x'",
                        "DELETE FROM netdep.audit_log",
                        "TRUNCATE netdep.audit_log",
                        "ALTER TABLE netdep.audit_log DISABLE TRIGGER ALL",
                        "DROP TABLE netdep.audit_log"):
                with pytest.raises(psycopg2.Error) as exc:
                    cur.execute(sql)
                assert exc.value.pgcode in ("42501",), (sql, exc.value)
            # Reading and appending stay possible.
            cur.execute("SELECT count(*) FROM netdep.audit_log")
    finally:
        conn.close()
    with db.cursor() as cur:
        cur.execute("SELECT count(*), max(id) FROM netdep.audit_log")
        assert cur.fetchone() == before
        cur.execute("SELECT md5(string_agg(t::text, ',' ORDER BY id)) "
                    "FROM netdep.audit_log t")
        assert cur.fetchone()[0] == digest


def test_every_judging_action_is_audited(contest, new_user, make_jpeg, db):
    w = judged_contest(contest, new_user, make_jpeg, approved=1, pending=1)
    slug, e = w["slug"], w["approved"][0]
    spare = new_user()
    assert_status(w["judge"].post(f"{API}/entries/{w['pending'][0]}/"
                                  "moderation",
                                  json={"action": "reject",
                                        "reason": "Sai thể loại"}), 200)
    assert_status(w["judge"].put(f"{API}/entries/{e}/scores", json={
        "criteria": {"Nội dung": 7, "Thẩm mỹ": 8, "Thông điệp": 9}}), 200)
    assert_status(w["judge"].put(f"{API}/entries/{e}/scores", json={
        "criteria": {"Nội dung": 7.5, "Thẩm mỹ": 8, "Thông điệp": 9},
        "comment": "Sửa điểm"}), 200)
    assert_status(w["admin"].put(f"{API}/contests/{slug}/prizes", json={
        "prizes": [{"entry_id": e, "prize": "first"}]}), 200)
    assert_status(w["admin"].post(f"{API}/contests/{slug}/judges",
                                  json={"username": spare.username}), 201)
    assert_status(w["admin"].delete(
        f"{API}/contests/{slug}/judges/{spare.username}"), 200)
    assert_status(w["admin"].post(f"{API}/contests/{slug}/publish"), 200)
    with db.cursor() as cur:
        cur.execute("SELECT action, actor_name, host(ip), at IS NOT NULL, "
                    "before, after FROM netdep.audit_log WHERE contest_id "
                    "= (SELECT id FROM netdep.contests WHERE slug = %s) "
                    "ORDER BY id", (slug,))
        rows = cur.fetchall()
    actions = [r[0] for r in rows]
    assert actions[-7:] == ["entry.reject", "score.put", "score.put",
                            "prizes.set", "role.grant", "role.revoke",
                            "results.publish"], actions
    for want in ("entry.approve", "entry.reject", "score.put", "prizes.set",
                 "role.grant", "role.revoke", "results.publish"):
        assert want in actions, (want, actions)
    for action, actor, ip, has_at, before, after in rows:
        if actor == "netdep-admin":
            continue  # the command line has no client address
        assert actor and ip and has_at, (action, actor, ip)
    edits = [r for r in rows if r[0] == "score.put"]
    assert edits[0][4] is None
    assert edits[1][4]["criteria"]["Nội dung"] == 7
    assert edits[1][5]["criteria"]["Nội dung"] == 7.5
    assert edits[1][5]["comment"] == "Sửa điểm"

    # CSV export of the log, and no way to change it over HTTP.
    r = w["admin"].get(f"{API}/admin/audit.csv", params={"contest": slug})
    assert_status(r, 200)
    assert r.content.startswith(b"\xef\xbb\xbf")
    assert "score.put" in r.content.decode("utf-8")
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        assert_error(w["admin"].request(method, f"{API}/admin/audit"), 405,
                     "method_not_allowed")
