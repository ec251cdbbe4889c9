#!/usr/bin/env bash
# replay.sh: replays every harness's seed corpus and kept crash inputs
# without libFuzzer, for `make test` and CI (gcc only, no clang).
#
#   fuzz/replay.sh [BUILD [TARGET...]]
#       BUILD: the build folder whose library to use (default build);
#       TARGET: default every fuzz/TARGET.c with seeds in fuzz/corpus/
#
# Each harness is linked with fuzz/replay_main.c against the library
# built with ASan and UBSan: BUILD's own when it is instrumented already
# (make asan), else one built for this in BUILD/fuzz-asan (once; later
# runs only relink).  Each target runs once over all of fuzz/corpus/T/
# and fuzz/regress/T/ in one process (LeakSanitizer on, third-party leaks
# suppressed by tests/lsan.supp).  Prints a TAP line per target and
# "N passed, N failed"; on a failure, the input that broke it and the
# sanitizer's report.  Exits 1 if any input aborts, leaks or trips a
# sanitizer.
set -euo pipefail

cd "$(dirname "$0")/.."
build=${1:-build}
[ $# -gt 0 ] && shift
if [ $# -gt 0 ]; then
	targets=("$@")
else
	targets=()
	for d in fuzz/corpus/*/; do
		t=$(basename "$d")
		[ -f "fuzz/$t.c" ] && targets+=("$t")
	done
fi

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
san="$san -fno-omit-frame-pointer"
if [ -f "$build/libdossier.a" ] &&
	nm "$build/libdossier.a" 2>/dev/null | grep -q __asan_report; then
	lib=$build
else
	lib=$build/fuzz-asan
fi
bins=()
for t in "${targets[@]}"; do bins+=("$lib/fuzz/$t"); done
mkdir -p "$lib"
# Not the calling make's flags or jobserver: this is a make of its own.
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -j"${FUZZ_JOBS:-2}" \
	BUILD="$lib" CC="${CC:-gcc}" OPT="-O1 -g" SAN="$san" \
	FUZZ_MAIN=fuzz/replay_main.c "${bins[@]}" >"$lib/fuzz-make.log" 2>&1
then
	echo "not ok 1 - building the replay harnesses"
	sed 's/^/# /' "$lib/fuzz-make.log" | tail -n 30
	exit 1
fi
if grep -q 'warning:' "$lib/fuzz-make.log"; then
	echo "# compiler warnings:"
	grep 'warning:' "$lib/fuzz-make.log" | sed 's/^/# /'
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
supp=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export LSAN_OPTIONS=${LSAN_OPTIONS:-$supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# The harnesses' archives and spool files, removed even after a crash.
FUZZ_SCRATCH=$(mktemp -d /dev/shm/dossier-fuzz-run-XXXXXX 2>/dev/null ||
	mktemp -d "${TMPDIR:-/tmp}/dossier-fuzz-run-XXXXXX")
export FUZZ_SCRATCH
trap 'rm -rf "$FUZZ_SCRATCH"' EXIT

n=0
pass=0
fail=0
for t in "${targets[@]}"; do
	n=$((n + 1))
	shopt -s nullglob
	inputs=(fuzz/corpus/"$t"/* fuzz/regress/"$t"/*)
	shopt -u nullglob
	nkept=0
	[ -d "fuzz/regress/$t" ] &&
		nkept=$(find "fuzz/regress/$t" -type f | wc -l)
	err=$lib/fuzz/$t-replay.err
	start=$SECONDS
	# In a subshell, so bash's own "Aborted" note lands in $err too.
	if ("$lib/fuzz/$t" "${inputs[@]}"; exit $?) >/dev/null 2>"$err"; then
		pass=$((pass + 1))
		echo "ok $n - $t: ${#inputs[@]} inputs ($nkept kept" \
			"inputs) in $((SECONDS - start)) s"
	else
		rc=$?
		fail=$((fail + 1))
		last=$(sed -n 's/^replay: //p' "$err" | tail -n 1)
		echo "not ok $n - $t: input ${last:-?} fails (exit $rc)"
		grep -m 6 -E 'fuzz:|ERROR:|runtime error|SUMMARY:|^    #[0-3] ' \
			"$err" | sed 's/^/# /' || true
		echo "# whole report: $err"
	fi
done

echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
