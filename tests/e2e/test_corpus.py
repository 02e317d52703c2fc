"""Public image corpora (tests/data/, see its README) through the
upload path: valid files accepted, broken ones refused with a 4xx and no
row or file left behind, never a 5xx; EXIF orientation applied and
metadata stripped from the derivatives.  The corpora are part of the
repository, so a missing one fails a test instead of skipping it."""

import glob
import os
import subprocess
import tempfile

from helpers import (API, UPLOAD_QUOTA, approve, assert_error, jpeg_size,
                     unchanged, upload)


class Uploader:
    """Uploads many files to one permissive contest, switching to a new
    participant before the entry limit."""

    def __init__(self, contest, new_user):
        self.slug = contest(min_short_side=1, max_entries=100)
        self.new_user = new_user
        self.owner, self.used = new_user(), 0

    def __call__(self, path):
        # A new participant before the entry limit or the daily quota.
        if self.used >= min(95, UPLOAD_QUOTA):
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
                                        "image_too_complex",
                                        "invalid_field"))
    return r


def is_animated_webp(path):
    """The VP8X animation flag, as the corpus README's "animated" means."""
    with open(path, "rb") as f:
        head = f.read(21)
    return head[12:16] == b"VP8X" and bool(head[20] & 0x02)


def check_accepted(up, paths):
    """Uploads every path; returns the count and the ones refused."""
    bad = []
    for path in paths:
        r = up(path)
        if r.status_code != 201:
            bad.append((os.path.basename(path), r.status_code,
                        r.text[:120]))
    return len(paths) - len(bad), bad


def test_pngsuite(testdata, contest, new_user, snapshot, db):
    files = sorted(glob.glob(os.path.join(testdata, "pngsuite", "png",
                                          "*.png")))
    assert files, "tests/data/pngsuite/png/ is missing"
    up = Uploader(contest, new_user)
    broken = [p for p in files if os.path.basename(p).startswith("x")]
    for path in broken:
        check_refused(up, path, snapshot, db)
    ok, bad = check_accepted(up, [p for p in files if p not in broken])
    assert not bad, f"{len(bad)} valid PNGs refused: {bad[:10]}"
    # The README's counts: 161 accepted, 14 refused.
    assert (ok, len(broken)) == (161, 14)


def test_libwebp_vectors_are_all_accepted(testdata, contest, new_user):
    files = sorted(glob.glob(os.path.join(testdata, "libwebp", "*.webp")))
    assert files, "tests/data/libwebp/ is missing"
    ok, bad = check_accepted(Uploader(contest, new_user), files)
    assert not bad, f"{len(bad)} of {len(files)} refused: {bad[:10]}"


def test_libgd_conformance(testdata, contest, new_user, snapshot, db):
    d = os.path.join(testdata, "libgd", "tests")
    assert os.path.isdir(d), f"{d} is missing"
    up = Uploader(contest, new_user)
    valid = sorted(glob.glob(os.path.join(d, "png", "png-conformance",
                                          "valid", "*.png")))
    webps = sorted(glob.glob(os.path.join(d, "webp", "webp-conformance",
                                          "valid", "*.webp")))
    animated = [p for p in webps if is_animated_webp(p)]
    ok, bad = check_accepted(up, valid + [p for p in webps
                                          if p not in animated])
    assert not bad, bad
    assert ok == len(valid) + len(webps) - len(animated) and ok > 40
    for path in ("png/png-conformance/invalid/badadler.png",
                 "png/bug00033.png", "jpeg/empty.jpeg",
                 "webp/bug_double_free.jpg"):
        check_refused(up, os.path.join(d, path), snapshot, db)
    assert animated, "anim.webp is missing from the corpus"
    for path in animated:
        r = check_refused(up, path, snapshot, db)
        assert_error(r, 415, "unsupported_image")


def test_jpeg_oddities(testdata, contest, new_user, snapshot, db):
    d = os.path.join(testdata, "libjpeg-turbo", "testimages")
    assert os.path.isdir(d), f"{d} is missing"
    up = Uploader(contest, new_user)
    check_refused(up, os.path.join(d, "monkey12.jpg"), snapshot, db)
    for path in (os.path.join(testdata, "libgd", "tests", "jpeg",
                              "empty.jpeg"),
                 os.path.join(testdata, "libgd", "tests", "webp",
                              "bug_double_free.jpg")):
        check_refused(up, path, snapshot, db)
    ok, bad = check_accepted(
        up, [p for p in sorted(glob.glob(os.path.join(d, "*.jpg")) +
                               glob.glob(os.path.join(d, "*.png")))
             if os.path.basename(p) != "monkey12.jpg"])
    assert not bad, bad
    assert ok >= 6   # testorig, testimgint (progressive), testimgari, PNGs


def test_exif_orientation_is_applied_and_metadata_stripped(
        testdata, contest, new_user):
    d = os.path.join(testdata, "exif-orientation")
    files = sorted(glob.glob(os.path.join(d, "*_[0-8].jpg")))
    assert files, f"{d}/*_[0-8].jpg are missing"
    up = Uploader(contest, new_user)
    judge = new_user(role="judge", contest=up.slug)
    thumbs = {}
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
        t = up.owner.get(e["media"]["thumb_jpeg"])
        assert t.status_code == 200, e["media"]["thumb_jpeg"]
        thumbs[name] = ppm_pixels(t.content)
    # Every orientation, once applied, shows the same picture as *_1.
    for name, (size, px) in thumbs.items():
        ref_size, ref = thumbs[name.split("_")[0] + "_1.jpg"]
        assert size == ref_size, f"{name}: {size} vs {ref_size}"
        diff = sum(abs(a - b) for a, b in zip(px, ref)) / len(px)
        assert diff < 6.0, f"{name}: mean pixel difference {diff:.1f}"


def ppm_pixels(jpeg):
    """((w, h), bytes of RGB samples) of a JPEG, decoded by djpeg."""
    with tempfile.NamedTemporaryFile(suffix=".jpg") as f:
        f.write(jpeg)
        f.flush()
        out = subprocess.run(["djpeg", "-pnm", f.name], check=True,
                             capture_output=True).stdout
    magic, w, h, maxval, data = out.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255", magic
    return (int(w), int(h)), data
