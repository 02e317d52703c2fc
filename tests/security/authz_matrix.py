"""The authorisation matrix (issue 12): every route of cgi/router.c x
{anonymous, voter, participant, judge, admin, judge of another contest}
-> the status the site must answer.

One table (ROWS), two users:
  - tests/e2e/test_authz_matrix.py runs it inside `make test` and checks
    that every route of router.c's table has a row (coverage());
  - scripts/security.sh (`make security`) runs this file as a program
    against its throwaway stack and writes authz.json / authz.md.

Roles: "voter" is an account with no entry, "participant" owns the
entries the rows act on, "judge" judges the rows' contest, "other_judge"
judges another contest only, "admin" is a global admin.  The world (two
contests, six accounts, entries in known states) is built fresh, with
netdep-admin for what only an operator can do and the HTTP API for the
rest.  Rows run in order, each role in ROLES order; a row whose allowed
write would change a later cell gets a fresh target per cell (fresh=...).

Expected values are a status or (status, error code).  The site answers
404 rather than 403 where a 403 would confirm that a private thing exists
(someone else's pending entry, its media, its original).
"""

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import requests

API = "/api/v1"
ROLES = ("anonymous", "voter", "participant", "judge", "admin",
         "other_judge")
PASSWORD = "matrix password 2026 đúng"
HERE = os.path.dirname(os.path.abspath(__file__))
ROUTER_C = os.path.join(HERE, "..", "..", "cgi", "router.c")

# --- the route table of cgi/router.c ------------------------------------

_ROUTE_RE = re.compile(r'\{\s*METHOD_([A-Z]+)\s*,\s*"([^"]+)"\s*,')


def read_router(path=ROUTER_C):
    with open(path, encoding="utf-8") as f:
        return f.read()


def router_routes(text):
    """[(METHOD, pattern)] of the `routes[]` table in router.c's text, in
    order.  Fails loudly when the table cannot be found, so a renamed
    table cannot make the coverage check pass on nothing."""
    m = re.search(r"\broutes\[\]\s*=\s*\{(.*?)\n\};", text, re.S)
    if m is None:
        raise ValueError("router.c: no `routes[] = { ... };` table found")
    # Comments out, strings kept ("/api/v1/contests/*/entries" holds a
    # "/*" that is not one).
    body = re.sub(r'("(?:[^"\\]|\\.)*")|/\*.*?\*/',
                  lambda x: x.group(1) or "", m.group(1), flags=re.S)
    routes = [(meth, pat) for meth, pat in _ROUTE_RE.findall(body)]
    # Every entry of the table must have been understood.
    entries = body.count("METHOD_")
    if not routes or len(routes) != entries:
        raise ValueError(f"router.c: parsed {len(routes)} routes out of "
                         f"{entries} table entries")
    return routes


_FLAGS_RE = re.compile(
    r'\{\s*METHOD_([A-Z]+)\s*,\s*"([^"]+)"\s*,\s*\w+\s*,\s*([^}]*)\}')


def router_flags(text):
    """{(METHOD, pattern): {"R_AUTH", ...}} of router.c's table."""
    m = re.search(r"\broutes\[\]\s*=\s*\{(.*?)\n\};", text, re.S)
    out = {}
    for meth, pat, flags in _FLAGS_RE.findall(m.group(1) if m else ""):
        out[(meth, pat)] = {f for f in re.findall(r"R_[A-Z]+", flags)}
    return out


# The writes that take no CSRF token: nobody is logged in yet (the
# session they start gets a new token).
NO_CSRF_WRITES = {("POST", "/api/v1/accounts"), ("POST", "/api/v1/session")}
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def csrf_gaps(router_text):
    """Write routes of router.c without R_CSRF that are not meant to be."""
    return sorted(rt for rt, flags in router_flags(router_text).items()
                  if rt[0] in WRITES and "R_CSRF" not in flags
                  and rt not in NO_CSRF_WRITES)


def coverage(router_text, rows):
    """(missing, stale): routes of router.c with no row, and rows naming
    a route router.c does not have."""
    table = router_routes(router_text)
    covered = {(r.method, r.route) for r in rows if r.route is not None}
    missing = [rt for rt in table if rt not in covered]
    stale = sorted(covered - set(table))
    return missing, stale


# --- HTTP ------------------------------------------------------------------

class Client(requests.Session):
    """A session bound to the site; sends its CSRF token on writes."""

    def __init__(self, base_url):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.csrf = None
        self.username = None
        self.password = None
        self.user = None

    def request(self, method, url, *args, **kw):
        if url.startswith("/"):
            url = self.base_url + url
        kw.setdefault("timeout", 60)
        kw.setdefault("allow_redirects", False)
        headers = dict(kw.pop("headers", None) or {})
        if method.upper() in ("POST", "PUT", "PATCH", "DELETE") and self.csrf:
            headers.setdefault("X-CSRF-Token", self.csrf)
        return super().request(method, url, *args, headers=headers, **kw)

    def login(self, username, password):
        r = self.post(f"{API}/session",
                      json={"username": username, "password": password})
        if r.status_code != 200:
            raise RuntimeError(f"log in as {username}: {r.status_code} "
                               f"{r.text[:300]}")
        body = r.json()
        self.csrf, self.user = body["csrf_token"], body["user"]
        self.username, self.password = username, password
        return self


def _need(r, status, what):
    if r.status_code != status:
        raise RuntimeError(f"{what}: expected {status}, got {r.status_code} "
                           f"{r.request.method} {r.request.url} "
                           f"{r.text[:300]}")
    return r


def _rand(prefix):
    return f"{prefix}{secrets.token_hex(5)}"


# --- the world the rows act on ------------------------------------------------

class World:
    """Two contests, the six roles' clients and entries in known states."""

    def __init__(self, base_url, admin_exe, app_db, demo_image):
        self.base_url = base_url.rstrip("/")
        self.admin_exe = admin_exe
        self.env = dict(os.environ, NETDEP_DB=app_db)
        self.demo_image = demo_image
        self.accounts = {}          # role -> username
        self.clients = {}           # role -> Client (anonymous: no session)
        self._jpeg_seed = 0
        self.slug = self.contest()            # the rows' contest
        self.other_slug = self.contest()      # other_judge's contest
        self.clients["anonymous"] = Client(self.base_url)
        for role in ROLES[1:]:
            self.accounts[role] = self.user(role)
            self.clients[role] = self.session(role)
        self.spare = self.user("spare")       # granted and revoked by rows
        self.void_target = self.accounts["voter"]
        cat = self.clients["anonymous"].get(f"{API}/contests/{self.slug}")
        self.category = _need(cat, 200, "contest")\
            .json()["contest"]["categories"][0]["id"]
        # An approved entry (voted, scored, prized) and a pending one.
        self.approved = self.upload_entry()
        self.decide(self.approved, "approve")
        self.pending = self.upload_entry()
        crit = self.clients["judge"].get(f"{API}/contests/{self.slug}")
        self.criteria = [c["name"] for c in
                         _need(crit, 200, "criteria").json()["contest"]
                         ["criteria"]]

    # netdep-admin, as an operator would.
    def admin(self, *args, stdin=None):
        r = subprocess.run([self.admin_exe, *map(str, args)], input=stdin,
                           capture_output=True, text=True, env=self.env,
                           timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"netdep-admin {' '.join(map(str, args))}: "
                               f"{r.stderr.strip()}")
        return r.stdout

    def contest(self):
        slug = _rand("authz-")
        self.admin("contest", "create", slug, "--title",
                   f"Ma trận quyền {slug}", "--max-entries", 100,
                   "--votes-per-day", 100, "--categories",
                   "Tình nguyện,Học tập")
        return slug

    def user(self, role):
        name = _rand("az")
        self.admin("user", "create", name, "--display-name",
                   f"Vai {role} {name}", "--unit", f"Chi đoàn {role}",
                   stdin=PASSWORD + "\n")
        if role == "judge":
            self.admin("grant", "judge", name, "--contest", self.slug)
        elif role == "other_judge":
            self.admin("grant", "judge", name, "--contest", self.other_slug)
        elif role == "admin":
            self.admin("grant", "admin", name)
        return name

    def session(self, role):
        """A new logged-in client for role (anonymous: a bare client)."""
        c = Client(self.base_url)
        if role != "anonymous":
            c.login(self.accounts[role], PASSWORD)
        return c

    def jpeg(self):
        self._jpeg_seed += 1
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "p.jpg")
            subprocess.run([self.demo_image, str(1000 + self._jpeg_seed),
                            out, "1000", "800"], check=True,
                           capture_output=True, timeout=120)
            with open(out, "rb") as f:
                return f.read()

    def upload_entry(self, role="participant"):
        r = self.clients[role].post(
            f"{API}/contests/{self.slug}/entries",
            data={"title": _rand("Ảnh "), "caption": "Ma trận",
                  "category": str(self.category), "consent": "yes"},
            files={"photo": ("p.jpg", self.jpeg(), "image/jpeg")})
        return _need(r, 201, f"upload as {role}").json()["entry"]["id"]

    def decide(self, entry, action):
        r = self.clients["admin"].post(f"{API}/entries/{entry}/moderation",
                                       json={"action": action})
        _need(r, 200, f"{action} {entry}")

    def fresh_pending(self):
        return self.upload_entry()


# --- the rows -------------------------------------------------------------------

@dataclass
class Row:
    name: str
    method: str
    route: str                # router.c's pattern; None: no route (404)
    path: object              # str with {slug} {other} {approved} {pending}
    expect: dict              # role -> status | (status, code)
    body: object = None       # JSON value, or callable(w, role)
    upload: bool = False      # multipart photo upload
    raw: bytes = None         # a body sent as it is (text/csv)
    fresh: str = ""           # "session": a new session per cell;
    #                           "pending": {fresh} is a new pending entry
    check: object = None      # callable(w, role, response) -> error | None
    note: str = ""


LOGIN = (401, "login_required")
CSRF = (403, "csrf")
FORBIDDEN = (403, "forbidden")
HIDDEN = (403, "results_not_published")
NO_ENTRY = (404, "no_entry")


def everyone(ok=200):
    return {r: ok for r in ROLES}


def logged_in(ok=200):
    return {"anonymous": LOGIN, **{r: ok for r in ROLES[1:]}}


def judge_only(ok=200, other=FORBIDDEN):
    return {"anonymous": LOGIN, "voter": FORBIDDEN,
            "participant": FORBIDDEN, "judge": ok, "admin": ok,
            "other_judge": other}


def admin_only(ok=200):
    return {"anonymous": LOGIN, "voter": FORBIDDEN,
            "participant": FORBIDDEN, "judge": FORBIDDEN, "admin": ok,
            "other_judge": FORBIDDEN}


def owner_and_judges(ok=200, others=NO_ENTRY):
    """The participant's private things: the owner, the contest's judges
    and admins; for anyone else the thing does not exist."""
    return {"anonymous": LOGIN, "voter": others, "participant": ok,
            "judge": ok, "admin": ok, "other_judge": others}


def after_publish(ok=200, hidden=HIDDEN):
    return {"anonymous": hidden, "voter": hidden, "participant": hidden,
            "judge": ok, "admin": ok, "other_judge": hidden}


def owner_only(ok=200, others=NO_ENTRY):
    return {"anonymous": LOGIN, "voter": others, "participant": ok,
            "judge": others, "admin": others, "other_judge": others}


def _bulk_check(w, role, r):
    if r.status_code != 200:
        return None
    line = r.json()["results"][0]
    want = 200 if role in ("judge", "admin") else 403
    if line.get("status") != want:
        return f"bulk line for {role}: {line}"
    return None


def _queue_check(w, role, r):
    """A judge of another contest gets a queue, never this contest's."""
    if r.status_code != 200 or role != "other_judge":
        return None
    ids = {e["id"] for e in r.json().get("entries", [])}
    if w.pending in ids or w.approved in ids:
        return "a judge of another contest sees this contest's queue"
    return None


def _scores(w, role):
    return {"criteria": {n: 7 for n in w.criteria}, "comment": "Ổn"}


def _login_spare(w, role):
    return {"username": w.spare, "password": PASSWORD}


def _register(w, role):
    return {"username": _rand("reg"), "password": PASSWORD,
            "display_name": "Người mới", "unit": "Chi đoàn mới",
            "birth_year": 1995, "consent": True}


ROWS = [
    # --- process and accounts
    Row("health", "GET", "/api/v1/health", "/api/v1/health", everyone()),
    Row("metrics", "GET", "/metrics", "/metrics", everyone(),
        note="by address, not by role: this client is on loopback, which "
        "NETDEP_METRICS_ALLOW admits by default; any other address gets "
        "403 from nginx, 404 from a worker (test_observability.py)"),
    Row("register", "POST", "/api/v1/accounts", "/api/v1/accounts",
        everyone(201), body=_register, fresh="session",
        note="a logged-in visitor may register another account"),
    Row("log in", "POST", "/api/v1/session", "/api/v1/session", everyone(),
        body=_login_spare, fresh="session"),
    Row("log in, wrong password", "POST", "/api/v1/session",
        "/api/v1/session", everyone((401, "bad_credentials")),
        body=lambda w, r: {"username": w.spare, "password": "sai mật khẩu"},
        fresh="session"),
    Row("who am I", "GET", "/api/v1/session", "/api/v1/session",
        logged_in()),
    Row("proof-of-work challenge", "GET", "/api/v1/challenge",
        "/api/v1/challenge", everyone()),
    Row("log out", "DELETE", "/api/v1/session", "/api/v1/session",
        logged_in(204), fresh="session"),
    # --- contests
    Row("contests", "GET", "/api/v1/contests", "/api/v1/contests",
        everyone()),
    Row("contest", "GET", "/api/v1/contests/*", "/api/v1/contests/{slug}",
        everyone()),
    # --- entries and media
    Row("upload", "POST", "/api/v1/contests/*/entries",
        "/api/v1/contests/{slug}/entries", logged_in(201), upload=True),
    Row("gallery", "GET", "/api/v1/contests/*/entries",
        "/api/v1/contests/{slug}/entries?sort=votes&limit=5", everyone()),
    Row("approved entry", "GET", "/api/v1/entries/#",
        "/api/v1/entries/{approved}", everyone()),
    Row("pending entry", "GET", "/api/v1/entries/#",
        "/api/v1/entries/{pending}",
        {**owner_and_judges(), "anonymous": NO_ENTRY}),
    Row("pending entry's thumbnail", "GET", "/api/v1/entries/#/media/*",
        "/api/v1/entries/{pending}/media/t400.jpg", owner_and_judges()),
    Row("pending entry's original", "GET", "/api/v1/entries/#/original",
        "/api/v1/entries/{pending}/original", owner_and_judges()),
    Row("approved entry's original", "GET", "/api/v1/entries/#/original",
        "/api/v1/entries/{approved}/original", owner_and_judges()),
    Row("my entries", "GET", "/api/v1/me/entries", "/api/v1/me/entries",
        logged_in()),
    Row("edit pending entry", "PATCH", "/api/v1/entries/#",
        "/api/v1/entries/{pending}", owner_only(),
        body={"caption": "Sửa lời kể"}),
    Row("edit approved entry", "PATCH", "/api/v1/entries/#",
        "/api/v1/entries/{approved}",
        owner_only((409, "not_pending"), FORBIDDEN),
        body={"caption": "Sửa lời kể"}),
    Row("withdraw pending entry", "DELETE", "/api/v1/entries/#",
        "/api/v1/entries/{fresh}", owner_only(), fresh="pending"),
    Row("withdraw approved entry", "DELETE", "/api/v1/entries/#",
        "/api/v1/entries/{approved}",
        {**owner_only(others=FORBIDDEN), "participant": None},
        note="the participant's cell is skipped: it would withdraw the "
             "entry later rows need (withdrawing a pending one is above)"),
    Row("similar photos", "GET", "/api/v1/entries/#/similar",
        "/api/v1/entries/{pending}/similar", judge_only()),
    # --- moderation, jury, results, audit, admin
    Row("moderation queue", "GET", "/api/v1/moderation/queue",
        "/api/v1/moderation/queue?contest={slug}", judge_only(other=200),
        check=_queue_check,
        note="a judge of another contest gets an empty queue"),
    Row("moderate", "POST", "/api/v1/entries/#/moderation",
        "/api/v1/entries/{fresh}/moderation", judge_only(),
        body={"action": "approve"}, fresh="pending"),
    Row("moderation progress", "GET", "/api/v1/moderation/progress",
        "/api/v1/moderation/progress?contest={slug}", judge_only()),
    Row("moderation history", "GET", "/api/v1/moderation/history",
        "/api/v1/moderation/history?contest={slug}", judge_only()),
    Row("rejection reasons", "GET", "/api/v1/moderation/reasons",
        "/api/v1/moderation/reasons", judge_only(other=200)),
    Row("bulk moderation", "POST", "/api/v1/moderation/bulk",
        "/api/v1/moderation/bulk", judge_only(other=200),
        body=lambda w, r: {"action": "approve",
                           "entries": [w.fresh_pending()]},
        check=_bulk_check,
        note="200 for any judge; each line says 403 for another "
             "contest's judge"),
    # issue 17: undo a decision, the queue by keyset pages
    Row("revert a decision", "POST", "/api/v1/entries/#/moderation/revert",
        "/api/v1/entries/{pending}/moderation/revert",
        judge_only(ok=(409, "not_decided")),
        note="past the authorisation a pending entry has nothing to "
             "take back: 409 for its judges"),
    Row("moderation queue page", "GET", "/api/v1/moderation/queue/page",
        "/api/v1/moderation/queue/page?contest={slug}", judge_only(other=200),
        check=_queue_check,
        note="a judge of another contest gets an empty page"),
    Row("jury entries", "GET", "/api/v1/jury/entries",
        "/api/v1/jury/entries?contest={slug}", judge_only()),
    Row("score", "PUT", "/api/v1/entries/#/scores",
        "/api/v1/entries/{approved}/scores", judge_only(), body=_scores),
    Row("scores", "GET", "/api/v1/entries/#/scores",
        "/api/v1/entries/{approved}/scores", after_publish()),
    Row("judges' progress", "GET", "/api/v1/contests/*/judges/progress",
        "/api/v1/contests/{slug}/judges/progress", judge_only()),
    Row("results", "GET", "/api/v1/contests/*/results",
        "/api/v1/contests/{slug}/results", after_publish()),
    Row("prizes", "PUT", "/api/v1/contests/*/prizes",
        "/api/v1/contests/{slug}/prizes", admin_only(),
        body=lambda w, r: {"prizes": [{"entry_id": w.approved,
                                       "prize": "first"}]}),
    Row("results.csv", "GET", "/api/v1/contests/*/results.csv",
        "/api/v1/contests/{slug}/results.csv", after_publish()),
    Row("entries.csv", "GET", "/api/v1/contests/*/entries.csv",
        "/api/v1/contests/{slug}/entries.csv", judge_only()),
    Row("votes.csv", "GET", "/api/v1/contests/*/votes.csv",
        "/api/v1/contests/{slug}/votes.csv", judge_only()),
    # prize tracks and weekly snapshots (issue 16)
    Row("prize tracks", "GET", "/api/v1/contests/*/tracks",
        "/api/v1/contests/{slug}/tracks", after_publish()),
    Row("set prize tracks", "PUT", "/api/v1/contests/*/tracks",
        "/api/v1/contests/{slug}/tracks", admin_only(),
        body={"multi_win": False}),
    Row("prize rules", "GET", "/api/v1/contests/*/prize-rules",
        "/api/v1/contests/{slug}/prize-rules", everyone()),
    Row("take weekly snapshots", "POST", "/api/v1/contests/*/snapshots",
        "/api/v1/contests/{slug}/snapshots", admin_only()),
    Row("weekly snapshots", "GET", "/api/v1/contests/*/weeks",
        "/api/v1/contests/{slug}/weeks", everyone()),
    Row("weekly snapshot csv", "GET", "/api/v1/contests/*/weeks/#/csv",
        "/api/v1/contests/{slug}/weeks/9999/csv",
        everyone((404, "no_week"))),
    # review of flagged votes, appeals, the vote ledger (issue 16)
    Row("fraud rules", "GET", "/api/v1/contests/*/fraud-rules",
        "/api/v1/contests/{slug}/fraud-rules", judge_only()),
    Row("set a fraud rule", "PUT", "/api/v1/contests/*/fraud-rules",
        "/api/v1/contests/{slug}/fraud-rules", admin_only(),
        body={"rule": "burst_prefix", "enabled": "false"}),
    Row("votes under review", "GET", "/api/v1/contests/*/review",
        "/api/v1/contests/{slug}/review", judge_only()),
    Row("confirm held votes", "POST", "/api/v1/contests/*/review/confirm",
        "/api/v1/contests/{slug}/review/confirm", judge_only(),
        body={"reason": "Đã xác minh"}),
    Row("void held votes", "POST", "/api/v1/contests/*/review/void",
        "/api/v1/contests/{slug}/review/void", judge_only(),
        body={"reason": "Gian lận"}),
    Row("my votes under review", "GET", "/api/v1/me/review",
        "/api/v1/me/review", logged_in()),
    Row("file an appeal", "POST", "/api/v1/entries/#/appeals",
        "/api/v1/entries/{approved}/appeals",
        owner_only(201, others=NO_ENTRY),
        body={"message": "Xin xem lại"}),
    Row("appeals queue", "GET", "/api/v1/admin/appeals",
        "/api/v1/admin/appeals", admin_only()),
    Row("answer an appeal", "POST", "/api/v1/admin/appeals/#/answer",
        "/api/v1/admin/appeals/999999999/answer",
        admin_only((404, "no_appeal")), body={"answer": "Đã xem"}),
    Row("vote ledger digests", "GET", "/api/v1/ledger", "/api/v1/ledger",
        everyone()),
    Row("fraud report", "GET", "/api/v1/contests/*/fraud",
        "/api/v1/contests/{slug}/fraud", judge_only()),
    Row("audit log", "GET", "/api/v1/admin/audit",
        "/api/v1/admin/audit?contest={slug}", admin_only()),
    Row("audit.csv", "GET", "/api/v1/admin/audit.csv",
        "/api/v1/admin/audit.csv", admin_only()),
    Row("create contest", "POST", "/api/v1/contests", "/api/v1/contests",
        admin_only(201),
        body=lambda w, r: {"slug": _rand("c-"), "title": "Cuộc thi mới"}),
    Row("edit contest", "PATCH", "/api/v1/contests/*",
        "/api/v1/contests/{slug}", admin_only(),
        body={"rules": "Thể lệ mới"}),
    Row("add category", "POST", "/api/v1/contests/*/categories",
        "/api/v1/contests/{slug}/categories", admin_only(201),
        body=lambda w, r: {"name": _rand("Thể loại ")}),
    Row("criteria", "PUT", "/api/v1/contests/*/criteria",
        "/api/v1/contests/{other}/criteria", admin_only(),
        body={"criteria": [{"name": "Nội dung", "weight": 60},
                           {"name": "Thẩm mỹ", "weight": 40}]},
        note="on the other contest, which has no scores"),
    Row("grant judge", "POST", "/api/v1/contests/*/judges",
        "/api/v1/contests/{slug}/judges", admin_only(201),
        body=lambda w, r: {"username": w.spare}),
    Row("revoke judge", "DELETE", "/api/v1/contests/*/judges/*",
        "/api/v1/contests/{slug}/judges/{spare}", admin_only()),
    Row("contest state", "GET", "/api/v1/admin/contests/*/state",
        "/api/v1/admin/contests/{slug}/state", admin_only()),
    # --- votes and leaderboards
    Row("vote", "POST", "/api/v1/entries/#/votes",
        "/api/v1/entries/{approved}/votes",
        {**logged_in(201), "participant": (403, "own_entry")}),
    Row("void votes", "POST", "/api/v1/contests/*/votes/void",
        "/api/v1/contests/{slug}/votes/void", admin_only(),
        body=lambda w, r: {"account": w.void_target, "reason": "thử"}),
    Row("restore votes", "POST", "/api/v1/contests/*/votes/restore",
        "/api/v1/contests/{slug}/votes/restore", admin_only(),
        body=lambda w, r: {"account": w.void_target}),
    # the voter's own state on the voting pages (issue 17): any account
    Row("my vote state", "GET", "/api/v1/contests/*/me/votes",
        "/api/v1/contests/{slug}/me/votes?entries={approved}", logged_in()),
    Row("leaderboard", "GET", "/api/v1/contests/*/leaderboard",
        "/api/v1/contests/{slug}/leaderboard?period=week", everyone()),
    Row("jury leaderboard", "GET", "/api/v1/contests/*/leaderboard",
        "/api/v1/contests/{slug}/leaderboard?by=combined", after_publish()),
    Row("unit leaderboard", "GET", "/api/v1/contests/*/leaderboard/units",
        "/api/v1/contests/{slug}/leaderboard/units?level=branch",
        everyone()),
    # --- the unit tree (issue 15)
    Row("unit type-ahead", "GET", "/api/v1/units", "/api/v1/units?q=chi",
        everyone()),
    Row("a unit", "GET", "/api/v1/units/*", "/api/v1/units/no-such-unit",
        everyone((404, "no_unit"))),
    Row("my unit", "PATCH", "/api/v1/me", "/api/v1/me", logged_in(),
        body={"unit": "Chi đoàn mới"}),
    # --- consent, minors and data rights (issue 16)
    Row("consent texts", "GET", "/api/v1/consent", "/api/v1/consent",
        everyone()),
    Row("my consents", "GET", "/api/v1/me/consent", "/api/v1/me/consent",
        logged_in()),
    Row("my birth year", "PUT", "/api/v1/me/birth-year",
        "/api/v1/me/birth-year", logged_in(), body={"birth_year": 1995}),
    Row("guardian consent", "POST", "/api/v1/me/guardian",
        "/api/v1/me/guardian", logged_in(),
        body={"guardian_name": "Nguyễn Văn Bố",
              "guardian_contact": "0912345678", "consent": True}),
    Row("my data", "GET", "/api/v1/me/data", "/api/v1/me/data", logged_in()),
    Row("erase me, not confirmed", "POST", "/api/v1/me/erase",
        "/api/v1/me/erase", logged_in((400, "confirm_mismatch")),
        body={"confirm": "not-my-name"},
        note="a confirmed erasure is test_consent.py's: it ends the account"),
    # --- certificates (issue 16)
    Row("certificate facts", "GET", "/api/v1/certificates/*",
        "/api/v1/certificates/" + "0" * 32,
        everyone((404, "no_certificate"))),
    Row("certificate page", "GET", "/certificates/*",
        "/certificates/" + "0" * 32, everyone((404, "no_certificate"))),
    Row("my certificates", "GET", "/api/v1/me/certificates",
        "/api/v1/me/certificates", logged_in()),
    Row("certificate settings", "PUT", "/api/v1/contests/*/certificates",
        "/api/v1/contests/{slug}/certificates", admin_only(),
        body={"organiser": "Ban tổ chức ma trận"}),
    Row("certificates ZIP", "GET", "/api/v1/contests/*/certificates.zip",
        "/api/v1/contests/{slug}/certificates.zip", admin_only()),
    Row("unit import", "POST", "/api/v1/admin/units/import",
        "/api/v1/admin/units/import", admin_only(),
        raw="code,name,kind\r\nazm-unit,Chi đoàn ma trận,branch\r\n"
        .encode()),
    Row("units.csv", "GET", "/api/v1/admin/units.csv",
        "/api/v1/admin/units.csv", admin_only()),
    Row("unmapped unit names", "GET", "/api/v1/admin/units/unmapped",
        "/api/v1/admin/units/unmapped", admin_only()),
    Row("map a unit name", "POST", "/api/v1/admin/units/map",
        "/api/v1/admin/units/map", admin_only((404, "no_unit")),
        body={"name": "Chi đoàn admin", "code": "no-such-unit"}),
    # --- server-rendered pages
    Row("share page", "GET", "/e/#", "/e/{approved}", everyone()),
    Row("share page of a pending entry", "GET", "/e/#", "/e/{pending}",
        everyone(404)),
    # --- outside the table (default deny)
    Row("no such route", "GET", None, "/api/v1/admin/users",
        everyone((404, "not_found"))),
    Row("wrong method", "PUT", None, "/api/v1/session",
        everyone((405, "method_not_allowed"))),
    # --- last: publishing opens what after_publish() hid
    Row("publish", "POST", "/api/v1/contests/*/publish",
        "/api/v1/contests/{slug}/publish", admin_only()),
    Row("results, published", "GET", "/api/v1/contests/*/results",
        "/api/v1/contests/{slug}/results", everyone()),
    Row("scores, published", "GET", "/api/v1/entries/#/scores",
        "/api/v1/entries/{approved}/scores", everyone()),
]


# --- running it -------------------------------------------------------------------

@dataclass
class Cell:
    row: str
    role: str
    method: str
    url: str
    body: object
    expect: object
    status: int = 0
    code: str = ""
    answer: str = ""
    problem: str = ""
    ok: bool = field(default=False)


def _want(expect):
    return expect if isinstance(expect, tuple) else (expect, None)


def _error_code(r):
    try:
        body = r.json()
    except ValueError:
        return ""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("code", ""))
    return ""


def run_row(w, row, role, csrf=True):
    expect = row.expect[role] if csrf else CSRF
    path = row.path.format(slug=w.slug, other=w.other_slug,
                           approved=w.approved, pending=w.pending,
                           spare=w.spare.lower(),
                           fresh=w.fresh_pending()
                           if row.fresh == "pending" else "")
    body = row.body(w, role) if callable(row.body) else row.body
    client = w.session(role) if row.fresh == "session" or not csrf \
        else w.clients[role]
    if not csrf:
        client.csrf = None
    kw = {}
    if row.upload:
        kw["data"] = {"title": _rand("Ảnh "), "category": str(w.category),
                      "consent": "yes"}
        kw["files"] = {"photo": ("p.jpg", w.jpeg(), "image/jpeg")}
    elif row.raw is not None:
        kw["data"] = row.raw
        kw["headers"] = {"Content-Type": "text/csv"}
    elif body is not None:
        kw["json"] = body
    cell = Cell(row.name if csrf else f"{row.name}, no CSRF token", role,
                row.method, path, body, expect)
    r = client.request(row.method, path, **kw)
    cell.status, cell.code = r.status_code, _error_code(r)
    cell.answer = r.text[:300] if "json" in \
        r.headers.get("Content-Type", "") else r.headers.get(
            "Content-Type", "")
    status, code = _want(expect)
    if cell.status != status:
        cell.problem = f"expected {status}, got {cell.status}"
    elif code is not None and cell.code != code:
        cell.problem = f"expected code {code}, got {cell.code!r}"
    elif row.check is not None:
        cell.problem = row.check(w, role, r) or ""
    cell.ok = not cell.problem
    if row.fresh == "session" or not csrf:
        client.close()
    return cell


def csrf_rows(rows=None):
    """The write rows a session must sign with its CSRF token."""
    return [r for r in rows or ROWS if r.method in WRITES
            and r.route is not None
            and (r.method, r.route) not in NO_CSRF_WRITES]


def run(w, rows=None, log=None):
    """Runs every cell in order; returns [Cell].  First every write as
    the admin without the CSRF token (403 csrf, before anything could
    change), then the matrix."""
    cells = []
    for row in csrf_rows(rows):
        cell = run_row(w, row, "admin", csrf=False)
        cells.append(cell)
        if log is not None and not cell.ok:
            log(f"MISMATCH {describe(cell)}")
    for row in rows or ROWS:
        for role in ROLES:
            if row.expect.get(role, "absent") is None:
                continue            # skipped on purpose (see the note)
            cell = run_row(w, row, role)
            cells.append(cell)
            if log is not None and not cell.ok:
                log(f"MISMATCH {describe(cell)}")
    return cells


def describe(c):
    body = "" if c.body is None else " " + json.dumps(c.body,
                                                      ensure_ascii=False)
    return (f"{c.row} as {c.role}: {c.method} {c.url}{body} -> "
            f"{c.status} {c.code} ({c.problem}) {c.answer[:200]}")


def markdown(cells, missing, stale):
    bad = [c for c in cells if not c.ok]
    nocsrf = [c for c in cells if c.row.endswith(", no CSRF token")]
    out = ["# Authorisation matrix", "",
           f"{len(cells)} cells ({len(ROWS)} rows x {len(ROLES)} roles, "
           f"skips noted, and {len(nocsrf)} writes as the admin without "
           f"the CSRF token), {len(bad)} differ; "
           f"{len(missing)} routes of router.c without a row, "
           f"{len(stale)} rows naming no route.", ""]
    for m in missing:
        out.append(f"- MISSING ROW: {m[0]} {m[1]}")
    for s in stale:
        out.append(f"- STALE ROW: {s[0]} {s[1]}")
    if bad:
        out += ["", "## Cells that differ", ""]
        out += [f"- {describe(c)}" for c in bad]
    out += ["", "## Writes without the CSRF token (admin)", ""]
    out += [f"- {c.method} {c.url}: {c.status} {c.code}"
            + ("" if c.ok else f" **{c.problem}**") for c in nocsrf]
    out += ["", "## Matrix (expected = got unless marked)", "",
            "| row | " + " | ".join(ROLES) + " |",
            "|---" * (len(ROLES) + 1) + "|"]
    by = {}
    for c in cells:
        by.setdefault(c.row, {})[c.role] = c
    for row in ROWS:
        got = by.get(row.name, {})
        line = []
        for role in ROLES:
            c = got.get(role)
            if c is None:
                line.append("skip")
            elif c.ok:
                line.append(str(c.status))
            else:
                line.append(f"**{c.status}≠{_want(c.expect)[0]}**")
        out.append(f"| {row.method} {row.path} | " + " | ".join(line) + " |")
    return "\n".join(out) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--admin", required=True, help="build/netdep-admin")
    ap.add_argument("--db", required=True, help="the app's conninfo")
    ap.add_argument("--demo-image", required=True)
    ap.add_argument("--out", required=True, help="directory for authz.*")
    a = ap.parse_args(argv)
    t0 = time.monotonic()
    missing, stale = coverage(read_router(), ROWS)
    missing += [(m, p, "write without R_CSRF")
                for m, p in csrf_gaps(read_router())]
    w = World(a.url, a.admin, a.db, a.demo_image)
    cells = run(w, log=print)
    bad = [c for c in cells if not c.ok]
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "authz.json"), "w") as f:
        json.dump({"cells": [c.__dict__ for c in cells],
                   "missing_rows": missing, "stale_rows": stale,
                   "seconds": round(time.monotonic() - t0, 1)}, f,
                  ensure_ascii=False, indent=1, default=str)
    with open(os.path.join(a.out, "authz.md"), "w") as f:
        f.write(markdown(cells, missing, stale))
    print(f"authz: {len(cells)} cells, {len(bad)} differ, "
          f"{len(missing)} routes without a row, {len(stale)} stale rows "
          f"({time.monotonic() - t0:.1f} s)")
    return 1 if bad or missing or stale else 0


if __name__ == "__main__":
    sys.exit(main())
