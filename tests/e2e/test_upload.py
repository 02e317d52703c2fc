"""Uploads (SPEC section 3): JPEG and PNG accepted and made pending; every
bad input refused with the right status and error code, leaving no row
and no file behind."""

import pytest

from helpers import (API, GIF_BYTES, HTML_BYTES, SVG_BYTES, TEXT_BYTES,
                     assert_error, assert_status, category_ids, describe,
                     jpeg_size, png_bomb, png_header_only, unchanged, upload,
                     upload_ok)


@pytest.fixture
def shop(contest, new_user):
    """A contest with two categories and a logged-in participant."""
    slug = contest(categories=["Đoàn viên", "Thanh niên"])
    owner = new_user()
    return slug, owner, category_ids(owner, slug)


def test_upload_jpeg_makes_a_pending_entry(shop, make_jpeg, db, media_dir):
    slug, owner, cats = shop
    e = upload_ok(owner, slug, make_jpeg(1600, 1200), title="Mùa hè xanh",
                  caption="Chiến dịch tình nguyện\nở vùng cao",
                  category=cats[1])
    assert e["title"] == "Mùa hè xanh"
    assert e["caption"] == "Chiến dịch tình nguyện\nở vùng cao"
    assert e["category"]["id"] == cats[1]
    assert e["contest"] == slug
    assert e["original_type"] == "image/jpeg"
    assert (e["original_width"], e["original_height"]) == (1600, 1200)
    assert e["author"]["unit"] == "Chi đoàn 1"
    assert e["media"]["thumb_width"] == 400
    # Pending media is only behind the API, never under /media/.
    assert not e["media"]["thumb_jpeg"].startswith("/media/")

    with db.cursor() as cur:
        cur.execute("SELECT e.status, m.token, m.original_type FROM "
                    "netdep.entries e JOIN netdep.media m ON "
                    "m.entry_id = e.id WHERE e.id = %s", (e["id"],))
        status, token, otype = cur.fetchone()
    assert status == "pending" and otype == "image/jpeg"
    orig = f"{media_dir}/orig/{token[:2]}/{token[2:4]}/{token}.jpg"
    with open(orig, "rb") as f:
        assert f.read(3) == b"\xff\xd8\xff"
    thumb = f"{media_dir}/priv/{token[:2]}/{token[2:4]}/{token}_t400.jpg"
    with open(thumb, "rb") as f:
        assert jpeg_size(f.read())[0] == 400


def test_upload_png_is_accepted_whatever_its_name(shop, make_png, db):
    slug, owner, cats = shop
    e = upload_ok(owner, slug, make_png(1000, 900), filename="anh.jpg",
                  content_type="image/jpeg", category=cats[0])
    assert e["original_type"] == "image/png"
    assert (e["original_width"], e["original_height"]) == (1000, 900)


def test_upload_appears_in_my_entries_not_in_the_gallery(shop, make_jpeg,
                                                        anon):
    slug, owner, cats = shop
    e = upload_ok(owner, slug, make_jpeg(1200, 900), category=cats[0])
    r = owner.get(f"{API}/me/entries")
    assert_status(r, 200)
    assert [x["id"] for x in r.json()["entries"] if x["id"] == e["id"]]
    r = anon.get(f"{API}/contests/{slug}/entries")
    assert_status(r, 200)
    assert r.json()["entries"] == []
    assert_error(anon.get(f"{API}/entries/{e['id']}"), 404, "no_entry")
    r = owner.get(f"{API}/entries/{e['id']}")
    assert_status(r, 200)
    assert r.json()["entry"]["status"] == "pending"


def test_title_of_120_vietnamese_characters_is_accepted(shop, make_jpeg):
    slug, owner, cats = shop
    title = "ẩ" * 120   # 120 characters, 360 bytes
    e = upload_ok(owner, slug, make_jpeg(1000, 800), title=title,
                  category=cats[0])
    assert e["title"] == title


# --- refused uploads: status, error code, nothing changed ---------------

def refused(snapshot, db, owner, slug, status, code, photo, **kw):
    with unchanged(snapshot, db):
        r = upload(owner, slug, photo, **kw)
        assert_error(r, status, code)
    return r


@pytest.mark.parametrize("photo,filename,ctype", [
    (TEXT_BYTES, "photo.jpg", "image/jpeg"),
    (GIF_BYTES, "photo.png", "image/png"),
    (SVG_BYTES, "photo.png", "image/png"),
    (HTML_BYTES, "photo.png", "image/png"),
    (b"RIFF\x10\x00\x00\x00WAVEfmt " + b"\x00" * 64, "photo.webp",
     "image/webp"),
], ids=["text-as-jpg", "gif-as-png", "svg-as-png", "html-as-png", "wav"])
def test_non_image_bytes_are_refused_415(shop, snapshot, db, photo, filename,
                                         ctype):
    slug, owner, cats = shop
    refused(snapshot, db, owner, slug, 415, "unsupported_image", photo,
            filename=filename, content_type=ctype, category=cats[0])


def test_png_bomb_is_refused_from_its_header(shop, snapshot, db):
    slug, owner, cats = shop
    bomb = png_bomb(20000, 20000)
    assert len(bomb) < 10000
    refused(snapshot, db, owner, slug, 413, "image_too_large", bomb,
            filename="bomb.png", content_type="image/png", category=cats[0])


def test_png_header_alone_claiming_20000_square_is_refused(shop, snapshot,
                                                          db):
    slug, owner, cats = shop
    with unchanged(snapshot, db):
        r = upload(owner, slug, png_header_only(20000, 20000),
                   filename="bomb.png", content_type="image/png",
                   category=cats[0])
        # Too large (413) or, as it has no image data, corrupt (422).
        if r.status_code == 422:
            assert_error(r, 422, "image_corrupt")
        else:
            assert_error(r, 413, "image_too_large")


def test_jpeg_claiming_huge_dimensions_is_refused(shop, make_jpeg, snapshot,
                                                  db):
    slug, owner, cats = shop
    data = bytearray(make_jpeg(1000, 800))
    # Patch the SOF0/SOF2 frame size to 30000 x 30000.
    for i in range(2, len(data) - 9):
        if data[i] == 0xFF and data[i + 1] in (0xC0, 0xC1, 0xC2):
            data[i + 5:i + 9] = (30000).to_bytes(2, "big") * 2
            break
    else:
        pytest.fail("no SOF in the generated JPEG")
    refused(snapshot, db, owner, slug, 413, "image_too_large", bytes(data),
            category=cats[0])


def test_truncated_jpeg_is_refused_422(shop, make_jpeg, snapshot, db):
    slug, owner, cats = shop
    data = make_jpeg(1600, 1200)
    refused(snapshot, db, owner, slug, 422, ("image_corrupt",),
            data[:len(data) // 2], category=cats[0])


def test_jpeg_header_only_is_refused_422(shop, make_jpeg, snapshot, db):
    slug, owner, cats = shop
    refused(snapshot, db, owner, slug, 422, "image_corrupt",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", category=cats[0])


def test_image_under_the_min_short_side_is_refused(contest, new_user,
                                                   make_jpeg, snapshot, db):
    slug = contest(min_short_side=900)
    owner = new_user()
    refused(snapshot, db, owner, slug, 422, "image_too_small",
            make_jpeg(1600, 899))
    refused(snapshot, db, owner, slug, 422, "image_too_small",
            make_jpeg(899, 1600))
    upload_ok(owner, slug, make_jpeg(900, 900))


def test_photo_over_the_byte_limit_is_refused(shop, snapshot, db):
    slug, owner, cats = shop
    big = b"\xff\xd8\xff\xe0" + b"\x00" * (20 * 1024 * 1024 + 4096)
    refused(snapshot, db, owner, slug, 413, "image_too_large", big,
            category=cats[0])


def test_missing_or_bad_fields_are_refused_400(shop, make_jpeg, snapshot,
                                               db):
    slug, owner, cats = shop
    photo = make_jpeg(1000, 800)
    cases = [
        dict(title=False),                       # no title
        dict(title=""),                          # empty title
        dict(title="x" * 121),                   # 121 characters
        dict(title="ẩ" * 121),
        dict(caption="c" * 2001),
        dict(category=None),                     # contest has categories
        dict(category="abc"),
        dict(category=999999999),                # not this contest's
    ]
    for kw in cases:
        kw.setdefault("category", cats[0])   # None: the field is left out
        refused(snapshot, db, owner, slug, 400, "invalid_field", photo, **kw)


def test_category_of_another_contest_is_refused(shop, contest, snapshot, db,
                                                make_jpeg, anon):
    slug, owner, cats = shop
    other = contest(categories=["Khác"])
    foreign = category_ids(anon, other)[0]
    refused(snapshot, db, owner, slug, 400, "invalid_field",
            make_jpeg(1000, 800), category=foreign)


def test_invalid_utf8_in_a_field_is_refused(shop, make_jpeg, snapshot, db):
    slug, owner, cats = shop
    photo = make_jpeg(1000, 800)
    for bad in (b"Tieu de \xff\xfe", b"\xc3\x28", b"ab\xed\xa0\x80cd",
                b"over\xc0\xaflong", b"nul\x00inside"):
        # Refused as a bad field or as a malformed form: 400 either way.
        refused(snapshot, db, owner, slug, 400,
                ("invalid_field", "bad_multipart"), photo, title=bad,
                category=cats[0])


def test_missing_photo_is_refused(shop, snapshot, db):
    slug, owner, cats = shop
    with unchanged(snapshot, db):
        r = owner.post(f"{API}/contests/{slug}/entries",
                       files={"title": (None, "Không có ảnh"),
                              "category": (None, str(cats[0]))})
        assert_error(r, 400, "invalid_field")
    refused(snapshot, db, owner, slug, 400, "invalid_field", b"",
            category=cats[0])


def multipart_raw(owner, slug, body, boundary="XyZbOuNdArY"):
    return owner.post(
        f"{API}/contests/{slug}/entries", data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})


def test_malformed_multipart_is_refused(shop, make_jpeg, snapshot, db):
    slug, owner, cats = shop
    jpg = make_jpeg(1000, 800)
    good_part = (b"--XyZbOuNdArY\r\nContent-Disposition: form-data; "
                 b"name=\"title\"\r\n\r\nHello\r\n")
    photo_part = (b"--XyZbOuNdArY\r\nContent-Disposition: form-data; "
                  b"name=\"photo\"; filename=\"a.jpg\"\r\nContent-Type: "
                  b"image/jpeg\r\n\r\n" + jpg + b"\r\n")
    bodies = {
        "no closing boundary": good_part + photo_part,
        "wrong boundary": good_part.replace(b"XyZbOuNdArY", b"Other") +
        b"--Other--\r\n",
        "no headers": b"--XyZbOuNdArY\r\n\r\nHello\r\n--XyZbOuNdArY--\r\n",
        "garbage": b"this is not multipart at all",
        "empty": b"",
        "part without name": b"--XyZbOuNdArY\r\nContent-Disposition: "
        b"form-data\r\n\r\nx\r\n--XyZbOuNdArY--\r\n",
        "unterminated headers": b"--XyZbOuNdArY\r\nContent-Disposition: "
        b"form-data; name=\"title\"",
    }
    for what, body in bodies.items():
        with unchanged(snapshot, db):
            r = multipart_raw(owner, slug, body)
            assert r.status_code == 400, f"{what}: {describe(r)}"
            assert_error(r, 400, ("bad_multipart", "invalid_field"))
    # No boundary parameter at all.
    with unchanged(snapshot, db):
        r = owner.post(f"{API}/contests/{slug}/entries",
                       data=good_part + b"--XyZbOuNdArY--\r\n",
                       headers={"Content-Type": "multipart/form-data"})
        assert_error(r, 400, "bad_multipart")


def test_upload_as_json_is_refused_415(shop, snapshot, db):
    slug, owner, cats = shop
    with unchanged(snapshot, db):
        r = owner.post(f"{API}/contests/{slug}/entries",
                       json={"title": "x", "photo": "AAAA"})
        assert_error(r, 415, "unsupported_media_type")


def test_upload_needs_login_and_csrf(shop, make_jpeg, anon, snapshot, db):
    slug, owner, cats = shop
    photo = make_jpeg(1000, 800)
    with unchanged(snapshot, db):
        assert_error(upload(anon, slug, photo, category=cats[0]), 401,
                     "login_required")
    for csrf in (False, "not-the-token"):
        with unchanged(snapshot, db):
            r = upload(owner, slug, photo, category=cats[0], csrf=csrf)
            assert_error(r, 403, "csrf")


def test_upload_to_unknown_contest_is_404(new_user, make_jpeg, snapshot, db):
    owner = new_user()
    with unchanged(snapshot, db):
        assert_error(upload(owner, "no-such-contest-xyz", make_jpeg(1000, 800)),
                     404, "no_contest")


def test_entry_limit(contest, new_user, make_jpeg, snapshot, db):
    slug = contest(max_entries=2)
    owner = new_user()
    upload_ok(owner, slug, make_jpeg(1000, 800))
    upload_ok(owner, slug, make_jpeg(1000, 800))
    refused(snapshot, db, owner, slug, 409, "entry_limit",
            make_jpeg(1000, 800))
    # The limit is per participant.
    upload_ok(new_user(), slug, make_jpeg(1000, 800))


def test_submissions_closed(contest, new_user, make_jpeg, snapshot, db):
    before = contest(submit_from="2099-01-01T00:00:00Z")
    after = contest(submit_from="2020-01-01T00:00:00Z",
                    submit_until="2020-02-01T00:00:00Z")
    owner = new_user()
    for slug in (before, after):
        refused(snapshot, db, owner, slug, 403, "submissions_closed",
                make_jpeg(1000, 800))
