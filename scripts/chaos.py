#!/usr/bin/python3
"""chaos.py: the Jepsen-style run of `make chaos` (issue 14), against the
throwaway stack scripts/chaos.sh started.

Clients (threads, CHAOS_CLIENTS = 32):
  - voters: each vote carries an Idempotency-Key and is retried with the
    same key on a timeout, a 5xx or a connection error until it gets a
    final answer (2xx or 4xx) or the run ends (then it is indeterminate);
    every (voter, entry) pair is voted at most once by one client;
  - uploaders (every eighth client): photo uploads with a unique title;
    not idempotent, so never retried: a 5xx or a lost answer is
    indeterminate, and the checker accepts a row for it or none;
  - readers (every eighth client, shifted): anonymous leaderboards.
A nemesis, on a schedule (every fault in turn) and at random times:
SIGKILL of PostgreSQL's postmaster and a restart, SIGKILL of a worker,
SIGKILL of the master and a restart (netdep-ctl netdep-start), nginx
reload (SIGHUP) and restart, SIGSTOP/SIGCONT of every PostgreSQL process,
and the media filesystem (a tmpfs of the run's own) filled to the last
byte for a few seconds.

Then the checker heals the stack, waits for the folder, and compares the
history with the database:
  lost        a vote answered 201 with no row for its (voter, entry);
  duplicated  more than one row for one (voter, entry), or two answers of
              one key that differ;
  phantom     a vote row no client sent, or an entry row no uploader sent;
  counts      every entry's folded count against count(*) of its valid
              votes, and the leaderboard (read with a session, so not
              nginx's copy) against the rows;
  files       every upload answered 201 has its row and all its files,
              and no file under the media root lacks a row (with the S3
              backend, scripts/failover_drill.py: objects in its buckets).
Writes history.jsonl, faults.jsonl and summary.json to --out, prints the
summary, and exits 1 on any lost, duplicated or phantom vote or upload,
a count that disagrees, or a file without a row (or a row without its
files).
"""

import argparse
import hashlib
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import threading
import time

import psycopg2
import requests

SLUG = "chaos"
ENTRIES = 40
VOTERS_PER_CLIENT = 400
UPLOADERS = 40
FILES_PER_UPLOAD = None  # learnt from the first upload's files


def say(msg):
    print(f"chaos: {msg}", flush=True)


def now():
    return time.monotonic()


# --- set-up ---------------------------------------------------------------

def token_pair(i):
    return "T" + f"{i:042d}", "C" + f"{i:042d}"


def setup(dsn, clients):
    """The contest, its approved entries (made in SQL, as make bench does),
    the voters and uploaders with sessions made in SQL too."""
    conn = psycopg2.connect(dsn)
    nvoters = clients * VOTERS_PER_CLIENT
    with conn, conn.cursor() as cur:
        cur.execute("SET search_path = netdep")
        cur.execute(
            "INSERT INTO contests (slug, title, votes_per_day, vote_rule, "
            "min_short_side, max_entries) VALUES (%s, 'Chaos', 1000, "
            "'daily', 1, 100) RETURNING id", (SLUG,))
        cid = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO accounts (username, display_name, password_hash, "
            "unit, created_at) SELECT 'ch_u' || i, 'U ' || i, "
            "'$argon2id$chaos-no-login', 'Chi đoàn ' || (i %% 40), "
            "now() - interval '30 days' "
            "FROM generate_series(1, %s) i", (nvoters + UPLOADERS + 1,))
        cur.execute("SELECT id FROM accounts WHERE username LIKE 'ch\\_u%%' "
                    "ORDER BY id")
        ids = [r[0] for r in cur.fetchall()]
        owner, uploaders, voters = ids[0], ids[1:UPLOADERS + 1], \
            ids[UPLOADERS + 1:]
        cur.execute(
            "INSERT INTO entries (contest_id, account_id, title, status, "
            "slot, unit) SELECT %s, %s, 'Chaos entry ' || s, "
            "'approved', s, 'Chi đoàn 1' FROM generate_series(1, "
            "%s) s RETURNING id", (cid, owner, ENTRIES))
        entries = sorted(r[0] for r in cur.fetchall())
        cur.execute(
            "INSERT INTO media (entry_id, token, original_type, "
            "original_bytes, width, height, thumb_width, thumb_height, "
            "display_width, display_height, sha256) SELECT id, md5('chaos' "
            "|| id), 'image/jpeg', 1000, 400, 300, 400, 300, 400, 300, "
            "sha256(id::text::bytea) FROM entries WHERE contest_id = %s",
            (cid,))
        rows = []
        for i, aid in enumerate(uploaders + voters):
            tok, csrf = token_pair(i)
            rows.append((hashlib.sha256(tok.encode()).digest(), aid, csrf))
        cur.executemany(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, "
            "expires_at) VALUES (%s, %s, %s, now() + interval '1 day')",
            rows)
        cur.execute("ANALYZE")
    sessions = [token_pair(i) for i in range(len(uploaders + voters))]
    conn.close()
    return {"contest": cid, "entries": entries,
            "uploaders": list(zip(uploaders, sessions[:UPLOADERS])),
            "voters": list(zip(voters, sessions[UPLOADERS:]))}


def photo_maker(demo_image, tmpdir, w, h):
    """photo(seed) -> a new w x h JPEG drawn by netdep-demo-image."""
    tmp = os.path.join(tmpdir, "photo.jpg")

    def photo(seed):
        out = f"{tmp}.{threading.get_ident()}"
        subprocess.run([demo_image, str(seed), out, str(w), str(h)],
                       check=True, capture_output=True, timeout=60)
        with open(out, "rb") as f:
            data = f.read()
        os.unlink(out)
        return data
    return photo


# --- the history -----------------------------------------------------------

class History:
    def __init__(self, path):
        self.f = open(path, "w", encoding="utf-8")
        self.lock = threading.Lock()
        self.ops = []

    def add(self, op):
        with self.lock:
            self.ops.append(op)
            self.f.write(json.dumps(op) + "\n")

    def close(self):
        self.f.close()


def final(status):
    """A definite answer: a success, a refusal, or the full disk's 507
    (nothing was stored).  Anything else may or may not have landed."""
    return status is not None and (200 <= status < 500 or status == 507)


class Client(threading.Thread):
    def __init__(self, i, kind, a, world, hist, stop):
        super().__init__(daemon=True)
        self.i, self.kind, self.a, self.world = i, kind, a, world
        self.hist, self.stop = hist, stop
        self.s = requests.Session()
        self.rng = random.Random(i)

    def post(self, path, sess, **kw):
        tok, csrf = sess
        headers = kw.pop("headers", {})
        headers.update({"Cookie": f"netdep_session={tok}",
                        "X-CSRF-Token": csrf})
        return self.s.post(self.a.url + path, headers=headers,
                           timeout=self.a.timeout, **kw)

    def run(self):
        try:
            getattr(self, "run_" + self.kind)()
        except Exception as e:  # a client bug must not pass silently
            self.hist.add({"kind": "crash", "client": self.i,
                           "error": repr(e)})
            raise

    def run_vote(self):
        mine = self.world["voters"][self.i::self.a.clients]
        entries = self.world["entries"]
        n = 0
        while not self.stop.is_set():
            voter, sess = mine[(n // len(entries)) % len(mine)]
            if n // len(entries) >= len(mine):
                return  # every pair voted: done
            entry = entries[(n + self.i) % len(entries)]
            n += 1
            key = f"ch{self.i}x{n}x{secrets.token_hex(6)}"
            op = {"kind": "vote", "client": self.i, "voter": voter,
                  "entry": entry, "key": key, "t0": now(), "tries": 0,
                  "statuses": []}
            status, body = None, None
            while True:
                op["tries"] += 1
                try:
                    r = self.post(f"/api/v1/entries/{entry}/votes", sess,
                                  headers={"Idempotency-Key": key})
                    status = r.status_code
                    body = r.text[:300]
                except requests.RequestException as e:
                    status, body = None, type(e).__name__
                op["statuses"].append(status)
                if final(status) or self.stop.is_set():
                    break
                time.sleep(0.05 + self.rng.random() * 0.2)
            op.update(t1=now(), status=status, body=body)
            self.hist.add(op)

    def run_upload(self):
        up = self.world["uploaders"]
        n = 0
        while not self.stop.is_set():
            n += 1
            account, sess = up[self.rng.randrange(len(up))]
            title = f"chaos-up-{self.i}-{n}-{secrets.token_hex(4)}"
            photo = self.world["photo"](self.rng.randrange(10**9))
            op = {"kind": "upload", "client": self.i, "account": account,
                  "title": title, "t0": now()}
            try:
                r = self.post(f"/api/v1/contests/{SLUG}/entries", sess,
                              data={"title": title, "consent": "yes"},
                              files={"photo": ("p.jpg", photo,
                                               "image/jpeg")})
                op["status"] = r.status_code
                if r.status_code == 201:
                    op["entry"] = r.json()["entry"]["id"]
                else:
                    op["body"] = r.text[:300]
            except requests.RequestException as e:
                op["status"], op["body"] = None, type(e).__name__
            op["t1"] = now()
            self.hist.add(op)
            time.sleep(0.2 + self.rng.random() * 0.5)

    def run_read(self):
        url = f"{self.a.url}/api/v1/contests/{SLUG}/leaderboard"
        while not self.stop.is_set():
            op = {"kind": "read", "client": self.i, "t0": now()}
            try:
                r = self.s.get(url, timeout=self.a.timeout)
                op["status"] = r.status_code
                op["cache"] = r.headers.get("X-Cache")
            except requests.RequestException as e:
                op["status"], op["body"] = None, type(e).__name__
            op["t1"] = now()
            self.hist.add(op)
            time.sleep(0.05 + self.rng.random() * 0.1)


# --- the nemesis ------------------------------------------------------------

class Nemesis(threading.Thread):
    FAULTS = ["pg_kill", "worker_kill", "master_kill", "nginx_reload",
              "nginx_restart", "pg_pause", "disk_full"]

    def __init__(self, a, faults_path, stop):
        super().__init__(daemon=True)
        self.a, self.stop = a, stop
        self.f = open(faults_path, "w", encoding="utf-8")
        self.events = []
        self.rng = random.Random(a.seed)
        self.error = None

    def ctl(self, *args, check=True):
        r = subprocess.run([self.a.ctl, args[0], self.a.var, *args[1:]],
                           capture_output=True, text=True, timeout=120)
        if check and r.returncode != 0:
            raise RuntimeError(f"netdep-ctl {args}: {r.stdout}{r.stderr}")
        return r

    def pid(self, rel):
        with open(os.path.join(self.a.var, rel)) as f:
            return int(f.readline().strip())

    def children(self, pid):
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                             text=True).stdout.split()
        return [int(p) for p in out]

    def comm(self, pid):
        try:
            with open(f"/proc/{pid}/comm") as f:
                return f.read().strip()
        except OSError:
            return ""

    def pg_start(self):
        # A postmaster killed leaves its backends for a moment: the new
        # one refuses to start while they hold the shared memory.
        for _ in range(60):
            if self.ctl("pg-start", check=False).returncode == 0:
                return
            time.sleep(0.5)
        raise RuntimeError("PostgreSQL did not start again")

    def do_pg_kill(self):
        os.kill(self.pid("pg/postmaster.pid"), signal.SIGKILL)
        time.sleep(self.rng.uniform(0.5, 3))
        self.pg_start()

    def do_worker_kill(self):
        master = self.pid("run/netdep.pid")
        ws = [p for p in self.children(master) if self.comm(p) == "netdep"]
        if ws:
            os.kill(self.rng.choice(ws), signal.SIGKILL)

    def do_master_kill(self):
        os.kill(self.pid("run/netdep.pid"), signal.SIGKILL)
        time.sleep(self.rng.uniform(0.2, 2))
        self.ctl("netdep-start")

    def do_nginx_reload(self):
        os.kill(self.pid("run/nginx.pid"), signal.SIGHUP)

    def do_nginx_restart(self):
        pid = self.pid("run/nginx.pid")
        os.kill(pid, signal.SIGTERM)
        for _ in range(200):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        time.sleep(self.rng.uniform(0.2, 1.5))
        self.ctl("nginx-start")

    def do_pg_pause(self):
        pm = self.pid("pg/postmaster.pid")
        procs = [pm] + self.children(pm)
        for p in procs:
            os.kill(p, signal.SIGSTOP)
        try:
            time.sleep(self.rng.uniform(2, 6))
        finally:
            for p in procs:
                try:
                    os.kill(p, signal.SIGCONT)
                except ProcessLookupError:
                    pass

    def do_disk_full(self):
        filler = os.path.join(self.a.media, "chaos-filler")
        st = os.statvfs(self.a.media)
        try:
            with open(filler, "wb") as f:
                try:
                    os.posix_fallocate(f.fileno(), 0,
                                       st.f_bavail * st.f_frsize)
                except OSError:
                    pass
                # fallocate leaves a few blocks: write until ENOSPC.
                try:
                    while True:
                        f.write(b"\0" * 65536)
                        f.flush()
                except OSError:
                    pass
            time.sleep(self.rng.uniform(3, 8))
        finally:
            os.unlink(filler)

    def run(self):
        order = list(self.FAULTS)
        i = 0
        try:
            time.sleep(self.a.warmup)
            while not self.stop.is_set():
                # The schedule: every fault in turn; half the time a
                # random one instead, at a random moment.
                if self.rng.random() < 0.5:
                    fault = order[i % len(order)]
                    i += 1
                else:
                    fault = self.rng.choice(order)
                ev = {"fault": fault, "t0": now()}
                getattr(self, "do_" + fault)()
                ev["t1"] = now()
                self.events.append(ev)
                self.f.write(json.dumps(ev) + "\n")
                self.f.flush()
                self.stop.wait(self.rng.uniform(self.a.gap / 2,
                                                self.a.gap * 1.5))
        except Exception as e:
            self.error = repr(e)
            say(f"nemesis failed: {e!r}")
        finally:
            self.f.close()


# --- the checker ------------------------------------------------------------

def heal(a, nem):
    """Everything running again after the last fault."""
    for cmd in ("pg-start", "netdep-start", "nginx-start"):
        r = nem.ctl(cmd, check=False)
        if r.returncode != 0:
            say(f"heal: netdep-ctl {cmd}: {r.stderr.strip()}")
    for _ in range(300):
        try:
            if requests.get(a.url + "/api/v1/health", timeout=5) \
                    .status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


def settle(conn):
    for _ in range(600):
        with conn.cursor() as cur:
            cur.execute("SELECT (SELECT count(*) FROM netdep.vote_changes) "
                        "+ (SELECT count(*) FROM netdep.unit_entry_changes)")
            if cur.fetchone()[0] == 0:
                return True
        time.sleep(0.1)
    return False


def media_files(root):
    out = []
    for d, _dirs, names in os.walk(root):
        rel = os.path.relpath(d, root)
        if rel.split(os.sep)[0] not in ("orig", "priv", "pub"):
            continue
        out += [os.path.join(rel, n) for n in names]
    return out


def s3_keys(endpoint, bucket):
    """Every key of bucket on the S3 test server (s3rver answers anonymous
    listings), page by page."""
    keys, after = [], ""
    while True:
        r = requests.get(f"{endpoint}/{bucket}", params={
            "list-type": "2", "start-after": after}, timeout=60)
        r.raise_for_status()
        page = re.findall(r"<Key>([^<]+)</Key>", r.text)
        keys += page
        if "<IsTruncated>true</IsTruncated>" not in r.text or not page:
            return keys
        after = page[-1]


def stored_files(a):
    """The media files (orig/, priv/, pub/ paths) of the run: under the
    media root, or with a.s3 (the NETDEP_S3_* settings of the S3 backend)
    the objects of both buckets."""
    if not getattr(a, "s3", None):
        return media_files(a.media)
    ep = a.s3["NETDEP_S3_ENDPOINT"]
    buckets = {a.s3["NETDEP_S3_BUCKET"],
               a.s3.get("NETDEP_S3_PUBLIC_BUCKET") or
               a.s3["NETDEP_S3_BUCKET"]}
    return [k for b in sorted(buckets) for k in s3_keys(ep, b)
            if k.split("/")[0] in ("orig", "priv", "pub")]


def check(a, world, hist, conn):
    res = {"lost": 0, "duplicated": 0, "phantom": 0, "count_mismatch": 0,
           "board_mismatch": 0, "upload_lost": 0, "upload_phantom": 0,
           "upload_files_missing": 0, "orphan_files": 0, "details": []}

    def bad(kind, detail):
        res[kind] += 1
        if len(res["details"]) < 50:
            res["details"].append({kind: detail})

    votes = [o for o in hist.ops if o["kind"] == "vote"]
    with conn.cursor() as cur:
        cur.execute("SELECT voter_id, entry_id, count(*) FROM netdep.votes "
                    "WHERE contest_id = %s GROUP BY 1, 2",
                    (world["contest"],))
        rows = {(v, e): n for v, e, n in cur.fetchall()}
        cur.execute("SELECT voter_id, idem_key, entry_id, status FROM "
                    "netdep.vote_requests")
        keys = {(v, k): (e, s) for v, k, e, s in cur.fetchall()}
    sent = {}
    for o in votes:
        sent[(o["voter"], o["entry"])] = o
        if o["status"] == 201 and rows.get((o["voter"], o["entry"]), 0) < 1:
            bad("lost", o)
        k = keys.get((o["voter"], o["key"]))
        if o["status"] == 201 and (k is None or k[0] != o["entry"]):
            bad("lost", {"op": o, "key_row": k})
    for pair, n in rows.items():
        if n > 1:
            bad("duplicated", {"pair": pair, "rows": n})
        if pair not in sent:
            bad("phantom", {"pair": pair})
    with conn.cursor() as cur:
        cur.execute(
            "SELECT e.id, coalesce(s.votes, 0), (SELECT count(*) FROM "
            "netdep.votes v WHERE v.entry_id = e.id AND v.voided_at IS "
            "NULL) FROM netdep.entries e LEFT JOIN netdep.entry_stats s ON "
            "s.entry_id = e.id WHERE e.contest_id = %s AND e.status = "
            "'approved'", (world["contest"],))
        counts = {e: (folded, real) for e, folded, real in cur.fetchall()}
    for e, (folded, real) in counts.items():
        if folded != real:
            bad("count_mismatch", {"entry": e, "folded": folded,
                                   "rows": real})
    tok, _csrf = world["voters"][0][1]
    r = requests.get(f"{a.url}/api/v1/contests/{SLUG}/leaderboard",
                     params={"limit": 100},
                     headers={"Cookie": f"netdep_session={tok}"}, timeout=30)
    board = {x["entry"]["id"]: x["votes"] for x in r.json()["entries"]}
    for e, (_folded, real) in counts.items():
        if board.get(e, 0) != real:
            bad("board_mismatch", {"entry": e, "board": board.get(e),
                                   "rows": real})
    # Uploads.
    ups = [o for o in hist.ops if o["kind"] == "upload"]
    titles = {o["title"]: o for o in ups}
    with conn.cursor() as cur:
        cur.execute("SELECT e.id, e.title, m.token FROM netdep.entries e "
                    "LEFT JOIN netdep.media m ON m.entry_id = e.id WHERE "
                    "e.contest_id = %s AND e.title LIKE 'chaos-up-%%'",
                    (world["contest"],))
        landed = {t: (eid, tok) for eid, t, tok in cur.fetchall()}
        cur.execute("SELECT token FROM netdep.media")
        all_tokens = {t for (t,) in cur.fetchall()}
    files = stored_files(a)
    by_token = {}
    for f in files:
        tokn = os.path.basename(f)[:32]
        by_token.setdefault(tokn, []).append(f)
    per_upload = None
    for o in ups:
        if o.get("status") == 201:
            got = landed.get(o["title"])
            if got is None or got[1] is None:
                bad("upload_lost", o)
                continue
            mine = [f for f in by_token.get(got[1], [])
                    if not f.startswith("pub")]
            per_upload = per_upload or len(mine)
            if len(mine) != per_upload or not mine:
                bad("upload_files_missing", {"op": o, "files": mine})
    for t, (eid, tokn) in landed.items():
        if t not in titles:
            bad("upload_phantom", {"title": t, "entry": eid})
        elif tokn is None:
            bad("upload_files_missing", {"title": t, "no media row": eid})
        elif per_upload and len([f for f in by_token.get(tokn, [])
                                 if not f.startswith("pub")]) != per_upload:
            bad("upload_files_missing", {"title": t, "token": tokn})
    # A worker killed between writing an upload's files and committing
    # its row leaves files no row names: the sweeper's work (README,
    # netdep-admin media sweep), run here as an operator would after a
    # crash.  Counted before, and any file still without a row after it
    # is a failure.
    res["orphans_swept"] = len([t for t in by_token if t not in all_tokens])
    r = subprocess.run([a.admin, "media", "sweep", "--older-than", "0"],
                       env=dict(os.environ, NETDEP_DB=a.app_dsn,
                                NETDEP_MEDIA=a.media,
                                **(getattr(a, "s3", None) or {})),
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        bad("orphan_files", {"sweep failed": r.stderr[-500:]})
    for f in stored_files(a):
        tokn = os.path.basename(f)[:32]
        if tokn not in all_tokens:
            bad("orphan_files", {"token": tokn, "file": f})
    return res


def unavailability(hist, events):
    """Per fault: the longest gap between two votes answered 201 that
    overlaps the fault (from its start to 30 s after it ended); for the
    full disk, between two uploads answered 201 instead."""
    ok_votes = sorted(o["t1"] for o in hist.ops
                      if o["kind"] == "vote" and o["status"] == 201)
    ok_ups = sorted(o["t1"] for o in hist.ops
                    if o["kind"] == "upload" and o.get("status") == 201)
    worst = {}
    starts = sorted(ev["t0"] for ev in events)
    # The clients' last answer: a fault the nemesis began as the run
    # ended has no traffic after it to measure a gap with.
    end = max((o["t1"] for o in hist.ops if o.get("t1")), default=0.0)
    for ev in events:
        if ev["t1"] >= end:
            continue
        ts = ok_ups if ev["fault"] == "disk_full" else ok_votes
        # Up to 30 s after it ended, or until the next fault began.
        nxt = min([t for t in starts if t > ev["t0"]], default=ev["t1"] + 30)
        lo, hi = ev["t0"], min(end, max(ev["t1"], min(ev["t1"] + 30, nxt)))
        gap = 0.0
        prev = max([t for t in ts if t <= lo], default=lo)
        for t in [t for t in ts if lo < t <= hi] + [hi]:
            gap = max(gap, t - prev)
            prev = t
            if t >= ev["t1"] and gap > 0:
                break
        worst[ev["fault"]] = round(max(worst.get(ev["fault"], 0), gap), 2)
    return worst


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--var", required=True)
    p.add_argument("--media", required=True)
    p.add_argument("--dsn", required=True)
    p.add_argument("--ctl", required=True)
    p.add_argument("--admin", required=True)
    p.add_argument("--app-dsn", required=True)
    p.add_argument("--demo-image", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seconds", type=float, default=300)
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--gap", type=float, default=12.0)
    p.add_argument("--warmup", type=float, default=5.0)
    p.add_argument("--timeout", type=float, default=10.0)
    p.add_argument("--seed", type=int, default=int(time.time()))
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    say(f"setting up {a.clients} clients (seed {a.seed})")
    world = setup(a.dsn, a.clients)
    world["photo"] = photo_maker(a.demo_image, a.out, 400, 300)
    hist = History(os.path.join(a.out, "history.jsonl"))
    stop = threading.Event()
    clients = []
    for i in range(a.clients):
        kind = "upload" if i % 8 == 3 else "read" if i % 8 == 5 else "vote"
        clients.append(Client(i, kind, a, world, hist, stop))
    nem = Nemesis(a, os.path.join(a.out, "faults.jsonl"), stop)
    t_start = now()
    for c in clients:
        c.start()
    nem.start()
    say(f"running for {a.seconds:.0f} s")
    stop.wait(a.seconds)
    stop.set()
    nem.join(timeout=180)
    for c in clients:
        c.join(timeout=120)
    elapsed = now() - t_start
    say("healing the stack and checking")
    healed = heal(a, nem)
    conn = psycopg2.connect(a.dsn)
    conn.autocommit = True
    settled = settle(conn)
    res = check(a, world, hist, conn)
    hist.close()
    ops = hist.ops
    votes = [o for o in ops if o["kind"] == "vote"]
    ups = [o for o in ops if o["kind"] == "upload"]
    reads = [o for o in ops if o["kind"] == "read"]
    summary = {
        "seconds": round(elapsed, 1), "seed": a.seed,
        "clients": a.clients,
        "operations": len(ops),
        "votes": {"sent": len(votes),
                  "acknowledged": sum(o["status"] == 201 for o in votes),
                  "failed": sum(final(o["status"]) and o["status"] != 201
                                for o in votes),
                  "indeterminate": sum(not final(o["status"])
                                       for o in votes),
                  "retried": sum(o["tries"] > 1 for o in votes),
                  "lost": res["lost"], "duplicated": res["duplicated"],
                  "phantom": res["phantom"]},
        "uploads": {"sent": len(ups),
                    "acknowledged": sum(o.get("status") == 201
                                        for o in ups),
                    "refused_507": sum(o.get("status") == 507 for o in ups),
                    "failed": sum(final(o.get("status"))
                                  and o.get("status") not in (201, 507)
                                  for o in ups),
                    "indeterminate": sum(not final(o.get("status"))
                                         for o in ups),
                    "lost": res["upload_lost"],
                    "phantom": res["upload_phantom"],
                    "files_missing": res["upload_files_missing"],
                    "orphans_swept": res["orphans_swept"],
                    "orphan_files_after_sweep": res["orphan_files"]},
        "reads": {"sent": len(reads),
                  "ok": sum(o.get("status") == 200 for o in reads),
                  "stale": sum(o.get("cache") == "STALE" for o in reads)},
        "counts": {"entry_count_mismatch": res["count_mismatch"],
                   "board_mismatch": res["board_mismatch"]},
        "faults": {f: sum(e["fault"] == f for e in nem.events)
                   for f in Nemesis.FAULTS},
        "longest_unavailability_s": unavailability(hist, nem.events),
        "nemesis_error": nem.error, "healed": healed, "settled": settled,
        "client_crashes": sum(o["kind"] == "crash" for o in ops),
        "details": res["details"],
    }
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    shown = {k: v for k, v in summary.items() if k != "details"}
    print(json.dumps(shown, indent=1))
    failed = (res["lost"] or res["duplicated"] or res["phantom"]
              or res["count_mismatch"] or res["board_mismatch"]
              or res["upload_lost"] or res["upload_phantom"]
              or res["upload_files_missing"] or res["orphan_files"]
              or not healed or not settled or nem.error
              or summary["client_crashes"])
    if failed:
        say("FAILED: " + json.dumps(res["details"][:5]))
        return 1
    say("passed: no vote or upload lost, duplicated or phantom")
    return 0


if __name__ == "__main__":
    sys.exit(main())
