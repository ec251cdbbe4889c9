/*
 * ingest.h: the capture pipeline: decode scans under limits, turn pages
 * upright, deskew, OCR (Tesseract), read barcodes (zbar), cut into
 * documents, and commit them to the archive.
 */
#ifndef DOSSIER_INGEST_H
#define DOSSIER_INGEST_H

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
	const char *user;           /* who runs the batch */
	const char *account_regex;  /* POSIX ERE for accounts in text/barcodes */
	uint64_t max_file_bytes;    /* refuse larger files before reading */
	uint64_t max_page_pixels;   /* refuse larger pages before decoding */
	double review_confidence;   /* pages below this OCR confidence: review */
	int deskew;                 /* 1 (default) to deskew, 0 to skip */
};

/* Fills o with the defaults. */
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

#endif
