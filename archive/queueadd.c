/*
 * queueadd.c: work into the queue (queue.c takes it out).  A batch's
 * files go in with their pages, one row each, in one transaction with
 * the batch and its record, under the limits, which refuse the batch
 * whole (pages in a file, pages one user has waiting, bytes waiting in
 * the spool per user and in all); a file decided before it is read
 * (unreadable, filed before) ends at once.  A turn, an export or a scan
 * is one row, under a cap on the user's own checked and raised in one
 * transaction.
 * Exports arc_queue_batch, arc_queue_file_add, arc_job_add,
 * arc_queue_entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* Rows not finished. */
#define OPEN_STATES "('waiting', 'queued', 'claimed')"

/* Runs st (bound) to its end and finalizes it. */
static enum dos_err
run(struct arc *a, sqlite3_stmt *st, const char *what)
{
	return arc_step_once(a, st, what);
}

/* ---- queueing ---- */

/* The limits, checked inside the queueing transaction. */
static enum dos_err
check_limits(struct arc *a, const char *owner,
	     const struct arc_queue_limits *lim, const struct arc_queue_file *f,
	     int64_t pages_before, uint64_t bytes_before, char *msg,
	     size_t msglen)
{
	int64_t n;
	enum dos_err err;

	if (lim == NULL || f->outcome != NULL)
		return DOS_OK;
	if (lim->file_pages > 0 && f->npages > lim->file_pages)
		return arc_say(msg, msglen, DOS_LIMIT, "%s has %d pages; a "
			       "file may have at most %d pages (split the "
			       "scan)", f->name, f->npages, lim->file_pages);
	if (lim->user_pages > 0) {
		if ((err = arc_count_of(a, "SELECT count(*) FROM job WHERE owner "
				       "= ? AND kind = 'page' AND state IN "
				       "('queued', 'claimed')", owner, 0,
				    &n)) != DOS_OK)
			return err;
		if (n + pages_before + f->npages > lim->user_pages)
			return arc_say(msg, msglen, DOS_LIMIT,
				       "%s has %d pages; with the %lld pages "
				       "of yours waiting to be read that "
				       "passes the limit of %lld pages a user "
				       "may have queued; try again when some "
				       "are read", f->name, f->npages,
				       (long long)(n + pages_before),
				       (long long)lim->user_pages);
	}
	if (!f->spooled)
		return DOS_OK;
	if (lim->user_bytes > 0) {
		if ((err = arc_count_of(a, "SELECT coalesce(sum(bytes), 0) FROM "
				       "job WHERE owner = ? AND kind = 'file' "
				       "AND state IN " OPEN_STATES, owner, 0,
				    &n)) != DOS_OK)
			return err;
		if ((uint64_t)n + bytes_before + f->size > lim->user_bytes)
			return arc_say(msg, msglen, DOS_LIMIT,
				       "your files waiting to be read would "
				       "take %llu MB, over the %llu MB one "
				       "user may have waiting; try again when "
				       "some are read",
				       (unsigned long long)(((uint64_t)n +
							     bytes_before +
							     f->size) >>
							    20),
				       (unsigned long long)(lim->user_bytes >>
							    20));
	}
	if (lim->total_bytes > 0) {
		if ((err = arc_count_of(a, "SELECT coalesce(sum(bytes), 0) FROM "
				       "job WHERE kind = 'file' AND state IN "
				       OPEN_STATES, NULL, 0, &n)) != DOS_OK)
			return err;
		if ((uint64_t)n + bytes_before + f->size > lim->total_bytes)
			return arc_say(msg, msglen, DOS_LIMIT,
				       "the files waiting to be read would "
				       "take %llu MB, over the archive's "
				       "limit of %llu MB; try again later",
				       (unsigned long long)(((uint64_t)n +
							     bytes_before +
							     f->size) >>
							    20),
				       (unsigned long long)(lim->total_bytes >>
							    20));
	}
	return DOS_OK;
}

/*
 * A file whose outcome was decided before it was queued (unreadable, or
 * filed before): its row ends at once, and its batch's record says so
 * (inside a transaction).
 */
static enum dos_err
decided(struct arc *a, const char *owner, int64_t batch, int pinned,
	struct arc_queue_file *f, double now)
{
	sqlite3_stmt *st = NULL;
	int failed = strcmp(f->outcome, "failed") == 0;
	enum dos_err err;

	if ((err = arc_prepare(a, "INSERT INTO job(kind, state, owner, "
				  "batch_id, pinned, path, pages, spec, "
				  "result, error, created, finished) VALUES "
				  "('file', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, failed ? "failed" : "done");
	arc_bind_text(st, 2, owner);
	sqlite3_bind_int64(st, 3, batch);
	sqlite3_bind_int(st, 4, pinned);
	arc_bind_text(st, 5, f->path);
	sqlite3_bind_int(st, 6, failed ? 0 : f->npages);
	arc_bind_text(st, 7, f->spec);
	arc_bind_text(st, 8, f->result);
	arc_bind_text(st, 9, f->error);
	sqlite3_bind_double(st, 10, now);
	sqlite3_bind_double(st, 11, now);
	if ((err = run(a, st, "queue a decided file")) != DOS_OK)
		return err;
	f->id = sqlite3_last_insert_rowid(a->db);
	return arc_batch_file(a, batch, f->entry, f->sha256, f->outcome,
			      failed ? 0 : f->npages, 0, f->error);
}

/* Inserts a file's row and its pages' rows (inside a transaction). */
static enum dos_err
queue_one(struct arc *a, const char *owner, int64_t batch, int pinned,
	  struct arc_queue_file *f, double now)
{
	sqlite3_stmt *st = NULL;
	int i;
	enum dos_err err;

	if (f->spec == NULL || (f->outcome == NULL && f->npages < 1))
		return DOS_INVAL;
	if (f->outcome != NULL)
		return decided(a, owner, batch, pinned, f, now);
	if ((err = arc_prepare(a, "INSERT INTO job(kind, state, owner, "
				  "batch_id, priority, pinned, path, spooled, "
				  "bytes, pages, spec, created) VALUES "
				  "('file', 'waiting', ?, ?, 1, ?, ?, ?, ?, ?, "
				  "?, ?)", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, owner);
	sqlite3_bind_int64(st, 2, batch);
	sqlite3_bind_int(st, 3, pinned);
	arc_bind_text(st, 4, f->path);
	sqlite3_bind_int(st, 5, f->spooled);
	sqlite3_bind_int64(st, 6, f->spooled ? (sqlite3_int64)f->size : 0);
	sqlite3_bind_int(st, 7, f->npages);
	arc_bind_text(st, 8, f->spec);
	sqlite3_bind_double(st, 9, now);
	if ((err = run(a, st, "queue a file")) != DOS_OK)
		return err;
	f->id = sqlite3_last_insert_rowid(a->db);
	if ((err = arc_prepare(a, "INSERT INTO job(kind, state, owner, "
				  "batch_id, parent, seq, pinned, spec, "
				  "created) VALUES ('page', 'queued', ?, ?, ?, "
				  "?, ?, '', ?)", &st)) != DOS_OK)
		return err;
	for (i = 0; i < f->npages; i++) {
		sqlite3_reset(st);
		arc_bind_text(st, 1, owner);
		sqlite3_bind_int64(st, 2, batch);
		sqlite3_bind_int64(st, 3, f->id);
		sqlite3_bind_int(st, 4, i);
		sqlite3_bind_int(st, 5, pinned);
		sqlite3_bind_double(st, 6, now);
		if (sqlite3_step(st) != SQLITE_DONE) {
			dos_errx("queue a page: %s", arc_errmsg(a));
			err = arc_db_err(a);
			sqlite3_finalize(st);
			return err;
		}
	}
	sqlite3_finalize(st);
	return DOS_OK;
}

enum dos_err
arc_queue_batch(struct arc *a, const char *owner,
		const struct arc_queue_limits *lim,
		struct arc_queue_file *files, int n, int64_t *pbatch,
		char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char now[32], host[256];
	double t = arc_unix_now();
	int64_t pages = 0, batch = 0;
	uint64_t bytes = 0;
	int i;
	enum dos_err err;

	*pbatch = 0;
	msg[0] = '\0';
	if (n < 1)
		return arc_say(msg, msglen, DOS_INVAL, "no files to queue");
	dos_now_iso(now);
	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	for (i = 0; i < n; i++) {
		if ((err = check_limits(a, owner, lim, &files[i], pages, bytes,
					msg, msglen)) != DOS_OK)
			goto out;
		if (files[i].outcome != NULL)
			continue;
		pages += files[i].npages;
		bytes += files[i].spooled ? files[i].size : 0;
	}
	/* No process of its own (pid NULL): never reaped as interrupted. */
	if ((err = arc_prepare(a, "INSERT INTO batch(user, started, host) "
				  "VALUES (?, ?, ?)", &st)) != DOS_OK)
		goto out;
	arc_bind_text(st, 1, owner);
	arc_bind_text(st, 2, now);
	arc_bind_text(st, 3, host);
	if ((err = run(a, st, "queue a batch")) != DOS_OK)
		goto out;
	batch = sqlite3_last_insert_rowid(a->db);
	if ((err = arc_prepare(a, "INSERT INTO batch_file(batch_id, name, "
				  "outcome, at) VALUES (?, ?, 'pending', ?)",
			       &st)) != DOS_OK)
		goto out;
	for (i = 0; i < n; i++) {
		char shown[4096];

		dos_utf8_clean(files[i].entry, shown, sizeof(shown));
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, batch);
		arc_bind_text(st, 2, shown);
		arc_bind_text(st, 3, now);
		if (sqlite3_step(st) != SQLITE_DONE) {
			dos_errx("%s: %s", __func__, arc_errmsg(a));
			err = arc_db_err(a);
			sqlite3_finalize(st);
			goto out;
		}
	}
	sqlite3_finalize(st);
	for (i = 0; i < n; i++)
		if ((err = queue_one(a, owner, batch, 0, &files[i], t)) !=
		    DOS_OK)
			goto out;
	/* Every file decided already: the batch ends here. */
	if ((err = arc_job_settle(a, files[n - 1].id)) != DOS_OK)
		goto out;
	if ((err = arc_tx_commit(a)) == DOS_OK)
		*pbatch = batch;
out:
	if (err != DOS_OK) {
		arc_tx_rollback(a);
		if (msg[0] == '\0')
			snprintf(msg, msglen, "the batch cannot be queued: %s",
				 dos_strerror(err));
	}
	return err;
}

enum dos_err
arc_queue_file_add(struct arc *a, const char *owner, int64_t batch,
		   const struct arc_queue_limits *lim,
		   struct arc_queue_file *f, char *msg, size_t msglen)
{
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = check_limits(a, owner, lim, f, 0, 0, msg, msglen)) !=
		    DOS_OK ||
	    (err = queue_one(a, owner, batch, 1, f, arc_unix_now())) != DOS_OK ||
	    (err = arc_tx_commit(a)) != DOS_OK) {
		arc_tx_rollback(a);
		if (msg[0] == '\0')
			snprintf(msg, msglen, "cannot queue it: %s",
				 dos_strerror(err));
	}
	return err;
}

enum dos_err
arc_job_add(struct arc *a, enum arc_job_kind kind, const char *owner,
	    int64_t batch, int priority, const char *spec, int cap, int keep,
	    int64_t *pid, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	int64_t n;
	enum dos_err err;

	*pid = 0;
	msg[0] = '\0';
	if ((unsigned)kind >= ARC_JOB__MAX || kind == ARC_JOB_PAGE ||
	    kind == ARC_JOB_FILE)
		return DOS_INVAL;
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	/* The caps are read and the row added under one write lock. */
	if (cap > 0 || keep > 0) {
		if ((err = arc_prepare(a, "SELECT count(*) FILTER (WHERE state "
					  "IN ('queued', 'claimed')), count(*) "
					  "FILTER (WHERE state IN ('done', "
					  "'failed')) FROM job WHERE owner = ? "
					  "AND kind = ?", &st)) != DOS_OK)
			goto out;
		arc_bind_text(st, 1, owner);
		arc_bind_text(st, 2, arc_job_kinds[kind]);
		if (sqlite3_step(st) != SQLITE_ROW) {
			err = arc_db_err(a);
			sqlite3_finalize(st);
			goto out;
		}
		n = sqlite3_column_int64(st, 0);
		if (cap > 0 && n >= cap) {
			err = arc_say(msg, msglen, DOS_LIMIT, "you have %lld "
				      "%ss waiting or running, the most one "
				      "user may have; try again when one has "
				      "finished", (long long)n,
				      arc_job_kinds[kind]);
		} else if (keep > 0 &&
			   (n = sqlite3_column_int64(st, 1)) >= keep) {
			err = arc_say(msg, msglen, DOS_LIMIT, "you keep %lld "
				      "finished %ss, the most one user may "
				      "keep; each is removed a day after it "
				      "finished", (long long)n,
				      arc_job_kinds[kind]);
		}
		sqlite3_finalize(st);
		if (err != DOS_OK)
			goto out;
	}
	if ((err = arc_prepare(a, "INSERT INTO job(kind, state, owner, "
				  "batch_id, priority, spec, created) VALUES "
				  "(?, 'queued', ?, ?, ?, ?, ?)", &st)) !=
	    DOS_OK)
		goto out;
	arc_bind_text(st, 1, arc_job_kinds[kind]);
	arc_bind_text(st, 2, owner);
	if (batch > 0)
		sqlite3_bind_int64(st, 3, batch);
	sqlite3_bind_int(st, 4, priority);
	arc_bind_text(st, 5, spec);
	sqlite3_bind_double(st, 6, arc_unix_now());
	if ((err = run(a, st, "queue a job")) != DOS_OK)
		goto out;
	*pid = sqlite3_last_insert_rowid(a->db);
	err = arc_tx_commit(a);
out:
	if (err != DOS_OK) {
		arc_tx_rollback(a);
		*pid = 0;
	}
	return err;
}

enum dos_err
arc_queue_entries(struct arc *a, int64_t batch, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	json_t *arr;
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_prepare(a, "SELECT json_extract(spec, '$.entry'), id "
				  "FROM job WHERE batch_id = ? AND kind = "
				  "'file' ORDER BY id", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, batch);
	if ((arr = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
			arr, json_pack("{s:s,s:I}", "entry",
				       arc_col_text(st, 0), "id",
				       (json_int_t)sqlite3_column_int64(st,
									1)));
	sqlite3_finalize(st);
	*pout = arr;
	return DOS_OK;
}

