# pdfa.sh: every PDF the archive makes is PDF/A-2b by its structure
# (tests/pdfa_check.py reads it with qpdf --json): the searchable PDF of
# each document of the demo set (every format, a Chinese contract, a
# stack cut by cover sheets) as stored, as `dossier pdf` writes it (with
# the document's title, customer and archive number in its XMP) and as a
# stamped copy; a PDF that lacks the properties is caught.
. tests/tap.sh
A="$T_TMP/archive"
D() { "$DOSSIER" -A "$A" "$@"; }
D init >/dev/null
D ingest -j 2 "$SAMPLES"/*.tif "$SAMPLES"/*.jpg "$SAMPLES"/demo-0001.png >/dev/null 2>&1
# The Chinese contract, read as Chinese.
zh=$(D ingest --json --lang chi_sim+eng "$SAMPLES/demo-0008.png" 2>/dev/null | jq -r '.documents[0].id')
n=$(sqlite3 "$A/catalogue.db" "SELECT count(*) FROM document WHERE pdf_sha256 IS NOT NULL")
check "the demo set gave documents with PDFs" test "$n" -ge 10
D customer add C-PDF --name "Zhang Wei 张伟" --type individual --account ACC-2024-000101 >/dev/null
mkdir -p "$T_TMP/stored" "$T_TMP/out"
for sha in $(sqlite3 "$A/catalogue.db" "SELECT pdf_sha256 FROM document WHERE pdf_sha256 IS NOT NULL"); do
	cp "$A/blobs/${sha:0:2}/$sha" "$T_TMP/stored/$sha.pdf"
done
out=$(python3 tests/pdfa_check.py "$T_TMP"/stored/*.pdf 2>&1)
rc=$?
echo "$out" | grep -v ': ok$' | sed 's/^/# /'
is "every stored searchable PDF passes the PDF/A property checks" "$rc" 0
for id in $(sqlite3 "$A/catalogue.db" "SELECT id FROM document WHERE pdf_sha256 IS NOT NULL"); do
	D pdf "$id" -o "$T_TMP/out/$id.pdf" 2>/dev/null
	D pdf "$id" --copy --reason "PDF/A check" -o "$T_TMP/out/$id-copy.pdf" 2>/dev/null
done
out=$(python3 tests/pdfa_check.py "$T_TMP"/out/*.pdf 2>&1)
rc=$?
echo "$out" | grep -v ': ok$' | sed 's/^/# /'
is "every PDF dossier pdf writes, plain or a stamped copy, passes" "$rc" 0
id=$(sqlite3 "$A/catalogue.db" "SELECT d.id FROM document d JOIN customer c ON c.id = d.customer_id WHERE d.archive_no IS NOT NULL LIMIT 1")
no=$(sqlite3 "$A/catalogue.db" "SELECT archive_no FROM document WHERE id = $id")
title=$(sqlite3 "$A/catalogue.db" "SELECT title FROM document WHERE id = $id")
check "its XMP names the document's title, customer and archive number" \
	python3 tests/pdfa_check.py --title "$title" --customer C-PDF --archive-no "$no" "$T_TMP/out/$id.pdf" "$T_TMP/out/$id-copy.pdf"
contains "the Info dictionary names the customer too" "$(pdfinfo "$T_TMP/out/$id.pdf")" "Customer C-PDF (Zhang Wei 张伟), archive number $no"
check "the Chinese contract's PDF passes, and its copy" \
	python3 tests/pdfa_check.py "$T_TMP/out/$zh.pdf" "$T_TMP/out/$zh-copy.pdf"
contains "its text layer holds its Chinese words" "$(pdftotext "$T_TMP/out/$zh.pdf" - | tr -d ' \n')" "合同"
check "the same document gives the same bytes (content-addressed)" \
	sh -c "D() { \"$DOSSIER\" -A \"$A\" \"\$@\"; }; D pdf $id -o '$T_TMP/again.pdf' 2>/dev/null && cmp -s '$T_TMP/again.pdf' '$T_TMP/out/$id.pdf'"
# The check can fail: a PDF from before (qpdf's copy of a page PDF
# without metadata or output intent) is caught.
qpdf --empty --pages "$T_TMP/out/$id.pdf" -- "$T_TMP/plain.pdf" 2>/dev/null
out=$(python3 tests/pdfa_check.py "$T_TMP/plain.pdf" 2>&1)
contains "a PDF without XMP or output intent fails the checks" "$out" "no /Metadata stream in the catalog"
contains "the copies carry who took them and why as text too" \
	"$(pdftotext "$T_TMP/out/$id-copy.pdf" - | tr -s ' \n' '  ')" "Reason: PDF/A check"
finish
