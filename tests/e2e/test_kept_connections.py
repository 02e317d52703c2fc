"""The FastCGI connections nginx keeps open to the workers (README,
Connections from nginx; cgi/conn.c): requests reuse them, a body a
worker left unread never reaches the next request on the connection, and
a worker that waits for a request still reads what PostgreSQL pushes to
its connection."""

import json
import os
import re
import struct
import time

import requests

from fcgi import BEGIN_REQUEST, PARAMS, RESPONDER, STDIN, KeptConnection
from fcgi import _params, _record
from helpers import API, assert_status


def fastcgi_connections(base_url):
    r = requests.get(base_url + "/metrics", timeout=30)
    assert_status(r, 200)
    m = re.search(r"^netdep_fastcgi_connections_total (\d+)$", r.text, re.M)
    assert m, "no netdep_fastcgi_connections_total in /metrics"
    return int(m.group(1))


def test_nginx_keeps_its_connections_to_the_workers(base_url, var_dir):
    with open(os.path.join(var_dir, "nginx", "nginx.conf")) as f:
        conf = f.read()
    assert "fastcgi_keep_conn on;" in conf
    assert re.search(r"^\s*keepalive [1-9][0-9]*;$", conf, re.M), conf
    before = fastcgi_connections(base_url)
    s = requests.Session()
    n = 200
    for _ in range(n):
        assert_status(s.get(f"{base_url}{API}/health", timeout=30), 200)
    opened = fastcgi_connections(base_url) - before
    # One per nginx worker process, and again after nginx's
    # keepalive_time on a slow machine: a connection per request before.
    assert opened <= n // 4, f"{opened} connections for {n} requests"


def params(host, method, uri, length=None):
    p = {"REQUEST_METHOD": method, "REQUEST_URI": uri,
         "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": host,
         "SERVER_PROTOCOL": "HTTP/1.1"}
    if length is not None:
        p["CONTENT_TYPE"] = "application/json"
        p["CONTENT_LENGTH"] = str(length)
    return p


def hostile_body(host, size):
    """A body made of what a whole FastCGI request for a missing page
    looks like: were it read as the connection's next request, the next
    answer would be its 404."""
    req = (_record(BEGIN_REQUEST, struct.pack(">HB5x", RESPONDER, 1))
           + _record(PARAMS, _params(params(host, "GET",
                                            f"{API}/no-such-page")))
           + _record(PARAMS, b"") + _record(STDIN, b""))
    return (req * (size // len(req) + 1))[:size]


def test_a_body_left_unread_stays_out_of_the_next_request(base_url,
                                                          var_dir):
    host = base_url.split("//", 1)[1]
    sock = os.path.join(var_dir, "run", "netdep.sock")
    c = KeptConnection(sock)
    try:
        # A POST to a GET route is refused before its body is read.
        for size in (0, 1000, 60 * 1024):
            status, _, raw = c.request(
                params(host, "POST", f"{API}/health", size),
                stdin=hostile_body(host, size))
            assert status == 405, raw[:300]
            status, _, raw = c.request(params(host, "GET", f"{API}/health"))
            assert status == 200, raw[:300]
            assert json.loads(raw) == {"status": "ok"}
        assert not c.closed_by_worker(wait=0.5), \
            "the worker closed a connection nginx asked it to keep"
        # More than a worker reads away (64 KiB): answered, then closed.
        size = 100 * 1024
        status, _, raw = c.request(
            params(host, "POST", f"{API}/health", size),
            stdin=hostile_body(host, size))
        assert status in (405, 413), raw[:300]
        assert c.closed_by_worker(), "a connection with a body left " \
                                     "unread was kept"
    finally:
        c.close()
    # The workers still answer.
    assert_status(requests.get(f"{base_url}{API}/health", timeout=30), 200)


def test_waiting_workers_read_what_postgresql_pushes_them(db):
    """Every worker LISTENs for board changes, and PostgreSQL writes each
    NOTIFY to it at once.  A worker that waited for requests without
    ever reading (an idle one, or one kept busy by votes, which make no
    statement of their own) left its backend blocked writing once the
    socket filled, unable to absorb the barrier DROP DATABASE waits for:
    it waited forever."""
    with db.cursor() as cur:
        # 700 KB to each listening connection: more than a socket holds.
        cur.execute("DO $$ BEGIN FOR i IN 1 .. 100 LOOP "
                    "PERFORM pg_notify('netdep_boards', "
                    "i || repeat('x', 7000)); END LOOP; END $$")
        deadline = time.monotonic() + 60
        while True:
            cur.execute("SELECT count(*) FROM pg_stat_activity "
                        "WHERE wait_event = 'ClientWrite'")
            blocked = cur.fetchone()[0]
            if blocked == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert blocked == 0, f"{blocked} backends still blocked writing to " \
                         "their worker a minute later"
