"""The forbidden forms of docs/glossary.md (issue 17), shared by the scan of
the files (tests/e2e/test_glossary.py) and the scan of the pages as their
scripts draw them for a judge and an admin
(tests/browser/test_staff_glossary.py)."""
import re

VOWELS = "a-zđăâêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
FORBIDDEN = [
    ("a vote is “lượt bình chọn”", re.compile(r"phiếu", re.I)),
    ("an entry is “ảnh dự thi”", re.compile(r"tác phẩm|bài dự thi", re.I)),
    ("to vote is “bình chọn”", re.compile(r"(?<!\w)bầu(?!\w)(?! trời| không khí)", re.I)),
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

# What only the text a reader sees can show (the files hold code, with
# straight quotes and ISO dates that are not text).
RENDERED = FORBIDDEN + [
    ("curly quotes “…”, not straight ones", re.compile(r"\"")),
    ("dates dd/mm/yyyy, not ISO", re.compile(r"\b\d{4}-\d{2}-\d{2}\b")),
    ("dates dd/mm/yyyy with two-digit day and month",
     re.compile(r"(?<![\d/])(?:\d/\d{1,2}|\d{1,2}/\d)/\d{4}\b")),
    ("times hh:mm, 24 h (no AM/PM)", re.compile(r"\d\s?[AP]M\b")),
    ("sizes in KB/MB, not bytes", re.compile(r"\d\s?(?:bytes|byte|B)\b")),
]


def violations(text, name, rules=FORBIDDEN):
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        for rule, pat in rules:
            m = pat.search(line)
            if m:
                out.append("%s:%d: %s: %r" % (name, n, rule, m.group(0)))
    return out
