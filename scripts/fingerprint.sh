#!/usr/bin/env bash
# fingerprint.sh SRC DST: the static files as nginx serves them (issue 17).
# DST is a copy of SRC where every .css and .js is also present as
# NAME.HASH.EXT (HASH: the first 10 hex digits of its SHA-256) and every
# .html refers to those names, so nginx can send them with
# "Cache-Control: public, max-age=31536000, immutable" (a change makes a
# new name) while the HTML is revalidated.  The unhashed names stay for
# the server-rendered share page (cgi/h_page.c), which gets them revalidated.
# Run by `make all` (build/static); netdep-ctl serves build/static.
set -euo pipefail
src=${1:?source directory} dst=${2:?destination directory}
[ -f "$src/index.html" ] || { echo "fingerprint: $src/index.html is missing" >&2; exit 1; }
rm -rf "$dst.new"
cp -R "$src" "$dst.new"
args=()
for f in "$dst.new"/*.css "$dst.new"/*.js; do
	b=${f##*/}
	h=$(sha256sum "$f" | cut -c1-10)
	n=${b%.*}.$h.${b##*.}
	cp -p "$f" "$dst.new/$n"
	args+=(-e "s#\\(href\\|src\\)=\"/${b//./\\.}\"#\\1=\"/$n\"#g")
done
sed -i "${args[@]}" "$dst.new"/*.html
if grep -nE '(href|src)="/[A-Za-z0-9_-]+\.(css|js)"' "$dst.new"/*.html; then
	echo "fingerprint: a page above refers to an unhashed asset" >&2
	exit 1
fi
chmod -R u=rwX,go=rX "$dst.new"
rm -rf "$dst"
mv "$dst.new" "$dst"
