"""Fixtures of netdep's end-to-end suite (fixtures only; tests live beside).

The suite runs against a live stack started by scripts/e2e.sh (make test),
which exports:
  NETDEP_URL       http://127.0.0.1:PORT (nginx in front of the workers)
  NETDEP_DSN       owner conninfo, for assertions on rows
  NETDEP_DB        the application's conninfo (used by netdep-admin)
  NETDEP_MEDIA     the media root (tmp/ orig/ priv/ pub/)
  NETDEP_VAR       the stack's state directory
  NETDEP_ADMIN     path of netdep-admin
  NETDEP_TESTDATA  absolute path of the image corpora (tests/data)
  NETDEP_DEMO_IMAGE path of netdep-demo-image (default: beside NETDEP_ADMIN)

Every Client connects from an address of its own in 127.64.0.0/10 (any
127/8 address is the loopback), as distinct people on distinct phones do,
so the per-address limits of nginx and the workers see them apart; a
plain requests call comes from 127.0.0.1, the stack's trusted proxy
(e2e.sh sets NETDEP_TRUSTED_PROXIES=127.0.0.1/32), which may name a
client in X-Forwarded-For.

Fixtures: base_url, db, media_dir, var_dir, testdata, admin_cli, new_user,
anon, contest, make_jpeg, make_png, snapshot.  The helpers png_bytes() and
jpeg_bytes() are importable too (`from conftest import png_bytes`).
"""

import os
import re
import secrets
import struct
import subprocess
import sys
import tempfile
import zlib

import psycopg2
import pytest
import requests

# The browser fixtures live beside the browser tests; load them as a plugin
# so tests/e2e and tests/browser share one conftest.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "browser"))
pytest_plugins = ["browserkit"]

PASSWORD = "correct horse battery staple 2026"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
_used_addrs = set()


def client_address():
    """A random loopback address in 127.64.0.0/10 that no other Client of
    this run has (random, so that clients rarely share a /24, which the
    registration brake counts)."""
    while True:
        n = 1 + secrets.randbelow((1 << 22) - 2)
        addr = f"127.{64 + (n >> 16)}.{(n >> 8) & 255}.{n & 255}"
        if not addr.endswith((".0", ".255")) and addr not in _used_addrs:
            _used_addrs.add(addr)
            return addr


class FromAddress(requests.adapters.HTTPAdapter):
    """Connects from a given local address (any of 127.0.0.0/8 works on
    loopback)."""

    def __init__(self, addr):
        self.addr = addr
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.addr, 0)
        super().init_poolmanager(*args, **kwargs)


def _env(name):
    value = os.environ.get(name)
    if not value:
        raise pytest.UsageError(
            f"{name} is not set: run the suite through `make test` "
            "(scripts/e2e.sh), which starts a stack and exports it")
    return value


# --- sessions ----------------------------------------------------------

class Client(requests.Session):
    """A requests.Session bound to the site.

    Relative URLs ("/api/v1/health") are joined to the base URL.  After a
    login, .csrf holds the session's CSRF token and is sent as X-CSRF-Token
    on POST/PUT/PATCH/DELETE; pass csrf=False to leave it out, or
    csrf="other" to send another value.  .user is the JSON user object
    returned at login, .username and .password the credentials.
    """

    def __init__(self, base_url, addr=None):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.addr = addr or client_address()
        self.mount("http://", FromAddress(self.addr))
        self.csrf = None
        self.user = None
        self.username = None
        self.password = None

    # Registration and upload need the consent checkbox and registration
    # a birth year (issue 16): a Client adds them where a test left them
    # out, so every test registers and uploads as the pages do; pass
    # consent=False to send exactly what the test wrote.
    ADULT_BIRTH_YEAR = 1990
    _REGISTER = re.compile(r"/api/v1/accounts$")
    _UPLOAD = re.compile(r"/api/v1/contests/[^/]+/entries$")

    def _with_consent(self, method, url, kwargs):
        if method.upper() != "POST":
            return
        path = url.split("?", 1)[0]
        if self._REGISTER.search(path) and isinstance(kwargs.get("json"),
                                                      dict):
            body = dict(kwargs["json"])
            body.setdefault("consent", True)
            body.setdefault("birth_year", self.ADULT_BIRTH_YEAR)
            kwargs["json"] = body
        elif self._UPLOAD.search(path) and "files" in kwargs:
            data = kwargs.get("data")
            if isinstance(data, dict):
                data = dict(data)
                data.setdefault("consent", "yes")
            elif data is None:
                data = {"consent": "yes"}
            elif isinstance(data, (list, tuple)):
                if not any(k == "consent" for k, _ in data):
                    data = list(data) + [("consent", "yes")]
            kwargs["data"] = data

    def request(self, method, url, *args, csrf=True, consent=True, **kwargs):
        if url.startswith("/"):
            url = self.base_url + url
        if consent:
            self._with_consent(method, url, kwargs)
        kwargs.setdefault("timeout", 30)
        headers = dict(kwargs.pop("headers", None) or {})
        if method.upper() in STATE_CHANGING and csrf is not False:
            token = self.csrf if csrf is True else csrf
            if token is not None:
                headers.setdefault("X-CSRF-Token", token)
        return super().request(method, url, *args, headers=headers, **kwargs)

    def login(self, username, password):
        """Logs in; returns the response.  Sets .csrf and .user on 200."""
        r = self.post("/api/v1/session",
                      json={"username": username, "password": password},
                      csrf=False)
        if r.status_code == 200:
            body = r.json()
            self.csrf = body.get("csrf_token")
            self.user = body.get("user")
            self.username = username
            self.password = password
        return r


@pytest.fixture(scope="session")
def base_url():
    return _env("NETDEP_URL").rstrip("/")


@pytest.fixture
def anon(base_url):
    """A fresh client with no session (a visitor)."""
    with Client(base_url) as c:
        yield c


# --- paths and the database ------------------------------------------------

@pytest.fixture(scope="session")
def media_dir():
    return _env("NETDEP_MEDIA")


@pytest.fixture(scope="session")
def var_dir():
    return _env("NETDEP_VAR")


@pytest.fixture(scope="session")
def testdata():
    path = _env("NETDEP_TESTDATA")
    if not os.path.isdir(path):
        # The corpora are part of the repository: missing means broken.
        pytest.fail(f"test data not found at {path} (tests/data/)")
    return path


class _OwnerDb:
    """The owner's connection; reconnect() after a test restarted
    PostgreSQL (tests/e2e/test_faults.py), so the tests after it keep a
    working one.  Everything else is the psycopg2 connection's."""

    def __init__(self):
        self._conn = None
        self.reconnect()

    def reconnect(self):
        if self._conn is not None:
            self._conn.close()
        self._conn = psycopg2.connect(_env("NETDEP_DSN"))
        self._conn.autocommit = True
        with self._conn.cursor() as cur:
            cur.execute("SET search_path = netdep, public")

    def __getattr__(self, name):
        return getattr(self._conn, name)


@pytest.fixture(scope="session")
def db():
    """psycopg2 connection as the cluster owner, autocommit, search_path
    netdep: for assertions on rows (and set-up the API cannot do)."""
    conn = _OwnerDb()
    yield conn
    conn.close()


# --- the admin command-line tool -------------------------------------------

@pytest.fixture(scope="session")
def admin_cli():
    """admin_cli(*args, input=None, check=False) runs netdep-admin with
    NETDEP_DB set and returns the CompletedProcess (text mode)."""
    exe = os.path.abspath(_env("NETDEP_ADMIN"))
    env = dict(os.environ, NETDEP_DB=_env("NETDEP_DB"))

    def run(*args, input=None, check=False, timeout=60):
        return subprocess.run([exe, *map(str, args)], input=input,
                              capture_output=True, text=True, env=env,
                              check=check, timeout=timeout)
    return run


def _random_name(prefix):
    return f"{prefix}{secrets.token_hex(5)}"


@pytest.fixture
def contest(admin_cli):
    """contest(**settings) creates a contest with a random slug and returns
    the slug.  Settings are netdep-admin's options with underscores:
    title, submit_from, submit_until, vote_from, vote_until,
    min_short_side, max_entries, votes_per_day, vote_rule, categories (a
    list or a comma-separated string).  Windows left out are open."""

    def make(**settings):
        slug = _random_name("t-")
        settings.setdefault("title", f"Cuộc thi thử {slug}")
        args = ["contest", "create", slug]
        for key, value in settings.items():
            if value is None:
                continue
            if key == "categories" and not isinstance(value, str):
                value = ",".join(value)
            args += [f"--{key.replace('_', '-')}", str(value)]
        r = admin_cli(*args)
        assert r.returncode == 0, f"netdep-admin {args}: {r.stderr}"
        return slug
    return make


@pytest.fixture
def new_user(admin_cli, base_url):
    """new_user(role=None, contest=None, **fields) creates an account with
    netdep-admin (random username, password conftest.PASSWORD), grants
    role ("judge" or "admin", optionally for contest), logs in and returns
    the Client (.csrf, .user, .username, .password).  fields: display_name,
    unit (a free-text unit name), unit_code (a node of the unit tree)."""
    clients = []

    def make(role=None, contest=None, display_name=None, unit="Chi đoàn 1",
             unit_code=None, login=True):
        username = _random_name("u")
        display_name = display_name or f"Người dùng {username}"
        extra = ["--unit-code", unit_code] if unit_code else []
        r = admin_cli("user", "create", username, "--display-name",
                      display_name, "--unit", unit, *extra,
                      input=PASSWORD + "\n")
        assert r.returncode == 0, f"user create {username}: {r.stderr}"
        if role is not None:
            args = ["grant", role, username]
            if contest is not None:
                args += ["--contest", contest]
            r = admin_cli(*args)
            assert r.returncode == 0, f"grant {args}: {r.stderr}"
        c = Client(base_url)
        clients.append(c)
        c.username, c.password = username, PASSWORD
        if login:
            r = c.login(username, PASSWORD)
            assert r.status_code == 200, f"login {username}: {r.text}"
            assert c.csrf, f"login {username}: no csrf_token in {r.text}"
        return c
    yield make
    for c in clients:
        c.close()


# --- images ----------------------------------------------------------------

def _demo_image_exe():
    exe = os.environ.get("NETDEP_DEMO_IMAGE")
    if not exe:
        exe = os.path.join(os.path.dirname(_env("NETDEP_ADMIN")),
                           "netdep-demo-image")
    return os.path.abspath(exe)


def jpeg_bytes(w=1600, h=1200, seed=None, caption=None):
    """A real JPEG of w x h drawn by netdep-demo-image (a new picture per
    call unless seed is given)."""
    seed = secrets.randbelow(10**9) if seed is None else seed
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "x.jpg")
        args = [_demo_image_exe(), str(seed), out, str(w), str(h)]
        if caption is not None:
            args.append(caption)
        subprocess.run(args, check=True, capture_output=True, timeout=120)
        with open(out, "rb") as f:
            return f.read()


def png_bytes(w=1000, h=800, seed=None):
    """A real RGB PNG of w x h (a gradient), written in pure Python; rows
    are compressed one by one, so large sizes stay cheap in memory."""
    seed = secrets.randbelow(256) if seed is None else seed % 256

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    z = zlib.compressobj(6)
    parts = []
    row_rgb = bytearray()
    for x in range(w):
        row_rgb += bytes(((x * 255) // max(w - 1, 1), seed, 128))
    for y in range(h):
        shade = (y * 255) // max(h - 1, 1)
        row = bytearray(row_rgb)
        row[2::3] = bytes([shade]) * w
        parts.append(z.compress(b"\x00" + bytes(row)))
    parts.append(z.flush())
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b""))


@pytest.fixture(scope="session")
def make_jpeg():
    """make_jpeg(w=1600, h=1200, seed=None, caption=None) -> bytes."""
    return jpeg_bytes


@pytest.fixture(scope="session")
def make_png():
    """make_png(w=1000, h=800, seed=None) -> bytes."""
    return png_bytes


# --- "nothing changed" -----------------------------------------------------

SNAPSHOT_TABLES = ("entries", "media", "votes", "accounts", "sessions")


@pytest.fixture
def snapshot(db, media_dir):
    """snapshot() -> (counts, files): row counts of entries, media, votes,
    accounts and sessions, and the sorted paths of every file under the
    media root.  Take one before and one after a refused request and
    assert they are equal."""

    def take():
        counts = {}
        with db.cursor() as cur:
            for table in SNAPSHOT_TABLES:
                cur.execute(f"SELECT count(*) FROM netdep.{table}")
                counts[table] = cur.fetchone()[0]
        files = []
        for root, _dirs, names in os.walk(media_dir):
            for name in names:
                files.append(os.path.relpath(os.path.join(root, name),
                                             media_dir))
        return counts, sorted(files)
    return take
