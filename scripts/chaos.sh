#!/usr/bin/env bash
# chaos.sh: `make chaos` (issue 14), not part of `make test`.  A throwaway
# stack (netdep-ctl, mktemp -d, free port) whose media root is a small
# tmpfs made for the run (CHAOS_MEDIA_MB, 256), then scripts/chaos.py:
# 32 clients voting (Idempotency-Key, retried until a final answer),
# uploading and reading leaderboards while a nemesis kills PostgreSQL,
# workers, the master, reloads and restarts nginx, pauses PostgreSQL and
# fills the media disk; then a checker compares the history with the
# database.  The history, the faults and the summary land in
# var/chaos/<timestamp>/ (and var/chaos/latest); exits 1 on any lost,
# duplicated or phantom vote or upload (chaos.py says what else).
#
# Environment: CHAOS_SECONDS (300), CHAOS_CLIENTS (32), CHAOS_GAP (seconds
# between faults, 12), CHAOS_SEED, CHAOS_KEEP=1 (keep the stack's
# directory), NETDEP_BUILD (build).  Must run as root (the tmpfs).
set -uo pipefail
me=chaos
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$top" || exit 1
build=$(lib_build)
[ "$(id -u)" -eq 0 ] || die "run as root: the media disk is a tmpfs mounted for the run"
for b in netdep netdep-admin netdep-demo-image; do
	[ -x "$build/$b" ] || die "$build/$b is missing (make all)"
done

stamp=$(date +%Y%m%d-%H%M%S)
out=$top/var/chaos/$stamp
mkdir -p "$out" || die "cannot create $out"
ln -sfn "$stamp" "$top/var/chaos/latest"

lib_scratch netdep-chaos CHAOS_KEEP
stack=$scratch/stack
port=$(lib_free_port)
mounted=0
lib_on_exit() {
	mkdir -p "$out/stack-logs"
	cp -a "$stack/log/." "$out/stack-logs/" 2>/dev/null || true
	[ "$mounted" -eq 0 ] || umount "$stack/media" ||
	    echo "$me: cannot unmount $stack/media" >&2
	[ "$1" -eq 0 ] || say "FAILED; history and logs in $out"
}

mkdir -p "$stack/media"
mount -t tmpfs -o "size=${CHAOS_MEDIA_MB:-256}m,mode=0750" netdep-chaos-media "$stack/media" ||
    die "cannot mount a tmpfs on $stack/media"
mounted=1
say "stack in $stack on port $port; media on a ${CHAOS_MEDIA_MB:-256} MB tmpfs"
# One address stands for every client: the per-address limits would
# shed the load (as in make bench).  Uploads: no daily quota in the way.
if ! lib_stack_start "$stack" "$port" "$out/stack-start.log" NETDEP_SEED=0 \
    NETDEP_VOTE_RATE_IP=999999r/s NETDEP_VOTE_BURST_IP=100000 \
    NETDEP_VOTE_RATE_SESSION=999999r/s NETDEP_VOTE_BURST_SESSION=100000 \
    NETDEP_CONN_PER_IP=60000 NETDEP_UPLOAD_DAILY_QUOTA=10000; then
	exit 1
fi
# The restarts the nemesis makes (netdep-start, nginx-start) must see
# the same settings: export them for its netdep-ctl calls.
export NETDEP_VOTE_RATE_IP=999999r/s NETDEP_VOTE_BURST_IP=100000 \
    NETDEP_VOTE_RATE_SESSION=999999r/s NETDEP_VOTE_BURST_SESSION=100000 \
    NETDEP_CONN_PER_IP=60000 NETDEP_UPLOAD_DAILY_QUOTA=10000 \
    NETDEP_BUILD=$build

$PY "$top/scripts/chaos.py" --url "http://127.0.0.1:$port" --var "$stack" \
    --media "$stack/media" \
    --dsn "host=$stack/pgsock dbname=netdep user=netdep" \
    --app-dsn "host=$stack/pgsock dbname=netdep user=netdep_app" \
    --admin "$build/netdep-admin" \
    --ctl "$top/scripts/netdep-ctl" --demo-image "$build/netdep-demo-image" \
    --out "$out" --seconds "${CHAOS_SECONDS:-300}" \
    --clients "${CHAOS_CLIENTS:-32}" --gap "${CHAOS_GAP:-12}" \
    ${CHAOS_SEED:+--seed "$CHAOS_SEED"} 2>&1 | tee "$out/chaos.log"
rc=${PIPESTATUS[0]}
exit "$rc"
