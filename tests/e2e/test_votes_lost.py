"""A vote whose database connection dies mid-way (issue 4, SPEC 4): the
answer is 503, never a guess, and a retry with the same Idempotency-Key
is safe whatever happened to the first attempt:

  - the connection dies before the vote committed: the retry counts it;
  - it dies after the commit, before the answer: the retry gets the first
    answer back and nothing counts twice.

The second case holds a commit open by naming a synchronous standby that
does not exist (the commit is durable locally, then waits for the
standby) and terminates the waiting backend, as a network failure between
the worker and PostgreSQL would.  Other commits wait meanwhile too: the
folder's or the janitor's, which would hold their locks (a NOTIFY's
among them, which every notifying commit takes) and keep the vote from
reaching its own wait.  Those are released by cancelling their wait, as
PostgreSQL allows: their commit is durable locally already.  The setting
is restored before the test ends."""

import secrets
import threading
import time

import pytest

from helpers import approve, assert_status, upload_ok, vote, vote_rows
from vote_helpers import owner_conn, settle, votes_locked


def wait_for_backend(cur, what, timeout=30.0, release_other_waits=False):
    """The pid of the netdep_app backend whose state matches what (an SQL
    condition on pg_stat_activity), polled.  With release_other_waits,
    every other backend waiting for the (missing) synchronous standby has
    that wait cancelled meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE usename = "
                    "'netdep_app' AND " + what)
        row = cur.fetchone()
        if row:
            return row[0]
        if release_other_waits:
            cur.execute("SELECT pg_cancel_backend(pid) FROM "
                        "pg_stat_activity WHERE wait_event = 'SyncRep' "
                        "AND pid <> pg_backend_pid() AND NOT (" + what +
                        ")")
        if time.monotonic() >= deadline:
            cur.execute("SELECT usename, state, wait_event_type, "
                        "wait_event, left(query, 80) FROM "
                        "pg_stat_activity WHERE datname = 'netdep'")
            pytest.fail(f"no backend with {what}; backends: "
                        f"{cur.fetchall()}")
        time.sleep(0.02)


def reload_and_wait(cur, name, value):
    """pg_reload_conf() only signals the postmaster, which re-reads the file
    and then signals every backend: until this session sees the new value,
    a worker's backend may still run its next statement under the old one
    (the vote then commits without waiting, the race that failed CI once).
    The postmaster signals all backends in one pass, so once this backend
    has it, every backend applies it before its next statement."""
    cur.execute("SELECT pg_reload_conf()")
    deadline = time.monotonic() + 30
    while True:
        cur.execute("SELECT current_setting(%s)", (name,))
        if cur.fetchone()[0] == value:
            return
        if time.monotonic() >= deadline:
            pytest.fail(f"{name} did not become {value!r} after reload")
        time.sleep(0.02)


def vote_in_background(client, entry_id, key):
    box = {}

    def run():
        box["r"] = vote(client, entry_id, headers={"Idempotency-Key": key})
    t = threading.Thread(target=run)
    t.start()
    return t, box


@pytest.fixture
def target(contest, new_user, make_jpeg):
    slug = contest(min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    owner = new_user()
    e = upload_ok(owner, slug, make_jpeg(400, 300))
    approve(judge, e["id"])
    return e["id"]


def test_lost_before_commit_is_503_and_the_retry_counts(target, new_user,
                                                       db):
    voter = new_user()
    key = secrets.token_urlsafe(18)
    # Hold the vote's INSERT on a lock, so its backend can be terminated
    # while the statement runs.
    with votes_locked():
        t, box = vote_in_background(voter, target, key)
        with owner_conn() as other, other.cursor() as c2:
            pid = wait_for_backend(
                c2, "wait_event_type = 'Lock' AND query LIKE "
                    "'%vote_cast%'")
            c2.execute("SELECT pg_terminate_backend(%s)", (pid,))
        t.join(60)
    r = box["r"]
    assert_status(r, 503)
    assert r.json()["error"]["code"] == "unavailable"
    assert vote_rows(db, target, voter.user["id"]) == 0
    # The retry with the same key counts the vote, once.
    r2 = vote(voter, target, headers={"Idempotency-Key": key})
    assert_status(r2, 201)
    assert r2.json()["vote_count"] == 1
    r3 = vote(voter, target, headers={"Idempotency-Key": key})
    assert r3.status_code == 201 and r3.json() == r2.json()
    assert vote_rows(db, target, voter.user["id"]) == 1


def lost_after_commit(target, voter, key, db):
    """One try: the vote commits, then its backend is killed while it
    waits for the (missing) synchronous standby.  Returns the vote's
    thread box, or None with what the vote answered when it never
    reached that wait (seen in full suite runs only, cause not found yet:
    the vote answered without waiting)."""
    # Every commit with a write waits once the standby is named: a fold
    # still pending (the approval's unit count) would then hold its locks
    # while it waits and the vote would queue behind it on a Lock, never
    # reaching SyncRep.  Drain the folder's queues first.
    settle(db)
    admin = owner_conn()
    try:
        with admin.cursor() as cur:
            cur.execute("ALTER SYSTEM SET synchronous_standby_names = "
                        "'netdep_test_no_such_standby'")
            reload_and_wait(cur, "synchronous_standby_names",
                            "netdep_test_no_such_standby")
            t, box = vote_in_background(voter, target, key)
            try:
                pid = wait_for_backend(cur, "wait_event = 'SyncRep' AND "
                                            "query LIKE '%vote_cast%'",
                                       release_other_waits=True)
            except pytest.fail.Exception as e:
                t.join(60)
                r = box.get("r")
                return None, (f"{e}; the vote answered "
                              f"{r is not None and (r.status_code, r.text[:300])}")
            cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
            t.join(60)
            return box, None
    finally:
        with admin.cursor() as cur:
            cur.execute("ALTER SYSTEM RESET synchronous_standby_names")
            reload_and_wait(cur, "synchronous_standby_names", "")
        admin.close()


def test_lost_after_commit_is_503_and_the_retry_replays(target, new_user,
                                                       db):
    missed = []
    for _ in range(3):
        voter = new_user()
        key = secrets.token_urlsafe(18)
        box, why = lost_after_commit(target, voter, key, db)
        if box is not None:
            break
        missed.append(why)
    assert box is not None, "the vote never waited for the standby: " + \
        " | ".join(missed)
    r = box["r"]
    assert_status(r, 503)
    # The vote committed locally before the wait: it is there, once.
    assert vote_rows(db, target, voter.user["id"]) == 1
    r2 = vote(voter, target, headers={"Idempotency-Key": key})
    assert_status(r2, 201)
    assert r2.json()["entry_id"] == target
    settle(db)
    assert vote_rows(db, target, voter.user["id"]) == 1
    # The count is exact (a missed try's vote, if any, counted once too).
    with db.cursor() as cur:
        cur.execute("SELECT votes FROM netdep.entry_stats WHERE entry_id = "
                    "%s", (target,))
        folded = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM netdep.votes WHERE entry_id = %s "
                    "AND voided_at IS NULL", (target,))
        rows = cur.fetchone()[0]
        assert folded == rows and 1 <= rows <= 1 + len(missed)
