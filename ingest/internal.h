/*
 * internal.h: what ingest/ shares only with itself: decoded sources, page
 * results, and the per-worker OCR engine.
 */
#ifndef INGEST_INTERNAL_H
#define INGEST_INTERNAL_H

#include <pthread.h>
#include <regex.h>
#include <signal.h>

#include <leptonica/allheaders.h>
#include <qpdf/qpdf-c.h>

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
/* Pages under ING_MIN_READ_DPI, or with pixels not square, are resampled
 * to ING_READ_DPI before they are read (prep.c). */
#define ING_READ_DPI 300
#define ING_MIN_READ_DPI 250

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

/* ---- a page made ready to read (prep.c) ---- */
struct ing_prep {
	PIX *gray;          /* 8 bpp at dpi, square pixels; or NULL when */
	PIX *bin;           /* the page is a clean 1 bpp scan (bin) */
	int dpi;
	int src_xdpi, src_ydpi; /* as the file said (0: not at all) */
	int resampled;      /* resolution changed */
	int photo;          /* a photo: cropped to the sheet, unwarped */
	int corners[4][2];  /* the sheet's corners in the photo (tl tr bl br) */
	double scale_x, scale_y;
};

enum dos_err ing_prep(PIX *pix, struct ing_prep *pp);
void ing_prep_clear(struct ing_prep *pp);

/* ---- the gray image OCR reads (binarize.c) ---- */
struct ing_binarized {
	PIX *ocr;           /* what Tesseract is given */
	const char *method; /* "plain" or "normalized" */
	double shade, contrast, paper; /* the signals measured */
};

enum dos_err ing_binarize(PIX *gray, int dpi, struct ing_binarized *pb);

/* ---- the quality gate (quality.c) ---- */
/* A word read under this confidence counts as not read. */
#define ING_QUALITY_MIN_CONF 30.0f
struct ing_quality {
	int ntext;          /* text-like components */
	int nread;          /* of which inside words read */
	int nunread_big;    /* unread ones over 4 mm tall */
	double read_share;  /* nread / ntext; 1 without text */
	BOXA *unread;       /* regions of unread text-like ink */
};

enum dos_err ing_quality_check(PIX *bin, int dpi, const struct arc_word *words,
			       size_t nwords, BOXA *exclude,
			       struct ing_quality *q);
void ing_quality_clear(struct ing_quality *q);

/* ---- OCR engines and reading (ocr.c) ---- */
#include <tesseract/capi.h>

/* A line of words read: out->words[first .. first + n). */
struct ing_line {
	size_t first, n;
	int x, y, w, h;
	int para;           /* starts a paragraph or block */
};

struct ing_lines {
	struct ing_line *v;
	size_t n, cap;
};

struct ing_ocr;
struct ing_page;

/* langs: "eng+deu" or "auto"; osd: load orientation data too. */
enum dos_err ing_ocr_new(const char *langs, int osd, struct ing_ocr **po);
void ing_ocr_free(struct ing_ocr *o);
int ing_ocr_is_auto(const struct ing_ocr *o);
/* The handle for langs (NULL: as configured), made when first asked. */
TessBaseAPI *ing_ocr_handle(struct ing_ocr *o, const char *langs);
/* The orientation and script detector, or NULL. */
TessBaseAPI *ing_ocr_osd(struct ing_ocr *o);
/* The installed languages for OSD's script (auto), else as configured. */
const char *ing_ocr_auto_langs(struct ing_ocr *o, const char *script,
			       float conf);
/* auto: the other script's languages for regions left unread, or NULL. */
const char *ing_ocr_other_langs(struct ing_ocr *o, const char *langs);
/*
 * Recognises img: words, confidence into out; its lines into ls.  shade
 * (or NULL): a gray rendering of a 1 bpp img, as wide, that the
 * recognizer reads lines from.
 */
enum dos_err ing_ocr_read(TessBaseAPI *api, PIX *img, PIX *shade, int dpi,
			  struct ing_page *out, struct ing_lines *ls);
/* Reads each region of img again as one block; adds words and lines. */
enum dos_err ing_ocr_regions(struct ing_ocr *o, const char *langs, PIX *img,
			     int dpi, BOXA *regions, struct ing_page *out,
			     struct ing_lines *ls);
/*
 * The page's text from the lines of its reading and those read again;
 * drops the words a better reading blanked from out's word list.
 */
char *ing_ocr_text(struct ing_page *out, const struct ing_lines *main,
		   const struct ing_lines *extra);
void ing_ocr_lines_free(struct ing_lines *ls);

/* One processed page (page.c). */
struct ing_page {
	int source_index;
	int width, height, dpi, rotation, blank;
	int orient_uncertain; /* a turn was suggested with low confidence */
	double orient_conf;
	double skew_deg, ocr_confidence;
	/* seconds per stage */
	double t_decode, t_prep, t_orient, t_deskew, t_ocr, t_barcode,
	    t_encode;
	/* the quality gate: share of text-like ink read, and where not */
	double read_share;
	int nunread;
	int (*unread)[4];   /* x, y, w, h on the processed page */
	char langs[64];     /* languages the page was read with */
	const char *method; /* binarization: "binary", "plain", "normalized" */
	int photo;          /* cropped from a photo */
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
	/* The processed page and thumbnail already stored as blobs (a
	 * page read by the queue): their digests, else "". */
	char stored[2][DOS_SHA256_HEX];
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

/*
 * A stack scanned in several runs (scan.c): the document open when the
 * last run stopped, filed under a cover sheet, goes on in the next.
 */
struct ing_cover {
	char lead_account[128];  /* in: pages before any marker go here */
	char lead_category[64];
	int lead_pages;          /* in: pages it had before the stop */
	char tail_account[128];  /* out: the cover of the document open at */
	char tail_category[64];  /* the end, or "" */
	int tail_pages;          /* out: its pages so far */
};

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
	struct ing_cover *cover; /* a scanned stack's, or NULL (borrowed) */
	/* Its manifest row when the queue carried it, else NULL: looked up
	 * in ing->manifest by path (borrowed). */
	const struct ing_manifest_row *man;
	int64_t job;            /* the queue's row it ends, or 0 */
	const char *job_worker; /* ... held by this worker */
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
	double clf_synced; /* when the classifier last learned (dos_mono) */
};

/*
 * The learned classifier's part in filing (classify.c): for a document
 * with no category given, its suggestion (JSON text into d->suggestion,
 * kept in *psug for the caller to free); filed on it at or above the
 * threshold (d->filed_by = "model"), else sent to review with it.
 */
enum dos_err ing_classify(struct ing *ing, struct arc *a, const char *text,
			  struct arc_doc_in *d, char **psug,
			  char *reason, size_t reasonlen, char *custbuf,
			  size_t custlen, char *typebuf, size_t typelen,
			  char *catbuf, size_t catlen);

/*
 * Joins the pages' one-page PDFs into one document PDF (pdfout.c);
 * *pout is malloc'd.  DOS_INVAL when a page has no PDF.
 */
enum dos_err ing_pdf_join(const struct ing_page *const *pages, int n,
			  unsigned char **pout, size_t *plen);

/* The file name part of a path (manifest.c). */
const char *ing_base_name(const char *path);

/*
 * Whether the pages of a document (pages[idx[0..n-1]]) hold an amount
 * (digits and two decimals) or an account number (account_re) read with
 * less confidence than ARC_WORD_UNSURE and
 * confirmed nowhere else (the same digits in a barcode of the page, or
 * the same word read surely elsewhere in the document): 1 with the
 * reason in why (title.c), else 0.  account_re may be NULL.
 */
int ing_unsure_figures(const struct ing_page *pages, const int *idx, int n,
		       const regex_t *account_re, char *why, size_t whylen);

/*
 * Stores a page's image and thumbnail blobs (their digests into shas[0]
 * and shas[1]) and fills the catalogue's view of it, q; *pbcs (caller
 * frees) holds q's barcodes (file.c).
 */
enum dos_err ing_page_in(struct arc *a, const struct ing_page *p,
			 struct arc_page_in *q, char (*shas)[DOS_SHA256_HEX],
			 struct arc_barcode **pbcs);

/*
 * Makes the document open in q PDF/A-2b (pdfa.c): XMP metadata (m may be
 * NULL: the identification only), the Info dictionary to match, an sRGB
 * output intent.  Releases q's object handles.
 */
enum dos_err ing_pdfa_apply(qpdf_data q, const struct ing_pdf_meta *m);

/*
 * A document PDF with page n (0-based) replaced by a one-page PDF
 * (pdfout.c); *pout is malloc'd.
 */
enum dos_err ing_pdf_replace(const unsigned char *doc, size_t doclen, int n,
			     const unsigned char *page, size_t pagelen,
			     unsigned char **pout, size_t *plen);

/*
 * A stack of pages arriving one at a time, filed as one source named
 * name in batch batch_id once it ends, exactly as a file of those pages
 * would be (batch.c).  The calling thread hands pages over as they come;
 * ing->jobs workers read them meanwhile.
 */
struct ing_stack;

enum dos_err ing_stack_begin(struct ing *ing, struct arc *a, int64_t batch_id,
			     const char *name, ing_file_fn on_file,
			     ing_progress_fn on_progress, void *arg,
			     struct ing_stack **ps);
/* Pages before the stack's first cover or separator sheet continue a
 * document filed under account and category that had pages pages before
 * (a resumed scan); when it had any, its rest goes to review. */
void ing_stack_lead(struct ing_stack *s, const char *account,
		    const char *category, int pages);
/* Hands page pix (consumed) to the workers. */
enum dos_err ing_stack_page(struct ing_stack *s, PIX *pix);
/*
 * Ends the stack and frees s: waits for its pages and files them with
 * data (taken: the original, a multi-page TIFF), reporting through
 * on_file; err (with msg) records the stack as failed instead.  A stack
 * without pages files nothing.  *pcover (or NULL) gets the cover of the
 * document still open at the end.
 */
enum dos_err ing_stack_end(struct ing_stack *s, unsigned char *data,
			   size_t len, enum dos_err err, const char *msg,
			   struct ing_cover *pcover);

/* ---- scanners (sane.c) ---- */

/* What to open and how to set it up. */
struct ing_dev_setup {
	const char *device; /* SANE name; NULL or "": the first one seen */
	const char *source; /* "adf", "flatbed", or NULL: as it is */
	int duplex;         /* 1: both sides (a duplex source or switch) */
	int dpi;
	const char *mode;   /* "gray" (8 bits) or "lineart" (1 bit) */
	json_t *set;        /* backend options "NAME=VALUE", or NULL */
};

/* An open, set up scanner (one per process at a time). */
struct ing_dev;

/* DOS_NOTFOUND, DOS_CONFLICT (in use), DOS_INVAL (a setting it cannot
 * take) ... with msg in words. */
enum dos_err ing_dev_open(const struct ing_dev_setup *ds, struct ing_dev **pd,
			  char *msg, size_t msglen);
void ing_dev_close(struct ing_dev *dv);
const char *ing_dev_name(const struct ing_dev *dv);
const char *ing_dev_vendor(const struct ing_dev *dv);
const char *ing_dev_model(const struct ing_dev *dv);
/* The source in use as the backend calls it ("Flatbed", ...). */
const char *ing_dev_source(const struct ing_dev *dv);
/* The resolution the scanner took. */
int ing_dev_dpi(const struct ing_dev *dv);
/* A flatbed: one page per run. */
int ing_dev_flatbed(const struct ing_dev *dv);
/* Sets one backend option from "NAME=VALUE" by the option's type. */
enum dos_err ing_dev_option(struct ing_dev *dv, const char *assign, char *msg,
			    size_t msglen);
/* The value of backend option name, as ing_dev_option takes it. */
enum dos_err ing_dev_option_get(struct ing_dev *dv, const char *name,
				char *out, size_t n);

/* One page as the scanner sent it: rows of bpl bytes. */
struct ing_frame {
	int width, lines;
	int depth;    /* 1, 8 or 16 bits per sample */
	int channels; /* 1 gray, 3 RGB */
	size_t bpl;
	unsigned char *raw;
};

/*
 * Feeds and reads the next page: 0 with *fr (ing_frame_clear it), or
 * how the scanner stopped (enum ing_scan_stop, ING_SCAN_EMPTY when it
 * has no paper) with msg.  Pages over max_pixels are refused from the
 * frame's parameters, before a buffer is allocated.
 */
int ing_dev_page(struct ing_dev *dv, uint64_t max_pixels,
		 volatile sig_atomic_t *cancel, struct ing_frame *fr,
		 char *msg, size_t msglen);
/* Ends the scanner's run of pages (sane_cancel). */
void ing_dev_end(struct ing_dev *dv);
/* The page as a PIX: 1 bpp lineart, 8 bpp gray, 32 bpp colour. */
PIX *ing_frame_pix(const struct ing_frame *fr, int dpi);
void ing_frame_clear(struct ing_frame *fr);

/* ---- the original of a scanned stack: a multi-page TIFF (tiffout.c) ---- */

struct ing_tiff;
struct ing_tiff_meta {
	const char *make, *model; /* the scanner's vendor and model */
	const char *description;  /* where the page belongs */
};

/* An empty TIFF in memory that may grow to max bytes. */
enum dos_err ing_tiff_new(size_t max, struct ing_tiff **pt);
/* Appends a page, losslessly; DOS_LIMIT past max. */
enum dos_err ing_tiff_page(struct ing_tiff *t, const struct ing_frame *fr,
			   int dpi, const struct ing_tiff_meta *m);
size_t ing_tiff_size(const struct ing_tiff *t);
/* Closes the TIFF and frees t; *pdata (caller frees) holds the file. */
enum dos_err ing_tiff_finish(struct ing_tiff *t, unsigned char **pdata,
			     size_t *plen);
void ing_tiff_free(struct ing_tiff *t);

/* Files a fully processed file in the archive (file.c). */
enum dos_err ing_file_commit(struct ing *ing, struct arc *a, int64_t batch_id,
			     struct ing_file *f, json_t **pdocs);

#endif
