# lib.sh: what netdep's scripts share, sourced by them (not run):
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Each script sets `me` (its name in messages) before using say/die.
# Defines: top (the checkout), PY, lib_build (NETDEP_BUILD as an absolute
# path), say, die, lib_free_port, lib_pkgs_missing, lib_pkgs_install,
# lib_stack_start, lib_stack_stop.

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

# A TCP port on 127.0.0.1 that is free now.
lib_free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
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

# Starts a throwaway stack (netdep-ctl start) in DIR on PORT, its output
# in LOG; extra VAR=value words are passed to netdep-ctl's environment
# (e.g. NETDEP_SEED=0).  Shows the log's tail and fails when it does not
# start.  The caller stops it with lib_stack_stop from its EXIT trap.
lib_stack_start() {
	local dir=$1 port=$2 log=$3
	shift 3
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
