# watch.sh: the hot folder.  `dossier watch DIR` ingests what a scanner
# drops into DIR and moves it to done/ once archived, or to failed/ beside
# a reason file; temporary and hidden names and subfolders are left alone;
# SIGTERM stops it cleanly after the current file; --once takes what is
# there (also what an interrupted run left) and returns.
. tests/tap.sh

A="$T_TMP/archive"
IN="$T_TMP/in"
LOG="$T_TMP/watch.log"
WPID=
trap '[ -n "$WPID" ] && kill "$WPID" 2>/dev/null; rm -rf "$T_TMP"' EXIT

# drop FILE NAME: as a scanner does: write NAME.part, then rename it.
drop() { cp "$1" "$2/$3.part" && mv "$2/$3.part" "$2/$3"; }
# wait_for PATH: up to 5 minutes, while the watcher runs.
wait_for() {
	local end=$((SECONDS + 300))
	while [ "$SECONDS" -lt "$end" ]; do
		[ -e "$1" ] && return 0
		kill -0 "$WPID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
# wait_log TEXT: up to 5 minutes for TEXT in the watcher's log.
wait_log() {
	local end=$((SECONDS + 300))
	while [ "$SECONDS" -lt "$end" ]; do
		grep -qF -- "$1" "$LOG" && return 0
		kill -0 "$WPID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
# reason NAME: the reason file of failed/NAME.
reason() { cat "$IN/failed/$1.reason.txt" 2>/dev/null; }
# total QUERY: how many documents a search finds.
total() { "$DOSSIER" -A "$A" search --json "$1" | json '.total'; }
acc() { json '.account' <"$SAMPLES/${1%.*}.json"; }

# ---- clear errors, before anything is created ----
out=$("$DOSSIER" -A "$A" watch "$T_TMP/nosuch" 2>&1)
is "missing folder: exit status 1" "$?" 1
contains "missing folder: said in words" "$out" "$T_TMP/nosuch does not exist"
: >"$T_TMP/plain"
out=$("$DOSSIER" -A "$A" watch "$T_TMP/plain" 2>&1)
is "a file, not a folder: exit status 1" "$?" 1
contains "a file, not a folder: said in words" "$out" "$T_TMP/plain is not a folder"
mkdir "$IN"
out=$("$DOSSIER" -A "$A" watch "$IN" 2>&1)
is "no archive: exit status 1" "$?" 1
contains "no archive: says how to create it" "$out" "dossier -A $A init"
is "no archive: nothing created in the folder" "$(ls -A "$IN")" ""
out=$("$DOSSIER" -A "$A" watch "$IN" -j 0 2>&1)
is "bad -j: usage, exit status 2" "$?" 2

"$DOSSIER" -A "$A" init >/dev/null || { not_ok "init"; finish; }

# Left alone: a scan still being written, a hidden file, a subfolder.
cp "$SAMPLES/demo-0011.tif" "$IN/writing.tif.part"
cp "$SAMPLES/demo-0011.tif" "$IN/.hidden.tif"
mkdir "$IN/sub"
cp "$SAMPLES/demo-0011.tif" "$IN/sub/inner.tif"

# ---- the watcher ----
"$DOSSIER" -A "$A" watch "$IN" -j 2 >"$LOG" 2>&1 &
WPID=$!
if ! wait_log "watching $IN"; then
	not_ok "watcher starts" "$(cat "$LOG")"
	finish
fi
ok "watcher starts"
check "done/ and failed/ are created" test -d "$IN/done" -a -d "$IN/failed"

out=$("$DOSSIER" -A "$A" watch "$IN" --once 2>&1)
is "a second watcher on the folder: exit status 1" "$?" 1
contains "a second watcher on the folder: said in words" "$out" \
	"another 'dossier watch' is already taking files from $IN"

# A good scan and a truncated one, dropped as a scanner does.
drop "$SAMPLES/demo-0005.tif" "$IN" letter.tif
head -c 20000 "$SAMPLES/demo-0001.png" >"$T_TMP/cut.png"
drop "$T_TMP/cut.png" "$IN" cut.png
if wait_for "$IN/done/letter.tif"; then ok "good scan moved to done/"; else
	not_ok "good scan moved to done/" "$(ls -R "$IN")" "$(cat "$LOG")"; fi
if wait_for "$IN/failed/cut.png.reason.txt"; then ok "truncated scan moved to failed/"; else
	not_ok "truncated scan moved to failed/" "$(ls -R "$IN")" "$(cat "$LOG")"; fi
check "done/letter.tif is the dropped file, unchanged" cmp -s "$SAMPLES/demo-0005.tif" "$IN/done/letter.tif"
check "failed/cut.png is the dropped file, unchanged" cmp -s "$T_TMP/cut.png" "$IN/failed/cut.png"
check "the truncated scan is not in done/" test ! -e "$IN/done/cut.png"
check "the good scan is no longer in the folder" test ! -e "$IN/letter.tif"
r=$(reason cut.png)
contains "reason file names the file" "$r" "file: cut.png"
contains "reason file says why" "$r" "page 1: image data is damaged or truncated"
check "reason file says when" grep -Eq '^time: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' \
	"$IN/failed/cut.png.reason.txt"
wait_log "cut.png:" >/dev/null
contains "log: one line for the good scan" "$(grep -F 'letter.tif:' "$LOG")" \
	"watch: letter.tif: 1 page, 1 document ("
contains "log: the good scan went to done/" "$(grep -F 'letter.tif:' "$LOG")" "-> done/"
contains "log: the truncated scan went to failed/ with the reason" "$(grep -F 'cut.png:' "$LOG")" \
	"cut.png: page 1: image data is damaged or truncated -> failed/"

# The archive has the good scan under its own name, found by account.
is "search finds the good scan by its account" "$(total "account:$(acc demo-0005.tif)")" 1
id=$("$DOSSIER" -A "$A" search --json "account:$(acc demo-0005.tif)" | json '.hits[0].id')
show=$("$DOSSIER" -A "$A" show --json "$id")
is "show: the document's source is the dropped file" "$(echo "$show" | json '.source.name')" letter.tif
is "show: one page" "$(echo "$show" | json '.npages')" 1
contains "log: names the document" "$(grep -F 'letter.tif:' "$LOG")" "1 document ($id)"

# Hostile files from the shared corpus: a decompression bomb, a cut PDF.
if [ -d "$CORPUS/bad-input" ]; then
	drop "$CORPUS/bad-input/hugemono.pdf" "$IN" hugemono.pdf
	drop "$CORPUS/bad-input/invalid.pdf" "$IN" invalid.pdf
	wait_for "$IN/failed/hugemono.pdf.reason.txt"
	wait_for "$IN/failed/invalid.pdf.reason.txt"
	contains "hugemono.pdf: refused by the pixel limit, in the reason file" "$(reason hugemono.pdf)" \
		"reason: PDF holds a 35000x35000 image (1225 megapixels), over the limit of 100 megapixels"
	contains "invalid.pdf: damaged, in the reason file" "$(reason invalid.pdf)" \
		"reason: PDF is damaged or truncated"
	check "hugemono.pdf kept in failed/, unchanged" cmp -s "$CORPUS/bad-input/hugemono.pdf" "$IN/failed/hugemono.pdf"
	check "no bad input in done/" test ! -e "$IN/done/hugemono.pdf" -a ! -e "$IN/done/invalid.pdf"
else
	ok "# SKIP corpus not found at $CORPUS"
fi

# The same scan again under another name: done/, no second document.
drop "$SAMPLES/demo-0005.tif" "$IN" letter-copy.tif
if wait_for "$IN/done/letter-copy.tif"; then ok "duplicate moved to done/"; else
	not_ok "duplicate moved to done/" "$(ls -R "$IN")" "$(cat "$LOG")"; fi
wait_log "letter-copy.tif:" >/dev/null
contains "log: the duplicate is named as such" "$(grep -F 'letter-copy.tif:' "$LOG")" \
	"letter-copy.tif: already archived as document $id -> done/"
is "duplicate: still one document" "$(total "account:$(acc demo-0005.tif)")" 1

# Another scan under a name done/ already holds: never overwritten.
drop "$SAMPLES/demo-0002.tif" "$IN" letter.tif
if wait_for "$IN/done/letter-1.tif"; then ok "same name: moved to done/ under a new name"; else
	not_ok "same name: moved to done/ under a new name" "$(ls -R "$IN")" "$(cat "$LOG")"; fi
check "same name: the first file in done/ is untouched" cmp -s "$SAMPLES/demo-0005.tif" "$IN/done/letter.tif"
check "same name: the second is beside it" cmp -s "$SAMPLES/demo-0002.tif" "$IN/done/letter-1.tif"
is "same name: the second scan is archived" "$(total "account:$(acc demo-0002.tif)")" 1

# Written in place (no .part): taken once closed.
cp "$SAMPLES/demo-0003.tif" "$IN/direct.tif"
if wait_for "$IN/done/direct.tif"; then ok "file written in place: moved to done/ once closed"; else
	not_ok "file written in place: moved to done/ once closed" "$(cat "$LOG")"; fi
check "file written in place: complete in done/" cmp -s "$SAMPLES/demo-0003.tif" "$IN/done/direct.tif"

# SIGTERM while a six-page file is being ingested: it is finished first.
drop "$SAMPLES/batch-001.tif" "$IN" stack.tif
wait_for "$IN/.processing/stack.tif"
kill -TERM "$WPID"
wait "$WPID"
is "SIGTERM: exit status 0" "$?" 0
WPID=
check "SIGTERM: the file being ingested was finished and moved to done/" test -e "$IN/done/stack.tif"
check "SIGTERM: nothing left half-done" test -z "$(ls -A "$IN/.processing")"
contains "SIGTERM: logged" "$(tail -2 "$LOG")" "SIGTERM: stopping"
is "stack.tif: the stack's documents are archived" "$(total "account:$(json '.documents[0].account' <"$SAMPLES/batch-001.json")")" 1

# Left alone all along.
check "a .part file is left alone" test -e "$IN/writing.tif.part"
check "a hidden file is left alone" test -e "$IN/.hidden.tif"
check "a subfolder is left alone" test -e "$IN/sub/inner.tif"
is "what was left alone was not ingested" "$(total "account:$(acc demo-0011.tif)")" 0

# ---- --once: what is there, then return ----
IN2="$T_TMP/in2"
mkdir -p "$IN2/.processing"
cp "$SAMPLES/demo-0009.tif" "$IN2/invoice.tif"
cp "$SAMPLES/demo-0005.tif" "$IN2/again.tif"
# What an interrupted run left half-way: put back and taken.
cp "$SAMPLES/demo-0008.png" "$IN2/.processing/interrupted.png"
out=$(timeout 120 "$DOSSIER" -A "$A" watch "$IN2" --once 2>&1)
is "--once: exit status 0 when every file is archived" "$?" 0
check "--once: the new scan is in done/" test -e "$IN2/done/invoice.tif"
check "--once: the duplicate is in done/" test -e "$IN2/done/again.tif"
check "--once: the interrupted file is in done/" test -e "$IN2/done/interrupted.png"
is "--once: the folder is empty but for done/ and failed/" "$(ls -A "$IN2" | tr '\n' ' ')" \
	".processing done failed "
is "--once: the new scan is archived" "$(total "account:$(acc demo-0009.tif)")" 1
is "--once: the interrupted file is archived once" "$(total "account:$(acc demo-0008.png)")" 1
is "--once: the duplicate made no second document" "$(total "account:$(acc demo-0005.tif)")" 1
contains "--once: the interrupted file is reported" "$out" "interrupted.png: put back from an interrupted run"

IN3="$T_TMP/in3"
mkdir "$IN3"
cp "$T_TMP/cut.png" "$IN3/cut.png"
ln -s "$SAMPLES/demo-0004.jpg" "$IN3/link.jpg"
out=$(timeout 120 "$DOSSIER" -A "$A" watch "$IN3" --once 2>&1)
is "--once: exit status 1 when a file failed" "$?" 1
check "--once: the failed file is in failed/" test -e "$IN3/failed/cut.png"
contains "--once: with its reason" "$(cat "$IN3/failed/cut.png.reason.txt" 2>/dev/null)" "damaged or truncated"
check "a symbolic link is not followed: moved to failed/ as it is" test -L "$IN3/failed/link.jpg"
contains "a symbolic link: the reason says so" "$(cat "$IN3/failed/link.jpg.reason.txt" 2>/dev/null)" \
	"reason: not a regular file"
is "a symbolic link: its target is not ingested" "$(total "account:$(acc demo-0004.jpg)")" 0

check "verify passes" "$DOSSIER" -A "$A" verify
finish
