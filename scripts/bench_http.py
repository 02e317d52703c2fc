#!/usr/bin/python3
"""bench_http.py: the HTTP section of `make bench` (PERF.md, "HTTP").

Runs against a stack that scripts/bench.sh started (netdep-ctl, empty, no
demo seed) and a second nginx of the bench's own that serves the anchors
(a 2 KB static JSON file and netdep-fcgi-hello with 2 and 4 processes).
It fills the stack the way people would (register, upload, approve, vote,
all through the API; the contest, the judge and the grant with
netdep-admin), then runs wrk -t2 -c32 --latency on each URL and appends
the rows (bench_report.add_row).

Every wrk run is checked afterwards: no non-2xx answers, no socket errors,
and, from the stack's access log ($upstream_response_time is "-" when
nginx answered from its cache), how many requests reached the workers.
"""

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import time

import requests

from bench_report import add_row

SLUG = "bench"
USERS = 10
PER_USER = 3  # entries per user: 30 approved entries


def die(msg):
    print(f"bench_http: {msg}", file=sys.stderr)
    sys.exit(1)


def say(msg):
    print(f"bench_http: {msg}", flush=True)


# --- filling the stack ---------------------------------------------------
class Api:
    def __init__(self, base):
        self.base = base
        self.s = requests.Session()
        self.csrf = None

    def call(self, method, path, want, **kw):
        headers = kw.pop("headers", {})
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        r = self.s.request(method, self.base + path, headers=headers,
                           timeout=120, **kw)
        if r.status_code not in want:
            die(f"{method} {path}: HTTP {r.status_code}: {r.text[:300]}")
        return r


def admin(cli, *args, stdin=None):
    r = subprocess.run([cli, *args], input=stdin, capture_output=True,
                       text=True)
    if r.returncode != 0:
        die(f"netdep-admin {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def populate(a):
    """Contest, judge, USERS participants with PER_USER approved entries
    each, and an uneven spread of votes."""
    admin(a.admin, "contest", "create", SLUG, "--title", "Bench contest",
          "--categories", "Một,Hai,Ba", "--min-short-side", "200",
          "--max-entries", str(PER_USER), "--votes-per-day", "1000")
    judge_pw = secrets.token_urlsafe(18)
    admin(a.admin, "user", "create", "benchjudge", "--display-name",
          "Bench judge", stdin=judge_pw + "\n")
    admin(a.admin, "grant", "judge", "benchjudge", "--contest", SLUG)

    users = []
    for i in range(USERS):
        u = Api(a.url)
        name = f"bench{i:02d}"
        r = u.call("POST", "/api/v1/accounts", (201,), json={
            "username": name, "password": secrets.token_urlsafe(18),
            "display_name": f"Người dự thi {i}", "unit": f"Chi đoàn {i % 4}",
            "birth_year": 1995, "consent": True})
        u.csrf = r.json()["csrf_token"]
        users.append(u)

    contest = Api(a.url).call("GET", f"/api/v1/contests/{SLUG}", (200,))
    cats = [c["id"] for c in contest.json()["contest"]["categories"]]
    owner = {}
    for k in range(USERS * PER_USER):
        v = k % USERS
        img = os.path.join(a.tmp, f"up-{k}.jpg")
        subprocess.run([a.demo_image, str(k + 1), img, "640", "480",
                        f"Ảnh {k}"], check=True, stdout=subprocess.DEVNULL)
        with open(img, "rb") as f:
            r = users[v].call(
                "POST", f"/api/v1/contests/{SLUG}/entries", (201,),
                files={"photo": (f"up-{k}.jpg", f, "image/jpeg")},
                data={"consent": "yes", "title": f"Bài dự thi số {k}",
                      "caption": "Ảnh tạo cho bench",
                      "category": str(cats[k % len(cats)])})
        owner[r.json()["entry"]["id"]] = v
        os.unlink(img)

    judge = Api(a.url)
    r = judge.call("POST", "/api/v1/session", (200,),
                   json={"username": "benchjudge", "password": judge_pw})
    judge.csrf = r.json()["csrf_token"]
    for eid in owner:
        judge.call("POST", f"/api/v1/entries/{eid}/moderation", (200,),
                   json={"action": "approve"})

    votes = 0
    for k, eid in enumerate(owner):
        for v in range(USERS):
            # Uneven on purpose, so the leaderboard has ties and a shape.
            if owner[eid] == v or (k * 7 + v * 3) % 5 >= 3:
                continue
            users[v].call("POST", f"/api/v1/entries/{eid}/votes", (201,))
            votes += 1
    board = Api(a.url).call(
        "GET", f"/api/v1/contests/{SLUG}/leaderboard?limit=20", (200,))
    n = len(board.json()["entries"])
    say(f"contest {SLUG}: {len(owner)} approved entries, {votes} votes, "
        f"leaderboard lists {n}")
    if n != 20:
        die(f"the leaderboard lists {n} entries, not 20")


# --- measuring -------------------------------------------------------------
UNIT_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def parse_wrk(text):
    def num(pattern):
        m = re.search(pattern, text, re.M)
        return m.groups() if m else None

    rps = num(r"^Requests/sec:\s+([\d.]+)")
    p99 = num(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$")
    p50 = num(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$")
    total = num(r"^\s+(\d+) requests in")
    bad = num(r"Non-2xx or 3xx responses:\s+(\d+)")
    sock = num(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
               r"timeout (\d+)")
    if rps is None or p99 is None or total is None:
        return None
    return {
        "rps": float(rps[0]),
        "p99_ms": float(p99[0]) * UNIT_MS[p99[1]],
        "p50_ms": float(p50[0]) * UNIT_MS[p50[1]] if p50 else None,
        "requests": int(total[0]),
        "non2xx": int(bad[0]) if bad else 0,
        "socket_errors": sum(int(x) for x in sock) if sock else 0,
    }


class Log:
    """Counts what the stack's nginx logged since mark()."""

    def __init__(self, path):
        self.path = path
        self.pos = 0

    def mark(self):
        self.pos = os.path.getsize(self.path)

    def since(self, path_prefix):
        with open(self.path, "rb") as f:
            f.seek(self.pos)
            data = f.read()
        total = upstream = 0
        # The stack's format is JSON lines (nginx/netdep.conf.in,
        # log_format netdep); no upstream (a cache hit, a limit) logs
        # its time as "" or "-".
        for line in data.decode("utf-8", "replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if not str(entry.get("uri", "")).startswith(path_prefix):
                continue
            total += 1
            upstream += entry.get("upstream_seconds", "") not in ("", "-")
        return total, upstream


def wrk(a, url, headers=(), log=None):
    """A warm-up run, then the measured one.  With log (the stack's access
    log), res["logged"] and res["upstream"] count the measured run's
    requests and those that reached a worker."""
    hdr = [x for h in headers for x in ("-H", h)]
    base = ["wrk", "-t2", "-c32", "--latency", "--timeout", "5s", *hdr]
    if a.warmup > 0:
        subprocess.run([*base, f"-d{a.warmup}s", url], capture_output=True)
    if log:
        log.mark()
    r = subprocess.run([*base, f"-d{a.duration}s", url], capture_output=True,
                       text=True)
    res = parse_wrk(r.stdout)
    if r.returncode != 0 or res is None:
        return None, f"wrk failed: {(r.stderr or r.stdout).strip()[:200]}"
    if log:
        path = url.split("://", 1)[1].split("/", 1)[1].split("?")[0]
        res["logged"], res["upstream"] = log.since("/" + path)
    problems = []
    if res["non2xx"]:
        problems.append(f"{res['non2xx']} non-2xx answers")
    if res["socket_errors"]:
        problems.append(f"{res['socket_errors']} socket errors")
    say(f"{url}{' ' + ' '.join(headers) if headers else ''}: "
        f"{res['rps']:,.0f} req/s, p50 {res['p50_ms']:.2f} ms, "
        f"p99 {res['p99_ms']:.2f} ms, {res['requests']} requests"
        + (f" ({', '.join(problems)})" if problems else ""))
    return res, "; ".join(problems)


def shown(res):
    return f"{res['rps']:,.0f} req/s · p99 {res['p99_ms']:.2f} ms"


def cache_configured(conf_path):
    """True if the rendered nginx.conf turns a fastcgi_cache on."""
    with open(conf_path, encoding="utf-8") as f:
        text = re.sub(r"#[^\n]*", "", f.read())
    return re.search(r"(?m)^\s*fastcgi_cache\s+(?!off\s*;)\S", text) \
        is not None


def vote_visible_after(a):
    """Casts one vote for the leader with a new account, then polls the
    anonymous leaderboard until its count moved; seconds, or None."""
    u = Api(a.url)
    r = u.call("POST", "/api/v1/accounts", (201,), json={
        "username": "benchlate", "password": secrets.token_urlsafe(18),
        "display_name": "Late voter", "unit": "Bench", "birth_year": 1995,
        "consent": True})
    u.csrf = r.json()["csrf_token"]
    anon = requests.Session()
    board_url = f"{a.url}/api/v1/contests/{SLUG}/leaderboard?limit=20"

    def count():
        for e in anon.get(board_url, timeout=10).json()["entries"]:
            if e["entry"]["id"] == entry_id:
                return e["votes"]
        return None

    entry_id = anon.get(board_url, timeout=10).json()["entries"][0][
        "entry"]["id"]
    before = count()
    u.call("POST", f"/api/v1/entries/{entry_id}/votes", (201,))
    t0 = time.monotonic()
    while time.monotonic() - t0 < 10:
        if count() != before:
            return time.monotonic() - t0
        time.sleep(0.02)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", required=True)
    ap.add_argument("--url", required=True, help="the stack")
    ap.add_argument("--anchor-url", required=True, help="the bench nginx")
    ap.add_argument("--access-log", required=True)
    ap.add_argument("--nginx-conf", required=True)
    ap.add_argument("--admin", required=True)
    ap.add_argument("--demo-image", required=True)
    ap.add_argument("--workers", type=int, required=True)
    ap.add_argument("--hello", default="",
                    help="process counts with a /helloN location")
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    a = ap.parse_args()
    rows = a.rows
    hellos = [int(x) for x in a.hello.split(",") if x]

    populate(a)
    log = Log(a.access_log)
    board = f"/api/v1/contests/{SLUG}/leaderboard?limit=20"
    has_cache = cache_configured(a.nginx_conf)

    # Anchors, through the bench's own nginx.
    static, static_err = wrk(a, a.anchor_url + "/static.json")
    hello = {}
    for n in hellos:
        hello[n] = wrk(a, f"{a.anchor_url}/hello{n}")

    # netdep, through the stack's nginx.
    health, health_err = wrk(a, a.url + "/api/v1/health", log=log)

    # Uncached: with no fastcgi_cache in the config every request reaches
    # a worker.  With one, try the ways around it a config may honour and
    # keep the first that the access log shows reaching the workers; else
    # measure through the bench nginx, which has no cache.
    ways = [("stack", a.url, ())]
    if has_cache:
        ways = [("stack", a.url, ("Cookie: netdep_session=bench",)),
                ("stack", a.url, ("Cache-Control: no-cache",
                                  "Pragma: no-cache")),
                ("bench nginx (no cache)", a.anchor_url, ())]
    if os.environ.get("BENCH_UNCACHED_VIA") == "anchor":
        ways = [("bench nginx (no cache)", a.anchor_url, ())]
    via, base, hdrs = ways[-1]
    for cand in ways[:-1]:
        log.mark()
        for _ in range(10):
            requests.get(cand[1] + board, timeout=10,
                         headers=dict(h.split(": ", 1) for h in cand[2]))
        n, up = log.since(board.split("?")[0])
        if n == 10 and up == 10:
            via, base, hdrs = cand
            break
    uncached, uncached_err = wrk(a, base + board, hdrs,
                                 log if base == a.url else None)
    how = f"via {via}" + (f" with {'; '.join(hdrs)}" if hdrs else "")
    if uncached and "logged" in uncached:
        n, up = uncached["logged"], uncached["upstream"]
        how += f"; access log: {up} of {n} reached a worker"
        if n and up < n * 0.99:
            uncached_err = (uncached_err + "; " if uncached_err else "") + \
                "NOT uncached: nginx answered some from its cache"
    cached = cached_err = cached_how = None
    if has_cache:
        cached, cached_err = wrk(a, a.url + board, log=log)
        if cached:
            hits = cached["logged"] - cached["upstream"]
            cached_how = (f"access log: {hits} of {cached['logged']} "
                          "from nginx's cache")
    visible = vote_visible_after(a)

    # --- rows ---
    w = a.workers
    goal_hello = hello.get(w, (None, "no hello with that many processes"))

    def cmp(key, what, res, err, anchor, op=None, goal=None, note=""):
        ares, aerr = anchor
        add_row(rows, key, what, res and res["rps"], ares and ares["rps"],
                "req/s", op=op, goal=goal,
                netdep_text=res and shown(res),
                anchor_text=ares and shown(ares),
                note="; ".join(x for x in (note, err,
                                           aerr and "anchor: " + aerr)
                               if x),
                na=None if res and ares else
                "not measured (see the bench output)",
                extra={"netdep": res, "anchor": ares})

    cmp("http.leaderboard.uncached",
        f"leaderboard top 20, uncached vs FastCGI hello ({w} proc = "
        f"netdep's workers)", uncached, uncached_err, goal_hello, ">=",
        0.60, note=how)
    for n in hellos:
        if n != w:
            cmp(f"http.leaderboard.uncached.hello{n}",
                f"leaderboard top 20, uncached vs FastCGI hello ({n} proc)",
                uncached, uncached_err, hello[n])
    if has_cache:
        cmp("http.leaderboard.cached",
            "leaderboard top 20, nginx-cached vs static 2 KB", cached,
            cached_err, (static, static_err), ">=", 0.70, note=cached_how)
    else:
        add_row(rows, "http.leaderboard.cached",
                "leaderboard top 20, nginx-cached vs static 2 KB",
                anchor=static and static["rps"], unit="req/s", op=">=",
                goal=0.70, anchor_text=static and shown(static),
                na="nginx/netdep.conf.in has no fastcgi_cache")
    cmp("http.health", f"/api/v1/health vs FastCGI hello ({w} proc)",
        health, health_err, goal_hello,
        note=health and f"access log: {health['upstream']} of "
        f"{health['logged']} reached a worker")
    add_row(rows, "http.vote_visible",
            "a new vote shows on the anonymous leaderboard after", visible,
            unit="s", op="<=", goal=2.0, absolute=True,
            note="cache configured" if has_cache else "no cache configured",
            na=None if visible is not None else "not within 10 s")

    ref = {2: 26100, 4: 34500}
    for n in hellos:
        res, err = hello[n]
        add_row(rows, f"http.anchor.hello{n}",
                f"anchor: FastCGI hello ({n} proc), this run vs PERF.md",
                res and res["rps"], ref.get(n), "req/s",
                netdep_text=res and shown(res),
                note=err, na=None if ref.get(n) else "no PERF.md figure")
    add_row(rows, "http.anchor.static",
            "anchor: nginx static 2 KB, this run vs PERF.md",
            static and static["rps"], 128700, "req/s",
            netdep_text=static and shown(static), note=static_err)


if __name__ == "__main__":
    main()
