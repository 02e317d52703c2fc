#!/usr/bin/env bash
# install.sh: `make install`: places the built binaries, static files,
# SQL, the nginx template and netdep-ctl under PREFIX/lib/netdep (the
# layout of a checkout, so netdep-ctl finds everything as it does here),
# wrappers in PREFIX/bin and PREFIX/sbin, the systemd units of systemd/
# in UNITDIR, and /etc/netdep/netdep.env and netdep.conf (once: never
# overwritten).  DESTDIR is prepended to every path written, never to the
# paths written into the units.
# Environment (from the Makefile): DESTDIR, PREFIX (/usr/local),
# SYSCONFDIR (/etc/netdep), STATEDIR (/var/lib/netdep: netdep-ctl's VAR),
# BACKUPDIR (/var/backups/netdep), UNITDIR (PREFIX/lib/systemd/system),
# PGBIN, NGINX, NETDEP_BUILD (build); UNITS_ONLY=1 skips the binaries
# (scripts/systemd-verify.sh).
set -euo pipefail
me=install
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$top"

dest=${DESTDIR:-}
prefix=${PREFIX:-/usr/local}
sysconf=${SYSCONFDIR:-/etc/netdep}
state=${STATEDIR:-/var/lib/netdep}
backup=${BACKUPDIR:-/var/backups/netdep}
unitdir=${UNITDIR:-$prefix/lib/systemd/system}
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}
nginx=${NGINX:-/usr/sbin/nginx}
build=$(lib_build)
lib=$prefix/lib/netdep

for p in "$prefix" "$sysconf" "$state" "$backup" "$unitdir" "$pgbin" "$nginx"; do
	case $p in /*) ;; *) die "$p is not an absolute path" ;; esac
	[[ $p != *[\|\&\;\ \'\"\\\$]* ]] || die "$p holds a character a unit file or sed cannot take"
done
bins=()
for b in netdep netdep-admin netdep-thumb netdep-demo-image; do
	[ "${UNITS_ONLY:-0}" = 0 ] || break
	[ -x "$build/$b" ] || die "$build/$b is missing: run make all first"
	bins+=("$build/$b")
done

install -d "$dest$lib/build" "$dest$lib/scripts" "$dest$prefix/bin" \
    "$dest$prefix/sbin" "$dest$unitdir" "$dest$sysconf"
[ ${#bins[@]} -eq 0 ] || install -m 0755 "${bins[@]}" "$dest$lib/build/"
install -m 0755 scripts/netdep-ctl scripts/migrate.sh scripts/seed-demo.sh \
    "$dest$lib/scripts/"
install -m 0644 scripts/lib.sh "$dest$lib/scripts/"
install -m 0644 README.md "$dest$lib/"
# static/, sql/, nginx/ whole; a file gone from the checkout goes here too.
for d in static sql nginx; do
	rm -rf "$dest$lib/$d.new"
	cp -R "$d" "$dest$lib/$d.new"
	chmod -R u=rwX,go=rX "$dest$lib/$d.new"
	rm -rf "${dest}${lib:?}/$d"
	mv "$dest$lib/$d.new" "$dest$lib/$d"
done

# The fingerprinted static files nginx serves (make all: build/static).
if [ "${UNITS_ONLY:-0}" = 0 ]; then
	[ -f "$build/static/index.html" ] || die "$build/static is missing: run make all first"
	rm -rf "$dest$lib/build/static.new"
	cp -R "$build/static" "$dest$lib/build/static.new"
	chmod -R u=rwX,go=rX "$dest$lib/build/static.new"
	rm -rf "${dest}${lib:?}/build/static"
	mv "$dest$lib/build/static.new" "$dest$lib/build/static"
fi

wrapper() { # name target
	printf '#!/bin/sh\nexec %s "$@"\n' "$2" >"$1.new"
	chmod 0755 "$1.new"
	mv "$1.new" "$1"
}
wrapper "$dest$prefix/sbin/netdep-ctl" "$lib/scripts/netdep-ctl"
wrapper "$dest$prefix/bin/netdep-admin" "$lib/build/netdep-admin"

fill() { # template output mode
	sed -e "s|@VAR@|$state|g" -e "s|@LIBDIR@|$lib|g" \
	    -e "s|@SYSCONFDIR@|$sysconf|g" -e "s|@BACKUPDIR@|$backup|g" \
	    -e "s|@PGBIN@|$pgbin|g" -e "s|@NGINX@|$nginx|g" "$1" >"$2.new"
	! grep -n '@[A-Z]*@' "$2.new" || die "unfilled placeholder in $1"
	chmod "$3" "$2.new"
	mv "$2.new" "$2"
}
for u in systemd/*.service systemd/*.timer; do
	fill "$u" "$dest$unitdir/$(basename "$u")" 0644
done
# The units run as these users; a package (DESTDIR) makes them itself.
group=""
if [ -z "$dest" ] && [ "$(id -u)" -eq 0 ] && [ "${UNITS_ONLY:-0}" = 0 ]; then
	lib_system_user "${NETDEP_USER:-netdep}"
	lib_system_user "${NETDEP_PG_USER:-netdep-pg}"
	group=$(id -gn "${NETDEP_USER:-netdep}")
fi
for f in netdep.env netdep.conf; do
	if [ -e "$dest$sysconf/$f" ]; then
		say "kept $dest$sysconf/$f"
	else
		fill "systemd/$f.in" "$dest$sysconf/$f" 0640
		say "wrote $dest$sysconf/$f: edit it (README, Running it for real)"
	fi
	# Readable by the server's group, not by everyone.
	[ -z "$group" ] || chgrp "$group" "$dest$sysconf/$f"
done
say "installed under $dest$prefix; units in $dest$unitdir"
[ -n "$dest" ] || [ "$(id -u)" -ne 0 ] || ! command -v systemctl >/dev/null ||
    say "next: systemctl daemon-reload && systemctl enable --now netdep-postgresql netdep netdep-nginx netdep-backup.timer netdep-backup-media.timer"
