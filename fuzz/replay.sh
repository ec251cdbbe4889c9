#!/usr/bin/env bash
# replay.sh: replays the query parser's seed corpus and kept crash inputs
# without libFuzzer, for `make test` and CI (gcc only, no clang).
#
#   fuzz/replay.sh [BUILD]      default: build-fuzz
#
# Builds BUILD/fuzz-query-replay from fuzz/query.c and fuzz/replay_main.c
# with gcc, ASan and UBSan (LeakSanitizer on), then runs it once per file
# of fuzz/corpus/query/ and fuzz/regress/query/.  Prints a TAP line per
# input and "N passed, N failed"; exits 1 if any input aborts, leaks or
# trips a sanitizer.
set -euo pipefail

cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
bin=$build/fuzz-query-replay
err=$build/fuzz-query-replay.err
cc=${CC:-gcc}

warn="-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
if [ "${CI:-}" = true ]; then
	warn="$warn -Werror"
fi

mkdir -p "$build"
# shellcheck disable=SC2046,SC2086
"$cc" -g -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-std=c11 -D_GNU_SOURCE $warn -Iinclude \
	$(pkg-config --cflags jansson libsodium) \
	fuzz/query.c fuzz/replay_main.c search/parse.c common/common.c \
	$(pkg-config --libs libsodium) -lpthread -o "$bin"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

shopt -s nullglob
inputs=(fuzz/corpus/query/* fuzz/regress/query/*)
shopt -u nullglob

n=0
pass=0
fail=0
for f in "${inputs[@]}"; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	# In a subshell, so bash's own "Aborted" note lands in $err too.
	if ("$bin" "$f"; exit $?) >/dev/null 2>"$err"; then
		pass=$((pass + 1))
		echo "ok $n - $f"
	else
		rc=$?
		fail=$((fail + 1))
		echo "not ok $n - $f (exit $rc)"
		grep -m 4 -E 'fuzz-query:|ERROR:|runtime error|SUMMARY:' \
			"$err" | sed 's/^/# /' || true
	fi
done
rm -f "$err"

echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
