#!/usr/bin/env bash
# Ingest benchmark: throughput, per-stage cost, OCR accuracy and residual skew
# of `dossier ingest`, against plain tesseract and OCRmyPDF, all in one run on
# the same generated pages.  Prints figures; it is not a pass/fail test.
#
# Usage (from the project root; `make bench-ingest` does this):
#   bench/ingest.sh BUILD_DIR
# Environment:
#   BENCH_PAGES=N           pages to generate and ingest (default 40: about
#                           3.5 minutes on a quiet 2-core machine)
#   BENCH_OCRMYPDF_PAGES=N  pages given to OCRmyPDF, the slowest part
#                           (default: all pages up to 40; never fewer than 10)
#   BENCH_BEFORE=PATH       another dossier binary (e.g. main's build) run
#                           -j2 on the same pages in the same run: the
#                           report gives this one's throughput and CER
#                           beside it (issue 24: clean pages no more than 5%
#                           slower)
#   BENCH_PAGE_LIMIT=S      seconds a page before a step is stopped (10)
#   BENCH_SEED=N            gensamples --seed: another set of pages than the
#                           default one (a held-out set for issue 20)
#
# Steps:
#   1. gensamples --bench: N A4 300-dpi G4 TIFF pages with ground truth JSON
#   2. dossier ingest -j1, -j2 and -j2 --no-deskew, a fresh archive each
#   3. plain tesseract (OMP_THREAD_LIMIT=1): one loop, then two loops side by side
#   4. OCRmyPDF --deskew --rotate-pages --jobs 2 on one PDF made with img2pdf
#   5. ../shared/corpus/ocrmypdf/linn.png through dossier and plain tesseract
#   6. bench/ingest_report.py: CER, residual skew, ratios; table on stdout and
#      BUILD_DIR/bench/ingest.json
#   7. bench/queue.sh: the work queue (1 and 2 workers) against the pipeline
#      in process (before the report; its own lines and queue.json)
# Each timed command goes through bench/run_timed.py: wall time, exit status,
# a time limit, and how much CPU other processes used meanwhile (a busy
# machine makes every figure pessimistic; the table shows it).
# Everything temporary is under BUILD_DIR/bench/run (removed at the start of
# each run, kept afterwards for inspection).
set -eu -o pipefail

if [ $# -ne 1 ]; then
	echo "usage: bench/ingest.sh BUILD_DIR" >&2
	exit 2
fi
BUILD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
N=${BENCH_PAGES:-40}
case "$N" in
'' | *[!0-9]*) echo "bench/ingest.sh: BENCH_PAGES must be a number" >&2; exit 2 ;;
esac
if [ "$N" -lt 2 ]; then
	echo "bench/ingest.sh: BENCH_PAGES must be at least 2" >&2
	exit 2
fi

# OCRmyPDF page count: all pages up to 40 (or BENCH_OCRMYPDF_PAGES), at least
# 10 (or N when N is smaller).
K=${BENCH_OCRMYPDF_PAGES:-40}
case "$K" in
'' | *[!0-9]*) echo "bench/ingest.sh: BENCH_OCRMYPDF_PAGES must be a number" >&2; exit 2 ;;
esac
[ "$K" -lt 10 ] && K=10
[ "$K" -gt "$N" ] && K=$N

# ---------------------------------------------------------------- helpers

now() { date +%s.%N; }
# elapsed START: seconds since START, 3 decimals
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
say() { printf '%s\n' "$*"; }
# record KEY VALUE: one line of results.txt, read by ingest_report.py
record() { printf '%s %s\n' "$1" "$2" >>"$WORK/results.txt"; }
# skip NAME REASON...: say it now and list it in the report
skip() {
	local name=$1; shift
	say "   SKIPPED $name: $*"
	record skip "$name $*"
}
# timed KEY LIMIT STDOUT STDERR CMD...: run CMD, record KEY.wall, KEY.rc,
# KEY.cpu_s and KEY.other (CPU used by other processes meanwhile) in
# results.txt; stopped after LIMIT seconds (exit status 124).  Never fails.
timed() {
	python3 "$HERE/run_timed.py" "$WORK/results.txt" "$@" || true
}
# Time limit for one step: generous (10 s a page + 60 s, or BENCH_PAGE_LIMIT
# seconds a page on a crowded machine), so that a hung tool cannot keep the
# benchmark running for ever.
PL=${BENCH_PAGE_LIMIT:-10}
case "$PL" in
'' | *[!0-9]*) echo "bench/ingest.sh: BENCH_PAGE_LIMIT must be a number" >&2; exit 2 ;;
esac
LIMIT=$((N * PL + 60))

# tess_loop OUTDIR PAGE...: plain tesseract on each page in turn, one thread.
tess_loop() {
	local out=$1 p; shift
	for p in "$@"; do
		OMP_THREAD_LIMIT=1 tesseract "$p" "$out/$(basename "$p" .tif)" \
			>>"$out/tesseract.log" 2>&1 || return 1
	done
}
# tess_two OUTDIR HALF PAGE...: two tess_loops side by side, pages [0, HALF)
# and [HALF, end); fails if either fails.
tess_two() {
	local out=$1 h=$2 rc=0 p1 p2; shift 2
	local pages=("$@")
	tess_loop "$out" "${pages[@]:0:h}" &
	p1=$!
	tess_loop "$out" "${pages[@]:h}" &
	p2=$!
	wait "$p1" || rc=1
	wait "$p2" || rc=1
	return "$rc"
}
export -f tess_loop tess_two

# ---------------------------------------------------------------- set-up

T_ALL=$(now)
for c in python3 awk date nproc; do
	if ! command -v "$c" >/dev/null; then
		echo "bench/ingest.sh: '$c' is needed and not installed" >&2
		exit 1
	fi
done
for b in dossier gensamples; do
	if [ ! -x "$BUILD/$b" ]; then
		echo "bench/ingest.sh: $BUILD/$b is missing: run 'make all' first" >&2
		exit 1
	fi
done

# Baseline tools (Debian packages ocrmypdf, wrk, hyperfine).  A failed install
# does not stop the benchmark: the OCRmyPDF baseline is skipped if ocrmypdf
# is then missing.
say "== installing benchmark tools: scripts/install-deps bench"
DEPS_OK=1
scripts/install-deps bench || DEPS_OK=0
[ "$DEPS_OK" = 1 ] ||
	say "   install failed: the OCRmyPDF baseline runs only if ocrmypdf is already installed"

BENCH=$BUILD/bench
WORK=$BENCH/run
rm -rf "$WORK"
mkdir -p "$WORK/pages" "$WORK/logs" "$WORK/bin" "$WORK/tess-1" "$WORK/tess-2" \
	"$WORK/tess-warm" "$WORK/ocrmypdf"
WORK=$(cd "$WORK" && pwd)
: >"$WORK/results.txt"

# Copy the binaries so that a rebuild by someone else during the run cannot
# change what is measured half-way.
cp "$BUILD/dossier" "$BUILD/gensamples" "$WORK/bin/"
DOSSIER=$WORK/bin/dossier
if [ -n "${BENCH_BEFORE:-}" ]; then
	if [ ! -x "$BENCH_BEFORE" ]; then
		echo "bench/ingest.sh: BENCH_BEFORE=$BENCH_BEFORE is not an executable" >&2
		exit 2
	fi
	cp "$BENCH_BEFORE" "$WORK/bin/dossier-before"
	record before.binary "$BENCH_BEFORE"
fi

record started "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
record git "$(git describe --always --dirty 2>/dev/null || echo unknown)"
record nproc "$(nproc)"
record loadavg_start "$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
say "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs on the machine skew the timings)"

# ---------------------------------------------------------------- 1. pages

SEEDARG=()
case "${BENCH_SEED:-}" in
'') ;;
*[!0-9]*) echo "bench/ingest.sh: BENCH_SEED must be a number" >&2; exit 2 ;;
*) SEEDARG=(--seed "$BENCH_SEED"); record seed "$BENCH_SEED" ;;
esac
say "== 1. generating $N pages: gensamples --bench ${SEEDARG[*]}"
"$WORK/bin/gensamples" --bench -o "$WORK/pages" --count "$N" "${SEEDARG[@]}" \
	>"$WORK/logs/gensamples.log" 2>&1
PAGES=("$WORK"/pages/bench-*.tif)
if [ "${#PAGES[@]}" -ne "$N" ]; then
	echo "bench/ingest.sh: gensamples wrote ${#PAGES[@]} pages, expected $N" >&2
	exit 1
fi

# Warm-up, not timed: loads the pages and eng.traineddata into the page cache.
HAVE_TESS=1
if command -v tesseract >/dev/null; then
	record tesseract_version "$(tesseract --version 2>&1 | head -1 | awk '{print $2}')"
	tess_loop "$WORK/tess-warm" "${PAGES[0]}" || true
else
	HAVE_TESS=0
fi

# ---------------------------------------------------------------- 2. dossier

# dossier_run KEY ARGS...: fresh archive arch-KEY, then ingest every page,
# timed as a whole command.
dossier_run() {
	local key=$1; shift
	local arch=$WORK/arch-$key bin=$DOSSIER
	case $key in dossier_before_*) bin=$WORK/bin/dossier-before ;; esac
	"$bin" -A "$arch" init >/dev/null
	say "== 2. $(basename "$bin") ingest $* --stats --json ($N pages)"
	timed "$key" "$LIMIT" "$WORK/logs/$key.out" "$WORK/logs/$key.err" \
		"$bin" -A "$arch" ingest "$@" --stats --json "${PAGES[@]}"
	say "   $(tail -n 1 "$WORK/logs/$key.err")"
}
[ -n "${BENCH_BEFORE:-}" ] && dossier_run dossier_before_j2 -j2
dossier_run dossier_j1 -j1
dossier_run dossier_j2 -j2
dossier_run dossier_j2_no_deskew -j2 --no-deskew
# Before and after once more, the other way round: a machine growing
# busier during the run does not favour one of them.
[ -n "${BENCH_BEFORE:-}" ] && dossier_run dossier_before_j2_b -j2
[ -n "${BENCH_BEFORE:-}" ] && dossier_run dossier_j2_b -j2

# ---------------------------------------------------------------- 3. tesseract

if [ "$HAVE_TESS" = 1 ]; then
	say "== 3. plain tesseract, OMP_THREAD_LIMIT=1, one process after another ($N pages)"
	timed tesseract_1proc "$LIMIT" - - bash -c 'tess_loop "$@"' _ "$WORK/tess-1" "${PAGES[@]}"
	record tesseract_1proc.pages "$N"

	H=$((N / 2))
	say "== 3. plain tesseract, two loops side by side ($H + $((N - H)) pages)"
	timed tesseract_2proc "$LIMIT" - - bash -c 'tess_two "$@"' _ "$WORK/tess-2" "$H" "${PAGES[@]}"
	record tesseract_2proc.pages "$N"
else
	skip tesseract "the tesseract command is not installed (Debian package tesseract-ocr)"
fi

# ---------------------------------------------------------------- 4. OCRmyPDF

# OCRmyPDF wants a PDF.  The Debian package brings img2pdf only as a Python
# module (python3-img2pdf), imported by the Python that runs ocrmypdf; it
# wraps the G4 data in the PDF as it is (lossless, no re-encoding).
IMG2PDF_PY=""
if ! command -v ocrmypdf >/dev/null; then
	if [ "$DEPS_OK" = 0 ]; then
		skip ocrmypdf "scripts/install-deps bench failed (not root, or apt-get failed) and ocrmypdf is not installed"
	else
		skip ocrmypdf "the ocrmypdf command is not installed"
	fi
else
	for py in /usr/bin/python3 python3; do
		if "$py" -c 'import img2pdf' 2>/dev/null; then
			IMG2PDF_PY=$py
			break
		fi
	done
	[ -n "$IMG2PDF_PY" ] || skip ocrmypdf "the img2pdf Python module is not installed"
fi
if [ -n "$IMG2PDF_PY" ]; then
	record ocrmypdf_version "$(ocrmypdf --version 2>&1 | head -1)"
	say "== 4. OCRmyPDF --deskew --rotate-pages --jobs 2 ($K of $N pages, one PDF made with img2pdf)"
	t=$(now)
	if ! "$IMG2PDF_PY" -c 'import sys, img2pdf
open(sys.argv[1], "wb").write(img2pdf.convert(sys.argv[2:]))' \
		"$WORK/ocrmypdf/in.pdf" "${PAGES[@]:0:K}" 2>"$WORK/logs/img2pdf.log"; then
		skip ocrmypdf "img2pdf could not convert the pages (see $WORK/logs/img2pdf.log)"
		IMG2PDF_PY=""
	fi
	dt=$(elapsed "$t")
	record ocrmypdf.convert_s "$dt"
	record ocrmypdf.input "one ${K}-page PDF made with img2pdf from the G4 TIFFs, first $K of $N pages (conversion not timed: $dt s)"
fi
if [ -n "$IMG2PDF_PY" ]; then
	timed ocrmypdf $((K * 15 + 120)) "$WORK/logs/ocrmypdf.log" "$WORK/logs/ocrmypdf.log" \
		ocrmypdf --deskew --rotate-pages --jobs 2 "$WORK/ocrmypdf/in.pdf" "$WORK/ocrmypdf/out.pdf"
	record ocrmypdf.pages "$K"
	if [ ! -s "$WORK/ocrmypdf/out.pdf" ]; then
		say "   ocrmypdf wrote no output; last lines of $WORK/logs/ocrmypdf.log:"
		tail -n 5 "$WORK/logs/ocrmypdf.log" | sed 's/^/     /'
	elif command -v pdftotext >/dev/null; then
		# Its text layer, for an informational CER (pages split by form feed).
		pdftotext "$WORK/ocrmypdf/out.pdf" "$WORK/ocrmypdf/out.txt" || true
	fi
fi

# ---------------------------------------------------------------- 5. linn.png

CORPUS=$(cd "$HERE/../.." && pwd)/shared/corpus/ocrmypdf
if [ -f "$CORPUS/linn.png" ] && [ -f "$CORPUS/linn.txt" ]; then
	say "== 5. CER on $CORPUS/linn.png (dossier -j1, plain tesseract)"
	record linn.truth "$CORPUS/linn.txt"
	"$DOSSIER" -A "$WORK/arch-linn" init >/dev/null
	timed linn_dossier 120 "$WORK/logs/linn.out" "$WORK/logs/linn.err" \
		"$DOSSIER" -A "$WORK/arch-linn" ingest -j1 --json "$CORPUS/linn.png"
	if [ "$HAVE_TESS" = 1 ]; then
		timed linn_tesseract 120 "$WORK/logs/linn-tess.log" "$WORK/logs/linn-tess.log" \
			env OMP_THREAD_LIMIT=1 tesseract "$CORPUS/linn.png" "$WORK/linn-tess"
	fi
else
	skip linn "$CORPUS/linn.png or linn.txt is absent (../shared/corpus not beside the project)"
fi

# ---------------------------------------------------------------- 7. queue

# The work queue against the in-process pipeline, same pages, this run.
"$HERE/queue.sh" "$BUILD" "$WORK" "${PAGES[@]}" || say "   the queue run failed"

# ---------------------------------------------------------------- 6. report

record loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
record elapsed_s "$(elapsed "$T_ALL")"
say "== 6. computing CER and skew"
python3 "$HERE/ingest_report.py" report "$WORK" "$DOSSIER" "$BENCH/ingest.json"
say "bench/ingest.sh finished in $(elapsed "$T_ALL") s (logs and archives in $WORK)"
