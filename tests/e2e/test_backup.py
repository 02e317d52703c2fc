"""Backups that restore (issue 14): `netdep-ctl backup` takes a base backup
of the running e2e stack (its cluster archives its WAL into VAR/backup
from the start), more votes and uploads follow, and `netdep-ctl restore`
brings the backup back into a second, throwaway state directory as of a
time between two batches: exactly the votes and entries committed before
that time are there, their files too, the files of later uploads are not,
and the public tree follows the restored rows."""

import os
import shutil
import socket
import subprocess
import time

import psycopg2
import requests

from helpers import approve, public_media_path, upload_ok, vote

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
CTL = os.path.join(TOP, "scripts", "netdep-ctl")


def ctl(*args, **env):
    full = dict(os.environ, NETDEP_BUILD=os.path.dirname(
        os.path.abspath(os.environ["NETDEP_ADMIN"])), NETDEP_SEED="0",
        **env)
    r = subprocess.run([CTL, *args], env=full, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, \
        f"netdep-ctl {' '.join(args)} failed:\n{r.stdout}\n{r.stderr}"
    return r.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def files_of(media, token, original=".jpg"):
    """The files an upload wrote: the original and the thumbnail."""
    fan = os.path.join(token[:2], token[2:4])
    return [os.path.join(media, "orig", fan, token + original),
            os.path.join(media, "priv", fan, token + "_t400.jpg")]


def public_file(media, token):
    return os.path.join(media, "pub", token[:2], token[2:4],
                        token + "_t400.jpg")


def rows(conn, sql, *args):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


def test_restore_to_a_point_in_time(contest, new_user, make_jpeg, db,
                                    var_dir):
    slug = contest(min_short_side=200)
    author = new_user()
    judge = new_user("judge", slug)
    liked = upload_ok(author, slug, make_jpeg(400, 300, seed=1))["id"]
    approve(judge, liked)
    voters = [new_user() for _ in range(3)]
    ctl("backup", var_dir)

    # Before the target time: two votes and an upload (left pending).
    for v in voters[:2]:
        assert vote(v, liked).status_code == 201
    before = upload_ok(author, slug, make_jpeg(400, 300, seed=2))["id"]
    target = rows(db, "SELECT clock_timestamp()::text")[0][0]
    time.sleep(0.05)
    # After it: one more vote, another upload, and the first approved.
    for v in voters[2:]:
        assert vote(v, liked).status_code == 201
    after = upload_ok(author, slug, make_jpeg(400, 300, seed=3))["id"]
    approve(judge, before)
    tokens = dict(rows(db, "SELECT entry_id, token FROM netdep.media WHERE "
                       "entry_id IN (%s, %s, %s)", liked, before, after))
    ctl("backup-media", var_dir)

    dest = os.path.join(var_dir, "restored")
    port = free_port()
    try:
        ctl("restore", dest, target, PORT=str(port),
            NETDEP_RESTORE_FROM=os.path.join(var_dir, "backup"))
        conn = psycopg2.connect(f"host={dest}/pgsock dbname=netdep "
                                "user=netdep")
        conn.autocommit = True
        try:
            got = rows(conn, "SELECT voter_id FROM netdep.votes WHERE "
                       "entry_id = %s ORDER BY voter_id", liked)
            want = sorted(v.user["id"] for v in voters[:2])
            assert [r[0] for r in got] == want
            got = rows(conn, "SELECT id, status FROM netdep.entries WHERE "
                       "id IN (%s, %s, %s) ORDER BY id", liked, before,
                       after)
            assert got == [(liked, "approved"), (before, "pending")]
        finally:
            conn.close()
        media = os.path.join(dest, "media")
        for eid in (liked, before):
            for path in files_of(media, tokens[eid]):
                assert os.path.isfile(path), f"{path} was not restored"
        for path in files_of(media, tokens[after]):
            assert not os.path.exists(path), \
                f"{path} belongs to an upload after the target time"
        # pub/ follows the restored rows, not the copy's moment.
        assert os.path.isfile(public_file(media, tokens[liked]))
        assert not os.path.exists(public_file(media, tokens[before]))
        r = requests.get(f"http://127.0.0.1:{port}"
                         f"{public_media_path(tokens[liked])}", timeout=10)
        assert r.status_code == 200 and r.content[:2] == b"\xff\xd8"
        # The source is untouched.
        assert rows(db, "SELECT count(*) FROM netdep.votes WHERE "
                    "entry_id = %s", liked)[0][0] == 3
    finally:
        subprocess.run([CTL, "stop", dest], capture_output=True, timeout=120)
        shutil.rmtree(dest, ignore_errors=True)


def test_restore_refuses_what_it_cannot_do(var_dir):
    """A time it cannot read, a time after the last media copy, a time
    before every base backup: each is refused with its reason, before the
    target directory gets anything."""
    ctl("backup-media", var_dir)
    dest = os.path.join(var_dir, "restore-refused")
    src = dict(NETDEP_RESTORE_FROM=os.path.join(var_dir, "backup"))
    cases = [("half past nine-ish", "cannot read the time"),
             ("2099-01-01 00:00+00", "the media were last copied"),
             ("2000-01-01 00:00+00", "no base backup")]
    try:
        for when, why in cases:
            r = subprocess.run([CTL, "restore", dest, when],
                               env=dict(os.environ, **src),
                               capture_output=True, text=True, timeout=120)
            assert r.returncode == 1, (when, r.stdout, r.stderr)
            assert why in r.stderr, (when, r.stderr)
            assert not os.path.exists(os.path.join(dest, "pg")), when
    finally:
        shutil.rmtree(dest, ignore_errors=True)
