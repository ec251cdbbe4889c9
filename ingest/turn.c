/*
 * turn.c: a page turned by a clerk and read again.  Ingest turns pages
 * upright itself; when it guessed wrong (or could not tell), the clerk
 * turns the page in the review queue.  The stored page is turned a
 * quarter, half or three quarters clockwise, read again (OCR, word boxes,
 * barcodes) without the automatic turn, and its page in the document's
 * searchable PDF is replaced; the archive keeps what it replaced.
 * Exports ing_page_turn.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* A stored page image is at most this large (the ingest limits apply). */
#define MAX_STORED (256u << 20)

/* Reads n bytes of fd into a malloc'd buffer. */
static enum dos_err
read_fd(int fd, uint64_t n, unsigned char **pout)
{
	unsigned char *p;
	size_t got = 0;
	ssize_t r;

	*pout = NULL;
	if (n == 0 || n > MAX_STORED)
		return DOS_LIMIT;
	if ((p = malloc((size_t)n)) == NULL)
		return DOS_NOMEM;
	while (got < n && (r = read(fd, p + got, (size_t)n - got)) > 0)
		got += (size_t)r;
	if (got != n) {
		free(p);
		return DOS_IO;
	}
	*pout = p;
	return DOS_OK;
}

enum dos_err
ing_page_turn(const struct ing_options *opt, struct arc *a,
	      const struct arc_user *who, int64_t doc, int seq, int degrees,
	      const char *reason, char *msg, size_t msglen)
{
	struct ing_options o = *opt;
	struct ing_worker *w = NULL;
	struct ing_page pg;
	struct arc_page_in pin;
	struct arc_barcode *bcs = NULL;
	char shas[2][DOS_SHA256_HEX], pdfsha[DOS_SHA256_HEX], lang[64];
	unsigned char *img = NULL, *docpdf = NULL, *newpdf = NULL;
	size_t newlen = 0;
	uint64_t imgsize, pdfsize;
	int imgfd = -1, pdffd = -1;
	PIX *pix = NULL, *turned = NULL;
	enum dos_err err;

	memset(&pg, 0, sizeof(pg));
	msg[0] = '\0';
	if (degrees != 90 && degrees != 180 && degrees != 270) {
		snprintf(msg, msglen, "a page turns by 90, 180 or 270 degrees "
				      "(clockwise), not %d", degrees);
		return DOS_INVAL;
	}
	if (reason == NULL || strlen(reason) < 3) {
		snprintf(msg, msglen, "turning a page needs a reason");
		return DOS_INVAL;
	}
	if ((err = arc_page_redo_open(a, who, doc, seq, &imgfd, &imgsize,
				      &pdffd, &pdfsize, lang, sizeof(lang),
				      msg, msglen)) != DOS_OK)
		return err;
	if ((err = read_fd(imgfd, imgsize, &img)) != DOS_OK ||
	    (pdffd >= 0 && (err = read_fd(pdffd, pdfsize, &docpdf)) !=
				   DOS_OK)) {
		snprintf(msg, msglen, "cannot read the stored page: %s",
			 dos_strerror(err));
		goto out;
	}
	if ((pix = pixReadMemTiff(img, (size_t)imgsize, 0)) == NULL ||
	    (turned = pixRotateOrth(pix, degrees / 90)) == NULL) {
		snprintf(msg, msglen, "the stored page image cannot be read");
		err = DOS_CORRUPT;
		goto out;
	}
	/* The clerk decided which way is up: no automatic turn, no deskew
	 * (the stored page is straight already). */
	o.orient = 0;
	o.deskew = 0;
	o.pdf = docpdf != NULL;
	if (lang[0] != '\0')
		o.langs = lang;
	if ((err = ing_worker_new(&o, &w)) != DOS_OK ||
	    (err = ing_worker_page(w, turned, 0, &pg)) != DOS_OK) {
		snprintf(msg, msglen, "the turned page could not be read "
				      "again: %s", dos_strerror(err));
		goto out;
	}
	if (docpdf != NULL) {
		if ((err = ing_pdf_replace(docpdf, (size_t)pdfsize, seq - 1,
					   pg.pdf, pg.pdf_len, &newpdf,
					   &newlen)) != DOS_OK ||
		    (err = arc_blob_put(a, newpdf, newlen, pdfsha)) != DOS_OK) {
			snprintf(msg, msglen, "the document's PDF could not be "
					      "rebuilt: %s", dos_strerror(err));
			goto out;
		}
	}
	if ((err = ing_page_in(a, &pg, &pin, shas, &bcs)) != DOS_OK) {
		snprintf(msg, msglen, "cannot store the turned page: %s",
			 dos_strerror(err));
		goto out;
	}
	err = arc_page_replace(a, who, doc, seq, degrees, &pin,
			       docpdf != NULL ? pdfsha : NULL, reason, msg,
			       msglen);
out:
	if (imgfd >= 0)
		close(imgfd);
	if (pdffd >= 0)
		close(pdffd);
	pixDestroy(&pix);
	pixDestroy(&turned);
	ing_page_clear(&pg);
	ing_worker_free(w);
	free(bcs);
	free(img);
	free(docpdf);
	free(newpdf);
	return err;
}
