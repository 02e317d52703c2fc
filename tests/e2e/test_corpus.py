"""Public image corpora (../shared/testdata, see its README) through the
upload path: valid files accepted, broken ones refused with a 4xx and no
row or file left behind, never a 5xx; EXIF orientation applied and
metadata stripped from the derivatives."""

import glob
import os

import pytest

from helpers import (API, approve, assert_error, jpeg_size, unchanged,
                     upload)


class Uploader:
    """Uploads many files to one permissive contest, switching to a new
    participant before the entry limit."""

    def __init__(self, contest, new_user):
        self.slug = contest(min_short_side=1, max_entries=100)
        self.new_user = new_user
        self.owner, self.used = new_user(), 0

    def __call__(self, path):
        if self.used >= 95:
            self.owner, self.used = self.new_user(), 0
        with open(path, "rb") as f:
            data = f.read()
        r = upload(self.owner, self.slug, data,
                   filename=os.path.basename(path),
                   content_type="application/octet-stream")
        if r.status_code == 201:
            self.used += 1
        return r


def check_refused(up, path, snapshot, db):
    with unchanged(snapshot, db):
        r = up(path)
        assert 400 <= r.status_code < 500, f"{path}: {r.status_code} {r.text}"
        assert_error(r, r.status_code, ("unsupported_image", "image_corrupt",
                                        "image_too_large", "image_too_small",
                                        "invalid_field"))


def test_pngsuite(testdata, contest, new_user, snapshot, db):
    files = sorted(glob.glob(os.path.join(testdata, "pngsuite", "png",
                                          "*.png")))
    if not files:
        pytest.skip("pngsuite not found")
    up = Uploader(contest, new_user)
    bad = []
    for path in files:
        if os.path.basename(path).startswith("x"):
            check_refused(up, path, snapshot, db)
        else:
            r = up(path)
            if r.status_code != 201:
                bad.append((os.path.basename(path), r.status_code,
                            r.text[:120]))
    assert not bad, f"{len(bad)} valid PNGs refused: {bad[:10]}"


def test_jpeg_oddities(testdata, contest, new_user, snapshot, db):
    d = os.path.join(testdata, "libjpeg-turbo", "testimages")
    if not os.path.isdir(d):
        pytest.skip("libjpeg-turbo test images not found")
    up = Uploader(contest, new_user)
    check_refused(up, os.path.join(d, "monkey12.jpg"), snapshot, db)
    for path in (os.path.join(testdata, "libgd", "tests", "jpeg",
                              "empty.jpeg"),
                 os.path.join(testdata, "libgd", "tests", "webp",
                              "bug_double_free.jpg")):
        if os.path.exists(path):
            check_refused(up, path, snapshot, db)
    bad = []
    for path in sorted(glob.glob(os.path.join(d, "*.jpg"))):
        if os.path.basename(path) == "monkey12.jpg":
            continue
        r = up(path)
        if r.status_code != 201:
            bad.append((os.path.basename(path), r.status_code, r.text[:120]))
    assert not bad, bad


def test_exif_orientation_is_applied_and_metadata_stripped(
        testdata, contest, new_user):
    d = os.path.join(testdata, "exif-orientation")
    files = sorted(glob.glob(os.path.join(d, "*_[0-8].jpg")))
    if not files:
        pytest.skip("exif-orientation not found")
    up = Uploader(contest, new_user)
    judge = new_user(role="judge", contest=up.slug)
    for path in files:
        r = up(path)
        assert r.status_code == 201, f"{path}: {r.status_code} {r.text}"
        e = r.json()["entry"]
        approve(judge, e["id"])
        e = up.owner.get(f"{API}/entries/{e['id']}").json()["entry"]
        disp = up.owner.get(e["media"]["display_jpeg"])
        assert disp.status_code == 200, e["media"]["display_jpeg"]
        w, h = jpeg_size(disp.content)
        name = os.path.basename(path)
        if name.startswith("Landscape"):
            assert w > h, f"{name}: {w}x{h}"
        else:
            assert h > w, f"{name}: {w}x{h}"
        assert b"Exif\x00\x00" not in disp.content[:65536], name
        assert (e["media"]["width"] > e["media"]["height"]) == \
            name.startswith("Landscape"), e["media"]
