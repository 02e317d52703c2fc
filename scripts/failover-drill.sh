#!/usr/bin/env bash
# failover-drill.sh: `make failover-drill` (issue 18).  DRILL_RUNS (1)
# times in a row: a fresh cluster (scripts/cluster.sh start in a mktemp
# directory, free port), scripts/failover_drill.py (voters and readers,
# SIGKILL of the primary, pg_ctl promote of the standby, the checker), the
# cluster stopped and removed.  DRILL_ASYNC=1 runs it with asynchronous
# replication, to show what a failover may lose then.  Summaries in
# var/failover/<timestamp>/<run>/summary.json.
set -uo pipefail
me=failover-drill
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$top" || exit 1
build=$(lib_build)
out=$top/var/failover/$(date +%Y%m%d-%H%M%S)
mkdir -p "$out" || die "cannot create $out"
rc=0
for run in $(seq 1 "${DRILL_RUNS:-1}"); do
	dir=$(mktemp -d -t netdep-cluster.XXXXXX)
	chmod 0755 "$dir"
	port=$(lib_free_port)
	flags=() ok=1
	[ "${DRILL_ASYNC:-0}" != 1 ] || flags=(--async)
	if CLUSTER_ASYNC=${DRILL_ASYNC:-0} PORT=$port NETDEP_BUILD=$build \
	    NETDEP_WORKERS=${NETDEP_WORKERS:-2} \
	    NETDEP_VOTE_RATE_IP=999999r/s NETDEP_VOTE_BURST_IP=100000 \
	    NETDEP_VOTE_RATE_SESSION=999999r/s NETDEP_VOTE_BURST_SESSION=100000 \
	    NETDEP_CONN_PER_IP=60000 \
	    "$top/scripts/cluster.sh" start "$dir" >"$out/cluster-$run.log" 2>&1; then
		$PY "$top/scripts/failover_drill.py" --dir "$dir" \
		    --url "http://127.0.0.1:$port" --admin "$build/netdep-admin" \
		    --out "$out/$run" "${flags[@]}" 2>&1 | tee "$out/drill-$run.log"
		[ "${PIPESTATUS[0]}" -eq 0 ] || ok=0
	else
		tail -n 20 "$out/cluster-$run.log"
		ok=0
	fi
	[ $ok -eq 1 ] || rc=1
	"$top/scripts/cluster.sh" stop "$dir" >>"$out/cluster-$run.log" 2>&1
	cp -a "$dir/a/log" "$out/$run-logs" 2>/dev/null || true
	cp "$dir/s3/s3rver.log" "$out/$run-logs/" 2>/dev/null || true
	rm -rf "$dir"
	say "run $run: $([ $ok -eq 1 ] && echo passed || echo FAILED)"
done
exit $rc
