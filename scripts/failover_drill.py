#!/usr/bin/python3
"""failover_drill.py: `make failover-drill` (issue 18) against a cluster
scripts/cluster.sh started (primary, streaming standby, two masters,
nginx over both).  The voters, uploaders and readers of scripts/chaos.py
(imported: the same clients, history and checker) run; after --before seconds the
primary's postmaster is killed (SIGKILL) and the standby promoted
(pg_ctl promote); the masters find the new primary through their
multi-host conninfo (target_session_attrs=read-write).  After --after
seconds more, the checker compares the history with the new primary:
every acknowledged vote present exactly once, no phantom; every
acknowledged upload has its row and all its objects (in the S3 test
server's buckets when cluster.sh started the cluster with the S3 backend,
its default; else under DIR/a/media), no object lacks a row once the
sweep ran; writes must be
back within 10 s of the kill and no read may have failed.  Just before
the kill the standby's WAL receiver is stopped for --stall seconds (2):
the primary's link to it hiccups as it dies, and what the link held is
lost with the primary.  With
asynchronous replication (--async: cluster.sh started with
CLUSTER_ASYNC=1) lost votes are reported but expected to be possible, so
they do not fail the drill.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time

import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chaos  # noqa: E402  (the clients and the checker)


def children(pid):
    """The pids whose parent is pid."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
        except OSError:
            continue
        if int(st.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(d))
    return out


def s3_settings(d):
    """The NETDEP_S3_* settings of the masters when cluster.sh started
    the cluster with the S3 backend (DIR/storage), else None."""
    try:
        with open(os.path.join(d, "storage")) as f:
            if f.read().strip() != "s3":
                return None
    except FileNotFoundError:
        return None
    out = subprocess.run([os.path.join(os.path.dirname(__file__),
                                       "s3rver.sh"), "env",
                          os.path.join(d, "s3")],
                         check=True, capture_output=True, text=True).stdout
    return dict(kv.split("=", 1) for kv in out.splitlines() if "=" in kv)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True, help="cluster.sh's DIR")
    p.add_argument("--url", required=True)
    p.add_argument("--admin", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--clients", type=int, default=12)
    p.add_argument("--before", type=float, default=8.0)
    p.add_argument("--after", type=float, default=15.0)
    p.add_argument("--timeout", type=float, default=10.0)
    p.add_argument("--async", dest="async_", action="store_true")
    p.add_argument("--stall", type=float, default=2.0,
                   help="seconds the standby's WAL receiver is stopped "
                        "just before the primary dies (a network hiccup)")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    sock = os.path.join(a.dir, "a", "pgsock")
    a.media = os.path.join(a.dir, "a", "media")
    a.s3 = s3_settings(a.dir)
    chaos.say("media: " + ("S3 " + a.s3["NETDEP_S3_ENDPOINT"] if a.s3
                           else "local " + a.media))
    a.app_dsn = (f"host={sock},{sock} port=5432,5433 dbname=netdep "
                 "user=netdep_app target_session_attrs=read-write")
    old = f"host={sock} port=5432 dbname=netdep user=netdep"
    new = f"host={sock} port=5433 dbname=netdep user=netdep"
    world = chaos.setup(old, a.clients)
    world["photo"] = chaos.photo_maker(
        os.path.join(os.path.dirname(a.admin), "netdep-demo-image"), a.out,
        400, 300)
    hist = chaos.History(os.path.join(a.out, "history.jsonl"))
    stop = threading.Event()
    # Voters, every fourth client a reader and every fourth an uploader.
    kinds = {1: "read", 3: "upload"}
    clients = [chaos.Client(i, kinds.get(i % 4, "vote"), a, world, hist,
                            stop) for i in range(a.clients)]
    for c in clients:
        c.start()
    time.sleep(a.before)
    # The link to the standby hiccups just before the primary dies: with
    # synchronous replication commits wait (no answer, so nothing
    # acknowledged is lost), with asynchronous ones they go on unshipped.
    sconn = psycopg2.connect(new)
    sconn.autocommit = True
    with sconn.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_wal_receiver")
        row = cur.fetchone()
    sconn.close()
    walrcv = row[0] if row else None
    if walrcv and a.stall > 0:
        os.kill(walrcv, signal.SIGSTOP)
        chaos.say(f"WAL receiver {walrcv} stopped for {a.stall} s")
        time.sleep(a.stall)
    pidfile = os.path.join(a.dir, "a", "pg", "postmaster.pid")
    with open(pidfile) as f:
        pg_pid = int(f.readline())
    t_kill = chaos.now()
    # The machine dies: the postmaster and every backend and WAL sender
    # at once (the postmaster stopped first so that it starts none).
    os.kill(pg_pid, signal.SIGSTOP)
    for pid in children(pg_pid):
        os.kill(pid, signal.SIGKILL)
    os.kill(pg_pid, signal.SIGKILL)
    chaos.say(f"killed the primary (postmaster {pg_pid} and its children)")
    if walrcv and a.stall > 0:
        # What the link still held is lost with it.
        os.kill(walrcv, signal.SIGKILL)
    subprocess.run([os.path.join(os.path.dirname(__file__), "cluster.sh"),
                    "promote", a.dir], check=True)
    t_promoted = chaos.now()
    chaos.say(f"standby promoted {t_promoted - t_kill:.2f} s after the kill")
    time.sleep(a.after)
    stop.set()
    for c in clients:
        c.join(timeout=120)
    conn = psycopg2.connect(new)
    conn.autocommit = True
    settled = chaos.settle(conn)
    res = chaos.check(a, world, hist, conn)
    hist.close()
    votes = [o for o in hist.ops if o["kind"] == "vote"]
    reads = [o for o in hist.ops if o["kind"] == "read"]
    ups = [o for o in hist.ops if o["kind"] == "upload"]
    back = chaos.unavailability(hist, [{"fault": "failover", "t0": t_kill,
                                        "t1": t_promoted}])
    summary = {
        "replication": "asynchronous" if a.async_ else "synchronous",
        "votes": {"sent": len(votes),
                  "acknowledged": sum(o["status"] == 201 for o in votes),
                  "indeterminate": sum(not chaos.final(o["status"])
                                       for o in votes),
                  "lost": res["lost"], "duplicated": res["duplicated"],
                  "phantom": res["phantom"]},
        "uploads": {"sent": len(ups),
                    "acknowledged": sum(o.get("status") == 201
                                        for o in ups),
                    "storage": "s3" if a.s3 else "local",
                    "lost": res["upload_lost"],
                    "phantom": res["upload_phantom"],
                    "files_missing": res["upload_files_missing"],
                    "orphans_swept": res["orphans_swept"],
                    "orphans_left": res["orphan_files"]},
        "reads": {"sent": len(reads),
                  "failed": sum(o.get("status") != 200 for o in reads)},
        "promote_s": round(t_promoted - t_kill, 2),
        "writes_back_s": back.get("failover"),
        "settled": settled,
        "client_crashes": sum(o["kind"] == "crash" for o in hist.ops),
        "details": res["details"][:10],
    }
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps(summary, indent=1))
    v, u = summary["votes"], summary["uploads"]
    chaos.say(f"votes acknowledged {v['acknowledged']}, lost {v['lost']}, "
              f"duplicated {v['duplicated']}; uploads acknowledged "
              f"{u['acknowledged']} ({u['storage']}), lost {u['lost']}, "
              f"objects missing {u['files_missing']}; writes back after "
              f"{summary['writes_back_s']} s")
    bad = []
    if res["duplicated"] or res["phantom"]:
        bad.append("duplicated or phantom votes")
    if res["lost"] and not a.async_:
        bad.append("acknowledged votes lost with synchronous replication")
    if res["upload_lost"] or res["upload_phantom"] or \
            res["upload_files_missing"] or res["orphan_files"]:
        bad.append("uploads lost, phantom, missing objects or orphans left")
    if summary["reads"]["failed"]:
        bad.append("reads failed")
    if back.get("failover") is None or back["failover"] > 10:
        bad.append("writes not back within 10 s")
    if not settled or summary["client_crashes"]:
        bad.append("not settled or a client crashed")
    if bad:
        chaos.say("FAILED: " + "; ".join(bad))
        return 1
    chaos.say("passed: " + ("lost %d (asynchronous)" % res["lost"]
                            if a.async_ else "nothing lost"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
