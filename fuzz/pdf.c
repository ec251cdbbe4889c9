/*
 * pdf.c: libFuzzer harness for the ingest's PDF path (ingest/pdf.c via
 * ingest/read.c): the scan of the file's image dictionaries for declared
 * sizes over the pixel limit (before poppler sees a byte), poppler's
 * parse, and each page's size check and render into a gray page.
 *
 * Each input is one file's bytes; inputs that do not start with "%PDF"
 * are skipped (they take the image path, fuzzed by fuzz/image.c).  Up to
 * FUZZ_MAX_PAGES pages are rendered, as ing_batch renders them, through
 * ing_source_page, then converted as page.c's first steps do.  The pixel
 * limit is FUZZ_MAX_PIXELS (4 megapixels, the product's is 100): a page
 * over it is rendered at a lower resolution down to 150 dpi, or refused,
 * exactly as in the product, but renders stay fast.
 *
 * Checked: the outcome is DOS_OK, DOS_FORMAT or DOS_LIMIT with a
 * message; a rendered page is never over the limit; it converts to gray
 * and to black and white.  poppler's own leaks on damaged files are
 * suppressed (tests/lsan.supp), ours are not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ingest/internal.h"

#define FUZZ_MAX_INPUT (1u << 20)
#define FUZZ_MAX_PIXELS 4000000ull
#define FUZZ_MAX_PAGES 2

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	struct ing_source src;
	unsigned char *buf;
	char msg[512];
	PIX *pix, *gray, *bin;
	int n;
	enum dos_err err;

	if (!quiet) {
		setMsgSeverity(L_SEVERITY_NONE);
		quiet = 1;
	}
	if (size > FUZZ_MAX_INPUT || size < 8 || memcmp(data, "%PDF", 4) != 0)
		return 0;
	if ((buf = malloc(size)) == NULL)
		return 0;
	memcpy(buf, data, size);

	msg[0] = '\0';
	err = ing_source_open(&src, buf, size, FUZZ_MAX_PIXELS, msg,
			      sizeof(msg));
	if (err != DOS_OK) {
		FZ_CHECK(err == DOS_FORMAT || err == DOS_LIMIT);
		FZ_CHECK(msg[0] != '\0');
		FZ_CHECK(src.pdf == NULL);
		free(buf);
		return 0;
	}
	FZ_CHECK(strcmp(src.format, "pdf") == 0);
	FZ_CHECK(src.npages >= 1 && src.pdf != NULL);
	for (n = 0; n < src.npages && n < FUZZ_MAX_PAGES; n++) {
		msg[0] = '\0';
		pix = NULL;
		err = ing_source_page(&src, n, &pix, msg, sizeof(msg));
		if (err != DOS_OK) {
			FZ_CHECK(pix == NULL);
			FZ_CHECK(err == DOS_FORMAT || err == DOS_LIMIT ||
				 err == DOS_NOMEM);
			FZ_CHECK(err == DOS_NOMEM || msg[0] != '\0');
			continue;
		}
		FZ_CHECK(pix != NULL);
		FZ_CHECK((uint64_t)pixGetWidth(pix) * pixGetHeight(pix) <=
			 FUZZ_MAX_PIXELS);
		FZ_CHECK(pixGetDepth(pix) == 8);
		gray = pixConvertTo8(pix, 0);
		FZ_CHECK(gray != NULL);
		bin = pixConvertTo1(gray, 160);
		FZ_CHECK(bin != NULL);
		pixDestroy(&bin);
		pixDestroy(&gray);
		pixDestroy(&pix);
	}
	ing_source_close(&src);
	free(buf);
	return 0;
}
