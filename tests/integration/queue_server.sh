# queue_server.sh: the server only queues; its worker processes read
# (issue 17).
#  - twelve 9,000 x 9,000 scans uploaded at once and read by the
#    server's workers: the server's resident memory stays under 150 MB
#    and /api/health answers with p99 under 50 ms the whole time;
#  - a 3,000-page PDF upload is refused with a 4xx naming its page count
#    and the limit; nothing of it is stored;
#  - progress from the queue (pages done, queued, failed, pages/min,
#    time left); the Cancel of the scan station (POST .../cancel);
#  - a server killed in the middle of an upload batch finishes it on its
#    own once restarted; with --workers 0 the batch waits for a worker.
. tests/tap.sh
. tests/faults-lib.sh
echo "1..24"

A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null || { not_ok "init"; finish; }
echo "clerk-pass-123" | D user add cle --role clerk >/dev/null
db() { sqlite3 "$A/catalogue.db" "$1"; }
trap 'rm -f "$T_TMP/sampling"; stop_server; rm -rf "$T_TMP"' EXIT
# upload FILE...: one batch; its answer in $T_TMP/up, the status echoed.
upload() {
	local args=() f
	for f in "$@"; do args+=(-F "files=@$f"); done
	curl -s -o "$T_TMP/up" -w '%{http_code}' "${args[@]}" "$BASE_URL/api/batches"
}
# wait_state BATCH SECONDS: waits for a batch to leave "running".
wait_state() {
	local i s=running
	for i in $(seq 1 $(($2 * 5))); do
		s=$(curl -s "$BASE_URL/api/batches/$1/progress" | jq -r .state)
		[ "$s" = running ] || break
		sleep 0.2
	done
	echo "$s"
}

# Twelve 9,000 x 9,000 one-bit scans (PNG), each a little different.
python3 tests/tools/bigpng.py "$T_TMP/big" 12 9000

start_server "$A" --workers 2 || { not_ok "server starts"; finish; }
sign_in cle clerk-pass-123 >/dev/null

# ---- twelve big scans at once: memory and health meanwhile ----
# First /api/health on the machine as it is, the workers idle: a machine
# too busy to answer in time anyway makes the figure meaningless.
: >"$T_TMP/base"
for _ in $(seq 1 200); do
	curl -q -s -o /dev/null -w '%{time_total}\n' "$BASE_URL/api/health" >>"$T_TMP/base"
	sleep 0.05
done
base99=$(sort -n "$T_TMP/base" | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.0f", v[i] * 1000 }')
: >"$T_TMP/sampling"
: >"$T_TMP/health"
: >"$T_TMP/rss"
(
	while [ -e "$T_TMP/sampling" ]; do
		curl -q -s -o /dev/null -w '%{time_total}\n' "$BASE_URL/api/health" >>"$T_TMP/health"
		sleep 0.05
	done
) &
HP=$!
(
	while [ -e "$T_TMP/sampling" ]; do
		awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status" >>"$T_TMP/rss" 2>/dev/null
		sleep 0.2
	done
) &
RP=$!
# Twelve curls at once share the session read-only (a cookie jar
# written by twelve processes at once loses the cookie).
jar="$CURL_HOME/jar"
csrf=$(sed -n 's/^header = "X-CSRF-Token: \(.*\)"$/\1/p' "$CURL_HOME/.curlrc")
pids=()
for f in "$T_TMP"/big/*.png; do
	curl -q -s -b "$jar" -H "X-CSRF-Token: $csrf" -o "$f.out" \
		-F "files=@$f" "$BASE_URL/api/batches" &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
batches=$(cat "$T_TMP"/big/*.out | jq -r .batch | sort -n | tr '\n' ' ')
is "twelve uploads at once: twelve batches" "$(echo $batches | wc -w | tr -d ' ')" 12
states=""
for b in $batches; do states="$states$(wait_state "$b" 1500) "; done
rm -f "$T_TMP/sampling"
wait "$HP" "$RP" 2>/dev/null
is "... all read by the workers" "$states" "$(printf 'done %.0s' $(seq 1 12))"
is "... twelve documents filed, one page each" \
	"$(db "SELECT count(*), sum(npages) FROM document")" "12|12"
rss=$(sort -n "$T_TMP/rss" | tail -1)
echo "# server RSS at most $((rss / 1024)) MB over $(wc -l <"$T_TMP/rss") samples"
if ldd "$DOSSIER" 2>/dev/null | grep -q 'lib[at]san'; then
	# A sanitizer's shadow memory and quarantine are no figure of ours.
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP the server's memory under 150 MB: a sanitizer build (${rss} KB)"
else
	check "the server's memory stayed under 150 MB" test "${rss:-999999}" -lt $((150 * 1024))
fi
p99=$(sort -n "$T_TMP/health" | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.0f", v[i] * 1000 }')
echo "# /api/health: $(wc -l <"$T_TMP/health") requests, p99 ${p99} ms (idle workers before: p99 ${base99} ms, load $(cut -d' ' -f1 /proc/loadavg))"
# Others' load (the workers run at nice 19): the 1-minute load average
# against the cores, in tenths.
load10=$(awk -v n="$(nproc)" '{ printf "%d", $1 * 10 / n }' /proc/loadavg)
if [ "$p99" -ge 50 ] && { [ "$base99" -ge 25 ] || [ "$load10" -ge 40 ]; }; then
	# Not a pass: said as a skip, with the figures.
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP /api/health p99 under 50 ms meanwhile: the machine is too busy to tell (p99 ${base99} ms before any work, ${p99} ms meanwhile, load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores)"
else
	check "/api/health p99 under 50 ms meanwhile" test "$p99" -lt 50
fi

# ---- a 3,000-page PDF is refused before anything is queued ----
python3 tests/tools/pdfpages.py "$T_TMP/big.pdf" 3000
nb=$(db "SELECT count(*) FROM batch")
nj=$(db "SELECT count(*) FROM job")
spool_mark "$A/tmp"
is "a 3,000-page PDF upload: 413 naming its pages and the limit" \
	"$(upload "$T_TMP/big.pdf") $(jq -r .error <"$T_TMP/up")" \
	"413 big.pdf has 3000 pages; a file may have at most 2000 pages (split the scan)"
is "... nothing of it stored" "$(db "SELECT count(*) FROM batch") $(db "SELECT count(*) FROM job") $(left_in "$A/tmp")" "$nb $nj "

# ---- progress from the queue, and Cancel ----
make_files "$T_TMP/c" 71 8
code=$(upload "$T_TMP"/c/*.tif)
b=$(jq -r .batch <"$T_TMP/up")
is "an upload of eight scans: 202 with its pages" "$code $(jq -r .pages <"$T_TMP/up")" "202 10"
for _ in $(seq 1 600); do
	curl -s "$BASE_URL/api/batches/$b/progress" >"$T_TMP/p"
	[ "$(jq .files_done <"$T_TMP/p")" -ge 1 ] && break
	sleep 0.2
done
is "progress: pages done, queued, failed, pages/min, time left" \
	"$(jq -c '[.pages_total, (.pages_done > 0), (.pages_queued | type), .pages_failed, (.pages_per_min > 0), (.seconds_left | type)]' <"$T_TMP/p")" \
	'[10,true,"number",0,true,"number"]'
filed=$(db "SELECT count(*) FROM document WHERE batch_id = $b")
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -H 'Content-Type: application/json' --data '{}' "$BASE_URL/api/batches/$b/cancel")
is "Cancel: 200" "$code" 200
contains "... saying what was dropped" "$(jq -r .message <"$T_TMP/r")" "batch $b cancelled: "
done_then=$(db "SELECT count(*) FROM job WHERE batch_id = $b AND state = 'done'")
sleep 6
is "... the batch ends cancelled, no more is read" \
	"$(curl -s "$BASE_URL/api/batches/$b/progress" | jq -r .state) $(db "SELECT count(*) FROM job WHERE batch_id = $b AND state IN ('done', 'queued', 'claimed')")" \
	"cancelled $done_then"
check "... what was filed before stays" test "$(db "SELECT count(*) FROM document WHERE batch_id = $b")" -ge "$filed"
sign_out

# ---- a server killed mid-batch finishes it once restarted ----
sign_in cle clerk-pass-123 >/dev/null
make_files "$T_TMP/k" 72 4
upload "$T_TMP"/k/*.tif >/dev/null
b=$(jq -r .batch <"$T_TMP/up")
for _ in $(seq 1 600); do
	[ "$(db "SELECT count(*) FROM job WHERE batch_id = $b AND kind = 'page' AND state = 'done'")" -ge 1 ] && break
	sleep 0.2
done
mid=$(db "SELECT count(*) FROM batch_file WHERE batch_id = $b AND outcome = 'pending'")
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
check "killed with pages of the batch still to read" test "$mid" -ge 1
after_kill "$A"
is "... the archive verifies, every document whole" "$ROUND_RESULT" ok
start_server "$A" --workers 2 || { not_ok "server restarts"; finish; }
sign_in cle clerk-pass-123 >/dev/null
is "... the restarted server finishes the batch on its own" "$(wait_state "$b" 300)" done
round_check "$A" "$b" 4 "$T_TMP"/k/*.tif
is "... every file filed once" "$ROUND_RESULT" ok
stop_clean "the server stops cleanly, its workers with it"
# (The killed server's workers had SIGTERM when it died: they finished
# what they held, or gave it back, and ended too.)
for _ in $(seq 1 300); do
	[ "$(pgrep -f "$A worker" | wc -l)" -eq 0 ] && break
	sleep 0.2
done
is "... no worker left running" "$(pgrep -f "$A worker" | wc -l | tr -d ' ')" 0

# ---- --workers 0: a separate worker tier ----
start_server "$A" --workers 0 || { not_ok "server starts without workers"; finish; }
sign_in cle clerk-pass-123 >/dev/null
make_files "$T_TMP/z" 73 2
upload "$T_TMP"/z/*.tif >/dev/null
b=$(jq -r .batch <"$T_TMP/up")
sleep 3
is "--workers 0: the batch waits in the queue" \
	"$(curl -s "$BASE_URL/api/batches/$b/progress" | jq -c '[.state, .pages_done]')" '["running",0]'
timeout 300 "$DOSSIER" -A "$A" worker --drain >/dev/null 2>&1
is "... a worker of its own reads it" "$(wait_state "$b" 60)" done

# ---- the stop answers a held request before the server goes ----
# A worker of the separate tier, alive but stopped (SIGSTOP): a page turn
# is held for it; the server told to stop answers it (202 with its row)
# before it ends, and says so in its log.
"$DOSSIER" -A "$A" worker -j 1 >"$T_TMP/w.log" 2>&1 &
wpid=$!
for _ in $(seq 1 600); do
	[ "$(db "SELECT count(*) FROM worker WHERE pid = $wpid")" -ge 1 ] && break
	sleep 0.2
done
kill -STOP "$wpid"
doc=$(db "SELECT id FROM document WHERE batch_id = $b ORDER BY id LIMIT 1")
curl -s -o "$T_TMP/turn" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"degrees": 180, "reason": "upside down"}' \
	"$BASE_URL/api/documents/$doc/pages/1/turn" >"$T_TMP/turn.code" &
cpid=$!
for _ in $(seq 1 600); do
	[ "$(db "SELECT count(*) FROM job WHERE kind = 'turn'")" -ge 1 ] && break
	sleep 0.2
done
sleep 1
held=$(kill -0 "$cpid" 2>/dev/null && echo held || echo answered)
kill "$SERVER_PID"
wait "$SERVER_PID"
rc=$?
wait "$cpid"
is "a page turn held for a worker; the stop answers it: 202 with its row" \
	"$held $(cat "$T_TMP/turn.code") $(jq -r .state <"$T_TMP/turn" 2>/dev/null)" \
	"held 202 queued"
is "... then the server ends cleanly, saying so" \
	"$rc $(grep -c 'stopping: 1 held request(s) answered' "$T_TMP/serve.log")" "0 1"
kill -CONT "$wpid"
kill "$wpid"
wait "$wpid"
check "verify is clean at the end" verified "$A"
finish
