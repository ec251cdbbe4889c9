# faults-lib.sh: what tests/integration/faults.sh and tests/soak/run.sh
# share (sourced after tests/tap.sh): kill -9 rounds with their checks, a
# small tmpfs, a read-only view of an archive, a streamed upload.
# Every check reads the catalogue with sqlite3 and the blob folder as they
# are on disk, not through dossier.

# verified ARCHIVE: `dossier verify` passes (its report kept in
# $T_TMP/verify.out, its problems echoed as TAP comments when not).
verified() {
	"$DOSSIER" -A "$1" verify >"$T_TMP/verify.out" 2>&1 && return 0
	grep -v '^audit head' "$T_TMP/verify.out" | head -5 | sed 's/^/# /'
	return 1
}

# spool_mark DIR: notes what DIR holds now (an upload cut off by a kill
# stays a week, by design); left_in DIR: what is in DIR besides, once the
# server is done with a request (it tidies up after answering): waits up
# to 60 s for that to be nothing.
spool_mark() { ls -A "$1" >"$T_TMP/spool.mark"; }
left_in() {
	local i new
	[ -f "$T_TMP/spool.mark" ] || : >"$T_TMP/spool.mark"
	local end=$((SECONDS + 60))
	while :; do
		new=$(ls -A "$1" | grep -vxF -f "$T_TMP/spool.mark")
		[ -z "$new" ] && return
		[ "$SECONDS" -lt "$end" ] || break
		sleep 0.1
	done
	echo "$new"
}

# server_alive DESC: the server started by start_server still runs (if
# not: how it ended and the end of its log, as TAP comments).
server_alive() {
	local rc
	if kill -0 "$SERVER_PID" 2>/dev/null; then
		ok "$1"
		return
	fi
	wait "$SERVER_PID" 2>/dev/null
	rc=$?
	not_ok "$1" "the server ended with status $rc; its log ends:" \
		"$(tail -5 "$T_TMP/serve.log")"
}

# stop_clean DESC: stops the server; it must end cleanly (status 0, and
# nothing from a sanitizer in its log, under make asan).
stop_clean() {
	local rc
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	rc=$?
	if [ "$rc" -eq 0 ] && ! grep -q 'Sanitizer\|runtime error' "$T_TMP/serve.log"; then
		ok "$1"
	else
		not_ok "$1" "status $rc; the log:" "$(grep -A12 'Sanitizer\|runtime error' "$T_TMP/serve.log" | head -30)"
	fi
}

# sleep_ms N
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

# whole_or_absent ARCHIVE: sets WHOLE to "ok", or to what is wrong: every
# document has all its pages, every page of every source file is in a
# document or set aside, and every blob they name is a file.
whole_or_absent() {
	local db="$1/catalogue.db" bad sha
	WHOLE=ok
	bad=$(sqlite3 "$db" "SELECT 'document ' || d.id || ': ' || d.npages ||
		' pages recorded, ' || (SELECT count(*) FROM page p WHERE
		p.document_id = d.id) || ' stored' FROM document d WHERE d.npages <>
		(SELECT count(*) FROM page p WHERE p.document_id = d.id) LIMIT 1")
	[ -z "$bad" ] || { WHOLE=$bad; return; }
	bad=$(sqlite3 "$db" "SELECT 'source ' || s.name || ': ' || s.pages ||
		' pages, ' || ((SELECT count(*) FROM page p JOIN document d ON
		d.id = p.document_id WHERE d.source_id = s.id) + (SELECT count(*)
		FROM skipped_page k WHERE k.source_id = s.id)) || ' accounted for'
		FROM source s WHERE s.pages <> (SELECT count(*) FROM page p JOIN
		document d ON d.id = p.document_id WHERE d.source_id = s.id) +
		(SELECT count(*) FROM skipped_page k WHERE k.source_id = s.id)
		LIMIT 1")
	[ -z "$bad" ] || { WHOLE=$bad; return; }
	for sha in $(sqlite3 "$db" "SELECT processed_sha256 FROM page UNION
		SELECT thumb_sha256 FROM page UNION SELECT sha256 FROM source
		UNION SELECT pdf_sha256 FROM document WHERE pdf_sha256 IS NOT
		NULL"); do
		[ -s "$1/blobs/${sha:0:2}/$sha" ] || { WHOLE="blob $sha missing"; return; }
	done
}

# filed_once ARCHIVE FILE...: sets ONCE to "ok", or to the first file not
# stored exactly once (as a source file with its one document).
filed_once() {
	local db="$1/catalogue.db" f sha n
	shift
	ONCE=ok
	for f in "$@"; do
		sha=$(sha256sum "$f" | cut -c1-64)
		n=$(sqlite3 "$db" "SELECT count(*) || '/' || (SELECT count(*) FROM
			document d JOIN source s ON s.id = d.source_id WHERE s.sha256 =
			'$sha') FROM source WHERE sha256 = '$sha'")
		[ "$n" = "1/1" ] || { ONCE="$(basename "$f"): $n source(s)/document(s)"; return; }
	done
}

# batch_after ARCHIVE ID: the first batch after batch ID, as "id status",
# or nothing.
batch_after() {
	sqlite3 -separator ' ' "$1/catalogue.db" \
		"SELECT id, status FROM batch WHERE id > $2 ORDER BY id LIMIT 1"
}

# round_check ARCHIVE BATCH NFILES FILE...: the round's end state: the
# batch done with every file ingested, each filed once, all whole, the
# archive verified.  Sets ROUND_RESULT.
round_check() {
	local a=$1 b=$2 n=$3 got
	shift 3
	got=$(sqlite3 "$a/catalogue.db" "SELECT status || ' ' || (SELECT
		count(*) FROM batch_file WHERE batch_id = $b AND outcome =
		'ingested') FROM batch WHERE id = $b")
	[ "$got" = "done $n" ] || { ROUND_RESULT="batch $b: '$got', want 'done $n'"; return; }
	filed_once "$a" "$@"
	[ "$ONCE" = ok ] || { ROUND_RESULT="not filed once: $ONCE"; return; }
	whole_or_absent "$a"
	[ "$WHOLE" = ok ] || { ROUND_RESULT="after resume: $WHOLE"; return; }
	"$DOSSIER" -A "$a" verify >"$T_TMP/verify.out" 2>&1 ||
		{ ROUND_RESULT="verify after resume: $(grep -v '^audit head' "$T_TMP/verify.out" | head -3 | tr '\n' ' ')"; return; }
	ROUND_RESULT=ok
}

# after_kill ARCHIVE: right after a kill -9: the archive verifies and
# every document is whole or absent.  Sets ROUND_RESULT (ok, or why not).
after_kill() {
	if ! "$DOSSIER" -A "$1" verify >"$T_TMP/verify.out" 2>&1; then
		ROUND_RESULT="verify after kill: $(grep -v '^audit head' "$T_TMP/verify.out" | head -3 | tr '\n' ' ')"
		return
	fi
	whole_or_absent "$1"
	[ "$WHOLE" = ok ] || { ROUND_RESULT="after kill: $WHOLE"; return; }
	ROUND_RESULT=ok
}

# make_files DIR SEED N: N scans of one or two pages (every third has two).
make_files() {
	local i
	mkdir -p "$1"
	for i in $(seq 1 "$3"); do
		"$GENSAMPLES" -o "$1" --count 1 --kind mixed --format tiff-g4 \
			--dpi 150 --seed $(($2 * 100 + i)) --prefix "f$i" \
			--pages $((i % 3 == 0 ? 2 : 1)) >/dev/null 2>&1
	done
}

# kill_ingest_round ARCHIVE DIR SEED NFILES: `dossier ingest` of NFILES new
# scans killed (-9) after a random time; checked; resumed (or, killed
# before its batch began, run again); checked.  Sets KILL_AT (seconds)
# and ROUND_RESULT.
kill_ingest_round() {
	local a=$1 dir=$2 seed=$3 n=$4 before ms p b st files
	RANDOM=$seed
	make_files "$dir" "$seed" "$n"
	files=("$dir"/*.tif)
	before=$(sqlite3 "$a/catalogue.db" "SELECT coalesce(max(id), 0) FROM batch")
	ms=$((100 + RANDOM % (900 * n)))
	KILL_AT=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
	"$DOSSIER" -A "$a" ingest -j 2 "${files[@]}" >"$dir.log" 2>&1 &
	p=$!
	sleep_ms "$ms"
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	after_kill "$a"
	[ "$ROUND_RESULT" = ok ] || return
	read -r b st <<<"$(batch_after "$a" "$before")"
	if [ -z "$b" ]; then
		"$DOSSIER" -A "$a" ingest -j 2 "${files[@]}" >>"$dir.log" 2>&1 ||
			{ ROUND_RESULT="ingest again failed: $(tail -2 "$dir.log")"; return; }
		read -r b st <<<"$(batch_after "$a" "$before")"
	elif [ "$st" != done ]; then
		"$DOSSIER" -A "$a" ingest -j 2 --resume "$b" >>"$dir.log" 2>&1 ||
			{ ROUND_RESULT="resume of batch $b failed: $(tail -2 "$dir.log" | tr '\n' ' ')"; return; }
	fi
	round_check "$a" "$b" "$n" "${files[@]}"
}

# wait_batch BATCH: waits (up to 5 minutes) for an uploaded batch to end;
# BATCH_STATE says how it ended.
wait_batch() {
	local end=$((SECONDS + 300))
	BATCH_STATE=running
	while [ "$SECONDS" -lt "$end" ]; do
		BATCH_STATE=$(curl -s "$BASE_URL/api/batches/$1/progress" | jq -r .state)
		[ "$BATCH_STATE" = running ] || return 0
		sleep 0.2
	done
}

# kill_serve_round ARCHIVE DIR SEED NFILES USER PASSWORD: `dossier serve`
# killed (-9) at a random point of an upload of NFILES new scans: while
# receiving it (one round in four) or while ingesting it; checked; the
# batch resumed with `dossier ingest --resume` (or uploaded again if it
# never began); checked.  Sets KILL_AT and ROUND_RESULT.
kill_serve_round() {
	local a=$1 dir=$2 seed=$3 n=$4 user=$5 pass=$6 before ms b st f c
	local args=() files
	RANDOM=$seed
	make_files "$dir" "$seed" "$n"
	files=("$dir"/*.tif)
	for f in "${files[@]}"; do args+=(-F "files=@$f"); done
	before=$(sqlite3 "$a/catalogue.db" "SELECT coalesce(max(id), 0) FROM batch")
	start_server "$a" || { ROUND_RESULT="server did not start"; return; }
	sign_in "$user" "$pass" >/dev/null
	if [ $((RANDOM % 4)) -eq 0 ]; then
		# While the body streams in (slowed to about 2 s).
		ms=$((RANDOM % 2000))
		curl -s -o /dev/null --limit-rate $(( $(cat "${files[@]}" | wc -c) / 2 + 1 )) \
			"${args[@]}" "$BASE_URL/api/batches" &
		c=$!
	else
		ms=$((RANDOM % (900 * n)))
		curl -s -o /dev/null "${args[@]}" "$BASE_URL/api/batches"
		c=
	fi
	KILL_AT=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
	sleep_ms "$ms"
	kill -9 "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	[ -n "$c" ] && wait "$c" 2>/dev/null
	sign_out
	after_kill "$a"
	[ "$ROUND_RESULT" = ok ] || return
	read -r b st <<<"$(batch_after "$a" "$before")"
	if [ -z "$b" ]; then
		start_server "$a" || { ROUND_RESULT="server did not restart"; return; }
		sign_in "$user" "$pass" >/dev/null
		b=$(curl -s "${args[@]}" "$BASE_URL/api/batches" | jq -r .batch)
		wait_batch "$b"
		stop_server
		sign_out
		[ "$BATCH_STATE" = done ] || { ROUND_RESULT="upload again: $BATCH_STATE"; return; }
	elif [ "$st" != done ]; then
		"$DOSSIER" -A "$a" ingest -j 2 --resume "$b" >"$dir.log" 2>&1 ||
			{ ROUND_RESULT="resume of batch $b failed: $(tail -2 "$dir.log" | tr '\n' ' ')"; return; }
	fi
	round_check "$a" "$b" "$n" "${files[@]}"
	[ "$ROUND_RESULT" = ok ] || return
	# The batch's spooled files went with it (the archive keeps the
	# originals); an upload cut off while it streamed may stay a while.
	f=$(sqlite3 "$a/catalogue.db" "SELECT name FROM batch_file WHERE batch_id = $b LIMIT 1")
	case $f in
	"$a"/tmp/upload-*/*)
		[ -e "$f" ] && ROUND_RESULT="spooled file $f left behind" ;;
	esac
}

# faults_mount DIR SIZE: a tmpfs of SIZE at DIR (sets MNT); 1 when the
# system refuses (not root).
faults_mount() {
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2" tmpfs "$1" 2>/dev/null || return 1
	MNT=$1
}
faults_umount() {
	[ -n "${MNT:-}" ] && { umount "$MNT" 2>/dev/null || umount -l "$MNT"; }
	MNT=
}

# faults_readonly ARCHIVE DIR: a read-only view of ARCHIVE (sets RO): a
# read-only bind mount at DIR as root, else the archive itself with its
# write permissions taken away (undone by faults_readonly_end).
RO=
RO_CHMOD=
faults_readonly() {
	mkdir -p "$2"
	if mount --bind "$1" "$2" 2>/dev/null; then
		if mount -o remount,ro,bind "$2" 2>/dev/null; then
			RO=$2
			return 0
		fi
		umount "$2"
	fi
	[ "$(id -u)" != 0 ] || return 1
	chmod -R a-w "$1" && RO=$1 && RO_CHMOD=$1
}
faults_readonly_end() {
	if [ -n "$RO_CHMOD" ]; then
		chmod -R u+w "$RO_CHMOD"
	elif [ -n "$RO" ]; then
		umount "$RO" 2>/dev/null || umount -l "$RO"
	fi
	RO=
	RO_CHMOD=
}

# upload_stream URL MB SPOOL: MB megabytes of zeros streamed (chunked, never
# stored by the client) as one file of a multipart upload; the server's
# spool folder SPOOL and memory watched meanwhile.  Sets STREAM_CODE,
# STREAM_BODY (a file), STREAM_SENT (bytes the server took),
# STREAM_SPOOL_MAX_KB (the spool's growth), STREAM_RSS_GROWTH_KB.
upload_stream() {
	local c rss0 rss d base max=0 rmax=0
	STREAM_BODY="$T_TMP/stream.out"
	rm -f "$STREAM_BODY"
	rss0=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
	base=$(du -sk "$3" | cut -f1) # uploads cut off by a kill stay a week
	{
		printf -- '--xyz\r\nContent-Disposition: form-data; name="files"; filename="big.tif"\r\n'
		printf -- 'Content-Type: image/tiff\r\n\r\n'
		head -c "$(($2 << 20))" /dev/zero
		printf -- '\r\n--xyz--\r\n'
	} | curl -s -o "$STREAM_BODY" -w '%{http_code} %{size_upload}' -T - -X POST \
		--limit-rate 300M -H 'Content-Type: multipart/form-data; boundary=xyz' \
		"$1/api/batches" >"$T_TMP/stream.code" &
	c=$!
	while kill -0 "$c" 2>/dev/null; do
		d=$(du -sk "$3" 2>/dev/null | cut -f1)
		[ $((${d:-0} - base)) -gt "$max" ] && max=$((d - base))
		rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
		[ "${rss:-0}" -gt "$rmax" ] && rmax=$rss
		sleep 0.02
	done
	wait "$c"
	read -r STREAM_CODE STREAM_SENT <"$T_TMP/stream.code"
	STREAM_SPOOL_MAX_KB=$max
	STREAM_RSS_GROWTH_KB=$((rmax > rss0 ? rmax - rss0 : 0))
}
