"""Body limits per route, enforced twice (issue 12, finding 1).

One 20 MB JSON body POSTed to /api/v1/session used to grow a worker from
3.5 MB to 1.5 GB of RSS: every /api/ location took 21 MB and the worker
read and parsed all of it.  Now nginx refuses a JSON body over
NETDEP_MAX_JSON (64 KiB) per location, only the upload route takes
NETDEP_MAX_UPLOAD, and the worker refuses by CONTENT_LENGTH before
reading a byte (talked to here directly over its FastCGI socket, past
nginx).  Both answer 413 with the API's JSON error."""

import json
import os
import subprocess

from fcgi import fcgi_request
from helpers import API, assert_error, raw_http

MAX_JSON = int(os.environ.get("NETDEP_MAX_JSON") or 64 * 1024)
BIG = 20 * 1024 * 1024


def worker_pids(var_dir):
    with open(os.path.join(var_dir, "run", "netdep.pid")) as f:
        master = f.read().strip()
    out = subprocess.run(["pgrep", "-x", "netdep", "-P", master],
                         capture_output=True, text=True, check=True)
    return [int(p) for p in out.stdout.split()]


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def big_json():
    """20 MB of JSON whose tree is expensive: 7 million empty objects."""
    return (b'{"username":"a","password":"x","pad":['
            + b"{}," * (7 * 1000 * 1000 - 1) + b"{}]}")[:BIG]


def session_params(var_dir, length, host):
    return {
        "REQUEST_METHOD": "POST", "REQUEST_URI": f"{API}/session",
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(length),
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": host,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def socket_path(var_dir):
    return os.path.join(var_dir, "run", "netdep.sock")


def test_nginx_refuses_20mb_json_and_workers_stay_flat(anon, var_dir):
    pids = worker_pids(var_dir)
    before = {p: rss_kb(p) for p in pids}
    body = big_json()
    for _ in range(len(pids)):
        r = anon.post(f"{API}/session", data=body,
                      headers={"Content-Type": "application/json"})
        err = assert_error(r, 413, "too_large")
        assert "64 KiB" in err["message"], err
    # The same size to the worker itself, past nginx: refused on its
    # announced length, no byte read (none is sent: a worker that tried
    # to read would wait here instead of answering).
    host = anon.base_url.split("//", 1)[1]
    for _ in range(len(pids)):
        status, headers, raw = fcgi_request(
            socket_path(var_dir), session_params(var_dir, BIG, host))
        assert status == 413, raw[:300]
        assert headers["content-type"].startswith("application/json")
        assert json.loads(raw)["error"]["code"] == "too_large"
    after = {p: rss_kb(p) for p in pids}
    grown = {p: after[p] - before[p] for p in pids}
    # Flat: a few MB of noise at most, where 1.5 GB were before.
    assert max(grown.values()) < 8 * 1024, (before, after)


def test_worker_refuses_json_just_over_its_limit(anon, var_dir):
    host = anon.base_url.split("//", 1)[1]
    status, _, raw = fcgi_request(
        socket_path(var_dir), session_params(var_dir, MAX_JSON + 1, host))
    assert status == 413, raw[:300]
    err = json.loads(raw)["error"]
    assert err["code"] == "too_large" and "KiB" in err["message"], err
    # At the limit the body is read and judged on its content.
    body = b'{"username":"nobody-here","password":"x"}'
    body += b" " * (MAX_JSON - len(body))
    status, _, raw = fcgi_request(
        socket_path(var_dir), session_params(var_dir, len(body), host),
        stdin=body)
    assert status != 413, raw[:300]


def test_json_just_over_the_limit_through_nginx(anon):
    body = b'{"username":"a","password":"' + b"x" * MAX_JSON + b'"}'
    r = anon.post(f"{API}/session", data=body,
                  headers={"Content-Type": "application/json"})
    assert_error(r, 413, "too_large")


def test_upload_route_keeps_the_upload_cap(anon, new_user, contest):
    """A body far above the JSON limit still reaches the upload handler
    (which judges the photo), and one above the upload cap does not."""
    slug = contest()
    u = new_user()
    r = u.post(f"{API}/contests/{slug}/entries",
               files={"photo": ("x.jpg", b"\xff\xd8\xff" + b"\0" * 300000,
                                "image/jpeg")},
               data={"title": "Ảnh thử"})
    assert r.status_code != 413 or r.json()["error"]["code"] != "too_large", \
        r.text
    host = u.base_url.split("//", 1)[1]
    head = (f"POST {API}/contests/{slug}/entries HTTP/1.1\r\n"
            f"Host: {host}\r\n"
            "Content-Type: multipart/form-data; boundary=xx\r\n"
            f"Content-Length: {64 * 1024 * 1024}\r\n"
            "Connection: close\r\n\r\n").encode()
    status, _, body = raw_http(u.base_url, head)
    assert status == 413
    assert b"choose a smaller photo" in body, body[:300]
