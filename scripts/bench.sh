#!/usr/bin/env bash
# bench.sh: `make bench`, the benchmark table (the anchors and goals are
# written down in README.md, "make bench"; the numbers come from this run).
#
# Every anchor is measured again in the same run, side by side with netdep,
# and the table shows ratios: what | netdep | anchor | ratio | goal |
# pass/fail.  It is printed and written as JSON to var/bench/latest.json.
#
#   HTTP   a throwaway stack (netdep-ctl, mktemp -d, free port, no demo
#          seed) filled through the API by scripts/bench_http.py, and a
#          second nginx of the bench's own on another port for the anchors:
#          a 2 KB static JSON file and build/netdep-fcgi-hello (libfcgi,
#          2 and 4 processes).  wrk -t2 -c32 -d10s --latency each.
#   Images scripts/bench_image.py: netdep-thumb against djpeg, vipsthumbnail,
#          ImageMagick and GraphicsMagick on a generated 12 MP and 24 MP
#          JPEG (kept in var/bench/inputs/); PSNR; peak memory.
#
# Environment: BENCH_QUICK=1 (3 s wrk runs, 3 image runs: a smoke test),
# BENCH_SECTIONS ("http image"; "ledger": votes with and without the vote
# ledger, `make bench-ledger`), BENCH_KEEP=1 (keep the work directory),
# BENCH_STRICT=1 (exit 1 when a goal fails; by default only a broken
# measurement fails), NETDEP_BUILD (build), NETDEP_USER (netdep: the
# runtime user when run as root, as for netdep-ctl).
# Leaves nothing running: the stack, the hello servers and the bench nginx
# are stopped on every exit.
set -euo pipefail
set +m

me=bench
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$top"

quick=${BENCH_QUICK:-0}
sections=${BENCH_SECTIONS:-http image}
build=$(lib_build)
NGINX=${NGINX:-/usr/sbin/nginx}
if [ "$quick" = 1 ]; then
	wrk_s=3 warm_s=1 img_runs=3
else
	wrk_s=10 warm_s=2 img_runs=7
fi

# --- tools -------------------------------------------------------------
# The anchors' packages (deps.sh bench), installed when missing (as root);
# without root, what needs a missing one is reported n/a.  `time` is
# /usr/bin/time (peak memory).
"$top/scripts/deps.sh" bench ||
    say "some bench tools are missing; what needs them is n/a" >&2

# --- the runtime user, as netdep-ctl has it --------------------------------
lib_runtime_user
export BENCH_LOAD_START
BENCH_LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# --- work directory and cleanup ----------------------------------------
# At exit lib.sh stops the stack, then lib_on_exit the anchors, then
# removes the directory (BENCH_KEEP=1 keeps it).
lib_scratch netdep-bench BENCH_KEEP
work=$scratch
rows=$work/rows.jsonl
stack=$work/stack
anc=$work/anchor
hello_pids=()
# Idempotent: the bench nginx, then the hello servers.
stop_anchors() {
	local pid
	if [ -s "$anc/run/nginx.pid" ]; then
		pid=$(cat "$anc/run/nginx.pid")
		kill -QUIT "$pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
		rm -f "$anc/run/nginx.pid"
	fi
	# Each hello master stops its workers and removes its socket.
	for pid in "${hello_pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	hello_pids=()
}
lib_on_exit() { stop_anchors; }
# After the HTTP section: nothing of it may run during the image section.
stop_http() {
	stop_anchors
	if [ -d "$stack/run" ]; then
		lib_stack_stop "$stack" || echo "$me: netdep-ctl stop $stack failed" >&2
	fi
}
: >"$rows"

na_row() { # key what reason
	"$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import bench_report as b; b.add_row(sys.argv[2], sys.argv[3], sys.argv[4], na=sys.argv[5])' \
	    "$top/scripts" "$rows" "$1" "$2" "$3"
}

# --- HTTP ----------------------------------------------------------------
# The bench nginx mirrors the stack's http block (worker_processes auto:
# one per CPU, as netdep-ctl renders it; sendfile, keepalive, the same
# access log format) so the anchors pay what netdep's nginx pays.  Its
# upstreams keep no connection: PERF.md's hello world opens one per
# request, where netdep's nginx keeps its connections to the workers.
render_anchor_nginx() { # port hello-counts...
	local port=$1 n
	shift
	cat <<-EOF
	# Written by scripts/bench.sh: the anchors of PERF.md.
	worker_processes auto;
	pid $anc/run/nginx.pid;
	error_log $anc/log/nginx-error.log warn;
	events { worker_connections 1024; }
	http {
		include /etc/nginx/mime.types;
		default_type application/octet-stream;
		server_tokens off;
		sendfile on;
		tcp_nopush on;
		keepalive_timeout 65;
		log_format netdep '\$remote_addr [\$time_iso8601] "\$request" \$status '
		                  '\$body_bytes_sent rt=\$request_time '
		                  'urt=\$upstream_response_time "\$http_user_agent"';
		access_log $anc/log/nginx-access.log netdep;
		client_body_temp_path $anc/tmp/client_body;
		fastcgi_temp_path     $anc/tmp/fastcgi;
		proxy_temp_path       $anc/tmp/proxy;
		uwsgi_temp_path       $anc/tmp/uwsgi;
		scgi_temp_path        $anc/tmp/scgi;
		server {
			listen 127.0.0.1:$port;
			root $anc/www;
			location = /static.json { }
	EOF
	for n in "$@"; do
		cat <<-EOF
			location = /hello$n {
				fastcgi_pass unix:$anc/run/hello$n.sock;
				include /etc/nginx/fastcgi_params;
			}
		EOF
	done
	# Only used when the stack's nginx caches leaderboards and offers no
	# way around the cache: netdep with no cache, same parameters.
	cat <<-EOF
			location /api/ {
				fastcgi_pass unix:$stack/run/netdep.sock;
				include /etc/nginx/fastcgi_params;
				fastcgi_param HTTP_PROXY "";
			}
		}
	}
	EOF
}

# The throwaway stack on port $1.  wrk is one address standing for many
# voters: the per-address vote limit (README, rate limits) would shed all
# but 20 a second and the bench would measure nginx's 429s, so it is
# lifted here.
start_stack() { # port
	say "starting a throwaway stack in $stack on port $1"
	lib_stack_start "$stack" "$1" "$work/stack-start.log" NETDEP_SEED=0 \
	    NETDEP_VOTE_RATE_IP=999999r/s NETDEP_VOTE_BURST_IP=100000
}

http_section() {
	local b why="" port aport w n counts
	for b in netdep netdep-admin netdep-demo-image netdep-fcgi-hello; do
		[ -x "$build/$b" ] || why="$why $build/$b"
	done
	command -v wrk >/dev/null || why="$why wrk"
	if [ -n "$why" ]; then
		na_row http "HTTP section" "missing:$why (make all; apt-get install wrk)"
		return 0
	fi
	read -r port aport < <(lib_free_port 2)
	if ! start_stack "$port"; then
		na_row http "HTTP section" "the stack did not start (see above)"
		return 0
	fi
	# Workers only: the folder (comm netdep-fold) is not one.
	w=$(pgrep -c -x netdep -P "$(cat "$stack/run/netdep.pid")" || true)
	counts=2,4
	case ,$counts, in *,"$w",*) ;; *) counts=$counts,$w ;; esac

	mkdir -p "$anc/run" "$anc/log" "$anc/tmp" "$anc/www"
	# A 2 KB JSON document, like a small API answer.
	"$PY" -c '
import json, sys
doc = {"items": [{"id": i, "title": "Ảnh dự thi số %d" % i, "votes": 900 - i}
                 for i in range(25)], "pad": ""}
doc["pad"] = "x" * (2048 - len(json.dumps(doc, ensure_ascii=False).encode()))
sys.stdout.write(json.dumps(doc, ensure_ascii=False))' >"$anc/www/static.json"
	lib_give -R "$anc"
	for n in ${counts//,/ }; do
		"${as_argv[@]}" setsid "$build/netdep-fcgi-hello" "$anc/run/hello$n.sock" \
		    "$n" "$anc/run/hello$n.pid" </dev/null >>"$anc/log/hello.log" 2>&1 &
		hello_pids+=($!)
		lib_wait_for 10 test -s "$anc/run/hello$n.pid" ||
		    die "netdep-fcgi-hello $n did not come up"
		[ "$(cat "$anc/run/hello$n.pid")" = "${hello_pids[-1]}" ] ||
		    die "netdep-fcgi-hello $n: pid file and launched pid differ"
	done
	# shellcheck disable=SC2086
	render_anchor_nginx "$aport" ${counts//,/ } >"$anc/nginx.conf"
	as "$NGINX" -p "$anc/" -c "$anc/nginx.conf" -e "$anc/log/nginx-error.log" \
	    </dev/null || die "the bench nginx did not start (see $anc/log/nginx-error.log)"
	lib_wait_for 10 curl -sf -o /dev/null "http://127.0.0.1:$aport/static.json" ||
	    die "the bench nginx did not come up"
	for n in ${counts//,/ }; do
		curl -sf -o /dev/null "http://127.0.0.1:$aport/hello$n" ||
		    die "http://127.0.0.1:$aport/hello$n does not answer"
	done
	say "bench nginx on port $aport: static.json ($(stat -c %s "$anc/www/static.json") bytes), FastCGI hello with ${counts} processes; netdep runs $w workers"

	NETDEP_DB=$("$top/scripts/netdep-ctl" env "$stack" | sed -n 's/^NETDEP_DB=//p') \
	PYTHONPATH=$top/scripts "$PY" "$top/scripts/bench_http.py" \
	    --rows "$rows" --url "http://127.0.0.1:$port" \
	    --anchor-url "http://127.0.0.1:$aport" \
	    --access-log "$stack/log/nginx-access.log" \
	    --nginx-conf "$stack/nginx/nginx.conf" \
	    --admin "$build/netdep-admin" --demo-image "$build/netdep-demo-image" \
	    --workers "$w" --hello "$counts" --tmp "$work" \
	    --duration "$wrk_s" --warmup "$warm_s" ||
	    na_row http.error "HTTP section" "bench_http.py failed (see above); rows before it are kept"
	# Votes/s through nginx vs pgbench running the same vote_cast() (issue 4).
	PYTHONPATH=$top/scripts "$PY" "$top/scripts/bench_votes.py" \
	    --rows "$rows" --url "http://127.0.0.1:$port" \
	    --dsn "host=$stack/pgsock dbname=netdep user=netdep" \
	    --app-dsn "host=$stack/pgsock dbname=netdep user=netdep_app" \
	    --duration "$wrk_s" --tmp "$work" --stack "$stack" ||
	    na_row votes.error "vote section" "bench_votes.py failed (see above); rows before it are kept"
}

# --- the ledger's cost (issue 16): not in the default sections ------------
# Votes through nginx with the vote ledger and without it, interleaved on
# one stack (scripts/bench_ledger.py).
ledger_section() {
	local port
	command -v wrk >/dev/null || {
		na_row ledger "ledger section" "missing: wrk"
		return 0
	}
	read -r port < <(lib_free_port 1)
	if ! start_stack "$port"; then
		na_row ledger "ledger section" "the stack did not start (see above)"
		return 0
	fi
	PYTHONPATH=$top/scripts "$PY" "$top/scripts/bench_ledger.py" \
	    --rows "$rows" --url "http://127.0.0.1:$port" \
	    --dsn "host=$stack/pgsock dbname=netdep user=netdep" \
	    --top "$top" --stack "$stack" --duration "$wrk_s" --tmp "$work" ||
	    na_row ledger.error "ledger section" "bench_ledger.py failed (see above)"
}

# --- images ----------------------------------------------------------------
image_section() {
	mkdir -p "$work/img"
	PYTHONPATH=$top/scripts "$PY" "$top/scripts/bench_image.py" \
	    --rows "$rows" --thumb "$build/netdep-thumb" \
	    --inputs "$top/var/bench/inputs" --tmp "$work/img" --top "$top" \
	    --runs "$img_runs" ||
	    na_row image.error "image section" "bench_image.py failed (see above); rows before it are kept"
}

start=$(date +%s)
for s in $sections; do
	case $s in
	http) http_section; stop_http ;;
	ledger) ledger_section; stop_http ;;
	image) image_section ;;
	*) die "unknown section '$s' (http, image, ledger)" ;;
	esac
done
say "measured in $(($(date +%s) - start)) s"
echo
report_args=(--rows "$rows" --out "$top/var/bench/latest.json")
[ "$quick" != 1 ] || report_args+=(--quick)
PYTHONPATH=$top/scripts "$PY" "$top/scripts/bench_report.py" "${report_args[@]}"
