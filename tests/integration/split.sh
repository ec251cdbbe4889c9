# split.sh: a stack is cut into documents by separator sheets, cover sheets
# and labels, with the results paperless-ngx's own tests expect on its
# sample files (../shared/corpus/paperless-barcodes/README), and pages are
# turned upright (../shared/corpus/ocrmypdf/cardinal.pdf).
. tests/tap.sh
need_corpus
C="$CORPUS/paperless-barcodes"
A="$T_TMP/archive"
"$DOSSIER" -A "$A" init >/dev/null
out=$("$DOSSIER" -A "$A" ingest -j2 --json \
	"$C/patch-code-t.pdf" "$C/patch-code-t-middle.pdf" "$C/patch-code-t-middle.tiff" \
	"$C/several-patcht-codes.pdf" "$C/patch-code-t-double.pdf" "$C/patch-code-t-qr.pdf" \
	"$C/barcode-fax-image.pdf" "$C/split-by-asn-1.pdf" "$C/split-by-asn-2.pdf" \
	"$C/barcode-39-asn-123.pdf" "$C/barcode-39-asn-invalid.pdf" \
	"$C/barcode-qr-asn-000123-upscale-dpi.pdf" "$SAMPLES/batch-001.tif")
is "no file failed" "$(echo "$out" | json '.errors | length')" 0
echo "$out" | jq -c '.errors[]' | sed 's/^/# failed: /'

docs() { echo "$out" | jq -r --arg f "$1" '[.documents[] | select(.path | endswith("/" + $f))] | length'; }
firsts() { echo "$out" | jq -r --arg f "$1" '[.documents[] | select(.path | endswith("/" + $f)) | .first_page] | join(",")'; }
serials() { echo "$out" | jq -r --arg f "$1" '[.documents[] | select(.path | endswith("/" + $f)) | .serial // "-"] | join(",")'; }

is "patch-code-t.pdf: only a separator, no document" "$(docs patch-code-t.pdf)" 0
is "patch-code-t-middle.pdf: 2 documents" "$(docs patch-code-t-middle.pdf)" 2
is "patch-code-t-middle.pdf: start on pages 1 and 3" "$(firsts patch-code-t-middle.pdf)" "1,3"
is "patch-code-t-middle.tiff: same as the PDF" "$(firsts patch-code-t-middle.tiff)" "1,3"
is "several-patcht-codes.pdf: separators on 2 and 5" "$(firsts several-patcht-codes.pdf)" "1,4,7"
is "patch-code-t-double.pdf: 2 documents" "$(docs patch-code-t-double.pdf)" 2
is "patch-code-t-qr.pdf: QR separator, no document" "$(docs patch-code-t-qr.pdf)" 0
is "barcode-fax-image.pdf: G4 fax, separator on page 1" "$(firsts barcode-fax-image.pdf)" "1,3"
is "split-by-asn-1.pdf: 5 documents" "$(docs split-by-asn-1.pdf)" 5
is "split-by-asn-1.pdf: serials 123-127" "$(serials split-by-asn-1.pdf)" "123,124,125,126,127"
is "split-by-asn-2.pdf: 6 documents" "$(docs split-by-asn-2.pdf)" 6
is "split-by-asn-2.pdf: serials" "$(serials split-by-asn-2.pdf)" "123,-,124,125,126,127"
is "barcode-39-asn-123.pdf: serial 123" "$(serials barcode-39-asn-123.pdf)" 123
is "barcode-39-asn-invalid.pdf: no serial" "$(serials barcode-39-asn-invalid.pdf)" "-"
is "small QR label read: serial 123" "$(serials barcode-qr-asn-000123-upscale-dpi.pdf)" 123
b=$(echo "$out" | jq -c '[.documents[] | select(.path | endswith("/batch-001.tif")) | [.account, .category, .pages]]')
is "cover sheets file the generated batch" "$b" \
	"$(jq -c '[.documents[] | [.account, .category, (.pages | length)]]' "$SAMPLES/batch-001.json")"
check "verify passes: every page accounted for" "$DOSSIER" -A "$A" verify

# A printed cover sheet in front of a document files it.
"$DOSSIER" coversheet --account ACC-2024-000777 --category LOAN -o "$T_TMP/cover.pdf" >/dev/null
pdfunite "$T_TMP/cover.pdf" "$CORPUS/ocrmypdf/linn.pdf" "$T_TMP/stack.pdf"
out=$("$DOSSIER" -A "$A" ingest --json "$T_TMP/stack.pdf")
is "cover sheet: one document, its alias LOAN filed as the class CREDIT" "$(echo "$out" | jq -c '[.documents[] | [.account, .category, .pages, .first_page]]')" \
	'[["ACC-2024-000777","CREDIT",1,2]]'
check "coversheet refuses a category with ':'" \
	sh -c "! '$DOSSIER' coversheet --account A --category 'X:Y' -o '$T_TMP/bad.pdf' 2>/dev/null"

# The review queue lists what ingest was unsure of, with the reason.
rev=$("$DOSSIER" -A "$A" review --json)
n=$(echo "$rev" | jq 'length')
is "review queue matches documents in status review" "$n" \
	"$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM document WHERE status = 'review'")"
is "each queued document says why" "$(echo "$rev" | jq 'all(.[]; (.reason | length) > 0)')" true

# Orientation: the same page at 0/90/180/270 comes out upright.
out=$("$DOSSIER" -A "$A" ingest -j2 --json "$CORPUS/ocrmypdf/cardinal.pdf")
id=$(echo "$out" | json '.documents[0].id')
rot=$("$DOSSIER" -A "$A" show --json "$id" | jq -r '[.pages[].rotation] | join(",")')
is "cardinal.pdf: turns applied" "$rot" "0,270,180,90"
minconf=$("$DOSSIER" -A "$A" show --json "$id" | jq -r '[.pages[].ocr_confidence] | min')
check "cardinal.pdf: every page reads well (min confidence $minconf)" \
	awk -v c="$minconf" 'BEGIN { exit !(c > 80) }'
finish
