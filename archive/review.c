/*
 * review.c: the review queue's decisions.  Ingest puts a document it is
 * unsure of (unknown category, unreadable label, low OCR confidence) in
 * status "review"; a clerk accepts it, after correcting its account or
 * category if needed (those changes are versioned edits with a reason), or
 * returns it to be scanned again.  Nothing leaves the queue unrecorded.
 * Exports arc_review_decide.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

enum dos_err
arc_review_decide(struct arc *a, const struct arc_user *who, int64_t doc,
		  enum arc_review_action act, const json_t *changes,
		  const char *note, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char status[32] = "", now[32], obj[48];
	enum dos_err err;
	int rc;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_REVIEW, ARC_OBJ_DOC, doc, msg,
			   msglen)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT status FROM document WHERE id = ?",
			       &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, doc);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(status, sizeof(status), "%s", arc_col_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return arc_say(msg, msglen, DOS_NOTFOUND, "no document %lld",
			   (long long)doc);
	if (strcmp(status, "review") != 0)
		return arc_say(msg, msglen, DOS_CONFLICT, "document %lld is not "
			   "waiting for review", (long long)doc);
	if (act == ARC_REVIEW_RETURN && (note == NULL || strlen(note) < 3)) {
		snprintf(msg, msglen, "say why the document goes back (e.g. "
				      "'page 2 missing, rescan')");
		return DOS_INVAL;
	}
	/* Corrections first, as versioned edits with the review's reason. */
	if (act == ARC_REVIEW_ACCEPT && changes != NULL &&
	    json_object_size(changes) > 0 &&
	    (err = arc_doc_edit(a, who, doc, changes,
				note != NULL && strlen(note) >= 3
					? note
					: "corrected in review",
				msg, msglen)) != DOS_OK)
		return err;
	dos_now_iso(now);
	snprintf(obj, sizeof(obj), "document %lld", (long long)doc);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, act == ARC_REVIEW_ACCEPT
					  ? "UPDATE document SET status = "
					    "'archived', review_reason = NULL, "
					    "filed_by = 'person' WHERE id = ?1 "
					    "AND status = 'review'"
					  : "UPDATE document SET status = "
					    "'returned', review_reason = ?2 "
					    "WHERE id = ?1 AND status = "
					    "'review'",
			       &st)) != DOS_OK)
		return arc_tx_fail(a, err, msg, msglen);
	sqlite3_bind_int64(st, 1, doc);
	if (act == ARC_REVIEW_RETURN)
		arc_bind_text(st, 2, note);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || sqlite3_changes(a->db) != 1)
		return arc_tx_fail(a, DOS_CONFLICT, msg, msglen);
	/* An accepted document with a known category gets its number. */
	if (act == ARC_REVIEW_ACCEPT &&
	    (err = arc_doc_number_if_needed(a, doc, now)) != DOS_OK)
		return arc_tx_fail(a, err, msg, msglen);
	if ((err = arc_audit(a, who->name,
			     act == ARC_REVIEW_ACCEPT ? "review.accept"
						      : "review.return",
			     obj, note != NULL ? note : "")) != DOS_OK ||
	    (err = arc_tx_commit(a)) != DOS_OK)
		return arc_tx_fail(a, err, msg, msglen);
	if (act == ARC_REVIEW_ACCEPT)
		snprintf(msg, msglen, "document %lld accepted and filed",
			 (long long)doc);
	else
		snprintf(msg, msglen, "document %lld returned for rescanning",
			 (long long)doc);
	return DOS_OK;
}
