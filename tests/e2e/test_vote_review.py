"""Votes that can be questioned and proven (issue 16): a burst from one
/24 is held for review by the folder ("đang xác minh" next to the count
on the boards), left out of the prize count (prize_votes()), confirmed and
voided in bulk with a reason (audited); the entrant sees the counts and
reasons, files an appeal and reads the answer; the vote ledger verifies,
and a vote row edited by hand is caught at its link.

The burst is fixture data, as in test_judging_fraud.py: vote rows inserted
as the database owner with a chosen address."""

import re

from helpers import API, assert_error, assert_status, vote
from judging_helpers import (board, fixture_accounts, insert_votes,
                             judged_contest, wait_for)

BURST_IP = "198.51.100.23"


def held(client, slug):
    """{entry id: (votes, under_review)} from the by-votes board."""
    return {x["entry"]["id"]: (x["votes"], x["entry"]["under_review"])
            for x in board(client, slug)}


def prize_votes(db, slug):
    with db.cursor() as cur:
        cur.execute("SELECT p.entry_id, p.votes FROM netdep.prize_votes("
                    "(SELECT id FROM netdep.contests WHERE slug = %s), "
                    "NULL, NULL) p", (slug,))
        return dict(cur.fetchall())


def audit_actions(db, slug):
    with db.cursor() as cur:
        cur.execute("SELECT action, after FROM netdep.audit_log WHERE "
                    "contest_id = (SELECT id FROM netdep.contests WHERE "
                    "slug = %s) ORDER BY id", (slug,))
        return cur.fetchall()


def test_burst_held_decided_and_appealed(contest, new_user, make_jpeg, db,
                                         admin_cli):
    w = judged_contest(contest, new_user, make_jpeg, approved=2)
    slug, target, honest = w["slug"], w["approved"][0], w["approved"][1]
    rules = f"{API}/contests/{slug}/fraud-rules"
    # Only an admin changes the rules; a bad threshold changes nothing.
    assert_error(w["judge"].put(rules, json={"rule": "burst_prefix",
                                             "enabled": True}),
                 403, "forbidden")
    assert_error(w["admin"].put(rules, json={"rule": "burst_prefix",
                                             "min_votes": 1}),
                 400, "invalid_field")
    r = w["admin"].put(rules, json={"rule": "burst_prefix", "enabled": True,
                                    "min_votes": 5, "window_minutes": 10})
    assert_status(r, 200)
    got = w["judge"].get(rules).json()["rules"]
    assert {"rule": "burst_prefix", "enabled": True, "min_votes": 5,
            "window_minutes": 10, "max_age_hours": 24} in got
    # The CLI reads and changes the same rules.
    p = admin_cli("fraud-rules", "set", slug, "fresh_accounts",
                  "--min-votes", "50")
    assert p.returncode == 0, p.stderr
    p = admin_cli("fraud-rules", "show", slug)
    assert '"min_votes": 50' in p.stdout and '"enabled": false' in p.stdout

    bots = fixture_accounts(db, 6)
    burst = insert_votes(db, target, bots, BURST_IP, start_ago_s=300,
                         step_s=10)
    people = fixture_accounts(db, 2)
    for k, voter in enumerate(people):
        insert_votes(db, honest, [voter], f"192.0.2.{40 + k * 60}",
                     start_ago_s=900 - 400 * k, step_s=0)
    # Counted at once, held by the folder's scan: the board shows both.
    wait_for(lambda: held(w["owner"], slug) == {target: (6, 6),
                                                honest: (2, 0)},
             "burst held for review")
    assert prize_votes(db, slug) == {honest: 2}

    rev = w["judge"].get(f"{API}/contests/{slug}/review").json()
    assert rev["held"] == [{"entry": target, "rule": "burst_prefix",
                            "votes": 6, "vote_ids": sorted(burst)}]
    # A reason is required; nothing changes without one.
    assert_error(w["judge"].post(f"{API}/contests/{slug}/review/confirm",
                                 json={"vote_ids": burst[:2]}),
                 400, "invalid_field")
    r = w["judge"].post(f"{API}/contests/{slug}/review/confirm",
                        json={"vote_ids": burst[:2],
                              "reason": "Hai bạn cùng lớp, đã xác minh"})
    assert_status(r, 200)
    assert r.json()["confirmed"] == 2
    wait_for(lambda: held(w["owner"], slug)[target] == (6, 4),
             "two confirmed")
    assert prize_votes(db, slug) == {target: 2, honest: 2}
    # Void the rest in bulk, from the CLI, with the reason.
    p = admin_cli("review", "void", slug, "--reason",
                  "Phiếu dồn dập từ một mạng")
    assert p.returncode == 0, p.stderr
    assert '"voided": 4' in p.stdout
    wait_for(lambda: held(w["owner"], slug)[target] == (2, 0),
             "four voided")
    assert prize_votes(db, slug) == {target: 2, honest: 2}
    acts = [(a, x.get("reason")) for a, x in audit_actions(db, slug)
            if a.startswith("review.")]
    assert acts == [("review.confirm", "Hai bạn cùng lớp, đã xác minh"),
                    ("review.void", "Phiếu dồn dập từ một mạng")]

    # The entrant: counts and reasons, no voter data.
    mine = w["owner"].get(f"{API}/me/review")
    assert_status(mine, 200)
    e = [x for x in mine.json()["entries"] if x["entry"] == target]
    assert e and e[0]["under_review"] == 0 and e[0]["voided"] == 4
    assert "Phiếu dồn dập từ một mạng" in e[0]["reasons"]
    assert e[0]["rules"] == ["burst_prefix"]
    assert BURST_IP not in mine.text and "198.51.100" not in mine.text
    # Appeals: only for one's own entry, with a message.
    assert_error(w["judge"].post(f"{API}/entries/{target}/appeals",
                                 json={"message": "x"}), 404, "no_entry")
    assert_error(w["owner"].post(f"{API}/entries/{target}/appeals",
                                 json={"message": ""}), 400, "invalid_field")
    r = w["owner"].post(f"{API}/entries/{target}/appeals",
                        json={"message": "Các bạn ấy bình chọn thật."})
    assert_status(r, 201)
    aid = r.json()["id"]
    q = w["admin"].get(f"{API}/admin/appeals", params={"open": "true"})
    assert_status(q, 200)
    mine_q = [a for a in q.json()["appeals"] if a["id"] == aid]
    assert mine_q and mine_q[0]["voided"] == 4 and mine_q[0]["answer"] is None
    assert_error(w["owner"].get(f"{API}/admin/appeals"), 403, "forbidden")
    r = w["admin"].post(f"{API}/admin/appeals/{aid}/answer",
                        json={"answer": "Đã xem lại: giữ nguyên quyết định."})
    assert_status(r, 200)
    assert_error(w["admin"].post(f"{API}/admin/appeals/{aid}/answer",
                                 json={"answer": "again"}),
                 409, "already_answered")
    ap = w["owner"].get(f"{API}/me/review").json()["appeals"]
    assert [(a["id"], a["answer"]) for a in ap] == [
        (aid, "Đã xem lại: giữ nguyên quyết định.")]
    acts = [a for a, _ in audit_actions(db, slug)]
    assert "appeal.file" in acts and "appeal.answer" in acts


def ledger_link(db, vote_id, kind="vote"):
    with db.cursor() as cur:
        cur.execute("SELECT chain, seq FROM netdep.ledger_links() WHERE "
                    "vote_id = %s AND kind = %s", (vote_id, kind))
        return cur.fetchone()


def test_ledger_verifies_and_catches_a_tamper(contest, new_user, make_jpeg,
                                              db, admin_cli, base_url):
    w = judged_contest(contest, new_user, make_jpeg, approved=2)
    slug, a, b = w["slug"], w["approved"][0], w["approved"][1]
    voters = [new_user() for _ in range(3)]
    for v in voters:
        assert_status(vote(v, a), 201)
    with db.cursor() as cur:
        cur.execute("SELECT id, voter_id FROM netdep.votes WHERE entry_id = "
                    "%s ORDER BY id", (a,))
        rows = cur.fetchall()
    assert len(rows) == 3
    # Every vote is a link of one of the 256 chains (its batch's).
    links = {vid: ledger_link(db, vid) for vid, _ in rows}
    for ch, seq in links.values():
        assert 0 <= ch < 256 and seq >= 1
    # A void through the API is a link too, on its voter's chain.
    r = w["admin"].post(f"{API}/contests/{slug}/votes/void",
                        json={"vote_ids": [rows[0][0]], "reason": "thử"})
    assert_status(r, 200)
    void = ledger_link(db, rows[0][0], "void")
    assert void is not None and void[0] == rows[0][1] % 256
    # Other tests of the suite move vote rows by hand (fixture days), which
    # is exactly what verify must report: judge only this test's links.
    mine = set(links.values()) | {void}
    assert not mine & broken_links(admin_cli)

    # The public digest of today names every chain head.
    d = w["owner"].get(f"{API}/ledger")
    assert_status(d, 200)
    today = d.json()["today"]
    assert re.fullmatch(r"[0-9a-f]{64}", today["root"])
    assert today["votes"] >= 3 and today["voids"] >= 1
    assert {c["chain"] for c in today["chains"]} >= {ch for ch, _ in mine}

    # Move two votes to the other entry by hand, as the owner: verify
    # names both links (a broken link hides none after it, even on one
    # chain) and no other link of this test.
    moved = [rows[1][0], rows[2][0]]
    # One after the other through the master's vote writer, whose
    # connection keeps its chain.
    assert links[moved[0]][0] == links[moved[1]][0]
    assert links[moved[0]][1] < links[moved[1]][1]
    with db.cursor() as cur:
        cur.execute("UPDATE netdep.votes SET entry_id = %s WHERE id = "
                    "ANY(%s)", (b, moved))
    try:
        p = admin_cli("ledger", "verify")
        assert p.returncode == 1, p.stdout
        for vid in moved:
            ch, seq = links[vid]
            assert (f"broken: chain {ch} seq {seq} event vote vote {vid}: "
                    "hash mismatch") in p.stdout, p.stdout
        assert mine & broken_links(admin_cli) == {links[v] for v in moved}
    finally:
        with db.cursor() as cur:
            cur.execute("UPDATE netdep.votes SET entry_id = %s WHERE id = "
                        "ANY(%s)", (a, moved))
    assert not mine & broken_links(admin_cli)


def chain_links(db, chain):
    """[(seq, kind, vote id, where)] of one chain in seq order: 'row' for
    a link carried by its vote row, 'ledger' for a vote_ledger row."""
    with db.cursor() as cur:
        cur.execute("SELECT l.seq, l.kind, l.vote_id, CASE WHEN EXISTS ("
                    "SELECT 1 FROM netdep.votes v WHERE v.id = l.vote_id "
                    "AND v.ledger_seq = l.seq AND l.kind = 'vote' AND "
                    "v.ledger_chain = l.chain) THEN 'row' ELSE 'ledger' END "
                    "FROM netdep.ledger_links() l WHERE l.chain = %s "
                    "ORDER BY l.seq", (chain,))
        return cur.fetchall()


def test_ledger_link_rides_in_the_vote_row(contest, new_user, make_jpeg, db,
                                           admin_cli):
    """Migration 070: a vote cast through the API carries its link in its
    own row (no vote_ledger row), a refused second vote leaves no link, a
    vote inserted by hand is appended to vote_ledger on its voter's chain,
    and the chains run through both kinds without a gap."""
    w = judged_contest(contest, new_user, make_jpeg, approved=2)
    a = w["approved"][0]
    voter = new_user()
    assert_status(vote(voter, a), 201)
    with db.cursor() as cur:
        cur.execute("SELECT id, voter_id, ledger_chain, ledger_seq, "
                    "length(ledger_hash) FROM netdep.votes WHERE entry_id = "
                    "%s", (a,))
        vid, vr, ch, seq, hlen = cur.fetchone()
        cur.execute("SELECT count(*) FROM netdep.vote_ledger WHERE "
                    "vote_id = %s", (vid,))
        assert cur.fetchone()[0] == 0
    assert 0 <= ch < 256 and seq >= 1 and hlen == 32
    assert chain_links(db, ch)[-1] == (seq, "vote", vid, "row")
    # Once per contest: the second vote is refused and adds no link.
    assert vote(voter, a).status_code == 409
    assert chain_links(db, ch)[-1] == (seq, "vote", vid, "row")
    # A vote row inserted by hand (as the fixtures do) is appended to its
    # voter's chain through vote_ledger.
    hch = vr % 256
    before = chain_links(db, hch)
    [hv] = insert_votes(db, w["approved"][1], [vr], "192.0.2.7", 5, 0)
    after = chain_links(db, hch)
    assert after == before + [(len(before) + 1, "vote", hv, "ledger")]
    # Both chains are whole, and verify walks both kinds of link.
    for c in {ch, hch}:
        links = chain_links(db, c)
        assert [x[0] for x in links] == list(range(1, len(links) + 1))
    assert not {(ch, seq), (hch, len(after))} & broken_links(admin_cli)


def test_batches_append_to_free_chains(contest, new_user, make_jpeg, db,
                                      admin_cli):
    """A batch of votes takes a free ledger chain (a lock and a read per
    batch, not per vote): a second transaction casting while the first
    holds its chain takes another one instead of waiting, and both chains
    stay whole.  lock_timeout turns a wait into a failure here."""
    import psycopg2
    w = judged_contest(contest, new_user, make_jpeg, approved=1)
    a = w["approved"][0]
    names = [new_user(login=False).username for _ in range(4)]
    with db.cursor() as cur:
        cur.execute("SELECT id FROM netdep.accounts WHERE username = "
                    "ANY(%s) ORDER BY id", (names,))
        ids = [r[0] for r in cur.fetchall()]
    cast = ("SELECT i, outcome FROM netdep.vote_cast_many(now(), "
            "%s::bigint[], %s::bigint[], %s::inet[], %s::bytea[], "
            "%s::text[], %s::bytea[], %s::timestamptz[], %s::boolean[])")

    def batch(cur, voters):
        n = len(voters)
        cur.execute(cast, (voters, [a] * n, ["192.0.2.9"] * n, [None] * n,
                           [None] * n, [None] * n, [None] * n,
                           [False] * n))
        assert [o for _, o in cur.fetchall()] == ["counted"] * n
        cur.execute("SELECT ledger_chain, ledger_seq FROM netdep.votes "
                    "WHERE entry_id = %s AND voter_id = ANY(%s) ORDER BY "
                    "id", (a, voters))
        return cur.fetchall()

    first, second = (psycopg2.connect(db.dsn) for _ in range(2))
    try:
        c1, c2 = first.cursor(), second.cursor()
        c2.execute("SET lock_timeout = '5s'")
        one = batch(c1, ids[:2])           # open: holds its chain
        two = batch(c2, ids[2:])
        second.commit()
        first.commit()
    finally:
        first.close()
        second.close()
    # One chain per batch, its links consecutive; two chains.
    for links in (one, two):
        assert len({ch for ch, _ in links}) == 1
        assert [s for _, s in links] == list(range(links[0][1],
                                                   links[0][1] + 2))
    assert one[0][0] != two[0][0]
    for ch in (one[0][0], two[0][0]):
        seqs = [x[0] for x in chain_links(db, ch)]
        assert seqs == list(range(1, len(seqs) + 1))
    assert not set(one + two) & broken_links(admin_cli)


def test_vote_already_cast_waits_for_no_void(contest, new_user, make_jpeg,
                                             db):
    """A second vote for an entry must be refused from vote_cast()'s
    snapshot, not by an INSERT that waits on the first vote's row while
    another transaction changes it (a void in progress would then want the
    ledger chain the batch may hold: a deadlock).  Without the check the INSERT waits for the open
    transaction below until the app role's lock_timeout: a 500."""
    import psycopg2
    w = judged_contest(contest, new_user, make_jpeg, approved=1)
    a = w["approved"][0]
    voter = new_user()
    assert_status(vote(voter, a), 201)
    with db.cursor() as cur:
        cur.execute("SELECT id FROM netdep.votes WHERE entry_id = %s", (a,))
        [vid] = cur.fetchone()
    other = psycopg2.connect(db.dsn)
    try:
        with other.cursor() as cur:
            # A new version of the vote row, not committed; no void yet,
            # so its ledger trigger takes no chain lock.
            cur.execute("UPDATE netdep.votes SET ip = ip WHERE id = %s",
                        (vid,))
        assert vote(voter, a).status_code == 409
    finally:
        other.rollback()
        other.close()


def broken_links(admin_cli):
    """The links (chain, seq) `ledger verify` reports broken (none: exit
    0, "ok")."""
    p = admin_cli("ledger", "verify")
    if p.returncode == 0:
        assert p.stdout.startswith("ok: "), p.stdout
        return set()
    assert p.returncode == 1, p.stderr
    return {(int(c), int(s)) for c, s in re.findall(
        r"^broken: chain (\d+) seq (\d+)", p.stdout, re.M)}


def test_vote_proof_of_work(contest, new_user, make_jpeg, db):
    from test_login_brakes import solve
    w = judged_contest(contest, new_user, make_jpeg, approved=2)
    slug, a, b = w["slug"], w["approved"][0], w["approved"][1]
    voter = new_user()
    # Off by default: a vote needs no proof.
    assert_status(vote(voter, a), 201)
    r = w["admin"].put(f"{API}/contests/{slug}/fraud-rules",
                       json={"rule": "vote_pow", "enabled": True})
    assert_status(r, 200)
    assert {"rule": "vote_pow", "enabled": True} in r.json()["rules"]
    assert w["owner"].get(f"{API}/contests/{slug}").json()["contest"][
        "vote_pow"] is True

    def rows():
        with db.cursor() as cur:
            cur.execute("SELECT count(*) FROM netdep.votes WHERE entry_id = "
                        "%s", (b,))
            return cur.fetchone()[0]

    assert_error(vote(voter, b), 403, "pow_required")
    assert_error(vote(voter, b, headers={"X-Altcha": "bm90LWEtcHJvb2Y="}),
                 400, "pow_invalid")
    ch = voter.get(f"{API}/challenge").json()["challenge"]
    proof = solve(ch)
    assert_error(vote(voter, b, headers={"X-Altcha": solve(
        ch, number=ch["maxnumber"] + 1)}), 400, "pow_invalid")
    assert rows() == 0
    assert_status(vote(voter, b, headers={"X-Altcha": proof}), 201)
    assert rows() == 1
    # The same proof again (another voter): refused, nothing written.
    other = new_user()
    assert_error(vote(other, b, headers={"X-Altcha": proof}), 409,
                 "pow_reused")
    assert rows() == 1
