#!/usr/bin/env bash
# unit.sh: runs each unit-test binary given as an argument from the top of
# the checkout, sums their closing "N passed, N failed" lines, and exits
# non-zero if any binary failed or did not print that line.
# Usage: scripts/unit.sh build/tests/test_x...
set -uo pipefail
passed=0 failed=0 bad=()
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	last=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ $rc -ne 0 ] || [ -z "$last" ]; then
		printf '%s\n' "$out" | tail -n 40
		[ -n "$last" ] || echo "$t: no closing 'N passed, N failed' line (exit $rc)"
		bad+=("$(basename "$t")")
	fi
	if [ -n "$last" ]; then
		p=${last%% passed*}; f=${last#*, }; f=${f%% failed}
		passed=$((passed + p)); failed=$((failed + f))
		printf 'unit  %-28s %s\n' "$(basename "$t")" "$last"
	fi
done
echo "unit: $# binaries, $passed passed, $failed failed"
[ ${#bad[@]} -eq 0 ] || { echo "unit: FAILED: ${bad[*]}"; exit 1; }
