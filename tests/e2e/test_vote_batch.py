"""The vote writer (issue 19, cgi/vote_writer.c): the votes the workers
receive while a batch commits are cast together in the next transaction,
each with the answer it would get alone; the session and the CSRF token
are checked in that same statement; a batch the database refuses as a
whole is cast again one vote at a time; a writer killed is replaced and
no acknowledged vote is lost.

A batch is seen for what it is in the rows: the votes one transaction
wrote share their xmin."""

import os
import secrets
import threading
import time

import pytest

from helpers import API, assert_error, assert_status, clone, run_together, vote
from judging_helpers import judged_contest
from test_process import configured_workers, eventually, votes_across_a_kill
from vote_helpers import owner_conn, settle, votes_locked


@pytest.fixture
def entries(contest, new_user, make_jpeg):
    """Two approved entries of a contest with a budget of 5 a day."""
    return judged_contest(contest, new_user, make_jpeg, approved=2,
                          min_short_side=200, votes_per_day=5)["approved"]


def calls(casts):
    """A vote per (client, entry, key) of casts, as callables."""
    return [lambda c=c: vote(c[0], c[1], timeout=120,
                             headers={"Idempotency-Key": c[2]})
            for c in casts]


def votes_while_locked(casts):
    """Sends casts all at once (run_together) while the votes table is
    locked against writes, so that the first vote's batch waits on the
    lock and the others gather behind it; then releases the lock.
    Returns the answers in the order of casts."""
    box = []
    sender = threading.Thread(
        target=lambda: box.append(run_together(calls(casts))))
    with votes_locked(), owner_conn() as watch, watch.cursor() as cur:
        sender.start()
        # The first batch waits on the lock ...
        waits = eventually(lambda: cur.execute(
            "SELECT 1 FROM pg_locks WHERE NOT granted AND relation = "
            "'netdep.votes'::regclass") or cur.fetchone(), timeout=60)
        # ... and the others reach the writer meanwhile (a local request
        # takes milliseconds; if one is late, it is only in a batch of
        # its own: the assertions allow that).
        if waits:
            time.sleep(1.0)
    sender.join(180)
    answers = box[0] if box else []
    assert waits, "no vote waited on the lock: " + repr(
        [getattr(r, "text", r) for r in answers])
    return answers


def xmins(db, entry_ids):
    with db.cursor() as cur:
        cur.execute("SELECT xmin::text FROM netdep.votes WHERE entry_id = "
                    "ANY(%s)", (list(entry_ids),))
        return [r[0] for r in cur.fetchall()]


def test_votes_that_arrive_together_share_one_commit(entries, new_user,
                                                     var_dir, db, base_url):
    # As many votes at once as workers can hold (8 is plenty to see it).
    n = min(configured_workers(var_dir), 8)
    assert n >= 3, "the suite's stack needs 3 workers for this test"
    a, b = entries
    voters = [new_user() for _ in range(n)]
    # One voter twice in the same batch (a second device, its own
    # connection, the same session): decided in turn.
    casts = [(v, a, secrets.token_urlsafe(12)) for v in voters]
    casts[-1] = (clone(voters[1], base_url), b, secrets.token_urlsafe(12))
    answers = votes_while_locked(casts)
    for r in answers:
        assert_status(r, 201)
    # Counts are exact and distinct within the batch: 1..n-1 on a.
    counts = sorted(r.json()["vote_count"] for r in answers[:-1])
    assert counts == list(range(1, n)), counts
    assert answers[-1].json()["vote_count"] == 1
    # The voter with two requests spent two of the five.
    left = sorted(answers[i].json()["votes_left"] for i in (1, n - 1))
    assert left == [3, 4]
    # Fewer transactions than votes: the ones that waited went together.
    xs = xmins(db, (a, b))
    assert len(xs) == n
    assert len(set(xs)) < n, f"every vote had its own transaction: {xs}"
    # A retry of each key, all at once, replays its answer.
    again = run_together(calls(casts))
    assert [(r.status_code, r.json()) for r in again] == \
        [(r.status_code, r.json()) for r in answers]
    assert len(xmins(db, (a, b))) == n
    settle(db)
    with db.cursor() as cur:
        cur.execute("SELECT votes FROM netdep.entry_stats WHERE entry_id = "
                    "ANY(%s) ORDER BY entry_id", ([a, b],))
        assert [r[0] for r in cur.fetchall()] == [n - 1, 1]


def test_a_batch_refused_as_a_whole_is_cast_vote_by_vote(entries, new_user,
                                                         var_dir, db):
    """A vote the database refuses (here a trigger raises for entry b, as
    a bug or a hand-written row would) fails alone: the other votes of
    its batch are counted."""
    n = min(configured_workers(var_dir), 8)
    a, b = entries
    with db.cursor() as cur:
        cur.execute("CREATE FUNCTION public.netdep_test_refuse() RETURNS "
                    "trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.entry_id "
                    f"= {int(b)} THEN RAISE EXCEPTION 'refused by the test'; "
                    "END IF; RETURN NEW; END $$")
        cur.execute("CREATE TRIGGER netdep_test_refuse BEFORE INSERT ON "
                    "netdep.votes FOR EACH ROW EXECUTE FUNCTION "
                    "public.netdep_test_refuse()")
    try:
        voters = [new_user() for _ in range(n)]
        casts = [(v, a, secrets.token_urlsafe(12)) for v in voters]
        casts[0] = (voters[0], b, secrets.token_urlsafe(12))
        answers = votes_while_locked(casts)
    finally:
        with db.cursor() as cur:
            cur.execute("DROP TRIGGER netdep_test_refuse ON netdep.votes")
            cur.execute("DROP FUNCTION public.netdep_test_refuse()")
    assert_error(answers[0], 500, "internal")
    for r in answers[1:]:
        assert_status(r, 201)
    assert sorted(r.json()["vote_count"] for r in answers[1:]) == \
        list(range(1, n))
    assert len(xmins(db, (b,))) == 0
    assert len(xmins(db, (a,))) == n - 1
    # Nothing was kept of the refused vote, not even its key: a retry
    # now counts.
    r = vote(casts[0][0], b, headers={"Idempotency-Key": casts[0][2]})
    assert_status(r, 201)


def test_the_session_is_checked_in_the_batch(entries, new_user, db):
    a, _ = entries
    voter = new_user()
    # A wrong CSRF token of the right shape: 403, nothing written.
    r = vote(voter, a, csrf="x" * 43)
    assert_error(r, 403, "csrf")
    # No token at all: refused before the database.
    assert_error(vote(voter, a, csrf=False), 403, "csrf")
    # A session that ended (log-out): 401, nothing written.
    token = voter.cookies.get("netdep_session")
    csrf = voter.csrf
    assert_status(voter.delete(f"{API}/session"), 204)
    voter.cookies.set("netdep_session", token)
    voter.csrf = csrf
    assert_error(vote(voter, a), 401, "login_required")
    # A disabled account's session: 401.
    other = new_user()
    with db.cursor() as cur:
        cur.execute("UPDATE netdep.accounts SET disabled_at = now() WHERE "
                    "id = %s", (other.user["id"],))
    assert_error(vote(other, a), 401, "login_required")
    assert xmins(db, (a,)) == []


def test_a_batch_queues_one_row_per_entry_and_day(entries, new_user):
    """The votes one statement inserts are queued as one row per entry
    and day with their voters (migration 071), so a batch's count read sums
    one row per batch for an entry that gets every vote; a void queues a
    row of its voter; the fold takes both forms.  All in one transaction,
    rolled back: the folder never sees these rows."""
    a, b = entries
    ids = [new_user().user["id"] for _ in range(5)]
    voters, targets = ids, [a, a, a, a, b]
    n = len(ids)
    conn = owner_conn()
    try:
        with conn.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute(
                "SELECT i, outcome, vote_count FROM netdep.vote_cast_many("
                "now(), %s::bigint[], %s::bigint[], %s::inet[], "
                "%s::bytea[], %s::text[], %s::bytea[], %s::timestamptz[], "
                "%s::boolean[])",
                (voters, targets, ["192.0.2.7"] * n, [None] * n, [None] * n,
                 [None] * n, [None] * n, [False] * n))
            answers = cur.fetchall()
            assert [x[1] for x in answers] == ["counted"] * n, answers
            assert sorted(x[2] for x in answers[:4]) == [1, 2, 3, 4]
            cur.execute("SELECT entry_id, voter_id, delta, voters FROM "
                        "netdep.vote_changes WHERE entry_id = ANY(%s) "
                        "ORDER BY entry_id", ([a, b],))
            rows = cur.fetchall()
            assert [(e, v, d, sorted(vs)) for e, v, d, vs in rows] == [
                (a, None, 4, sorted(ids[:4])), (b, None, 1, [ids[4]])], rows
            # A void: a row of its own voter, -1.
            cur.execute("UPDATE netdep.votes SET voided_at = now() WHERE "
                        "entry_id = %s AND voter_id = %s", (a, ids[0]))
            cur.execute("SELECT voter_id, delta, voters FROM "
                        "netdep.vote_changes WHERE entry_id = %s AND "
                        "voters IS NULL", (a,))
            assert cur.fetchall() == [(ids[0], -1, None)]
            # The fold (the folder may hold its lock for a moment: -1).
            for _ in range(600):
                cur.execute("SELECT netdep.vote_fold()")
                if cur.fetchone()[0] >= 0:
                    break
                time.sleep(0.05)
            else:
                pytest.fail("vote_fold() never got its lock")
            cur.execute("SELECT entry_id, votes FROM netdep.entry_stats "
                        "WHERE entry_id = ANY(%s) ORDER BY entry_id",
                        ([a, b],))
            assert cur.fetchall() == [(a, 3), (b, 1)]
            cur.execute("SELECT count(*) FROM netdep.vote_changes WHERE "
                        "entry_id = ANY(%s)", ([a, b],))
            assert cur.fetchone()[0] == 0
            # The units' voters: the four whose votes stand, each once.
            cur.execute("SELECT level, name, array_agg(voter_id ORDER BY "
                        "voter_id) FROM netdep.unit_voters WHERE contest_id "
                        "= (SELECT contest_id FROM netdep.entries WHERE id = "
                        "%s) AND votes > 0 GROUP BY 1, 2", (a,))
            keys = cur.fetchall()
            assert keys and all(vs == sorted(ids[1:]) for _, _, vs in keys), \
                keys
    finally:
        with conn.cursor() as cur:
            cur.execute("ROLLBACK")
        conn.close()


def test_kill_9_of_the_writer_loses_no_acknowledged_vote(entries, new_user,
                                                         var_dir, db):
    a, _ = entries
    votes_across_a_kill(var_dir, "netdep-votes", new_user, a)
    assert len(xmins(db, (a,))) == 12
    settle(db)
    with db.cursor() as cur:
        cur.execute("SELECT votes FROM netdep.entry_stats WHERE entry_id = "
                    "%s", (a,))
        assert cur.fetchone()[0] == 12


def test_the_log_line_names_the_voter(entries, new_user, var_dir):
    """The vote's session is never loaded by the worker; its request log
    line still names the account the batch found (r->account), as a
    line of a route with a loaded session does."""
    import json
    a, b = entries
    voter = new_user()
    log = os.path.join(var_dir, "log", "netdep.log")
    with open(log, "rb") as f:
        offset = f.seek(0, os.SEEK_END)
    assert_status(vote(voter, a), 201)
    assert_status(voter.get(f"{API}/session"), 200)
    assert_error(vote(voter, b, csrf="x" * 43), 403, "csrf")

    def lines():
        with open(log, "rb") as f:
            f.seek(offset)
            recs = [json.loads(x) for x in f.read().decode().splitlines()
                    if x.startswith("{")]
        return [(r["path"], r["status"], r.get("account")) for r in recs
                if r.get("event") == "request"]
    got = eventually(lambda: len(lines()) >= 3 and lines())
    me = voter.user["id"]
    assert (f"{API}/entries/{a}/votes", 201, me) in got, got
    assert (f"{API}/session", 200, me) in got, got
    # A refused token: the batch found the session's account all the same.
    assert (f"{API}/entries/{b}/votes", 403, me) in got, got


def test_vacuum_keeps_the_vote_queues_last_pages(entries):
    """A VACUUM does not give back the vote queue's empty last pages
    (migration 072): giving them back takes an ACCESS EXCLUSIVE lock, and
    the vote writer, with every vote of its batch, waited 88.7 ms behind
    one under load.  Rolled-back queue rows leave pages that are empty
    once vacuumed; the table keeps them."""
    a, _ = entries
    conn = owner_conn()
    try:
        with conn.cursor() as cur:
            def size():
                cur.execute("SELECT pg_relation_size('netdep.vote_changes')")
                return cur.fetchone()[0]
            before = size()
            cur.execute("BEGIN")
            cur.execute("INSERT INTO netdep.vote_changes (entry_id, voter_id, "
                        "vote_day, delta) SELECT %s, g, current_date, 1 "
                        "FROM generate_series(1, 20000) g", (a,))
            cur.execute("ROLLBACK")
            grown = size()
            assert grown >= before + 50 * 8192, (before, grown)
            cur.execute("VACUUM netdep.vote_changes")
            assert size() == grown, "VACUUM truncated the vote queue"
    finally:
        conn.close()
