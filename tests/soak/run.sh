#!/usr/bin/env bash
# soak/run.sh [BUILD]: the long fault and load runs behind `make soak`
# (about 15 minutes on two cores), ending with a summary of figures:
#  1. SOAK_ROUNDS (50) rounds of `dossier ingest` killed (-9) at a random
#     point of a batch, then verified, checked whole or absent, resumed and
#     checked filed once (tests/faults-lib.sh, as in faults.sh);
#  2. SOAK_ROUNDS rounds of `dossier serve` killed while it receives or
#     ingests an uploaded batch, the same checks;
#  3. load: SOAK_CLIENTS (50) clients searching over loopback with wrk for
#     SOAK_SECONDS (60) while a batch of SOAK_BATCH (30) scans is ingested:
#     errors (must be 0), requests, p50/p99 latency, the server's resident
#     memory each second (start, max, end, and its trend after warm-up);
#  4. the catalogue's write lock held past the busy timeout (25 s): reads
#     answer 503 in words, never 500, and 200 again once it is free;
#  5. upload limits while streaming: 1000 files at once (accepted), 1001
#     (refused), one 1 GB file and a 1.1 GB batch streamed from /dev/zero:
#     refused in words with the server's disk and memory watched.
# SOAK_SEED (1) makes the rounds' seeds; each round prints its own.
# Exit status 0 when every check passed.
set -u
BUILD=${1:-build}
export BUILD
export DOSSIER="$PWD/$BUILD/dossier"
export GENSAMPLES="$PWD/$BUILD/gensamples"
ROUNDS=${SOAK_ROUNDS:-50}
SECS=${SOAK_SECONDS:-60}
CLIENTS=${SOAK_CLIENTS:-50}
NBATCH=${SOAK_BATCH:-30}
SEED=${SOAK_SEED:-1}
. tests/tap.sh
. tests/faults-lib.sh
command -v wrk >/dev/null || { echo "soak: wrk is missing (scripts/install-deps soak)" >&2; exit 1; }
t0=$SECONDS
MNT=
trap 'stop_server; [ -n "${LOCKP:-}" ] && kill $LOCKP 2>/dev/null; rm -rf "$T_TMP"' EXIT
say() { echo "# [$((SECONDS - t0))s] $*"; }

A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null
echo "clerk-pass-123" | D user add cle --role clerk >/dev/null
add_auditor "$A"

# ---- 1, 2: kill -9 rounds ----
ing_ok=0 ing_bad=() srv_ok=0 srv_bad=() files=0
for r in $(seq 1 "$ROUNDS"); do
	s=$((SEED * 10000 + r))
	kill_ingest_round "$A" "$T_TMP/k$r" "$s" 4
	files=$((files + 4))
	if [ "$ROUND_RESULT" = ok ]; then ing_ok=$((ing_ok + 1)); else ing_bad+=("seed $s: $ROUND_RESULT"); fi
	say "ingest round $r/$ROUNDS, seed $s, killed after ${KILL_AT}s: $ROUND_RESULT"
done
ok_if() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  '$2'" "want: '$3'"; fi; }
ok_if "every ingest round survived" "$ing_ok" "$ROUNDS"
for r in $(seq 1 "$ROUNDS"); do
	s=$((SEED * 10000 + 5000 + r))
	kill_serve_round "$A" "$T_TMP/u$r" "$s" 3 cle clerk-pass-123
	files=$((files + 3))
	if [ "$ROUND_RESULT" = ok ]; then srv_ok=$((srv_ok + 1)); else srv_bad+=("seed $s: $ROUND_RESULT"); fi
	say "serve round $r/$ROUNDS, seed $s, killed after ${KILL_AT}s: $ROUND_RESULT"
done
ok_if "every serve round survived" "$srv_ok" "$ROUNDS"
stored=$(sqlite3 "$A/catalogue.db" "SELECT count(DISTINCT sha256) FROM source")
dups=$(sqlite3 "$A/catalogue.db" "SELECT (SELECT count(*) FROM source) - count(DISTINCT sha256) + (SELECT count(*) FROM (SELECT source_id FROM document GROUP BY source_id HAVING count(*) > 1)) FROM source")
lost=$((files - stored))
ok_if "no file lost over the rounds" "$lost" 0
ok_if "nothing filed twice over the rounds" "$dups" 0
check "the archive verifies after the rounds" verified "$A"
whole_or_absent "$A"
ok_if "every document whole after the rounds" "$WHOLE" ok
ndocs=$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM document")

# ---- 3: load: searches while a batch is ingested ----
say "load: $CLIENTS clients searching for ${SECS}s while $NBATCH scans are ingested"
mkdir -p "$T_TMP/load-in"
"$GENSAMPLES" -o "$T_TMP/load-in" --count "$NBATCH" --kind mixed --format tiff-g4 \
	--dpi 150 --seed $((SEED * 10000 + 9000)) >/dev/null 2>&1
start_server "$A" --threads 2 || { not_ok "load: server starts"; finish; }
sign_in t-auditor auditor-pass-1 >/dev/null
tok=$(awk '$6 == "dossier_session" {print $7}' "$CURL_HOME/jar")
lua="$T_TMP/search.lua"
cat >"$lua" <<LUA
-- Searches an auditor makes: words, an account prefix, a field, a phrase.
local qs = { "ACC", "contract", "invoice", "letter", "ACC-2024*", "account%3AACC-2024",
	"type%3Acontract", "%22Credit%20Union%22", "statement", "customer",
	"ACC-2021", "payment", "date%3A2020..2025" }
local n = 0
request = function()
	n = n + 1
	return wrk.format("GET", "/api/search?limit=20&q=" .. qs[(n % #qs) + 1],
		{ ["Cookie"] = "dossier_session=$tok" })
end
LUA
# The server's resident memory, each second.
( while kill -0 "$SERVER_PID" 2>/dev/null; do
	awk -v t=$SECONDS '/VmRSS/ {print t, $2}' "/proc/$SERVER_PID/status"
	sleep 1
done ) >"$T_TMP/rss" 2>/dev/null &
sampler=$!
( sleep 3; "$DOSSIER" -A "$A" ingest -j 1 "$T_TMP"/load-in/*.tif >"$T_TMP/load-ingest.log" 2>&1
	echo $? >"$T_TMP/load-ingest.rc" ) &
ingp=$!
wrk -t2 -c"$CLIENTS" -d"${SECS}s" --timeout 10s --latency -s "$lua" "$BASE_URL" >"$T_TMP/wrk.out" 2>&1
wait "$ingp"
sleep 2
stop_server
wait "$sampler" 2>/dev/null
sign_out
sed 's/^/# wrk: /' "$T_TMP/wrk.out"
reqs=$(awk '/requests in/ {print $1}' "$T_TMP/wrk.out")
rps=$(awk '/Requests\/sec/ {print $2}' "$T_TMP/wrk.out")
p50=$(awk '$1 == "50%" {print $2}' "$T_TMP/wrk.out")
p99=$(awk '$1 == "99%" {print $2}' "$T_TMP/wrk.out")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$T_TMP/wrk.out")
sockerr=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$T_TMP/wrk.out")
errors=$(( ${non2xx:-0} + ${sockerr:-0} ))
ok_if "load: no search failed (non-2xx and socket errors)" "$errors" 0
ok_if "load: the batch was ingested meanwhile, every file" \
	"$(cat "$T_TMP/load-ingest.rc"):$(tail -1 "$T_TMP/load-ingest.log" | sed 's/.*file(s), \([0-9]*\) document(s).*failed.*/\1/')" \
	"0:$NBATCH"
is "load: no 'locked' or 'busy' error" "$(grep -ci 'locked\|busy' "$T_TMP/load-ingest.log")" 0
# Memory: start, max, end; the trend after 10 s of warm-up (least
# squares, MB per minute) and the mean of the last quarter against the
# second quarter.
read -r rss_start rss_max rss_end slope q2 q4 < <(awk '
	NR == 1 { t0 = $1; start = $2 }
	{ t = $1 - t0; v[NR] = $2; tt[NR] = t; if ($2 > max) max = $2; end = $2 }
	END {
		for (i = 1; i <= NR; i++) if (tt[i] >= 10) {
			n++; sx += tt[i]; sy += v[i]; sxx += tt[i] * tt[i]; sxy += tt[i] * v[i]
		}
		slope = (n > 1 && n * sxx - sx * sx > 0) ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : 0
		q = int(NR / 4)
		for (i = q + 1; i <= 2 * q; i++) a += v[i]
		for (i = 3 * q + 1; i <= NR; i++) b += v[i]
		printf "%d %d %d %.2f %d %d\n", start, max, end, slope * 60 / 1024,
			q ? a / q : 0, (NR - 3 * q) ? b / (NR - 3 * q) : 0
	}' "$T_TMP/rss")
growth=$(( (q4 - q2) / 1024 ))
is "load: the server's memory stays flat (last quarter within 8 MB of the second)" \
	"$([ "$growth" -lt 8 ] && echo flat || echo "grew ${growth} MB")" flat
check "load: the archive verifies" verified "$A"

# ---- 4: the write lock held past the busy timeout (10 s) ----
# A view waits for the lock in its server thread, a search in the audit
# writer: one after the other, each past the timeout, within the 25 s.
say "the catalogue's write lock held for 25 s"
start_server "$A" || not_ok "lock: server starts"
sign_in t-auditor auditor-pass-1 >/dev/null
python3 - "$A/catalogue.db" "$T_TMP/locked" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(25)
c.execute("COMMIT")
PY
LOCKP=$!
while [ ! -e "$T_TMP/locked" ]; do sleep 0.1; done
is "lock: a view past the busy timeout: 503 in words" \
	"$(curl -s -o "$T_TMP/r1" -w '%{http_code}' "$BASE_URL/api/documents/1") $(jq -r .error <"$T_TMP/r1")" \
	"503 the archive is busy; try again in a moment"
is "lock: a search past the busy timeout: 503 in words" \
	"$(curl -s -o "$T_TMP/r2" -w '%{http_code}' "$BASE_URL/api/search?q=ACC") $(jq -r .error <"$T_TMP/r2")" \
	"503 the search could not be recorded in the audit log, so it is not answered; see the server log"
wait $LOCKP
LOCKP=
is "lock: once free, reads answer 200" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/documents/1") $(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/search?q=ACC")" \
	"200 200"
stop_server
sign_out

# ---- 5: upload limits while streaming ----
say "upload limits"
spool_mark "$A/tmp"
start_server "$A" || not_ok "limits: server starts"
sign_in cle clerk-pass-123 >/dev/null
# many_body N FILE: a multipart body of N tiny files (not scans).
many_body() {
	python3 - "$1" "$2" <<'PY'
import sys
with open(sys.argv[2], "wb") as f:
    for i in range(int(sys.argv[1])):
        f.write(b"--xyz\r\nContent-Disposition: form-data; name=\"files\"; "
                b"filename=\"s%04d.tif\"\r\n\r\nnot a scan %d\r\n" % (i, i))
    f.write(b"--xyz--\r\n")
PY
}
many_body 1000 "$T_TMP/b1000"
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -H 'Content-Type: multipart/form-data; boundary=xyz' \
	--data-binary @"$T_TMP/b1000" "$BASE_URL/api/batches")
is "1000 files at once: accepted" "$code $(jq -r .files <"$T_TMP/r")" "202 1000"
b=$(jq -r .batch <"$T_TMP/r")
wait_batch "$b"
is "1000 files at once: the batch ends, each file answered" \
	"$BATCH_STATE $(curl -s "$BASE_URL/api/batches/$b/progress" | jq '[.files[] | select(.error == "not a TIFF, PNG, JPEG or PDF scan")] | length')" \
	"done 1000"
many_body 1001 "$T_TMP/b1001"
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -H 'Content-Type: multipart/form-data; boundary=xyz' \
	--data-binary @"$T_TMP/b1001" "$BASE_URL/api/batches")
is "1001 files at once: 413 in words" "$code $(jq -r .error <"$T_TMP/r")" \
	"413 too many files in one batch (at most 1000)"
upload_stream "$BASE_URL" 1024 "$A/tmp"
is "a 1 GB file streamed: 413 in words" "$STREAM_CODE $(jq -r .error <"$STREAM_BODY")" \
	"413 a file is larger than 200 MB; split the scan"
big_spool=$STREAM_SPOOL_MAX_KB big_rss=$STREAM_RSS_GROWTH_KB
is "a 1 GB file streamed: the spool stayed within 200 MB" \
	"$([ "$big_spool" -le $((200 * 1024 + 64)) ] && echo yes || echo "no: $big_spool KB")" yes
upload_stream "$BASE_URL" 3072 "$A/tmp"
is "a 3 GB stream: cut off once 2 GB are read, the spool within 200 MB" \
	"$([ "$STREAM_SENT" -lt $((2100 << 20)) ] && [ "$STREAM_SPOOL_MAX_KB" -le $((200 * 1024 + 64)) ] && echo yes || echo "no: $STREAM_SENT bytes sent, spool $STREAM_SPOOL_MAX_KB KB")" yes
huge_sent=$STREAM_SENT huge_spool=$STREAM_SPOOL_MAX_KB huge_rss=$STREAM_RSS_GROWTH_KB
# Six files of 180 MB: 1.08 GB in all.
rss0=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
{
	for i in 1 2 3 4 5 6; do
		printf -- '--xyz\r\nContent-Disposition: form-data; name="files"; filename="p%d.tif"\r\n\r\n' "$i"
		head -c $((180 << 20)) /dev/zero
		printf -- '\r\n'
	done
	printf -- '--xyz--\r\n'
} | curl -s -o "$T_TMP/r6" -w '%{http_code}' -T - -X POST \
	-H 'Content-Type: multipart/form-data; boundary=xyz' "$BASE_URL/api/batches" >"$T_TMP/code" &
c=$!
tot_spool=0 tot_rss=0 base=$(du -sk "$A/tmp" | cut -f1)
while kill -0 $c 2>/dev/null; do
	d=$(($(du -sk "$A/tmp" | cut -f1) - base)); [ "$d" -gt "$tot_spool" ] && tot_spool=$d
	v=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"); [ "$v" -gt "$tot_rss" ] && tot_rss=$v
	sleep 0.05
done
wait $c
is "a 1.08 GB batch streamed: 413 in words" "$(cat "$T_TMP/code") $(jq -r .error <"$T_TMP/r6")" \
	"413 the batch is larger than 1 GB; upload it in parts"
is "a 1.08 GB batch streamed: the spool stayed within 1 GB" \
	"$([ "$tot_spool" -le $((1024 * 1024 + 64)) ] && echo yes || echo "no: $tot_spool KB")" yes
tot_rss=$((tot_rss > rss0 ? tot_rss - rss0 : 0))
is "uploads: nothing kept of the refused ones" "$(left_in "$A/tmp")" ""
stop_server

# ---- summary ----
echo
echo "soak summary (SOAK_SEED=$SEED, SOAK_ROUNDS=$ROUNDS)"
printf '  %-46s %s\n' \
	"kill -9 of dossier ingest: rounds survived" "$ing_ok/$ROUNDS" \
	"kill -9 of dossier serve: rounds survived" "$srv_ok/$ROUNDS" \
	"files given / stored / lost / filed twice" "$files / $stored / $lost / $dups" \
	"documents in the archive" "$ndocs" \
	"load: clients, seconds, batch ingested" "$CLIENTS, $SECS s, $NBATCH scans" \
	"load: requests, requests/s" "${reqs:-?}, ${rps:-?}" \
	"load: errors (non-2xx + socket)" "$errors" \
	"load: latency p50 / p99" "${p50:-?} / ${p99:-?}" \
	"load: server RSS start / max / end" "$((rss_start / 1024)) / $((rss_max / 1024)) / $((rss_end / 1024)) MB" \
	"load: RSS trend after warm-up" "$slope MB/min (last quarter $((q4 - q2 >= 0 ? (q4 - q2) / 1024 : -((q2 - q4) / 1024))) MB vs second)" \
	"1 GB file: spool peak, server RSS growth" "$((big_spool / 1024)) MB, $((big_rss / 1024)) MB" \
	"3 GB stream: read before cut off, spool peak" "$((huge_sent >> 20)) MB, $((huge_spool / 1024)) MB" \
	"1.08 GB batch: spool peak, server RSS growth" "$((tot_spool / 1024)) MB, $((tot_rss / 1024)) MB" \
	"time" "$((SECONDS - t0)) s"
for l in "${ing_bad[@]}" "${srv_bad[@]}"; do echo "  FAILED round: $l"; done
echo "$((T_N - T_FAILED)) passed, $T_FAILED failed"
finish
