/*
 * doc.c: batches, source files and the documents cut from them: committing
 * an ingested file atomically, and reading a document back.
 * Exports arc_source_find, arc_source_commit, arc_doc_get, arc_doc_pdf,
 * arc_review_list; to the archive, arc_blob_row and arc_words_json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* What the classifier said of a new document, and a customer it chose
 * (when no account gave one). */
static enum dos_err
classified(struct arc *a, struct arc_doc_in *d)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "UPDATE document SET suggestion = ?, "
				  "filed_by = ?, customer_id = "
				  "coalesce(customer_id, (SELECT id FROM "
				  "customer WHERE number = ?)) WHERE id = ?",
			       &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, d->suggestion);
	arc_bind_text(st, 2, d->filed_by);
	arc_bind_text(st, 3, d->customer);
	sqlite3_bind_int64(st, 4, d->id);
	if ((err = arc_step_once(a, st, "classified")) != DOS_OK)
		return err;
	if (d->customer_id == 0 && d->customer != NULL &&
	    arc_customer_id(a, d->customer, &d->customer_id) != DOS_OK)
		d->customer_id = 0;
	return DOS_OK;
}

enum dos_err
arc_source_find(struct arc *a, const char *sha256, int *pfound, json_t **pdocs)
{
	sqlite3_stmt *st = NULL;
	json_t *docs;
	enum dos_err err;

	*pfound = 0;
	*pdocs = NULL;
	if ((err = arc_prepare(a, "SELECT s.id, d.id FROM source s "
				  "LEFT JOIN document d ON d.source_id = s.id "
				  "WHERE s.sha256 = ? ORDER BY d.id", &st)) !=
	    DOS_OK)
		return err;
	arc_bind_text(st, 1, sha256);
	if ((docs = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		*pfound = 1;
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			json_array_append_new(
				docs, json_integer(sqlite3_column_int64(st, 1)));
	}
	sqlite3_finalize(st);
	*pdocs = docs;
	return DOS_OK;
}

/* Records a blob row for a stored blob; the blob file must exist. */
enum dos_err
arc_blob_row(struct arc *a, sqlite3_stmt *st, const char *sha,
	     const char *now)
{
	char path[4096];
	struct stat sb;
	enum dos_err err;

	if ((err = arc_blob_path(a, sha, path, sizeof(path))) != DOS_OK)
		return err;
	if (stat(path, &sb) != 0) {
		dos_errx("%s: blob %s is missing; refusing to reference it",
			 __func__, sha);
		return DOS_CORRUPT;
	}
	sqlite3_reset(st);
	arc_bind_text(st, 1, sha);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)sb.st_size);
	arc_bind_text(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		dos_errx("%s: %s", __func__, arc_errmsg(a));
		return arc_db_err(a);
	}
	return DOS_OK;
}

char *
arc_words_json(const struct arc_page_in *p)
{
	json_t *arr = json_array();
	char *s;
	size_t i;

	if (arr == NULL)
		return NULL;
	for (i = 0; i < p->nwords; i++) {
		const struct arc_word *w = &p->words[i];
		json_array_append_new(arr,
				      json_pack("[siiiii]", w->text, w->x, w->y,
						w->w, w->h, (int)(w->conf + 0.5f)));
	}
	s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s;
}

char *
arc_unread_json(const struct arc_page_in *p)
{
	json_t *arr = json_array();
	char *s;
	size_t i;

	if (arr == NULL)
		return NULL;
	for (i = 0; i < p->nunread; i++)
		json_array_append_new(arr, json_pack("[iiii]", p->unread[i][0],
						     p->unread[i][1],
						     p->unread[i][2],
						     p->unread[i][3]));
	s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s;
}

static enum dos_err
step_done(struct arc *a, sqlite3_stmt *st, const char *what)
{
	if (sqlite3_step(st) != SQLITE_DONE) {
		dos_errx("%s: %s", what, arc_errmsg(a));
		return arc_db_err(a);
	}
	return DOS_OK;
}

static enum dos_err
insert_page(struct arc *a, sqlite3_stmt *pst, sqlite3_stmt *bst, sqlite3_stmt *blobst, int64_t docid, int seq,
	    const struct arc_page_in *p, const char *now)
{
	char *words = NULL, *unread = NULL;
	int64_t pid;
	size_t i;
	enum dos_err err;

	if ((err = arc_blob_row(a, blobst, p->processed, now)) != DOS_OK ||
	    (err = arc_blob_row(a, blobst, p->thumb, now)) != DOS_OK)
		return err;
	if ((words = arc_words_json(p)) == NULL ||
	    (unread = arc_unread_json(p)) == NULL) {
		free(words);
		return DOS_NOMEM;
	}
	sqlite3_reset(pst);
	sqlite3_bind_int64(pst, 1, docid);
	sqlite3_bind_int(pst, 2, seq);
	sqlite3_bind_int(pst, 3, p->source_index);
	arc_bind_text(pst, 4, p->processed);
	arc_bind_text(pst, 5, p->thumb);
	sqlite3_bind_int(pst, 6, p->width);
	sqlite3_bind_int(pst, 7, p->height);
	sqlite3_bind_int(pst, 8, p->dpi);
	sqlite3_bind_int(pst, 9, p->rotation);
	sqlite3_bind_double(pst, 10, p->skew_deg);
	sqlite3_bind_double(pst, 11, p->ocr_confidence);
	sqlite3_bind_int(pst, 12, p->blank);
	arc_bind_text(pst, 13, p->text != NULL ? p->text : "");
	arc_bind_text(pst, 14, words);
	sqlite3_bind_double(pst, 15, p->read_share);
	arc_bind_text(pst, 16, unread);
	err = step_done(a, pst, "insert page");
	free(words);
	free(unread);
	if (err != DOS_OK)
		return err;
	pid = sqlite3_last_insert_rowid(a->db);
	for (i = 0; i < p->nbarcodes; i++) {
		sqlite3_reset(bst);
		sqlite3_bind_int64(bst, 1, pid);
		arc_bind_text(bst, 2, p->barcodes[i].type);
		arc_bind_text(bst, 3, p->barcodes[i].value);
		if ((err = step_done(a, bst, "insert barcode")) != DOS_OK)
			return err;
	}
	return DOS_OK;
}

/*
 * Files a document in its customer's dossier: category class, customer,
 * archive number (volume = the filing year).  A category that is neither
 * a class nor an alias sends the document to review.
 */
static enum dos_err
file_doc(struct arc *a, struct arc_doc_in *d, const char *now, char *cat,
	 size_t catlen, int *pcatalogue, int64_t *pitem)
{
	char year[5];
	enum dos_err err;

	d->archive_no[0] = '\0';
	if ((err = arc_file_resolve(a, d->category, d->account, cat, catlen,
				    &d->customer_id)) != DOS_OK)
		return err;
	snprintf(d->category_code, sizeof(d->category_code), "%s", cat);
	if (cat[0] == '\0') {
		if (d->category != NULL) {
			d->status = "review";
			if (d->review_reason == NULL) {
				snprintf(d->note, sizeof(d->note),
					 "unknown category '%.40s'",
					 d->category);
				d->review_reason = d->note;
			}
		}
		return DOS_OK;
	}
	memcpy(year, now, 4);
	year[4] = '\0';
	return arc_file_number(a, cat, year, pcatalogue, pitem, d->archive_no,
			       sizeof(d->archive_no));
}

/*
 * Whether every text of a source is UTF-8: the archive hands them out as
 * JSON, where a string that is not cannot be written at all (the document
 * would be filed but never shown).
 */
static int
source_utf8(const struct arc_source_in *src)
{
	const struct arc_doc_in *d;
	const struct arc_page_in *pg;
	size_t i, j, k;

	if (!dos_utf8_valid(src->name))
		return 0;
	for (i = 0; i < src->ndocs; i++) {
		d = &src->docs[i];
		if (!dos_utf8_valid(d->account) ||
		    !dos_utf8_valid(d->category) ||
		    !dos_utf8_valid(d->title) || !dos_utf8_valid(d->date) ||
		    !dos_utf8_valid(d->doc_type) ||
		    !dos_utf8_valid(d->review_reason))
			return 0;
		for (j = 0; j < d->npages; j++) {
			pg = &d->pages[j];
			if (!dos_utf8_valid(pg->text))
				return 0;
			for (k = 0; k < pg->nwords; k++)
				if (!dos_utf8_valid(pg->words[k].text))
					return 0;
			for (k = 0; k < pg->nbarcodes; k++)
				if (!dos_utf8_valid(pg->barcodes[k].value))
					return 0;
		}
	}
	for (i = 0; i < src->nskipped; i++)
		if (!dos_utf8_valid(src->skipped[i].barcode))
			return 0;
	return 1;
}

/*
 * Ends the queue's row of a filed source (inside the filing's
 * transaction), its result the documents: {"documents": [{"id", "pages",
 * "status", "account", "category", "archive_no"}]}.
 */
static enum dos_err
end_job(struct arc *a, const struct arc_source_in *src)
{
	json_t *res = json_object(), *docs = json_array();
	char *text = NULL;
	size_t i;
	enum dos_err err = DOS_NOMEM;

	if (res == NULL || docs == NULL)
		goto out;
	for (i = 0; i < src->ndocs; i++) {
		const struct arc_doc_in *d = &src->docs[i];

		json_array_append_new(
			docs,
			json_pack("{s:I,s:i,s:s,s:s?,s:s?,s:s?}", "id",
				  (json_int_t)d->id, "pages", (int)d->npages,
				  "status", d->status ? d->status : "archived",
				  "account", d->account, "category",
				  d->category_code[0] != '\0'
					  ? d->category_code
					  : d->category,
				  "archive_no",
				  d->archive_no[0] != '\0' ? d->archive_no
							   : NULL));
	}
	json_object_set(res, "documents", docs);
	if ((text = json_dumps(res, JSON_COMPACT)) == NULL)
		goto out;
	if ((err = arc_job_finish_in_tx(a, src->job, src->job_worker, text)) ==
	    DOS_OK)
		err = arc_job_settle(a, src->job);
out:
	free(text);
	json_decref(res);
	json_decref(docs);
	return err;
}

enum dos_err
arc_source_commit(struct arc *a, struct arc_source_in *src)
{
	sqlite3_stmt *blobst = NULL, *sst = NULL, *dst = NULL, *pst = NULL,
		     *bst = NULL, *kst = NULL;
	char now[32], cat[32];
	int catalogue = 0;
	int64_t item = 0;
	int64_t sid;
	size_t i, j;
	enum dos_err err;

	if (!source_utf8(src)) {
		dos_errx("%s: a text of the source is not UTF-8", __func__);
		return DOS_INVAL;
	}
	dos_now_iso(now);
	/* Room for the catalogue's rows, outside what is kept free. */
	if ((err = arc_space_check(a, 256u << 10)) != DOS_OK)
		return err;
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, ARC_BLOB_ROW_SQL, &blobst)) ||
	    (err = arc_prepare(a, "INSERT INTO source(sha256, name, size, "
				  "format, pages, batch_id, added) "
				  "VALUES (?, ?, ?, ?, ?, ?, ?)", &sst)) ||
	    (err = arc_prepare(a, "INSERT INTO document(account, category, "
				  "title, added, status, source_id, batch_id, "
				  "npages, serial, review_reason, pdf_sha256, "
				  "doc_date, customer_id, catalogue, volume, "
				  "item, archive_no, doc_type, lang, "
				  "date_note) VALUES (?, "
				  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
				  "?, ?, ?, ?)",
			       &dst)) ||
	    (err = arc_prepare(a, "INSERT INTO skipped_page(source_id, "
				  "source_index, role, processed_sha256, "
				  "thumb_sha256, barcode) "
				  "VALUES (?, ?, ?, ?, ?, ?)", &kst)) ||
	    (err = arc_prepare(a, "INSERT INTO page(document_id, seq, "
				  "source_index, processed_sha256, "
				  "thumb_sha256, width, height, dpi, rotation, "
				  "skew_deg, ocr_confidence, blank, text, "
				  "words, read_share, unread) VALUES "
				  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
				  "?, ?)",
			       &pst)) ||
	    (err = arc_prepare(a, "INSERT INTO barcode(page_id, type, value) "
				  "VALUES (?, ?, ?)", &bst)))
		goto out;
	if ((err = arc_blob_row(a, blobst, src->sha256, now)) != DOS_OK)
		goto out;
	arc_bind_text(sst, 1, src->sha256);
	arc_bind_text(sst, 2, src->name);
	sqlite3_bind_int64(sst, 3, (sqlite3_int64)src->size);
	arc_bind_text(sst, 4, src->format);
	sqlite3_bind_int(sst, 5, src->npages);
	if (src->batch_id > 0)
		sqlite3_bind_int64(sst, 6, src->batch_id);
	arc_bind_text(sst, 7, now);
	if (sqlite3_step(sst) != SQLITE_DONE) {
		err = sqlite3_extended_errcode(a->db) ==
				      SQLITE_CONSTRAINT_UNIQUE
			      ? DOS_CONFLICT
			      : arc_db_err(a);
		dos_errx("%s: %s", __func__, arc_errmsg(a));
		goto out;
	}
	sid = sqlite3_last_insert_rowid(a->db);
	for (i = 0; i < src->ndocs; i++) {
		struct arc_doc_in *d = &src->docs[i];

		if ((err = file_doc(a, d, now, cat, sizeof(cat), &catalogue,
				    &item)) != DOS_OK)
			goto out;
		sqlite3_reset(dst);
		arc_bind_text(dst, 1, d->account);
		arc_bind_text(dst, 2, d->category_code[0] != '\0'
					      ? d->category_code
					      : d->category);
		arc_bind_text(dst, 3, d->title);
		arc_bind_text(dst, 4, now);
		arc_bind_text(dst, 5, d->status ? d->status : "archived");
		sqlite3_bind_int64(dst, 6, sid);
		if (src->batch_id > 0)
			sqlite3_bind_int64(dst, 7, src->batch_id);
		else
			sqlite3_bind_null(dst, 7);
		sqlite3_bind_int(dst, 8, (int)d->npages);
		if (d->serial > 0)
			sqlite3_bind_int64(dst, 9, d->serial);
		else
			sqlite3_bind_null(dst, 9);
		arc_bind_text(dst, 10, d->review_reason);
		if (d->pdf != NULL &&
		    (err = arc_blob_row(a, blobst, d->pdf, now)) != DOS_OK)
			goto out;
		arc_bind_text(dst, 11, d->pdf);
		arc_bind_text(dst, 12, d->date);
		if (d->customer_id > 0)
			sqlite3_bind_int64(dst, 13, d->customer_id);
		else
			sqlite3_bind_null(dst, 13);
		if (d->archive_no[0] != '\0') {
			sqlite3_bind_int(dst, 14, catalogue);
			sqlite3_bind_text(dst, 15, now, 4, SQLITE_TRANSIENT);
			sqlite3_bind_int64(dst, 16, item);
			arc_bind_text(dst, 17, d->archive_no);
		} else {
			sqlite3_bind_null(dst, 14);
			sqlite3_bind_null(dst, 15);
			sqlite3_bind_null(dst, 16);
			sqlite3_bind_null(dst, 17);
		}
		arc_bind_text(dst, 18, d->doc_type);
		arc_bind_text(dst, 19, d->lang);
		arc_bind_text(dst, 20, d->date != NULL ? d->date_note : NULL);
		if ((err = step_done(a, dst, "insert document")) != DOS_OK)
			goto out;
		d->id = sqlite3_last_insert_rowid(a->db);
		if ((d->suggestion != NULL || d->filed_by != NULL ||
		     d->customer != NULL) &&
		    (err = classified(a, d)) != DOS_OK)
			goto out;
		for (j = 0; j < d->npages; j++)
			if ((err = insert_page(a, pst, bst, blobst, d->id,
					       (int)j + 1, &d->pages[j], now)) !=
			    DOS_OK)
				goto out;
		if ((err = arc_fts_index(a, d->id)) != DOS_OK)
			goto out;
	}
	for (i = 0; i < src->nskipped; i++) {
		const struct arc_skipped_in *k = &src->skipped[i];

		if ((err = arc_blob_row(a, blobst, k->processed, now)) != DOS_OK ||
		    (err = arc_blob_row(a, blobst, k->thumb, now)) != DOS_OK)
			goto out;
		sqlite3_reset(kst);
		sqlite3_bind_int64(kst, 1, sid);
		sqlite3_bind_int(kst, 2, k->source_index);
		arc_bind_text(kst, 3, k->role);
		arc_bind_text(kst, 4, k->processed);
		arc_bind_text(kst, 5, k->thumb);
		arc_bind_text(kst, 6, k->barcode);
		if ((err = step_done(a, kst, "insert skipped page")) != DOS_OK)
			goto out;
	}
	/* The batch's record says so in the same transaction. */
	if (src->batch_id > 0 && src->batch_entry != NULL &&
	    (err = arc_batch_file(a, src->batch_id, src->batch_entry,
				  src->sha256, "ingested", src->npages,
				  (int)src->ndocs, NULL)) != DOS_OK)
		goto out;
	/* The queue's row for the file ends with it, once. */
	if (src->job > 0 && (err = end_job(a, src)) != DOS_OK)
		goto out;
	/* Audited in the same transaction: a crash leaves both or neither. */
	for (i = 0; i < src->ndocs; i++) {
		char obj[48];

		snprintf(obj, sizeof(obj), "document %lld",
			 (long long)src->docs[i].id);
		if ((err = arc_audit(a, src->actor ? src->actor : "unknown",
				     "ingest", obj, src->name)) != DOS_OK)
			goto out;
	}
	err = arc_tx_commit(a);
out:
	sqlite3_finalize(kst);
	sqlite3_finalize(blobst);
	sqlite3_finalize(sst);
	sqlite3_finalize(dst);
	sqlite3_finalize(pst);
	sqlite3_finalize(bst);
	if (err != DOS_OK)
		arc_tx_rollback(a);
	return err;
}

static json_t *
page_barcodes(struct arc *a, sqlite3_stmt *st, int64_t pid)
{
	json_t *arr = json_array();

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, pid);
	while (arr != NULL && sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:s,s:s}", "type",
						     arc_col_text(st, 0),
						     "value",
						     arc_col_text(st, 1)));
	(void)a;
	return arr;
}

/* Sets the document's "versions": its metadata changes, newest first,
 * [{"version","at","actor","reason","before","after"}]. */
static enum dos_err
doc_versions(struct arc *a, int64_t id, json_t *doc)
{
	sqlite3_stmt *st = NULL;
	json_t *list = json_array(), *v;
	enum dos_err err;

	if (list == NULL)
		return DOS_NOMEM;
	if ((err = arc_prepare(a, "SELECT version, at, actor, reason, "
				  "before, after FROM document_version "
				  "WHERE document_id = ? ORDER BY version "
				  "DESC", &st)) != DOS_OK) {
		json_decref(list);
		return err;
	}
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *b = json_loads(arc_col_text(st, 4), 0, NULL);
		json_t *af = json_loads(arc_col_text(st, 5), 0, NULL);

		v = json_pack("{s:i,s:s,s:s,s:s,s:o,s:o}", "version",
			      sqlite3_column_int(st, 0), "at",
			      arc_col_text(st, 1), "actor",
			      arc_col_text(st, 2), "reason",
			      arc_col_text(st, 3), "before",
			      b != NULL ? b : json_object(), "after",
			      af != NULL ? af : json_object());
		if (v == NULL) {
			err = DOS_NOMEM;
			break;
		}
		json_array_append_new(list, v);
	}
	sqlite3_finalize(st);
	if (err == DOS_OK)
		json_object_set_new(doc, "versions", list);
	else
		json_decref(list);
	return err;
}

enum dos_err
arc_doc_get(struct arc *a, const struct arc_user *who, int64_t id,
	    json_t **pout, char *msg, size_t msglen)
{
	sqlite3_stmt *dst = NULL, *pst = NULL, *bst = NULL;
	json_t *doc = NULL, *pages = NULL, *page, *words, *unread;
	char obj[32];
	int row;
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_may(a, who, ARC_VIEW, ARC_OBJ_DOC, id, msg, msglen)) !=
	    DOS_OK)
		return err;
	snprintf(obj, sizeof(obj), "document %lld", (long long)id);
	if ((err = arc_audit_read(a, who->name, "view", obj, "")) != DOS_OK)
		return err;
	if ((err = arc_stmt(a, "SELECT d.id, d.account, d.category, "
				  "d.title, d.added, d.status, d.npages, "
				  "d.version, s.name, s.sha256, s.format, "
				  "d.batch_id, d.serial, d.review_reason, "
				  "d.pdf_sha256, d.doc_date, d.archive_no, "
				  "d.catalogue, d.volume, d.item, d.doc_type, "
				  "d.signatory, d.keywords, d.confidentiality, "
				  "d.searchable, d.location, c.id, c.number, "
				  "c.name, d.lang, d.date_note FROM document d "
				  "LEFT JOIN customer c ON c.id = d.customer_id "
				  "JOIN source s ON s.id = d.source_id "
				  "WHERE d.id = ?", &dst)) ||
	    (err = arc_stmt(a, "SELECT id, seq, source_index, "
				  "processed_sha256, thumb_sha256, width, "
				  "height, dpi, rotation, skew_deg, "
				  "ocr_confidence, blank, text, words, "
				  "text_version, read_share, unread FROM page "
				  "WHERE document_id = ? ORDER BY seq",
			       &pst)) ||
	    (err = arc_stmt(a, "SELECT type, value FROM barcode "
				  "WHERE page_id = ? ORDER BY rowid", &bst)))
		goto out;
	sqlite3_bind_int64(dst, 1, id);
	if ((err = arc_stmt_step(a, dst, &row)) != DOS_OK)
		goto out;
	if (!row) {
		err = DOS_NOTFOUND;
		goto out;
	}
	doc = json_pack("{s:I,s:o,s:o,s:o,s:s,s:s,s:i,s:i,s:{s:s,s:s,s:s},s:o}",
			"id", (json_int_t)sqlite3_column_int64(dst, 0),
			"account",
			arc_col_json_text(dst, 1),
			"category",
			arc_col_json_text(dst, 2),
			"title",
			arc_col_json_text(dst, 3),
			"added", arc_col_text(dst, 4), "status",
			arc_col_text(dst, 5), "npages",
			sqlite3_column_int(dst, 6), "version",
			sqlite3_column_int(dst, 7), "source", "name",
			arc_col_text(dst, 8), "sha256", arc_col_text(dst, 9),
			"format", arc_col_text(dst, 10), "batch",
			arc_col_json_int(dst, 11));
	if (doc == NULL || (pages = json_array()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	sqlite3_bind_int64(pst, 1, id);
	while ((err = arc_stmt_step(a, pst, &row)) == DOS_OK && row) {
		int64_t pid = sqlite3_column_int64(pst, 0);

		words = json_loads(arc_col_text(pst, 13), 0, NULL);
		page = json_pack(
			"{s:I,s:i,s:i,s:s,s:s,s:i,s:i,s:i,s:i,s:f,s:f,s:b,s:s,"
			"s:o,s:o,s:i}",
			"id", (json_int_t)pid, "seq", sqlite3_column_int(pst, 1),
			"source_index", sqlite3_column_int(pst, 2), "processed",
			arc_col_text(pst, 3), "thumb", arc_col_text(pst, 4),
			"width", sqlite3_column_int(pst, 5), "height",
			sqlite3_column_int(pst, 6), "dpi",
			sqlite3_column_int(pst, 7), "rotation",
			sqlite3_column_int(pst, 8), "skew_deg",
			sqlite3_column_double(pst, 9), "ocr_confidence",
			sqlite3_column_double(pst, 10), "blank",
			sqlite3_column_int(pst, 11), "text",
			arc_col_text(pst, 12), "words",
			words != NULL ? words : json_array(), "barcodes",
			page_barcodes(a, bst, pid), "text_version",
			sqlite3_column_int(pst, 14));
		if (page == NULL) {
			err = DOS_NOMEM;
			goto out;
		}
		/* The quality gate's figures (null: read before it existed). */
		json_object_set_new(page, "read_share",
				    sqlite3_column_type(pst, 15) == SQLITE_NULL
					    ? json_null()
					    : json_real(sqlite3_column_double(
						      pst, 15)));
		unread = sqlite3_column_type(pst, 16) == SQLITE_NULL
				 ? NULL
				 : json_loads(arc_col_text(pst, 16), 0, NULL);
		json_object_set_new(page, "unread",
				    unread != NULL ? unread : json_array());
		json_array_append_new(pages, page);
	}
	if (err != DOS_OK)
		goto out;
	json_object_set_new(doc, "serial",
			    arc_col_json_int(dst, 12));
	json_object_set_new(doc, "review_reason",
			    arc_col_json_text(dst, 13));
	json_object_set_new(doc, "pdf", arc_col_json_text(dst, 14));
	json_object_set_new(doc, "date", arc_col_json_text(dst, 15));
	json_object_set_new(doc, "archive_no", arc_col_json_text(dst, 16));
	json_object_set_new(doc, "catalogue", arc_col_json_int(dst, 17));
	json_object_set_new(doc, "volume", arc_col_json_text(dst, 18));
	json_object_set_new(doc, "item", arc_col_json_int(dst, 19));
	json_object_set_new(doc, "doc_type", arc_col_json_text(dst, 20));
	json_object_set_new(doc, "signatory", arc_col_json_text(dst, 21));
	json_object_set_new(doc, "keywords", arc_col_json_text(dst, 22));
	json_object_set_new(doc, "confidentiality", arc_col_json_text(dst, 23));
	json_object_set_new(doc, "searchable",
			    json_boolean(sqlite3_column_int(dst, 24)));
	json_object_set_new(doc, "location", arc_col_json_text(dst, 25));
	/* The OCR languages it was read with (languages "auto": chosen). */
	json_object_set_new(doc, "lang", arc_col_json_text(dst, 29));
	json_object_set_new(doc, "date_note", arc_col_json_text(dst, 30));
	json_object_set_new(doc, "unsure_below",
			    json_integer(ARC_WORD_UNSURE));
	if ((err = doc_versions(a, id, doc)) != DOS_OK)
		goto out;
	json_object_set_new(
		doc, "customer",
		sqlite3_column_type(dst, 26) == SQLITE_NULL
			? json_null()
			: json_pack("{s:I,s:s,s:s}", "id",
				    (json_int_t)sqlite3_column_int64(dst, 26),
				    "number", arc_col_text(dst, 27), "name",
				    arc_col_text(dst, 28)));
	json_object_set_new(doc, "pages", pages);
	pages = NULL;
	*pout = doc;
	doc = NULL;
out:
	json_decref(doc);
	json_decref(pages);
	arc_stmt_done(a, dst);
	arc_stmt_done(a, pst);
	arc_stmt_done(a, bst);
	return err;
}

enum dos_err
arc_doc_pdf(struct arc *a, const struct arc_user *who, int64_t id, int *pfd,
	    uint64_t *psize, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char sha[DOS_SHA256_HEX], obj[32];
	enum dos_err err;

	*pfd = -1;
	if ((err = arc_may(a, who, ARC_DOWNLOAD, ARC_OBJ_DOC, id, msg,
			   msglen)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT pdf_sha256 FROM document "
				  "WHERE id = ? AND status <> 'purged'",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_finalize(st);
		return DOS_NOTFOUND;
	}
	snprintf(sha, sizeof(sha), "%s", arc_col_text(st, 0));
	sqlite3_finalize(st);
	snprintf(obj, sizeof(obj), "document %lld", (long long)id);
	if ((err = arc_audit_read(a, who->name, "download", obj,
				  "searchable PDF")) != DOS_OK)
		return err;
	return arc_blob_open(a, sha, pfd, psize);
}

enum dos_err
arc_review_list(struct arc *a, const struct arc_user *who, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	struct arc_sql q;
	char msg[8];
	json_t *arr;
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_may(a, who, ARC_REVIEW, ARC_OBJ_NONE, 0, NULL, 0)) !=
	    DOS_OK)
		return err;
	/* Each reviewer sees the documents they may review (a clerk: those
	 * of their own batches). */
	arc_sql_init(&q, a, msg, sizeof(msg));
	arc_sql_add(&q, "SELECT d.id, d.title, d.account, d.category, "
			"d.npages, d.review_reason, d.added, d.batch_id, "
			"d.suggestion FROM document d LEFT JOIN customer c "
			"ON c.id = d.customer_id WHERE d.status = "
			"'review'");
	arc_scope_cond(&q, who, ARC_REVIEW);
	arc_sql_add(&q, " ORDER BY d.id");
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
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_array_append_new(
			arr,
			json_pack("{s:I,s:s,s:o,s:o,s:i,s:s,s:s,s:o}", "id",
				  (json_int_t)sqlite3_column_int64(st, 0),
				  "title", arc_col_text(st, 1), "account",
				  arc_col_json_text(st, 2),
				  "category",
				  arc_col_json_text(st, 3),
				  "pages", sqlite3_column_int(st, 4), "reason",
				  sqlite3_column_type(st, 5) == SQLITE_NULL
					  ? "needs a person's check"
					  : arc_col_text(st, 5),
				  "added", arc_col_text(st, 6), "batch",
				  arc_col_json_int(st, 7)));
		/* The classifier's suggestion, with its confidences. */
		json_object_set_new(
			json_array_get(arr, json_array_size(arr) - 1),
			"suggestion",
			sqlite3_column_type(st, 8) != SQLITE_NULL
				? json_loads(arc_col_text(st, 8), 0, NULL)
				: json_null());
	}
	sqlite3_finalize(st);
	*pout = arr;
	return DOS_OK;
}

/* One value of a document's row or page: sha and what else the query
 * gives, by a fixed query with the document id (and page seq) bound. */
static enum dos_err
lookup_blob(struct arc *a, const char *sql, int64_t id, int seq, char *sha,
	    char *extra, size_t extralen)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	int row;

	if ((err = arc_stmt(a, sql, &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (seq > 0)
		sqlite3_bind_int(st, 2, seq);
	if ((err = arc_stmt_step(a, st, &row)) == DOS_OK) {
		if (row && sqlite3_column_type(st, 0) != SQLITE_NULL) {
			snprintf(sha, DOS_SHA256_HEX, "%s",
				 arc_col_text(st, 0));
			if (extra != NULL)
				snprintf(extra, extralen, "%s",
					 arc_col_text(st, 1));
		} else
			err = DOS_NOTFOUND;
	}
	arc_stmt_done(a, st);
	return err;
}

enum dos_err
arc_page_open(struct arc *a, const struct arc_user *who, int64_t doc, int seq,
	      enum arc_page_part part, int *pfd, uint64_t *psize, char *msg,
	      size_t msglen)
{
	char sha[DOS_SHA256_HEX], obj[48], detail[32];
	enum dos_err err;

	*pfd = -1;
	if ((err = arc_may(a, who, ARC_VIEW, ARC_OBJ_DOC, doc, msg, msglen)) !=
	    DOS_OK)
		return err;
	err = lookup_blob(a, part == ARC_PAGE_THUMB
				     ? "SELECT thumb_sha256, '' FROM page WHERE "
				       "document_id = ?1 AND seq = ?2"
				     : "SELECT processed_sha256, '' FROM page "
				       "WHERE document_id = ?1 AND seq = ?2",
			  doc, seq, sha, NULL, 0);
	if (err == DOS_NOTFOUND)
		snprintf(msg, msglen, "document %lld has no page %d",
			 (long long)doc, seq);
	if (err != DOS_OK)
		return err;
	/* A page image is a read of the document, and so is a thumbnail
	 * (small, but a page all the same). */
	snprintf(obj, sizeof(obj), "document %lld", (long long)doc);
	snprintf(detail, sizeof(detail), "page %d %s", seq,
		 part == ARC_PAGE_THUMB ? "thumbnail" : "image");
	if ((err = arc_audit_read(a, who->name, "view", obj, detail)) !=
	    DOS_OK)
		return err;
	return arc_blob_open(a, sha, pfd, psize);
}

enum dos_err
arc_doc_original(struct arc *a, const struct arc_user *who, int64_t doc,
		 int *pfd, uint64_t *psize, char *name, size_t namelen,
		 char *msg, size_t msglen)
{
	char sha[DOS_SHA256_HEX], obj[48];
	enum dos_err err;

	*pfd = -1;
	if ((err = arc_may(a, who, ARC_DOWNLOAD, ARC_OBJ_DOC, doc, msg,
			   msglen)) != DOS_OK)
		return err;
	err = lookup_blob(a, "SELECT s.sha256, s.name FROM document d JOIN "
			     "source s ON s.id = d.source_id WHERE d.id = ?1 "
			     "AND d.status <> 'purged'",
			  doc, 0, sha, name, namelen);
	if (err == DOS_NOTFOUND)
		snprintf(msg, msglen, "document %lld has no original (purged)",
			 (long long)doc);
	if (err != DOS_OK)
		return err;
	snprintf(obj, sizeof(obj), "document %lld", (long long)doc);
	if ((err = arc_audit_read(a, who->name, "download", obj, "original")) !=
	    DOS_OK)
		return err;
	return arc_blob_open(a, sha, pfd, psize);
}
