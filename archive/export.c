/*
 * export.c: what an export bundle takes out of the archive: the documents
 * a user may export that match a search or a list (archive number
 * order, no hit limit), their metadata, stored files and audit entries,
 * and one audit entry for the whole export; and the audit log of a period
 * for auditors.  The bundle itself is written by export/.
 * Exports arc_export_begin, arc_export_list, arc_export_doc,
 * arc_export_open, arc_export_audit, arc_export_end, arc_audit_export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* At most this many documents in one export. */
#define MAX_IDS 10000000

struct arc_export {
	struct arc *a;
	struct arc_user who;
	char *what;
	char *reason;
};

/* Whether s holds something other than white space. */
static int
blank(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

enum dos_err
arc_export_begin(struct arc *a, const struct arc_user *who, const char *what,
		 const char *reason, struct arc_export **pe, char *msg,
		 size_t msglen)
{
	struct arc_export *e;
	enum dos_err err;

	*pe = NULL;
	if (who == NULL)
		return DOS_INVAL;
	if (blank(reason))
		return arc_say(msg, msglen, DOS_INVAL,
			       "an export needs a reason (it is recorded in "
			       "the audit log with the query)");
	if ((err = arc_may(a, who, ARC_EXPORT, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return DOS_NOMEM;
	e->a = a;
	e->who = *who;
	e->what = strdup(what != NULL ? what : "");
	e->reason = strdup(reason);
	if (e->what == NULL || e->reason == NULL) {
		free(e->what);
		free(e->reason);
		free(e);
		return DOS_NOMEM;
	}
	*pe = e;
	return DOS_OK;
}

static int
names_status(const struct arc_node *n)
{
	if (n == NULL)
		return 0;
	if (n->kind == ARC_N_FIELD && n->field == ARC_F_STATUS)
		return 1;
	return names_status(n->left) || names_status(n->right);
}

/* A JSON array text of the listed values, for json_each (caller frees). */
static char *
list_json(const char *const *strs, const int64_t *nums, size_t n)
{
	json_t *arr = json_array();
	char *s;
	size_t i;

	for (i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr, strs != NULL
						   ? json_string(strs[i])
						   : json_integer(nums[i]));
	s = arr != NULL ? json_dumps(arr, JSON_COMPACT) : NULL;
	json_decref(arr);
	return s;
}

/* Every listed customer must be known: a customer number, an account of
 * a customer, or an account documents are filed under. */
static enum dos_err
customers_known(struct arc *a, const char *const *keys, size_t n, char *msg,
		size_t msglen)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	size_t i;

	if ((err = arc_prepare(a, "SELECT EXISTS (SELECT 1 FROM customer "
				  "WHERE number = ?1) OR EXISTS (SELECT 1 "
				  "FROM account WHERE number = ?1) OR EXISTS "
				  "(SELECT 1 FROM document WHERE account = ?1)",
			       &st)) != DOS_OK)
		return err;
	for (i = 0; err == DOS_OK && i < n; i++) {
		sqlite3_reset(st);
		arc_bind_text(st, 1, keys[i]);
		if (sqlite3_step(st) != SQLITE_ROW)
			err = DOS_DB;
		else if (!sqlite3_column_int(st, 0))
			err = arc_say(msg, msglen, DOS_NOTFOUND,
				      "no customer or account '%s'", keys[i]);
	}
	sqlite3_finalize(st);
	return err;
}

static int
cmp_id(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

/* Every listed document must be in the result. */
static enum dos_err
docs_present(const struct arc_export *e, const int64_t *want, size_t nwant,
	     const int64_t *ids, size_t n, char *msg, size_t msglen)
{
	int64_t *sorted;
	enum dos_err err = DOS_OK;
	size_t i;

	if (nwant == 0)
		return DOS_OK;
	if ((sorted = malloc((n + 1) * sizeof(*sorted))) == NULL)
		return DOS_NOMEM;
	if (n > 0)
		memcpy(sorted, ids, n * sizeof(*ids));
	qsort(sorted, n, sizeof(*sorted), cmp_id);
	for (i = 0; err == DOS_OK && i < nwant; i++)
		if (bsearch(&want[i], sorted, n, sizeof(*sorted), cmp_id) ==
		    NULL)
			err = arc_say(msg, msglen, DOS_NOTFOUND,
				      "document %lld cannot be exported by %s: "
				      "unknown, purged, not filed (in review) "
				      "or outside what they may export",
				      (long long)want[i], e->who.name);
	free(sorted);
	return err;
}

/* " AND (d.id IN (...) OR d.customer_id IN (...) ...)" for the lists. */
static void
list_cond(struct arc_sql *q, const struct arc_export_sel *sel)
{
	char *docs, *custs;

	if (sel->ndocs == 0 && sel->ncustomers == 0)
		return;
	arc_sql_add(q, " AND (0");
	if (sel->ndocs > 0) {
		if ((docs = list_json(NULL, sel->docs, sel->ndocs)) == NULL)
			q->err = DOS_NOMEM;
		arc_sql_add(q, " OR d.id IN (SELECT value FROM json_each(");
		arc_sql_text(q, docs, 1);
		arc_sql_add(q, "))");
	}
	if (sel->ncustomers > 0) {
		if ((custs = list_json(sel->customers, NULL,
				       sel->ncustomers)) == NULL)
			q->err = DOS_NOMEM;
		arc_sql_add(q, " OR d.customer_id IN (SELECT id FROM customer "
			       "WHERE number IN (SELECT value FROM json_each(");
		arc_sql_text(q, custs, 1);
		arc_sql_add(q, ")) UNION SELECT customer_id FROM account "
			       "WHERE number IN (SELECT value FROM json_each(");
		arc_sql_text(q, custs, 0);
		arc_sql_add(q, "))) OR d.account IN (SELECT value FROM "
			       "json_each(");
		arc_sql_text(q, custs, 0);
		arc_sql_add(q, "))");
	}
	arc_sql_add(q, ")");
}

enum dos_err
arc_export_list(struct arc_export *e, const struct arc_export_sel *sel,
		int64_t **pids, size_t *pn, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	struct arc_sql q;
	int64_t *ids = NULL, *grown;
	size_t n = 0, cap = 0;
	enum dos_err err;
	int rc;

	*pids = NULL;
	*pn = 0;
	msg[0] = '\0';
	if ((err = customers_known(e->a, sel->customers, sel->ncustomers, msg,
				   msglen)) != DOS_OK)
		return err;
	arc_sql_init(&q, e->a, msg, msglen);
	arc_sql_add(&q, "SELECT d.id FROM document d LEFT JOIN customer c ON "
			"c.id = d.customer_id WHERE d.status <> 'purged'");
	/* Not filed yet: only when the query asks for a status. */
	if (!names_status(sel->root))
		arc_sql_add(&q, " AND d.status NOT IN ('review', 'returned')");
	if (sel->root != NULL) {
		arc_sql_add(&q, " AND ");
		arc_query_cond(&q, sel->root);
	}
	list_cond(&q, sel);
	arc_scope_cond(&q, &e->who, ARC_EXPORT);
	arc_sql_add(&q, " ORDER BY d.archive_no IS NULL, d.archive_no, d.id");
	if ((err = q.err) != DOS_OK ||
	    (err = arc_prepare(e->a, q.sql.data, &st)) != DOS_OK)
		goto out;
	arc_sql_bind(&q, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			if (cap >= MAX_IDS) {
				err = arc_say(msg, msglen, DOS_LIMIT,
					      "more than %d documents: split "
					      "the export", MAX_IDS);
				goto out;
			}
			cap = cap == 0 ? 256 : cap * 2;
			if ((grown = realloc(ids, cap * sizeof(*ids))) ==
			    NULL) {
				err = DOS_NOMEM;
				goto out;
			}
			ids = grown;
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		dos_errx("%s: %s", __func__, arc_errmsg(e->a));
		err = DOS_DB;
		goto out;
	}
	if ((err = docs_present(e, sel->docs, sel->ndocs, ids, n, msg,
				msglen)) != DOS_OK)
		goto out;
	*pids = ids;
	*pn = n;
	ids = NULL;
out:
	if (err == DOS_LIMIT && msg[0] == '\0')
		snprintf(msg, msglen, "the query is too large");
	sqlite3_finalize(st);
	arc_sql_free(&q);
	free(ids);
	return err;
}

enum dos_err
arc_export_doc(struct arc_export *e, int64_t id, json_t **pmeta, char *msg,
	       size_t msglen)
{
	sqlite3_stmt *st = NULL;
	json_t *m = NULL;
	enum dos_err err;

	*pmeta = NULL;
	if ((err = arc_may(e->a, &e->who, ARC_EXPORT, ARC_OBJ_DOC, id, msg,
			   msglen)) != DOS_OK)
		return err;
	if ((err = arc_prepare(e->a, "SELECT d.id, d.archive_no, c.number, "
				     "c.name, d.account, d.category, "
				     "d.doc_type, d.title, d.doc_date, "
				     "d.added, d.status, d.npages, "
				     "d.version, d.signatory, d.keywords, "
				     "d.confidentiality, d.location, d.lang, "
				     "d.batch_id, d.pdf_sha256, (SELECT size "
				     "FROM blob WHERE sha256 = d.pdf_sha256), "
				     "s.name, s.format, s.sha256, s.size "
				     "FROM document d LEFT JOIN customer c ON "
				     "c.id = d.customer_id JOIN source s ON "
				     "s.id = d.source_id WHERE d.id = ? AND "
				     "d.status <> 'purged'",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		err = arc_say(msg, msglen, DOS_NOTFOUND,
			      "document %lld is gone (purged)", (long long)id);
		goto out;
	}
	m = json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:s,s:i,s:i}",
		      "id", (json_int_t)id, "archive_no",
		      arc_col_json_text(st, 1), "customer",
		      arc_col_json_text(st, 2), "customer_name",
		      arc_col_json_text(st, 3), "account",
		      arc_col_json_text(st, 4), "category",
		      arc_col_json_text(st, 5), "type",
		      arc_col_json_text(st, 6), "title",
		      arc_col_json_text(st, 7), "date",
		      arc_col_json_text(st, 8), "added", arc_col_text(st, 9),
		      "status", arc_col_text(st, 10), "pages",
		      sqlite3_column_int(st, 11), "version",
		      sqlite3_column_int(st, 12));
	if (m == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	json_object_set_new(m, "signatory", arc_col_json_text(st, 13));
	json_object_set_new(m, "keywords", arc_col_json_text(st, 14));
	json_object_set_new(m, "confidentiality", arc_col_json_text(st, 15));
	json_object_set_new(m, "location", arc_col_json_text(st, 16));
	json_object_set_new(m, "lang", arc_col_json_text(st, 17));
	json_object_set_new(m, "batch", arc_col_json_int(st, 18));
	json_object_set_new(
		m, "pdf",
		sqlite3_column_type(st, 19) == SQLITE_NULL
			? json_null()
			: json_pack("{s:s,s:I}", "sha256", arc_col_text(st, 19),
				    "size",
				    (json_int_t)sqlite3_column_int64(st, 20)));
	json_object_set_new(m, "original",
			    json_pack("{s:s,s:s,s:s,s:I}", "name",
				      arc_col_text(st, 21), "format",
				      arc_col_text(st, 22), "sha256",
				      arc_col_text(st, 23), "size",
				      (json_int_t)sqlite3_column_int64(st,
								       24)));
	*pmeta = m;
	m = NULL;
out:
	json_decref(m);
	sqlite3_finalize(st);
	return err;
}

enum dos_err
arc_export_open(struct arc_export *e, int64_t id, enum arc_export_part part,
		int *pfd, uint64_t *psize, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char sha[DOS_SHA256_HEX];
	enum dos_err err;

	*pfd = -1;
	*psize = 0;
	if ((err = arc_may(e->a, &e->who, ARC_EXPORT, ARC_OBJ_DOC, id, msg,
			   msglen)) != DOS_OK)
		return err;
	if ((err = arc_prepare(e->a, part == ARC_EXPORT_PDF
					     ? "SELECT d.pdf_sha256 FROM "
					       "document d WHERE d.id = ? AND "
					       "d.status <> 'purged'"
					     : "SELECT s.sha256 FROM document "
					       "d JOIN source s ON s.id = "
					       "d.source_id WHERE d.id = ? AND "
					       "d.status <> 'purged'",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_finalize(st);
		return arc_say(msg, msglen, DOS_NOTFOUND,
			       "document %lld has no %s", (long long)id,
			       part == ARC_EXPORT_PDF ? "searchable PDF"
						      : "original");
	}
	snprintf(sha, sizeof(sha), "%s", arc_col_text(st, 0));
	sqlite3_finalize(st);
	if ((err = arc_blob_open(e->a, sha, pfd, psize)) != DOS_OK)
		return arc_say(msg, msglen, err,
			       "document %lld: blob %s cannot be read: %s",
			       (long long)id, sha, dos_strerror(err));
	return DOS_OK;
}

/* An audit row as JSON (the columns of AUDIT_COLS). */
#define AUDIT_COLS "id, ts, actor, action, object, detail, prev, hash"
static json_t *
audit_row(sqlite3_stmt *st)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id",
			 (json_int_t)sqlite3_column_int64(st, 0), "ts",
			 arc_col_text(st, 1), "actor", arc_col_text(st, 2),
			 "action", arc_col_text(st, 3), "object",
			 arc_col_text(st, 4), "detail", arc_col_text(st, 5),
			 "prev", arc_col_text(st, 6), "hash",
			 arc_col_text(st, 7));
}

enum dos_err
arc_export_audit(struct arc_export *e, const int64_t *ids, size_t n,
		 json_t **pout)
{
	sqlite3_stmt *st = NULL;
	json_t *arr = NULL, *row;
	enum dos_err err;
	int64_t id;
	char *end;
	int rc;

	*pout = NULL;
	/* The log has no index on object: one pass over its document
	 * entries serves the whole export. */
	if ((err = arc_prepare(e->a, "SELECT " AUDIT_COLS " FROM audit "
				     "WHERE object LIKE 'document %' "
				     "ORDER BY id",
			       &st)) != DOS_OK)
		return err;
	if ((arr = json_array()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *obj = arc_col_text(st, 4) + strlen("document ");

		id = strtoll(obj, &end, 10);
		if (end == obj || *end != '\0' ||
		    bsearch(&id, ids, n, sizeof(*ids), cmp_id) == NULL)
			continue;
		if ((row = audit_row(st)) == NULL ||
		    json_array_append_new(arr, row) != 0) {
			err = DOS_NOMEM;
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		err = DOS_DB;
		goto out;
	}
	*pout = arr;
	arr = NULL;
out:
	json_decref(arr);
	sqlite3_finalize(st);
	return err;
}

enum dos_err
arc_export_end(struct arc_export *e, int ok, size_t ndocs,
	       const char *manifest_sha)
{
	struct dbuf d;
	enum dos_err err;

	if (e == NULL)
		return DOS_OK;
	dbuf_init(&d, 64 * 1024);
	if (ok)
		err = dbuf_addf(&d, "%zu documents; manifest SHA-256 %s; "
				    "reason: %s; %s",
				ndocs, manifest_sha != NULL ? manifest_sha : "",
				e->reason, e->what);
	else
		err = dbuf_addf(&d, "not completed; reason: %s; %s",
				e->reason, e->what);
	if (err == DOS_LIMIT) /* a huge query: keep its start */
		err = DOS_OK;
	if (err == DOS_OK)
		err = arc_audit(e->a, e->who.name,
				ok ? "export" : "export.fail", "-",
				d.data != NULL ? d.data : "");
	dbuf_free(&d);
	free(e->what);
	free(e->reason);
	free(e);
	return err;
}

/* A date YYYY-MM-DD, or NULL. */
static int
date_ok(const char *s)
{
	int y, m, dd;
	char tail;

	return s == NULL || (strlen(s) == 10 &&
			     sscanf(s, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) ==
				     3 &&
			     m >= 1 && m <= 12 && dd >= 1 && dd <= 31);
}

enum dos_err
arc_audit_export(struct arc *a, const struct arc_user *who, const char *from,
		 const char *to, arc_audit_fn fn, void *arg, size_t *pn,
		 char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	struct arc_sql q;
	json_t *row;
	char detail[128], qmsg[64];
	enum dos_err err;
	int rc;

	*pn = 0;
	if (!date_ok(from) || !date_ok(to))
		return arc_say(msg, msglen, DOS_INVAL,
			       "a date is YYYY-MM-DD");
	if ((err = arc_may(a, who, ARC_AUDIT_READ, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	/* What who may read of it: a unit's auditor, the unit's entries. */
	arc_sql_init(&q, a, qmsg, sizeof(qmsg));
	arc_sql_add(&q, "SELECT " AUDIT_COLS " FROM audit x WHERE 1");
	if (from != NULL) {
		arc_sql_add(&q, " AND substr(x.ts, 1, 10) >= ");
		arc_sql_text(&q, from, 0);
	}
	if (to != NULL) {
		arc_sql_add(&q, " AND substr(x.ts, 1, 10) <= ");
		arc_sql_text(&q, to, 0);
	}
	arc_audit_scope_cond(&q, who);
	arc_sql_add(&q, " ORDER BY x.id");
	if ((err = q.err) == DOS_OK &&
	    (err = arc_prepare(a, q.sql.data, &st)) == DOS_OK)
		arc_sql_bind(&q, st);
	arc_sql_free(&q);
	if (err != DOS_OK)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((row = audit_row(st)) == NULL) {
			err = DOS_NOMEM;
			goto out;
		}
		err = fn(arg, row);
		json_decref(row);
		if (err != DOS_OK)
			goto out;
		(*pn)++;
	}
	if (rc != SQLITE_DONE) {
		err = DOS_DB;
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	snprintf(detail, sizeof(detail), "from %s to %s: %zu entries",
		 from != NULL ? from : "the start", to != NULL ? to : "now",
		 *pn);
	err = arc_audit(a, who->name, "audit.export", "-", detail);
out:
	sqlite3_finalize(st);
	return err;
}
