#!/usr/bin/env bash
# Capture benchmark (issue 24): the hard pages customer files hold, read by
# dossier, plain tesseract and `ocrmypdf --deskew --rotate-pages`, side by
# side in one run, on the same pages with the same languages.  Prints, per
# kind of page, word recall (order-free), character error rate, amounts and
# ID numbers read exactly, barcodes and account numbers found, and time per
# page, each target beside its figure with "met" / "NOT met".  Figures, not
# a pass/fail test.
#
# Usage (from the project root; `make bench-capture` does this):
#   bench/capture.sh BUILD_DIR
# Environment:
#   CAPTURE_PAGES=N   pages of each generated kind (default 3)
#   CAPTURE_SET=S     eval (default: the held-out set, never tuned on) or tune
#   CAPTURE_SEED=N    gensamples --seed: another draw of the set (pages
#                     nobody has looked at); default 1, the set as it was
#   CAPTURE_KINDS=L   comma list of generated kinds (default all), or none
#   CAPTURE_CORPUS=0  leave out the ../shared/corpus pages
#   CAPTURE_OCRMYPDF=0  leave out OCRmyPDF (the slowest part)
#   CAPTURE_AUTO=0    dossier told each kind's languages instead of auto
#
# Steps:
#   1. gensamples --capture --set S: N pages per kind with ground truth
#   2. the corpus pages that fit (linn.png and the PDFs of the same page:
#      rotated_skew, cardinal, ccitt; aspect.pdf at 200 x 100 dpi; the fax
#      of paperless-barcodes with its separator)
#   3. per kind: dossier ingest -j1 with languages = auto (one batch),
#      tesseract on each page (PDFs rendered at 300 dpi by pdftoppm first,
#      not timed), ocrmypdf on each page; same language per page: eng, or
#      chi_sim on Chinese pages (what languages = auto chooses there)
#   4. bench/capture_report.py: the table, and BUILD_DIR/bench/capture.json
# Timed commands go through bench/run_timed.py, which also records how much
# CPU other processes used meanwhile.
set -eu -o pipefail

if [ $# -ne 1 ]; then
	echo "usage: bench/capture.sh BUILD_DIR" >&2
	exit 2
fi
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
N=${CAPTURE_PAGES:-3}
SET=${CAPTURE_SET:-eval}
KINDS=${CAPTURE_KINDS:-all}
case "$N" in
'' | *[!0-9]*) echo "bench/capture.sh: CAPTURE_PAGES must be a number" >&2; exit 2 ;;
esac
SEED=${CAPTURE_SEED:-1}
case "$SEED" in
'' | *[!0-9]*) echo "bench/capture.sh: CAPTURE_SEED must be a number" >&2; exit 2 ;;
esac
case "$SET" in
tune | eval) ;;
*) echo "bench/capture.sh: CAPTURE_SET must be tune or eval" >&2; exit 2 ;;
esac

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
say() { printf '%s\n' "$*"; }
record() { printf '%s %s\n' "$1" "$2" >>"$WORK/results.txt"; }
timed() { python3 "$HERE/run_timed.py" "$WORK/results.txt" "$@" || true; }

for b in dossier gensamples; do
	if [ ! -x "$BUILD/$b" ]; then
		echo "bench/capture.sh: $BUILD/$b is missing: run 'make all' first" >&2
		exit 1
	fi
done
say "== installing benchmark tools: scripts/install-deps bench"
scripts/install-deps bench || say "   install failed: baselines that are missing are skipped"

T_ALL=$(now)
WORK=$BUILD/bench/capture
rm -rf "$WORK"
mkdir -p "$WORK/pages" "$WORK/logs" "$WORK/bin" "$WORK/tess" "$WORK/ocrmypdf" "$WORK/raster"
WORK=$(cd "$WORK" && pwd)
: >"$WORK/results.txt"
cp "$BUILD/dossier" "$BUILD/gensamples" "$WORK/bin/"
DOSSIER=$WORK/bin/dossier
record started "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
record git "$(git describe --always --dirty 2>/dev/null || echo unknown)"
record set "$SET"
record seed "$SEED"
record loadavg_start "$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
command -v tesseract >/dev/null && record tesseract_version "$(tesseract --version 2>&1 | head -1 | awk '{print $2}')"
command -v ocrmypdf >/dev/null && record ocrmypdf_version "$(ocrmypdf --version 2>&1 | head -1)"
say "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# ------------------------------------------------------------ 1. pages
ITEMS=$WORK/items.tsv   # kind <TAB> path <TAB> truth json or text file
: >"$ITEMS"
if [ "$KINDS" != none ]; then
	say "== 1. gensamples --capture --set $SET --count $N --kinds $KINDS --seed $SEED"
	"$WORK/bin/gensamples" --capture --set "$SET" --count "$N" --kinds "$KINDS" \
		--seed "$SEED" \
		-o "$WORK/pages" >"$WORK/logs/gensamples.log"
	for j in "$WORK"/pages/*.json; do
		f=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["file"])' "$j")
		k=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kind"])' "$j")
		printf '%s\t%s\t%s\n' "$k" "$WORK/pages/$f" "$j" >>"$ITEMS"
	done
fi

# ------------------------------------------------------------ 2. corpus
C=$(cd "$HERE/../.." && pwd)/shared/corpus
if [ "${CAPTURE_CORPUS:-1}" != 0 ] && [ -d "$C/ocrmypdf" ]; then
	say "== 2. corpus pages from $C"
	L=$C/ocrmypdf/linn.txt
	printf 'This should be a perfect circle.\n' >"$WORK/aspect.txt"
	for f in linn.png rotated_skew.pdf cardinal.pdf ccitt.pdf; do
		[ -f "$C/ocrmypdf/$f" ] && printf 'corpus-linn\t%s\t%s\n' "$C/ocrmypdf/$f" "$L" >>"$ITEMS"
	done
	[ -f "$C/ocrmypdf/aspect.pdf" ] &&
		printf 'corpus-aspect\t%s\t%s\n' "$C/ocrmypdf/aspect.pdf" "$WORK/aspect.txt" >>"$ITEMS"
	[ -f "$C/paperless-barcodes/barcode-fax-image.pdf" ] &&
		printf 'corpus-fax\t%s\t-\n' "$C/paperless-barcodes/barcode-fax-image.pdf" >>"$ITEMS"
else
	record skip "corpus ../shared/corpus is absent or CAPTURE_CORPUS=0"
fi

lang_of() { case "$1" in form-zh*) echo chi_sim ;; *) echo eng ;; esac; }

# ------------------------------------------------------------ 3. runs
for kind in $(cut -f1 "$ITEMS" | sort -u); do
	mapfile -t P < <(awk -F'\t' -v k="$kind" '$1 == k { print $2 }' "$ITEMS")
	lang=$(lang_of "$kind")
	say "== 3. $kind: ${#P[@]} page file(s), languages $lang"
	record "$kind.files" "${#P[@]}"
	record "$kind.lang" "$lang"
	arch=$WORK/arch-$kind
	dl=auto
	[ "${CAPTURE_AUTO:-1}" = 0 ] && dl=$lang
	printf '[ingest]\nlanguages = %s\n' "$dl" >"$WORK/dossier.conf"
	record "$kind.dossier_lang" "$dl"
	"$DOSSIER" -A "$arch" init >/dev/null
	timed "dossier_$kind" $((${#P[@]} * 120 + 60)) "$WORK/logs/dossier-$kind.out" \
		"$WORK/logs/dossier-$kind.err" \
		"$DOSSIER" -c "$WORK/dossier.conf" -A "$arch" ingest -j1 --stats --json "${P[@]}"
	if command -v tesseract >/dev/null; then
		# PDFs become 300-dpi PNG pages first (not timed).
		T=()
		for p in "${P[@]}"; do
			b=$(basename "$p")
			case "$p" in
			*.pdf)
				pdftoppm -r 300 -png "$p" "$WORK/raster/${b%.pdf}"
				for r in "$WORK/raster/${b%.pdf}"-*.png; do T+=("$r"); done ;;
			*) T+=("$p") ;;
			esac
		done
		printf '%s\n' "${T[@]}" >"$WORK/tess/$kind.list"
		timed "tesseract_$kind" $((${#T[@]} * 120 + 60)) "$WORK/logs/tess-$kind.log" \
			"$WORK/logs/tess-$kind.log" bash -c '
			out=$1 lang=$2; shift 2
			for p in "$@"; do
				OMP_THREAD_LIMIT=1 tesseract "$p" "$out/$(basename "${p%.*}")" -l "$lang" || exit 1
			done' _ "$WORK/tess" "$lang" "${T[@]}"
		record "tesseract_$kind.pages" "${#T[@]}"
	fi
	if [ "${CAPTURE_OCRMYPDF:-1}" != 0 ] && command -v ocrmypdf >/dev/null; then
		timed "ocrmypdf_$kind" $((${#P[@]} * 300 + 60)) "$WORK/logs/ocrmypdf-$kind.log" \
			"$WORK/logs/ocrmypdf-$kind.log" bash -c '
			out=$1 lang=$2; shift 2
			for p in "$@"; do
				b=$(basename "$p"); b=${b%.*}
				OMP_THREAD_LIMIT=1 ocrmypdf --deskew --rotate-pages -l "$lang" --jobs 1 \
					--image-dpi 200 --output-type pdf "$p" "$out/$b.pdf" || true
				[ -s "$out/$b.pdf" ] && pdftotext "$out/$b.pdf" "$out/$b.txt"
			done' _ "$WORK/ocrmypdf" "$lang" "${P[@]}"
	fi
done

record loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
record elapsed_s "$(elapsed "$T_ALL")"
say "== 4. report"
python3 "$HERE/capture_report.py" "$WORK" "$DOSSIER" "$BUILD/bench/capture.json"
say "bench/capture.sh finished in $(elapsed "$T_ALL") s (pages, logs and archives in $WORK)"
