/*
 * queueview.c: what the queue shows and how a batch in it is stopped:
 * a batch's progress (pages done, queued, failed; pages per minute; time
 * left; each file's documents), the queue as a whole for `dossier jobs`
 * (workers alive, claims and their leases, pages queued per batch and
 * per user), cancelling a batch, and forgetting old finished jobs.
 * Exports arc_batch_progress, arc_queue_status, arc_batch_cancel,
 * arc_job_expire, arc_queue_spooled, arc_workers_alive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define ALIVE_SECONDS (3 * ARC_JOB_LEASE) /* a worker not seen: gone */

static json_t *
parsed(sqlite3_stmt *st, int i)
{
	json_t *j = NULL;

	if (sqlite3_column_type(st, i) != SQLITE_NULL)
		j = json_loads(arc_col_text(st, i), JSON_DECODE_ANY, NULL);
	return j;
}

/* Whether who sees every user's batches (as batch.c says). */
static int
all_batches(const struct arc_user *who)
{
	return who->local || strcmp(who->scope, "all") == 0;
}

/*
 * Loads batch id's owner and status for who; another user's is "not
 * found", and the try audited.
 */
static enum dos_err
batch_of(struct arc *a, const struct arc_user *who, int64_t id, char *status,
	 size_t n, int *pscan, double *pstarted)
{
	sqlite3_stmt *st = NULL;
	char obj[48];
	int rc, foreign = 0;
	enum dos_err err;

	if ((err = arc_may(a, who, ARC_INGEST, ARC_OBJ_NONE, 0, NULL, 0)) !=
	    DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT user, status, scan IS NOT NULL, "
				  "strftime('%s', started) FROM batch WHERE id = ?",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		foreign = !all_batches(who) &&
			  strcmp(arc_col_text(st, 0), who->name) != 0;
		snprintf(status, n, "%s", arc_col_text(st, 1));
		if (pscan != NULL)
			*pscan = sqlite3_column_int(st, 2);
		if (pstarted != NULL)
			*pstarted = sqlite3_column_double(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? DOS_NOTFOUND : arc_db_err(a);
	if (foreign) {
		snprintf(obj, sizeof(obj), "batch %lld", (long long)id);
		arc_audit(a, who->name, "deny", obj,
			  "ingest: another user's batch (answered as not "
			  "found)");
		return DOS_NOTFOUND;
	}
	return DOS_OK;
}

/* A file's documents as the scan station shows them. */
static json_t *
file_docs(const json_t *result)
{
	json_t *list = json_array(), *d;
	int dup = json_is_true(json_object_get(result, "duplicate"));
	size_t k;

	json_array_foreach(json_object_get(result, "documents"), k, d)
		json_array_append_new(
			list, json_pack("{s:O?,s:O?,s:O?,s:b}", "id",
					json_object_get(d, "id"), "pages",
					json_object_get(d, "pages"), "status",
					json_object_get(d, "status"),
					"duplicate", dup));
	return list;
}

enum dos_err
arc_batch_progress(struct arc *a, const struct arc_user *who, int64_t id,
		   json_t **pout)
{
	sqlite3_stmt *st = NULL;
	json_t *out = NULL, *files = NULL, *scan = NULL;
	char status[32] = "";
	int scanned = 0, njobs = 0, rc;
	int files_total = 0, files_done = 0;
	int pages_total = 0, done = 0, queued = 0, failed = 0, claimed = 0;
	double started = 0, first = 0, last = 0, rate = 0, t = arc_unix_now();
	enum dos_err err;

	*pout = NULL;
	if ((err = batch_of(a, who, id, status, sizeof(status), &scanned,
			    &started)) != DOS_OK)
		return err;
	if ((files = json_array()) == NULL)
		return DOS_NOMEM;
	/* Its files, in the order they were given. */
	if ((err = arc_prepare(a, "SELECT state, spec, result, error FROM job "
				  "WHERE batch_id = ? AND kind = 'file' ORDER "
				  "BY id", &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *state = arc_col_text(st, 0);
		json_t *spec = parsed(st, 1), *res = parsed(st, 2), *f;

		njobs++;
		files_total++;
		if (strcmp(state, "done") == 0 || strcmp(state, "failed") == 0) {
			files_done++;
			f = json_pack("{s:s,s:o}", "name",
				      json_string_value(json_object_get(
					      spec, "name"))
					      ?: "?",
				      "documents", file_docs(res));
			if (f != NULL && strcmp(state, "failed") == 0)
				json_object_set_new(
					f, "error",
					json_string(arc_col_text(st, 3)));
			json_array_append_new(files, f);
		}
		json_decref(spec);
		json_decref(res);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		err = arc_db_err(a);
		goto out;
	}
	if ((err = arc_prepare(a, "SELECT state, count(*), min(started), "
				  "max(finished) FROM job WHERE batch_id = ? "
				  "AND kind = 'page' GROUP BY state", &st)) !=
	    DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *state = arc_col_text(st, 0);
		int n = sqlite3_column_int(st, 1);

		njobs += n;
		pages_total += n;
		if (strcmp(state, "done") == 0) {
			done = n;
			first = sqlite3_column_double(st, 2);
			last = sqlite3_column_double(st, 3);
		} else if (strcmp(state, "queued") == 0)
			queued = n;
		else if (strcmp(state, "claimed") == 0)
			claimed = n;
		else if (strcmp(state, "failed") == 0)
			failed = n;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		err = arc_db_err(a);
		goto out;
	}
	/* A scan's own row: what its worker last said. */
	if ((err = arc_prepare(a, "SELECT state, progress, result, error FROM "
				  "job WHERE batch_id = ? AND kind = 'scan' "
				  "ORDER BY id DESC LIMIT 1", &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		json_t *res = parsed(st, 2);

		njobs++;
		scan = parsed(st, 1);
		if (scan == NULL)
			scan = json_object();
		if (res != NULL)
			json_object_update(scan, res);
		json_decref(res);
		json_object_set_new(scan, "job_state",
				    json_string(arc_col_text(st, 0)));
	}
	sqlite3_finalize(st);
	if (njobs == 0) {
		/* Not run by the queue (a batch from before it). */
		err = DOS_NOTFOUND;
		goto out;
	}
	if (done > 0 && (last > first ? last : t) - first > 0)
		rate = done * 60.0 / ((status[0] == 'r' ? t : last) - first);
	out = json_pack("{s:I,s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:f,s:o,"
			"s:f,s:O}",
			"batch", (json_int_t)id, "state", status, "kind",
			scan != NULL ? "scan" : "files", "files_total",
			files_total, "files_done", files_done, "pages_total",
			pages_total, "pages_done", done, "pages_queued",
			queued, "pages_reading", claimed, "pages_failed",
			failed, "pages_per_min", rate, "seconds_left",
			rate > 0 && (queued + claimed) > 0
				? json_real((queued + claimed) * 60.0 / rate)
				: json_null(),
			"elapsed", started > 0 ? t - started : 0.0, "files",
			files);
	if (out == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if (scan != NULL) {
		const char *js = json_string_value(
			json_object_get(scan, "job_state"));

		/* The scan station's fields of a scan. */
		json_object_update(out, scan);
		json_object_set_new(out, "kind", json_string("scan"));
		json_object_set_new(out, "batch", json_integer(id));
		/* Its row not ended yet: the worker has not said how the
		 * scan ended (nor resumed it); it runs. */
		if (js != NULL && (strcmp(js, "queued") == 0 ||
				   strcmp(js, "claimed") == 0))
			json_object_set_new(out, "state",
					    json_string("running"));
		else if (strcmp(status, "running") == 0 ||
			 strcmp(status, "stopped") == 0 ||
			 strcmp(status, "done") == 0)
			json_object_set_new(out, "state", json_string(status));
	}
	*pout = out;
	out = NULL;
out:
	json_decref(out);
	json_decref(files);
	json_decref(scan);
	return err;
}

enum dos_err
arc_batch_cancel(struct arc *a, const struct arc_user *who, int64_t id,
		 char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char status[32] = "", now[32], obj[48], detail[96];
	char **paths = NULL;
	int npaths = 0, cap = 0, dropped = 0, i, rc;
	enum dos_err err;

	msg[0] = '\0';
	if ((err = batch_of(a, who, id, status, sizeof(status), NULL, NULL)) !=
	    DOS_OK) {
		if (err == DOS_NOTFOUND)
			snprintf(msg, msglen, "there is no batch %lld",
				 (long long)id);
		return err;
	}
	if (strcmp(status, "running") != 0 && strcmp(status, "stopped") != 0 &&
	    strcmp(status, "interrupted") != 0)
		return arc_say(msg, msglen, DOS_CONFLICT, "batch %lld is %s; "
			       "there is nothing left to cancel",
			       (long long)id, status);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	/* The spooled files of its files not filed go with it. */
	if ((err = arc_prepare(a, "SELECT path FROM job WHERE batch_id = ? "
				  "AND kind = 'file' AND spooled = 1 AND state "
				  "IN ('waiting', 'queued', 'claimed')",
			       &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char **np;

		if (npaths == cap) {
			cap = cap ? 2 * cap : 16;
			if ((np = realloc(paths, (size_t)cap *
							 sizeof(*np))) == NULL) {
				err = DOS_NOMEM;
				break;
			}
			paths = np;
		}
		if ((paths[npaths] = strdup(arc_col_text(st, 0))) != NULL)
			npaths++;
	}
	sqlite3_finalize(st);
	if (err != DOS_OK)
		goto out;
	if ((err = arc_prepare(a, "UPDATE job SET state = 'cancelled', lease "
				  "= NULL, finished = ? WHERE batch_id = ? AND "
				  "state IN ('waiting', 'queued', 'claimed')",
			       &st)) != DOS_OK)
		goto out;
	sqlite3_bind_double(st, 1, arc_unix_now());
	sqlite3_bind_int64(st, 2, id);
	if ((err = arc_step_once(a, st, "cancel a batch")) != DOS_OK)
		goto out;
	dropped = sqlite3_changes(a->db);
	/* Its files not filed are recorded as such. */
	if ((err = arc_prepare(a, "UPDATE batch_file SET outcome = 'failed', "
				  "error = 'cancelled before it was filed' "
				  "WHERE batch_id = ? AND outcome = 'pending'",
			       &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((err = arc_step_once(a, st, "cancel files")) != DOS_OK)
		goto out;
	dos_now_iso(now);
	if ((err = arc_prepare(a, ARC_BATCH_COUNTS, &st)) != DOS_OK)
		goto out;
	arc_bind_text(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	arc_bind_text(st, 3, "cancelled");
	if ((err = arc_step_once(a, st, "batch counts")) != DOS_OK)
		goto out;
	snprintf(obj, sizeof(obj), "batch %lld", (long long)id);
	snprintf(detail, sizeof(detail), "%d unfinished job(s) dropped",
		 dropped);
	if ((err = arc_audit(a, who->name, "batch-cancel", obj, detail)) !=
	    DOS_OK)
		goto out;
	err = arc_tx_commit(a);
	if (err == DOS_OK)
		snprintf(msg, msglen, "batch %lld cancelled: %d unfinished "
			 "job(s) dropped; what was filed stays",
			 (long long)id, dropped);
out:
	if (err != DOS_OK)
		arc_tx_rollback(a);
	for (i = 0; i < npaths; i++) {
		if (err == DOS_OK)
			arc_spool_release(a, paths[i]);
		free(paths[i]);
	}
	free(paths);
	return err;
}

enum dos_err
arc_queue_status(struct arc *a, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	json_t *out = NULL, *workers, *claims, *batches, *users;
	double t = arc_unix_now();
	int rc;
	enum dos_err err = DOS_OK;

	*pout = NULL;
	workers = json_array();
	claims = json_array();
	batches = json_array();
	users = json_array();
	if (workers == NULL || claims == NULL || batches == NULL ||
	    users == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if ((err = arc_prepare(a, "SELECT name, host, pid, threads, seen FROM "
				  "worker ORDER BY name", &st)) != DOS_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
			workers,
			json_pack("{s:s,s:s,s:I,s:i,s:f,s:b}", "name",
				  arc_col_text(st, 0), "host",
				  arc_col_text(st, 1), "pid",
				  (json_int_t)sqlite3_column_int64(st, 2),
				  "threads", sqlite3_column_int(st, 3),
				  "seen_seconds_ago",
				  t - sqlite3_column_double(st, 4), "alive",
				  t - sqlite3_column_double(st, 4) <
					  ALIVE_SECONDS));
	sqlite3_finalize(st);
	if ((err = arc_prepare(a, "SELECT id, kind, batch_id, owner, worker, "
				  "attempts, lease FROM job WHERE state = "
				  "'claimed' ORDER BY id", &st)) != DOS_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
			claims,
			json_pack("{s:I,s:s,s:o,s:s,s:s,s:i,s:f}", "id",
				  (json_int_t)sqlite3_column_int64(st, 0),
				  "kind", arc_col_text(st, 1), "batch",
				  arc_col_json_int(st, 2), "owner",
				  arc_col_text(st, 3), "worker",
				  arc_col_text(st, 4), "attempts",
				  sqlite3_column_int(st, 5), "lease_left",
				  sqlite3_column_double(st, 6) - t));
	sqlite3_finalize(st);
	if ((err = arc_prepare(a, "SELECT batch_id, owner, count(*) FILTER "
				  "(WHERE state = 'queued'), count(*) FILTER "
				  "(WHERE state = 'claimed'), count(*) FILTER "
				  "(WHERE state = 'done'), count(*) FILTER "
				  "(WHERE state = 'failed') FROM job WHERE "
				  "kind = 'page' AND batch_id IN (SELECT "
				  "DISTINCT batch_id FROM job WHERE state IN "
				  "('waiting', 'queued', 'claimed')) GROUP BY "
				  "batch_id ORDER BY batch_id", &st)) != DOS_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
			batches,
			json_pack("{s:I,s:s,s:i,s:i,s:i,s:i}", "batch",
				  (json_int_t)sqlite3_column_int64(st, 0),
				  "owner", arc_col_text(st, 1), "queued",
				  sqlite3_column_int(st, 2), "reading",
				  sqlite3_column_int(st, 3), "done",
				  sqlite3_column_int(st, 4), "failed",
				  sqlite3_column_int(st, 5)));
	sqlite3_finalize(st);
	if ((err = arc_prepare(a, "SELECT owner, count(*) FILTER (WHERE kind "
				  "= 'page'), coalesce(sum(bytes), 0), count(*) "
				  "FILTER (WHERE kind NOT IN ('page', 'file')) "
				  "FROM job WHERE state IN ('waiting', "
				  "'queued', 'claimed') GROUP BY owner ORDER BY "
				  "owner", &st)) != DOS_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
			users, json_pack("{s:s,s:i,s:I,s:i}", "owner",
					 arc_col_text(st, 0), "pages_queued",
					 sqlite3_column_int(st, 1),
					 "spooled_bytes",
					 (json_int_t)sqlite3_column_int64(st,
									  2),
					 "other_jobs",
					 sqlite3_column_int(st, 3)));
	sqlite3_finalize(st);
	out = json_pack("{s:O,s:O,s:O,s:O}", "workers", workers, "claims",
			claims, "batches", batches, "users", users);
	if (out == NULL)
		err = DOS_NOMEM;
	*pout = out;
out:
	json_decref(workers);
	json_decref(claims);
	json_decref(batches);
	json_decref(users);
	return err;
}

enum dos_err
arc_job_expire(struct arc *a, double max_age, int *pn)
{
	sqlite3_stmt *st = NULL;
	int64_t ids[256];
	char *paths[256];
	int n = 0, i;
	enum dos_err err;

	*pn = 0;
	if ((err = arc_prepare(a, "SELECT id, json_extract(result, '$.file') FROM job "
				  "WHERE kind = 'export' AND state IN ('done', "
				  "'failed', 'cancelled') AND finished < ? "
				  "LIMIT 256", &st)) != DOS_OK)
		return err;
	sqlite3_bind_double(st, 1, arc_unix_now() - max_age);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(st, 0);
		paths[n] = sqlite3_column_type(st, 1) == SQLITE_NULL
				   ? NULL
				   : strdup(arc_col_text(st, 1));
		n++;
	}
	sqlite3_finalize(st);
	if ((err = arc_prepare(a, "DELETE FROM job WHERE id = ?", &st)) !=
	    DOS_OK)
		goto out;
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ids[i]);
		if (sqlite3_step(st) != SQLITE_DONE) {
			err = arc_db_err(a);
			break;
		}
		/* Its file goes once its row does. */
		if (paths[i] != NULL)
			arc_spool_release(a, paths[i]);
		(*pn)++;
	}
	sqlite3_finalize(st);
out:
	for (i = 0; i < n; i++)
		free(paths[i]);
	return err;
}

enum dos_err
arc_queue_spooled(struct arc *a, const char *owner, uint64_t *puser,
		  uint64_t *ptotal)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	*puser = *ptotal = 0;
	if ((err = arc_prepare(a, "SELECT coalesce(sum(bytes) FILTER (WHERE "
				  "owner = ?), 0), coalesce(sum(bytes), 0) "
				  "FROM job WHERE kind = 'file' AND state IN "
				  "('waiting', 'queued', 'claimed')", &st)) !=
	    DOS_OK)
		return err;
	arc_bind_text(st, 1, owner);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*puser = (uint64_t)sqlite3_column_int64(st, 0);
		*ptotal = (uint64_t)sqlite3_column_int64(st, 1);
	} else
		err = arc_db_err(a);
	sqlite3_finalize(st);
	return err;
}

enum dos_err
arc_workers_alive(struct arc *a, int *pn)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	*pn = 0;
	if ((err = arc_prepare(a, "SELECT count(*) FROM worker WHERE seen > ?",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_double(st, 1, arc_unix_now() - ALIVE_SECONDS);
	if (sqlite3_step(st) == SQLITE_ROW)
		*pn = sqlite3_column_int(st, 0);
	else
		err = arc_db_err(a);
	sqlite3_finalize(st);
	return err;
}
