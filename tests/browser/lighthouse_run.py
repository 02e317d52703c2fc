"""`make lighthouse` (issue 17), not part of make test: Lighthouse (pinned
by tests/qa/package-lock.json, Debian's chromium, the default mobile
profile with its simulated slow network) on the home page, the gallery, an
entry and the leaderboard of a contest with a few approved photos.
Prints each page's performance, accessibility, best-practices scores,
CLS and LCP, and fails below perf 95, a11y 100, BP 95, CLS 0.05,
LCP 2.5 s.  The JSON reports stay in var/test-artifacts/lighthouse/."""
import json
import os
import subprocess

from browserkit import CHROMIUM
from judging_kit import upload
from qa_kit import LIGHTHOUSE, TOP, need

GOALS = {"performance": 95, "accessibility": 100, "best-practices": 95}
MAX_CLS, MAX_LCP_MS = 0.05, 2500


def run(url, out):
    flags = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --lang=vi-VN"
    p = subprocess.run(["node", need(LIGHTHOUSE), url, "--quiet", "--output=json",
                        "--output-path=" + out, "--chrome-flags=" + flags,
                        "--only-categories=performance,accessibility,best-practices"],
                       env=dict(os.environ, CHROME_PATH=CHROMIUM),
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    with open(out, encoding="utf-8") as f:
        return json.load(f)


def test_lighthouse(contest, new_user, make_jpeg, base_url):
    slug = contest(min_short_side=200, max_entries=10, title="Nét đẹp đoàn viên 2026")
    author = new_user(display_name="Trần Thị Hoa", unit="Chi đoàn Y tế")
    judge = new_user(role="judge", contest=slug)
    ids = [upload(author, slug, "Ảnh Lighthouse %d" % i, "Câu chuyện %d" % i, make_jpeg,
                  w=1600, h=1200, seed=200 + i) for i in range(6)]
    for eid in ids:
        assert judge.post("/api/v1/entries/%d/moderation" % eid,
                          json={"action": "approve"}).status_code == 200
    d = os.path.join(TOP, "var", "test-artifacts", "lighthouse")
    os.makedirs(d, exist_ok=True)
    pages = {"home": "/", "gallery": "/gallery.html", "entry": "/e/%d" % ids[0],
             "leaderboard": "/leaderboard.html"}
    rows, misses = [], []
    for name, path in pages.items():
        rep = run(base_url + path, os.path.join(d, name + ".json"))
        cat = {k: round(v["score"] * 100) for k, v in rep["categories"].items()}
        cls = rep["audits"]["cumulative-layout-shift"]["numericValue"]
        lcp = rep["audits"]["largest-contentful-paint"]["numericValue"]
        rows.append("%-12s perf %3d  a11y %3d  bp %3d  CLS %.3f  LCP %.2f s" % (
            name, cat["performance"], cat["accessibility"], cat["best-practices"], cls, lcp / 1000))
        for k, goal in GOALS.items():
            if cat[k] < goal:
                bad = [a["title"] for a in rep["audits"].values()
                       if a.get("score") is not None and a["score"] < 0.9
                       and a.get("scoreDisplayMode") in ("binary", "numeric")][:8]
                misses.append("%s: %s %d < %d (%s)" % (name, k, cat[k], goal, "; ".join(bad)))
        if cls >= MAX_CLS:
            misses.append("%s: CLS %.3f >= %.2f" % (name, cls, MAX_CLS))
        if lcp >= MAX_LCP_MS:
            misses.append("%s: LCP %.2f s >= 2.5 s" % (name, lcp / 1000))
    print("\nlighthouse (mobile):\n" + "\n".join(rows))
    if misses:
        print("below the goals:\n" + "\n".join(misses))
    assert not misses, "\n".join(misses)
