/*
 * search.c: the query language (first slice): free words, "quoted
 * phrases", prefix words (word*), and the fields account: and category:.
 * Words are combined with AND.  Every word reaches FTS5 as a quoted
 * string inside a bound MATCH parameter, so no input can change the
 * expression's structure.  Exports srch_parse, srch_query_free,
 * srch_query_match, srch_run.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier/search.h"

struct srch_query {
	struct dbuf match; /* FTS5 expression */
	char *account;
	char *category;
};

void
srch_query_free(struct srch_query *q)
{
	if (q == NULL)
		return;
	dbuf_free(&q->match);
	free(q->account);
	free(q->category);
	free(q);
}

const char *
srch_query_match(const struct srch_query *q)
{
	return q->match.len > 0 ? q->match.data : NULL;
}

/* Appends one FTS5 string token, quoting it ("" escapes "). */
static enum dos_err
add_fts_string(struct dbuf *b, const char *s, size_t n, int prefix)
{
	enum dos_err err = DOS_OK;
	size_t i;

	if (b->len > 0)
		err = dbuf_adds(b, " AND ");
	if (err == DOS_OK)
		err = dbuf_adds(b, "\"");
	for (i = 0; err == DOS_OK && i < n; i++)
		err = s[i] == '"' ? dbuf_adds(b, "\"\"") : dbuf_add(b, &s[i], 1);
	if (err == DOS_OK)
		err = dbuf_adds(b, prefix ? "\"*" : "\"");
	return err;
}

/* True if s[0..n) holds a letter or digit FTS5 would index. */
static int
has_token_char(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

static enum dos_err
fail(char **pmsg, const char *fmt, const char *arg, size_t pos)
{
	char buf[512];

	snprintf(buf, sizeof(buf), fmt, arg, pos + 1);
	*pmsg = strdup(buf);
	return DOS_INVAL;
}

static enum dos_err
set_field(char **slot, const char *v, size_t n, const char *name, size_t pos,
	  char **pmsg)
{
	if (n == 0)
		return fail(pmsg, "field '%s:' needs a value (at character %zu)",
			    name, pos);
	if (*slot != NULL)
		return fail(pmsg, "field '%s:' is given twice (at character %zu)",
			    name, pos);
	if ((*slot = strndup(v, n)) == NULL)
		return DOS_NOMEM;
	return DOS_OK;
}

enum dos_err
srch_parse(const char *s, struct srch_query **pq, char **pmsg)
{
	struct srch_query *q;
	const char *p = s, *start, *colon;
	size_t n, pos;
	enum dos_err err = DOS_OK;

	*pq = NULL;
	*pmsg = NULL;
	if (strlen(s) > SRCH_MAX_QUERY) {
		*pmsg = strdup("query is too long");
		return DOS_INVAL;
	}
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return DOS_NOMEM;
	dbuf_init(&q->match, 4 * SRCH_MAX_QUERY + 64);
	while (err == DOS_OK && *p != '\0') {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		pos = (size_t)(p - s);
		if (*p == '"') {
			start = ++p;
			while (*p != '\0' && *p != '"')
				p++;
			if (*p != '"') {
				err = fail(pmsg, "%sunclosed quote starting at "
						 "character %zu", "", pos);
				break;
			}
			n = (size_t)(p - start);
			p++;
			if (has_token_char(start, n))
				err = add_fts_string(&q->match, start, n, 0);
			continue;
		}
		start = p;
		while (*p != '\0' && !isspace((unsigned char)*p) && *p != '"')
			p++;
		n = (size_t)(p - start);
		colon = memchr(start, ':', n);
		if (colon != NULL && colon > start) {
			size_t fl = (size_t)(colon - start);
			const char *v = colon + 1;
			size_t vn = n - fl - 1;
			char field[32];

			snprintf(field, sizeof(field), "%.*s",
				 (int)(fl < 31 ? fl : 31), start);
			if (strcmp(field, "account") == 0)
				err = set_field(&q->account, v, vn, field, pos,
						pmsg);
			else if (strcmp(field, "category") == 0)
				err = set_field(&q->category, v, vn, field,
						pos, pmsg);
			else
				err = fail(pmsg,
					   "unknown field '%s:' at character "
					   "%zu (known: account:, category:)",
					   field, pos);
			continue;
		}
		if (n > 1 && start[n - 1] == '*') {
			if (has_token_char(start, n - 1))
				err = add_fts_string(&q->match, start, n - 1, 1);
			continue;
		}
		if (has_token_char(start, n))
			err = add_fts_string(&q->match, start, n, 0);
	}
	if (err == DOS_LIMIT) {
		free(*pmsg);
		*pmsg = strdup("query is too long");
		err = DOS_INVAL;
	}
	if (err != DOS_OK) {
		srch_query_free(q);
		return err;
	}
	*pq = q;
	return DOS_OK;
}

enum dos_err
srch_run(struct arc *a, const char *actor, const char *s, int limit,
	 int offset, json_t **pout, char **pmsg)
{
	struct srch_query *q = NULL;
	struct arc_query aq;
	enum dos_err err;

	*pout = NULL;
	*pmsg = NULL;
	if ((err = srch_parse(s, &q, pmsg)) != DOS_OK)
		return err;
	memset(&aq, 0, sizeof(aq));
	aq.match = srch_query_match(q);
	aq.account = q->account;
	aq.category = q->category;
	aq.limit = limit <= 0 ? 20 : limit > SRCH_MAX_LIMIT ? SRCH_MAX_LIMIT
							    : limit;
	aq.offset = offset < 0 ? 0 : offset;
	err = arc_search(a, &aq, pout);
	if (err == DOS_INVAL)
		*pmsg = strdup("the query could not be understood");
	if (err == DOS_OK)
		arc_audit(a, actor, "search", "", s);
	srch_query_free(q);
	return err;
}
