"""attack.py: the real tools of `make security` (issue 12) against a
running stack with the demo data, and the verdict.

    attack.py --url URL --creds VAR/demo-credentials.txt --db APPDSN
              --out REPORTDIR [--phases canary,sqlmap,wapiti,slow,summary]

Phases (each writes REPORTDIR/<phase>.json and the tools' own output in
REPORTDIR/<phase>/):
  canary  the harness can fail: a small server of its own with a real SQL
          injection (PostgreSQL, the stack's app role), a reflected XSS and
          an open redirect; sqlmap and wapiti must find each one, through
          the same parsing that judges netdep, or the run fails.
  sqlmap  every parameterised route: log-in, registration, gallery,
          leaderboards, entry ids, contest slugs, the judges' and admins'
          query parameters, an entry edit (JSON body, CSRF header); as the
          role each route needs.  Any injection point fails.
  wapiti  crawl and attack as an anonymous visitor and as a logged-in
          voter (a demo participant's session, checked still valid after
          the scan), modules xss, permanentxss, sql, blindsql, crlf,
          redirect, file, exec.  Any finding of those classes fails.
  slow    slowhttptest slowloris (-H) and slow body (-B, the upload route
          with its 21 MiB limit) with SECURITY_SLOW_CONNECTIONS (1000)
          connections for SECURITY_SLOW_SECONDS (60) each, while
          health_probe.py GETs /api/v1/health every second on a new
          connection; any probe slower than 1 s or failing fails.
  summary REPORTDIR/summary.md from every phase's JSON (and authz.json);
          exit status 1 when anything failed.

There is no search route in cgi/router.c yet; when one is added, give it
a target in sqlmap_targets() (the authorisation matrix fails until it has
a row, which is the reminder).  Not given to sqlmap: one-shot writes
whose text reaches SQL only on the first request (a moderation decision
and its reason: once decided, later requests stop at 409 before any
SQL sees the reason) and the vote (no text parameter: the id is checked
by the router, the Idempotency-Key by its shape, the user agent is
hashed; and nginx rate-limits it per session).
"""

import argparse
import csv
import glob
import http.server
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
SLUG = "net-dep-2026"            # scripts/seed-demo.sh's contest
VOTER = "tranthibinh"            # a demo participant: votes, has entries
WAPITI_MODULES = "xss,permanentxss,sql,blindsql,crlf,redirect,file,exec"
# Wapiti's report classes that fail the run (issue 12: XSS, SQL, CRLF,
# open redirect, file disclosure; command execution is worse still).
WAPITI_FAIL = ("Cross Site Scripting", "SQL Injection",
               "Blind SQL Injection", "CRLF Injection", "Open Redirect",
               "Path Traversal", "Command execution")


def log(msg):
    print(f"security: {msg}", flush=True)


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1, default=str)


def read_creds(path):
    out = {}
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                user, pw = line.split()[:2]
                out[user] = pw
    return out


class Session:
    """A logged-in demo account: cookie value and CSRF token."""

    def __init__(self, url, user, password, register=False):
        self.s = requests.Session()
        if register:
            r = self.s.post(f"{url}/api/v1/accounts", timeout=60, json={
                "username": user, "password": password,
                "display_name": "Người thử bảo mật", "birth_year": 1995,
                "consent": True,
                "unit": "Chi đoàn Phường Bến Nghé", "district": "Quận 1"})
        else:
            r = self.s.post(f"{url}/api/v1/session", timeout=60,
                            json={"username": user, "password": password})
        if r.status_code != (201 if register else 200):
            raise SystemExit(f"{'register' if register else 'log in'} "
                             f"{user}: {r.status_code} {r.text}")
        self.user = user
        self.csrf = r.json()["csrf_token"]
        self.cookie = self.s.cookies["netdep_session"]
        self.url = url

    def valid(self):
        r = requests.get(f"{self.url}/api/v1/session", timeout=30,
                         cookies={"netdep_session": self.cookie})
        return r.status_code == 200


# --- what the demo data offers ---------------------------------------------------

def demo_facts(url, creds):
    """Ids and names to give the tools realistic parameter values (a
    filter that matches nothing hides a boolean-based injection)."""
    s = requests.Session()
    c = s.get(f"{url}/api/v1/contests/{SLUG}", timeout=30).json()["contest"]
    entries = s.get(f"{url}/api/v1/contests/{SLUG}/entries?limit=100",
                    timeout=30).json()["entries"]
    voter = Session(url, VOTER, creds[VOTER])
    mine = voter.s.get(f"{url}/api/v1/me/entries",
                       timeout=30).json()["entries"]
    e = entries[0]
    facts = {
        "category": e["category"]["id"] if e.get("category")
        else c["categories"][0]["id"],
        "entry": e["id"],
        "unit": e["unit"],
        "unit_code": e.get("unit_code") or "hai-phong",
        "own_entry": (mine[0] if mine else e)["id"],
    }
    # A pending entry for the edit (PATCH) target, owned by a new
    # participant (the demo's have used their three entries).
    owner = Session(url, f"secowner{os.getpid()}", "mật khẩu thử 2026",
                    register=True)
    img = os.path.join(tempfile.mkdtemp(prefix="netdep-sec-"), "p.jpg")
    subprocess.run([os.environ.get("NETDEP_DEMO_IMAGE",
                                   "build/netdep-demo-image"),
                    "77", img, "1200", "900", "Ảnh chờ duyệt"], check=True)
    for key in ("pending",):
        with open(img, "rb") as f:
            r = owner.s.post(f"{url}/api/v1/contests/{SLUG}/entries",
                             headers={"X-CSRF-Token": owner.csrf},
                             timeout=120,
                             data={"title": "Ảnh chờ duyệt", "caption": "Thử", "consent": "yes",
                                   "category": str(facts["category"])},
                             files={"photo": ("p.jpg", f, "image/jpeg")})
        if r.status_code != 201:
            raise SystemExit(f"upload a pending entry: {r.status_code} "
                             f"{r.text}")
        facts[key] = r.json()["entry"]["id"]
    facts["pending_owner"] = {"cookie": owner.cookie, "csrf": owner.csrf}
    return facts


# --- sqlmap ---------------------------------------------------------------------

SQLMAP_BASE = ["sqlmap", "--batch", "--disable-coloring",
               "--dbms=PostgreSQL", "--drop-set-cookie", "--threads=4",
               "--ignore-code=401,403,404,409,429", "--flush-session"]
CHEAP = ["--level=3", "--risk=2"]
# A log-in or a registration hashes a password (argon2id, ~0.3 s on two
# busy cores): the same payloads, but only the body's parameters (the
# headers are tested on the cheap routes; netdep never puts them in SQL:
# the user agent reaches the database only as a hash).
COSTLY = ["--level=3", "--risk=2", "--skip=User-Agent,Referer"]


def sqlmap_targets(url, f, s):
    """(name, what, sqlmap arguments).  s: role -> Session."""
    q = urllib.parse.urlencode
    api = f"{url}/api/v1"
    cookie = {r: ["--cookie", f"netdep_session={x.cookie}"]
              for r, x in s.items() if isinstance(x, Session)}
    t = []
    login = json.dumps({"username": VOTER, "password": s["voter_pw"]},
                       ensure_ascii=False)
    t.append(("login", "POST /api/v1/session (JSON)",
              ["-u", f"{api}/session", "--data", login, *COSTLY]))
    reg = json.dumps({"username": "sqlmapuser1",
                      "password": "mật khẩu dài 2026",
                      "display_name": "Người thử", "unit": f["unit"],
                      "email": "thu@example.org", "phone": "0901234567"},
                     ensure_ascii=False)
    t.append(("registration", "POST /api/v1/accounts (JSON)",
              ["-u", f"{api}/accounts", "--data", reg,
               "--randomize=username", *COSTLY]))
    gal = q({"category": f["category"], "unit": f["unit"], "sort": "votes",
             "limit": 10, "cursor": 0, "seed": 7})
    t.append(("gallery", "GET /api/v1/contests/{slug}/entries (voter)",
              ["-u", f"{api}/contests/{SLUG}/entries?{gal}",
               *cookie["voter"], *CHEAP]))
    lb = q({"by": "votes", "category": f["category"], "unit": f["unit"],
            "unit_code": f["unit_code"], "period": "week", "limit": 10})
    t.append(("leaderboard", "GET /api/v1/contests/{slug}/leaderboard "
              "(voter: no nginx cache)",
              ["-u", f"{api}/contests/{SLUG}/leaderboard?{lb}",
               *cookie["voter"], *CHEAP]))
    jb = q({"by": "combined", "category": f["category"], "unit": f["unit"],
            "unit_code": f["unit_code"], "limit": 10})
    t.append(("leaderboard-jury", "GET /api/v1/contests/{slug}/leaderboard"
              "?by=combined (judge)",
              ["-u", f"{api}/contests/{SLUG}/leaderboard?{jb}",
               *cookie["judge"], *CHEAP]))
    t.append(("leaderboard-units", "GET /api/v1/contests/{slug}/"
              "leaderboard/units (voter)",
              ["-u", f"{api}/contests/{SLUG}/leaderboard/units?"
               + q({"level": "branch", "sort": "rate", "limit": 50}),
               *cookie["voter"], *CHEAP]))
    t.append(("units", "GET /api/v1/units?q= (the unit type-ahead)",
              ["-u", f"{api}/units?" + q({"q": "phuong", "limit": 10}),
               *CHEAP]))
    t.append(("entry-id", "GET /api/v1/entries/{id} (id in the path)",
              ["-u", f"{api}/entries/{f['entry']}*", *cookie["voter"],
               *CHEAP]))
    t.append(("share-page-id", "GET /e/{id} (id in the path)",
              ["-u", f"{url}/e/{f['entry']}*", *CHEAP]))
    t.append(("original-id", "GET /api/v1/entries/{id}/original (owner)",
              ["-u", f"{api}/entries/{f['own_entry']}*/original",
               *cookie["voter"], *CHEAP]))
    t.append(("contest-slug", "GET /api/v1/contests/{slug} (slug in the "
              "path)", ["-u", f"{api}/contests/{SLUG}*", *CHEAP]))
    t.append(("moderation-history", "GET /api/v1/moderation/history (judge)",
              ["-u", f"{api}/moderation/history?"
               + q({"contest": SLUG, "limit": 10, "before": 999999}),
               *cookie["judge"], *CHEAP]))
    t.append(("moderation-queue", "GET /api/v1/moderation/queue (judge)",
              ["-u", f"{api}/moderation/queue?" + q({"contest": SLUG}),
               *cookie["judge"], *CHEAP]))
    t.append(("jury-entries", "GET /api/v1/jury/entries (judge)",
              ["-u", f"{api}/jury/entries?" + q({"contest": SLUG}),
               *cookie["judge"], *CHEAP]))
    t.append(("audit", "GET /api/v1/admin/audit (admin)",
              ["-u", f"{api}/admin/audit?"
               + q({"contest": SLUG, "limit": 10, "before": 99999999}),
               *cookie["admin"], *CHEAP]))
    edit = json.dumps({"title": "Ảnh chờ duyệt", "caption": "Lời kể",
                       "category": f["category"]}, ensure_ascii=False)
    own = f["pending_owner"]
    t.append(("entry-edit", "PATCH /api/v1/entries/{id} (owner of a pending "
              "entry, JSON, CSRF header)",
              ["-u", f"{api}/entries/{f['pending']}", "--method=PATCH",
               "--data", edit, "-H", "Content-Type: application/json",
               "-H", f"X-CSRF-Token: {own['csrf']}",
               "--cookie", f"netdep_session={own['cookie']}", *CHEAP]))
    return t


def sqlmap_verdict(text, outdir):
    """'injectable' (with the points), 'clean', or 'incomplete'."""
    points = []
    for path in glob.glob(os.path.join(outdir, "results-*.csv")):
        with open(path, newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("Parameter"):
                    points.append({k.strip(): v for k, v in row.items()})
    identified = "identified the following injection point" in text
    tested = re.findall(r"parameter '([^']+)' does not seem to be "
                        r"injectable", text)
    if points or identified:
        block = text.split("identified the following injection point")[-1]
        return "injectable", points, tested, block[:3000] if identified \
            else ""
    if "all tested parameters do not appear to be injectable" in text:
        return "clean", [], tested, ""
    crit = [ln for ln in text.splitlines() if "[CRITICAL]" in ln]
    return "incomplete", [], tested, "\n".join(crit[-5:])


def run_sqlmap(name, what, args, outroot):
    outdir = os.path.join(outroot, name)
    os.makedirs(outdir, exist_ok=True)
    cmd = [*SQLMAP_BASE, "--output-dir", outdir, *args]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    text = p.stdout + p.stderr
    with open(os.path.join(outroot, f"{name}.log"), "w") as fh:
        fh.write("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n" + text)
    verdict, points, tested, detail = sqlmap_verdict(text, outdir)
    codes = re.findall(r"^(\d{3} \(.*)$", text, re.M)
    res = {"name": name, "what": what, "verdict": verdict,
           "points": points, "detail": detail, "tested": sorted(set(tested)),
           "http_codes": codes, "seconds": round(time.monotonic() - t0, 1),
           "request": " ".join(shlex.quote(c) for c in args)}
    log(f"sqlmap {name}: {verdict} ({res['seconds']} s; "
        f"{len(res['tested'])} parameters)")
    return res


def phase_sqlmap(a, out):
    creds = read_creds(a.creds)
    sess = {"voter": Session(a.url, VOTER, creds[VOTER]),
            "judge": Session(a.url, "judge", creds["judge"]),
            "admin": Session(a.url, "admin", creds["admin"]),
            "voter_pw": creds[VOTER]}
    facts = demo_facts(a.url, creds)
    root = os.path.join(out, "sqlmap")
    os.makedirs(root, exist_ok=True)
    only = set(filter(None, os.environ.get("SECURITY_SQLMAP_ONLY",
                                           "").split(",")))
    results = [run_sqlmap(n, w, args, root)
               for n, w, args in sqlmap_targets(a.url, facts, sess)
               if not only or n in only]
    bad = [r for r in results if r["verdict"] != "clean"]
    doc = {"facts": facts, "targets": results,
           "failed": [f"{r['name']}: {r['verdict']}" for r in bad],
           "no_search_route": True}
    write_json(os.path.join(out, "sqlmap.json"), doc)
    return not bad


# --- wapiti ---------------------------------------------------------------------

def wapiti_starts(url, f, logged_in):
    q = urllib.parse.urlencode
    api = f"{url}/api/v1"
    s = [f"{url}/", f"{url}/gallery.html?contest={SLUG}",
         f"{url}/leaderboard.html?contest={SLUG}",
         f"{url}/results.html?contest={SLUG}",
         f"{url}/login.html?next=/me.html",
         f"{api}/contests", f"{api}/contests/{SLUG}",
         f"{api}/contests/{SLUG}/entries?" + q({
             "category": f["category"], "unit": f["unit"], "sort": "new",
             "limit": 10, "cursor": 0, "seed": 3}),
         f"{api}/contests/{SLUG}/leaderboard?" + q({
             "by": "votes", "category": f["category"], "unit": f["unit"],
             "unit_code": f["unit_code"], "period": "all", "limit": 10}),
         f"{api}/contests/{SLUG}/leaderboard/units?" + q({
             "level": "grassroots", "limit": 20}),
         f"{api}/entries/{f['entry']}", f"{url}/e/{f['entry']}",
         f"{api}/entries/{f['entry']}/scores",
         f"{api}/contests/{SLUG}/results",
         f"{api}/contests/{SLUG}/results.csv"]
    if logged_in:
        s += [f"{url}/me.html", f"{api}/me/entries", f"{api}/session",
              f"{api}/entries/{f['own_entry']}/original",
              f"{api}/entries/{f['own_entry']}/media/t400.jpg"]
    return s


def run_wapiti(name, url, starts, outroot, cookie=None, scan_time=300,
               modules=WAPITI_MODULES):
    outdir = os.path.join(outroot, name)
    os.makedirs(outdir, exist_ok=True)
    report = os.path.join(outdir, "report.json")
    cmd = ["wapiti", "-u", f"{url}/", "--scope", "folder",
           "-m", modules, "--flush-session",
           "--store-session", os.path.join(outdir, "session"),
           "--store-config", os.path.join(outdir, "config"),
           "-f", "json", "-o", report, "-v", "1", "--no-bugreport",
           "--max-scan-time", str(scan_time), "-t", "30"]
    for s in starts:
        cmd += ["-s", s]
    if cookie is not None:
        host = urllib.parse.urlsplit(url).hostname
        jar = os.path.join(outdir, "cookies.json")
        write_json(jar, {host: {"/": {"netdep_session": {
            "value": cookie, "expires": None, "secure": False,
            "port": None, "version": 0}}}})
        cmd += ["-c", jar]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    with open(os.path.join(outroot, f"{name}.log"), "w") as fh:
        fh.write("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n"
                 + p.stdout + p.stderr)
    res = {"name": name, "exit": p.returncode,
           "seconds": round(time.monotonic() - t0, 1), "findings": [],
           "other": [], "anomalies": [], "attacked": 0}
    try:
        with open(report) as fh:
            rep = json.load(fh)
    except (OSError, ValueError) as e:
        res["error"] = f"no report: {e}; exit {p.returncode}"
        return res
    for cls, items in rep.get("vulnerabilities", {}).items():
        for it in items:
            entry = {"class": cls, "method": it.get("method"),
                     "path": it.get("path"), "parameter": it.get("parameter"),
                     "info": it.get("info"),
                     "request": it.get("http_request", "")[:1500],
                     "curl": it.get("curl_command", "")}
            (res["findings"] if cls in WAPITI_FAIL
             else res["other"]).append(entry)
    for cls, items in rep.get("anomalies", {}).items():
        for it in items:
            res["anomalies"].append({
                "class": cls, "method": it.get("method"),
                "path": it.get("path"), "parameter": it.get("parameter"),
                "info": it.get("info"), "curl": it.get("curl_command", "")})
    res["crawled"] = sorted(set(re.findall(r"^\[\+\] (?:GET|POST) (\S+)",
                                           p.stdout, re.M)))
    res["attacked"] = len(res["crawled"])
    if "Maximum scan time" in p.stdout or "max scan time" in p.stdout:
        res["error"] = "the scan hit --max-scan-time (incomplete)"
    log(f"wapiti {name}: {len(res['findings'])} failing findings, "
        f"{len(res['other'])} other, {len(res['anomalies'])} anomalies "
        f"({res['seconds']} s, {res['attacked']} URLs)")
    return res


def phase_wapiti(a, out):
    creds = read_creds(a.creds)
    facts_path = os.path.join(out, "sqlmap.json")
    if os.path.exists(facts_path):
        with open(facts_path) as fh:
            facts = json.load(fh)["facts"]
    else:
        facts = demo_facts(a.url, creds)
    root = os.path.join(out, "wapiti")
    os.makedirs(root, exist_ok=True)
    runs = [run_wapiti("anonymous", a.url, wapiti_starts(a.url, facts,
                                                          False), root)]
    voter = Session(a.url, VOTER, creds[VOTER])
    r = run_wapiti("voter", a.url, wapiti_starts(a.url, facts, True), root,
                   cookie=voter.cookie)
    # The logged-in scan counts only if the session lived through it.
    r["session_valid_after"] = voter.valid()
    if not r["session_valid_after"]:
        r["error"] = ("the voter's session did not survive the scan: the "
                      "scan ran (partly) anonymous")
    runs.append(r)
    bad = [x for x in runs if x["findings"] or x.get("error")]
    write_json(os.path.join(out, "wapiti.json"), {
        "modules": WAPITI_MODULES, "fail_classes": WAPITI_FAIL,
        "runs": runs,
        "failed": [f"{x['name']}: {len(x['findings'])} findings "
                   f"{x.get('error', '')}" for x in bad]})
    return not bad


# --- the canary: proof that the tools and the parsing can fail ----------------------

def canary_server(app_dsn):
    import psycopg2

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def send(self, code, body, ctype="text/html", extra=()):
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            u = urllib.parse.urlsplit(self.path)
            qs = dict(urllib.parse.parse_qsl(u.query))
            if u.path == "/":
                return self.send(200, (
                    '<html><body><a href="/hello?q=ban">hello</a> '
                    '<a href="/go?to=%2F">go</a> '
                    '<a href="/item?name=pg_class">item</a></body></html>'))
            if u.path == "/hello":          # reflected XSS, on purpose
                return self.send(200, "<html><body><p>Xin chào "
                                 + qs.get("q", "") + "</p></body></html>")
            if u.path == "/go":             # open redirect, on purpose
                return self.send(302, "", extra=[("Location",
                                                  qs.get("to", "/"))])
            if u.path == "/item":           # SQL injection, on purpose
                name = qs.get("name", "")
                try:
                    with psycopg2.connect(app_dsn) as c, c.cursor() as cur:
                        cur.execute("SELECT count(*) FROM pg_catalog.pg_class"
                                    " WHERE relname = '" + name + "'")
                        n = cur.fetchone()[0]
                    return self.send(200, json.dumps({"count": n}),
                                     "application/json")
                except Exception as e:  # noqa: BLE001 - the canary leaks
                    return self.send(500, str(e), "text/plain")
            return self.send(404, "no")

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def phase_canary(a, out):
    srv = canary_server(a.db)
    url = f"http://127.0.0.1:{srv.server_address[1]}"
    root = os.path.join(out, "canary")
    os.makedirs(root, exist_ok=True)
    try:
        sq = run_sqlmap("canary-sql", "the canary's /item?name=",
                        ["-u", f"{url}/item?name=pg_class", "--level=1",
                         "--risk=1"], root)
        wp = run_wapiti("canary-web", url, [f"{url}/hello?q=ban",
                                            f"{url}/go?to=%2F"], root,
                        scan_time=120, modules="xss,redirect")
    finally:
        srv.shutdown()
    classes = {f["class"] for f in wp["findings"]}
    problems = []
    if sq["verdict"] != "injectable":
        problems.append(f"sqlmap did not report the canary's injection "
                        f"({sq['verdict']})")
    for want in ("Cross Site Scripting", "Open Redirect"):
        if want not in classes:
            problems.append(f"wapiti did not report the canary's {want}")
    write_json(os.path.join(out, "canary.json"),
               {"sqlmap": sq, "wapiti": wp, "failed": problems})
    for p in problems:
        log(f"CANARY: {p}")
    return not problems


# --- slow HTTP ----------------------------------------------------------------------

def phase_slow(a, out):
    conns = int(os.environ.get("SECURITY_SLOW_CONNECTIONS", "1000"))
    secs = int(os.environ.get("SECURITY_SLOW_SECONDS", "60"))
    root = os.path.join(out, "slowhttptest")
    os.makedirs(root, exist_ok=True)
    attacks = [
        ("slowloris", "slow headers (-H) to GET /api/v1/health",
         ["-H", "-u", f"{a.url}/api/v1/health"]),
        ("slowbody", "slow body (-B) to POST /api/v1/contests/{slug}/"
         "entries, Content-Length 20 MB (the upload route's limit)",
         ["-B", "-t", "POST", "-s", "20000000",
          "-f", "multipart/form-data; boundary=netdep",
          "-u", f"{a.url}/api/v1/contests/{SLUG}/entries"]),
    ]
    runs = []
    for name, what, args in attacks:
        cmd = ["slowhttptest", *args, "-c", str(conns), "-r", "200",
               "-i", "10", "-l", str(secs), "-p", "3", "-g",
               "-o", os.path.join(root, name)]
        probe = os.path.join(root, f"{name}-health.json")
        with open(os.path.join(root, f"{name}.log"), "w") as fh:
            fh.write("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n")
            fh.flush()
            p = subprocess.run([sys.executable,
                                os.path.join(HERE, "health_probe.py"),
                                a.url, probe, "--", *cmd],
                               stdout=fh, stderr=subprocess.STDOUT)
        with open(probe) as fh:
            h = json.load(fh)
        h.pop("all", None)
        states = slow_states(os.path.join(root, f"{name}.csv"))
        runs.append({"name": name, "what": what, "exit": p.returncode,
                     "health": h, "connections": conns, "seconds": secs,
                     "states": states,
                     "tool_log_tail": tail(os.path.join(root,
                                                        f"{name}.log"))})
        log(f"slowhttptest {name}: {h['probes']} health probes, "
            f"{h['failed_or_slow']} failed or slow, max {h['max']} s; "
            f"connections held at the end: {states.get('connected_end')}")
    bad = [r for r in runs if r["exit"] != 0]
    write_json(os.path.join(out, "slow.json"), {
        "runs": runs,
        "failed": [f"{r['name']}: {r['health']['failed']} of "
                   f"{r['health']['probes']} health probes failed, "
                   f"{r['health']['slow']} took over 1 s (max "
                   f"{r['health']['max']} s)"
                   if r["exit"] == 1 else f"{r['name']}: slowhttptest "
                   f"failed (exit {r['exit']})" for r in bad]})
    return not bad


def slow_states(path):
    """slowhttptest's CSV (seconds, closed, pending, connected, service
    available): the connections held at the end, the most at once, and
    the seconds the tool's own probe found the service unavailable."""
    try:
        with open(path) as fh:
            rows = list(csv.reader(fh))
    except OSError:
        return {}
    head, rows = rows[0], [r for r in rows[1:] if r]
    # "Seconds,Closed,Pending,Connected,Service Available"; the last is
    # 0 while the tool's own probe finds the service unavailable.
    idx = {h.strip().lower().replace(" ", "_"): i
           for i, h in enumerate(head)}
    conn = idx.get("connected")
    avail = idx.get("service_available")
    if conn is None or not rows:
        return {"header": head}
    return {"connected_end": int(rows[-1][conn]),
            "connected_max": max(int(r[conn]) for r in rows),
            "unavailable_seconds": sum(1 for r in rows if avail is not None
                                       and int(r[avail]) == 0)}


def tail(path, n=12):
    try:
        with open(path, errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return ""
    clean = [re.sub(r"\x1b\[[0-9;]*m", "", ln) for ln in lines]
    return "\n".join(clean[-n:])


# --- the summary -----------------------------------------------------------------------

def load(out, name):
    try:
        with open(os.path.join(out, f"{name}.json")) as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def phase_summary(a, out):
    md, failed = ["# make security", ""], []
    timings = load(out, "timings") or {}
    md.append(f"Target {a.url} (throwaway stack, demo data of "
              f"scripts/seed-demo.sh); report {out}.")
    md.append("")
    # Canary.
    c = load(out, "canary")
    md.append("## Self-check (canary)")
    if c is None:
        md.append("- not run")
    else:
        md.append(f"- sqlmap on a deliberately injectable page: "
                  f"{c['sqlmap']['verdict']}; wapiti on a deliberate "
                  f"reflected XSS and open redirect: "
                  f"{sorted({f['class'] for f in c['wapiti']['findings']})}")
        failed += [f"canary: {p}" for p in c["failed"]]
    # Authz.
    z = load(out, "authz")
    md += ["", "## Authorisation matrix"]
    if z is None:
        md.append("- not run (or it crashed: see authz.log)")
        failed.append("authz: no result")
    else:
        cells = z["cells"]
        bad = [x for x in cells if not x["ok"]]
        md.append(f"- {len(cells)} cells, {len(bad)} differ, "
                  f"{len(z['missing_rows'])} routes without a row "
                  f"({z['seconds']} s); table in authz.md")
        for x in bad:
            body = "" if x["body"] is None else " " + json.dumps(
                x["body"], ensure_ascii=False)
            md.append(f"  - {x['row']} as {x['role']}: {x['method']} "
                      f"{x['url']}{body} → {x['status']} {x['code']} "
                      f"({x['problem']})")
            failed.append(f"authz: {x['row']} as {x['role']}")
        failed += [f"authz: no row for {m}" for m in z["missing_rows"]]
    # sqlmap.
    s = load(out, "sqlmap")
    md += ["", "## sqlmap"]
    if s is None:
        md.append("- not run")
    else:
        md.append("| target | verdict | parameters found not injectable "
                  "| s |")
        md.append("|---|---|---|---|")
        for t in s["targets"]:
            md.append(f"| {t['what']} | {t['verdict']} | "
                      f"{', '.join(t['tested'])} | {t['seconds']} |")
        for t in s["targets"]:
            if t["verdict"] != "clean":
                md.append(f"- **{t['name']}**: {t['verdict']}: "
                          f"`{t['request']}`")
                if t["detail"]:
                    md += ["", "```", t["detail"], "```", ""]
        md.append("- no search route exists in cgi/router.c (nothing to "
                  "test there yet); not given to sqlmap: moderation "
                  "decisions (one-shot: the reason reaches SQL only on the "
                  "first request) and votes (no text parameter, "
                  "rate-limited); see attack.py")
        failed += [f"sqlmap: {x}" for x in s["failed"]]
    # wapiti.
    w = load(out, "wapiti")
    md += ["", "## wapiti"]
    if w is None:
        md.append("- not run")
    else:
        md.append(f"- modules {w['modules']}; failing classes: "
                  f"{', '.join(w['fail_classes'])}")
        for r in w["runs"]:
            md.append(f"- {r['name']}: {len(r['findings'])} failing "
                      f"findings, {len(r['other'])} other, "
                      f"{len(r['anomalies'])} anomalies, "
                      f"{r['attacked']} URLs, {r['seconds']} s"
                      + (f"; session valid after: "
                         f"{r['session_valid_after']}"
                         if "session_valid_after" in r else "")
                      + (f"; **{r['error']}**" if r.get("error") else ""))
            for f in r["findings"]:
                md.append(f"  - **{f['class']}** {f['method']} {f['path']} "
                          f"parameter {f['parameter']}: {f['info']}")
                md.append(f"    `{f['curl']}`")
            for f in r["other"] + r["anomalies"]:
                md.append(f"  - (not failing) {f['class']} {f['method']} "
                          f"{f['path']} {f.get('parameter') or ''}: "
                          f"{(f['info'] or '')[:200]}")
        failed += [f"wapiti: {x}" for x in w["failed"]]
    # slow.
    sl = load(out, "slow")
    md += ["", "## slowhttptest (health checked every second)"]
    if sl is None:
        md.append("- not run")
    else:
        for r in sl["runs"]:
            h, st = r["health"], r["states"]
            md.append(f"- {r['name']}: {r['what']}; {r['connections']} "
                      f"connections, {r['seconds']} s: {h['probes']} health "
                      f"probes, {h['failed_or_slow']} failed or > "
                      f"{h['limit']} s, p50 {h['p50']} s, max {h['max']} s; "
                      f"slow connections held at the end "
                      f"{st.get('connected_end')} (most at once "
                      f"{st.get('connected_max')}), tool's own probe "
                      f"unavailable {st.get('unavailable_seconds')} s")
            for b in h.get("first_bad", [])[:5]:
                md.append(f"  - probe at {b['at']}: status {b['status']} in "
                          f"{b['seconds']} s {b.get('error', '')}")
        failed += [f"slow: {x}" for x in sl["failed"]]
    if timings:
        md += ["", "## Timings (s)", ""]
        md += [f"- {k}: {v}" for k, v in timings.items()]
    md += ["", "## Verdict", ""]
    md += [f"- FAILED: {x}" for x in failed] or ["- passed"]
    text = "\n".join(md) + "\n"
    with open(os.path.join(out, "summary.md"), "w") as fh:
        fh.write(text)
    print(text)
    return not failed


PHASES = {"canary": phase_canary, "sqlmap": phase_sqlmap,
          "wapiti": phase_wapiti, "slow": phase_slow,
          "summary": phase_summary}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--creds", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--phases", default="canary,sqlmap,wapiti,slow,summary")
    a = ap.parse_args(argv)
    a.url = a.url.rstrip("/")
    os.makedirs(a.out, exist_ok=True)
    ok = True
    tpath = os.path.join(a.out, "timings.json")
    for ph in a.phases.split(","):
        t0 = time.monotonic()
        log(f"phase {ph}")
        ok = PHASES[ph](a, a.out) and ok
        if ph != "summary":
            timings = load(a.out, "timings") or {}
            timings[ph] = round(time.monotonic() - t0, 1)
            write_json(tpath, timings)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
