/*
 * pdfout.c: a document's searchable PDF, made by joining the one-page PDFs
 * Tesseract's renderer wrote for each page (libqpdf), so the text layer
 * comes from the one recognition pass that also fed the catalogue.
 * Exports ing_pdf_join.
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

	dos_errx("ing_pdf_join: %s: %s", what,
		 e != NULL ? qpdf_get_error_full_text(q, e) : "failed");
}

enum dos_err
ing_pdf_join(const struct ing_page *const *pages, int n, unsigned char **pout,
	     size_t *plen)
{
	qpdf_data out = NULL, *in = NULL;
	const unsigned char *buf;
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
		if ((in[i] = qpdf_init()) == NULL) {
			err = DOS_NOMEM;
			goto out;
		}
		ninit = i + 1;
		qpdf_set_suppress_warnings(in[i], QPDF_TRUE);
		if (qpdf_read_memory(in[i], "page",
				     (const char *)pages[i]->pdf,
				     (unsigned long long)pages[i]->pdf_len,
				     NULL) &
		    QPDF_ERRORS) {
			qpdf_fail(in[i], "read page PDF");
			goto out;
		}
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
	if (qpdf_init_write_memory(out) & QPDF_ERRORS) {
		qpdf_fail(out, "write");
		goto out;
	}
	/* Same pages, same bytes: the PDF's blob is content-addressed. */
	qpdf_set_deterministic_ID(out, QPDF_TRUE);
	qpdf_set_object_stream_mode(out, qpdf_o_generate);
	if (qpdf_write(out) & QPDF_ERRORS) {
		qpdf_fail(out, "write");
		goto out;
	}
	*plen = qpdf_get_buffer_length(out);
	buf = qpdf_get_buffer(out);
	if (buf == NULL || *plen == 0 || (*pout = malloc(*plen)) == NULL) {
		*plen = 0;
		err = DOS_NOMEM;
		goto out;
	}
	memcpy(*pout, buf, *plen);
	err = DOS_OK;
out:
	/* Pages copied from in[] are resolved when out is written. */
	if (out != NULL)
		qpdf_cleanup(&out);
	for (i = 0; i < ninit; i++)
		qpdf_cleanup(&in[i]);
	free(in);
	return err;
}
