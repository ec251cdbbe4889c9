/*
 * cand.c: a search's candidates as a table, for SQLite.  The search
 * (query.c) walks the index once for the documents its words are in and
 * keeps each with its score in memory (struct arc_cand); the statements
 * that then list, count and facet the hits read them as
 *
 *     SELECT ... FROM dossier_cand(?N) m JOIN document d ON d.id = m.id
 *
 * with ?N bound to the list by arc_sql (sqlite3_bind_pointer, type
 * "dossier_cand"), instead of walking the index again for each.  An
 * eponymous table-valued function: columns id and score, and the hidden
 * argument that must be given.  SQLite-specific (a PostgreSQL backend
 * would send the ids as an array parameter).
 * Exports arc_cand_register, arc_cand_add, arc_cand_free, arc_sql_cand,
 * arc_cand_bind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CAND_PTR "dossier_cand"

enum { COL_ID, COL_SCORE, COL_LIST };

struct cand_vtab {
	sqlite3_vtab base;
};

struct cand_cur {
	sqlite3_vtab_cursor base;
	const struct arc_cand *list;
	size_t i;
};

enum dos_err
arc_cand_add(struct arc_cand *c, int64_t id, double score)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		struct arc_cand_row *v = realloc(c->v, cap * sizeof(*v));

		if (v == NULL)
			return DOS_NOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n].id = id;
	c->v[c->n].score = score;
	c->n++;
	return DOS_OK;
}

void
arc_cand_free(struct arc_cand *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static int
cand_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
	     sqlite3_vtab **pvt, char **perr)
{
	struct cand_vtab *vt;
	int rc;

	(void)aux;
	(void)argc;
	(void)argv;
	(void)perr;
	rc = sqlite3_declare_vtab(db, "CREATE TABLE x(id INTEGER, score REAL,"
				      " list HIDDEN)");
	if (rc != SQLITE_OK)
		return rc;
	if ((vt = sqlite3_malloc(sizeof(*vt))) == NULL)
		return SQLITE_NOMEM;
	memset(vt, 0, sizeof(*vt));
	sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
	*pvt = &vt->base;
	return SQLITE_OK;
}

static int
cand_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

static int
cand_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **pcur)
{
	struct cand_cur *c;

	(void)vt;
	if ((c = sqlite3_malloc(sizeof(*c))) == NULL)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof(*c));
	*pcur = &c->base;
	return SQLITE_OK;
}

static int
cand_close(sqlite3_vtab_cursor *cur)
{
	sqlite3_free(cur);
	return SQLITE_OK;
}

static int
cand_filter(sqlite3_vtab_cursor *cur, int idxnum, const char *idxstr,
	    int argc, sqlite3_value **argv)
{
	struct cand_cur *c = (struct cand_cur *)cur;

	(void)idxnum;
	(void)idxstr;
	c->list = argc == 1 ? sqlite3_value_pointer(argv[0], CAND_PTR) : NULL;
	c->i = 0;
	return SQLITE_OK;
}

static int
cand_next(sqlite3_vtab_cursor *cur)
{
	((struct cand_cur *)cur)->i++;
	return SQLITE_OK;
}

static int
cand_eof(sqlite3_vtab_cursor *cur)
{
	const struct cand_cur *c = (const struct cand_cur *)cur;

	return c->list == NULL || c->i >= c->list->n;
}

static int
cand_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	const struct cand_cur *c = (const struct cand_cur *)cur;
	const struct arc_cand_row *r = &c->list->v[c->i];

	if (col == COL_ID)
		sqlite3_result_int64(ctx, r->id);
	else if (col == COL_SCORE)
		sqlite3_result_double(ctx, r->score);
	else
		sqlite3_result_null(ctx);
	return SQLITE_OK;
}

static int
cand_rowid(sqlite3_vtab_cursor *cur, sqlite_int64 *prowid)
{
	const struct cand_cur *c = (const struct cand_cur *)cur;

	*prowid = c->list->v[c->i].id;
	return SQLITE_OK;
}

/* The list must be given (list = ?); without it the plan is refused. */
static int
cand_best_index(sqlite3_vtab *vt, sqlite3_index_info *ii)
{
	int i;

	(void)vt;
	for (i = 0; i < ii->nConstraint; i++) {
		const struct sqlite3_index_constraint *k = &ii->aConstraint[i];

		if (k->iColumn == COL_LIST &&
		    k->op == SQLITE_INDEX_CONSTRAINT_EQ) {
			if (!k->usable)
				return SQLITE_CONSTRAINT;
			ii->aConstraintUsage[i].argvIndex = 1;
			ii->aConstraintUsage[i].omit = 1;
			ii->estimatedCost = 2000;
			ii->estimatedRows = 2000;
			return SQLITE_OK;
		}
	}
	return SQLITE_CONSTRAINT;
}

static const sqlite3_module cand_module = {
	.iVersion = 0,
	.xConnect = cand_connect,
	.xBestIndex = cand_best_index,
	.xDisconnect = cand_disconnect,
	.xOpen = cand_open,
	.xClose = cand_close,
	.xFilter = cand_filter,
	.xNext = cand_next,
	.xEof = cand_eof,
	.xColumn = cand_column,
	.xRowid = cand_rowid,
};

enum dos_err
arc_cand_register(sqlite3 *db)
{
	if (sqlite3_create_module(db, "dossier_cand", &cand_module, NULL) !=
	    SQLITE_OK) {
		dos_errx("%s: %s", __func__, sqlite3_errmsg(db));
		return DOS_DB;
	}
	return DOS_OK;
}

void
arc_sql_cand(struct arc_sql *q, const struct arc_cand *c)
{
	if (q->err == DOS_OK && q->n == ARC_SQL_MAX_BINDS)
		q->err = DOS_LIMIT;
	if (q->err != DOS_OK)
		return;
	q->b[q->n].is_int = 2;
	q->b[q->n].ptr = c;
	q->b[q->n].text = NULL;
	q->b[q->n].own = NULL;
	{
		char ph[16];

		snprintf(ph, sizeof(ph), "?%d", ++q->n);
		arc_sql_add(q, ph);
	}
}

void
arc_cand_bind(sqlite3_stmt *st, int i, const struct arc_cand *c)
{
	sqlite3_bind_pointer(st, i, (void *)c, CAND_PTR, NULL);
}
