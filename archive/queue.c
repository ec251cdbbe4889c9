/*
 * queue.c: the work queue in the catalogue.  Every unit of heavy work is
 * a row of table job: a page to read, a file to file once its pages are
 * read, a page turn, an export, a scan.  A worker claims a row in one
 * short transaction (the oldest of the highest priority; PostgreSQL's
 * FOR UPDATE SKIP LOCKED takes the same shape) and holds it by a lease
 * it renews; a row whose lease ran out, or whose worker's process on
 * this host is gone, goes back to the queue, and after ARC_JOB_ATTEMPTS
 * claims is set aside with the reason.  Each ending (done, failed) is
 * one transaction with what follows from it: a file stops waiting once
 * its last page is read; a batch run by the queue ends with its last
 * row.  A result is recorded only while its worker holds the claim, so
 * a page read twice (its first reader thought dead) is recorded once.
 * Queueing is in queueadd.c.
 * Exports arc_job_kind_name, arc_job_clear, arc_job_claim, arc_job_renew,
 * arc_job_release, arc_job_done, arc_job_fail, arc_file_job_end,
 * arc_job_set_batch, arc_file_pages, arc_job_get, arc_job_list,
 * arc_job_file_open, arc_job_exists, arc_queue_reclaim,
 * arc_queue_pending, arc_worker_beat, arc_worker_gone, arc_blob_forget,
 * arc_job_cancel,
 * and the internal
 * arc_job_settle, arc_job_finish_in_tx.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

const char *const arc_job_kinds[ARC_JOB__MAX] = {
	[ARC_JOB_PAGE] = "page",     [ARC_JOB_FILE] = "file",
	[ARC_JOB_TURN] = "turn",     [ARC_JOB_EXPORT] = "export",
	[ARC_JOB_SCAN] = "scan",     [ARC_JOB_VIEW] = "view",
};

/* Rows not finished. */
#define OPEN_STATES "('waiting', 'queued', 'claimed')"

const char *
arc_job_kind_name(enum arc_job_kind k)
{
	return (unsigned)k < ARC_JOB__MAX ? arc_job_kinds[k] : "?";
}

static enum arc_job_kind
kind_parse(const char *s)
{
	int k;

	for (k = 0; k < ARC_JOB__MAX; k++)
		if (strcmp(s, arc_job_kinds[k]) == 0)
			return (enum arc_job_kind)k;
	return ARC_JOB__MAX;
}

/* Unix time, with fractions (internal.h). */
double
arc_unix_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ",page,file," for a mask: matched with instr(). */
static void
kinds_list(unsigned kinds, char *out, size_t n)
{
	int k;
	size_t len;

	snprintf(out, n, ",");
	for (k = 0; k < ARC_JOB__MAX; k++)
		if (kinds & ARC_JOB_BIT(k)) {
			len = strlen(out);
			snprintf(out + len, n - len, "%s,", arc_job_kinds[k]);
		}
}

/* Runs st (bound) to its end and finalizes it. */
static enum dos_err
run(struct arc *a, sqlite3_stmt *st, const char *what)
{
	return arc_step_once(a, st, what);
}

/* One integer from a one-row query (internal.h). */
enum dos_err
arc_count_of(struct arc *a, const char *sql, const char *text, int64_t id,
	     int64_t *pn)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	int rc;

	*pn = 0;
	if ((err = arc_prepare(a, sql, &st)) != DOS_OK)
		return err;
	if (text != NULL)
		arc_bind_text(st, 1, text);
	else if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*pn = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		dos_errx("queue: %s", arc_errmsg(a));
		return arc_db_err(a);
	}
	return DOS_OK;
}

/* ---- claims ---- */

/*
 * A batch's files are filed in the order they were given (their
 * documents numbered so), whatever order their pages are read in: a
 * file waits for those before it.
 */
#define IN_ORDER                                                         \
	"(kind <> 'file' OR NOT EXISTS (SELECT 1 FROM job e WHERE "      \
	"e.batch_id = job.batch_id AND e.kind = 'file' AND e.id < job.id " \
	"AND e.state IN ('waiting', 'queued', 'claimed')))"

void
arc_job_clear(struct arc_job *j)
{
	if (j == NULL)
		return;
	free(j->spec);
	free(j->path);
	free(j->file_spec);
	free(j->file_sha256);
	memset(j, 0, sizeof(*j));
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? strdup((const char *)t) : NULL;
}

enum dos_err
arc_job_claim(struct arc *a, const char *worker, unsigned kinds,
	      int64_t batch, struct arc_job *j)
{
	sqlite3_stmt *st = NULL;
	char kl[96];
	int64_t id;
	double t = arc_unix_now();
	int rc;
	enum dos_err err;

	memset(j, 0, sizeof(*j));
	kinds_list(kinds, kl, sizeof(kl));
	/* A read first: an idle worker never takes the write lock. */
	if ((err = arc_prepare(a, "SELECT 1 FROM job WHERE state = 'queued' "
				  "AND instr(?1, ',' || kind || ',') > 0 AND "
				  "CASE WHEN ?2 = 0 THEN pinned = 0 ELSE "
				  "batch_id = ?2 END AND " IN_ORDER " LIMIT 1",
			       &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, kl);
	sqlite3_bind_int64(st, 2, batch);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? DOS_NOTFOUND : arc_db_err(a);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT id FROM job WHERE state = 'queued' "
				  "AND instr(?1, ',' || kind || ',') > 0 AND "
				  "CASE WHEN ?2 = 0 THEN pinned = 0 ELSE "
				  "batch_id = ?2 END AND " IN_ORDER " ORDER BY "
				  "priority DESC, id LIMIT 1", &st)) != DOS_OK)
		goto out;
	arc_bind_text(st, 1, kl);
	sqlite3_bind_int64(st, 2, batch);
	rc = sqlite3_step(st);
	id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? DOS_NOTFOUND : arc_db_err(a);
		goto out;
	}
	if ((err = arc_prepare(a, "UPDATE job SET state = 'claimed', worker "
				  "= ?, lease = ?, attempts = attempts + 1, "
				  "started = coalesce(started, ?) WHERE id = ? "
				  "AND state = 'queued'", &st)) != DOS_OK)
		goto out;
	arc_bind_text(st, 1, worker);
	sqlite3_bind_double(st, 2, t + ARC_JOB_LEASE);
	sqlite3_bind_double(st, 3, t);
	sqlite3_bind_int64(st, 4, id);
	if ((err = run(a, st, "claim a job")) != DOS_OK)
		goto out;
	if ((err = arc_prepare(a, "SELECT j.id, j.kind, coalesce(j.batch_id, "
				  "0), coalesce(j.parent, 0), j.seq, "
				  "j.attempts, j.owner, j.spec, coalesce(j.path,"
				  " f.path), f.spec, f.pages FROM job j LEFT "
				  "JOIN job f ON f.id = j.parent WHERE j.id = ?",
			       &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		err = arc_db_err(a);
		sqlite3_finalize(st);
		goto out;
	}
	j->id = sqlite3_column_int64(st, 0);
	j->kind = kind_parse(arc_col_text(st, 1));
	j->batch = sqlite3_column_int64(st, 2);
	j->parent = sqlite3_column_int64(st, 3);
	j->seq = sqlite3_column_int(st, 4);
	j->attempts = sqlite3_column_int(st, 5);
	snprintf(j->owner, sizeof(j->owner), "%s", arc_col_text(st, 6));
	j->spec = col_dup(st, 7);
	j->path = col_dup(st, 8);
	j->file_spec = col_dup(st, 9);
	j->file_pages = sqlite3_column_int(st, 10);
	sqlite3_finalize(st);
	if (j->spec == NULL || j->kind == ARC_JOB__MAX) {
		err = DOS_NOMEM;
		goto out;
	}
	err = arc_tx_commit(a);
out:
	if (err != DOS_OK) {
		arc_tx_rollback(a);
		arc_job_clear(j);
	}
	return err;
}

enum dos_err
arc_job_renew(struct arc *a, int64_t id, const char *worker,
	      const char *progress)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "UPDATE job SET lease = ?, progress = "
				  "coalesce(?, progress) WHERE id = ? AND "
				  "state = 'claimed' AND worker = ?", &st)) !=
	    DOS_OK)
		return err;
	sqlite3_bind_double(st, 1, arc_unix_now() + ARC_JOB_LEASE);
	arc_bind_text(st, 2, progress);
	sqlite3_bind_int64(st, 3, id);
	arc_bind_text(st, 4, worker);
	if ((err = run(a, st, "renew a lease")) != DOS_OK)
		return err;
	return sqlite3_changes(a->db) == 1 ? DOS_OK : DOS_CONFLICT;
}

enum dos_err
arc_job_release(struct arc *a, int64_t id, const char *worker)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "UPDATE job SET state = 'queued', worker = "
				  "NULL, lease = NULL, attempts = max(attempts "
				  "- 1, 0) WHERE id = ? AND state = 'claimed' "
				  "AND worker = ?", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	arc_bind_text(st, 2, worker);
	return run(a, st, "give a job back");
}

enum dos_err
arc_job_set_batch(struct arc *a, int64_t id, const char *worker,
		  int64_t batch)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "UPDATE job SET batch_id = ? WHERE id = ? "
				  "AND worker = ?", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, batch);
	sqlite3_bind_int64(st, 2, id);
	arc_bind_text(st, 3, worker);
	return run(a, st, "job batch");
}

/* ---- endings ---- */

/* The ending of a row a worker holds: a claim of its own, or a row its
 * lease let go that nobody has taken since (its work is not wasted). */
#define HELD "id = ? AND ((state = 'claimed' AND worker = ?) OR state = " \
	     "'queued')"

enum dos_err
arc_job_finish_in_tx(struct arc *a, int64_t id, const char *worker,
		     const char *result)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "UPDATE job SET state = 'done', result = ?, "
				  "lease = NULL, worker = coalesce(worker, ?), "
				  "finished = ? WHERE " HELD, &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, result);
	arc_bind_text(st, 2, worker);
	sqlite3_bind_double(st, 3, arc_unix_now());
	sqlite3_bind_int64(st, 4, id);
	arc_bind_text(st, 5, worker);
	if ((err = run(a, st, "end a job")) != DOS_OK)
		return err;
	return sqlite3_changes(a->db) == 1 ? DOS_OK : DOS_CONFLICT;
}

enum dos_err
arc_job_settle(struct arc *a, int64_t id)
{
	sqlite3_stmt *st = NULL;
	char kind[16] = "", now[32];
	int64_t parent = 0, batch = 0;
	int rc;
	enum dos_err err;

	if ((err = arc_prepare(a, "SELECT kind, coalesce(parent, 0), "
				  "coalesce(batch_id, 0) FROM job WHERE id = ?",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(kind, sizeof(kind), "%s", arc_col_text(st, 0));
		parent = sqlite3_column_int64(st, 1);
		batch = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? DOS_NOTFOUND : arc_db_err(a);
	if (strcmp(kind, "page") == 0 && parent > 0) {
		if ((err = arc_prepare(a, "UPDATE job SET state = 'queued' "
					  "WHERE id = ?1 AND state = 'waiting' "
					  "AND NOT EXISTS (SELECT 1 FROM job "
					  "WHERE parent = ?1 AND state IN "
					  "('queued', 'claimed'))", &st)) !=
		    DOS_OK)
			return err;
		sqlite3_bind_int64(st, 1, parent);
		if ((err = run(a, st, "wake a file")) != DOS_OK)
			return err;
	}
	if (batch <= 0)
		return DOS_OK;
	/* A batch the queue runs (no process of its own) ends with it. */
	dos_now_iso(now);
	if ((err = arc_prepare(a, ARC_BATCH_COUNTS " AND status = 'running' "
				  "AND pid IS NULL AND scan IS NULL AND NOT "
				  "EXISTS (SELECT 1 FROM job WHERE batch_id = "
				  "?2 AND state IN " OPEN_STATES ")", &st)) !=
	    DOS_OK)
		return err;
	arc_bind_text(st, 1, now);
	sqlite3_bind_int64(st, 2, batch);
	arc_bind_text(st, 3, "done");
	return run(a, st, "end a batch");
}

enum dos_err
arc_job_done(struct arc *a, int64_t id, const char *worker,
	     const char *result)
{
	enum dos_err err;

	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_job_finish_in_tx(a, id, worker, result)) != DOS_OK ||
	    (err = arc_job_settle(a, id)) != DOS_OK ||
	    (err = arc_tx_commit(a)) != DOS_OK)
		arc_tx_rollback(a);
	return err;
}

/* A file's spooled bytes, if it has any (inside a transaction); *ppath
 * (caller frees) to remove once committed. */
static enum dos_err
spooled_path(struct arc *a, int64_t id, char **ppath)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	*ppath = NULL;
	if ((err = arc_prepare(a, "SELECT path FROM job WHERE id = ? AND "
				  "kind = 'file' AND spooled = 1", &st)) !=
	    DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*ppath = col_dup(st, 0);
	sqlite3_finalize(st);
	return DOS_OK;
}

/* A file row's outcome into its batch's record (inside a transaction). */
static enum dos_err
record_file(struct arc *a, int64_t id, const char *outcome, int documents,
	    const char *error)
{
	sqlite3_stmt *st = NULL;
	json_t *spec = NULL;
	int64_t batch = 0;
	int pages = 0;
	enum dos_err err = DOS_OK;

	if ((err = arc_prepare(a, "SELECT coalesce(batch_id, 0), spec, pages "
				  "FROM job WHERE id = ? AND kind = 'file'",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		batch = sqlite3_column_int64(st, 0);
		spec = json_loads(arc_col_text(st, 1), 0, NULL);
		pages = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	if (batch > 0 && spec != NULL)
		err = arc_batch_file(
			a, batch,
			json_string_value(json_object_get(spec, "entry")),
			json_string_value(json_object_get(spec, "sha256")),
			outcome, strcmp(outcome, "failed") == 0 ? 0 : pages,
			documents, error);
	json_decref(spec);
	return err;
}

enum dos_err
arc_job_fail(struct arc *a, int64_t id, const char *worker,
	     const char *error, int retry)
{
	sqlite3_stmt *st = NULL;
	char *path = NULL, kind[16] = "";
	int attempts = 0, again;
	enum dos_err err;

	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT kind, attempts FROM job WHERE " HELD,
			       &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	arc_bind_text(st, 2, worker);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(kind, sizeof(kind), "%s", arc_col_text(st, 0));
		attempts = sqlite3_column_int(st, 1);
	} else
		err = DOS_CONFLICT;
	sqlite3_finalize(st);
	if (err != DOS_OK)
		goto out;
	again = retry && attempts < ARC_JOB_ATTEMPTS;
	if ((err = arc_prepare(a, again
				      ? "UPDATE job SET state = 'queued', "
					"worker = NULL, lease = NULL, error = ? "
					"WHERE id = ?"
				      : "UPDATE job SET state = 'failed', "
					"lease = NULL, error = ?, finished = ? "
					"WHERE id = ?",
			       &st)) != DOS_OK)
		goto out;
	arc_bind_text(st, 1, error);
	if (again)
		sqlite3_bind_int64(st, 2, id);
	else {
		sqlite3_bind_double(st, 2, arc_unix_now());
		sqlite3_bind_int64(st, 3, id);
	}
	if ((err = run(a, st, "fail a job")) != DOS_OK)
		goto out;
	if (!again && strcmp(kind, "file") == 0 &&
	    ((err = record_file(a, id, "failed", 0, error)) != DOS_OK ||
	     (err = spooled_path(a, id, &path)) != DOS_OK))
		goto out;
	if (!again)
		err = arc_job_settle(a, id);
	if (err == DOS_OK)
		err = arc_tx_commit(a);
out:
	if (err != DOS_OK)
		arc_tx_rollback(a);
	else if (path != NULL)
		arc_spool_release(a, path);
	free(path);
	return err;
}

enum dos_err
arc_file_job_end(struct arc *a, int64_t id, const char *worker,
		 const char *outcome, const char *result, const char *error)
{
	sqlite3_stmt *st = NULL;
	json_t *res = NULL;
	char *path = NULL;
	int failed = strcmp(outcome, "failed") == 0, docs = 0;
	enum dos_err err;

	if (result != NULL && (res = json_loads(result, 0, NULL)) != NULL)
		docs = (int)json_array_size(json_object_get(res, "documents"));
	json_decref(res);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, failed
				      ? "UPDATE job SET state = 'failed', "
					"result = ?, error = ?, lease = NULL, "
					"finished = ? WHERE " HELD
				      : "UPDATE job SET state = 'done', result "
					"= ?, error = ?, lease = NULL, finished "
					"= ? WHERE " HELD,
			       &st)) != DOS_OK)
		goto out;
	arc_bind_text(st, 1, result);
	arc_bind_text(st, 2, error);
	sqlite3_bind_double(st, 3, arc_unix_now());
	sqlite3_bind_int64(st, 4, id);
	arc_bind_text(st, 5, worker);
	if ((err = run(a, st, "end a file")) != DOS_OK)
		goto out;
	if (sqlite3_changes(a->db) != 1) {
		err = DOS_CONFLICT;
		goto out;
	}
	/* A duplicate is recorded with no documents of its own. */
	(void)docs;
	if ((err = record_file(a, id, outcome, 0, error)) != DOS_OK ||
	    (err = spooled_path(a, id, &path)) != DOS_OK ||
	    (err = arc_job_settle(a, id)) != DOS_OK)
		goto out;
	err = arc_tx_commit(a);
out:
	if (err != DOS_OK)
		arc_tx_rollback(a);
	else if (path != NULL)
		arc_spool_release(a, path);
	free(path);
	return err;
}

/* ---- reading ---- */

static json_t *
col_json(sqlite3_stmt *st, int i)
{
	json_t *j;

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	j = json_loads(arc_col_text(st, i), JSON_DECODE_ANY, NULL);
	return j != NULL ? j : json_null();
}

enum dos_err
arc_file_pages(struct arc *a, int64_t file, json_t **ppages)
{
	sqlite3_stmt *st = NULL;
	json_t *arr;
	int rc;
	enum dos_err err;

	*ppages = NULL;
	if ((err = arc_prepare(a, "SELECT seq, state, result, error FROM job "
				  "WHERE parent = ? AND kind = 'page' ORDER BY "
				  "seq", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, file);
	if ((arr = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (json_array_append_new(
			    arr, json_pack("{s:i,s:s,s:o,s:o}", "seq",
					   sqlite3_column_int(st, 0), "state",
					   arc_col_text(st, 1), "result",
					   col_json(st, 2), "error",
					   arc_col_json_text(st, 3))) != 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return rc == SQLITE_NOMEM ? DOS_NOMEM : arc_db_err(a);
	}
	*ppages = arr;
	return DOS_OK;
}

#define JOB_COLS                                                          \
	"id, kind, state, owner, batch_id, attempts, worker, lease, "     \
	"progress, result, error, created, started, finished, spec"

static json_t *
job_json(sqlite3_stmt *st)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:i,s:o,s:o,s:o,s:o,s:o,s:o,"
			 "s:o,s:o,s:o}",
			 "id", (json_int_t)sqlite3_column_int64(st, 0), "kind",
			 arc_col_text(st, 1), "state", arc_col_text(st, 2),
			 "owner", arc_col_text(st, 3), "batch",
			 arc_col_json_int(st, 4), "attempts",
			 sqlite3_column_int(st, 5), "worker",
			 arc_col_json_text(st, 6), "lease",
			 sqlite3_column_type(st, 7) == SQLITE_NULL
				 ? json_null()
				 : json_real(sqlite3_column_double(st, 7)),
			 "progress", col_json(st, 8), "result",
			 col_json(st, 9), "error", arc_col_json_text(st, 10),
			 "created", json_real(sqlite3_column_double(st, 11)),
			 "started",
			 sqlite3_column_type(st, 12) == SQLITE_NULL
				 ? json_null()
				 : json_real(sqlite3_column_double(st, 12)),
			 "finished",
			 sqlite3_column_type(st, 13) == SQLITE_NULL
				 ? json_null()
				 : json_real(sqlite3_column_double(st, 13)),
			 "spec", col_json(st, 14));
}

enum dos_err
arc_job_get(struct arc *a, int64_t id, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	int rc;
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_prepare(a, "SELECT " JOB_COLS " FROM job WHERE id = ?",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    (*pout = job_json(st)) == NULL)
		err = DOS_NOMEM;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? DOS_NOTFOUND : arc_db_err(a);
	return err;
}

int
arc_job_exists(struct arc *a, int64_t id)
{
	int64_t n = 0;

	return arc_count_of(a, "SELECT count(*) FROM job WHERE id = ?", NULL, id,
			&n) == DOS_OK &&
	       n > 0;
}

enum dos_err
arc_job_list(struct arc *a, const char *owner, enum arc_job_kind kind,
	     int limit, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	json_t *arr;
	int rc;
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_prepare(a, "SELECT " JOB_COLS " FROM job WHERE owner = "
				  "? AND kind = ? ORDER BY id DESC LIMIT ?",
			       &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, owner);
	arc_bind_text(st, 2, arc_job_kind_name(kind));
	sqlite3_bind_int(st, 3, limit > 0 ? limit : 100);
	if ((arr = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, job_json(st));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return arc_db_err(a);
	}
	*pout = arr;
	return DOS_OK;
}

enum dos_err
arc_job_file_open(struct arc *a, int64_t id, const char *owner, int *pfd,
		  uint64_t *psize, char *name, size_t namelen)
{
	json_t *j = NULL, *res;
	const char *path, *state;
	struct stat sb;
	enum dos_err err;

	*pfd = -1;
	if ((err = arc_job_get(a, id, &j)) != DOS_OK)
		return err;
	state = json_string_value(json_object_get(j, "state"));
	res = json_object_get(j, "result");
	path = json_string_value(json_object_get(res, "file"));
	if (strcmp(json_string_value(json_object_get(j, "owner")), owner) !=
	    0)
		err = DOS_NOTFOUND;
	else if (strcmp(state, "done") != 0)
		err = strcmp(state, "queued") == 0 ||
			      strcmp(state, "claimed") == 0
		      ? DOS_CONFLICT
		      : DOS_NOTFOUND;
	else if (path == NULL ||
		 strncmp(path, a->tmpdir, strlen(a->tmpdir)) != 0 ||
		 (*pfd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
		 fstat(*pfd, &sb) != 0)
		err = DOS_NOTFOUND;
	else {
		*psize = (uint64_t)sb.st_size;
		snprintf(name, namelen, "%s",
			 json_string_value(json_object_get(res, "name"))
				 ?: "export");
	}
	if (err != DOS_OK && *pfd >= 0) {
		close(*pfd);
		*pfd = -1;
	}
	json_decref(j);
	return err;
}

/* ---- leases, workers ---- */

/* Whether worker name "host:pid" is a process of this host that is gone. */
static int
dead_here(const char *name, const char *host)
{
	size_t n = strlen(host);
	char *end;
	long pid;

	if (name == NULL || strncmp(name, host, n) != 0 || name[n] != ':')
		return 0;
	pid = strtol(name + n + 1, &end, 10);
	if (*end != '\0' || pid <= 0)
		return 0;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

enum dos_err
arc_queue_reclaim(struct arc *a, int *pn)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	char host[256], why[200];
	struct {
		int64_t id;
		int attempts;
		char kind[16];
	} rows[256];
	char **paths = NULL;
	double t = arc_unix_now();
	int n = 0, i, npaths = 0, rc;
	enum dos_err err;

	*pn = 0;
	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	/* A read first: most of the time there is nothing to do. */
	if ((err = arc_prepare(a, "SELECT id, attempts, kind, worker, lease "
				  "FROM job WHERE state = 'claimed' AND (lease "
				  "< ? OR worker LIKE ? || ':%') ORDER BY id "
				  "LIMIT 256", &st)) != DOS_OK)
		return err;
	sqlite3_bind_double(st, 1, t);
	arc_bind_text(st, 2, host);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (sqlite3_column_double(st, 4) < t ||
		    dead_here(arc_col_text(st, 3), host)) {
			rows[n].id = sqlite3_column_int64(st, 0);
			rows[n].attempts = sqlite3_column_int(st, 1);
			snprintf(rows[n].kind, sizeof(rows[n].kind), "%s",
				 arc_col_text(st, 2));
			n++;
		}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return arc_db_err(a);
	if (n == 0)
		return DOS_OK;
	if ((paths = calloc((size_t)n, sizeof(*paths))) == NULL)
		return DOS_NOMEM;
	if ((err = arc_tx_begin(a)) != DOS_OK)
		goto done;
	for (i = 0; i < n && err == DOS_OK; i++) {
		/* A scan or a turn is not done twice: its scanner fed the
		 * paper, its page may be turned already. */
		int once = strcmp(rows[i].kind, "scan") == 0 ||
			   strcmp(rows[i].kind, "turn") == 0;
		int last = once || rows[i].attempts >= ARC_JOB_ATTEMPTS;

		if (once)
			snprintf(why, sizeof(why), "its worker stopped (killed "
				 "or crashed) while working on it; not "
				 "started again: look at the batch or page, "
				 "and ask again if need be");
		else
			snprintf(why, sizeof(why), "its worker stopped (killed "
				 "or crashed) while working on it, %d times; "
				 "set aside", rows[i].attempts);
		if ((err = arc_prepare(
			     a, last ? "UPDATE job SET state = 'failed', "
				       "lease = NULL, error = ?2, finished = "
				       "?3 WHERE id = ?1 AND state = 'claimed'"
				     : "UPDATE job SET state = 'queued', "
				       "worker = NULL, lease = NULL WHERE id = "
				       "?1 AND state = 'claimed'",
			     &up)) != DOS_OK)
			break;
		sqlite3_bind_int64(up, 1, rows[i].id);
		if (last) {
			arc_bind_text(up, 2, why);
			sqlite3_bind_double(up, 3, t);
		}
		if ((err = run(a, up, "reclaim a job")) != DOS_OK)
			break;
		if (sqlite3_changes(a->db) == 0)
			continue;
		(*pn)++;
		if (!last)
			continue;
		if (strcmp(rows[i].kind, "file") == 0 &&
		    ((err = record_file(a, rows[i].id, "failed", 0, why)) !=
			     DOS_OK ||
		     (err = spooled_path(a, rows[i].id, &paths[npaths++])) !=
			     DOS_OK))
			break;
		err = arc_job_settle(a, rows[i].id);
	}
	if (err == DOS_OK)
		err = arc_tx_commit(a);
	if (err != DOS_OK) {
		arc_tx_rollback(a);
		*pn = 0;
	}
done:
	for (i = 0; i < npaths; i++) {
		if (err == DOS_OK && paths[i] != NULL)
			arc_spool_release(a, paths[i]);
		free(paths[i]);
	}
	free(paths);
	if (*pn > 0)
		dos_infox("queue: %d claim(s) of workers gone taken back (to "
			  "the queue, or set aside after %d tries)", *pn,
			  ARC_JOB_ATTEMPTS);
	return err;
}

enum dos_err
arc_queue_pending(struct arc *a, unsigned kinds, int64_t batch, int *pn)
{
	sqlite3_stmt *st = NULL;
	char kl[96];
	enum dos_err err;

	*pn = 0;
	kinds_list(kinds, kl, sizeof(kl));
	if ((err = arc_prepare(a, "SELECT count(*) FROM job WHERE state IN "
				  OPEN_STATES " AND instr(?1, ',' || kind || "
				  "',') > 0 AND CASE WHEN ?2 = 0 THEN pinned = "
				  "0 ELSE batch_id = ?2 END", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, kl);
	sqlite3_bind_int64(st, 2, batch);
	if (sqlite3_step(st) == SQLITE_ROW)
		*pn = sqlite3_column_int(st, 0);
	else
		err = arc_db_err(a);
	sqlite3_finalize(st);
	return err;
}

enum dos_err
arc_worker_beat(struct arc *a, const char *name, int threads)
{
	sqlite3_stmt *st = NULL;
	char host[256];
	const char *colon = strrchr(name, ':');
	double t = arc_unix_now();
	enum dos_err err;

	snprintf(host, sizeof(host), "%.*s",
		 colon != NULL ? (int)(colon - name) : (int)strlen(name), name);
	if ((err = arc_prepare(a, "INSERT INTO worker(name, host, pid, "
				  "threads, started, seen) VALUES (?1, ?2, ?3, "
				  "?4, ?5, ?5) ON CONFLICT(name) DO UPDATE SET "
				  "seen = ?5, threads = ?4", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, name);
	arc_bind_text(st, 2, host);
	sqlite3_bind_int64(st, 3, colon != NULL ? atoll(colon + 1) : 0);
	sqlite3_bind_int(st, 4, threads);
	sqlite3_bind_double(st, 5, t);
	return run(a, st, "worker beat");
}

enum dos_err
arc_worker_gone(struct arc *a, const char *name)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "DELETE FROM worker WHERE name = ?", &st)) !=
	    DOS_OK)
		return err;
	arc_bind_text(st, 1, name);
	return run(a, st, "worker gone");
}

enum dos_err
arc_blob_forget(struct arc *a, const char *sha)
{
	char path[4096];
	int64_t n = 1;
	enum dos_err err;

	if ((err = arc_blob_path(a, sha, path, sizeof(path))) != DOS_OK)
		return err;
	if ((err = arc_count_of(a, "SELECT count(*) FROM blob WHERE sha256 = ?",
			    sha, 0, &n)) != DOS_OK)
		return err;
	/* Nor while a page of a file not yet filed names it: two files may
	 * hold the same page (a separator sheet), whose images are one
	 * blob. */
	if (n == 0 &&
	    (err = arc_count_of(a, "SELECT count(*) FROM job p JOIN job f ON "
				   "f.id = p.parent WHERE p.kind = 'page' AND "
				   "p.state = 'done' AND f.state IN ('waiting', "
				   "'queued', 'claimed') AND instr(p.result, ?) "
				   "> 0", sha, 0, &n)) != DOS_OK)
		return err;
	if (n == 0 && unlink(path) != 0 && errno != ENOENT)
		return DOS_IO;
	return DOS_OK;
}

enum dos_err
arc_job_cancel(struct arc *a, int64_t id)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "UPDATE job SET state = 'cancelled', lease "
				  "= NULL, finished = ? WHERE id = ? AND state "
				  "IN ('waiting', 'queued', 'claimed')", &st)) !=
	    DOS_OK)
		return err;
	sqlite3_bind_double(st, 1, arc_unix_now());
	sqlite3_bind_int64(st, 2, id);
	return run(a, st, "cancel a job");
}
