#!/usr/bin/env bash
# mkseeds.sh: remakes the image and PDF seeds (fuzz/corpus/image/,
# fuzz/corpus/pdf/) with fuzz/mkseeds.c, plus qpdf variants of the PDFs
# with uncompressed streams and no object streams (so a fuzzer mutates
# content and dictionaries, not deflate), and a PDF whose image declares
# 40000x40000 pixels (refused before decoding).  The seeds are kept in
# the repository; run this only to change them.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2046
cc -std=c11 -O1 -Wall -Wextra fuzz/mkseeds.c \
	$(pkg-config --cflags --libs lept cairo libtiff-4) -o "$tmp/mkseeds"
mkdir -p fuzz/corpus/image fuzz/corpus/pdf
"$tmp/mkseeds" fuzz/corpus/image fuzz/corpus/pdf
for f in fuzz/corpus/pdf/image.pdf fuzz/corpus/pdf/text.pdf; do
	qpdf --stream-data=uncompress --object-streams=disable \
		"$f" "${f%.pdf}-plain.pdf"
done
sed 's|/Width 16|/Width 40000|; s|/Height 12|/Height 40000|' \
	fuzz/corpus/pdf/image-plain.pdf >fuzz/corpus/pdf/declared-bomb.pdf
ls -l fuzz/corpus/image fuzz/corpus/pdf
