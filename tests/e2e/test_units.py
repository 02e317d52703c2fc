"""The unit tree (issue 15, part 1): import and export, successors, the
type-ahead, level boards with participation per 100 members, the "other"
row of unmapped names and mapping them, a contest's organising unit, and
the district field gone (ignored when an old client sends it)."""

import secrets

from conftest import PASSWORD, Client
from helpers import API, approve, assert_error, assert_status, upload, \
    upload_ok, vote
from unit_helpers import csv_text, import_csv, import_ok, small_tree
from vote_helpers import assert_counts_match_rows, eventually_equal, settle


def get_unit(client, code, **params):
    r = client.get(f"{API}/units/{code}", params=params)
    assert_status(r, 200)
    return r.json()


def search(client, q, **params):
    r = client.get(f"{API}/units", params={"q": q, **params})
    assert_status(r, 200)
    return [u["code"] for u in r.json()["units"]]


def test_tree_successors_search_and_export(admin_cli, tmp_path, base_url):
    c, names, rows = small_tree(admin_cli, tmp_path)
    anon = Client(base_url)
    # The same file again changes nothing.
    r = import_ok(admin_cli, tmp_path, rows, "again.csv")
    assert "0 created, 0 updated, 7 unchanged" in r.stdout

    old = get_unit(anon, c["old"])
    assert old["valid_to"] == "2025-06-30" and old["level"] == "province"
    assert [s["code"] for s in old["successors"]] == [c["city"]]
    assert [s["code"] for s in old["current"]] == [c["city"]]
    city = get_unit(anon, c["city"])
    assert [p["code"] for p in city["predecessors"]] == [c["old"]]
    assert sorted(k["code"] for k in city["children"]) == \
        sorted([c["w1"], c["w2"]])
    assert city["members"] == 1000
    b1 = get_unit(anon, c["b1"])
    assert [a["code"] for a in b1["ancestors"]] == [c["city"], c["w1"]]
    assert b1["parent"]["code"] == c["w1"] and b1["kind"] == "branch"
    assert_error(anon.get(f"{API}/units/no-such-unit-{c['b1']}"), 404,
                 "no_unit")

    # The type-ahead: case and diacritics aside, a typo forgiven.
    p = c["b1"].split("-")[0]
    assert search(anon, f"chi doan {p} mot a") == [c["b1"]]
    assert search(anon, f"CHI ĐOÀN {p} MỘT") == [c["b1"], c["b2"]]
    assert search(anon, f"doan phuong {p} mot") == [c["w1"]]
    assert c["w1"] in search(anon, f"doan phuonh {p} mot")  # a typo
    assert search(anon, f"chi doan {p}", within=c["w1"]) == \
        [c["b1"], c["b2"]]
    # A merged-away unit is found on a day it existed, not today.
    assert c["old"] not in search(anon, f"tinh doan {p} cu")
    assert search(anon, f"tinh doan {p} cu", on="2025-01-01") == [c["old"]]
    assert search(anon, "c") == []
    assert_error(anon.get(f"{API}/units", params={"on": "2025-13-01"}),
                 400, "invalid_field")

    # Export, and the export imported again: nothing to change.
    out = tmp_path / "export.csv"
    r = admin_cli("unit", "export", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffcode,name,short_name,kind,parent")
    line = next(x for x in text.splitlines() if x.startswith(c["old"]))
    assert ",2025-06-30," in line and c["city"] in line
    r = admin_cli("unit", "import", str(out))
    assert r.returncode == 0, r.stderr
    assert " 0 created, 0 updated" in r.stdout


def unit_count(db, prefix):
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.units WHERE code LIKE %s",
                    (prefix + "%",))
        return cur.fetchone()[0]


def test_import_errors_name_lines_and_change_nothing(admin_cli, tmp_path, db,
                                                     new_user):
    p = secrets.token_hex(3)
    rows = [
        {"code": f"{p}-a", "name": "Thành đoàn A", "kind": "city"},
        {"code": f"{p}-b", "name": "Đoàn B", "kind": "district"},
        {"code": f"{p}-c", "name": "Đoàn C", "kind": "ward",
         "parent": f"{p}-a"},
        {"code": f"{p}-d", "name": "Đoàn D", "kind": "ward",
         "parent": f"{p}-zz"},
        {"code": f"{p}-e", "name": "Đoàn E", "kind": "ward",
         "valid_to": "31/02/2025", "members": "-3"},
    ]
    # As Excel saves it in Vietnam: a BOM and semicolons.
    text = csv_text(rows, sep=";", bom=True)
    r, path = import_csv(admin_cli, tmp_path, text)
    assert r.returncode == 1, r.stdout + r.stderr
    bad = [ln for ln in r.stderr.splitlines() if ln.startswith(str(path))]
    assert [ln.split(":")[1] for ln in bad] == ["3", "5", "6"], r.stderr
    assert "district" in bad[0] and f"{p}-zz" in bad[1]
    assert "31/02/2025" in bad[2] and "-3" in bad[2]
    assert "nothing was changed" in r.stderr
    assert unit_count(db, p) == 0

    # A broken quote and a wrong header are the file's shape: line numbers.
    r, _ = import_csv(admin_cli, tmp_path,
                      'code,name,kind\r\nx1,"Đoàn,ward\r\n', "quote.csv")
    assert r.returncode == 1 and "quote.csv:2:" in r.stderr, r.stderr
    r, _ = import_csv(admin_cli, tmp_path, "code,ten_sai,kind\n", "h.csv")
    assert r.returncode == 1 and "h.csv:1:" in r.stderr, r.stderr

    # The web admin's upload: the same checks, the same lines.
    admin = new_user(role="admin")
    url = f"{API}/admin/units/import"
    r = admin.post(url, data=text.encode(),
                   headers={"Content-Type": "text/csv"})
    assert_status(r, 400)
    err = r.json()["error"]
    assert err["code"] == "invalid_csv"
    assert [x["line"] for x in err["lines"]] == [3, 5, 6]
    assert unit_count(db, p) == 0
    assert_status(new_user().post(url, data=text.encode(), headers={
        "Content-Type": "text/csv"}), 403)
    good = csv_text([rows[0], rows[2]])
    r = admin.post(url, data=good.encode(),
                   headers={"Content-Type": "text/csv"})
    assert_status(r, 200)
    assert r.json() == {"created": 2, "updated": 0, "unchanged": 0}
    assert unit_count(db, p) == 2
    r = admin.get(f"{API}/admin/units.csv")
    assert_status(r, 200)
    assert f"{p}-c,Đoàn C,,ward,{p}-a" in r.text


def level(client, slug, lvl, **params):
    r = client.get(f"{API}/contests/{slug}/leaderboard/units",
                   params={"level": lvl, **params})
    assert_status(r, 200)
    return r.json()


def rows_of(body):
    return [(u["rank"], u["code"], u["entries"], u["votes"], u["voters"],
             u["participants"], u["members"], u["per_100_members"])
            for u in body["units"]]


def test_level_boards_member_rates_and_the_other_row(
        admin_cli, tmp_path, contest, new_user, make_jpeg, db):
    """Entries A, B (ub1), C (ub1b) in b1; D (ub2) in b2; E (ub3) in b3;
    F (uo) under a free-text name.  Votes v0 -> A, D; v1 -> A, E;
    v2 -> C; v3 -> F."""
    c, names, _ = small_tree(admin_cli, tmp_path)
    p = c["b1"].split("-")[0]
    slug = contest(min_short_side=200, max_entries=2)
    judge = new_user(role="judge", contest=slug)
    ub1, ub1b = new_user(unit_code=c["b1"]), new_user(unit_code=c["b1"])
    ub2, ub3 = new_user(unit_code=c["b2"]), new_user(unit_code=c["b3"])
    other = f"Chi đoàn Ngoài Danh Sách {p}"
    uo = new_user(unit=other)
    photo = make_jpeg(400, 300)
    ids = []
    for owner in (ub1, ub1, ub1b, ub2, ub3, uo):
        e = upload_ok(owner, slug, photo)
        approve(judge, e["id"])
        ids.append(e["id"])
    a, b, cc, d, e_, f = ids
    voters = [new_user() for _ in range(4)]
    for voter, targets in ((voters[0], (a, d)), (voters[1], (a, e_)),
                           (voters[2], (cc,)), (voters[3], (f,))):
        for t in targets:
            assert_status(vote(voter, t), 201)
    settle(db)
    # A session (no nginx cache in the way), and the admin who maps below.
    reader = admin = new_user(role="admin")

    prov = level(reader, slug, "province")
    assert prov["level"] == "province" and prov["sort"] == "votes"
    assert rows_of(prov) == [(1, c["city"], 5, 5, 3, 4, 1000, 0.4)]
    assert prov["units"][0]["name"] == names["city"]
    assert rows_of(level(reader, slug, "grassroots")) == [
        (1, c["w1"], 4, 4, 3, 3, 200, 1.5),
        (2, c["w2"], 1, 1, 1, 1, 100, 1.0)]
    # Ties (b2, b3: one vote each) by name: "Hai" before "Một".
    assert rows_of(level(reader, slug, "branch")) == [
        (1, c["b1"], 3, 3, 3, 2, 50, 4.0),
        (2, c["b3"], 1, 1, 1, 1, 10, 10.0),
        (2, c["b2"], 1, 1, 1, 1, 20, 5.0)]
    by_rate = level(reader, slug, "branch", sort="rate")
    assert by_rate["sort"] == "rate"
    assert [(u["rank"], u["code"]) for u in by_rate["units"]] == [
        (1, c["b3"]), (2, c["b2"]), (3, c["b1"])]
    # The unmapped name is never lost: the "other" row, on every level.
    for lvl in ("province", "grassroots", "branch"):
        o = level(reader, slug, lvl)["other"]
        assert (o["entries"], o["votes"], o["voters"],
                o["participants"]) == (1, 1, 1, 1)
        assert o["names"] == [{"name": other, "entries": 1, "votes": 1}]
    assert_error(reader.get(f"{API}/contests/{slug}/leaderboard/units",
                            params={"level": "district"}), 400,
                 "invalid_field")
    assert_counts_match_rows(db, slug)

    # An admin maps the name (typed without diacritics) to b3: its entry
    # and votes move out of "other" at once.
    r = admin.get(f"{API}/admin/units/unmapped")
    assert_status(r, 200)
    assert {"name": other, "accounts": 1, "entries": 1} in r.json()["names"]
    r = admin.post(f"{API}/admin/units/map",
                   json={"name": f"chi doan ngoai danh sach {p}",
                         "code": c["b3"]})
    assert_status(r, 200)
    assert (r.json()["accounts"], r.json()["entries"]) == (1, 1)
    want = [(1, c["b1"], 3, 3, 3, 2, 50, 4.0),
            (2, c["b3"], 2, 2, 2, 2, 10, 20.0),
            (3, c["b2"], 1, 1, 1, 1, 20, 5.0)]
    assert eventually_equal(lambda: rows_of(level(reader, slug, "branch")),
                            want) == want
    assert level(reader, slug, "branch")["other"] is None
    assert rows_of(level(reader, slug, "province"))[0][2:6] == (6, 6, 4, 5)
    assert_counts_match_rows(db, slug)
    # Nothing left under that name; an unknown code is refused.
    assert_error(admin.post(f"{API}/admin/units/map",
                            json={"name": other, "code": c["b3"]}), 404,
                 "no_unmapped")
    assert_error(admin.post(f"{API}/admin/units/map",
                            json={"name": "Chi đoàn 1", "code": "nope-x"}),
                 404, "no_unit")
    r = admin_cli("unit", "map", f"Không có {p}", c["b1"])
    assert r.returncode == 1 and "no account or entry" in r.stderr
    assert_status(voters[0].post(f"{API}/admin/units/map", json={
        "name": other, "code": c["b3"]}), 403)


def test_contest_takes_its_organisers_subtree_only(admin_cli, tmp_path,
                                                   contest, new_user,
                                                   make_jpeg, db):
    c, names, _ = small_tree(admin_cli, tmp_path)
    slug = contest(min_short_side=200, unit_code=c["w1"])
    info = new_user(login=False).get(f"{API}/contests/{slug}").json()
    assert info["contest"]["unit"] == {"code": c["w1"], "name": names["w1"]}
    assert info["contest"]["open_to_all"] is False
    photo = make_jpeg(400, 300)
    upload_ok(new_user(unit_code=c["b1"]), slug, photo)
    outsider, unlisted = new_user(unit_code=c["b3"]), new_user(unit="X")
    for who in (outsider, unlisted):
        err = assert_error(upload(who, slug, photo), 403, "outside_unit")
        assert names["w1"] in err["message"]
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.entries e JOIN "
                    "netdep.contests c ON c.id = e.contest_id "
                    "WHERE c.slug = %s", (slug,))
        assert cur.fetchone()[0] == 1
    r = admin_cli("contest", "set", slug, "open-to-all=yes")
    assert r.returncode == 0, r.stderr
    upload_ok(outsider, slug, photo)
    # An unknown code is refused and changes nothing, from the CLI and the
    # web admin alike; the admin's state shows the organiser's code.
    r = admin_cli("contest", "set", slug, "unit-code=no-such-unit")
    assert r.returncode == 1 and "unit-code" in r.stderr, r.stderr
    admin = new_user(role="admin")
    assert_error(admin.patch(f"{API}/contests/{slug}",
                             json={"unit_code": "no-such-unit"}), 404,
                 "no_unit")
    state = admin.get(f"{API}/admin/contests/{slug}/state").json()["state"]
    assert state["contest"]["unit_code"] == c["w1"]
    assert_status(admin.patch(f"{API}/contests/{slug}",
                              json={"unit_code": c["city"]}), 200)
    state = admin.get(f"{API}/admin/contests/{slug}/state").json()["state"]
    assert state["contest"]["unit_code"] == c["city"]


def register(base_url, **fields):
    c = Client(base_url)
    body = {"username": f"Unit{secrets.token_hex(4)}", "password": PASSWORD,
            "display_name": "Nguyễn Thị Hà", **fields}
    return c, c.post(f"{API}/accounts", json=body, csrf=False)


def test_registration_and_profile_pick_a_unit_district_ignored(
        admin_cli, tmp_path, base_url, db):
    c, names, _ = small_tree(admin_cli, tmp_path)
    client, r = register(base_url, unit_code=c["b1"], district="Quận 1")
    assert_status(r, 201)
    user = r.json()["user"]
    assert user["unit_code"] == c["b1"] and user["unit"] == names["b1"]
    assert "district" not in user
    client.csrf = r.json()["csrf_token"]
    # A code that is not a unit today (unknown, or merged away): 400.
    for bad in (f"nope-{c['b1']}", c["old"]):
        _, r = register(base_url, unit_code=bad)
        assert_error(r, 400, "unknown_unit")
    # The profile: a free-text name, then a node.
    r = client.patch(f"{API}/me", json={"unit": "Chi đoàn chưa có"})
    assert_status(r, 200)
    assert r.json()["user"]["unit_code"] is None
    assert r.json()["user"]["unit"] == "Chi đoàn chưa có"
    r = client.patch(f"{API}/me", json={"unit_code": c["b2"],
                                        "district": "Quận 9"})
    assert_status(r, 200)
    assert r.json()["user"]["unit_code"] == c["b2"]
    assert_error(client.patch(f"{API}/me", json={"unit_code": "nope"}), 400,
                 "unknown_unit")
    assert client.get(f"{API}/session").json()["user"]["unit_code"] == \
        c["b2"]


def test_import_stores_unit_names_in_nfc(admin_cli, tmp_path, db):
    """A CSV saved decomposed (a Mac, a composite-Unicode keyboard) gives
    the names in NFC (issue 15: one spelling per text), so the same file
    saved precomposed changes nothing."""
    import unicodedata
    p = secrets.token_hex(3)
    name, short = f"Đoàn phường {p} Hoà Khánh", "Hoà Khánh"
    row = {"code": f"{p}-hk", "kind": "ward", "name": name,
           "short_name": short}
    nfd = dict(row, name=unicodedata.normalize("NFD", name),
               short_name=unicodedata.normalize("NFD", short))
    assert nfd["name"] != name
    import_ok(admin_cli, tmp_path, [nfd], "nfd.csv")
    with db.cursor() as cur:
        cur.execute("SELECT name, short_name FROM netdep.units "
                    "WHERE code = %s", (row["code"],))
        assert cur.fetchone() == (name, short)
    r = import_ok(admin_cli, tmp_path, [row], "nfc.csv")
    assert " 0 created, 0 updated" in r.stdout
