"""The authorisation matrix of tests/security/authz_matrix.py (issue 12)
inside `make test`: every route of cgi/router.c x {anonymous, voter,
participant, judge, admin, judge of another contest} answers the
expected status, every write refuses a session without its CSRF token,
and a route added to router.c without a row fails here.  `make security`
runs the same table against its own stack and writes it to a report."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "security"))
import authz_matrix as am  # noqa: E402


NEW_ROUTE = '    {METHOD_GET, "/api/v1/secret/*/things", h_secret, R_AUTH},\n'
ANCHOR = "    /* server-rendered pages */\n"


def test_every_route_of_the_router_has_a_row():
    missing, stale = am.coverage(am.read_router(), am.ROWS)
    assert missing == [], f"routes of cgi/router.c with no row in " \
        f"tests/security/authz_matrix.py: {missing}"
    assert stale == [], f"rows naming no route of router.c: {stale}"
    assert len({r.name for r in am.ROWS}) == len(am.ROWS), "row names"
    # Every route has a cell for every role (or a skip that says why).
    for row in am.ROWS:
        assert set(row.expect) == set(am.ROLES), row.name
        if None in row.expect.values():
            assert row.note, f"{row.name}: a skipped cell needs a note"


def test_a_route_added_without_a_row_is_noticed():
    text = am.read_router()
    assert ANCHOR in text
    grown = text.replace(ANCHOR, NEW_ROUTE + ANCHOR)
    assert len(am.router_routes(grown)) == len(am.router_routes(text)) + 1
    missing, _ = am.coverage(grown, am.ROWS)
    assert missing == [("GET", "/api/v1/secret/*/things")]
    # And a row whose route went away.
    shrunk = text.replace('{METHOD_GET, "/api/v1/health", h_health, 0},', "")
    _, stale = am.coverage(shrunk, am.ROWS)
    assert stale == [("GET", "/api/v1/health")]


def test_a_table_it_cannot_read_fails_loudly():
    with pytest.raises(ValueError):
        am.router_routes("static const struct route table[] = {};")
    garbled = am.read_router().replace('{METHOD_GET, "/e/#"',
                                       '{METHOD_GET, E_PAGE')
    with pytest.raises(ValueError):
        am.router_routes(garbled)


def test_every_write_route_needs_the_csrf_token():
    text = am.read_router()
    assert am.csrf_gaps(text) == []
    lax = text.replace('R_AUTH | R_CSRF | R_BATCH}', 'R_AUTH | R_BATCH}')
    assert lax != text
    assert am.csrf_gaps(lax) == [("POST", "/api/v1/entries/#/votes")]


@pytest.fixture
def world(base_url):
    admin = os.environ["NETDEP_ADMIN"]
    demo = os.environ.get("NETDEP_DEMO_IMAGE") or os.path.join(
        os.path.dirname(admin), "netdep-demo-image")
    return am.World(base_url, admin, os.environ["NETDEP_DB"], demo)


def test_a_wrong_expectation_is_reported(world):
    """The harness can fail: a row expecting what the site does not do
    yields a differing cell for every role."""
    row = am.Row("health, wrongly", "GET", "/api/v1/health",
                 "/api/v1/health", am.everyone(404))
    cells = am.run(world, rows=[row])
    assert len(cells) == len(am.ROLES)
    assert all(not c.ok and c.status == 200 for c in cells), cells
    row = am.Row("who am I, wrongly", "GET", "/api/v1/session",
                 "/api/v1/session", am.everyone(200))
    bad = [c.role for c in am.run(world, rows=[row]) if not c.ok]
    assert bad == ["anonymous"]


def test_authorization_matrix(world):
    cells = am.run(world)
    bad = [am.describe(c) for c in cells if not c.ok]
    assert not bad, "authorisation cells that differ:\n" + "\n".join(bad)
    ran = {(c.row, c.role) for c in cells}
    for row in am.ROWS:
        for role, want in row.expect.items():
            assert want is None or (row.name, role) in ran
