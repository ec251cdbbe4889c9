/*
 * sql.c: SQL text built from fixed fragments with every value bound as a
 * numbered parameter (struct arc_sql).  The search (query.c) and the
 * access rules (access.c) build their conditions with it, so the same
 * rule text filters a search and answers a single "may I".
 * Exports arc_sql_init, arc_sql_add, arc_sql_text, arc_sql_int,
 * arc_sql_bind, arc_sql_free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void
arc_sql_init(struct arc_sql *q, struct arc *a, char *msg, size_t msglen)
{
	memset(q, 0, sizeof(*q));
	q->a = a;
	q->msg = msg;
	q->msglen = msglen;
	dos_now_iso(q->now);
	dbuf_init(&q->sql, 4096);
}

void
arc_sql_add(struct arc_sql *q, const char *s)
{
	if (q->err == DOS_OK)
		q->err = dbuf_adds(&q->sql, s);
}

static int
slot(struct arc_sql *q)
{
	if (q->err == DOS_OK && q->n == ARC_SQL_MAX_BINDS)
		q->err = DOS_LIMIT;
	return q->err == DOS_OK;
}

static void
placeholder(struct arc_sql *q)
{
	char ph[16];

	snprintf(ph, sizeof(ph), "?%d", ++q->n);
	arc_sql_add(q, ph);
}

void
arc_sql_text(struct arc_sql *q, const char *v, int own)
{
	if (!slot(q)) {
		if (own)
			free((char *)v);
		return;
	}
	q->b[q->n].is_int = 0;
	q->b[q->n].text = v;
	q->b[q->n].own = own ? (char *)v : NULL;
	placeholder(q);
}

void
arc_sql_int(struct arc_sql *q, long long v)
{
	if (!slot(q))
		return;
	q->b[q->n].is_int = 1;
	q->b[q->n].num = v;
	q->b[q->n].text = NULL;
	q->b[q->n].own = NULL;
	placeholder(q);
}

void
arc_sql_bind(const struct arc_sql *q, sqlite3_stmt *st)
{
	int i;

	for (i = 0; i < q->n; i++)
		if (q->b[i].is_int == 2)
			arc_cand_bind(st, i + 1, q->b[i].ptr);
		else if (q->b[i].is_int)
			sqlite3_bind_int64(st, i + 1, q->b[i].num);
		else
			arc_bind_text(st, i + 1, q->b[i].text);
}

void
arc_sql_free(struct arc_sql *q)
{
	int i;

	for (i = 0; i < q->n; i++)
		free(q->b[i].own);
	q->n = 0;
	dbuf_free(&q->sql);
}
