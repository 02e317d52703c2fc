"""Read replicas (issue 18; README, Several machines): a streaming standby
of the e2e stack's cluster, made here with pg_basebackup -R and held back
by recovery_min_apply_delay, and two extra netdep masters reading from it
(NETDEP_DB_READ) with a lag bound of an hour and of 2 s, spoken to over
FastCGI.  A voter's next read shows their vote (the standby has not
replayed it, so the read goes to the primary), an anonymous read through
the lenient master is stale (the standby is used), and the strict master
stops using the standby once it lags more than its bound.

Every wait polls with a generous deadline: nothing is timed."""

import json
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

import psycopg2
import pytest

from fcgi import fcgi_request
from helpers import API, approve, upload_ok, vote
from vote_helpers import settle

PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
ROOT = os.geteuid() == 0
RUSER = os.environ.get("NETDEP_USER", "netdep") if ROOT else None
PGUSER = os.environ.get("NETDEP_PG_USER", "netdep-pg") if ROOT else None


def as_user(user, argv):
    if user is None:
        return argv
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups",
            "--"] + argv


def give(user, path):
    if user is not None:
        pw = pwd.getpwnam(user)
        os.chown(path, pw.pw_uid, pw.pw_gid)


def poll(fn, what, timeout=120.0, step=0.2):
    deadline = time.monotonic() + timeout
    while True:
        got = fn()
        if got:
            return got
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(step)


@pytest.fixture(scope="module")
def standby(var_dir):
    """(socket dir, port, owner connection) of a hot standby of the stack's
    cluster; stopped and removed after the module."""
    pgsock = os.path.join(var_dir, "pgsock")
    home = tempfile.mkdtemp(prefix="replica-", dir=var_dir)
    os.chmod(home, 0o750)
    give(PGUSER, home)
    port = 15432 + os.getpid() % 1000
    pgdata, log = os.path.join(home, "pg"), os.path.join(home, "pg.log")
    subprocess.run(as_user(PGUSER, [
        f"{PGBIN}/pg_basebackup", "-D", pgdata, "-R", "-X", "stream",
        "-c", "fast", "-h", pgsock, "-U", "netdep"]), check=True)
    with open(os.path.join(pgdata, "postgresql.auto.conf"), "a") as f:
        f.write(f"port = {port}\nhot_standby = on\narchive_mode = off\n")
    subprocess.run(as_user(PGUSER, [
        f"{PGBIN}/pg_ctl", "-D", pgdata, "-l", log, "-w", "-t", "300", "-s",
        "start"]), check=True)
    conn = psycopg2.connect(host=pgsock, port=port, dbname="netdep",
                            user="netdep")
    conn.autocommit = True
    try:
        yield pgsock, port, conn, pgdata
    finally:
        conn.close()
        subprocess.run(as_user(PGUSER, [
            f"{PGBIN}/pg_ctl", "-D", pgdata, "-m", "immediate", "-w", "-s",
            "stop"]))
        shutil.rmtree(home, ignore_errors=True)


def standby_query(conn, sql, args=()):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchone()


def replayed_approval(sconn, eid):
    """Waits until the standby has replayed entry eid's approval."""
    poll(lambda: standby_query(
        sconn, "SELECT status = 'approved' FROM netdep.entries "
               "WHERE id = %s", (eid,)) == (True,),
         "the standby to replay the approval")


@pytest.fixture(scope="module")
def replica_master(var_dir, standby):
    """replica_master(lag_ms, board_cache_ms=0) -> the FastCGI socket of a
    netdep master (one worker) whose reads may go to the standby."""
    pgsock, port, _, _ = standby
    build = os.path.dirname(os.path.abspath(os.environ["NETDEP_ADMIN"]))
    procs = []
    home = tempfile.mkdtemp(prefix="replica-app-", dir=var_dir)
    give(RUSER, home)

    def start(lag_ms, board_cache_ms=0, vote_batch=128):
        name = f"lag{lag_ms}-cache{board_cache_ms}-batch{vote_batch}"
        sock = os.path.join(home, f"{name}.sock")
        env = {
            "PATH": "/usr/bin:/bin",
            "NETDEP_DB": os.environ["NETDEP_DB"],
            "NETDEP_DB_READ": f"host={pgsock} port={port} dbname=netdep "
                              "user=netdep_app",
            "NETDEP_READ_MAX_LAG_MS": str(lag_ms),
            "NETDEP_SOCKET": sock, "NETDEP_WORKERS": "1",
            "NETDEP_MEDIA": os.environ["NETDEP_MEDIA"],
            "NETDEP_LOG": os.path.join(home, f"{name}.log"),
            "NETDEP_BOARD_CACHE_MS": str(board_cache_ms),
            "NETDEP_VOTE_BATCH": str(vote_batch),
        }
        p = subprocess.Popen(as_user(RUSER, [f"{build}/netdep"]), env=env,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        procs.append(p)
        poll(lambda: os.path.exists(sock) or p.poll() is not None,
             "the master's socket")
        assert p.poll() is None, "the replica master exited; see its log"
        return sock
    yield start
    for p in procs:
        os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
    shutil.rmtree(home, ignore_errors=True)


def call(sock, method, path, client=None, lsn=None):
    """One request straight to a master: (status, headers, JSON or None)."""
    cookies = []
    if client is not None:
        cookies.append(f"netdep_session={client.cookies.get('netdep_session')}")
    if lsn is not None:
        cookies.append(f"netdep_lsn={lsn}")
    params = {"REQUEST_METHOD": method, "REQUEST_URI": path,
              "QUERY_STRING": "", "REMOTE_ADDR": "127.0.0.1",
              "HTTP_HOST": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
              "CONTENT_LENGTH": "0"}
    if cookies:
        params["HTTP_COOKIE"] = "; ".join(cookies)
    if client is not None and method != "GET":
        params["HTTP_X_CSRF_TOKEN"] = client.csrf
    status, headers, body = fcgi_request(sock, params, stdin=b"")

    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    return status, headers, doc


def votes_of(sock, eid, client=None, lsn=None):
    status, _, doc = call(sock, "GET", f"{API}/entries/{eid}", client, lsn)
    assert status == 200, f"entry read: {status} {doc}"
    return doc["entry"]["votes"]


def test_read_your_writes_against_a_delayed_standby(
        standby, replica_master, contest, new_user, make_jpeg, db):
    _, _, sconn, pgdata = standby
    slug = contest(min_short_side=200, vote_rule="once", votes_per_day=10)
    judge, owner, voter = new_user(role="judge", contest=slug), new_user(), \
        new_user()
    eid = upload_ok(owner, slug, make_jpeg(400, 300))["id"]
    approve(judge, eid)
    # The standby has the approved entry: it replayed a transaction
    # lately, which is what its lag is measured from.
    replayed_approval(sconn, eid)
    # From now on it replays nothing for an hour.
    with open(os.path.join(pgdata, "postgresql.auto.conf"), "a") as f:
        f.write("recovery_min_apply_delay = '1h'\n")
    standby_query(sconn, "SELECT pg_reload_conf()")
    poll(lambda: standby_query(sconn, "SHOW recovery_min_apply_delay")
         == ("1h",), "the standby to take the delay")

    lenient, strict = replica_master(3600 * 1000), replica_master(2000)
    assert votes_of(lenient, eid) == 0
    status, headers, doc = call(lenient, "POST", f"{API}/entries/{eid}/votes",
                                voter)
    assert status == 201, f"vote: {status} {doc}"
    cookie = headers.get("set-cookie", "")
    assert cookie.startswith("netdep_lsn="), f"no LSN cookie: {headers}"
    lsn = cookie.split(";")[0].split("=", 1)[1]

    # The voter sees their vote (the primary answers: the standby has not
    # replayed it), once the folder counted it.
    poll(lambda: votes_of(lenient, eid, voter, lsn) == 1,
         "the voter's own read to show the vote")
    # Anonymous visitors (and the voter without the cookie) read the
    # standby, an hour behind but within this master's bound: stale.
    assert votes_of(lenient, eid) == 0
    assert votes_of(lenient, eid, voter) == 0
    assert standby_query(sconn, "SELECT pg_is_in_recovery()") == (True,)
    # The strict master (2 s) stops reading a standby that far behind.
    poll(lambda: votes_of(strict, eid) == 1,
         "the strict master to read from the primary")
    with db.cursor() as cur:
        cur.execute("SELECT votes FROM netdep.entry_stats "
                    "WHERE entry_id = %s", (eid,))
        assert cur.fetchone() == (1,)


def apply_delay(sconn, pgdata, delay):
    """Sets the standby's recovery_min_apply_delay (the last line of
    postgresql.auto.conf wins) and waits until it runs with it."""
    with open(os.path.join(pgdata, "postgresql.auto.conf"), "a") as f:
        f.write(f"recovery_min_apply_delay = '{delay}'\n")
    standby_query(sconn, "SELECT pg_reload_conf()")
    poll(lambda: standby_query(sconn, "SHOW recovery_min_apply_delay")
         == (delay,), f"the standby to take the delay {delay}")


def test_a_board_read_from_a_standby_goes_once_the_standby_replays(
        standby, replica_master, contest, new_user, make_jpeg, db):
    """A worker hears a fold from the primary and reads the board again,
    from a standby that has not replayed the fold yet: that board must
    not be kept until the next notification (60 s here) once the standby
    has caught up."""
    _, _, sconn, pgdata = standby
    apply_delay(sconn, pgdata, "0")
    slug = contest(min_short_side=200)
    judge, owner = new_user(role="judge", contest=slug), new_user()
    eid = upload_ok(owner, slug, make_jpeg(400, 300))["id"]
    approve(judge, eid)
    replayed_approval(sconn, eid)
    sock = replica_master(3600 * 1000, board_cache_ms=60000)
    path = f"{API}/contests/{slug}/leaderboard"

    def board():
        status, _, doc = call(sock, "GET", path)
        assert status == 200, f"board: {status} {doc}"
        return [(x["entry"]["id"], x["votes"]) for x in doc["entries"]]
    assert board() == [(eid, 0)]

    apply_delay(sconn, pgdata, "1h")
    assert vote(new_user(), eid).status_code == 201
    settle(db)
    # The worker heard the fold; it reads the board again from the
    # standby, which has not replayed the fold: still no vote.
    assert board() == [(eid, 0)]
    apply_delay(sconn, pgdata, "0")
    poll(lambda: standby_query(
        sconn, "SELECT votes FROM netdep.entry_stats WHERE entry_id = %s",
        (eid,)) == (1,), "the standby to replay the fold")
    # Well within the board's 60 s, without another notification.
    got = poll(lambda: board() == [(eid, 1)] or None,
               "the worker to read the board again", timeout=30.0)
    assert got


def test_a_master_without_a_vote_writer_casts_votes_itself(
        standby, replica_master, contest, new_user, make_jpeg):
    """NETDEP_VOTE_BATCH=0: no writer and no socket for one; each worker
    casts its votes as batches of one on its own connection, with the
    same rules and the read-your-writes cookie."""
    slug = contest(min_short_side=200, vote_rule="once")
    judge, owner, voter = new_user(role="judge", contest=slug), new_user(), \
        new_user()
    eid = upload_ok(owner, slug, make_jpeg(400, 300))["id"]
    approve(judge, eid)
    sock = replica_master(3600 * 1000, vote_batch=0)
    assert not os.path.exists(sock + ".votes")
    status, headers, doc = call(sock, "POST", f"{API}/entries/{eid}/votes",
                                voter)
    assert status == 201 and doc["vote_count"] == 1, f"{status} {doc}"
    assert headers.get("set-cookie", "").startswith("netdep_lsn="), headers
    status, _, doc = call(sock, "POST", f"{API}/entries/{eid}/votes", voter)
    assert status == 409 and doc["error"]["code"] == "already_voted", doc
