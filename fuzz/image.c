/*
 * image.c: libFuzzer harness for the ingest's decoder path for TIFF, PNG
 * and JPEG scans (ingest/read.c), the code every scanned file goes
 * through before OCR.
 *
 * Each input is one file's bytes, handed to ing_source_open exactly as
 * ing_batch does after reading a file (format sniffing, TIFF page count),
 * then, for each page (at most FUZZ_MAX_PAGES), to ing_source_page: the
 * header read and the pixel limit checked before decoding, the decode, and
 * the check that the decoded size matches the header.  A decoded page then
 * goes through the first two steps of the page pipeline (ingest/page.c:
 * pixConvertTo8, pixConvertTo1 at 160) that every later stage reads; OCR
 * itself is not fuzzed.  PDFs are left to fuzz/pdf.c.
 *
 * The pixel limit is FUZZ_MAX_PIXELS (4 megapixels) instead of the
 * product's 100: the same check, but a fuzzer can then decode a few
 * thousand pages a second instead of a few.
 *
 * Checked: the outcome is DOS_OK, DOS_FORMAT or DOS_LIMIT, with a message
 * on failure (naming the limit when over it); a page is never larger than
 * the limit and has the size its header declared; every decoded page
 * converts to gray and to black and white.  Everything is freed, so
 * LeakSanitizer reports leaks in the decoders' error paths.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ingest/internal.h"

#define FUZZ_MAX_INPUT (1u << 20)
#define FUZZ_MAX_PIXELS 4000000ull
#define FUZZ_MAX_PAGES 4

static void
check_page(PIX *pix)
{
	PIX *gray, *bin;
	uint64_t w = (uint64_t)pixGetWidth(pix);
	uint64_t h = (uint64_t)pixGetHeight(pix);

	FZ_CHECK(w > 0 && h > 0 && w * h <= FUZZ_MAX_PIXELS);
	/* page.c's first steps: ing_worker_page answers "out of memory" when
	 * these fail, so a decodable page must convert. */
	gray = pixConvertTo8(pix, 0);
	FZ_CHECK(gray != NULL);
	bin = pixConvertTo1(gray, 160);
	FZ_CHECK(bin != NULL);
	FZ_CHECK(pixGetWidth(bin) == (l_int32)w &&
		 pixGetHeight(bin) == (l_int32)h);
	pixDestroy(&bin);
	pixDestroy(&gray);
	/* Then the page made ready to read (prep.c: resolution, photos;
	 * binarize.c): whatever the header says, it must come out. */
	{
		struct ing_prep pp;
		struct ing_binarized bz;

		FZ_CHECK(ing_prep(pix, &pp) == DOS_OK);
		FZ_CHECK((pp.gray != NULL) != (pp.bin != NULL));
		FZ_CHECK(pp.dpi > 0);
		if (pp.gray != NULL) {
			FZ_CHECK(ing_binarize(pp.gray, pp.dpi, &bz) == DOS_OK);
			FZ_CHECK(bz.ocr != NULL &&
				 pixGetWidth(bz.ocr) == pixGetWidth(pp.gray));
			pixDestroy(&bz.ocr);
		}
		ing_prep_clear(&pp);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	struct ing_source src;
	unsigned char *buf;
	char msg[512];
	PIX *pix;
	int n;
	enum dos_err err;

	if (!quiet) {
		/* As ing_new does: Leptonica would print for every input. */
		setMsgSeverity(L_SEVERITY_NONE);
		quiet = 1;
	}
	if (size > FUZZ_MAX_INPUT ||
	    (size >= 4 && memcmp(data, "%PDF", 4) == 0))
		return 0;
	/* An exact-size copy, so ASan sees any read past the end. */
	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);

	msg[0] = '\0';
	err = ing_source_open(&src, buf, size, FUZZ_MAX_PIXELS, msg,
			      sizeof(msg));
	if (err != DOS_OK) {
		FZ_CHECK(err == DOS_FORMAT);
		FZ_CHECK(msg[0] != '\0');
		free(buf);
		return 0;
	}
	FZ_CHECK(src.npages >= 1);
	FZ_CHECK(strcmp(src.format, "tiff") == 0 ||
		 ((strcmp(src.format, "png") == 0 ||
		   strcmp(src.format, "jpeg") == 0) && src.npages == 1));
	for (n = 0; n < src.npages && n < FUZZ_MAX_PAGES; n++) {
		msg[0] = '\0';
		pix = NULL;
		err = ing_source_page(&src, n, &pix, msg, sizeof(msg));
		if (err == DOS_OK) {
			FZ_CHECK(pix != NULL);
			check_page(pix);
			pixDestroy(&pix);
			continue;
		}
		FZ_CHECK(pix == NULL);
		FZ_CHECK(err == DOS_FORMAT || err == DOS_LIMIT);
		FZ_CHECK(msg[0] != '\0');
		FZ_CHECK(err != DOS_LIMIT || strstr(msg, "megapixels") != NULL);
	}
	ing_source_close(&src);
	free(buf);
	return 0;
}
