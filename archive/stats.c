/*
 * stats.c: statistics for the records room: documents and pages filed by
 * category, unit, clerk and month, scanning throughput per day (and per
 * clerk and day), and the review backlog, over an optional period of
 * filing dates.  Purged documents are not counted.  The grouping keys are
 * fixed SQL fragments chosen here; the period is bound.
 * Exports arc_stats.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Documents joined with what the groupings need. */
#define FROM                                                            \
	" FROM document d LEFT JOIN batch b ON b.id = d.batch_id"       \
	" LEFT JOIN customer c ON c.id = d.customer_id"                 \
	" WHERE d.status <> 'purged' AND (:from IS NULL OR d.added >= " \
	":from) AND (:to IS NULL OR substr(d.added, 1, 10) <= :to)"

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

static void
bind_period(sqlite3_stmt *st, const char *from, const char *to)
{
	arc_bind_text(st, sqlite3_bind_parameter_index(st, ":from"), from);
	arc_bind_text(st, sqlite3_bind_parameter_index(st, ":to"), to);
}

static enum dos_err
group(struct arc *a, const struct grouping *g, const char *from,
      const char *to, json_t *res)
{
	sqlite3_stmt *st = NULL;
	json_t *rows, *row;
	char sql[1024];
	enum dos_err err;
	int rc, n;

	n = snprintf(sql, sizeof(sql),
		     "SELECT %s, %s, count(*), coalesce(sum(d.npages), 0)"
		     FROM " GROUP BY %s ORDER BY %s",
		     g->key, g->key2 != NULL ? g->key2 : "NULL",
		     g->key2 != NULL ? "1, 2" : "1", g->order);
	if (n < 0 || (size_t)n >= sizeof(sql))
		return DOS_INVAL;
	if ((err = arc_prepare(a, sql, &st)) != DOS_OK)
		return err;
	bind_period(st, from, to);
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
totals(struct arc *a, const char *from, const char *to, json_t *res)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = arc_prepare(a, "SELECT count(*), coalesce(sum(d.npages), "
				  "0), count(DISTINCT d.customer_id), "
				  "count(DISTINCT substr(d.added, 1, 10)), "
				  "(SELECT count(*) FROM document WHERE "
				  "status = 'review'), (SELECT min(added) FROM "
				  "document WHERE status = 'review')" FROM,
			       &st)) != DOS_OK)
		return err;
	bind_period(st, from, to);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
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
			  (json_int_t)sqlite3_column_int64(st, 4),
			  "oldest_in_review", arc_col_json_text(st, 5)));
	sqlite3_finalize(st);
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
	err = totals(a, from, to, res);
	for (i = 0; err == DOS_OK && i < sizeof(groupings) /
						sizeof(groupings[0]); i++)
		err = group(a, &groupings[i], from, to, res);
	arc_exec(a, "COMMIT");
	if (err != DOS_OK) {
		json_decref(res);
		return err;
	}
	*pout = res;
	return DOS_OK;
}
