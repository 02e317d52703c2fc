#!/usr/bin/env bash
# s3rver.sh: the S3-compatible test server (s3rver from npm, installed by
# `make s3-tools` into build/s3) as a background service under a directory,
# for scripts/cluster.sh (issue 18; README, Several machines).
#
#   s3rver.sh start [--verify] DIR [PORT]
#                           s3rver on 127.0.0.1:PORT (default: a free
#                           one) with the buckets netdep-priv and netdep-pub,
#                           data in DIR/data, log DIR/s3rver.log, pid
#                           DIR/s3rver.pid, port DIR/port; waits until it
#                           answers.  Started already: nothing to do.
#                           --verify: s3rver checks no SigV4 signature, so
#                           tests/s3/sigv4_proxy.py listens on PORT instead
#                           and checks them with the secret of DIR/secret
#                           before it forwards to s3rver (on a free port,
#                           DIR/s3rver-port); a line a request in
#                           DIR/sigv4.log ("refused ..." when refused).
#   s3rver.sh stop DIR      SIGTERM, then wait until the processes are gone
#   s3rver.sh env DIR       the NETDEP_STORAGE=s3 settings of a server
#                           using it (one KEY=VALUE a line; the secret in
#                           DIR/secret, readable by the runtime user)
set -euo pipefail
me=s3rver
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
usage="usage: s3rver.sh start [--verify] DIR [PORT] | stop DIR | env DIR"
[ $# -ge 2 ] || die "$usage"
cmd=$1 verify=
shift
if [ "$cmd" = start ] && [ "$1" = --verify ]; then
	verify=1
	shift
fi
[ $# -ge 1 ] || die "$usage"
dir=$(mkdir -p "$1" && cd "$1" && pwd)
exe=$top/build/s3/node_modules/.bin/s3rver
priv=netdep-priv pub=netdep-pub

alive() { # [pidfile]
	local pid
	pid=$(cat "${1:-$dir/s3rver.pid}" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}
answers() { curl -s -o /dev/null -m 2 -f "http://127.0.0.1:$(cat "$dir/${1:-port}")/"; }
give_secret() {
	if [ ! -s "$dir/secret" ]; then
		(umask 077; echo S3RVER >"$dir/secret")
		lib_runtime_user
		lib_give "$dir/secret"
	fi
}
stop_pid() { # pidfile
	local pid
	if alive "$1"; then
		pid=$(cat "$1")
		kill "$pid"
		lib_wait_for 60 eval '! kill -0 '"$pid" || kill -9 "$pid" 2>/dev/null || true
	fi
	rm -f "$1"
}

case $cmd in
start)
	[ -x "$exe" ] || die "s3rver not installed (run: make s3-tools)"
	if alive && answers port && { [ -z "$verify" ] || alive "$dir/proxy.pid"; }; then
		say "running already (port $(cat "$dir/port"))"
		exit 0
	fi
	port=${2:-$(lib_free_port 1)}
	echo "$port" >"$dir/port"
	sport=$port
	if [ -n "$verify" ]; then
		sport=$(cat "$dir/s3rver-port" 2>/dev/null || lib_free_port 1)
		echo "$sport" >"$dir/s3rver-port"
	fi
	mkdir -p "$dir/data"
	# s3rver 3.7.1 makes a listing's continuation token with a cipher
	# Node's OpenSSL 3 disables by default: without the legacy provider a
	# listing longer than a page (the sweep's: 64 keys) is a 500.
	NODE_OPTIONS="--openssl-legacy-provider${NODE_OPTIONS:+ $NODE_OPTIONS}" \
	    setsid "$exe" -d "$dir/data" -a 127.0.0.1 -p "$sport" \
	    --no-vhost-buckets --configure-bucket "$priv" \
	    --configure-bucket "$pub" \
	    </dev/null >>"$dir/s3rver.log" 2>&1 &
	echo $! >"$dir/s3rver.pid"
	lib_wait_for 120 answers "$([ -n "$verify" ] && echo s3rver-port || echo port)" || {
		tail -n 20 "$dir/s3rver.log" >&2
		die "s3rver did not answer on port $sport"
	}
	if [ -n "$verify" ]; then
		give_secret
		setsid "$PY" "$top/tests/s3/sigv4_proxy.py" --port "$port" \
		    --upstream "http://127.0.0.1:$sport" \
		    --secret-file "$dir/secret" --public-bucket "$pub" \
		    --log "$dir/sigv4.log" \
		    </dev/null >>"$dir/sigv4-proxy.log" 2>&1 &
		echo $! >"$dir/proxy.pid"
		lib_wait_for 60 answers port || {
			tail -n 20 "$dir/sigv4-proxy.log" >&2
			die "the SigV4 proxy did not answer on port $port"
		}
		say "SigV4 proxy on port $port in front of s3rver (log $dir/sigv4.log)"
	fi
	say "s3rver running on http://127.0.0.1:$port (log $dir/s3rver.log)"
	;;
stop)
	stop_pid "$dir/proxy.pid"
	stop_pid "$dir/s3rver.pid"
	;;
env)
	[ -s "$dir/port" ] || die "not started in $dir"
	give_secret
	echo "NETDEP_STORAGE=s3"
	echo "NETDEP_S3_ENDPOINT=http://127.0.0.1:$(cat "$dir/port")"
	echo "NETDEP_S3_BUCKET=$priv"
	echo "NETDEP_S3_PUBLIC_BUCKET=$pub"
	echo "NETDEP_S3_ACCESS_KEY_ID=S3RVER"
	echo "NETDEP_S3_SECRET_FILE=$dir/secret"
	;;
*) die "unknown command '$cmd' (start, stop, env)" ;;
esac
