"""The S3 media backend (issue 18; README, Media storage) against a real
S3-compatible server: s3rver from npm (pinned in tests/s3, installed by
`make s3-tools` into build/s3; this module installs it when missing),
started here on a free port with a private and a public bucket.  A second
netdep master (NETDEP_STORAGE=s3, same database) and a second nginx
rendered by netdep-ctl for it serve the same uploads as the local backend's
tests: objects stored and a row committed, the derivatives fetched through
nginx's proxy to the public bucket, the original private, withdraw and
erase removing the objects, the orphan sweep over the buckets, and with
s3rver stopped a 503 `unavailable` that writes neither row nor object;
once it is back, uploads work again.

s3rver checks no SigV4 signature (3.7.1: "Signature version 4 calculation
is unimplemented"), so netdep talks to tests/s3/sigv4_proxy.py in front
of it (scripts/s3rver.sh start --verify), which recomputes each signature
and refuses a wrong one with 403 SignatureDoesNotMatch: every test ends
with no refusal and at least one signed request checked, and a netdep
with a wrong secret is refused.  The tests' own unsigned reads and plants
go to s3rver's port directly.

Every wait polls with a generous deadline: nothing is timed."""

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile

import pytest
import requests

from judging_helpers import wait_for
from helpers import API, approve, assert_error, clone, decide, \
    media_token, public_media_path, upload, upload_ok

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
CTL = os.path.join(TOP, "scripts", "netdep-ctl")
S3RVER = os.path.join(TOP, "build", "s3", "node_modules", ".bin", "s3rver")
PRIV, PUB = "netdep-priv", "netdep-pub"
ROOT = os.geteuid() == 0
RUSER = os.environ.get("NETDEP_USER", "netdep") if ROOT else None
DERIVS = ("_t400.jpg", "_t400.webp", "_d1600.jpg", "_d1600.webp")


def as_user(argv):
    if RUSER is None:
        return argv
    return ["setpriv", f"--reuid={RUSER}", f"--regid={RUSER}",
            "--init-groups", "--"] + argv


def give(path):
    if RUSER is not None:
        pw = pwd.getpwnam(RUSER)
        os.chown(path, pw.pw_uid, pw.pw_gid)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def poll(fn, what):
    """wait_for with the generous deadline a loaded machine needs."""
    return wait_for(fn, what, timeout=180)


def s3rver_path():
    """The pinned s3rver, installed now if `make s3-tools` did not run."""
    if not os.path.exists(S3RVER):
        r = subprocess.run(["make", "-C", TOP, "s3-tools"],
                           capture_output=True, text=True)
        if r.returncode != 0 or not os.path.exists(S3RVER):
            pytest.fail("s3rver could not be installed by `make s3-tools` "
                        "(npm ci in build/s3 from tests/s3/package-lock."
                        "json; needs npm and the npm registry):\n"
                        + r.stdout[-2000:] + r.stderr[-2000:])
    return S3RVER


class S3:
    """A running s3rver with the two buckets (scripts/s3rver.sh, the one
    make cluster uses); stop() and start() again on the same port and
    data, as a service that goes away and comes back."""

    def __init__(self, home):
        s3rver_path()
        self.ctl = os.path.join(TOP, "scripts", "s3rver.sh")
        self.home = os.path.join(home, "s3")
        self.port = free_port()
        self.log = os.path.join(self.home, "s3rver.log")
        self.secret = os.path.join(self.home, "secret")
        self.url = f"http://127.0.0.1:{self.port}"  # the verifying proxy
        self.direct = None  # s3rver's own URL, known once started

    def up(self):
        try:
            return requests.get(self.url + "/", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def start(self):
        r = subprocess.run([self.ctl, "start", "--verify", self.home,
                            str(self.port)], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        assert self.up()
        with open(os.path.join(self.home, "s3rver-port")) as f:
            self.direct = f"http://127.0.0.1:{int(f.read())}"

    def checked(self):
        """(requests whose signature the proxy verified, refused ones)."""
        try:
            with open(os.path.join(self.home, "sigv4.log")) as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            lines = []
        return (sum(1 for x in lines if x.startswith("ok ")),
                [x for x in lines if x.startswith("refused ")])

    def signed_ok_since(self, before):
        """Every request since checked() gave before had a good signature,
        and there were some."""
        ok, refused = self.checked()
        assert refused == before[1], refused[len(before[1]):]
        assert ok > before[0], "no signed request reached the proxy"

    def stop(self):
        r = subprocess.run([self.ctl, "stop", self.home],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        poll(lambda: not self.up(), "s3rver to stop answering")

    def keys(self, bucket):
        """Every key of bucket (s3rver answers anonymous listings)."""
        r = requests.get(f"{self.direct}/{bucket}",
                         params={"list-type": "2"}, timeout=30)
        assert r.status_code == 200, r.text
        return set(re.findall(r"<Key>([^<]+)</Key>", r.text))

    def get(self, bucket, key):
        return requests.get(f"{self.direct}/{bucket}/{key}", timeout=30)

    def put(self, bucket, key, body):
        r = requests.put(f"{self.direct}/{bucket}/{key}", data=body,
                         timeout=30)
        assert r.status_code == 200, r.text


def admin_media(env, *args):
    """`netdep-admin media args...` of the build under test, with env (the
    S3 stack's); its CompletedProcess, text output captured."""
    admin = os.path.join(os.path.dirname(os.path.abspath(
        os.environ["NETDEP_ADMIN"])), "netdep-admin")
    return subprocess.run([admin, "media", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def fan(area, token, suffix):
    return f"{area}/{token[:2]}/{token[2:4]}/{token}{suffix}"


@pytest.fixture(scope="module")
def s3_stack(var_dir):
    """(S3, base URL, env of the S3 master) of a netdep master with
    NETDEP_STORAGE=s3 on the e2e database and an nginx in front of it.
    Whatever started is stopped afterwards, a failed set-up included."""
    home = tempfile.mkdtemp(prefix="s3-", dir=var_dir)
    os.chmod(home, 0o755)
    s3 = S3(home)
    os.makedirs(s3.home)
    with open(s3.secret, "w") as f:  # netdep's and the proxy's
        f.write("S3RVER\n")
    os.chmod(s3.secret, 0o600)
    give(s3.secret)
    procs = []  # (process, stop signal), stopped in reverse
    try:
        s3.start()
        yield start_stack(home, s3, procs)
    finally:
        for proc, sig in reversed(procs):
            if proc.poll() is None:
                proc.send_signal(sig)
                proc.wait(timeout=60)
        s3.stop()
        if not os.environ.get("NETDEP_KEEP"):  # e2e.sh's post-mortem
            shutil.rmtree(home, ignore_errors=True)


def start_stack(home, s3, procs):
    secret = s3.secret
    state = os.path.join(home, "var")
    port = free_port()
    build = os.path.dirname(os.path.abspath(os.environ["NETDEP_ADMIN"]))
    env = dict(os.environ,
               NETDEP_STORAGE="s3", NETDEP_S3_ENDPOINT=s3.url,
               NETDEP_S3_BUCKET=PRIV, NETDEP_S3_PUBLIC_BUCKET=PUB,
               NETDEP_S3_ACCESS_KEY_ID="S3RVER",
               NETDEP_S3_SECRET_FILE=secret,
               NETDEP_HTTP_LISTEN=f"127.0.0.1:{port}", NETDEP_BUILD=build,
               NETDEP_SITE_URL=f"http://127.0.0.1:{port}")
    r = subprocess.run([CTL, "nginx-render", state], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    conf = os.path.join(state, "nginx", "nginx.conf")
    with open(conf) as f:
        assert f"proxy_pass {s3.url}/{PUB}/pub/;" in f.read()
    media = os.path.join(state, "media")
    sock = os.path.join(state, "run", "netdep.sock")
    env.update(NETDEP_SOCKET=sock, NETDEP_MEDIA=media, NETDEP_WORKERS="2",
               NETDEP_LOG=os.path.join(state, "log", "netdep.log"))
    env.pop("NETDEP_PIDFILE", None)
    master = subprocess.Popen(as_user([f"{build}/netdep"]), env=env,
                              stdin=subprocess.DEVNULL,
                              start_new_session=True)
    procs.append((master, signal.SIGTERM))
    poll(lambda: os.path.exists(sock) or master.poll() is not None,
         "the S3 master's socket")
    assert master.poll() is None, "the S3 master exited"
    nginx = subprocess.Popen(
        as_user(["/usr/sbin/nginx", "-p", os.path.join(state, "nginx") + "/",
                 "-c", conf, "-e",
                 os.path.join(state, "log", "nginx-error.log"),
                 "-g", "daemon off;"]),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append((nginx, signal.SIGQUIT))
    base = f"http://127.0.0.1:{port}"

    def answers():
        try:
            return requests.get(base + "/", timeout=5).status_code == 200
        except requests.RequestException:
            return nginx.poll() is not None
    poll(answers, "the S3 stack's nginx")
    assert nginx.poll() is None, "nginx exited"
    return s3, base, env, media


def local_files(media):
    """Files in the S3 master's local areas: there must be none."""
    found = []
    for area in ("orig", "priv", "pub"):
        for root, _, files in os.walk(os.path.join(media, area)):
            found += [os.path.join(root, f) for f in files]
    return found


def test_s3_upload_serve_withdraw_erase(s3_stack, contest, new_user,
                                        make_jpeg, db):
    s3, base, _, media = s3_stack
    signed = s3.checked()
    slug = contest(min_short_side=200)
    user = new_user()
    author = clone(user, base)
    judge = clone(new_user("judge", slug), base)
    photo = make_jpeg(400, 300, seed=31)

    # Upload: the objects are in the private bucket, the row names them.
    entry = upload_ok(author, slug, photo)
    token = media_token(db, entry["id"])
    priv = s3.keys(PRIV)
    assert fan("orig", token, ".jpg") in priv
    for sfx in DERIVS:
        assert fan("priv", token, sfx) in priv
    assert not any(token in k for k in s3.keys(PUB)), "public too early"
    assert local_files(media) == []
    assert s3.get(PRIV, fan("orig", token, ".jpg")).content == photo

    # Not approved: nothing public; owner sees the private derivative
    # through the worker.
    anon = requests.Session()
    r = anon.get(base + public_media_path(token), timeout=30)
    assert r.status_code == 404, r.status_code
    r = author.get(f"{API}/entries/{entry['id']}/media/t400.jpg")
    assert r.status_code == 200 and r.content[:2] == b"\xff\xd8"
    assert "no-store" in r.headers.get("Cache-Control", "")

    # Approved: the derivatives are copied to the public bucket and
    # nginx serves them from there with a long lifetime.
    approve(judge, entry["id"])
    for sfx in DERIVS:
        assert fan("pub", token, sfx) in s3.keys(PUB)
    r = anon.get(base + public_media_path(token), timeout=30)
    assert r.status_code == 200, r.status_code
    assert r.headers["Content-Type"] == "image/jpeg"
    assert "max-age=31536000" in r.headers["Cache-Control"]
    assert r.content == s3.get(PUB, fan("pub", token, "_t400.jpg")).content
    assert not any(h.lower().startswith("x-amz") for h in r.headers)

    # The original stays private: only its owner (and judges) get it.
    r = author.get(f"{API}/entries/{entry['id']}/original")
    assert r.status_code == 200 and r.content == photo
    assert "attachment" in r.headers["Content-Disposition"]
    r = anon.get(f"{base}{API}/entries/{entry['id']}/original", timeout=30)
    assert r.status_code in (401, 403, 404), r.status_code
    assert not any(k.startswith("orig/") for k in s3.keys(PUB))
    for path in (f"/media/../orig/{token[:2]}/{token[2:4]}/{token}.jpg",
                 f"/_orig/{token[:2]}/{token[2:4]}/{token}.jpg"):
        r = anon.get(base + path, timeout=30)
        assert r.status_code in (400, 404), (path, r.status_code)

    # Withdrawn: the public objects go at once, the private ones stay for
    # the retention period.
    r = author.delete(f"{API}/entries/{entry['id']}")
    assert r.status_code == 200, r.text
    assert not any(token in k for k in s3.keys(PUB))
    assert fan("orig", token, ".jpg") in s3.keys(PRIV)

    # Erased account: every object of the entry is removed.
    r = author.post(f"{API}/me/erase", json={"confirm": user.username})
    assert r.status_code == 200, r.text
    assert not any(token in k for k in s3.keys(PRIV) | s3.keys(PUB))
    s3.signed_ok_since(signed)


def test_s3_sweep_removes_orphans_only(s3_stack, contest, new_user,
                                       make_jpeg, db):
    s3, base, env, _ = s3_stack
    signed = s3.checked()
    slug = contest(min_short_side=200)
    author = clone(new_user(), base)
    kept = media_token(db, upload_ok(author, slug,
                                     make_jpeg(400, 300, seed=32))["id"])
    orphan = "%032x" % int.from_bytes(os.urandom(16), "big")
    planted = [(PRIV, fan("orig", orphan, ".jpg")),
               (PRIV, fan("priv", orphan, "_t400.jpg")),
               (PUB, fan("pub", orphan, "_t400.jpg"))]
    for bucket, key in planted:
        s3.put(bucket, key, b"x" * 100)
    s3.put(PRIV, "not-ours/readme.txt", b"keep me")

    def sweep(*args):
        r = admin_media(env, *args)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout

    # Young orphans stay (they may be uploads in flight).
    sweep("sweep")
    assert all(k in s3.keys(b) for b, k in planted)
    out = sweep("orphans", "--older-than", "0")
    assert orphan in out.replace("/", "")
    assert all(k in s3.keys(b) for b, k in planted), "a report removed"
    sweep("sweep", "--older-than", "0")
    assert not any(k in s3.keys(b) for b, k in planted)
    assert fan("orig", kept, ".jpg") in s3.keys(PRIV)
    assert "not-ours/readme.txt" in s3.keys(PRIV)
    s3.signed_ok_since(signed)


def test_s3_down_upload_503_writes_nothing(s3_stack, contest, new_user,
                                           make_jpeg, db):
    s3, base, _, media = s3_stack
    signed = s3.checked()
    slug = contest(min_short_side=200)
    author = clone(new_user(), base)
    judge = clone(new_user("judge", slug), base)
    waiting = upload_ok(author, slug, make_jpeg(400, 300, seed=37))["id"]
    before = s3.keys(PRIV) | s3.keys(PUB)

    def entries():
        with db.cursor() as cur:
            cur.execute("SELECT count(*) FROM netdep.entries e JOIN "
                        "netdep.contests c ON c.id = e.contest_id "
                        "WHERE c.slug = %s", (slug,))
            return cur.fetchone()[0]

    s3.stop()
    try:
        r = upload(author, slug, make_jpeg(400, 300, seed=33))
        assert_error(r, 503, "unavailable")
        assert int(r.headers["Retry-After"]) > 0
        assert "kho lưu ảnh" in r.json()["error"]["message"]
        assert entries() == 1
        assert local_files(media) == []
        # An approval cannot publish: 503, the entry stays pending.
        r = decide(judge, waiting, "approve")
        assert_error(r, 503, "unavailable")
        assert "Retry-After" in r.headers
        with db.cursor() as cur:
            cur.execute("SELECT status FROM netdep.entries WHERE id = %s",
                        (waiting,))
            assert cur.fetchone()[0] == "pending"
    finally:
        s3.start()
    assert s3.keys(PRIV) | s3.keys(PUB) == before, "an object was written"
    entry = upload_ok(author, slug, make_jpeg(400, 300, seed=34))
    assert fan("orig", media_token(db, entry["id"]), ".jpg") in s3.keys(PRIV)
    assert entries() == 2
    s3.signed_ok_since(signed)


def test_s3_refused_row_removes_its_objects(s3_stack, contest, new_user,
                                            make_jpeg, db):
    """The objects are stored before the row; when the row is refused (the
    contest's entry limit), they are removed again."""
    s3, base, _, _ = s3_stack
    signed = s3.checked()
    slug = contest(min_short_side=200, max_entries=1)
    author = clone(new_user(), base)
    upload_ok(author, slug, make_jpeg(400, 300, seed=35))
    before = s3.keys(PRIV) | s3.keys(PUB)
    r = upload(author, slug, make_jpeg(400, 300, seed=36))
    assert_error(r, 409, "entry_limit")
    assert s3.keys(PRIV) | s3.keys(PUB) == before
    s3.signed_ok_since(signed)


def test_s3_wrong_secret_is_refused(s3_stack):
    """The proxy does check: netdep-admin with another secret is refused
    (403 SignatureDoesNotMatch), fails and removes nothing."""
    s3, _, env, _ = s3_stack
    wrong = os.path.join(s3.home, "wrong-secret")
    with open(wrong, "w") as f:
        f.write("S3RVEX\n")
    orphan = "%032x" % int.from_bytes(os.urandom(16), "big")
    s3.put(PRIV, fan("orig", orphan, ".jpg"), b"x" * 100)
    ok, refused = s3.checked()
    r = admin_media(dict(env, NETDEP_S3_SECRET_FILE=wrong), "sweep",
                    "--older-than", "0")
    assert r.returncode != 0, r.stdout + r.stderr
    now_ok, now_refused = s3.checked()
    new = now_refused[len(refused):]
    assert new and all("SignatureDoesNotMatch" in x for x in new), new
    assert now_ok == ok, "a request with the wrong secret was let through"
    assert fan("orig", orphan, ".jpg") in s3.keys(PRIV)


def test_s3_listing_continuation_is_signed(s3_stack):
    """A listing page of foreign keys only makes netdep ask again with
    S3's continuation token (base64: '+', '/', '=' to encode in the query
    string): that request's signature is checked too."""
    s3, _, env, _ = s3_stack
    signed = s3.checked()
    for i in range(70):  # "not-ours/" sorts before "orig/": a full page
        s3.put(PRIV, f"not-ours/page/{i:03d}.txt", b"keep me")
    orphan = "%032x" % int.from_bytes(os.urandom(16), "big")
    s3.put(PRIV, fan("orig", orphan, ".jpg"), b"x" * 100)
    r = admin_media(env, "orphans", "--older-than", "0")
    assert r.returncode == 0, r.stdout + r.stderr
    assert orphan in r.stdout.replace("/", "")
    s3.signed_ok_since(signed)
    with open(os.path.join(s3.home, "sigv4.log")) as f:
        assert any(x.startswith("ok GET ") and "continuation-token=" in x
                   for x in f), "no continuation request was made"


def test_s3_large_put_is_signed(s3_stack, contest, new_user, make_jpeg,
                                db):
    """An original over 1 MB: libcurl < 8.3.0 adds its own, unsigned,
    "Expect: 100-continue" there (store_s3.c sends no "Expect:" for it to
    sign); the PUT is verified and the object stored whole."""
    s3, base, _, _ = s3_stack
    signed = s3.checked()
    slug = contest(min_short_side=200)
    author = clone(new_user(), base)
    photo = make_jpeg(400, 300, seed=38)
    comment = b"\xff\xfe\xff\xff" + b"c" * 65533  # a whole COM segment
    big = photo[:2] + comment * 17 + photo[2:]
    assert len(big) > 1024 * 1024
    token = media_token(db, upload_ok(author, slug, big)["id"])
    assert s3.get(PRIV, fan("orig", token, ".jpg")).content == big
    s3.signed_ok_since(signed)
    put = f"ok PUT /{PRIV}/{fan('orig', token, '.jpg')}"
    with open(os.path.join(s3.home, "sigv4.log")) as f:
        assert any(x.startswith(put) for x in f), "the PUT was not verified"
