# queue.sh: the work queue from the command line (issue 17).
#  - `ingest --queue` copies the files into the archive's spool and
#    returns at once with {"batch","files","pages"}; the caller may
#    delete its files; `dossier worker --drain` reads the batch and
#    exits 0 once nothing is left; `dossier jobs` shows the queue.
#  - two workers on one queued batch, one killed with kill -9 at a
#    seeded random moment, ten rounds: every page filed exactly once,
#    every document whole, `dossier verify` clean.
#  - SIGTERM: a worker finishes or gives back what it holds and exits 0.
#  - a file of more pages than allowed (a 3,000-page PDF, its pages
#    counted from its page tree), or past a user's queued pages, is
#    refused in words and nothing is stored.
#  - a cancelled batch takes no more worker time; what was filed stays.
# QUEUE_SEED fixes the seed (printed); QUEUE_ROUNDS the kill rounds.
. tests/tap.sh
. tests/faults-lib.sh
echo "1..28"

SEED=${QUEUE_SEED:-$(( $(date +%s) % 100000 ))}
ROUNDS=${QUEUE_ROUNDS:-10}
echo "# seed $SEED (QUEUE_SEED=$SEED reproduces it)"
RANDOM=$SEED
W1= W2=
trap 'kill -9 $W1 $W2 2>/dev/null; rm -rf "$T_TMP"' EXIT

A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null || { not_ok "init"; finish; }
db() { sqlite3 "$A/catalogue.db" "$1"; }
# wait_gone PID SECONDS: waits for a process to end; its status in RC.
wait_gone() {
	local i
	for i in $(seq 1 $(($2 * 10))); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then RC=timeout; return; fi
	wait "$1" 2>/dev/null
	RC=$?
}

# ---- ingest --queue answers at once; a worker drains it ----
make_files "$T_TMP/q1" $((SEED + 1)) 3
cp -r "$T_TMP/q1" "$T_TMP/q1-copy"
t0=$(date +%s.%N)
out=$(D ingest --queue --json "$T_TMP"/q1-copy/*.tif)
t1=$(date +%s.%N)
is "ingest --queue: batch, files and pages at once" \
	"$(echo "$out" | jq -c '{batch, files, pages}')" '{"batch":1,"files":3,"pages":4}'
check "... in well under the time to read a page" \
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 5) }'
rm -rf "$T_TMP/q1-copy"
is "the caller's files may go: the spool holds them" \
	"$(find "$A/tmp" -name '*.tif' | wc -l | tr -d ' ')" 3
is "nothing read yet: 4 pages queued" \
	"$(D jobs --json | jq '[.batches[] | select(.batch == 1)][0].queued')" 4
is "the batch is in the queue, running" "$(db "SELECT status FROM batch WHERE id = 1")" running
timeout 300 "$DOSSIER" -A "$A" worker -j 2 --drain >"$T_TMP/w.log" 2>&1
is "worker --drain: exit 0 once the queue is empty" "$?" 0
is "the batch is done, every file ingested" \
	"$(db "SELECT status || ' ' || (SELECT count(*) FROM batch_file WHERE batch_id = 1 AND outcome = 'ingested') FROM batch WHERE id = 1")" "done 3"
filed_once "$A" "$T_TMP"/q1/*.tif
is "... each once" "$ONCE" ok
is "the spooled copies are gone once filed" "$(find "$A/tmp" -name '*.tif' | wc -l | tr -d ' ')" 0
is "no page's own PDF is left behind (joined into the document's)" \
	"$(D verify --json | jq .unreferenced_blobs)" 0

# ---- two workers, one killed with kill -9, ten rounds ----
echo "# ${SECONDS}s: two workers, one killed with kill -9, $ROUNDS rounds"
bad=""
for r in $(seq 1 "$ROUNDS"); do
	dir="$T_TMP/k$r"
	make_files "$dir" $((SEED * 10 + r)) 3
	b=$(D ingest --queue --json "$dir"/*.tif | jq .batch)
	"$DOSSIER" -A "$A" worker -j 1 --drain >"$dir.w1.log" 2>&1 &
	W1=$!
	"$DOSSIER" -A "$A" worker -j 1 --drain >"$dir.w2.log" 2>&1 &
	W2=$!
	ms=$((200 + RANDOM % 5000))
	sleep_ms "$ms"
	if [ $((RANDOM % 2)) -eq 0 ]; then victim=$W1 other=$W2; else victim=$W2 other=$W1; fi
	kill -9 "$victim" 2>/dev/null
	wait "$victim" 2>/dev/null
	wait_gone "$other" 240
	W1= W2=
	if [ "$RC" != 0 ]; then
		bad="round $r (kill after ${ms} ms): the other worker ended with $RC"
		break
	fi
	round_check "$A" "$b" 3 "$dir"/*.tif
	if [ "$ROUND_RESULT" != ok ]; then
		bad="round $r (kill after ${ms} ms): $ROUND_RESULT"
		break
	fi
	n=$(db "SELECT count(*) FROM job WHERE batch_id = $b AND kind = 'page' AND state = 'done'")
	p=$(db "SELECT sum(pages) FROM source WHERE batch_id = $b")
	if [ "$n" != "$p" ]; then
		bad="round $r: $n page results recorded for $p pages filed"
		break
	fi
	echo "# round $r: killed after ${ms} ms; $(db "SELECT count(*) FROM job WHERE batch_id = $b AND attempts > 1") row(s) read again"
done
is "$ROUNDS rounds: every page filed once, every document whole, verify clean" "${bad:-ok}" ok

# ---- SIGTERM: finish or give back, then exit ----
make_files "$T_TMP/t" $((SEED + 3)) 3
b=$(D ingest --queue --json "$T_TMP"/t/*.tif | jq .batch)
"$DOSSIER" -A "$A" worker -j 1 >"$T_TMP/term.log" 2>&1 &
W1=$!
for _ in $(seq 1 300); do
	[ "$(db "SELECT count(*) FROM job WHERE batch_id = $b AND state = 'claimed'")" -gt 0 ] && break
	sleep 0.1
done
kill -TERM "$W1"
wait_gone "$W1" 60
W1=
is "SIGTERM: the worker exits 0" "$RC" 0
is "... holding nothing" "$(db "SELECT count(*) FROM job WHERE state = 'claimed'")" 0
timeout 300 "$DOSSIER" -A "$A" worker -j 2 --drain >/dev/null 2>&1
round_check "$A" "$b" 3 "$T_TMP"/t/*.tif
is "... and another worker finishes the batch" "$ROUND_RESULT" ok

# ---- limits, before anything is queued ----
python3 tests/tools/pdfpages.py "$T_TMP/big.pdf" 3000
before=$(db "SELECT count(*) FROM batch")||:
out=$(D ingest --queue "$T_TMP/big.pdf" 2>&1)
is "a 3,000-page PDF: refused (exit 1)" "$?" 1
contains "... saying how many pages it has and the limit" "$out" \
	"big.pdf has 3000 pages; a file may have at most 2000 pages (split the scan)"
is "... nothing stored: no batch, no rows" \
	"$(db "SELECT count(*) FROM batch") $(db "SELECT count(*) FROM job WHERE state IN ('queued', 'waiting')")" "$before 0"
is "... nor in the spool" "$(find "$A/tmp" -type f | wc -l | tr -d ' ')" 0
printf '[ingest]\nmax_user_pages = 3\n' >"$T_TMP/small.conf"
make_files "$T_TMP/l" $((SEED + 4)) 3
out=$("$DOSSIER" -c "$T_TMP/small.conf" -A "$A" ingest --queue "$T_TMP"/l/*.tif 2>&1)
is "past the pages one user may have queued: refused" "$?" 1
contains "... in words" "$out" "that passes the limit of 3 pages a user may have queued"

# ---- cancel ----
make_files "$T_TMP/c" $((SEED + 5)) 9
b=$(D ingest --queue --json "$T_TMP"/c/*.tif | jq .batch)
"$DOSSIER" -A "$A" worker -j 1 >"$T_TMP/cancel.log" 2>&1 &
W1=$!
for _ in $(seq 1 900); do
	[ "$(db "SELECT count(*) FROM batch_file WHERE batch_id = $b AND outcome = 'ingested'")" -ge 1 ] && break
	sleep 0.2
done
filed=$(db "SELECT count(*) FROM document WHERE batch_id = $b")
out=$(D batch cancel "$b")
is "batch cancel: exit 0" "$?" 0
contains "... says what it dropped" "$out" "batch $b cancelled:"
read_before=$(db "SELECT count(*) FROM job WHERE batch_id = $b AND state = 'done'")
claimed=$(db "SELECT count(*) FROM job WHERE batch_id = $b AND state = 'claimed'")
sleep 8
is "a cancelled batch takes no more worker time" \
	"$(db "SELECT count(*) FROM job WHERE batch_id = $b AND state IN ('done', 'claimed', 'queued')") $claimed" "$read_before 0"
is "... it ends cancelled" "$(db "SELECT status FROM batch WHERE id = $b")" cancelled
check "... what was filed before stays" test "$filed" -ge 1 -a \
	"$(db "SELECT count(*) FROM document WHERE batch_id = $b")" -ge "$filed"
is "... its spooled files are gone" "$(find "$A/tmp" -name '*.tif' | wc -l | tr -d ' ')" 0
out=$(D batch cancel "$b" 2>&1)
contains "cancelling it again says so" "$out" "there is nothing left to cancel"
kill -TERM "$W1"
wait_gone "$W1" 60
W1=
check "after it all, verify is clean" verified "$A"
finish
