#!/usr/bin/env bash
# bench_scale.sh: `make bench-scale` (PERF.md "Scale"; not part of make
# test).  A throwaway stack (netdep-ctl, mktemp -d, free port), then
# scripts/bench_scale.py: measurements on a small contest, a generated load
# of SCALE_ENTRIES entries (1,000,000) and SCALE_VOTES votes (50,000,000),
# the same measurements again, and the growth factors in the bench table
# (var/bench/scale.json).  SCALE_SECONDS (10) per wrk/pgbench run.  The
# full load needs tens of GB and a long time: run it in the background, or
# e.g. SCALE_ENTRIES=100000 SCALE_VOTES=5000000 for a smaller one.
set -euo pipefail
me=bench-scale
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# wrk and the rest of the bench tools, installed when missing (as root).
"$top/scripts/deps.sh" bench
lib_scratch netdep-scale BENCH_KEEP
work=$scratch
stack=$work/stack
port=$(lib_free_port)
chmod 755 "$work"
echo "bench-scale: stack in $stack on port $port"
# Boards are read live here (no worker cache): the growth measured is the
# query's, which is what a cache miss costs after every fold.
# The load generator is one address standing for many voters: the
# per-address vote limit is lifted (scripts/bench.sh says why).  No WAL
# archive: 50,000,000 generated votes would copy tens of GB of WAL into
# the scratch directory.
lib_stack_start "$stack" "$port" "$work/start.log" NETDEP_SEED=0 \
    NETDEP_PG_ARCHIVE=0 NETDEP_BOARD_CACHE_MS=0 NETDEP_VOTE_RATE_IP=999999r/s \
    NETDEP_VOTE_BURST_IP=100000
rows=$work/rows.jsonl
PYTHONPATH=$top/scripts "$PY" "$top/scripts/bench_scale.py" \
    --rows "$rows" --url "http://127.0.0.1:$port" \
    --dsn "host=$stack/pgsock dbname=netdep user=netdep" \
    --app-dsn "host=$stack/pgsock dbname=netdep user=netdep_app" \
    --entries "${SCALE_ENTRIES:-1000000}" --votes "${SCALE_VOTES:-50000000}" \
    --voters "${SCALE_VOTERS:-2000}" --duration "${SCALE_SECONDS:-10}" \
    --tmp "$work"
mkdir -p "$top/var/bench"
PYTHONPATH=$top/scripts "$PY" "$top/scripts/bench_report.py" \
    --rows "$rows" --out "$top/var/bench/scale.json"
