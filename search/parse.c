/*
 * parse.c: the query language's parser.  A lexer cuts the query into
 * tokens (words, "phrases", field:value, parentheses, OR, AND, NOT, -),
 * then a recursive-descent parser builds the condition tree the archive
 * runs:
 *
 *   query  = or
 *   or     = and { "OR" and }
 *   and    = unary { ["AND"] unary }
 *   unary  = ("NOT" | "-") unary | primary
 *   primary = "(" or ")" | term
 *
 * Every error names what is wrong and the character where it is.  The
 * parser builds no SQL: values travel in the tree to archive/, which
 * binds them.  Exports srch_parse, srch_query_free, srch_query_root,
 * srch_describe.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier/search.h"

enum tok_kind { T_END, T_LPAREN, T_RPAREN, T_OR, T_AND, T_NOT, T_TERM };

struct tok {
	enum tok_kind kind;
	size_t pos;        /* 0-based offset in the query */
	enum arc_field field;
	int is_field;      /* written as field:value */
	char *value;
	int phrase, prefix, fuzzy;
	int is_range;
	char lo[16], hi[16]; /* range bounds, "" when open */
};

struct srch_query {
	struct arc_node *root;
};

struct parser {
	const char *s;
	struct tok *toks;
	size_t ntoks, cap, at;
	int depth, terms;
	char *msg;
};

static const struct {
	const char *name;
	enum arc_field field;
} fields[] = {
	{"title", ARC_F_TITLE},	      {"keywords", ARC_F_KEYWORDS},
	{"signatory", ARC_F_SIGNATORY}, {"account", ARC_F_ACCOUNT},
	{"customer", ARC_F_CUSTOMER},   {"category", ARC_F_CATEGORY},
	{"type", ARC_F_TYPE},	      {"number", ARC_F_NUMBER},
	{"unit", ARC_F_UNIT},	      {"manager", ARC_F_MANAGER},
	{"status", ARC_F_STATUS},	      {"batch", ARC_F_BATCH},
	{"barcode", ARC_F_BARCODE},     {"lang", ARC_F_LANG},
	{"date", ARC_F_DATE},	      {"added", ARC_F_ADDED},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static const char *const statuses[] = {"archived", "review", "on hold",
				       "deletion requested", "purged"};

static const char *
field_name(enum arc_field f)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (fields[i].field == f)
			return fields[i].name;
	return "text";
}

/*
 * Records the first error; always returns DOS_INVAL.  A long value in the
 * message is cut (at a character boundary) so the position always shows.
 */
static enum dos_err
fail(struct parser *ps, size_t pos, const char *fmt, ...)
{
	char buf[480];
	va_list ap;
	size_t n;

	if (ps->msg != NULL)
		return DOS_INVAL;
	va_start(ap, fmt);
	vsnprintf(buf, 400, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	if (n == 399) {
		/* cut: step back off a partial UTF-8 character, mark it */
		while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0 && (unsigned char)buf[n - 1] >= 0xC0)
			n--;
		n = (size_t)snprintf(buf + n, sizeof(buf) - n, "...") + n;
	}
	snprintf(buf + n, sizeof(buf) - n, " (at character %zu)", pos + 1);
	ps->msg = strdup(buf);
	return DOS_INVAL;
}

/* True if s[0..n) holds a letter or digit the index keeps. */
static int
has_token_char(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

static int
is_sep(char c)
{
	return c == '\0' || isspace((unsigned char)c) || c == '(' || c == ')' ||
	       c == '"';
}

static enum dos_err
push(struct parser *ps, const struct tok *t)
{
	struct tok *n;

	if (ps->ntoks == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 16;

		if ((n = realloc(ps->toks, cap * sizeof(*n))) == NULL)
			return DOS_NOMEM;
		ps->toks = n;
		ps->cap = cap;
	}
	ps->toks[ps->ntoks++] = *t;
	return DOS_OK;
}

/* Reads "..." at *pp (on the opening quote) into a new string. */
static enum dos_err
quoted(struct parser *ps, const char **pp, char **pout)
{
	const char *start = *pp + 1, *end = strchr(start, '"');

	if (end == NULL)
		return fail(ps, (size_t)(*pp - ps->s),
			    "the quote is not closed");
	if ((*pout = strndup(start, (size_t)(end - start))) == NULL)
		return DOS_NOMEM;
	*pp = end + 1;
	return DOS_OK;
}

/* Days in a month, for date checks. */
static int
mdays(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/*
 * A date written as YYYY, YYYY-MM or YYYY-MM-DD: the first day it covers
 * and the first day after it.  0 on success.
 */
static int
day_span(const char *s, size_t n, char lo[16], char hi[16])
{
	int y = 0, m = 1, d = 1, ey, em, ed;
	char buf[16], tail;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (n == 4 && sscanf(buf, "%4d%c", &y, &tail) == 1) {
		ey = y + 1, em = 1, ed = 1;
	} else if (n == 7 && sscanf(buf, "%4d-%2d%c", &y, &m, &tail) == 2) {
		if (m < 1 || m > 12)
			return -1;
		ey = m == 12 ? y + 1 : y, em = m == 12 ? 1 : m + 1, ed = 1;
	} else if (n == 10 &&
		   sscanf(buf, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3) {
		if (m < 1 || m > 12 || d < 1 || d > mdays(y, m))
			return -1;
		ey = y, em = m, ed = d + 1;
		if (ed > mdays(y, m)) {
			ed = 1;
			if (++em > 12)
				em = 1, ey++;
		}
	} else
		return -1;
	if (y < 1000 || y > 9998 || !isdigit((unsigned char)buf[0]))
		return -1;
	snprintf(lo, 16, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	snprintf(hi, 16, "%04d-%02d-%02d", ey % 10000, em % 100, ed % 100);
	return 0;
}

/* date:/added: values: A, A..B, A.., ..B, >=A, >A, <=A, <A. */
static enum dos_err
range(struct parser *ps, struct tok *t, const char *v)
{
	char alo[16], ahi[16], blo[16], bhi[16];
	const char *dots = strstr(v, "..");
	size_t n = strlen(v);
	int bad = 0;

	if (dots != NULL) {
		const char *b = dots + 2;
		size_t an = (size_t)(dots - v), bn = strlen(b);

		if ((an == 0 && bn == 0) ||
		    (an > 0 && day_span(v, an, alo, ahi) != 0) ||
		    (bn > 0 && day_span(b, bn, blo, bhi) != 0))
			bad = 1;
		else {
			if (an > 0 && bn > 0 && strcmp(alo, bhi) >= 0)
				return fail(ps, t->pos, "%s:%s ends before it "
					    "starts", field_name(t->field), v);
			snprintf(t->lo, sizeof(t->lo), "%s", an > 0 ? alo : "");
			snprintf(t->hi, sizeof(t->hi), "%s", bn > 0 ? bhi : "");
		}
	} else if (v[0] == '>' || v[0] == '<') {
		int ge = v[0] == '>', eq = v[1] == '=';
		const char *d = v + 1 + eq;

		if (day_span(d, strlen(d), alo, ahi) != 0)
			bad = 1;
		else if (ge)
			snprintf(t->lo, sizeof(t->lo), "%s", eq ? alo : ahi);
		else
			snprintf(t->hi, sizeof(t->hi), "%s", eq ? ahi : alo);
	} else if (day_span(v, n, alo, ahi) != 0)
		bad = 1;
	else {
		snprintf(t->lo, sizeof(t->lo), "%s", alo);
		snprintf(t->hi, sizeof(t->hi), "%s", ahi);
	}
	if (bad)
		return fail(ps, t->pos, "%s:%s is not a date; write 2024, "
			    "2024-03, 2024-03-31, 2024-01-01..2024-06-30 or "
			    ">=2024-03-01", field_name(t->field), v);
	t->is_range = 1;
	return DOS_OK;
}

/* Checks and normalises a field's value (t->value set, owned). */
static enum dos_err
field_value(struct parser *ps, struct tok *t)
{
	char *v = t->value, *end;
	size_t i;

	if (*v == '\0')
		return fail(ps, t->pos, "%s: needs a value",
			    field_name(t->field));
	switch (t->field) {
	case ARC_F_DATE:
	case ARC_F_ADDED:
		return range(ps, t, v);
	case ARC_F_STATUS:
		for (i = 0; v[i] != '\0'; i++)
			v[i] = v[i] == '_' ? ' ' : (char)tolower((unsigned char)v[i]);
		for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
			if (strcmp(v, statuses[i]) == 0)
				return DOS_OK;
		return fail(ps, t->pos, "status:%s is not a status; use "
			    "archived, review, on_hold, deletion_requested "
			    "or purged", v);
	case ARC_F_BATCH:
		if (strtoll(v, &end, 10) <= 0 || *end != '\0')
			return fail(ps, t->pos, "batch:%s is not a batch "
				    "number", v);
		return DOS_OK;
	default:
		return DOS_OK;
	}
}

/* A word, a phrase, or field:value starting at *pp. */
static enum dos_err
lex_term(struct parser *ps, const char **pp, struct tok *t)
{
	const char *p = *pp, *start = p, *colon;
	size_t n, i;
	enum dos_err err;

	if (*p == '"') {
		if ((err = quoted(ps, &p, &t->value)) != DOS_OK)
			return err;
		t->phrase = 1;
	} else {
		while (!is_sep(*p))
			p++;
		n = (size_t)(p - start);
		colon = memchr(start, ':', n);
		for (i = 0; colon != NULL && start + i < colon; i++)
			if (!isalpha((unsigned char)start[i]))
				break;
		if (colon != NULL && colon > start && start + i == colon) {
			size_t fl = (size_t)(colon - start);

			for (i = 0; i < NFIELDS; i++)
				if (strlen(fields[i].name) == fl &&
				    strncasecmp(fields[i].name, start, fl) == 0)
					break;
			if (i == NFIELDS)
				return fail(ps, t->pos, "unknown field '%.*s:'; "
					    "known: title keywords signatory "
					    "account customer category type "
					    "number unit manager status batch "
					    "barcode lang date added",
					    (int)(fl > 40 ? 40 : fl), start);
			t->field = fields[i].field;
			t->is_field = 1;
			if (colon + 1 == p && *p == '"') {
				if ((err = quoted(ps, &p, &t->value)) != DOS_OK)
					return err;
				t->phrase = 1;
			} else if ((t->value = strndup(colon + 1,
					       (size_t)(p - colon - 1))) ==
				   NULL)
				return DOS_NOMEM;
		} else if ((t->value = strndup(start, n)) == NULL)
			return DOS_NOMEM;
	}
	/* A trailing * makes the (last) word a prefix. */
	n = strlen(t->value);
	if (*p == '*' && t->phrase) {
		t->prefix = 1;
		p++;
	} else if (!t->phrase && n > 1 && t->value[n - 1] == '*') {
		t->value[n - 1] = '\0';
		t->prefix = 1;
	}
	*pp = p;
	if (t->fuzzy && t->is_field && t->field > ARC_F_SIGNATORY)
		return fail(ps, t->pos, "'~' (fuzzy) works on words, not on "
			    "%s:", field_name(t->field));
	if (t->is_field && t->field <= ARC_F_SIGNATORY &&
	    !has_token_char(t->value, strlen(t->value)))
		return fail(ps, t->pos, "%s: needs a word to look for",
			    field_name(t->field));
	if (t->is_field && t->field > ARC_F_SIGNATORY) {
		if (t->prefix && t->field != ARC_F_NUMBER)
			return fail(ps, t->pos, "%s: takes no '*' (number: "
				    "matches by prefix anyway)",
				    field_name(t->field));
		return field_value(ps, t);
	}
	if (t->fuzzy && (t->phrase || t->prefix))
		return fail(ps, t->pos, "'~' (fuzzy) takes one plain word");
	return DOS_OK;
}

static void
tok_clear(struct tok *t)
{
	free(t->value);
	t->value = NULL;
}

static enum dos_err
lex(struct parser *ps)
{
	const char *p = ps->s;
	struct tok t;
	enum dos_err err;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		memset(&t, 0, sizeof(t));
		t.pos = (size_t)(p - ps->s);
		if (*p == '\0')
			return push(ps, &t);
		if (*p == '(' || *p == ')') {
			t.kind = *p++ == '(' ? T_LPAREN : T_RPAREN;
			if ((err = push(ps, &t)) != DOS_OK)
				return err;
			continue;
		}
		/* -word, -"phrase", -(group) exclude; "-", "--" do not. */
		if (*p == '-' && p[1] != '\0' &&
		    !isspace((unsigned char)p[1]) && p[1] != ')' &&
		    p[1] != '-') {
			t.kind = T_NOT;
			p++;
			if ((err = push(ps, &t)) != DOS_OK)
				return err;
			continue;
		}
		if (strncmp(p, "OR", 2) == 0 && is_sep(p[2])) {
			t.kind = T_OR, p += 2;
		} else if (strncmp(p, "AND", 3) == 0 && is_sep(p[3])) {
			t.kind = T_AND, p += 3;
		} else if (strncmp(p, "NOT", 3) == 0 && is_sep(p[3])) {
			t.kind = T_NOT, p += 3;
		} else {
			t.kind = T_TERM;
			if (*p == '~' && p[1] != '\0' &&
			    !isspace((unsigned char)p[1])) {
				t.fuzzy = 1;
				p++;
			}
			if ((err = lex_term(ps, &p, &t)) != DOS_OK) {
				tok_clear(&t);
				return err;
			}
			/* Punctuation alone searches for nothing. */
			if (!t.is_field && !has_token_char(t.value,
							    strlen(t.value))) {
				tok_clear(&t);
				continue;
			}
		}
		if ((err = push(ps, &t)) != DOS_OK) {
			tok_clear(&t);
			return err;
		}
	}
}

static void
node_free(struct arc_node *n)
{
	if (n == NULL)
		return;
	node_free(n->left);
	node_free(n->right);
	free(n->value);
	free(n->lo);
	free(n->hi);
	free(n);
}

static struct arc_node *
node_new(enum arc_node_kind kind, struct arc_node *l, struct arc_node *r)
{
	struct arc_node *n = calloc(1, sizeof(*n));

	if (n == NULL) {
		node_free(l);
		node_free(r);
		return NULL;
	}
	n->kind = kind;
	n->left = l;
	n->right = r;
	return n;
}

/* A term token into a leaf (takes its value). */
static enum dos_err
leaf(struct parser *ps, struct tok *t, struct arc_node **pn)
{
	struct arc_node *n;

	if (++ps->terms > SRCH_MAX_TERMS)
		return fail(ps, t->pos, "the query has more than %d terms",
			    SRCH_MAX_TERMS);
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return DOS_NOMEM;
	n->field = t->is_field ? t->field : ARC_F_TEXT;
	if (t->is_range) {
		n->kind = ARC_N_RANGE;
		if ((t->lo[0] != '\0' && (n->lo = strdup(t->lo)) == NULL) ||
		    (t->hi[0] != '\0' && (n->hi = strdup(t->hi)) == NULL)) {
			node_free(n);
			return DOS_NOMEM;
		}
	} else {
		n->kind = n->field <= ARC_F_SIGNATORY ? ARC_N_WORDS
						      : ARC_N_FIELD;
		n->value = t->value;
		t->value = NULL;
		n->phrase = t->phrase;
		n->prefix = t->prefix;
		n->fuzzy = t->fuzzy;
	}
	*pn = n;
	return DOS_OK;
}

static enum dos_err parse_or(struct parser *ps, struct arc_node **pn);

static const char *
tok_text(enum tok_kind k)
{
	return k == T_OR ? "OR" : k == T_AND ? "AND" : k == T_NOT ? "NOT"
	       : k == T_RPAREN ? "')'" : "the end";
}

static enum dos_err
parse_unary(struct parser *ps, struct arc_node **pn)
{
	struct tok *t = &ps->toks[ps->at];
	struct arc_node *child = NULL;
	enum dos_err err;

	*pn = NULL;
	if (++ps->depth > SRCH_MAX_DEPTH)
		return fail(ps, t->pos, "the query nests deeper than %d",
			    SRCH_MAX_DEPTH);
	switch (t->kind) {
	case T_NOT:
		ps->at++;
		if (ps->toks[ps->at].kind != T_TERM &&
		    ps->toks[ps->at].kind != T_LPAREN &&
		    ps->toks[ps->at].kind != T_NOT)
			return fail(ps, t->pos, "NOT (or -) needs something "
				    "to exclude after it");
		if ((err = parse_unary(ps, &child)) != DOS_OK)
			return err;
		if ((*pn = node_new(ARC_N_NOT, child, NULL)) == NULL)
			return DOS_NOMEM;
		break;
	case T_LPAREN:
		ps->at++;
		if (ps->toks[ps->at].kind == T_RPAREN)
			return fail(ps, t->pos, "the parentheses are empty");
		if ((err = parse_or(ps, pn)) != DOS_OK)
			return err;
		if (ps->toks[ps->at].kind != T_RPAREN) {
			node_free(*pn);
			*pn = NULL;
			return fail(ps, t->pos, "the parenthesis opened here "
				    "is not closed");
		}
		ps->at++;
		break;
	case T_TERM:
		ps->at++;
		if ((err = leaf(ps, t, pn)) != DOS_OK)
			return err;
		break;
	case T_RPAREN:
		return fail(ps, t->pos, "')' has no matching '('");
	default:
		return fail(ps, t->pos, "%s needs something to search for "
			    "before it", tok_text(t->kind));
	}
	ps->depth--;
	return DOS_OK;
}

static enum dos_err
parse_and(struct parser *ps, struct arc_node **pn)
{
	struct arc_node *l = NULL, *r = NULL;
	struct tok *t;
	enum dos_err err;

	if ((err = parse_unary(ps, &l)) != DOS_OK)
		return err;
	for (;;) {
		t = &ps->toks[ps->at];
		if (t->kind == T_END || t->kind == T_RPAREN || t->kind == T_OR)
			break;
		if (t->kind == T_AND) {
			ps->at++;
			if (ps->toks[ps->at].kind != T_TERM &&
			    ps->toks[ps->at].kind != T_LPAREN &&
			    ps->toks[ps->at].kind != T_NOT) {
				node_free(l);
				return fail(ps, t->pos, "AND needs something "
					    "to search for on both sides");
			}
		}
		if ((err = parse_unary(ps, &r)) != DOS_OK) {
			node_free(l);
			return err;
		}
		if ((l = node_new(ARC_N_AND, l, r)) == NULL)
			return DOS_NOMEM;
	}
	*pn = l;
	return DOS_OK;
}

static enum dos_err
parse_or(struct parser *ps, struct arc_node **pn)
{
	struct arc_node *l = NULL, *r = NULL;
	struct tok *t;
	enum dos_err err;

	if ((err = parse_and(ps, &l)) != DOS_OK)
		return err;
	while ((t = &ps->toks[ps->at])->kind == T_OR) {
		ps->at++;
		if (ps->toks[ps->at].kind != T_TERM &&
		    ps->toks[ps->at].kind != T_LPAREN &&
		    ps->toks[ps->at].kind != T_NOT) {
			node_free(l);
			return fail(ps, t->pos, "OR needs something to search "
				    "for on both sides");
		}
		if ((err = parse_and(ps, &r)) != DOS_OK) {
			node_free(l);
			return err;
		}
		if ((l = node_new(ARC_N_OR, l, r)) == NULL)
			return DOS_NOMEM;
	}
	*pn = l;
	return DOS_OK;
}

/* 0 if s is valid UTF-8, else 1 + the offset of the first bad byte. */
static size_t
utf8_bad(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n, k;

	while (u[i] != '\0') {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		n = u[i] >= 0xF0 && u[i] <= 0xF4   ? 3
		    : u[i] >= 0xE0 && u[i] <= 0xEF ? 2
		    : u[i] >= 0xC2 && u[i] <= 0xDF ? 1
						   : 0;
		if (n == 0)
			return i + 1;
		for (k = 1; k <= n; k++)
			if ((u[i + k] & 0xC0) != 0x80)
				return i + 1;
		/* overlong forms, surrogates, above U+10FFFF */
		if ((u[i] == 0xE0 && u[i + 1] < 0xA0) ||
		    (u[i] == 0xED && u[i + 1] >= 0xA0) ||
		    (u[i] == 0xF0 && u[i + 1] < 0x90) ||
		    (u[i] == 0xF4 && u[i + 1] >= 0x90))
			return i + 1;
		i += n + 1;
	}
	return 0;
}

enum dos_err
srch_parse(const char *s, struct srch_query **pq, char **pmsg)
{
	struct parser ps;
	struct srch_query *q;
	struct arc_node *root = NULL;
	enum dos_err err;
	size_t i;

	*pq = NULL;
	*pmsg = NULL;
	if (strlen(s) > SRCH_MAX_QUERY) {
		*pmsg = strdup("the query is too long (at most 2048 "
			       "characters)");
		return DOS_INVAL;
	}
	memset(&ps, 0, sizeof(ps));
	ps.s = s;
	if ((i = utf8_bad(s)) > 0) {
		*pmsg = NULL;
		fail(&ps, i - 1, "the query is not valid UTF-8 text");
		*pmsg = ps.msg;
		return DOS_INVAL;
	}
	err = lex(&ps);
	if (err == DOS_OK && ps.toks[0].kind != T_END) {
		err = parse_or(&ps, &root);
		if (err == DOS_OK && ps.toks[ps.at].kind != T_END) {
			node_free(root);
			root = NULL;
			err = ps.toks[ps.at].kind == T_RPAREN
				      ? fail(&ps, ps.toks[ps.at].pos,
					     "')' has no matching '('")
				      : fail(&ps, ps.toks[ps.at].pos,
					     "unexpected %s",
					     tok_text(ps.toks[ps.at].kind));
		}
	}
	for (i = 0; i < ps.ntoks; i++)
		tok_clear(&ps.toks[i]);
	free(ps.toks);
	if (err == DOS_OK && (q = calloc(1, sizeof(*q))) == NULL)
		err = DOS_NOMEM;
	if (err != DOS_OK) {
		node_free(root);
		*pmsg = ps.msg != NULL ? ps.msg : strdup(dos_strerror(err));
		return err == DOS_NOMEM ? err : DOS_INVAL;
	}
	q->root = root;
	*pq = q;
	return DOS_OK;
}

void
srch_query_free(struct srch_query *q)
{
	if (q == NULL)
		return;
	node_free(q->root);
	free(q);
}

const struct arc_node *
srch_query_root(const struct srch_query *q)
{
	return q->root;
}

static void
describe(struct dbuf *b, const struct arc_node *n)
{
	static const char *const kinds[] = {"and", "or", "not", "words",
					    "field", "range"};

	dbuf_addf(b, "(%s", kinds[n->kind]);
	if (n->kind >= ARC_N_WORDS)
		dbuf_addf(b, " %s", field_name(n->field));
	if (n->value != NULL)
		dbuf_addf(b, " \"%s\"%s%s%s", n->value,
			  n->phrase ? " phrase" : "",
			  n->prefix ? " prefix" : "", n->fuzzy ? " fuzzy" : "");
	if (n->kind == ARC_N_RANGE)
		dbuf_addf(b, " %s %s", n->lo ? n->lo : "..",
			  n->hi ? n->hi : "..");
	if (n->left != NULL) {
		dbuf_adds(b, " ");
		describe(b, n->left);
	}
	if (n->right != NULL) {
		dbuf_adds(b, " ");
		describe(b, n->right);
	}
	dbuf_adds(b, ")");
}

char *
srch_describe(const struct srch_query *q)
{
	struct dbuf b;

	dbuf_init(&b, 1 << 20);
	if (q->root == NULL)
		dbuf_adds(&b, "(all)");
	else
		describe(&b, q->root);
	return dbuf_take(&b, NULL);
}
