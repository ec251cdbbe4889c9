/*
 * pagetext.c: corrections of a page's OCR text.  The text Tesseract read
 * is never overwritten: a correction keeps the replaced text as a page
 * text version (who replaced it, when, why), makes the new text current,
 * moves the full-text index with it, and raises the document's version.
 * Word boxes stay those of the OCR (they locate words on the image).
 * Exports arc_page_text_edit, arc_page_text_versions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_PAGE_TEXT (1u << 20)

/* Keeps the replaced text, then installs the new one (index included). */
static enum dos_err
replace_text(struct arc *a, int64_t doc, int64_t pid, int version,
	     const char *old, const char *text, const char *actor, const char *reason,
	     const char *now)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "INSERT INTO page_text_version(page_id, "
				  "version, text, replaced_at, replaced_by, "
				  "reason) VALUES (?, ?, ?, ?, ?, ?)",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_int(st, 2, version);
	arc_bind_text(st, 3, old);
	arc_bind_text(st, 4, now);
	arc_bind_text(st, 5, actor);
	arc_bind_text(st, 6, reason);
	if ((err = arc_step_once(a, st, "page text")) != DOS_OK)
		return err;
	/* The index holds the old text until the page changes. */
	if ((err = arc_fts_unindex(a, doc)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "UPDATE page SET text = ?, text_version = "
				  "text_version + 1 WHERE id = ?", &st)) !=
	    DOS_OK)
		return err;
	arc_bind_text(st, 1, text);
	sqlite3_bind_int64(st, 2, pid);
	if ((err = arc_step_once(a, st, "page text")) != DOS_OK)
		return err;
	return arc_fts_index(a, doc);
}

/* Records the change as a document version. */
static enum dos_err
doc_version(struct arc *a, int64_t doc, int seq, int from, const char *actor,
	    const char *reason, const char *now)
{
	sqlite3_stmt *st = NULL;
	char before[96], after[96];
	enum dos_err err;

	snprintf(before, sizeof(before),
		 "{\"page\":%d,\"text_version\":%d}", seq, from);
	snprintf(after, sizeof(after), "{\"page\":%d,\"text_version\":%d}",
		 seq, from + 1);
	if ((err = arc_prepare(a, "UPDATE document SET version = version + 1 "
				  "WHERE id = ?", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, doc);
	if ((err = arc_step_once(a, st, "page text")) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "INSERT INTO document_version(document_id, "
				  "version, at, actor, reason, before, after) "
				  "SELECT id, version, ?, ?, ?, ?, ? FROM "
				  "document WHERE id = ?", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, now);
	arc_bind_text(st, 2, actor);
	arc_bind_text(st, 3, reason);
	arc_bind_text(st, 4, before);
	arc_bind_text(st, 5, after);
	sqlite3_bind_int64(st, 6, doc);
	return arc_step_once(a, st, "page text");
}

enum dos_err
arc_page_text_edit(struct arc *a, const struct arc_user *who, int64_t doc,
		   int seq,
		   const char *text, const char *reason, char *msg,
		   size_t msglen)
{
	const char *actor = who->name;
	sqlite3_stmt *st = NULL;
	char now[32], obj[48], detail[600], *old = NULL;
	const char *status;
	int64_t pid;
	int version;
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_EDIT, ARC_OBJ_DOC, doc, msg,
			   msglen)) != DOS_OK)
		return err;
	if (reason == NULL || strlen(reason) < 3) {
		snprintf(msg, msglen, "a correction needs a reason");
		return DOS_INVAL;
	}
	if (text == NULL || strlen(text) > MAX_PAGE_TEXT) {
		snprintf(msg, msglen, "the corrected text is missing or longer "
				      "than %u bytes", MAX_PAGE_TEXT);
		return DOS_INVAL;
	}
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT p.id, p.text, p.text_version, "
				  "d.status FROM page p JOIN document d ON "
				  "d.id = p.document_id WHERE d.id = ? AND "
				  "p.seq = ?", &st)) != DOS_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_int(st, 2, seq);
	if (sqlite3_step(st) != SQLITE_ROW) {
		snprintf(msg, msglen, "document %lld has no page %d",
			 (long long)doc, seq);
		err = DOS_NOTFOUND;
		goto fail;
	}
	pid = sqlite3_column_int64(st, 0);
	version = sqlite3_column_int(st, 2);
	status = arc_col_text(st, 3);
	if (strcmp(status, "archived") != 0 && strcmp(status, "review") != 0) {
		snprintf(msg, msglen, "document %lld is %s; its text cannot "
			 "change", (long long)doc, status);
		err = DOS_CONFLICT;
		goto fail;
	}
	if (strcmp(arc_col_text(st, 1), text) == 0) {
		snprintf(msg, msglen, "the text is unchanged");
		err = DOS_INVAL;
		goto fail;
	}
	if ((old = strdup(arc_col_text(st, 1))) == NULL) {
		err = DOS_NOMEM;
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((err = replace_text(a, doc, pid, version, old, text, actor,
				reason, now)) != DOS_OK ||
	    (err = doc_version(a, doc, seq, version, actor, reason, now)) !=
		    DOS_OK)
		goto fail;
	snprintf(obj, sizeof(obj), "document %lld", (long long)doc);
	snprintf(detail, sizeof(detail), "page %d text version %d: %s", seq,
		 version + 1, reason);
	if ((err = arc_audit(a, actor, "ocr-correct", obj, detail)) != DOS_OK)
		goto fail;
	free(old);
	if ((err = arc_tx_commit(a)) == DOS_OK)
		snprintf(msg, msglen, "document %lld page %d: text version %d "
			 "(version %d kept)", (long long)doc, seq, version + 1,
			 version);
	return err;
fail:
	sqlite3_finalize(st);
	free(old);
	return arc_tx_fail(a, err, msg, msglen);
}

enum dos_err
arc_page_text_versions(struct arc *a, int64_t doc, int seq, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	json_t *list;
	enum dos_err err;
	int rc, n = 0;

	*pout = NULL;
	if ((err = arc_prepare(a, "SELECT v.version, v.text, v.replaced_at, "
				  "v.replaced_by, v.reason FROM "
				  "page_text_version v JOIN page p ON p.id = "
				  "v.page_id WHERE p.document_id = ?1 AND "
				  "p.seq = ?2 UNION ALL SELECT text_version, "
				  "text, NULL, NULL, NULL FROM page WHERE "
				  "document_id = ?1 AND seq = ?2 ORDER BY 1",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_int(st, 2, seq);
	if ((list = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_array_append_new(
			list, json_pack("{s:i,s:s,s:o,s:o,s:o}", "version",
					sqlite3_column_int(st, 0), "text",
					arc_col_text(st, 1), "replaced_at",
					arc_col_json_text(st, 2),
					"replaced_by",
					arc_col_json_text(st, 3), "reason",
					arc_col_json_text(st, 4)));
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(list);
		return DOS_DB;
	}
	if (n == 0) {
		json_decref(list);
		return DOS_NOTFOUND;
	}
	*pout = list;
	return DOS_OK;
}
