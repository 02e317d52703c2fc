"""The process model: kill -9 of a worker under load leaves the site
answering, and the master starts a replacement."""

import os
import signal
import subprocess
import threading
import time

import pytest
import requests

from helpers import (API, approve, assert_status, category_ids, upload_ok,
                     vote)
from vote_helpers import settle


def master_pid(var_dir):
    with open(os.path.join(var_dir, "run", "netdep.pid")) as f:
        return int(f.read().strip())


def workers(var_dir):
    pid = master_pid(var_dir)
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                         text=True)
    return {int(p) for p in out.stdout.split()}


def eventually(fn, timeout=30.0, step=0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def test_kill_9_of_a_worker_under_load(var_dir, base_url, contest):
    slug = contest()
    before = workers(var_dir)
    if not before:
        pytest.skip("no worker processes found under the master")
    results = []
    stop = threading.Event()

    def load():
        s = requests.Session()
        urls = [f"{base_url}{API}/health",
                f"{base_url}{API}/contests/{slug}/leaderboard",
                f"{base_url}{API}/contests/{slug}"]
        i = 0
        while not stop.is_set():
            try:
                r = s.get(urls[i % len(urls)], timeout=30)
                results.append(r.status_code)
            except requests.RequestException as e:
                results.append(repr(e))
                s = requests.Session()
            i += 1

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        assert eventually(lambda: len(results) >= 50), "no load at all"
        victim = sorted(before)[0]
        os.kill(victim, signal.SIGKILL)
        n_at_kill = len(results)
        replaced = eventually(
            lambda: (lambda now: victim not in now and len(now) >= len(before)
                     and now - before)(workers(var_dir)))
        # Keep the load going a little after the replacement.
        eventually(lambda: len(results) >= n_at_kill + 200)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert replaced, f"no new worker: before {before}, now {workers(var_dir)}"
    failures = [x for x in results if x != 200]
    # Only the requests in flight on the killed worker may fail.
    assert len(failures) <= 4, f"{len(failures)} failures: {failures[:10]}"
    assert len(results) >= n_at_kill + 200
    # And the site still answers normally.
    r = requests.get(f"{base_url}{API}/health", timeout=30)
    assert_status(r, 200)
    assert r.json() == {"status": "ok"}


def folder(var_dir):
    out = subprocess.run(["pgrep", "-x", "netdep-fold", "-P",
                          str(master_pid(var_dir))], capture_output=True,
                         text=True)
    pids = {int(p) for p in out.stdout.split()}
    return pids.pop() if len(pids) == 1 else None


def test_kill_9_of_the_folder_loses_no_count(var_dir, contest, new_user,
                                             make_jpeg, db):
    """The folder is killed between folds or in the middle of one: its
    transaction rolls back, the master starts another, and every vote
    queued meanwhile is folded exactly once."""
    slug = contest(min_short_side=200)
    judge = new_user(role="judge", contest=slug)
    owner = new_user()
    cat = category_ids(owner, slug)
    e = upload_ok(owner, slug, make_jpeg(400, 300),
                  **({"category": cat[0]} if cat else {}))
    approve(judge, e["id"])
    victim = folder(var_dir)
    assert victim, "no netdep-fold process under the master"
    voters = [new_user() for _ in range(12)]
    for i, v in enumerate(voters):
        if i == 6:
            os.kill(victim, signal.SIGKILL)
        assert_status(vote(v, e["id"]), 201)
    replaced = eventually(lambda: (folder(var_dir) or victim) != victim)
    assert replaced, "the master did not start a new folder"
    settle(db)
    with db.cursor() as cur:
        cur.execute("SELECT s.votes, (SELECT count(*) FROM netdep.votes v "
                    "WHERE v.entry_id = s.entry_id) FROM netdep.entry_stats "
                    "s WHERE s.entry_id = %s", (e["id"],))
        assert cur.fetchone() == (12, 12)
