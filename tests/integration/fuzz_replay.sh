# fuzz_replay.sh: the query parser's fuzzing seeds and every input the
# fuzzer ever found (fuzz/regress/query/) replayed under ASan and UBSan
# with gcc, so a fixed crash stays fixed without clang in CI.
set -u
bash fuzz/replay.sh "${BUILD:-build}/fuzz" 2>&1 | grep -E '^(ok|not ok|#)'
