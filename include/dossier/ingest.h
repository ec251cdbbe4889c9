/*
 * ingest.h: the capture pipeline: decode scans under limits, turn pages
 * upright, deskew, OCR (Tesseract), read barcodes (zbar), cut into
 * documents, and commit them to the archive.
 */
#ifndef DOSSIER_INGEST_H
#define DOSSIER_INGEST_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dossier/archive.h"
#include "dossier/common.h"

struct ing;

struct ing_options {
	const char *langs;          /* Tesseract languages, e.g. "eng" */
	const char *account;        /* fallback account, or NULL */
	const char *category;       /* fallback category, or NULL */
	const char *doc_type;       /* fallback document type, or NULL */
	const char *user;           /* who runs the batch */
	const char *account_regex;  /* POSIX ERE for accounts in text/barcodes */
	uint64_t max_file_bytes;    /* refuse larger files before reading */
	uint64_t max_page_pixels;   /* refuse larger pages before decoding */
	double review_confidence;   /* pages below this OCR confidence: review */
	double review_unread;       /* pages with more than this percentage of
				       their text-like ink unread: review */
	int deskew;                 /* 1 (default) to deskew, 0 to skip */
	int orient;                 /* 1 (default) to turn pages upright */
	int jobs;                   /* worker threads, each with its own OCR */
	const char *separator;      /* barcode value of a separator sheet */
	const char *cover_prefix;   /* cover sheet barcode: PREFIX ACC:CAT */
	const char *label_regex;    /* label barcode; group 1 = serial number */
	int keep_blank;             /* keep blank pages inside documents */
	int pdf;                    /* 1 (default): searchable PDF per document */
	/* A document with no category given (cover sheet, manifest,
	 * --category) is filed on the learned classifier's suggestion when
	 * its confidence reaches this (0-100; default 90; above 100: never),
	 * and goes to review with the suggestion otherwise (once the model
	 * has learned enough to suggest). */
	double classify_threshold;
};

/* Progress of a batch, reported from the calling thread. */
struct ing_progress {
	int files_total, files_done;
	int pages_done;   /* pages through OCR */
	int pages_queued; /* pages decoded and handed to workers so far */
	double elapsed;   /* seconds since the batch started */
};

/* Seconds spent per stage over all pages since ing_new. */
struct ing_stats {
	int pages;
	double decode, prepare, orient, deskew, ocr, barcode, encode, commit;
};

void ing_stats_get(struct ing *ing, struct ing_stats *out);

typedef void (*ing_progress_fn)(void *arg, const struct ing_progress *p);
/*
 * Called once per file, in the order given: docs is the JSON array described
 * at ing_file (borrowed) or NULL with err and a message in words.
 */
typedef void (*ing_file_fn)(void *arg, const char *path, enum dos_err err,
			    json_t *docs, const char *msg);

/* Fills o with the defaults. */
/*
 * The date a document is dated, from its OCR text (docdate.c): writes
 * YYYY-MM-DD to pdate and returns 1, or returns 0 (pdate "") when the
 * text prints no date.  A labelled date ("Date:", "日期") wins; dates of
 * birth, expiry and the like are never taken.
 */
int ing_date_find(const char *text, char pdate[11]);
/* The same, and where the date is printed: *plen bytes from *poff of
 * text (0 and 0 when none). */
int ing_date_span(const char *text, char pdate[11], size_t *poff,
		  size_t *plen);
/*
 * A page's words as printed, line by line (from their boxes: a word
 * joins a line when its middle lies within the line's first word's
 * height), left to right, blanks between; NULL for none (caller frees).
 */
char *ing_words_lines(const struct arc_word *w, size_t n);
/*
 * A document's title when nobody gave one (title.c): its type and date
 * ("Loan contract, 2023-11-14"), else the first heading of its first
 * page (a "Subject:" line, a line in capitals, a Chinese title line)
 * with the date, else "Document dated DATE", else "Scanned document".
 * Never the file's name.  doc_type and date may be NULL.
 */
void ing_title_make(const char *text, const char *doc_type,
		    const char *date, char *out, size_t n);
/*
 * Where a date was read, for the viewer: 'page 2: "Date: 14 Nov 2023"'
 * (the line around it, shortened to fit).
 */
void ing_date_note(const char *text, size_t off, size_t len, int page,
		   char *out, size_t n);

void ing_options_default(struct ing_options *o);

enum dos_err ing_new(const struct ing_options *o, struct ing **ping);
void ing_free(struct ing *ing);

/*
 * Ingests one file into the archive as part of batch batch_id.  On success
 * *presult is a JSON array of {"id","pages","account","category","status"}
 * (or, for a file ingested before, the same with "duplicate": true).  On
 * failure *pmsg (caller frees) says in words what went wrong, and nothing
 * of the file is stored.
 */
enum dos_err ing_file(struct ing *ing, struct arc *a, int64_t batch_id,
		      const char *path, json_t **presult, char **pmsg);

/*
 * Ingests many files: the calling thread reads and decodes pages and
 * commits finished files; ing->jobs workers deskew, OCR and read barcodes.
 * Returns DOS_OK when every file was handled (each file's own outcome goes
 * to on_file, and to the batch's record), or an error that stopped the
 * batch: one of the archive, not of a file (ing_err_stops_batch), after
 * which no further file is started.  A file that met it is reported to
 * on_file but left "pending" in the batch's record (arc_batch_plan), to
 * be ingested when the batch is resumed.
 */
enum dos_err ing_batch(struct ing *ing, struct arc *a, int64_t batch_id,
		       char *const *paths, int npaths, ing_file_fn on_file,
		       ing_progress_fn on_progress, void *arg);
/*
 * Whether err is the archive's rather than a file's (its disk is full, it
 * is read-only, its catalogue stayed locked): every later file would meet
 * it too, so a batch stops there.
 */
int ing_err_stops_batch(enum dos_err err);

/*
 * A batch manifest (CSV with a header row naming the columns file,
 * account, category, title, date): per-file filing for stacks without
 * cover sheets.  A cover sheet still wins over the manifest, the manifest
 * over --account/--category, those over numbers found on the page.
 */
struct ing_manifest;
struct ing_manifest_row {
	long line;      /* record number in the CSV, header = 1 */
	char *file;     /* path as given, or a bare file name */
	char *account;  /* NULL when the cell is empty */
	char *category;
	char *title;
	char *date;     /* YYYY-MM-DD */
	char *type;     /* document type, e.g. id_copy */
};

/* Loads and checks a manifest; DOS_FORMAT with the line and cause in msg. */
enum dos_err ing_manifest_load(const char *path, struct ing_manifest **pm,
			       char *msg, size_t msglen);
void ing_manifest_free(struct ing_manifest *m);
/* The row for a path (exact, else by file name), or NULL (borrowed). */
const struct ing_manifest_row *ing_manifest_find(const struct ing_manifest *m,
						 const char *path);
/* All rows (borrowed); returns their number. */
size_t ing_manifest_rows(const struct ing_manifest *m,
			 const struct ing_manifest_row **prows);
/* Files the following batches by m (borrowed; NULL to stop). */
void ing_set_manifest(struct ing *ing, const struct ing_manifest *m);

/*
 * Writes a cover sheet PDF for account and category (barcode
 * "<prefix>ACC:CAT", Code 128).  DOS_INVAL with *msg for bad fields.
 */
enum dos_err ing_coversheet_pdf(const char *prefix, const char *account,
				const char *category, const char *path,
				char *msg, size_t msglen);
/*
 * Whether a cover sheet for account and category would file what it
 * says: the account matches account_regex as a whole and (when a is not
 * NULL) the category is one the archive knows, by code or alias.
 * DOS_INVAL with msg saying what is wrong (the known categories listed).
 */
enum dos_err ing_coversheet_check(struct arc *a, const char *account_regex,
				  const char *account, const char *category,
				  char *msg, size_t msglen);

/*
 * Turns page seq (1-based) of a document by degrees clockwise (90, 180
 * or 270) and reads it again with o's languages (the document's own when
 * recorded), without the automatic turn; the page, its text, word boxes,
 * barcodes and its page of the searchable PDF are replaced, the archive
 * keeping what they replace (arc_page_replace: who may, why, audit).
 * msg says what happened or why not.
 */
enum dos_err ing_page_turn(const struct ing_options *o, struct arc *a,
			   const struct arc_user *who, int64_t doc, int seq,
			   int degrees, const char *reason, char *msg,
			   size_t msglen);

/* ---- PDF/A and stamped copies (pdfa.c) ---- */

/* The XMP namespace of the archive's own properties (prefix dossier:). */
#define ING_XMP_NS "http://dossier-archive.org/ns/record/1.0/"

/* What a PDF says of its document (each may be NULL). */
struct ing_pdf_meta {
	int64_t doc_id;
	const char *title;
	const char *customer, *customer_name; /* number and name */
	const char *archive_no;
	const char *created; /* filing time, "YYYY-MM-DDTHH:MM:SSZ" */
	const char *lang;    /* OCR languages */
};
/* Fills m from arc_doc_pdf_meta's JSON (strings borrowed from j). */
void ing_pdf_meta_from(const json_t *j, struct ing_pdf_meta *m);
/*
 * The PDF at in as PDF/A-2b with m's metadata: XMP (PDF/A identification,
 * title, customer, archive number), the Info dictionary to match, an sRGB
 * output intent.  *pout is malloc'd; same input, same bytes.
 */
enum dos_err ing_pdf_pdfa(const unsigned char *in, size_t n,
			  const struct ing_pdf_meta *m, unsigned char **pout,
			  size_t *plen);
/* Who takes a copy, when (as printed) and why. */
struct ing_pdf_stamp {
	const char *who, *when, *reason;
	const char *purpose; /* "Copy", "Printed copy" */
};
/*
 * The same, every page stamped with s in a light diagonal band that
 * does not hide the page's text (PDF/A too: no transparency).
 */
enum dos_err ing_pdf_copy(const unsigned char *in, size_t n,
			  const struct ing_pdf_meta *m,
			  const struct ing_pdf_stamp *s, unsigned char **pout,
			  size_t *plen);
/*
 * A document's searchable PDF as it leaves the archive, for who: with
 * reason NULL the PDF/A with its current metadata (arc_doc_pdf: needs
 * ARC_DOWNLOAD, audited as a download); with a reason a stamped copy
 * (arc_doc_copy_open: needs ARC_VIEW, audited as a copy with purpose,
 * "print" or "download").  *pout is malloc'd; msg says why not.
 */
enum dos_err ing_doc_pdf(struct arc *a, const struct arc_user *who,
			 int64_t id, const char *purpose, const char *reason,
			 unsigned char **pout, size_t *plen, char *msg,
			 size_t msglen);

/* ---- scanning straight from a scanner (SANE; scan.c, sane.c) ---- */

#define ING_SCAN_MIN_DPI 50
#define ING_SCAN_MAX_DPI 1200
#define ING_SCAN_DPI 300

/* How a run of a scan ended. */
enum ing_scan_stop {
	ING_SCAN_DONE,       /* the feeder ran out, or the flatbed page */
	ING_SCAN_EMPTY,      /* no paper in the feeder */
	ING_SCAN_JAMMED,     /* a paper jam */
	ING_SCAN_COVER_OPEN, /* the cover is open */
	ING_SCAN_LOST,       /* the device went away (I/O error) */
	ING_SCAN_BUSY,       /* busy, warming up or locked */
	ING_SCAN_CANCELLED,  /* stopped on request */
	ING_SCAN_LIMIT,      /* a page over the pixel limit */
	ING_SCAN_FAILED      /* anything else: see the message */
};

/* How to scan; for a resumed batch, unset fields keep what it had. */
struct ing_scan_options {
	const char *device; /* SANE name, e.g. "test:0"; NULL: the first */
	const char *source; /* "adf" or "flatbed"; NULL: the device's own */
	int duplex;         /* 1: both sides, 0: one, -1: unset */
	int dpi;            /* ING_SCAN_MIN_DPI..MAX_DPI; 0: unset (300) */
	const char *mode;   /* "gray" or "lineart"; NULL: unset (gray) */
	char *const *set;   /* nset backend options "NAME=VALUE" */
	int nset;
	volatile sig_atomic_t *cancel; /* non-zero: stop (keeps the pages) */
};

struct ing_scan_result {
	enum ing_scan_stop stop;
	int64_t batch;
	int pages_run;  /* pages scanned in this run */
	int pages;      /* pages the batch holds now */
	int documents;  /* documents filed in this run */
	char what[400]; /* how the run ended, in words */
	char hint[160]; /* what to do before resuming, or "" */
};

/*
 * The scanners SANE sees: [{"name","vendor","model","type"}] (caller
 * frees).  While a scan runs in this process, *pbusy is set and the list
 * is the one seen last.
 */
enum dos_err ing_scan_list(json_t **pout, int *pbusy, char *msg,
			   size_t msglen);

struct ing_scan;

/*
 * Opens and sets up the scanner, then starts a batch for who, or (resume
 * > 0) takes up that stopped batch with the settings it kept, those given
 * in so and o (account, category, type, lang) replacing them.  No batch
 * is started when the scanner cannot be used.  One scan at a time per
 * process (DOS_CONFLICT).  Other strings of o must outlive *ps.
 */
enum dos_err ing_scan_open(const struct ing_options *o,
			   const struct ing_scan_options *so, struct arc *a,
			   const struct arc_user *who, int64_t resume,
			   struct ing_scan **ps, char *msg, size_t msglen);
int64_t ing_scan_batch(const struct ing_scan *s);
/* "test:0, Automatic Document Feeder, 150 dpi, gray" */
const char *ing_scan_describe(const struct ing_scan *s);
/*
 * Scans until the feeder runs out (one page from a flatbed), handing
 * each page to the pipeline as it arrives, and files the stack exactly as
 * `ingest` files a file of those pages (cover and separator sheets cut
 * it); its original is a multi-page TIFF.  When the scanner stops (a
 * jam, a lost device) the pages scanned are filed and the batch is left
 * "stopped", to be resumed or closed.  a may be another connection than
 * ing_scan_open's.  res says how it ended; DOS_OK unless the archive
 * failed.
 */
enum dos_err ing_scan_run(struct ing_scan *s, struct arc *a,
			  ing_file_fn on_file, ing_progress_fn on_progress,
			  void *arg, struct ing_scan_result *res);
/* Closes the scanner; a batch never run is left stopped (in a). */
void ing_scan_free(struct ing_scan *s, struct arc *a);


/* ---- the work queue (queue.c): pages read one row each ---- */

/* What probing a file found before it is queued (nothing is decoded). */
struct ing_probe {
	char sha256[DOS_SHA256_HEX];
	const char *format; /* "tiff", "png", "jpeg", "pdf" (static) */
	int npages;         /* a PDF's from its page tree */
	uint64_t size;
	json_t *dups;       /* non-NULL: filed before, as these documents */
};
/*
 * Reads path (refused past max_bytes before reading), hashes it, looks
 * for an earlier copy and counts its pages; DOS_FORMAT, DOS_LIMIT ...
 * with msg in words.  PDFs' declared images are checked against
 * max_pixels here too.
 */
enum dos_err ing_probe_file(struct arc *a, const char *path,
			    uint64_t max_bytes, uint64_t max_pixels,
			    struct ing_probe *p, char *msg, size_t msglen);
void ing_probe_clear(struct ing_probe *p);
/*
 * A file's spec for the queue (JSON text, caller frees): how to read and
 * file it (o, and its manifest row m or NULL), under which entry of its
 * batch's record, shown as name; spooled: its bytes are the archive's.
 */
char *ing_file_spec(const struct ing_options *o,
		    const struct ing_manifest_row *m, const char *entry,
		    const char *name, const struct ing_probe *p, int spooled);
/* The options a spec carries, over o (strings borrowed from spec). */
void ing_options_from_spec(const json_t *spec, struct ing_options *o);

/* One worker thread's reader of queued work: its OCR engine (made for
 * the languages a row asks for) and the file it read last. */
struct ing_reader;
enum dos_err ing_reader_new(const struct ing_options *defaults,
			    struct ing_reader **pr);
void ing_reader_free(struct ing_reader *r);
/* Seconds per stage over the pages this reader read and filed. */
void ing_reader_stats(struct ing_reader *r, struct ing_stats *out);
/*
 * Reads a claimed page row: decodes the page (its pixel limit first),
 * turns, deskews, OCRs, reads barcodes, stores its images as blobs and
 * gives its result (*presult, JSON text, caller frees) for
 * arc_job_done.  On failure msg says why and *pretry whether another
 * attempt may do better (a damaged page will not).
 */
enum dos_err ing_reader_page(struct ing_reader *r, struct arc *a,
			     const struct arc_job *j, char **presult,
			     int *pretry, char *msg, size_t msglen);
/* How a file's row ended. */
struct ing_filed {
	const char *outcome; /* "ingested", "duplicate", "failed" */
	json_t *docs;        /* ingested or duplicate: as ing_file gives */
	char msg[512];       /* failed: why, in words */
};
/*
 * Files a claimed file row whose pages are read: their results cut into
 * documents and committed whole in one transaction that also ends the
 * row (so a file is filed once however many readers took its row); a
 * file with a page not read, or filed before, ends its row here too.
 * DOS_OK when the row ended (out says how); an error of the archive
 * (ing_err_stops_batch) leaves the row claimed, for the caller to give
 * back; DOS_CONFLICT when the row is no longer worker's.
 */
enum dos_err ing_reader_file(struct ing_reader *r, struct arc *a,
			     const struct arc_job *j, const char *worker,
			     struct ing_filed *out);
/* Runs a claimed page turn row (ing_page_turn for its owner). */
enum dos_err ing_reader_turn(struct ing_reader *r, struct arc *a,
			     const struct arc_job *j, char *msg,
			     size_t msglen);

/*
 * Page images for the viewer (render.c), made by workers only (never in
 * a server thread but for a read-only archive, which has no queue).
 * ing_view_png reads the stored page image from fd (size bytes, at most
 * 64 MB), scales it to width pixels (never up; 1-bit pages to grey) and
 * returns PNG in *pout (free()).  ing_view_make runs a claimed view row
 * ({"key", "width"}): the rendering kept under key in the archive's
 * cache (arc_page_view_put), unless it is there already.
 */
#define ING_VIEW_MIN_WIDTH 200
#define ING_VIEW_MAX_WIDTH 2400
enum dos_err ing_view_png(int fd, uint64_t size, int width,
			  unsigned char **pout, size_t *plen);
enum dos_err ing_view_make(struct arc *a, const struct arc_job *j,
			   char *msg, size_t msglen);

#endif
