"""The disk cannot be filled through uploads (issue 12, finding 8).

The janitor removes the files of entries rejected or withdrawn longer than
NETDEP_MEDIA_RETENTION_DAYS (30) ago, marks them so they are never tried
again and never touches pending or approved entries; a crash between the
mark and the unlinks leaves orphans the sweeper removes.  Uploads count
against a per-account quota per Vietnam day that withdrawing does not
refund, decided in the entry's transaction so concurrent uploads cannot
pass it.  Decision times and quota counts are set with psql as the owner
(the db fixture) instead of waiting days."""

import datetime
import json
import os
import secrets
import signal
import subprocess
import threading
import time

import psycopg2
import pytest

from helpers import (API, DERIV_SUFFIXES, UPLOAD_QUOTA, approve, assert_error,
                     assert_status, clone, media_token, reject, run_together,
                     unchanged, upload, upload_ok)
from test_media_sweep import plant
from test_migrate import scratch  # noqa: F401 - a fixture used below

ALL_PRIV = DERIV_SUFFIXES + ("_card.jpg",)
RETENTION_DAYS = 30


def files_of(media_dir, token, public=False):
    """The paths an entry's upload wrote (the original is a JPEG here)."""
    fan = (token[:2], token[2:4])
    paths = [os.path.join(media_dir, "orig", *fan, token + ".jpg")]
    paths += [os.path.join(media_dir, "priv", *fan, token + s)
              for s in ALL_PRIV]
    if public:
        paths += [os.path.join(media_dir, "pub", *fan, token + s)
                  for s in ALL_PRIV]
    return paths


def close_days_ago(db, entry_id, days):
    with db.cursor() as cur:
        cur.execute("UPDATE netdep.entries SET closed_at = now() - "
                    "make_interval(days => %s) WHERE id = %s "
                    "RETURNING status", (days, entry_id))
        assert cur.fetchone() is not None


def entry_row(db, entry_id):
    with db.cursor() as cur:
        cur.execute("SELECT status, closed_at, files_purged_at FROM "
                    "netdep.entries WHERE id = %s", (entry_id,))
        return cur.fetchone()


def withdraw(owner, entry_id):
    r = owner.delete(f"{API}/entries/{entry_id}")
    assert_status(r, 200)
    assert r.json()["entry"]["status"] == "withdrawn"


@pytest.fixture
def shop(contest, new_user):
    slug = contest(min_short_side=200, max_entries=20)
    return slug, new_user(), new_user(role="judge", contest=slug)


# --- the janitor -----------------------------------------------------------

def test_janitor_removes_old_closed_entries_files_only(shop, make_jpeg, db,
                                                       media_dir, admin_cli):
    slug, owner, judge = shop
    photo = make_jpeg(400, 300)
    ids = {k: upload_ok(owner, slug, photo)["id"]
           for k in ("old_rejected", "old_withdrawn", "recent_rejected",
                     "approved", "pending")}
    reject(judge, ids["old_rejected"])
    reject(judge, ids["recent_rejected"])
    withdraw(owner, ids["old_withdrawn"])
    approve(judge, ids["approved"])
    # closed_at follows the status: set for the closed ones, NULL else.
    for k, eid in ids.items():
        closed = entry_row(db, eid)[1] is not None
        assert closed == (k not in ("approved", "pending")), k
    close_days_ago(db, ids["old_rejected"], RETENTION_DAYS + 1)
    close_days_ago(db, ids["old_withdrawn"], RETENTION_DAYS + 5)
    close_days_ago(db, ids["recent_rejected"], RETENTION_DAYS - 1)
    with db.cursor() as cur:
        # Old, but never closed: its age does not matter.
        cur.execute("UPDATE netdep.entries SET created_at = now() - "
                    "interval '400 days', decided_at = now() - "
                    "interval '400 days', updated_at = now() - "
                    "interval '400 days' WHERE id IN %s",
                    ((ids["approved"], ids["pending"]),))
    tokens = {k: media_token(db, eid) for k, eid in ids.items()}
    files = {k: files_of(media_dir, t, public=(k == "approved"))
             for k, t in tokens.items()}
    for k, paths in files.items():
        assert all(os.path.exists(p) for p in paths), k
    old = ("old_rejected", "old_withdrawn")

    r = admin_cli("media", "janitor", "--dry-run")
    assert r.returncode == 0, r.stderr
    due = {int(line.split()[2]) for line in r.stdout.splitlines()
           if line.startswith("due entry ")}
    assert {ids[k] for k in old} <= due, r.stdout
    assert not due & {ids[k] for k in ids if k not in old}, r.stdout
    assert all(os.path.exists(p) for k in old for p in files[k])

    r = admin_cli("media", "janitor")
    assert r.returncode == 0, r.stderr
    purged = {int(line.split()[2]) for line in r.stdout.splitlines()
              if line.startswith("purged entry ")}
    assert {ids[k] for k in old} <= purged, r.stdout
    assert not purged & {ids[k] for k in ids if k not in old}, r.stdout
    for k in ids:
        gone = k in old
        for p in files[k]:
            assert os.path.exists(p) != gone, (k, p)
        assert (entry_row(db, ids[k])[2] is not None) == gone, k
    with db.cursor() as cur:
        cur.execute("SELECT target_id, actor_name, before ->> 'status' "
                    "FROM netdep.audit_log WHERE action = "
                    "'entry.files_purge' AND target_id IN %s ORDER BY 1",
                    (tuple(ids[k] for k in old),))
        assert cur.fetchall() == sorted(
            [(ids["old_rejected"], "netdep-admin", "rejected"),
             (ids["old_withdrawn"], "netdep-admin", "withdrawn")])

    # Marked: never tried again.
    r = admin_cli("media", "janitor")
    assert r.returncode == 0, r.stderr
    assert f"purged entry {ids['old_rejected']} " not in r.stdout

    # The owner learns the photo is gone instead of a broken image.
    for path in ("media/t400.jpg", "original"):
        assert_error(owner.get(f"{API}/entries/{ids['old_rejected']}/"
                               f"{path}"), 410, "media_purged")
    assert_status(owner.get(f"{API}/entries/{ids['recent_rejected']}/"
                            "media/t400.jpg"), 200)
    mine = {e["id"]: e for e in owner.get(f"{API}/me/entries").json()[
        "entries"]}
    assert mine[ids["old_rejected"]]["files_purged_at"] is not None
    assert mine[ids["recent_rejected"]]["files_purged_at"] is None

    # A purged entry can never be made pending or approved again, nor
    # its mark undone, whatever path a restore or an appeal would take.
    for sql in ("UPDATE netdep.entries SET status = 'pending', slot = 20, "
                "reject_reason = NULL WHERE id = %s",
                "UPDATE netdep.entries SET files_purged_at = NULL "
                "WHERE id = %s"):
        with pytest.raises(psycopg2.errors.CheckViolation) as exc:
            with db.cursor() as cur:
                cur.execute(sql, (ids["old_rejected"],))
        assert exc.value.diag.constraint_name == "entries_files_purged"


def test_janitor_crash_after_the_mark_leaves_orphans_for_the_sweeper(
        shop, make_jpeg, db, media_dir, admin_cli):
    slug, owner, judge = shop
    eid = upload_ok(owner, slug, make_jpeg(400, 300))["id"]
    keep = upload_ok(owner, slug, make_jpeg(400, 300))["id"]
    reject(judge, eid)
    token = media_token(db, eid)
    # What a janitor that died after its commit leaves: the row says
    # purged, the files are all there.
    with db.cursor() as cur:
        cur.execute("UPDATE netdep.entries SET files_purged_at = now() "
                    "WHERE id = %s", (eid,))
    paths = files_of(media_dir, token)
    kept = files_of(media_dir, media_token(db, keep))
    assert all(os.path.exists(p) for p in paths + kept)
    r = admin_cli("media", "orphans", "--older-than", "0")
    assert r.returncode == 0, r.stderr
    listed = {line.rsplit("/", 1)[1] for line in r.stdout.splitlines()
              if line.startswith("orphan ")}
    assert {os.path.basename(p) for p in paths} <= listed, r.stdout
    r = admin_cli("media", "sweep", "--older-than", "0")
    assert r.returncode == 0, r.stderr
    assert not any(os.path.exists(p) for p in paths)
    assert all(os.path.exists(p) for p in kept)


def janitor_pid(var_dir):
    with open(os.path.join(var_dir, "run", "netdep.pid")) as f:
        master = f.read().strip()
    out = subprocess.run(["pgrep", "-x", "netdep-janitor", "-P", master],
                         capture_output=True, text=True)
    pids = [int(p) for p in out.stdout.split()]
    return pids[0] if len(pids) == 1 else None


def eventually(fn, timeout=60.0, step=0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def test_janitor_process_runs_beside_the_workers(shop, make_jpeg, db,
                                                  media_dir, var_dir):
    """The server's own janitor: it runs when it starts and every hour;
    the master restarts it like the folder, so killing it makes the new
    one run now."""
    slug, owner, _judge = shop
    eid = upload_ok(owner, slug, make_jpeg(400, 300))["id"]
    withdraw(owner, eid)
    close_days_ago(db, eid, RETENTION_DAYS + 2)
    paths = files_of(media_dir, media_token(db, eid))
    assert all(os.path.exists(p) for p in paths)
    victim = janitor_pid(var_dir)
    assert victim, "no netdep-janitor process under the master"
    os.kill(victim, signal.SIGKILL)
    assert eventually(lambda: entry_row(db, eid)[2] is not None), \
        "the restarted janitor did not purge the entry"
    assert eventually(lambda: not any(os.path.exists(p) for p in paths))
    with db.cursor() as cur:
        cur.execute("SELECT actor_name FROM netdep.audit_log WHERE action "
                    "= 'entry.files_purge' AND target_id = %s", (eid,))
        assert cur.fetchall() == [("netdep-janitor",)]
    assert (janitor_pid(var_dir) or victim) != victim


def sweep_records(var_dir, offset):
    """The server log's "media_sweep" lines written after byte offset."""
    with open(os.path.join(var_dir, "log", "netdep.log"), "rb") as f:
        f.seek(offset)
        lines = f.read().decode("utf-8", "replace").splitlines()
    out = []
    for line in lines:
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if rec.get("event") == "media_sweep":
            out.append(rec)
    return out


def test_janitor_sweeps_old_orphans_after_a_crash(shop, make_jpeg, db,
                                                  media_dir, var_dir):
    """Files a crash left without a row go at the janitor's next run (at
    its start, then hourly), like `media sweep`: files of a real entry,
    however old, and orphans younger than a day (an upload in flight)
    stay."""
    slug, owner, _judge = shop
    eid = upload_ok(owner, slug, make_jpeg(400, 300))["id"]
    token = media_token(db, eid)
    real = plant(media_dir, "priv", token, "_extra.jpg", 3 * 86400)
    orphan = secrets.token_hex(16)
    old = [plant(media_dir, "orig", orphan, ".jpg", 2 * 86400),
           plant(media_dir, "priv", orphan, "_t400.jpg", 2 * 86400),
           plant(media_dir, "pub", orphan, "_t400.webp", 2 * 86400)]
    young = plant(media_dir, "orig", secrets.token_hex(16), ".jpg",
                  86400 - 600)
    with open(os.path.join(var_dir, "log", "netdep.log"), "rb") as f:
        offset = f.seek(0, os.SEEK_END)
    victim = eventually(lambda: janitor_pid(var_dir))
    assert victim, "no netdep-janitor process under the master"
    os.kill(victim, signal.SIGTERM)   # the master starts another in 1 s

    # The new janitor's sweep: the one stopped may log its own first (it
    # was still in its start-up sweep when the signal came; CI saw it).
    def new_sweeps():
        return [r for r in sweep_records(var_dir, offset)
                if r.get("pid") != victim]
    assert eventually(new_sweeps), "the restarted janitor logged no sweep"
    try:
        assert not any(os.path.exists(p) for p in old)
        for path in [real, young] + files_of(media_dir, token):
            assert os.path.exists(path), path
        rec = new_sweeps()[0]
        assert rec["removed"] >= len(old) and rec["result"] == "done", rec
        assert rec["min_age_s"] == 86400, rec
    finally:
        for path in (real, young):
            if os.path.exists(path):
                os.unlink(path)


# --- the upload quota ------------------------------------------------------

def quota_used(db, account_id):
    with db.cursor() as cur:
        cur.execute("SELECT used FROM netdep.upload_quota WHERE account_id "
                    "= %s AND day = netdep.upload_day()", (account_id,))
        row = cur.fetchone()
    return row[0] if row else 0


def set_quota_used(db, account_id, used, day="netdep.upload_day()"):
    with db.cursor() as cur:
        cur.execute("INSERT INTO netdep.upload_quota (account_id, day, used) "
                    f"VALUES (%s, {day}, %s) ON CONFLICT (account_id, day) "
                    "DO UPDATE SET used = EXCLUDED.used", (account_id, used))


def seconds_to_vietnam_midnight():
    now = datetime.datetime.now(datetime.timezone.utc)
    vn = now + datetime.timedelta(hours=7)
    midnight = (vn + datetime.timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0)
    return (midnight - vn).total_seconds()


def assert_quota_refusal(r):
    err = assert_error(r, 429, "upload_quota")
    assert str(UPLOAD_QUOTA) in err["message"], err
    assert "giờ Việt Nam" in err["message"], err
    wait = int(r.headers["Retry-After"])
    assert abs(wait - seconds_to_vietnam_midnight()) <= 5, wait


def test_quota_refuses_upload_n_plus_1_and_withdrawing_does_not_refund(
        shop, make_jpeg, db, snapshot, new_user):
    slug, owner, _judge = shop
    uid = owner.user["id"]
    photo = make_jpeg(400, 300)
    # Stored uploads count, from the first.
    first = upload_ok(owner, slug, photo)["id"]
    upload_ok(owner, slug, photo)
    assert quota_used(db, uid) == 2
    # A refused upload (a bad image) costs nothing.
    assert upload(owner, slug, b"not an image").status_code == 415
    assert quota_used(db, uid) == 2
    # The day's uploads up to the quota (the rest of them set as psql
    # would count them, instead of uploading them all).
    set_quota_used(db, uid, UPLOAD_QUOTA - 1)
    last = upload_ok(owner, slug, photo)["id"]
    assert quota_used(db, uid) == UPLOAD_QUOTA
    with unchanged(snapshot, db):
        assert_quota_refusal(upload(owner, slug, photo))
    # Withdrawing frees the contest's slot, not the day's quota.
    withdraw(owner, last)
    withdraw(owner, first)
    assert quota_used(db, uid) == UPLOAD_QUOTA
    with unchanged(snapshot, db):
        assert_quota_refusal(upload(owner, slug, photo))
    # Per account: somebody else uploads as usual.
    upload_ok(new_user(), slug, photo)
    # Per Vietnam day: yesterday's count does not hold today's uploads.
    with db.cursor() as cur:
        cur.execute("UPDATE netdep.upload_quota SET day = day - 1 "
                    "WHERE account_id = %s AND day = netdep.upload_day()",
                    (uid,))
    upload_ok(owner, slug, photo)
    assert quota_used(db, uid) == 1


def test_concurrent_uploads_never_pass_the_quota(shop, make_jpeg, db,
                                                 base_url, snapshot):
    slug, owner, _judge = shop
    uid = owner.user["id"]
    set_quota_used(db, uid, UPLOAD_QUOTA - 3)
    _, files_before = snapshot()
    photo = make_jpeg(400, 300)
    results = run_together([
        lambda: upload(clone(owner, base_url), slug, photo)
        for _ in range(8)])
    codes = sorted(getattr(r, "status_code", repr(r)) for r in results)
    assert codes == [201] * 3 + [429] * 5, codes
    for r in results:
        if r.status_code == 429:
            assert_quota_refusal(r)
    assert quota_used(db, uid) == UPLOAD_QUOTA
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.entries WHERE "
                    "account_id = %s", (uid,))
        assert cur.fetchone()[0] == 3
    # The refused uploads left no file behind (an original and five
    # derivatives for each stored one), nothing in tmp/.
    _, files_after = snapshot()
    added = sorted(set(files_after) - set(files_before))
    assert len(added) == 3 * 6, added
    assert not [f for f in added if f.startswith("tmp/")]


def worker_count(var_dir):
    with open(os.path.join(var_dir, "run", "netdep.pid")) as f:
        master = f.read().strip()
    out = subprocess.run(["pgrep", "-x", "netdep", "-P", master],
                         capture_output=True, text=True)
    return len(out.stdout.split())


def test_quota_is_decided_in_the_entry_transaction(shop, make_jpeg, db,
                                                   base_url, var_dir,
                                                   snapshot):
    """Uploads that all passed the early check (decoded, files written)
    wait on the account's quota row; the first to get it takes the last
    place, the others are refused by entry_create() and their files go."""
    slug, owner, _judge = shop
    uid = owner.user["id"]
    n = min(3, worker_count(var_dir) - 1)
    if n < 2:
        pytest.skip("fewer than three workers: no room for a race")
    set_quota_used(db, uid, UPLOAD_QUOTA - 1)
    _, files_before = snapshot()
    holder = psycopg2.connect(os.environ["NETDEP_DSN"])
    try:
        with holder.cursor() as cur:
            cur.execute("SELECT used FROM netdep.upload_quota WHERE "
                        "account_id = %s AND day = netdep.upload_day() "
                        "FOR UPDATE", (uid,))
        photo = make_jpeg(400, 300)
        results = [None] * n

        def go(i):
            results[i] = upload(clone(owner, base_url), slug, photo)
        threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()

        def waiting():
            with db.cursor() as cur:
                cur.execute("SELECT count(*) FROM pg_stat_activity WHERE "
                            "wait_event_type = 'Lock' AND query LIKE "
                            "'%%entry_create%%'")
                return cur.fetchone()[0] == n
        assert eventually(waiting), "the uploads did not reach the quota"
        holder.commit()
    finally:
        holder.close()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [429] * (n - 1), [r.text for r in results]
    assert quota_used(db, uid) == UPLOAD_QUOTA
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.entries WHERE "
                    "account_id = %s", (uid,))
        assert cur.fetchone()[0] == 1
    _, files_after = snapshot()
    assert len(set(files_after) - set(files_before)) == 6


# --- migration 011 on existing rows ------------------------------------------


def test_migration_011_dates_entries_closed_before_it(scratch):
    """The release before: without 011 and the functions that need it
    (the end of 020_entries.sql from closed_at on, and 088_ops.sql's
    media list, which reads files_purged_at)."""
    restore = scratch["hold"]("migrations/011_disk.sql",
                              "functions/088_ops.sql")
    funcs = scratch["dir"] / "sql" / "functions" / "020_entries.sql"
    full = funcs.read_text()
    funcs.write_text(full[:full.index("-- closed_at (migration 011)")])
    first = scratch["run"]()
    assert first.returncode == 0, first.stderr
    conn = scratch["db"]()
    with conn.cursor() as cur:
        cur.execute("SET search_path = netdep")
        cur.execute("INSERT INTO accounts (username, display_name, "
                    "password_hash) VALUES ('old1', 'Old', '$argon2id$x') "
                    "RETURNING id")
        acc = cur.fetchone()[0]
        cur.execute("INSERT INTO contests (slug, title) VALUES "
                    "('old-contest', 'Old') RETURNING id")
        con = cur.fetchone()[0]
        ids = {}
        for status, slot in (("pending", 1), ("approved", 2),
                             ("rejected", None), ("withdrawn", None)):
            cur.execute(
                "INSERT INTO entries (contest_id, account_id, title, status, "
                "reject_reason, slot, decided_at, updated_at) VALUES "
                "(%s, %s, 't', %s, %s, %s, '2026-01-02Z', '2026-01-05Z') "
                "RETURNING id",
                (con, acc, status,
                 "lạc đề" if status == "rejected" else None, slot))
            ids[status] = cur.fetchone()[0]
    restore()
    funcs.write_text(full)
    second = scratch["run"]()
    assert second.returncode == 0, second.stderr
    with conn.cursor() as cur:
        cur.execute("SELECT status, closed_at AT TIME ZONE 'UTC', "
                    "files_purged_at FROM netdep.entries ORDER BY id")
        rows = cur.fetchall()
    assert rows == [
        ("pending", None, None),
        ("approved", None, None),
        ("rejected", datetime.datetime(2026, 1, 2), None),
        ("withdrawn", datetime.datetime(2026, 1, 5), None),
    ], rows
