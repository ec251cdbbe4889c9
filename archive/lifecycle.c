/*
 * lifecycle.c: what happens to a document after filing.  Metadata edits
 * carry a reason and create a new version that keeps the old values.
 * Deletion is requested with a reason, approved by a second person with a
 * manager's or administrator's role, waits out a hold period during which
 * it can be withdrawn, and only then does purge remove text and blobs,
 * leaving a tombstone.  A legal hold on the document or its customer
 * blocks purge.
 * Exports arc_doc_edit, arc_delete_request, arc_delete_approve,
 * arc_delete_withdraw, arc_hold_place, arc_hold_release, arc_purge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* Metadata a person may correct; everything else is fixed at capture. */
static const char *const edit_fields[] = {
	"title",     "doc_date", "account",	    "category",
	"doc_type", "signatory", "keywords", "confidentiality",
	"location",  "searchable",
};
#define NEDIT (sizeof(edit_fields) / sizeof(edit_fields[0]))

static const char *const levels[] = {"public", "internal", "confidential",
				     "secret"};

static enum dos_err exec_args(struct arc *a, const char *sql,
			      const char *const *args, int nargs, int64_t id);

/* Puts the document's current archive number into o. */
static enum dos_err
archive_no_into(struct arc *a, int64_t id, json_t *o)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "SELECT archive_no FROM document "
				  "WHERE id = ?", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(o, "archive_no", arc_col_json_text(st, 0));
	sqlite3_finalize(st);
	return DOS_OK;
}

static int
field_index(const char *name)
{
	size_t i;

	/* "date" is what users see; the column is doc_date. */
	if (strcmp(name, "date") == 0)
		name = "doc_date";
	for (i = 0; i < NEDIT; i++)
		if (strcmp(name, edit_fields[i]) == 0)
			return (int)i;
	return -1;
}

/* The document's editable fields and status as JSON. */
static enum dos_err
doc_fields(struct arc *a, int64_t id, json_t **pout, char *status,
	   size_t statuslen, int *pversion)
{
	sqlite3_stmt *st = NULL;
	json_t *o;
	size_t i;
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_prepare(a, "SELECT title, doc_date, account, category, "
				  "doc_type, signatory, keywords, "
				  "confidentiality, location, CASE searchable "
				  "WHEN 1 THEN 'yes' ELSE 'no' END, status, "
				  "version, "
				  "archive_no FROM document WHERE id = ?",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return DOS_NOTFOUND;
	}
	if ((o = json_object()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	for (i = 0; i < NEDIT; i++)
		json_object_set_new(o, edit_fields[i],
				    arc_col_json_text(st, (int)i));
	json_object_set_new(o, "archive_no", arc_col_json_text(st, NEDIT + 2));
	snprintf(status, statuslen, "%s", arc_col_text(st, NEDIT));
	*pversion = sqlite3_column_int(st, NEDIT + 1);
	sqlite3_finalize(st);
	*pout = o;
	return DOS_OK;
}

/* Whether who may approve for document id (a manager of its unit), or
 * -1; asked quietly, the caller says and audits why not. */
static int
approver_of(struct arc *a, const struct arc_user *who, int64_t id)
{
	sqlite3_stmt *st = NULL;
	struct arc_sql q;
	char qmsg[64];
	int rc;

	if (who->local)
		return 1;
	if (!(who->actions & (1u << ARC_APPROVE)))
		return 0;
	arc_sql_init(&q, a, qmsg, sizeof(qmsg));
	arc_sql_add(&q, "SELECT 1 FROM document d LEFT JOIN customer c ON "
			"c.id = d.customer_id WHERE d.id = ");
	arc_sql_int(&q, id);
	arc_scope_cond(&q, who, ARC_APPROVE);
	if (q.err != DOS_OK || arc_prepare(a, q.sql.data, &st) != DOS_OK) {
		arc_sql_free(&q);
		return -1;
	}
	arc_sql_bind(&q, st);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	arc_sql_free(&q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* A field of a document's fields as text, "" when null. */
static const char *
field_text(const json_t *fields, const char *key)
{
	const char *v = json_string_value(json_object_get(fields, key));

	return v != NULL ? v : "";
}

/*
 * Changes that decide who sees a document (its confidentiality, whether
 * search finds it, the customer and so the unit it belongs to) are a
 * manager's of the document's unit: one who may approve for it, or the
 * local administrator.  Anyone else who may edit it is refused in words
 * and the try is audited as a denial.  Only real changes count: a value
 * sent as it already is changes nothing; and a document still in review
 * is filed by the clerk who reviews it, account and all.
 */
static enum dos_err
may_change_reach(struct arc *a, const struct arc_user *who, int64_t id,
		 const json_t *changes, char *msg, size_t msglen)
{
	json_t *cur = NULL;
	const char *v, *what = NULL;
	char status[32], code[32], obj[48], detail[600];
	int64_t from = 0, to = 0;
	int version, r;
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = doc_fields(a, id, &cur, status, sizeof(status),
			      &version)) != DOS_OK)
		return err;
	if ((v = json_string_value(json_object_get(
		     changes, "confidentiality"))) != NULL &&
	    strcmp(v, field_text(cur, "confidentiality")) != 0)
		what = "change its confidentiality";
	else if ((v = json_string_value(json_object_get(changes,
							"searchable"))) !=
			 NULL &&
		 strcmp(v, field_text(cur, "searchable")) != 0)
		what = "change whether it is searchable";
	else if (json_object_get(changes, "account") != NULL &&
		 strcmp(status, "review") != 0) {
		/* The customer it belongs to now, and the account's. */
		if ((err = arc_prepare(a, "SELECT coalesce(customer_id, 0) "
					  "FROM document WHERE id = ?",
				       &st)) != DOS_OK)
			goto out;
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW)
			from = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if ((err = arc_file_resolve(
			     a, NULL,
			     json_string_value(json_object_get(changes,
							       "account")),
			     code, sizeof(code), &to)) != DOS_OK)
			goto out;
		/* Filing one of no customer yet is a clerk's work. */
		if (from != 0 && to != from)
			what = "move it to another customer";
	}
	if (what == NULL || (r = approver_of(a, who, id)) == 1)
		goto out;
	if (r < 0) {
		err = DOS_DB;
		goto out;
	}
	if (who->actions & (1u << ARC_APPROVE))
		snprintf(msg, msglen, "only a manager of the document's unit "
				      "may %s; %s may not approve for it",
			 what, who->name);
	else
		snprintf(msg, msglen, "only a manager of the document's unit "
				      "may %s; %s is %s %s",
			 what, who->name,
			 strchr("aeiou", who->role[0]) != NULL ? "an" : "a",
			 strcmp(who->role, "staff") == 0 ? "member of staff"
							 : who->role);
	snprintf(obj, sizeof(obj), "document %lld", (long long)id);
	snprintf(detail, sizeof(detail), "edit: %s", msg);
	arc_audit(a, who->name, "deny", obj, detail);
	err = DOS_PERM;
out:
	json_decref(cur);
	return err;
}

enum dos_err
arc_doc_edit(struct arc *a, const struct arc_user *who, int64_t id,
	     const json_t *changes, const char *reason, char *msg,
	     size_t msglen)
{
	const char *actor = who->name;
	sqlite3_stmt *st = NULL;
	json_t *before = NULL, *after = NULL;
	const char *key, *v;
	json_t *val;
	char status[32], now[32], obj[32], code[32], sql[512];
	char *bs = NULL, *as = NULL;
	int version, k, idx;
	int64_t cid;
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_EDIT, ARC_OBJ_DOC, id, msg,
			   msglen)) != DOS_OK)
		return err;
	if (reason == NULL || strlen(reason) < 3)
		return arc_say(msg, msglen, DOS_INVAL,
			       "a change needs a reason%s", "");
	if (!json_is_object(changes) || json_object_size(changes) == 0)
		return arc_say(msg, msglen, DOS_INVAL, "nothing to change%s",
			       "");
	json_object_foreach((json_t *)changes, key, val) {
		if (field_index(key) < 0)
			return arc_say(msg, msglen, DOS_INVAL,
				       "'%s' cannot be changed (title, date, "
				       "account, category, doc_type, "
				       "signatory, keywords, confidentiality, "
				       "location, searchable can)", key);
		if (!json_is_string(val) && !json_is_null(val))
			return arc_say(msg, msglen, DOS_INVAL,
				       "'%s' must be text or null", key);
		v = json_string_value(val);
		if (v != NULL && strlen(v) > 1000)
			return arc_say(msg, msglen, DOS_INVAL,
				       "'%s' is longer than 1000 characters",
				       key);
		if (strcmp(key, "searchable") == 0 &&
		    (v == NULL || (strcmp(v, "yes") != 0 &&
				   strcmp(v, "no") != 0)))
			return arc_say(msg, msglen, DOS_INVAL,
				       "searchable is yes or no%s", "");
		if (strcmp(key, "confidentiality") == 0) {
			for (k = 0; k < 4; k++)
				if (v != NULL && strcmp(v, levels[k]) == 0)
					break;
			if (k == 4)
				return arc_say(msg, msglen, DOS_INVAL,
					       "confidentiality is public, "
					       "internal, confidential or "
					       "secret%s", "");
		}
	}
	if ((err = may_change_reach(a, who, id, changes, msg, msglen)) !=
	    DOS_OK)
		return err;
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = doc_fields(a, id, &before, status, sizeof(status),
			      &version)) != DOS_OK) {
		snprintf(msg, msglen, "no document %lld", (long long)id);
		goto fail;
	}
	if (strcmp(status, "purged") == 0) {
		err = arc_say(msg, msglen, DOS_CONFLICT,
			      "document %s has been purged", "");
		goto fail;
	}
	after = json_deep_copy(before);
	/* The index row is rebuilt from the new title and keywords. */
	if ((err = arc_fts_unindex(a, id)) != DOS_OK)
		goto fail;
	json_object_foreach((json_t *)changes, key, val) {
		idx = field_index(key);
		v = json_string_value(val);
		/* A category is stored as its class code. */
		if (strcmp(edit_fields[idx], "category") == 0 && v != NULL) {
			if ((err = arc_file_resolve(a, v, NULL, code,
						    sizeof(code), &cid)) !=
			    DOS_OK)
				goto fail;
			if (code[0] == '\0') {
				char known[400];

				arc_category_codes(a, known, sizeof(known));
				err = arc_say(msg, msglen, DOS_INVAL,
					      "unknown category '%.60s'; the "
					      "categories are %s (or one of "
					      "their aliases)", v, known);
				goto fail;
			}
			v = code;
		}
		json_object_set_new(after, edit_fields[idx],
				    v != NULL ? json_string(v) : json_null());
		if ((err = dos_snprintf(sql, sizeof(sql),
					"UPDATE document SET %s = ? "
					"WHERE id = ?",
					edit_fields[idx])) != DOS_OK ||
		    (err = arc_prepare(a, sql, &st)) != DOS_OK)
			goto fail;
		if (strcmp(edit_fields[idx], "searchable") == 0)
			sqlite3_bind_int(st, 1, strcmp(v, "yes") == 0);
		else
			arc_bind_text(st, 1, v);
		sqlite3_bind_int64(st, 2, id);
		if (sqlite3_step(st) != SQLITE_DONE) {
			err = DOS_DB;
			goto fail;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (json_equal(before, after)) {
		err = arc_say(msg, msglen, DOS_INVAL,
			      "the values are already as given%s", "");
		goto fail;
	}
	/* A date a person gave is no longer the one read from the page. */
	if (!json_equal(json_object_get(before, "doc_date"),
			json_object_get(after, "doc_date")) &&
	    (err = exec_args(a, "UPDATE document SET date_note = NULL "
				"WHERE id = ?", NULL, 0, id)) != DOS_OK)
		goto fail;
	/* A new account may belong to another customer; a first category
	 * gives the document its archive number. */
	if ((err = arc_file_resolve(
		     a, NULL, json_string_value(json_object_get(after, "account")),
		     code, sizeof(code), &cid)) != DOS_OK ||
	    (err = arc_prepare(a, "UPDATE document SET customer_id = ?, "
				  "version = version + 1 WHERE id = ?",
			       &st)) != DOS_OK)
		goto fail;
	if (cid > 0)
		sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = DOS_DB;
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Filed under another class: a new number in that class; the old
	 * one stays in the version record. */
	if (!json_equal(json_object_get(before, "category"),
			json_object_get(after, "category")) &&
	    (err = exec_args(a, "UPDATE document SET catalogue = NULL, "
				"volume = NULL, item = NULL, archive_no = NULL "
				"WHERE id = ?", NULL, 0, id)) != DOS_OK)
		goto fail;
	if ((err = arc_doc_number_if_needed(a, id, now)) != DOS_OK ||
	    (err = archive_no_into(a, id, after)) != DOS_OK ||
	    (err = arc_fts_index(a, id)) != DOS_OK)
		goto fail;
	bs = json_dumps(before, JSON_SORT_KEYS | JSON_COMPACT);
	as = json_dumps(after, JSON_SORT_KEYS | JSON_COMPACT);
	if (bs == NULL || as == NULL) {
		err = DOS_NOMEM;
		goto fail;
	}
	if ((err = arc_prepare(a, "INSERT INTO document_version(document_id, "
				  "version, at, actor, reason, before, after) "
				  "VALUES (?, ?, ?, ?, ?, ?, ?)", &st)) !=
	    DOS_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, version + 1);
	arc_bind_text(st, 3, now);
	arc_bind_text(st, 4, actor);
	arc_bind_text(st, 5, reason);
	arc_bind_text(st, 6, bs);
	arc_bind_text(st, 7, as);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = DOS_DB;
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	snprintf(obj, sizeof(obj), "document %lld", (long long)id);
	if ((err = arc_audit(a, actor, "edit", obj, reason)) != DOS_OK)
		goto fail;
	if ((err = arc_tx_commit(a)) == DOS_OK)
		snprintf(msg, msglen, "document %lld is now version %d",
			 (long long)id, version + 1);
	goto out;
fail:
	sqlite3_finalize(st);
	arc_tx_fail(a, err, msg, msglen);
out:
	free(bs);
	free(as);
	json_decref(before);
	json_decref(after);
	return err;
}

enum dos_err
arc_doc_number_if_needed(struct arc *a, int64_t id, const char *now)
{
	sqlite3_stmt *st = NULL;
	char code[32], year[5], no[64];
	int catalogue;
	int64_t item;
	enum dos_err err;

	if ((err = arc_prepare(a, "SELECT category FROM document WHERE id = ? "
				  "AND archive_no IS NULL AND category IN "
				  "(SELECT code FROM category)", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return DOS_OK;
	}
	snprintf(code, sizeof(code), "%s", arc_col_text(st, 0));
	sqlite3_finalize(st);
	memcpy(year, now, 4);
	year[4] = '\0';
	if ((err = arc_file_number(a, code, year, &catalogue, &item, no,
				   sizeof(no))) != DOS_OK ||
	    (err = arc_prepare(a, "UPDATE document SET catalogue = ?, "
				  "volume = ?, item = ?, archive_no = ? "
				  "WHERE id = ?", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int(st, 1, catalogue);
	arc_bind_text(st, 2, year);
	sqlite3_bind_int64(st, 3, item);
	arc_bind_text(st, 4, no);
	sqlite3_bind_int64(st, 5, id);
	err = sqlite3_step(st) == SQLITE_DONE ? DOS_OK : DOS_DB;
	sqlite3_finalize(st);
	return err;
}

/* Runs one parameterised statement: text args then an int64 id. */
static enum dos_err
exec_args(struct arc *a, const char *sql, const char *const *args, int nargs,
	  int64_t id)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	int i;

	if ((err = arc_prepare(a, sql, &st)) != DOS_OK)
		return err;
	for (i = 0; i < nargs; i++)
		arc_bind_text(st, i + 1, args[i]);
	sqlite3_bind_int64(st, nargs + 1, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		dos_errx("%s: %s", __func__, arc_errmsg(a));
		err = DOS_DB;
	}
	sqlite3_finalize(st);
	return err;
}

/* The open deletion of a document: its id and status, or 0. */
static enum dos_err
open_deletion(struct arc *a, int64_t doc, int64_t *pid, char *status,
	      size_t n, char *requester, size_t rn, char *until, size_t un)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	*pid = 0;
	if ((err = arc_prepare(a, "SELECT id, status, requested_by, "
				  "coalesce(hold_until, '') FROM deletion "
				  "WHERE document_id = ? AND status IN "
				  "('requested', 'approved') ORDER BY id DESC "
				  "LIMIT 1", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, doc);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*pid = sqlite3_column_int64(st, 0);
		snprintf(status, n, "%s", arc_col_text(st, 1));
		snprintf(requester, rn, "%s", arc_col_text(st, 2));
		snprintf(until, un, "%s", arc_col_text(st, 3));
	}
	sqlite3_finalize(st);
	return DOS_OK;
}

enum dos_err
arc_delete_request(struct arc *a, const struct arc_user *who, int64_t doc,
		   const char *reason, char *msg, size_t msglen)
{
	const char *actor = who->name;
	json_t *f = NULL;
	char status[32], ds[32], req[64], until[32], now[32], obj[32];
	const char *args[4];
	int64_t did;
	int version;
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_DELETE_REQUEST, ARC_OBJ_DOC, doc, msg,
			   msglen)) != DOS_OK)
		return err;
	if (reason == NULL || strlen(reason) < 3)
		return arc_say(msg, msglen, DOS_INVAL,
			       "a deletion request needs a reason%s", "");
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = doc_fields(a, doc, &f, status, sizeof(status),
			      &version)) != DOS_OK) {
		snprintf(msg, msglen, "no document %lld", (long long)doc);
		goto fail;
	}
	if ((err = open_deletion(a, doc, &did, ds, sizeof(ds), req,
				 sizeof(req), until, sizeof(until))) != DOS_OK)
		goto fail;
	if (did > 0 || strcmp(status, "purged") == 0) {
		err = arc_say(msg, msglen, DOS_CONFLICT,
			      "document is already %s", status);
		goto fail;
	}
	args[0] = reason;
	args[1] = actor;
	args[2] = now;
	args[3] = status; /* to restore on withdrawal */
	if ((err = exec_args(a, "INSERT INTO deletion(reason, requested_by, "
				"requested_at, status, closed_by, document_id) "
				"VALUES (?, ?, ?, 'requested', ?, ?)",
			     args, 4, doc)) != DOS_OK)
		goto fail;
	args[0] = "deletion requested";
	if ((err = exec_args(a, "UPDATE document SET status = ? WHERE id = ?",
			     args, 1, doc)) != DOS_OK)
		goto fail;
	snprintf(obj, sizeof(obj), "document %lld", (long long)doc);
	if ((err = arc_audit(a, actor, "delete-request", obj, reason)) !=
	    DOS_OK)
		goto fail;
	json_decref(f);
	if ((err = arc_tx_commit(a)) == DOS_OK)
		snprintf(msg, msglen, "deletion of document %lld requested; a "
			 "manager must approve it", (long long)doc);
	return err;
fail:
	json_decref(f);
	return arc_tx_fail(a, err, msg, msglen);
}

/* The role of a user, or "" when unknown or disabled. */
enum dos_err
arc_delete_approve(struct arc *a, const struct arc_user *who, int64_t doc,
		   int hold_days, char *msg, size_t msglen)
{
	const char *approver = who->name;
	char ds[32], req[64], until[32], now[32], obj[32];
	const char *args[3];
	time_t t;
	struct tm tm;
	int64_t did;
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_APPROVE, ARC_OBJ_DOC, doc, msg,
			   msglen)) != DOS_OK)
		return err;
	if (hold_days < 0 || hold_days > 3650)
		return arc_say(msg, msglen, DOS_INVAL,
			       "hold period must be 0 to 3650 days%s", "");
	dos_now_iso(now);
	t = time(NULL) + (time_t)hold_days * 86400;
	gmtime_r(&t, &tm);
	strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = open_deletion(a, doc, &did, ds, sizeof(ds), req,
				 sizeof(req), obj, sizeof(obj))) != DOS_OK)
		goto fail;
	if (did == 0 || strcmp(ds, "requested") != 0) {
		err = arc_say(msg, msglen, DOS_NOTFOUND,
			      "no deletion request waits for approval on "
			      "this document%s", "");
		goto fail;
	}
	if (strcmp(req, approver) == 0) {
		err = arc_say(msg, msglen, DOS_PERM,
			      "%s requested this deletion: a second person "
			      "must approve it", approver);
		goto fail;
	}
	args[0] = approver;
	args[1] = now;
	args[2] = until;
	if ((err = exec_args(a, "UPDATE deletion SET approved_by = ?, "
				"approved_at = ?, hold_until = ?, "
				"status = 'approved' WHERE id = ?",
			     args, 3, did)) != DOS_OK)
		goto fail;
	args[0] = "on hold";
	if ((err = exec_args(a, "UPDATE document SET status = ? WHERE id = ?",
			     args, 1, doc)) != DOS_OK)
		goto fail;
	snprintf(obj, sizeof(obj), "document %lld", (long long)doc);
	if ((err = arc_audit(a, approver, "delete-approve", obj, until)) !=
	    DOS_OK)
		goto fail;
	snprintf(msg, msglen, "deletion approved; held until %s", until);
	return arc_tx_commit(a);
fail:
	return arc_tx_fail(a, err, msg, msglen);
}

enum dos_err
arc_delete_withdraw(struct arc *a, const struct arc_user *who, int64_t doc,
		    char *msg, size_t msglen)
{
	const char *actor = who->name;
	sqlite3_stmt *st = NULL;
	char ds[32], req[64], until[32], now[32], obj[32], prev[32];
	const char *args[2];
	int64_t did;
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_DELETE_REQUEST, ARC_OBJ_DOC, doc, msg,
			   msglen)) != DOS_OK)
		return err;
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = open_deletion(a, doc, &did, ds, sizeof(ds), req,
				 sizeof(req), until, sizeof(until))) != DOS_OK)
		goto fail;
	if (did == 0) {
		err = arc_say(msg, msglen, DOS_NOTFOUND,
			      "no open deletion on this document%s", "");
		goto fail;
	}
	/* The status before the request was kept in closed_by. */
	if ((err = arc_prepare(a, "SELECT closed_by FROM deletion WHERE id = ?",
			       &st)) != DOS_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, did);
	snprintf(prev, sizeof(prev), "%s",
		 sqlite3_step(st) == SQLITE_ROW ? arc_col_text(st, 0)
						: "archived");
	sqlite3_finalize(st);
	args[0] = actor;
	args[1] = now;
	if ((err = exec_args(a, "UPDATE deletion SET status = 'withdrawn', "
				"closed_by = ?, closed_at = ? WHERE id = ?",
			     args, 2, did)) != DOS_OK)
		goto fail;
	args[0] = prev[0] != '\0' ? prev : "archived";
	if ((err = exec_args(a, "UPDATE document SET status = ? WHERE id = ?",
			     args, 1, doc)) != DOS_OK)
		goto fail;
	snprintf(obj, sizeof(obj), "document %lld", (long long)doc);
	if ((err = arc_audit(a, actor, "delete-withdraw", obj, "")) != DOS_OK)
		goto fail;
	snprintf(msg, msglen, "deletion withdrawn; document is %s again",
		 args[0]);
	return arc_tx_commit(a);
fail:
	return arc_tx_fail(a, err, msg, msglen);
}

enum dos_err
arc_hold_place(struct arc *a, const struct arc_user *who, const char *customer,
	       int64_t doc, const char *reason, char *msg, size_t msglen)
{
	const char *actor = who->name;
	sqlite3_stmt *st = NULL;
	char now[32], obj[96];
	int64_t cid = 0;
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	if (reason == NULL || strlen(reason) < 3)
		return arc_say(msg, msglen, DOS_INVAL,
			       "a legal hold needs a reason%s", "");
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if (customer != NULL) {
		if ((err = arc_prepare(a, "SELECT id FROM customer WHERE "
					  "number = ?1 OR id = (SELECT "
					  "customer_id FROM account WHERE "
					  "number = ?1)", &st)) != DOS_OK)
			goto fail;
		arc_bind_text(st, 1, customer);
		if (sqlite3_step(st) == SQLITE_ROW)
			cid = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		st = NULL;
		if (cid == 0) {
			err = arc_say(msg, msglen, DOS_NOTFOUND,
				      "no customer %s", customer);
			goto fail;
		}
		snprintf(obj, sizeof(obj), "customer %.60s", customer);
	} else {
		if ((err = arc_prepare(a, "SELECT 1 FROM document WHERE id = ?",
				       &st)) != DOS_OK)
			goto fail;
		sqlite3_bind_int64(st, 1, doc);
		if (sqlite3_step(st) != SQLITE_ROW) {
			err = arc_say(msg, msglen, DOS_NOTFOUND,
				      "no such document%s", "");
			goto fail;
		}
		sqlite3_finalize(st);
		st = NULL;
		snprintf(obj, sizeof(obj), "document %lld", (long long)doc);
	}
	if ((err = arc_prepare(a, "INSERT INTO legal_hold(customer_id, "
				  "document_id, reason, placed_by, placed_at) "
				  "VALUES (?, ?, ?, ?, ?)", &st)) != DOS_OK)
		goto fail;
	if (cid > 0)
		sqlite3_bind_int64(st, 1, cid);
	else
		sqlite3_bind_int64(st, 2, doc);
	arc_bind_text(st, 3, reason);
	arc_bind_text(st, 4, actor);
	arc_bind_text(st, 5, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = DOS_DB;
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((err = arc_audit(a, actor, "hold-place", obj, reason)) != DOS_OK)
		goto fail;
	snprintf(msg, msglen, "legal hold placed on %s", obj);
	return arc_tx_commit(a);
fail:
	sqlite3_finalize(st);
	return arc_tx_fail(a, err, msg, msglen);
}

enum dos_err
arc_hold_release(struct arc *a, const struct arc_user *who, int64_t hold,
		 char *msg,
		 size_t msglen)
{
	const char *actor = who->name;
	const char *args[2];
	char now[32], obj[32];
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	args[0] = actor;
	args[1] = now;
	if ((err = exec_args(a, "UPDATE legal_hold SET released_by = ?, "
				"released_at = ? WHERE id = ? AND "
				"released_at IS NULL", args, 2, hold)) != DOS_OK)
		goto fail;
	if (sqlite3_changes(a->db) == 0) {
		err = arc_say(msg, msglen, DOS_NOTFOUND,
			      "no active legal hold with that number%s", "");
		goto fail;
	}
	snprintf(obj, sizeof(obj), "hold %lld", (long long)hold);
	if ((err = arc_audit(a, actor, "hold-release", obj, "")) != DOS_OK)
		goto fail;
	snprintf(msg, msglen, "legal hold %lld released", (long long)hold);
	return arc_tx_commit(a);
fail:
	return arc_tx_fail(a, err, msg, msglen);
}
