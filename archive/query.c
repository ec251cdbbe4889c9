/*
 * query.c: executes a structured search (struct arc_query) against the
 * catalogue: full-text match over page text plus exact filters, ranked by
 * BM25 with recency as tie-break.  The SQL text is built only from fixed
 * fragments; every value is a bound parameter.  Exports arc_search.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Appends the WHERE conditions shared by the hit and count queries. */
static enum dos_err
add_filters(struct dbuf *b, const struct arc_query *q)
{
	enum dos_err err = DOS_OK;

	if (q->account != NULL)
		err = dbuf_adds(b, " AND d.account = :account");
	if (err == DOS_OK && q->category != NULL)
		err = dbuf_adds(b, " AND d.category = :category");
	return err;
}

static void
bind_named(sqlite3_stmt *st, const char *name, const char *val)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		arc_bind_text(st, i, val);
}

static void
bind_query(sqlite3_stmt *st, const struct arc_query *q)
{
	int i;

	bind_named(st, ":match", q->match);
	bind_named(st, ":account", q->account);
	bind_named(st, ":category", q->category);
	if ((i = sqlite3_bind_parameter_index(st, ":limit")) > 0)
		sqlite3_bind_int(st, i, q->limit);
	if ((i = sqlite3_bind_parameter_index(st, ":offset")) > 0)
		sqlite3_bind_int(st, i, q->offset);
}

/* Distinguishes a malformed MATCH expression from other failures. */
static enum dos_err
step_error(struct arc *a, const char *what)
{
	const char *msg = arc_errmsg(a);

	if (strstr(msg, "fts5") != NULL || strstr(msg, "syntax") != NULL) {
		dos_debugx("%s: %s", what, msg);
		return DOS_INVAL;
	}
	dos_errx("%s: %s", what, msg);
	return DOS_DB;
}

enum dos_err
arc_search(struct arc *a, const struct arc_query *q, json_t **pout)
{
	struct dbuf hs, cs;
	sqlite3_stmt *hst = NULL, *cst = NULL;
	json_t *res = NULL, *hits = NULL;
	int rc;
	enum dos_err err;

	*pout = NULL;
	dbuf_init(&hs, 8192);
	dbuf_init(&cs, 8192);
	if (q->match != NULL) {
		err = dbuf_adds(&hs,
				"WITH h AS MATERIALIZED ("
				" SELECT p.document_id AS doc, p.seq AS seq,"
				"  bm25(page_fts) AS score,"
				"  snippet(page_fts, 0, '[', ']', '...', 16) AS snip"
				" FROM page_fts JOIN page p ON p.id = page_fts.rowid"
				" WHERE page_fts MATCH :match)"
				" SELECT d.id, d.account, min(h.score), h.snip,"
				"  group_concat(h.seq), d.category, d.title, d.added"
				" FROM h JOIN document d ON d.id = h.doc"
				" WHERE d.status IN ('archived', 'review')");
		if (err == DOS_OK)
			err = add_filters(&hs, q);
		if (err == DOS_OK)
			err = dbuf_adds(&hs, " GROUP BY d.id ORDER BY 3, d.added "
					     "DESC, d.id DESC LIMIT :limit "
					     "OFFSET :offset");
		if (err == DOS_OK)
			err = dbuf_adds(&cs,
					"SELECT count(DISTINCT p.document_id)"
					" FROM page_fts JOIN page p"
					"  ON p.id = page_fts.rowid"
					" JOIN document d ON d.id = p.document_id"
					" WHERE page_fts MATCH :match"
					" AND d.status IN ('archived', 'review')");
	} else {
		err = dbuf_adds(&hs, "SELECT d.id, d.account, 0.0, '', '',"
				     " d.category, d.title, d.added"
				     " FROM document d"
				     " WHERE d.status IN ('archived', 'review')");
		if (err == DOS_OK)
			err = add_filters(&hs, q);
		if (err == DOS_OK)
			err = dbuf_adds(&hs, " ORDER BY d.added DESC, d.id DESC"
					     " LIMIT :limit OFFSET :offset");
		if (err == DOS_OK)
			err = dbuf_adds(&cs, "SELECT count(*) FROM document d"
					     " WHERE d.status IN"
					     " ('archived', 'review')");
	}
	if (err == DOS_OK)
		err = add_filters(&cs, q);
	if (err != DOS_OK)
		goto out;
	if ((err = arc_prepare(a, hs.data, &hst)) != DOS_OK ||
	    (err = arc_prepare(a, cs.data, &cst)) != DOS_OK)
		goto out;
	bind_query(hst, q);
	bind_query(cst, q);
	if ((rc = sqlite3_step(cst)) != SQLITE_ROW) {
		err = step_error(a, "search count");
		goto out;
	}
	if ((res = json_object()) == NULL || (hits = json_array()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	json_object_set_new(res, "total",
			    json_integer(sqlite3_column_int64(cst, 0)));
	while ((rc = sqlite3_step(hst)) == SQLITE_ROW) {
		json_t *pages = json_array();
		const char *seqs = arc_col_text(hst, 4);
		char *end;
		long v;

		while (*seqs != '\0') {
			v = strtol(seqs, &end, 10);
			if (end == seqs)
				break;
			json_array_append_new(pages, json_integer(v));
			seqs = *end == ',' ? end + 1 : end;
		}
		json_array_append_new(
			hits,
			json_pack("{s:I,s:o,s:f,s:s,s:o,s:o,s:o,s:s}", "id",
				  (json_int_t)sqlite3_column_int64(hst, 0),
				  "account",
				  arc_col_json_text(hst, 1),
				  "score", -sqlite3_column_double(hst, 2),
				  "snippet", arc_col_text(hst, 3), "pages",
				  pages, "category",
				  arc_col_json_text(hst, 5),
				  "title",
				  arc_col_json_text(hst, 6),
				  "added", arc_col_text(hst, 7)));
	}
	if (rc != SQLITE_DONE) {
		err = step_error(a, "search");
		goto out;
	}
	json_object_set_new(res, "hits", hits);
	hits = NULL;
	*pout = res;
	res = NULL;
out:
	json_decref(res);
	json_decref(hits);
	sqlite3_finalize(hst);
	sqlite3_finalize(cst);
	dbuf_free(&hs);
	dbuf_free(&cs);
	return err;
}
