/*
 * checklist.c: completeness checklists.  Each checklist item names, for a
 * customer type (or every type), a document the dossier must hold: a
 * category and optionally a document type, how many, or one dated in each
 * of the last N months (statements); an item may apply only when the
 * dossier holds any document of another category (a loan customer's
 * papers apply once there is a credit file).  arc_missing compares every
 * customer's dossier with the items that apply to it.
 * Exports arc_checklist_list, arc_checklist_add, arc_checklist_remove,
 * arc_missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* A document counts as held unless it waits in review or was purged. */
#define HELD "d.status NOT IN ('review', 'purged')"
/* The item's category and, when it names one, document type. */
#define MATCHES                                                        \
	"d.customer_id = :cid AND d.category = :cat AND (:type IS NULL " \
	"OR lower(d.doc_type) = lower(:type))"

#define MAX_MONTHS 120

enum dos_err
arc_checklist_list(struct arc *a, json_t **pout)
{
	sqlite3_stmt *st = NULL;
	json_t *list;
	enum dos_err err;
	int rc;

	*pout = NULL;
	if ((err = arc_prepare(a, "SELECT id, customer_type, label, category, "
				  "doc_type, min_count, months, applies_if "
				  "FROM checklist_item ORDER BY "
				  "coalesce(customer_type, ''), category, id",
			       &st)) != DOS_OK)
		return err;
	if ((list = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
			list,
			json_pack("{s:I,s:o,s:s,s:s,s:o,s:i,s:o,s:o}", "id",
				  (json_int_t)sqlite3_column_int64(st, 0),
				  "customer_type", arc_col_json_text(st, 1),
				  "label", arc_col_text(st, 2), "category",
				  arc_col_text(st, 3), "doc_type",
				  arc_col_json_text(st, 4), "min_count",
				  sqlite3_column_int(st, 5), "months",
				  arc_col_json_int(st, 6), "applies_if",
				  arc_col_json_text(st, 7)));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(list);
		return DOS_DB;
	}
	*pout = list;
	return DOS_OK;
}

/* Resolves a category code or alias into code; msg on failure. */
static enum dos_err
category_code(struct arc *a, const char *given, char *code, size_t n,
	      char *msg, size_t msglen)
{
	int64_t cid;
	enum dos_err err;

	if ((err = arc_file_resolve(a, given, NULL, code, n, &cid)) != DOS_OK)
		return err;
	if (code[0] == '\0') {
		snprintf(msg, msglen, "unknown category '%s'", given);
		return DOS_INVAL;
	}
	return DOS_OK;
}

enum dos_err
arc_checklist_add(struct arc *a, const struct arc_user *who,
		  const struct arc_checklist_in *c, int64_t *pid, char *msg,
		  size_t msglen)
{
	const char *actor = who->name;
	sqlite3_stmt *st = NULL;
	char cat[32], cond[32], obj[48], detail[512];
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	*pid = 0;
	if (c->label == NULL || *c->label == '\0' || strlen(c->label) > 200) {
		snprintf(msg, msglen, "a checklist item needs a label "
				      "(at most 200 characters)");
		return DOS_INVAL;
	}
	if (c->category == NULL) {
		snprintf(msg, msglen, "a checklist item needs a category");
		return DOS_INVAL;
	}
	if (c->min_count < 1 || c->min_count > 1000 || c->months < 0 ||
	    c->months > MAX_MONTHS) {
		snprintf(msg, msglen, "count must be 1..1000 and months "
				      "0..%d", MAX_MONTHS);
		return DOS_INVAL;
	}
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if (c->customer_type != NULL) {
		int ok;

		if ((err = arc_customer_type_valid(a, c->customer_type,
						   &ok)) != DOS_OK)
			goto fail;
		if (!ok) {
			snprintf(msg, msglen, "unknown customer type '%s'",
				 c->customer_type);
			err = DOS_INVAL;
			goto fail;
		}
	}
	if ((err = category_code(a, c->category, cat, sizeof(cat), msg,
				 msglen)) != DOS_OK)
		goto fail;
	cond[0] = '\0';
	if (c->applies_if != NULL &&
	    (err = category_code(a, c->applies_if, cond, sizeof(cond), msg,
				 msglen)) != DOS_OK)
		goto fail;
	if ((err = arc_prepare(a, "INSERT INTO checklist_item(customer_type, "
				  "label, category, doc_type, min_count, "
				  "months, applies_if) VALUES (?, ?, ?, ?, ?, "
				  "?, ?)", &st)) != DOS_OK)
		goto fail;
	arc_bind_text(st, 1, c->customer_type);
	arc_bind_text(st, 2, c->label);
	arc_bind_text(st, 3, cat);
	arc_bind_text(st, 4, c->doc_type);
	sqlite3_bind_int(st, 5, c->min_count);
	if (c->months > 0)
		sqlite3_bind_int(st, 6, c->months);
	else
		sqlite3_bind_null(st, 6);
	arc_bind_text(st, 7, cond[0] != '\0' ? cond : NULL);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = DOS_DB;
		goto fail;
	}
	*pid = sqlite3_last_insert_rowid(a->db);
	snprintf(obj, sizeof(obj), "checklist %lld", (long long)*pid);
	snprintf(detail, sizeof(detail), "%s: %s %s", c->label, cat,
		 c->doc_type != NULL ? c->doc_type : "(any type)");
	if ((err = arc_audit(a, actor, "checklist-add", obj, detail)) !=
	    DOS_OK)
		goto fail;
	sqlite3_finalize(st);
	return arc_tx_commit(a);
fail:
	sqlite3_finalize(st);
	return arc_tx_fail(a, err, msg, msglen);
}

enum dos_err
arc_checklist_remove(struct arc *a, const struct arc_user *who, int64_t id,
		     char *msg,
		     size_t msglen)
{
	const char *actor = who->name;
	sqlite3_stmt *st = NULL;
	char obj[48];
	enum dos_err err;

	msg[0] = '\0';
	if ((err = arc_may(a, who, ARC_ADMIN, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		return err;
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_prepare(a, "DELETE FROM checklist_item WHERE id = ?",
			       &st)) != DOS_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = DOS_DB;
		goto fail;
	}
	if (sqlite3_changes(a->db) == 0) {
		snprintf(msg, msglen, "no checklist item %lld", (long long)id);
		err = DOS_NOTFOUND;
		goto fail;
	}
	snprintf(obj, sizeof(obj), "checklist %lld", (long long)id);
	if ((err = arc_audit(a, actor, "checklist-remove", obj, "")) != DOS_OK)
		goto fail;
	sqlite3_finalize(st);
	return arc_tx_commit(a);
fail:
	sqlite3_finalize(st);
	return arc_tx_fail(a, err, msg, msglen);
}

/* The statements arc_missing runs for every customer and item. */
struct miss {
	sqlite3_stmt *items; /* items for a customer type */
	sqlite3_stmt *holds; /* does the dossier hold the category at all */
	sqlite3_stmt *count; /* held and in-review documents of an item */
	sqlite3_stmt *months; /* months covered in a date range */
	int as_y, as_m;     /* the month of as_of */
};

/*
 * Prepares "SELECT what FROM document d (and its customer c) WHERE" the
 * documents who may see "AND tail": what a dossier holds is counted only
 * from what its reader may see, so a secret paper does not show as held,
 * nor make items apply, for someone below secret.  tail's values are
 * named (:cid ...); the scope's are numbered and bound here, first.
 */
static enum dos_err
prepare_seen(struct arc *a, const struct arc_user *who, const char *what,
	     const char *tail, sqlite3_stmt **pst)
{
	struct arc_sql q;
	char qmsg[64];
	enum dos_err err;

	*pst = NULL;
	arc_sql_init(&q, a, qmsg, sizeof(qmsg));
	arc_sql_add(&q, "SELECT ");
	arc_sql_add(&q, what);
	arc_sql_add(&q, " FROM document d LEFT JOIN customer c ON c.id = "
			"d.customer_id WHERE 1");
	arc_scope_cond(&q, who, ARC_VIEW);
	arc_sql_add(&q, " AND ");
	arc_sql_add(&q, tail);
	if ((err = q.err) == DOS_OK &&
	    (err = arc_prepare(a, q.sql.data, pst)) == DOS_OK)
		arc_sql_bind(&q, *pst);
	arc_sql_free(&q);
	return err;
}

static void
bind_item(sqlite3_stmt *st, int64_t cid, const char *cat, const char *type)
{
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":cid"), cid);
	arc_bind_text(st, sqlite3_bind_parameter_index(st, ":cat"), cat);
	arc_bind_text(st, sqlite3_bind_parameter_index(st, ":type"), type);
}

/* "YYYY-MM" of the month k months before (as_y, as_m). */
static void
month_back(const struct miss *m, int k, char out[16])
{
	int idx = m->as_y * 12 + (m->as_m - 1) - k;

	snprintf(out, 16, "%04d-%02d", idx / 12 % 10000, idx % 12 + 1);
}

/*
 * Months of the last n (before the month of as_of) without a held
 * document of the item, as a JSON array, or NULL when none is missing.
 */
static enum dos_err
missing_months(struct miss *m, int64_t cid, const char *cat,
	       const char *type, int n, json_t **pout)
{
	char first[24], end[24], mon[16];
	json_t *have, *miss;
	int k, rc;

	*pout = NULL;
	month_back(m, n, mon);
	snprintf(first, sizeof(first), "%s-01", mon);
	month_back(m, 0, mon);
	snprintf(end, sizeof(end), "%s-01", mon);
	if ((have = json_object()) == NULL)
		return DOS_NOMEM;
	sqlite3_reset(m->months);
	bind_item(m->months, cid, cat, type);
	arc_bind_text(m->months,
		      sqlite3_bind_parameter_index(m->months, ":first"), first);
	arc_bind_text(m->months,
		      sqlite3_bind_parameter_index(m->months, ":end"), end);
	while ((rc = sqlite3_step(m->months)) == SQLITE_ROW)
		json_object_set_new(have, arc_col_text(m->months, 0),
				    json_true());
	if (rc != SQLITE_DONE) {
		json_decref(have);
		return DOS_DB;
	}
	if ((miss = json_array()) == NULL) {
		json_decref(have);
		return DOS_NOMEM;
	}
	for (k = n; k >= 1; k--) {
		month_back(m, k, mon);
		if (json_object_get(have, mon) == NULL)
			json_array_append_new(miss, json_string(mon));
	}
	json_decref(have);
	if (json_array_size(miss) == 0) {
		json_decref(miss);
		miss = NULL;
	}
	*pout = miss;
	return DOS_OK;
}

/* Checks one customer; *pgaps gets the missing items (possibly empty). */
static enum dos_err
check_customer(struct miss *m, int64_t cid, const char *ctype,
	       json_t **pgaps, int *prequired)
{
	json_t *gaps, *months = NULL;
	const char *cat, *type, *cond;
	int need, nmonths, have, review, rc;
	enum dos_err err = DOS_OK;

	*prequired = 0;
	if ((gaps = json_array()) == NULL)
		return DOS_NOMEM;
	sqlite3_reset(m->items);
	arc_bind_text(m->items, 1, ctype);
	while (err == DOS_OK && (rc = sqlite3_step(m->items)) == SQLITE_ROW) {
		cat = arc_col_text(m->items, 2);
		type = (const char *)sqlite3_column_text(m->items, 3);
		need = sqlite3_column_int(m->items, 4);
		nmonths = sqlite3_column_int(m->items, 5);
		cond = (const char *)sqlite3_column_text(m->items, 6);
		if (cond != NULL) {
			sqlite3_reset(m->holds);
			bind_item(m->holds, cid, cond, NULL);
			if (sqlite3_step(m->holds) != SQLITE_ROW)
				continue; /* the item does not apply */
		}
		++*prequired;
		sqlite3_reset(m->count);
		bind_item(m->count, cid, cat, type);
		if (sqlite3_step(m->count) != SQLITE_ROW) {
			err = DOS_DB;
			break;
		}
		have = sqlite3_column_int(m->count, 0);
		review = sqlite3_column_int(m->count, 1);
		if (nmonths > 0 &&
		    (err = missing_months(m, cid, cat, type, nmonths,
					  &months)) != DOS_OK)
			break;
		if (have >= need && months == NULL)
			continue;
		json_array_append_new(
			gaps,
			json_pack("{s:I,s:s,s:s,s:o,s:i,s:i,s:i,s:o,s:o}",
				  "item",
				  (json_int_t)sqlite3_column_int64(m->items, 0),
				  "label", arc_col_text(m->items, 1),
				  "category", cat, "doc_type",
				  arc_col_json_text(m->items, 3), "need", need,
				  "have", have, "in_review", review, "months",
				  months != NULL ? months : json_null(),
				  "applies_if",
				  arc_col_json_text(m->items, 6)));
		months = NULL;
	}
	if (err == DOS_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = DOS_DB;
	if (err != DOS_OK) {
		json_decref(gaps);
		return err;
	}
	*pgaps = gaps;
	return DOS_OK;
}

/* Parses YYYY-MM-DD (or today when NULL) into m's month. */
static int
set_as_of(struct miss *m, const char *as_of, char out[32])
{
	int y, mo, d;
	char tail;

	if (as_of == NULL) {
		time_t t = time(NULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		snprintf(out, 32, "%04d-%02d-%02d", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday);
		as_of = out;
	}
	if (sscanf(as_of, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3 ||
	    y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	m->as_y = y;
	m->as_m = mo;
	snprintf(out, 32, "%04d-%02d-%02d", y, mo, d);
	return 0;
}

enum dos_err
arc_missing(struct arc *a, const struct arc_user *who, const char *key,
	    const char *as_of, json_t **pout)
{
	struct miss m;
	struct arc_sql q;
	char qmsg[64];
	sqlite3_stmt *cst = NULL;
	json_t *res = NULL, *list = NULL, *gaps = NULL;
	char day[32];
	int rc, required, checked = 0, complete = 0;
	enum dos_err err;

	*pout = NULL;
	/* One dossier: whoever may read it; all of them: a report. */
	if (key != NULL) {
		int64_t cid;

		if ((err = arc_customer_id(a, key, &cid)) != DOS_OK ||
		    (err = arc_may(a, who, ARC_VIEW, ARC_OBJ_CUSTOMER, cid,
				   NULL, 0)) != DOS_OK)
			return err;
	} else if ((err = arc_may(a, who, ARC_REPORT, ARC_OBJ_NONE, 0, NULL,
				  0)) != DOS_OK)
		return err;
	memset(&m, 0, sizeof(m));
	if (set_as_of(&m, as_of, day) != 0)
		return DOS_INVAL;
	/* The customers within reach: a report of the whole archive lists
	 * only those whose dossier the reader may see. */
	arc_sql_init(&q, a, qmsg, sizeof(qmsg));
	arc_sql_add(&q, "SELECT c.id, c.number, c.name, c.type, c.unit, "
			"c.manager FROM customer c WHERE 1");
	if (key != NULL) {
		arc_sql_add(&q, " AND (c.number = ");
		arc_sql_text(&q, key, 0);
		arc_sql_add(&q, " OR c.id = (SELECT customer_id FROM account "
				"WHERE number = ");
		arc_sql_text(&q, key, 0);
		arc_sql_add(&q, "))");
	} else
		arc_customer_scope_cond(&q, who, ARC_VIEW);
	arc_sql_add(&q, " ORDER BY c.number");
	if ((err = q.err) != DOS_OK ||
	    (err = arc_prepare(a, q.sql.data, &cst)) != DOS_OK)
		goto out;
	arc_sql_bind(&q, cst);
	if ((err = arc_prepare(a, "SELECT id, label, category, doc_type, "
				  "min_count, coalesce(months, 0), applies_if "
				  "FROM checklist_item WHERE customer_type IS "
				  "NULL OR customer_type = ? ORDER BY "
				  "category, id", &m.items)) != DOS_OK ||
	    (err = prepare_seen(a, who, "1", "d.customer_id = :cid AND "
			       "d.category = :cat AND " HELD " LIMIT 1",
			       &m.holds)) != DOS_OK ||
	    (err = prepare_seen(a, who, "count(*) FILTER (WHERE " HELD "), "
			       "count(*) FILTER (WHERE d.status = 'review')",
			       MATCHES, &m.count)) != DOS_OK ||
	    (err = prepare_seen(a, who, "DISTINCT substr(d.doc_date, 1, 7)",
			       MATCHES " AND " HELD " AND d.doc_date >= "
			       ":first AND d.doc_date < :end",
			       &m.months)) != DOS_OK)
		goto out;
	if ((res = json_object()) == NULL || (list = json_array()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	while ((rc = sqlite3_step(cst)) == SQLITE_ROW) {
		if ((err = check_customer(&m, sqlite3_column_int64(cst, 0),
					  arc_col_text(cst, 3), &gaps,
					  &required)) != DOS_OK)
			goto out;
		checked++;
		if (json_array_size(gaps) == 0)
			complete++;
		if (json_array_size(gaps) == 0 && key == NULL) {
			json_decref(gaps);
			continue;
		}
		json_array_append_new(
			list,
			json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:i,s:b,s:o}", "id",
				  (json_int_t)sqlite3_column_int64(cst, 0),
				  "number", arc_col_text(cst, 1), "name",
				  arc_col_text(cst, 2), "type",
				  arc_col_text(cst, 3), "unit",
				  arc_col_json_text(cst, 4), "manager",
				  arc_col_json_text(cst, 5), "required",
				  required, "complete",
				  json_array_size(gaps) == 0, "missing", gaps));
	}
	if (rc != SQLITE_DONE) {
		err = DOS_DB;
		goto out;
	}
	if (key != NULL && checked == 0) {
		err = DOS_NOTFOUND;
		goto out;
	}
	/* What a dossier holds and lacks is a read of it. */
	if (key != NULL) {
		char obj[48];

		snprintf(obj, sizeof(obj), "customer %lld",
			 (long long)json_integer_value(json_object_get(
				 json_array_get(list, 0), "id")));
		err = arc_audit_read(a, who->name, "view", obj, "completeness");
	} else
		err = arc_audit_read(a, who->name, "report", "-",
				     "completeness of every dossier");
	if (err != DOS_OK)
		goto out;
	json_object_set_new(res, "as_of", json_string(day));
	json_object_set_new(res, "checked", json_integer(checked));
	json_object_set_new(res, "complete", json_integer(complete));
	json_object_set_new(res, "customers", list);
	list = NULL;
	*pout = res;
	res = NULL;
out:
	json_decref(res);
	json_decref(list);
	arc_sql_free(&q);
	sqlite3_finalize(cst);
	sqlite3_finalize(m.items);
	sqlite3_finalize(m.holds);
	sqlite3_finalize(m.count);
	sqlite3_finalize(m.months);
	return err;
}
