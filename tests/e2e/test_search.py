"""Search that understands Vietnamese (issue 15, part 2): entry numbers,
GET /api/v1/contests/{slug}/entries?q= (diacritic- and case-free,
typo-tolerant, ranked, served by indexes) and one spelling per text
(NFC on the way in, cgi/text.c)."""

import json
import secrets
import unicodedata

import pytest

from conftest import PASSWORD, Client
from helpers import (API, approve, assert_error, assert_status, unchanged,
                     upload_ok)
from judging_helpers import PLACEHOLDER_HASH

N_FILLER = 40          # filler authors
PER_FILLER = 60        # approved entries each: 2,400, plus the named ones

NAMED = [
    # display name, unit, title
    ("Nguyễn Thị Hà", "Phường Lê Thanh Nghị", "Bình minh trên sông Hồng"),
    ("Trần Văn Đức", "Xã Đông Hoà", "Mùa lúa chín"),
    ("Lê Minh Đạt", "Chi đoàn Trường THPT Hồng Quang", "Hoà bình"),
    ("Phạm Thu Hòa", "Đoàn phường Hải Tân", "Nụ cười vùng cao"),
]


def nfd(s):
    return unicodedata.normalize("NFD", s)


@pytest.fixture(scope="module")
def found(admin_cli, db):
    """A contest of about 2,500 approved entries, written straight into
    the tables (the triggers number them and fold their search text), with
    four named authors whose entries the tests look for, one pending
    entry, and statistics as after a day of use."""
    slug = f"t-srch{secrets.token_hex(4)}"
    r = admin_cli("contest", "create", slug, "--title", "Tìm ảnh")
    assert r.returncode == 0, r.stderr
    tag = secrets.token_hex(3)
    with db.cursor() as cur:
        cur.execute("SELECT id FROM netdep.contests WHERE slug = %s", (slug,))
        cid = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO netdep.accounts (username, display_name, unit, "
            "password_hash) SELECT 'sf' || %s || i, 'Tác giả số ' || i, "
            "'Chi đoàn ' || (i %% 9), %s FROM generate_series(1, %s) i "
            "RETURNING id", (tag, PLACEHOLDER_HASH, N_FILLER))
        fillers = [row[0] for row in cur.fetchall()]
        cur.execute(
            "INSERT INTO netdep.entries (contest_id, account_id, title, unit, "
            "status, slot) SELECT %s, a.id, 'Khoảnh khắc ' || a.id || '-' "
            "|| s, a.unit, 'approved', s FROM netdep.accounts a, "
            "generate_series(1, %s) s WHERE a.id = ANY(%s) ORDER BY s, a.id",
            (cid, PER_FILLER, fillers))
        named = {}
        for i, (name, unit, title) in enumerate(NAMED):
            cur.execute(
                "INSERT INTO netdep.accounts (username, display_name, unit, "
                "password_hash) VALUES (%s, %s, %s, %s) RETURNING id",
                (f"sn{tag}{i}", name, unit, PLACEHOLDER_HASH))
            aid = cur.fetchone()[0]
            cur.execute(
                "INSERT INTO netdep.entries (contest_id, account_id, title, "
                "unit, status, slot) VALUES (%s, %s, %s, %s, 'approved', 1) "
                "RETURNING id, number", (cid, aid, title, unit))
            named[name] = cur.fetchone()
        cur.execute(
            "INSERT INTO netdep.entries (contest_id, account_id, title, "
            "status, slot) VALUES (%s, %s, 'Bí mật chờ duyệt', 'pending', "
            "61) RETURNING id", (cid, fillers[0]))
        pending = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO netdep.media (entry_id, token, original_type, "
            "original_bytes, width, height, thumb_width, thumb_height, "
            "display_width, display_height, sha256) SELECT e.id, "
            "md5(random()::text || e.id), 'image/jpeg', 1000, 800, 600, "
            "400, 300, 800, 600, sha256(e.id::text::bytea) FROM "
            "netdep.entries e WHERE e.contest_id = %s", (cid,))
        cur.execute("ANALYZE netdep.entries")
        cur.execute("SELECT number, id FROM netdep.entries WHERE "
                    "contest_id = %s", (cid,))
        by_number = dict(cur.fetchall())
    return {"slug": slug, "id": cid, "named": named, "pending": pending,
            "by_number": by_number}


def search(client, slug, q, **params):
    r = client.get(f"{API}/contests/{slug}/entries", params=dict(q=q,
                                                                 **params))
    assert_status(r, 200)
    return r.json()


def first_author(body):
    assert body["entries"], f"nothing found for {body['q']!r}"
    return body["entries"][0]["author"]["display_name"]


def test_numbers_follow_creation_order_and_are_never_reused(found, db):
    nums = sorted(found["by_number"])
    assert nums == list(range(1, len(nums) + 1))
    with db.cursor() as cur:
        cur.execute("SELECT account_id FROM netdep.entries WHERE id = %s",
                    (found["pending"],))
        aid = cur.fetchone()[0]
        # The newest entry goes (as a purge could), and the next one still
        # gets a new number: the counter never goes back.
        cur.execute("DELETE FROM netdep.media WHERE entry_id = %s",
                    (found["pending"],))
        cur.execute("DELETE FROM netdep.entries WHERE id = %s RETURNING "
                    "number", (found["pending"],))
        gone = cur.fetchone()[0]
        assert gone == nums[-1]
        cur.execute("INSERT INTO netdep.entries (contest_id, account_id, "
                    "title, status, slot) VALUES (%s, %s, 'Lần nữa', "
                    "'pending', 62) RETURNING id, number", (found["id"], aid))
        eid, number = cur.fetchone()
        assert number == gone + 1
        # A number is the entry's for good.
        with pytest.raises(Exception, match="keeps its number"):
            cur.execute("UPDATE netdep.entries SET number = 99999 WHERE "
                        "id = %s", (eid,))


def test_search_without_diacritics_and_case(found, anon):
    slug = found["slug"]
    for q in ("nguyen thi ha", "NGUYỄN THỊ HÀ", "Nguyễn Thị Hà", "nguyễn",
              "le thanh nghi", "song hong"):
        assert first_author(search(anon, slug, q)) == "Nguyễn Thị Hà", q
    body = search(anon, slug, "nguyen thi ha")
    e = body["entries"][0]
    assert e["match"] == "prefix"
    assert e["number"] == found["named"]["Nguyễn Thị Hà"][1]


def test_search_d_and_old_and_new_tone_marks(found, anon):
    slug = found["slug"]
    # đ and d are one letter to a searcher.
    for q in ("tran van duc", "Trần Văn Đức", "TRAN VAN ĐUC"):
        assert first_author(search(anon, slug, q)) == "Trần Văn Đức", q
    # "Đông Hoà" (new style) is found as "Đông Hòa" (old style) and
    # without marks; and the other way round for "Phạm Thu Hòa".
    for q in ("đông hòa", "Đông Hoà", "dong hoa"):
        assert first_author(search(anon, slug, q)) == "Trần Văn Đức", q
    for q in ("pham thu hoà", "Phạm Thu Hòa", "pham thu hoa"):
        assert first_author(search(anon, slug, q)) == "Phạm Thu Hòa", q


def test_search_decomposed_query_finds_the_same(found, anon):
    slug = found["slug"]
    a = search(anon, slug, "Nguyễn Thị Hà")
    b = search(anon, slug, nfd("Nguyễn Thị Hà"))
    assert [e["id"] for e in a["entries"]] == [e["id"] for e in b["entries"]]
    # The answer echoes the query as the server took it: NFC.
    assert b["q"] == "Nguyễn Thị Hà"


def test_search_by_number_ranks_exact_then_prefix(found, anon):
    slug = found["slug"]
    body = search(anon, slug, "12", limit=15)
    es = body["entries"]
    assert es[0]["number"] == 12 and es[0]["match"] == "number"
    assert es[0]["id"] == found["by_number"][12]
    # Then the numbers (and words) that start with 12: 120..129, 1200...
    rest = [e for e in es[1:] if e["match"] == "prefix"]
    assert rest and all(
        str(e["number"]).startswith("12") or
        " 12" in " " + " ".join((e["title"], e["author"]["display_name"],
                                 e["author"]["unit"])).replace("-", " ")
        for e in rest)
    kinds = [("number", "prefix", "similar").index(e["match"]) for e in es]
    assert kinds == sorted(kinds)
    assert body["more"] is True and len(es) == 15
    # "#12" is the same number.
    assert search(anon, slug, "#12")["entries"][0]["number"] == 12


def test_search_tolerates_a_typo(found, anon):
    slug = found["slug"]
    for q in ("nguyen thi haa", "nguyn thi ha", "le thanh ngi"):
        body = search(anon, slug, q)
        assert first_author(body) == "Nguyễn Thị Hà", q
        assert body["entries"][0]["match"] == "similar", q


def test_search_ranks_prefix_before_similar(found, anon):
    slug = found["slug"]
    # "hoa binh" is a title's start (prefix); "hoa" alone also finds
    # names and units, all ranked by kind then closeness.
    es = search(anon, slug, "hoa binh")["entries"]
    assert es[0]["title"] == "Hoà bình" and es[0]["match"] == "prefix"
    kinds = [("number", "prefix", "similar").index(e["match"]) for e in es]
    assert kinds == sorted(kinds)


def test_search_shows_only_approved_entries(found, anon, db):
    slug = found["slug"]
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM netdep.entries WHERE contest_id = "
                    "%s AND title = 'Bí mật chờ duyệt'", (found["id"],))
        assert cur.fetchone()[0] in (0, 1)
    assert search(anon, slug, "bi mat cho duyet")["entries"] == []


def test_search_refuses_bad_queries(found, anon, snapshot, db):
    url = f"{API}/contests/{found['slug']}/entries"
    for params in ({"q": "x" * 101}, {"q": "a\tb"}, {"q": "ab", "cursor": "x"},
                   {"q": "ab", "sort": "votes"}, {"q": "ab", "limit": "51"}):
        with unchanged(snapshot, db):
            assert_error(anon.get(url, params=params), 400, "invalid_field")
    # Invalid UTF-8 in the query string: the form parser's clear 400.
    assert_error(anon.get(url + "?q=%FF%FE"), 400, "bad_request")
    assert_error(anon.get(f"{API}/contests/t-no-such-contest/entries",
                          params={"q": "ha"}), 404, "no_contest")
    # Nothing to search for (punctuation only) finds nothing.
    assert search(anon, found["slug"], "!!!")["entries"] == []


def test_search_reads_indexes_never_the_table(found, db, admin_cli):
    """The candidates come from entry_search() (075_search.sql), which
    reads the trigram index and the number index only: in one transaction
    PostgreSQL's own counters for it (pg_stat_xact_user_tables) show index
    scans of the entries and not one sequential scan, for rare and common
    words, numbers and typos alike, at about 2,500 entries with fresh
    statistics (where a scan would be the planner's cheap choice)."""
    queries = ("nguyen thi ha", "12", "nguyn", "hoa binh", "a", "khoanh",
               "tac gia so 7", "x" * 100)
    with db.cursor() as cur:
        cur.execute("BEGIN")
        try:
            cur.execute("SELECT seq_scan, idx_scan FROM "
                        "pg_stat_xact_user_tables WHERE relid = "
                        "'netdep.entries'::regclass")
            seq0, idx0 = cur.fetchone()   # pending counts not yet flushed
            for q in queries:
                cur.execute("SELECT count(*) FROM netdep.entry_search(%s, %s, "
                            "200, 21)", (found["id"], q))
                assert cur.fetchone()[0] <= 3 * 200
            cur.execute("SELECT seq_scan, idx_scan FROM "
                        "pg_stat_xact_user_tables WHERE relid = "
                        "'netdep.entries'::regclass")
            seq, idx = (n - n0 for n, n0 in zip(cur.fetchone(),
                                                (seq0, idx0)))
        finally:
            cur.execute("ROLLBACK")
    assert seq == 0, f"{seq} sequential scans of the entries"
    assert idx >= len(queries), idx
    # The statement around it shows the page by primary keys.
    r = admin_cli("search-plan", found["slug"], "nguyen thi ha")
    assert r.returncode == 0, r.stderr
    assert "entry_search" in r.stdout

    def nodes(n):
        return [n] + [k for c in n.get("Plans", []) for k in nodes(c)]
    for n in nodes(json.loads(r.stdout)[0]["Plan"]):
        assert not (n["Node Type"] == "Seq Scan" and
                    n.get("Relation Name") == "entries"), n


def test_entry_json_and_share_page_show_the_number(contest, new_user,
                                                   make_jpeg, base_url):
    slug = contest()
    judge = new_user(role="judge", contest=slug)
    owner = new_user(display_name="Vũ Thị Lan")
    a = upload_ok(owner, slug, make_jpeg(1200, 900), title="Một")
    b = upload_ok(owner, slug, make_jpeg(1200, 900), title="Hai")
    assert (a["number"], b["number"]) == (1, 2)
    approve(judge, b["id"])
    anon = Client(base_url)
    r = anon.get(f"{API}/entries/{b['id']}")
    assert_status(r, 200)
    assert r.json()["entry"]["number"] == 2
    g = anon.get(f"{API}/contests/{slug}/entries").json()
    assert [e["number"] for e in g["entries"]] == [2]
    page = anon.get(f"/e/{b['id']}").text
    assert "Số 2" in page
    assert search(anon, slug, "2")["entries"][0]["id"] == b["id"]


def test_decomposed_text_is_stored_as_nfc(contest, new_user, make_jpeg,
                                          base_url, db):
    slug = contest()
    owner = new_user()
    title = "Hoà bình Nguyễn Đức"
    e = upload_ok(owner, slug, make_jpeg(1200, 900), title=nfd(title),
                  caption=nfd("Mùa thu"))
    assert e["title"] == title and e["caption"] == "Mùa thu"
    r = owner.patch(f"{API}/entries/{e['id']}",
                    json={"title": nfd("Phố cổ Hội An")})
    assert_status(r, 200)
    anon = Client(base_url)
    name = "Hoàng Thị Huệ"
    r = anon.post(f"{API}/accounts", csrf=False, json={
        "username": f"nfc{secrets.token_hex(4)}", "password": PASSWORD,
        "display_name": nfd(name), "unit": nfd("Chi đoàn Đông Hoà")})
    assert_status(r, 201)
    assert r.json()["user"]["display_name"] == name
    with db.cursor() as cur:
        cur.execute("SELECT title, caption FROM netdep.entries WHERE id = %s",
                    (e["id"],))
        assert cur.fetchone() == ("Phố cổ Hội An", "Mùa thu")
        cur.execute("SELECT display_name, unit FROM netdep.accounts WHERE "
                    "username = %s", (r.json()["user"]["username"],))
        assert cur.fetchone() == (name, "Chi đoàn Đông Hoà")


def test_username_equal_after_nfc_and_case_folding_is_taken(anon, base_url,
                                                            snapshot, db):
    base = f"kel{secrets.token_hex(4)}"
    r = anon.post(f"{API}/accounts", csrf=False, json={
        "username": "K" + base, "password": PASSWORD,
        "display_name": "Kiên"})
    assert_status(r, 201)
    # U+212A KELVIN SIGN is canonically "K": NFC makes it the same name,
    # case folding then meets the first account's "k".
    other = Client(base_url)
    for variant in ("\u212a" + base, "k" + base, "\u212a" + base.upper()):
        with unchanged(snapshot, db):
            r = other.post(f"{API}/accounts", csrf=False, json={
                "username": variant, "password": PASSWORD,
                "display_name": "Kiên khác"})
            assert_error(r, 409, "username_taken")
    # And it logs in the first account.
    r = other.login("\u212a" + base, PASSWORD)
    assert_status(r, 200)


def test_vietnamese_username_is_refused_in_either_spelling(anon, snapshot,
                                                           db):
    """Usernames are ASCII (001's CHECK): "Hoà" precomposed or decomposed
    is a clear 400 before anything is stored, so "Hoà" can never be two
    accounts (the display name carries the Vietnamese)."""
    base = f"ho{secrets.token_hex(3)}"
    for variant in (base + "à", nfd(base + "à"), nfd(base.upper() + "À")):
        with unchanged(snapshot, db):
            r = anon.post(f"{API}/accounts", csrf=False, json={
                "username": variant, "password": PASSWORD,
                "display_name": "Hoà"})
            assert_error(r, 400, "invalid_field")
            assert "username" in r.json()["error"]["message"]


def _index_scans(cur):
    # This transaction's scans of each index of the entries (no
    # pg_stat_xact_ view has indexes; the function behind them does).
    cur.execute("SELECT i.indexrelid::regclass::text, "
                "pg_stat_get_xact_numscans(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = 'netdep.entries'::regclass")
    return dict(cur.fetchall())


def test_crowded_name_is_served_by_the_name_btree(found, db):
    """A name shared by thousands of entries ("Tác giả số …": 2,400 here)
    fills the candidates from the btree on the author's name key
    (migration 021) and reads no other index but the number's: the
    trigram index would read every entry of each of the query's trigrams
    (30 ms for "nguyen thi ha" at 1,000,000 entries).  A title word
    still finds its entries (from the trigram index at scale)."""
    with db.cursor() as cur:
        cur.execute("BEGIN")
        try:
            s0 = _index_scans(cur)
            cur.execute("SELECT kind, count(*) FROM netdep.entry_search("
                        "%s, 'TAC GIA SO', 200, 21) GROUP BY 1",
                        (found["id"],))
            assert cur.fetchall() == [(1, 200)]
            s1 = _index_scans(cur)
            cur.execute("SELECT count(*) FROM netdep.entry_search("
                        "%s, 'khoanh', 200, 21)", (found["id"],))
            assert cur.fetchone()[0] == 200
        finally:
            cur.execute("ROLLBACK")
    used = {k: s1[k] - s0.get(k, 0) for k in s1 if s1[k] != s0.get(k, 0)}
    assert set(used) <= {"entries_author_key_idx",
                         "entries_number_key"}, used
    assert used.get("entries_author_key_idx", 0) >= 1, used


def test_renamed_author_is_found_by_the_new_name(found, anon, db):
    """The name key follows the account (the trigger of 075_search.sql)."""
    eid, number = found["named"]["Trần Văn Đức"]
    new = f"Đỗ Quang Vinh {secrets.token_hex(2)}"
    rename = ("UPDATE netdep.accounts a SET display_name = %s FROM "
              "netdep.entries e WHERE e.id = %s AND a.id = e.account_id")
    with db.cursor() as cur:
        cur.execute(rename, (new, eid))
        try:
            cur.execute("SELECT author_key FROM netdep.entries WHERE id = %s",
                        (eid,))
            assert cur.fetchone()[0] == "do quang vinh " + new.split()[-1]
            body = search(anon, found["slug"], "do quang vinh")
            assert [e["id"] for e in body["entries"]] == [eid]
            assert body["entries"][0]["match"] == "prefix"
        finally:
            cur.execute(rename, ("Trần Văn Đức", eid))
