#!/usr/bin/env python3
"""funclen.py: the longest C functions of a tree (lines from the name to the
closing brace), for keeping functions short: scripts/funclen.py cgi [N]."""
import os
import re
import sys


def functions(path):
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    name, start = None, 0
    for i, line in enumerate(lines):
        m = re.match(r"^([a-z][A-Za-z0-9_]*)\(", line)
        if m and name is None:
            name, start = m.group(1), i
        elif line == "}" and name is not None:
            yield name, i - start + 1
            name = None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "cgi"
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    found = []
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".c"):
                p = os.path.join(d, f)
                found += [(n, name, p) for name, n in functions(p)]
    for n, name, p in sorted(found, reverse=True)[:top]:
        print(f"{n:5d}  {name}  {p}")


if __name__ == "__main__":
    main()
