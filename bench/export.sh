#!/usr/bin/env bash
# export.sh BUILD [PAGES]: export throughput on an archive of PAGES pages
# (default 5,000; built once, kept in $BENCH_DIR).  Real searchable PDFs
# come from ingesting demo samples; qpdf joins them into 4-page
# documents; export_bench files a distinct copy of one for each document.
# Then every document is exported by an auditor into one bundle and the
# bundle verified, each under /usr/bin/time -v: pages/s, bundle size,
# peak resident memory.  Prints figures; asserts nothing.
set -euo pipefail
BUILD=${1:-build}
PAGES=${2:-5000}
DIR=${BENCH_DIR:-/tmp/dossier-bench-export-$PAGES}
D="$BUILD/dossier"
if [ ! -f "$DIR/.filled" ]; then
	rm -rf "$DIR" "$DIR.src"
	S="$BUILD/samples/demo"
	"$D" -A "$DIR.src" init >/dev/null
	"$D" -A "$DIR.src" ingest --account ACC-SRC --category CREDIT \
		"$S/demo-0002.tif" "$S/demo-0003.tif" "$S/demo-0005.tif" \
		"$S/demo-0006.tif" >/dev/null 2>&1
	# Three documents (one sample holds a separator sheet).
	for i in 1 2 3; do "$D" -A "$DIR.src" pdf "$i" -o "$DIR.src/$i.pdf" 2>/dev/null; done
	qpdf --empty --pages "$DIR.src/1.pdf" "$DIR.src/2.pdf" "$DIR.src/3.pdf" "$DIR.src/1.pdf" -- "$DIR.src/a.pdf"
	qpdf --empty --pages "$DIR.src/3.pdf" "$DIR.src/2.pdf" "$DIR.src/1.pdf" "$DIR.src/2.pdf" -- "$DIR.src/b.pdf"
	t0=$(date +%s.%N)
	"$BUILD/bench/export_bench" "$DIR" "$PAGES" "$DIR.src/a.pdf" "$DIR.src/b.pdf"
	echo "fill: $(echo "$(date +%s.%N) - $t0" | bc) s"
	echo "bench-auditor-1" | "$D" -A "$DIR" user add bench-auditor --role auditor >/dev/null
	touch "$DIR/.filled"
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pages=$(sqlite3 "$DIR/catalogue.db" "SELECT sum(npages) FROM document WHERE status = 'archived'")
docs=$(sqlite3 "$DIR/catalogue.db" "SELECT count(*) FROM document WHERE status = 'archived'")
blobmb=$(du -sm "$DIR/blobs" | cut -f1)
echo "archive: $docs documents, $pages pages, blob store $blobmb MB"
# Warm the page cache once so runs compare (the first read of a cold
# archive is disk-bound, not export-bound).
cat "$DIR"/blobs/*/* >/dev/null
run() { # LABEL CMD...: wall seconds and peak RSS from /usr/bin/time -v
	local label=$1; shift
	echo "bench-auditor-1" | /usr/bin/time -v "$@" >"$out/$label.out" 2>"$out/$label.time"
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$out/$label.time")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$out/$label.time")
}
run export "$D" -A "$DIR" --as bench-auditor export --reason "bench-export" 'category:CREDIT' -o "$out/bundle.zip"
size=$(stat -c %s "$out/bundle.zip")
printf 'export:  %d pages in %.2f s = %.0f pages/s (%.1f documents/s); bundle %.1f MB; peak RSS %s MB\n' \
	"$pages" "$wall" "$(echo "$pages / $wall" | bc -l)" "$(echo "$docs / $wall" | bc -l)" \
	"$(echo "$size / 1000000" | bc -l)" "$rss"
# Signing in (--as: Argon2id, 64 MB) sets that peak; the same export by
# the local administrator shows the export's own.
run local "$D" -A "$DIR" export --reason "bench-export" 'category:CREDIT' -o "$out/bundle2.zip"
printf 'export without --as (no Argon2id sign-in): %.2f s; peak RSS %s MB\n' "$wall" "$rss"
rm -f "$out/bundle2.zip"
run verify "$D" -A "$DIR" verify-export "$out/bundle.zip"
printf 'verify:  %d pages in %.2f s = %.0f pages/s; peak RSS %s MB (%s)\n' \
	"$pages" "$wall" "$(echo "$pages / $wall" | bc -l)" "$rss" "$(cat "$out/verify.out")"
run csv "$D" -A "$DIR" --as bench-auditor export --csv --reason "bench-export" 'category:CREDIT' -o "$out/m.csv"
printf 'csv:     %d documents in %.2f s; peak RSS %s MB\n' "$docs" "$wall" "$rss"
