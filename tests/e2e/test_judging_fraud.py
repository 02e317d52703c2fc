"""Fraud review (issue 5): a scripted burst from one address is listed in
the report with its evidence; voiding it changes the counts and the
leaderboard exactly, restoring brings them back, and the audit log has
both.  The burst is fixture data: vote rows inserted as the database
owner with a chosen ip and created_at (the server takes the address from
nginx's REMOTE_ADDR, so no HTTP client can choose it)."""

from helpers import API, assert_error, assert_status
from judging_helpers import (board, board_votes, fixture_accounts,
                             insert_votes, judged_contest, wait_for)

BURST_IP = "203.0.113.7"


def ranked(client, slug):
    """The by-votes board as [(entry id, votes)], in its order."""
    return [(x["entry"]["id"], x["votes"]) for x in board(client, slug)]


def test_burst_is_reported_voided_and_restored(contest, new_user, make_jpeg,
                                               db, snapshot):
    w = judged_contest(contest, new_user, make_jpeg, approved=2)
    slug, target, honest = w["slug"], w["approved"][0], w["approved"][1]
    bots = fixture_accounts(db, 8)
    people = fixture_accounts(db, 3)
    burst = insert_votes(db, target, bots, BURST_IP, start_ago_s=3600,
                         step_s=20)
    for k, voter in enumerate(people):
        insert_votes(db, honest, [voter], f"192.0.2.{10 + k}",
                     start_ago_s=80000 - 20000 * k, step_s=0)
    # Order and counts from one answer: a worker may serve the board it
    # held for a moment after a fold (NETDEP_BOARD_HOLD_MS), so two reads
    # in a row can come from boards of different ages.
    wait_for(lambda: ranked(w["admin"], slug) == [(target, 8), (honest, 3)],
             "fixture votes folded")

    rep = w["judge"].get(f"{API}/contests/{slug}/fraud")
    assert_status(rep, 200)
    bursts = rep.json()["bursts"]
    by_ip = [b for b in bursts if b["kind"] == "ip"]
    assert len(by_ip) == 1, bursts
    b = by_ip[0]
    assert b["address"] == BURST_IP and b["entry"]["id"] == target
    assert sorted(b["vote_ids"]) == sorted(burst)
    assert b["votes"] == 8 and b["accounts"] == 8
    assert b["evidence"]
    assert any(x["kind"] == "steady_interval" and x["entry"]["id"] == target
               for x in bursts)
    assert not [x for x in bursts if x["entry"]["id"] == honest]

    # The judge may read the report but not void.
    assert_error(w["judge"].post(f"{API}/contests/{slug}/votes/void",
                                 json={"vote_ids": burst, "reason": "x"}),
                 403, "forbidden")
    r = w["admin"].post(f"{API}/contests/{slug}/votes/void",
                        json={"vote_ids": b["vote_ids"],
                              "reason": "Bình chọn dồn dập từ một địa chỉ"})
    assert_status(r, 200)
    assert r.json()["voided"] == 8
    assert r.json()["entries"] == [{"id": target, "votes": 0}]
    wait_for(lambda: ranked(w["admin"], slug) == [(honest, 3), (target, 0)],
             "counts follow the void")
    e = w["owner"].get(f"{API}/entries/{target}").json()["entry"]
    assert e["votes"] == 0
    rep = w["judge"].get(f"{API}/contests/{slug}/fraud").json()
    assert not [x for x in rep["bursts"] if x["entry"]["id"] == target]
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.votes WHERE id = ANY(%s) "
                    "AND voided_at IS NOT NULL AND void_reason LIKE "
                    "'Bình chọn%%'", (burst,))
        assert cur.fetchone()[0] == 8
    # Voiding again changes nothing.
    r = w["admin"].post(f"{API}/contests/{slug}/votes/void",
                        json={"vote_ids": burst, "reason": "lần hai"})
    assert_status(r, 200)
    assert r.json()["voided"] == 0

    r = w["admin"].post(f"{API}/contests/{slug}/votes/restore",
                        json={"vote_ids": burst})
    assert_status(r, 200)
    assert r.json()["restored"] == 8
    wait_for(lambda: ranked(w["admin"], slug) == [(target, 8), (honest, 3)],
             "counts follow the restore")

    with db.cursor() as cur:
        cur.execute("SELECT action, actor_name, ip IS NOT NULL, before, "
                    "after FROM netdep.audit_log WHERE contest_id = "
                    "(SELECT id FROM netdep.contests WHERE slug = %s) AND "
                    "action LIKE 'votes.%%' ORDER BY id", (slug,))
        audit = cur.fetchall()
    assert [a[0] for a in audit] == ["votes.void", "votes.restore"]
    for action, actor, has_ip, before, after in audit:
        assert actor == w["admin"].username and has_ip
        assert sorted(after["vote_ids"]) == sorted(burst)
    assert audit[0][4]["reason"] == "Bình chọn dồn dập từ một địa chỉ"

    # The admin's audit view shows both too.
    r = w["admin"].get(f"{API}/admin/audit", params={"contest": slug})
    assert_status(r, 200)
    actions = [x["action"] for x in r.json()["audit"]]
    assert actions[:2] == ["votes.restore", "votes.void"]


def test_void_by_account(contest, new_user, make_jpeg, db):
    w = judged_contest(contest, new_user, make_jpeg, approved=2)
    slug = w["slug"]
    voter = fixture_accounts(db, 1)[0]
    with db.cursor() as cur:
        cur.execute("SELECT username FROM netdep.accounts WHERE id = %s",
                    (voter,))
        username = cur.fetchone()[0]
    for eid in w["approved"]:
        insert_votes(db, eid, [voter], "192.0.2.99", 500, 0)
    wait_for(lambda: set(board_votes(w["admin"], slug).values()) == {1},
             "votes folded")
    r = w["admin"].post(f"{API}/contests/{slug}/votes/void",
                        json={"account": username, "reason": "Tài khoản ảo"})
    assert_status(r, 200)
    assert r.json()["voided"] == 2
    wait_for(lambda: set(board_votes(w["admin"], slug).values()) == {0},
             "counts follow the void")
    for body, code in (({"reason": "x"}, "invalid_field"),
                       ({"account": username}, "invalid_field"),
                       ({"account": username, "vote_ids": [1],
                         "reason": "x"}, "invalid_field")):
        assert_error(w["admin"].post(f"{API}/contests/{slug}/votes/void",
                                     json=body), 400, code)
    assert_error(w["admin"].post(f"{API}/contests/{slug}/votes/void",
                                 json={"account": "nobody-here",
                                       "reason": "x"}), 404, "no_account")
