/*
 * internal.h: what archive/ shares only with itself: the connection struct
 * and statement helpers.  Other modules never include this file.
 */
#ifndef ARCHIVE_INTERNAL_H
#define ARCHIVE_INTERNAL_H

#include <sqlite3.h>

#include "dossier/archive.h"

struct arc {
	char *dir;      /* archive folder */
	char *blobdir;  /* <dir>/blobs */
	char *tmpdir;   /* <dir>/tmp */
	sqlite3 *db;
	unsigned flags;
	long long search_serial; /* arc_search's count, for rank.c */
	struct arc_auditq *reads; /* audits reads in groups, or NULL */
	struct arc_stmts *stmts; /* prepared statements kept (stmt.c) */
	struct arc_tokenizer *tok; /* hits.c's, opened on first use */
};

/*
 * The statement discipline (stmt.c).  arc_stmt gives the statement for
 * sql, prepared once per connection and kept; arc_stmt_done gives it back
 * (reset, bindings cleared; NULL-safe).  arc_stmt_step steps once (*prow:
 * a row or the end), arc_stmt_run to the end; both log a failure once and
 * map it to the project's error (arc_db_err).  arc_stmt_flush finalizes
 * every kept statement (after a schema change); arc_stmt_cache_free at
 * close.  arc_stmt_counts: statements prepared and reused so far, and
 * those kept now.
 */
#define ARC_STMT_SLOTS 64
struct arc_stmts;
enum dos_err arc_stmt_cache_new(struct arc *a);
void arc_stmt_cache_free(struct arc *a);
enum dos_err arc_stmt(struct arc *a, const char *sql, sqlite3_stmt **pst);
void arc_stmt_done(struct arc *a, sqlite3_stmt *st);
enum dos_err arc_stmt_step(struct arc *a, sqlite3_stmt *st, int *prow);
enum dos_err arc_stmt_run(struct arc *a, sqlite3_stmt *st);
void arc_stmt_flush(struct arc *a);
void arc_stmt_counts(const struct arc *a, long *pprepared, long *preused,
		     int *pkept);

/* SQL built from fixed fragments, every value bound (sql.c). */
#define ARC_SQL_MAX_BINDS 256
struct arc_sql_bind {
	int is_int;	  /* 0 text, 1 integer, 2 candidates (cand.c) */
	const char *text; /* borrowed, or owned when own */
	char *own;
	long long num;
	const void *ptr;  /* the candidates (borrowed) */
};
struct arc_sql {
	struct arc *a;
	struct dbuf sql;
	struct arc_sql_bind b[ARC_SQL_MAX_BINDS];
	int n;
	enum dos_err err; /* the first failure; later calls do nothing */
	char *msg;        /* where a user's error is described */
	size_t msglen;
	char now[32];     /* the time conditions compare with (ISO UTC) */
};
void arc_sql_init(struct arc_sql *q, struct arc *a, char *msg, size_t msglen);
void arc_sql_add(struct arc_sql *q, const char *s);
/* Appends a placeholder for a text value; own: q frees it. */
void arc_sql_text(struct arc_sql *q, const char *v, int own);
void arc_sql_int(struct arc_sql *q, long long v);
void arc_sql_bind(const struct arc_sql *q, sqlite3_stmt *st);
void arc_sql_free(struct arc_sql *q);

/*
 * A search's candidates: documents with their scores, from one walk of
 * the index (cand.c).  arc_sql_cand appends a placeholder for the list
 * (borrowed: it must outlive the statement's use); the SQL reads it as
 * dossier_cand(?N) with columns id and score.
 */
struct arc_cand_row {
	int64_t id;
	double score;
};
struct arc_cand {
	struct arc_cand_row *v;
	size_t n, cap;
};
enum dos_err arc_cand_register(sqlite3 *db);
enum dos_err arc_cand_add(struct arc_cand *c, int64_t id, double score);
void arc_cand_free(struct arc_cand *c);
void arc_sql_cand(struct arc_sql *q, const struct arc_cand *c);
void arc_cand_bind(sqlite3_stmt *st, int i, const struct arc_cand *c);

/* Appends " AND (...)": the documents (alias d, customer c) user u may
 * act on, as of q->now (access.c).  Nothing for the local administrator
 * or a NULL user. */
void arc_scope_cond(struct arc_sql *q, const struct arc_user *u,
		    enum arc_action act);
/* Appends " AND (...)": the customers (alias c) whose dossier user u
 * may act on (access.c).  Nothing for the local administrator. */
void arc_customer_scope_cond(struct arc_sql *q, const struct arc_user *u,
			     enum arc_action act);
/* Appends " AND (...)": the audit entries (alias x) user u may read: a
 * reader limited to a unit, that unit's (access.c).  Nothing for a reader
 * of no unit or the local administrator. */
void arc_audit_scope_cond(struct arc_sql *q, const struct arc_user *u);
/* A comma list of action names as bits; 0 with the bad name in bad. */
unsigned arc_act_bits(const char *list, char *bad, size_t badlen);

/*
 * Audits a read of content (a view, a page image or thumbnail, hit
 * positions, a history, what a dossier lacks): through the connection's
 * group-committing writer when it has one (arc_auditq_use) and holds no
 * transaction, else as arc_audit (auditq.c).  Returns once it is on disk.
 */
enum dos_err arc_audit_read(struct arc *a, const char *actor,
			    const char *action, const char *object,
			    const char *detail);

/* Schema migrations (schema.c). */
enum dos_err arc_schema_migrate(struct arc *a);

/* Transaction helpers (store.c). */
enum dos_err arc_tx_begin(struct arc *a);
enum dos_err arc_tx_commit(struct arc *a);
/* A read transaction (BEGIN DEFERRED): one snapshot; end it with
 * arc_tx_commit. */
enum dos_err arc_read_begin(struct arc *a);
void arc_tx_rollback(struct arc *a);
/* Rolls back a failed change and returns err, putting its generic
 * meaning in msg unless msg already says why. */
enum dos_err arc_tx_fail(struct arc *a, enum dos_err err, char *msg,
			 size_t msglen);
/* Puts why into msg (printf-style) and returns err (store.c). */
/* Steps st once and finalizes it; DOS_DB (logged with what) on error. */
enum dos_err arc_step_once(struct arc *a, sqlite3_stmt *st,
			   const char *what);
enum dos_err arc_say(char *msg, size_t n, enum dos_err err, const char *fmt,
		     ...) __attribute__((format(printf, 4, 5)));
/* "document 12" or "customer 3": how the audit log names an object
 * (access.c). */
void arc_object_name(enum arc_object kind, int64_t id, char *s, size_t n);
/*
 * The project's error for the catalogue's last failure: DOS_NOSPACE for a
 * full disk, DOS_BUSY for a lock held past the busy timeout, DOS_RDONLY
 * for a read-only catalogue, else DOS_DB (store.c).
 */
enum dos_err arc_db_err(struct arc *a);
/* Prepares a statement; logs and returns DOS_DB on failure. */
enum dos_err arc_prepare(struct arc *a, const char *sql, sqlite3_stmt **pst);
/* Runs SQL without results. */
enum dos_err arc_exec(struct arc *a, const char *sql);
/* Binds text or NULL. */
int arc_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Column text that is never NULL. */
const char *arc_col_text(sqlite3_stmt *st, int i);
/* Column as a new JSON string, or JSON null for SQL NULL. */
json_t *arc_col_json_text(sqlite3_stmt *st, int i);
/* Column as a new JSON integer, or JSON null for SQL NULL. */
json_t *arc_col_json_int(sqlite3_stmt *st, int i);

/*
 * Filing (filing.c), inside a transaction: the category code for a code
 * or alias (code[0] = 0 when unknown) and the customer holding an account
 * (0: none); the next archive number in a category and volume.
 */
enum dos_err arc_file_resolve(struct arc *a, const char *category,
			      const char *account, char *code, size_t codelen,
			      int64_t *pcustomer);
enum dos_err arc_file_number(struct arc *a, const char *code,
			     const char *volume, int *pcatalogue,
			     int64_t *pitem, char *out, size_t n);

/* The category codes, "BASIC, CONTRACT, ...", for a message saying
 * which are known (category.c). */
void arc_category_codes(struct arc *a, char *out, size_t n);

/* Registers the "dossier" FTS5 tokenizer (tokenizer.c). */
enum dos_err arc_fts_tokenizer_register(sqlite3 *db);
/* The connection's fts5_api, or NULL (logged) (tokenizer.c). */
fts5_api *arc_fts5_api(sqlite3 *db);
/* Registers the ranking function dossier_rank (rank.c). */
enum dos_err arc_fts_rank_register(sqlite3 *db);
/*
 * BM25 as dossier_rank computes it (rank.c): a phrase's IDF among nrow
 * documents, nhit of which hold it; a document's score (negative: lower
 * ranks first) from each phrase's IDF and weighted frequency.
 */
double arc_rank_idf(double nrow, double nhit);
double arc_rank_score(const double *idf, int nphrase, double avgdl,
		      double doclen, const double *freq);
/* Registers dossier_search(), the connection's search number (rank.c). */
enum dos_err arc_search_fn_register(struct arc *a);
/*
 * The same tokenizer called directly (tokenizer.c): run() cuts text into
 * the index's tokens, calling cb(ctx, flags, token, n, start, end) for
 * each; query selects query-time rules.
 */
struct arc_tokenizer;
enum dos_err arc_tokenizer_open(sqlite3 *db, struct arc_tokenizer **pt);
enum dos_err arc_tokenizer_run(struct arc_tokenizer *t, const char *text,
			       int len, int query,
			       int (*cb)(void *, int, const char *, int, int,
					 int),
			       void *ctx);
void arc_tokenizer_close(struct arc_tokenizer *t);
/* Appends a search tree as one SQL condition on d (document) and c
 * (customer), every value bound (query.c). */
void arc_query_cond(struct arc_sql *q, const struct arc_node *n);
/* Levenshtein distance, or max + 1 when above max (query.c). */
int arc_edit_distance(const char *a, const char *b, int max);
/* Where a search's words are on each hit's pages: sets each hit's
 * "pages" to [{"seq", "boxes"}] (hits.c). */
enum dos_err arc_hit_pages(struct arc *a, const struct arc_node *root,
			   json_t *hits);
/*
 * The document full-text index (doc_fts over the doc_fts_src view):
 * unindex with the values it holds now, before they change; index after
 * (store.c).  Inside the caller's transaction.
 */
enum dos_err arc_fts_unindex(struct arc *a, int64_t doc);
enum dos_err arc_fts_index(struct arc *a, int64_t doc);

/* Whether type is one of the configured customer types (customer.c). */
enum dos_err arc_customer_type_valid(struct arc *a, const char *type,
				     int *pok);

/* Gives a document with a known category and no number its archive
 * number (lifecycle.c), inside a transaction. */
enum dos_err arc_doc_number_if_needed(struct arc *a, int64_t id,
				      const char *now);

/* Writes all n bytes (retrying short writes and EINTR) (blob.c). */
enum dos_err arc_write_all(int fd, const unsigned char *p, size_t n);
/* fsyncs a file or, with dir set, a folder (blob.c). */
enum dos_err arc_fsync_path(const char *path, int dir);

/* Copies the archive's signing key, if it has one, into folder dir
 * (through tmpdir, on the same file system) for a backup (key.c). */
enum dos_err arc_key_copy(struct arc *a, const char *dir, const char *tmpdir);

/* Removes the kept renderings of page blob sha (viewcache.c). */
void arc_view_cache_drop(struct arc *a, const char *sha);

/* Blob path for a digest (blob.c); DOS_INVAL for a malformed digest. */
enum dos_err arc_blob_path(const struct arc *a, const char *sha, char *out,
			   size_t n);
/*
 * Records a stored blob in the catalogue (doc.c): st is a prepared
 * ARC_BLOB_ROW_SQL (a blob stored again after its bytes were destroyed
 * is no longer destroyed);
 * DOS_CORRUPT when the blob file is missing.
 */
#define ARC_BLOB_ROW_SQL                                                 \
	"INSERT INTO blob(sha256, size, created) VALUES (?, ?, ?) ON "     \
	"CONFLICT(sha256) DO UPDATE SET destroyed = NULL WHERE destroyed " \
	"IS NOT NULL"
enum dos_err arc_blob_row(struct arc *a, sqlite3_stmt *st, const char *sha,
			  const char *now);
/* A page's word boxes as stored: [[text,x,y,w,h,conf],...] (doc.c). */
char *arc_words_json(const struct arc_page_in *p);
/* The page's unread regions as JSON [[x, y, w, h], ...]; caller frees. */
char *arc_unread_json(const struct arc_page_in *p);


/* Sets batch ?2's status ?3, its end time ?1 and the counts its files
 * record (batch.c, queue.c). */
#define ARC_BATCH_COUNTS                                                   \
	"UPDATE batch SET finished = ?1, status = ?3, files = (SELECT "     \
	"count(*) FROM batch_file WHERE batch_id = ?2), pages = (SELECT "   \
	"coalesce(sum(pages), 0) FROM batch_file WHERE batch_id = ?2), "    \
	"documents = (SELECT coalesce(sum(documents), 0) FROM batch_file "  \
	"WHERE batch_id = ?2), failures = (SELECT count(*) FROM batch_file " \
	"WHERE batch_id = ?2 AND outcome = 'failed') WHERE id = ?2"
/*
 * Queue bookkeeping inside the caller's transaction (queue.c): after job
 * id reached an end, its file stops waiting once its pages are read, and
 * a batch run by the queue ends with its last row.
 */
enum dos_err arc_job_settle(struct arc *a, int64_t id);
/* The queue's helpers (queue.c): unix time with fractions; one integer
 * from a one-row query binding text (or, if NULL, id when it has a
 * parameter); the kinds' names. */
double arc_unix_now(void);
enum dos_err arc_count_of(struct arc *a, const char *sql, const char *text,
			  int64_t id, int64_t *pn);
extern const char *const arc_job_kinds[ARC_JOB__MAX];
/* Marks a claimed file row done with its result (queue.c), inside the
 * caller's transaction; DOS_CONFLICT when worker no longer holds it. */
enum dos_err arc_job_finish_in_tx(struct arc *a, int64_t id,
				  const char *worker, const char *result);
/* ---- retention and disposal (retention.c, disposal.c) ---- */

/* Whether s is a real day, YYYY-MM-DD; today's (UTC) (retention.c). */
int arc_day_valid(const char *s);
void arc_today(char out[11]);
/* A document whose retention runs out, as arc_retention_walk sees it
 * (strings borrowed for the call). */
struct arc_retention_doc {
	int64_t id;
	const char *archive_no, *customer, *customer_name, *account;
	const char *category, *doc_type, *title, *date;
	char rule[160];         /* "CREDIT: 10y after relationship_end" */
	const char *trigger, *trigger_date, *due;
	int held;     /* under a legal hold */
	int deleting; /* an open deletion */
	int listed;   /* on a disposal list under way */
};
typedef enum dos_err (*arc_retention_fn)(void *arg,
					 const struct arc_retention_doc *d);
/*
 * Calls fn for each document within who's reach (ARC_REPORT) whose
 * retention runs out between lo (NULL: any time before) and hi,
 * inclusive; only the listed documents when ndocs > 0.  In customer,
 * category, due order.
 */
enum dos_err arc_retention_walk(struct arc *a, const struct arc_user *who,
				const char *lo, const char *hi,
				const int64_t *docs, size_t ndocs,
				arc_retention_fn fn, void *arg, char *msg,
				size_t msglen);
json_t *arc_retention_doc_json(const struct arc_retention_doc *d);
/*
 * Purge's part in disposal (disposal.c), inside its transaction: what
 * the certificate will say of a document about to be purged by deletion
 * xid, if that deletion belongs to a disposal list (*precord NULL
 * otherwise); then, once purged, the item recorded as destroyed with
 * whether its original went too.
 */
enum dos_err arc_disposal_record(struct arc *a, int64_t xid, int64_t doc,
				 json_t **precord);
enum dos_err arc_disposal_destroyed(struct arc *a, int64_t xid,
				    json_t *record, int original_gone);
/*
 * After a purge committed: items whose deletion was withdrawn are kept,
 * and each disposal with destroyed items not yet certified gets a signed
 * certificate (a blob), audited; a list with nothing pending is done.
 * *pn says how many certificates were written.
 */
enum dos_err arc_disposal_certify(struct arc *a, const char *actor,
				  json_t *certs);

#endif
