"""Certificates (issue 16): after the results are published, the janitor
draws a certificate for each winner (and, when the organiser chooses it,
each approved participant) in the background; its QR code decodes
(zbarimg) to the public verification page, which answers with the
certificate's details; the PDF is a real A4 landscape PDF with the
TrueType font embedded; an admin downloads them all as one ZIP."""

import io
import os
import re
import subprocess
import tempfile
import unicodedata
import zipfile

from helpers import API, approve, assert_error, assert_status, upload_ok
from judging_helpers import wait_for


def certs(client):
    r = client.get(f"{API}/me/certificates")
    assert_status(r, 200)
    return r.json()["certificates"]


def ready(client, n):
    have = [c for c in certs(client) if c["ready"]]
    return have if len(have) >= n else None


def run(args, data, suffix):
    with tempfile.NamedTemporaryFile(suffix=suffix) as f:
        f.write(data)
        f.flush()
        out = subprocess.run(args + [f.name], capture_output=True,
                             text=True, timeout=120)
    assert out.returncode == 0, f"{args}: {out.stderr}"
    return out.stdout


def pdftotext(data):
    """The PDF's text, as pdftotext extracts it to standard output."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["pdftotext", "-q", f.name, "-"],
                             capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.decode("utf-8")


def test_certificates_drawn_in_the_background_verified_and_zipped(
        contest, new_user, make_jpeg, anon, media_dir):
    slug = contest(title="Cuộc thi ảnh “Tuổi trẻ Việt Nam” 2026")
    admin = new_user(role="admin")
    winner = new_user(display_name="Nguyễn Thị Hằng Ước")
    second = new_user(display_name="Trần Văn Bình")
    taking_part = new_user(display_name="Lê Thị Ánh")
    ids = []
    for who, title in ((winner, "Mùa hè xanh"), (second, "Đêm hội"),
                       (taking_part, "Quê hương")):
        e = upload_ok(who, slug, make_jpeg(1000, 800), title=title)
        approve(admin, e["id"])
        ids.append(e["id"])
    assert_error(winner.put(f"{API}/contests/{slug}/certificates",
                            json={"organiser": "x"}), 403, "forbidden")
    r = admin.put(f"{API}/contests/{slug}/certificates",
                  json={"organiser": "Thành đoàn Thành phố Hồ Chí Minh",
                        "all_participants": "true"})
    assert_status(r, 200)
    assert r.json() == {"organiser": "Thành đoàn Thành phố Hồ Chí Minh",
                        "all_participants": True}
    assert_status(admin.put(f"{API}/contests/{slug}/prizes", json={
        "prizes": [{"entry_id": ids[0], "prize": "first"},
                   {"entry_id": ids[1], "prize": "second"}]}), 200)
    # Nothing before the results are published.
    assert certs(winner) == []
    assert_status(admin.post(f"{API}/contests/{slug}/publish"), 200)

    mine = wait_for(lambda: ready(winner, 1), "the winner's certificate")
    assert [(c["label"], c["entry_id"]) for c in mine] == \
        [("Giải Nhất", ids[0])]
    part = wait_for(lambda: ready(taking_part, 1), "a participant's")
    assert part[0]["label"] == "Chứng nhận tham gia"
    code = mine[0]["code"]

    png = anon.get(f"/certificates/{code}.png")
    assert_status(png, 200)
    assert png.headers["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    url = run(["zbarimg", "--raw", "-q"], png.content, ".png").strip()
    assert url.endswith(f"/certificates/{code}"), url
    page = anon.get(url[url.index("/certificates/"):])
    assert_status(page, 200)
    for text in ("Nguyễn Thị Hằng Ước", "Giải Nhất", "Mùa hè xanh",
                 "Thành đoàn Thành phố Hồ Chí Minh", code):
        assert text in page.text, text
    facts = anon.get(f"{API}/certificates/{code}").json()
    assert (facts["author"], facts["place"], facts["entry_id"],
            facts["contest"]) == ("Nguyễn Thị Hằng Ước", "first", ids[0],
                                  slug)
    assert_error(anon.get(f"{API}/certificates/{'0' * 32}"), 404,
                 "no_certificate")
    assert anon.get(f"/certificates/{'0' * 32}.pdf").status_code == 404

    pdf = anon.get(f"/certificates/{code}.pdf")
    assert_status(pdf, 200)
    assert pdf.content.startswith(b"%PDF-")
    info = run(["pdfinfo"], pdf.content, ".pdf")
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert re.search(r"^Page size:\s+841\.89 x 595\.\d+ pts \(A4\)", info,
                     re.M), info  # A4 landscape
    fonts = run(["pdffonts"], pdf.content, ".pdf")
    line = [x for x in fonts.splitlines() if "DejaVuSans" in x]
    assert line and " yes " in line[0], fonts  # embedded
    # The text is real text (not a picture of it): extracted as written,
    # double marks included; the one image is the thumbnail.
    text = unicodedata.normalize("NFC", pdftotext(pdf.content))
    for want in ("GIẤY CHỨNG NHẬN", "Nguyễn Thị Hằng Ước",
                 "Cuộc thi ảnh “Tuổi trẻ Việt Nam” 2026", "Giải Nhất",
                 "Ảnh dự thi số", "“Mùa hè xanh”",
                 "Ban tổ chức: Thành đoàn Thành phố Hồ Chí Minh"):
        assert unicodedata.normalize("NFC", want) in text, (want, text)
    images = run(["pdfimages", "-list"], pdf.content, ".pdf")
    sizes = [tuple(map(int, x.split()[3:5]))
             for x in images.splitlines()[2:]]
    assert len(sizes) == 1 and max(sizes[0]) <= 400, images
    # The QR code, drawn as rectangles, decodes from the rendered page
    # (tests/unit/test_cert.c compares the rendered text with the PNG's).
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "c.pdf"), "wb") as f:
            f.write(pdf.content)
        subprocess.run(["pdftoppm", "-q", "-r", "150", "-png", "-singlefile",
                        os.path.join(d, "c.pdf"), os.path.join(d, "r")],
                       check=True, timeout=120)
        with open(os.path.join(d, "r.png"), "rb") as f:
            seen = run(["zbarimg", "--raw", "-q"], f.read(), ".png").strip()
    assert seen == url, (seen, url)

    assert_error(winner.get(f"{API}/contests/{slug}/certificates.zip"),
                 403, "forbidden")
    r = admin.get(f"{API}/contests/{slug}/certificates.zip")
    assert_status(r, 200)
    assert r.headers["Content-Type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    assert z.testzip() is None
    names = sorted(z.namelist())
    assert len(names) == 6, names  # 3 certificates, PDF and PNG each
    assert any(n.endswith(f"{code}.pdf") for n in names), names
    for n in names:
        head = z.read(n)[:5]
        assert head in (b"%PDF-", b"\x89PNG\r"), (n, head)
    # A participant who erases their account takes their certificate
    # along: the page, the facts and the files are gone.
    gone = part[0]["code"]
    assert_status(taking_part.post(f"{API}/me/erase",
                                   json={"confirm": taking_part.username}),
                  200)
    assert_error(anon.get(f"{API}/certificates/{gone}"), 404,
                 "no_certificate")
    left = [f for base, _, files in os.walk(media_dir) for f in files
            if f.startswith(gone)]
    assert left == [], left
