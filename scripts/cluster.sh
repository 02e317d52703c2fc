#!/usr/bin/env bash
# cluster.sh: several machines on one (issue 18; README, Several machines).
#
#   cluster.sh start DIR    a primary PostgreSQL and master A with nginx
#                           (netdep-ctl start DIR/a), a streaming standby
#                           (pg_basebackup -R, DIR/standby, port 5433),
#                           master B (netdep-ctl netdep-start DIR/b) and
#                           nginx's upstream over both masters
#   cluster.sh stop DIR     stop all of it
#   cluster.sh promote DIR  promote the standby (pg_ctl promote; after the
#                           primary died)
#   cluster.sh replication DIR  apply CLUSTER_ASYNC (below) to the primary
#   cluster.sh second-standby DIR  a second standby (port 5434); master B
#                           reads from it, master A from the first
#
# Both masters write with a multi-host conninfo (target_session_attrs=
# read-write: after a promotion they find the new primary by themselves)
# and read with prefer-standby.  Media: the S3 backend against the S3 test
# server (scripts/s3rver.sh under DIR/s3, a free port; both masters share
# its buckets, nginx proxies the public one), or with CLUSTER_STORAGE=local
# the local filesystem backend, DIR/a/media, which master B shares
# (NETDEP_SHARED_MEDIA; on several hosts, NFS).  Replication is
# synchronous (synchronous_commit=remote_apply, synchronous_standby_names)
# unless CLUSTER_ASYNC=1.
# Environment: PORT (8080), NETDEP_BUILD, NETDEP_WORKERS.
set -euo pipefail
me=cluster
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cmd=${1:-}
[ $# -ge 2 ] || { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 2; }
mkdir -p "$2"
dir=$(cd "$2" && pwd)
a=$dir/a b=$dir/b s=$dir/standby
sock=$a/pgsock
ctl=$top/scripts/netdep-ctl
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
lib_runtime_user

hosts="host=$sock,$sock port=5432,5433 dbname=netdep user=netdep_app connect_timeout=2"
export NETDEP_APP_DB="$hosts target_session_attrs=read-write"
export NETDEP_DB_READ="host=$sock,$sock port=5433,5432 dbname=netdep user=netdep_app connect_timeout=2 target_session_attrs=prefer-standby"
export NETDEP_UPSTREAMS=$b/run/netdep.sock
storage=${CLUSTER_STORAGE:-s3}
case $storage in s3 | local) ;; *) die "CLUSTER_STORAGE must be s3 or local, not '$storage'" ;; esac
s3ctl=$top/scripts/s3rver.sh
# The S3 settings of both masters (and of nginx's /media/ proxy) when the
# cluster was started with the S3 backend.
s3_env() {
	local kv
	[ "$(cat "$dir/storage" 2>/dev/null)" = s3 ] || return 0
	while IFS= read -r kv; do export "${kv?}"; done < <("$s3ctl" env "$dir/s3")
}
psql_on() { "$PGBIN/psql" -X -q -tA -h "$sock" -p "$1" -U netdep -d netdep -c "$2"; }

start_standby() { # dir port name
	local sd=$1 port=$2 name=$3
	if [ ! -s "$sd/pg/PG_VERSION" ]; then
		mkdir -p "$sd"
		[ "$(id -u)" -ne 0 ] || chown "$pguser:" "$sd"
		chmod 0700 "$sd"
		as_pg "$PGBIN/pg_basebackup" -D "$sd/pg" -R -X stream -c fast \
		    -h "$sock" -U netdep
		# Its own port in the same socket directory; the name the
		# primary's synchronous_standby_names waits for.
		as_pg tee -a "$sd/pg/postgresql.auto.conf" >/dev/null <<-EOF
		port = $port
		hot_standby = on
		archive_mode = off
		cluster_name = '$name'
		EOF
	fi
	as_pg "$PGBIN/pg_ctl" -D "$sd/pg" status >/dev/null 2>&1 ||
	    as_pg "$PGBIN/pg_ctl" -D "$sd/pg" -l "$sd/pg.log" -w -t 120 -s start
	say "standby $name running (port $port, log $sd/pg.log)"
}

# Restarts master (a or b) reading first from the standby on port first.
restart_master() { # var first other
	local pid
	pid=$(cat "$1/run/netdep.pid" 2>/dev/null || true)
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	fi
	NETDEP_DB_READ="host=$sock,$sock,$sock port=$2,$3,5432 dbname=netdep user=netdep_app connect_timeout=2 target_session_attrs=prefer-standby" \
	    NETDEP_SHARED_MEDIA=$a/media PORT=$(cat "$a/run/port") "$ctl" netdep-start "$1"
}

replication_mode() {
	if [ "${CLUSTER_ASYNC:-0}" = 1 ]; then
		psql_on 5432 "ALTER SYSTEM SET synchronous_standby_names = ''"
		psql_on 5432 "ALTER SYSTEM SET synchronous_commit = 'on'"
	else
		psql_on 5432 "ALTER SYSTEM SET synchronous_standby_names = 'netdep_standby'"
		psql_on 5432 "ALTER SYSTEM SET synchronous_commit = 'remote_apply'"
	fi
	psql_on 5432 "SELECT pg_reload_conf()" >/dev/null
	say "replication: $(psql_on 5432 "SELECT CASE WHEN current_setting('synchronous_standby_names') = '' THEN 'asynchronous' ELSE 'synchronous (' || current_setting('synchronous_commit') || ')' END")"
}

start_b() {
	mkdir -p "$b/run" "$b/log"
	chmod 0700 "$b/run"
	lib_give "$b" "$b/run" "$b/log"
	NETDEP_SHARED_MEDIA=$a/media PORT=$(cat "$a/run/port") "$ctl" netdep-start "$b"
}

case $cmd in
start)
	echo "$storage" >"$dir/storage"
	[ "$storage" = local ] || "$s3ctl" start "$dir/s3"
	s3_env
	# Master B's socket must exist for nginx's first configuration test
	# only as a name: nginx resolves unix sockets at connect time.
	NETDEP_SEED=${NETDEP_SEED:-0} "$ctl" start "$a"
	start_standby "$s" 5433 netdep_standby
	replication_mode
	start_b
	say "cluster up: http://127.0.0.1:$(cat "$a/run/port") (masters $a/run/netdep.sock, $b/run/netdep.sock)"
	;;
stop)
	"$ctl" stop "$b" >/dev/null 2>&1 || true
	"$ctl" stop "$a" || true
	for sd in "$s" "$dir/standby2"; do
		[ -d "$sd/pg" ] || continue
		as_pg "$PGBIN/pg_ctl" -D "$sd/pg" -m fast -w -s stop 2>/dev/null || true
	done
	[ ! -d "$dir/s3" ] || "$s3ctl" stop "$dir/s3"
	;;
promote)
	# pg_ctl promote, not SELECT pg_promote(): a session on a standby
	# can be cancelled by a recovery conflict while it waits.
	as_pg "$PGBIN/pg_ctl" -D "$s/pg" -w -t 60 -s promote
	say "standby promoted: it is the primary now (port 5433)"
	;;
replication) replication_mode ;;
second-standby)
	# A second standby (port 5434); master A reads from the first,
	# master B from the second (libpq 15 takes the first host that fits).
	start_standby "$dir/standby2" 5434 netdep_standby2
	s3_env
	restart_master "$a" 5433 5434
	restart_master "$b" 5434 5433
	;;
*) die "unknown command '$cmd' (start, stop, promote, replication, second-standby)" ;;
esac
