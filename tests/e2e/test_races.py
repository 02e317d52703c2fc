"""Races between workers outside voting: two judges deciding one entry at
once, and concurrent uploads against the entry limit.  Whoever wins, the
rows and the files must agree."""

import os

from helpers import (API, DERIV_SUFFIXES, assert_error, clone, decide,
                     media_token, public_media_path, run_together, upload,
                     upload_ok)


def test_concurrent_approve_and_reject_decide_once(contest, new_user,
                                                   make_jpeg, base_url, db,
                                                   media_dir):
    slug = contest(min_short_side=200, max_entries=5)
    j1 = new_user(role="judge", contest=slug)
    j2 = new_user(role="judge", contest=slug)
    owner = new_user()
    photo = make_jpeg(400, 300)
    for _ in range(5):
        eid = upload_ok(owner, slug, photo)["id"]
        results = run_together([
            lambda: decide(clone(j1, base_url), eid, "approve"),
            lambda: decide(clone(j2, base_url), eid, "reject", "trùng ảnh"),
        ])
        codes = sorted(r.status_code for r in results)
        assert codes == [200, 409], [r.text for r in results]
        loser = [r for r in results if r.status_code == 409][0]
        winner = [r for r in results if r.status_code == 200][0]
        status = winner.json()["entry"]["status"]
        # The loser learns who decided and how, beside the error object.
        body = loser.json()
        assert body["error"]["code"] == "already_decided", body
        assert set(body) == {"error", "decided_by", "status"}, body
        assert body["status"] == status, body
        with db.cursor() as cur:
            cur.execute("SELECT status FROM netdep.entries WHERE id = %s",
                        (eid,))
            assert cur.fetchone()[0] == status
            cur.execute("SELECT count(*) FROM netdep.audit_log WHERE "
                        "target_type = 'entry' AND target_id = %s", (eid,))
            assert cur.fetchone()[0] == 1
        token = media_token(db, eid)
        anon = clone(owner, base_url)
        anon.cookies.clear()
        for suffix in DERIV_SUFFIXES:
            code = anon.get(public_media_path(token, suffix)).status_code
            want = 200 if status == "approved" else 404
            assert code == want, (status, suffix, code)
            path = os.path.join(media_dir, "pub", token[:2], token[2:4],
                                token + suffix)
            assert os.path.exists(path) == (status == "approved")


def test_concurrent_uploads_respect_the_entry_limit(contest, new_user,
                                                    make_jpeg, base_url, db,
                                                    snapshot):
    slug = contest(max_entries=2, min_short_side=200)
    owner = new_user()
    photo = make_jpeg(600, 400)
    _, files_before = snapshot()
    results = run_together([
        lambda: upload(clone(owner, base_url), slug, photo)
        for _ in range(8)])
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 2 + [409] * 6, [r.text[:100] for r in results]
    for r in results:
        if r.status_code == 409:
            assert_error(r, 409, "entry_limit")
    with db.cursor() as cur:
        cur.execute("SELECT e.id, m.token FROM netdep.entries e JOIN "
                    "netdep.media m ON m.entry_id = e.id WHERE "
                    "e.account_id = %s", (owner.user["id"],))
        rows = cur.fetchall()
    assert len(rows) == 2
    # Exactly the winners' files were added: an original and five
    # derivatives (four sizes and the share card) each, nothing from the
    # losers, nothing left in tmp/.
    _, files_after = snapshot()
    added = sorted(set(files_after) - set(files_before))
    assert len(added) == 2 * 6, added
    tokens = {t for _, t in rows}
    assert all(os.path.basename(f)[:32] in tokens for f in added), added
    assert not [f for f in added if f.startswith("tmp/")]
    assert set(files_before) <= set(files_after)
    r = owner.get(f"{API}/me/entries")
    assert len(r.json()["entries"]) == 2
