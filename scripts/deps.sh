#!/usr/bin/env bash
# deps.sh: installs the Debian packages netdep needs, and only those missing.
# Idempotent and fast when everything is there (one dpkg-query); otherwise
# one `apt-get update` and one `apt-get install` (lib.sh).  Groups: base
# (build, run, test), valgrind, bench, security (the attack tools of
# `make security`, never installed by `make test`).
# Usage: scripts/deps.sh [GROUP...]
set -euo pipefail
me=deps
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

base=(
	build-essential make pkg-config clang clang-format
	libfcgi-dev libpq-dev libgd-dev libsodium-dev libjansson-dev
	libexif-dev libjpeg62-turbo-dev libwebp-dev libpng-dev libseccomp-dev
	libunistring-dev
	libheif-dev libheif1 libde265-0 libdav1d6
	postgresql-15 postgresql-client-15 nginx
	curl jq fonts-dejavu-core util-linux passwd systemd openssl
	python3 python3-pytest python3-requests python3-psycopg2
	python3-prometheus-client
	libimage-exiftool-perl libjpeg-turbo-progs
	chromium chromium-driver python3-selenium
	libqrencode-dev libhpdf-dev zlib1g-dev zbar-tools poppler-utils
	libfreetype-dev
	default-jre-headless nodejs
	libcurl4-openssl-dev
)
valgrind=(valgrind)
bench=(wrk libvips-tools imagemagick graphicsmagick libjpeg-turbo-progs time
	libheif-examples
	python3-requests curl jq nginx)
security=(sqlmap wapiti slowhttptest python3-requests curl jq)

[ $# -gt 0 ] || set -- base
want=()
for group in "$@"; do
	case $group in
	base) want+=("${base[@]}") ;;
	valgrind) want+=("${valgrind[@]}") ;;
	bench) want+=("${bench[@]}") ;;
	security) want+=("${security[@]}") ;;
	*) echo "deps: unknown group '$group' (base, valgrind, bench, security)" >&2; exit 2 ;;
	esac
done
lib_pkgs_install "${want[@]}"
# npm for `make qa-tools` (issue 17): Debian's nodejs comes without it (its
# own package, npm), a nodejs built elsewhere brings its own and conflicts
# with Debian's: install it only when there is none.
case " ${want[*]} " in
*" nodejs "*) command -v npm >/dev/null 2>&1 || lib_pkgs_install npm ;;
esac
