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

struct arc_user; /* who acts: see "users, roles" below */

struct arc;

/* Flags for arc_open. */
#define ARC_CREATE 0x1   /* create the archive folder and catalogue if absent */
#define ARC_READONLY 0x2 /* open the catalogue read-only */

enum dos_err arc_open(const char *dir, unsigned flags, struct arc **parc);
void arc_close(struct arc *a);
/* The last catalogue error message, for logs (borrowed). */
const char *arc_errmsg(const struct arc *a);
/*
 * Whether a is read-only: opened with ARC_READONLY, or found not writable
 * (a read-only mount, files this process may not change) by arc_open,
 * which then opens it read-only, says so once, and records nothing (not
 * even the audit log's entries for searches and views).
 */
int arc_readonly(const struct arc *a);
/*
 * DOS_NOSPACE (logged, in words) when writing n more bytes to the
 * archive's disk would eat into what it keeps free for the catalogue and
 * the audit log: $DOSSIER_RESERVE_MB, else 1% of the disk (1 to 256 MiB);
 * DOS_RDONLY on a read-only file system.  Blob writes check it first.
 */
enum dos_err arc_space_check(struct arc *a, uint64_t n);

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

/*
 * Words OCR read with less confidence than this (0..100) are uncertain:
 * the viewer marks them, and a figure or an account number among them
 * sends its document to review.
 */
#define ARC_WORD_UNSURE 60

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
	/* The quality gate: share of the text-like ink read (0..1), and the
	 * regions (x, y, w, h on the processed page) that produced no words. */
	double read_share;
	const int (*unread)[4];
	size_t nunread;
};

struct arc_doc_in {
	const char *account;  /* may be NULL */
	const char *category; /* may be NULL */
	const char *title;    /* may be NULL */
	const char *date;     /* date of the document, YYYY-MM-DD, or NULL */
	const char *date_note; /* where the date was read (page, words), or
				* NULL; shown beside it until it is edited */
	const char *doc_type; /* document type (e.g. "id_copy"), or NULL */
	const char *lang;     /* OCR languages, e.g. "chi_sim+eng", or NULL */
	const char *status;   /* "archived" or "review" */
	const char *review_reason; /* why it needs a person, or NULL */
	int64_t serial;       /* archive serial number from a label, 0: none */
	const char *pdf;      /* SHA-256 of the searchable PDF blob, or NULL */
	const char *suggestion; /* the classifier's (JSON text), or NULL */
	const char *filed_by;   /* "model" when filed on its suggestion */
	const char *customer;   /* a customer number, when no account
				 * gives one (a suggestion), or NULL */
	const struct arc_page_in *pages;
	size_t npages;
	/* out, set by arc_source_commit: */
	int64_t id;
	int64_t customer_id;   /* customer holding the account, 0: none yet */
	char category_code[32]; /* the category class, "" when unknown */
	char archive_no[64];   /* catalogue / volume / item, "" when none */
	char note[96];         /* review_reason may point here */
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
	const char *actor;  /* who ingests: audited with each document */
	/* The file's name in its batch's record: its outcome "ingested" is
	 * recorded in the same transaction (NULL: not recorded here). */
	const char *batch_entry;
	struct arc_doc_in *docs;
	size_t ndocs;
	const struct arc_skipped_in *skipped;
	size_t nskipped;
	/* The queue's file row this filing ends (0: none): marked done, its
	 * result the documents filed, in the same transaction, if
	 * job_worker still holds it (else DOS_CONFLICT, nothing filed). */
	int64_t job;
	const char *job_worker;
};

/*
 * Closes as "interrupted" every running batch of this host whose process
 * is gone (killed or crashed), with the counts its files record; *pn says
 * how many.  arc_batch_begin does this first.
 */
enum dos_err arc_batch_reap(struct arc *a, int *pn);
/* Starts a batch record (with this process's id); returns its id. */
enum dos_err arc_batch_begin(struct arc *a, const char *user, int64_t *pid);
/*
 * Records the n files a batch is given, as "pending", before any is read:
 * what an interrupted batch did not finish stays on record, and
 * arc_batch_resume hands it back.  One transaction.
 */
enum dos_err arc_batch_plan(struct arc *a, int64_t batch_id,
			    char *const *names, int n);
/*
 * Takes up an interrupted batch again in this process (audited): its
 * files still "pending", in order, as a JSON array of names (caller
 * frees).  DOS_NOTFOUND for an unknown batch, DOS_CONFLICT for one
 * running or finished, with msg saying why.
 */
enum dos_err arc_batch_resume(struct arc *a, const char *user, int64_t id,
			      json_t **ppending, char *msg, size_t msglen);
/*
 * Closes a batch as "done", or as "interrupted" (stopped before its end,
 * e.g. on a full disk: resumable), with the counts its files record.
 */
enum dos_err arc_batch_finish(struct arc *a, int64_t id, int interrupted);
/*
 * Records one file of a batch: outcome "ingested", "duplicate" or
 * "failed" (with error in words); sha256 may be NULL when unread.  The
 * file's "pending" entry, if the batch was planned, takes the outcome.
 */
enum dos_err arc_batch_file(struct arc *a, int64_t batch_id, const char *name,
			    const char *sha256, const char *outcome, int pages,
			    int documents, const char *error);
/*
 * Makes a new private folder inside the archive's tmp/ for files being
 * received (an upload) before they are ingested; the caller removes it.
 * Being on the archive's file system, nothing is copied twice.
 */
enum dos_err arc_spool_dir(struct arc *a, char *path, size_t n);
/*
 * The path in upload folder dir for the seq-th file received, uploaded
 * as uploaded (a folder before the name is dropped): numbered, so names
 * are unique and never start with '.', and naming the upload so that
 * arc_spool_name gives it back.  DOS_LIMIT when it does not fit in n.
 */
enum dos_err arc_spool_file(const char *dir, int seq, const char *uploaded,
			    char *path, size_t n);
/*
 * The name a file of an upload folder was uploaded with (what the clerk
 * sees; never the server's path): 1 with it in out, or 0 when path is no
 * such file.
 */
int arc_spool_name(const struct arc *a, const char *path, char *out,
		   size_t n);
/*
 * Removes a file received into an upload folder (arc_spool_dir) once it is
 * ingested, and the folder with its last file; 1 when path was such a
 * file, 0 (nothing done) for any other path.
 */
int arc_spool_release(struct arc *a, const char *path);
/*
 * Removes upload folders untouched for max_age seconds (left by a server
 * that stopped mid-upload), logging each; returns how many.
 */
int arc_spool_sweep(struct arc *a, long max_age);
/* Closes a batch with its counts. */
enum dos_err arc_batch_end(struct arc *a, int64_t id, int files, int pages,
			   int documents, int failures);
/* Keeps a scanned batch's settings (JSON text) for resuming it. */
enum dos_err arc_batch_scan_save(struct arc *a, int64_t id, const char *scan);
/*
 * Ends a run of a batch as "done", or as "stopped" (a scan stopped by its
 * scanner, waiting to be resumed or closed), the counts from its files.
 */
enum dos_err arc_batch_scan_finish(struct arc *a, int64_t id,
				   const char *status);
/*
 * Takes up a stopped (or interrupted) scan batch again in this process,
 * for who: its own user or the local administrator, with ARC_INGEST.
 * *pscan gets its settings (caller frees).  DOS_NOTFOUND, DOS_PERM or
 * DOS_CONFLICT (not a stopped scan, or resumed meanwhile) with msg.  The
 * caller audits the resume once the scanner is there ("batch-resume").
 */
enum dos_err arc_batch_scan_resume(struct arc *a,
				   const struct arc_user *who, int64_t id,
				   char **pscan, char *msg, size_t msglen);
/* Closes a stopped scan batch without resuming it ("done"; audited). */
enum dos_err arc_batch_close(struct arc *a, const struct arc_user *who,
			     int64_t id, char *msg, size_t msglen);

/*
 * If a source file with this SHA-256 was already ingested, sets *pfound and
 * fills the ids of its documents (as a JSON array, caller frees) in *pdocs.
 */
enum dos_err arc_source_find(struct arc *a, const char *sha256, int *pfound,
			     json_t **pdocs);

/*
 * Commits a source file and the documents cut from it in one transaction:
 * all of it or none of it.  Blobs must already be stored.  Fills docs[].id.
 * DOS_INVAL when a text (name, metadata, page text, words, barcodes) is
 * not UTF-8.
 */
enum dos_err arc_source_commit(struct arc *a, struct arc_source_in *src);

/* ---- reading ---- */

/*
 * A document with its pages (text, words, barcodes) as JSON, for who
 * (checked with arc_may ARC_VIEW; the view is audited).  DOS_PERM or
 * DOS_NOTFOUND with msg saying why.
 */
enum dos_err arc_doc_get(struct arc *a, const struct arc_user *who, int64_t id,
			 json_t **pout, char *msg, size_t msglen);

/*
 * Opens a document's searchable PDF for who (arc_may ARC_DOWNLOAD; the
 * download is audited); DOS_NOTFOUND when it has none.  The caller closes
 * *pfd.
 */
enum dos_err arc_doc_pdf(struct arc *a, const struct arc_user *who, int64_t id,
			 int *pfd, uint64_t *psize, char *msg, size_t msglen);

/*
 * What a document's PDF says of it when it leaves the archive (its
 * current metadata), for who may view it: {"id","title","archive_no",
 * "customer","customer_name","added","lang","category","date"} (caller
 * frees).
 */
enum dos_err arc_doc_pdf_meta(struct arc *a, const struct arc_user *who,
			      int64_t id, json_t **pmeta, char *msg,
			      size_t msglen);
/*
 * Opens a document's searchable PDF to make a stamped copy of it for
 * who, who needs only ARC_VIEW (the untouched PDF and original need
 * ARC_DOWNLOAD): purpose ("print", "download", NULL) and reason (3 to
 * 300 characters) are audited as a "copy".  The caller stamps every page
 * (ing_pdf_copy) and closes *pfd.
 */
enum dos_err arc_doc_copy_open(struct arc *a, const struct arc_user *who,
			       int64_t id, const char *purpose,
			       const char *reason, int *pfd, uint64_t *psize,
			       char *msg, size_t msglen);

/* A page's stored renditions: the processed page (TIFF G4) and its
 * thumbnail (PNG). */
enum arc_page_part { ARC_PAGE_PROCESSED, ARC_PAGE_THUMB };
/*
 * Opens page seq (1-based) of a document for who (arc_may ARC_VIEW; the
 * processed page is audited as a view).  The caller closes *pfd.
 */
enum dos_err arc_page_open(struct arc *a, const struct arc_user *who,
			   int64_t doc, int seq, enum arc_page_part part,
			   int *pfd, uint64_t *psize, char *msg, size_t msglen);
/*
 * Opens the document's original scan file, untouched (arc_may
 * ARC_DOWNLOAD; audited); name gets its file name.  A file holding
 * several documents is the same original for each.
 */
enum dos_err arc_doc_original(struct arc *a, const struct arc_user *who,
			      int64_t doc, int *pfd, uint64_t *psize,
			      char *name, size_t namelen, char *msg,
			      size_t msglen);

/* A batch with its files (JSON, caller frees); DOS_NOTFOUND if unknown
 * or, for a user whose role's scope is not "all", another user's (that
 * try is audited as a denial).  An uploaded file is named as it was
 * uploaded, never by the server's spool path. */
enum dos_err arc_batch_get(struct arc *a, const struct arc_user *who,
			   int64_t id, json_t **pout);
/* The files of a batch still "pending", as recorded (paths, for the
 * process that resumes it to find them; never to show): a JSON array,
 * caller frees; for who as arc_batch_get. */
enum dos_err arc_batch_pending(struct arc *a, const struct arc_user *who,
			       int64_t id, json_t **pout);
/* The latest batches, newest first, as a JSON array (a user whose scope
 * is not "all" sees only their own). */
enum dos_err arc_batch_list(struct arc *a, const struct arc_user *who,
			    int limit, json_t **pout);

/* Documents waiting in the review queue, oldest first, as a JSON array. */
enum dos_err arc_review_list(struct arc *a, const struct arc_user *who,
			     json_t **pout);

/* ---- search ---- */

/*
 * A search is a tree of conditions, built by search/ from the query
 * language and turned into SQL here (every value bound).  Free words
 * match a document's OCR text, title, keywords and signatory; the fields
 * filter on metadata.
 */
enum arc_field {
	ARC_F_TEXT,      /* free words: every text column */
	ARC_F_TITLE,     /* words of the title */
	ARC_F_KEYWORDS,  /* words of the keywords */
	ARC_F_SIGNATORY, /* words of the signatory */
	ARC_F_ACCOUNT,   /* the customer holding the account, or the account */
	ARC_F_CUSTOMER,  /* customer number, or words of the name */
	ARC_F_CATEGORY,  /* category code or alias */
	ARC_F_TYPE,      /* document type */
	ARC_F_NUMBER,    /* archive number, prefix */
	ARC_F_UNIT,      /* the customer's unit */
	ARC_F_MANAGER,   /* the customer's account manager */
	ARC_F_STATUS,    /* archived, review, on hold, ... */
	ARC_F_BATCH,     /* batch id */
	ARC_F_BARCODE,   /* a barcode value on a page */
	ARC_F_LANG,      /* an OCR language, e.g. chi_sim */
	ARC_F_DATE,      /* the document's date (range) */
	ARC_F_ADDED,     /* when it was filed (range) */
};

enum arc_node_kind {
	ARC_N_AND,   /* left and right */
	ARC_N_OR,    /* left or right */
	ARC_N_NOT,   /* not left */
	ARC_N_WORDS, /* field ARC_F_TEXT..ARC_F_SIGNATORY: a word or phrase */
	ARC_N_FIELD, /* field = value */
	ARC_N_RANGE, /* lo <= field < hi (YYYY-MM-DD; either may be NULL) */
};

struct arc_node {
	enum arc_node_kind kind;
	enum arc_field field;
	struct arc_node *left, *right;
	char *value;   /* words: the text; field: the value */
	char *lo, *hi; /* range bounds */
	int phrase;    /* words: several words in this order */
	int prefix;    /* words: the last word is a prefix */
	int fuzzy;     /* words: up to 1 (short) or 2 wrong characters */
};

enum arc_sort {
	ARC_SORT_RELEVANCE, /* BM25, newest first on ties (newest first
			     * without words) */
	ARC_SORT_DATE,      /* document date, newest first */
	ARC_SORT_ADDED,     /* filing time, newest first */
	ARC_SORT_ACCOUNT,   /* account, then archive number */
	ARC_SORT_NUMBER,    /* archive number */
};

struct arc_query {
	const struct arc_node *root; /* NULL: every document */
	const struct arc_user *user; /* who searches: see arc_may */
	enum arc_sort sort;
	int limit, offset;
	int facets;                  /* also count by category, type, unit,
				      * year */
};

/*
 * Runs a query: {"total": N, "hits": [{"id", "archive_no", "account",
 * "customer", "category", "doc_type", "title", "date", "added", "status",
 * "score", "snippet", "pages": [{"seq", "boxes": [[x, y, w, h]...]}]}],
 * "facets": {...}}.  Snippets mark matched words with [ and ].
 * DOS_INVAL (with msg) for a query the index cannot run.
 */
enum dos_err arc_search(struct arc *a, const struct arc_query *q,
			json_t **pout, char *msg, size_t msglen);

/*
 * Where the words of a query are on a document's pages, for the viewer's
 * highlight: {"pages": [{"seq", "boxes": [[x, y, w, h]...]}]} in the
 * processed page's pixels; for who (arc_may ARC_VIEW).  Where words are
 * tells what the page says, so it is a read: audited as a view with the
 * query as given (text).
 */
enum dos_err arc_doc_hits(struct arc *a, const struct arc_user *who,
			  int64_t doc, const struct arc_node *root,
			  const char *text, json_t **pout, char *msg,
			  size_t msglen);

/* What a clerk decides on a document waiting for review. */
enum arc_review_action {
	ARC_REVIEW_ACCEPT, /* file it (after changes, if any) */
	ARC_REVIEW_RETURN, /* back to be scanned again (status "returned") */
};
/*
 * Decides on a document in the review queue, for who (arc_may
 * ARC_REVIEW).  Accepting applies changes first (account, category,
 * doc_type, title...: versioned edits with note as the reason), files the
 * document and numbers it; returning needs a note saying why.  Audited.
 * DOS_CONFLICT when the document is not waiting for review.
 */
enum dos_err arc_review_decide(struct arc *a, const struct arc_user *who,
			       int64_t doc, enum arc_review_action act,
			       const json_t *changes, const char *note,
			       char *msg, size_t msglen);

/* ---- customers ---- */

struct arc_customer_in {
	const char *number; /* unified customer number */
	const char *name;
	const char *type;   /* one of the configured customer types */
	const char *unit, *manager, *address, *phone, *legal_rep,
		*credit_rating, *notes; /* each may be NULL */
	const char *const *accounts;
	size_t naccounts;
};

/*
 * Adds a customer with its accounts (documents already filed under those
 * accounts join the dossier).  On failure msg says why: DOS_CONFLICT for a
 * taken number or account, DOS_INVAL for a missing field or unknown type.
 */
enum dos_err arc_customer_add(struct arc *a, const struct arc_user *who,
			      const struct arc_customer_in *c, char *msg,
			      size_t msglen);
/* Links another account to a customer (by customer number). */
enum dos_err arc_account_link(struct arc *a, const struct arc_user *who,
			      const char *customer, const char *account,
			      char *msg, size_t msglen);
/*
 * A customer found by customer number or any account number, with its
 * accounts and documents per category, as JSON; DOS_NOTFOUND if none.
 * who must reach the dossier (arc_may ARC_VIEW, audited); the counts
 * are of the documents who may view.
 */
/* A customer's id by customer number or account; DOS_NOTFOUND if none. */
enum dos_err arc_customer_id(struct arc *a, const char *key, int64_t *pid);
enum dos_err arc_customer_get(struct arc *a, const struct arc_user *who,
			      const char *key, json_t **pout, char *msg,
			      size_t msglen);

/* Which customers arc_customer_list gives. */
struct arc_customer_filter {
	const char *filter; /* part of a number, name or account, or NULL */
	int mine;           /* only those who manages */
	int limit, offset;  /* limit 1..500 (0: 50) */
};
/*
 * The customers whose dossier who may view (arc_may ARC_VIEW), by name:
 * {"total", "customers": [{"id","number","name","type","unit",
 * "manager","accounts":[...],"documents"}]}, documents counting those
 * who may view.
 */
enum dos_err arc_customer_list(struct arc *a, const struct arc_user *who,
			       const struct arc_customer_filter *f,
			       json_t **pout, char *msg, size_t msglen);

/* ---- saved searches and work lists (saved.c, worklist.c) ---- */

/* who's saved searches by name: [{"id","name","query","created"}]. */
enum dos_err arc_saved_list(struct arc *a, const struct arc_user *who,
			    json_t **pout);
/*
 * Keeps a search under a name (1-80 characters, unique per user; a
 * query of 1-2048 characters, parsed only when run); at most 50 per
 * user (DOS_CONFLICT).  Audited.  msg says what happened or why not.
 */
enum dos_err arc_saved_add(struct arc *a, const struct arc_user *who,
			   const char *name, const char *query,
			   int64_t *pid, char *msg, size_t msglen);
/* Removes one of who's saved searches; DOS_NOTFOUND for any other. */
enum dos_err arc_saved_remove(struct arc *a, const struct arc_user *who,
			      int64_t id, char *msg, size_t msglen);
/*
 * Open deletions (requested or approved and on hold): those who asked
 * for, those waiting for who's approval within their scope, and for an
 * administrator (purge) every one: [{"id","document","archive_no",
 * "title","reason","requested_by","requested_at","approved_by",
 * "hold_until","status","held","mine"}].
 */
enum dos_err arc_deletion_list(struct arc *a, const struct arc_user *who,
			       json_t **pout);
/* Legal holds in force, administrators only: [{"id","customer",
 * "customer_name","document","archive_no","reason","placed_by",
 * "placed_at"}]. */
enum dos_err arc_hold_list(struct arc *a, const struct arc_user *who,
			   json_t **pout, char *msg, size_t msglen);
/*
 * The audit log of the last days (1-366) in numbers, for who may read it
 * (audited): {"since","days","entries","refusals","by_action":{...}};
 * refusals count denials, failed and throttled sign-ins.
 */
enum dos_err arc_audit_summary(struct arc *a, const struct arc_user *who,
			       int days, json_t **pout, char *msg,
			       size_t msglen);

/* ---- completeness ---- */

/* A checklist item: what a dossier of a customer type must hold. */
struct arc_checklist_in {
	const char *customer_type; /* NULL: every customer type */
	const char *label;         /* what a clerk reads, e.g. "ID copy" */
	const char *category;      /* category code or alias */
	const char *doc_type;      /* NULL: any document of the category */
	int min_count;             /* how many documents, at least 1 */
	int months;                /* >0: one dated in each of the last N
				    * months before today (statements) */
	const char *applies_if;    /* category: the item applies only when
				    * the dossier holds any of it; or NULL */
};

/* The checklist items as a JSON array. */
enum dos_err arc_checklist_list(struct arc *a, json_t **pout);
/* Adds (audited) a checklist item; msg says why not. */
enum dos_err arc_checklist_add(struct arc *a, const struct arc_user *who,
			       const struct arc_checklist_in *c, int64_t *pid,
			       char *msg, size_t msglen);
enum dos_err arc_checklist_remove(struct arc *a, const struct arc_user *who,
				  int64_t id, char *msg, size_t msglen);
/*
 * What customers' dossiers lack: for key (customer number or account)
 * that customer, complete or not (DOS_NOTFOUND if unknown); for NULL
 * every incomplete customer.  as_of (YYYY-MM-DD, NULL: today) anchors the
 * month items; DOS_INVAL for a malformed date.  Returns {"as_of",
 * "checked", "complete", "customers": [{"number", "name", ..., "missing":
 * [{"label", "category", "doc_type", "need", "have", "in_review",
 * "months": ["YYYY-MM"...] or null}]}]}.
 */
enum dos_err arc_missing(struct arc *a, const struct arc_user *who,
			 const char *key, const char *as_of,
			 json_t **pout);

/* ---- categories and units (category.c) ---- */

/*
 * The categories, by catalogue number: [{"code","name","catalogue",
 * "aliases":[...],"documents":N}]; "documents" (not purged, and only
 * those who may view) when who may administer or report and reaches any
 * dossier.  Anyone signed in may list them.
 */
enum dos_err arc_category_list(struct arc *a, const struct arc_user *who,
			       json_t **pout);
/*
 * Adds a category (admin only; audited): code is 2..16 of A-Z 0-9 _,
 * name is required; the catalogue number is the next free one
 * (*pcatalogue).  DOS_CONFLICT when code is already a code or an alias.
 * Codes and catalogue numbers never change and categories are never
 * removed: documents and archive numbers refer to them.
 */
enum dos_err arc_category_add(struct arc *a, const struct arc_user *who,
			      const char *code, const char *name,
			      int *pcatalogue, char *msg, size_t msglen);
/* Whether name is a category code or alias: DOS_OK, or DOS_INVAL with
 * msg listing the categories there are. */
enum dos_err arc_category_check(struct arc *a, const char *name, char *msg,
				size_t msglen);
/* Gives a category a new name (admin only; audited); DOS_NOTFOUND. */
enum dos_err arc_category_rename(struct arc *a, const struct arc_user *who,
				 const char *code, const char *name,
				 char *msg, size_t msglen);
/*
 * Adds or removes another word for a category (admin only; audited).
 * An alias may not be a code or another alias (DOS_CONFLICT); removing
 * an alias the category does not have is DOS_NOTFOUND.
 */
enum dos_err arc_category_alias_add(struct arc *a, const struct arc_user *who,
				    const char *code, const char *alias,
				    char *msg, size_t msglen);
enum dos_err arc_category_alias_remove(struct arc *a,
				       const struct arc_user *who,
				       const char *code, const char *alias,
				       char *msg, size_t msglen);
/*
 * Every unit named on a customer or a user (units are free text), for an
 * administrator or whoever may report: [{"unit","customers","users",
 * "documents"}]: the customers and documents (not purged) of the unit
 * that who may view, both null for a role that reaches no dossier (the
 * administrator's).
 */
enum dos_err arc_unit_list(struct arc *a, const struct arc_user *who,
			   json_t **pout);

/* ---- statistics ---- */

/*
 * Documents and pages filed between from and to (YYYY-MM-DD, inclusive,
 * each may be NULL; DOS_INVAL if malformed), purged ones not counted:
 * {"totals": {...,"review_backlog"}, "by_category", "by_unit",
 * "by_clerk", "by_month", "per_day", "per_clerk_day": [{"key",
 * "documents", "pages"}]}.
 */
enum dos_err arc_stats(struct arc *a, const struct arc_user *who,
		       const char *from, const char *to,
		       json_t **pout);

/* ---- changes, deletion, legal holds ---- */

/*
 * Changes a document's metadata (changes: {"title": "...", "date": ...,
 * "account", "category", "doc_type", "signatory", "keywords",
 * "confidentiality", "location"}), keeping the old values as a version
 * with who, when and why.  msg says what happened or why not.
 */
enum dos_err arc_doc_edit(struct arc *a, const struct arc_user *who, int64_t id,
			  const json_t *changes, const char *reason, char *msg,
			  size_t msglen);
/*
 * Corrects the OCR text of page seq (1-based) of a document: the replaced
 * text stays as a page text version with who, when and why; the new text
 * is indexed; the document's version goes up.  msg says what happened.
 */
enum dos_err arc_page_text_edit(struct arc *a, const struct arc_user *who, int64_t doc,
				int seq, const char *text, const char *reason,
				char *msg, size_t msglen);
/* Every text of a page, oldest first: [{"version","text","replaced_at",
 * "replaced_by","reason"}] (the current one has nulls). */
enum dos_err arc_page_text_versions(struct arc *a, int64_t doc, int seq,
				    json_t **pout);
/*
 * What re-processing page seq of a document needs: the processed page
 * image (*pimg) and the document's searchable PDF (*ppdf, -1 when it has
 * none) and its OCR languages (lang, "" when not recorded), for who:
 * ARC_REVIEW while the document waits for review, ARC_EDIT once filed;
 * DOS_CONFLICT for any other status.  Not audited
 * (arc_page_replace records the change).  The caller closes both.
 */
enum dos_err arc_page_redo_open(struct arc *a, const struct arc_user *who,
				int64_t doc, int seq, int *pimg,
				uint64_t *pimgsize, int *ppdf,
				uint64_t *ppdfsize, char *lang,
				size_t langlen, char *msg, size_t msglen);
/*
 * Replaces page seq of a document with p, the page turned by turn degrees
 * clockwise and read again (blobs stored first; p->rotation is ignored,
 * the page's rotation adds turn), and the document's PDF with pdf
 * (NULL: unchanged), for who as arc_page_redo_open.  What it replaces
 * stays as a page image version with who, when and reason; the index
 * follows; the document's version rises; audited as "page-turn".
 */
enum dos_err arc_page_replace(struct arc *a, const struct arc_user *who,
			      int64_t doc, int seq, int turn,
			      const struct arc_page_in *p, const char *pdf,
			      const char *reason, char *msg, size_t msglen);
/* Deletion: request (with a reason), approval by a second person with a
 * manager's or admin's role starting a hold of hold_days, withdrawal
 * before purge.  Each fills msg. */
enum dos_err arc_delete_request(struct arc *a, const struct arc_user *who, int64_t doc,
				const char *reason, char *msg, size_t msglen);
enum dos_err arc_delete_approve(struct arc *a, const struct arc_user *who,
				int64_t doc, int hold_days, char *msg,
				size_t msglen);
enum dos_err arc_delete_withdraw(struct arc *a, const struct arc_user *who, int64_t doc,
				 char *msg, size_t msglen);
/* A legal hold on a customer (number or account) or, if customer is NULL,
 * a document; it blocks purge until released. */
enum dos_err arc_hold_place(struct arc *a, const struct arc_user *who,
			    const char *customer, int64_t doc,
			    const char *reason, char *msg, size_t msglen);
enum dos_err arc_hold_release(struct arc *a, const struct arc_user *who, int64_t hold,
			      char *msg, size_t msglen);
/*
 * Purges every document whose approved deletion has waited out its hold
 * and is under no legal hold; report: {"purged": [ids], "held": [ids],
 * "blobs_removed": N}.
 */
enum dos_err arc_purge(struct arc *a, const struct arc_user *who, json_t **preport);

/* ---- users, roles and what they may do (access.c, user.c) ---- */

/* What a user may want to do.  The names are arc_action_name()'s. */
enum arc_action {
	ARC_SEARCH,         /* find documents */
	ARC_VIEW,           /* open a document, its pages and text */
	ARC_DOWNLOAD,       /* take away its original or searchable PDF */
	ARC_EXPORT,         /* put documents into an export bundle */
	ARC_EDIT,           /* change metadata or OCR text (with a reason) */
	ARC_DELETE_REQUEST, /* ask for a deletion (with a reason) */
	ARC_APPROVE,        /* approve deletions and borrow requests */
	ARC_PURGE,          /* carry out deletions whose hold is over */
	ARC_AUDIT_READ,     /* read the audit log */
	ARC_INGEST,         /* scan and ingest, fill metadata */
	ARC_REVIEW,         /* work the review queue */
	ARC_ADMIN,          /* users, roles, checklists, legal holds */
	ARC_REPORT,         /* statistics and completeness over the archive */
	ARC_DISPOSE,        /* propose disposal lists (records management) */
	ARC_NACTIONS
};

/* What an action is about. */
enum arc_object { ARC_OBJ_NONE, ARC_OBJ_DOC, ARC_OBJ_CUSTOMER };

/*
 * Who acts, as loaded by arc_user_load (or arc_user_local): the user's
 * name, unit, clearance and category limits, and from the role the
 * actions and the scope the role reaches:
 *   own      the customers the user manages (customer.manager)
 *   unit     the customers of the user's unit (every unit if none)
 *   all      every customer (of the user's unit, if the user has one)
 *   batches  the documents of batches the user ran
 *   none     no document
 * plus what approved, unexpired borrow grants add for search, view and
 * download.
 */
struct arc_user {
	char name[65];
	char role[33];
	char unit[65];        /* "" for none */
	char categories[256]; /* "" for all, else codes "CREDIT,CONTRACT" */
	int clearance;        /* 0 public, 1 internal, 2 confidential, 3 secret */
	unsigned actions;     /* 1u << enum arc_action */
	char scope[16];       /* own, unit, all, batches, none */
	int unsearchable;     /* finds documents marked not searchable too */
	int local;            /* the local administrator: everything */
};

const char *arc_action_name(enum arc_action act);
/* A clearance level's number (0..3), or -1 for an unknown name. */
int arc_clearance_level(const char *name);
/* A clearance level's name. */
const char *arc_clearance_level_name(int level);
/* The local administrator (the CLI without --as): may do everything. */
void arc_user_local(struct arc_user *u);
/* Loads a user; DOS_NOTFOUND if unknown, DOS_PERM if disabled. */
enum dos_err arc_user_load(struct arc *a, const char *name,
			   struct arc_user *u);

/*
 * The one answer to "may user u do act on this object" (kind and id; id
 * is ignored for ARC_OBJ_NONE).  The document rule is the same SQL
 * condition the search filters with, so a search never shows what a view
 * would refuse.  DOS_OK, or DOS_PERM with why in words (and an audited
 * "deny" entry), or DOS_NOTFOUND for an object that does not exist.
 */
enum dos_err arc_may(struct arc *a, const struct arc_user *u,
		     enum arc_action act, enum arc_object kind, int64_t id,
		     char *why, size_t whylen);

/* Known roles (built in, or added with arc_role_add). */
int arc_role_valid(struct arc *a, const char *role);
/* The roles as JSON: [{"name","actions":[...],"scope","unsearchable",
 * "clearance","builtin"}]. */
enum dos_err arc_role_list(struct arc *a, json_t **pout);
/* Adds a role (admin only): actions is a comma list of action names. */
enum dos_err arc_role_add(struct arc *a, const struct arc_user *who,
			  const char *name, const char *actions,
			  const char *scope, int unsearchable, int clearance,
			  char *msg, size_t msglen);

struct arc_user_in {
	const char *name, *role;
	const char *unit;       /* may be NULL */
	const char *clearance;  /* level name; NULL: the role's default */
	const char *categories; /* comma list of codes; NULL: all */
	const char *password;   /* 8 characters at least */
};
/*
 * Adds a user (admin only) with an Argon2id password hash (libsodium).
 * DOS_CONFLICT if the name is taken, DOS_INVAL (msg says why) for a bad
 * name, role, clearance, category or short password.
 */
enum dos_err arc_user_add(struct arc *a, const struct arc_user *who,
			  const struct arc_user_in *in, char *msg,
			  size_t msglen);
/* What arc_user_update changes: each NULL stays as it is; an empty unit
 * means none, empty categories mean all. */
struct arc_user_change {
	const char *role;
	const char *unit;
	const char *clearance;  /* level name */
	const char *categories; /* comma list of codes */
};
/*
 * Changes a user's role, unit, clearance or category limit (admin only;
 * audited as "user.update" with what changed).  DOS_NOTFOUND for an
 * unknown user, DOS_INVAL (msg says why) for a bad value, DOS_CONFLICT
 * for changing one's own role.  Takes effect at the user's next request.
 */
enum dos_err arc_user_update(struct arc *a, const struct arc_user *who,
			     const char *name, const struct arc_user_change *c,
			     char *msg, size_t msglen);
/* Disables (or enables again) a user, admin only; audited.  A disabled
 * user cannot sign in, and open sessions end at their next request.
 * Nobody can disable their own account (DOS_CONFLICT). */
enum dos_err arc_user_disable(struct arc *a, const struct arc_user *who,
			      const char *name, int disabled, char *msg,
			      size_t msglen);
/* The users, admin only: [{"name","role","unit","clearance",
 * "categories","created","disabled"}] (never the password hash). */
enum dos_err arc_user_list(struct arc *a, const struct arc_user *who,
			   json_t **pout, char *msg, size_t msglen);
/* Checks a password; DOS_PERM when wrong or the user is unknown. */
enum dos_err arc_user_check(struct arc *a, const char *name,
			    const char *password);

/*
 * Borrowing: a user outside a dossier's scope asks for a customer's
 * dossier (kind ARC_OBJ_CUSTOMER) or one document for days (1..90) with
 * a reason; a manager whose scope holds it (not the requester) approves or
 * refuses; an approved grant gives search, view and download until it
 * expires.  A dossier grant covers what its approver may see: their
 * category limit and clearance are kept on it, and the approval's msg
 * says what it covers.  All audited.
 */
enum dos_err arc_grant_request(struct arc *a, const struct arc_user *who,
			       enum arc_object kind, int64_t id,
			       const char *reason, int days, int64_t *pid,
			       char *msg, size_t msglen);
enum dos_err arc_grant_decide(struct arc *a, const struct arc_user *who,
			      int64_t grant, int approve, const char *note,
			      char *msg, size_t msglen);
/* Marks approved grants past their end as expired (audited); *pn says
 * how many. */
enum dos_err arc_grant_expire(struct arc *a, int *pn);
/* Grants the user asked for, and those waiting for their decision:
 * [{"id","user","customer","document","reason","days","status",
 * "requested","decided_by","decided","until","note"}], an approved
 * dossier grant also with "categories" (null: every one), "clearance"
 * and "covers" (in words). */
enum dos_err arc_grant_list(struct arc *a, const struct arc_user *who,
			    json_t **pout);

/* ---- audit ---- */

/* Which audit entries: each field NULL or 0 for any. */
struct arc_audit_filter {
	const char *actor, *action;
	const char *object;   /* e.g. "document 12" */
	const char *from, *to; /* YYYY-MM-DD, inclusive */
	int limit;            /* 1..1000, default 100 */
	int64_t before;       /* entries older than this id (paging) */
};
/*
 * The newest audit entries matching f, for who (arc_may ARC_AUDIT_READ;
 * the reading is audited itself): [{"id","ts","actor","action","object",
 * "detail"}].
 */
enum dos_err arc_audit_list(struct arc *a, const struct arc_user *who,
			    const struct arc_audit_filter *f, json_t **pout,
			    char *msg, size_t msglen);
/* A document's history (its audit entries, newest first) for whoever may
 * view it; the reading is audited. */
enum dos_err arc_doc_history(struct arc *a, const struct arc_user *who,
			     int64_t doc, json_t **pout, char *msg,
			     size_t msglen);
/*
 * A group-committing audit writer for a server (auditq.c): one thread with
 * its own connection writes every entry that arrived while it committed
 * the previous group, in one transaction.  arc_auditq_add returns once
 * the entry is committed.  Stop it after the last caller is done.
 */
struct arc_auditq;
enum dos_err arc_auditq_start(const char *dir, struct arc_auditq **pq);
enum dos_err arc_auditq_add(struct arc_auditq *q, const char *actor,
			    const char *action, const char *object,
			    const char *detail);
/*
 * Queues an entry (copied) and returns at once; cb(arg, err) is called
 * from the writer thread once its group is committed (err DOS_OK) or has
 * failed.  Called exactly once when this returns DOS_OK, never otherwise.
 */
typedef void (*arc_auditq_fn)(void *arg, enum dos_err err);
enum dos_err arc_auditq_post(struct arc_auditq *q, const char *actor,
			     const char *action, const char *object,
			     const char *detail, arc_auditq_fn cb, void *arg);
void arc_auditq_stop(struct arc_auditq *q);
/*
 * Connection a audits its reads of content (views, page images and
 * thumbnails, hit positions, histories, what a dossier lacks) through q,
 * grouped with the other connections' (a server's threads), instead of
 * one transaction and fsync each; NULL: one by one again.  Stop q only
 * once a is no longer used.
 */
void arc_auditq_use(struct arc *a, struct arc_auditq *q);

/*
 * A page image for the viewer at a width (viewcache.c).  arc_page_view
 * checks that who may view the document (arc_may ARC_VIEW), opens the
 * rendering kept from an earlier view at this width (cached = 1: fd is a
 * PNG to send), else the processed page (cached = 0: render it, send it,
 * and keep it with arc_page_view_put(key)), and audits the view as
 * arc_page_open does.  Given a group-committing writer q, the entry is
 * posted to it and cb(cb_arg, err) is called once it is on disk (posted =
 * 1); the caller answers only then.  Nothing fails after the entry is
 * posted.  The caller closes fd.  Renderings are named after the page's
 * digest, written through tmp/ with fsync and rename, never into the
 * space kept free, removed with the page's blob by a purge;
 * arc_view_cache_sweep removes the least recently shown until the folder
 * holds at most max_bytes (0: $DOSSIER_VIEW_CACHE_MB MiB, else 2 GiB),
 * and returns how many it removed.
 */
struct arc_page_view {
	int fd;
	uint64_t size;
	int cached;   /* fd is the kept rendering */
	int posted;   /* the audit entry went to q: wait for cb */
	char key[96]; /* the rendering's name, for arc_page_view_put */
};
enum dos_err arc_page_view(struct arc *a, const struct arc_user *who,
			   int64_t doc, int seq, int width,
			   struct arc_auditq *q, arc_auditq_fn cb,
			   void *cb_arg, struct arc_page_view *v, char *msg,
			   size_t msglen);
enum dos_err arc_page_view_put(struct arc *a, const char *key,
			       const void *png, size_t len);
/*
 * arc_page_view_check: what arc_page_view checks and finds (who may view
 * the document, the page, the rendering kept: cached = 1 and fd open),
 * without auditing anything; on a miss fd is -1 and key names the
 * rendering a worker is to make.  arc_view_open opens the rendering kept
 * under key (cached = 1), else, if source, the processed page it is made
 * from (cached = 0); DOS_NOTFOUND when neither.  The caller closes fd.
 */
enum dos_err arc_page_view_check(struct arc *a, const struct arc_user *who,
				 int64_t doc, int seq, int width,
				 struct arc_page_view *v, char *msg,
				 size_t msglen);
enum dos_err arc_view_open(struct arc *a, const char *key, int source,
			   int *pfd, uint64_t *psize, int *pcached);
long arc_view_cache_sweep(struct arc *a, uint64_t max_bytes);
/* Appends a hash-chained audit entry. */
enum dos_err arc_audit(struct arc *a, const char *actor, const char *action,
		       const char *object, const char *detail);
/*
 * Checks the catalogue (SQLite's quick_check), the audit chain, every blob
 * and every reference; *preport lists problems (each fails verify; a
 * catalogue that cannot be read to the end is one) and notes (explained
 * leftovers), and gives the chain's newest entry as "audit_head"
 * ("ID:HASH").
 */
enum dos_err arc_verify(struct arc *a, json_t **preport);

/*
 * A hash chain cannot show that its newest entries were cut off.  An
 * anchor ("ID:HASH", an audit_head recorded outside the archive) can:
 * DOS_CORRUPT with msg naming the fault when entry ID is gone or differs,
 * DOS_INVAL for a malformed anchor.
 */
enum dos_err arc_audit_anchor_check(struct arc *a, const char *anchor,
				    char *msg, size_t msglen);

/* ---- export (key.c, export.c) ---- */

/*
 * The archive's Ed25519 key pair signs export manifests.  It is made on
 * first use and kept under the archive (DOS_NOTFOUND for a read-only
 * archive that has none yet); the secret half never leaves archive/.
 */
#define ARC_KEY_PUBLIC_BYTES 32
#define ARC_SIGNATURE_BYTES 64
enum dos_err arc_key_public(struct arc *a,
			    unsigned char pk[ARC_KEY_PUBLIC_BYTES]);
/* A detached Ed25519 signature of len bytes at msg. */
enum dos_err arc_sign(struct arc *a, const void *msg, size_t len,
		      unsigned char sig[ARC_SIGNATURE_BYTES]);

/*
 * One export: who takes which documents out, with what query and why.
 * Its reads are not audited one by one: arc_export_end records one
 * "export" entry (query, reason, document count, manifest SHA-256), or
 * "export.fail" when it did not complete.  Every document is checked
 * with arc_may ARC_EXPORT.
 */
struct arc_export;
/*
 * Starts an export for who (arc_may ARC_EXPORT); what is how the
 * documents were chosen (a query, a list), in words for the audit log;
 * reason must not be empty (DOS_INVAL, msg says so).
 */
enum dos_err arc_export_begin(struct arc *a, const struct arc_user *who,
			      const char *what, const char *reason,
			      struct arc_export **pe, char *msg,
			      size_t msglen);
/*
 * Which documents: a search tree (NULL: any), and when either list is
 * given, only those of the listed customers (numbers or accounts) or
 * documents.  Documents in review or returned to the clerk are left out
 * unless the tree names a status; purged ones always.
 */
struct arc_export_sel {
	const struct arc_node *root;
	const char *const *customers;
	size_t ncustomers;
	const int64_t *docs;
	size_t ndocs;
};
/*
 * The ids of every document who may export matching sel, in archive
 * number order (unnumbered ones last, by id); *pids is the caller's to
 * free.  DOS_NOTFOUND (msg names it) for an unknown listed customer, or
 * a listed document that is not exportable.
 */
enum dos_err arc_export_list(struct arc_export *e,
			     const struct arc_export_sel *sel, int64_t **pids,
			     size_t *pn, char *msg, size_t msglen);
/*
 * A document's metadata for the bundle (caller frees): {"id",
 * "archive_no", "customer", "customer_name", "account", "category",
 * "type", "title", "date", "added", "status", "pages", "version",
 * "signatory", "keywords", "confidentiality", "location", "lang",
 * "batch", "pdf": {"sha256", "size"} or null, "original": {"name",
 * "format", "sha256", "size"}}.
 */
enum dos_err arc_export_doc(struct arc_export *e, int64_t id, json_t **pmeta,
			    char *msg, size_t msglen);
/* The stored files of a document an export takes. */
enum arc_export_part { ARC_EXPORT_PDF, ARC_EXPORT_ORIGINAL };
/*
 * Opens a document's searchable PDF or original for the export; the
 * caller closes *pfd.  The bytes are the blob named by the SHA-256 that
 * arc_export_doc gave.
 */
enum dos_err arc_export_open(struct arc_export *e, int64_t id,
			     enum arc_export_part part, int *pfd,
			     uint64_t *psize, char *msg, size_t msglen);
/*
 * The audit entries of the given documents (ids sorted ascending), oldest
 * first, in one pass over the log: [{"id","ts","actor","action",
 * "object","detail","prev","hash"}].
 */
enum dos_err arc_export_audit(struct arc_export *e, const int64_t *ids,
			      size_t n, json_t **pout);
/*
 * Ends an export and frees e: with ok, records the "export" entry
 * (documents, manifest SHA-256 of the bundle); without, "export.fail".
 * NULL-safe.
 */
enum dos_err arc_export_end(struct arc_export *e, int ok, size_t ndocs,
			    const char *manifest_sha);

/*
 * The audit log between from and to (YYYY-MM-DD, inclusive; NULL: open),
 * oldest first, for who (arc_may ARC_AUDIT_READ; audited as
 * "audit.export"): fn is called with each entry ({"id","ts","actor",
 * "action","object","detail","prev","hash"}, borrowed) and may stop the
 * export by returning an error.  *pn says how many.
 */
typedef enum dos_err (*arc_audit_fn)(void *arg, const json_t *entry);
enum dos_err arc_audit_export(struct arc *a, const struct arc_user *who,
			      const char *from, const char *to,
			      arc_audit_fn fn, void *arg, size_t *pn,
			      char *msg, size_t msglen);

/* ---- learned classification (classify.c) ---- */

/* What the model suggests. */
enum arc_clf_kind { ARC_CLF_CATEGORY, ARC_CLF_TYPE, ARC_CLF_CUSTOMER,
		    ARC_CLF__MAX };
const char *arc_clf_kind_name(enum arc_clf_kind k);
/*
 * Brings the model in line with the documents people filed or confirmed
 * (archived, not filed by the model itself, with a category or type):
 * learns the new, takes back what changed or went, at most max documents
 * a call (*pn says how many; NULL allowed).  One transaction.
 */
enum dos_err arc_clf_sync(struct arc *a, int max, int *pn);
/*
 * Suggests category, document type and customer for text: {"category":
 * {"value", "confidence" (0-100), "features"} or null, "doc_type": ...,
 * "customer": ... (only a customer who may view; else null),
 * "trained_on": N}.  *pout stays NULL while the model has learned too
 * little (fewer than 10 documents or 2 categories).
 */
enum dos_err arc_clf_suggest(struct arc *a, const struct arc_user *who,
			     const char *text, json_t **pout);
/* A labelled text, for training and measuring the model directly. */
struct arc_clf_example {
	const char *text;
	const char *labels[ARC_CLF__MAX]; /* category, type, customer number;
					   * NULL or "" for none */
};
/* Learns (sign 1) or takes back (-1) examples, in one transaction. */
enum dos_err arc_clf_train(struct arc *a, const struct arc_clf_example *ex,
			   size_t n, int sign);
/* Forgets everything learned (arc_clf_sync learns it again). */
enum dos_err arc_clf_reset(struct arc *a);

/* ---- retention schedules and disposal (retention.c, disposal.c) ---- */

/*
 * A retention rule: documents of a category (and, if doc_type is not
 * empty, of that type only; a type's rule wins over its category's) are
 * kept amount years, months or days after their trigger: the document's
 * date, the end of its customer's relationship, or the closing of its
 * account.  Until the trigger has a date, a document is never due.
 */
#define ARC_TRIGGER_MAX 20
struct arc_retention_rule {
	char category[17];
	char doc_type[65];             /* "" for the whole category */
	int amount;                    /* 1.. (200 years, 2400 months,
					* 73000 days at most) */
	char unit;                     /* 'y', 'm' or 'd' */
	char trigger[ARC_TRIGGER_MAX]; /* document_date, relationship_end,
					* account_closed */
};
/*
 * Parses "10y after relationship_end" into r (category and doc_type are
 * left as they are).  DOS_INVAL with what is expected in msg.
 */
enum dos_err arc_retention_parse(const char *text,
				 struct arc_retention_rule *r, char *msg,
				 size_t msglen);
/* "10y after relationship_end" (out needs 48 bytes). */
void arc_retention_text(const struct arc_retention_rule *r, char *out,
			size_t n);
/*
 * Makes the n rules the archive's whole schedule (administrators; the
 * configuration file declares it).  Each category must exist.  A change
 * is audited ("retention.set", with the schedule); *pchanged says
 * whether there was one.
 */
enum dos_err arc_retention_set(struct arc *a, const struct arc_user *who,
			       const struct arc_retention_rule *rules,
			       size_t n, int *pchanged, char *msg,
			       size_t msglen);
/* The schedule, for anyone signed in: [{"category","doc_type" (or null),
 * "retain" ("10y after relationship_end"),"amount","unit","trigger",
 * "set_at"}]. */
enum dos_err arc_retention_rules(struct arc *a, json_t **pout);
/*
 * Ends a customer's relationship on date (YYYY-MM-DD, not in the future;
 * NULL: today) with a reason, or (reopen) takes it up again; the
 * customer by number or account.  Needs ARC_EDIT on the dossier;
 * audited ("customer-close", "customer-reopen").
 */
enum dos_err arc_customer_close(struct arc *a, const struct arc_user *who,
				const char *key, const char *date,
				const char *reason, char *msg, size_t msglen);
enum dos_err arc_customer_reopen(struct arc *a, const struct arc_user *who,
				 const char *key, const char *reason,
				 char *msg, size_t msglen);
/* Records that an account was closed on date (NULL: today); audited
 * ("account-close").  DOS_NOTFOUND for an account no customer holds. */
enum dos_err arc_account_close(struct arc *a, const struct arc_user *who,
			       const char *account, const char *date,
			       char *msg, size_t msglen);
/*
 * The documents whose retention has run out by as_of (YYYY-MM-DD;
 * NULL: today), within who's reach (ARC_REPORT), by customer and
 * category: {"as_of", "due": N, "documents": [{"id", "archive_no",
 * "customer", "customer_name", "account", "category", "doc_type",
 * "title", "date", "rule", "trigger", "trigger_date", "due"}],
 * "kept_off": {"legal_hold", "deletion", "disposal"}: documents due but
 * kept off the list by a legal hold, an open deletion or a disposal
 * list already under way, "rules": N}.  DOS_INVAL for a malformed date.
 */
enum dos_err arc_retention_due(struct arc *a, const struct arc_user *who,
			       const char *as_of, json_t **pout, char *msg,
			       size_t msglen);
/* What is due now and what falls due in the next calendar quarter, for
 * the statistics: {"due_now", "due_next_quarter", "next_quarter"
 * ("2027-Q1"), "kept_off"}, within who's reach. */
enum dos_err arc_retention_figures(struct arc *a, const struct arc_user *who,
				   json_t **pout);

/*
 * A disposal list: a records manager (ARC_DISPOSE) proposes the
 * documents due by as_of (all of them, or those of the listed customers,
 * categories or documents; a listed document that is not due is an
 * error); a second person with ARC_APPROVE over every document on it
 * approves it (each document then waits out hold_days as an approved
 * deletion) or refuses it; the proposer may withdraw it before.  The
 * purge that destroys its documents writes a signed certificate.
 */
struct arc_disposal_sel {
	const char *as_of; /* NULL: today */
	const char *const *customers;  /* numbers or accounts */
	size_t ncustomers;
	const char *const *categories; /* codes */
	size_t ncategories;
	const int64_t *docs;
	size_t ndocs;
	const char *note;  /* why, required */
};
enum dos_err arc_disposal_propose(struct arc *a, const struct arc_user *who,
				  const struct arc_disposal_sel *sel,
				  int64_t *pid, char *msg, size_t msglen);
enum dos_err arc_disposal_decide(struct arc *a, const struct arc_user *who,
				 int64_t id, int approve, int hold_days,
				 const char *note, char *msg, size_t msglen);
enum dos_err arc_disposal_withdraw(struct arc *a, const struct arc_user *who,
				   int64_t id, char *msg, size_t msglen);
/* The disposal lists, newest first (ARC_DISPOSE, ARC_APPROVE or
 * ARC_PURGE): [{"id","status","as_of","note","proposed_by",
 * "proposed_at","decided_by","decided_at","decision_note","hold_until",
 * "documents","destroyed","kept","pending","certificates":[ids]}]. */
enum dos_err arc_disposal_list(struct arc *a, const struct arc_user *who,
			       json_t **pout, char *msg, size_t msglen);
/* One list with its documents ("items": [{"id","archive_no",
 * "customer","category","doc_type","title","date","rule","trigger_date",
 * "due","outcome","note","certificate"}]). */
enum dos_err arc_disposal_get(struct arc *a, const struct arc_user *who,
			      int64_t id, json_t **pout, char *msg,
			      size_t msglen);
/*
 * Opens disposal certificate id (the signed JSON file) for who
 * (ARC_DISPOSE, ARC_APPROVE, ARC_PURGE or ARC_AUDIT_READ).  The caller
 * closes *pfd.
 */
enum dos_err arc_certificate_open(struct arc *a, const struct arc_user *who,
				  int64_t id, int *pfd, uint64_t *psize,
				  char *msg, size_t msglen);

/* ---- backup ---- */

/* Called after each blob a backup copies: done of total blobs. */
typedef void (*arc_backup_fn)(void *arg, uint64_t done, uint64_t total);

/*
 * Copies the archive into dest while others may go on writing to it: the
 * catalogue through SQLite's online backup (one consistent snapshot), then
 * every blob that snapshot refers to, each checked against its SHA-256 on
 * the way.  dest must be absent or an empty folder, and outside the archive.
 * dest/catalogue.db appears last, so a folder holding it is a complete,
 * self-consistent archive.  progress may be NULL.  msg receives a one-line
 * summary on success, the reason in words on failure (e.g. the corrupt
 * blob's digest).  Records a "backup" audit entry in the source archive.
 */
enum dos_err arc_backup(struct arc *a, const char *dest, arc_backup_fn progress,
			void *arg, char *msg, size_t msglen);


/* ---- the work queue (queue.c) ---- */

/*
 * Every unit of heavy work is a row of the catalogue's queue, taken by
 * worker processes (several, on one or more machines): a claim holds a
 * lease the worker renews; a claim whose lease ran out (its worker died)
 * goes back to the queue; a job claimed ARC_JOB_ATTEMPTS times without
 * finishing is set aside ("failed", with the reason).  A file's pages
 * are read one row each; the file is filed whole, in one transaction,
 * once all of them are read, and each page's result exactly once.
 * States: waiting (a file whose pages are being read), queued, claimed,
 * done, failed, cancelled.
 */
enum arc_job_kind {
	ARC_JOB_PAGE,   /* read one page of a file */
	ARC_JOB_FILE,   /* file a file whose pages are read */
	ARC_JOB_TURN,   /* turn a stored page and read it again */
	ARC_JOB_EXPORT, /* write an export bundle, CSV or audit log */
	ARC_JOB_SCAN,   /* scan from a scanner attached to the worker */
	ARC_JOB_VIEW,   /* render a page image for the viewer, kept */
	ARC_JOB__MAX
};
#define ARC_JOB_BIT(k) (1u << (k))
#define ARC_JOB_ALL ((1u << ARC_JOB__MAX) - 1)
#define ARC_JOB_ATTEMPTS 3
#define ARC_JOB_LEASE 30.0 /* seconds a claim holds unless renewed */

const char *arc_job_kind_name(enum arc_job_kind k);

/* The limits a file is queued under; 0: no limit. */
struct arc_queue_limits {
	int file_pages;       /* pages in one file */
	int64_t user_pages;   /* pages one user has waiting to be read */
	uint64_t user_bytes;  /* bytes one user has in the spool */
	uint64_t total_bytes; /* bytes in the spool, all users */
};

/* One file to queue: its pages become rows of their own. */
struct arc_queue_file {
	const char *entry;  /* its name in the batch's record */
	const char *name;   /* as the user knows it (uploaded name) */
	const char *path;   /* where its bytes are */
	int spooled;        /* path is in the archive's spool: removed once
			     * the file is filed, failed or cancelled */
	uint64_t size;
	const char *sha256;
	const char *format;
	int npages;
	const char *spec;   /* JSON: how to read and file it */
	/* Decided before it is queued: "failed" (error says why) or
	 * "duplicate" (result: its documents); its row ends at once and
	 * its pages are not queued.  NULL: to be read. */
	const char *outcome;
	const char *error;
	const char *result;
	int64_t id;         /* out: its row */
};

/*
 * Starts a batch of owner's run by the queue (no process of its own: the
 * last of its rows to finish closes it) and queues its n files, all in
 * one transaction: the batch, its files "pending" in its record, each
 * file's row and one row per page.  Past a limit of lim: DOS_LIMIT with
 * msg in words, and nothing is stored.
 */
enum dos_err arc_queue_batch(struct arc *a, const char *owner,
			     const struct arc_queue_limits *lim,
			     struct arc_queue_file *files, int n,
			     int64_t *pbatch, char *msg, size_t msglen);
/*
 * Queues one more file of batch (begun with arc_batch_begin by the
 * process that runs it: its rows are pinned to that batch, taken only by
 * a worker given the batch), under lim as arc_queue_batch.
 */
enum dos_err arc_queue_file_add(struct arc *a, const char *owner,
				int64_t batch,
				const struct arc_queue_limits *lim,
				struct arc_queue_file *f, char *msg,
				size_t msglen);
/*
 * Adds one job of kind (turn, export, scan) with its spec (JSON) for
 * owner; cap > 0: refused (DOS_LIMIT, msg) when owner has cap such jobs
 * waiting or running, checked and added in one transaction; keep > 0:
 * likewise for finished ones still kept (exports).
 */
enum dos_err arc_job_add(struct arc *a, enum arc_job_kind kind,
			 const char *owner, int64_t batch, int priority,
			 const char *spec, int cap, int keep, int64_t *pid,
			 char *msg, size_t msglen);

/* A claimed job (arc_job_clear frees its strings). */
struct arc_job {
	int64_t id;
	enum arc_job_kind kind;
	int64_t batch;
	int64_t parent;     /* a page's file row */
	int seq;            /* a page's index in its file, 0-based */
	int attempts;       /* claims so far, this one included */
	char owner[65];
	char *spec;         /* JSON text */
	char *path;         /* a file's (or a page's file's) bytes */
	char *file_spec;    /* a page: its file's spec */
	char *file_sha256;  /* a page: its file's digest */
	int file_pages;     /* a page: its file's page count */
};
void arc_job_clear(struct arc_job *j);

/*
 * Claims the next job of a kind in kinds (ARC_JOB_BIT mask) for worker
 * (a name unique to the process, "host:pid"): with batch 0, any job not
 * pinned to a batch; else only that batch's.  Highest priority first,
 * then oldest.  DOS_NOTFOUND when there is none.
 */
enum dos_err arc_job_claim(struct arc *a, const char *worker, unsigned kinds,
			   int64_t batch, struct arc_job *j);
/*
 * Renews worker's lease on job id and records its progress (JSON, or
 * NULL); DOS_CONFLICT when the claim is no longer worker's (the job was
 * cancelled, or its lease ran out and another took it).
 */
enum dos_err arc_job_renew(struct arc *a, int64_t id, const char *worker,
			   const char *progress);
/* Gives a claimed job back to the queue, its attempt not counted. */
enum dos_err arc_job_release(struct arc *a, int64_t id, const char *worker);
/*
 * Ends worker's claim with its result (JSON), in one transaction with
 * what follows from it: a page's file waits no more once its last page
 * is read; a batch run by the queue ends with its last row.
 * DOS_CONFLICT when the claim is no longer worker's: the result is
 * dropped (so each result is recorded exactly once).
 */
enum dos_err arc_job_done(struct arc *a, int64_t id, const char *worker,
			  const char *result);
/*
 * A failed attempt: with retry and attempts left, back to the queue;
 * else set aside as failed with error in words (a file's outcome goes
 * to its batch's record).  DOS_CONFLICT as arc_job_done.
 */
enum dos_err arc_job_fail(struct arc *a, int64_t id, const char *worker,
			  const char *error, int retry);
/*
 * Ends a file's row without filing it: outcome "failed" (error in
 * words) or "duplicate" (result: its documents), recorded in its batch's
 * record in the same transaction.  Spooled bytes are removed.
 */
enum dos_err arc_file_job_end(struct arc *a, int64_t id, const char *worker,
			      const char *outcome, const char *result,
			      const char *error);
/* batch's files in the queue: [{"entry" (the batch record's name),
 * "id" (the file's row)}] (caller frees). */
enum dos_err arc_queue_entries(struct arc *a, int64_t batch, json_t **pout);
/*
 * Removes blob sha unless a catalogue row names it, or a read page of a
 * file still to be filed: a page's PDF once joined into its document's,
 * kept only while the page waited.
 */
enum dos_err arc_blob_forget(struct arc *a, const char *sha);
/* Cancels one row not finished (a claim in progress is not recorded). */
enum dos_err arc_job_cancel(struct arc *a, int64_t id);
/* A claimed job records the batch it began (a scan). */
enum dos_err arc_job_set_batch(struct arc *a, int64_t id, const char *worker,
			       int64_t batch);
/*
 * A file's pages in order: [{"seq", "state", "result": {...} or null,
 * "error"}] (caller frees).
 */
enum dos_err arc_file_pages(struct arc *a, int64_t file, json_t **ppages);
/*
 * One job: {"id", "kind", "state", "owner", "batch", "attempts",
 * "worker", "lease", "progress", "result", "error", "created",
 * "started", "finished", "spec"} (progress, result and spec parsed).
 */
enum dos_err arc_job_get(struct arc *a, int64_t id, json_t **pout);
/* owner's jobs of a kind, newest first, as arc_job_get gives them. */
enum dos_err arc_job_list(struct arc *a, const char *owner,
			  enum arc_job_kind kind, int limit, json_t **pout);
/*
 * Opens the file a finished job of owner's made (an export): *pfd
 * (caller closes), its size and its name.  DOS_NOTFOUND when there is
 * no such job of owner's (or its file is gone), DOS_CONFLICT while it
 * is not finished.
 */
enum dos_err arc_job_file_open(struct arc *a, int64_t id, const char *owner,
			       int *pfd, uint64_t *psize, char *name,
			       size_t namelen);
/* Whether a job id exists, whoever owns it. */
int arc_job_exists(struct arc *a, int64_t id);
/*
 * Sends back to the queue every claim whose lease ran out, and at once
 * those of workers of this host whose process is gone; a job claimed
 * ARC_JOB_ATTEMPTS times is set aside instead.  *pn: how many.
 */
enum dos_err arc_queue_reclaim(struct arc *a, int *pn);
/*
 * How many rows of kinds (of batch, or any unpinned with 0) are not
 * finished: waiting, queued or claimed.
 */
enum dos_err arc_queue_pending(struct arc *a, unsigned kinds, int64_t batch,
			       int *pn);
/* A worker says it is alive (and registers the first time). */
enum dos_err arc_worker_beat(struct arc *a, const char *name, int threads);
/* A worker leaves. */
enum dos_err arc_worker_gone(struct arc *a, const char *name);
/*
 * The queue for `dossier jobs`: {"workers": [{"name", "host", "pid",
 * "threads", "seen", "alive"}], "claims": [{"id", "kind", "batch",
 * "owner", "worker", "attempts", "lease_left"}], "batches": [{"batch",
 * "owner", "queued", "claimed", "done", "failed"}], "users": [{"owner",
 * "pages_queued", "spooled_bytes"}], "exports": N, "turns": N, "scans": N}.
 */
enum dos_err arc_queue_status(struct arc *a, json_t **pout);
/*
 * Cancels batch id for who (its own user, a user whose scope is all, or
 * the local administrator; another's is "not found", audited): its rows
 * not finished are dropped (a claim in progress is not recorded), its
 * spooled files removed, the batch ends "cancelled"; what was filed
 * stays.  DOS_CONFLICT when it has ended already.
 */
enum dos_err arc_batch_cancel(struct arc *a, const struct arc_user *who,
			      int64_t id, char *msg, size_t msglen);
/*
 * A batch's progress from the queue, for who (as arc_batch_get):
 * {"batch", "state", "kind", "files_total", "files_done", "pages_total",
 * "pages_done", "pages_queued", "pages_failed", "pages_per_min",
 * "seconds_left", "elapsed", "files": [{"name", "error"?, "documents":
 * [{"id", "pages", "status", "duplicate"}]}]}.
 */
enum dos_err arc_batch_progress(struct arc *a, const struct arc_user *who,
				int64_t id, json_t **pout);
/* Workers seen alive lately (by their beats). */
enum dos_err arc_workers_alive(struct arc *a, int *pn);
/* Bytes waiting in the spool: owner's, and everyone's. */
enum dos_err arc_queue_spooled(struct arc *a, const char *owner,
			       uint64_t *puser, uint64_t *ptotal);
/*
 * Removes the files of jobs finished more than max_age seconds ago
 * (exports) and forgets them; *pn: how many.
 */
enum dos_err arc_job_expire(struct arc *a, double max_age, int *pn);

#endif
