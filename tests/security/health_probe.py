"""health_probe.py: a normal client beside a slow-HTTP attack (make
security): GET /api/v1/health once a second, each on a new connection
as a browser arriving would, and record how long each took.

    health_probe.py URL OUT.json -- COMMAND...

runs COMMAND (slowhttptest) and probes from one second after it starts
until it exits, then writes every probe and the worst latency to
OUT.json.  Exit status 0 when every probe answered 200 within --limit
seconds (1.0), 1 otherwise, 2 when COMMAND failed.  A probe gives up
after --timeout seconds (10) and counts as failed.  The probe is another
visitor: it connects from --source (127.0.0.2; any loopback address
works), not from the attacker's 127.0.0.1, whose own connections the
per-address limit (NETDEP_CONN_PER_IP) is there to refuse.
"""

import argparse
import json
import subprocess
import sys
import threading
import time

import requests


class FromAddress(requests.adapters.HTTPAdapter):
    def __init__(self, addr):
        self.addr = addr
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.addr, 0)
        super().init_poolmanager(*args, **kwargs)


def probe_loop(url, stop, out, timeout, source):
    nxt = time.monotonic() + 1.0
    while not stop.is_set():
        delay = nxt - time.monotonic()
        if delay > 0 and stop.wait(delay):
            break
        nxt += 1.0
        t0 = time.monotonic()
        rec = {"at": round(time.time(), 3)}
        try:
            # A new connection every time (no keep-alive pool).
            with requests.Session() as s:
                s.mount("http://", FromAddress(source))
                r = s.get(url, timeout=timeout,
                          headers={"Connection": "close"})
            rec["status"] = r.status_code
        except requests.RequestException as e:
            rec["status"] = 0
            rec["error"] = type(e).__name__ + ": " + str(e)[:200]
        rec["seconds"] = round(time.monotonic() - t0, 4)
        out.append(rec)
        # A slow probe must not make the next ones bunch up.
        nxt = max(nxt, time.monotonic())


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("out")
    ap.add_argument("--limit", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--source", default="127.0.0.2")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args(argv)
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    url = a.url.rstrip("/") + "/api/v1/health"
    probes, stop = [], threading.Event()
    t = threading.Thread(target=probe_loop,
                         args=(url, stop, probes, a.timeout, a.source),
                         daemon=True)
    started = time.monotonic()
    proc = subprocess.Popen(cmd)
    t.start()
    rc = proc.wait()
    stop.set()
    t.join()
    bad = [p for p in probes
           if p["status"] != 200 or p["seconds"] > a.limit]
    lat = sorted(p["seconds"] for p in probes)
    summary = {
        "command": cmd, "exit": rc,
        "seconds": round(time.monotonic() - started, 1),
        "probes": len(probes), "failed_or_slow": len(bad),
        "failed": sum(1 for p in probes if p["status"] != 200),
        "slow": sum(1 for p in probes if p["seconds"] > a.limit),
        "limit": a.limit,
        "max": lat[-1] if lat else None,
        "p50": lat[len(lat) // 2] if lat else None,
        "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else None,
        "first_bad": bad[:10], "all": probes,
    }
    with open(a.out, "w") as f:
        json.dump(summary, f, indent=1)
    print(f"health probe: {len(probes)} probes, {len(bad)} failed or over "
          f"{a.limit} s, max {summary['max']} s, p50 {summary['p50']} s")
    if rc != 0:
        return 2
    return 1 if bad or not probes else 0


if __name__ == "__main__":
    sys.exit(main())
