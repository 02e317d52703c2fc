"""The database's doors (issue 12): PostgreSQL takes no TCP connection,
authenticates every connection by peer (never trust), the application role
netdep_app owns nothing, cannot change the schema or write what it was not
granted, runs under statement, lock and idle-transaction timeouts, and,
as root, PostgreSQL and the workers run as different system users (the
workers can neither read the cluster nor log in as its owner)."""

import os
import re
import shutil
import subprocess

import psycopg2
import psycopg2.errors
import pytest


def _psql():
    for cand in (os.environ.get("PSQL"), "/usr/lib/postgresql/15/bin/psql",
                 shutil.which("psql")):
        if cand and os.access(cand, os.X_OK):
            return cand
    pytest.fail("psql not found (PostgreSQL 15 client)")


@pytest.fixture
def app():
    """A connection as netdep_app, the server's own conninfo."""
    conn = psycopg2.connect(os.environ["NETDEP_DB"])
    yield conn
    conn.close()


def _one(conn, sql, *args):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchone()[0]


def postmaster_pid(var_dir):
    with open(os.path.join(var_dir, "pg", "postmaster.pid")) as f:
        return int(f.readline())


def uid_of(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Uid:"):
                return int(line.split()[1])  # the real uid
    raise AssertionError(f"no Uid line for {pid}")


def children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def listening_inodes():
    """Socket inodes of every listening TCP socket (v4 and v6)."""
    inodes = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    cols = line.split()
                    if cols[3] == "0A":  # TCP_LISTEN
                        inodes.add(cols[9])
        except FileNotFoundError:
            pass
    return inodes


def socket_inodes(pid):
    out = set()
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        m = re.fullmatch(r"socket:\[(\d+)\]", target)
        if m:
            out.add(m.group(1))
    return out


def test_db_listens_on_no_tcp_port(db, var_dir):
    assert _one(db, "SHOW listen_addresses") == ""
    pid = postmaster_pid(var_dir)
    mine = socket_inodes(pid)
    assert mine, "the postmaster holds no socket at all: wrong process?"
    assert not mine & listening_inodes(), \
        "the postmaster holds a listening TCP socket"


def test_db_hba_peer_only_no_trust(db):
    with db.cursor() as cur:
        cur.execute("SELECT line_number, type, database, user_name, "
                    "auth_method, error FROM pg_hba_file_rules")
        rules = cur.fetchall()
    assert rules, "pg_hba.conf has no rule"
    for line, kind, _dbs, users, method, error in rules:
        assert error is None, f"pg_hba.conf line {line}: {error}"
        assert kind == "local", f"line {line}: a {kind} rule (TCP)"
        assert method in ("peer", "scram-sha-256"), \
            f"line {line}: {users} authenticated by {method}"
    app_rules = [r for r in rules if "netdep_app" in r[3] or "all" in r[3]]
    assert app_rules and all(r[2] == ["netdep"] for r in app_rules
                             if "netdep_app" in r[3]), \
        "netdep_app may connect to another database than netdep"


def test_db_app_owns_nothing(db):
    # Every owner dependency, in every database and of every kind.
    assert _one(db, "SELECT count(*) FROM pg_shdepend WHERE refobjid = "
                    "'netdep_app'::regrole AND deptype = 'o'") == 0
    assert _one(db, "SELECT count(*) FROM pg_class WHERE relowner = "
                    "'netdep_app'::regrole") == 0
    assert _one(db, "SELECT count(*) FROM pg_proc WHERE proowner = "
                    "'netdep_app'::regrole") == 0
    row = None
    with db.cursor() as cur:
        cur.execute("SELECT rolsuper, rolcreatedb, rolcreaterole, "
                    "rolreplication, rolbypassrls, rolinherit "
                    "FROM pg_roles WHERE rolname = 'netdep_app'")
        row = cur.fetchone()
    assert row[:5] == (False, False, False, False, False)
    # It is member of no role (whose rights it would inherit).
    assert _one(db, "SELECT count(*) FROM pg_auth_members WHERE member = "
                    "'netdep_app'::regrole") == 0


# Each statement must be refused to netdep_app for lack of a privilege.
# (Not among them: a role may always SET its own timeouts, even ALTER ROLE
# itself SET them; they bound mistakes, not a hostile session.)
FORBIDDEN = [
    "CREATE TABLE netdep.intruder (x int)",
    "CREATE TABLE public.intruder (x int)",
    "CREATE TEMP TABLE intruder (x int)",
    "CREATE SCHEMA intruder",
    "CREATE FUNCTION netdep.intruder() RETURNS int LANGUAGE sql AS "
    "'SELECT 1'",
    "CREATE VIEW netdep.intruder AS SELECT 1",
    "ALTER TABLE netdep.accounts ADD COLUMN intruder int",
    "ALTER TABLE netdep.votes DISABLE TRIGGER ALL",
    "ALTER FUNCTION netdep.media_path(text, text) OWNER TO netdep_app",
    "CREATE OR REPLACE FUNCTION netdep.media_path(token text, suffix text) "
    "RETURNS text LANGUAGE sql AS 'SELECT token'",
    "DROP TABLE netdep.votes",
    "DROP FUNCTION netdep.media_path(text, text)",
    "TRUNCATE netdep.accounts",
    "TRUNCATE netdep.audit_log",
    "UPDATE netdep.audit_log SET action = 'x'",
    "DELETE FROM netdep.audit_log",
    "INSERT INTO public.schema_migrations (version) VALUES ('999')",
    "DELETE FROM public.schema_migrations",
    "CREATE ROLE intruder",
    "CREATE DATABASE intruder",
    "CREATE EXTENSION IF NOT EXISTS pgcrypto",
    "COPY netdep.accounts TO '/tmp/netdep-accounts'",
    "SELECT pg_read_file('postgresql.conf')",
]


@pytest.mark.parametrize("sql", FORBIDDEN)
def test_db_app_cannot(app, sql):
    app.autocommit = True  # CREATE DATABASE refuses a transaction block
    with app.cursor() as cur:
        with pytest.raises(psycopg2.Error) as err:
            cur.execute(sql)
    # 42501 insufficient_privilege; 3D000/42883 would mean a typo above.
    assert err.value.pgcode == "42501", \
        f"{sql}: {err.value.pgcode} {err.value}"


def test_db_app_can_still_do_its_work(app):
    """The refusals above are not a broken connection: the role reads and
    calls its functions (the suite's uploads and votes do the rest)."""
    with app.cursor() as cur:
        cur.execute("SELECT count(*) FROM accounts")
        assert cur.fetchone()[0] >= 0
        cur.execute("SHOW search_path")
        assert cur.fetchone()[0] == "netdep"
    app.rollback()


def test_db_app_role_timeouts(db, app):
    with db.cursor() as cur:
        cur.execute("SELECT unnest(setconfig) FROM pg_db_role_setting "
                    "WHERE setrole = 'netdep_app'::regrole "
                    "AND setdatabase = 0")
        settings = dict(r[0].split("=", 1) for r in cur.fetchall())
    for key in ("statement_timeout", "lock_timeout",
                "idle_in_transaction_session_timeout"):
        assert key in settings, f"netdep_app has no {key}: {settings}"
    # And a session of the role runs under them, none of them off.
    with app.cursor() as cur:
        for key in ("statement_timeout", "lock_timeout",
                    "idle_in_transaction_session_timeout"):
            cur.execute("SELECT setting::int FROM pg_settings "
                        "WHERE name = %s", (key,))
            assert cur.fetchone()[0] > 0, f"{key} is off for netdep_app"
        # statement_timeout really stops a statement.
        cur.execute("SET LOCAL statement_timeout = '50ms'")
        with pytest.raises(psycopg2.errors.QueryCanceled):
            cur.execute("SELECT pg_sleep(5)")
    app.rollback()


def _runtime_user(var_dir):
    import pwd
    return pwd.getpwuid(os.stat(os.path.join(var_dir, "run")).st_uid).pw_name


def _psql_as(user, conninfo):
    return subprocess.run(
        ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups",
         "--", _psql(), "-X", "-tAc", "SELECT current_user", conninfo],
        capture_output=True, text=True, timeout=60, cwd="/")


def test_db_postgres_and_workers_are_different_users(var_dir):
    if os.geteuid() != 0:
        pytest.skip("run by a user: everything runs as that user")
    pg = postmaster_pid(var_dir)
    with open(os.path.join(var_dir, "run", "netdep.pid")) as f:
        master = int(f.read())
    workers = children(master)
    assert workers, "no worker under the master"
    pg_uid = uid_of(pg)
    assert pg_uid != 0 and uid_of(master) != 0
    assert uid_of(master) != pg_uid, "the server runs as PostgreSQL's user"
    for w in workers:
        assert uid_of(w) == uid_of(master)
        assert uid_of(w) != pg_uid, f"worker {w} runs as PostgreSQL's user"
    for b in children(pg):
        assert uid_of(b) == pg_uid


def test_db_worker_user_is_only_netdep_app(var_dir):
    """The workers' system user reaches the database as netdep_app and
    not as the owner, and cannot read the cluster's files."""
    if os.geteuid() != 0:
        pytest.skip("run by a user: everything runs as that user")
    user = _runtime_user(var_dir)
    app_dsn = os.environ["NETDEP_DB"]
    owner_dsn = os.environ["NETDEP_DSN"]
    ok = _psql_as(user, app_dsn)
    assert ok.returncode == 0 and ok.stdout.strip() == "netdep_app", \
        ok.stderr
    bad = _psql_as(user, owner_dsn)
    assert bad.returncode != 0, "the workers' user logs in as the owner"
    assert "authentication failed" in bad.stderr, bad.stderr
    other_db = re.sub(r"dbname=\S+", "dbname=postgres", app_dsn)
    bad = _psql_as(user, other_db)
    assert bad.returncode != 0, "netdep_app reaches database postgres"
    assert "no pg_hba.conf entry" in bad.stderr, bad.stderr
    read = subprocess.run(
        ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups",
         "--", "cat", os.path.join(var_dir, "pg", "PG_VERSION")],
        capture_output=True, text=True, timeout=60)
    assert read.returncode != 0, "the workers' user reads the cluster"
