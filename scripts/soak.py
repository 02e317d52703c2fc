#!/usr/bin/python3
"""soak.py: the run of `make soak` (issue 14), against the throwaway stack
scripts/soak.sh started.

Mixed traffic for --minutes: voters (each vote with its Idempotency-Key),
anonymous and logged-in leaderboard reads, contest and health reads, and
a photo upload every few seconds.  Every --sample seconds it reads each
worker's own resident memory (RssAnon; VmRSS is recorded too) and open
descriptors from /proc, and
keeps every request's latency.

After the warm-up (the first fifth of the run, at least two minutes) it
compares the first minute with the last: it fails when a worker's RSS or
descriptor count (the median of the minute's samples) grew by more than
--grow percent (descriptors: and by more than one), when the p99
latency of the last minute is more than --drift percent (and 10 ms) above
the first's, or when a worker was replaced during the run (a crash).
Writes samples.jsonl and summary.json to --out and prints the summary.
"""

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time

import requests

import chaos

SLUG = chaos.SLUG


def say(msg):
    print(f"soak: {msg}", flush=True)


def workers(var):
    with open(os.path.join(var, "run", "netdep.pid")) as f:
        master = f.read().strip()
    out = subprocess.run(["pgrep", "-x", "netdep", "-P", master],
                         capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def proc_sample(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            kv = dict(line.split(":", 1) for line in f if ":" in line)
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        # RssAnon is the worker's own memory, what a leak grows; VmRSS
        # adds the shared libraries' pages the kernel may drop and
        # bring back at will.
        return {"rss_kb": int(kv["RssAnon"].split()[0]),
                "vmrss_kb": int(kv["VmRSS"].split()[0]), "fds": fds}
    except (OSError, KeyError, ValueError):
        return None


class Traffic(threading.Thread):
    def __init__(self, i, kind, a, world, lat, stop):
        super().__init__(daemon=True)
        self.i, self.kind, self.a, self.world = i, kind, a, world
        self.lat, self.stop = lat, stop
        self.s = requests.Session()
        self.rng = random.Random(i)
        self.errors = 0

    def timed(self, method, path, **kw):
        t0 = time.monotonic()
        try:
            r = self.s.request(method, self.a.url + path, timeout=30, **kw)
            status = r.status_code
        except requests.RequestException:
            status = None
        dt = time.monotonic() - t0
        self.lat.append((time.monotonic(), self.kind, dt, status))
        if status is None or status >= 500:
            self.errors += 1
        return status

    def run(self):
        voters = self.world["voters"][self.i::self.a.clients]
        entries = self.world["entries"]
        n = 0
        while not self.stop.is_set():
            n += 1
            if self.kind == "vote":
                voter, (tok, csrf) = voters[(n // len(entries))
                                            % len(voters)]
                entry = entries[(n + self.i) % len(entries)]
                self.timed("POST", f"/api/v1/entries/{entry}/votes",
                           headers={"Cookie": f"netdep_session={tok}",
                                    "X-CSRF-Token": csrf,
                                    "Idempotency-Key":
                                        f"soak{self.i}x{n}x"
                                        f"{secrets.token_hex(4)}"})
            elif self.kind == "read":
                path = self.rng.choice([
                    f"/api/v1/contests/{SLUG}/leaderboard",
                    f"/api/v1/contests/{SLUG}",
                    "/api/v1/health"])
                self.timed("GET", path)
            elif self.kind == "session_read":
                tok, _csrf = voters[n % len(voters)][1]
                self.timed("GET", f"/api/v1/contests/{SLUG}/leaderboard",
                           headers={"Cookie": f"netdep_session={tok}"})
            else:  # upload
                _acc, (tok, csrf) = self.world["uploaders"][
                    n % len(self.world["uploaders"])]
                photo = self.world["photo"](self.rng.randrange(10**9))
                self.timed("POST", f"/api/v1/contests/{SLUG}/entries",
                           headers={"Cookie": f"netdep_session={tok}",
                                    "X-CSRF-Token": csrf},
                           data={"title": f"soak-{self.i}-{n}", "consent": "yes"},
                           files={"photo": ("p.jpg", photo, "image/jpeg")})
                self.stop.wait(3)
                continue
            self.stop.wait(self.a.pause)


def p99(xs):
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * 0.99))]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--var", required=True)
    p.add_argument("--dsn", required=True)
    p.add_argument("--demo-image", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--pause", type=float, default=0.02)
    p.add_argument("--sample", type=float, default=10)
    p.add_argument("--grow", type=float, default=5.0)
    p.add_argument("--drift", type=float, default=50.0)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    chaos.VOTERS_PER_CLIENT = 1500
    world = chaos.setup(a.dsn, a.clients)
    world["photo"] = chaos.photo_maker(a.demo_image, a.out, 800, 600)
    lat, stop = [], threading.Event()
    kinds = ["vote", "read", "vote", "session_read"]
    ts = [Traffic(i, "upload" if i == 0 else kinds[i % len(kinds)], a,
                  world, lat, stop) for i in range(a.clients)]
    for t in ts:
        t.start()
    t_start = time.monotonic()
    end = t_start + a.minutes * 60
    warm = t_start + max(120.0, a.minutes * 60 / 5)
    if end - warm < 120:  # a short run: a third of it
        warm = t_start + a.minutes * 20
    first_pids = set(workers(a.var))
    samples = []
    with open(os.path.join(a.out, "samples.jsonl"), "w") as f:
        while time.monotonic() < end:
            time.sleep(min(a.sample, max(0.0, end - time.monotonic())))
            now = time.monotonic()
            row = {"t": round(now - t_start, 1), "workers": {}}
            for pid in workers(a.var):
                s = proc_sample(pid)
                if s:
                    row["workers"][pid] = s
            recent = [x[2] for x in lat if x[0] > now - a.sample]
            row["requests"] = len(recent)
            row["p99_ms"] = round(1000 * (p99(recent) or 0), 1)
            samples.append(row)
            f.write(json.dumps(row) + "\n")
            f.flush()
            say(f"t={row['t']:.0f}s requests={row['requests']} "
                f"p99={row['p99_ms']} ms rss_kb="
                f"{[w['rss_kb'] for w in row['workers'].values()]} fds="
                f"{[w['fds'] for w in row['workers'].values()]}")
    stop.set()
    for t in ts:
        t.join(timeout=60)
    last_pids = set(workers(a.var))

    def window(lo, hi):
        rows = [r for r in samples if lo <= r["t"] + t_start < hi]
        per = {}
        for r in rows:
            for pid, s in r["workers"].items():
                per.setdefault(pid, []).append(s)
        return {pid: {"rss_kb": statistics.median(x["rss_kb"] for x in v),
                      "fds": statistics.median(x["fds"] for x in v)}
                for pid, v in per.items()}
    base = window(warm, warm + 60)
    final = window(end - 60, end + 1)
    lat_first = [x[2] for x in lat if warm <= x[0] < warm + 60]
    lat_last = [x[2] for x in lat if end - 60 <= x[0] < end]
    growth = {}
    problems = []
    for pid in base:
        if pid not in final:
            continue
        b, e = base[pid], final[pid]
        g_rss = 100.0 * (e["rss_kb"] - b["rss_kb"]) / b["rss_kb"]
        g_fds = 100.0 * (e["fds"] - b["fds"]) / b["fds"]
        growth[pid] = {"rss_kb": [b["rss_kb"], e["rss_kb"]],
                       "rss_growth_pct": round(g_rss, 2),
                       "fds": [b["fds"], e["fds"]],
                       "fds_growth_pct": round(g_fds, 2)}
        if g_rss > a.grow:
            problems.append(f"worker {pid} RSS grew {g_rss:.1f}%")
        if g_fds > a.grow and e["fds"] - b["fds"] > 1:
            problems.append(f"worker {pid} descriptors grew "
                            f"{b['fds']} -> {e['fds']}")
    p_first, p_last = p99(lat_first), p99(lat_last)
    if p_first and p_last and p_last > p_first * (1 + a.drift / 100) \
            and p_last - p_first > 0.010:
        problems.append(f"p99 drifted {1000 * p_first:.1f} -> "
                        f"{1000 * p_last:.1f} ms")
    if first_pids != last_pids:
        problems.append(f"workers replaced during the run: "
                        f"{sorted(first_pids)} -> {sorted(last_pids)}")
    errors = sum(t.errors for t in ts)
    summary = {
        "minutes": a.minutes, "requests": len(lat), "errors_5xx": errors,
        "warmup_s": round(warm - t_start),
        "p99_ms_first_minute": round(1000 * (p_first or 0), 1),
        "p99_ms_last_minute": round(1000 * (p_last or 0), 1),
        "p50_ms_all": round(1000 * statistics.median(x[2] for x in lat), 1)
        if lat else None,
        "workers": growth, "problems": problems,
    }
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps(summary, indent=1))
    if problems:
        say("FAILED: " + "; ".join(problems))
        return 1
    say("passed: memory, descriptors and p99 flat after warm-up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
