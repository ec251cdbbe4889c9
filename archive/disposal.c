/*
 * disposal.c: disposal review.  A records manager (ARC_DISPOSE) proposes
 * a list of documents whose retention has run out; a second person, who
 * may approve deletions of every document on it (ARC_APPROVE: the same
 * two-person rule as a single deletion), approves or refuses it.  On
 * approval each document becomes an approved deletion waiting out the
 * hold period, so withdrawal, legal holds and purge work as for any
 * deletion.  The purge that destroys them records what it destroyed,
 * and then a certificate is written: the list of what was destroyed,
 * when, under which rule, by whom, with each original's SHA-256, signed
 * with the archive's Ed25519 key and kept as a blob.
 *
 * The certificate file is a JSON object {"certificate": {...},
 * "signature": BASE64, "signed": how}: the signature is over the
 * "certificate" member written with sorted keys, no blanks and ASCII
 * escapes (jansson's JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII),
 * by the public key it names.
 *
 * Exports arc_disposal_propose, arc_disposal_decide, arc_disposal_withdraw,
 * arc_disposal_list, arc_disposal_get, arc_certificate_open and the
 * internal arc_disposal_record, arc_disposal_destroyed,
 * arc_disposal_certify.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

#define CERT_JSON_FLAGS (JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII)
#define MAX_LIST 100000

/* Whether who may read disposal lists and certificates (no audit). */
static int
may_read(const struct arc_user *who)
{
	return who->local ||
	       (who->actions &
		((1u << ARC_DISPOSE) | (1u << ARC_APPROVE) |
		 (1u << ARC_PURGE) | (1u << ARC_AUDIT_READ))) != 0;
}

/* A JSON string, or null. */
static json_t *
str_or_null(sqlite3_stmt *st, int i)
{
	return arc_col_json_text(st, i);
}

/* ---- proposing ---- */

struct propose {
	const struct arc_disposal_sel *sel;
	json_t *customers; /* numbers, resolved */
	json_t *cats;      /* codes, resolved */
	json_t *items;     /* what goes on the list */
	json_t *seen;      /* ids of listed documents found due, as keys */
};

static int
in_list(json_t *list, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
		if (s != NULL && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

static enum dos_err
propose_one(void *arg, const struct arc_retention_doc *d)
{
	struct propose *p = arg;
	char key[32];

	snprintf(key, sizeof(key), "%lld", (long long)d->id);
	if (d->held || d->deleting || d->listed) {
		json_object_set_new(p->seen, key,
				    json_string(d->held       ? "is under a "
								"legal hold"
						: d->deleting ? "has an open "
								"deletion"
							      : "is on another "
								"disposal "
								"list"));
		return DOS_OK;
	}
	if (json_array_size(p->customers) > 0 &&
	    !in_list(p->customers, d->customer))
		return DOS_OK;
	if (json_array_size(p->cats) > 0 && !in_list(p->cats, d->category))
		return DOS_OK;
	json_object_set_new(p->seen, key, json_string(""));
	return json_array_append_new(
		       p->items,
		       json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)d->id,
				 "rule", d->rule, "trigger_date",
				 d->trigger_date, "due", d->due)) == 0
		       ? DOS_OK
		       : DOS_NOMEM;
}

/* Resolves the selection's customers and categories into p. */
static enum dos_err
resolve_sel(struct arc *a, struct propose *p, char *msg, size_t msglen)
{
	const struct arc_disposal_sel *sel = p->sel;
	sqlite3_stmt *st = NULL;
	size_t i;
	enum dos_err err;

	if ((err = arc_prepare(a, "SELECT number FROM customer WHERE number "
				  "= ?1 OR id = (SELECT customer_id FROM "
				  "account WHERE number = ?1)", &st)) != DOS_OK)
		return err;
	for (i = 0; i < sel->ncustomers; i++) {
		sqlite3_reset(st);
		arc_bind_text(st, 1, sel->customers[i]);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_finalize(st);
			return arc_say(msg, msglen, DOS_NOTFOUND,
				       "no customer has the number or account "
				       "%s", sel->customers[i]);
		}
		json_array_append_new(p->customers,
				      json_string(arc_col_text(st, 0)));
	}
	sqlite3_finalize(st);
	if ((err = arc_prepare(a, "SELECT code FROM category WHERE code = ?1 "
				  "UNION SELECT code FROM category_alias "
				  "WHERE alias = ?1", &st)) != DOS_OK)
		return err;
	for (i = 0; i < sel->ncategories; i++) {
		sqlite3_reset(st);
		arc_bind_text(st, 1, sel->categories[i]);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_finalize(st);
			return arc_say(msg, msglen, DOS_NOTFOUND,
				       "no category %s", sel->categories[i]);
		}
		json_array_append_new(p->cats,
				      json_string(arc_col_text(st, 0)));
	}
	sqlite3_finalize(st);
	return DOS_OK;
}

enum dos_err
arc_disposal_propose(struct arc *a, const struct arc_user *who,
		     const struct arc_disposal_sel *sel, int64_t *pid,
		     char *msg, size_t msglen)
{
	struct propose p = {0};
	sqlite3_stmt *st = NULL;
	char today[11], now[32], obj[48], detail[700], key[32];
	const char *as_of = sel->as_of, *why;
	json_t *v;
	size_t i;
	int64_t id;
	enum dos_err err;

	*pid = 0;
	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_DISPOSE, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	if (sel->note == NULL || strlen(sel->note) < 3)
		return arc_say(msg, msglen, DOS_INVAL,
			       "a disposal list needs a note saying why "
			       "(--note)%s", "");
	if (strlen(sel->note) > 500)
		return arc_say(msg, msglen, DOS_INVAL,
			       "the note is longer than 500 characters%s", "");
	arc_today(today);
	if (as_of == NULL)
		as_of = today;
	else if (!arc_day_valid(as_of))
		return arc_say(msg, msglen, DOS_INVAL,
			       "'%s' is not a date (YYYY-MM-DD)", as_of);
	else if (strcmp(as_of, today) > 0)
		return arc_say(msg, msglen, DOS_INVAL,
			       "%s is in the future: only what is due now may "
			       "be proposed for disposal", as_of);
	if (sel->ndocs > MAX_LIST)
		return arc_say(msg, msglen, DOS_LIMIT,
			       "more than %d documents listed", MAX_LIST);
	p.sel = sel;
	if ((p.customers = json_array()) == NULL ||
	    (p.cats = json_array()) == NULL ||
	    (p.items = json_array()) == NULL ||
	    (p.seen = json_object()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		goto out;
	if ((err = resolve_sel(a, &p, msg, msglen)) != DOS_OK ||
	    (err = arc_retention_walk(a, who, NULL, as_of, sel->docs,
				      sel->ndocs, propose_one, &p, msg,
				      msglen)) != DOS_OK)
		goto fail;
	for (i = 0; i < sel->ndocs; i++) {
		snprintf(key, sizeof(key), "%lld", (long long)sel->docs[i]);
		v = json_object_get(p.seen, key);
		why = json_string_value(v);
		if (why == NULL || why[0] != '\0') {
			err = arc_say(msg, msglen, DOS_CONFLICT,
				      "document %s is not due for disposal "
				      "by %s%s%s", key, as_of,
				      why != NULL ? ": it " : "",
				      why != NULL ? why : "");
			goto fail;
		}
	}
	if (json_array_size(p.items) == 0) {
		err = arc_say(msg, msglen, DOS_NOTFOUND,
			      "nothing is due for disposal by %s in what was "
			      "asked for", as_of);
		goto fail;
	}
	if ((err = arc_prepare(a, "INSERT INTO disposal(status, as_of, note, "
				  "proposed_by, proposed_at) VALUES "
				  "('proposed', ?, ?, ?, ?)", &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, as_of);
	arc_bind_text(st, 2, sel->note);
	arc_bind_text(st, 3, who->name);
	arc_bind_text(st, 4, now);
	if ((err = arc_step_once(a, st, "disposal")) != DOS_OK)
		goto fail;
	id = sqlite3_last_insert_rowid(a->db);
	if ((err = arc_prepare(a, "INSERT INTO disposal_item(disposal_id, "
				  "document_id, rule, trigger_date, due) "
				  "VALUES (?, ?, ?, ?, ?)", &st)) != DOS_OK)
		goto fail;
	json_array_foreach(p.items, i, v) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, json_integer_value(
						  json_object_get(v, "id")));
		arc_bind_text(st, 3, json_string_value(
					     json_object_get(v, "rule")));
		arc_bind_text(st, 4, json_string_value(json_object_get(
					     v, "trigger_date")));
		arc_bind_text(st, 5, json_string_value(
					     json_object_get(v, "due")));
		if (sqlite3_step(st) != SQLITE_DONE) {
			err = arc_db_err(a);
			goto fail;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	snprintf(obj, sizeof(obj), "disposal %lld", (long long)id);
	snprintf(detail, sizeof(detail), "%zu document(s) due by %s: %s",
		 json_array_size(p.items), as_of, sel->note);
	if ((err = arc_audit(a, who->name, "disposal-propose", obj,
			     detail)) != DOS_OK)
		goto fail;
	if ((err = arc_tx_commit(a)) != DOS_OK)
		goto out;
	*pid = id;
	snprintf(msg, msglen, "disposal list %lld proposed: %zu document(s) "
		 "due by %s; a second person must approve it", (long long)id,
		 json_array_size(p.items), as_of);
	goto out;
fail:
	sqlite3_finalize(st);
	arc_tx_fail(a, err, msg, msglen);
out:
	json_decref(p.customers);
	json_decref(p.cats);
	json_decref(p.items);
	json_decref(p.seen);
	return err;
}

/* ---- deciding ---- */

struct list_head {
	char status[16], proposed_by[72], proposed_at[32], as_of[16];
};

static enum dos_err
load_head(struct arc *a, int64_t id, struct list_head *h, char *msg,
	  size_t msglen)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "SELECT status, proposed_by, proposed_at, "
				  "as_of FROM disposal WHERE id = ?", &st)) !=
	    DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return arc_say(msg, msglen, DOS_NOTFOUND,
			       "no disposal list %lld", (long long)id);
	}
	snprintf(h->status, sizeof(h->status), "%s", arc_col_text(st, 0));
	snprintf(h->proposed_by, sizeof(h->proposed_by), "%s",
		 arc_col_text(st, 1));
	snprintf(h->proposed_at, sizeof(h->proposed_at), "%s",
		 arc_col_text(st, 2));
	snprintf(h->as_of, sizeof(h->as_of), "%s", arc_col_text(st, 3));
	sqlite3_finalize(st);
	return DOS_OK;
}

/* The pending items of a list: [{"id","rule","no"}]. */
static enum dos_err
pending_items(struct arc *a, int64_t id, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	json_t *arr;
	enum dos_err err;

	*pout = NULL;
	if ((arr = json_array()) == NULL)
		return DOS_NOMEM;
	if ((err = arc_prepare(a, "SELECT i.document_id, i.rule, "
				  "coalesce(d.archive_no, '') FROM "
				  "disposal_item i JOIN document d ON d.id = "
				  "i.document_id WHERE i.disposal_id = ? AND "
				  "i.outcome IS NULL ORDER BY i.document_id",
			       &st)) != DOS_OK) {
		json_decref(arr);
		return err;
	}
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
			arr, json_pack("{s:I,s:s,s:s}", "id",
				       (json_int_t)sqlite3_column_int64(st, 0),
				       "rule", arc_col_text(st, 1), "no",
				       arc_col_text(st, 2)));
	sqlite3_finalize(st);
	*pout = arr;
	return DOS_OK;
}

/* Still due now, and why not when not: the documents of items. */
struct recheck {
	json_t *why; /* id -> "" (due) or the reason it is kept */
};

static enum dos_err
recheck_one(void *arg, const struct arc_retention_doc *d)
{
	struct recheck *r = arg;
	char key[32];

	snprintf(key, sizeof(key), "%lld", (long long)d->id);
	json_object_set_new(r->why, key,
			    json_string(d->held ? "a legal hold was placed"
					: d->deleting ? "a deletion is open "
							"on it"
						      : ""));
	return DOS_OK;
}

/* Sets an item's outcome (NULL: pending) and note. */
static enum dos_err
item_set(struct arc *a, int64_t id, int64_t doc, const char *outcome,
	 const char *note, int64_t deletion)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "UPDATE disposal_item SET outcome = ?, "
				  "note = ?, deletion_id = ? WHERE "
				  "disposal_id = ? AND document_id = ?",
			       &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, outcome);
	arc_bind_text(st, 2, note);
	if (deletion > 0)
		sqlite3_bind_int64(st, 3, deletion);
	sqlite3_bind_int64(st, 4, id);
	sqlite3_bind_int64(st, 5, doc);
	return arc_step_once(a, st, "disposal item");
}

/* Turns the pending items into approved deletions held until until. */
static enum dos_err
approve_items(struct arc *a, const struct arc_user *who, int64_t id,
	      const struct list_head *h, json_t *items, const char *now,
	      const char *until, int *pheld, int *pkept)
{
	struct recheck rc = {0};
	sqlite3_stmt *del = NULL, *doc = NULL;
	int64_t *ids = NULL;
	char key[32], reason[300], obj[48], detail[400], today[11], m[256];
	const char *why;
	json_t *v;
	size_t i, n = json_array_size(items);
	enum dos_err err;

	*pheld = *pkept = 0;
	if ((rc.why = json_object()) == NULL ||
	    (ids = calloc(n > 0 ? n : 1, sizeof(*ids))) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	json_array_foreach(items, i, v)
		ids[i] = json_integer_value(json_object_get(v, "id"));
	arc_today(today);
	if ((err = arc_retention_walk(a, NULL, NULL, today, ids, n,
				      recheck_one, &rc, m, sizeof(m))) !=
		    DOS_OK ||
	    (err = arc_prepare(a, "INSERT INTO deletion(document_id, reason, "
				  "requested_by, requested_at, approved_by, "
				  "approved_at, hold_until, status, closed_by) "
				  "VALUES (?, ?, ?, ?, ?, ?, ?, 'approved', "
				  "'archived')", &del)) != DOS_OK ||
	    (err = arc_prepare(a, "UPDATE document SET status = 'on hold' "
				  "WHERE id = ? AND status = 'archived'",
			       &doc)) != DOS_OK)
		goto out;
	json_array_foreach(items, i, v) {
		snprintf(key, sizeof(key), "%lld", (long long)ids[i]);
		why = json_string_value(json_object_get(rc.why, key));
		if (why == NULL || why[0] != '\0') {
			if ((err = item_set(a, id, ids[i], "kept",
					    why != NULL
						    ? why
						    : "no longer due (its "
						      "rule or trigger "
						      "changed)",
					    0)) != DOS_OK)
				goto out;
			(*pkept)++;
			continue;
		}
		snprintf(reason, sizeof(reason), "disposal %lld: %s",
			 (long long)id,
			 json_string_value(json_object_get(v, "rule")));
		sqlite3_reset(del);
		sqlite3_bind_int64(del, 1, ids[i]);
		arc_bind_text(del, 2, reason);
		arc_bind_text(del, 3, h->proposed_by);
		arc_bind_text(del, 4, h->proposed_at);
		arc_bind_text(del, 5, who->name);
		arc_bind_text(del, 6, now);
		arc_bind_text(del, 7, until);
		if (sqlite3_step(del) != SQLITE_DONE) {
			err = arc_db_err(a);
			goto out;
		}
		if ((err = item_set(a, id, ids[i], NULL, NULL,
				    sqlite3_last_insert_rowid(a->db))) !=
		    DOS_OK)
			goto out;
		sqlite3_reset(doc);
		sqlite3_bind_int64(doc, 1, ids[i]);
		if (sqlite3_step(doc) != SQLITE_DONE) {
			err = arc_db_err(a);
			goto out;
		}
		snprintf(obj, sizeof(obj), "document %lld", (long long)ids[i]);
		snprintf(detail, sizeof(detail), "%s; held until %s", reason,
			 until);
		if ((err = arc_audit(a, who->name, "delete-approve", obj,
				     detail)) != DOS_OK)
			goto out;
		(*pheld)++;
	}
out:
	sqlite3_finalize(del);
	sqlite3_finalize(doc);
	json_decref(rc.why);
	free(ids);
	return err;
}

enum dos_err
arc_disposal_decide(struct arc *a, const struct arc_user *who, int64_t id,
		    int approve, int hold_days, const char *note, char *msg,
		    size_t msglen)
{
	struct list_head h;
	sqlite3_stmt *st = NULL;
	json_t *items = NULL, *v;
	char now[32], until[32], obj[48], detail[700], why[400];
	time_t t;
	struct tm tm;
	size_t i;
	int held = 0, kept = 0;
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_APPROVE, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	if (approve && (hold_days < 0 || hold_days > 3650))
		return arc_say(msg, msglen, DOS_INVAL,
			       "hold period must be 0 to 3650 days%s", "");
	if (!approve && (note == NULL || strlen(note) < 3))
		return arc_say(msg, msglen, DOS_INVAL,
			       "refusing a disposal list needs a note saying "
			       "why%s", "");
	if ((err = load_head(a, id, &h, msg, msglen)) != DOS_OK)
		return err;
	if (strcmp(h.status, "proposed") != 0)
		return arc_say(msg, msglen, DOS_CONFLICT,
			       "disposal list %lld is %s, not waiting for a "
			       "decision", (long long)id, h.status);
	if (strcmp(h.proposed_by, who->name) == 0)
		return arc_say(msg, msglen, DOS_PERM,
			       "%s proposed this disposal list: a second "
			       "person must decide on it", who->name);
	if ((err = pending_items(a, id, &items)) != DOS_OK)
		return err;
	/* The approver answers for every document on the list. */
	json_array_foreach(items, i, v) {
		if (!approve)
			break;
		if ((err = arc_may(a, who, ARC_APPROVE, ARC_OBJ_DOC,
				   json_integer_value(json_object_get(v, "id")),
				   why, sizeof(why))) != DOS_OK) {
			snprintf(msg, msglen, "document %lld (%s) on the list "
				 "is not one %s may approve: %s",
				 (long long)json_integer_value(
					 json_object_get(v, "id")),
				 json_string_value(json_object_get(v, "no")),
				 who->name, why);
			goto out;
		}
	}
	dos_now_iso(now);
	t = time(NULL) + (time_t)hold_days * 86400;
	gmtime_r(&t, &tm);
	strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		goto out;
	/* Decided meanwhile by someone else? */
	if ((err = load_head(a, id, &h, msg, msglen)) != DOS_OK)
		goto fail;
	if (strcmp(h.status, "proposed") != 0) {
		err = arc_say(msg, msglen, DOS_CONFLICT,
			      "disposal list %lld was %s meanwhile",
			      (long long)id, h.status);
		goto fail;
	}
	if (approve && (err = approve_items(a, who, id, &h, items, now, until,
					    &held, &kept)) != DOS_OK)
		goto fail;
	if ((err = arc_prepare(a, "UPDATE disposal SET status = ?, "
				  "decided_by = ?, decided_at = ?, "
				  "decision_note = ?, hold_until = ? WHERE "
				  "id = ?", &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, !approve ? "refused" : held > 0 ? "approved"
							      : "done");
	arc_bind_text(st, 2, who->name);
	arc_bind_text(st, 3, now);
	arc_bind_text(st, 4, note);
	arc_bind_text(st, 5, approve ? until : NULL);
	sqlite3_bind_int64(st, 6, id);
	if ((err = arc_step_once(a, st, "disposal decision")) != DOS_OK)
		goto fail;
	snprintf(obj, sizeof(obj), "disposal %lld", (long long)id);
	if (approve)
		snprintf(detail, sizeof(detail), "%d document(s) held until "
			 "%s, %d kept%s%s", held, until, kept,
			 note != NULL ? ": " : "", note != NULL ? note : "");
	else
		snprintf(detail, sizeof(detail), "%s", note);
	if ((err = arc_audit(a, who->name,
			     approve ? "disposal-approve" : "disposal-refuse",
			     obj, detail)) != DOS_OK)
		goto fail;
	if ((err = arc_tx_commit(a)) != DOS_OK)
		goto out;
	if (!approve)
		snprintf(msg, msglen, "disposal list %lld refused",
			 (long long)id);
	else if (kept > 0)
		snprintf(msg, msglen, "disposal list %lld approved: %d "
			 "document(s) held until %s, then purged; %d kept "
			 "(no longer due, or held)", (long long)id, held,
			 until, kept);
	else
		snprintf(msg, msglen, "disposal list %lld approved: %d "
			 "document(s) held until %s, then purged",
			 (long long)id, held, until);
	goto out;
fail:
	arc_tx_fail(a, err, msg, msglen);
out:
	json_decref(items);
	return err;
}

enum dos_err
arc_disposal_withdraw(struct arc *a, const struct arc_user *who, int64_t id,
		      char *msg, size_t msglen)
{
	struct list_head h;
	sqlite3_stmt *st = NULL;
	char now[32], obj[48];
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_DISPOSE, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = load_head(a, id, &h, msg, msglen)) != DOS_OK)
		goto fail;
	if (strcmp(h.status, "proposed") != 0) {
		err = arc_say(msg, msglen, DOS_CONFLICT,
			      "disposal list %lld is %s: only a proposed list "
			      "can be withdrawn (withdraw single deletions "
			      "with dossier delete withdraw)",
			      (long long)id, h.status);
		goto fail;
	}
	if ((err = arc_prepare(a, "UPDATE disposal SET status = 'withdrawn', "
				  "decided_by = ?, decided_at = ? WHERE "
				  "id = ?", &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, who->name);
	arc_bind_text(st, 2, now);
	sqlite3_bind_int64(st, 3, id);
	if ((err = arc_step_once(a, st, "disposal withdrawal")) != DOS_OK ||
	    (err = arc_exec(a, "UPDATE disposal_item SET outcome = 'kept', "
			       "note = 'list withdrawn' WHERE outcome IS NULL "
			       "AND disposal_id IN (SELECT id FROM disposal "
			       "WHERE status = 'withdrawn')")) != DOS_OK)
		goto fail;
	snprintf(obj, sizeof(obj), "disposal %lld", (long long)id);
	if ((err = arc_audit(a, who->name, "disposal-withdraw", obj, "")) !=
	    DOS_OK)
		goto fail;
	snprintf(msg, msglen, "disposal list %lld withdrawn", (long long)id);
	return arc_tx_commit(a);
fail:
	return arc_tx_fail(a, err, msg, msglen);
}

/* ---- reading ---- */

#define LIST_COLS                                                          \
	"SELECT p.id, p.status, p.as_of, p.note, p.proposed_by, "          \
	"p.proposed_at, p.decided_by, p.decided_at, p.decision_note, "     \
	"p.hold_until, (SELECT count(*) FROM disposal_item i WHERE "       \
	"i.disposal_id = p.id), (SELECT count(*) FROM disposal_item i "    \
	"WHERE i.disposal_id = p.id AND i.outcome = 'destroyed'), (SELECT " \
	"count(*) FROM disposal_item i WHERE i.disposal_id = p.id AND "    \
	"i.outcome = 'kept'), (SELECT json_group_array(id) FROM (SELECT "  \
	"id FROM disposal_certificate WHERE disposal_id = p.id ORDER BY "  \
	"id)) FROM disposal p"

static json_t *
list_row(sqlite3_stmt *st)
{
	json_int_t n = sqlite3_column_int64(st, 10),
		   gone = sqlite3_column_int64(st, 11),
		   kept = sqlite3_column_int64(st, 12);
	json_t *certs = json_loads(arc_col_text(st, 13), 0, NULL);

	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:I,s:I,"
			 "s:I,s:I,s:o}",
			 "id", (json_int_t)sqlite3_column_int64(st, 0),
			 "status", arc_col_text(st, 1), "as_of",
			 arc_col_text(st, 2), "note", arc_col_text(st, 3),
			 "proposed_by", arc_col_text(st, 4), "proposed_at",
			 arc_col_text(st, 5), "decided_by", str_or_null(st, 6),
			 "decided_at", str_or_null(st, 7), "decision_note",
			 str_or_null(st, 8), "hold_until", str_or_null(st, 9),
			 "documents", n, "destroyed", gone, "kept", kept,
			 "pending", n - gone - kept, "certificates",
			 certs != NULL ? certs : json_array());
}

static enum dos_err
may_read_or_deny(struct arc *a, const struct arc_user *who, char *msg,
		 size_t msglen)
{
	if (may_read(who))
		return DOS_OK;
	return arc_may(a, who, ARC_DISPOSE, ARC_OBJ_NONE, 0, msg, msglen);
}

enum dos_err
arc_disposal_list(struct arc *a, const struct arc_user *who, json_t **pout,
		  char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	json_t *arr;
	enum dos_err err;

	*pout = NULL;
	msg[0] = '\0';
	if ((err = may_read_or_deny(a, who, msg, msglen)) != DOS_OK)
		return err;
	if ((arr = json_array()) == NULL)
		return DOS_NOMEM;
	if ((err = arc_prepare(a, LIST_COLS " ORDER BY p.id DESC LIMIT 500",
			       &st)) != DOS_OK) {
		json_decref(arr);
		return err;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, list_row(st));
	sqlite3_finalize(st);
	*pout = arr;
	return DOS_OK;
}

enum dos_err
arc_disposal_get(struct arc *a, const struct arc_user *who, int64_t id,
		 json_t **pout, char *msg, size_t msglen)
{
	struct arc_sql q;
	sqlite3_stmt *st = NULL;
	json_t *o = NULL, *items = NULL, *rec;
	int rc, seen;
	enum dos_err err;

	*pout = NULL;
	msg[0] = '\0';
	if ((err = may_read_or_deny(a, who, msg, msglen)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, LIST_COLS " WHERE p.id = ?", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return arc_say(msg, msglen, DOS_NOTFOUND,
			       "no disposal list %lld", (long long)id);
	}
	o = list_row(st);
	sqlite3_finalize(st);
	st = NULL;
	if (o == NULL || (items = json_array()) == NULL) {
		json_decref(o);
		return DOS_NOMEM;
	}
	/* Titles and names only of documents the reader may view; a
	 * purged one's come from what its certificate recorded. */
	arc_sql_init(&q, a, msg, msglen);
	arc_sql_add(&q, "SELECT i.document_id, d.archive_no, c.number, "
			"d.account, d.category, d.doc_type, d.title, "
			"d.doc_date, i.rule, i.trigger_date, i.due, "
			"i.outcome, i.note, i.certificate_id, d.status, "
			"i.record, EXISTS (SELECT 1 FROM document d LEFT JOIN "
			"customer c ON c.id = d.customer_id WHERE d.id = "
			"i.document_id");
	arc_scope_cond(&q, who, ARC_VIEW);
	arc_sql_add(&q, ") FROM disposal_item i JOIN document d ON d.id = "
			"i.document_id LEFT JOIN customer c ON c.id = "
			"d.customer_id WHERE i.disposal_id = ");
	arc_sql_int(&q, id);
	arc_sql_add(&q, " ORDER BY c.number IS NULL, c.number, d.category, "
			"i.document_id");
	if ((err = q.err) != DOS_OK ||
	    (err = arc_prepare(a, q.sql.data, &st)) != DOS_OK)
		goto out;
	arc_sql_bind(&q, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		seen = sqlite3_column_int(st, 16);
		rec = json_loads(arc_col_text(st, 15), 0, NULL);
		json_array_append_new(
			items,
			json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:s,"
				  "s:s,s:o,s:o,s:o,s:s}",
				  "id", (json_int_t)sqlite3_column_int64(st, 0),
				  "archive_no",
				  rec != NULL ? json_incref(json_object_get(
							rec, "archive_no"))
					      : str_or_null(st, 1),
				  "customer",
				  rec != NULL ? json_incref(json_object_get(
							rec, "customer"))
					      : str_or_null(st, 2),
				  "account",
				  seen ? str_or_null(st, 3) : json_null(),
				  "category",
				  rec != NULL ? json_incref(json_object_get(
							rec, "category"))
					      : str_or_null(st, 4),
				  "doc_type",
				  rec != NULL ? json_incref(json_object_get(
							rec, "doc_type"))
					      : str_or_null(st, 5),
				  "title",
				  seen ? str_or_null(st, 6) : json_null(),
				  "date",
				  seen ? str_or_null(st, 7) : json_null(),
				  "rule", arc_col_text(st, 8), "trigger_date",
				  arc_col_text(st, 9), "due",
				  arc_col_text(st, 10), "outcome",
				  str_or_null(st, 11), "note",
				  str_or_null(st, 12), "certificate",
				  arc_col_json_int(st, 13), "status",
				  arc_col_text(st, 14)));
		json_decref(rec);
	}
	if (rc != SQLITE_DONE)
		err = arc_db_err(a);
out:
	sqlite3_finalize(st);
	arc_sql_free(&q);
	if (err != DOS_OK) {
		json_decref(o);
		json_decref(items);
		return err;
	}
	json_object_set_new(o, "items", items);
	*pout = o;
	return DOS_OK;
}

enum dos_err
arc_certificate_open(struct arc *a, const struct arc_user *who, int64_t id,
		     int *pfd, uint64_t *psize, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char sha[DOS_SHA256_HEX] = "", obj[48];
	enum dos_err err;

	*pfd = -1;
	msg[0] = '\0';
	if ((err = may_read_or_deny(a, who, msg, msglen)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT sha256 FROM disposal_certificate "
				  "WHERE id = ?", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(sha, sizeof(sha), "%s", arc_col_text(st, 0));
	sqlite3_finalize(st);
	if (sha[0] == '\0')
		return arc_say(msg, msglen, DOS_NOTFOUND,
			       "no disposal certificate %lld", (long long)id);
	snprintf(obj, sizeof(obj), "certificate %lld", (long long)id);
	if ((err = arc_audit(a, who->name, "certificate-read", obj, sha)) !=
	    DOS_OK)
		return err;
	if ((err = arc_blob_open(a, sha, pfd, psize)) != DOS_OK)
		return arc_say(msg, msglen, err,
			       "certificate %lld cannot be read: %s",
			       (long long)id, dos_strerror(err));
	return DOS_OK;
}

/* ---- purge's part ---- */

enum dos_err
arc_disposal_record(struct arc *a, int64_t xid, int64_t doc, json_t **precord)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	*precord = NULL;
	if ((err = arc_prepare(a, "SELECT i.disposal_id, i.rule, "
				  "i.trigger_date, i.due, d.archive_no, "
				  "c.number, d.account, d.category, "
				  "d.doc_type, d.doc_date, d.npages, d.added, "
				  "d.pdf_sha256, s.name, s.format, s.sha256, "
				  "s.size FROM disposal_item i JOIN document "
				  "d ON d.id = i.document_id JOIN source s ON "
				  "s.id = d.source_id LEFT JOIN customer c ON "
				  "c.id = d.customer_id WHERE i.deletion_id = "
				  "? AND i.document_id = ?", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, xid);
	sqlite3_bind_int64(st, 2, doc);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*precord = json_pack(
			"{s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:i,s:s,s:s,s:s,"
			"s:s,s:o,s:{s:s,s:s,s:s,s:I}}",
			"disposal", (json_int_t)sqlite3_column_int64(st, 0),
			"document", (json_int_t)doc, "archive_no",
			str_or_null(st, 4), "customer", str_or_null(st, 5),
			"account", str_or_null(st, 6), "category",
			str_or_null(st, 7), "doc_type", str_or_null(st, 8),
			"date", str_or_null(st, 9), "pages",
			sqlite3_column_int(st, 10), "filed",
			arc_col_text(st, 11), "rule", arc_col_text(st, 1),
			"trigger_date", arc_col_text(st, 2), "due",
			arc_col_text(st, 3), "searchable_pdf_sha256",
			str_or_null(st, 12), "original", "name",
			arc_col_text(st, 13), "format", arc_col_text(st, 14),
			"sha256", arc_col_text(st, 15), "size",
			(json_int_t)sqlite3_column_int64(st, 16));
		if (*precord == NULL)
			err = DOS_NOMEM;
	}
	sqlite3_finalize(st);
	return err;
}

enum dos_err
arc_disposal_destroyed(struct arc *a, int64_t xid, json_t *record,
		       int original_gone)
{
	sqlite3_stmt *st = NULL;
	json_t *orig = json_object_get(record, "original");
	char *s = NULL;
	enum dos_err err;

	json_object_set_new(orig, "destroyed", json_boolean(original_gone));
	if (!original_gone)
		json_object_set_new(orig, "kept_because",
				    json_string("other documents of the same "
						"file remain in the archive"));
	if ((s = json_dumps(record, JSON_SORT_KEYS | JSON_COMPACT)) == NULL)
		return DOS_NOMEM;
	if ((err = arc_prepare(a, "UPDATE disposal_item SET outcome = "
				  "'destroyed', record = ? WHERE deletion_id "
				  "= ?", &st)) == DOS_OK) {
		arc_bind_text(st, 1, s);
		sqlite3_bind_int64(st, 2, xid);
		err = arc_step_once(a, st, "disposal item");
	}
	free(s);
	return err;
}

/* Items whose deletion was withdrawn after approval are kept. */
static enum dos_err
close_withdrawn(struct arc *a)
{
	return arc_exec(a, "UPDATE disposal_item SET outcome = 'kept', note = "
			   "'deletion withdrawn by ' || (SELECT x.closed_by "
			   "|| ' at ' || x.closed_at FROM deletion x WHERE "
			   "x.id = disposal_item.deletion_id) WHERE outcome "
			   "IS NULL AND deletion_id IN (SELECT id FROM "
			   "deletion WHERE status = 'withdrawn')");
}

/* The signed certificate file of disposal d's destroyed, uncertified
 * items, as certificate number cid; *pn documents. */
static enum dos_err
make_certificate(struct arc *a, int64_t d, int64_t cid, const char *actor,
		 const char *now, char **pfile, size_t *pn)
{
	sqlite3_stmt *st = NULL;
	json_t *cert = NULL, *docs = NULL, *gone = NULL, *file = NULL, *rec;
	unsigned char pk[ARC_KEY_PUBLIC_BYTES], sig[ARC_SIGNATURE_BYTES];
	char pkhex[2 * ARC_KEY_PUBLIC_BYTES + 1], b64[128];
	char *canon = NULL;
	enum dos_err err;

	*pfile = NULL;
	*pn = 0;
	if ((docs = json_array()) == NULL || (gone = json_array()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if ((err = arc_prepare(a, "SELECT record FROM disposal_item WHERE "
				  "disposal_id = ? AND outcome = 'destroyed' "
				  "AND certificate_id IS NULL ORDER BY "
				  "document_id", &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, d);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if ((rec = json_loads(arc_col_text(st, 0), 0, NULL)) == NULL) {
			dos_errx("%s: disposal %lld: an item's record is not "
				 "JSON", __func__, (long long)d);
			err = DOS_CORRUPT;
			goto out;
		}
		json_object_set_new(rec, "purged_by", json_string(actor));
		if (json_is_true(json_object_get(json_object_get(rec,
								 "original"),
						 "destroyed")))
			json_array_append(gone,
					  json_object_get(rec, "original"));
		json_array_append_new(docs, rec);
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((err = arc_key_public(a, pk)) != DOS_OK)
		goto out;
	dos_hex(pk, sizeof(pk), pkhex);
	if ((err = arc_prepare(a, "SELECT as_of, note, proposed_by, "
				  "proposed_at, decided_by, decided_at, "
				  "hold_until FROM disposal WHERE id = ?",
			       &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int64(st, 1, d);
	if (sqlite3_step(st) != SQLITE_ROW) {
		err = DOS_NOTFOUND;
		goto out;
	}
	cert = json_pack("{s:s,s:i,s:I,s:I,s:s,s:s,s:s,s:{s:s,s:s,s:s},"
			 "s:{s:o,s:o,s:o},s:{s:s,s:s},s:I,s:O,s:I,s:O}",
			 "type", "dossier disposal certificate", "version", 1,
			 "certificate", (json_int_t)cid, "disposal",
			 (json_int_t)d, "issued", now, "public_key", pkhex,
			 "algorithm", "Ed25519", "proposed", "by",
			 arc_col_text(st, 2), "at", arc_col_text(st, 3),
			 "note", arc_col_text(st, 1), "approved", "by",
			 str_or_null(st, 4), "at", str_or_null(st, 5),
			 "hold_until", str_or_null(st, 6), "purged", "by",
			 actor, "at", now, "documents_destroyed",
			 (json_int_t)json_array_size(docs), "documents", docs,
			 "originals_destroyed_count",
			 (json_int_t)json_array_size(gone),
			 "originals_destroyed", gone);
	if (cert == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	json_object_set_new(cert, "as_of", json_string(arc_col_text(st, 0)));
	sqlite3_finalize(st);
	st = NULL;
	if ((canon = json_dumps(cert, CERT_JSON_FLAGS)) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if ((err = arc_sign(a, canon, strlen(canon), sig)) != DOS_OK)
		goto out;
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig),
			  sodium_base64_VARIANT_ORIGINAL);
	file = json_pack("{s:O,s:s,s:s}", "certificate", cert, "signature",
			 b64, "signed",
			 "Ed25519 signature (base64) of the certificate member "
			 "written with sorted keys, no blanks and non-ASCII as "
			 "\\u escapes, by certificate.public_key; check it "
			 "with: dossier verify-export FILE");
	if (file == NULL ||
	    (*pfile = json_dumps(file, JSON_INDENT(2) | JSON_SORT_KEYS |
					      JSON_ENSURE_ASCII)) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	*pn = json_array_size(docs);
out:
	sqlite3_finalize(st);
	free(canon);
	json_decref(cert);
	json_decref(docs);
	json_decref(gone);
	json_decref(file);
	return err;
}

/* Certifies disposal d's destroyed items in one transaction. */
static enum dos_err
certify_one(struct arc *a, int64_t d, const char *actor, json_t *certs)
{
	sqlite3_stmt *st = NULL, *blob = NULL;
	char now[32], sha[DOS_SHA256_HEX], obj[48], detail[160];
	char *file = NULL;
	size_t n = 0;
	int64_t cid = 1;
	enum dos_err err;

	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "SELECT coalesce(max(id), 0) + 1 FROM "
				  "disposal_certificate", &st)) != DOS_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		cid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if ((err = make_certificate(a, d, cid, actor, now, &file, &n)) !=
	    DOS_OK)
		goto fail;
	if (n == 0)
		goto done;
	if ((err = arc_blob_put(a, file, strlen(file), sha)) != DOS_OK ||
	    (err = arc_prepare(a, ARC_BLOB_ROW_SQL, &blob)) != DOS_OK ||
	    (err = arc_blob_row(a, blob, sha, now)) != DOS_OK)
		goto fail;
	if ((err = arc_prepare(a, "INSERT INTO disposal_certificate(id, "
				  "disposal_id, created, sha256, documents) "
				  "VALUES (?, ?, ?, ?, ?)", &st)) != DOS_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, d);
	arc_bind_text(st, 3, now);
	arc_bind_text(st, 4, sha);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)n);
	if ((err = arc_step_once(a, st, "certificate")) != DOS_OK)
		goto fail;
	if ((err = arc_prepare(a, "UPDATE disposal_item SET certificate_id = "
				  "? WHERE disposal_id = ? AND outcome = "
				  "'destroyed' AND certificate_id IS NULL",
			       &st)) != DOS_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, d);
	if ((err = arc_step_once(a, st, "certificate items")) != DOS_OK)
		goto fail;
	snprintf(obj, sizeof(obj), "disposal %lld", (long long)d);
	snprintf(detail, sizeof(detail), "certificate %lld: %zu document(s) "
		 "destroyed, SHA-256 %s", (long long)cid, n, sha);
	if ((err = arc_audit(a, actor, "disposal-certificate", obj,
			     detail)) != DOS_OK)
		goto fail;
	json_array_append_new(certs,
			      json_pack("{s:I,s:I,s:I,s:s}", "disposal",
					(json_int_t)d, "certificate",
					(json_int_t)cid, "documents",
					(json_int_t)n, "sha256", sha));
done:
	/* Nothing pending any more: the list is done. */
	if ((err = arc_prepare(a, "UPDATE disposal SET status = 'done' WHERE "
				  "id = ?1 AND status = 'approved' AND NOT "
				  "EXISTS (SELECT 1 FROM disposal_item WHERE "
				  "disposal_id = ?1 AND (outcome IS NULL OR "
				  "(outcome = 'destroyed' AND certificate_id "
				  "IS NULL)))", &st)) != DOS_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, d);
	if ((err = arc_step_once(a, st, "disposal done")) != DOS_OK)
		goto fail;
	sqlite3_finalize(blob);
	free(file);
	return arc_tx_commit(a);
fail:
	sqlite3_finalize(st);
	sqlite3_finalize(blob);
	free(file);
	arc_tx_rollback(a);
	return err;
}

enum dos_err
arc_disposal_certify(struct arc *a, const char *actor, json_t *certs)
{
	sqlite3_stmt *st = NULL;
	int64_t ids[64];
	size_t n = 0, i;
	enum dos_err err;

	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = close_withdrawn(a)) != DOS_OK) {
		arc_tx_rollback(a);
		return err;
	}
	if ((err = arc_tx_commit(a)) != DOS_OK)
		return err;
	/* In rounds of 64 lists; each certified list leaves the query. */
	do {
		n = 0;
		if ((err = arc_prepare(a, "SELECT DISTINCT disposal_id FROM "
					  "disposal_item WHERE outcome = "
					  "'destroyed' AND certificate_id IS "
					  "NULL ORDER BY 1 LIMIT 64", &st)) !=
		    DOS_OK)
			return err;
		while (n < 64 && sqlite3_step(st) == SQLITE_ROW)
			ids[n++] = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		for (i = 0; i < n; i++)
			if ((err = certify_one(a, ids[i], actor, certs)) !=
			    DOS_OK)
				return err;
	} while (n == 64);
	/* Lists whose last items were kept are done too. */
	return arc_exec(a, "UPDATE disposal SET status = 'done' WHERE status = "
			   "'approved' AND NOT EXISTS (SELECT 1 FROM "
			   "disposal_item i WHERE i.disposal_id = disposal.id "
			   "AND (i.outcome IS NULL OR (i.outcome = 'destroyed' "
			   "AND i.certificate_id IS NULL)))");
}
