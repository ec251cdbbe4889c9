# formats.sh: every input format, every quarter turn and skew angles up to
# 8 degrees go in through the real binary and come out upright, straight
# and read, as the generator's ground truth says (tools/README.md).  Also a
# multi-page TIFF, a Chinese page, and the corpus's skewed scan
# (../shared/corpus/ocrmypdf/skew.pdf).
. tests/tap.sh

A="$T_TMP/archive"
S="$T_TMP/s"
"$DOSSIER" -A "$A" init >/dev/null || { not_ok "init"; finish; }

# gen PREFIX ARGS...: one generated file, S/PREFIX-0001.* with its .json.
gen() { local p=$1; shift; "$GENSAMPLES" -o "$S" --prefix "$p" "$@" >/dev/null 2>"$S.$p.err"; }
mkdir -p "$S"
# One page per format, scanned at 200 dpi so that a resolution not read
# from the file shows: dossier reads pages under 250 dpi resampled to 300
# (issue 24), so a 200-dpi page taken for a 300-dpi one would come out at
# two thirds of its size in inches.  Two generators at a time.
FORMATS="tiff-g4 tiff-gray tiff-1bit-lzw tiff-jpeg tiff-rgb tiff-jpeg-rgb png jpeg pdf"
i=0
for f in $FORMATS; do
	i=$((i + 1))
	gen "fmt-$f" --format "$f" --dpi 200 --kind letter --seed $((100 + i)) &
	[ $((i % 2)) -eq 0 ] && wait
done
# Quarter turns (clockwise), each in another format; skews at 300 dpi.
gen rot-90 --format tiff-g4 --dpi 200 --rotate 90 --kind invoice --seed 201 &
gen rot-180 --format jpeg --dpi 200 --rotate 180 --kind account-form --seed 202
wait
gen rot-270 --format pdf --dpi 200 --rotate 270 --kind contract --seed 203 &
gen skew--8 --format png --skew -8 --kind letter --seed 301
wait
gen skew--3 --format png --skew -3 --kind invoice --seed 302 &
gen skew-3 --format png --skew 3 --kind account-form --seed 303
wait
gen skew-8 --format png --skew 8 --kind contract --seed 304 &
gen multi --format tiff-gray --dpi 200 --pages 3 --kind mixed --skew-range 4 --seed 401
wait
gen chi --format png --lang chi_sim --kind letter --seed 501
n=$(ls "$S" | grep -c '\.json$')
is "generator wrote every page with its ground truth" "$n" 18
[ "$n" -eq 18 ] || { cat "$S".*.err; finish; }

file_of() { ls "$S/$1-0001."* | grep -v '\.json$'; }
files=""
for p in $(cd "$S" && ls *.json | sed 's/-0001\.json$//' | grep -v '^chi$'); do
	files="$files $(file_of "$p")"
done
SKEWPDF="$CORPUS/ocrmypdf/skew.pdf"
[ -f "$SKEWPDF" ] && files="$files $SKEWPDF"
# shellcheck disable=SC2086
out=$("$DOSSIER" -A "$A" ingest -j2 --json $files)
skewpdf_id=$(echo "$out" | jq -r '[.documents[] | select(.path | endswith("/skew.pdf")) | .id][0]')
is "every file ingested without error" "$(echo "$out" | json '.errors | length')" 0

# doc_of PREFIX: the id of the one document filed from that file.
doc_of() {
	echo "$out" | jq -r --arg f "/$1-0001." \
		'[.documents[] | select(.path | contains($f)) | .id] | if length == 1 then .[0] else "none" end'
}
# recall WORDS TEXT: the percentage of the words of four or more letters in
# the JSON array WORDS that TEXT holds as words (punctuation trimmed).
recall() {
	jq -n --argjson words "$1" --arg text "$2" '
		def trim: gsub("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$"; "");
		([$text | splits("\\s+") | trim | {(.): 1}] | add // {}) as $seen
		| [$words[] | trim | select(test("^[A-Za-z]{4,}$"))] as $w
		| ([$w[] | select($seen[.])] | length) * 100 / ($w | length) | floor'
}
# page_recall TRUTH SHOW [PAGE]: recall of a generated page's ground truth
# words on page PAGE (0-based, default 0) of the shown document SHOW.
page_recall() {
	local p=${3:-0}
	recall "$(jq -c --argjson p "$p" 'if .pages then .pages[$p].words else .words end' "$1")" \
		"$(echo "$2" | jq -r --argjson p "$p" '.pages[$p].text')"
}
# near A B TOL: |A - B| <= TOL.
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }
# Tesseract reads 96-100% of the words of a straightened generated page.
MIN_RECALL=90

for f in $FORMATS; do
	truth="$S/fmt-$f-0001.json"
	id=$(doc_of "fmt-$f")
	[ "$id" != none ] || { not_ok "$f: one document filed" "ingest output: $out"; continue; }
	show=$("$DOSSIER" -A "$A" show --json "$id")
	want=${f%%-*}
	# Read at 300 dpi: resampled from 200 (PDF pages: rendered at 300).
	is "$f: read as $want, 1 page, upright, at 300 dpi" \
		"$(echo "$show" | jq -c '[.source.format, .npages, .pages[0].rotation, .pages[0].dpi]')" \
		"[\"$want\",1,0,300]"
	is "$f: filed under the page's account" "$(echo "$show" | json '.account')" \
		"$(json '.account' <"$truth")"
	contains "$f: customer's name read" "$(echo "$show" | json '.pages[0].text')" \
		"$(json '.customer' <"$truth")"
	r=$(page_recall "$truth" "$show")
	check "$f: ${r}% of the words read (at least $MIN_RECALL%)" test "${r:-0}" -ge $MIN_RECALL
	if [ "$f" != pdf ]; then
		# The page as scanned, in inches (to a hundredth).
		is "$f: page size as scanned" \
			"$(echo "$show" | jq -c '[.pages[0].width, .pages[0].height] | map(. / 3 | round)')" \
			"$(jq -c '[.width, .height] | map(. / 2 | round)' <"$truth")"
	fi
done

# dossier records the clockwise turn it applied to make a page upright,
# which undoes the generator's clockwise turn.
for r in 90 180 270; do
	truth="$S/rot-$r-0001.json"
	id=$(doc_of "rot-$r")
	show=$("$DOSSIER" -A "$A" show --json "$id")
	is "turned $r degrees: rotation $(((360 - r) % 360)) recorded" \
		"$(echo "$show" | json '.pages[0].rotation')" $(((360 - r) % 360))
	is "turned $r degrees: page upright (narrower than tall)" \
		"$(echo "$show" | json '.pages[0].width < .pages[0].height')" true
	rc=$(page_recall "$truth" "$show")
	check "turned $r degrees: ${rc}% of the words read" test "${rc:-0}" -ge $MIN_RECALL
done

# Skew: the generator rotates by skew_deg (clockwise positive); dossier
# records the angle it rotated back by, -skew_deg.
for a in -8 -3 3 8; do
	truth="$S/skew-$a-0001.json"
	id=$(doc_of "skew-$a")
	show=$("$DOSSIER" -A "$A" show --json "$id")
	got=$(echo "$show" | json '.pages[0].skew_deg')
	want=$(json '-.skew_deg' <"$truth")
	check "skewed $a degrees: recorded $got, within 0.1 of $want" near "$got" "$want" 0.1
	r=$(page_recall "$truth" "$show")
	check "skewed $a degrees: ${r}% of the words read" test "${r:-0}" -ge $MIN_RECALL
done

# A multi-page LZW TIFF of one customer's letter, form and contract, each
# page skewed differently: one document, pages in order, each straightened.
truth="$S/multi-0001.json"
id=$(doc_of multi)
show=$("$DOSSIER" -A "$A" show --json "$id")
is "multi-page TIFF: one document of 3 pages in file order" \
	"$(echo "$show" | jq -c '[.npages, [.pages[].source_index]]')" "[3,[0,1,2]]"
is "multi-page TIFF: filed under its account" "$(echo "$show" | json '.account')" \
	"$(json '.documents[0].account' <"$truth")"
for p in 0 1 2; do
	got=$(echo "$show" | json ".pages[$p].skew_deg")
	want=$(json "-.pages[$p].skew_deg" <"$truth")
	check "multi-page TIFF page $((p + 1)): skew $got within 0.1 of $want" near "$got" "$want" 0.1
	r=$(page_recall "$truth" "$show" $p)
	check "multi-page TIFF page $((p + 1)): ${r}% of the words read" test "${r:-0}" -ge $MIN_RECALL
done

# Simplified Chinese, read with --lang chi_sim.  Ground truth "words" are
# the phrases between punctuation marks; Tesseract may put blanks between
# characters, so compare without them.
truth="$S/chi-0001.json"
out=$("$DOSSIER" -A "$A" ingest --lang chi_sim --json "$(file_of chi)")
id=$(echo "$out" | json '.documents[0].id')
show=$("$DOSSIER" -A "$A" show --json "$id")
text=$(echo "$show" | json '.pages[0].text')
contains "Chinese: customer's name read" "$text" "$(json '.customer' <"$truth")"
is "Chinese: filed under the account on the page" "$(echo "$show" | json '.account')" \
	"$(json '.account' <"$truth")"
r=$(jq -n --arg text "$text" --slurpfile t "$truth" '
	($text | gsub("\\s"; "")) as $s
	| [$t[0].words[] | select(test("\\p{Han}")) | gsub("\\s"; "")] as $w
	| ([$w[] | select(. as $x | $s | contains($x))] | length) * 100 / ($w | length) | floor')
check "Chinese: ${r}% of the phrases read exactly (at least 80%)" test "${r:-0}" -ge 80
# Chinese runs are indexed as overlapping bigrams (blanks OCR puts between
# characters do not count): the customer's name, and two characters from
# the middle of each longer phrase read correctly, find the page.
name=$(json '.customer' <"$truth")
is "Chinese: search '$name' finds the page" \
	"$("$DOSSIER" -A "$A" search --json "$name" | json '[.hits[].id] | join(",")')" "$id"
found=0 tried=0
for w in $(jq -r --arg text "$text" '($text | gsub("\\s"; "")) as $s
	| .words[] | gsub("\\s"; "") | select(test("^\\p{Han}{4,}$"))
	| select(. as $x | $s | contains($x)) | .[1:3]' <"$truth"); do
	tried=$((tried + 1))
	[ "$("$DOSSIER" -A "$A" search --json "$w" | json "[.hits[].id] | index($id) != null")" = true ] &&
		found=$((found + 1))
done
check "Chinese: two characters inside a phrase find the page ($found of $tried)" \
	test "$tried" -ge 3 -a "$found" -eq "$tried"

# The corpus's skewed scan: straightened, and the straightened page that
# dossier stored measures (ingested again) within 0.5 degrees of level.
if [ -f "$SKEWPDF" ]; then
	show=$("$DOSSIER" -A "$A" show --json "$skewpdf_id")
	got=$(echo "$show" | json '.pages[0].skew_deg')
	check "skew.pdf: skew of $got degrees found" \
		awk -v a="$got" 'BEGIN { exit !(a >= 1 || a <= -1) }'
	sha=$(echo "$show" | json '.pages[0].processed')
	cp "$A/blobs/${sha%"${sha#??}"}/$sha" "$T_TMP/skew-processed.tif"
	out=$("$DOSSIER" -A "$A" ingest --json "$T_TMP/skew-processed.tif")
	id2=$(echo "$out" | json '.documents[0].id')
	res=$("$DOSSIER" -A "$A" show --json "$id2" | json '.pages[0].skew_deg')
	check "skew.pdf: residual skew $res within 0.5 degrees" near "$res" 0 0.5
	# linn.txt is the text of the page skew.pdf was made from.
	r=$(recall "$(jq -Rsc '[splits("\\s+")]' "$CORPUS/ocrmypdf/linn.txt")" \
		"$(echo "$show" | json '.pages[0].text')")
	check "skew.pdf: ${r}% of linn.txt's words read" test "${r:-0}" -ge 85
else
	echo "# corpus not found at $CORPUS: skew.pdf not tested"
fi
check "verify passes" "$DOSSIER" -A "$A" verify
finish
