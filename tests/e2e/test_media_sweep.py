"""netdep-admin media orphans / media sweep: files that no media row names
(what a crash between writing a file and committing its row leaves) are
found and removed once they are older than --older-than; files with a row,
young files (uploads in flight) and names that are not tokens stay."""

import os
import secrets
import time

from helpers import upload_ok


def own_like_media(media_dir, *paths):
    """The server runs as its own user: what a test makes in the media
    tree must be that user's, or a later upload that lands in the same
    fan-out directory could not write there."""
    st = os.stat(media_dir)
    for p in paths:
        os.chown(p, st.st_uid, st.st_gid)


def make_dirs(media_dir, *parts):
    d = media_dir
    for part in parts:
        d = os.path.join(d, part)
        if not os.path.isdir(d):
            os.mkdir(d, 0o750)
            own_like_media(media_dir, d)
    return d


def plant(media_dir, area, token, suffix, age):
    d = make_dirs(media_dir, area, token[:2], token[2:4])
    path = os.path.join(d, token + suffix)
    with open(path, "wb") as f:
        f.write(b"x" * 100)
    own_like_media(media_dir, path)
    if age:
        then = time.time() - age
        os.utime(path, (then, then))
    return path


def token_of(db, entry_id):
    with db.cursor() as cur:
        cur.execute("SELECT token FROM netdep.media WHERE entry_id = %s",
                    (entry_id,))
        return cur.fetchone()[0]


def test_sweep_removes_only_old_orphans(admin_cli, contest, new_user,
                                        make_jpeg, media_dir, db):
    slug = contest(min_short_side=200)
    entry = upload_ok(new_user(), slug, make_jpeg(400, 300))
    kept = token_of(db, entry["id"])
    # A file of a real entry, made to look old: it has a row, it stays.
    real = plant(media_dir, "priv", kept, "_extra.jpg", 3 * 86400)
    old = secrets.token_hex(16)
    orphans = [plant(media_dir, "orig", old, ".jpg", 2 * 86400),
               plant(media_dir, "priv", old, "_t400.jpg", 2 * 86400),
               plant(media_dir, "pub", old, "_t400.webp", 2 * 86400)]
    young = plant(media_dir, "orig", secrets.token_hex(16), ".jpg", 60)
    stranger = os.path.join(make_dirs(media_dir, "orig", "zz", "zz"),
                            "README")
    with open(stranger, "w") as f:
        f.write("not ours")
    own_like_media(media_dir, stranger)
    os.utime(stranger, (0, 0))

    r = admin_cli("media", "orphans")
    assert r.returncode == 0, r.stderr
    listed = [line for line in r.stdout.splitlines()
              if line.startswith("orphan ")]
    assert sorted(line.rsplit("/", 1)[1] for line in listed) == sorted(
        os.path.basename(p) for p in orphans)
    assert all(os.path.exists(p) for p in orphans)   # orphans only lists

    r = admin_cli("media", "sweep")
    assert r.returncode == 0, r.stderr
    assert "removed 3 of" in r.stdout
    assert not any(os.path.exists(p) for p in orphans)
    for path in (real, young, stranger):
        assert os.path.exists(path), path
    # The entry's own files are all still there.
    assert os.path.exists(os.path.join(media_dir, "orig", kept[:2],
                                       kept[2:4], kept + ".jpg"))

    # --older-than 0 takes the young one too; the real file still stays.
    r = admin_cli("media", "sweep", "--older-than", "0")
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(young)
    assert os.path.exists(real)


def test_sweep_refuses_a_bad_age(admin_cli):
    r = admin_cli("media", "sweep", "--older-than", "soon")
    assert r.returncode == 2
    assert "--older-than must be a number of seconds" in r.stderr
