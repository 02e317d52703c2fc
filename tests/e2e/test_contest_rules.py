"""One list of contest settings (cgi/contest_rules.h) for the web admin and
netdep-admin: every setting can be set from both, with the same limits.
Before, the web admin could not set the byte cap and the CLI could not set
the conflict-of-interest unit."""

import pytest

from helpers import API, assert_error, assert_status


def contest_column(db, slug, column):
    with db.cursor() as cur:
        cur.execute(f"SELECT {column} FROM netdep.contests WHERE slug = %s",
                    (slug,))
        return cur.fetchone()[0]


def test_web_admin_sets_the_upload_limits(contest, new_user, db):
    slug = contest()
    admin = new_user(role="admin")
    r = admin.patch(f"{API}/contests/{slug}",
                    json={"max_bytes": 5 * 1024 * 1024, "max_side": 8000,
                          "max_pixels": 40000000,
                          "results_at": "2026-06-10T12:00:00Z"})
    assert_status(r, 200)
    assert contest_column(db, slug, "max_bytes") == 5 * 1024 * 1024
    assert contest_column(db, slug, "max_side") == 8000
    assert contest_column(db, slug, "max_pixels") == 40000000
    assert contest_column(db, slug, "results_at").isoformat().startswith(
        "2026-06-10T12:00")
    # The public contest says so too (uploads are checked against it).
    assert admin.get(f"{API}/contests/{slug}").json()["contest"][
        "max_bytes"] == 5 * 1024 * 1024


def test_cli_sets_the_jury_settings(admin_cli, contest, db):
    slug = contest()
    r = admin_cli("contest", "set", slug, "coi-unit=yes", "zscore=yes",
                  "judges-named=yes")
    assert r.returncode == 0, r.stderr
    assert "coi-unit, zscore, judges-named" in r.stdout
    assert contest_column(db, slug, "coi_unit") is True
    assert contest_column(db, slug, "zscore") is True
    assert contest_column(db, slug, "judges_named") is True
    r = admin_cli("contest", "set", slug, "coi-unit=no")
    assert r.returncode == 0, r.stderr
    assert contest_column(db, slug, "coi_unit") is False


@pytest.mark.parametrize("key,bad,good", [
    ("max_bytes", 1023, 1024),
    ("max_bytes", 104857601, 104857600),
    ("votes_per_day", 1001, 1000),
    ("public_weight", 101, 100),
    ("max_side", 0, 1),
])
def test_same_limits_from_both(admin_cli, contest, new_user, db, key, bad,
                               good):
    slug = contest()
    admin = new_user(role="admin")
    before = contest_column(db, slug, key)
    assert_error(admin.patch(f"{API}/contests/{slug}", json={key: bad}),
                 400, "invalid_field")
    cli = key.replace("_", "-")
    r = admin_cli("contest", "set", slug, f"{cli}={bad}")
    assert r.returncode == 2, r.stdout
    assert f"{cli} must be a whole number" in r.stderr
    assert contest_column(db, slug, key) == before
    assert_status(admin.patch(f"{API}/contests/{slug}", json={key: good}),
                  200)
    assert contest_column(db, slug, key) == good
    r = admin_cli("contest", "set", slug, f"{cli}={before}")
    assert r.returncode == 0, r.stderr
    assert contest_column(db, slug, key) == before
