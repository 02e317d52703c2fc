"""Reads whose cost the client cannot choose (issue 12, finding 5): the
gallery's keyset pages and shuffle (cgi/gallery.h, migration 010), the
published results behind an ETag and nginx's cache, and CSV exports
streamed in constant worker memory."""

import base64
import json
import os
import secrets
import subprocess
import time

import pytest

from conftest import Client
from helpers import API, assert_error, assert_status
from judging_helpers import PLACEHOLDER_HASH, judged_contest
from vote_helpers import settle

N_AUTHORS = 60
PER_AUTHOR = 50          # approved entries each: 3,000 in the contest
UNITS = 7


# --- a large contest, inserted directly ------------------------------------

@pytest.fixture(scope="module")
def big(admin_cli, db):
    """A contest with 3,000 approved entries (and some pending ones) of 60
    authors in 7 units and 2 categories, with tied vote counts: written
    straight into the tables, so its size costs no uploads."""
    slug = f"t-big{secrets.token_hex(4)}"
    r = admin_cli("contest", "create", slug, "--title", "Cuộc thi lớn",
                  "--categories", "A,B")
    assert r.returncode == 0, r.stderr
    tag = secrets.token_hex(3)
    with db.cursor() as cur:
        cur.execute("SELECT id FROM contests WHERE slug = %s", (slug,))
        cid = cur.fetchone()[0]
        cur.execute("SELECT id FROM categories WHERE contest_id = %s "
                    "ORDER BY id", (cid,))
        cats = [row[0] for row in cur.fetchall()]
        cur.execute(
            "INSERT INTO accounts (username, display_name, unit, "
            "password_hash) SELECT 'gk' || %s || i, 'Tác giả ' || i, "
            "'Chi đoàn ' || (i %% %s), %s FROM generate_series(1, %s) i "
            "RETURNING id", (tag, UNITS, PLACEHOLDER_HASH, N_AUTHORS))
        authors = [row[0] for row in cur.fetchall()]
        cur.execute(
            "INSERT INTO entries (contest_id, account_id, category_id, "
            "title, unit, status, slot) SELECT %s, a.id, CASE WHEN s %% 3 "
            "= 0 THEN %s ELSE %s END, 'Ảnh ' || s, a.unit, CASE WHEN s > "
            "%s THEN 'pending' ELSE 'approved' END, s FROM accounts a, "
            "generate_series(1, %s) s WHERE a.id = ANY(%s)",
            (cid, cats[1], cats[0], PER_AUTHOR, PER_AUTHOR + 2, authors))
        cur.execute(
            "INSERT INTO media (entry_id, token, original_type, "
            "original_bytes, width, height, thumb_width, thumb_height, "
            "display_width, display_height, sha256) SELECT e.id, "
            "md5(random()::text || e.id), 'image/jpeg', 1000, 800, 600, "
            "400, 300, 800, 600, sha256(e.id::text::bytea) FROM entries e "
            "WHERE e.contest_id = %s", (cid,))
        # Few distinct counts: long runs of ties to page through.
        cur.execute("UPDATE entry_stats SET votes = entry_id %% 4 WHERE "
                    "contest_id = %s AND approved", (cid,))
        cur.execute("ANALYZE entries")
        cur.execute("ANALYZE entry_stats")
        cur.execute("ANALYZE media")
        cur.execute("SELECT e.id, e.category_id, e.unit, s.votes FROM "
                    "entries e JOIN entry_stats s ON s.entry_id = e.id "
                    "WHERE e.contest_id = %s AND e.status = 'approved'",
                    (cid,))
        rows = cur.fetchall()
    assert len(rows) == N_AUTHORS * PER_AUTHOR
    return {"slug": slug, "id": cid, "cats": cats,
            "rows": {r[0]: {"cat": r[1], "unit": r[2], "votes": r[3]}
                     for r in rows}}


def walk(client, slug, limit=100, **params):
    """Every page of a list from the first; returns the ids in order and
    the number of pages."""
    ids, cursor, pages = [], None, 0
    while True:
        q = dict(params, limit=limit)
        if cursor is not None:
            q["cursor"] = cursor
        r = client.get(f"{API}/contests/{slug}/entries", params=q)
        assert_status(r, 200)
        body = r.json()
        assert len(body["entries"]) <= limit
        ids += [e["id"] for e in body["entries"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return ids, pages
        assert isinstance(cursor, str) and cursor.isascii()
        assert pages < 10000, "the walk does not end"


def test_gallery_keyset_pages_cover_every_entry_once(big, anon):
    rows, slug = big["rows"], big["slug"]
    every = sorted(rows)

    ids, pages = walk(anon, slug)
    assert ids == sorted(every, reverse=True)
    assert pages == -(-len(every) // 100)  # no empty last page

    ids, _ = walk(anon, slug, sort="votes")
    assert ids == sorted(every, key=lambda i: (-rows[i]["votes"], i))

    first, _ = walk(anon, slug, sort="shuffle", seed=12345)
    assert len(first) == len(set(first)) == len(every)
    assert set(first) == set(every)
    # One seed, one order, whatever the page size.
    again, _ = walk(anon, slug, limit=37, sort="shuffle", seed=12345)
    assert again == first
    other, _ = walk(anon, slug, sort="shuffle", seed=999)
    assert set(other) == set(every) and other != first
    # Different seeds put different entries first (the fairness the
    # shuffle is for): twenty first pages of 24 share few entries.
    firsts = [anon.get(f"{API}/contests/{slug}/entries",
                       params={"sort": "shuffle", "seed": s, "limit": 24})
              .json()["entries"] for s in range(100, 120)]
    shown = {e["id"] for page in firsts for e in page}
    assert all(len(p) == 24 for p in firsts)
    assert len(shown) > 0.8 * 20 * 24, len(shown)

    cat_a = big["cats"][0]
    want = {i for i in every if rows[i]["cat"] == cat_a}
    for sort in ("new", "votes", "shuffle"):
        ids, _ = walk(anon, slug, sort=sort, category=cat_a, seed=5)
        assert len(ids) == len(set(ids)) and set(ids) == want, sort
    unit = "Chi đoàn 3"
    want = {i for i in every if rows[i]["unit"] == unit}
    for sort in ("new", "votes", "shuffle"):
        ids, _ = walk(anon, slug, sort=sort, unit=unit, seed=5)
        assert len(ids) == len(set(ids)) and set(ids) == want, sort
    both = {i for i in want if rows[i]["cat"] == cat_a}
    ids, _ = walk(anon, slug, sort="shuffle", unit=unit, category=cat_a,
                  seed=5)
    assert sorted(ids) == sorted(both)


def test_gallery_shuffle_cursor_carries_its_seed(big, anon):
    slug = big["slug"]
    r = anon.get(f"{API}/contests/{slug}/entries",
                 params={"sort": "shuffle", "limit": 10})
    assert_status(r, 200)
    page1 = r.json()
    # The visitor's own seed goes on with the cursor alone.
    r = anon.get(f"{API}/contests/{slug}/entries",
                 params={"sort": "shuffle", "limit": 10,
                         "cursor": page1["next_cursor"]})
    assert_status(r, 200)
    assert r.json()["seed"] == page1["seed"]
    ids = [e["id"] for e in page1["entries"] + r.json()["entries"]]
    full = anon.get(f"{API}/contests/{slug}/entries",
                    params={"sort": "shuffle", "limit": 20,
                            "seed": page1["seed"]}).json()
    assert [e["id"] for e in full["entries"]] == ids


def test_gallery_refuses_offsets_big_pages_and_foreign_cursors(big, anon):
    slug = big["slug"]
    url = f"{API}/contests/{slug}/entries"
    for bad in ({"limit": "101"}, {"limit": "100000"}, {"limit": "0"}):
        assert_error(anon.get(url, params=bad), 400, "invalid_field")
    err = assert_error(anon.get(url, params={"offset": "100"}), 400,
                       "invalid_field")
    assert "offset" in err["message"] and "cursor" in err["message"]
    err = assert_error(anon.get(url, params={"offset": "0", "limit": 5}),
                       400, "invalid_field")
    new = anon.get(url, params={"limit": 5}).json()["next_cursor"]
    votes = anon.get(url, params={"limit": 5, "sort": "votes"}) \
        .json()["next_cursor"]
    shuf = anon.get(url, params={"limit": 5, "sort": "shuffle",
                                 "seed": 7}).json()["next_cursor"]
    def b64(text):
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    # Old offsets, junk, padding, and well-formed base64 of texts no page
    # wrote (leading zeros, a missing id, a segment out of range).
    bad_cursors = [
        "500", "-1", "abc", "bjE=", "bjE/", "x" * 200, b64("n0"),
        b64("n01"), b64("n1."), b64("v1"), b64("q5"), b64("s1.200.0.1"),
        b64("n1\n"),
    ]
    for cursor in bad_cursors:
        err = assert_error(anon.get(url, params={"cursor": cursor}), 400,
                           "invalid_field")
        assert "cursor" in err["message"], cursor
    # A cursor of another order, or of another seed.
    assert_error(anon.get(url, params={"cursor": new, "sort": "votes"}),
                 400, "invalid_field")
    assert_error(anon.get(url, params={"cursor": votes}), 400,
                 "invalid_field")
    err = assert_error(anon.get(url, params={"cursor": shuf, "seed": 8,
                                             "sort": "shuffle"}),
                       400, "invalid_field")
    assert "seed" in err["message"]
    r = anon.get(url, params={"cursor": shuf, "seed": 7, "sort": "shuffle"})
    assert_status(r, 200)


def plan_nodes(plan):
    """Every node of an EXPLAIN (FORMAT JSON) tree, with its subtree."""
    out = []

    def visit(node):
        kids = node.get("Plans", [])
        out.append(node)
        for k in kids:
            visit(k)
    visit(plan)
    return out


def subtree_has(node, pred):
    return pred(node) or any(subtree_has(k, pred)
                             for k in node.get("Plans", []))


def strong(tag):
    """An ETag without the W/ that nginx's gzip adds."""
    return tag[2:] if tag.startswith("W/") else tag


def gallery_plan(admin_cli, slug, sort, *args):
    r = admin_cli("gallery-plan", slug, sort, *args)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)[0]["Plan"]


def assert_range_scan(plan, what):
    """No scan of a whole table, no sort but of rows a LIMIT bounded, and
    the entries read from one of the gallery's indexes."""
    nodes = plan_nodes(plan)
    for n in nodes:
        assert n["Node Type"] not in ("Seq Scan", "Bitmap Heap Scan") \
            or n.get("Relation Name") not in ("entries", "entry_stats"), \
            f"{what}: {n['Node Type']} on {n.get('Relation Name')}"
        if n["Node Type"] == "Sort":
            assert subtree_has(n, lambda k: k["Node Type"] == "Limit"), \
                f"{what}: a Sort of unbounded input: {json.dumps(n)[:600]}"
    scans = [n for n in nodes
             if n["Node Type"] in ("Index Scan", "Index Only Scan",
                                   "Index Scan Backward")
             and n.get("Relation Name") in ("entries", "entry_stats")]
    assert scans, f"{what}: no index scan of the entries"
    assert any(n["Index Name"].startswith(("entries_gallery_",
                                           "entry_stats_"))
               for n in scans), f"{what}: {[n['Index Name'] for n in scans]}"
    limits = [n for n in nodes if n["Node Type"] == "Limit"]
    assert limits, f"{what}: no LIMIT"


def test_gallery_pages_are_index_range_scans(big, anon, admin_cli):
    """The time-independent check: the plan of the very statement a page
    runs (netdep-admin gallery-plan) reads an index range under a LIMIT,
    on page 1 and deep in the contest, for every order and filter."""
    slug = big["slug"]
    url = f"{API}/contests/{slug}/entries"
    for sort in ("new", "votes", "shuffle"):
        q = {"sort": sort, "limit": 100, "seed": 3}
        deep = None
        for _ in range(15):
            body = anon.get(url, params=dict(q, cursor=deep) if deep
                            else q).json()
            deep = body["next_cursor"]
        assert deep
        for extra in ([], ["--category", str(big["cats"][1])],
                      ["--unit", "Chi đoàn 2"]):
            for cur in ([], ["--cursor", deep]):
                args = ["--seed", "3", *extra, *cur]
                assert_range_scan(gallery_plan(admin_cli, slug, sort, *args),
                                  f"{sort} {args}")


# --- published results: ETag, 304, nginx's cache ---------------------------

def test_results_etag_304_and_cache_follow_publication(contest, new_user,
                                                       make_jpeg, base_url,
                                                       db):
    w = judged_contest(contest, new_user, make_jpeg, approved=3)
    # The approvals' unit counts are folded once, which moves the version.
    settle(db)
    slug, admin = w["slug"], w["admin"]
    anon = Client(base_url)
    for path in ("results", "results.csv"):
        url = f"{API}/contests/{slug}/{path}"
        # Unpublished: judges only, never with an ETag or cached.
        r = admin.get(url)
        assert_status(r, 200)
        assert "ETag" not in r.headers
        assert "no-store" in r.headers["Cache-Control"]
        assert_error(anon.get(url), 403, "results_not_published")
    prizes = [{"entry_id": w["approved"][0], "prize": "first"}]
    assert_status(admin.put(f"{API}/contests/{slug}/prizes",
                            json={"prizes": prizes}), 200)
    assert_status(admin.post(f"{API}/contests/{slug}/publish"), 200)

    tags = {}
    for path in ("results", "results.csv"):
        url = f"{API}/contests/{slug}/{path}"
        r = admin.get(url)
        assert_status(r, 200)
        tag = strong(r.headers["ETag"])
        assert tag.startswith('"') and "private" in r.headers["Cache-Control"]
        # The worker answers a session's conditional itself.
        r = admin.get(url, headers={"If-None-Match": tag})
        assert r.status_code == 304 and r.content == b""
        assert strong(r.headers["ETag"]) == tag
        r = admin.get(url, headers={"If-None-Match": '"other"'})
        assert_status(r, 200)
        # Anonymous: the same tag, kept by nginx, 304 from its copy.
        r = anon.get(url)
        assert_status(r, 200)
        assert strong(r.headers["ETag"]) == tag
        assert "public" in r.headers["Cache-Control"]
        r = anon.get(url)
        assert r.headers.get("X-Cache") in ("HIT", "REVALIDATED", "UPDATING")
        r = anon.get(url, headers={"If-None-Match": tag})
        assert r.status_code == 304
        # Junk in the query neither splits nor bypasses the cache.
        r = anon.get(url, params={"x": secrets.token_hex(4)})
        assert r.headers.get("X-Cache") != "BYPASS"
        assert strong(r.headers["ETag"]) == tag
        tags[path] = tag
    assert tags["results"] != tags["results.csv"]

    # Unpublishing changes the version; a session sees it at once, the
    # anonymous copy is revalidated after its second and refused.
    r = admin.patch(f"{API}/contests/{slug}",
                    json={"results_at": "2099-01-01T00:00:00Z"})
    assert_status(r, 200)
    for path in ("results", "results.csv"):
        url = f"{API}/contests/{slug}/{path}"
        r = admin.get(url, headers={"If-None-Match": tags[path]})
        assert_status(r, 200)
        assert "ETag" not in r.headers
    time.sleep(2.1)  # nginx keeps a copy one second (whole seconds)
    for path in ("results", "results.csv"):
        assert_error(anon.get(f"{API}/contests/{slug}/{path}"), 403,
                     "results_not_published")
    # A prize change (possible only unpublished), then publishing again:
    # a new version, and the old tag no longer matches.
    prizes = [{"entry_id": w["approved"][1], "prize": "first"}]
    assert_status(admin.put(f"{API}/contests/{slug}/prizes",
                            json={"prizes": prizes}), 200)
    assert_status(admin.post(f"{API}/contests/{slug}/publish"), 200)
    for path in ("results", "results.csv"):
        url = f"{API}/contests/{slug}/{path}"
        r = admin.get(url, headers={"If-None-Match": tags[path]})
        assert_status(r, 200)
        assert strong(r.headers["ETag"]) != tags[path]
        r = anon.get(url, headers={"If-None-Match": tags[path]})
        assert_status(r, 200)
        assert strong(r.headers["ETag"]) != tags[path]
    got = anon.get(f"{API}/contests/{slug}/results").json()["results"]
    assert [p["entry_id"] for p in got["prizes"]] == [w["approved"][1]]
    anon.close()


def test_results_version_follows_a_voided_vote(contest, new_user, make_jpeg,
                                               base_url, db):
    """Votes move results after publication too (voiding): the folder's
    fold_state stamp is part of the version."""
    w = judged_contest(contest, new_user, make_jpeg, approved=2)
    slug, admin = w["slug"], w["admin"]
    voter = new_user()
    r = voter.post(f"{API}/entries/{w['approved'][0]}/votes",
                   headers={"Idempotency-Key": secrets.token_hex(8)})
    assert_status(r, 201)
    assert_status(admin.post(f"{API}/contests/{slug}/publish"), 200)
    url = f"{API}/contests/{slug}/results"

    def settled_tag():
        settle(db)
        return admin.get(url).headers["ETag"]

    before = settled_tag()
    r = admin.post(f"{API}/contests/{slug}/votes/void",
                   json={"account": voter.username, "reason": "thử"})
    assert_status(r, 200)
    assert r.json()["voided"] == 1
    after = settled_tag()
    assert after != before
    assert admin.get(url).json()["results"]["ranking"][0]["votes"] == 0


# --- CSV exports stream ----------------------------------------------------

def worker_pids(var_dir):
    with open(os.path.join(var_dir, "run", "netdep.pid")) as f:
        master = f.read().strip()
    out = subprocess.run(["pgrep", "-x", "netdep", "-P", master],
                         capture_output=True, text=True, check=True)
    return [int(p) for p in out.stdout.split()]


def hwm_kb(pid):
    """The worker's peak resident size so far (VmHWM): what an export
    made it hold at its largest, read after the fact."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmHWM for {pid}")


VOTES = 200_000


def test_csv_exports_stream_in_constant_worker_memory(contest, new_user,
                                                      make_jpeg, db,
                                                      var_dir):
    w = judged_contest(contest, new_user, make_jpeg, approved=1)
    slug, admin = w["slug"], w["admin"]
    url = f"{API}/contests/{slug}/votes.csv"
    pids = worker_pids(var_dir)
    # Every worker serves a small export first: what any export costs.
    for _ in range(4 * len(pids)):
        r = admin.get(url)
        assert_status(r, 200)
    small = len(r.content)
    base = {p: hwm_kb(p) for p in pids}
    # 200,000 votes for the one entry, one per day (the unique key),
    # written without the count triggers: the export reads the rows.
    with db.cursor() as cur:
        cur.execute("SELECT id, contest_id FROM entries WHERE id = %s",
                    (w["approved"][0],))
        eid, cid = cur.fetchone()
        cur.execute("SET session_replication_role = replica")
        try:
            cur.execute(
                "INSERT INTO votes (contest_id, entry_id, voter_id, "
                "period, vote_day, ip, ip_prefix) SELECT %s, %s, a.id, "
                "DATE '1500-01-01' + d, DATE '1500-01-01' + d, "
                "'203.0.113.7', '203.0.113.0/24' FROM accounts a, "
                "generate_series(1, %s) d WHERE a.username = %s",
                (cid, eid, VOTES, admin.username))
        finally:
            cur.execute("SET session_replication_role = DEFAULT")
    for _ in range(len(pids) + 1):
        with admin.get(url, stream=True) as r:
            assert_status(r, 200)
            assert "Content-Length" not in r.headers or \
                int(r.headers["Content-Length"]) > 0
            size, lines, tail = 0, 0, b""
            for chunk in r.iter_content(1 << 16):
                size += len(chunk)
                lines += chunk.count(b"\n")
                tail = (tail + chunk)[-200:]
        assert lines == VOTES + 1, lines
        assert tail.endswith(b"\r\n")
    assert size > 15 * 1024 * 1024 > 100 * small, (size, small)
    grown = {p: hwm_kb(p) - base[p] for p in pids}
    print(f"votes.csv {size} bytes; small export {small} bytes; worker "
          f"VmHWM growth (kB) {sorted(grown.values())}")
    # Built whole, the 20 MB file grew a worker by its size several times
    # over (rows, then the document); streamed, by a few buffers.
    assert max(grown.values()) < 4 * 1024, (grown, size)
    # The other exports stream the same way (and still answer).
    for path in ("entries.csv", "results.csv"):
        r = admin.get(f"{API}/contests/{slug}/{path}")
        assert_status(r, 200)
        assert r.content.startswith(b"\xef\xbb\xbf")
    r = admin.get(f"{API}/admin/audit.csv", params={"contest": slug})
    assert_status(r, 200)
    assert r.content.startswith(b"\xef\xbb\xbf")
