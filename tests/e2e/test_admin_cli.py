"""End-to-end tests of netdep-admin against the suite's live database.

Every command is run as a subprocess (the admin_cli fixture) and checked
three ways: the exit code (0 done, 1 refused by the data, 2 wrong command
line), the message on stderr, and the rows: a refused command must leave
every table exactly as it was, and a change must leave one audit_log row
by 'netdep-admin'.  The few tests whose names contain "api" also log in
through the site, so they need the whole stack.
"""

import json
import os
import secrets
import subprocess
from datetime import datetime, timezone

import pytest

PW = "correct horse battery staple 2026"

# Tables a refused command must not touch.
TABLES = ("accounts", "roles", "contests", "categories", "criteria",
          "sessions", "audit_log")


def name(prefix="a"):
    return f"{prefix}{secrets.token_hex(5)}"


def slug():
    return f"adm-{secrets.token_hex(5)}"


def counts(db):
    """Row counts and the newest id of audit_log: a fingerprint of every
    table the admin tool writes."""
    out = {}
    with db.cursor() as cur:
        for t in TABLES:
            cur.execute(f"SELECT count(*) FROM netdep.{t}")
            out[t] = cur.fetchone()[0]
    return out


def one(db, sql, *args):
    with db.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchone()


def rows(db, sql, *args):
    with db.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


def audit(db, action, target_id):
    return rows(db, "SELECT actor_name, actor_id, before, after, contest_id"
                " FROM netdep.audit_log WHERE action = %s AND target_id = %s"
                " ORDER BY id", action, target_id)


def utc(*a):
    return datetime(*a, tzinfo=timezone.utc)


def refused(admin_cli, db, args, code, message, input=None):
    """Runs a command that must fail and change nothing."""
    before = counts(db)
    r = admin_cli(*args, input=input)
    assert r.returncode == code, (args, r.returncode, r.stdout, r.stderr)
    assert message in r.stderr, (args, r.stderr)
    assert r.stdout == ""
    assert counts(db) == before, args
    return r


@pytest.fixture
def user(admin_cli):
    """Creates an account with netdep-admin and returns its username."""
    def make(**opts):
        u = name("u")
        args = ["user", "create", u]
        for k, v in opts.items():
            args += [f"--{k.replace('_', '-')}", v]
        r = admin_cli(*args, input=PW + "\n")
        assert r.returncode == 0, r.stderr
        return u
    return make


@pytest.fixture
def new_contest(admin_cli):
    def make(*extra):
        s = slug()
        r = admin_cli("contest", "create", s, "--title", f"Thử {s}", *extra)
        assert r.returncode == 0, r.stderr
        return s
    return make


# --- help and plumbing ----------------------------------------------------

def test_help(admin_cli):
    r = admin_cli("--help")
    assert r.returncode == 0
    for words in ("user create", "grant judge", "revoke", "contest create",
                  "contest set", "contest show", "contest list",
                  "user list", "NETDEP_DB", "Exit status"):
        assert words in r.stdout
    assert r.stderr == ""


def test_no_arguments_prints_usage(admin_cli):
    r = admin_cli()
    assert r.returncode == 2
    assert "usage: netdep-admin" in r.stderr and r.stdout == ""


@pytest.mark.parametrize("args,message", [
    (("frobnicate",), "unknown command 'frobnicate'"),
    (("contest",), "'contest' needs a subcommand"),
    (("contest", "delete", "x"), "unknown command 'contest delete'"),
    (("user", "create"), "user create needs a USERNAME"),
    (("user", "list", "extra"), "unexpected argument 'extra'"),
])
def test_usage_errors(admin_cli, db, args, message):
    refused(admin_cli, db, args, 2, message)


def test_check_sql_prepares_every_statement(admin_cli):
    r = admin_cli("check-sql")
    assert r.returncode == 0, r.stderr
    assert "statements prepared" in r.stdout


def test_connection_failure_hides_conninfo(tmp_path):
    exe = os.path.abspath(os.environ["NETDEP_ADMIN"])
    secret = "s3cr3t-" + secrets.token_hex(4)
    env = dict(os.environ, NETDEP_DB=f"host={tmp_path} dbname=netdep "
               f"user=netdep_app password={secret}")
    r = subprocess.run([exe, "contest", "list"], capture_output=True,
                       text=True, env=env, timeout=60)
    assert r.returncode == 1
    assert "cannot connect to the database" in r.stderr
    assert "NETDEP_DB" in r.stderr
    assert secret not in r.stderr + r.stdout


# --- user create ----------------------------------------------------------

def test_user_create(admin_cli, db):
    u = name("An.")
    r = admin_cli("user", "create", u, "--display-name", "Nguyễn Thị Ánh",
                  "--unit", "Chi đoàn Phường 1",
                  "--email", "anh@example.vn", "--phone", "+84 912 345 678",
                  input=PW + "\n")
    assert r.returncode == 0, r.stderr
    assert f"created user '{u}'" in r.stdout
    assert PW not in r.stdout + r.stderr
    acc = one(db, "SELECT id, username, display_name, unit, unit_id,"
              " email, phone, password_hash FROM netdep.accounts"
              " WHERE username = %s", u)
    assert acc[1:7] == (u, "Nguyễn Thị Ánh", "Chi đoàn Phường 1", None,
                        "anh@example.vn", "+84 912 345 678")
    assert acc[7].startswith("$argon2id$")
    assert PW not in acc[7]
    (actor, actor_id, before, after, contest_id), = audit(
        db, "account.create", acc[0])
    assert actor == "netdep-admin" and actor_id is None
    assert before is None and contest_id is None
    assert after["username"] == u
    assert PW not in json.dumps(after)


def test_user_create_defaults_and_crlf(admin_cli, db):
    u = name("u")
    r = admin_cli("user", "create", u, input=PW + "\r\nignored second line\n")
    assert r.returncode == 0, r.stderr
    acc = one(db, "SELECT display_name, unit, unit_id, email, phone"
              " FROM netdep.accounts WHERE username = %s", u)
    assert acc == (u, "", None, None, None)


def test_user_create_duplicate_ignores_case(admin_cli, db, user):
    u = user()
    refused(admin_cli, db, ["user", "create", u.upper()], 1,
            f"username '{u.upper()}' is taken", input=PW + "\n")
    refused(admin_cli, db, ["user", "create", u], 1,
            f"username '{u}' is taken", input=PW + "\n")


@pytest.mark.parametrize("stdin,message", [
    ("", "no password"),
    ("\n", "no password"),
    ("\r\n", "no password"),
    ("short\n", "8 to 128 bytes"),
    ("x" * 129 + "\n", "8 to 128 bytes"),
])
def test_user_create_bad_password(admin_cli, db, stdin, message):
    u = name("u")
    r = refused(admin_cli, db, ["user", "create", u], 2, message,
                input=stdin)
    if stdin and stdin.strip():
        assert stdin.strip() not in r.stderr
    assert one(db, "SELECT count(*) FROM netdep.accounts"
               " WHERE lower(username) = lower(%s)", u)[0] == 0


@pytest.mark.parametrize("args,message", [
    (["ab"], "is not a valid username"),
    (["-abc"], "is not a valid username"),
    (["has space"], "is not a valid username"),
    (["x" * 33], "is not a valid username"),
    (["okname", "--display-name", ""], "--display-name must be"),
    (["okname", "--display-name", "a\tb"], "--display-name must be"),
    (["okname", "--display-name", "x" * 81], "--display-name must be"),
    (["okname", "--unit", "u" * 201], "--unit must be"),
    (["okname", "--unit", "bad\nline"], "--unit must be"),
    (["okname", "--district", "Quận 3"], "unknown option '--district'"),
    (["okname", "--email", "not-an-address"], "not an e-mail address"),
    (["okname", "--phone", "call me"], "not a phone number"),
    (["okname", "--colour", "red"], "unknown option '--colour'"),
    (["okname", "extra"], "unexpected argument 'extra'"),
    (["okname", "--unit"], "needs a value"),
])
def test_user_create_bad_input(admin_cli, db, args, message):
    refused(admin_cli, db, ["user", "create", *args], 2, message,
            input=PW + "\n")


def test_user_list(admin_cli, user):
    u = user(display_name="Trần Văn B")
    r = admin_cli("grant", "judge", u)
    assert r.returncode == 0
    r = admin_cli("user", "list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("username\tdisplay_name")
    mine = [ln.split("\t") for ln in lines if ln.startswith(u + "\t")]
    assert len(mine) == 1
    assert mine[0][1] == "Trần Văn B" and mine[0][4] == "judge:*"


def test_user_password(admin_cli, db, user):
    u = user()
    old = one(db, "SELECT id, password_hash FROM netdep.accounts"
              " WHERE username = %s", u)
    r = admin_cli("user", "password", u.upper(), input="another pass 42\n")
    assert r.returncode == 0, r.stderr
    new = one(db, "SELECT password_hash FROM netdep.accounts WHERE id = %s",
              old[0])[0]
    assert new != old[1] and new.startswith("$argon2id$")
    assert len(audit(db, "account.password", old[0])) == 1
    refused(admin_cli, db, ["user", "password", name("nobody")], 1,
            "does not exist", input="another pass 42\n")
    refused(admin_cli, db, ["user", "password", u], 2, "8 to 128",
            input="short\n")


# --- grant and revoke -----------------------------------------------------

def roles_of(db, username):
    return sorted(rows(db, "SELECT r.role, c.slug FROM netdep.roles r"
                       " JOIN netdep.accounts a ON a.id = r.account_id"
                       " LEFT JOIN netdep.contests c ON c.id = r.contest_id"
                       " WHERE a.username = %s", username),
                  key=lambda x: (x[0], x[1] or ""))


def test_grant_judge_everywhere_is_idempotent(admin_cli, db, user):
    u = user()
    uid = one(db, "SELECT id FROM netdep.accounts WHERE username = %s", u)[0]
    r = admin_cli("grant", "judge", u)
    assert r.returncode == 0, r.stderr
    assert "granted judge on every contest" in r.stdout
    assert roles_of(db, u) == [("judge", None)]
    before = counts(db)
    r = admin_cli("grant", "judge", u.upper())
    assert r.returncode == 0, r.stderr
    assert "nothing changed" in r.stdout
    assert counts(db) == before
    (actor, _, _, after, contest_id), = audit(db, "role.grant", uid)
    assert actor == "netdep-admin" and contest_id is None
    assert after["role"] == "judge" and after["contest"] is None


def test_grant_judge_for_one_contest_and_admin(admin_cli, db, user,
                                               new_contest):
    u = user()
    s = new_contest()
    r = admin_cli("grant", "judge", u, "--contest", s)
    assert r.returncode == 0, r.stderr
    r = admin_cli("grant", "admin", u)
    assert r.returncode == 0, r.stderr
    assert roles_of(db, u) == [("admin", None), ("judge", s)]
    uid, cid = one(db, "SELECT a.id, c.id FROM netdep.accounts a,"
                   " netdep.contests c WHERE a.username = %s"
                   " AND c.slug = %s", u, s)
    grants = audit(db, "role.grant", uid)
    assert [g[4] for g in grants] == [cid, None]


def test_grant_refusals(admin_cli, db, user, new_contest):
    u = user()
    s = new_contest()
    refused(admin_cli, db, ["grant", "judge", name("nobody")], 1,
            "does not exist")
    refused(admin_cli, db, ["grant", "judge", u, "--contest", slug()], 1,
            "contest 'adm-")
    refused(admin_cli, db, ["grant", "judge", u, "--contest", "Bad Slug"],
            2, "is not a contest slug")
    refused(admin_cli, db, ["grant", "owner", u], 2, "unknown role 'owner'")
    refused(admin_cli, db, ["grant", "judge"], 2, "needs a ROLE")
    refused(admin_cli, db, ["grant", "admin", u, "--contest", s], 2,
            "admin is granted for every contest")
    assert roles_of(db, u) == []


def test_revoke(admin_cli, db, user, new_contest):
    u = user()
    s = new_contest()
    assert admin_cli("grant", "judge", u, "--contest", s).returncode == 0
    assert admin_cli("grant", "judge", u).returncode == 0
    r = admin_cli("revoke", "judge", u, "--contest", s)
    assert r.returncode == 0, r.stderr
    assert "revoked judge on contest" in r.stdout
    assert roles_of(db, u) == [("judge", None)]
    before = counts(db)
    r = admin_cli("revoke", "judge", u, "--contest", s)
    assert r.returncode == 0 and "nothing changed" in r.stdout
    assert counts(db) == before
    uid = one(db, "SELECT id FROM netdep.accounts WHERE username = %s", u)[0]
    (_, _, before_json, after_json, _), = audit(db, "role.revoke", uid)
    assert before_json["contest"] == s and after_json is None


def test_api_role_change_ends_sessions(admin_cli, db, new_user, base_url):
    c = new_user()
    assert c.get("/api/v1/session").status_code == 200
    r = admin_cli("grant", "judge", c.username)
    assert r.returncode == 0, r.stderr
    assert "1 session ended" in r.stdout
    assert c.get("/api/v1/session").status_code == 401
    assert c.login(c.username, c.password).status_code == 200


def test_api_created_user_can_log_in(admin_cli, anon):
    u = name("u")
    r = admin_cli("user", "create", u, input=PW + "\n")
    assert r.returncode == 0, r.stderr
    assert anon.login(u.upper(), PW).status_code == 200
    assert anon.login(u, PW + "x").status_code == 401


# --- contest create -------------------------------------------------------

def contest_row(db, s):
    return one(db, "SELECT id, title, submit_from, submit_until, vote_from,"
               " vote_until, results_at, min_short_side, max_entries,"
               " votes_per_day, vote_rule, public_weight, rules, self_vote"
               " FROM netdep.contests WHERE slug = %s", s)


def test_contest_create_full(admin_cli, db):
    s = slug()
    r = admin_cli("contest", "create", s,
                  "--title", "Nét đẹp đoàn viên, thanh niên 2026",
                  "--submit-from", "2026-03-01T00:00",
                  "--submit-until", "2026-04-01 00:00:00",
                  "--vote-from", "2026-03-15T08:00+07:00",
                  "--vote-until", "2026-04-15T13:00Z",
                  "--min-short-side", "1000", "--max-entries", "5",
                  "--votes-per-day", "20", "--vote-rule", "once",
                  "--categories", "Ảnh đẹp, Tình nguyện ,Học tập")
    assert r.returncode == 0, r.stderr
    assert f"created contest '{s}'" in r.stdout
    row = contest_row(db, s)
    assert row[1] == "Nét đẹp đoàn viên, thanh niên 2026"
    # No offset means Vietnam time (UTC+7).
    assert row[2] == utc(2026, 2, 28, 17, 0)
    assert row[3] == utc(2026, 3, 31, 17, 0)
    assert row[4] == utc(2026, 3, 15, 1, 0)
    assert row[5] == utc(2026, 4, 15, 13, 0)
    assert row[6] is None
    assert row[7:11] == (1000, 5, 20, "once")
    cats = rows(db, "SELECT name, position FROM netdep.categories"
                " WHERE contest_id = %s ORDER BY position", row[0])
    assert cats == [("Ảnh đẹp", 1), ("Tình nguyện", 2), ("Học tập", 3)]
    crit = rows(db, "SELECT name, weight, position FROM netdep.criteria"
                " WHERE contest_id = %s ORDER BY position", row[0])
    assert crit == [("Nội dung", 40, 1), ("Thẩm mỹ", 40, 2),
                    ("Thông điệp", 20, 3)]
    (actor, _, before, after, contest_id), = audit(db, "contest.create",
                                                   row[0])
    assert actor == "netdep-admin" and before is None
    assert contest_id == row[0] and after["slug"] == s
    assert [c["name"] for c in after["categories"]] == [c[0] for c in cats]


def test_contest_create_defaults(admin_cli, db, new_contest):
    s = new_contest()
    row = contest_row(db, s)
    assert row[2:7] == (None,) * 5        # every window open
    assert row[7:12] == (800, 3, 10, "daily", 30)
    assert one(db, "SELECT count(*) FROM netdep.categories"
               " WHERE contest_id = %s", row[0])[0] == 0
    assert one(db, "SELECT count(*) FROM netdep.criteria"
               " WHERE contest_id = %s", row[0])[0] == 3


@pytest.mark.parametrize("args,code,message", [
    (["Bad_Slug", "--title", "x"], 2, "is not a valid contest slug"),
    (["-x", "--title", "x"], 2, "is not a valid contest slug"),
    (["a", "--title", "x"], 2, "is not a valid contest slug"),
    (["{s}"], 2, "needs --title"),
    (["{s}", "--title", ""], 2, "title must be 1 to 200"),
    (["{s}", "--title", "x", "--submit-from", "tomorrow"], 2,
     "submit-from: 'tomorrow' is not a time"),
    (["{s}", "--title", "x", "--vote-until", "2026-02-30T10:00"], 2,
     "vote-until: '2026-02-30T10:00' is not a time"),
    (["{s}", "--title", "x", "--vote-from", "2026-05-01"], 2,
     "is not a time"),
    (["{s}", "--title", "x", "--vote-rule", "weekly"], 2,
     "vote-rule must be 'once'"),
    (["{s}", "--title", "x", "--min-short-side", "0"], 2,
     "min-short-side must be a whole number from 1 to 16384"),
    (["{s}", "--title", "x", "--max-entries", "3.5"], 2,
     "max-entries must be a whole number"),
    (["{s}", "--title", "x", "--votes-per-day", "1001"], 2,
     "votes-per-day must be a whole number from 1 to 1000"),
    (["{s}", "--title", "x", "--categories", "A,B,A"], 2,
     "'A' is listed twice"),
    (["{s}", "--title", "x", "--categories", "A,,B"], 2, "empty name"),
    (["{s}", "--title", "x", "--vote-from", "2026-05-01T00:00",
      "--vote-until", "2026-04-01T00:00"], 2,
     "vote-from (2026-04-30T17:00:00Z) must be before vote-until"),
    (["{s}", "--title", "x", "--submit-from", "2026-05-01T00:00",
      "--submit-until", "2026-05-01T00:00"], 2,
     "submit-from (2026-04-30T17:00:00Z) must be before submit-until"),
    (["{s}", "--title", "x", "--window", "1"], 2, "unknown option"),
])
def test_contest_create_refused(admin_cli, db, args, code, message):
    s = slug()
    args = [a.replace("{s}", s) for a in args]
    refused(admin_cli, db, ["contest", "create", *args], code, message)
    assert contest_row(db, s) is None


def test_contest_create_duplicate_slug(admin_cli, db, new_contest):
    s = new_contest()
    refused(admin_cli, db, ["contest", "create", s, "--title", "Again",
                            "--categories", "X"], 1,
            f"contest '{s}' already exists")


# --- contest set ----------------------------------------------------------

def test_contest_set(admin_cli, db, new_contest):
    s = new_contest("--vote-from", "2026-03-01T00:00", "--categories",
                    "Một,Hai")
    cid = contest_row(db, s)[0]
    r = admin_cli("contest", "set", s, "title=Tiêu đề mới",
                  "vote-from=", "vote-until=2026-06-01T00:00",
                  "results-at=2026-06-10T12:00Z", "public-weight=45",
                  "self-vote=yes", "rules=Điều 1.\nĐiều 2.",
                  "votes-per-day=7", "vote-rule=once", "max-entries=9",
                  "min-short-side=640", "categories=Hai,Ba")
    assert r.returncode == 0, r.stderr
    assert "added categories: 'Ba'" in r.stdout
    assert "already there, kept: 'Hai'" in r.stdout
    row = contest_row(db, s)
    assert row[1] == "Tiêu đề mới"
    assert row[4] is None
    assert row[5] == utc(2026, 5, 31, 17, 0)
    assert row[6] == utc(2026, 6, 10, 12, 0)
    assert row[7:14] == (640, 9, 7, "once", 45, "Điều 1.\nĐiều 2.", True)
    cats = rows(db, "SELECT name, position FROM netdep.categories"
                " WHERE contest_id = %s ORDER BY position", cid)
    assert cats == [("Một", 1), ("Hai", 2), ("Ba", 3)]
    (actor, _, before, after, contest_id), = audit(db, "contest.update",
                                                   cid)
    assert actor == "netdep-admin" and contest_id == cid
    assert before["title"].startswith("Thử ")
    assert after["title"] == "Tiêu đề mới"
    assert len(after["categories"]) == 3

    # The same values again: success, no new audit row.
    before_counts = counts(db)
    r = admin_cli("contest", "set", s, "title=Tiêu đề mới",
                  "categories=Ba")
    assert r.returncode == 0, r.stderr
    assert "unchanged" in r.stdout
    assert counts(db) == before_counts


def test_contest_set_window_order_uses_stored_values(admin_cli, db,
                                                     new_contest):
    s = new_contest("--submit-until", "2026-04-01T00:00")
    before = contest_row(db, s)
    refused(admin_cli, db, ["contest", "set", s,
                            "submit-from=2026-05-01T00:00"], 2,
            "submit-from (2026-04-30T17:00:00Z) must be before "
            "submit-until (2026-03-31T17:00:00Z)")
    assert contest_row(db, s) == before
    # Moving both ends in one command is fine.
    r = admin_cli("contest", "set", s, "submit-from=2026-05-01T00:00",
                  "submit-until=2026-06-01T00:00")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("args,code,message", [
    (["{s}"], 2, "nothing to set"),
    (["{s}", "title"], 2, "is not KEY=VALUE"),
    (["{s}", "colour=red"], 2, "unknown key 'colour'"),
    (["{s}", "title=a", "title=b"], 2, "given more than once"),
    (["{s}", "title="], 2, "title must be 1 to 200"),
    (["{s}", "vote-from=soon"], 2, "vote-from: 'soon' is not a time"),
    (["{s}", "vote-rule=sometimes"], 2, "vote-rule must be"),
    (["{s}", "public-weight=101"], 2,
     "public-weight must be a whole number from 0 to 100"),
    (["{s}", "self-vote=maybe"], 2, "self-vote must be 'yes' or 'no'"),
    (["{s}", "categories="], 2, "needs at least one name"),
    (["{s}", "title=ok", "max-entries=0"], 2, "max-entries must be"),
    (["Not_A_Slug", "title=x"], 2, "is not a valid contest slug"),
    (["adm-missing-contest", "title=x"], 1,
     "contest 'adm-missing-contest' does not exist"),
])
def test_contest_set_refused(admin_cli, db, new_contest, args, code,
                             message):
    s = new_contest("--categories", "Một")
    before = contest_row(db, s)
    args = [a.replace("{s}", s) for a in args]
    refused(admin_cli, db, ["contest", "set", *args], code, message)
    assert contest_row(db, s) == before


# --- contest show and list ------------------------------------------------

def test_contest_show(admin_cli, db, new_contest, user):
    s = new_contest("--vote-from", "2026-03-01T08:00", "--categories",
                    "Ảnh,Video")
    j = user()
    assert admin_cli("grant", "judge", j, "--contest", s).returncode == 0
    r = admin_cli("contest", "show", s)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    row = contest_row(db, s)
    assert doc["id"] == row[0] and doc["slug"] == s
    assert doc["title"] == row[1]
    assert doc["vote_from"] == "2026-03-01T01:00:00Z"
    assert doc["vote_until"] is None and doc["submit_from"] is None
    assert doc["results_at"] is None
    assert doc["vote_rule"] == "daily" and doc["votes_per_day"] == 10
    assert doc["max_entries"] == 3 and doc["min_short_side"] == 800
    assert doc["public_weight"] == 30 and doc["self_vote"] is False
    assert doc["created_at"].endswith("Z")
    ids = rows(db, "SELECT id, name FROM netdep.categories"
               " WHERE contest_id = %s ORDER BY position", row[0])
    assert [(c["id"], c["name"]) for c in doc["categories"]] == ids
    assert [(c["name"], c["weight"]) for c in doc["criteria"]] == [
        ("Nội dung", 40), ("Thẩm mỹ", 40), ("Thông điệp", 20)]
    assert doc["entries"] == {"pending": 0, "approved": 0, "rejected": 0,
                              "withdrawn": 0, "total": 0}
    assert doc["votes"] == {"counted": 0, "voided": 0}
    assert {"username": j, "every_contest": False} in doc["judges"]


def test_contest_show_refused(admin_cli, db):
    refused(admin_cli, db, ["contest", "show", "adm-no-such-contest"], 1,
            "contest 'adm-no-such-contest' does not exist")
    refused(admin_cli, db, ["contest", "show", "NO"], 2,
            "is not a valid contest slug")
    refused(admin_cli, db, ["contest", "show"], 2, "needs a SLUG")


def test_contest_list(admin_cli, new_contest):
    s = new_contest("--vote-until", "2026-04-15T20:00")
    r = admin_cli("contest", "list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split("\t")[:2] == ["slug", "title"]
    mine = [ln.split("\t") for ln in lines if ln.startswith(s + "\t")]
    assert len(mine) == 1
    assert mine[0][2:6] == ["-", "-", "-", "2026-04-15T13:00:00Z"]
