/*
 * worklist.c: what waits for whom, for the landing screens: open
 * deletions (those one asked for, those one may approve, and for an
 * administrator every one with its hold), legal holds in force, and a
 * summary of the audit log over the last days.  Read only; nothing here
 * is audited but the audit summary (reading the log is).
 * Exports arc_deletion_list, arc_hold_list, arc_audit_summary.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

enum dos_err
arc_deletion_list(struct arc *a, const struct arc_user *who, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	struct arc_sql q;
	char msg[128];
	json_t *list = NULL;
	int all = who->local || (who->actions & (1u << ARC_PURGE));
	int approver = (who->actions & (1u << ARC_APPROVE)) != 0;
	enum dos_err err;

	*pout = NULL;
	arc_sql_init(&q, a, msg, sizeof(msg));
	arc_sql_add(&q, "SELECT x.id, d.id, d.archive_no, d.title, x.reason, "
			"x.requested_by, x.requested_at, x.approved_by, "
			"x.hold_until, x.status, (SELECT count(*) FROM "
			"legal_hold h WHERE h.released_at IS NULL AND "
			"(h.document_id = d.id OR h.customer_id = "
			"d.customer_id)) FROM deletion x JOIN document d ON "
			"d.id = x.document_id LEFT JOIN customer c ON c.id = "
			"d.customer_id WHERE x.status IN ('requested', "
			"'approved')");
	if (!all) {
		/* One's own requests; an approver's waiting ones in scope. */
		arc_sql_add(&q, " AND (x.requested_by = ");
		arc_sql_text(&q, who->name, 0);
		if (approver) {
			arc_sql_add(&q, " OR (x.status = 'requested' AND 1");
			arc_scope_cond(&q, who, ARC_APPROVE);
			arc_sql_add(&q, ")");
		}
		arc_sql_add(&q, ")");
	}
	arc_sql_add(&q, " ORDER BY x.requested_at, x.id LIMIT 200");
	if ((err = q.err) != DOS_OK ||
	    (err = arc_prepare(a, q.sql.data, &st)) != DOS_OK)
		goto out;
	arc_sql_bind(&q, st);
	if ((list = json_array()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
			list,
			json_pack("{s:I,s:I,s:o,s:o,s:s,s:s,s:s,s:o,s:o,s:s,"
				  "s:b,s:b}",
				  "id", (json_int_t)sqlite3_column_int64(st, 0),
				  "document",
				  (json_int_t)sqlite3_column_int64(st, 1),
				  "archive_no", arc_col_json_text(st, 2),
				  "title", arc_col_json_text(st, 3), "reason",
				  arc_col_text(st, 4), "requested_by",
				  arc_col_text(st, 5), "requested_at",
				  arc_col_text(st, 6), "approved_by",
				  arc_col_json_text(st, 7), "hold_until",
				  arc_col_json_text(st, 8), "status",
				  arc_col_text(st, 9), "held",
				  sqlite3_column_int(st, 10) > 0, "mine",
				  strcmp(arc_col_text(st, 5), who->name) ==
					  0));
	*pout = list;
	list = NULL;
out:
	json_decref(list);
	sqlite3_finalize(st);
	arc_sql_free(&q);
	return err;
}

enum dos_err
arc_hold_list(struct arc *a, const struct arc_user *who, json_t **pout,
	      char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	json_t *list;
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg, msglen)) !=
	    DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT h.id, c.number, c.name, "
				  "h.document_id, d.archive_no, h.reason, "
				  "h.placed_by, h.placed_at FROM legal_hold h "
				  "LEFT JOIN customer c ON c.id = "
				  "h.customer_id LEFT JOIN document d ON d.id "
				  "= h.document_id WHERE h.released_at IS "
				  "NULL ORDER BY h.placed_at, h.id",
			       &st)) != DOS_OK)
		return err;
	if ((list = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
			list, json_pack("{s:I,s:o,s:o,s:o,s:o,s:s,s:s,s:s}",
					"id",
					(json_int_t)sqlite3_column_int64(st, 0),
					"customer", arc_col_json_text(st, 1),
					"customer_name",
					arc_col_json_text(st, 2), "document",
					arc_col_json_int(st, 3), "archive_no",
					arc_col_json_text(st, 4), "reason",
					arc_col_text(st, 5), "placed_by",
					arc_col_text(st, 6), "placed_at",
					arc_col_text(st, 7)));
	sqlite3_finalize(st);
	*pout = list;
	return DOS_OK;
}

/*
 * The first audit entry at or after since: entries are appended in time
 * order, so a bisection over their ids finds it without an index on ts.
 */
static enum dos_err
first_since(struct arc *a, const char *since, int64_t *pid)
{
	sqlite3_stmt *st = NULL;
	int64_t lo = 1, hi = 0, mid;
	enum dos_err err;

	*pid = 1;
	if ((err = arc_prepare(a, "SELECT max(id) FROM audit", &st)) !=
	    DOS_OK)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW)
		hi = sqlite3_column_int64(st, 0) + 1;
	sqlite3_finalize(st);
	if ((err = arc_prepare(a, "SELECT ts FROM audit WHERE id >= ? ORDER "
				  "BY id LIMIT 1", &st)) != DOS_OK)
		return err;
	/* The answer lies in [lo, hi]: hi past the last entry. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, mid);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    strcmp(arc_col_text(st, 0), since) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	sqlite3_finalize(st);
	*pid = lo;
	return DOS_OK;
}

enum dos_err
arc_audit_summary(struct arc *a, const struct arc_user *who, int days,
		  json_t **pout, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	json_t *by = NULL, *out = NULL;
	char since[32];
	time_t t;
	struct tm tm;
	long long total = 0, denials = 0, n;
	int64_t first;
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_may(a, who, ARC_AUDIT_READ, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	if (days < 1 || days > 366)
		return arc_say(msg, msglen, DOS_INVAL,
			       "days must be 1 to 366%s", "");
	t = time(NULL) - (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((err = arc_audit(a, who->name, "audit.read", "-",
			     "summary")) != DOS_OK)
		return err;
	if ((err = first_since(a, since, &first)) != DOS_OK ||
	    (err = arc_prepare(a, "SELECT action, count(*) FROM audit WHERE "
				  "id >= ? GROUP BY action ORDER BY 2 DESC, 1",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, first);
	if ((by = json_object()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 1);
		total += n;
		if (strcmp(arc_col_text(st, 0), "deny") == 0 ||
		    strcmp(arc_col_text(st, 0), "login.fail") == 0 ||
		    strcmp(arc_col_text(st, 0), "login.throttled") == 0)
			denials += n;
		json_object_set_new(by, arc_col_text(st, 0),
				    json_integer((json_int_t)n));
	}
	out = json_pack("{s:s,s:i,s:I,s:I,s:o}", "since", since, "days", days,
			"entries", (json_int_t)total, "refusals",
			(json_int_t)denials, "by_action", by);
	by = NULL;
	err = out != NULL ? DOS_OK : DOS_NOMEM;
	*pout = out;
out:
	json_decref(by);
	sqlite3_finalize(st);
	return err;
}
