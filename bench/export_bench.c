/*
 * export_bench.c: fills an archive for the export benchmark.
 *
 *   export_bench DIR PAGES PDF...
 *
 * Builds DIR with documents of the given searchable PDFs (real ones, made
 * by ingest; each document takes the next PDF in turn and has as many
 * pages as it has) until PAGES pages are filed, through the archive's own
 * API (arc_blob_put, arc_source_commit): no OCR, so thousands of pages
 * take seconds.  Every document's PDF blob is distinct (a comment line
 * with its number after %%EOF, which PDF readers ignore), so an export
 * reads as many bytes as a real archive of that size; page images are
 * one small shared blob, as the export does not read them.  Documents are
 * filed under CREDIT for 50 accounts, each with one page of OCR text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier/archive.h"

#define MAX_PDFS 16

struct pdf {
	unsigned char *data;
	size_t len;
	int pages;
};

static void
die(const char *what, enum dos_err err)
{
	fprintf(stderr, "export_bench: %s: %s\n", what, dos_strerror(err));
	exit(1);
}

/* Pages of a PDF: its "/Type /Page" objects (not /Pages). */
static int
count_pages(const unsigned char *p, size_t n)
{
	static const char key[] = "/Type /Page";
	size_t i, k = sizeof(key) - 1;
	int c = 0;

	for (i = 0; i + k < n; i++)
		if (memcmp(p + i, key, k) == 0 && p[i + k] != 's')
			c++;
	return c > 0 ? c : 1;
}

int
main(int argc, char **argv)
{
	static struct pdf pdfs[MAX_PDFS];
	static struct arc_page_in pages[64];
	char sha[DOS_SHA256_HEX], orig[DOS_SHA256_HEX], page[DOS_SHA256_HEX];
	char name[64], acct[32], tail[64];
	struct arc_doc_in d;
	struct arc_source_in s;
	struct arc *a;
	unsigned char *buf;
	long npages;
	int npdf, i, j, done = 0, docs = 0;
	int64_t batch;
	enum dos_err err;

	if (argc < 4 || (npages = strtol(argv[2], NULL, 10)) < 1 ||
	    argc - 3 > MAX_PDFS) {
		fprintf(stderr, "usage: export_bench DIR PAGES PDF...\n");
		return 2;
	}
	npdf = argc - 3;
	for (i = 0; i < npdf; i++) {
		if ((err = dos_file_read(argv[3 + i], 64u << 20, &pdfs[i].data,
					 &pdfs[i].len)) != DOS_OK)
			die(argv[3 + i], err);
		pdfs[i].pages = count_pages(pdfs[i].data, pdfs[i].len);
		if (pdfs[i].pages > 64)
			die(argv[3 + i], DOS_LIMIT);
	}
	if ((err = dos_crypto_init()) != DOS_OK)
		die("crypto", err);
	if ((err = arc_open(argv[1], ARC_CREATE, &a)) != DOS_OK)
		die(argv[1], err);
	if ((err = arc_batch_begin(a, "bench", &batch)) != DOS_OK)
		die("batch", err);
	if ((err = arc_blob_put(a, "page", 4, page)) != DOS_OK)
		die("page blob", err);
	while (done < npages) {
		struct pdf *p = &pdfs[docs % npdf];
		int n;

		n = snprintf(tail, sizeof(tail), "\n%%dossier-bench %d\n",
			     docs);
		if ((buf = malloc(p->len + (size_t)n)) == NULL)
			die("memory", DOS_NOMEM);
		memcpy(buf, p->data, p->len);
		memcpy(buf + p->len, tail, (size_t)n);
		err = arc_blob_put(a, buf, p->len + (size_t)n, sha);
		free(buf);
		if (err != DOS_OK)
			die("pdf blob", err);
		snprintf(name, sizeof(name), "scan-%06d.tif", docs);
		if ((err = arc_blob_put(a, name, strlen(name), orig)) != DOS_OK)
			die("original blob", err);
		memset(pages, 0, sizeof(pages));
		for (j = 0; j < p->pages; j++) {
			pages[j].source_index = j;
			pages[j].processed = page;
			pages[j].thumb = page;
			pages[j].width = 2480;
			pages[j].height = 3508;
			pages[j].dpi = 300;
			pages[j].ocr_confidence = 90;
			pages[j].text = "loan agreement repayment schedule "
					"signed by the borrower";
		}
		snprintf(acct, sizeof(acct), "ACC-B%02d", docs % 50);
		memset(&d, 0, sizeof(d));
		d.account = acct;
		d.category = "CREDIT";
		d.title = name;
		d.date = "2024-06-30";
		d.doc_type = "loan_contract";
		d.lang = "eng";
		d.status = "archived";
		d.pdf = sha;
		d.pages = pages;
		d.npages = (size_t)p->pages;
		memset(&s, 0, sizeof(s));
		s.name = name;
		s.sha256 = orig;
		s.size = strlen(name);
		s.format = "tiff";
		s.npages = p->pages;
		s.batch_id = batch;
		s.actor = "bench";
		s.docs = &d;
		s.ndocs = 1;
		if ((err = arc_source_commit(a, &s)) != DOS_OK)
			die("commit", err);
		done += p->pages;
		docs++;
	}
	arc_batch_end(a, batch, docs, done, docs, 0);
	arc_close(a);
	for (i = 0; i < npdf; i++)
		free(pdfs[i].data);
	printf("filled %s: %d documents, %d pages\n", argv[1], docs, done);
	return 0;
}
