"""The workers' leaderboard cache (cgi/boards.c, sql/006_boards.sql).

Each worker keeps the boards it served and drops them when PostgreSQL
notifies netdep_boards.  The test stack runs with NETDEP_BOARD_CACHE_MS at
60 s (scripts/e2e.sh), so within these tests only a notification can
refresh a board: a change that fails to notify leaves the old board in
place and the polling below times out.  Reads go with a session cookie,
which nginx never caches, so every one reaches a worker."""

import os
import time

import pytest

from conftest import Client
from helpers import (API, approve, assert_status, category_ids, upload_ok,
                     vote)
from test_process import configured_workers
from vote_helpers import eventually_equal, settle

# Enough reads that every worker has the board in its cache: nginx hands
# a read to any worker, so about 8 per worker (set per stack below; 24
# covered the 4 workers of the old default, not 32).
WARM_READS = 24


@pytest.fixture(autouse=True, scope="module")
def _warm_reads(var_dir):
    global WARM_READS
    WARM_READS = 8 * configured_workers(var_dir)
# A worker still serves a board it read before a change for this long
# after the read (NETDEP_BOARD_HOLD_MS, boards.h): the cap on re-reads
# while votes pour in.
HOLD_S = int(os.environ.get("NETDEP_BOARD_HOLD_MS", "300")) / 1000


def after_hold(since):
    """Waits until the hold of every board read before monotonic time
    since is over: from then on no worker may serve what it read before
    a change committed by since.  The wait is the documented bound, not a
    hope that something happens meanwhile (load only makes it longer)."""
    while time.monotonic() < since + HOLD_S:
        time.sleep(0.02)


def board(client, slug, path="leaderboard", **params):
    r = client.get(f"{API}/contests/{slug}/{path}", params=params)
    assert_status(r, 200)
    return r.json()


def titles(client, slug):
    return [(x["entry"]["id"], x["entry"]["title"],
             x["entry"]["author"]["display_name"], x["votes"])
            for x in board(client, slug)["entries"]]


def warm(client, slug, **params):
    """Reads the board until every worker likely holds it; returns the
    last answer, after checking that all of them agree."""
    seen = {str(board(client, slug, **params)) for _ in range(WARM_READS)}
    assert len(seen) == 1, f"workers disagree on one board: {seen}"
    return board(client, slug, **params)


@pytest.fixture
def shop(contest, new_user, make_jpeg, db):
    slug = contest(categories=["Phong cảnh"], min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    owner = new_user(display_name="Tên cũ")
    cat = category_ids(owner, slug)[0]
    ids = []
    for t in ("Một", "Hai"):
        e = upload_ok(owner, slug, make_jpeg(400, 300), title=t,
                      category=cat)
        approve(judge, e["id"])
        ids.append(e["id"])
    reader = new_user()
    # The approvals' unit counts folded: a board read while the fold goes
    # on differs from worker to worker (CI once saw one entry and two).
    settle(db)
    return slug, owner, judge, ids, reader


def test_a_fold_refreshes_every_worker(shop, new_user, db):
    slug, owner, judge, (a, b), reader = shop
    voter = new_user()
    warm(reader, slug)
    # Any notification shortly before the fold (the fold of the approvals'
    # unit counts, review_scan() flagging votes, another contest's change:
    # they all share the channel) makes the workers read the board again
    # as reads come, some of them just before the fold, and a board that
    # young is held past it.  This once failed the check below when it was
    # made at the first fresh read.  (Past the hold of the warm reads, so
    # the notification does make the next reads go to the database.)
    after_hold(time.monotonic())
    with db.cursor() as cur:
        cur.execute("SELECT pg_notify('netdep_boards', '')")
    assert_status(vote(voter, b), 201)
    want = [(b, "Hai", "Tên cũ", 1), (a, "Một", "Tên cũ", 0)]
    assert eventually_equal(lambda: titles(reader, slug), want) == want
    # The fold committed before that read; once the hold of what was read
    # before it is over, every read shows it, whichever worker answers.
    after_hold(time.monotonic())
    settle(db)
    assert {str(titles(reader, slug)) for _ in range(WARM_READS)} == \
        {str(want)}


def test_entry_author_and_category_changes_show(shop, db):
    slug, owner, judge, (a, b), reader = shop
    warm(reader, slug)
    with db.cursor() as cur:
        cur.execute("UPDATE netdep.entries SET title = 'Tiêu đề mới' "
                    "WHERE id = %s", (a,))
    want = [(a, "Tiêu đề mới", "Tên cũ", 0), (b, "Hai", "Tên cũ", 0)]
    assert eventually_equal(lambda: titles(reader, slug), want) == want

    with db.cursor() as cur:
        cur.execute("UPDATE netdep.accounts SET display_name = 'Tên mới' "
                    "WHERE id = %s", (owner.user["id"],))
    want = [(a, "Tiêu đề mới", "Tên mới", 0), (b, "Hai", "Tên mới", 0)]
    assert eventually_equal(lambda: titles(reader, slug), want) == want

    with db.cursor() as cur:
        cur.execute("UPDATE netdep.categories SET name = 'Con người' "
                    "WHERE id = (SELECT category_id FROM netdep.entries "
                    "WHERE id = %s)", (a,))

    def category():
        return board(reader, slug)["entries"][0]["entry"]["category"]
    got = eventually_equal(lambda: (category() or {}).get("name"),
                           "Con người")
    assert got == "Con người"


def test_withdrawn_entry_leaves_the_board(shop):
    slug, owner, judge, (a, b), reader = shop
    warm(reader, slug)
    assert_status(owner.delete(f"{API}/entries/{a}"), 200)
    want = [(b, "Hai", "Tên cũ", 0)]
    assert eventually_equal(lambda: titles(reader, slug), want) == want


def test_unit_boards_follow_votes(shop, new_user, db):
    slug, owner, judge, (a, b), reader = shop
    # The owner's unit is a free-text name: the board's "other" row.
    before = warm(reader, slug, path="leaderboard/units")
    assert before["units"] == [] and before["other"]["votes"] == 0
    assert_status(vote(new_user(), a), 201)
    settle(db)

    def other():
        o = board(reader, slug, path="leaderboard/units")["other"]
        return (o["votes"], o["voters"])
    assert eventually_equal(other, (1, 1)) == (1, 1)


def wait_gone(pid, timeout=30.0):
    """Waits until process pid has exited (the tests run on the database's
    machine, as root or as its user)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, f"backend {pid} did not exit"
        time.sleep(0.02)


def test_a_change_made_while_the_connection_was_down_shows(shop, db):
    """A worker whose connection dies hears no notification until it
    reconnects: what it kept from before must not be served after."""
    slug, owner, judge, (a, b), reader = shop
    warm(reader, slug)
    with db.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE usename = "
                    "'netdep_app'")
        pids = [row[0] for row in cur.fetchall()]
        cur.execute("SELECT pg_terminate_backend(pid) FROM "
                    "unnest(%s::int[]) pid", (pids,))
        # The backends' processes must be gone, not only out of
        # pg_stat_activity (pg_terminate_backend's timeout waits for
        # that), so the workers' sockets are closed before the reads
        # below: a backend that closes its socket during a read takes the
        # read down with it (503, as it should; STYLE 14).  Tears down of
        # a large shared_buffers mapping made that window visible.
        for pid in pids:
            wait_gone(pid)
        cur.execute("UPDATE netdep.entries SET title = 'Trong lúc mất "
                    "kết nối' WHERE id = %s", (b,))
    want = [(a, "Một", "Tên cũ", 0),
            (b, "Trong lúc mất kết nối", "Tên cũ", 0)]
    # Board reads notice the dead connection and reconnect before reading,
    # so none of them fails.
    assert eventually_equal(lambda: titles(reader, slug), want) == want
    after_hold(time.monotonic())
    assert {str(titles(reader, slug)) for _ in range(WARM_READS)} == \
        {str(want)}


def test_session_cookie_gets_a_private_answer(shop, base_url):
    slug, owner, judge, ids, reader = shop
    r = reader.get(f"{API}/contests/{slug}/leaderboard")
    assert_status(r, 200)
    assert r.headers["Cache-Control"] == "private, no-cache"
    anon = Client(base_url)
    r = anon.get(f"{API}/contests/{slug}/leaderboard")
    assert_status(r, 200)
    assert r.headers["Cache-Control"] == "public, no-cache"
    # The jury board still knows who asks (the session is loaded for it).
    r = judge.get(f"{API}/contests/{slug}/leaderboard",
                  params={"by": "jury"})
    assert_status(r, 200)
    assert r.json()["published"] is False
