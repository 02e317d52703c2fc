#!/usr/bin/env bash
# systemd-verify.sh: installs the units of systemd/ under a temporary
# prefix (scripts/install.sh, UNITS_ONLY=1) and runs `systemd-analyze
# verify` on them.  systemd-analyze exits 0 on unknown keys and bad
# values (it only warns), so any output fails.  Run by `make lint` when
# systemd-analyze is there, and by `make verify-systemd`.
set -uo pipefail
me=systemd-verify
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v systemd-analyze >/dev/null || die "systemd-analyze is missing (Debian: systemd)"
tmp=$(mktemp -d -t netdep-units.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
UNITS_ONLY=1 DESTDIR='' PREFIX=$tmp/usr SYSCONFDIR=$tmp/etc \
    STATEDIR=$tmp/var BACKUPDIR=$tmp/backup UNITDIR=$tmp/units \
    "$top/scripts/install.sh" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log" >&2; die "installing the units failed"; }
units=("$tmp"/units/*.service "$tmp"/units/*.timer)
out=$(cd "$tmp" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify "${units[@]}" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
	sed "s|$tmp/units/|systemd/|g" <<<"$out" >&2
	die "systemd-analyze verify found problems (above)"
fi
say "ok (${#units[@]} units)"
