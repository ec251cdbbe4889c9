# fuzz_replay.sh: every fuzz harness's seeds and every input the fuzzer
# (or a review next to it) found (fuzz/regress/TARGET/) replayed under
# ASan and UBSan with gcc, so a fixed crash stays fixed without clang in
# CI.  Targets: query, image, pdf, barcode, manifest, multipart, json (see
# fuzz/run.sh).  The library is built with ASan for this in
# $BUILD/fuzz-asan unless $BUILD is instrumented already (make asan).
# Then the kept findings that a replay cannot tell from a pass, through
# the real `dossier` command: PDF images whose size was hidden from the
# pixel limit are refused before decoding (the harness would only be
# slow), a scan whose file name is not UTF-8 is filed and shown, and a
# JSON number past int is refused, not cut to fit.
. tests/tap.sh

relay replay "$(bash fuzz/replay.sh "${BUILD:-build}" 2>&1)"

A="$T_TMP/archive"
"$DOSSIER" -A "$A" init >/dev/null
for f in fuzz/regress/pdf/limit-bypass-*.pdf; do
	name=$(basename "$f" .pdf)
	out=$("$DOSSIER" -A "$A" ingest --json "$f")
	# Before the fix: filed, after decoding 144 megapixels per page.
	is "$name: refused before decoding" "$(echo "$out" | json '.errors[0].error')" \
		"PDF holds a 12000x12000 image (144 megapixels), over the limit of 100 megapixels: refused before decoding"
done

# A file name in Latin-1 ("Müller-été.png"): filed, its title shown with
# '?' for the bytes that are not text (before: "out of memory" on show).
"$GENSAMPLES" -o "$T_TMP/s" --count 1 --kind invoice --format png --seed 3 \
	>/dev/null 2>&1
latin1=$T_TMP/$(printf 'M\xfcller-\xe9t\xe9.png')
cp "$(ls "$T_TMP"/s/*.png | head -1)" "$latin1"
out=$("$DOSSIER" -A "$A" ingest --json "$latin1")
id=$(echo "$out" | json '.documents[0].id')
check "Latin-1 file name: filed" test -n "$id" -a "$id" != null
is "Latin-1 file name: shown as text" \
	"$("$DOSSIER" -A "$A" show --json "$id" | json '.source.name')" "M?ller-?t?.png"
# JSON integers past int were cut to fit (4294967297 days = 1 day).
echo "staff-pass-123" | "$DOSSIER" -A "$A" user add t-staff --role staff \
	>/dev/null
start_server "$A" || { not_ok "server starts"; finish; }
sign_in t-staff staff-pass-123 >/dev/null
is "a grant of 2^32+1 days: refused, not 1 day" \
	"$(curl -s -H 'Content-Type: application/json' \
		--data "{\"document\":$id,\"reason\":\"case 12\",\"days\":4294967297}" \
		"$BASE_URL/api/grants" | json .error)" "a request is for 1 to 90 days"
sign_out
stop_server
finish
