#!/usr/bin/env bash
# migrate.sh: applies sql/NNN_name.sql migrations in order, each in one
# transaction together with its row in public.schema_migrations, skipping
# those already recorded; then points netdep_app's search_path at netdep.
# Run it as the database owner role (the app role has no DDL rights).
# Usage: scripts/migrate.sh "CONNINFO"   e.g. "host=/srv/run dbname=netdep user=netdep"
# Environment: PSQL (psql binary, default psql).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
conn=${1:?usage: migrate.sh CONNINFO}
PSQL=${PSQL:-psql}
psql() { "$PSQL" -X -q -v ON_ERROR_STOP=1 "$@"; }

psql -d "$conn" -c "CREATE TABLE IF NOT EXISTS public.schema_migrations (
	version    text PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now())" 2>&1 | grep -v 'already exists, skipping' || true

applied=$(psql -d "$conn" -tA -c "SELECT version FROM public.schema_migrations")
declare -A seen=()
n=0
for f in "$top"/sql/[0-9][0-9][0-9]_*.sql; do
	[ -e "$f" ] || continue
	base=$(basename "$f" .sql)
	version=${base%%_*}
	[ -z "${seen[$version]:-}" ] || { echo "migrate: two migrations numbered $version: ${seen[$version]} and $base" >&2; exit 1; }
	seen[$version]=$base
	if grep -qx "$version" <<<"$applied"; then
		continue
	fi
	# -1 wraps every -f and -c in one BEGIN/COMMIT: the migration and its
	# record land together or not at all.  A concurrent runner fails on
	# the primary key instead of applying a migration twice.
	psql -d "$conn" -1 -f "$f" \
	    -c "INSERT INTO public.schema_migrations (version) VALUES ('$version')" ||
	    { echo "migrate: $base failed; nothing of it was applied" >&2; exit 1; }
	echo "migrate: applied $base"
	n=$((n + 1))
done
psql -d "$conn" -c "ALTER ROLE netdep_app SET search_path = netdep"
[ $n -gt 0 ] || echo "migrate: schema up to date (${#seen[@]} migrations)"
