#!/usr/bin/env bash
# bench-cluster.sh: `make bench-cluster` (issue 18; README, Sizing).  Not
# part of make test.  On one machine, with make bench's load (wrk -t2
# -c32; scripts/bench_cluster.py):
#   one machine      a plain stack (netdep-ctl): gallery reads/s, votes/s
#   1 standby, sync  scripts/cluster.sh (two masters, remote_apply):
#                    reads/s (from the standby), votes/s
#   1 standby, async the same cluster, synchronous_standby_names '': votes/s
#   2 standbys       a second standby, each master reading from its own:
#                    reads/s
# Prints the table and writes it to var/bench/cluster.md.  On one machine
# every piece shares the same cores, so these numbers show the cost of
# replication more than the gain of more machines (README, Sizing).
# Environment: BENCH_DURATION (10 s per run), NETDEP_BUILD.
set -uo pipefail
me=bench-cluster
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$top" || exit 1
build=$(lib_build)
mkdir -p "$top/var/bench"
rows=$top/var/bench/cluster.jsonl
: >"$rows"
lib_scratch netdep-bench-cluster BENCH_KEEP
dur=${BENCH_DURATION:-10}
limits=(NETDEP_VOTE_RATE_IP=999999r/s NETDEP_VOTE_BURST_IP=100000
	NETDEP_VOTE_RATE_SESSION=999999r/s NETDEP_VOTE_BURST_SESSION=100000
	NETDEP_CONN_PER_IP=60000 NETDEP_BOARD_CACHE_MS=1000)
cluster=$scratch/cluster
lib_on_exit() { "$top/scripts/cluster.sh" stop "$cluster" >/dev/null 2>&1 || true; }
measure() { # url sock label what offset
	$PY "$top/scripts/bench_cluster.py" --url "$1" \
	    --dsn "host=$2 port=${6:-5432} dbname=netdep user=netdep" --rows "$rows" \
	    --label "$3" --measure "$4" --offset "$5" --duration "$dur"
}

port=$(lib_free_port)
lib_stack_start "$scratch/one" "$port" "$scratch/one.log" NETDEP_SEED=0 "${limits[@]}" || exit 1
measure "http://127.0.0.1:$port" "$scratch/one/pgsock" "one machine" both 0
lib_stack_stop "$scratch/one"

port=$(lib_free_port)
mkdir -p "$cluster" && chmod 0755 "$scratch" "$cluster"
env "${limits[@]}" PORT="$port" NETDEP_BUILD="$build" \
    "$top/scripts/cluster.sh" start "$cluster" >"$scratch/cluster.log" 2>&1 ||
    { tail -n 20 "$scratch/cluster.log"; exit 1; }
url=http://127.0.0.1:$port sock=$cluster/a/pgsock
measure "$url" "$sock" "1 standby, synchronous (remote_apply)" both 0
CLUSTER_ASYNC=1 "$top/scripts/cluster.sh" replication "$cluster"
measure "$url" "$sock" "1 standby, asynchronous" votes 1
CLUSTER_ASYNC=0 "$top/scripts/cluster.sh" replication "$cluster"
env "${limits[@]}" NETDEP_BUILD="$build" "$top/scripts/cluster.sh" second-standby "$cluster" >>"$scratch/cluster.log" 2>&1 ||
    { tail -n 20 "$scratch/cluster.log"; exit 1; }
measure "$url" "$sock" "2 standbys (one per master)" reads 2

$PY - "$rows" <<'PYEOF' | tee "$top/var/bench/cluster.md"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
labels = list(dict.fromkeys(r["label"] for r in rows))
print("| setup (one 2-core machine) | gallery reads/s | votes/s |")
print("|---|---:|---:|")
for lab in labels:
    cell = {}
    for r in rows:
        if r["label"] == lab:
            v = r["value"]
            cell[r["what"]] = ("%.0f (p99 %.1f ms)" % (v, r["p99_ms"])
                               if v is not None else "failed: " + r["note"])
    print(f"| {lab} | {cell.get('reads/s', '-')} | {cell.get('votes/s', '-')} |")
PYEOF
