"""Consent, minors and data rights (issue 16): registration and upload
record the consent to the rules and to publication (400 and nothing
written without it); an entry of a participant who may be under 16 is
approved only after a guardian consented; a participant downloads their
own data and erases their account, their votes still counted."""

import datetime
import os
import secrets

from conftest import PASSWORD, Client
from helpers import (API, approve, assert_error, assert_status, decide,
                     public_media_path, unchanged, upload, upload_ok, vote)
from judging_helpers import wait_for


def this_year():
    return datetime.datetime.now(datetime.timezone.utc).year


def register(base_url, birth_year=1990, consent=True, **extra):
    c = Client(base_url)
    name = f"Cs{secrets.token_hex(4)}"
    body = {"username": name, "password": PASSWORD,
            "display_name": f"Nguyễn Thị Đào {name}", "birth_year": birth_year,
            "email": f"{name.lower()}@example.org", **extra}
    if consent:
        body["consent"] = True
    r = c.post(f"{API}/accounts", json=body, csrf=False, consent=False)
    if r.status_code == 201:
        c.csrf = r.json()["csrf_token"]
        c.user = r.json()["user"]
        c.username = name
    return c, r


def consent_rows(db, account_id):
    with db.cursor() as cur:
        cur.execute("SELECT t.kind, t.version, k.entry_id FROM consents k "
                    "JOIN consent_texts t ON t.id = k.text_id "
                    "WHERE k.account_id = %s ORDER BY t.kind, k.id",
                    (account_id,))
        return cur.fetchall()


def current_versions(anon):
    r = anon.get(f"{API}/consent")
    assert_status(r, 200)
    texts = r.json()
    assert set(texts) == {"rules", "publication", "guardian"}
    assert all(t["text"].strip() for t in texts.values())
    return {k: t["version"] for k, t in texts.items()}


def test_registration_and_upload_need_consent_and_record_it(
        base_url, anon, contest, snapshot, db, make_jpeg):
    versions = current_versions(anon)
    with unchanged(snapshot, db):
        _, r = register(base_url, consent=False)
        err = assert_error(r, 400, "consent_required")
        assert "đồng ý" in err["message"]
        # A birth year is part of registration (under 16: a guardian).
        c = Client(base_url)
        r = c.post(f"{API}/accounts", csrf=False, consent=False,
                   json={"username": f"Cs{secrets.token_hex(4)}",
                         "password": PASSWORD, "display_name": "Lê Văn A",
                         "consent": True})
        assert_error(r, 400, "invalid_field")
    user, r = register(base_url)
    assert_status(r, 201)
    uid = user.user["id"]
    assert consent_rows(db, uid) == [
        ("publication", versions["publication"], None),
        ("rules", versions["rules"], None)]
    with db.cursor() as cur:
        cur.execute("SELECT birth_year FROM accounts WHERE id = %s", (uid,))
        assert cur.fetchone()[0] == 1990

    slug = contest()
    photo = make_jpeg(1000, 800)
    with unchanged(snapshot, db):
        r = user.post(f"{API}/contests/{slug}/entries", consent=False,
                      data={"title": "Không đồng ý"},
                      files={"photo": ("p.jpg", photo, "image/jpeg")})
        assert_error(r, 400, "consent_required")
    entry = upload_ok(user, slug, photo)
    rows = consent_rows(db, uid)
    assert ("rules", versions["rules"], entry["id"]) in rows
    assert ("publication", versions["publication"], entry["id"]) in rows
    mine = user.get(f"{API}/me/consent").json()
    assert mine["birth_year"] == 1990 and mine["guardian_needed"] is False
    assert len(mine["consents"]) == 4


def test_an_entry_of_a_minor_is_approved_only_after_a_guardian_consents(
        base_url, contest, new_user, snapshot, db, make_jpeg):
    slug = contest()
    judge = new_user(role="judge", contest=slug)
    kid, r = register(base_url, birth_year=this_year() - 12)
    assert_status(r, 201)
    eid = upload_ok(kid, slug, make_jpeg(1000, 800))["id"]
    queue = judge.get(f"{API}/moderation/queue",
                      params={"contest": slug}).json()
    mine = [e for e in queue["entries"] if e["id"] == eid]
    assert mine and mine[0]["guardian_missing"] is True, queue
    with unchanged(snapshot, db):
        err = assert_error(decide(judge, eid, "approve"), 409,
                           "guardian_consent_missing")
        assert "16 tuổi" in err["message"]
    state = kid.get(f"{API}/me/consent").json()
    assert state["guardian_needed"] and not state["guardian_given"]
    with unchanged(snapshot, db):
        assert_error(kid.post(f"{API}/me/guardian", json={
            "guardian_name": "Nguyễn Văn Bố",
            "guardian_contact": "0912345678"}), 400, "consent_required")
        assert_error(kid.post(f"{API}/me/guardian", json={
            "guardian_name": "Nguyễn Văn Bố", "guardian_contact": "no way",
            "consent": True}), 400, "invalid_field")
    r = kid.post(f"{API}/me/guardian", json={
        "guardian_name": "Nguyễn Văn Bố", "guardian_contact": "0912345678",
        "consent": True})
    assert_status(r, 200)
    assert r.json()["guardian_given"] is True
    with db.cursor() as cur:
        cur.execute("SELECT k.guardian_name, k.guardian_contact, t.version "
                    "FROM consents k JOIN consent_texts t ON t.id = k.text_id "
                    "WHERE k.account_id = %s AND t.kind = 'guardian'",
                    (kid.user["id"],))
        assert cur.fetchall() == [("Nguyễn Văn Bố", "0912345678", 1)]
    queue = judge.get(f"{API}/moderation/queue",
                      params={"contest": slug}).json()
    assert [e["guardian_missing"] for e in queue["entries"]
            if e["id"] == eid] == [False]
    approve(judge, eid)


def valid_votes(db, entry_id):
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM votes WHERE entry_id = %s AND "
                    "voided_at IS NULL", (entry_id,))
        return cur.fetchone()[0]


def test_data_download_has_only_mine_and_erasure_keeps_counts(
        base_url, contest, new_user, db, media_dir, make_jpeg, anon):
    slug = contest(max_entries=5)
    admin = new_user(role="admin")
    me, r = register(base_url)
    assert_status(r, 201)
    other = new_user(display_name="Trần Văn Khác")
    mine = upload_ok(me, slug, make_jpeg(1000, 800), title="Ảnh của tôi")
    theirs = upload_ok(other, slug, make_jpeg(1000, 800), title="Ảnh người khác")
    approve(admin, mine["id"])
    approve(admin, theirs["id"])
    assert_status(vote(other, mine["id"]), 201)
    assert_status(vote(me, theirs["id"]), 201)

    r = me.get(f"{API}/me/data")
    assert_status(r, 200)
    assert "attachment" in r.headers.get("Content-Disposition", "")
    data = r.json()
    assert data["account"]["username"] == me.username
    assert data["account"]["email"] == f"{me.username.lower()}@example.org"
    assert data["account"]["birth_year"] == 1990
    assert {c["kind"] for c in data["consents"]} == {"rules", "publication"}
    assert [e["id"] for e in data["entries"]] == [mine["id"]]
    assert data["entries"][0]["media"]["sha256"]
    assert [(v["entry_id"], v["voided"]) for v in data["votes"]] == \
        [(theirs["id"], False)]
    text = r.text
    # Nothing of anybody else: not the other's name, nor who voted for me.
    assert other.username not in text and "Trần Văn Khác" not in text
    assert "ip" not in str(data["votes"]) and other.addr not in text

    token = db_token(db, mine["id"])
    before = {e: valid_votes(db, e) for e in (mine["id"], theirs["id"])}
    assert_error(me.post(f"{API}/me/erase", json={"confirm": "someone"}),
                 400, "confirm_mismatch")
    r = me.post(f"{API}/me/erase", json={"confirm": me.username})
    assert_status(r, 200)
    assert r.json()["erased"] is True
    # The session is gone, and the password no longer logs in.
    assert_error(me.get(f"{API}/session"), 401, ("unauthorized",
                                                 "not_logged_in",
                                                 "login_required"))
    assert anon.login(me.username, PASSWORD).status_code == 401
    with db.cursor() as cur:
        cur.execute("SELECT username, display_name, email, phone, "
                    "birth_year, erased_at IS NOT NULL FROM accounts "
                    "WHERE id = %s", (me.user["id"],))
        assert cur.fetchone() == (f"deleted-{me.user['id']}",
                                  "Tài khoản đã xóa", None, None, None, True)
        cur.execute("SELECT status, files_purged_at IS NOT NULL FROM entries "
                    "WHERE id = %s", (mine["id"],))
        assert cur.fetchone() == ("withdrawn", True)
        cur.execute("SELECT count(*) FROM votes WHERE voter_id = %s AND "
                    "(ip IS NOT NULL OR ua_hash IS NOT NULL)",
                    (me.user["id"],))
        assert cur.fetchone()[0] == 0
        cur.execute("SELECT count(*) FROM audit_log WHERE action = "
                    "'account.erase' AND target_id = %s", (me.user["id"],))
        assert cur.fetchone()[0] == 1
    # The vote I cast still counts, on the row and on the public board.
    assert valid_votes(db, theirs["id"]) == before[theirs["id"]] == 1
    wait_for(lambda: entry_votes(anon, theirs["id"]) == 1,
             "the erased voter's vote on the board")
    leftovers = [p for p in all_files(media_dir) if token in p]
    assert leftovers == [], leftovers
    assert anon.get(public_media_path(token)).status_code == 404


def db_token(db, entry_id):
    with db.cursor() as cur:
        cur.execute("SELECT token FROM media WHERE entry_id = %s",
                    (entry_id,))
        return cur.fetchone()[0]


def entry_votes(client, entry_id):
    r = client.get(f"{API}/entries/{entry_id}")
    return r.json()["entry"].get("votes") if r.status_code == 200 else None


def all_files(root):
    for base, _, files in os.walk(root):
        for f in files:
            yield os.path.join(base, f)
