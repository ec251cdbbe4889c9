/*
 * archive.h: the archive: page images in a content-addressed blob store and
 * their metadata, OCR text and audit log in a catalogue (SQLite by default).
 * Every SQL statement and every blob path lives behind this interface.
 *
 * A struct arc is one connection; use one per thread.  Read views are
 * returned as jansson objects owned by the caller (json_decref them).
 */
#ifndef DOSSIER_ARCHIVE_H
#define DOSSIER_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dossier/common.h"

struct arc;

/* Flags for arc_open. */
#define ARC_CREATE 0x1   /* create the archive folder and catalogue if absent */
#define ARC_READONLY 0x2 /* open the catalogue read-only */

enum dos_err arc_open(const char *dir, unsigned flags, struct arc **parc);
void arc_close(struct arc *a);
/* The last catalogue error message, for logs (borrowed). */
const char *arc_errmsg(const struct arc *a);

/* ---- blobs ---- */

/*
 * Stores bytes under their SHA-256 (temp file, fsync, rename, fsync folder)
 * unless already present; writes the hex digest into sha.  Call before the
 * catalogue transaction that references the blob.
 */
enum dos_err arc_blob_put(struct arc *a, const void *p, size_t n,
			  char sha[DOS_SHA256_HEX]);
/* Opens a blob for reading; returns a file descriptor and its size. */
enum dos_err arc_blob_open(struct arc *a, const char *sha, int *pfd,
			   uint64_t *psize);

/* ---- ingest ---- */

struct arc_word {
	const char *text;
	int x, y, w, h; /* box in processed-page pixels */
	float conf;     /* 0..100 */
};

struct arc_barcode {
	const char *type; /* zbar's symbology name, e.g. "CODE-128" */
	const char *value;
};

struct arc_page_in {
	int source_index;      /* page number within the source file, 0-based */
	const char *processed; /* SHA-256 of the processed page blob */
	const char *thumb;     /* SHA-256 of the thumbnail blob */
	int width, height, dpi;
	int rotation;          /* degrees clockwise applied to make it upright */
	double skew_deg;       /* detected skew, degrees */
	double ocr_confidence; /* 0..100 */
	int blank;
	const char *text;
	const struct arc_word *words;
	size_t nwords;
	const struct arc_barcode *barcodes;
	size_t nbarcodes;
};

struct arc_doc_in {
	const char *account;  /* may be NULL */
	const char *category; /* may be NULL */
	const char *title;    /* may be NULL */
	const char *date;     /* date of the document, YYYY-MM-DD, or NULL */
	const char *status;   /* "archived" or "review" */
	const char *review_reason; /* why it needs a person, or NULL */
	int64_t serial;       /* archive serial number from a label, 0: none */
	const char *pdf;      /* SHA-256 of the searchable PDF blob, or NULL */
	const struct arc_page_in *pages;
	size_t npages;
	int64_t id; /* out: assigned by arc_source_commit */
};

/*
 * A page of a source that belongs to no document (separator or cover
 * sheet, blank back side): kept on record so no page is ever unaccounted.
 */
struct arc_skipped_in {
	int source_index;
	const char *role; /* "separator", "cover", "blank" */
	const char *processed;
	const char *thumb;
	const char *barcode; /* the value that decided it, or NULL */
};

struct arc_source_in {
	const char *name;   /* file name as given by the clerk */
	const char *sha256; /* blob holding the untouched original bytes */
	uint64_t size;
	const char *format; /* "tiff", "png", "jpeg", "pdf" */
	int npages;
	int64_t batch_id;
	struct arc_doc_in *docs;
	size_t ndocs;
	const struct arc_skipped_in *skipped;
	size_t nskipped;
};

/* Starts a batch record; returns its id. */
enum dos_err arc_batch_begin(struct arc *a, const char *user, int64_t *pid);
/*
 * Records one file of a batch: outcome "ingested", "duplicate" or
 * "failed" (with error in words); sha256 may be NULL when unread.
 */
enum dos_err arc_batch_file(struct arc *a, int64_t batch_id, const char *name,
			    const char *sha256, const char *outcome, int pages,
			    int documents, const char *error);
/* Closes a batch with its counts. */
enum dos_err arc_batch_end(struct arc *a, int64_t id, int files, int pages,
			   int documents, int failures);

/*
 * If a source file with this SHA-256 was already ingested, sets *pfound and
 * fills the ids of its documents (as a JSON array, caller frees) in *pdocs.
 */
enum dos_err arc_source_find(struct arc *a, const char *sha256, int *pfound,
			     json_t **pdocs);

/*
 * Commits a source file and the documents cut from it in one transaction:
 * all of it or none of it.  Blobs must already be stored.  Fills docs[].id.
 */
enum dos_err arc_source_commit(struct arc *a, struct arc_source_in *src);

/* ---- reading ---- */

/* A document with its pages (text, words, barcodes) as JSON. */
enum dos_err arc_doc_get(struct arc *a, int64_t id, json_t **pout);

/*
 * Opens a document's searchable PDF; DOS_NOTFOUND when it has none.  The
 * caller closes *pfd.
 */
enum dos_err arc_doc_pdf(struct arc *a, int64_t id, int *pfd, uint64_t *psize);

/* A batch with its files (JSON, caller frees); DOS_NOTFOUND if unknown. */
enum dos_err arc_batch_get(struct arc *a, int64_t id, json_t **pout);
/* The latest batches, newest first, as a JSON array. */
enum dos_err arc_batch_list(struct arc *a, int limit, json_t **pout);

/* Documents waiting in the review queue, oldest first, as a JSON array. */
enum dos_err arc_review_list(struct arc *a, json_t **pout);

/* ---- search ---- */

struct arc_query {
	const char *match;   /* FTS5 MATCH expression, or NULL for none */
	const char *account; /* exact account filter, or NULL */
	const char *category;
	int limit, offset;
};

/*
 * Runs a query and returns {"total":N,"hits":[{"id","account","score",
 * "snippet","pages"}]}; snippet marks matches with [ and ].
 */
enum dos_err arc_search(struct arc *a, const struct arc_query *q,
			json_t **pout);

/* ---- users ---- */

/* Known roles; arc_user_add refuses others. */
int arc_role_valid(const char *role);
/*
 * Adds a user with an Argon2id password hash (libsodium).  DOS_CONFLICT if
 * the name is taken, DOS_INVAL for a bad name, role or a password shorter
 * than 8 characters.
 */
enum dos_err arc_user_add(struct arc *a, const char *name, const char *role,
			  const char *unit, const char *password);
/* Checks a password; DOS_PERM when wrong or the user is unknown. */
enum dos_err arc_user_check(struct arc *a, const char *name,
			    const char *password);

/* ---- audit ---- */

/* Appends a hash-chained audit entry. */
enum dos_err arc_audit(struct arc *a, const char *actor, const char *action,
		       const char *object, const char *detail);
/* Checks the audit chain and every blob; prints problems to err stream. */
enum dos_err arc_verify(struct arc *a, json_t **preport);

#endif
