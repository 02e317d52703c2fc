"""Metrics and logs (issue 14; README, Metrics and Logs): GET /metrics in
the Prometheus text format, parsed by prometheus_client's own parser,
counters that move with the requests that count, the address check in
nginx and in the worker, JSON log lines that carry nginx's request id
into the server's log, nginx's access log and PostgreSQL's
application_name, and log rotation."""

import json
import os
import re
import shutil
import subprocess
import threading
import time

import psycopg2
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import Client
from fcgi import fcgi_request
from helpers import (API, approve, assert_status, png_header_only, upload,
                     upload_ok, vote)

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
VOTE_ROUTE = ("POST", "/api/v1/entries/#/votes")
UPLOAD_ROUTE = ("POST", "/api/v1/contests/*/entries")


def scrape(base_url):
    """{(name, frozenset(labels)): value} of one scrape from 127.0.0.1,
    after checking the answer's type and that every family parses."""
    r = requests.get(base_url + "/metrics", timeout=30)
    assert_status(r, 200)
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    families = list(text_string_to_metric_families(r.text))
    assert families, r.text[:500]
    for fam in families:
        for s in fam.samples:
            key = (s.name, frozenset(s.labels.items()))
            assert key not in samples, f"duplicate series {key}"
            samples[key] = s.value
    return samples, families


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def requests_of(samples, route, status):
    method, pattern = route
    return value(samples, "netdep_http_requests_total", method=method,
                 route=pattern, status=str(status))


def log_path(var_dir, name="netdep.log"):
    return os.path.join(var_dir, "log", name)


def records(path, start=0):
    """The JSON objects of the log at path from byte start; every line
    must be one."""
    with open(path, "rb") as f:
        f.seek(start)
        text = f.read().decode("utf-8")
    out = []
    for line in text.splitlines():
        if line.strip():
            out.append(json.loads(line))
    return out


def size(path):
    return os.path.getsize(path) if os.path.exists(path) else 0


def test_metrics_parse_and_count_votes_uploads_and_decodes(
        base_url, contest, new_user, make_jpeg):
    slug = contest(min_short_side=100, max_entries=5)
    judge = new_user(role="judge", contest=slug)
    owner, voter = new_user(), new_user()
    entry = upload_ok(owner, slug, make_jpeg(400, 300))
    approve(judge, entry["id"])

    before, families = scrape(base_url)
    types = {f.name: f.type for f in families}
    assert types["netdep_http_request_duration_seconds"] == "histogram"
    assert types["netdep_votes"] == "counter"  # parser drops _total
    assert value(before, "netdep_workers") >= 1

    assert_status(vote(voter, entry["id"]), 201)
    assert_status(vote(voter, entry["id"]), 409)  # already voted
    r = upload(owner, slug, png_header_only(20000, 20000),
               filename="bomb.png", content_type="image/png")
    refused = r.status_code
    assert 400 <= refused < 500, r.text
    upload_ok(owner, slug, make_jpeg(400, 300))

    after, _ = scrape(base_url)
    delta = {
        "counted": value(after, "netdep_votes_total", outcome="counted")
        - value(before, "netdep_votes_total", outcome="counted"),
        # already_voted, or already_voted_today under the daily rule
        "already": sum(value(after, "netdep_votes_total", outcome=o)
                       - value(before, "netdep_votes_total", outcome=o)
                       for o in ("already_voted", "already_voted_today")),
        "vote201": requests_of(after, VOTE_ROUTE, 201)
        - requests_of(before, VOTE_ROUTE, 201),
        "vote409": requests_of(after, VOTE_ROUTE, 409)
        - requests_of(before, VOTE_ROUTE, 409),
        "upload_refused": requests_of(after, UPLOAD_ROUTE, refused)
        - requests_of(before, UPLOAD_ROUTE, refused),
        "upload201": requests_of(after, UPLOAD_ROUTE, 201)
        - requests_of(before, UPLOAD_ROUTE, 201),
        "decode_ok": value(after, "netdep_decode_total", outcome="ok")
        - value(before, "netdep_decode_total", outcome="ok"),
    }
    assert delta == {"counted": 1, "already": 1, "vote201": 1, "vote409": 1,
                     "upload_refused": 1, "upload201": 1,
                     "decode_ok": 1}, delta

    # The vote route's histogram: cumulative buckets ending at +Inf with
    # the count, and a sum of positive seconds.
    method, pattern = VOTE_ROUTE
    buckets = sorted(
        (float(dict(k[1])["le"]), v) for k, v in after.items()
        if k[0] == "netdep_http_request_duration_seconds_bucket"
        and dict(k[1]).get("route") == pattern
        and dict(k[1]).get("method") == method)
    counts = [v for _, v in buckets]
    assert counts == sorted(counts) and buckets[-1][0] == float("inf")
    count = value(after, "netdep_http_request_duration_seconds_count",
                  method=method, route=pattern)
    assert buckets[-1][1] == count >= 2
    assert value(after, "netdep_http_request_duration_seconds_sum",
                 method=method, route=pattern) > 0
    # Gauges of the moment.
    assert value(after, "netdep_media_free_bytes") > 0
    assert value(after, "netdep_worker_db_connections") >= 1
    assert value(after, "netdep_fold_queue_rows") >= 0
    assert value(after, "netdep_fold_lag_seconds") >= 0


def test_metrics_only_for_allowed_addresses(base_url, var_dir):
    # Loopback is allowed by default: a client on 127.64/10 reads them.
    with Client(base_url) as c:
        assert_status(c.get("/metrics"), 200)
        r = c.get("/nginx_status")
        assert_status(r, 200)
        assert r.text.startswith("Active connections:"), r.text
    # 127.0.0.1 is the suite's trusted proxy (e2e.sh): a client it names
    # is who asks, and 203.0.113.7 is not allowed.  nginx refuses.
    far = {"X-Forwarded-For": "203.0.113.7"}
    for path in ("/metrics", "/nginx_status"):
        r = requests.get(base_url + path, headers=far, timeout=30)
        assert r.status_code == 403, (path, r.status_code, r.text[:200])
        assert "netdep_" not in r.text and "Active" not in r.text
    # The worker checks again, for a request that reaches it another way.
    sock = os.path.join(var_dir, "run", "netdep.sock")
    params = {"REQUEST_METHOD": "GET", "REQUEST_URI": "/metrics",
              "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1",
              "HTTP_HOST": base_url.split("//", 1)[1]}
    status, _, body = fcgi_request(sock, dict(params,
                                              REMOTE_ADDR="203.0.113.7"))
    assert status == 404 and b"netdep_" not in body, body[:200]
    status, _, body = fcgi_request(sock, dict(params, REMOTE_ADDR="::1"))
    assert status == 200 and b"netdep_http_requests_total" in body


def test_json_lines_carry_nginx_request_id(base_url, var_dir, new_user):
    server_log, access_log = log_path(var_dir), log_path(
        var_dir, "nginx-access.log")
    start = size(server_log)
    user = new_user()
    r = user.get(f"{API}/session")
    assert_status(r, 200)
    rid = r.headers["X-Request-Id"]
    assert len(rid) == 32 and int(rid, 16) >= 0, rid
    bad = requests.post(base_url + f"{API}/session", timeout=30,
                        json={"username": user.username,
                              "password": "not the password at all"})
    assert_status(bad, 401)
    bad_id = bad.headers["X-Request-Id"]

    recs = records(server_log, start)  # every line is JSON
    assert all({"time", "level", "pid"} <= rec.keys() for rec in recs)
    mine = [x for x in recs if x.get("req") == rid]
    assert len(mine) == 1, mine
    line = mine[0]
    assert line["event"] == "request" and line["status"] == 200, line
    assert line["route"] == "/api/v1/session" and line["method"] == "GET"
    assert line["account"] == user.user["id"], line
    assert line["client"] == user.addr and line["ms"] >= 0, line
    assert line["time"].endswith("Z"), line
    failure = [x for x in recs if x.get("req") == bad_id
               and x.get("event") == "login_failure"]
    assert len(failure) == 1 and failure[0]["username"] == user.username
    assert failure[0]["client"] == "127.0.0.1", failure
    assert "not the password" not in json.dumps(recs)
    # nginx's access line for the same request, in JSON too.
    access = [x for x in records_tail(access_log) if x.get("req") == rid]
    assert len(access) == 1, access
    assert access[0]["status"] == 200 and access[0]["client"] == user.addr


def records_tail(path, nbytes=1 << 20):
    start = max(0, size(path) - nbytes)
    with open(path, "rb") as f:
        f.seek(start)
        lines = f.read().decode("utf-8").splitlines()
    if start > 0:
        lines = lines[1:]
    return [json.loads(x) for x in lines if x.strip()]


def waiting_names(base_url, db):
    """GET /contests while another connection holds the contests table
    locked: (its answer, the application_names of netdep_app's requests
    seen waiting on a lock meanwhile)."""
    lock = psycopg2.connect(os.environ["NETDEP_DSN"])
    got = {}
    try:
        with lock.cursor() as cur:
            cur.execute("LOCK TABLE netdep.contests IN ACCESS EXCLUSIVE MODE")

            def ask():
                got["r"] = requests.get(base_url + f"{API}/contests",
                                        timeout=60)
            t = threading.Thread(target=ask)
            t.start()
            seen, looks = set(), 0
            # Until requests are seen waiting, and ten looks more (a
            # request of an earlier test may queue on the same lock,
            # before or beside this one), or the statement gave up
            # (netdep_app's statement and lock timeouts end the wait).
            with db.cursor() as look:
                while t.is_alive() and looks < 10:
                    look.execute(
                        "SELECT application_name FROM pg_stat_activity "
                        "WHERE usename = 'netdep_app' AND state = 'active' "
                        "AND wait_event_type = 'Lock'")
                    # The folder and the janitor (netdep-*) may queue
                    # on the same lock; the requests are what is looked
                    # for.
                    seen |= {row[0] for row in look.fetchall()
                             if not row[0].startswith("netdep-")}
                    looks += 1 if seen else 0
                    time.sleep(0.05)
        lock.rollback()
        t.join()
    finally:
        lock.close()
    return got["r"], seen


def assert_waited_under_its_id(r, seen):
    assert_status(r, 200)
    assert r.headers["X-Request-Id"] in seen, seen
    assert all(re.fullmatch(r"[0-9a-f]{32}", n) for n in seen), seen


def test_request_id_is_application_name_while_it_runs(base_url, db):
    """A request blocked on a lock shows in pg_stat_activity under the
    id nginx gave it, so a slow query leads to its request."""
    assert_waited_under_its_id(*waiting_names(base_url, db))


def test_a_request_that_reconnects_waits_under_its_id(base_url, db):
    """A worker whose connection was lost reconnects in its next request
    and prepares its statements again, and a PREPARE locks the tables it
    names: that wait shows under the request's id too, not under the
    empty name of a new session."""
    workers = ("FROM pg_stat_activity WHERE usename = 'netdep_app' "
               "AND backend_type = 'client backend' "
               "AND application_name !~ '^netdep-'")
    with db.cursor() as cur:
        cur.execute(f"SELECT count(pg_terminate_backend(pid)) {workers}")
        assert cur.fetchone()[0] > 0, "no worker had a connection"
        for _ in range(600):
            cur.execute(f"SELECT count(*) {workers}")
            if cur.fetchone()[0] == 0:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the workers' backends did not end")
    assert_waited_under_its_id(*waiting_names(base_url, db))


def test_logs_reopen_after_rotation(base_url, var_dir):
    server_log = log_path(var_dir)
    access_log = log_path(var_dir, "nginx-access.log")
    for path in (server_log, access_log):
        shutil.move(path, path + ".1")
    r = subprocess.run([os.path.join(TOP, "scripts", "netdep-ctl"),
                        "reopen-logs", var_dir], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    # The master reopens at once and says so in the new file once its
    # children are told; nginx's workers reopen on their own signal.
    for _ in range(1200):
        if any(x.get("msg", "").startswith("master: log reopened")
               for x in (records(server_log) if size(server_log) else [])):
            break
        time.sleep(0.05)
    rid = None
    for _ in range(100):
        resp = requests.get(base_url + f"{API}/health", timeout=30)
        assert_status(resp, 200)
        rid = resp.headers["X-Request-Id"]
        if any(x.get("req") == rid for x in records(access_log)):
            break
        time.sleep(0.05)
    assert [x["event"] for x in records(server_log) if x.get("req") == rid] \
        == ["request"]
    assert any(x.get("req") == rid for x in records(access_log))
    for path in (server_log, access_log):
        with open(path + ".1", "rb") as f:
            assert rid.encode() not in f.read()
    # The new files are the writers' own, as the old ones were.
    for path in (server_log, access_log):
        assert os.stat(path).st_uid == os.stat(path + ".1").st_uid


def workers(var_dir):
    with open(os.path.join(var_dir, "run", "netdep.pid")) as f:
        master = f.read().strip()
    out = subprocess.run(["pgrep", "-x", "netdep", "-P", master],
                         capture_output=True, text=True, check=True)
    return sorted(int(p) for p in out.stdout.split())


def total_requests(samples):
    return sum(v for (name, _), v in samples.items()
               if name == "netdep_http_requests_total")


def test_a_restarted_worker_keeps_the_counts(base_url, var_dir):
    before, _ = scrape(base_url)
    pids = workers(var_dir)
    os.kill(pids[0], 9)
    for _ in range(1200):  # the master replaces it within a second
        now = workers(var_dir)
        if pids[0] not in now and len(now) == len(pids):
            break
        time.sleep(0.05)
    for _ in range(2 * len(pids)):
        assert_status(requests.get(base_url + f"{API}/health", timeout=30),
                      200)
    after, _ = scrape(base_url)
    assert value(after, "netdep_worker_restarts_total") \
        - value(before, "netdep_worker_restarts_total") == 1
    # Nothing the dead worker counted is lost: the totals only grow.
    assert total_requests(after) >= total_requests(before) + 2 * len(pids)
    for key, v in before.items():
        if key[0] == "netdep_http_requests_total":
            assert after.get(key, 0) >= v, key


def test_role_change_is_an_event_of_its_request(base_url, var_dir, contest,
                                               new_user):
    slug = contest()
    admin, someone = new_user(role="admin"), new_user(login=False)
    start = size(log_path(var_dir))
    r = admin.post(f"{API}/contests/{slug}/judges",
                   json={"username": someone.username})
    assert r.status_code in (200, 201), r.text
    rid = r.headers["X-Request-Id"]
    r = admin.delete(f"{API}/contests/{slug}/judges/"
                     f"{someone.username.lower()}")
    assert r.status_code in (200, 204), r.text
    rid2 = r.headers["X-Request-Id"]
    events = {(x["req"], x["change"]): x for x in records(log_path(var_dir),
                                                            start)
              if x.get("event") == "role_change"}
    assert set(events) == {(rid, "grant"), (rid2, "revoke")}, events
    grant = events[(rid, "grant")]
    assert grant["role"] == "judge" and grant["contest"] == slug
    assert grant["username"] == someone.username
    assert grant["by"] == admin.username, grant
