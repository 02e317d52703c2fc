"""netdep-admin media relink (run by netdep-ctl restore): pub/ follows the
rows (an approved entry's derivatives linked back, a pending entry's
public links removed), and a row whose original is missing is named and
makes it exit 1."""

import os

from helpers import approve, media_token, upload_ok


def fan(media_dir, area, token, suffix):
    return os.path.join(media_dir, area, token[:2], token[2:4],
                        token + suffix)


def test_relink_rebuilds_pub_and_names_missing_files(admin_cli, contest,
                                                     new_user, make_jpeg,
                                                     media_dir, db):
    slug = contest(min_short_side=200)
    author = new_user()
    judge = new_user("judge", slug)
    shown = upload_ok(author, slug, make_jpeg(400, 300, seed=11))["id"]
    approve(judge, shown)
    waiting = upload_ok(author, slug, make_jpeg(400, 300, seed=12))["id"]
    t_shown, t_waiting = media_token(db, shown), media_token(db, waiting)

    # As after a restore: the approved entry's public link is missing, and
    # the pending one has one it should not have.
    public = fan(media_dir, "pub", t_shown, "_t400.jpg")
    os.unlink(public)
    stray = fan(media_dir, "pub", t_waiting, "_t400.jpg")
    own = os.stat(media_dir)
    d = os.path.join(media_dir, "pub")
    for part in (t_waiting[:2], t_waiting[2:4]):
        d = os.path.join(d, part)
        if not os.path.isdir(d):
            # The server's user must keep writing where a test made a
            # directory.
            os.mkdir(d, 0o750)
            os.chown(d, own.st_uid, own.st_gid)
    os.link(fan(media_dir, "priv", t_waiting, "_t400.jpg"), stray)
    r = admin_cli("media", "relink")
    assert r.returncode == 0, r.stdout + r.stderr
    assert os.path.isfile(public)
    assert os.stat(public).st_ino == os.stat(
        fan(media_dir, "priv", t_shown, "_t400.jpg")).st_ino
    assert not os.path.exists(stray)

    original = fan(media_dir, "orig", t_waiting, ".jpg")
    aside = original + ".aside"
    os.rename(original, aside)
    try:
        r = admin_cli("media", "relink")
        assert r.returncode == 1, r.stdout + r.stderr
        want = f"missing orig/{t_waiting[:2]}/{t_waiting[2:4]}/{t_waiting}.jpg"
        assert want in r.stdout
        assert t_shown not in r.stdout
    finally:
        os.rename(aside, original)
    r = admin_cli("media", "relink", "extra")
    assert r.returncode == 2 and "no argument" in r.stderr
