"""Static assets through nginx (issue 17): every page refers to its CSS
and JS by fingerprinted names (NAME.HASH.EXT, scripts/fingerprint.sh),
those are cached for a year and immutable, and the pages themselves (and
the unhashed names the share page uses) are revalidated."""
import hashlib
import os
import re

STATIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "static")
REF = re.compile(r'(?:href|src)="/([A-Za-z0-9_-]+)\.([0-9a-f]{10})\.(css|js)"')
IMMUTABLE = "public, max-age=31536000, immutable"


def test_fingerprinted_assets_are_immutable_and_pages_revalidated(anon):
    pages = sorted(n for n in os.listdir(STATIC) if n.endswith(".html"))
    assert "index.html" in pages
    seen = set()
    for page in pages:
        r = anon.get("/" + page)
        assert r.status_code == 200, page
        cc = r.headers.get("Cache-Control", "")
        assert cc == "no-cache", (page, cc)
        refs = REF.findall(r.text)
        assert refs, "%s refers to no fingerprinted asset" % page
        assert not re.search(r'(?:href|src)="/[A-Za-z0-9_-]+\.(?:css|js)"', r.text), page
        seen.update(refs)
    for name, digest, ext in sorted(seen):
        with open(os.path.join(STATIC, "%s.%s" % (name, ext)), "rb") as f:
            source = f.read()
        # The name is the content's: a stale build would show here.
        assert hashlib.sha256(source).hexdigest()[:10] == digest, name
        r = anon.get("/%s.%s.%s" % (name, digest, ext))
        assert r.status_code == 200 and r.content == source, name
        assert r.headers.get("Cache-Control") == IMMUTABLE, (name, r.headers)
        assert r.headers.get("X-Content-Type-Options") == "nosniff"
        want = "text/css" if ext == "css" else "javascript"
        assert want in r.headers.get("Content-Type", ""), r.headers
        assert "charset=utf-8" in r.headers.get("Content-Type", ""), r.headers
    assert {"site", "common", "home"} <= {n for n, _, _ in seen}
    # Unhashed names (the share page's) must never be cached for long.
    for plain in ("/site.css", "/common.js", "/entry.js"):
        r = anon.get(plain)
        assert r.status_code == 200 and r.headers.get("Cache-Control") == "no-cache", plain
    # A made-up hash is a 404, not someone else's file.
    r = anon.get("/site.0123456789.css")
    assert r.status_code == 404 and "immutable" not in r.headers.get("Cache-Control", "")
