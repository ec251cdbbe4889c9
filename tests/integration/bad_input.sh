# bad_input.sh: unreadable and hostile files end in a clear error, nothing
# of them is stored, and the rest of the batch is ingested.
. tests/tap.sh

A="$T_TMP/archive"
"$DOSSIER" -A "$A" init >/dev/null
head -c 4096 /dev/urandom >"$T_TMP/noise.tif"
printf 'II*\0garbage' >"$T_TMP/truncated.tif"
"$GENSAMPLES" -o "$T_TMP/s" --count 1 --kind invoice --format png --seed 3 >/dev/null 2>&1
good=$(ls "$T_TMP"/s/*.png | head -1)
head -c 20000 "$good" >"$T_TMP/cut.png"
: >"$T_TMP/empty.jpg"

out=$("$DOSSIER" -A "$A" ingest --json "$T_TMP/noise.tif" "$T_TMP/truncated.tif" \
	"$T_TMP/cut.png" "$T_TMP/empty.jpg" "$good" "$T_TMP/missing.png")
rc=$?
is "exit status 1 when a file failed" "$rc" 1
is "the good file is ingested" "$(echo "$out" | json '.documents | length')" 1
is "five errors reported" "$(echo "$out" | json '.errors | length')" 5
is "noise: clear error" "$(echo "$out" | json '.errors[0].error')" "not a TIFF, PNG, JPEG or PDF scan"
contains "truncated TIFF: clear error" "$(echo "$out" | json '.errors[1].error')" "TIFF"
contains "cut PNG: clear error" "$(echo "$out" | json '.errors[2].error')" "damaged or truncated"
is "empty file: clear error" "$(echo "$out" | json '.errors[3].error')" "file is empty or too short to be a scan"
is "missing file: clear error" "$(echo "$out" | json '.errors[4].error')" "no such file"
is "only the good file's document is stored" "$("$DOSSIER" -A "$A" search --json '' | json '.total')" 1

if [ -d "$CORPUS/bad-input" ]; then
	out=$("$DOSSIER" -A "$A" ingest --json --max-megapixels 20 "$CORPUS"/bad-input/*.pdf)
	is "corpus bad inputs: all refused" "$(echo "$out" | json '.errors | length')" 3
	is "corpus bad inputs: nothing filed" "$(echo "$out" | json '.documents | length')" 0
	contains "enormous.pdf: refused under a 20 MP limit" "$(echo "$out" | json '.errors[0].error')" \
		"PDF holds a 9000x9000 image (81 megapixels), over the limit of 20 megapixels"
	contains "hugemono.pdf: bomb refused before decoding" "$(echo "$out" | json '.errors[1].error')" \
		"PDF holds a 35000x35000 image (1225 megapixels), over the limit"
	contains "invalid.pdf: damaged" "$(echo "$out" | json '.errors[2].error')" "PDF is damaged or truncated"
else
	skip "corpus not found at $CORPUS"
fi
blobs=$(find "$A/blobs" -type f | wc -l)
is "blobs: original, processed page, thumbnail, PDF of the good file only" "$blobs" 4
check "verify passes" "$DOSSIER" -A "$A" verify
finish
