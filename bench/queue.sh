#!/usr/bin/env bash
# The work queue's cost (issue 17), part of `make bench-ingest`: pages/min
# of the same pages (a) through the in-process pipeline as `dossier
# ingest` ran it before the queue (bench/ingest_direct.c: ing_batch), and
# (b) through the queue (`ingest --queue`, then 1 or 2 `dossier worker
# --drain` processes of one thread each), timed from the queueing to the
# last page filed.  Runs alternate direct and queue so that a change in
# the machine's load hits both alike.  Target: the queue costs under 2%
# of throughput.  Prints target, figure, met / NOT met; it is no test.
#
# Usage: bench/queue.sh BUILD_DIR WORK_DIR PAGE...
#   WORK_DIR receives the archives and logs (q-*).  QUEUE_BENCH_REPEAT=N
#   repeats each run N times and keeps the best (default 1).
set -eu -o pipefail

if [ $# -lt 3 ]; then
	echo "usage: bench/queue.sh BUILD_DIR WORK_DIR PAGE..." >&2
	exit 2
fi
BUILD=$1 WORK=$2
shift 2
PAGES=("$@")
N=${#PAGES[@]}
REPEAT=${QUEUE_BENCH_REPEAT:-1}
DOSSIER=$WORK/bin/dossier
[ -x "$DOSSIER" ] || DOSSIER=$BUILD/dossier
DIRECT=$BUILD/bench/ingest_direct
for b in "$DOSSIER" "$DIRECT"; do
	[ -x "$b" ] || { echo "bench/queue.sh: $b is missing" >&2; exit 1; }
done
export OMP_THREAD_LIMIT=1
now() { date +%s.%N; }
say() { printf '%s\n' "$*"; }

# direct JOBS KEY: pages/min of the in-process pipeline (fresh archive).
direct() {
	local a=$WORK/q-direct-$2
	rm -rf "$a"
	"$DOSSIER" -A "$a" init >/dev/null
	"$DIRECT" "$a" "$1" "${PAGES[@]}" 2>"$WORK/q-direct-$2.err" |
		python3 -c 'import json, sys; print("%.2f" % json.load(sys.stdin)["pages_per_min"])'
}
# queued WORKERS KEY: pages/min through the queue (fresh archive): from
# `ingest --queue` to the last worker drained.
queued() {
	local a=$WORK/q-queue-$2 t0 t1 pids=() i filed
	rm -rf "$a"
	"$DOSSIER" -A "$a" init >/dev/null
	t0=$(now)
	"$DOSSIER" -A "$a" ingest --queue --json "${PAGES[@]}" >"$WORK/q-queue-$2.out"
	for i in $(seq 1 "$1"); do
		"$DOSSIER" -A "$a" worker -j 1 --drain 2>"$WORK/q-queue-$2.w$i.err" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i"; done
	t1=$(now)
	filed=$(sqlite3 "$a/catalogue.db" "SELECT coalesce(sum(npages), 0) FROM document")
	awk -v p="$filed" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", p * 60 / (b - a) }'
}
best() { printf '%s\n' "$@" | sort -g | tail -1; }

say "== 7. the work queue: $N pages, in-process pipeline against the queue (1 and 2 workers)"
say "   load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
d1=() q1=() d2=() q2=()
for r in $(seq 1 "$REPEAT"); do
	d1+=("$(direct 1 j1-$r)")
	q1+=("$(queued 1 w1-$r)")
	d2+=("$(direct 2 j2-$r)")
	q2+=("$(queued 2 w2-$r)")
done
D1=$(best "${d1[@]}") Q1=$(best "${q1[@]}") D2=$(best "${d2[@]}") Q2=$(best "${q2[@]}")
say "   load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
report() {
	local label=$1 d=$2 q=$3
	awk -v l="$label" -v d="$d" -v q="$q" 'BEGIN {
		cost = (d - q) * 100 / d
		printf "   %-10s in-process %7.1f pages/min, queue %7.1f pages/min: queue costs %+.1f%% (target < 2%%): %s\n",
			l, d, q, cost, cost < 2 ? "met" : "NOT met"
	}'
}
report "1 worker" "$D1" "$Q1"
report "2 workers" "$D2" "$Q2"
printf '{"pages":%d,"direct_j1":%s,"queue_1":%s,"direct_j2":%s,"queue_2":%s}\n' \
	"$N" "$D1" "$Q1" "$D2" "$Q2" >"$WORK/queue.json"
say "   figures in $WORK/queue.json"
