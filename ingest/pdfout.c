/*
 * pdfout.c: a document's searchable PDF, made by joining the one-page PDFs
 * Tesseract's renderer wrote for each page (libqpdf), so the text layer
 * comes from the one recognition pass that also fed the catalogue; and
 * the same document with one page swapped for a page read again; both
 * PDF/A-2b (pdfa.c).
 * Exports ing_pdf_join, ing_pdf_replace.
 */
#include <stdlib.h>
#include <string.h>

#include <qpdf/qpdf-c.h>

#include "internal.h"

/* Logs qpdf's last error with what we were doing. */
static void
qpdf_fail(qpdf_data q, const char *what)
{
	qpdf_error e = qpdf_has_error(q) ? qpdf_get_error(q) : NULL;

	dos_errx("searchable PDF: %s: %s", what,
		 e != NULL ? qpdf_get_error_full_text(q, e) : "failed");
}

/* Writes out, deterministically, into *pout (malloc'd). */
static enum dos_err
write_out(qpdf_data out, unsigned char **pout, size_t *plen)
{
	const unsigned char *buf;

	if (qpdf_init_write_memory(out) & QPDF_ERRORS) {
		qpdf_fail(out, "write");
		return DOS_FORMAT;
	}
	/* PDF/A-2b from the start (the metadata of the moment is added
	 * when it leaves the archive: ing_doc_pdf). */
	if (ing_pdfa_apply(out, NULL) != DOS_OK)
		return DOS_FORMAT;
	/* Same pages, same bytes: the PDF's blob is content-addressed. */
	qpdf_set_deterministic_ID(out, QPDF_TRUE);
	qpdf_set_object_stream_mode(out, qpdf_o_generate);
	if (qpdf_write(out) & QPDF_ERRORS) {
		qpdf_fail(out, "write");
		return DOS_FORMAT;
	}
	*plen = qpdf_get_buffer_length(out);
	buf = qpdf_get_buffer(out);
	if (buf == NULL || *plen == 0 || (*pout = malloc(*plen)) == NULL) {
		*plen = 0;
		return DOS_NOMEM;
	}
	memcpy(*pout, buf, *plen);
	return DOS_OK;
}

/* Reads a PDF held in memory into a new qpdf handle. */
static enum dos_err
read_pdf(const char *what, const unsigned char *p, size_t n, qpdf_data *pq)
{
	if ((*pq = qpdf_init()) == NULL)
		return DOS_NOMEM;
	qpdf_set_suppress_warnings(*pq, QPDF_TRUE);
	if (qpdf_read_memory(*pq, what, (const char *)p,
			     (unsigned long long)n, NULL) &
	    QPDF_ERRORS) {
		qpdf_fail(*pq, what);
		return DOS_FORMAT;
	}
	return DOS_OK;
}

enum dos_err
ing_pdf_replace(const unsigned char *doc, size_t doclen, int n,
		const unsigned char *page, size_t pagelen,
		unsigned char **pout, size_t *plen)
{
	qpdf_data out = NULL, din = NULL, pin = NULL;
	int i, npages;
	enum dos_err err;

	*pout = NULL;
	*plen = 0;
	if ((err = read_pdf("document PDF", doc, doclen, &din)) != DOS_OK ||
	    (err = read_pdf("page PDF", page, pagelen, &pin)) != DOS_OK)
		goto out;
	npages = qpdf_get_num_pages(din);
	if (n < 0 || n >= npages || qpdf_get_num_pages(pin) != 1) {
		dos_errx("ing_pdf_replace: page %d of %d", n + 1, npages);
		err = DOS_INVAL;
		goto out;
	}
	err = DOS_FORMAT;
	if ((out = qpdf_init()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	qpdf_set_suppress_warnings(out, QPDF_TRUE);
	if (qpdf_empty_pdf(out) & QPDF_ERRORS) {
		qpdf_fail(out, "empty document");
		goto out;
	}
	for (i = 0; i < npages; i++) {
		qpdf_data from = i == n ? pin : din;

		if (qpdf_add_page(out, from,
				  qpdf_get_page_n(from, i == n ? 0 : (size_t)i),
				  QPDF_FALSE) &
		    QPDF_ERRORS) {
			qpdf_fail(out, "add page");
			goto out;
		}
	}
	err = write_out(out, pout, plen);
out:
	if (out != NULL)
		qpdf_cleanup(&out);
	if (din != NULL)
		qpdf_cleanup(&din);
	if (pin != NULL)
		qpdf_cleanup(&pin);
	return err;
}

enum dos_err
ing_pdf_join(const struct ing_page *const *pages, int n, unsigned char **pout,
	     size_t *plen)
{
	qpdf_data out = NULL, *in = NULL;
	int i, ninit = 0;
	enum dos_err err = DOS_FORMAT;

	*pout = NULL;
	*plen = 0;
	if (n <= 0)
		return DOS_INVAL;
	if ((in = calloc((size_t)n, sizeof(*in))) == NULL)
		return DOS_NOMEM;
	if ((out = qpdf_init()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	qpdf_set_suppress_warnings(out, QPDF_TRUE);
	if (qpdf_empty_pdf(out) & QPDF_ERRORS) {
		qpdf_fail(out, "empty document");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (pages[i]->pdf == NULL) {
			err = DOS_INVAL;
			goto out;
		}
		ninit = i + 1;
		if ((err = read_pdf("page PDF", pages[i]->pdf,
				    pages[i]->pdf_len, &in[i])) != DOS_OK)
			goto out;
		err = DOS_FORMAT;
		if (qpdf_get_num_pages(in[i]) != 1) {
			qpdf_fail(in[i], "page PDF without exactly one page");
			goto out;
		}
		if (qpdf_add_page(out, in[i], qpdf_get_page_n(in[i], 0),
				  QPDF_FALSE) &
		    QPDF_ERRORS) {
			qpdf_fail(out, "add page");
			goto out;
		}
	}
	err = write_out(out, pout, plen);
out:
	/* Pages copied from in[] are resolved when out is written. */
	if (out != NULL)
		qpdf_cleanup(&out);
	for (i = 0; i < ninit; i++)
		if (in[i] != NULL)
			qpdf_cleanup(&in[i]);
	free(in);
	return err;
}
