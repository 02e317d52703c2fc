#!/usr/bin/env bash
# s3rver.sh: the S3-compatible test server (s3rver from npm, installed by
# `make s3-tools` into build/s3) as a background service under a directory,
# for scripts/cluster.sh (issue 18; README, Several machines).
#
#   s3rver.sh start DIR [PORT]  s3rver on 127.0.0.1:PORT (default: a free
#                           one) with the buckets netdep-priv and netdep-pub,
#                           data in DIR/data, log DIR/s3rver.log, pid
#                           DIR/s3rver.pid, port DIR/port; waits until it
#                           answers.  Started already: nothing to do.
#   s3rver.sh stop DIR      SIGTERM, then wait until the process is gone
#   s3rver.sh env DIR       the NETDEP_STORAGE=s3 settings of a server
#                           using it (one KEY=VALUE a line; the secret in
#                           DIR/secret, readable by the runtime user)
set -euo pipefail
me=s3rver
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -ge 2 ] || die "usage: s3rver.sh start DIR [PORT] | stop DIR | env DIR"
cmd=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
exe=$top/build/s3/node_modules/.bin/s3rver
priv=netdep-priv pub=netdep-pub

alive() {
	local pid
	pid=$(cat "$dir/s3rver.pid" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}
answers() { curl -s -o /dev/null -m 2 -f "http://127.0.0.1:$(cat "$dir/port")/"; }

case $cmd in
start)
	[ -x "$exe" ] || die "s3rver not installed (run: make s3-tools)"
	if alive && answers; then
		say "running already (port $(cat "$dir/port"))"
		exit 0
	fi
	port=${3:-$(lib_free_port)}
	echo "$port" >"$dir/port"
	mkdir -p "$dir/data"
	# s3rver 3.7.1 makes a listing's continuation token with a cipher
	# Node's OpenSSL 3 disables by default: without the legacy provider a
	# listing longer than a page (the sweep's: 64 keys) is a 500.
	NODE_OPTIONS="--openssl-legacy-provider${NODE_OPTIONS:+ $NODE_OPTIONS}" \
	    setsid "$exe" -d "$dir/data" -a 127.0.0.1 -p "$port" \
	    --no-vhost-buckets --configure-bucket "$priv" \
	    --configure-bucket "$pub" \
	    </dev/null >>"$dir/s3rver.log" 2>&1 &
	echo $! >"$dir/s3rver.pid"
	lib_wait_for 120 answers || {
		tail -n 20 "$dir/s3rver.log" >&2
		die "s3rver did not answer on port $port"
	}
	say "s3rver running on http://127.0.0.1:$port (log $dir/s3rver.log)"
	;;
stop)
	if alive; then
		pid=$(cat "$dir/s3rver.pid")
		kill "$pid"
		lib_wait_for 60 eval '! kill -0 '"$pid" || kill -9 "$pid" 2>/dev/null || true
	fi
	rm -f "$dir/s3rver.pid"
	;;
env)
	[ -s "$dir/port" ] || die "not started in $dir"
	if [ ! -s "$dir/secret" ]; then
		(umask 077; echo S3RVER >"$dir/secret")
		lib_runtime_user
		lib_give "$dir/secret"
	fi
	echo "NETDEP_STORAGE=s3"
	echo "NETDEP_S3_ENDPOINT=http://127.0.0.1:$(cat "$dir/port")"
	echo "NETDEP_S3_BUCKET=$priv"
	echo "NETDEP_S3_PUBLIC_BUCKET=$pub"
	echo "NETDEP_S3_ACCESS_KEY_ID=S3RVER"
	echo "NETDEP_S3_SECRET_FILE=$dir/secret"
	;;
*) die "unknown command '$cmd' (start, stop, env)" ;;
esac
