#!/usr/bin/python3
"""bench_scale.py: `make bench-scale` (PERF.md, "Scale"), not part of make
test.  Against a stack bench_scale.sh started:
  1. measures on a small contest: votes (bench_votes.py, random and one
     entry), the leaderboard and a gallery page (wrk, uncached: a session
     cookie bypasses nginx's cache, and the stack runs with the workers'
     board cache off, so every board is a query);
  2. loads a contest "big" with SCALE_ENTRIES entries and SCALE_VOTES
     votes with generated SQL (generate_series, triggers off as the owner,
     then the rows queued and folded by vote_fold(), the folder's own
     function);
  3. measures the same on "big" and reports each growth factor (p50 on
     big / p50 on small; goals: boards and gallery <= 2x, votes <= 1.5x).
"""

import argparse
import os
import subprocess
import sys
import time

import psycopg2

import bench_votes
from bench_report import add_row
from bench_http import parse_wrk


def say(msg):
    print(f"bench_scale: {msg}", flush=True)


# The load runs as the owner in one transaction with triggers off
# (session_replication_role = replica: no per-row queue, no FK checks);
# the counts are then folded by vote_fold() itself (FOLDED_SQL).  Votes
# go in with their indexes dropped and rebuilt after (a sort per index
# instead of 50,000,000 random inserts into eight btrees), as an operator
# restoring a dump would.
SETUP_SQL = """
SET search_path = netdep;
SET session_replication_role = replica;
INSERT INTO contests (slug, title, votes_per_day, vote_rule, min_short_side,
                      max_entries)
VALUES ('big', 'Scale contest', 1000, 'daily', 1, 100);
-- Owners get Vietnamese names (10 family x 6 middle x 12 given names), so
-- a common name such as "Nguyễn Thị Hà" has about 1,400 entries: the
-- search row measures a crowded query, not a unique one.
INSERT INTO accounts (username, display_name, password_hash, unit)
SELECT 'big_owner' || i,
       (ARRAY['Nguyễn','Trần','Lê','Phạm','Hoàng','Huỳnh','Phan','Vũ','Võ',
              'Đặng'])[1 + i %% 10] || ' ' ||
       (ARRAY['Thị','Văn','Minh','Thu','Hoàng','Ngọc'])[1 + (i / 10) %% 6]
       || ' ' ||
       (ARRAY['Hà','An','Bình','Đức','Hoà','Lan','Hùng','Mai','Nam','Trang',
              'Dũng','Tuấn'])[1 + (i / 60) %% 12],
       '$argon2id$bench-no-login',
       'Chi đoàn ' || (i %% 300)
  FROM generate_series(1, (%(entries)s + 99) / 100) i;
-- Triggers are off: the number, the folded search text and the author's
-- name key (what sql/functions/075_search.sql's trigger gives each entry)
-- are written here, the trigram and name indexes rebuilt once after the
-- load.
DROP INDEX entries_search_idx;
DROP INDEX entries_author_key_idx;
INSERT INTO entries (contest_id, account_id, title, status, slot, unit,
                     created_at, number)
SELECT c.id, a.id, 'Ảnh ' || a.id || '-' || s, 'approved', s, a.unit,
       now() - interval '40 days' + s * interval '1 second',
       row_number() OVER (ORDER BY s, a.id)
  FROM contests c, accounts a, generate_series(1, 100) s
 WHERE c.slug = 'big' AND a.username LIKE 'big\\_owner%%'
 LIMIT %(entries)s;
UPDATE entries e
   SET search_fold = entry_search_fold(e.number, e.title, e.unit,
                                       e.account_id),
       author_key = author_key(e.account_id)
  FROM contests c WHERE c.id = e.contest_id AND c.slug = 'big';
UPDATE contests c SET entry_seq = (SELECT max(number) FROM entries x
                                    WHERE x.contest_id = c.id)
 WHERE c.slug = 'big';
CREATE INDEX entries_search_idx ON entries
    USING gin (search_fold ext.gin_trgm_ops) WHERE status = 'approved';
CREATE INDEX entries_author_key_idx ON entries
    (contest_id, author_key COLLATE "C")
    WHERE status = 'approved' AND author_key <> '';
INSERT INTO media (entry_id, token, original_type, original_bytes, width,
                   height, thumb_width, thumb_height, display_width,
                   display_height, sha256)
SELECT e.id, md5('big' || e.id), 'image/jpeg', 1000, 400, 300, 400, 300,
       400, 300, sha256(e.id::text::bytea)
  FROM entries e JOIN contests c ON c.id = e.contest_id WHERE c.slug = 'big';
INSERT INTO accounts (username, display_name, password_hash, unit,
                      created_at)
SELECT 'big_voter' || i, 'Voter ' || i, '$argon2id$bench-no-login',
       'Chi đoàn ' || (i %% 300), now() - interval '60 days'
  FROM generate_series(1, %(voters)s) i;
"""

# Every index of votes, with what rebuilds it: constraints by ALTER TABLE
# (vote_cast() names the unique one), the others by their definition.
VOTE_INDEXES_SQL = """
SELECT i.indexrelid::regclass::text, con.conname,
       CASE WHEN con.conname IS NULL THEN pg_get_indexdef(i.indexrelid)
            ELSE 'ALTER TABLE netdep.votes ADD CONSTRAINT '
                 || quote_ident(con.conname) || ' '
                 || pg_get_constraintdef(con.oid) END
  FROM pg_index i
  LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid
       AND con.conrelid = i.indrelid
 WHERE i.indrelid = 'netdep.votes'::regclass
"""

# Vote k of voter v goes to entry (v * 7919 + k * 104729) mod E: distinct
# entries per voter (104729 is prime, k < E), a spread of counts, 30 days.
# In bigint: at 25,000 votes a voter, k * 104729 passes 2^31.
VOTES_SQL = """
SET search_path = netdep;
WITH c AS (SELECT id FROM contests WHERE slug = 'big'),
     e AS (SELECT min(id) AS lo FROM entries WHERE contest_id = (SELECT id
           FROM c)),
     v AS (SELECT min(id) AS lo FROM accounts WHERE username LIKE
           'big\\_voter%%')
INSERT INTO votes (contest_id, entry_id, voter_id, period, vote_day,
                   created_at, ip, ip_prefix, ua_hash, account_age)
SELECT c.id, e.lo + ((vv * 7919 + k * 104729) %% %(entries)s), v.lo + vv,
       d, d, d + interval '12 hours', '10.0.0.1', '10.0.0.0/24', NULL,
       interval '30 days'
  FROM c, e, v, generate_series(0::bigint, %(voters)s - 1) vv,
       generate_series(0::bigint, %(per_voter)s - 1) k,
       LATERAL (SELECT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                       - ((k + vv) %% 30)::int AS d) dd
 WHERE vv * %(per_voter)s + k < %(votes)s;
"""

# The folded tables come from the folder's own vote_fold(), not from a
# second copy of its arithmetic: entry_stats gets its row per entry (what
# the entries trigger does), the queues get what the rows say (as
# migrations 003 and 008 fill them for existing data), and one fold in
# the load's transaction moves it all into the counts.
FOLDED_SQL = """
SET search_path = netdep;
INSERT INTO entry_stats (entry_id, contest_id, approved, category_id, unit,
                         unit_id, account_id)
SELECT e.id, e.contest_id, e.status = 'approved', e.category_id, e.unit,
       e.unit_id, e.account_id
  FROM entries e JOIN contests c ON c.id = e.contest_id WHERE c.slug = 'big';
INSERT INTO vote_changes (entry_id, voter_id, vote_day, delta)
SELECT v.entry_id, v.voter_id, v.vote_day, count(*) FROM votes v
  JOIN contests c ON c.id = v.contest_id
 WHERE c.slug = 'big' AND v.voided_at IS NULL GROUP BY 1, 2, 3;
INSERT INTO unit_entry_changes (contest_id, level, name, account_id, delta)
SELECT s.contest_id, k.level, k.name, s.account_id, count(*)
  FROM entry_stats s JOIN contests c ON c.id = s.contest_id,
       LATERAL unit_keys(s.unit_id, s.unit) k
 WHERE c.slug = 'big' AND s.approved GROUP BY 1, 2, 3, 4;
SET session_replication_role = origin;
"""


def load_big(conn, params):
    """SETUP_SQL, then the votes with their indexes dropped and rebuilt,
    then FOLDED_SQL: one transaction, so a failed load leaves nothing."""
    conn.autocommit = False
    with conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '2GB'")
        cur.execute("SET work_mem = '1GB'")
        cur.execute("SET max_parallel_maintenance_workers = 2")
        t = time.monotonic()
        cur.execute(SETUP_SQL, params)
        say(f"entries, media and voters in {time.monotonic() - t:.0f} s")
        cur.execute(VOTE_INDEXES_SQL)
        indexes = cur.fetchall()
        for name, con, _ in indexes:
            cur.execute(f"ALTER TABLE netdep.votes DROP CONSTRAINT {con}"
                        if con else f"DROP INDEX {name}")
        t = time.monotonic()
        cur.execute(VOTES_SQL, params)
        say(f"{cur.rowcount:,} votes in {time.monotonic() - t:.0f} s")
        t = time.monotonic()
        for _, _, make in indexes:
            cur.execute(make)
        say(f"{len(indexes)} indexes of votes rebuilt in "
            f"{time.monotonic() - t:.0f} s")
        t = time.monotonic()
        cur.execute(FOLDED_SQL)
        # The folder process may hold the fold's lock for a moment.
        for _ in range(100):
            cur.execute("SELECT netdep.vote_fold()")
            if cur.fetchone()[0] >= 0:
                break
            time.sleep(0.1)
        else:
            raise SystemExit("bench_scale: vote_fold() never got its lock")
        say(f"queued and folded by vote_fold() in "
            f"{time.monotonic() - t:.0f} s")
    conn.commit()
    conn.autocommit = True


def wrk(url, duration):
    r = subprocess.run(["wrk", "-t2", "-c32", "--latency", "--timeout", "10s",
                        "-H", "Cookie: netdep_session=bench-no-cache",
                        f"-d{duration}s", url], capture_output=True,
                       text=True)
    res = parse_wrk(r.stdout)
    if res and (res["requests"] == 0 or res["non2xx"] or
                res["socket_errors"]):
        # Timeouts or errors are no measurement (and no pass).
        say(f"{url}: {res['requests']} answers, {res['non2xx']} not 2xx, "
            f"{res['socket_errors']} socket errors or timeouts")
        return None
    if res:
        say(f"{url}: {res['rps']:,.0f} req/s, p50 {res['p50_ms']:.2f} ms, "
            f"p99 {res['p99_ms']:.2f} ms")
    return res


def measure(a, slug, rows_file, tmp):
    """Votes (bench_votes on the contest), then reads."""
    out = {}
    sys.argv = ["bench_votes", "--rows", rows_file, "--url", a.url, "--dsn",
                a.dsn, "--app-dsn", a.app_dsn, "--duration",
                str(a.duration), "--tmp", tmp, "--slug", slug,
                "--prefix", f"scale.{slug}.votes"]
    bench_votes.main()
    with open(rows_file) as f:
        import json
        vrows = [json.loads(line) for line in f]
    for r in vrows:
        if r["key"] == f"scale.{slug}.votes.http.random":
            out["vote"] = r
    base = f"{a.url}/api/v1/contests/{slug}"
    out["leaderboard"] = wrk(base + "/leaderboard?limit=20", a.duration)
    out["today"] = wrk(base + "/leaderboard?limit=20&period=today",
                       a.duration)
    out["gallery"] = wrk(base + "/entries?limit=24", a.duration)
    out["gallery_votes"] = wrk(base + "/entries?sort=votes&limit=24",
                               a.duration)
    # The page asks for 20; the same size on both contests (the small one
    # has 20 units, the big one 300).
    out["units"] = wrk(base + "/leaderboard/units?limit=20", a.duration)
    # Search (issue 15): a crowded name typed without diacritics, and a
    # number, as a voter told "photo number 4242" types it.
    out["search"] = wrk(base + "/entries?q=nguyen+thi+ha&limit=20",
                        a.duration)
    out["search_number"] = wrk(base + "/entries?q=4242&limit=20", a.duration)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--dsn", required=True)
    ap.add_argument("--app-dsn", required=True)
    ap.add_argument("--entries", type=int, default=1000000)
    ap.add_argument("--votes", type=int, default=50000000)
    ap.add_argument("--voters", type=int, default=2000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--measure-only", action="store_true",
                    help="both contests are loaded (a kept stack): measure "
                         "again, e.g. after a change of the server")
    a = ap.parse_args()

    small = measure(a, "benchv", os.path.join(a.tmp, "small.jsonl"), a.tmp)
    t0 = time.monotonic()
    conn = psycopg2.connect(a.dsn)
    conn.autocommit = True
    per_voter = (a.votes + a.voters - 1) // a.voters
    if per_voter > a.entries:
        sys.exit("bench_scale: more votes per voter than entries; raise "
                 "--voters")
    with conn.cursor() as cur:
        if not a.measure_only:
            load_big(conn, {"entries": a.entries, "votes": a.votes,
                            "voters": a.voters, "per_voter": per_voter})
            t = time.monotonic()
            cur.execute("VACUUM ANALYZE")
            say(f"VACUUM ANALYZE in {time.monotonic() - t:.0f} s")
        cur.execute("SELECT count(*) FROM netdep.entries e JOIN "
                    "netdep.contests c ON c.id = e.contest_id WHERE "
                    "c.slug = 'big'")
        a.entries = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM netdep.votes")
        nvotes = cur.fetchone()[0]
    load_s = time.monotonic() - t0
    say(f"{'found' if a.measure_only else 'loaded'} {a.entries} entries "
        f"and {nvotes} votes in {load_s:.0f} s")
    big = measure(a, "big", os.path.join(a.tmp, "big.jsonl"), a.tmp)

    for key, goal in (("leaderboard", 2.0), ("today", 2.0),
                      ("gallery", 2.0), ("gallery_votes", 2.0),
                      ("units", 2.0)):
        s, b = small.get(key), big.get(key)
        add_row(a.rows, f"scale.{key}",
                f"{key}: p50 with {a.entries:,} entries / {nvotes:,} votes "
                f"vs a small contest", b and b["p50_ms"],
                s and s["p50_ms"], unit="ms", op="<=", goal=goal,
                netdep_text=b and f"{b['rps']:,.0f} req/s · p50 "
                f"{b['p50_ms']:.2f} ms · p99 {b['p99_ms']:.2f} ms",
                anchor_text=s and f"{s['rps']:,.0f} req/s · p50 "
                f"{s['p50_ms']:.2f} ms · p99 {s['p99_ms']:.2f} ms")
    for key in ("search", "search_number"):
        lb, sr = big.get("leaderboard"), big.get(key)
        add_row(a.rows, f"scale.{key}",
                f"{key.replace('_', ' by ')}: requests/s with "
                f"{a.entries:,} entries vs the uncached leaderboard",
                sr and sr["rps"], lb and lb["rps"], unit="req/s",
                op=">=", goal=0.5,
                netdep_text=sr and f"{sr['rps']:,.0f} req/s · p50 "
                f"{sr['p50_ms']:.2f} ms · p99 {sr['p99_ms']:.2f} ms",
                anchor_text=lb and f"{lb['rps']:,.0f} req/s · p50 "
                f"{lb['p50_ms']:.2f} ms")
    sv, bv = small.get("vote"), big.get("vote")
    add_row(a.rows, "scale.vote",
            f"vote (random entries): votes/s with {nvotes:,} votes loaded "
            "vs a small contest (growth of time = 1 / ratio)",
            bv and bv["netdep"], sv and sv["netdep"], unit="votes/s",
            op=">=", goal=1 / 1.5, netdep_text=bv and bv["netdep_text"],
            anchor_text=sv and sv["netdep_text"],
            note=f"load took {load_s:.0f} s")


if __name__ == "__main__":
    main()
