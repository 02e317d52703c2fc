#!/usr/bin/python3
"""bench_ledger.py: what the vote ledger (issue 16) costs the vote path,
measured through nginx as `make bench` measures votes.

Against a stack that scripts/bench.sh started (section "ledger", `make
bench-ledger`), on the bench_votes.py contest and voters:
  1. runs wrk -t2 -c32 POSTing votes on random entries with the functions
     as shipped ("ledger": every vote carries its chain link, hashed in
     the batch, under its chain's lock);
  2. replaces vote_cast_many() and the insert trigger in this throwaway
     database by the same text without the ledger ("none": no chain lock,
     no read of its chain's last link, no SHA-256, no link columns, so no entry in the
     ledger's partial index), derived from sql/functions/030_votes.sql by
     replacements that must each match exactly once (a changed function
     fails the bench, not the comparison);
  3. alternates the two --rounds times (ledger, none, ledger, none, ...),
     after a round of both that warms and is not counted, and puts back
     the shipped functions;
  4. reports the median votes/s of each and their ratio, and the CPU per
     vote of PostgreSQL and of the whole stack (CpuMeter), which other jobs
     on a shared machine change less than a rate;
  5. then measures vote_cast_many() alone, batches of 8 and of
     32 random votes on one connection, with and without: PostgreSQL's CPU
     per vote, the steadiest figure of the ledger's own cost.
The votes cast without the ledger are not in its chains: the database is
the bench's own and is thrown away.  Rows: ledger.http (votes/s with
the ledger vs without it, goal: the ledger costs at most 10%, i.e. with >=
0.90x without); information: ledger.cpu_pg and ledger.cpu_all (CPU per
vote through nginx), ledger.batch8/32 (the function alone) and
ledger.share8/32 (what the ledger adds to a vote, against the CPU of a
vote through nginx).
"""

import argparse
import os
import random
import re
import statistics
import sys
import tempfile

import psycopg2

import bench_votes as bv
from bench_report import add_row


def say(msg):
    print(f"bench_ledger: {msg}", flush=True)


def block(text, name):
    """The CREATE FUNCTION statement of `name` in a functions file."""
    m = re.search(r"^CREATE FUNCTION " + re.escape(name) + r"\(.*?^\$\$;$",
                  text, re.S | re.M)
    if not m:
        sys.exit(f"bench_ledger: no function {name} in 030_votes.sql")
    return "CREATE OR REPLACE" + m.group(0)[len("CREATE"):]


# (function, pattern, replacement): each must match exactly once.
WITHOUT = (
    ("vote_cast_many",
     r"IF ch IS NULL THEN\s+ch := ledger_take_chain\(\);.*?END IF;", ""),
    ("vote_cast_many", r"sha256\(phash \|\| ledger_bytes_of\(.*?\)\);",
     "NULL;"),
    ("vote_cast_many", r"w\.age, ch, w\.seq, w\.hash\n",
     "w.age, NULL, NULL, NULL\n"),
    ("votes_log_insert",
     r"WHERE n\.ledger_seq IS NULL OR n\.voided_at IS NOT NULL;",
     "WHERE n.voided_at IS NOT NULL;"),
)


def definitions(top):
    with open(os.path.join(top, "sql/functions/030_votes.sql")) as f:
        text = f.read()
    shipped = {n: block(text, n) for n in ("vote_cast_many",
                                           "votes_log_insert")}
    bare = dict(shipped)
    for name, pat, rep in WITHOUT:
        new, k = re.subn(pat, lambda _m, r=rep: r, bare[name], flags=re.S)
        if k != 1:
            sys.exit(f"bench_ledger: {name}: /{pat}/ matched {k} times, "
                     "not once: update WITHOUT to the function's new text")
        bare[name] = new
    return shipped, bare


def installed(dsn, defs):
    """A connection (autocommit, search_path netdep) that has loaded the
    definitions defs."""
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SET search_path = netdep, pg_catalog")
        for sql in defs.values():
            cur.execute(sql)
    return conn


def install(dsn, defs):
    installed(dsn, defs).close()


CAST_SQL = ("SELECT count(*) FILTER (WHERE outcome = 'counted') FROM "
            "netdep.vote_cast_many(now(), %s::bigint[], "
            "%s::bigint[], %s::inet[], %s::bytea[], %s::text[], "
            "%s::bytea[], %s::timestamptz[], %s::boolean[])")


def batch_cost(dsn, defs, entries, voters, n, calls):
    """PostgreSQL CPU ms per counted vote of vote_cast_many() alone on
    batches of n random votes, each call its own transaction on one
    connection: the backend's CPU time from /proc, a figure other jobs
    barely change (the HTTP rates of the same comparison spread by 15% run
    to run).  Fresh random pairs every call (a pair seen before would be
    a cheap refusal, not a vote); fails unless 99% were counted."""
    rng = random.Random()
    counted = 0
    conn = installed(dsn, defs)
    with conn.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]

        def cpu():
            return bv.proc_stat(pid)[1] / os.sysconf("SC_CLK_TCK")

        def call():
            nonlocal counted
            cur.execute(CAST_SQL, (
                rng.sample(range(voters[0], voters[1] + 1), n),
                [rng.randint(entries[0], entries[1]) for _ in range(n)],
                ["127.0.0.1"] * n, [None] * n,
                [f"bl-{rng.getrandbits(60)}" for _ in range(n)],
                [None] * n, [None] * n, [False] * n))
            counted += cur.fetchone()[0]

        for _ in range(20):  # plans cached, pages read
            call()
        c0, k0 = cpu(), counted
        for _ in range(calls):
            call()
        k = counted - k0
        if k < 0.99 * calls * n:
            sys.exit(f"bench_ledger: only {k} of {calls * n} votes of "
                     "the batches were counted")
        res = (cpu() - c0) * 1000 / k
    conn.close()
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--dsn", required=True, help="owner role conninfo")
    ap.add_argument("--top", required=True)
    ap.add_argument("--stack", required=True)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--entries", type=int, default=2000)
    ap.add_argument("--voters", type=int, default=150000)
    ap.add_argument("--tmp", default=None)
    a = ap.parse_args()
    a.meter = bv.CpuMeter(a.stack)
    shipped, bare = definitions(a.top)
    tmp = a.tmp or tempfile.mkdtemp(prefix="bench-ledger-")
    conn, entries, voters = bv.load(a.dsn, a.entries, a.voters)
    a.voter_file = bv.write_voter_file(tmp, voters)

    runs = {"ledger": [], "none": []}
    fn = {(m, n): [] for m in runs for n in (8, 32)}
    errors = []
    try:
        # Round 0 warms both (buffers, the workers' and the writer's
        # plans) and is not counted.
        for r in range(a.rounds + 1):
            for mode, defs in (("ledger", shipped), ("none", bare)):
                install(a.dsn, defs)
                # Each run starts just after a checkpoint, so that none
                # pays more full-page images than the other.
                with conn.cursor() as cur:
                    cur.execute("CHECKPOINT")
                conn.commit()
                say(f"round {r}/{a.rounds}: {mode}"
                    + (" (warm-up, not counted)" if r == 0 else ""))
                res, err = bv.wrk_votes(a, "random", entries, a.voters, 0,
                                        tmp, conn)
                if r == 0:
                    continue
                if err:
                    errors.append(f"{mode}: {err}")
                if res:
                    runs[mode].append(res)
        # The function alone, after the HTTP runs: on a stack just
        # loaded its first measurements spread 3x (the new rows' first
        # reads and autovacuum), later ones by some 10%.
        for r in range(3):
            for n in (8, 32):
                for mode, defs in (("ledger", shipped), ("none", bare)):
                    fn[mode, n].append(batch_cost(
                        a.dsn, defs, entries, voters, n, 6400 // n))
        for n in (8, 32):
            say(f"vote_cast_many, batches of {n}: PostgreSQL CPU ms per "
                "vote " + "; ".join(
                    f"{m} " + ", ".join(f"{x:.4f}" for x in fn[m, n])
                    for m in runs))
    finally:
        install(a.dsn, shipped)
    settled = bv.check_counts(conn, bv.SLUG)
    conn.close()

    def med(mode, f):
        xs = [f(x) for x in runs[mode] if f(x) is not None]
        return statistics.median(xs) if xs else None

    def pg_cpu(x):
        return x["cpu"] and x["cpu"].get("postgres")

    def all_cpu(x):
        return x["cpu"] and sum(x["cpu"].values())

    rate = {m: med(m, lambda x: x["vps"]) for m in runs}
    pg = {m: med(m, pg_cpu) for m in runs}
    cpu = {m: med(m, all_cpu) for m in runs}
    for m in runs:
        say(f"{m}: " + ", ".join(f"{x['vps']:,.0f}" for x in runs[m])
            + " votes/s; PostgreSQL " + ", ".join(
                f"{pg_cpu(x):.3f}" if pg_cpu(x) else "n/a" for x in runs[m])
            + " ms CPU per vote")
    note = "; ".join(errors + ([settled] if settled else []))
    add_row(a.rows, "ledger.http",
            f"votes through nginx with the ledger vs without it (median of "
            f"{a.rounds} interleaved {a.duration} s runs each)",
            rate["ledger"], rate["none"], unit="votes/s", op=">=", goal=0.90,
            netdep_text=rate["ledger"] and f"{rate['ledger']:,.0f} votes/s",
            anchor_text=rate["none"] and f"{rate['none']:,.0f} votes/s",
            note=note)
    add_row(a.rows, "ledger.cpu_pg",
            "PostgreSQL CPU ms per vote with the ledger vs without "
            "(information)", pg["ledger"], pg["none"], unit="ms",
            netdep_text=pg["ledger"] and f"{pg['ledger']:.3f} ms",
            anchor_text=pg["none"] and f"{pg['none']:.3f} ms")
    add_row(a.rows, "ledger.cpu_all",
            "CPU ms per vote, all parts, with the ledger vs without "
            "(information)", cpu["ledger"], cpu["none"], unit="ms",
            netdep_text=cpu["ledger"] and f"{cpu['ledger']:.3f} ms",
            anchor_text=cpu["none"] and f"{cpu['none']:.3f} ms")
    for n in (8, 32):
        led = statistics.median(fn["ledger", n])
        bare_n = statistics.median(fn["none", n])
        add_row(a.rows, f"ledger.batch{n}",
                f"vote_cast_many() on batches of {n}: PostgreSQL CPU ms per "
                "vote with the ledger vs without (information; median of 3)",
                led, bare_n, unit="ms", netdep_text=f"{led:.4f} ms",
                anchor_text=f"{bare_n:.4f} ms")
        if cpu["none"]:
            add_row(a.rows, f"ledger.share{n}",
                    f"what the ledger adds to a vote in batches of {n} "
                    "(the two rows above) vs the CPU of a vote through "
                    "nginx without it, all parts (information)",
                    led - bare_n, cpu["none"], unit="ms",
                    netdep_text=f"{led - bare_n:.4f} ms",
                    anchor_text=f"{cpu['none']:.3f} ms")
    if settled:
        sys.exit(f"bench_ledger: {settled}")


if __name__ == "__main__":
    main()
