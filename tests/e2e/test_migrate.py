"""The schema runner (scripts/migrate.sh, sql/README.md) against a database
of its own in the suite's cluster: table migrations applied once and
checksummed, an edited one refused, every function re-created from
sql/functions/ on each run in one transaction."""

import os
import re
import secrets
import shutil
import subprocess

import psycopg2
import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _psql():
    for cand in (os.environ.get("PSQL"), "/usr/lib/postgresql/15/bin/psql",
                 shutil.which("psql")):
        if cand and os.access(cand, os.X_OK):
            return cand
    pytest.fail("psql not found (PostgreSQL 15 client)")


@pytest.fixture
def scratch(tmp_path):
    """A copy of sql/ and the runner, and an empty database to run it on."""
    shutil.copytree(os.path.join(TOP, "sql"), tmp_path / "sql")
    (tmp_path / "scripts").mkdir()
    shutil.copy(os.path.join(TOP, "scripts", "migrate.sh"),
                tmp_path / "scripts" / "migrate.sh")
    name = "migtest_" + secrets.token_hex(4)
    owner = os.environ["NETDEP_DSN"]
    admin = psycopg2.connect(owner)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    dsn = re.sub(r"dbname=\S+", f"dbname={name}", owner)

    def run():
        return subprocess.run(
            ["bash", str(tmp_path / "scripts" / "migrate.sh"), dsn],
            env=dict(os.environ, PSQL=_psql()), capture_output=True,
            text=True, timeout=120)

    conn = None

    def connect():
        nonlocal conn
        if conn is None:
            conn = psycopg2.connect(dsn)
            conn.autocommit = True
        return conn

    def hold(*files):
        """Moves sql/ files (paths under sql/, e.g. "migrations/014_x.sql")
        aside, as a release without them; returns what puts them back."""
        aside = tmp_path / "held"
        aside.mkdir(exist_ok=True)
        moved = [(tmp_path / "sql" / f, aside / f.replace("/", "_"))
                 for f in files]
        for src, dst in moved:
            shutil.move(str(src), str(dst))

        def restore():
            for src, dst in moved:
                shutil.move(str(dst), str(src))
        return restore

    yield {"dir": tmp_path, "run": run, "db": connect, "hold": hold}
    if conn is not None:
        conn.close()
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE {name} WITH (FORCE)")
    admin.close()


def _one(conn, sql, *args):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchone()[0]


def test_fresh_database_then_up_to_date(scratch):
    first = scratch["run"]()
    assert first.returncode == 0, first.stderr
    migrations = sorted(os.listdir(scratch["dir"] / "sql" / "migrations"))
    assert first.stdout.count("migrate: applied") == len(migrations)
    conn = scratch["db"]()
    assert _one(conn, "SELECT count(*) FROM public.schema_migrations "
                      "WHERE sha256 ~ '^[0-9a-f]{64}$'") == len(migrations)
    assert _one(conn, "SELECT count(*) FROM pg_proc WHERE pronamespace = "
                      "'netdep'::regnamespace") > 30

    again = scratch["run"]()
    assert again.returncode == 0, again.stderr
    assert "schema up to date" in again.stdout
    assert "migrate: applied" not in again.stdout


def test_an_edited_migration_is_refused(scratch):
    assert scratch["run"]().returncode == 0
    path = scratch["dir"] / "sql" / "migrations" / "005_entries.sql"
    path.write_text(path.read_text() + "\nCREATE TABLE netdep.sneaky (x int);\n")
    res = scratch["run"]()
    assert res.returncode != 0
    assert "005_entries.sql was changed after it was applied" in res.stderr
    assert _one(scratch["db"](), "SELECT to_regclass('netdep.sneaky') IS NULL")


def test_a_failed_migration_changes_nothing(scratch):
    assert scratch["run"]().returncode == 0
    conn = scratch["db"]()
    mig = scratch["dir"] / "sql" / "migrations"
    (mig / "900_test_good.sql").write_text(
        "CREATE TABLE netdep.scratch_a (x int);\n")
    (mig / "901_test_bad.sql").write_text(
        "CREATE TABLE netdep.scratch_b (x int);\nSELECT no_such_column;\n")
    res = scratch["run"]()
    assert res.returncode != 0
    assert "nothing was changed" in res.stderr
    # Neither migration landed, and every function is still there.
    assert _one(conn, "SELECT to_regclass('netdep.scratch_a') IS NULL")
    assert _one(conn, "SELECT count(*) FROM public.schema_migrations "
                      "WHERE version IN ('900', '901')") == 0
    assert _one(conn, "SELECT count(*) FROM pg_trigger WHERE tgname = "
                      "'votes_log_insert'") == 1
    (mig / "901_test_bad.sql").write_text("CREATE TABLE netdep.scratch_b (x int);\n")
    res = scratch["run"]()
    assert res.returncode == 0, res.stderr
    assert "applied 900_test_good" in res.stdout and "applied 901_test_bad" in res.stdout


def test_functions_are_exactly_what_the_files_say(scratch):
    assert scratch["run"]().returncode == 0
    conn = scratch["db"]()
    common = scratch["dir"] / "sql" / "functions" / "010_common.sql"
    text = common.read_text()
    # A changed body is live after the next run ...
    common.write_text(text.replace("|| suffix;", "|| suffix || '';", 1)
                      + "\nCREATE FUNCTION netdep.scratch_extra() RETURNS int"
                        "\nLANGUAGE sql RETURN 1;\n")
    assert scratch["run"]().returncode == 0, "re-applying failed"
    assert _one(conn, "SELECT netdep.scratch_extra()") == 1
    assert "|| ''" in _one(conn, "SELECT pg_get_functiondef("
                                 "'netdep.media_path(text,text)'::regprocedure)")
    # ... and a function no file defines any more is gone, not left over.
    common.write_text(text)
    assert scratch["run"]().returncode == 0
    assert _one(conn, "SELECT to_regprocedure('netdep.scratch_extra()') IS NULL")
    # Triggers come back with their functions.
    assert _one(conn, "SELECT count(*) FROM pg_trigger WHERE tgname = "
                      "'votes_log_insert'") == 1


def test_a_broken_functions_file_changes_nothing(scratch):
    assert scratch["run"]().returncode == 0
    conn = scratch["db"]()
    before = _one(conn, "SELECT count(*) FROM pg_proc WHERE pronamespace = "
                        "'netdep'::regnamespace")
    path = scratch["dir"] / "sql" / "functions" / "060_admin.sql"
    path.write_text(path.read_text() + "\nCREATE FUNCTION broken( AS;\n")
    res = scratch["run"]()
    assert res.returncode != 0
    assert "nothing was changed" in res.stderr
    assert _one(conn, "SELECT count(*) FROM pg_proc WHERE pronamespace = "
                      "'netdep'::regnamespace") == before
    assert _one(conn, "SELECT count(*) FROM pg_trigger WHERE tgname = "
                      "'votes_log_insert'") == 1


def test_a_table_may_not_depend_on_a_function(scratch):
    assert scratch["run"]().returncode == 0
    conn = scratch["db"]()
    with conn.cursor() as cur:
        cur.execute("CREATE INDEX media_path_idx ON netdep.media "
                    "(netdep.media_path(token, '_x'))")
    res = scratch["run"]()
    assert res.returncode != 0
    assert "depends on function" in res.stderr
    # Refused before anything was dropped: the index and function live.
    assert not _one(conn, "SELECT to_regclass('netdep.media_path_idx') IS NULL")


def test_search_migration_numbers_entries_and_makes_texts_nfc(scratch):
    """014_search.sql on a database that has rows: entries numbered per
    contest by creation order, the counter set past them, texts stored
    decomposed brought to NFC, the folded search text filled."""
    import unicodedata
    restore = scratch["hold"]("migrations/014_search.sql",
                              "functions/075_search.sql")
    assert scratch["run"]().returncode == 0
    conn = scratch["db"]()
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    with conn.cursor() as cur:
        cur.execute("SET search_path = netdep")
        cur.execute("INSERT INTO contests (slug, title) VALUES ('mc', %s), "
                    "('md', 'Khác') RETURNING id",
                    (unicodedata.normalize("NFD", "Ảnh đẹp"),))
        c1, c2 = [r[0] for r in cur.fetchall()]
        cur.execute("INSERT INTO accounts (username, display_name, unit, "
                    "password_hash) VALUES ('mig_a', %s, %s, "
                    "'$argon2id$x') RETURNING id",
                    (nfd, unicodedata.normalize("NFD", "Xã Đông Hoà")))
        aid = cur.fetchone()[0]
        for contest, title, slot in ((c1, "Một", 1), (c2, "Hai", 1),
                                     (c1, nfd, 2), (c1, "Ba", 3)):
            cur.execute("INSERT INTO entries (contest_id, account_id, title, "
                        "slot) VALUES (%s, %s, %s, %s)",
                        (contest, aid, title, slot))
    restore()
    res = scratch["run"]()
    assert res.returncode == 0, res.stderr
    with conn.cursor() as cur:
        cur.execute("SELECT contest_id, number, title FROM netdep.entries "
                    "ORDER BY id")
        rows = cur.fetchall()
        assert [(c, n) for c, n, _ in rows] == [(c1, 1), (c2, 1), (c1, 2),
                                                 (c1, 3)]
        assert rows[2][2] == "Nguyễn Thị Hoà"
        cur.execute("SELECT display_name, unit FROM netdep.accounts")
        assert cur.fetchone() == ("Nguyễn Thị Hoà", "Xã Đông Hoà")
        cur.execute("SELECT title FROM netdep.contests WHERE id = %s", (c1,))
        assert cur.fetchone()[0] == "Ảnh đẹp"
        cur.execute("SELECT search_fold FROM netdep.entries WHERE "
                    "contest_id = %s AND number = 2", (c1,))
        # Number, title, the author's name and unit (the entry's own unit
        # is empty here), as the trigger of 075_search.sql writes it.
        fold = cur.fetchone()[0]
        assert fold == " 2 nguyen thi hoa nguyen thi hoa xa dong hoa "
        cur.execute("SELECT netdep.entry_search_fold(2, %s, '', %s)",
                    ("Nguyễn Thị Hoà", aid))
        assert cur.fetchone()[0] == fold
        # The counter goes on from there.
        cur.execute("INSERT INTO netdep.entries (contest_id, account_id, "
                    "title, slot) VALUES (%s, %s, 'Bốn', 4) RETURNING number",
                    (c1, aid))
        assert cur.fetchone()[0] == 4


def test_units_migration_makes_unit_names_nfc(scratch):
    """021_search_names.sql on a database whose unit tree was imported
    decomposed: the names and short names in NFC, the rest as it was."""
    import unicodedata
    # 075_search.sql reads the column 021 adds: both wait.
    restore = scratch["hold"]("migrations/021_search_names.sql",
                              "functions/075_search.sql")
    assert scratch["run"]().returncode == 0
    conn = scratch["db"]()
    name, short = "Đoàn phường Hoà Khánh", "Hoà Khánh"
    with conn.cursor() as cur:
        cur.execute("INSERT INTO netdep.units (code, kind, name, short_name) "
                    "VALUES ('hk', 'ward', %s, %s), ('an', 'ward', 'An', '')",
                    (unicodedata.normalize("NFD", name),
                     unicodedata.normalize("NFD", short)))
    restore()
    res = scratch["run"]()
    assert res.returncode == 0, res.stderr
    with conn.cursor() as cur:
        cur.execute("SELECT code, name, short_name, name_fold FROM "
                    "netdep.units ORDER BY code")
        assert cur.fetchall() == [("an", "An", "", "an"),
                                  ("hk", name, short,
                                   "doan phuong hoa khanh hoa khanh")]
