#!/usr/bin/env bash
# deps.sh: installs the Debian packages netdep needs, and only those missing.
# Idempotent and fast when everything is there (one dpkg-query); otherwise
# one `apt-get update` and one `apt-get install`.  Groups: base (build, run,
# test), valgrind, bench.  Usage: scripts/deps.sh [GROUP...]
set -euo pipefail

base=(
	build-essential make pkg-config clang clang-format
	libfcgi-dev libpq-dev libgd-dev libsodium-dev libjansson-dev
	libexif-dev libjpeg62-turbo-dev libwebp-dev libpng-dev
	postgresql-15 postgresql-client-15 nginx
	curl jq fonts-dejavu-core util-linux passwd
	python3 python3-pytest python3-requests python3-psycopg2
	libimage-exiftool-perl libjpeg-turbo-progs
	chromium chromium-driver python3-selenium
)
valgrind=(valgrind)
bench=(wrk libvips-tools imagemagick graphicsmagick libjpeg-turbo-progs time)

[ $# -gt 0 ] || set -- base
want=()
for group in "$@"; do
	case $group in
	base) want+=("${base[@]}") ;;
	valgrind) want+=("${valgrind[@]}") ;;
	bench) want+=("${bench[@]}") ;;
	*) echo "deps: unknown group '$group' (base, valgrind, bench)" >&2; exit 2 ;;
	esac
done

missing=()
status=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${want[@]}" 2>/dev/null || true)
for p in "${want[@]}"; do
	grep -q "^$p ii" <<<"$status" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "deps: missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi

# Debian starts services from postinst scripts (nginx on port 80, a "main"
# PostgreSQL cluster).  netdep never uses them, and on a machine without
# an init system the start attempts fail noisily, so forbid them for the
# duration of the install unless the machine already has a policy.
policy=/usr/sbin/policy-rc.d
added_policy=
if [ ! -e $policy ]; then
	printf '#!/bin/sh\nexit 101\n' >$policy
	chmod 755 $policy
	added_policy=1
fi
cleanup() { [ -z "$added_policy" ] || rm -f $policy; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "deps: installed ${missing[*]}"
