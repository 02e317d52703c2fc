#!/usr/bin/python3
"""bench_report.py: the rows of `make bench` and the table they make.

The section helpers (bench_http.py, bench_image.py) import this module and
call add_row(); each row is one JSON line in the rows file, so a section
that dies half-way keeps what it measured.  Run as a script, it reads the
rows file, writes the JSON document (var/bench/latest.json) and prints the
table: what | netdep | anchor | ratio | goal | pass/fail.

A row compares a netdep number with an anchor measured in the same run:
  ratio = netdep / anchor            (kind "ratio": times, rates)
  delta = netdep - anchor            (kind "delta": PSNR in dB)
and checks it against the goal (op "<=" or ">=", value).  A row with an
absolute goal (peak memory) checks the netdep number itself.  A row whose
numbers could not be measured has status "n/a" and a note saying why;
nothing is ever filled in.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys


def add_row(path, key, what, netdep=None, anchor=None, unit="",
            kind="ratio", op=None, goal=None, absolute=False,
            netdep_text=None, anchor_text=None, note="", na=None,
            extra=None):
    """Appends one row.  netdep/anchor are numbers (None: not measured);
    *_text override how they are shown.  na: a reason; makes the row n/a.
    extra: raw measurements kept in the JSON only."""
    value = None
    if netdep is not None and anchor is not None and not absolute:
        if kind == "delta":
            value = netdep - anchor
        elif anchor > 0:
            value = netdep / anchor
    if na is not None or netdep is None or (anchor is None and not absolute):
        status = "n/a"
        note = "; ".join(x for x in (na, note) if x)
    elif op is None:
        status = "info"
    else:
        checked = netdep if absolute else value
        ok = checked <= goal if op == "<=" else checked >= goal
        status = "pass" if ok else "FAIL"
    row = {
        "key": key, "what": what, "unit": unit,
        "netdep": netdep, "anchor": anchor,
        "netdep_text": netdep_text if netdep_text is not None
        else fmt(netdep, unit),
        "anchor_text": anchor_text if anchor_text is not None
        else "—" if absolute and anchor is None else fmt(anchor, unit),
        "kind": kind, "value": value,
        "goal": None if op is None else {"op": op, "value": goal,
                                         "absolute": absolute},
        "status": status, "note": note,
    }
    if extra:
        row["extra"] = extra
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return row


def fmt(x, unit):
    if x is None:
        return "n/a"
    if unit == "req/s":
        return f"{x:,.0f} req/s"
    if unit == "ms":
        return f"{x:.1f} ms" if x < 100 else f"{x:.0f} ms"
    if unit == "dB":
        return f"{x:.2f} dB"
    if unit == "MB":
        return f"{x:.1f} MB"
    if unit == "s":
        return f"{x:.2f} s"
    return f"{x:g} {unit}".strip()


def fmt_value(row):
    v = row["value"]
    if v is None:
        return "—"
    if row["kind"] == "delta":
        return f"{v:+.2f} {row['unit']}"
    return f"{v:.2f}×"


def fmt_goal(row):
    g = row["goal"]
    if g is None:
        return "info"
    op = {"<=": "≤", ">=": "≥"}[g["op"]]
    if g["absolute"]:
        return f"{op} {g['value']:g} {row['unit']}"
    if row["kind"] == "delta":
        return f"{op} {g['value']:+g} {row['unit']}"
    return f"{op} {g['value']:g}×"


def git(*args):
    try:
        return subprocess.run(["git", *args], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def report(rows_path, out_path, quick):
    rows = []
    if os.path.exists(rows_path):
        with open(rows_path, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    doc = {
        "generated_at": datetime.datetime.now(datetime.timezone.utc)
        .isoformat(timespec="seconds"),
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "quick": quick,
        "host": {"cpus": os.cpu_count(), "kernel": os.uname().release,
                 "loadavg_start": os.environ.get("BENCH_LOAD_START"),
                 "loadavg_end": " ".join(f"{x:.2f}"
                                         for x in os.getloadavg())},
        "rows": rows,
    }
    os.makedirs(os.path.dirname(out_path) or ".", exist_ok=True)
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(tmp, out_path)

    head = ["what", "netdep", "anchor", "ratio", "goal", "pass/fail"]
    table = [[r["what"], r["netdep_text"], r["anchor_text"], fmt_value(r),
              fmt_goal(r), r["status"]] for r in rows]
    width = [max(len(x) for x in col) for col in zip(head, *table)]

    def line(cells):
        return " | ".join(c.ljust(w) for c, w in zip(cells, width)).rstrip()

    print(line(head))
    print("-+-".join("-" * w for w in width))
    for cells in table:
        print(line(cells))
    notes = [(i + 1, r) for i, r in enumerate(rows) if r["note"]]
    if notes:
        print("\nnotes:")
        for _, r in notes:
            print(f"  {r['what']}: {r['note']}")
    load = doc["host"]["loadavg_start"]
    if load and float(load.split()[0]) > 0.5 * (os.cpu_count() or 1):
        print(f"\nwarning: load average {load} at the start (now "
              f"{doc['host']['loadavg_end']}) on {os.cpu_count()} CPUs: "
              "something else ran; absolute numbers are low, ratios noisy")
    count = {}
    for r in rows:
        count[r["status"]] = count.get(r["status"], 0) + 1
    print("\n" + ", ".join(f"{n} {s}" for s, n in sorted(count.items()))
          + f"; written to {out_path}"
          + (" (BENCH_QUICK: short runs, indicative only)" if quick else ""))
    return count.get("FAIL", 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    fails = report(a.rows, a.out, a.quick)
    sys.exit(1 if fails and os.environ.get("BENCH_STRICT") == "1" else 0)


if __name__ == "__main__":
    main()
