#!/usr/bin/env bash
# lint.sh: `make lint`.  clang-format in check mode over the C code, then
# a scan of cgi/ and tools/ for calls netdep does not use: sprintf (use
# snprintf), strcpy, strcat, atoi, gets, and PQexec whose SQL is not a
# string literal (SQL built at run time belongs in PQexecParams or a
# prepared statement).  Comments and string literals are ignored by the
# scan, so prose may name the banned calls.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
rc=0

mapfile -d '' cfiles < <(find cgi tests/unit tests/fuzz tools \
    -name '*.[ch]' -type f -print0 2>/dev/null | sort -z)
unformatted=()
for f in "${cfiles[@]}"; do
	clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
done
if [ ${#unformatted[@]} -gt 0 ]; then
	for f in "${unformatted[@]}"; do
		n=$(clang-format --dry-run "$f" 2>&1 | grep -c 'warning:\|error:')
		echo "$f: not clang-formatted ($n places; see: clang-format --dry-run $f)"
	done
	echo "lint: fix with: clang-format -i ${unformatted[*]}"
	rc=1
fi

mapfile -d '' scan < <(find cgi tools -name '*.[ch]' -type f -print0 2>/dev/null | sort -z)
if [ ${#scan[@]} -gt 0 ]; then
	perl -0777 -ne '
		my $src = $_;
		# Blank out comments and literals, keeping newlines (line
		# numbers) and the opening quote of each string literal (so
		# "PQexec(conn, \"...\")" is still seen as a literal).
		$src =~ s{(/\*.*?\*/)|(//[^\n]*)|("(?:\\.|[^"\\\n])*")|(\x27(?:\\.|[^\x27\\\n])*\x27)}{
			my $m = $&; my $keep = defined $3 ? "\"s\"" : "";
			(my $nl = $m) =~ s/[^\n]//g; $keep . $nl }gse;
		my @bad;
		while ($src =~ /(?<![A-Za-z0-9_])(v?sprintf|strcpy|strcat|atoi|gets)\s*\(/g) {
			push @bad, [$-[0], "$1() is banned"];
		}
		while ($src =~ /(?<![A-Za-z0-9_])PQexec\s*\(/g) {
			my $at = $-[0]; my $rest = substr($src, $+[0]);
			# Skip the first argument up to its top-level comma.
			my $depth = 0; my $i = 0;
			for (; $i < length $rest; $i++) {
				my $c = substr($rest, $i, 1);
				if ($c eq "(") { $depth++ }
				elsif ($c eq ")") { last if $depth == 0; $depth-- }
				elsif ($c eq "," && $depth == 0) { last }
			}
			my $arg2 = substr($rest, $i + 1);
			push @bad, [$at, "PQexec() with a non-literal query"]
			    unless $arg2 =~ /^\s*"/;
		}
		for my $b (@bad) {
			my $line = 1 + (substr($src, 0, $b->[0]) =~ tr/\n//);
			print "$ARGV:$line: $b->[1]\n";
		}
		$found += @bad;
		END { exit($found ? 1 : 0) }
	' "${scan[@]}" || { echo "lint: banned calls found (see above)"; rc=1; }
fi

# The layering of issue 13, kept true by the build (docs/architecture.md):
# only config.c reads the environment; only the data layer (db*.c) reads
# result rows, so no handler addresses a column by number; SQL functions
# say what happened, never an HTTP status; migrations change tables only
# and every function, trigger and view is defined in exactly one file.
layer() { # message, then grep output
	local msg=$1 out=$2
	[ -z "$out" ] && return 0
	echo "$out"
	echo "lint: $msg"
	rc=1
}
layer "getenv() outside cgi/config.c: add a key to struct config instead" \
    "$(grep -rn --include='*.c' -E '(^|[^A-Za-z0-9_])(secure_)?getenv[[:space:]]*\(' cgi tools | grep -v '^cgi/config\.c:')"
layer "result rows read outside the data layer (cgi/db*.c): add a typed function to a db_*.c module" \
    "$(grep -rn --include='*.c' -E '(^|[^A-Za-z0-9_])rows_(get|ll|str|bool|double|isnull)[[:space:]]*\(' cgi tools | grep -v -E '^cgi/db[a-z_]*\.c:')"
layer "an HTTP status in sql/: return a domain outcome and map it in cgi/outcome.c" \
    "$(grep -rn -i -E '(status|http)[^;]{0,24}[^0-9.][1-5][0-9][0-9]([^0-9]|$)' sql | grep -v -- '--')"
layer "a function, trigger or view in sql/migrations/: it belongs in sql/functions/" \
    "$(grep -rn -i -E '^[[:space:]]*CREATE[[:space:]]+(OR[[:space:]]+REPLACE[[:space:]]+)?(FUNCTION|TRIGGER|VIEW|PROCEDURE)' sql/migrations)"
layer "a function, trigger or view defined twice in sql/functions/" \
    "$(grep -rhoi -E '^[[:space:]]*CREATE[[:space:]]+(OR[[:space:]]+REPLACE[[:space:]]+)?(FUNCTION|TRIGGER|VIEW|PROCEDURE)[[:space:]]+[a-z_0-9.]+' sql/functions | awk '{print tolower($(NF-1)) " " tolower($NF)}' | sort | uniq -d)"

# Issue 12: the workers know the client only as nginx's REMOTE_ADDR (the
# realip module applies NETDEP_TRUSTED_PROXIES); they never read
# X-Forwarded-For themselves.
layer "X-Forwarded-For read in C: the client address is REMOTE_ADDR only" \
    "$(grep -rn -E 'HTTP_X_FORWARDED|FORWARDED_FOR' cgi tools)"

# Issue 12: no library on the link line that no binary needs (a library
# loaded for nothing is attack surface and start-up time).
if [ -x build/netdep ] && command -v readelf >/dev/null; then
	needed=$(for b in build/netdep build/netdep-admin; do
		[ -x "$b" ] && readelf -d "$b"; done | sed -n 's/.*Shared library: \[lib\([^].]*\)\..*/\1/p' |
		# libhpdf-2.3.0.so is -lhpdf: the version is not the name
		sed 's/-[0-9][0-9]*$//' | sort -u)
	unused=$(for l in $(make -s --no-print-directory print-ldlibs); do
		case $l in -l*) n=${l#-l}; grep -qx "$n" <<<"$needed" || echo "-l$n";; esac
	done | grep -v -x -E -- '-l(m|pthread|c|dl|rt)' || true)
	layer "libraries linked that no binary needs: drop them from the Makefile" "$unused"
fi

# Issue 14: the systemd units parse, name executables that exist, and
# use only keys and values systemd knows.
if command -v systemd-analyze >/dev/null; then
	scripts/systemd-verify.sh >/dev/null || rc=1
fi

[ $rc -eq 0 ] && echo "lint: ok (${#cfiles[@]} files formatted, ${#scan[@]} scanned)"
exit $rc
