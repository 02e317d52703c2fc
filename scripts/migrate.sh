#!/usr/bin/env bash
# migrate.sh: brings a database to what sql/ says, as the owner role.
#
# 1. sql/migrations/NNN_name.sql change tables.  Each is applied once,
#    recorded with its version and the SHA-256 of the file in
#    public.schema_migrations.  An applied migration whose file
#    has changed since is refused: a migration is history, write a new one.
#    (Rows recorded before checksums existed adopt the file's current one.)
# 2. sql/functions/*.sql hold every function, trigger and view, each in
#    exactly one file.  They are re-applied in name order on every run:
#    000_reset.sql drops what exists and the others create it again, so
#    what runs is exactly what the files say.  Steps 1 and 2 are one
#    transaction (see below).
# 3. netdep_app's search_path is pointed at netdep.
#
# Usage: scripts/migrate.sh "CONNINFO"   e.g. "host=/srv/run dbname=netdep user=netdep"
# Environment: PSQL (psql binary, default psql).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
conn=${1:?usage: migrate.sh CONNINFO}
PSQL=${PSQL:-psql}
psql() { command "$PSQL" -X -q -v ON_ERROR_STOP=1 "$@"; }
die() { echo "migrate: $*" >&2; exit 1; }

psql -d "$conn" -c "SET client_min_messages = warning;
CREATE TABLE IF NOT EXISTS public.schema_migrations (
	version    text PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now());
ALTER TABLE public.schema_migrations ADD COLUMN IF NOT EXISTS sha256 text;"

declare -A applied=()
while IFS='|' read -r version sum; do
	[ -n "$version" ] && applied[$version]=$sum
done < <(psql -d "$conn" -tA -c "SELECT version, coalesce(sha256, '') FROM public.schema_migrations")

# One transaction for everything: 000_reset.sql drops every function and
# trigger, the pending migrations change tables with no old trigger firing
# and no function's row type in the way, then the other functions files
# create everything again.  A failure anywhere leaves the database as it
# was; a concurrent runner fails on schema_migrations' primary key instead
# of applying a migration twice.
declare -A seen=()
reset=$top/sql/functions/000_reset.sql
[ -f "$reset" ] || die "sql/functions/000_reset.sql is missing"
args=(-c "SET client_min_messages = warning" -f "$reset")
pending=()
for f in "$top"/sql/migrations/[0-9][0-9][0-9]_*.sql; do
	[ -e "$f" ] || continue
	base=$(basename "$f" .sql)
	version=${base%%_*}
	[ -z "${seen[$version]:-}" ] || die "two migrations numbered $version: ${seen[$version]} and $base"
	seen[$version]=$base
	sum=$(sha256sum "$f" | cut -d' ' -f1)
	if [ -n "${applied[$version]+x}" ]; then
		if [ -z "${applied[$version]}" ]; then
			# Recorded before checksums existed: adopt the file's.
			args+=(-c "UPDATE public.schema_migrations SET sha256 = '$sum' WHERE version = '$version' AND sha256 IS NULL")
		elif [ "${applied[$version]}" != "$sum" ]; then
			die "$base.sql was changed after it was applied (recorded sha256 ${applied[$version]:0:12}…, file ${sum:0:12}…): restore it and put the change in a new migration"
		fi
		continue
	fi
	args+=(-f "$f" -c "INSERT INTO public.schema_migrations (version, sha256) VALUES ('$version', '$sum')")
	pending+=("$base")
done
for v in "${!applied[@]}"; do
	[ -n "${seen[$v]:-}" ] || die "the database has migration $v, which sql/migrations/ does not: is this checkout older than the database?"
done
nfun=0
for f in "$top"/sql/functions/[0-9][0-9][0-9]_*.sql; do
	[ "$f" = "$reset" ] && continue
	args+=(-f "$f")
	nfun=$((nfun + 1))
done
[ $nfun -gt 0 ] || die "no function files in sql/functions/"
psql -d "$conn" -1 "${args[@]}" ||
    die "failed; nothing was changed (migrations pending: ${pending[*]:-none})"
for b in "${pending[@]}"; do echo "migrate: applied $b"; done
psql -d "$conn" -c "ALTER ROLE netdep_app SET search_path = netdep"
[ ${#pending[@]} -gt 0 ] || echo "migrate: schema up to date (${#seen[@]} migrations)"
echo "migrate: functions applied ($nfun files)"
