#!/usr/bin/env bash
# fuzz.sh: drives the libFuzzer targets in build/fuzz.
#   replay BIN...  runs every file of tests/fuzz/corpus/<name>/ through
#                  build/fuzz/fuzz_<name> once (a regression test); a target
#                  without a corpus gets a short deterministic smoke run.
#   search BIN...  fuzzes each target for FUZZ_SECONDS (default 60), keeping
#                  new inputs in build/fuzz/work/<name> and crashes in
#                  build/fuzz/artifacts/; add the interesting ones to the
#                  committed corpus by hand.
set -uo pipefail
mode=${1:?usage: fuzz.sh replay|search BIN...}
shift
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
bad=() total=0
for bin in "$@"; do
	name=$(basename "$bin"); name=${name#fuzz_}
	corpus=tests/fuzz/corpus/$name
	log=build/fuzz/$name.log
	case $mode in
	replay)
		files=()
		if [ -d "$corpus" ]; then
			mapfile -d '' files < <(find "$corpus" -type f -print0 | sort -z)
		fi
		if [ ${#files[@]} -gt 0 ]; then
			"$bin" -runs=1 "${files[@]}" >"$log" 2>&1
			rc=$?
			what="${#files[@]} inputs"
			total=$((total + ${#files[@]}))
		else
			"$bin" -runs=2000 -seed=1 -max_len=4096 >"$log" 2>&1
			rc=$?
			what="no corpus: 2000 generated inputs"
		fi
		;;
	search)
		mkdir -p "build/fuzz/work/$name" build/fuzz/artifacts
		seeds=(); [ -d "$corpus" ] && seeds=("$corpus")
		"$bin" -max_total_time="${FUZZ_SECONDS:-60}" \
		    -artifact_prefix=build/fuzz/artifacts/"$name"- \
		    "build/fuzz/work/$name" "${seeds[@]}" >"$log" 2>&1
		rc=$?
		what="${FUZZ_SECONDS:-60} s, $(find "build/fuzz/work/$name" -type f | wc -l) inputs kept"
		;;
	*) echo "fuzz.sh: unknown mode $mode" >&2; exit 2 ;;
	esac
	if [ $rc -eq 0 ]; then
		printf 'fuzz  %-28s ok (%s)\n' "fuzz_$name" "$what"
	else
		tail -n 30 "$log"
		printf 'fuzz  %-28s FAILED (exit %d, log %s)\n' "fuzz_$name" $rc "$log"
		bad+=("fuzz_$name")
	fi
done
echo "fuzz: $# targets, $total corpus inputs replayed, ${#bad[@]} failed"
[ ${#bad[@]} -eq 0 ]
