#!/usr/bin/env bash
# soak.sh: `make soak` (issue 14), not part of `make test`.  A throwaway
# stack (netdep-ctl, mktemp -d, free port), then scripts/soak.py: mixed
# traffic (votes, anonymous and logged-in leaderboards, reads, uploads)
# for SOAK_MINUTES (30), sampling each worker's RSS and descriptors;
# fails when they grow by more than SOAK_GROW_PCT (5) after the warm-up,
# or when the p99 latency drifts by more than SOAK_DRIFT_PCT (50).
# Samples and summary in var/soak/<timestamp>/ (and var/soak/latest).
#
# Environment: SOAK_MINUTES, SOAK_CLIENTS (16), SOAK_GROW_PCT,
# SOAK_DRIFT_PCT, SOAK_KEEP=1 (keep the stack's directory), NETDEP_BUILD.
set -uo pipefail
me=soak
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$top" || exit 1
build=$(lib_build)
for b in netdep netdep-demo-image; do
	[ -x "$build/$b" ] || die "$build/$b is missing (make all)"
done

stamp=$(date +%Y%m%d-%H%M%S)
out=$top/var/soak/$stamp
mkdir -p "$out" || die "cannot create $out"
ln -sfn "$stamp" "$top/var/soak/latest"

lib_scratch netdep-soak SOAK_KEEP
stack=$scratch/stack
port=$(lib_free_port)
lib_on_exit() {
	mkdir -p "$out/stack-logs"
	cp -a "$stack/log/." "$out/stack-logs/" 2>/dev/null || true
	[ "$1" -eq 0 ] || say "FAILED; samples and logs in $out"
}
say "stack in $stack on port $port"
# One address stands for every client (as in make bench).
lib_stack_start "$stack" "$port" "$out/stack-start.log" NETDEP_SEED=0 \
    NETDEP_VOTE_RATE_IP=999999r/s NETDEP_VOTE_BURST_IP=100000 \
    NETDEP_VOTE_RATE_SESSION=999999r/s NETDEP_VOTE_BURST_SESSION=100000 \
    NETDEP_CONN_PER_IP=60000 NETDEP_UPLOAD_DAILY_QUOTA=10000 || exit 1

PYTHONPATH=$top/scripts $PY "$top/scripts/soak.py" \
    --url "http://127.0.0.1:$port" --var "$stack" \
    --dsn "host=$stack/pgsock dbname=netdep user=netdep" \
    --demo-image "$build/netdep-demo-image" --out "$out" \
    --minutes "${SOAK_MINUTES:-30}" --clients "${SOAK_CLIENTS:-16}" \
    --grow "${SOAK_GROW_PCT:-5}" --drift "${SOAK_DRIFT_PCT:-50}" 2>&1 |
    tee "$out/soak.log"
exit "${PIPESTATUS[0]}"
