# barcodes.sh: every barcode kind dossier reads (Code 128, Code 39, QR,
# Interleaved 2 of 5, EAN-13, UPC-A) is listed by `show` with the exact
# symbology and value of the generator's ground truth (tools/README.md),
# and nothing else: on a clean 300-dpi G4 page, on a 200-dpi JPEG page
# skewed 4 degrees and turned a quarter, and on an upright 150-dpi page.
# Also paperless-ngx's "custom" barcode samples
# (../shared/corpus/paperless-barcodes/README).
# Not here yet: a QR code on a 150-dpi page skewed 2 to 4 degrees, which
# zbarimg reads from the file but ingest misses (reported, issue 3).
. tests/tap.sh

A="$T_TMP/archive"
S="$T_TMP/s"
"$DOSSIER" -A "$A" init >/dev/null || { not_ok "init"; finish; }

KINDS="code128 code39 qr i25 ean13 upca"
for k in $KINDS; do
	"$GENSAMPLES" -o "$S" --prefix "$k-clean" --barcode "$k" --kind invoice \
		--format tiff-g4 --seed 21 >/dev/null 2>&1 &
	"$GENSAMPLES" -o "$S" --prefix "$k-turned" --barcode "$k" --kind account-form \
		--format jpeg --dpi 200 --skew -4 --rotate 90 --seed 41 >/dev/null 2>&1 &
	"$GENSAMPLES" -o "$S" --prefix "$k-low" --barcode "$k" --kind letter \
		--format png --dpi 150 --seed 61 >/dev/null 2>&1
	wait
done
is "generator wrote 18 pages with ground truth" "$(ls "$S"/*.json | wc -l)" 18

out=$("$DOSSIER" -A "$A" ingest -j2 --json "$S"/*.tif "$S"/*.jpg "$S"/*.png)
is "every page ingested without error" "$(echo "$out" | json '.errors | length')" 0

# barcodes_of NAME: the barcodes `show` lists for the one document filed from
# the file NAME (in the last ingest), as [[type, value], ...].
barcodes_of() {
	local id
	id=$(echo "$out" | jq -r --arg f "/$1" \
		'[.documents[] | select(.path | endswith($f)) | .id] | if length == 1 then .[0] else "none" end')
	[ "$id" = none ] && { echo "no document"; return; }
	"$DOSSIER" -A "$A" show --json "$id" | jq -c '[.pages[].barcodes[] | [.type, .value]]'
}
for k in $KINDS; do
	truth="$S/$k-clean-0001.json"
	want=$(jq -c '[.barcodes[] | [.type, .value]]' "$truth")
	is "$k: $(jq -r '.barcodes[0].type' "$truth") read on a clean 300-dpi page" \
		"$(barcodes_of "$k-clean-0001.tif")" "$want"
	truth="$S/$k-turned-0001.json"
	want=$(jq -c '[.barcodes[] | [.type, .value]]' "$truth")
	is "$k: read on a 200-dpi JPEG, skewed 4 degrees, turned 90" \
		"$(barcodes_of "$k-turned-0001.jpg")" "$want"
	truth="$S/$k-low-0001.json"
	want=$(jq -c '[.barcodes[] | [.type, .value]]' "$truth")
	is "$k: read on an upright 150-dpi page" "$(barcodes_of "$k-low-0001.png")" "$want"
done
# I2/5, EAN-13 and UPC-A carry only the account's digits: the account
# comes from the page's text, not from a number in a barcode.
id=$(echo "$out" | jq -r '[.documents[] | select(.path | endswith("/upca-clean-0001.tif")) | .id][0]')
is "UPC-A page filed under the account in its text" \
	"$("$DOSSIER" -A "$A" show --json "$id" | json '.account')" \
	"$(json '.account' <"$S/upca-clean-0001.json")"

if [ -d "$CORPUS/paperless-barcodes" ]; then
	C="$CORPUS/paperless-barcodes"
	out=$("$DOSSIER" -A "$A" ingest -j2 --json "$C/barcode-128-custom.pdf" \
		"$C/barcode-39-custom.pdf" "$C/barcode-qr-custom.pdf")
	is "corpus: custom barcode files ingested" "$(echo "$out" | json '.errors | length')" 0
	is "barcode-128-custom.pdf: Code 128 'CUSTOM BARCODE'" "$(barcodes_of barcode-128-custom.pdf)" \
		'[["CODE-128","CUSTOM BARCODE"]]'
	is "barcode-39-custom.pdf: Code 39 'CUSTOM BARCODE'" "$(barcodes_of barcode-39-custom.pdf)" \
		'[["CODE-39","CUSTOM BARCODE"]]'
	is "barcode-qr-custom.pdf: QR 'CUSTOM BARCODE'" "$(barcodes_of barcode-qr-custom.pdf)" \
		'[["QR-Code","CUSTOM BARCODE"]]'
else
	echo "# corpus not found at $CORPUS: custom barcode samples not tested"
fi
finish
