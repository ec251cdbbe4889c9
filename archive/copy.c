/*
 * copy.c: what a document's PDF carries and who takes a copy.  The
 * searchable PDF leaves the archive stamped with the document's current
 * metadata (title, customer, archive number: arc_doc_pdf_meta); a copy
 * for someone (printed, downloaded, lent) is stamped on every page with
 * who took it, when and why, and needs only the right to view the
 * document, while the untouched PDF and original need ARC_DOWNLOAD.
 * Each copy is audited ("copy", with the reason).
 * Exports arc_doc_pdf_meta, arc_doc_copy_open.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

enum dos_err
arc_doc_pdf_meta(struct arc *a, const struct arc_user *who, int64_t id,
		 json_t **pmeta, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	*pmeta = NULL;
	if ((err = arc_may(a, who, ARC_VIEW, ARC_OBJ_DOC, id, msg, msglen)) !=
	    DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT d.id, d.title, d.archive_no, "
				  "c.number, c.name, d.added, d.lang, "
				  "d.category, d.doc_date FROM document d "
				  "LEFT JOIN customer c ON c.id = "
				  "d.customer_id WHERE d.id = ? AND "
				  "d.status <> 'purged'", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*pmeta = json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
				   "id", (json_int_t)id, "title",
				   arc_col_json_text(st, 1), "archive_no",
				   arc_col_json_text(st, 2), "customer",
				   arc_col_json_text(st, 3), "customer_name",
				   arc_col_json_text(st, 4), "added",
				   arc_col_json_text(st, 5), "lang",
				   arc_col_json_text(st, 6), "category",
				   arc_col_json_text(st, 7), "date",
				   arc_col_json_text(st, 8));
	else
		err = arc_say(msg, msglen, DOS_NOTFOUND, "no document %lld",
			      (long long)id);
	sqlite3_finalize(st);
	if (err == DOS_OK && *pmeta == NULL)
		err = DOS_NOMEM;
	return err;
}

enum dos_err
arc_doc_copy_open(struct arc *a, const struct arc_user *who, int64_t id,
		  const char *purpose, const char *reason, int *pfd,
		  uint64_t *psize, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char sha[DOS_SHA256_HEX] = "", obj[32], detail[600];
	enum dos_err err;

	*pfd = -1;
	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_VIEW, ARC_OBJ_DOC, id, msg, msglen)) !=
	    DOS_OK)
		return err;
	if (reason == NULL || strlen(reason) < 3)
		return arc_say(msg, msglen, DOS_INVAL,
			       "a copy needs a reason (who it is for, or why)"
			       "%s", "");
	if (strlen(reason) > 300)
		return arc_say(msg, msglen, DOS_INVAL,
			       "the reason is longer than 300 characters%s",
			       "");
	if (!dos_utf8_valid(reason))
		return arc_say(msg, msglen, DOS_INVAL,
			       "the reason is not UTF-8 text%s", "");
	if ((err = arc_prepare(a, "SELECT pdf_sha256 FROM document WHERE "
				  "id = ? AND status <> 'purged'", &st)) !=
	    DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		snprintf(sha, sizeof(sha), "%s", arc_col_text(st, 0));
	sqlite3_finalize(st);
	if (sha[0] == '\0')
		return arc_say(msg, msglen, DOS_NOTFOUND,
			       "document %lld has no searchable PDF to copy",
			       (long long)id);
	snprintf(obj, sizeof(obj), "document %lld", (long long)id);
	snprintf(detail, sizeof(detail), "%s: %s",
		 purpose != NULL ? purpose : "copy", reason);
	if ((err = arc_audit(a, who->name, "copy", obj, detail)) != DOS_OK)
		return err;
	return arc_blob_open(a, sha, pfd, psize);
}
