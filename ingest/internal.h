/*
 * internal.h: what ingest/ shares only with itself: decoded sources, page
 * results, and the per-worker OCR engine.
 */
#ifndef INGEST_INTERNAL_H
#define INGEST_INTERNAL_H

#include <pthread.h>
#include <regex.h>

#include <leptonica/allheaders.h>

#include "dossier/ingest.h"

/* A source file held in memory with its page count (read.c). */
struct ing_source {
	const unsigned char *data;
	size_t len;
	const char *format; /* "tiff", "png", "jpeg", "pdf" */
	int npages;
	void *pdf; /* PopplerDocument for PDFs */
	uint64_t max_pixels;
};

#define ING_PDF_DPI 300
#define ING_PDF_MIN_DPI 150

/*
 * Recognises the format and counts pages; DOS_FORMAT with a message for
 * what it cannot read.
 */
enum dos_err ing_source_open(struct ing_source *src, const unsigned char *data,
			     size_t len, uint64_t max_pixels, char *msg,
			     size_t msglen);
void ing_source_close(struct ing_source *src);
/* Decodes page n, refusing it before decoding when over max_pixels. */
enum dos_err ing_source_page(const struct ing_source *src, int n, PIX **ppix,
			     char *msg, size_t msglen);

/* PDF pages (pdf.c). */
enum dos_err ing_pdf_open(struct ing_source *src, char *msg, size_t msglen);
void ing_pdf_close(struct ing_source *src);
enum dos_err ing_pdf_page(const struct ing_source *src, int n, PIX **ppix,
			  char *msg, size_t msglen);

struct ing_barcode {
	char *type;
	char *value;
};

/* One processed page (page.c). */
struct ing_page {
	int source_index;
	int width, height, dpi, rotation, blank;
	int orient_uncertain; /* a turn was suggested with low confidence */
	double orient_conf;
	double skew_deg, ocr_confidence;
	/* seconds per stage */
	double t_decode, t_orient, t_deskew, t_ocr, t_barcode, t_encode;
	char *text;
	struct arc_word *words;
	size_t nwords;
	struct ing_barcode *barcodes;
	size_t nbarcodes;
	unsigned char *processed; /* TIFF G4 of the upright, deskewed page */
	size_t processed_len;
	unsigned char *thumb; /* PNG thumbnail */
	size_t thumb_len;
	unsigned char *pdf; /* one-page searchable PDF, or NULL */
	size_t pdf_len;
};

void ing_page_clear(struct ing_page *p);

/* A worker: one Tesseract handle and one zbar scanner (page.c). */
struct ing_worker;

enum dos_err ing_worker_new(const struct ing_options *o,
			    struct ing_worker **pw);
void ing_worker_free(struct ing_worker *w);
/*
 * Runs the whole per-page pipeline on pix (not consumed).  rendered: the
 * page was rasterised from a PDF, whose images may hold fewer pixels than
 * the page now has, so small barcodes get a denser scan.
 */
enum dos_err ing_worker_page(struct ing_worker *w, PIX *pix, int rendered,
			     struct ing_page *out);

/* A file moving through the pipeline (batch.c, file.c). */
struct ing_file {
	const char *path;
	unsigned char *data;
	size_t len;
	char sha[DOS_SHA256_HEX];
	struct ing_source src;
	int src_open;
	struct ing_page *pages;
	int npages;
	int remaining;   /* pages with the workers (under ing->mu) */
	int decode_done; /* every page handed over, or decoding failed */
	json_t *dups;    /* non-NULL: ingested before, these documents */
	enum dos_err err;
	char msg[512];
	struct ing_file *next;
};

struct ing_job {
	struct ing_file *file;
	int index;
	PIX *pix;
};

struct ing {
	struct ing_options opt;
	regex_t account_re;
	int have_re;
	regex_t label_re;
	int have_label_re;
	int nworkers;
	struct ing_worker **workers;
	pthread_t *threads;
	int nthreads;
	pthread_mutex_t mu;
	pthread_cond_t cv_job;  /* workers wait for jobs */
	pthread_cond_t cv_done; /* the batch thread waits for pages */
	struct ing_job *queue;
	int qcap, qhead, qlen;
	int pages_done;
	int stop;
	struct ing_stats stats; /* under mu */
	const struct ing_manifest *manifest; /* borrowed, or NULL */
};

/*
 * Joins the pages' one-page PDFs into one document PDF (pdfout.c);
 * *pout is malloc'd.  DOS_INVAL when a page has no PDF.
 */
enum dos_err ing_pdf_join(const struct ing_page *const *pages, int n,
			  unsigned char **pout, size_t *plen);

/* The file name part of a path (manifest.c). */
const char *ing_base_name(const char *path);

/*
 * Stores a page's image and thumbnail blobs (their digests into shas[0]
 * and shas[1]) and fills the catalogue's view of it, q; *pbcs (caller
 * frees) holds q's barcodes (file.c).
 */
enum dos_err ing_page_in(struct arc *a, const struct ing_page *p,
			 struct arc_page_in *q, char (*shas)[DOS_SHA256_HEX],
			 struct arc_barcode **pbcs);

/*
 * A document PDF with page n (0-based) replaced by a one-page PDF
 * (pdfout.c); *pout is malloc'd.
 */
enum dos_err ing_pdf_replace(const unsigned char *doc, size_t doclen, int n,
			     const unsigned char *page, size_t pagelen,
			     unsigned char **pout, size_t *plen);

/* Files a fully processed file in the archive (file.c). */
enum dos_err ing_file_commit(struct ing *ing, struct arc *a, int64_t batch_id,
			     struct ing_file *f, json_t **pdocs);

#endif
