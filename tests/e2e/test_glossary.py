"""The pages and messages follow docs/glossary.md (issue 17): one word for
a vote, the modern tone marks, one quote style, one brand spelling,
sizes and dates as Vietnamese readers write them.  Reads files only: every
page and script under static/ (the staff pages too: moderation, judge
scoring, admin, review, audit) and the server's C sources.  The staff
pages as their scripts draw them: tests/browser/test_staff_glossary.py."""
import glob
import os

from glossary_kit import RENDERED, violations

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
STAFF = ("admin", "moderation", "staff", "review", "judgetext", "ledger")


def scanned_files():
    static = sorted(glob.glob(os.path.join(TOP, "static", "*.html")) +
                    glob.glob(os.path.join(TOP, "static", "*.js")))
    # The SQL functions too: the rules text of the prize tracks is theirs.
    return static + sorted(glob.glob(os.path.join(TOP, "cgi", "*.c"))) + \
        sorted(glob.glob(os.path.join(TOP, "sql", "functions", "*.sql")))


def test_pages_and_messages_follow_the_glossary():
    files = scanned_files()
    names = [os.path.basename(f) for f in files]
    assert len(files) > 60
    # The staff pages are scanned too (they were left out before).
    for staff in ("admin.html", "admin.js", "moderation.html", "moderation.js",
                  "staff.js", "review.js", "h_results.c", "outcome.c", "h_page.c"):
        assert staff in names, staff
    bad = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            bad += violations(fh.read(), os.path.relpath(f, TOP))
    assert not bad, "\n".join(bad)


def test_the_scan_catches_each_forbidden_form():
    for sample in ("12 phiếu", "Tác phẩm số 3", "các bài dự thi", "Chuẩn hoá", "Huỷ",
                   "khoẻ", "«Ảnh»", "NetDep", "0 MB",
                   "22KB", "d.toLocaleString()", "Tài khoản mới bầu dồn"):
        assert violations(sample, "x"), sample
    for fine in ("12 lượt bình chọn", "Chuẩn hóa", "Hủy", "quý", "hoàn thành", "khỏe",
                 "“Ảnh”", "netdep", "NETDEP_CONFIG", "22 KB", "3,4 MB", "ND.date(s)",
                 "bầu trời"):
        assert not violations(fine, "x"), fine


def test_the_rendered_scan_catches_dates_sizes_and_quotes():
    for sample in ('chọn "Ảnh"', "2026-12-04", "4/12/2026", "12/4/2026, 9:05 PM",
                   "22528 bytes", "12 phiếu"):
        assert violations(sample, "x", RENDERED), sample
    for fine in ("chọn “Ảnh”", "20:00 04/12/2026", "22 KB", "1.234 lượt bình chọn",
                 "1600 × 1200 px"):
        assert not violations(fine, "x", RENDERED), fine
