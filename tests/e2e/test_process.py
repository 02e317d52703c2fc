"""The process model: kill -9 of a worker under load leaves the site
answering, and the master starts a replacement."""

import os
import re
import secrets
import signal
import subprocess
import threading
import time

import requests

from helpers import (API, approve, assert_status, category_ids, upload_ok,
                     vote)
from vote_helpers import settle


def master_pid(var_dir):
    with open(os.path.join(var_dir, "run", "netdep.pid")) as f:
        return int(f.read().strip())


def _stat(pid):
    """(state, ppid, comm) of pid, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    comm = text[text.index("(") + 1:text.rindex(")")]
    state, ppid = text[text.rindex(")") + 2:].split()[:2]
    return state, int(ppid), comm


def census(var_dir):
    """The master's live children by role (their comm): {"netdep":
    {pids}, "netdep-fold": {...}, "netdep-janitor": {...}, "netdep-votes":
    {...}}.  A scan of
    /proc is not atomic: a child read alive, then killed and replaced
    while the scan goes on, would be counted beside its replacement.  So
    every child found is read again after the scan and kept only if it
    is still a live child: then all those kept were alive together when
    the second pass began (each was seen in the first pass before it)."""
    master = master_pid(var_dir)
    found = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    found = [p for p in found if (_stat(p) or ("", 0, ""))[1] == master]
    roles = {"netdep": set(), "netdep-fold": set(), "netdep-janitor": set(),
             "netdep-votes": set()}
    for p in found:
        st = _stat(p)
        if st is None or st[1] != master or st[0] in "ZX":
            continue  # ended meanwhile (a zombie is no longer a child)
        roles.setdefault(st[2], set()).add(p)
    return roles


def configured_workers(var_dir, key="NETDEP_WORKERS"):
    """NETDEP_WORKERS (or another number) as the server reads it (netdep
    --config, with the environment netdep-ctl starts it with)."""
    top = os.path.join(os.path.dirname(__file__), "..", "..")
    build = os.path.dirname(os.environ["NETDEP_ADMIN"])
    env = subprocess.run([os.path.join(top, "scripts", "netdep-ctl"), "env",
                          var_dir], capture_output=True, text=True,
                         check=True, env=dict(os.environ,
                                              NETDEP_BUILD=build)).stdout
    conf = subprocess.run([os.path.join(build, "netdep"), "--config"],
                          env=dict(line.split("=", 1)
                                   for line in env.splitlines()
                                   if "=" in line),
                          capture_output=True, text=True, check=True).stdout
    return int(re.search(rf"^{key}=(\d+)", conf, re.M).group(1))


def nice_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[16])


def test_workers_run_nicer_than_the_vote_writer(var_dir):
    """When a batch commits, its workers all wake at once: nicer than the
    writer (and PostgreSQL and nginx), they no longer delay its next
    batch (README, "Workers run nicer")."""
    add = configured_workers(var_dir, "NETDEP_WORKER_NICE")
    assert add > 0
    base = nice_of(master_pid(var_dir))
    roles = census(var_dir)
    assert roles["netdep"] and roles["netdep-votes"], roles
    assert {nice_of(p) for p in roles["netdep"]} == {min(19, base + add)}
    for role in ("netdep-votes", "netdep-fold", "netdep-janitor"):
        assert {nice_of(p) for p in roles[role]} == {base}, role


def eventually(fn, timeout=30.0, step=0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def complete(roles, n):
    """Exactly n workers, one folder, one janitor, one vote writer and
    nothing else."""
    return (len(roles["netdep"]) == n and len(roles["netdep-fold"]) == 1
            and len(roles["netdep-janitor"]) == 1
            and len(roles["netdep-votes"]) == 1 and len(roles) == 4)


def test_kill_9_of_a_worker_under_load(var_dir, base_url, contest):
    """A worker killed under load is replaced at once, even while the
    janitor, killed just before it, waits out its one-second restart
    delay (the master used to sleep that second, the dead worker's slot
    empty); the master has exactly the configured children after, and
    never one more at any moment."""
    slug = contest()
    n = configured_workers(var_dir)
    assert eventually(lambda: complete(census(var_dir), n)), \
        f"not {n} workers, a folder, a janitor and a vote writer: " \
        f"{census(var_dir)}"
    results, samples = [], []
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

    def sample():
        while not stop.is_set():
            samples.append(census(var_dir))

    threads = [threading.Thread(target=load) for _ in range(4)]
    threads.append(threading.Thread(target=sample))
    for t in threads:
        t.start()
    replaced_alone = False
    try:
        assert eventually(lambda: len(results) >= 50), "no load at all"
        for _attempt in range(3):
            roles = census(var_dir)
            janitor = next(iter(roles["netdep-janitor"]))
            victim = sorted(roles["netdep"])[0]
            os.kill(janitor, signal.SIGKILL)
            # Within the janitor's restart delay:
            assert eventually(lambda: janitor not in
                              census(var_dir)["netdep-janitor"], step=0.005)
            os.kill(victim, signal.SIGKILL)
            n_at_kill = len(results)
            # The replacement, seen while the janitor is still away.
            replaced_alone = eventually(
                lambda: (lambda r: victim not in r["netdep"]
                         and len(r["netdep"]) == n
                         and not r["netdep-janitor"])(census(var_dir)),
                timeout=2.0, step=0.005)
            assert eventually(lambda: complete(census(var_dir), n)
                              and victim not in census(var_dir)["netdep"])
            if replaced_alone:
                break
            # The janitor came back first: the kill of the worker missed
            # its delay (a slow machine); try again.
        # Keep the load going a little after the replacement.
        eventually(lambda: len(results) >= n_at_kill + 200)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert replaced_alone, \
        "the worker was not replaced before the janitor's delay ended"
    extra = [r for r in samples
             if len(r["netdep"]) > n or len(r["netdep-fold"]) > 1
             or len(r["netdep-janitor"]) > 1 or len(r["netdep-votes"]) > 1
             or len(r) > 4]
    assert not extra, f"more children than configured: {extra[:3]}"
    assert complete(census(var_dir), n), census(var_dir)
    failures = [x for x in results if x != 200]
    # Only the requests in flight on the killed workers may fail.
    assert len(failures) <= 4 * 3, f"{len(failures)} failures: {failures[:10]}"
    assert len(results) >= n_at_kill + 200
    # And the site still answers normally.
    r = requests.get(f"{base_url}{API}/health", timeout=30)
    assert_status(r, 200)
    assert r.json() == {"status": "ok"}


def only_child(var_dir, role):
    """The master's one child of role (its comm), or None."""
    pids = census(var_dir)[role]
    return pids.pop() if len(pids) == 1 else None


def votes_across_a_kill(var_dir, role, new_user, entry_id, n=12):
    """n voters vote for entry_id, each once, with an Idempotency-Key;
    the master's child of role is killed (-9) before the middle vote.  A
    vote it left unknown (503) is retried with its key until it has its
    final answer; every answer must be 201, and the master must start a
    new child of role."""
    victim = only_child(var_dir, role)
    assert victim, f"no {role} process under the master"
    for i, v in enumerate([new_user() for _ in range(n)]):
        if i == n // 2:
            os.kill(victim, signal.SIGKILL)
        key = secrets.token_urlsafe(12)
        r = vote(v, entry_id, headers={"Idempotency-Key": key})
        retry_until = time.monotonic() + 60
        while r.status_code == 503 and time.monotonic() < retry_until:
            time.sleep(0.2)
            r = vote(v, entry_id, headers={"Idempotency-Key": key})
        assert_status(r, 201)
    assert eventually(lambda: (only_child(var_dir, role) or victim)
                      != victim), f"the master did not start a new {role}"


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
    votes_across_a_kill(var_dir, "netdep-fold", new_user, e["id"])
    settle(db)
    with db.cursor() as cur:
        cur.execute("SELECT s.votes, (SELECT count(*) FROM netdep.votes v "
                    "WHERE v.entry_id = s.entry_id) FROM netdep.entry_stats "
                    "s WHERE s.entry_id = %s", (e["id"],))
        assert cur.fetchone() == (12, 12)
