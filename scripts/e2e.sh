#!/usr/bin/env bash
# e2e.sh: the end-to-end suite against a whole stack of its own: a fresh
# state directory (mktemp -d), its own PostgreSQL cluster built from sql/,
# the server from $NETDEP_BUILD (default build) and nginx on a free port.
# Runs pytest over tests/e2e, then the demo seed as a smoke test, and
# always stops everything and removes the directory.
#   E2E_MODE=normal|asan|valgrind  asan/valgrind also fail on any report in
#                                  the server's logs
#   NETDEP_KEEP=1                  keep the state directory for a post-mortem
#   PYTEST_ARGS                    extra pytest arguments (e.g. "-k vote -x")
set -uo pipefail
me=e2e
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$top" || exit 1
mode=${E2E_MODE:-normal}
build=$(lib_build)

# The stack's state directory is the scratch directory itself.
lib_scratch netdep-e2e NETDEP_KEEP
var=$scratch
port=$(lib_free_port)
logs_shown=0
media_tmpfs=0

show_logs() {
	[ $logs_shown -eq 0 ] || return 0
	logs_shown=1
	for f in netdep.log nginx-error.log postgres.log; do
		[ -s "$var/log/$f" ] || continue
		echo "---- e2e: last lines of $f ----"
		tail -n 40 "$var/log/$f"
	done
}

# Run at exit by lib.sh, after the stack has stopped.
lib_on_exit() {
	[ "$1" -eq 0 ] || show_logs
	[ "$media_tmpfs" -eq 0 ] || umount "$var/media" ||
	    echo "$me: cannot unmount the media tmpfs $var/media" >&2
}

case $mode in
asan)
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:print_summary=1
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	;;
valgrind)
	export NETDEP_WRAPPER="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --track-origins=yes --log-file=$var/log/valgrind.%p.log"
	export NETDEP_START_TIMEOUT=${NETDEP_START_TIMEOUT:-180}
	;;
esac

echo "e2e: stack in $var on port $port ($mode build: $build)"
# Boards kept by the workers refresh only through notifications here, so a
# change that fails to notify fails a test instead of hiding behind the
# one-second age cap of production (tests/e2e/test_board_cache.py).
export NETDEP_BOARD_CACHE_MS=${NETDEP_BOARD_CACHE_MS:-60000}
# The suite plays a TLS proxy on 127.0.0.1 that names clients in
# X-Forwarded-For; every other loopback address is a direct client
# (tests/conftest.py gives each test client one).
export NETDEP_TRUSTED_PROXIES=127.0.0.1/32
# Tests that fill a contest upload up to 30 photos from one account in a
# day; the quota's own tests read this value (tests/e2e/test_disk.py).
export NETDEP_UPLOAD_DAILY_QUOTA=${NETDEP_UPLOAD_DAILY_QUOTA:-40}
# Hundreds of throwaway accounts: hashing them at the interactive cost
# (64 MiB, ~0.1-0.3 s each, twice per account with its log-in) took minutes
# of the suite.  Production keeps the default (tests/unit/test_password.c).
export NETDEP_PASSWORD_OPS=${NETDEP_PASSWORD_OPS:-1} NETDEP_PASSWORD_MEM_KB=${NETDEP_PASSWORD_MEM_KB:-8}
# With hashing that cheap, a brakes test logs in from one address faster
# than nginx's per-address log-in limit (5/s, burst 100) lets a person; the
# application's own brakes are what those tests measure.
export NETDEP_AUTH_RATE_IP=${NETDEP_AUTH_RATE_IP:-50r/s}
# As root, the media tree is a tmpfs of its own, so a test can fill it
# (tests/e2e/test_faults.py shrinks it to what it holds, then gives the
# size back); unmounted at exit, after the stack stopped (its files go
# with it, NETDEP_KEEP=1 or not).
media_tmpfs=0
if [ "$(id -u)" -eq 0 ] && mkdir -p "$var/media" &&
    mount -t tmpfs -o size=4g,mode=0750 netdep-e2e-media "$var/media"; then
	media_tmpfs=1
	export NETDEP_MEDIA_TMPFS=1
fi
lib_stack_start "$var" "$port" "$var/start.log" NETDEP_SEED=0 || exit 1
grep -h "granted o+x" "$var/start.log" || true

testdata=$top/tests/data
export NETDEP_URL=http://127.0.0.1:$port
export NETDEP_DSN="host=$var/pgsock dbname=netdep user=netdep"
export NETDEP_DB="host=$var/pgsock dbname=netdep user=netdep_app"
export NETDEP_MEDIA=$var/media NETDEP_VAR=$var
export NETDEP_ADMIN=$build/netdep-admin
export NETDEP_DEMO_IMAGE=$build/netdep-demo-image
export NETDEP_TESTDATA=${NETDEP_TESTDATA:-$testdata}
export PYTHONDONTWRITEBYTECODE=1

rc=0
verdict="no tests/e2e/test_*.py yet"
if compgen -G "tests/e2e/test_*.py" >/dev/null || compgen -G "tests/browser/test_*.py" >/dev/null; then
	# PYTEST_ARGS is split like a shell command line, quotes included.
	pyargs=()
	eval "pyargs=(${PYTEST_ARGS:-})"
	# E2E_TESTS: what pytest runs (default both suites; `make screenshots`
	# runs browser/screenshots.py alone).
	read -ra suites <<<"${E2E_TESTS:-e2e browser}"
	(cd tests && $PY -m pytest -q "${suites[@]}" "${pyargs[@]}") 2>&1 | tee "$var/pytest.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
	verdict=$(grep -E '^(=+ )?[0-9]+ (passed|failed|error)|no tests ran' "$var/pytest.log" | tail -n 1 | tr -d '=' | sed 's/^ *//; s/ *$//')
fi

# The demo seed is a smoke test of the whole slice through the API.
if [ "${E2E_SEED:-1}" = 1 ]; then
	if NETDEP_URL=$NETDEP_URL NETDEP_DB=$NETDEP_DB NETDEP_VAR=$var \
	    NETDEP_BUILD=$build "$top/scripts/seed-demo.sh" >"$var/seed.log" 2>&1; then
		echo "e2e: demo seed ok ($(grep -c '^seed: uploaded' "$var/seed.log") entries uploaded)"
		verdict="$verdict; demo seed ok"
	else
		tail -n 20 "$var/seed.log"
		echo "e2e: demo seed FAILED"
		verdict="$verdict; demo seed FAILED"
		rc=1
	fi
fi

# Stop before reading the logs: leak reports are written at exit.
"$top/scripts/netdep-ctl" stop "$var" >"$var/stop.log" 2>&1 ||
    { cat "$var/stop.log"; echo "e2e: the stack did not stop cleanly"; rc=1; }
case $mode in
asan)
	# netdep.log* : the rotation test (test_observability.py) moves
	# the log away mid-run; a report before it is in the old file.
	if grep -nE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Undefined|Leak)' \
	    "$var"/log/netdep.log*; then
		echo "e2e: sanitizer reports in the server log (above)"
		rc=1
	fi
	;;
valgrind)
	# With --quiet, valgrind writes only what it found: any output is a
	# finding.
	found=$(find "$var/log" -name 'valgrind.*.log' -size +0c)
	if [ -n "$found" ]; then
		head -n 100 $found
		echo "e2e: valgrind reported errors (above; one log per process)"
		rc=1
	fi
	;;
esac
[ $rc -eq 0 ] || show_logs
if [ $rc -eq 0 ]; then echo "e2e: passed ($verdict)"; else echo "e2e: FAILED ($verdict)"; fi
exit $rc
