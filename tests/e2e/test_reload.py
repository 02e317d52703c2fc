"""SIGHUP to the master (systemd's ExecReload, an upgrade): the master
executes its binary again under the same pid with the same listening
socket, every worker, the folder and the janitor are replaced, and no
request of a steady load of GETs and POSTs fails meanwhile."""

import os
import signal
import threading
import time

import pytest
import requests

from helpers import API
from test_process import census, eventually, master_pid


def workers(var_dir):
    """The master's live children, whatever their role."""
    return set().union(*census(var_dir).values())

# Under a wrapper (make valgrind) the master's binary is the wrapper's
# tool, which cannot be executed again as the server.
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("NETDEP_WRAPPER")),
    reason="the server runs under NETDEP_WRAPPER")


def test_sighup_replaces_every_child_without_a_failed_request(var_dir,
                                                              base_url):
    pid = master_pid(var_dir)
    before = workers(var_dir)
    assert before, "no children under the master"
    log = os.path.join(var_dir, "log", "netdep.log")
    log_start = os.path.getsize(log)
    results = []
    stop = threading.Event()

    def load(post):
        # POSTs too: nginx never sends one twice, so a kept connection
        # a stopping worker closed while nginx wrote into it would be a
        # 502 (cgi/conn.h).  Without a session the POST is a 401.
        s = requests.Session()
        while not stop.is_set():
            try:
                if post:
                    r = s.post(f"{base_url}{API}/entries/1/appeals",
                               json={}, timeout=30)
                    results.append(200 if r.status_code == 401
                                   else r.status_code)
                else:
                    r = s.get(f"{base_url}{API}/health", timeout=30)
                    results.append(r.status_code)
            except requests.RequestException as e:
                results.append(repr(e))
                s = requests.Session()

    threads = [threading.Thread(target=load, args=(i % 2 == 1,))
               for i in range(4)]
    for t in threads:
        t.start()
    try:
        assert eventually(lambda: len(results) >= 30), "no load at all"
        os.kill(pid, signal.SIGHUP)
        n_at_hup = len(results)
        # Every old child gone, as many new ones as before.
        replaced = eventually(
            lambda: (lambda now: not (now & before)
                     and len(now) == len(before))(workers(var_dir)))
        eventually(lambda: len(results) >= n_at_hup + 100)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert replaced, f"before {before}, now {workers(var_dir)}"
    assert master_pid(var_dir) == pid
    os.kill(pid, 0)
    failures = [x for x in results if x != 200]
    assert not failures, f"{len(failures)} failed: {failures[:5]}"
    assert len(results) >= n_at_hup + 100
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(log_start)
        text = f.read()
    assert "master: reloading" in text
    assert "(reloaded: same socket)" in text


def test_sighup_with_a_broken_binary_changes_nothing(var_dir, base_url):
    """The new image is tried with --config first: when it cannot start,
    the running master and its workers stay."""
    pid = master_pid(var_dir)
    exe = os.readlink(f"/proc/{pid}/exe")
    assert not exe.endswith("(deleted)"), exe
    before = workers(var_dir)
    log = os.path.join(var_dir, "log", "netdep.log")
    log_start = os.path.getsize(log)
    saved = exe + ".saved-by-test"
    os.rename(exe, saved)
    try:
        with open(exe, "w") as f:
            f.write("#!/bin/sh\nexit 3\n")
        os.chmod(exe, 0o755)
        os.kill(pid, signal.SIGHUP)

        def refused():
            with open(log, encoding="utf-8", errors="replace") as f:
                f.seek(log_start)
                return "reload refused" in f.read()
        assert eventually(refused), "no refusal in the log"
    finally:
        os.replace(saved, exe)
    assert master_pid(var_dir) == pid
    assert workers(var_dir) == before
    r = requests.get(f"{base_url}{API}/health", timeout=30)
    assert r.status_code == 200
