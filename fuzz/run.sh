#!/usr/bin/env bash
# run.sh: fuzzes the search query parser (search/parse.c) with libFuzzer
# for a bounded time, then replays the kept crash inputs.
#
#   fuzz/run.sh [SECONDS [BUILD]]      defaults: 60 build-fuzz
#
# Builds BUILD/fuzz-query with clang (libFuzzer, ASan, UBSan; installs
# clang and its runtime with apt-get if missing), fuzzes a working corpus
# BUILD/fuzz-query-corpus seeded from fuzz/corpus/query (the seeds are not
# modified), then runs every file in fuzz/regress/query/.  Crash inputs
# go to BUILD/fuzz-query-artifacts/, the fuzzer's output to
# BUILD/fuzz-query.log.  Ends with one summary line; exits 1 when the
# fuzzer found a crash or a kept input still fails.
#
# FUZZ_FLAGS adds libFuzzer flags, e.g. FUZZ_FLAGS="-detect_leaks=0".
set -euo pipefail

cd "$(dirname "$0")/.."
secs=${1:-60}
build=${2:-build-fuzz}
bin=$build/fuzz-query
work=$build/fuzz-query-corpus
artifacts=$build/fuzz-query-artifacts
log=$build/fuzz-query.log
seeds=fuzz/corpus/query
regress=fuzz/regress/query

case $secs in
'' | *[!0-9]*) echo "run.sh: SECONDS must be a whole number" >&2; exit 2 ;;
esac

# clang with libFuzzer's runtime: Debian 12 ships the runtime in
# libclang-rt-14-dev, which clang only recommends.
can_fuzz() {
	command -v clang >/dev/null 2>&1 || return 1
	echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) {
		(void)d; (void)n; return 0; }' |
		clang -x c -fsanitize=fuzzer - -o /dev/null >/dev/null 2>&1
}

if ! can_fuzz; then
	if [ "$(id -u)" != 0 ]; then
		echo "run.sh: clang with libFuzzer is missing; as root:" >&2
		echo "  apt-get install -y clang libclang-rt-14-dev" >&2
		exit 1
	fi
	echo "run.sh: installing clang and libFuzzer's runtime"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	command -v clang >/dev/null 2>&1 ||
		apt-get install -y -qq --no-install-recommends clang
	major=$(clang -dumpversion | cut -d. -f1)
	apt-get install -y -qq --no-install-recommends "libclang-rt-$major-dev"
	if ! can_fuzz; then
		echo "run.sh: clang still cannot link libFuzzer" >&2
		exit 1
	fi
fi

if ! pkg-config --exists jansson libsodium; then
	echo "run.sh: jansson or libsodium headers missing; run 'make deps'" >&2
	exit 1
fi

# parse.c needs only common.c (dbuf_*, dos_strerror); common.c calls
# libsodium; jansson is needed for its header only (search.h).
mkdir -p "$build" "$work" "$artifacts"
# shellcheck disable=SC2046
clang -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-std=c11 -D_GNU_SOURCE -Wall -Wextra -Iinclude \
	$(pkg-config --cflags jansson libsodium) \
	fuzz/query.c search/parse.c common/common.c \
	$(pkg-config --libs libsodium) -lpthread -o "$bin"

# The working corpus grows; the seeds in the repository stay as they are.
cp -n "$seeds"/* "$work"/ 2>/dev/null || true

echo "run.sh: fuzzing for $secs s (log: $log)"
start=$SECONDS
set +e
# shellcheck disable=SC2086
"$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 \
	-print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} \
	"$work" "$seeds" >"$log" 2>&1
rc=$?
set -e
elapsed=$((SECONDS - start))

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
ncorpus=$(find "$work" -type f | wc -l)

crash=none
if [ "$rc" -ne 0 ]; then
	found=$(grep -oE "Test unit written to [^ ]+" "$log" | tail -n 1 |
		sed 's/Test unit written to //' || true)
	crash="FOUND (exit $rc${found:+, input $found})"
	echo "run.sh: the fuzzer stopped on a failure (all of it in $log):"
	awk '/==[0-9]+==ERROR|fuzz-query:|runtime error|deadly signal/ { p = 1 }
	     p && n < 30 { print; n++ }' "$log"
	grep -E '^INFO: .*(initial corpus|leak)|^Base64:|Test unit written' \
		"$log" || true
fi

# Kept inputs: each must pass on its own.
regress_msg="no kept inputs"
regress_fail=0
if [ -d "$regress" ]; then
	shopt -s nullglob
	kept=("$regress"/*)
	shopt -u nullglob
	if [ "${#kept[@]}" -gt 0 ]; then
		pass=0
		for f in "${kept[@]}"; do
			if ("$bin" "$f"; exit $?) \
				>"$build/fuzz-query-regress.log" 2>&1; then
				pass=$((pass + 1))
			else
				regress_fail=$((regress_fail + 1))
				echo "run.sh: kept input fails: $f"
				grep -m 3 -E \
					'fuzz-query:|ERROR:|runtime error' \
					"$build/fuzz-query-regress.log" |
					sed 's/^/    /' || true
			fi
		done
		regress_msg="kept inputs: $pass passed, $regress_fail failed"
	fi
fi

echo "fuzz-query: ${execs:-0} executions in ${elapsed} s, corpus" \
	"$ncorpus inputs${cov:+, $cov}; crash: $crash; $regress_msg"
[ "$rc" -eq 0 ] && [ "$regress_fail" -eq 0 ]
