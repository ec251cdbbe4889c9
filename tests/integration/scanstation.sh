# scanstation.sh: the scan station through the API: a clerk uploads a
# batch (multipart), watches it being ingested, and works the review queue
# (accept with a correction, return with a reason); refusals before the
# body is read (no session, no CSRF token, a role without ingest, too
# large); hostile file names stay inside the spool folder.
. tests/tap.sh

A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null
"$GENSAMPLES" -o "$T_TMP/s" --count 2 --kind contract --format png --seed 21 >/dev/null 2>&1
set -- $(ls "$T_TMP"/s/*.png)
echo "clerk-pass-123" | D user add cle --role clerk >/dev/null
echo "staff-pass-123" | D user add sta --role staff >/dev/null
add_auditor "$A"
start_server "$A" || { not_ok "server starts"; finish; }

sign_in sta staff-pass-123 >/dev/null
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -F "files=@$1" "$BASE_URL/api/batches")
is "staff may not upload: 403" "$code" 403
contains "in words" "$(json .error <"$T_TMP/r")" "the staff role may not ingest"
sign_out
code=$(curl -s -o /dev/null -w '%{http_code}' -F "files=@$1" "$BASE_URL/api/batches")
is "no session: 401" "$code" 401

sign_in cle clerk-pass-123 >/dev/null
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -H 'Content-Length: 5000000000' \
	-H 'Content-Type: multipart/form-data; boundary=x' --data-binary 'x' "$BASE_URL/api/batches")
is "announced 5 GB: 413 before reading" "$code" 413
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{}' "$BASE_URL/api/batches")
is "not multipart: 400" "$code" 400
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -F "note=nothing" "$BASE_URL/api/batches")
is "no files: 400 in words" "$code $(json .error <"$T_TMP/r")" '400 the upload holds no files (field "files")'

printf 'not a scan' >"$T_TMP/evil"
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -F "files=@$1;filename=Loan contract Ünal 50%.png" -F "files=@$2" \
	-F "files=@$T_TMP/evil;filename=../../../etc/evil.tif" "$BASE_URL/api/batches")
is "upload accepted: 202" "$code" 202
batch=$(json .batch <"$T_TMP/r")
is "three files received" "$(json .files <"$T_TMP/r")" 3
state=running
over() {
	curl -s "$BASE_URL/api/batches/$batch/progress" >"$T_TMP/p"
	state=$(json .state <"$T_TMP/p")
	[ "$state" != running ]
}
poll 300 over
is "batch ingested" "$state" done
is "both scans became documents" "$(jq '[.files[].documents[]] | length' <"$T_TMP/p")" 2
is "the bad file is named and explained" \
	"$(jq -r '.files[] | select(.error) | .name + ": " + .error' <"$T_TMP/p")" \
	"evil.tif: not a TIFF, PNG, JPEG or PDF scan"
# Files are named as they were uploaded, never by the server's spool path.
is "progress names each file as uploaded" "$(jq -c '[.files[].name]' <"$T_TMP/p")" \
	"[\"Loan contract Ünal 50%.png\",\"$(basename "$2")\",\"evil.tif\"]"
curl -s "$BASE_URL/api/batches/$batch" >"$T_TMP/b"
is "the batch names its files as uploaded" "$(jq -c '[.entries[].name]' <"$T_TMP/b")" \
	"[\"Loan contract Ünal 50%.png\",\"$(basename "$2")\",\"evil.tif\"]"
is "... and no server path anywhere in the answer" "$(grep -c -e "$A" -e /tmp/ -e upload- "$T_TMP/b")" 0
d1=$(jq '.files[0].documents[0].id' <"$T_TMP/p")
is "the document's original is named as uploaded" \
	"$(curl -s "$BASE_URL/api/documents/$d1" | jq -r '.source.name')" "Loan contract Ünal 50%.png"
is "nothing escaped the spool folder" "$([ -e "$A/../etc/evil.tif" ] || [ -e /etc/evil.tif ] && echo escaped || echo no)" no
is "spool folder removed" "$(ls "$A/tmp" | grep -c upload-)" 0
is "the batch is the clerk's" "$(D batch --json "$batch" | jq -r '.user + " " + .status')" "cle done"
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/batches/999/progress")
is "unknown batch progress: 404" "$code" 404

# Review: put both documents in the queue, then accept and return.
for id in $(jq '[.files[].documents[].id] | .[]' <"$T_TMP/p"); do
	sqlite3 "$A/catalogue.db" "UPDATE document SET status = 'review', review_reason = 'test' WHERE id = $id"
done
set -- $(jq '[.files[].documents[].id] | .[]' <"$T_TMP/p")
is "the queue lists both" "$(curl -s "$BASE_URL/api/review" | jq length)" 2

# Turning a page the scanner fed sideways: read again, the old kept.
turn() { curl -s -o "$T_TMP/r" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data "$2" "$BASE_URL/api/documents/$1/pages/1/turn"; }
before=$(D show --json "$1" | jq -r '[.pages[0].width, .pages[0].height, .version, .pdf] | join(" ")')
is "turn by 45 degrees: 400 in words" "$(turn "$1" '{"degrees":45,"reason":"x sideways"}') $(json .error <"$T_TMP/r")" \
	"400 a page turns by 90, 180 or 270 degrees (clockwise), not 45"
is "turn without degrees: 400" "$(turn "$1" '{"reason":"sideways"}')" 400
is "turn of a missing page: 404" "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"degrees":90,"reason":"sideways"}' "$BASE_URL/api/documents/$1/pages/9/turn")" 404
is "turn a quarter right: 200" "$(turn "$1" '{"degrees":90,"reason":"fed sideways"}') $(json .message <"$T_TMP/r")" \
	"200 document $1 page 1 turned 90 degrees and read again (the page as it was is kept)"
set -- "$@" $before
after=$(D show --json "$1" | jq -r '[.pages[0].width, .pages[0].height, .pages[0].rotation, .version] | join(" ")')
is "page now lies the other way, rotation and version up" "$after" "$4 $3 90 $(($5 + 1))"
is "the page's old image, text and PDF are kept" \
	"$(sqlite3 "$A/catalogue.db" "SELECT count(*), max(replaced_by), max(reason), max(pdf_sha256) = '$6' FROM page_image_version")" \
	"1|cle|fed sideways|1"
D show --json "$1" | jq -r .pdf >"$T_TMP/pdfsha"
is "the document has a new searchable PDF" "$([ "$(cat "$T_TMP/pdfsha")" != "$6" ] && echo new)" new
cp "$A/blobs/$(cut -c1-2 "$T_TMP/pdfsha")/$(cat "$T_TMP/pdfsha")" "$T_TMP/turned.pdf"
is "its page is landscape now" "$(pdfinfo "$T_TMP/turned.pdf" 2>/dev/null | awk '/^Page size/ { print ($3 > $5) ? "landscape" : "portrait" }')" landscape
check "the document's PDF after a page turn is PDF/A (tests/pdfa_check.py)" \
	python3 tests/pdfa_check.py "$T_TMP/turned.pdf"
is "turning back: 200" "$(turn "$1" '{"degrees":270,"reason":"turned back"}')" 200
is "upright again, two versions kept" \
	"$(D show --json "$1" | jq -r '.pages[0].rotation'):$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM page_image_version")" "0:2"
is "turns audited with their reasons" \
	"$(sqlite3 "$A/catalogue.db" "SELECT group_concat(detail, ' / ') FROM audit WHERE action = 'page-turn'")" \
	"page 1 turned 90 degrees: fed sideways / page 1 turned 270 degrees: turned back"
check "the archive still verifies" D verify
set -- "$1" "$2"
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"changes":{"category":"CREDIT","account":"ACC-2024-000777"},"note":"label was torn"}' \
	"$BASE_URL/api/review/$1/accept")
is "accept with a correction: 200" "$code $(json .message <"$T_TMP/r")" "200 document $1 accepted and filed"
is "filed under the corrected account and numbered" \
	"$(D show --json "$1" | jq -r '[.status, .account, (.archive_no != null)] | join(" ")')" "archived ACC-2024-000777 true"
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"note":""}' "$BASE_URL/api/review/$2/return")
is "return needs a reason: 400" "$code" 400
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"note":"page 2 missing, rescan"}' "$BASE_URL/api/review/$2/return")
is "return with a reason: 200" "$code" 200
is "returned with its reason" "$(D show --json "$2" | jq -r '.status + ": " + .review_reason')" "returned: page 2 missing, rescan"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{}' "$BASE_URL/api/review/$1/accept")
is "a decided document: 409" "$code" 409
is "decisions audited" \
	"$(sqlite3 "$A/catalogue.db" "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit WHERE action LIKE 'review.%' ORDER BY id)")" \
	"review.accept review.return"

# Each file its own account and category (fields just before it), the
# batch's for the others; a file's unknown category refuses the batch.
"$GENSAMPLES" -o "$T_TMP/pf" --count 2 --kind contract --format png --seed 22 >/dev/null 2>&1
set -- $(ls "$T_TMP"/pf/*.png)
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -F "file_category=NOPE" -F "files=@$1" "$BASE_URL/api/batches")
is "a file's unknown category: 400" "$code" 400
contains "... naming the file and the category" "$(json .error <"$T_TMP/r")" "$(basename "$1"): unknown category 'NOPE'"
is "... and no batch was begun for it" "$(D batch --json | jq 'length')" 1
printf '\377\376ACC' >"$T_TMP/badacc"
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -F "file_account=<$T_TMP/badacc" -F "files=@$1" "$BASE_URL/api/batches")
is "a file's account that is not UTF-8: 400 before a batch begins" \
	"$code $(D batch --json | jq 'length')" "400 1"
is "... in words, naming the file" "$(json .error <"$T_TMP/r")" "$(basename "$1"): its account or category is not UTF-8 text"
code=$(curl -s -o "$T_TMP/r" -w '%{http_code}' -F "account=ACC-2024-300009" -F "category=CREDIT" \
	-F "file_account=ACC-2024-300001" -F "file_category=COMPLAINT" -F "files=@$1" \
	-F "files=@$2" "$BASE_URL/api/batches")
is "per-file upload accepted: 202" "$code" 202
batch=$(json .batch <"$T_TMP/r")
state=running
for _ in $(seq 1 240); do
	curl -s "$BASE_URL/api/batches/$batch/progress" >"$T_TMP/p"
	state=$(json .state <"$T_TMP/p")
	[ "$state" = running ] || break
	sleep 0.5
done
is "per-file batch ingested" "$state" done
is "the first file under its own account and category, the second under the batch's" \
	"$(for id in $(jq '.files[].documents[].id' <"$T_TMP/p"); do D show --json "$id" | jq -r '.account + " " + .category'; done | paste -sd, | sed 's/,/, /')" \
	"ACC-2024-300001 COMPLAINT, ACC-2024-300009 CREDIT"
is "its spool folder (manifest included) removed" "$(ls "$A/tmp" | grep -c upload-)" 0
stop_server
finish
