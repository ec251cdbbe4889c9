# faults.sh: faults, concurrency and limits, bounded (about 30 s).
#  - kill -9 of `dossier ingest`, and of `dossier serve` ingesting an
#    uploaded batch, at seeded random points: the archive verifies, every
#    document is whole or absent, `dossier ingest --resume` finishes the
#    batch, nothing is filed twice;
#  - a full disk (a small tmpfs, or anywhere with DOSSIER_RESERVE_MB): the
#    batch stops with the reason in words and is resumable, nothing is
#    half-written, searches, views and the server's reads go on;
#  - a read-only archive: searches and views work, ingest and upload are
#    refused in words;
#  - several `dossier ingest` at once on one archive with readers over
#    HTTP and a writer holding the catalogue's lock: no "database is
#    locked", every file filed once, no read answered 500;
#  - upload limits enforced while streaming: 1001 files, a 210 MB file.
# FAULTS_SEED fixes the seed (printed); FAULTS_ROUNDS the kill rounds.
# tests/soak/run.sh runs the same kill rounds many more times.
. tests/tap.sh
. tests/faults-lib.sh

SEED=${FAULTS_SEED:-$(( $(date +%s) % 100000 ))}
ROUNDS=${FAULTS_ROUNDS:-2}
echo "# seed $SEED (FAULTS_SEED=$SEED reproduces it)"
RANDOM=$SEED
MNT=
trap 'stop_server; faults_umount; rm -rf "$T_TMP"' EXIT

A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null || { not_ok "init"; finish; }
echo "clerk-pass-123" | D user add cle --role clerk >/dev/null
add_auditor "$A"

# ---- kill -9 of dossier ingest ----
echo "# ${SECONDS}s: kill -9 of dossier ingest"
for r in $(seq 1 "$ROUNDS"); do
	kill_ingest_round "$A" "$T_TMP/k$r" $((SEED + r)) 3
	is "ingest round $r (killed after ${KILL_AT}s): verify, whole or absent, resumed once" \
		"$ROUND_RESULT" "ok"
done

# ---- kill -9 of dossier serve while it ingests an upload ----
echo "# ${SECONDS}s: kill -9 of dossier serve while it ingests an upload"
kill_serve_round "$A" "$T_TMP/u1" $((SEED + 100)) 3 cle clerk-pass-123
is "serve round (killed after ${KILL_AT}s): verify, whole or absent, resumed once" \
	"$ROUND_RESULT" "ok"
start_server "$A" || not_ok "server restarts after kill -9"
sign_in t-auditor auditor-pass-1 >/dev/null
is "after the kills, a search over HTTP finds every document" \
	"$(curl -s "$BASE_URL/api/search?q=ACC&limit=1" | jq .total)" \
	"$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM document")"
stop_clean "after the kills: the server stops cleanly"
sign_out

# ---- a full disk ----
echo "# ${SECONDS}s: a full disk"
"$GENSAMPLES" -o "$T_TMP/full-in" --count 3 --kind mixed --format tiff-g4 \
	--dpi 150 --seed $((SEED + 200)) >/dev/null 2>&1
"$GENSAMPLES" -o "$T_TMP/full-in" --count 1 --kind letter --format tiff-rgb \
	--dpi 150 --seed $((SEED + 201)) --prefix big >/dev/null 2>&1
set -- "$T_TMP"/full-in/page-0001.tif "$T_TMP"/full-in/big-0001.tif \
	"$T_TMP"/full-in/page-0002.tif
FULLMSG="the archive's disk is full"

# Anywhere (no mount needed): what is kept free made larger than the disk.
F="$T_TMP/reserve"
"$DOSSIER" -A "$F" init >/dev/null
out=$(DOSSIER_RESERVE_MB=1048576 "$DOSSIER" -A "$F" ingest "$@" 2>&1)
is "disk full (reserve): exit status 1" "$?" 1
contains "disk full (reserve): the file's reason in words" "$out" \
	"$1: cannot store the original: $FULLMSG"
contains "disk full (reserve): the batch stops, resumable" "$out" \
	"dossier: batch 1 stopped: $FULLMSG; once that is put right, 'dossier ingest --resume 1' ingests the files it did not"
is "disk full (reserve): interrupted, all three files pending" \
	"$("$DOSSIER" -A "$F" batch --json 1 | jq -r '.status + " " + ([.entries[].outcome] | join(","))')" \
	"interrupted pending,pending,pending"
out=$("$DOSSIER" -A "$F" ingest --resume 1 2>&1)
is "disk full (reserve): resumed once there is room" "$?" 0
is "disk full (reserve): every file filed, once" \
	"$(sqlite3 "$F/catalogue.db" "SELECT count(*), count(DISTINCT sha256) FROM source")" "3|3"
check "disk full (reserve): verify passes" verified "$F"

# A real small disk: a 2 MB tmpfs, 1 MB of it kept free.
if faults_mount "$T_TMP/mnt" 2m; then
	F="$MNT/archive"
	"$DOSSIER" -A "$F" init >/dev/null
	spool_mark "$F/tmp"
	echo "clerk-pass-123" | "$DOSSIER" -A "$F" user add cle --role clerk >/dev/null
	add_auditor "$F"
	out=$("$DOSSIER" -A "$F" ingest -j 2 "$@" 2>&1)
	is "tmpfs full: exit status 1" "$?" 1
	contains "tmpfs full: the big scan refused in words" "$out" \
		"$2: cannot store the original: $FULLMSG"
	contains "tmpfs full: the batch stops, resumable" "$out" \
		"dossier: batch 1 stopped: $FULLMSG"
	is "tmpfs full: the first file filed, the rest pending" \
		"$("$DOSSIER" -A "$F" batch --json 1 | jq -r '.status + " " + ([.entries[].outcome] | join(","))')" \
		"interrupted ingested,pending,pending"
	is "tmpfs full: no temporary file left" "$(left_in "$F/tmp")" ""
	check "tmpfs full: verify passes" verified "$F"
	is "tmpfs full: search still works" \
		"$("$DOSSIER" -A "$F" search --json ACC | jq .total)" 1
	is "tmpfs full: show still works (and is audited)" \
		"$("$DOSSIER" -A "$F" show --json 1 | jq .npages):$(sqlite3 "$F/catalogue.db" "SELECT count(*) FROM audit WHERE action = 'view'")" "1:1"
	start_server "$F" || not_ok "tmpfs full: server starts"
	sign_in t-auditor auditor-pass-1 >/dev/null
	is "tmpfs full: the server answers searches" \
		"$(curl -s -w ' %{http_code}' "$BASE_URL/api/search?q=ACC" | sed 's/.*"total":\([0-9]*\).* /\1 /')" "1 200"
	is "tmpfs full: the server shows documents" \
		"$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/documents/1")" 200
	sign_in cle clerk-pass-123 >/dev/null
	code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -F "files=@$2" "$BASE_URL/api/batches")
	is "tmpfs full: an upload is refused in words (507)" \
		"$code $(jq -r .error <"$T_TMP/r")" \
		"507 the archive's disk is full; nothing of this upload was kept"
	is "tmpfs full: the refused upload left nothing" "$(left_in "$F/tmp")" ""
	server_alive "tmpfs full: the server still runs"
	stop_clean "tmpfs full: the server stops cleanly"
	sign_out
	# Room again, but no file can be created: the writes themselves
	# meet ENOSPC (past what arc_space_check foresees).
	mount -o remount,size=64m "$MNT"
	used=$(df --output=iused "$MNT" | tail -1)
	mount -o remount,nr_inodes=$((used + 3)) "$MNT"
	out=$("$DOSSIER" -A "$F" ingest --resume 1 2>&1)
	is "tmpfs out of inodes: exit status 1" "$?" 1
	contains "tmpfs out of inodes: the reason in words" "$out" \
		"$2: cannot store"
	contains "tmpfs out of inodes: ... the disk is full" "$out" \
		"dossier: batch 1 stopped: $FULLMSG"
	is "tmpfs out of inodes: no temporary file left" "$(left_in "$F/tmp")" ""
	mount -o remount,nr_inodes=10000 "$MNT"
	check "tmpfs out of inodes: verify passes once there is room" \
		verified "$F"
	out=$("$DOSSIER" -A "$F" ingest --resume 1 2>&1)
	is "tmpfs: resumed once there is room" "$?" 0
	is "tmpfs: every file filed, once; the batch done" \
		"$(sqlite3 "$F/catalogue.db" "SELECT count(*), count(DISTINCT sha256) FROM source"):$("$DOSSIER" -A "$F" batch --json 1 | jq -r .status)" \
		"3|3:done"
	whole_or_absent "$F"
	is "tmpfs: every document whole" "$WHOLE" "ok"
	check "tmpfs: verify passes" verified "$F"
	faults_umount
else
	skip "tmpfs disk-full checks: mount refused (not root?)"
fi

# ---- a read-only archive ----
echo "# ${SECONDS}s: a read-only archive"
ndocs=$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM document")
if faults_readonly "$A" "$T_TMP/ro"; then
	R=$RO
	out=$("$DOSSIER" -A "$R" search --json ACC 2>"$T_TMP/err")
	is "read-only: search works" "$(echo "$out" | jq .total)" "$ndocs"
	contains "read-only: said once, in words" "$(cat "$T_TMP/err")" \
		"the archive at $R is read-only"
	is "read-only: show works" \
		"$("$DOSSIER" -A "$R" show --json 1 2>/dev/null | jq .id)" 1
	out=$("$DOSSIER" -A "$R" ingest "$T_TMP"/full-in/page-0003.tif 2>&1)
	is "read-only: ingest refused, exit status 1" "$?" 1
	contains "read-only: ingest refused in words" "$out" \
		"dossier: the archive at $R is read-only; nothing can be ingested into it"
	check "read-only: verify works" verified "$R"
	start_server "$R" || not_ok "read-only: server starts"
	sign_in cle clerk-pass-123 >/dev/null
	is "read-only: the server answers searches" \
		"$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/search?q=ACC")" 200
	code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' \
		-F "files=@$T_TMP/full-in/page-0003.tif" "$BASE_URL/api/batches")
	is "read-only: an upload is refused in words (503)" \
		"$code $(jq -r .error <"$T_TMP/r")" \
		"503 the archive is read-only; nothing can be uploaded into it"
	server_alive "read-only: the server still runs"
	stop_clean "read-only: the server stops cleanly"
	sign_out
	faults_readonly_end
else
	skip "read-only checks: cannot make a read-only view"
fi

# ---- concurrent writers, readers over HTTP, a long lock ----
echo "# ${SECONDS}s: concurrent writers, readers over HTTP, a long lock"
C="$T_TMP/conc"
"$DOSSIER" -A "$C" init >/dev/null
add_auditor "$C"
"$GENSAMPLES" -o "$T_TMP/cin" --count 5 --kind mixed --format tiff-g4 --dpi 150 \
	--seed $((SEED + 300)) >/dev/null 2>&1
c=("$T_TMP"/cin/page-000[1-5].tif)
"$DOSSIER" -A "$C" ingest -j 1 "${c[0]}" >/dev/null 2>&1 # a document to read
start_server "$C" || not_ok "concurrent: server starts"
sign_in t-auditor auditor-pass-1 >/dev/null
# Readers: search, a view (audited at once), a thumbnail, until told;
# the session cookie given as is (a shared cookie jar is not safe for
# curls running side by side).
tok=$(awk '$6 == "dossier_session" {print $7}' "$CURL_HOME/jar")
reader() {
	while [ ! -e "$T_TMP/stop-readers" ]; do
		for u in "search?q=ACC" documents/1 documents/1/pages/1/thumb; do
			curl -q -s -o /dev/null -w "%{http_code} $u\n" \
				-b "dossier_session=$tok" "$BASE_URL/api/$u"
		done
		sleep 0.1
	done >>"$T_TMP/codes.$1"
}
reader 1 & r1=$!
reader 2 & r2=$!
# A writer holding the catalogue's write lock for 3 s, meanwhile.
python3 - "$C/catalogue.db" <<'PY' &
import sqlite3, sys, time
time.sleep(0.5)
c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
c.execute("BEGIN IMMEDIATE")
time.sleep(3)
c.execute("COMMIT")
PY
lk=$!
# Three ingests at once: each has a file in common with another, one
# file already filed, and one of its own.
"$DOSSIER" -A "$C" ingest -j 1 "${c[1]}" "${c[2]}" >"$T_TMP/w1" 2>&1 & w1=$!
"$DOSSIER" -A "$C" ingest -j 1 "${c[2]}" "${c[3]}" >"$T_TMP/w2" 2>&1 & w2=$!
"$DOSSIER" -A "$C" ingest -j 1 "${c[0]}" "${c[4]}" "${c[1]}" >"$T_TMP/w3" 2>&1 & w3=$!
rcs=
for p in $w1 $w2 $w3; do wait $p; rcs="$rcs$?"; done
wait $lk
touch "$T_TMP/stop-readers"
wait $r1 $r2
stop_clean "concurrent: the server stops cleanly"
cat "$T_TMP"/codes.* >"$T_TMP/codes"
is "concurrent: the three ingests succeed" "$rcs" "000"
is "concurrent: no 'locked' or 'busy' error" \
	"$(cat "$T_TMP"/w? | grep -ci 'locked\|busy')" 0
is "concurrent: every file filed once" \
	"$(sqlite3 "$C/catalogue.db" "SELECT count(*), count(DISTINCT sha256), (SELECT count(*) FROM document) FROM source")" \
	"5|5|5"
is "concurrent: the shared files are duplicates in the later batches" \
	"$(sqlite3 "$C/catalogue.db" "SELECT count(*) FROM batch_file WHERE outcome NOT IN ('ingested', 'duplicate')")" 0
is "concurrent: every HTTP read answered 200" \
	"$(grep -v '^200 ' "$T_TMP/codes" | sort | uniq -c | tr -s ' \n' ' ')" ""
is "concurrent: readers ran throughout (30 reads or more)" \
	"$([ "$(wc -l <"$T_TMP/codes")" -ge 30 ] && echo yes)" yes
echo "# concurrent: $(wc -l <"$T_TMP/codes") reads"
whole_or_absent "$C"
is "concurrent: every document whole" "$WHOLE" "ok"
check "concurrent: verify passes" verified "$C"

# ---- upload limits, enforced while streaming ----
echo "# ${SECONDS}s: upload limits, enforced while streaming"
spool_mark "$A/tmp"
start_server "$A" || not_ok "limits: server starts"
sign_in cle clerk-pass-123 >/dev/null
python3 - "$T_TMP/many.body" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    for i in range(1001):
        f.write(b"--xyz\r\nContent-Disposition: form-data; name=\"files\"; "
                b"filename=\"s%04d.tif\"\r\n\r\nII*\x00\r\n" % i)
    f.write(b"--xyz--\r\n")
PY
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -H 'Content-Type: multipart/form-data; boundary=xyz' \
	--data-binary @"$T_TMP/many.body" "$BASE_URL/api/batches")
is "1001 files: 413 in words" "$code $(jq -r .error <"$T_TMP/r")" \
	"413 too many files in one batch (at most 1000)"
is "1001 files: nothing kept" "$(left_in "$A/tmp")" ""
upload_stream "$BASE_URL" 210 "$A/tmp"
is "a 210 MB file streamed: 413 in words" "$STREAM_CODE $(jq -r .error <"$STREAM_BODY")" \
	"413 a file is larger than 200 MB; split the scan"
is "a 210 MB file streamed: the spool never passed the 200 MB limit" \
	"$([ "$STREAM_SPOOL_MAX_KB" -le $((200 * 1024 + 64)) ] && echo yes || echo "no: $STREAM_SPOOL_MAX_KB KB")" yes
is "a 210 MB file streamed: the server's memory grew less than 16 MB" \
	"$([ "$STREAM_RSS_GROWTH_KB" -lt 16384 ] && echo yes || echo "no: $STREAM_RSS_GROWTH_KB KB")" yes
is "a 210 MB file streamed: nothing kept" "$(left_in "$A/tmp")" ""
echo "# 210 MB stream: spool at most $STREAM_SPOOL_MAX_KB KB, server RSS +$STREAM_RSS_GROWTH_KB KB"
is "the server still answers" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/health")" 200
server_alive "the server still runs"
stop_clean "limits: the server stops cleanly"
check "the archive verifies after all of it" verified "$A"
echo "# ${SECONDS}s: end"
finish
