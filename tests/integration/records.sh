# records.sh: what ingest keeps besides the pages: the searchable PDF of
# each document (Tesseract's text layer over the G4 page), the batch record
# with every file and its outcome, and filing by a batch manifest (CSV).
. tests/tap.sh
need_corpus
A="$T_TMP/archive"
"$DOSSIER" -A "$A" init >/dev/null
cp "$SAMPLES/demo-0002.tif" "$SAMPLES/demo-0003.tif" "$T_TMP/"
cp "$CORPUS/bad-input/invalid.pdf" "$T_TMP/truncated.pdf"

cat >"$T_TMP/manifest.csv" <<'EOF'
file,account,category,title,date
demo-0002.tif,ACC-2020-000001,LOAN,"Loan agreement, signed",2024-03-01
EOF
out=$(cd "$T_TMP" && "$DOSSIER" -A "$A" ingest --json --manifest manifest.csv \
	demo-0002.tif demo-0003.tif truncated.pdf)
is "two documents filed, one file failed" \
	"$(echo "$out" | jq -c '[(.documents | length), (.errors | length)]')" "[2,1]"
id=$(echo "$out" | jq -r '.documents[] | select(.path == "demo-0002.tif") | .id')
doc=$("$DOSSIER" -A "$A" show --json "$id")
is "manifest files the document: account, category, title, date" \
	"$(echo "$doc" | jq -c '[.account, .category, .title, .date]')" \
	'["ACC-2020-000001","CREDIT","Loan agreement, signed","2024-03-01"]'
id3=$(echo "$out" | jq -r '.documents[] | select(.path == "demo-0003.tif") | .id')
is "a file not in the manifest is titled by its heading and date, not its file name" \
	"$("$DOSSIER" -A "$A" show --json "$id3" | jq -r '.title')" "Mortgage loan agreement, 2020-12-11"

# Searchable PDF: one per document, text layer from the same OCR pass.
check "pdf writes the document's PDF" "$DOSSIER" -A "$A" pdf "$id" -o "$T_TMP/doc.pdf" 2>/dev/null
is "the PDF has the document's page count" \
	"$(pdfinfo "$T_TMP/doc.pdf" | awk '/^Pages:/ {print $2}')" \
	"$(echo "$doc" | jq '.npages')"
is "the page image is bilevel G4" \
	"$(pdfimages -list "$T_TMP/doc.pdf" | awk 'NR == 3 {print $9}')" ccitt
pdftext=$(pdftotext "$T_TMP/doc.pdf" - | tr -s ' \n' '  ')
word=$(echo "$doc" | jq -r '[.pages[0].words[] | select(.[5] > 90 and (.[0] | length) > 5) | .[0]][0]')
contains "the PDF's text layer holds the OCR words" "$pdftext" "$word"
check "the document names a stored PDF" test -f "$A/blobs/$(echo "$doc" | jq -r '.pdf | .[0:2]')/$(echo "$doc" | jq -r '.pdf')"
check "the PDF written is PDF/A with the document's archive number" \
	python3 tests/pdfa_check.py --archive-no "$(echo "$doc" | jq -r '.archive_no')" "$T_TMP/doc.pdf"
check "pdf of an unknown document fails" \
	sh -c "! '$DOSSIER' -A '$A' pdf 999 -o '$T_TMP/none.pdf' 2>/dev/null"
check "no file left behind by a failed pdf" test ! -e "$T_TMP/none.pdf"

# The batch record lists every file with its outcome and reason.
b=$(echo "$out" | jq -r '.batch')
rec=$("$DOSSIER" -A "$A" batch --json "$b")
is "batch record: counts" \
	"$(echo "$rec" | jq -c '[.files, .pages, .documents, .failures, .status]')" \
	'[3,2,2,1,"done"]'
is "batch record: each file's outcome" \
	"$(echo "$rec" | jq -c '[.entries[] | [.name, .outcome]]')" \
	'[["demo-0002.tif","ingested"],["demo-0003.tif","ingested"],["truncated.pdf","failed"]]'
contains "batch record: the failure says why" \
	"$(echo "$rec" | jq -r '.entries[2].error')" "damaged or truncated"
again=$(cd "$T_TMP" && "$DOSSIER" -A "$A" ingest --json demo-0002.tif)
b2=$(echo "$again" | jq -r '.batch')
is "re-ingest is recorded as a duplicate" \
	"$("$DOSSIER" -A "$A" batch --json "$b2" | jq -r '.entries[0].outcome')" duplicate
contains "batch list shows both batches" "$("$DOSSIER" -A "$A" batch)" "batch $b2 "

# Bad manifests are refused before anything is read, with line and cause.
m() { printf "$1" >"$T_TMP/m.csv"; (cd "$T_TMP" && "$DOSSIER" -A "$A" ingest --manifest m.csv demo-0003.tif 2>&1 >/dev/null); }
contains "unknown column" "$(m 'file,acount\ndemo-0003.tif,x\n')" "manifest line 1: unknown column 'acount'"
contains "no file column" "$(m 'account\nx\n')" "no 'file' column"
contains "bad date" "$(m 'file,date\ndemo-0003.tif,2024-13-01\n')" "line 2: date '2024-13-01' is not YYYY-MM-DD"
contains "row naming a file not in the batch" "$(m 'file\nnope.tif\n')" "line 2 names 'nope.tif', which is not in this batch"
contains "unterminated quote" "$(m 'file,title\ndemo-0003.tif,\"open\n')" "malformed CSV"
contains "file listed twice" "$(m 'file\ndemo-0003.tif\ndemo-0003.tif\n')" "listed twice"
is "refused manifests started no batch" "$("$DOSSIER" -A "$A" batch --json | jq 'length')" 2
check "verify passes" "$DOSSIER" -A "$A" verify
finish
