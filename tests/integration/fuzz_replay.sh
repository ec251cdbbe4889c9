# fuzz_replay.sh: every fuzz harness's seeds and every input the fuzzer
# ever found (fuzz/regress/TARGET/) replayed under ASan and UBSan with
# gcc, so a fixed crash stays fixed without clang in CI.  Targets: query,
# image, pdf, barcode, manifest, multipart, json (see fuzz/run.sh).  The
# library is built with ASan for this in $BUILD/fuzz-asan unless $BUILD
# is instrumented already (make asan).
set -u
bash fuzz/replay.sh "${BUILD:-build}" 2>&1 | grep -E '^(ok|not ok|#)'
