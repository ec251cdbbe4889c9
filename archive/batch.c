/*
 * batch.c: batch records: who scanned what and when, every file of a
 * batch with its outcome (ingested, duplicate, failed and why).
 * A batch remembers the process running it, so a batch whose process
 * died (killed, power cut) is found and closed as "interrupted" with the
 * counts of what it did finish; the files it was given are on record
 * from the start ("pending"), so an interrupted batch can be resumed.
 * A user whose role reaches less than the whole archive sees only their
 * own batches (file names tell whose papers were scanned); another's is
 * "not found", and the try audited.
 * A batch scanned from a scanner keeps its settings; when the scanner
 * stops (a jam, a lost device) the batch is "stopped" with what was
 * filed, and is later resumed by another process or closed.
 * Exports arc_batch_begin, arc_batch_plan, arc_batch_file, arc_batch_end,
 * arc_batch_pending,
 * arc_batch_finish, arc_batch_resume, arc_batch_get, arc_batch_list,
 * arc_batch_reap, arc_batch_scan_save, arc_batch_scan_resume,
 * arc_batch_close.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

enum dos_err
arc_batch_begin(struct arc *a, const char *user, int64_t *pid)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	enum dos_err err;

	char host[256];
	int n;

	if ((err = arc_batch_reap(a, &n)) != DOS_OK)
		return err;
	dos_now_iso(now);
	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if ((err = arc_prepare(a, "INSERT INTO batch(user, started, pid, "
				  "host) VALUES (?, ?, ?, ?)", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, user);
	arc_bind_text(st, 2, now);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)getpid());
	arc_bind_text(st, 4, host);
	if (sqlite3_step(st) != SQLITE_DONE) {
		dos_errx("%s: %s", __func__, arc_errmsg(a));
		err = DOS_DB;
	} else
		*pid = sqlite3_last_insert_rowid(a->db);
	sqlite3_finalize(st);
	return err;
}

/* Sets batch ?2's status ?3, its end time ?1 and the counts its files
 * record. */
#define BATCH_COUNTS                                                       \
	"UPDATE batch SET finished = ?1, status = ?3, files = (SELECT "     \
	"count(*) FROM batch_file WHERE batch_id = ?2), pages = (SELECT "   \
	"coalesce(sum(pages), 0) FROM batch_file WHERE batch_id = ?2), "    \
	"documents = (SELECT coalesce(sum(documents), 0) FROM batch_file "  \
	"WHERE batch_id = ?2), failures = (SELECT count(*) FROM batch_file " \
	"WHERE batch_id = ?2 AND outcome = 'failed') WHERE id = ?2"
/* The same, if it is still running. */
#define CLOSE_SQL BATCH_COUNTS " AND status = 'running'"

/* Whether process pid on this host is gone. */
static int
process_gone(sqlite3_int64 pid)
{
	return pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH);
}

enum dos_err
arc_batch_reap(struct arc *a, int *pn)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	char host[256], now[32], obj[48];
	int64_t ids[64];
	int i, n = 0, rc;
	enum dos_err err;

	*pn = 0;
	if (gethostname(host, sizeof(host)) != 0)
		return DOS_OK;
	host[sizeof(host) - 1] = '\0';
	if ((err = arc_prepare(a, "SELECT id, pid FROM batch WHERE status = "
				  "'running' AND host = ? AND pid IS NOT NULL "
				  "ORDER BY id LIMIT 64", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, host);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (process_gone(sqlite3_column_int64(st, 1)))
			ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return DOS_DB;
	if (n == 0)
		return DOS_OK;
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	/* The counts are what its files record. */
	if ((err = arc_prepare(a, CLOSE_SQL, &up)) != DOS_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_reset(up);
		arc_bind_text(up, 1, now);
		sqlite3_bind_int64(up, 2, ids[i]);
		arc_bind_text(up, 3, "interrupted");
		if (sqlite3_step(up) != SQLITE_DONE) {
			err = DOS_DB;
			goto fail;
		}
		snprintf(obj, sizeof(obj), "batch %lld", (long long)ids[i]);
		if ((err = arc_audit(a, "dossier", "batch-interrupted", obj,
				     "its process ended before the batch "
				     "did")) != DOS_OK)
			goto fail;
	}
	sqlite3_finalize(up);
	if ((err = arc_tx_commit(a)) == DOS_OK)
		*pn = n;
	return err;
fail:
	sqlite3_finalize(up);
	arc_tx_rollback(a);
	return err;
}

enum dos_err
arc_batch_end(struct arc *a, int64_t id, int files, int pages, int documents,
	      int failures)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	enum dos_err err;

	dos_now_iso(now);
	if ((err = arc_prepare(a, "UPDATE batch SET finished = ?, files = ?, "
				  "pages = ?, documents = ?, failures = ?, "
				  "status = 'done' WHERE id = ?", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, now);
	sqlite3_bind_int(st, 2, files);
	sqlite3_bind_int(st, 3, pages);
	sqlite3_bind_int(st, 4, documents);
	sqlite3_bind_int(st, 5, failures);
	sqlite3_bind_int64(st, 6, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		dos_errx("%s: %s", __func__, arc_errmsg(a));
		err = DOS_DB;
	}
	sqlite3_finalize(st);
	return err;
}

/* Binds a batch file's fields (?1 to ?8), steps and finalizes st. */
static enum dos_err
bind_file(struct arc *a, sqlite3_stmt *st, int64_t batch_id,
	  const char *name, const char *sha256, const char *outcome,
	  int pages, int documents, const char *error, const char *now)
{
	enum dos_err err = DOS_OK;
	char shown[4096];

	/* Names are kept as text: JSON shows them (a path may not be
	 * UTF-8; such bytes become '?'). */
	dos_utf8_clean(name, shown, sizeof(shown));
	sqlite3_bind_int64(st, 1, batch_id);
	arc_bind_text(st, 2, shown);
	arc_bind_text(st, 3, sha256);
	arc_bind_text(st, 4, outcome);
	sqlite3_bind_int(st, 5, pages);
	sqlite3_bind_int(st, 6, documents);
	arc_bind_text(st, 7, error);
	arc_bind_text(st, 8, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		dos_errx("batch file record: %s", arc_errmsg(a));
		err = arc_db_err(a);
	}
	sqlite3_finalize(st);
	return err;
}

enum dos_err
arc_batch_file(struct arc *a, int64_t batch_id, const char *name,
	       const char *sha256, const char *outcome, int pages,
	       int documents, const char *error)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	enum dos_err err;

	dos_now_iso(now);
	/* The file's pending entry takes the outcome; else a new entry. */
	if ((err = arc_prepare(a, "UPDATE batch_file SET sha256 = ?3, "
				  "outcome = ?4, pages = ?5, documents = ?6, "
				  "error = ?7, at = ?8 WHERE rowid = (SELECT "
				  "min(rowid) FROM batch_file WHERE batch_id "
				  "= ?1 AND name = ?2 AND outcome = "
				  "'pending')", &st)) != DOS_OK)
		return err;
	if ((err = bind_file(a, st, batch_id, name, sha256, outcome, pages,
			     documents, error, now)) != DOS_OK ||
	    sqlite3_changes(a->db) > 0)
		return err;
	if ((err = arc_prepare(a, "INSERT INTO batch_file(batch_id, name, "
				  "sha256, outcome, pages, documents, error, "
				  "at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			       &st)) != DOS_OK)
		return err;
	return bind_file(a, st, batch_id, name, sha256, outcome, pages,
			 documents, error, now);
}

enum dos_err
arc_batch_plan(struct arc *a, int64_t batch_id, char *const *names, int n)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int i;
	enum dos_err err;

	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "INSERT INTO batch_file(batch_id, name, "
				  "outcome, at) VALUES (?, ?, 'pending', ?)",
			       &st)) != DOS_OK)
		goto out;
	for (i = 0; i < n; i++) {
		char shown[4096];

		dos_utf8_clean(names[i], shown, sizeof(shown));
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, batch_id);
		arc_bind_text(st, 2, shown);
		arc_bind_text(st, 3, now);
		if (sqlite3_step(st) != SQLITE_DONE) {
			dos_errx("%s: %s", __func__, arc_errmsg(a));
			err = arc_db_err(a);
			goto out;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	err = arc_tx_commit(a);
out:
	sqlite3_finalize(st);
	if (err != DOS_OK)
		arc_tx_rollback(a);
	return err;
}

enum dos_err
arc_batch_finish(struct arc *a, int64_t id, int interrupted)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	enum dos_err err;

	dos_now_iso(now);
	if ((err = arc_prepare(a, CLOSE_SQL, &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	arc_bind_text(st, 3, interrupted ? "interrupted" : "done");
	return arc_step_once(a, st, "close batch");
}

enum dos_err
arc_batch_resume(struct arc *a, const char *user, int64_t id,
		 json_t **ppending, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	json_t *list = NULL;
	char host[256], obj[48], status[32] = "";
	int n, rc;
	enum dos_err err;

	*ppending = NULL;
	msg[0] = '\0';
	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	/* A batch whose process just died is interrupted, not running. */
	if ((err = arc_batch_reap(a, &n)) != DOS_OK)
		return err;
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT status FROM batch WHERE id = ?",
			       &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(status, sizeof(status), "%s", arc_col_text(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? DOS_NOTFOUND : arc_db_err(a);
		snprintf(msg, msglen, "batch %lld: %s", (long long)id,
			 err == DOS_NOTFOUND ? "no such batch"
					     : dos_strerror(err));
		goto out;
	}
	if (strcmp(status, "interrupted") != 0) {
		err = DOS_CONFLICT;
		snprintf(msg, msglen, "batch %lld is %s; only an interrupted "
			 "batch can be resumed", (long long)id,
			 strcmp(status, "running") == 0
				 ? "still running (its process is alive)"
				 : "finished");
		goto out;
	}
	if ((list = json_array()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if ((err = arc_prepare(a, "SELECT name FROM batch_file WHERE "
				  "batch_id = ? AND outcome = 'pending' ORDER "
				  "BY rowid", &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(list, json_string(arc_col_text(st, 0)));
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		err = arc_db_err(a);
		goto out;
	}
	if ((err = arc_prepare(a, "UPDATE batch SET status = 'running', "
				  "finished = NULL, pid = ?, host = ? WHERE "
				  "id = ?", &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)getpid());
	arc_bind_text(st, 2, host);
	sqlite3_bind_int64(st, 3, id);
	err = arc_step_once(a, st, "resume batch");
	st = NULL;
	snprintf(obj, sizeof(obj), "batch %lld", (long long)id);
	snprintf(host, sizeof(host), "%zu file(s) still to ingest",
		 json_array_size(list));
	if (err == DOS_OK &&
	    (err = arc_audit(a, user, "batch-resumed", obj, host)) == DOS_OK)
		err = arc_tx_commit(a);
out:
	sqlite3_finalize(st);
	if (err != DOS_OK) {
		arc_tx_rollback(a);
		json_decref(list);
		list = NULL;
		if (msg[0] == '\0')
			snprintf(msg, msglen, "batch %lld cannot be resumed: "
				 "%s", (long long)id, dos_strerror(err));
	}
	*ppending = list;
	return err;
}

/* One batch row as JSON (columns as selected by BATCH_COLS). */
#define BATCH_COLS                                                     \
	"id, user, started, finished, files, pages, documents, failures, " \
	"status"

static json_t *
batch_json(sqlite3_stmt *st)
{
	return json_pack("{s:I,s:s,s:s,s:o,s:i,s:i,s:i,s:i,s:s}", "id",
			 (json_int_t)sqlite3_column_int64(st, 0), "user",
			 arc_col_text(st, 1), "started", arc_col_text(st, 2),
			 "finished", arc_col_json_text(st, 3), "files",
			 sqlite3_column_int(st, 4), "pages",
			 sqlite3_column_int(st, 5), "documents",
			 sqlite3_column_int(st, 6), "failures",
			 sqlite3_column_int(st, 7), "status",
			 arc_col_text(st, 8));
}

/* Whether who sees every user's batches (or only their own). */
static int
all_batches(const struct arc_user *who)
{
	return who->local || strcmp(who->scope, "all") == 0;
}

enum dos_err
arc_batch_get(struct arc *a, const struct arc_user *who, int64_t id,
	      json_t **pout)
{
	sqlite3_stmt *st = NULL, *fst = NULL;
	json_t *b = NULL, *files = NULL;
	char obj[48];
	int foreign = 0;
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_may(a, who, ARC_INGEST, ARC_OBJ_NONE, 0, NULL, 0)) !=
	    DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT " BATCH_COLS " FROM batch "
				  "WHERE id = ?", &st)) != DOS_OK ||
	    (err = arc_prepare(a, "SELECT name, sha256, outcome, pages, "
				  "documents, error, at FROM batch_file "
				  "WHERE batch_id = ? ORDER BY rowid",
			       &fst)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		err = DOS_NOTFOUND;
		goto out;
	}
	if (!all_batches(who) && strcmp(arc_col_text(st, 1), who->name) != 0) {
		foreign = 1;
		err = DOS_NOTFOUND;
		goto out;
	}
	if ((b = batch_json(st)) == NULL || (files = json_array()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	sqlite3_bind_int64(fst, 1, id);
	while (sqlite3_step(fst) == SQLITE_ROW) {
		char up[256], name[256];

		/* An uploaded file by the name it was uploaded with: the
		 * record keeps its spool path for a resume, which is the
		 * server's business, not the clerk's. */
		if (arc_spool_name(a, arc_col_text(fst, 0), up, sizeof(up)))
			dos_utf8_clean(up, name, sizeof(name));
		else
			snprintf(name, sizeof(name), "%s",
				 arc_col_text(fst, 0));
		json_array_append_new(
			files,
			json_pack("{s:s,s:o,s:s,s:i,s:i,s:o,s:s}", "name",
				  name, "sha256",
				  arc_col_json_text(fst, 1), "outcome",
				  arc_col_text(fst, 2), "pages",
				  sqlite3_column_int(fst, 3), "documents",
				  sqlite3_column_int(fst, 4), "error",
				  arc_col_json_text(fst, 5), "at",
				  arc_col_text(fst, 6)));
	}
	json_object_set_new(b, "entries", files);
	files = NULL;
	*pout = b;
	b = NULL;
out:
	json_decref(b);
	json_decref(files);
	sqlite3_finalize(st);
	sqlite3_finalize(fst);
	if (foreign) {
		snprintf(obj, sizeof(obj), "batch %lld", (long long)id);
		arc_audit(a, who->name, "deny", obj,
			  "ingest: another user's batch (answered as not "
			  "found)");
	}
	return err;
}

enum dos_err
arc_batch_pending(struct arc *a, const struct arc_user *who, int64_t id,
		  json_t **pout)
{
	sqlite3_stmt *st = NULL;
	json_t *b = NULL, *list;
	enum dos_err err;
	int rc;

	*pout = NULL;
	/* Who may see the batch at all (arc_batch_get's rule). */
	if ((err = arc_batch_get(a, who, id, &b)) != DOS_OK)
		return err;
	json_decref(b);
	if ((err = arc_prepare(a, "SELECT name FROM batch_file WHERE "
				  "batch_id = ? AND outcome = 'pending' ORDER "
				  "BY rowid", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if ((list = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(list, json_string(arc_col_text(st, 0)));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(list);
		return arc_db_err(a);
	}
	*pout = list;
	return DOS_OK;
}

enum dos_err
arc_batch_list(struct arc *a, const struct arc_user *who, int limit,
	       json_t **pout)
{
	sqlite3_stmt *st = NULL;
	json_t *arr;
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_may(a, who, ARC_INGEST, ARC_OBJ_NONE, 0, NULL, 0)) !=
	    DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT " BATCH_COLS " FROM batch "
				  "WHERE ? OR user = ? "
				  "ORDER BY id DESC LIMIT ?", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int(st, 1, all_batches(who));
	arc_bind_text(st, 2, who->name);
	sqlite3_bind_int(st, 3, limit > 0 ? limit : 50);
	if ((arr = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, batch_json(st));
	sqlite3_finalize(st);
	*pout = arr;
	return DOS_OK;
}

enum dos_err
arc_batch_scan_save(struct arc *a, int64_t id, const char *scan)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "UPDATE batch SET scan = ? WHERE id = ?",
			       &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, scan);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		dos_errx("%s: %s", __func__, arc_errmsg(a));
		err = DOS_DB;
	} else if (sqlite3_changes(a->db) != 1)
		err = DOS_NOTFOUND;
	sqlite3_finalize(st);
	return err;
}


enum dos_err
arc_batch_scan_finish(struct arc *a, int64_t id, const char *status)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	enum dos_err err;

	if (strcmp(status, "done") != 0 && strcmp(status, "stopped") != 0)
		return DOS_INVAL;
	dos_now_iso(now);
	if ((err = arc_prepare(a, BATCH_COUNTS, &st)) != DOS_OK)
		return err;
	/* A stopped batch is not finished: it waits to be resumed. */
	if (strcmp(status, "done") == 0)
		arc_bind_text(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	arc_bind_text(st, 3, status);
	return arc_step_once(a, st, "batch counts");
}

/*
 * Loads batch id's user, status and scan settings; says in msg why who
 * may not take it up (only its own user, or the local administrator).
 */
static enum dos_err
scan_batch_check(struct arc *a, const struct arc_user *who, int64_t id,
		 char **pscan, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	const char *status, *scan;
	char obj[48];
	enum dos_err err;

	if (pscan != NULL)
		*pscan = NULL;
	if ((err = arc_may(a, who, ARC_INGEST, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT user, status, scan FROM batch "
				  "WHERE id = ?", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		snprintf(msg, msglen, "there is no batch %lld",
			 (long long)id);
		err = DOS_NOTFOUND;
		goto out;
	}
	status = arc_col_text(st, 1);
	scan = (const char *)sqlite3_column_text(st, 2);
	if (!who->local && strcmp(arc_col_text(st, 0), who->name) != 0 &&
	    !all_batches(who)) {
		/* As for arc_batch_get: another's batch is not there. */
		snprintf(msg, msglen, "there is no batch %lld",
			 (long long)id);
		err = DOS_NOTFOUND;
		snprintf(obj, sizeof(obj), "batch %lld", (long long)id);
		arc_audit(a, who->name, "deny", obj,
			  "ingest: another user's batch (answered as not "
			  "found)");
	} else if (!who->local && strcmp(arc_col_text(st, 0), who->name) !=
					  0) {
		snprintf(msg, msglen, "batch %lld is %s's; only they can "
				      "resume or close it", (long long)id,
			 arc_col_text(st, 0));
		err = DOS_PERM;
	} else if (scan == NULL) {
		snprintf(msg, msglen, "batch %lld was not scanned from a "
				      "scanner; only a scan can be resumed "
				      "or closed", (long long)id);
		err = DOS_CONFLICT;
	} else if (strcmp(status, "stopped") != 0 &&
		   strcmp(status, "interrupted") != 0) {
		snprintf(msg, msglen, "batch %lld is %s, not stopped",
			 (long long)id, status);
		err = DOS_CONFLICT;
	} else if (pscan != NULL && (*pscan = strdup(scan)) == NULL)
		err = DOS_NOMEM;
out:
	sqlite3_finalize(st);
	return err;
}

enum dos_err
arc_batch_scan_resume(struct arc *a, const struct arc_user *who,
		      int64_t id, char **pscan, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char host[256];
	enum dos_err err;

	if ((err = scan_batch_check(a, who, id, pscan, msg, msglen)) != DOS_OK)
		return err;
	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	/* Only one process takes it up: the status is the lock. */
	if ((err = arc_prepare(a, "UPDATE batch SET status = 'running', "
				  "finished = NULL, pid = ?, host = ? WHERE "
				  "id = ? AND status IN ('stopped', "
				  "'interrupted')", &st)) != DOS_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)getpid());
	arc_bind_text(st, 2, host);
	sqlite3_bind_int64(st, 3, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		dos_errx("%s: %s", __func__, arc_errmsg(a));
		err = DOS_DB;
		goto fail;
	}
	if (sqlite3_changes(a->db) != 1) {
		snprintf(msg, msglen, "batch %lld was resumed by someone else "
				      "meanwhile", (long long)id);
		err = DOS_CONFLICT;
		goto fail;
	}
	sqlite3_finalize(st);
	return DOS_OK;
fail:
	sqlite3_finalize(st);
	if (pscan != NULL) {
		free(*pscan);
		*pscan = NULL;
	}
	return err;
}

enum dos_err
arc_batch_close(struct arc *a, const struct arc_user *who, int64_t id,
		char *msg, size_t msglen)
{
	char obj[48];
	enum dos_err err;

	if ((err = scan_batch_check(a, who, id, NULL, msg, msglen)) != DOS_OK)
		return err;
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	snprintf(obj, sizeof(obj), "batch %lld", (long long)id);
	if ((err = arc_batch_scan_finish(a, id, "done")) != DOS_OK ||
	    (err = arc_audit(a, who->name, "batch-close", obj,
			     "closed without resuming")) != DOS_OK) {
		arc_tx_rollback(a);
		return err;
	}
	return arc_tx_commit(a);
}
