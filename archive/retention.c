/*
 * retention.c: retention schedules.  Each category (optionally one
 * document type of it) keeps its documents a number of years, months or
 * days after a trigger: the document's date, the end of the customer
 * relationship, or the closing of the document's account.  The schedule
 * comes from the configuration file and is kept in the catalogue, so
 * that the server, the command line and disposal certificates read the
 * same rules.  What is due is worked out in one query, within the
 * reader's reach; legal holds, open deletions and disposal lists under
 * way keep a document off the list (counted apart).
 * Exports arc_retention_parse, arc_retention_text, arc_retention_set,
 * arc_retention_rules, arc_customer_close, arc_customer_reopen,
 * arc_account_close, arc_retention_due, arc_retention_figures and the
 * internal arc_retention_walk, arc_day_valid, arc_today.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static const char *const triggers[] = {"document_date", "relationship_end",
				       "account_closed"};
#define NTRIGGERS (sizeof(triggers) / sizeof(triggers[0]))

int
arc_day_valid(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	int y, m, d, i;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1000 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
						 y % 400 == 0)))
		return 0;
	return 1;
}

void
arc_today(char out[11])
{
	char now[32];

	dos_now_iso(now);
	memcpy(out, now, 10);
	out[10] = '\0';
}

enum dos_err
arc_retention_parse(const char *text, struct arc_retention_rule *r,
		    char *msg, size_t msglen)
{
	const char *p = text;
	char *end;
	long v, max;
	size_t i, n;

	while (p != NULL && (*p == ' ' || *p == '\t'))
		p++;
	if (p == NULL || !isdigit((unsigned char)*p))
		goto bad;
	v = strtol(p, &end, 10);
	p = end;
	if (*p != 'y' && *p != 'm' && *p != 'd')
		goto bad;
	r->unit = *p++;
	max = r->unit == 'y' ? 200 : r->unit == 'm' ? 2400 : 73000;
	if (v < 1 || v > max)
		return arc_say(msg, msglen, DOS_INVAL,
			       "retain: a period of 1 to %ld%s, got '%s'", max,
			       r->unit == 'y'   ? " years"
			       : r->unit == 'm' ? " months"
						: " days",
			       text);
	r->amount = (int)v;
	if (*p != ' ' && *p != '\t')
		goto bad;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "after", 5) != 0 || (p[5] != ' ' && p[5] != '\t'))
		goto bad;
	p += 5;
	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	for (i = 0; i < NTRIGGERS; i++)
		if (strlen(triggers[i]) == n &&
		    strncmp(p, triggers[i], n) == 0) {
			snprintf(r->trigger, sizeof(r->trigger), "%s",
				 triggers[i]);
			return DOS_OK;
		}
bad:
	return arc_say(msg, msglen, DOS_INVAL,
		       "retain: expected N(y|m|d) after TRIGGER, TRIGGER one "
		       "of document_date, relationship_end, account_closed "
		       "(e.g. 10y after relationship_end), got '%s'",
		       text != NULL ? text : "");
}

void
arc_retention_text(const struct arc_retention_rule *r, char *out, size_t n)
{
	snprintf(out, n, "%d%c after %s", r->amount, r->unit, r->trigger);
}

/* "CREDIT: 10y after relationship_end", "CREDIT/statement: ...". */
static void
rule_label(const char *cat, const char *type, int amount, const char *unit,
	   const char *trigger, char *out, size_t n)
{
	snprintf(out, n, "%s%s%s: %d%s after %s", cat, type[0] ? "/" : "",
		 type, amount, unit, trigger);
}

/* The schedule as one text, sorted: what the audit log records. */
static enum dos_err
schedule_text(struct arc *a, struct dbuf *b)
{
	sqlite3_stmt *st = NULL;
	char one[200];
	enum dos_err err;

	if ((err = arc_prepare(a, "SELECT category, doc_type, amount, unit, "
				  "trigger FROM retention_rule ORDER BY 1, 2",
			       &st)) != DOS_OK)
		return err;
	while (err == DOS_OK && sqlite3_step(st) == SQLITE_ROW) {
		rule_label(arc_col_text(st, 0), arc_col_text(st, 1),
			   sqlite3_column_int(st, 2), arc_col_text(st, 3),
			   arc_col_text(st, 4), one, sizeof(one));
		err = dbuf_addf(b, "%s%s", b->len ? "; " : "", one);
	}
	sqlite3_finalize(st);
	return err;
}

enum dos_err
arc_retention_set(struct arc *a, const struct arc_user *who,
		  const struct arc_retention_rule *rules, size_t n,
		  int *pchanged, char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	struct dbuf before, after;
	char now[32];
	size_t i;
	enum dos_err err;

	*pchanged = 0;
	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	dbuf_init(&before, 1u << 20);
	dbuf_init(&after, 1u << 20);
	dos_now_iso(now);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		goto out;
	if ((err = schedule_text(a, &before)) != DOS_OK ||
	    (err = arc_exec(a, "DELETE FROM retention_rule")) != DOS_OK ||
	    (err = arc_prepare(a, "INSERT INTO retention_rule(category, "
				  "doc_type, amount, unit, trigger, set_at) "
				  "SELECT code, ?, ?, ?, ?, ? FROM category "
				  "WHERE code = ?",
			       &st)) != DOS_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		const struct arc_retention_rule *r = &rules[i];
		char u[2] = {r->unit, '\0'};

		sqlite3_reset(st);
		arc_bind_text(st, 1, r->doc_type);
		sqlite3_bind_int(st, 2, r->amount);
		arc_bind_text(st, 3, u);
		arc_bind_text(st, 4, r->trigger);
		arc_bind_text(st, 5, now);
		arc_bind_text(st, 6, r->category);
		if (sqlite3_step(st) != SQLITE_DONE) {
			err = sqlite3_extended_errcode(a->db) ==
					      SQLITE_CONSTRAINT_PRIMARYKEY
				      ? arc_say(msg, msglen, DOS_CONFLICT,
						"%s%s%s has two retention "
						"rules",
						r->category,
						r->doc_type[0] ? "/" : "",
						r->doc_type)
				      : arc_say(msg, msglen, DOS_INVAL,
						"retention rule %s: %s",
						r->category, arc_errmsg(a));
			goto fail;
		}
		if (sqlite3_changes(a->db) == 0) {
			err = arc_say(msg, msglen, DOS_NOTFOUND,
				      "no category %s for a retention rule",
				      r->category);
			goto fail;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((err = schedule_text(a, &after)) != DOS_OK)
		goto fail;
	if (strcmp(before.data ? before.data : "",
		   after.data ? after.data : "") == 0) {
		arc_tx_rollback(a); /* keeps the set_at of the rules */
		snprintf(msg, msglen, "retention schedule unchanged");
		goto out;
	}
	if ((err = arc_audit(a, who->name, "retention.set", "schedule",
			     after.data ? after.data : "(none)")) != DOS_OK)
		goto fail;
	if ((err = arc_tx_commit(a)) != DOS_OK)
		goto out;
	*pchanged = 1;
	snprintf(msg, msglen, "retention schedule: %s",
		 after.data ? after.data : "(none)");
	goto out;
fail:
	sqlite3_finalize(st);
	arc_tx_fail(a, err, msg, msglen);
out:
	dbuf_free(&before);
	dbuf_free(&after);
	return err;
}

enum dos_err
arc_retention_rules(struct arc *a, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	json_t *arr;
	char text[64];
	enum dos_err err;

	*pout = NULL;
	if ((arr = json_array()) == NULL)
		return DOS_NOMEM;
	if ((err = arc_prepare(a, "SELECT category, doc_type, amount, unit, "
				  "trigger, set_at FROM retention_rule "
				  "ORDER BY 1, 2", &st)) != DOS_OK) {
		json_decref(arr);
		return err;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(text, sizeof(text), "%d%s after %s",
			 sqlite3_column_int(st, 2), arc_col_text(st, 3),
			 arc_col_text(st, 4));
		json_array_append_new(
			arr,
			json_pack("{s:s,s:o,s:s,s:i,s:s,s:s,s:s}", "category",
				  arc_col_text(st, 0), "doc_type",
				  arc_col_text(st, 1)[0]
					  ? json_string(arc_col_text(st, 1))
					  : json_null(),
				  "retain", text, "amount",
				  sqlite3_column_int(st, 2), "unit",
				  arc_col_text(st, 3), "trigger",
				  arc_col_text(st, 4), "set_at",
				  arc_col_text(st, 5)));
	}
	sqlite3_finalize(st);
	*pout = arr;
	return DOS_OK;
}

/* A customer's id, number and closing date by number or account. */
static enum dos_err
find_customer(struct arc *a, const char *key, int64_t *pid, char *number,
	      size_t nn, char *closed, size_t cn)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	*pid = 0;
	if ((err = arc_prepare(a, "SELECT id, number, coalesce(closed, '') "
				  "FROM customer WHERE number = ?1 OR id = "
				  "(SELECT customer_id FROM account WHERE "
				  "number = ?1) ORDER BY number = ?1 DESC "
				  "LIMIT 1", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, key);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*pid = sqlite3_column_int64(st, 0);
		snprintf(number, nn, "%s", arc_col_text(st, 1));
		snprintf(closed, cn, "%s", arc_col_text(st, 2));
	}
	sqlite3_finalize(st);
	return *pid > 0 ? DOS_OK : DOS_NOTFOUND;
}

/* A date given for a closing: valid and not after today. */
static enum dos_err
closing_date(const char *date, char out[11], char *msg, size_t msglen)
{
	char today[11];

	arc_today(today);
	if (date == NULL) {
		memcpy(out, today, 11);
		return DOS_OK;
	}
	if (!arc_day_valid(date))
		return arc_say(msg, msglen, DOS_INVAL,
			       "'%s' is not a date (YYYY-MM-DD)", date);
	if (strcmp(date, today) > 0)
		return arc_say(msg, msglen, DOS_INVAL,
			       "%s is in the future: record a closing once it "
			       "has happened", date);
	memcpy(out, date, 11);
	return DOS_OK;
}

/* Sets customer.closed (NULL: reopened); audited as action. */
static enum dos_err
set_closed(struct arc *a, const struct arc_user *who, const char *key,
	   const char *date, const char *reason, const char *action,
	   char *msg, size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char number[80], was[32], obj[96], detail[600];
	int64_t cid;
	enum dos_err err;

	msg[0] = '\0';
	if ((err = find_customer(a, key, &cid, number, sizeof(number), was,
				 sizeof(was))) != DOS_OK)
		return err == DOS_NOTFOUND
			       ? arc_say(msg, msglen, err,
					 "no customer has the number or "
					 "account %s", key)
			       : err;
	if ((err = arc_may(a, who, ARC_EDIT, ARC_OBJ_CUSTOMER, cid, msg,
			   msglen)) != DOS_OK)
		return err;
	if (reason == NULL || strlen(reason) < 3)
		return arc_say(msg, msglen, DOS_INVAL,
			       "%s needs a reason (--reason WHY)",
			       date != NULL ? "closing a customer relationship"
					    : "reopening a customer");
	if (date == NULL && was[0] == '\0')
		return arc_say(msg, msglen, DOS_CONFLICT,
			       "customer %s is not closed", number);
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "UPDATE customer SET closed = ?, "
				  "closed_reason = ? WHERE id = ?", &st)) !=
	    DOS_OK)
		goto fail;
	arc_bind_text(st, 1, date);
	arc_bind_text(st, 2, date != NULL ? reason : NULL);
	sqlite3_bind_int64(st, 3, cid);
	if ((err = arc_step_once(a, st, "customer closing")) != DOS_OK)
		goto fail;
	snprintf(obj, sizeof(obj), "customer %.80s", number);
	if (date != NULL && was[0] != '\0')
		snprintf(detail, sizeof(detail), "%s (was %s): %s", date, was,
			 reason);
	else if (date != NULL)
		snprintf(detail, sizeof(detail), "%s: %s", date, reason);
	else
		snprintf(detail, sizeof(detail), "was closed %s: %s", was,
			 reason);
	if ((err = arc_audit(a, who->name, action, obj, detail)) != DOS_OK)
		goto fail;
	if (date != NULL)
		snprintf(msg, msglen, "customer %s: relationship ended %s",
			 number, date);
	else
		snprintf(msg, msglen, "customer %s reopened", number);
	return arc_tx_commit(a);
fail:
	return arc_tx_fail(a, err, msg, msglen);
}

enum dos_err
arc_customer_close(struct arc *a, const struct arc_user *who, const char *key,
		   const char *date, const char *reason, char *msg,
		   size_t msglen)
{
	char day[11];
	enum dos_err err;

	if ((err = closing_date(date, day, msg, msglen)) != DOS_OK)
		return err;
	return set_closed(a, who, key, day, reason, "customer-close", msg,
			  msglen);
}

enum dos_err
arc_customer_reopen(struct arc *a, const struct arc_user *who,
		    const char *key, const char *reason, char *msg,
		    size_t msglen)
{
	return set_closed(a, who, key, NULL, reason, "customer-reopen", msg,
			  msglen);
}

enum dos_err
arc_account_close(struct arc *a, const struct arc_user *who,
		  const char *account, const char *date, char *msg,
		  size_t msglen)
{
	sqlite3_stmt *st = NULL;
	char day[11], obj[96];
	int64_t cid = 0;
	enum dos_err err;

	msg[0] = '\0';
	if ((err = closing_date(date, day, msg, msglen)) != DOS_OK)
		return err;
	if (account == NULL || strlen(account) > 64)
		return arc_say(msg, msglen, DOS_INVAL, "no account given%s",
			       "");
	if ((err = arc_prepare(a, "SELECT customer_id FROM account WHERE "
				  "number = ?", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, account);
	if (sqlite3_step(st) == SQLITE_ROW)
		cid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (cid == 0)
		return arc_say(msg, msglen, DOS_NOTFOUND,
			       "no customer holds account %s (link it first: "
			       "dossier customer link)", account);
	if ((err = arc_may(a, who, ARC_EDIT, ARC_OBJ_CUSTOMER, cid, msg,
			   msglen)) != DOS_OK)
		return err;
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "UPDATE account SET closed = ? WHERE "
				  "number = ?", &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, day);
	arc_bind_text(st, 2, account);
	if ((err = arc_step_once(a, st, "account closing")) != DOS_OK)
		goto fail;
	snprintf(obj, sizeof(obj), "account %.80s", account);
	if ((err = arc_audit(a, who->name, "account-close", obj, day)) !=
	    DOS_OK)
		goto fail;
	snprintf(msg, msglen, "account %s closed %s", account, day);
	return arc_tx_commit(a);
fail:
	return arc_tx_fail(a, err, msg, msglen);
}

/* The date a rule counts from, and the date it runs out. */
#define TDATE                                                            \
	"(CASE r.trigger WHEN 'document_date' THEN d.doc_date WHEN "       \
	"'relationship_end' THEN c.closed ELSE ac.closed END)"
#define DUE                                                              \
	"date(" TDATE ", '+' || r.amount || CASE r.unit WHEN 'y' THEN "    \
	"' years' WHEN 'm' THEN ' months' ELSE ' days' END)"

enum dos_err
arc_retention_walk(struct arc *a, const struct arc_user *who, const char *lo,
		   const char *hi, const int64_t *docs, size_t ndocs,
		   arc_retention_fn fn, void *arg, char *msg, size_t msglen)
{
	struct arc_retention_doc rd;
	struct arc_sql q;
	sqlite3_stmt *st = NULL;
	char unit[2];
	size_t i;
	int rc;
	enum dos_err err;

	arc_sql_init(&q, a, msg, msglen);
	arc_sql_add(&q,
		    "SELECT d.id, d.archive_no, c.number, c.name, d.account, "
		    "d.category, d.doc_type, d.title, d.doc_date, r.doc_type, "
		    "r.amount, r.unit, r.trigger, " TDATE ", " DUE ", "
		    "d.status <> 'archived', EXISTS (SELECT 1 FROM legal_hold "
		    "h WHERE h.released_at IS NULL AND (h.document_id = d.id "
		    "OR h.customer_id = d.customer_id)), EXISTS (SELECT 1 "
		    "FROM disposal_item i JOIN disposal p ON p.id = "
		    "i.disposal_id WHERE i.document_id = d.id AND i.outcome "
		    "IS NULL AND p.status IN ('proposed', 'approved')) "
		    "FROM document d LEFT JOIN customer c ON c.id = "
		    "d.customer_id LEFT JOIN account ac ON ac.number = "
		    "d.account JOIN retention_rule r ON r.category = "
		    "d.category AND r.doc_type = (CASE WHEN d.doc_type IS NOT "
		    "NULL AND d.doc_type <> '' AND EXISTS (SELECT 1 FROM "
		    "retention_rule x WHERE x.category = d.category AND "
		    "x.doc_type = d.doc_type) THEN d.doc_type ELSE '' END) "
		    "WHERE d.status IN ('archived', 'deletion requested', "
		    "'on hold') AND " DUE " <= ");
	arc_sql_text(&q, hi, 0);
	if (lo != NULL) {
		arc_sql_add(&q, " AND " DUE " >= ");
		arc_sql_text(&q, lo, 0);
	}
	if (ndocs > 0) {
		arc_sql_add(&q, " AND d.id IN (");
		for (i = 0; i < ndocs; i++) {
			if (i > 0)
				arc_sql_add(&q, ", ");
			arc_sql_int(&q, docs[i]);
		}
		arc_sql_add(&q, ")");
	}
	arc_scope_cond(&q, who, ARC_REPORT);
	arc_sql_add(&q, " ORDER BY c.number IS NULL, c.number, d.category, "
			"15, d.id");
	if ((err = q.err) != DOS_OK ||
	    (err = arc_prepare(a, q.sql.data, &st)) != DOS_OK)
		goto out;
	arc_sql_bind(&q, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&rd, 0, sizeof(rd));
		rd.id = sqlite3_column_int64(st, 0);
		rd.archive_no = sqlite3_column_text(st, 1) != NULL
					? arc_col_text(st, 1)
					: NULL;
		rd.customer = sqlite3_column_text(st, 2) != NULL
				      ? arc_col_text(st, 2)
				      : NULL;
		rd.customer_name = sqlite3_column_text(st, 3) != NULL
					   ? arc_col_text(st, 3)
					   : NULL;
		rd.account = sqlite3_column_text(st, 4) != NULL
				     ? arc_col_text(st, 4)
				     : NULL;
		rd.category = arc_col_text(st, 5);
		rd.doc_type = sqlite3_column_text(st, 6) != NULL
				      ? arc_col_text(st, 6)
				      : NULL;
		rd.title = sqlite3_column_text(st, 7) != NULL
				   ? arc_col_text(st, 7)
				   : NULL;
		rd.date = sqlite3_column_text(st, 8) != NULL
				  ? arc_col_text(st, 8)
				  : NULL;
		snprintf(unit, sizeof(unit), "%s", arc_col_text(st, 11));
		rule_label(rd.category, arc_col_text(st, 9),
			   sqlite3_column_int(st, 10), unit,
			   arc_col_text(st, 12), rd.rule, sizeof(rd.rule));
		rd.trigger = arc_col_text(st, 12);
		rd.trigger_date = arc_col_text(st, 13);
		rd.due = arc_col_text(st, 14);
		rd.deleting = sqlite3_column_int(st, 15);
		rd.held = sqlite3_column_int(st, 16);
		rd.listed = sqlite3_column_int(st, 17);
		if ((err = fn(arg, &rd)) != DOS_OK)
			goto out;
	}
	if (rc != SQLITE_DONE)
		err = arc_db_err(a);
out:
	sqlite3_finalize(st);
	arc_sql_free(&q);
	return err;
}

/* A JSON string, or null. */
static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

json_t *
arc_retention_doc_json(const struct arc_retention_doc *d)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "id", json_integer(d->id));
	json_object_set_new(o, "archive_no", str_or_null(d->archive_no));
	json_object_set_new(o, "customer", str_or_null(d->customer));
	json_object_set_new(o, "customer_name", str_or_null(d->customer_name));
	json_object_set_new(o, "account", str_or_null(d->account));
	json_object_set_new(o, "category", str_or_null(d->category));
	json_object_set_new(o, "doc_type", str_or_null(d->doc_type));
	json_object_set_new(o, "title", str_or_null(d->title));
	json_object_set_new(o, "date", str_or_null(d->date));
	json_object_set_new(o, "rule", json_string(d->rule));
	json_object_set_new(o, "trigger", json_string(d->trigger));
	json_object_set_new(o, "trigger_date", json_string(d->trigger_date));
	json_object_set_new(o, "due", json_string(d->due));
	return o;
}

struct due_acc {
	json_t *docs; /* NULL: count only */
	long long due, held, deleting, listed;
};

static enum dos_err
due_one(void *arg, const struct arc_retention_doc *d)
{
	struct due_acc *acc = arg;
	json_t *o;

	if (d->held)
		acc->held++;
	else if (d->deleting)
		acc->deleting++;
	else if (d->listed)
		acc->listed++;
	else {
		acc->due++;
		if (acc->docs != NULL) {
			if ((o = arc_retention_doc_json(d)) == NULL)
				return DOS_NOMEM;
			json_array_append_new(acc->docs, o);
		}
	}
	return DOS_OK;
}

/* How many rules there are. */
static int
nrules(struct arc *a)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	if (arc_prepare(a, "SELECT count(*) FROM retention_rule", &st) ==
		    DOS_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

enum dos_err
arc_retention_due(struct arc *a, const struct arc_user *who, const char *as_of,
		  json_t **pout, char *msg, size_t msglen)
{
	struct due_acc acc = {0};
	char today[11];
	enum dos_err err;

	*pout = NULL;
	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_REPORT, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	if (as_of == NULL) {
		arc_today(today);
		as_of = today;
	} else if (!arc_day_valid(as_of))
		return arc_say(msg, msglen, DOS_INVAL,
			       "'%s' is not a date (YYYY-MM-DD)", as_of);
	if ((acc.docs = json_array()) == NULL)
		return DOS_NOMEM;
	/* One read snapshot. */
	if ((err = arc_exec(a, "BEGIN")) != DOS_OK) {
		json_decref(acc.docs);
		return err;
	}
	err = arc_retention_walk(a, who, NULL, as_of, NULL, 0, due_one, &acc,
				 msg, msglen);
	*pout = json_pack("{s:s,s:I,s:o,s:{s:I,s:I,s:I},s:i}", "as_of", as_of,
			  "due", (json_int_t)acc.due, "documents", acc.docs,
			  "kept_off", "legal_hold", (json_int_t)acc.held,
			  "deletion", (json_int_t)acc.deleting, "disposal",
			  (json_int_t)acc.listed, "rules", nrules(a));
	arc_exec(a, "COMMIT");
	if (err == DOS_OK && *pout == NULL)
		err = DOS_NOMEM;
	if (err != DOS_OK) {
		json_decref(*pout);
		*pout = NULL;
	}
	return err;
}

enum dos_err
arc_retention_figures(struct arc *a, const struct arc_user *who,
		      json_t **pout)
{
	struct due_acc now = {0}, next = {0};
	char today[11], lo[32], hi[32], label[32], msg[256];
	int y, m, q;
	enum dos_err err;

	*pout = NULL;
	arc_today(today);
	y = atoi(today);
	m = atoi(today + 5);
	q = (m - 1) / 3 + 1; /* this quarter; the next one: */
	if (++q > 4) {
		q = 1;
		y++;
	}
	snprintf(lo, sizeof(lo), "%04d-%02d-01", y, (q - 1) * 3 + 1);
	snprintf(hi, sizeof(hi), "%04d-%s", y,
		 q == 1 ? "03-31" : q == 2 ? "06-30" : q == 3 ? "09-30"
							      : "12-31");
	snprintf(label, sizeof(label), "%04d-Q%d", y, q);
	if ((err = arc_retention_walk(a, who, NULL, today, NULL, 0, due_one,
				      &now, msg, sizeof(msg))) != DOS_OK ||
	    (err = arc_retention_walk(a, who, lo, hi, NULL, 0, due_one, &next,
				      msg, sizeof(msg))) != DOS_OK)
		return err;
	*pout = json_pack("{s:I,s:I,s:s,s:s,s:s,s:I,s:i}", "due_now",
			  (json_int_t)now.due, "due_next_quarter",
			  (json_int_t)next.due, "next_quarter", label,
			  "next_quarter_from", lo, "next_quarter_to", hi,
			  "kept_off",
			  (json_int_t)(now.held + now.deleting + now.listed),
			  "rules", nrules(a));
	return *pout != NULL ? DOS_OK : DOS_NOMEM;
}
