# lib.sh: what netdep's scripts share, sourced by them (not run):
#   me=name; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Each script sets `me` (its name in messages) before sourcing it.
# Defines: top (the checkout), PY, say, die, lib_build (NETDEP_BUILD as an
# absolute path), lib_free_port, lib_wait_for, lib_healthy; Debian
# packages: lib_pkgs_missing, lib_pkgs_install; the runtime users:
# lib_runtime_user (ruser, as_argv, pguser, as_pg_argv), as, as_pg,
# lib_give, lib_ensure_reachable;
# throwaway stacks: lib_scratch, lib_stack_start, lib_stack_stop.

# shellcheck shell=bash
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${PY:-/usr/bin/python3}
me=${me:-netdep}

say() { echo "$me: $*"; }
die() { echo "$me: $*" >&2; exit 1; }

# The build directory the scripts use, absolute: NETDEP_BUILD or build/.
lib_build() {
	local b=${NETDEP_BUILD:-build}
	case $b in /*) echo "$b" ;; *) echo "$top/$b" ;; esac
}

# N (default 1) distinct TCP ports on 127.0.0.1 that are free now, on one
# line.
lib_free_port() {
	"$PY" -c '
import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "${1:-1}"
}

# lib_wait_for SECONDS CMD...: runs CMD (in this shell) every 0.1 s until
# it succeeds (returns 0) or SECONDS have passed (returns 1), however long
# CMD itself takes.  CMD's stderr is dropped.
lib_wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" 2>/dev/null; do
		[ "$SECONDS" -le "$deadline" ] || return 1
		sleep 0.1
	done
}

# True when the site at URL (http://127.0.0.1:PORT) answers 200 on
# /api/v1/health; the status seen is left in lib_health_code.
lib_healthy() {
	lib_health_code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' \
	    "$1/api/v1/health" || true)
	[ "$lib_health_code" = 200 ]
}

# Prints the Debian packages of "$@" that are not installed (one
# dpkg-query whatever their number).
lib_pkgs_missing() {
	local status p
	status=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" 2>/dev/null || true)
	for p in "$@"; do
		grep -q "^$p ii" <<<"$status" || echo "$p"
	done
}

# Installs the packages of "$@" that are missing: nothing when all are
# there; as root one `apt-get update` and one `apt-get install`, with
# Debian's service starts forbidden meanwhile (netdep never uses the
# system nginx or PostgreSQL, and without an init system their start
# attempts fail noisily); otherwise says what to run and fails.
lib_pkgs_install() {
	local missing policy=/usr/sbin/policy-rc.d added=
	mapfile -t missing < <(lib_pkgs_missing "$@")
	[ ${#missing[@]} -gt 0 ] || return 0
	say "missing Debian packages: ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "$me: run as root:" >&2
		echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
		return 1
	fi
	if [ ! -e $policy ]; then
		printf '#!/bin/sh\nexit 101\n' >$policy
		chmod 755 $policy
		added=1
	fi
	local rc=0
	DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	        --no-install-recommends "${missing[@]}" || rc=$?
	[ -z "$added" ] || rm -f $policy
	[ $rc -eq 0 ] && say "installed ${missing[*]}"
	return $rc
}

# --- the runtime users -----------------------------------------------------
# PostgreSQL refuses to run as root, and the workers should not either:
# as root the workers and nginx run as the system user NETDEP_USER
# (netdep) and PostgreSQL as another one, NETDEP_PG_USER (netdep-pg), both
# created when missing, so a worker (which parses uploads) can neither
# read nor write the cluster's files; otherwise everything runs as the
# caller.  Sets ruser, as_argv, pguser and as_pg_argv.
lib_system_user() { # name
	id -u "$1" >/dev/null 2>&1 && return 0
	useradd --system --no-create-home --home-dir /nonexistent \
	    --shell /usr/sbin/nologin "$1"
	say "created system user $1"
}

lib_runtime_user() {
	if [ "$(id -u)" -eq 0 ]; then
		ruser=${NETDEP_USER:-netdep}
		pguser=${NETDEP_PG_USER:-netdep-pg}
		[ "$ruser" != "$pguser" ] ||
		    die "NETDEP_USER and NETDEP_PG_USER must differ (both $ruser)"
		lib_system_user "$ruser"
		lib_system_user "$pguser"
		as_argv=(setpriv --reuid="$ruser" --regid="$ruser" --init-groups --)
		as_pg_argv=(setpriv --reuid="$pguser" --regid="$pguser" --init-groups --)
	else
		ruser=$(id -un)
		pguser=$ruser
		as_argv=()
		as_pg_argv=()
	fi
}

# as CMD...: runs CMD as the runtime user.  Descriptor 9 is netdep-ctl's
# lock: no child may inherit it.
as() { "${as_argv[@]}" "$@" 9>&-; }
# as_pg CMD...: the same as PostgreSQL's user.
as_pg() { "${as_pg_argv[@]}" "$@" 9>&-; }

# lib_give [-R] PATH...: hands PATHs to the runtime user (only root has
# anything to hand over).
lib_give() {
	local opt=()
	[ "$(id -u)" -eq 0 ] || return 0
	[ "${1:-}" != -R ] || { opt=(-R); shift; }
	chown "${opt[@]}" "$ruser:" "$@"
}

# The runtime user must be able to reach the checkout (static/, sql/,
# build/) and the state directories, PostgreSQL's user the state
# directory.  A fresh clone may sit below a 0700 directory (CI uses
# mktemp -d): grant search (o+x) on exactly the ancestors of TARGET that
# lack it for USER (default the runtime user).
lib_ensure_reachable() {
	local target=$1 user=${2:-$ruser} d="" part parts
	[ "$(id -u)" -eq 0 ] || return 0
	IFS=/ read -ra parts <<<"${target#/}"
	for part in "${parts[@]}"; do
		d=$d/$part
		if ! setpriv --reuid="$user" --regid="$user" --init-groups -- test -x "$d"; then
			chmod o+x "$d"
			say "granted o+x on $d so that user $user can reach $target"
		fi
	done
}

# --- throwaway stacks -----------------------------------------------------
# lib_scratch PREFIX KEEPVAR: a fresh directory (mktemp -d) in $scratch,
# and the script's EXIT trap: whatever happens, every stack lib_stack_start
# started is stopped, then the script's lib_on_exit runs if it defines one
# (given the exit status), then the directory is removed, or kept and
# named when the variable KEEPVAR is 1.  The exit status is kept; INT and
# TERM exit 130.
lib_stacks=()
lib_scratch() {
	scratch=$(mktemp -d -t "$1.XXXXXX")
	lib_keepvar=$2
	trap lib_exit EXIT
	trap 'exit 130' INT TERM
}

lib_exit() {
	local rc=$? d
	trap - EXIT INT TERM
	for d in "${lib_stacks[@]}"; do
		lib_stack_stop "$d" ||
		    echo "$me: stopping the stack in $d reported a problem" >&2
	done
	if declare -F lib_on_exit >/dev/null; then
		lib_on_exit "$rc" || true
	fi
	if [ "${!lib_keepvar:-0}" = 1 ]; then
		say "state kept in $scratch ($lib_keepvar=1)"
	else
		rm -rf "$scratch"
	fi
	exit "$rc"
}

# Starts a throwaway stack (netdep-ctl start) in DIR on PORT, its output
# in LOG; extra VAR=value words are passed to netdep-ctl's environment
# (e.g. NETDEP_SEED=0).  Shows the log's tail and fails when it does not
# start.  The stack is stopped at exit (lib_scratch), even half-started.
lib_stack_start() {
	local dir=$1 port=$2 log=$3
	shift 3
	lib_stacks+=("$dir")
	env "$@" PORT="$port" NETDEP_BUILD="$(lib_build)" \
	    "$top/scripts/netdep-ctl" start "$dir" >"$log" 2>&1 && return 0
	tail -n 30 "$log" >&2
	echo "$me: the stack in $dir did not start (log: $log)" >&2
	return 1
}

# Stops the stack in DIR (quietly; fine when it is not running).
lib_stack_stop() {
	"$top/scripts/netdep-ctl" stop "$1" >/dev/null 2>&1
}
