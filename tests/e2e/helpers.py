"""Helpers shared by the end-to-end test modules (not fixtures: those live
in conftest.py).  Every helper takes the clients and callables the
fixtures give, so tests stay independent: each builds its own contest and
users with random names.
"""

import contextlib
import os
import re
import secrets
import struct
import threading
import zlib


API = "/api/v1"

# Stored uploads per account and Vietnam day, as the e2e stack runs with
# (scripts/e2e.sh sets NETDEP_UPLOAD_DAILY_QUOTA; the server's default 20).
UPLOAD_QUOTA = int(os.environ.get("NETDEP_UPLOAD_DAILY_QUOTA", "20"))


# --- answers -----------------------------------------------------------

def describe(r):
    """A one-line account of a response, for assertion messages."""
    req = r.request
    return (f"{req.method} {req.url} -> {r.status_code} "
            f"{r.headers.get('Content-Type')} {r.text[:400]!r}")


def assert_status(r, status):
    assert r.status_code == status, f"expected {status}: {describe(r)}"


def assert_error(r, status, code):
    """The answer is status with the API's error shape and this code:
    {"error":{"code":code,"message":"..."}} and nothing else (but the
    challenge a challenge_required carries)."""
    assert r.status_code == status, \
        f"expected {status} {code}: {describe(r)}"
    ctype = r.headers.get("Content-Type", "")
    assert ctype.startswith("application/json"), \
        f"error body is not JSON: {describe(r)}"
    body = r.json()
    assert isinstance(body, dict) and set(body) == {"error"}, \
        f"error body shape: {describe(r)}"
    err = body["error"]
    extra = {"challenge"} if err.get("code") == "challenge_required" else set()
    assert isinstance(err, dict) and set(err) == {"code", "message"} | extra, \
        f"error object shape: {describe(r)}"
    if isinstance(code, (tuple, list, set)):
        assert err["code"] in code, f"expected code in {code}: {describe(r)}"
    else:
        assert err["code"] == code, f"expected code {code}: {describe(r)}"
    assert isinstance(err["message"], str) and err["message"].strip(), \
        f"empty error message: {describe(r)}"
    # Errors never name a constraint, a table or SQL (issue 12).
    assert not SQL_WORDS.search(err["message"]), \
        f"the error names the database: {describe(r)}"
    return err


SQL_WORDS = re.compile(r"constraint|violates|duplicate key|SQLSTATE|"
                       r"relation \"|syntax error|ERROR:|PQ[a-z]|"
                       r"\bnetdep\.[a-z_]+|_(key|idx|check|fkey)\b", re.I)


# --- "nothing changed" ---------------------------------------------------

def _db_state(db):
    """Every row a refused request could touch, beyond conftest's counts:
    entry states, votes, budgets, sessions, roles and the audit log."""
    queries = {
        "entries": "SELECT id, status, title, caption, category_id, slot, "
                   "reject_reason, decided_by FROM netdep.entries "
                   "ORDER BY id",
        "media": "SELECT entry_id, token FROM netdep.media ORDER BY 1",
        "votes": "SELECT id, entry_id, voter_id, period, voided_at "
                 "FROM netdep.votes ORDER BY id",
        "sessions": "SELECT encode(token_hash, 'hex'), account_id, "
                    "csrf_token FROM netdep.sessions ORDER BY 1",
        "accounts": "SELECT id, lower(username) FROM netdep.accounts "
                    "ORDER BY id",
        "roles": "SELECT account_id, role, contest_id FROM netdep.roles "
                 "ORDER BY 1, 2, 3",
        "audit_log": "SELECT count(*), max(id) FROM netdep.audit_log",
        "consents": "SELECT count(*), max(id) FROM netdep.consents",
        "upload_quota": "SELECT account_id, day, used "
                        "FROM netdep.upload_quota ORDER BY 1, 2",
    }
    out = {}
    with db.cursor() as cur:
        for name, sql in queries.items():
            cur.execute(sql)
            out[name] = cur.fetchall()
    return out


def state(snapshot, db):
    counts, files = snapshot()
    return {"counts": counts, "files": files, "rows": _db_state(db)}


@contextlib.contextmanager
def unchanged(snapshot, db):
    """with unchanged(snapshot, db): <refused request> -- asserts that no
    row and no media file changed (files compared by path)."""
    before = state(snapshot, db)
    yield
    after = state(snapshot, db)
    for key in before:
        if key == "rows":
            for table in before["rows"]:
                assert before["rows"][table] == after["rows"][table], \
                    f"table {table} changed"
        else:
            assert before[key] == after[key], \
                f"{key} changed: before {before[key]!r:.300} after " \
                f"{after[key]!r:.300}" if key == "counts" else \
                f"files changed: {sorted(set(before[key]) ^ set(after[key]))[:10]}"


# --- contests, users, entries -----------------------------------------

def contest_info(client, slug):
    r = client.get(f"{API}/contests/{slug}")
    assert_status(r, 200)
    return r.json()["contest"]


def category_ids(client, slug):
    return [c["id"] for c in contest_info(client, slug)["categories"]]


def upload(client, slug, photo, filename="photo.jpg", title=None,
           caption="", category=None, content_type="image/jpeg", **kw):
    """POSTs a multipart upload; returns the response.  title=None sends
    a random title; pass title=False to leave the field out."""
    data = {}
    if title is None:
        title = f"Ảnh dự thi {secrets.token_hex(3)}"
    if title is not False:
        data["title"] = title
    if caption is not None:
        data["caption"] = caption
    if category is not None:
        data["category"] = str(category)
    files = {"photo": (filename, photo, content_type)}
    return client.post(f"{API}/contests/{slug}/entries", data=data,
                       files=files, **kw)


def upload_ok(client, slug, photo, **kw):
    r = upload(client, slug, photo, **kw)
    assert_status(r, 201)
    entry = r.json()["entry"]
    assert entry["status"] == "pending", describe(r)
    return entry


def decide(judge, entry_id, action="approve", reason=None, **kw):
    body = {"action": action}
    if reason is not None:
        body["reason"] = reason
    return judge.post(f"{API}/entries/{entry_id}/moderation", json=body, **kw)


def approve(judge, entry_id):
    r = decide(judge, entry_id, "approve")
    assert_status(r, 200)
    assert r.json()["entry"]["status"] == "approved", describe(r)
    return r.json()["entry"]


def reject(judge, entry_id, reason="Ảnh không đúng chủ đề"):
    r = decide(judge, entry_id, "reject", reason)
    assert_status(r, 200)
    assert r.json()["entry"]["status"] == "rejected", describe(r)
    return r.json()["entry"]


def vote(client, entry_id, **kw):
    return client.post(f"{API}/entries/{entry_id}/votes", **kw)


def media_token(db, entry_id):
    with db.cursor() as cur:
        cur.execute("SELECT token FROM netdep.media WHERE entry_id = %s",
                    (entry_id,))
        row = cur.fetchone()
    assert row is not None, f"no media row for entry {entry_id}"
    return row[0]


def public_media_path(token, suffix="_t400.jpg"):
    return f"/media/{token[:2]}/{token[2:4]}/{token}{suffix}"


DERIV_SUFFIXES = ("_t400.jpg", "_t400.webp", "_d1600.jpg", "_d1600.webp")


def vote_rows(db, entry_id, voter_id=None):
    with db.cursor() as cur:
        if voter_id is None:
            cur.execute("SELECT count(*) FROM netdep.votes "
                        "WHERE entry_id = %s", (entry_id,))
        else:
            cur.execute("SELECT count(*) FROM netdep.votes "
                        "WHERE entry_id = %s AND voter_id = %s",
                        (entry_id, voter_id))
        return cur.fetchone()[0]


def cookie_header_values(r, name="netdep_session"):
    """The raw Set-Cookie header lines for cookie name."""
    raw = r.raw.headers.getlist("Set-Cookie") if hasattr(
        r.raw.headers, "getlist") else [r.headers.get("Set-Cookie", "")]
    return [v for v in raw if v.strip().startswith(name + "=")]


def cookie_attrs(line):
    """'a=b; Path=/; HttpOnly' -> (value, {'path': '/', 'httponly': True})"""
    parts = [p.strip() for p in line.split(";")]
    value = parts[0].split("=", 1)[1]
    attrs = {}
    for p in parts[1:]:
        if "=" in p:
            k, v = p.split("=", 1)
            attrs[k.strip().lower()] = v.strip()
        elif p:
            attrs[p.lower()] = True
    return value, attrs


# --- image bytes ----------------------------------------------------------

def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))


PNG_SIG = b"\x89PNG\r\n\x1a\n"


def png_header_only(w, h):
    """Signature and an IHDR (correct CRC) claiming w x h, nothing else."""
    return PNG_SIG + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2,
                                                    0, 0, 0))


def png_bomb(w=20000, h=20000):
    """A small, well-formed-looking PNG that claims w x h: IHDR, a tiny
    IDAT (a few compressed zero rows) and IEND.  Decoding it would need
    w*h*3 bytes; a server must refuse it from the header alone."""
    rows = zlib.compress(b"\x00" * (1 + 3 * w) * 4, 9)
    return (png_header_only(w, h) + png_chunk(b"IDAT", rows)
            + png_chunk(b"IEND", b""))


def jpeg_size(data):
    """(width, height) from a JPEG's SOF marker."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            i += 1 if marker == 0xFF else 2
            continue
        seg = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA,
                      0xCB, 0xCD, 0xCE, 0xCF):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + seg
    raise AssertionError("no SOF marker in JPEG")


GIF_BYTES = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!"
             b"\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01"
             b"\x00\x00\x02\x02D\x01\x00;")
SVG_BYTES = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"'
             b' width="2000" height="2000"><script>alert(1)</script>'
             b'<rect width="2000" height="2000"/></svg>\n')
HTML_BYTES = (b"<!doctype html><html><body><script>alert(document.cookie)"
              b"</script></body></html>\n")
TEXT_BYTES = b"This is not a photo, just some text pretending to be one.\n" * 20


# --- raw HTTP ------------------------------------------------------------

def raw_http(base_url, data, timeout=30):
    """Sends raw bytes to the site and returns (status, head, body) of the
    first answer; for requests that requests itself will not send."""
    import socket
    from urllib.parse import urlsplit
    u = urlsplit(base_url)
    with socket.create_connection((u.hostname, u.port or 80),
                                  timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
                buf = b"".join(chunks)
                if b"\r\n\r\n" in buf:
                    head, _, body = buf.partition(b"\r\n\r\n")
                    for line in head.split(b"\r\n"):
                        if line.lower().startswith(b"content-length:"):
                            if len(body) >= int(line.split(b":")[1]):
                                raise StopIteration
        except (StopIteration, ConnectionResetError, socket.timeout):
            pass
    buf = b"".join(chunks)
    head, _, body = buf.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else 0
    return status, head.decode("latin-1"), body


def rand(prefix="x"):
    return f"{prefix}{secrets.token_hex(4)}"


def new_anon(base_url):
    from conftest import Client
    return Client(base_url)


# --- concurrency ---------------------------------------------------------

def run_together(fns):
    """Runs the callables in threads released together; returns results
    in order (exceptions are returned, not raised)."""
    barrier = threading.Barrier(len(fns))
    results = [None] * len(fns)

    def run(i, fn):
        try:
            barrier.wait(timeout=60)
            results[i] = fn()
        except Exception as e:  # noqa: BLE001 - reported by the caller
            results[i] = e
    threads = [threading.Thread(target=run, args=(i, fn))
               for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def clone(client, base_url):
    """A second connection with the same session (threads must not share
    one requests.Session)."""
    from conftest import Client
    c = Client(base_url, addr=client.addr)
    c.cookies.update(client.cookies)
    c.csrf = client.csrf
    return c
