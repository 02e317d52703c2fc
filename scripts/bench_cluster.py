#!/usr/bin/python3
"""bench_cluster.py: one measurement of `make bench-cluster` (issue 18)
against a stack or cluster scripts/bench-cluster.sh started, with make
bench's own pieces (imported): bench_votes.load() and wrk_votes() for
votes through nginx (wrk -t2 -c32, random entries, accepted votes counted
from the database), bench_http.wrk() for anonymous gallery reads (not
kept by nginx's cache: every one reaches a worker and its read
connection).  Appends {"label", "what", "value"} lines to --rows.
"""

import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_http  # noqa: E402
import bench_votes  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--dsn", required=True, help="owner conninfo (primary)")
    ap.add_argument("--rows", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--measure", choices=["reads", "votes", "both"],
                    default="both")
    ap.add_argument("--offset", type=int, default=0)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-cluster-")
    conn, entries, voters = bench_votes.load(a.dsn, 2000, 100000)
    a.voter_file = bench_votes.write_voter_file(tmp, voters)
    out = []
    if a.measure in ("reads", "both"):
        res, err = bench_http.wrk(
            a, f"{a.url}/api/v1/contests/{bench_votes.SLUG}/entries?sort=new")
        out.append({"label": a.label, "what": "reads/s",
                    "value": res and res["rps"],
                    "p99_ms": res and res["p99_ms"], "note": err})
    if a.measure in ("votes", "both"):
        res, err = bench_votes.wrk_votes(a, "random", entries, 100000,
                                         a.offset, tmp, conn)
        out.append({"label": a.label, "what": "votes/s",
                    "value": res and res["vps"],
                    "p99_ms": res and res["p99_ms"], "note": err})
    conn.close()
    with open(a.rows, "a") as f:
        for row in out:
            f.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
