/*
 * pageturn.c: a page re-processed after ingest (a clerk turns a page the
 * scanner fed sideways; ingest/ reads it again).  The page's new image,
 * text, word boxes and barcodes replace the current ones in one
 * transaction, with the document's new PDF; what they replaced stays as
 * a page image version (who, when, why), the index follows the text, the
 * document's version rises and the change is audited.
 * Exports arc_page_redo_open, arc_page_replace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/*
 * Who may re-process a document's pages: a reviewer while it waits for
 * review, an editor once it is filed (an editor of it is told when its
 * status forbids).  *pstatus gets its status.
 */
static enum dos_err
may_redo(struct arc *a, const struct arc_user *who, int64_t doc,
	 char *status, size_t statuslen, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "SELECT status FROM document WHERE id = ?",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, doc);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return arc_say(msg, msglen, DOS_NOTFOUND, "no such document");
	}
	snprintf(status, statuslen, "%s", arc_col_text(st, 0));
	sqlite3_finalize(st);
	if (strcmp(status, "review") == 0)
		return arc_may(a, who, ARC_REVIEW, ARC_OBJ_DOC, doc, msg,
			       msglen);
	/* Scope before state: who may not edit it is told so, not that it
	 * is on hold or deleted. */
	if ((err = arc_may(a, who, ARC_EDIT, ARC_OBJ_DOC, doc, msg,
			   msglen)) != DOS_OK ||
	    strcmp(status, "archived") == 0)
		return err;
	return arc_say(msg, msglen, DOS_CONFLICT,
		       "document %lld is %s; its pages cannot change",
		       (long long)doc, status);
}

enum dos_err
arc_page_redo_open(struct arc *a, const struct arc_user *who, int64_t doc,
		   int seq, int *pimg, uint64_t *pimgsize, int *ppdf,
		   uint64_t *ppdfsize, char *lang, size_t langlen, char *msg,
		   size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char status[32];
	enum dos_err err;

	*pimg = *ppdf = -1;
	*pimgsize = *ppdfsize = 0;
	msg[0] = '\0';
	if ((err = may_redo(a, who, doc, status, sizeof(status), msg,
			    msglen)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT p.processed_sha256, d.pdf_sha256, "
				  "coalesce(d.lang, '') FROM page p JOIN document d ON d.id = "
				  "p.document_id WHERE d.id = ? AND p.seq = ?",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_int(st, 2, seq);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return arc_say(msg, msglen, DOS_NOTFOUND,
			       "document %lld has no page %d", (long long)doc,
			       seq);
	}
	snprintf(lang, langlen, "%s", arc_col_text(st, 2));
	err = arc_blob_open(a, arc_col_text(st, 0), pimg, pimgsize);
	if (err == DOS_OK && sqlite3_column_type(st, 1) != SQLITE_NULL &&
	    (err = arc_blob_open(a, arc_col_text(st, 1), ppdf, ppdfsize)) !=
		    DOS_OK) {
		close(*pimg);
		*pimg = -1;
	}
	sqlite3_finalize(st);
	if (err != DOS_OK)
		arc_say(msg, msglen, err, "the page's stored image is missing");
	return err;
}

/* Keeps the page as it is, then installs p in its place. */
static enum dos_err
swap_page(struct arc *a, int64_t doc, int64_t pid, int turn,
	  const struct arc_page_in *p, const char *actor, const char *reason, const char *now)
{
	sqlite3_stmt *st = NULL;
	char *words = NULL;
	size_t i;
	enum dos_err err;

	if ((err = arc_prepare(a, "INSERT INTO page_image_version(page_id, "
				  "document_id, replaced_at, replaced_by, "
				  "reason, processed_sha256, thumb_sha256, "
				  "pdf_sha256, width, height, rotation, text, "
				  "words) SELECT p.id, p.document_id, ?, ?, ?, "
				  "p.processed_sha256, p.thumb_sha256, "
				  "d.pdf_sha256, p.width, p.height, "
				  "p.rotation, p.text, p.words FROM page p "
				  "JOIN document d ON d.id = p.document_id "
				  "WHERE p.id = ?", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, now);
	arc_bind_text(st, 2, actor);
	arc_bind_text(st, 3, reason);
	sqlite3_bind_int64(st, 4, pid);
	if ((err = arc_step_once(a, st, "page turn")) != DOS_OK)
		return err;
	/* The index holds the old text until the page changes. */
	if ((err = arc_fts_unindex(a, doc)) != DOS_OK)
		return err;
	if ((words = arc_words_json(p)) == NULL)
		return DOS_NOMEM;
	err = arc_prepare(a, "UPDATE page SET processed_sha256 = ?, "
			     "thumb_sha256 = ?, width = ?, height = ?, "
			     "rotation = (rotation + ?) % 360, skew_deg = ?, ocr_confidence = ?, "
			     "blank = ?, text = ?, words = ? WHERE id = ?",
			  &st);
	if (err == DOS_OK) {
		arc_bind_text(st, 1, p->processed);
		arc_bind_text(st, 2, p->thumb);
		sqlite3_bind_int(st, 3, p->width);
		sqlite3_bind_int(st, 4, p->height);
		sqlite3_bind_int(st, 5, turn);
		sqlite3_bind_double(st, 6, p->skew_deg);
		sqlite3_bind_double(st, 7, p->ocr_confidence);
		sqlite3_bind_int(st, 8, p->blank);
		arc_bind_text(st, 9, p->text != NULL ? p->text : "");
		arc_bind_text(st, 10, words);
		sqlite3_bind_int64(st, 11, pid);
		err = arc_step_once(a, st, "page turn");
	}
	free(words);
	if (err != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "DELETE FROM barcode WHERE page_id = ?",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, pid);
	if ((err = arc_step_once(a, st, "page turn")) != DOS_OK)
		return err;
	for (i = 0; i < p->nbarcodes; i++) {
		if ((err = arc_prepare(a, "INSERT INTO barcode(page_id, type, "
					  "value) VALUES (?, ?, ?)", &st)) !=
		    DOS_OK)
			return err;
		sqlite3_bind_int64(st, 1, pid);
		arc_bind_text(st, 2, p->barcodes[i].type);
		arc_bind_text(st, 3, p->barcodes[i].value);
		if ((err = arc_step_once(a, st, "page turn")) != DOS_OK)
			return err;
	}
	return arc_fts_index(a, doc);
}

/* The document's new PDF and version, recorded as a document version. */
static enum dos_err
doc_version(struct arc *a, int64_t doc, int seq, int turn, const char *pdf,
	    const char *actor, const char *reason, const char *now)
{
	sqlite3_stmt *st = NULL;
	char after[96];
	enum dos_err err;

	if ((err = arc_prepare(a, "UPDATE document SET version = version + 1, "
				  "pdf_sha256 = coalesce(?, pdf_sha256) "
				  "WHERE id = ?", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, pdf);
	sqlite3_bind_int64(st, 2, doc);
	if ((err = arc_step_once(a, st, "page turn")) != DOS_OK)
		return err;
	snprintf(after, sizeof(after), "{\"page\":%d,\"turned\":%d}", seq,
		 turn);
	if ((err = arc_prepare(a, "INSERT INTO document_version(document_id, "
				  "version, at, actor, reason, before, after) "
				  "SELECT id, version, ?, ?, ?, '{}', ? FROM "
				  "document WHERE id = ?", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, now);
	arc_bind_text(st, 2, actor);
	arc_bind_text(st, 3, reason);
	arc_bind_text(st, 4, after);
	sqlite3_bind_int64(st, 5, doc);
	return arc_step_once(a, st, "page turn");
}

enum dos_err
arc_page_replace(struct arc *a, const struct arc_user *who, int64_t doc,
		 int seq, int turn, const struct arc_page_in *p,
		 const char *pdf, const char *reason, char *msg,
		 size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char now[32], status[32], obj[48], detail[600];
	int64_t pid;
	enum dos_err err;

	msg[0] = '\0';
	if (reason == NULL || strlen(reason) < 3)
		return arc_say(msg, msglen, DOS_INVAL,
			       "turning a page needs a reason");
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	/* Checked again inside the transaction: the status may have moved. */
	if ((err = may_redo(a, who, doc, status, sizeof(status), msg,
			    msglen)) != DOS_OK)
		goto fail;
	if ((err = arc_prepare(a, ARC_BLOB_ROW_SQL, &st)) != DOS_OK)
		goto fail;
	if ((err = arc_blob_row(a, st, p->processed, now)) != DOS_OK ||
	    (err = arc_blob_row(a, st, p->thumb, now)) != DOS_OK ||
	    (pdf != NULL && (err = arc_blob_row(a, st, pdf, now)) != DOS_OK))
		goto fail;
	sqlite3_finalize(st);
	if ((err = arc_prepare(a, "SELECT id FROM page WHERE document_id = ? "
				  "AND seq = ?", &st)) != DOS_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_int(st, 2, seq);
	if (sqlite3_step(st) != SQLITE_ROW) {
		err = arc_say(msg, msglen, DOS_NOTFOUND,
			      "document %lld has no page %d", (long long)doc,
			      seq);
		goto fail;
	}
	pid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if ((err = swap_page(a, doc, pid, turn, p, who->name, reason, now)) !=
		    DOS_OK ||
	    (err = doc_version(a, doc, seq, turn, pdf, who->name, reason,
			       now)) != DOS_OK)
		goto fail;
	snprintf(obj, sizeof(obj), "document %lld", (long long)doc);
	snprintf(detail, sizeof(detail), "page %d turned %d degrees: %s", seq,
		 turn, reason);
	if ((err = arc_audit(a, who->name, "page-turn", obj, detail)) !=
	    DOS_OK)
		goto fail;
	if ((err = arc_tx_commit(a)) == DOS_OK)
		snprintf(msg, msglen, "document %lld page %d turned %d degrees "
			 "and read again (the page as it was is kept)",
			 (long long)doc, seq, turn);
	return err;
fail:
	sqlite3_finalize(st);
	return arc_tx_fail(a, err, msg, msglen);
}
