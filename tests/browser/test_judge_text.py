"""static/judgetext.js (issue 17) run in node: dates typed and shown as
dd/mm/yyyy hh:mm in Vietnam time (31/02, 24:00, 12:60 refused; leap years
known), and a Vietnamese sentence for every audit action code the server
writes (found in sql/ and cgi/, so a new code without a sentence fails)."""
import glob
import json
import os
import re
import subprocess

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JS = os.path.join(TOP, "static", "judgetext.js")


def node(expr):
    src = "require(%s); const J = globalThis.JudgeText; process.stdout.write(JSON.stringify(%s));" % (
        json.dumps(JS), expr)
    p = subprocess.run(["node", "-e", src], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_vietnam_dates_parse_and_format():
    cases = ["31/12/2026 23:59", "1/2/2027 7:05", "29/02/2028 00:00", "05/12/2026",
             "31/02/2026 10:00", "29/02/2027 10:00", "30/06/2030 24:00", "30/06/2030 12:60",
             "2026-12-31T23:59", "12/13/2026 10:00", "", "31/04/2026 10:00"]
    got = node("%s.map((s) => J.parseVnDate(s))" % json.dumps(cases))
    ok = [g.get("iso") for g in got]
    assert ok[:4] == ["2026-12-31T23:59:00+07:00", "2027-02-01T07:05:00+07:00",
                      "2028-02-29T00:00:00+07:00", "2026-12-05T00:00:00+07:00"]
    assert all(g.get("error") and not g.get("iso") for g in got[4:]), got
    assert "không có ngày 31" in got[4]["error"] and "29" in got[5]["error"]
    assert "Giờ 24" in got[6]["error"] and "Phút 60" in got[7]["error"]
    shown = node("['2026-12-31T16:59:00Z', '2026-12-31T23:59:00+07:00', '2027-01-01T00:30:00+08:00', null, 'x']"
                 ".map(J.formatVnDate)")
    assert shown == ["31/12/2026 23:59", "31/12/2026 23:59", "31/12/2026 23:30", "", ""]
    # What is shown reads back to the same instant.
    assert node("J.parseVnDate(J.formatVnDate('2030-06-30T13:00:00Z')).iso") == \
        "2030-06-30T20:00:00+07:00"


# The target types of audit rows (judgetext.js TARGET).
TARGETS = "entry|contest|account|role|category|unit|appeal"


def server_action_codes():
    codes = set()
    for f in glob.glob(os.path.join(TOP, "sql", "functions", "*.sql")):
        # The action code is the literal before the target type literal
        # (or a CASE's branch): not the actor's name, not the address.
        for call in re.findall(r"PERFORM audit\(([^;]*?)\);", open(f).read(), re.S):
            codes |= set(re.findall(r"'([a-z_]+(?:\.[a-z_]+)?)'(?=\s*,\s*'(?:%s)')" % TARGETS, call))
            codes |= set(re.findall(r"'([a-z_]+\.[a-z_]+)'(?=\s*(?:END|ELSE)\b)", call))
    for f in glob.glob(os.path.join(TOP, "cgi", "**", "*.c"), recursive=True):
        codes |= set(re.findall(r'"((?:entry|account|role|contest|score|prizes|results|votes|'
                                r'category|criteria)\.[a-z_]+)"', open(f).read()))
    return codes


def test_every_audit_action_reads_as_a_sentence():
    known = set(node("J.AUDIT_CODES"))
    codes = server_action_codes()
    assert {"entry.approve", "entry.reject", "entry.revert", "score.put"} <= codes
    assert codes <= known, "audit codes without a sentence: %s" % sorted(codes - known)
    rows = [{"actor": "lan", "action": c, "target_type": "entry", "target_id": 123,
             "contest": "nd-2026", "before": {"status": "rejected", "role": "judge"},
             "after": {"reject_reason": "trùng lặp", "role": "judge"}} for c in sorted(known)]
    said = node("%s.map(J.auditSentence)" % json.dumps(rows))
    for row, s in zip(rows, said):
        assert row["action"] not in s and "lan" in s and " đã " in s, (row["action"], s)
    by = dict(zip([r["action"] for r in rows], said))
    assert by["entry.reject"] == "Giám khảo lan đã loại ảnh #123: trùng lặp"
    assert by["entry.revert"] == ("Giám khảo lan đã hoàn tác quyết định loại ảnh #123, "
                                  "ảnh trở lại hàng chờ duyệt")
    contest = node("J.auditSentence({actor: 'an', action: 'results.publish', target_type: 'contest', "
                   "target_id: 4, contest: 'nd-2026'})")
    assert contest == "Quản trị viên an đã công bố kết quả của cuộc thi nd-2026"
    unknown = node("J.auditSentence({actor: null, action: 'x.y', target_type: 'entry', target_id: 1})")
    assert unknown == "Hệ thống đã thực hiện “x.y” với ảnh #1"
