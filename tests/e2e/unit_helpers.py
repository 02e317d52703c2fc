"""Helpers for the unit tree's tests (issue 15): a small tree of units
with codes of their own (a random prefix), imported with netdep-admin."""

import csv
import io
import secrets

# The columns of a unit CSV, in the export's order.
COLUMNS = ["code", "name", "short_name", "kind", "parent", "valid_from",
           "valid_to", "successors", "members", "members_as_of"]


def csv_text(rows, sep=",", bom=False, header=COLUMNS):
    """A CSV document of rows (dicts; missing cells empty)."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(k, "") for k in header])
    return ("\ufeff" if bom else "") + out.getvalue()


def import_csv(admin_cli, tmp_path, text, name="units.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return admin_cli("unit", "import", str(path)), path


def import_ok(admin_cli, tmp_path, rows, name):
    """Imports rows (dicts) as the CSV file name, which must succeed;
    netdep-admin's CompletedProcess."""
    r, _ = import_csv(admin_cli, tmp_path, csv_text(rows), name)
    assert r.returncode == 0, r.stderr
    return r


def small_tree(admin_cli, tmp_path):
    """A city union with two grassroots unions and three chi đoàn, and a
    merged-away province union whose successor is the city:

        old (province, until 2025-06-30) -> city
        city (1000 members)
          w1  Đoàn phường Một (200)   b1 Chi đoàn Một A (50), b2 ... B (20)
          w2  Đoàn xã Hai (100)       b3 Chi đoàn Hai A (10)

    Returns (codes, names, rows): short name -> code / unit name."""
    p = secrets.token_hex(3)
    c = {k: f"{p}-{k}" for k in ("old", "city", "w1", "w2", "b1", "b2",
                                  "b3")}
    rows = [
        {"code": c["old"], "name": f"Tỉnh đoàn {p} Cũ", "kind": "province",
         "valid_to": "2025-06-30", "successors": c["city"]},
        {"code": c["city"], "name": f"Thành đoàn {p} Mới", "kind": "city",
         "valid_from": "2025-07-01", "members": "1000"},
        {"code": c["w1"], "name": f"Đoàn phường {p} Một", "kind": "ward",
         "parent": c["city"], "members": "200"},
        {"code": c["w2"], "name": f"Đoàn xã {p} Hai", "kind": "commune",
         "parent": c["city"], "members": "100"},
        {"code": c["b1"], "name": f"Chi đoàn {p} Một A", "kind": "branch",
         "parent": c["w1"], "members": "50"},
        {"code": c["b2"], "name": f"Chi đoàn {p} Một B", "kind": "branch",
         "parent": c["w1"], "members": "20"},
        {"code": c["b3"], "name": f"Chi đoàn {p} Hai A", "kind": "branch",
         "parent": c["w2"], "members": "10"},
    ]
    import_ok(admin_cli, tmp_path, rows, f"tree-{p}.csv")
    names = {k: next(x["name"] for x in rows if x["code"] == v)
             for k, v in c.items()}
    return c, names, rows
