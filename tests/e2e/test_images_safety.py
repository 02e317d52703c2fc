"""Uploads a hostile file cannot turn against the site (issue 3): bombs
refused from their headers without a decode child, polyglots refused or
re-encoded so that no public byte carries the payload, no metadata in any
public derivative, no libgd reader we do not want linked in, and decodes
that hit the child's limits or find every slot taken answered 422/503
while the workers live on."""

import fcntl
import io
import json
import os
import re
import struct
import subprocess
import tempfile
import zipfile
import zlib

import pytest

from helpers import (API, HTML_BYTES, SVG_BYTES, approve, assert_error,
                     assert_status, describe, media_token, png_bomb,
                     png_chunk, png_header_only, public_media_path,
                     unchanged, upload, upload_ok)

PUBLIC_SUFFIXES = ("_t400.jpg", "_t400.webp", "_d1600.jpg", "_d1600.webp",
                   "_card.jpg")


@pytest.fixture
def place(contest, new_user):
    """A contest with a low minimum size, an owner and a judge."""
    slug = contest(min_short_side=1, max_entries=50)
    return slug, new_user(), new_user(role="judge", contest=slug)


def log_lines(var_dir):
    with open(os.path.join(var_dir, "log", "netdep.log"), "rb") as f:
        return f.read().decode("utf-8", "replace").splitlines()


def log_records(var_dir):
    """The server log's JSON lines (README, Logs)."""
    out = []
    for line in log_lines(var_dir):
        try:
            out.append(json.loads(line))
        except ValueError:
            pass  # a sanitizer's or valgrind's report, say
    return out


def request_ids(var_dir, slug):
    """Request ids and statuses of the uploads to contest slug."""
    path = f"/api/v1/contests/{slug}/entries"
    return [(x["req"], x["status"]) for x in log_records(var_dir)
            if x.get("event") == "request" and x.get("method") == "POST"
            and x.get("path") == path]


def decode_lines(var_dir, req_id):
    """What the log says of request req_id's decode child."""
    return [x.get("msg") or json.dumps(x) for x in log_records(var_dir)
            if f"req={req_id} decode" in x.get("msg", "")
            or (x.get("event") == "decode_refused" and x.get("req") == req_id)]


def public_files(owner, token):
    out = {}
    for suffix in PUBLIC_SUFFIXES:
        r = owner.get(public_media_path(token, suffix))
        assert_status(r, 200)
        out[suffix] = r.content
    return out


# --- bombs: refused from the header, no child -------------------------------

def jpeg_with_sof(make_jpeg, w, h):
    data = bytearray(make_jpeg(640, 480))
    for i in range(2, len(data) - 9):
        if data[i] == 0xFF and data[i + 1] in (0xC0, 0xC1, 0xC2):
            data[i + 5:i + 9] = struct.pack(">HH", h, w)
            return bytes(data)
    raise AssertionError("no SOF in the generated JPEG")


def webp_vp8x_bomb(w=16383, h=16383):
    """A RIFF/WEBP with a VP8X canvas and a VP8L header of w x h."""
    vp8x = bytes([0x10, 0, 0, 0]) + (w - 1).to_bytes(3, "little") + \
        (h - 1).to_bytes(3, "little")
    bits = (w - 1) | ((h - 1) << 14) | (1 << 28)
    vp8l = b"\x2f" + struct.pack("<I", bits) + b"\x00" * 27
    body = (b"WEBP" + b"VP8X" + struct.pack("<I", len(vp8x)) + vp8x
            + b"VP8L" + struct.pack("<I", len(vp8l)) + vp8l)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def jpeg_many_scans(n=3000):
    """A tiny progressive JPEG header followed by n scans of one byte."""
    soi = b"\xff\xd8"
    sof2 = b"\xff\xc2" + struct.pack(">HBHHB", 11, 8, 16, 16, 1) + \
        b"\x01\x11\x00"
    sos = b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00\x00\x00\x00"
    return soi + sof2 + (sos + b"\x00") * n + b"\xff\xd9"


@pytest.mark.parametrize("kind", ["png", "jpeg-sof", "webp-vp8x", "scans"])
def test_bombs_are_refused_without_decoding(place, make_jpeg, snapshot, db,
                                            var_dir, kind):
    slug, owner, _judge = place
    photo, status, code = {
        "png": (png_bomb(20000, 20000), 413, "image_too_large"),
        "jpeg-sof": (jpeg_with_sof(make_jpeg, 65500, 65500), 413,
                     "image_too_large"),
        "webp-vp8x": (webp_vp8x_bomb(), 413, "image_too_large"),
        "scans": (jpeg_many_scans(3000), 422, "image_too_complex"),
    }[kind]
    assert len(photo) < 200000
    with unchanged(snapshot, db):
        r = upload(owner, slug, photo, filename="bomb.bin",
                   content_type="application/octet-stream")
        assert_error(r, status, code)
    ids = request_ids(var_dir, slug)
    assert ids and ids[-1][1] == status, ids
    # Refused by the header parser: no decode child was ever started.
    assert decode_lines(var_dir, ids[-1][0]) == []


def test_an_accepted_upload_is_decoded_in_a_child(place, make_jpeg, var_dir):
    slug, owner, _judge = place
    upload_ok(owner, slug, make_jpeg(800, 600))
    req_id = request_ids(var_dir, slug)[-1][0]
    lines = decode_lines(var_dir, req_id)
    assert any("decode child pid=" in ln and " ok " in ln for ln in lines), \
        lines


# --- polyglots ------------------------------------------------------------

def jpeg_with_comment(jpg, text):
    seg = b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text
    return jpg[:2] + seg + jpg[2:]


def png_with_zip(png):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload/evil.html", "<script>alert(1)</script>" * 20)
    return png + buf.getvalue()


def test_jpeg_with_script_comment_is_reencoded(place, make_jpeg, db):
    slug, owner, judge = place
    payload = b"<script>alert(document.domain)</script>"
    e = upload_ok(owner, slug,
                  jpeg_with_comment(make_jpeg(900, 700), payload))
    approve(judge, e["id"])
    for suffix, body in public_files(owner,
                                     media_token(db, e["id"])).items():
        assert b"<script" not in body.lower(), suffix
        if suffix.endswith(".jpg"):
            assert b"\xff\xfe" not in body[:body.find(b"\xff\xda")], \
                f"{suffix} kept a COM segment"


def test_png_with_zip_appended_is_reencoded(place, make_png, db):
    slug, owner, judge = place
    e = upload_ok(owner, slug, png_with_zip(make_png(500, 400)),
                  filename="a.png", content_type="image/png")
    approve(judge, e["id"])
    for suffix, body in public_files(owner,
                                     media_token(db, e["id"])).items():
        assert b"PK\x03\x04" not in body and b"evil.html" not in body, \
            suffix
        assert b"<script" not in body, suffix


@pytest.mark.parametrize("photo,filename,ctype", [
    (HTML_BYTES, "photo.jpg", "image/jpeg"),
    (SVG_BYTES, "photo.png", "image/png"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
     "photo.jpg", "image/jpeg"),
], ids=["html-as-jpg", "svg-as-png", "svg-onload-as-jpg"])
def test_markup_named_as_an_image_is_refused(place, snapshot, db, photo,
                                             filename, ctype):
    slug, owner, _judge = place
    with unchanged(snapshot, db):
        r = upload(owner, slug, photo, filename=filename, content_type=ctype)
        assert_error(r, 415, "unsupported_image")
        assert "JPEG" in r.json()["error"]["message"]


def test_original_is_an_attachment_never_inline(place, make_jpeg, anon):
    slug, owner, judge = place
    payload = b"<html><script>alert(1)</script></html>"
    e = upload_ok(owner, slug,
                  jpeg_with_comment(make_jpeg(640, 480), payload))
    url = f"{API}/entries/{e['id']}/original"
    assert_error(anon.get(url), 401, "login_required")
    for who in (owner, judge):
        r = who.get(url)
        assert_status(r, 200)
        assert r.headers["Content-Type"] == "image/jpeg"
        assert r.headers["Content-Disposition"].startswith("attachment")
        assert r.headers["X-Content-Type-Options"] == "nosniff"


# --- privacy -----------------------------------------------------------------

EXIF_ARGS = [
    "-GPSLatitude=21.028511", "-GPSLatitudeRef=N",
    "-GPSLongitude=105.804817", "-GPSLongitudeRef=E",
    "-GPSAltitude=25", "-Make=Canon", "-Model=Canon EOS R6",
    "-DateTimeOriginal=2026:03:26 08:15:00", "-Artist=Nguyen Van A",
    "-XMP-dc:Creator=Nguyen Van A", "-XMP-dc:Description=secret xmp",
    "-IPTC:By-line=Nguyen Van A", "-IPTC:City=Ha Noi",
    "-Comment=secret comment",
]

# Long enough that compressed pixels never contain them by chance; GPS and
# the binary EXIF tags are checked by exiftool below.
LEAKS = (b"Exif\x00\x00", b"Canon", b"EOS R6", b"Nguyen", b"secret",
         b"ns.adobe.com", b"Photoshop 3.0", b"8BIM", b"Ha Noi",
         b"ICC_PROFILE")


def tagged_jpeg(make_jpeg):
    with tempfile.TemporaryDirectory() as tmp:
        p = os.path.join(tmp, "gps.jpg")
        with open(p, "wb") as f:
            f.write(make_jpeg(1200, 900))
        subprocess.run(["exiftool", "-q", "-overwrite_original",
                        *EXIF_ARGS, p], check=True, capture_output=True)
        with open(p, "rb") as f:
            data = f.read()
    tags = exiftool_tags(data)
    assert "[GPS]" in tags and "[XMP-dc]" in tags and "[IPTC]" in tags, tags
    return data


def exiftool_tags(data):
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(data)
        f.flush()
        r = subprocess.run(["exiftool", "-s", "-G1", "-a", f.name],
                           capture_output=True, text=True, check=True)
    return r.stdout


def test_no_public_derivative_carries_metadata(place, make_jpeg, db):
    slug, owner, judge = place
    e = upload_ok(owner, slug, tagged_jpeg(make_jpeg))
    # The judge sees camera and date taken, read from the private original.
    r = judge.get(f"{API}/entries/{e['id']}")
    assert_status(r, 200)
    seen = r.json()["entry"]
    assert "EOS R6" in seen["camera"] and "Canon" in seen["camera"], seen
    assert seen["taken_at"] == "2026:03:26 08:15:00", seen
    approve(judge, e["id"])
    for suffix, body in public_files(owner,
                                     media_token(db, e["id"])).items():
        for leak in LEAKS:
            assert leak not in body, f"{suffix} carries {leak!r}"
        tags = exiftool_tags(body)
        for group in ("[GPS]", "[IFD0]", "[ExifIFD]", "[XMP", "[IPTC]",
                      "[Photoshop]"):
            assert group not in tags, f"{suffix}: {group} in\n{tags}"
    # The public view of the entry says nothing about the camera.
    r = new_anon_get(owner, f"{API}/entries/{e['id']}")
    assert "camera" not in r and "taken_at" not in r


def new_anon_get(client, url):
    from conftest import Client
    with Client(client.base_url) as c:
        r = c.get(url)
        assert_status(r, 200)
        return r.json()["entry"]


# --- what the binaries link ---------------------------------------------

FORBIDDEN = re.compile(
    r"\bgdImageCreateFrom(Gif|Tga|Bmp|Gd2|Gd|Tiff|Avif|Heif|Heic|Wbmp|Xbm|"
    r"Xpm|File)\w*")


@pytest.mark.parametrize("binary", ["netdep", "netdep-thumb",
                                    "netdep-admin"])
def test_binaries_never_reference_unwanted_readers(binary):
    build = os.path.dirname(os.path.abspath(os.environ["NETDEP_ADMIN"]))
    path = os.path.join(build, binary)
    assert os.path.exists(path), path
    # libgd may be linked statically (the Makefile's default) or as a
    # shared library: look at every symbol, defined or imported.
    syms = subprocess.run(["nm", path], capture_output=True, text=True,
                          check=True).stdout
    syms += subprocess.run(["nm", "-D", path], capture_output=True,
                           text=True, check=True).stdout
    assert "gdImageCreateFromPngPtr" in syms or binary == "netdep-admin", \
        "nm sees no libgd symbol at all: the check would prove nothing"
    bad = sorted(set(m.group(0) for m in FORBIDDEN.finditer(syms)))
    assert bad == [], f"{binary} contains or imports {bad}"
    dump = subprocess.run(["objdump", "-T", path], capture_output=True,
                          text=True, check=True).stdout
    assert not FORBIDDEN.search(dump)


# --- the decode child's limits --------------------------------------------

def worker_pids(var_dir):
    with open(os.path.join(var_dir, "run", "netdep.pid")) as f:
        master = int(f.read().strip())
    with open(f"/proc/{master}/task/{master}/children") as f:
        return master, sorted(int(p) for p in f.read().split())


def png_zeros(w, h):
    """A w x h RGB PNG of zero rows: tiny on disk, w*h*4 bytes in libgd."""
    z = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * w)
    parts = [z.compress(row) for _ in range(h)]
    parts.append(z.flush())
    return (png_header_only(w, h) + png_chunk(b"IDAT", b"".join(parts))
            + png_chunk(b"IEND", b""))


def test_decode_over_the_memory_limit_costs_one_422(contest, new_user,
                                                    admin_cli, snapshot, db,
                                                    var_dir, anon):
    slug = contest(min_short_side=1)
    r = admin_cli("contest", "set", slug, "max-pixels=268435456")
    assert r.returncode == 0, r.stderr
    owner = new_user()
    bomb = png_zeros(16000, 16000)   # 1 GB as a gdImage: over the budget
    assert len(bomb) < 2_000_000
    master, before = worker_pids(var_dir)
    seen = len(log_lines(var_dir))
    with unchanged(snapshot, db):
        r = upload(owner, slug, bomb, filename="big.png",
                   content_type="image/png")
        assert r.status_code in (422, 503), describe(r)
        assert_error(r, r.status_code, ("image_too_complex",
                                        "image_corrupt", "busy"))
    req_id = request_ids(var_dir, slug)[-1][0]
    assert any("decode child pid=" in ln for ln in
               decode_lines(var_dir, req_id)), "no decode child was started"
    assert worker_pids(var_dir) == (master, before), "a worker died"
    assert not [ln for ln in log_lines(var_dir)[seen:]
                if "master: worker" in ln]
    assert_status(anon.get(f"{API}/health"), 200)


def test_all_decode_slots_busy_answers_503(place, make_jpeg, media_dir,
                                           snapshot, db):
    slug, owner, _judge = place
    upload_ok(owner, slug, make_jpeg(640, 480))
    # Slot N is a write lock on byte N of tmp/.decode-slots; the server's
    # default is one slot per online CPU.  Hold them all.
    fd = os.open(os.path.join(media_dir, "tmp", ".decode-slots"), os.O_RDWR)
    try:
        for i in range(os.cpu_count() or 2):
            fcntl.lockf(fd, fcntl.LOCK_EX, 1, i)
        with unchanged(snapshot, db):
            r = upload(owner, slug, make_jpeg(640, 480))
            assert_error(r, 503, "busy")
            assert int(r.headers["Retry-After"]) > 0
    finally:
        os.close(fd)
    upload_ok(owner, slug, make_jpeg(640, 480))
