/*
 * stats.c: statistics for the records room: documents and pages filed by
 * category, unit, clerk and month, scanning throughput per day (and per
 * clerk and day), and the review backlog, over an optional period of
 * filing dates.  Purged documents are not counted, nor those outside the
 * reader's reach (a unit manager counts their unit).  The grouping keys
 * are fixed SQL fragments chosen here; the period is bound.
 * Exports arc_stats.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* " FROM ... WHERE ...": the documents counted, those of the period
 * within the reader's reach; every value bound. */
static void
from_where(struct arc_sql *q, const struct arc_user *who, const char *from,
	   const char *to)
{
	arc_sql_add(q, " FROM document d LEFT JOIN batch b ON b.id ="
		       " d.batch_id LEFT JOIN customer c ON c.id ="
		       " d.customer_id WHERE d.status <> 'purged'");
	if (from != NULL) {
		arc_sql_add(q, " AND d.added >= ");
		arc_sql_text(q, from, 0);
	}
	if (to != NULL) {
		arc_sql_add(q, " AND substr(d.added, 1, 10) <= ");
		arc_sql_text(q, to, 0);
	}
	arc_scope_cond(q, who, ARC_REPORT);
}

/* Prepares q into *pst (q is freed either way). */
static enum dos_err
prepare(struct arc_sql *q, sqlite3_stmt **pst)
{
	enum dos_err err = q->err;

	*pst = NULL;
	if (err == DOS_OK && (err = arc_prepare(q->a, q->sql.data, pst)) ==
				     DOS_OK)
		arc_sql_bind(q, *pst);
	arc_sql_free(q);
	return err;
}

struct grouping {
	const char *name; /* key in the result */
	const char *key;  /* SQL expression */
	const char *key2; /* second key (per clerk and day), or NULL */
	const char *order;
};

static const struct grouping groupings[] = {
	{"by_category", "coalesce(d.category, '(none)')", NULL, "1"},
	{"by_unit", "coalesce(c.unit, '(no customer)')", NULL, "1"},
	{"by_clerk", "coalesce(b.user, '(unknown)')", NULL, "1"},
	{"by_month", "substr(d.added, 1, 7)", NULL, "1"},
	{"per_day", "substr(d.added, 1, 10)", NULL, "1"},
	{"per_clerk_day", "substr(d.added, 1, 10)",
	 "coalesce(b.user, '(unknown)')", "1, 2"},
};

static enum dos_err
group(struct arc *a, const struct arc_user *who, const struct grouping *g,
      const char *from, const char *to, json_t *res)
{
	sqlite3_stmt *st = NULL;
	struct arc_sql q;
	json_t *rows, *row;
	char msg[64];
	enum dos_err err;
	int rc;

	arc_sql_init(&q, a, msg, sizeof(msg));
	arc_sql_add(&q, "SELECT ");
	arc_sql_add(&q, g->key);
	arc_sql_add(&q, ", ");
	arc_sql_add(&q, g->key2 != NULL ? g->key2 : "NULL");
	arc_sql_add(&q, ", count(*), coalesce(sum(d.npages), 0)");
	from_where(&q, who, from, to);
	arc_sql_add(&q, " GROUP BY ");
	arc_sql_add(&q, g->key2 != NULL ? "1, 2" : "1");
	arc_sql_add(&q, " ORDER BY ");
	arc_sql_add(&q, g->order);
	if ((err = prepare(&q, &st)) != DOS_OK)
		return err;
	if ((rows = json_array()) == NULL) {
		sqlite3_finalize(st);
		return DOS_NOMEM;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row = json_pack("{s:s,s:I,s:I}", "key", arc_col_text(st, 0),
				"documents",
				(json_int_t)sqlite3_column_int64(st, 2),
				"pages",
				(json_int_t)sqlite3_column_int64(st, 3));
		if (g->key2 != NULL)
			json_object_set_new(row, "clerk",
					    json_string(arc_col_text(st, 1)));
		json_array_append_new(rows, row);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(rows);
		return DOS_DB;
	}
	json_object_set_new(res, g->name, rows);
	return DOS_OK;
}

/* Totals over the period, and the review backlog now. */
static enum dos_err
totals(struct arc *a, const struct arc_user *who, const char *from,
       const char *to, json_t *res)
{
	sqlite3_stmt *st = NULL, *bst = NULL;
	struct arc_sql q;
	char msg[64];
	enum dos_err err;

	arc_sql_init(&q, a, msg, sizeof(msg));
	arc_sql_add(&q, "SELECT count(*), coalesce(sum(d.npages), 0), "
			"count(DISTINCT d.customer_id), "
			"count(DISTINCT substr(d.added, 1, 10))");
	from_where(&q, who, from, to);
	if ((err = prepare(&q, &st)) != DOS_OK)
		return err;
	arc_sql_init(&q, a, msg, sizeof(msg));
	arc_sql_add(&q, "SELECT count(*), min(d.added) FROM document d LEFT "
			"JOIN customer c ON c.id = d.customer_id WHERE "
			"d.status = 'review'");
	arc_scope_cond(&q, who, ARC_REPORT);
	if ((err = prepare(&q, &bst)) != DOS_OK) {
		sqlite3_finalize(st);
		return err;
	}
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_step(bst) != SQLITE_ROW) {
		sqlite3_finalize(st);
		sqlite3_finalize(bst);
		return DOS_DB;
	}
	json_object_set_new(
		res, "totals",
		json_pack("{s:I,s:I,s:I,s:I,s:f,s:I,s:o}", "documents",
			  (json_int_t)sqlite3_column_int64(st, 0), "pages",
			  (json_int_t)sqlite3_column_int64(st, 1), "customers",
			  (json_int_t)sqlite3_column_int64(st, 2),
			  "scanning_days",
			  (json_int_t)sqlite3_column_int64(st, 3),
			  "pages_per_scanning_day",
			  sqlite3_column_int64(st, 3) > 0
				  ? (double)sqlite3_column_int64(st, 1) /
					    (double)sqlite3_column_int64(st, 3)
				  : 0.0,
			  "review_backlog",
			  (json_int_t)sqlite3_column_int64(bst, 0),
			  "oldest_in_review", arc_col_json_text(bst, 1)));
	sqlite3_finalize(st);
	sqlite3_finalize(bst);
	return DOS_OK;
}

/* YYYY-MM-DD */
static int
is_day(const char *s)
{
	int y, m, d;
	char tail;

	return strlen(s) == 10 &&
	       sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 &&
	       m <= 12 && d >= 1 && d <= 31;
}

enum dos_err
arc_stats(struct arc *a, const struct arc_user *who, const char *from,
	  const char *to, json_t **pout)
{
	json_t *res;
	size_t i;
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_may(a, who, ARC_REPORT, ARC_OBJ_NONE, 0, NULL, 0)) !=
	    DOS_OK)
		return err;
	if ((from != NULL && !is_day(from)) || (to != NULL && !is_day(to)))
		return DOS_INVAL;
	if ((res = json_object()) == NULL)
		return DOS_NOMEM;
	json_object_set_new(res, "from", from ? json_string(from) : json_null());
	json_object_set_new(res, "to", to ? json_string(to) : json_null());
	/* One read snapshot: every figure counts the same documents. */
	if ((err = arc_exec(a, "BEGIN")) != DOS_OK) {
		json_decref(res);
		return err;
	}
	err = totals(a, who, from, to, res);
	for (i = 0; err == DOS_OK && i < sizeof(groupings) /
						sizeof(groupings[0]); i++)
		err = group(a, who, &groupings[i], from, to, res);
	if (err == DOS_OK) {
		json_t *ret = NULL;

		/* Retention: due now and in the next quarter. */
		if ((err = arc_retention_figures(a, who, &ret)) == DOS_OK)
			json_object_set_new(res, "retention", ret);
	}
	arc_exec(a, "COMMIT");
	if (err != DOS_OK) {
		json_decref(res);
		return err;
	}
	*pout = res;
	return DOS_OK;
}
