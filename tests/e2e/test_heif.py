"""Photos straight from a phone (issue 15, part 3): the HEIC and AVIF
samples of tests/data/heif/ (see its README) through nginx and the upload
API.  Accepted ones keep their original private and byte for byte, show
the HEIF rotation in every derivative, and no public file carries the
EXIF, GPS or XMP the samples hold; refused ones (a 100000x100000 ispe, a
truncated file, an image sequence) get a clear 4xx with a Vietnamese
message, change nothing, and the workers live on."""

import os
import subprocess
import tempfile

import pytest

from helpers import (API, approve, assert_error, assert_status, jpeg_size,
                     media_token, public_media_path, unchanged, upload,
                     upload_ok)

PUBLIC = ("_t400.jpg", "_t400.webp", "_d1600.jpg", "_d1600.webp",
          "_card.jpg")
# What make_samples.py wrote into the samples' EXIF and XMP.
LEAKS = (b"Exif\x00\x00", b"TestPhone", b"NetdepCam", b"Nguyen Van A",
         b"ns.adobe.com")

# file, MIME type kept for the original, shown width x height
ACCEPTED = [
    ("plain.heic", "image/heic", 360, 240),
    ("rot90.heic", "image/heic", 240, 360),
    ("rot270-mirror.heic", "image/heic", 240, 360),
    ("tenbit.heic", "image/heic", 360, 240),
    ("grid.heic", "image/heic", 500, 380),
    ("clap-rot90.heic", "image/heic", 200, 300),
    ("plain.avif", "image/avif", 360, 240),
    ("rot90.avif", "image/avif", 240, 360),
    ("alpha.avif", "image/avif", 360, 240),
    ("tenbit.avif", "image/avif", 360, 240),
    ("grid.avif", "image/avif", 360, 240),
]

REFUSED = [
    ("bomb-ispe.heic", 413, "image_too_large"),
    ("truncated.heic", 422, "image_corrupt"),
    ("sequence.avif", 415, "unsupported_image"),
]


def sample(testdata, name):
    path = os.path.join(testdata, "heif", name)
    assert os.path.exists(path), f"{path} is missing"
    with open(path, "rb") as f:
        return f.read()


def exiftool_tags(files):
    """{name: exiftool's -G1 listing} for {name: bytes}, in one run."""
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in files.items():
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)
        out = subprocess.run(["exiftool", "-s", "-G1", "-a", tmp],
                             capture_output=True, text=True,
                             check=True).stdout
    tags, cur = {}, None
    for line in out.splitlines():
        if line.startswith("======== "):
            cur = os.path.basename(line[9:].strip())
            tags[cur] = ""
        elif cur is not None:
            tags[cur] += line + "\n"
    assert set(tags) == set(files), (sorted(tags), sorted(files))
    return tags


@pytest.fixture
def place(contest, new_user):
    slug = contest(min_short_side=200, max_entries=50)
    return slug, new_user(), new_user(role="judge", contest=slug)


def test_heic_and_avif_are_accepted_shown_turned_and_clean(place, testdata,
                                                            db, media_dir):
    slug, owner, judge = place
    # The samples carry the metadata the public files must not.
    tags = exiftool_tags({"s.heic": sample(testdata, "plain.heic"),
                          "s.avif": sample(testdata, "plain.avif")})
    for t in tags.values():
        assert "[GPS]" in t and "[XMP-dc]" in t, t
    public = {}
    for name, mime, w, h in ACCEPTED:
        data = sample(testdata, name)
        # Phones' browsers often send no useful type: the bytes decide.
        e = upload_ok(owner, slug, data, filename=name,
                      content_type="application/octet-stream")
        assert (e["media"]["width"], e["media"]["height"]) == (w, h), \
            (name, e["media"])
        # The original: private, as uploaded, with its own type.
        r = owner.get(f"{API}/entries/{e['id']}/original")
        assert_status(r, 200)
        assert r.content == data, name
        assert r.headers["Content-Type"] == mime, name
        assert r.headers["Content-Disposition"].startswith("attachment")
        token = media_token(db, e["id"])
        ext = mime.split("/")[1]
        orig = os.path.join(media_dir, "orig", token[:2], token[2:4],
                            token + "." + ext)
        assert os.path.exists(orig), orig
        if name.startswith("plain."):
            # The judge sees camera and date taken, from the Exif item.
            seen = judge.get(f"{API}/entries/{e['id']}").json()["entry"]
            assert "NetdepCam" in seen["camera"], (name, seen)
            assert seen["taken_at"] == "2026:03:26 08:30:00", (name, seen)
        approve(judge, e["id"])
        for suffix in PUBLIC:
            r = owner.get(public_media_path(token, suffix))
            assert_status(r, 200)
            body = r.content
            if suffix.endswith(".jpg"):
                assert body[:3] == b"\xff\xd8\xff", (name, suffix)
            else:
                assert body[:4] == b"RIFF" and body[8:12] == b"WEBP"
            for leak in LEAKS:
                assert leak not in body, f"{name}{suffix} carries {leak!r}"
            public[name.replace(".", "-") + suffix] = body
            if suffix == "_d1600.jpg":
                # Smaller than 1600: shown at its own size, turned.
                assert jpeg_size(body) == (w, h), (name, jpeg_size(body))
        # The original's directory is not public.
        assert not os.path.exists(os.path.join(
            media_dir, "pub", token[:2], token[2:4], token + "." + ext))
    for name, t in exiftool_tags(public).items():
        for group in ("[GPS]", "[IFD0]", "[ExifIFD]", "[XMP"):
            assert group not in t, f"{name}: {group} in\n{t}"


def test_broken_heif_files_are_refused_in_vietnamese(place, testdata,
                                                     snapshot, db, anon,
                                                     contest):
    slug, owner, _judge = place
    for name, status, code in REFUSED:
        with unchanged(snapshot, db):
            r = upload(owner, slug, sample(testdata, name), filename=name,
                       content_type="image/heic")
            assert_error(r, status, code)
            msg = r.json()["error"]["message"]
            assert "ảnh" in msg, (name, msg)
    # Noise over the HEVC data: the probe passes it, the decoder in its
    # child refuses or paints it; never a 5xx.
    data = bytearray(sample(testdata, "plain.heic"))
    mdat = data.rfind(b"mdat") + 4
    data[mdat + 200:mdat + 4000] = os.urandom(3800)
    r = upload(owner, slug, bytes(data), filename="noise.heic",
               content_type="image/heic")
    assert r.status_code in (201, 422), (r.status_code, r.text)
    # The workers lived through them: a good photo goes in after.
    upload_ok(owner, slug, sample(testdata, "plain.heic"),
              filename="IMG_0001.HEIC", content_type="image/heic")
    assert_status(anon.get(f"{API}/health"), 200)
    # The contest's minimum: rot90.heic shows 240 x 360.
    small = contest(min_short_side=300)
    with unchanged(snapshot, db):
        r = upload(owner, small, sample(testdata, "rot90.heic"),
                   filename="rot90.heic", content_type="image/heic")
        assert_error(r, 422, "image_too_small")
        assert "300" in r.json()["error"]["message"]
