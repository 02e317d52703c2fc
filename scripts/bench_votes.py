#!/usr/bin/python3
"""bench_votes.py: the vote section of `make bench` (PERF.md, PostgreSQL
goals) and the measurements `make bench-scale` repeats on a big contest.

Against a stack that scripts/bench.sh (or bench_scale.sh) started:
  1. loads, with generated SQL as the owner role, a contest "benchv" with
     ENTRIES approved entries and VOTERS accounts with sessions (tokens
     are generated, their SHA-256 stored as a login would);
  2. pgbench -M prepared -c 32 running vote_cast(now(), entry, voter,
     ip, ua, key) -- a batch of one, each vote its own transaction -- on
     random (entry, voter) pairs (information: the workers' votes go
     through the vote writer, several per transaction), and the plain
     durable insert + counter update of PERF.md: the anchor;
  3. wrk -t2 -c32 POSTing votes through nginx -> netdep -> PostgreSQL with
     a session cookie, the CSRF header and an Idempotency-Key, on random
     entries, then every vote on ONE entry (each voter once);
  4. checks afterwards that every folded count equals its rows.
Rows land in the bench table (bench_report.add_row): votes/s, p50/p99,
ratios against the goals (HTTP random >= 50% of pgbench, one entry >= 80%
of random).  Accepted votes are counted from the database (201 = a row).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import psycopg2

from bench_report import add_row
from bench_http import parse_wrk

SLUG = "benchv"


def say(msg):
    print(f"bench_votes: {msg}", flush=True)


def die(msg):
    print(f"bench_votes: {msg}", file=sys.stderr)
    sys.exit(1)


CONTEST_SQL = """
SET search_path = netdep;
INSERT INTO contests (slug, title, votes_per_day, vote_rule, min_short_side)
VALUES (%(slug)s, 'Bench votes', 1000, 'daily', 1)
ON CONFLICT (slug) DO NOTHING;
INSERT INTO accounts (username, display_name, password_hash, unit)
SELECT %(slug)s || '_owner' || i, 'Owner ' || i, '$argon2id$bench-no-login',
       'Chi đoàn ' || (i %% 40)
  FROM generate_series(1, %(owners)s) i;
INSERT INTO entries (contest_id, account_id, title, status, slot, unit)
SELECT c.id, a.id, 'Bench entry', 'approved', s, a.unit
  FROM contests c, accounts a, generate_series(1, 100) s
 WHERE c.slug = %(slug)s AND a.username LIKE %(slug)s || '\\_owner%%'
 LIMIT %(entries)s;
INSERT INTO media (entry_id, token, original_type, original_bytes, width,
                   height, thumb_width, thumb_height, display_width,
                   display_height, sha256)
SELECT e.id, md5('bench' || e.id), 'image/jpeg', 1000, 400, 300, 400, 300,
       400, 300, sha256(e.id::text::bytea)
  FROM entries e JOIN contests c ON c.id = e.contest_id
 WHERE c.slug = %(slug)s;
"""

VOTERS_SQL = """
SET search_path = netdep;
INSERT INTO accounts (username, display_name, password_hash, unit,
                      created_at)
SELECT 'bv_voter' || i, 'Voter ' || i, '$argon2id$bench-no-login',
       'Chi đoàn ' || (i %% 40),
       now() - interval '30 days'
  FROM generate_series(1, %(voters)s) i;
INSERT INTO sessions (token_hash, account_id, csrf_token, expires_at)
SELECT sha256(('B' || lpad(substr(a.username, 9), 42, '0'))::bytea), a.id,
       'C' || lpad(substr(a.username, 9), 42, '0'), now() + interval '1 day'
  FROM accounts a WHERE a.username LIKE 'bv\\_voter%%';
"""


def load(dsn, entries, voters):
    """Creates the contest SLUG with its entries unless it exists (the
    scale run loads its own), and the voters once."""
    conn = psycopg2.connect(dsn)
    conn.autocommit = False
    with conn.cursor() as cur:
        t0 = time.monotonic()
        cur.execute("SELECT 1 FROM netdep.contests WHERE slug = %s", (SLUG,))
        if cur.fetchone() is None:
            cur.execute(CONTEST_SQL, {"slug": SLUG, "entries": entries,
                                      "owners": (entries + 99) // 100})
        cur.execute("SELECT 1 FROM netdep.accounts WHERE username = "
                    "'bv_voter1'")
        if cur.fetchone() is None:
            cur.execute(VOTERS_SQL, {"voters": voters})
        conn.commit()
        # As after any bulk load: fresh statistics, so that no plan the
        # workers cached while the tables were nearly empty (a sequential
        # scan of accounts, say) outlives the load until autovacuum comes.
        cur.execute("ANALYZE")
        conn.commit()
        # And the voters' rows as a contest's are on its last evening,
        # registered long before: vacuumed (visibility map, hint bits).
        # Otherwise autovacuum's first pass over the 150,000 new accounts
        # and sessions (5 s naptime) ran inside whichever measured run
        # came first.
        conn.autocommit = True
        cur.execute("VACUUM netdep.accounts, netdep.sessions")
        conn.autocommit = False
        say(f"contest {SLUG} and {voters} voters with sessions ready in "
            f"{time.monotonic() - t0:.1f} s")
        cur.execute(
            "SELECT min(e.id), max(e.id) FROM netdep.entries e JOIN "
            "netdep.contests c ON c.id = e.contest_id WHERE c.slug = %s",
            (SLUG,))
        lo, hi = cur.fetchone()
        cur.execute("SELECT min(id), max(id) FROM netdep.accounts WHERE "
                    "username LIKE 'bv\\_voter%%'")
        vlo, vhi = cur.fetchone()
    conn.commit()
    return conn, (lo, hi), (vlo, vhi)


def write_voter_file(tmp, voters):
    """The voters' session cookie and CSRF token, one "B... C..." line per
    voter in id order (as VOTERS_SQL made them), for wrk's script: the
    file's path."""
    path = os.path.join(tmp, "voters.txt")
    with open(path, "w") as f:
        for i in range(1, voters[1] - voters[0] + 2):
            f.write(f"B{i:042d} C{i:042d}\n")
    return path


def proc_stat(pid):
    """(ppid, CPU ticks: user + system) of a process, from /proc."""
    with open(f"/proc/{pid}/stat") as fh:
        f = fh.read().rsplit(")", 1)[1].split()
    # After the comm: state ppid ... utime(12) stime(13).
    return int(f[1]), int(f[11]) + int(f[12])


def max_vote_id(conn):
    with conn.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM netdep.votes")
        n = cur.fetchone()[0]
    conn.commit()
    return n


def count_rows_since(conn, after):
    """Vote rows of SLUG with an id above after: the 201s of a run."""
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.votes v JOIN "
                    "netdep.contests c ON c.id = v.contest_id WHERE c.slug "
                    "= %s AND v.id > %s", (SLUG, after))
        n = cur.fetchone()[0]
    conn.commit()
    return n


PGBENCH_SQL = """\\set e random({lo}, {hi})
\\set v random({vlo}, {vhi})
\\set k random(1, 1000000000000000)
SELECT outcome, vote_count, votes_left FROM vote_cast(now(), :e, :v, '127.0.0.1'::inet, decode('00112233445566778899aabbccddeeff', 'hex'), 'pgb-' || :k);
"""


class CpuMeter:
    """CPU seconds (user + system, from /proc) of each part of the stack:
    PostgreSQL (the postmaster and every process under it), the netdep
    master and workers, nginx, and the load generator.  Summed over a
    window in the middle of a run and divided by the votes committed in
    that window, it says what one vote costs each part: a figure that other
    processes on a shared machine change far less than they change a rate.
    Without --stack it measures nothing (cost() returns None)."""

    def __init__(self, stack):
        self.roots = {}
        if not stack:
            return
        for part, f in (("postgres", "pg/postmaster.pid"),
                        ("netdep", "run/netdep.pid"),
                        ("nginx", "run/nginx.pid")):
            try:
                with open(os.path.join(stack, f)) as fh:
                    self.roots[part] = int(fh.readline())
            except (OSError, ValueError):
                pass
        self.tick = os.sysconf("SC_CLK_TCK")

    def _procs(self):
        out = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                out[int(d)] = proc_stat(d)
            except OSError:
                continue
        return out

    def sample(self, load_pid):
        procs = self._procs()
        kids = {}
        for pid, (ppid, _) in procs.items():
            kids.setdefault(ppid, []).append(pid)
        res = {}
        roots = dict(self.roots, client=load_pid)
        for part, root in roots.items():
            total, todo = 0, [root]
            while todo:
                pid = todo.pop()
                if pid in procs:
                    total += procs[pid][1]
                todo.extend(kids.get(pid, ()))
            res[part] = total / self.tick
        return res

    def cost(self, run, count, duration):
        """Measures the middle of the load generator `run` (a Popen that
        runs for `duration` seconds): CPU ms per committed vote by part, or
        None.  count() says how many votes are committed so far."""
        if not self.roots:
            return None
        edge = min(1.0, duration / 4)
        time.sleep(edge)
        v0, s0 = count(), self.sample(run.pid)
        time.sleep(max(duration - 2 * edge, 0.5))
        v1, s1 = count(), self.sample(run.pid)
        n = v1 - v0
        if n <= 0:
            return None
        return {part: (s1[part] - s0[part]) * 1000 / n for part in s1}


def run_pgbench(a, tmp, name, sql, dsn, label, count=None):
    """pgbench -M prepared -c 32 -j 2 on one script; tps and mean latency
    (and CPU per vote when count() says how many are committed)."""
    script = os.path.join(tmp, name)
    with open(script, "w") as f:
        f.write(sql)
    cmd = [a.pgbench, "-n", "-M", "prepared", "-c", "32", "-j", "2", "-T",
           str(a.duration), "-f", script, dsn]
    run = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    cpu = a.meter.cost(run, count, a.duration) if count else None
    out, err = run.communicate()
    m = re.search(r"tps = ([\d.]+) \(without initial", out)
    lat = re.search(r"latency average = ([\d.]+) ms", out)
    if run.returncode != 0 or not m:
        return None, f"pgbench ({label}) failed: {(err or out)[-300:]}"
    res = {"rps": float(m.group(1)),
           "p50_ms": float(lat.group(1)) if lat else None, "cpu": cpu}
    say(f"pgbench -c 32 {label}: {res['rps']:,.0f} tps")
    return res, ""


def pgbench(a, entries, voters, tmp, conn):
    return run_pgbench(a, tmp, "vote.sql",
                       PGBENCH_SQL.format(lo=entries[0], hi=entries[1],
                                          vlo=voters[0], vhi=voters[1]),
                       a.app_dsn, "vote_cast on random entries",
                       lambda: max_vote_id(conn))


# The honest anchor (PERF.md, PostgreSQL): what this cluster commits when
# a vote is nothing but a durable insert into a table with a unique
# (entry, voter) key plus a counter update, in one statement.  Same
# cluster, same settings, same run; tables in a schema of their own,
# dropped afterwards.
ANCHOR_SETUP = """
DROP SCHEMA IF EXISTS bench_anchor CASCADE;
CREATE SCHEMA bench_anchor;
CREATE TABLE bench_anchor.entries (id integer PRIMARY KEY,
                                   vote_count bigint NOT NULL DEFAULT 0);
CREATE TABLE bench_anchor.votes (entry integer NOT NULL,
                                 voter integer NOT NULL,
                                 created_at timestamptz NOT NULL DEFAULT now(),
                                 UNIQUE (entry, voter));
INSERT INTO bench_anchor.entries (id) SELECT generate_series(1, 2000);
ANALYZE bench_anchor.entries;
"""

ANCHOR_SQL = """\\set e random(1, 2000)
\\set v random(1, 100000000)
WITH ins AS (INSERT INTO bench_anchor.votes (entry, voter) VALUES (:e, :v) ON CONFLICT DO NOTHING RETURNING entry) UPDATE bench_anchor.entries SET vote_count = vote_count + 1 WHERE id IN (SELECT entry FROM ins);
"""


def wal_pool(dsn, mb, timeout=300):
    """Gives the new cluster the recycled WAL segments a running one has.

    A new cluster creates each 16 MB WAL segment as it first needs it, and
    the commit that needs one waits for its creation and sync (~50-150 ms
    on this machine's disk), with every vote of its batch: that was most
    of the vote p99.  A cluster that has run through checkpoints renames
    old segments ahead instead (min_wal_size, scripts/netdep-ctl), as a
    contest's site has by its last evening.  So: mb of segments written
    and switched away (archived first, when the cluster archives), then a
    CHECKPOINT that recycles them.  Returns (segments ahead, None) or
    (None, why not)."""
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT setting::bigint * 1024 * 1024 / "
                        "pg_size_bytes(current_setting('wal_segment_size'))"
                        " FROM pg_settings WHERE name = 'min_wal_size'")
            keep = cur.fetchone()[0]
            last = None
            for _ in range(mb // 16):
                cur.execute("SELECT pg_logical_emit_message(false, "
                            "'bench', 'wal pool')")
                cur.execute("SELECT pg_walfile_name(pg_switch_wal())")
                last = cur.fetchone()[0]
            cur.execute("SHOW archive_mode")
            if last and cur.fetchone()[0] != "off":
                deadline = time.monotonic() + timeout
                while True:
                    cur.execute("SELECT coalesce(last_archived_wal, '') "
                                ">= %s FROM pg_stat_archiver", (last,))
                    if cur.fetchone()[0]:
                        break
                    if time.monotonic() > deadline:
                        return None, f"the archiver did not reach {last}"
                    time.sleep(0.2)
            cur.execute("CHECKPOINT")
            # The segments on disk past the one being written: the next
            # commits recycle them instead of creating new ones.
            cur.execute("SELECT count(*) FROM pg_ls_waldir() WHERE name ~ "
                        "'^[0-9A-F]{24}$' AND name > "
                        "pg_walfile_name(pg_current_wal_insert_lsn())")
            ahead = cur.fetchone()[0]
        say(f"WAL: {ahead} segments recycled ahead before the runs "
            f"(min_wal_size keeps {keep})")
        return ahead, None
    finally:
        conn.close()


def pgbench_anchor(a, tmp):
    """pgbench -c 32 on the plain durable insert + counter update."""
    conn = psycopg2.connect(a.dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(ANCHOR_SETUP)
    def count():
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM bench_anchor.votes")
            return cur.fetchone()[0]
    try:
        return run_pgbench(a, tmp, "anchor.sql", ANCHOR_SQL, a.dsn,
                           "plain durable insert + counter", count)
    finally:
        with conn.cursor() as cur:
            cur.execute("DROP SCHEMA bench_anchor CASCADE")
        conn.close()


WRK_LUA = r"""
local lines = {}
for l in io.lines(os.getenv("BV_VOTERS")) do lines[#lines + 1] = l end
local mode = os.getenv("BV_MODE")
local lo = tonumber(os.getenv("BV_LO"))
local hi = tonumber(os.getenv("BV_HI"))
local offset = tonumber(os.getenv("BV_OFFSET"))
local threads = 0
local counter = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  math.randomseed(os.time() * 1000 + tid * 7919)
end

function request()
  counter = counter + 1
  local i, e
  if mode == "hot" then
    -- Each voter once: thread tid takes voters tid, tid + 2, ...
    i = (offset + counter * 2 + tid) % #lines + 1
    e = lo
  else
    i = math.random(#lines)
    e = math.random(lo, hi)
  end
  local tok, csrf = lines[i]:match("(%S+) (%S+)")
  return wrk.format("POST", "/api/v1/entries/" .. e .. "/votes", {
    ["Cookie"] = "netdep_session=" .. tok,
    ["X-CSRF-Token"] = csrf,
    ["Idempotency-Key"] = string.format("wrk-%d-%d-%d-%s", tid, counter,
                                        math.random(1000000000), mode),
    ["Content-Length"] = "0"}, "")
end
"""


def voters_used(res):
    """How far a one-entry run reached into the voters: thread t of wrk's
    two takes voters t, t + 2, ... from its offset (WRK_LUA), so about as
    many as the requests it sent; a margin for uneven threads."""
    return (res["requests"] if res else 0) * 11 // 10 + 1000


def wrk_votes(a, mode, entries, nvoters, offset, tmp, conn, warmup=None):
    """One wrk run of a.duration seconds in `mode` ("random": random voters
    on random entries; "hot": every vote on the first entry, voters taken
    in order from `offset`, each once), after `warmup` seconds of the same
    load that are not counted (a.warmup when None).  A one-entry warm-up
    takes voters of its own, from `offset`, and the run the ones after
    them; res["next_offset"] is the first voter neither used."""
    lua = os.path.join(tmp, "votes.lua")
    with open(lua, "w") as f:
        f.write(WRK_LUA)
    env = dict(os.environ, BV_VOTERS=a.voter_file, BV_MODE=mode,
               BV_LO=str(entries[0]), BV_HI=str(entries[1]),
               BV_OFFSET=str(offset))
    cmd = ["wrk", "-t2", "-c32", "--latency", "--timeout", "5s", "-s", lua,
           a.url + "/api/v1/health"]
    warmup = a.warmup if warmup is None else warmup
    if warmup > 0:
        # Warms the workers' plans and the buffers; its votes are not
        # counted.
        w = subprocess.run([*cmd, f"-d{warmup}s"], capture_output=True,
                           text=True, env=env)
        if mode == "hot":
            offset += voters_used(parse_wrk(w.stdout))
            env["BV_OFFSET"] = str(offset)
    before = max_vote_id(conn)
    run = subprocess.Popen([*cmd, f"-d{a.duration}s"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, env=env)
    cpu = a.meter.cost(run, lambda: max_vote_id(conn), a.duration)
    out, err = run.communicate()
    res = parse_wrk(out)
    if run.returncode != 0 or res is None:
        return None, f"wrk failed: {(err or out).strip()[:300]}"
    accepted = count_rows_since(conn, before)
    res["accepted"] = accepted
    res["cpu"] = cpu
    res["vps"] = accepted / a.duration
    res["next_offset"] = offset + voters_used(res)
    problems = []
    if res["socket_errors"]:
        problems.append(f"{res['socket_errors']} socket errors")
    if res["requests"] and accepted < res["requests"] * 0.98:
        problems.append(f"only {accepted} of {res['requests']} answered 201")
    say(f"HTTP votes ({mode}): {res['rps']:,.0f} req/s, {accepted} "
        f"accepted ({res['vps']:,.0f} votes/s), p50 {res['p50_ms']:.2f} ms, "
        f"p99 {res['p99_ms']:.2f} ms"
        + (f" ({', '.join(problems)})" if problems else ""))
    return res, "; ".join(problems)


def combined(runs):
    """The runs of one mode as one: votes/s over their whole time, CPU per
    vote weighted by votes, p50 the median of the runs', p99 the worst
    run's (an upper bound of the p99 of all their votes)."""
    runs = [r for r in runs if r]
    if not runs:
        return None
    acc = sum(r["accepted"] for r in runs)
    res = {"accepted": acc, "rounds": len(runs),
           "requests": sum(r["requests"] for r in runs),
           "vps": sum(r["vps"] for r in runs) / len(runs),
           "rps": sum(r["rps"] for r in runs) / len(runs),
           "p50_ms": statistics.median(r["p50_ms"] for r in runs),
           "p99_ms": max(r["p99_ms"] for r in runs),
           "cpu": None}
    if acc and all(r.get("cpu") for r in runs):
        parts = runs[0]["cpu"].keys()
        res["cpu"] = {k: sum(r["cpu"][k] * r["accepted"] for r in runs) / acc
                      for k in parts}
    return res


def vote_rounds(a, entries, conn, tmp):
    """Random and one-entry runs, alternated a.rounds times.  The ratio of
    two loads measured one after the other on a shared machine moves with
    whatever the machine did in between (autovacuum after the first run,
    another tenant); alternated, each load gets its share of every phase.
    Every run has a warm-up (a one-entry warm-up on voters of its own: a
    voter votes for that entry once)."""
    rnd, hot, rerr, herr = [], [], [], []
    cursor = 0
    for _ in range(a.rounds):
        res, err = wrk_votes(a, "random", entries, a.voters, 0, tmp, conn)
        rnd.append(res)
        rerr.append(err)
        res, err = wrk_votes(a, "hot", entries, a.voters, cursor, tmp, conn)
        hot.append(res)
        herr.append(err)
        if res:
            cursor = res["next_offset"]
    if cursor > a.voters:
        herr.append(f"the one-entry runs needed {cursor} voters of "
                    f"{a.voters}: some voted twice (raise --voters)")
    rnd, hot = combined(rnd), combined(hot)
    for res, mode in ((rnd, "random"), (hot, "one entry")):
        if res:
            say(f"HTTP votes ({mode}, {res['rounds']} runs): "
                f"{res['vps']:,.0f} votes/s, p50 {res['p50_ms']:.2f} ms, "
                f"p99 {res['p99_ms']:.2f} ms (the worse run's)")
    return (rnd, hot, "; ".join(e for e in rerr if e),
            "; ".join(e for e in herr if e))


def check_counts(conn, slug, timeout=120):
    deadline = time.monotonic() + timeout
    with conn.cursor() as cur:
        while True:
            cur.execute("SELECT count(*) FROM netdep.vote_changes")
            if cur.fetchone()[0] == 0:
                break
            conn.commit()
            if time.monotonic() > deadline:
                return "the folder did not drain the queue"
            time.sleep(0.1)
        # One pass over the contest's votes (not a count per entry: at
        # 50,000,000 votes that is a million index scans).
        cur.execute(
            "WITH c AS (SELECT id FROM netdep.contests WHERE slug = %s), "
            "n AS (SELECT v.entry_id, count(*) AS n FROM netdep.votes v, c "
            "WHERE v.contest_id = c.id AND v.voided_at IS NULL GROUP BY 1) "
            "SELECT count(*) FROM netdep.entry_stats s JOIN c ON "
            "s.contest_id = c.id LEFT JOIN n ON n.entry_id = s.entry_id "
            "WHERE s.votes <> coalesce(n.n, 0)", (slug,))
        bad = cur.fetchone()[0]
    conn.commit()
    return f"{bad} entries whose count differs from their rows" if bad \
        else ""


def hello_rate(rows):
    """This run's FastCGI hello world with as many processes as netdep has
    workers (bench_http.py's anchor of the uncached leaderboard row)."""
    try:
        with open(rows) as f:
            for line in f:
                r = json.loads(line)
                if r.get("key") == "http.leaderboard.uncached" and r.get("anchor"):
                    return r["anchor"], "FastCGI hello world (as many processes as workers)"
    except OSError:
        pass
    return None, "FastCGI hello world"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--dsn", required=True, help="owner role conninfo")
    ap.add_argument("--app-dsn", required=True, help="netdep_app conninfo")
    ap.add_argument("--pgbench", default="/usr/lib/postgresql/15/bin/pgbench")
    ap.add_argument("--entries", type=int, default=2000)
    ap.add_argument("--voters", type=int, default=150000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2,
                    help="random and one-entry runs, alternated")
    ap.add_argument("--wal-pool-mb", type=int, default=1024,
                    help="WAL segments recycled ahead first (0: none)")
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--prefix", default="votes")
    ap.add_argument("--slug", default=SLUG)
    ap.add_argument("--stack", default=None,
                    help="the stack's directory: CPU per vote by part")
    a = ap.parse_args()
    a.meter = CpuMeter(a.stack)
    globals()["SLUG"] = a.slug
    tmp = a.tmp or tempfile.mkdtemp(prefix="bench-votes-")
    conn, entries, voters = load(a.dsn, a.entries, a.voters)
    a.voter_file = write_voter_file(tmp, voters)
    pool, pool_err = wal_pool(a.dsn, a.wal_pool_mb) if a.wal_pool_mb \
        else (0, None)
    if pool_err:
        say(f"WAL pool: {pool_err}")
    with conn.cursor() as cur:
        cur.execute("SELECT pg_current_wal_insert_lsn()")
        wal_at = cur.fetchone()[0]
    conn.commit()

    anc, anc_err = pgbench_anchor(a, tmp)
    pg, pg_err = pgbench(a, entries, voters, tmp, conn)
    rnd, hot, rnd_err, hot_err = vote_rounds(a, entries, conn, tmp)
    settled = check_counts(conn, a.slug)
    with conn.cursor() as cur:
        cur.execute("SELECT pg_current_wal_insert_lsn() - %s::pg_lsn, "
                    "pg_size_bytes(current_setting('wal_segment_size'))",
                    (wal_at,))
        wal_bytes, seg = cur.fetchone()
    conn.commit()
    used = int(wal_bytes) // seg + 1
    wal_note = (f"WAL: the anchors and the runs wrote "
                f"{int(wal_bytes) >> 20} MB, {used} segments: " + (
                    f"{used - (pool or 0)} of them new (created at a commit)"
                    if used > (pool or 0) else "all recycled"))
    say(wal_note)
    say(f"contest {a.slug}: " + (settled or "every folded count equals "
                                 "count(*) of its rows"))
    p = a.prefix

    def shown(res, key="vps"):
        return (f"{res[key]:,.0f} votes/s · p50 {res['p50_ms']:.2f} ms · "
                f"p99 {res['p99_ms']:.2f} ms") if res else None

    hello, hello_what = hello_rate(a.rows)
    add_row(a.rows, f"{p}.http.random",
            "votes through nginx, 32 voters, random entries vs pgbench "
            "plain durable insert + counter -c 32 (PERF.md's anchor)",
            rnd and rnd["vps"], anc and anc["rps"], unit="votes/s", op=">=",
            goal=0.30,
            netdep_text=shown(rnd),
            anchor_text=anc and f"{anc['rps']:,.0f} tps",
            note="; ".join(x for x in (rnd_err, anc_err) if x))
    add_row(a.rows, f"{p}.http.hello",
            f"votes through nginx, random entries vs {hello_what}",
            rnd and rnd["vps"], hello, unit="votes/s", op=">=", goal=0.40,
            netdep_text=shown(rnd),
            anchor_text=hello and f"{hello:,.0f} req/s",
            na=None if hello else "no FastCGI hello-world row in this run",
            note=rnd_err)
    add_row(a.rows, f"{p}.http.p99",
            f"votes through nginx, random entries: p99 latency (the worse "
            f"of {a.rounds} runs)",
            rnd and rnd["p99_ms"], None, unit="ms", op="<=", goal=50,
            absolute=True, netdep_text=rnd and f"{rnd['p99_ms']:.2f} ms",
            note="; ".join(x for x in (wal_note, pool_err) if x))
    add_row(a.rows, f"{p}.http.vote_cast",
            "votes through nginx vs pgbench running netdep's own vote_cast "
            "-c 32 (information: the HTTP layer's share)",
            rnd and rnd["vps"], pg and pg["rps"], unit="votes/s",
            netdep_text=shown(rnd),
            anchor_text=pg and f"{pg['rps']:,.0f} tps",
            note=pg_err)
    add_row(a.rows, f"{p}.http.one_entry",
            "votes through nginx, 32 voters, all on ONE entry vs random "
            f"entries ({a.rounds} runs of each, alternated)",
            hot and hot["vps"], rnd and rnd["vps"],
            unit="votes/s", op=">=", goal=0.95, netdep_text=shown(hot), anchor_text=shown(rnd),
            note=hot_err)
    def cpu_text(res):
        c = res and res.get("cpu")
        if not c:
            return None
        return (f"{sum(c.values()):.3f} ms (" + ", ".join(
            f"{k} {v:.3f}" for k, v in c.items()) + ")")

    for res, what in ((rnd, "HTTP random"), (pg, "pgbench vote_cast"),
                      (anc, "anchor")):
        if cpu_text(res):
            say(f"CPU per vote, {what}: {cpu_text(res)}")
    if cpu_text(rnd) and cpu_text(anc):
        add_row(a.rows, f"{p}.cpu_per_vote",
                "CPU ms per committed vote, HTTP random (all parts) vs the "
                "anchor (PostgreSQL + pgbench) (information: the profile)",
                sum(rnd["cpu"].values()), sum(anc["cpu"].values()),
                unit="ms", netdep_text=cpu_text(rnd),
                anchor_text=cpu_text(anc),
                note="pgbench vote_cast: " + (cpu_text(pg) or "n/a"))
    add_row(a.rows, f"{p}.counts_exact",
            "after the runs: every folded count equals count(*) of its rows",
            0 if not settled else 1, None, unit="wrong", op="<=", goal=0,
            absolute=True, note=settled or "",
            netdep_text="exact" if not settled else settled)
    conn.close()


if __name__ == "__main__":
    main()
