/*
 * grant.c: borrowing.  A user asks for a customer's dossier or one
 * document for a number of days with a reason; a manager whose scope
 * holds it, and who is not the one asking, approves or refuses; the grant
 * ends by itself (access.c compares its end with the clock) and
 * arc_grant_expire records the expiry.  Every step is audited.  A grant of
 * a whole dossier lends what its approver may see and no more: their
 * category limit and clearance are kept on it, and the approval and the
 * list of grants say what it covers.
 * Exports arc_grant_request, arc_grant_decide, arc_grant_expire,
 * arc_grant_list.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define MAX_DAYS 90

/* What a dossier grant covers, in words: "documents of category CREDIT,
 * up to confidential"; categories NULL or "" for every category. */
static void
covers(const char *categories, int clearance, char *s, size_t n)
{
	const char *p;
	size_t k;

	if (categories == NULL || categories[0] == '\0')
		snprintf(s, n, "documents of every category");
	else {
		k = (size_t)snprintf(s, n, "documents of categor%s ",
				     strchr(categories, ',') ? "ies" : "y");
		for (p = categories; *p != '\0' && k + 3 < n; p++) {
			if (*p == ',') {
				s[k++] = ',';
				s[k++] = ' ';
			} else
				s[k++] = *p;
		}
		s[k < n ? k : n - 1] = '\0';
	}
	k = strlen(s);
	snprintf(s + k, n - k, ", up to %s",
		 arc_clearance_level_name(clearance));
}

enum dos_err
arc_grant_request(struct arc *a, const struct arc_user *who,
		  enum arc_object kind, int64_t id, const char *reason,
		  int days, int64_t *pid, char *msg, size_t msglen)
{
	char now[32], obj[48], detail[600];
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	int rc;

	msg[0] = '\0';
	*pid = 0;
	if (kind != ARC_OBJ_CUSTOMER && kind != ARC_OBJ_DOC)
		return arc_say(msg, msglen, DOS_INVAL, "a request is for a "
			   "customer's dossier or a document%s", "");
	if (reason == NULL || reason[0] == '\0')
		return arc_say(msg, msglen, DOS_INVAL, "a request needs a reason%s",
			   "");
	if (days < 1 || days > MAX_DAYS)
		return arc_say(msg, msglen, DOS_INVAL, "a request is for 1 to 90 "
			   "days%s", "");
	if ((err = arc_prepare(a, kind == ARC_OBJ_CUSTOMER
					  ? "SELECT 1 FROM customer WHERE id = ?"
					  : "SELECT 1 FROM document WHERE id = "
					    "? AND status <> 'purged'",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	arc_object_name(kind, id, obj, sizeof(obj));
	if (rc != SQLITE_ROW)
		return arc_say(msg, msglen, DOS_NOTFOUND, "no such %s", obj);
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "INSERT INTO access_grant(user_name, "
				  "customer_id, document_id, reason, days, "
				  "status, requested) VALUES (?, ?, ?, ?, ?, "
				  "'requested', ?)",
			       &st)) != DOS_OK)
		return arc_tx_fail(a, err, msg, msglen);
	arc_bind_text(st, 1, who->name);
	if (kind == ARC_OBJ_CUSTOMER)
		sqlite3_bind_int64(st, 2, id);
	else
		sqlite3_bind_int64(st, 3, id);
	arc_bind_text(st, 4, reason);
	sqlite3_bind_int(st, 5, days);
	arc_bind_text(st, 6, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return arc_tx_fail(a, DOS_DB, msg, msglen);
	*pid = sqlite3_last_insert_rowid(a->db);
	snprintf(detail, sizeof(detail), "request %lld for %d days: %s",
		 (long long)*pid, days, reason);
	if ((err = arc_audit(a, who->name, "grant.request", obj, detail)) !=
		    DOS_OK ||
	    (err = arc_tx_commit(a)) != DOS_OK)
		return arc_tx_fail(a, err, msg, msglen);
	snprintf(msg, msglen, "request %lld for %s sent; a manager decides",
		 (long long)*pid, obj);
	return DOS_OK;
}

enum dos_err
arc_grant_decide(struct arc *a, const struct arc_user *who, int64_t grant,
		 int approve, const char *note, char *msg, size_t msglen)
{
	char requester[65], status[16], until[32], now[32], obj[48];
	char detail[600], what[400], number[80] = "";
	sqlite3_stmt *st = NULL;
	enum arc_object kind;
	int64_t id;
	int days, rc;
	enum dos_err err;
	time_t t;
	struct tm tm;

	msg[0] = '\0';
	if ((err = arc_prepare(a, "SELECT g.user_name, g.customer_id, "
				  "g.document_id, g.days, g.status, c.number "
				  "FROM access_grant g LEFT JOIN customer c ON "
				  "c.id = g.customer_id WHERE g.id = ?",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, grant);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? arc_say(msg, msglen, DOS_NOTFOUND,
					       "no such request%s", "")
					 : DOS_DB;
	}
	snprintf(requester, sizeof(requester), "%s", arc_col_text(st, 0));
	kind = sqlite3_column_type(st, 1) != SQLITE_NULL ? ARC_OBJ_CUSTOMER
							  : ARC_OBJ_DOC;
	id = sqlite3_column_int64(st, kind == ARC_OBJ_CUSTOMER ? 1 : 2);
	days = sqlite3_column_int(st, 3);
	snprintf(status, sizeof(status), "%s", arc_col_text(st, 4));
	snprintf(number, sizeof(number), "%s", arc_col_text(st, 5));
	sqlite3_finalize(st);
	/* Whether who may decide on it at all, before anything of its
	 * state: the request of another unit is none of who's business. */
	if ((err = arc_may(a, who, ARC_APPROVE, kind, id, msg, msglen)) !=
	    DOS_OK)
		return err;
	if (strcmp(status, "requested") != 0)
		return arc_say(msg, msglen, DOS_CONFLICT, "the request was already "
			   "decided (%s)", status);
	if (strcmp(requester, who->name) == 0)
		return arc_say(msg, msglen, DOS_PERM, "%s asked for this access "
			   "and may not approve or refuse it; another manager "
			   "must", who->name);
	covers(who->local ? NULL : who->categories, who->clearance, what,
	       sizeof(what));
	dos_now_iso(now);
	t = time(NULL) + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "UPDATE access_grant SET status = ?, "
				  "decided_by = ?, decided = ?, until = ?, "
				  "note = ?, categories = ?, clearance = ? "
				  "WHERE id = ? AND status = 'requested'",
			       &st)) != DOS_OK)
		return arc_tx_fail(a, err, msg, msglen);
	arc_bind_text(st, 1, approve ? "approved" : "refused");
	arc_bind_text(st, 2, who->name);
	arc_bind_text(st, 3, now);
	arc_bind_text(st, 4, approve ? until : NULL);
	arc_bind_text(st, 5, note);
	/* A dossier is lent as far as its approver sees it. */
	if (approve && kind == ARC_OBJ_CUSTOMER) {
		arc_bind_text(st, 6, !who->local && who->categories[0] != '\0'
					     ? who->categories
					     : NULL);
		sqlite3_bind_int(st, 7, who->clearance);
	}
	sqlite3_bind_int64(st, 8, grant);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || sqlite3_changes(a->db) != 1)
		return arc_tx_fail(a, DOS_CONFLICT, msg, msglen);
	arc_object_name(kind, id, obj, sizeof(obj));
	snprintf(detail, sizeof(detail), "request %lld of %s%s%s%s%s%s",
		 (long long)grant, requester, approve ? " until " : "",
		 approve ? until : "",
		 approve && kind == ARC_OBJ_CUSTOMER ? "; covers " : "",
		 approve && kind == ARC_OBJ_CUSTOMER ? what : "",
		 note && *note ? ": " : "");
	if (note != NULL && *note != '\0')
		snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail),
			 "%s", note);
	if ((err = arc_audit(a, who->name,
			     approve ? "grant.approve" : "grant.refuse", obj,
			     detail)) != DOS_OK ||
	    (err = arc_tx_commit(a)) != DOS_OK)
		return arc_tx_fail(a, err, msg, msglen);
	if (approve && kind == ARC_OBJ_CUSTOMER)
		snprintf(msg, msglen, "%s may read customer %s's %s, until %s",
			 requester, number, what, until);
	else if (approve)
		snprintf(msg, msglen, "%s may read %s until %s", requester, obj,
			 until);
	else
		snprintf(msg, msglen, "request %lld refused", (long long)grant);
	return DOS_OK;
}

enum dos_err
arc_grant_expire(struct arc *a, int *pn)
{
	char now[32], obj[48], detail[128];
	sqlite3_stmt *st = NULL, *up = NULL;
	enum dos_err err;
	int rc;

	*pn = 0;
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT id, user_name, customer_id, "
				  "document_id, until FROM access_grant WHERE "
				  "status = 'approved' AND until <= ?",
			       &st)) != DOS_OK ||
	    (err = arc_prepare(a, "UPDATE access_grant SET status = "
				  "'expired' WHERE id = ?",
			       &up)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int cust = sqlite3_column_type(st, 2) != SQLITE_NULL;

		arc_object_name(cust ? ARC_OBJ_CUSTOMER : ARC_OBJ_DOC,
			    sqlite3_column_int64(st, cust ? 2 : 3), obj,
			    sizeof(obj));
		snprintf(detail, sizeof(detail), "request %lld of %s ended %s",
			 (long long)sqlite3_column_int64(st, 0),
			 arc_col_text(st, 1), arc_col_text(st, 4));
		sqlite3_bind_int64(up, 1, sqlite3_column_int64(st, 0));
		if (sqlite3_step(up) != SQLITE_DONE) {
			err = DOS_DB;
			goto fail;
		}
		sqlite3_reset(up);
		if ((err = arc_audit(a, "dossier", "grant.expire", obj,
				     detail)) != DOS_OK)
			goto fail;
		(*pn)++;
	}
	if (rc != SQLITE_DONE) {
		err = DOS_DB;
		goto fail;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	return arc_tx_commit(a);
fail:
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	arc_tx_rollback(a);
	*pn = 0;
	return err;
}

enum dos_err
arc_grant_list(struct arc *a, const struct arc_user *who, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	struct arc_sql q;
	char msg[64];
	json_t *arr;
	enum dos_err err;
	int rc;

	*pout = NULL;
	/* One's own requests, and for an approver the pending requests for
	 * what they may approve: a unit manager sees their unit's only. */
	arc_sql_init(&q, a, msg, sizeof(msg));
	arc_sql_add(&q, "SELECT g.id, g.user_name, c.number, g.document_id, "
			"g.reason, g.days, g.status, g.requested, "
			"g.decided_by, g.decided, g.until, g.note, "
			"g.categories, g.clearance FROM "
			"access_grant g LEFT JOIN customer c ON c.id = "
			"g.customer_id WHERE g.user_name = ");
	arc_sql_text(&q, who->name, 0);
	if (who->local || (who->actions & (1u << ARC_APPROVE)) != 0) {
		arc_sql_add(&q, " OR (g.status = 'requested' AND (g.customer_id"
				" IN (SELECT c.id FROM customer c WHERE 1");
		arc_customer_scope_cond(&q, who, ARC_APPROVE);
		arc_sql_add(&q, ") OR g.document_id IN (SELECT d.id FROM "
				"document d LEFT JOIN customer c ON c.id = "
				"d.customer_id WHERE 1");
		arc_scope_cond(&q, who, ARC_APPROVE);
		arc_sql_add(&q, ")))");
	}
	arc_sql_add(&q, " ORDER BY g.id");
	err = q.err == DOS_OK ? arc_prepare(a, q.sql.data, &st) : q.err;
	if (err == DOS_OK)
		arc_sql_bind(&q, st);
	arc_sql_free(&q);
	if (err != DOS_OK)
		return err;
	if ((arr = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *g;
		char what[400];

		g = json_pack("{s:I,s:s,s:o,s:o,s:s,s:i,s:s,s:s,s:o,s:o,"
			      "s:o,s:o}",
			      "id", (json_int_t)sqlite3_column_int64(st, 0),
			      "user", arc_col_text(st, 1), "customer",
			      arc_col_json_text(st, 2), "document",
			      sqlite3_column_type(st, 3) == SQLITE_NULL
				      ? json_null()
				      : json_integer(
						sqlite3_column_int64(st, 3)),
			      "reason", arc_col_text(st, 4), "days",
			      sqlite3_column_int(st, 5), "status",
			      arc_col_text(st, 6), "requested",
			      arc_col_text(st, 7), "decided_by",
			      arc_col_json_text(st, 8), "decided",
			      arc_col_json_text(st, 9), "until",
			      arc_col_json_text(st, 10), "note",
			      arc_col_json_text(st, 11));
		if (g == NULL)
			continue;
		/* What an approved dossier grant covers. */
		if (sqlite3_column_type(st, 13) != SQLITE_NULL) {
			covers(arc_col_text(st, 12),
			       sqlite3_column_int(st, 13), what, sizeof(what));
			json_object_set_new(g, "categories",
					    arc_col_json_text(st, 12));
			json_object_set_new(
				g, "clearance",
				json_string(arc_clearance_level_name(
					sqlite3_column_int(st, 13))));
			json_object_set_new(g, "covers", json_string(what));
		}
		json_array_append_new(arr, g);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return DOS_DB;
	}
	*pout = arr;
	return DOS_OK;
}
