/*
 * purge.c: the end of a document whose deletion was approved and whose
 * hold period is over: its pages' text, words, barcodes and index entries
 * go, its blobs go unless something else still refers to them (an
 * original scan shared with other documents of the same file stays), and
 * a tombstone keeps who, when, why and the hashes of what was removed.
 * When the last document of a source file goes, its original goes too
 * (its blob row stays, marked destroyed).  A document purged for a
 * disposal list is recorded for the list's certificate, written once the
 * purge has committed.
 * Blob files are unlinked only after the catalogue commits; a crash in
 * between leaves unreferenced files that verify reports and explains.
 * Exports arc_purge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* Deletions due now, not blocked by a legal hold. */
#define DUE_SQL                                                            \
	"SELECT x.id, x.document_id, x.reason, d.archive_no, "               \
	"(SELECT count(*) FROM legal_hold h WHERE h.released_at IS NULL "    \
	" AND (h.document_id = d.id OR h.customer_id = d.customer_id)) "     \
	"FROM deletion x JOIN document d ON d.id = x.document_id "           \
	"WHERE x.status = 'approved' AND x.hold_until <= ? ORDER BY x.id"

/* Blobs of a document: pdf, then each page's processed page and thumb. */
static enum dos_err
doc_blobs(struct arc *a, int64_t doc, json_t *hashes, json_t *shas)
{
	sqlite3_stmt *st = NULL;
	json_t *pages = json_array();
	enum dos_err err;

	if (pages == NULL)
		return DOS_NOMEM;
	if ((err = arc_prepare(a, "SELECT pdf_sha256 FROM document "
				  "WHERE id = ? AND pdf_sha256 IS NOT NULL",
			       &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, doc);
	if (sqlite3_step(st) == SQLITE_ROW) {
		json_object_set_new(hashes, "pdf",
				    json_string(arc_col_text(st, 0)));
		json_array_append_new(shas, json_string(arc_col_text(st, 0)));
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((err = arc_prepare(a, "SELECT processed_sha256, thumb_sha256 "
				  "FROM page WHERE document_id = ? "
				  "ORDER BY seq", &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, doc);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_array_append_new(pages,
				      json_pack("{s:s,s:s}", "processed",
						arc_col_text(st, 0), "thumb",
						arc_col_text(st, 1)));
		json_array_append_new(shas, json_string(arc_col_text(st, 0)));
		json_array_append_new(shas, json_string(arc_col_text(st, 1)));
	}
	json_object_set(hashes, "pages", pages);
	sqlite3_finalize(st);
	/* Pages turned after ingest: what they replaced goes too. */
	if ((err = arc_prepare(a, "SELECT processed_sha256, thumb_sha256, "
				  "pdf_sha256 FROM page_image_version WHERE "
				  "document_id = ?", &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, doc);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int c;

		for (c = 0; c < 3; c++)
			if (sqlite3_column_type(st, c) != SQLITE_NULL)
				json_array_append_new(
					shas,
					json_string(arc_col_text(st, c)));
	}
out:
	sqlite3_finalize(st);
	json_decref(pages);
	return err;
}

static enum dos_err
run(struct arc *a, const char *sql, int64_t id)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, sql, &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		dos_errx("arc_purge: %s", arc_errmsg(a));
		err = DOS_DB;
	}
	sqlite3_finalize(st);
	return err;
}

/* Drops the blob rows nobody refers to any more; adds them to gone. */
static enum dos_err
drop_unreferenced(struct arc *a, json_t *shas, json_t *gone)
{
	sqlite3_stmt *st = NULL, *del = NULL;
	json_t *v;
	size_t i;
	enum dos_err err;

	if ((err = arc_prepare(a, "SELECT (SELECT count(*) FROM page WHERE "
				  "processed_sha256 = ?1 OR thumb_sha256 = ?1) "
				  "+ (SELECT count(*) FROM skipped_page WHERE "
				  "processed_sha256 = ?1 OR thumb_sha256 = ?1) "
				  "+ (SELECT count(*) FROM source WHERE "
				  "sha256 = ?1) + (SELECT count(*) FROM "
				  "document WHERE pdf_sha256 = ?1) + (SELECT "
				  "count(*) FROM page_image_version WHERE "
				  "processed_sha256 = ?1 OR thumb_sha256 = ?1 "
				  "OR pdf_sha256 = ?1)",
			       &st)) != DOS_OK ||
	    (err = arc_prepare(a, "DELETE FROM blob WHERE sha256 = ?",
			       &del)) != DOS_OK)
		goto out;
	json_array_foreach(shas, i, v) {
		sqlite3_reset(st);
		arc_bind_text(st, 1, json_string_value(v));
		if (sqlite3_step(st) != SQLITE_ROW) {
			err = DOS_DB;
			goto out;
		}
		if (sqlite3_column_int(st, 0) > 0)
			continue;
		sqlite3_reset(del);
		arc_bind_text(del, 1, json_string_value(v));
		if (sqlite3_step(del) != SQLITE_DONE) {
			err = DOS_DB;
			goto out;
		}
		if (sqlite3_changes(a->db) > 0)
			json_array_append(gone, v);
	}
out:
	sqlite3_finalize(st);
	sqlite3_finalize(del);
	return err;
}

/* A source none of whose documents is left: its original and its pages
 * set aside (separators, cover sheets, blank pages) go too, unless other
 * rows still use the same bytes.  Their blob rows stay, marked destroyed
 * (what they were, for the record); the files are removed after the
 * commit (added to gone).  *pgone: whether doc's original went. */
#define RETIRED(src)                                                       \
	"(EXISTS (SELECT 1 FROM document x WHERE x.source_id = " src ") "  \
	"AND NOT EXISTS (SELECT 1 FROM document x WHERE x.source_id = "     \
	src " AND x.status <> 'purged'))"

static enum dos_err
destroy_source(struct arc *a, int64_t doc, const char *now, json_t *gone,
	       int *pgone)
{
	sqlite3_stmt *st = NULL, *refs = NULL, *mark = NULL;
	json_t *shas = json_array(), *v;
	int64_t sid = 0;
	size_t i;
	enum dos_err err;

	*pgone = 0;
	if (shas == NULL)
		return DOS_NOMEM;
	if ((err = arc_prepare(a, "SELECT s.id, s.sha256 FROM source s JOIN "
				  "document d ON d.source_id = s.id WHERE "
				  "d.id = ? AND " RETIRED("s.id"),
			       &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, doc);
	if (sqlite3_step(st) == SQLITE_ROW) {
		sid = sqlite3_column_int64(st, 0);
		json_array_append_new(shas, json_string(arc_col_text(st, 1)));
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sid == 0)
		goto out;
	if ((err = arc_prepare(a, "SELECT processed_sha256, thumb_sha256 "
				  "FROM skipped_page WHERE source_id = ?",
			       &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, sid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_array_append_new(shas, json_string(arc_col_text(st, 0)));
		json_array_append_new(shas, json_string(arc_col_text(st, 1)));
	}
	if ((err = arc_prepare(a, "SELECT (SELECT count(*) FROM page WHERE "
				  "processed_sha256 = ?1 OR thumb_sha256 = ?1) "
				  "+ (SELECT count(*) FROM skipped_page k WHERE "
				  "(k.processed_sha256 = ?1 OR k.thumb_sha256 = "
				  "?1) AND NOT " RETIRED("k.source_id") ") + "
				  "(SELECT count(*) FROM source WHERE sha256 = "
				  "?1 AND NOT " RETIRED("source.id") ") + "
				  "(SELECT count(*) FROM document WHERE "
				  "pdf_sha256 = ?1) + (SELECT count(*) FROM "
				  "page_image_version WHERE processed_sha256 = "
				  "?1 OR thumb_sha256 = ?1 OR pdf_sha256 = ?1)",
			       &refs)) != DOS_OK ||
	    (err = arc_prepare(a, "UPDATE blob SET destroyed = ? WHERE "
				  "sha256 = ? AND destroyed IS NULL",
			       &mark)) != DOS_OK)
		goto out;
	json_array_foreach(shas, i, v) {
		sqlite3_reset(refs);
		arc_bind_text(refs, 1, json_string_value(v));
		if (sqlite3_step(refs) != SQLITE_ROW) {
			err = arc_db_err(a);
			goto out;
		}
		if (sqlite3_column_int(refs, 0) > 0)
			continue;
		sqlite3_reset(mark);
		arc_bind_text(mark, 1, now);
		arc_bind_text(mark, 2, json_string_value(v));
		if (sqlite3_step(mark) != SQLITE_DONE) {
			err = arc_db_err(a);
			goto out;
		}
		if (sqlite3_changes(a->db) > 0) {
			json_array_append(gone, v);
			if (i == 0)
				*pgone = 1;
		}
	}
out:
	sqlite3_finalize(st);
	sqlite3_finalize(refs);
	sqlite3_finalize(mark);
	json_decref(shas);
	return err;
}

/* Purges one document inside a transaction; fills gone with blob shas. */
static enum dos_err
purge_one(struct arc *a, const char *actor, int64_t xid, int64_t doc,
	  const char *reason, const char *archive_no, const char *now,
	  json_t *gone, int *poriginals)
{
	sqlite3_stmt *st = NULL;
	json_t *hashes = json_object(), *shas = json_array(), *record = NULL;
	char *hs = NULL, obj[32];
	int orig_gone = 0;
	enum dos_err err;

	if (hashes == NULL || shas == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	/* What a disposal certificate will say of it, read before it goes. */
	if ((err = arc_disposal_record(a, xid, doc, &record)) != DOS_OK ||
	    (err = doc_blobs(a, doc, hashes, shas)) != DOS_OK)
		goto out;
	/* The index row goes with the text it was built from. */
	if ((err = arc_fts_unindex(a, doc)) != DOS_OK ||
	    (err = run(a, "DELETE FROM barcode WHERE page_id IN (SELECT id "
			  "FROM page WHERE document_id = ?)", doc)) != DOS_OK ||
	    (err = run(a, "DELETE FROM page_text_version WHERE page_id IN "
			  "(SELECT id FROM page WHERE document_id = ?)",
		       doc)) != DOS_OK ||
	    (err = run(a, "DELETE FROM page_image_version WHERE "
			  "document_id = ?", doc)) != DOS_OK ||
	    (err = run(a, "DELETE FROM page WHERE document_id = ?", doc)) !=
		    DOS_OK ||
	    /* earlier metadata goes too; who, when and why stay */
	    (err = run(a, "UPDATE document_version SET before = '{}', "
			  "after = '{}' WHERE document_id = ?", doc)) !=
		    DOS_OK ||
	    (err = run(a, "UPDATE document SET status = 'purged', title = NULL, "
			  "signatory = NULL, keywords = NULL, pdf_sha256 = NULL "
			  "WHERE id = ?", doc)) != DOS_OK)
		goto out;
	if ((err = drop_unreferenced(a, shas, gone)) != DOS_OK ||
	    (err = destroy_source(a, doc, now, gone, &orig_gone)) != DOS_OK)
		goto out;
	*poriginals += orig_gone;
	if (record != NULL &&
	    (err = arc_disposal_destroyed(a, xid, record, orig_gone)) !=
		    DOS_OK)
		goto out;
	if ((hs = json_dumps(hashes, JSON_SORT_KEYS | JSON_COMPACT)) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if ((err = arc_prepare(a, "INSERT INTO tombstone(document_id, "
				  "archive_no, purged_by, purged_at, reason, "
				  "hashes) VALUES (?, ?, ?, ?, ?, ?)", &st)) !=
	    DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, doc);
	arc_bind_text(st, 2, archive_no);
	arc_bind_text(st, 3, actor);
	arc_bind_text(st, 4, now);
	arc_bind_text(st, 5, reason);
	arc_bind_text(st, 6, hs);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = DOS_DB;
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((err = arc_prepare(a, "UPDATE deletion SET status = 'purged', "
				  "closed_by = ?, closed_at = ? WHERE id = ?",
			       &st)) != DOS_OK)
		goto out;
	arc_bind_text(st, 1, actor);
	arc_bind_text(st, 2, now);
	sqlite3_bind_int64(st, 3, xid);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = DOS_DB;
		goto out;
	}
	snprintf(obj, sizeof(obj), "document %lld", (long long)doc);
	err = arc_audit(a, actor, "purge", obj, reason);
out:
	sqlite3_finalize(st);
	free(hs);
	json_decref(hashes);
	json_decref(shas);
	json_decref(record);
	return err;
}

enum dos_err
arc_purge(struct arc *a, const struct arc_user *who, json_t **preport)
{
	const char *actor = who->name;
	sqlite3_stmt *st = NULL;
	json_t *report = NULL, *gone = NULL, *held = NULL, *done = NULL, *v;
	json_t *certs = NULL;
	char now[32], path[4096];
	size_t i;
	int originals = 0;
	enum dos_err err;

	*preport = NULL;
	if ((err = arc_may(a, who, ARC_PURGE, ARC_OBJ_NONE, 0, NULL, 0)) !=
	    DOS_OK)
		return err;
	dos_now_iso(now);
	if ((report = json_object()) == NULL || (gone = json_array()) == NULL ||
	    (held = json_array()) == NULL || (done = json_array()) == NULL ||
	    (certs = json_array()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if ((err = arc_tx_begin(a)) != DOS_OK)
		goto out;
	if ((err = arc_prepare(a, DUE_SQL, &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, now);
	/* Collect first: purging changes the tables the query reads. */
	{
		json_t *due = json_array();

		while (due != NULL && sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(
				due,
				json_pack("{s:I,s:I,s:s,s:o,s:i}", "x",
					  (json_int_t)sqlite3_column_int64(st,
									   0),
					  "doc",
					  (json_int_t)sqlite3_column_int64(st,
									   1),
					  "reason", arc_col_text(st, 2), "no",
					  arc_col_json_text(st, 3), "holds",
					  sqlite3_column_int(st, 4)));
		sqlite3_finalize(st);
		st = NULL;
		if (due == NULL) {
			err = DOS_NOMEM;
			goto fail;
		}
		json_array_foreach(due, i, v) {
			json_int_t doc = json_integer_value(
				json_object_get(v, "doc"));

			if (json_integer_value(json_object_get(v, "holds")) >
			    0) {
				json_array_append_new(held, json_integer(doc));
				continue;
			}
			if ((err = purge_one(
				     a, actor,
				     json_integer_value(json_object_get(v, "x")),
				     doc,
				     json_string_value(
					     json_object_get(v, "reason")),
				     json_string_value(json_object_get(v, "no")),
				     now, gone, &originals)) != DOS_OK) {
				json_decref(due);
				goto fail;
			}
			json_array_append_new(done, json_integer(doc));
		}
		json_decref(due);
	}
	if ((err = arc_tx_commit(a)) != DOS_OK)
		goto out;
	/* Only now that nothing refers to them. */
	json_array_foreach(gone, i, v)
		if (arc_blob_path(a, json_string_value(v), path,
				  sizeof(path)) == DOS_OK) {
			unlink(path);
			/* and the page images rendered from it */
			arc_view_cache_drop(a, json_string_value(v));
		}
	/* Disposal lists whose documents went get their certificates; one
	 * that cannot be written now is written by the next purge. */
	if (arc_disposal_certify(a, actor, certs) != DOS_OK)
		dos_errx("%s: a disposal certificate could not be written; "
			 "the next purge tries again", __func__);
	json_object_set(report, "purged", done);
	json_object_set_new(report, "originals_destroyed",
			    json_integer(originals));
	json_object_set(report, "certificates", certs);
	json_object_set(report, "held", held);
	json_object_set_new(report, "blobs_removed",
			    json_integer((json_int_t)json_array_size(gone)));
	*preport = report;
	report = NULL;
	goto out;
fail:
	sqlite3_finalize(st);
	arc_tx_rollback(a);
out:
	json_decref(report);
	json_decref(gone);
	json_decref(held);
	json_decref(done);
	json_decref(certs);
	return err;
}
