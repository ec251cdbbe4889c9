#!/usr/bin/env bash
# run.sh: fuzzes each harness with libFuzzer for a bounded time, one after
# the other, then replays its kept crash inputs.
#
#   fuzz/run.sh [SECONDS [BUILD [TARGET...]]]
#       defaults: 60 build-fuzz, every target in fuzz/*.c with a seed
#       folder fuzz/corpus/TARGET/ (query image pdf barcode manifest
#       multipart json)
#
# Builds the library and BUILD/fuzz/TARGET with clang (libFuzzer, ASan,
# UBSan; installs clang and its runtime with apt-get if missing) through
# the Makefile, fuzzes a working corpus BUILD/TARGET-corpus seeded from
# fuzz/corpus/TARGET (the seeds are not modified), then runs every file in
# fuzz/regress/TARGET/.  Crash inputs go to BUILD/TARGET-artifacts/, the
# fuzzer's output to BUILD/TARGET.log.  One summary line per target
# (executions, corpus size, coverage, crash or not); exits 1 when a
# fuzzer found a crash or a kept input still fails.
#
# FUZZ_FLAGS adds libFuzzer flags, e.g. FUZZ_FLAGS="-detect_leaks=0".
set -euo pipefail

cd "$(dirname "$0")/.."
secs=${1:-60}
build=${2:-build-fuzz}
shift $(($# > 2 ? 2 : $#))
if [ $# -gt 0 ]; then
	targets=("$@")
else
	targets=()
	for d in fuzz/corpus/*/; do
		t=$(basename "$d")
		[ -f "fuzz/$t.c" ] && targets+=("$t")
	done
fi

case $secs in
'' | *[!0-9]*) echo "run.sh: SECONDS must be a whole number" >&2; exit 2 ;;
esac
for t in "${targets[@]}"; do
	if [ ! -f "fuzz/$t.c" ] || [ ! -d "fuzz/corpus/$t" ]; then
		echo "run.sh: no harness fuzz/$t.c with seeds fuzz/corpus/$t/" >&2
		exit 2
	fi
done

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

# The library instrumented for coverage (fuzzer-no-link) and the
# sanitizers; each harness linked with libFuzzer's main.
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
san="$san -fno-omit-frame-pointer -fsanitize=fuzzer-no-link"
bins=()
for t in "${targets[@]}"; do bins+=("$build/fuzz/$t"); done
echo "run.sh: building ${targets[*]} in $build (clang)"
mkdir -p "$build"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -j"${FUZZ_JOBS:-2}" \
	BUILD="$build" CC=clang OPT="-O1 -g" SAN="$san" \
	FUZZ_MAIN=-fsanitize=fuzzer "${bins[@]}" >"$build/make.log" 2>&1 || {
	tail -n 30 "$build/make.log" >&2
	exit 1
}

# Third-party leaks only (poppler, fontconfig), each with its reason.
supp=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export LSAN_OPTIONS=${LSAN_OPTIONS:-$supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# The harnesses' archives and spool files, removed even after a crash.
FUZZ_SCRATCH=$(mktemp -d /dev/shm/dossier-fuzz-run-XXXXXX 2>/dev/null ||
	mktemp -d "${TMPDIR:-/tmp}/dossier-fuzz-run-XXXXXX")
export FUZZ_SCRATCH
trap 'rm -rf "$FUZZ_SCRATCH"' EXIT

status=0
summary=()
for t in "${targets[@]}"; do
	bin=$build/fuzz/$t
	work=$build/$t-corpus
	artifacts=$build/$t-artifacts
	log=$build/$t.log
	seeds=fuzz/corpus/$t
	regress=fuzz/regress/$t
	mkdir -p "$work" "$artifacts"
	# The working corpus grows; the seeds in the repository stay.
	cp -n "$seeds"/* "$work"/ 2>/dev/null || true
	maxlen=4096
	case $t in
	image | pdf) maxlen=65536 ;;
	multipart) maxlen=16384 ;;
	esac

	echo "run.sh: fuzzing $t for $secs s (log: $log)"
	start=$SECONDS
	set +e
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -max_len="$maxlen" -timeout=30 \
		-rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} \
		"$work" "$seeds" >"$log" 2>&1
	rc=$?
	set -e
	elapsed=$((SECONDS - start))

	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -n 1)
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
	ncorpus=$(find "$work" -type f | wc -l)

	crash=none
	if [ "$rc" -ne 0 ]; then
		found=$(grep -oE "Test unit written to [^ ]+" "$log" |
			tail -n 1 | sed 's/Test unit written to //' || true)
		crash="FOUND (exit $rc${found:+, input $found})"
		status=1
		echo "run.sh: $t stopped on a failure (all of it in $log):"
		awk '/==[0-9]+==ERROR|fuzz:|runtime error|deadly signal/ {
			p = 1 } p && n < 30 { print; n++ }' "$log"
	fi

	# Kept inputs: each must pass.
	regress_msg="no kept inputs"
	if [ -d "$regress" ]; then
		shopt -s nullglob
		kept=("$regress"/*)
		shopt -u nullglob
		if [ "${#kept[@]}" -gt 0 ]; then
			pass=0
			fail=0
			for f in "${kept[@]}"; do
				if ("$bin" "$f"; exit $?) \
					>"$build/$t-regress.log" 2>&1; then
					pass=$((pass + 1))
				else
					fail=$((fail + 1))
					status=1
					echo "run.sh: kept input fails: $f"
					grep -m 3 -E 'fuzz:|ERROR:|runtime error' \
						"$build/$t-regress.log" |
						sed 's/^/    /' || true
				fi
			done
			regress_msg="kept inputs: $pass passed, $fail failed"
		fi
	fi
	line="fuzz-$t: ${execs:-0} executions in ${elapsed} s, corpus"
	line="$line $ncorpus inputs${cov:+, $cov}; crash: $crash; $regress_msg"
	summary+=("$line")
done

printf '%s\n' "${summary[@]}"
exit "$status"
