"""Votes under load (issue 4): many concurrent voters, identical votes
racing, a budget raced by one voter, an Idempotency-Key replayed 100
times; afterwards every folded count equals the vote rows and the board
equals an ORDER BY over the rows.  Folding runs in the background, so the
tests wait for it by polling (vote_helpers.settle)."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from helpers import (API, approve, assert_error, assert_status, clone,
                     run_together, unchanged, upload_ok, vote, vote_rows)
from vote_helpers import (assert_counts_match_rows, board_rows, db_ranking,
                          eventually_equal, key, race_the_budget,
                          status_of)


def make_entries(slug, judge, owners, photo, n_each):
    ids = []
    for owner in owners:
        for _ in range(n_each):
            e = upload_ok(owner, slug, photo)
            approve(judge, e["id"])
            ids.append(e["id"])
    return ids


def test_1000_votes_from_50_concurrent_clients(contest, new_user, make_jpeg,
                                               base_url, db):
    slug = contest(votes_per_day=30, max_entries=10, min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    owners = [new_user(unit=f"Chi đoàn {i}")
              for i in range(2)]
    ids = make_entries(slug, judge, owners, make_jpeg(400, 300), 10)
    voters = [new_user(unit=f"Chi đoàn {i % 3}") for i in range(50)]

    def one_client(i):
        c = clone(voters[i], base_url)
        # Each voter votes for all 20 entries, in an order of its own,
        # so the load spreads and some entries are hot at times.
        order = ids[i % 20:] + ids[:i % 20]
        return [(e, vote(c, e, headers={"Idempotency-Key": key()}))
                for e in order]

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = [x for batch in pool.map(one_client, range(50))
                   for x in batch]
    codes = [status_of(r) for _, r in results]
    assert codes.count(201) == 1000, sorted(set(map(str, codes)))
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.votes v JOIN netdep.contests "
                    "c ON c.id = v.contest_id WHERE c.slug = %s", (slug,))
        assert cur.fetchone()[0] == 1000
    # Each 201 reported a count that includes its own vote.
    assert all(1 <= r.json()["vote_count"] <= 50 for _, r in results)
    assert_counts_match_rows(db, slug)
    want = db_ranking(db, slug)
    assert all(n == 50 for _, n, _ in want)
    assert eventually_equal(lambda: board_rows(voters[0], slug, limit=100),
                            want) == want


def test_50_concurrent_identical_votes_count_once(contest, new_user,
                                                  make_jpeg, base_url, db):
    slug = contest(vote_rule="daily", min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    (eid,) = make_entries(slug, judge, [new_user()], make_jpeg(400, 300), 1)
    voter = new_user()
    clients = [clone(voter, base_url) for _ in range(50)]
    results = run_together([lambda c=c: vote(c, eid) for c in clients])
    codes = sorted(status_of(r) for r in results)
    assert codes == [201] + [409] * 49, codes
    for r in results:
        if r.status_code == 409:
            assert_error(r, 409, "already_voted")
    assert vote_rows(db, eid) == 1
    assert_counts_match_rows(db, slug)


def test_budget_of_10_raced_by_50_votes(contest, new_user, make_jpeg,
                                        base_url, db):
    slug = contest(votes_per_day=10, max_entries=25, min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    ids = make_entries(slug, judge, [new_user(), new_user()],
                       make_jpeg(400, 300), 25)
    race_the_budget(new_user(), ids, base_url, db, budget=10, keys=True)
    assert_counts_match_rows(db, slug)


def test_one_key_replayed_100_times(contest, new_user, make_jpeg, base_url,
                                    snapshot, db):
    slug = contest(votes_per_day=10, min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    (eid,) = make_entries(slug, judge, [new_user()], make_jpeg(400, 300), 1)
    voter = new_user()
    k = key()
    hdr = {"Idempotency-Key": k}
    # Half concurrently (the first of them wins the key), then half one by
    # one, after the first answer is committed.
    clients = [clone(voter, base_url) for _ in range(50)]
    together = run_together([lambda c=c: vote(c, eid, headers=hdr)
                             for c in clients])
    one_by_one = [vote(voter, eid, headers=hdr) for _ in range(50)]
    answers = {(status_of(r), r.text) for r in together + one_by_one}
    assert len(answers) == 1, answers
    (status, text), = answers
    assert status == 201, text
    assert vote_rows(db, eid) == 1
    first = together[0].json()
    assert first == {"entry_id": eid, "vote_count": 1, "votes_left": 9}
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.vote_requests WHERE "
                    "voter_id = %s", (voter.user["id"],))
        assert cur.fetchone()[0] == 1
    # A new key is a new vote: refused as a duplicate, nothing changes.
    with unchanged(snapshot, db):
        assert_error(vote(voter, eid, headers={"Idempotency-Key": key()}),
                     409, "already_voted")
    assert_counts_match_rows(db, slug)


def test_a_refused_first_answer_is_replayed_too(contest, new_user, make_jpeg,
                                                db):
    slug = contest(votes_per_day=1, max_entries=2, min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    a, b = make_entries(slug, judge, [new_user()], make_jpeg(400, 300), 2)
    voter = new_user()
    assert_status(vote(voter, a), 201)
    k = {"Idempotency-Key": key()}
    first = vote(voter, b, headers=k)
    assert_error(first, 429, "budget_spent")
    again = vote(voter, b, headers=k)
    assert (again.status_code, again.text) == (429, first.text)


def test_key_reused_for_another_entry_is_422(contest, new_user, make_jpeg,
                                             snapshot, db):
    slug = contest(max_entries=2, min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    a, b = make_entries(slug, judge, [new_user()], make_jpeg(400, 300), 2)
    voter = new_user()
    k = {"Idempotency-Key": key()}
    assert_status(vote(voter, a, headers=k), 201)
    with unchanged(snapshot, db):
        assert_error(vote(voter, b, headers=k), 422,
                     "idempotency_key_reused")
    # Keys belong to an account: another voter may use the same string.
    assert_status(vote(new_user(), a, headers=k), 201)


@pytest.mark.parametrize("bad", ["short", "x" * 65, "has space1",
                                 "semi;colon", "ünïcode-key", "dots.dots.d"])
def test_malformed_idempotency_key_is_400(contest, new_user, make_jpeg,
                                          snapshot, db, bad):
    slug = contest(min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    (eid,) = make_entries(slug, judge, [new_user()], make_jpeg(400, 300), 1)
    voter = new_user()
    with unchanged(snapshot, db):
        r = voter.post(f"{API}/entries/{eid}/votes",
                       headers={"Idempotency-Key": bad.encode()})
        assert_error(r, 400, "invalid_idempotency_key")


def test_voiding_is_followed_by_every_count(contest, new_user, make_jpeg,
                                            base_url, db):
    slug = contest(max_entries=3, min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    ids = make_entries(slug, judge, [new_user(unit="U1")],
                       make_jpeg(400, 300), 3)
    voters = [new_user() for _ in range(4)]
    for i, v in enumerate(voters):
        for e in ids[:i + 1] if i < 3 else ids[:1]:
            assert_status(vote(v, e), 201)
    assert_counts_match_rows(db, slug)
    # Void everything voter 2 cast (as issue 5's admin action does), then
    # restore one vote: counts, days and distinct voters follow.
    with db.cursor() as cur:
        cur.execute("UPDATE netdep.votes SET voided_at = now(), void_reason "
                    "= 'test' WHERE voter_id = %s", (voters[2].user["id"],))
        cur.execute("UPDATE netdep.votes SET voided_at = NULL WHERE "
                    "voter_id = %s AND entry_id = %s",
                    (voters[2].user["id"], ids[0]))
    assert_counts_match_rows(db, slug)
    want = db_ranking(db, slug)
    assert [n for _, n, _ in want] == [4, 1, 0]
    assert eventually_equal(lambda: board_rows(voters[0], slug),
                            want) == want
    with db.cursor() as cur:
        cur.execute("SELECT voters FROM netdep.unit_stats u JOIN "
                    "netdep.contests c ON c.id = u.contest_id WHERE c.slug = "
                    "%s AND u.level = 'other'", (slug,))
        assert cur.fetchone()[0] == 4


def test_vote_forensics_are_kept_and_purged(contest, new_user, make_jpeg, db):
    slug = contest(min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    (eid,) = make_entries(slug, judge, [new_user()], make_jpeg(400, 300), 1)
    voter = new_user()
    assert_status(vote(voter, eid, headers={"User-Agent": "Zalo/1.0"}), 201)
    with db.cursor() as cur:
        cur.execute("SELECT host(ip), ip_prefix::text, octet_length(ua_hash), "
                    "account_age IS NOT NULL, account_age >= interval '0', "
                    "id FROM netdep.votes WHERE entry_id = %s", (eid,))
        ip, prefix, ua_len, has_age, age_ok, vid = cur.fetchone()
        a = voter.addr.split(".")
        assert ip == voter.addr and prefix == ".".join(a[:3]) + ".0/24"
        assert ua_len == 16 and has_age and age_ok
        # Older than the retention period: the purge nulls address and
        # user agent, keeps the prefix and the count.
        cur.execute("UPDATE netdep.votes SET created_at = now() - interval "
                    "'200 days' WHERE id = %s", (vid,))
        cur.execute("SELECT netdep.vote_purge_forensics(180, 1000)")
        assert cur.fetchone()[0] >= 1
        cur.execute("SELECT ip, ua_hash, ip_prefix::text FROM netdep.votes "
                    "WHERE id = %s", (vid,))
        assert cur.fetchone() == (None, None, prefix)
    assert_counts_match_rows(db, slug)
