#!/usr/bin/env python3
"""bench_login.py URL [SECONDS]: how many password checks one client
address gets through the log-in in SECONDS (default 20), guessing as an
attacker would: 8 connections, wrong passwords, one account name ("one
account") and then a new name per attempt ("many names"), without
solving any proof of work.  Prints, per pattern, attempts answered 401
(a password was checked) per second and how the rest were answered.
Issue 12's before/after figure for finding 3; run against a stack
(make run) from one address."""
import collections
import secrets
import sys
import threading
import time

import requests


def hammer(url, seconds, name_of):
    counts = collections.Counter()
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def run():
        s = requests.Session()
        while time.monotonic() < stop:
            try:
                r = s.post(url + "/api/v1/session", timeout=30,
                           json={"username": name_of(),
                                 "password": secrets.token_hex(8)})
                key = str(r.status_code)
                if r.status_code >= 400:
                    try:
                        key += " " + r.json()["error"]["code"]
                    except ValueError:
                        pass
            except requests.RequestException:
                key = "error"
            with lock:
                counts[key] += 1
    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts


def main():
    url = sys.argv[1].rstrip("/")
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 20
    victim = "victim" + secrets.token_hex(3)
    for label, name_of in (("one account", lambda: victim),
                           ("many names",
                            lambda: "n" + secrets.token_hex(5))):
        c = hammer(url, seconds, name_of)
        checked = sum(v for k, v in c.items() if k.startswith("401"))
        print(f"{label}: {checked / seconds:.1f} password checks/s "
              f"({sum(c.values())} answers in {seconds:.0f} s: "
              + ", ".join(f"{k}={v}" for k, v in sorted(c.items())) + ")")


if __name__ == "__main__":
    main()
