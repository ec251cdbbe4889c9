# scan.sh: scanning straight from a scanner through the real libsane,
# with SANE's `test` backend (a virtual scanner; its ADF holds 10 pages)
# enabled by a private SANE_CONFIG_DIR.  A full ADF batch, a flatbed page,
# lineart, refusals (no duplex, no such scanner, limits, permissions); a
# scanner that jams, runs empty or is lost mid-batch (the
# DOSSIER_SCAN_FAULT hook sets the test backend's read-return-value
# option after N pages), or Ctrl-C, keeps the pages scanned in a stopped
# batch that is resumed or closed; the same through the web API.  The
# test backend's pages carry no text: counts, batch records and messages
# are checked.  SANE's `pnm` backend scans real pages (a cover sheet, a
# letter) to show a document opened by a cover sheet going on across a
# jam and its resume.
. tests/tap.sh

if [ ! -e /usr/lib/x86_64-linux-gnu/sane/libsane-test.so.1 ] &&
	! ls /usr/lib/*/sane/libsane-test.so* >/dev/null 2>&1; then
	skip "SANE's test backend is not installed (libsane1)"
	finish
fi
export SANE_CONFIG_DIR="$T_TMP/sane"
mkdir -p "$SANE_CONFIG_DIR"
echo test >"$SANE_CONFIG_DIR/dll.conf"
# A grid, so pages are not set aside as blank; 80 x 100 mm.
cat >"$SANE_CONFIG_DIR/test.conf" <<'EOF'
number_of_devices 2
mode Gray
depth 8
test-picture "Grid"
EOF
unset DOSSIER_SCAN_FAULT

A="$T_TMP/archive"
# A scan that hangs (a backend's thread cancelled at the wrong moment)
# fails its check after 5 minutes instead of stopping the whole run.
D() { timeout -k 10 300 "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null
echo "clerk-pass-123" | D user add cle --role clerk >/dev/null
echo "clerk-pass-456" | D user add cl2 --role clerk >/dev/null
echo "staff-pass-123" | D user add sta --role staff >/dev/null
# scan_as USER PASSWORD ARGS...: the scan command signed in as USER.
scan_as() { local u=$1 p=$2; shift 2; echo "$p" | D --as "$u" scan "$@"; }
status() { D batch --json "$1" | jq -r '.status'; }
pages() { D batch --json "$1" | jq -r '.pages'; }
nbatches() { D batch --json | jq length; }
# try CMD...: runs CMD; rc is its status, err its last "dossier:" line
# (ASan builds may add their own lines), out its standard output.
try() {
	"$@" >"$T_TMP/o" 2>"$T_TMP/e"
	rc=$?
	err=$(grep '^dossier: ' "$T_TMP/e" | tail -1)
	out=$(cat "$T_TMP/o")
}

# --- devices ---
list=$(D scan --list)
contains "--list shows the test scanner: name, vendor, model, type" "$list" \
	"test:0                   Noname frontend-tester (virtual device)"
is "--list --json" "$(D scan --list --json | jq -r '.[1].name + " " + .[1].type')" \
	"test:1 virtual device"

# --- a full ADF batch ---
out=$(scan_as cle clerk-pass-123 --device test:0 --source ADF --dpi 75 \
	--account ACC-2024-000101 --category CREDIT 2>"$T_TMP/err")
rc=$?
is "ADF batch: exit 0" "$rc" 0
b1=$(D batch --json | jq '.[0].id')
contains "where it scans from" "$(cat "$T_TMP/err")" \
	"batch $b1: scanning from test:0, Automatic Document Feeder, 75 dpi, gray"
contains "ADF batch: the feeder's 10 pages, one document" "$out" \
	"batch $b1: scanned 10 page(s) from test:0; 1 document(s), 10 page(s) in the batch"
contains "the stack filed as scan-B-1.tif" "$out" \
	"scan-$b1-1.tif: filed as document 1, 10 page(s) from page 1, account ACC-2024-000101, category CREDIT"
is "batch record: the clerk's, done, 1 file, 10 pages, 1 document" \
	"$(D batch --json "$b1" | jq -r '[.user, .status, .files, .pages, .documents, .entries[0].outcome] | join(" ")')" \
	"cle done 1 10 1 ingested"
is "document of 10 pages" "$(D show --json 1 | jq -r '[(.pages | length), .account] | join(" ")')" "10 ACC-2024-000101"
D pdf 1 -o "$T_TMP/d1.pdf" >/dev/null 2>&1
is "its searchable PDF has 10 pages" "$(pdfinfo "$T_TMP/d1.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')" 10
sha=$(sqlite3 "$A/catalogue.db" "SELECT sha256 FROM source WHERE batch_id = $b1")
orig=$(find "$A/blobs" -name "$sha" | head -1)
contains "the original: a lossless TIFF naming scanner and page" "$(file -b "$orig")" \
	"TIFF image data"
contains "... tagged with where it belongs" "$(file -b "$orig")" \
	"description=dossier batch $b1 page 1, scanned on test:0, Automatic Document Feeder, 75 dpi, gray, manufacturer=Noname, model=frontend-tester"
verify=$(D verify 2>&1)
contains "verify passes" "$verify" "0 problem(s)"

# --- flatbed, lineart, JSON ---
out=$(D scan --device test:1 --source flatbed --dpi 100 --mode lineart --json 2>/dev/null)
is "flatbed: one page, lineart, as JSON" \
	"$(echo "$out" | jq -r '[.stop, .pages_run, .pages, (.documents | length), .documents[0].pages] | join(" ")')" \
	"done 1 1 1 1"
bf=$(echo "$out" | jq .batch)
sha=$(sqlite3 "$A/catalogue.db" "SELECT sha256 FROM source WHERE batch_id = $bf")
contains "lineart is kept as G4, 100 dpi" "$(file -b "$(find "$A/blobs" -name "$sha")")" \
	"bps=1, compression=bi-level group 4"

# --- what else a scanner may send: kept as sent, read as gray ---
# orig BATCH: file(1) on the original of a batch's first part.
orig() { file -b "$(find "$A/blobs" -name "$(sqlite3 "$A/catalogue.db" "SELECT sha256 FROM source WHERE batch_id = $1 LIMIT 1")")"; }
out=$(D scan --device test:0 --source flatbed --dpi 75 --set hand-scanner=yes --json 2>/dev/null)
contains "a page of unknown height (hand scanner): read to its end" \
	"$(echo "$out" | jq -r '.stop + " " + (.pages | tostring)') $(orig "$(echo "$out" | jq .batch)")" \
	"done 1 TIFF image data, little-endian, direntries=21, height=501, bps=8"
out=$(D scan --device test:0 --source flatbed --dpi 75 --set mode=Color --json 2>/dev/null)
contains "single-pass colour: kept in colour" \
	"$(echo "$out" | jq -r '.stop + " " + (.pages | tostring)') $(orig "$(echo "$out" | jq .batch)")" \
	"PhotometricInterpretation=RGB"
out=$(D scan --device test:0 --source flatbed --dpi 75 --set depth=16 --json 2>/dev/null)
contains "16-bit gray: kept in 16 bits" "$(orig "$(echo "$out" | jq .batch)")" "bps=16, compression=deflate"
try D scan --device test:0 --source flatbed --dpi 75 --set mode=Color --set three-pass=yes
contains "three-pass colour: refused in words" "$rc:$err" \
	"3:dossier: the scan stopped before the first page: scanner test:0 sends colour in three passes, which dossier does not read; scan in gray or lineart; 0 pages are kept"

# --- refusals before anything is scanned ---
n0=$(nbatches)
try D scan --device test:0 --source adf --duplex
is "no duplex on this scanner: exit 1, in words" "$rc:$err" \
	"1:dossier: scanner test:0 cannot scan both sides: its sources are Flatbed, Automatic Document Feeder"
try D scan --device test:0 --source flatbed --duplex
is "no duplex on a flatbed" "$rc:$err" "1:dossier: a flatbed scans one side: --duplex goes with the document feeder"
try D scan --device nosuch:0
is "no such scanner: in words" "$rc:$err" \
	"1:dossier: no scanner named 'nosuch:0'; this computer sees test:0, test:1"
try D scan --device test:0 --source tray
is "unknown source" "$err" "dossier: the source is ADF or flatbed, not 'tray'"
try D scan --device test:0 --set no-such-option=1
is "unknown backend option" "$err" "dossier: scanner test:0 has no option 'no-such-option'"
D scan --dpi 20 >/dev/null 2>&1
is "--dpi 20: usage error" "$?" 2
try scan_as sta staff-pass-123 --device test:0
contains "staff may not scan" "$err" "may not ingest"
is "no batch was started by any of these" "$(nbatches)" "$n0"
# The pixel limit is checked from the frame's parameters, before reading.
try D scan --device test:0 --source adf --dpi 600 --max-megapixels 1
bl=$(D batch --json | jq '.[0].id')
is "page over the pixel limit: stopped, in words" "$rc:$err" \
	"3:dossier: before the first page: the next page would be 1889x2362 pixels (4 megapixels), over the limit of 1 megapixels; 0 pages are kept in batch $bl; choose a lower resolution and run \`dossier scan --resume $bl\` (or \`dossier batch close $bl\`)"
out=$(D scan --resume "$bl" --dpi 75 2>/dev/null)
is "... resumed at a lower resolution: 10 pages" "$(pages "$bl") $(status "$bl")" "10 done"

# --- a paper jam mid-batch: kept, resumed ---
DOSSIER_SCAN_FAULT=3:read-return-value=SANE_STATUS_JAMMED \
	try scan_as cle clerk-pass-123 --device test:0 --source adf --dpi 75 --category CREDIT
bj=$(D batch --json | jq '.[0].id')
is "jam: exit 3" "$rc" 3
is "jam: the message says what, what is kept and what to do" "$err" \
	"dossier: the scanner reports a paper jam after page 3; 3 pages are kept in batch $bj; clear the jam and run \`dossier scan --resume $bj\` (or \`dossier batch close $bj\`)"
contains "jam: the 3 pages were filed" "$out" "scan-$bj-1.tif: filed as document"
is "jam: batch stopped with 3 pages" "$(status "$bj") $(pages "$bj")" "stopped 3"
is "jam: not finished yet" "$(D batch --json "$bj" | jq -r .finished)" null
try sh -c 'echo clerk-pass-456 | "$1" -A "$2" --as cl2 scan --resume "$3"' sh "$DOSSIER" "$A" "$bj"
is "another clerk may not resume it: to them there is no such batch" "$err" "dossier: there is no batch $bj"
is "... and the try is audited" "$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM audit WHERE actor = 'cl2' AND action = 'deny' AND object = 'batch $bj'")" 1
try D scan --resume "$bj" --device nosuch:0
is "resume on a scanner that is not there: stays stopped" "$rc:$err" \
	"1:dossier: no scanner named 'nosuch:0'; this computer sees test:0, test:1; batch $bj stays stopped"
is "... still stopped, 3 pages" "$(status "$bj") $(pages "$bj")" "stopped 3"
out=$(scan_as cle clerk-pass-123 --resume "$bj" 2>"$T_TMP/err")
rc=$?
is "resume: exit 0" "$rc" 0
contains "resume: the same scanner and settings" "$(cat "$T_TMP/err")" \
	"batch $bj: resumed, scanning from test:0, Automatic Document Feeder, 75 dpi, gray"
contains "resume: the rest in part 2" "$out" "scan-$bj-2.tif: filed as document"
contains "resume: category kept" "$out" "category CREDIT"
is "resume: one batch, done, 13 pages in 2 files" \
	"$(D batch --json "$bj" | jq -r '[.status, .pages, .files, ([.entries[].name] | join(","))] | join(" ")')" \
	"done 13 2 scan-$bj-1.tif,scan-$bj-2.tif"
try D scan --resume "$bj"
is "a done batch cannot be resumed" "$err" "dossier: batch $bj is done, not stopped"
try D scan --resume "$b1" --device test:0
is "... nor can a done one be taken up again" "$err" "dossier: batch $b1 is done, not stopped"

# --- an empty feeder; a device lost mid-batch; close ---
DOSSIER_SCAN_FAULT=0:read-return-value=SANE_STATUS_NO_DOCS try D scan --device test:0 --source adf --dpi 75
be=$(D batch --json | jq '.[0].id')
is "empty feeder: exit 3, in words" "$rc:$err" \
	"3:dossier: the document feeder of test:0 is empty; 0 pages are kept in batch $be; load the pages and run \`dossier scan --resume $be\` (or \`dossier batch close $be\`)"
DOSSIER_SCAN_FAULT=4:read-return-value=SANE_STATUS_IO_ERROR try D scan --device test:0 --source adf --dpi 75
bd=$(D batch --json | jq '.[0].id')
is "device lost after page 4: exit 3, in words" "$rc:$err" \
	"3:dossier: lost the connection to scanner test:0 after page 4 (Error during device I/O); 4 pages are kept in batch $bd; check that it is switched on and connected and run \`dossier scan --resume $bd\` (or \`dossier batch close $bd\`)"
is "lost: 4 pages kept" "$(status "$bd") $(pages "$bd")" "stopped 4"
out=$(D batch close "$bd")
is "close: in words" "$?:$out" "0:batch $bd closed: 4 page(s), 1 document(s)"
is "closed: done with its 4 pages" "$(status "$bd") $(pages "$bd")" "done 4"
try D batch close "$bd"
is "closed twice: refused" "$rc:$err" "1:dossier: batch $bd is done, not stopped"
try D batch close "$b1"
is "an uploaded or finished batch cannot be closed" "$err" "dossier: batch $b1 is done, not stopped"
is "the empty one closes with nothing" "$(D batch close "$be")" "batch $be closed: 0 page(s), 0 document(s)"
contains "the audit log has the resume and the closes" \
	"$(sqlite3 "$A/catalogue.db" "SELECT action || ' ' || object FROM audit WHERE action LIKE 'batch-%' ORDER BY rowid" | tr '\n' ',')" \
	"batch-resume batch $bl,batch-resume batch $bj,batch-close batch $bd,batch-close batch $be,"
verify=$(D verify 2>&1)
contains "verify still passes" "$verify" "0 problem(s)"

# --- Ctrl-C: the page being read is dropped, the pages before it kept ---
# Page 1 comes at once, later ones slowly (the test backend's read delay).
DOSSIER_SCAN_FAULT="1:read-delay=yes;1:read-delay-duration=200000" \
	"$DOSSIER" -A "$A" scan --device test:0 --source adf --dpi 75 --set read-limit=yes --set read-limit-size=1000 \
	>"$T_TMP/o" 2>"$T_TMP/e" &
sp=$!
sleep 2
kill -INT "$sp"
wait "$sp"
rc=$?
err=$(grep '^dossier: ' "$T_TMP/e" | tail -1)
bc=$(D batch --json | jq '.[0].id')
n=$(D batch --json "$bc" | jq .pages)
case "$err" in
"dossier: the scan was cancelled after page $n; $n page"*" kept in batch $bc; run \`dossier scan --resume $bc\` (or \`dossier batch close $bc\`)") ok "Ctrl-C: cancelled after page $n, in words" ;;
"dossier: the scan was cancelled before the first page; 0 pages are kept in batch $bc;"*) ok "Ctrl-C: cancelled before the first page, in words" ;;
*) not_ok "Ctrl-C: cancelled, in words" "got: $err" ;;
esac
is "Ctrl-C: exit 3, the batch stopped" "$rc $(status "$bc")" "3 stopped"

# --- a document filed by its cover sheet goes on across a stop ---
# SANE's pnm backend scans a PNM file, so real pages (a cover sheet, a
# letter) come through libsane.  It gives one image per run unless in
# its three-pass mode, where a gray file comes three times: the hook
# turns that on after the cover sheet, swaps in the letter, then jams.
if ls /usr/lib/*/sane/libsane-pnm.so* >/dev/null 2>&1; then
	P="$T_TMP/pnm"
	mkdir -p "$P/sane"
	echo pnm >"$P/sane/dll.conf"
	D coversheet --account ACC-2024-000103 --category CREDIT -o "$P/cover.pdf" >/dev/null
	"$GENSAMPLES" -o "$P/s" --count 1 --kind letter --format pdf --dpi 150 \
		--barcode none --seed 5 >/dev/null 2>&1
	pdftoppm -gray -r 150 -singlefile "$P/cover.pdf" "$P/cover"
	pdftoppm -gray -r 150 -singlefile "$P"/s/*.pdf "$P/letter"
	SANE_CONFIG_DIR="$P/sane" \
		DOSSIER_SCAN_FAULT="1:three-pass=yes;1:filename=$P/letter.pgm;2:status-jammed=yes" \
		try D scan --device pnm:0 --source adf --dpi 150 --set "filename=$P/cover.pgm" --json
	bp=$(echo "$out" | jq .batch)
	is "cover sheet, letter, jam: stopped after page 2" "$rc $(echo "$out" | jq -r .message)" \
		"3 the scanner reports a paper jam after page 2"
	is "... the letter filed under the cover sheet's account" \
		"$(echo "$out" | jq -r '.documents[] | [.pages, .account, .category] | join(" ")')" \
		"1 ACC-2024-000103 CREDIT"
	SANE_CONFIG_DIR="$P/sane" try D scan --resume "$bp" --set "filename=$P/letter.pgm" --json
	is "resumed: the next page goes on under that cover, for review" \
		"$(echo "$out" | jq -r '[.stop, (.documents[] | .pages, .account, .category, .status, .review_reason)] | join(" ")')" \
		"done 1 ACC-2024-000103 CREDIT review continues a document cut by a scanner stop"
	is "... 3 pages in the batch, 2 documents, done" \
		"$(D batch --json "$bp" | jq -r '[.pages, .documents, .status] | join(" ")')" "3 2 done"
else
	skip "SANE's pnm backend is not installed"
fi

# --- the web API ---
start_server "$A" || { not_ok "server starts"; finish; }
sign_in sta staff-pass-123 >/dev/null
is "staff may not list scanners: 403" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/scanners")" 403
sign_in cle clerk-pass-123 >/dev/null
is "the scanners the server sees" "$(curl -s "$BASE_URL/api/scanners" | jq -r '[.busy, (.scanners | map(.name) | join(","))] | join(" ")')" \
	"false test:0,test:1"
post() { curl -s -o "$T_TMP/r" -w '%{http_code}' -H 'Content-Type: application/json' --data "$2" "$BASE_URL$1"; }
is "bad dpi: 400 in words" "$(post /api/scans '{"dpi":5000}') $(json .error <"$T_TMP/r")" \
	"400 dpi is a whole number from 50 to 1200"
is "no such scanner: 404 in words" "$(post /api/scans '{"device":"nosuch:0"}') $(json .error <"$T_TMP/r")" \
	"404 no scanner named 'nosuch:0'; this computer sees test:0, test:1"
code=$(post /api/scans '{"device":"test:0","source":"adf","dpi":75,"account":"ACC-2024-000102","category":"CREDIT"}')
is "scan started: 202" "$code" 202
bw=$(json .batch <"$T_TMP/r")
is "... from the scanner named" "$(json .device <"$T_TMP/r")" "test:0, Automatic Document Feeder, 75 dpi, gray"
wait_scan() {
	over() {
		curl -s "$BASE_URL/api/scans/$1" >"$T_TMP/p"
		[ "$(json .state <"$T_TMP/p")" != running ]
	}
	poll 300 over "$1"
}
wait_scan "$bw"
is "web scan: done, 10 pages scanned and read, one document" \
	"$(jq -r '[.state, .kind, .pages_scanned, .pages_done, .pages, ([.files[].documents[]] | length), .files[0].documents[0].pages] | join(" ")' <"$T_TMP/p")" \
	"done scan 10 10 10 1 10"
is "... its message" "$(json .message <"$T_TMP/p")" "batch $bw: scanned 10 page(s) from test:0; 1 document(s)"
is "the upload progress address answers for it too" \
	"$(curl -s "$BASE_URL/api/batches/$bw/progress" | jq -r '.kind + " " + .state')" "scan done"
is "the batch is the clerk's" "$(D batch --json "$bw" | jq -r '.user + " " + .status + " " + (.pages | tostring)')" "cle done 10"
sign_in cl2 clerk-pass-456 >/dev/null
is "another clerk does not see its progress: 404" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/scans/$bw")" 404
stop_server

# A scanner that jams after 3 pages, through the web: stopped, resumed,
# closed.
DOSSIER_SCAN_FAULT=3:read-return-value=SANE_STATUS_JAMMED start_server "$A" || { not_ok "server starts"; finish; }
sign_in cle clerk-pass-123 >/dev/null
code=$(post /api/scans '{"device":"test:0","source":"adf","dpi":75}')
bw=$(json .batch <"$T_TMP/r")
wait_scan "$bw"
is "web jam: stopped after 3 pages, in words" \
	"$(jq -r '[.state, .stop, .pages] | join(" ")' <"$T_TMP/p"): $(json .message <"$T_TMP/p")" \
	"stopped jammed 3: the scanner reports a paper jam after page 3; 3 pages are kept in batch $bw; clear the jam, then resume the batch or close it"
is "resume of another's batch: 404" "$(sign_in cl2 clerk-pass-456 >/dev/null; post /api/scans "{\"resume\":$bw}") $(json .error <"$T_TMP/r")" \
	"404 there is no batch $bw"
sign_in cle clerk-pass-123 >/dev/null
is "web resume: 202" "$(post /api/scans "{\"resume\":$bw}")" 202
wait_scan "$bw"
is "web resume: the same batch, 3 more pages, stopped again" \
	"$(jq -r '[.state, .pages, (.files | length)] | join(" ")' <"$T_TMP/p")" "stopped 6 1"
is "web close: 200 in words" "$(post "/api/batches/$bw/close" '{}') $(json .message <"$T_TMP/r")" \
	"200 batch $bw closed"
is "closed: done with 6 pages in 2 files" "$(D batch --json "$bw" | jq -r '[.status, .pages, .files] | join(" ")')" "done 6 2"
is "close again: 409" "$(post "/api/batches/$bw/close" '{}')" 409
stop_server
finish
