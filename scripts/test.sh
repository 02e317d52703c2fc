#!/usr/bin/env bash
# test.sh: what `make test` (and `make asan`, `make valgrind`) run after
# building: unit tests, fuzz-corpus replay, then the end-to-end suite.
# Every stage runs even if an earlier one failed; the summary names the
# failures and the exit status is non-zero if there was any.
# Usage: scripts/test.sh normal|asan|valgrind
# Environment (from the Makefile): NETDEP_BUILD, UNIT_BIN, FUZZ_BIN.
set -uo pipefail
me="test"
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$top" || exit 1
mode=${1:-normal}
start=$(date +%s)
summary=() failed=()

stage() { # name command...
	local name=$1 t0 rc out
	shift
	t0=$(date +%s)
	echo "==== $name"
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	summary+=("$(printf '%-6s %-6s %4ss  %s' "$name" "$([ $rc -eq 0 ] && echo ok || echo FAILED)" $(($(date +%s) - t0)) "$(tail -n 1 "$out")")")
	rm -f "$out"
	[ $rc -eq 0 ] || failed+=("$name")
}

if [ "$mode" = asan ]; then
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
fi
# shellcheck disable=SC2086
[ -z "${UNIT_BIN:-}" ] || stage unit scripts/unit.sh $UNIT_BIN
# shellcheck disable=SC2086
[ -z "${FUZZ_BIN:-}" ] || stage fuzz scripts/fuzz.sh replay $FUZZ_BIN
stage e2e env E2E_MODE="$mode" scripts/e2e.sh

echo
echo "==== summary ($mode, $(($(date +%s) - start)) s)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
	echo "FAILED: ${failed[*]}"
	exit 1
fi
echo "all passed"
