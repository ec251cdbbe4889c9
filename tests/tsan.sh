#!/usr/bin/env bash
# tsan.sh BUILD_DIR: data races (issue 19): the work queue's and the audit
# writer's unit tests, then the server's tests (searches held for the
# audit writer, uploads queued, page turns held for a worker, exports),
# the queue's from the command line (two rounds), all built with
# ThreadSanitizer.  Every report goes to a file; any report fails it.
# Ends with "N passed, N failed" like tests/run.
set -u
BUILD=${1:-build-tsan}
LOGS=$PWD/tests/out/tsan
rm -rf "$LOGS"
mkdir -p "$LOGS"
export TSAN_OPTIONS="log_path=$LOGS/report second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export QUEUE_ROUNDS=${QUEUE_ROUNDS:-2}
export TEST_OUT=$LOGS
export DOSSIER_TEST_ONLY="unit/archive/test_queue unit/archive/test_auditq integration/serve integration/scanstation integration/queue"
BUILD=$BUILD tests/run | tee "$LOGS/run.txt"
rc=${PIPESTATUS[0]}
n=$(ls "$LOGS"/report.* 2>/dev/null | wc -l)
if [ "$n" -gt 0 ]; then
	echo "ThreadSanitizer: $n report(s) in $LOGS/report.*:"
	grep -h -A12 'WARNING: ThreadSanitizer' "$LOGS"/report.* | head -60
	echo "0 passed, $n failed"
	exit 1
fi
echo "no data race reported"
exit "$rc"
