"""The pages and messages follow docs/glossary.md (issue 17): one word for
a vote, the modern tone marks, one quote style, one brand spelling,
sizes and dates as Vietnamese readers write them.  Reads files only."""
import glob
import os
import re

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
STAFF = ("admin", "moderation", "staff")  # not covered yet (docs/glossary.md)
VOWELS = "a-zđăâêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
FORBIDDEN = [
    ("a vote is “lượt bình chọn”", re.compile(r"phiếu", re.I)),
    # Old tone placement: hoá, khoẻ, huỷ at the end of a syllable
    # (not after q/g, where u belongs to the consonant: quý, giỏ).
    ("modern tone marks (hóa, không hoá)",
     re.compile(r"(?<![qgQG])(?:o[áàảãạ]|o[éèẻẽẹ]|u[ýỳỷỹỵ])(?![%s])" % VOWELS, re.I)),
    ("curly quotes “…”", re.compile(r"[«»„]")),
    ("the brand is “netdep”", re.compile(r"NetDep|Netdep|NETDEP(?![_A-Z])")),
    ("no “0 MB”: small sizes in KB", re.compile(r"\b0 MB\b|\d(?:KB|MB)\b")),
    ("dates through ND.date (dd/mm/yyyy, Vietnam time)",
     re.compile(r"toLocale(?:Date|Time)?String\(\s*\)|'en-US'")),
]


def public_files():
    files = [f for f in sorted(glob.glob(os.path.join(TOP, "static", "*.html")) +
                               glob.glob(os.path.join(TOP, "static", "*.js")))
             if not os.path.basename(f).startswith(STAFF)]
    return files + [os.path.join(TOP, "cgi", "outcome.c"), os.path.join(TOP, "cgi", "h_page.c")]


def violations(text, name):
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        for rule, pat in FORBIDDEN:
            m = pat.search(line)
            if m:
                out.append("%s:%d: %s: %r" % (name, n, rule, m.group(0)))
    return out


def test_pages_and_messages_follow_the_glossary():
    files = public_files()
    assert len(files) > 20
    bad = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            bad += violations(fh.read(), os.path.relpath(f, TOP))
    assert not bad, "\n".join(bad)


def test_the_scan_catches_each_forbidden_form():
    for sample in ("12 phiếu", "Chuẩn hoá", "Huỷ", "khoẻ", "«Ảnh»", "NetDep", "0 MB",
                   "22KB", "d.toLocaleString()"):
        assert violations(sample, "x"), sample
    for fine in ("12 lượt bình chọn", "Chuẩn hóa", "Hủy", "quý", "hoàn thành", "khỏe",
                 "“Ảnh”", "netdep", "NETDEP_CONFIG", "22 KB", "3,4 MB", "ND.date(s)"):
        assert not violations(fine, "x"), fine
