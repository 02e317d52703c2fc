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
import signal
import threading
import time

import psycopg2
import pytest

from helpers import API, approve, assert_error, assert_status, upload_ok, vote
from test_process import census, configured_workers, eventually
from vote_helpers import settle


def owner_conn():
    conn = psycopg2.connect(os.environ["NETDEP_DSN"])
    conn.autocommit = True
    return conn


@pytest.fixture
def entries(contest, new_user, make_jpeg):
    """Two approved entries of a contest with a budget of 5 a day."""
    slug = contest(min_short_side=200, votes_per_day=5)
    judge = new_user(role="judge", contest=slug)
    owner = new_user()
    out = []
    for _ in range(2):
        e = upload_ok(owner, slug, make_jpeg(400, 300))
        approve(judge, e["id"])
        out.append(e["id"])
    return out


def send_all(casts):
    """Sends every (client, entry, key) of casts at once; returns the
    threads and the list their answers land in, in the order of casts."""
    answers = [None] * len(casts)

    def run(i, client, entry, key):
        answers[i] = vote(client, entry, timeout=120,
                          headers={"Idempotency-Key": key})
    threads = [threading.Thread(target=run, args=(i, *c))
               for i, c in enumerate(casts)]
    for t in threads:
        t.start()
    return threads, answers


def votes_while_locked(casts, db):
    """Sends casts (send_all) while the votes table is locked against
    writes, so that the first vote's batch waits on the lock and the
    others gather behind it; then releases the lock.  Returns the
    answers in the order of casts."""
    lock = owner_conn()
    try:
        with lock.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("LOCK TABLE netdep.votes IN SHARE ROW EXCLUSIVE "
                        "MODE")
            threads, answers = send_all(casts)
            # The first batch waits on the lock ...
            with owner_conn() as watch, watch.cursor() as c2:
                if not eventually(lambda: c2.execute(
                        "SELECT 1 FROM pg_locks WHERE NOT granted AND "
                        "relation = 'netdep.votes'::regclass") or
                        c2.fetchone(), timeout=60):
                    c2.execute("SELECT usename, wait_event_type, "
                               "wait_event, left(query, 60) FROM "
                               "pg_stat_activity WHERE state <> 'idle'")
                    seen = c2.fetchall()
                    cur.execute("ROLLBACK")
                    for t in threads:
                        t.join(120)
                    pytest.fail(f"no vote waits on the lock: {seen}; "
                                f"answers: {[(r.status_code, r.text[:80]) for r in answers if r is not None]}")
            # ... and the others reach the writer meanwhile (a local
            # request takes milliseconds; if one is late, it is only in
            # a batch of its own: the assertions allow that).
            time.sleep(1.0)
            cur.execute("ROLLBACK")
            for t in threads:
                t.join(120)
    finally:
        lock.close()
    return answers


def xmins(db, entry_ids):
    with db.cursor() as cur:
        cur.execute("SELECT xmin::text FROM netdep.votes WHERE entry_id = "
                    "ANY(%s)", (list(entry_ids),))
        return [r[0] for r in cur.fetchall()]


def test_votes_that_arrive_together_share_one_commit(entries, new_user,
                                                     var_dir, db):
    # As many votes at once as workers can hold (8 is plenty to see it).
    n = min(configured_workers(var_dir), 8)
    assert n >= 3, "the suite's stack needs 3 workers for this test"
    a, b = entries
    voters = [new_user() for _ in range(n)]
    # One voter twice in the same batch (two devices): decided in turn.
    twice = voters[1]
    casts = [(v, a, secrets.token_urlsafe(12)) for v in voters]
    casts[-1] = (twice, b, secrets.token_urlsafe(12))
    answers = votes_while_locked(casts, db)
    for r in answers:
        assert_status(r, 201)
    # Counts are exact and distinct within the batch: 1..n-1 on a.
    counts = sorted(r.json()["vote_count"] for r in answers[:-1])
    assert counts == list(range(1, n)), counts
    assert answers[-1].json()["vote_count"] == 1
    # The voter with two requests spent two of the five.
    left = sorted(r.json()["votes_left"] for i, r in enumerate(answers)
                  if casts[i][0] is twice)
    assert left == [3, 4]
    # Fewer transactions than votes: the ones that waited went together.
    xs = xmins(db, (a, b))
    assert len(xs) == n
    assert len(set(xs)) < n, f"every vote had its own transaction: {xs}"
    # A retry of each key, all at once, replays its answer.
    threads, again = send_all(casts)
    for t in threads:
        t.join(120)
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
        answers = votes_while_locked(casts, db)
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


def writer_pid(var_dir):
    pids = census(var_dir)["netdep-votes"]
    return next(iter(pids)) if len(pids) == 1 else None


def test_kill_9_of_the_writer_loses_no_acknowledged_vote(entries, new_user,
                                                         var_dir, db):
    a, _ = entries
    victim = writer_pid(var_dir)
    assert victim, "no netdep-votes process under the master"
    voters = [new_user() for _ in range(12)]
    answers = []
    for i, v in enumerate(voters):
        if i == 6:
            os.kill(victim, signal.SIGKILL)
        key = secrets.token_urlsafe(12)
        r = vote(v, a, headers={"Idempotency-Key": key})
        # A vote in flight when the writer died is 503 (unknown): its
        # retry with the same key gives the final answer.
        while r.status_code == 503:
            time.sleep(0.2)
            r = vote(v, a, headers={"Idempotency-Key": key})
        assert_status(r, 201)
        answers.append(r)
    assert eventually(lambda: (writer_pid(var_dir) or victim) != victim), \
        "the master did not start a new vote writer"
    assert len(xmins(db, (a,))) == 12
    settle(db)
    with db.cursor() as cur:
        cur.execute("SELECT votes FROM netdep.entry_stats WHERE entry_id = "
                    "%s", (a,))
        assert cur.fetchone()[0] == 12
