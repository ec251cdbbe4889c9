/*
 * query.c: runs a search (a tree of struct arc_node) against the
 * catalogue.  The tree becomes one SQL statement built from fixed
 * fragments with every value bound:
 *  - words, phrases and prefixes joined by AND at the top become one FTS5
 *    MATCH over the document index (OCR text of all pages, title,
 *    keywords, signatory), ranked by BM25 with recency as the tie-break;
 *    "-word" beside them becomes FTS5's NOT;
 *  - words inside OR with fields, or alone under NOT, become a sub-select
 *    on the index;
 *  - fields and date ranges are conditions on the document and customer;
 *  - the user's scope (unit, customer ownership, clearance, searchable
 *    flag) is a condition too, so hits, totals and facets agree.
 * Fuzzy words (~word) are expanded to the indexed terms within one or two
 * edits (same first character), read from the index vocabulary.
 * Exports arc_search and the internal arc_query_cond.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_CONJ 64
#define FUZZY_MAX_TERMS 16
#define FUZZY_SCAN 20000

static enum dos_err
invalid(struct arc_sql *q, const char *fmt, const char *arg)
{
	if (q->msg[0] == '\0')
		snprintf(q->msg, q->msglen, fmt, arg);
	q->err = DOS_INVAL;
	return DOS_INVAL;
}

/* ---- words: the FTS5 side ---- */

static int
is_words(const struct arc_node *n)
{
	return n->kind == ARC_N_WORDS;
}

/* A subtree of words only (with AND, OR, NOT). */
static int
pure_text(const struct arc_node *n)
{
	switch (n->kind) {
	case ARC_N_WORDS: return 1;
	case ARC_N_NOT: return pure_text(n->left);
	case ARC_N_AND:
	case ARC_N_OR: return pure_text(n->left) && pure_text(n->right);
	default: return 0;
	}
}

/* Whether FTS5 can express a pure-text subtree (it has no bare NOT). */
static int
fts_ok(const struct arc_node *n)
{
	switch (n->kind) {
	case ARC_N_WORDS: return 1;
	case ARC_N_NOT: return 0;
	case ARC_N_OR: return fts_ok(n->left) && fts_ok(n->right);
	case ARC_N_AND:
		if (n->left->kind == ARC_N_NOT && n->right->kind == ARC_N_NOT)
			return 0;
		if (n->right->kind == ARC_N_NOT)
			return fts_ok(n->left) && fts_ok(n->right->left);
		if (n->left->kind == ARC_N_NOT)
			return fts_ok(n->right) && fts_ok(n->left->left);
		return fts_ok(n->left) && fts_ok(n->right);
	default: return 0;
	}
}

/* An FTS5 string: "..." with " doubled. */
static void
fts_string(struct dbuf *b, const char *s, size_t n, enum dos_err *perr)
{
	size_t i;

	if (*perr == DOS_OK)
		*perr = dbuf_adds(b, "\"");
	for (i = 0; *perr == DOS_OK && i < n; i++)
		*perr = s[i] == '"' ? dbuf_adds(b, "\"\"")
				    : dbuf_add(b, &s[i], 1);
	if (*perr == DOS_OK)
		*perr = dbuf_adds(b, "\"");
}

/* Levenshtein distance of a and b, giving up above max. */
int
arc_edit_distance(const char *a, const char *b, int max)
{
	int la = (int)strlen(a), lb = (int)strlen(b), i, j, best;
	int prev[64], cur[64];

	if (la >= 63 || lb >= 63 || abs(la - lb) > max)
		return max + 1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		best = i;
		for (j = 1; j <= lb; j++) {
			int c = prev[j - 1] + (a[i - 1] != b[j - 1]);

			if (prev[j] + 1 < c)
				c = prev[j] + 1;
			if (cur[j - 1] + 1 < c)
				c = cur[j - 1] + 1;
			cur[j] = c;
			if (c < best)
				best = c;
		}
		if (best > max)
			return max + 1;
		memcpy(prev, cur, sizeof(int) * (size_t)(lb + 1));
	}
	return prev[lb];
}

/*
 * ~word: the indexed terms within 1 edit (words up to 5 characters) or 2,
 * sharing the first character, most frequent first, OR-ed.  The word
 * itself is always among them.
 */
static void
fuzzy(struct arc_sql *q, struct dbuf *b, const char *word, enum dos_err *perr)
{
	sqlite3_stmt *st = NULL;
	char lw[64], hi[72];
	int max, nterms = 0, scanned = 0, i;

	snprintf(lw, sizeof(lw), "%s", word);
	for (i = 0; lw[i] != '\0'; i++)
		if (lw[i] >= 'A' && lw[i] <= 'Z')
			lw[i] = (char)(lw[i] - 'A' + 'a');
	max = strlen(lw) <= 5 ? 1 : 2;
	if (*perr == DOS_OK)
		*perr = dbuf_adds(b, "(");
	fts_string(b, lw, strlen(lw), perr);
	/* Terms from lw's first byte up to the next byte value. */
	snprintf(hi, sizeof(hi), "%c", (unsigned char)lw[0] + 1);
	if (*perr == DOS_OK &&
	    arc_stmt(q->a, "SELECT term FROM doc_fts_vocab WHERE term >= "
			   "?1 AND term < ?2 ORDER BY doc DESC",
		     &st) == DOS_OK) {
		char first[2] = {lw[0], '\0'};

		arc_bind_text(st, 1, first);
		arc_bind_text(st, 2, hi);
		while (nterms < FUZZY_MAX_TERMS && scanned++ < FUZZY_SCAN &&
		       sqlite3_step(st) == SQLITE_ROW) {
			const char *t = arc_col_text(st, 0);

			if (strcmp(t, lw) == 0 || arc_edit_distance(lw, t, max) > max)
				continue;
			if (*perr == DOS_OK)
				*perr = dbuf_adds(b, " OR ");
			fts_string(b, t, strlen(t), perr);
			nterms++;
		}
		arc_stmt_done(q->a, st);
	}
	if (*perr == DOS_OK)
		*perr = dbuf_adds(b, ")");
}

static void
fts_words(struct arc_sql *q, struct dbuf *b, const struct arc_node *n,
	  enum dos_err *perr)
{
	static const char *const cols[] = {"", "title : ", "keywords : ",
					   "signatory : "};

	if (*perr == DOS_OK)
		*perr = dbuf_adds(b, cols[n->field]);
	if (n->fuzzy)
		fuzzy(q, b, n->value, perr);
	else {
		fts_string(b, n->value, strlen(n->value), perr);
		if (n->prefix && *perr == DOS_OK)
			*perr = dbuf_adds(b, " *");
	}
}

/* Writes an FTS5-expressible subtree as an FTS5 expression. */
static void
fts_expr(struct arc_sql *q, struct dbuf *b, const struct arc_node *n,
	 enum dos_err *perr)
{
	const struct arc_node *pos, *neg;

	if (is_words(n)) {
		fts_words(q, b, n, perr);
		return;
	}
	if (*perr == DOS_OK)
		*perr = dbuf_adds(b, "(");
	if (n->kind == ARC_N_AND &&
	    (n->left->kind == ARC_N_NOT || n->right->kind == ARC_N_NOT)) {
		pos = n->left->kind == ARC_N_NOT ? n->right : n->left;
		neg = n->left->kind == ARC_N_NOT ? n->left->left
						 : n->right->left;
		fts_expr(q, b, pos, perr);
		if (*perr == DOS_OK)
			*perr = dbuf_adds(b, " NOT ");
		fts_expr(q, b, neg, perr);
	} else {
		fts_expr(q, b, n->left, perr);
		if (*perr == DOS_OK)
			*perr = dbuf_adds(b, n->kind == ARC_N_AND ? " AND "
								  : " OR ");
		fts_expr(q, b, n->right, perr);
	}
	if (*perr == DOS_OK)
		*perr = dbuf_adds(b, ")");
}

/* Binds the FTS5 expression of an expressible subtree. */
static void
bind_fts(struct arc_sql *q, const struct arc_node *n)
{
	struct dbuf b;
	enum dos_err err = DOS_OK;

	dbuf_init(&b, 64 * 1024);
	fts_expr(q, &b, n, &err);
	if (err != DOS_OK) {
		dbuf_free(&b);
		q->err = err;
		return;
	}
	arc_sql_text(q, dbuf_take(&b, NULL), 1);
}

/* ---- fields: the SQL side ---- */

static void cond(struct arc_sql *q, const struct arc_node *n);

/* A LIKE pattern for "contains v", with % _ \ escaped. */
static char *
contains_pattern(const char *v)
{
	size_t n = strlen(v), i, j = 0;
	char *p = malloc(2 * n + 3);

	if (p == NULL)
		return NULL;
	p[j++] = '%';
	for (i = 0; i < n; i++) {
		if (v[i] == '%' || v[i] == '_' || v[i] == '\\')
			p[j++] = '\\';
		p[j++] = v[i];
	}
	p[j++] = '%';
	p[j] = '\0';
	return p;
}

/* category: must name a category or alias; the message lists them. */
static void
category_cond(struct arc_sql *q, const char *v)
{
	char code[32];
	int64_t cid;

	if (q->err != DOS_OK)
		return;
	if ((q->err = arc_file_resolve(q->a, v, NULL, code, sizeof(code),
				       &cid)) != DOS_OK)
		return;
	if (code[0] == '\0') {
		invalid(q, "category:%s is not a category; known: BASIC, "
			   "CONTRACT, CREDIT, COMPLAINT, MARKET, PROMOTION, "
			   "DAILY (or an alias such as LOAN)", v);
		return;
	}
	arc_sql_add(q, "d.category = ");
	arc_sql_text(q, strdup(code), 1);
}

static void
field_cond(struct arc_sql *q, const struct arc_node *n)
{
	const char *v = n->value;

	switch (n->field) {
	case ARC_F_ACCOUNT:
		/* Any account of the same customer finds the dossier; as
		 * a list of ids, so the planner starts from it. */
		arc_sql_add(q, "d.id IN (SELECT id FROM document WHERE account = ");
		arc_sql_text(q, v, 0);
		arc_sql_add(q, " UNION SELECT id FROM document WHERE customer_id = "
		       "(SELECT customer_id FROM account WHERE number = ");
		arc_sql_text(q, v, 0);
		arc_sql_add(q, "))");
		break;
	case ARC_F_CUSTOMER:
		arc_sql_add(q, "(c.number = ");
		arc_sql_text(q, v, 0);
		arc_sql_add(q, " OR c.name LIKE ");
		arc_sql_text(q, contains_pattern(v), 1);
		arc_sql_add(q, " ESCAPE '\\')");
		break;
	case ARC_F_CATEGORY: category_cond(q, v); break;
	case ARC_F_TYPE:
		arc_sql_add(q, "d.doc_type = ");
		arc_sql_text(q, v, 0);
		arc_sql_add(q, " COLLATE NOCASE");
		break;
	case ARC_F_NUMBER:
		arc_sql_add(q, "(d.archive_no >= ");
		arc_sql_text(q, v, 0);
		arc_sql_add(q, " AND d.archive_no < ");
		arc_sql_text(q, v, 0);
		arc_sql_add(q, " || char(1114111))");
		break;
	case ARC_F_UNIT:
		arc_sql_add(q, "c.unit = ");
		arc_sql_text(q, v, 0);
		arc_sql_add(q, " COLLATE NOCASE");
		break;
	case ARC_F_MANAGER:
		arc_sql_add(q, "c.manager = ");
		arc_sql_text(q, v, 0);
		break;
	case ARC_F_STATUS:
		arc_sql_add(q, "d.status = ");
		arc_sql_text(q, v, 0);
		break;
	case ARC_F_BATCH:
		arc_sql_add(q, "d.batch_id = ");
		arc_sql_int(q, strtoll(v, NULL, 10));
		break;
	case ARC_F_BARCODE:
		arc_sql_add(q, "d.id IN (SELECT p.document_id FROM barcode b JOIN "
		       "page p ON p.id = b.page_id WHERE b.value = ");
		arc_sql_text(q, v, 0);
		arc_sql_add(q, ")");
		break;
	case ARC_F_LANG:
		arc_sql_add(q, "instr('+' || coalesce(d.lang, '') || '+', '+' || ");
		arc_sql_text(q, v, 0);
		arc_sql_add(q, " || '+') > 0");
		break;
	default: q->err = DOS_INVAL; break;
	}
}

static void
range_cond(struct arc_sql *q, const struct arc_node *n)
{
	const char *col = n->field == ARC_F_DATE ? "d.doc_date" : "d.added";

	arc_sql_add(q, "(");
	if (n->lo != NULL) {
		arc_sql_add(q, col);
		arc_sql_add(q, " >= ");
		arc_sql_text(q, n->lo, 0);
	}
	if (n->lo != NULL && n->hi != NULL)
		arc_sql_add(q, " AND ");
	if (n->hi != NULL) {
		arc_sql_add(q, col);
		arc_sql_add(q, " < ");
		arc_sql_text(q, n->hi, 0);
	}
	arc_sql_add(q, ")");
}

static void
cond(struct arc_sql *q, const struct arc_node *n)
{
	if (pure_text(n) && fts_ok(n)) {
		arc_sql_add(q, "d.id IN (SELECT rowid FROM doc_fts WHERE doc_fts "
		       "MATCH ");
		bind_fts(q, n);
		arc_sql_add(q, ")");
		return;
	}
	switch (n->kind) {
	case ARC_N_AND:
	case ARC_N_OR:
		arc_sql_add(q, "(");
		cond(q, n->left);
		arc_sql_add(q, n->kind == ARC_N_AND ? " AND " : " OR ");
		cond(q, n->right);
		arc_sql_add(q, ")");
		break;
	case ARC_N_NOT:
		arc_sql_add(q, "NOT (");
		cond(q, n->left);
		arc_sql_add(q, ")");
		break;
	case ARC_N_FIELD: field_cond(q, n); break;
	case ARC_N_RANGE: range_cond(q, n); break;
	default: q->err = DOS_INVAL; break;
	}
}

void
arc_query_cond(struct arc_sql *q, const struct arc_node *n)
{
	cond(q, n);
}

/* ---- the whole statement ---- */

/* The conjuncts of the top-level AND chain. */
static void
conjuncts(const struct arc_node *n, const struct arc_node **out, int *pn,
	  int max)
{
	if (n->kind == ARC_N_AND) {
		conjuncts(n->left, out, pn, max);
		conjuncts(n->right, out, pn, max);
	} else if (*pn < max)
		out[(*pn)++] = n;
}

static int
mentions_status(const struct arc_node *n)
{
	if (n == NULL)
		return 0;
	if (n->kind == ARC_N_FIELD && n->field == ARC_F_STATUS)
		return 1;
	return mentions_status(n->left) || mentions_status(n->right);
}

struct plan {
	const struct arc_node *rank[MAX_CONJ]; /* ranked words */
	int nrank;
	const struct arc_node *excl[MAX_CONJ]; /* -words beside them */
	int nexcl;
	const struct arc_node *rest[MAX_CONJ]; /* other conditions */
	int nrest;
	char *match; /* the ranked MATCH expression, once (make_match) */
};

static void
make_plan(const struct arc_node *root, struct plan *p)
{
	const struct arc_node *c[MAX_CONJ];
	int n = 0, i;

	memset(p, 0, sizeof(*p));
	if (root == NULL)
		return;
	conjuncts(root, c, &n, MAX_CONJ);
	for (i = 0; i < n; i++) {
		if (pure_text(c[i]) && fts_ok(c[i]))
			p->rank[p->nrank++] = c[i];
		else if (c[i]->kind == ARC_N_NOT && pure_text(c[i]->left) &&
			 fts_ok(c[i]->left))
			p->excl[p->nexcl++] = c[i];
		else
			p->rest[p->nrest++] = c[i];
	}
	/* Exclusions join the ranked match when there is one. */
	if (p->nrank == 0) {
		for (i = 0; i < p->nexcl; i++)
			p->rest[p->nrest++] = p->excl[i];
		p->nexcl = 0;
	}
}

/* The ranked MATCH expression: rank AND rank ... NOT excl NOT excl,
 * made once per search into p->match (a fuzzy word reads the index's
 * vocabulary for it). */
static enum dos_err
make_match(struct arc *a, struct plan *p)
{
	struct arc_sql q;
	struct dbuf b;
	char msg[1];
	enum dos_err err = DOS_OK;
	int i;

	if (p->nrank == 0)
		return DOS_OK;
	arc_sql_init(&q, a, msg, sizeof(msg));
	dbuf_init(&b, 64 * 1024);
	if (p->nrank > 1 && p->nexcl > 0)
		err = dbuf_adds(&b, "(");
	for (i = 0; i < p->nrank; i++) {
		if (i > 0 && err == DOS_OK)
			err = dbuf_adds(&b, " AND ");
		fts_expr(&q, &b, p->rank[i], &err);
	}
	if (p->nrank > 1 && p->nexcl > 0 && err == DOS_OK)
		err = dbuf_adds(&b, ")");
	for (i = 0; i < p->nexcl; i++) {
		if (err == DOS_OK)
			err = dbuf_adds(&b, " NOT ");
		fts_expr(&q, &b, p->excl[i]->left, &err);
	}
	arc_sql_free(&q);
	if (err != DOS_OK) {
		dbuf_free(&b);
		return err;
	}
	p->match = dbuf_take(&b, NULL);
	return p->match != NULL ? DOS_OK : DOS_NOMEM;
}

/* Appends the ranked MATCH expression as a value. */
static void
bind_match(struct arc_sql *q, const struct plan *p)
{
	arc_sql_text(q, p->match, 0);
}

/*
 * How a query with ranked words is run.  Plain FTS5 ranking costs time in
 * proportion to the documents a word is in, which for a common word is
 * most of the archive; so:
 *  - FIRST: the other conditions leave at most FIRST_CAP documents: start
 *    from them and look each up in the index by rowid (exact);
 *  - FULL_IN: they leave at most CAP: list those once, walk the words'
 *    matches and keep those on the list (exact);
 *  - FULL: the words are in at most CAP documents: walk the matches,
 *    filter and rank (exact);
 *  - NEWEST: both are many: rank the NEWEST_K most recent documents the
 *    words are in (a bounded candidate set, newest first from the index),
 *    then filter; the total and facets count those candidates and say so.
 * FULL_IN, FULL and NEWEST walk the index once (collect): the documents
 * with their scores are kept in memory (struct arc_cand), and the hits,
 * the total and the facets are read from that list joined with the
 * documents (dossier_cand, cand.c).  A phrase of two common words is a
 * walk of both words' whole position lists: done once, not once per
 * statement.
 */
enum mode { M_NONE, M_FIRST, M_FULL, M_FULL_IN, M_NEWEST };
#define CAP 2000
#define NEWEST_K 2000
#define FIRST_CAP 300

/* The filters (conditions other than the ranked words) and the scope. */
static void
filters(struct arc_sql *q, const struct arc_query *aq, const struct plan *p)
{
	int i;

	if (!mentions_status(aq->root))
		arc_sql_add(q, " AND d.status <> 'purged'");
	for (i = 0; i < p->nrest; i++) {
		arc_sql_add(q, " AND ");
		cond(q, p->rest[i]);
	}
	arc_scope_cond(q, aq->user, ARC_SEARCH);
}

/* FROM ... WHERE ... shared by hits, count and facets; in FIRST, the
 * ranked match is always ?1; in FULL, FULL_IN and NEWEST the candidates
 * (cand) are read instead of the index. */
static void
from_where(struct arc_sql *q, const struct arc_query *aq, const struct plan *p,
	   enum mode m, const struct arc_cand *cand)
{
	switch (m) {
	case M_NONE:
		arc_sql_add(q, " FROM document d LEFT JOIN customer c"
		       " ON c.id = d.customer_id WHERE 1");
		break;
	case M_FULL:
	case M_FULL_IN:
	case M_NEWEST:
		arc_sql_add(q, " FROM dossier_cand(");
		arc_sql_cand(q, cand);
		arc_sql_add(q, ") m JOIN document d ON d.id = m.id"
			       " LEFT JOIN customer c ON c.id = d.customer_id"
			       " WHERE 1");
		break;
	case M_FIRST:
		arc_sql_add(q, " FROM document d LEFT JOIN customer c"
		       " ON c.id = d.customer_id WHERE EXISTS (SELECT 1 FROM"
		       " doc_fts WHERE doc_fts MATCH ");
		bind_match(q, p);
		arc_sql_add(q, " AND doc_fts.rowid = d.id)");
		break;
	}
	filters(q, aq, p);
}

static enum dos_err step_error(struct arc_sql *q, const char *what);

/* count(*) of a statement's rows, stopping past CAP. */
static enum dos_err
capped_count(struct arc_sql *q, const char *what, long cap, long *pn)
{
	struct dbuf b;
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	*pn = 0;
	if (q->err != DOS_OK)
		return q->err;
	dbuf_init(&b, q->sql.len + 128);
	if ((err = dbuf_addf(&b, "SELECT count(*) FROM (SELECT 1%s LIMIT %ld)",
			     q->sql.data, cap + 1)) != DOS_OK)
		goto out;
	if ((err = arc_stmt(q->a, b.data, &st)) != DOS_OK)
		goto out;
	arc_sql_bind(q, st);
	if (sqlite3_step(st) == SQLITE_ROW)
		*pn = (long)sqlite3_column_int64(st, 0);
	else
		err = step_error(q, what);
out:
	arc_stmt_done(q->a, st);
	dbuf_free(&b);
	return err;
}

/*
 * Whether every document that holds one of the ranked phrases matches
 * the ranked expression: one ranked condition of words joined by OR only,
 * in the text (no field, no exclusion).  Then a walk that saw every match
 * saw every document holding each phrase, and counts them for the IDF.
 */
static int
or_of_phrases(const struct arc_node *n)
{
	if (n->kind == ARC_N_WORDS)
		return n->field == ARC_F_TEXT;
	return n->kind == ARC_N_OR && or_of_phrases(n->left) &&
	       or_of_phrases(n->right);
}

/* The rows' parts (stride doubles each: rows, tokens, length, then one
 * weighted frequency per phrase), kept during the walk. */
struct parts {
	double *v;
	size_t n, cap, stride;
};

static enum dos_err
parts_add(struct parts *pt, const void *blob, int len)
{
	size_t k = (size_t)len / sizeof(double);

	if (len <= 0 || (size_t)len % sizeof(double) != 0 || k < 3 ||
	    (pt->stride != 0 && k != pt->stride))
		return DOS_DB;
	pt->stride = k;
	if (pt->n == pt->cap) {
		size_t cap = pt->cap ? 2 * pt->cap : 256;
		double *v = realloc(pt->v, cap * k * sizeof(double));

		if (v == NULL)
			return DOS_NOMEM;
		pt->v = v;
		pt->cap = cap;
	}
	memcpy(pt->v + pt->n * k, blob, (size_t)len);
	pt->n++;
	return DOS_OK;
}

/* The IDFs and average length from dossier_rank_idf (the phrases'
 * documents counted the index's way). */
static enum dos_err
index_idf(struct arc_sql *q, const struct plan *p, double *idf, int nphrase,
	  double *pavgdl)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;
	int rc;

	if ((err = arc_stmt(q->a, "SELECT dossier_rank_idf(doc_fts,"
				  " dossier_search(), (SELECT max(id) FROM"
				  " document)) FROM doc_fts WHERE doc_fts"
				  " MATCH ?1 LIMIT 1", &st)) != DOS_OK)
		return err;
	arc_bind_text(st, 1, p->match);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 0) ==
		    (int)sizeof(double) * (1 + nphrase)) {
		const double *v = sqlite3_column_blob(st, 0);

		*pavgdl = v[0];
		memcpy(idf, v + 1, sizeof(double) * (size_t)nphrase);
	} else
		err = rc == SQLITE_ROW || rc == SQLITE_DONE
			      ? DOS_DB
			      : step_error(q, "search ranking");
	arc_stmt_done(q->a, st);
	return err;
}

/* Scores the walked rows into c (dossier_rank's arithmetic). */
static enum dos_err
score(struct arc_sql *q, const struct plan *p, enum mode m,
      const struct parts *pt, struct arc_cand *c)
{
	double *idf = NULL, *nhit = NULL, avgdl = 1.0;
	int nphrase = (int)pt->stride - 3, i;
	size_t r;
	enum dos_err err = DOS_OK;

	if (pt->n == 0)
		return DOS_OK;
	if (nphrase < 0)
		return DOS_DB;
	/* As many phrases as the query has (~fuzzy words bring several). */
	if ((idf = calloc((size_t)nphrase + 1, sizeof(double))) == NULL ||
	    (nhit = calloc((size_t)nphrase + 1, sizeof(double))) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if (m == M_FULL && c->n <= CAP && p->nrank == 1 && p->nexcl == 0 &&
	    or_of_phrases(p->rank[0])) {
		/* Every document holding a phrase was walked. */
		for (r = 0; r < pt->n; r++)
			for (i = 0; i < nphrase; i++)
				if (pt->v[r * pt->stride + 3 + i] > 0.0)
					nhit[i] += 1.0;
		for (i = 0; i < nphrase; i++)
			idf[i] = arc_rank_idf(pt->v[0], nhit[i]);
		avgdl = pt->v[0] > 0 ? pt->v[1] / pt->v[0] : 1.0;
	} else if ((err = index_idf(q, p, idf, nphrase, &avgdl)) != DOS_OK)
		goto out;
	for (r = 0; r < pt->n; r++) {
		const double *v = pt->v + r * pt->stride;

		c->v[r].score = arc_rank_score(idf, nphrase, avgdl, v[2],
					       v + 3);
	}
out:
	free(idf);
	free(nhit);
	return err;
}

/*
 * The one walk of the index (FULL_IN, FULL, NEWEST): the words' matches
 * into c, scored after the walk.  FULL_IN: those among the filtered
 * documents; else newest first, at most CAP + 1, so that more than CAP
 * means NEWEST (and the first NEWEST_K are its candidates).
 */
static enum dos_err
collect(struct arc *a, const struct arc_query *aq, const struct plan *p,
	enum mode m, struct arc_cand *c, char *msg, size_t msglen)
{
	struct arc_sql q;
	struct parts pt;
	sqlite3_stmt *st = NULL;
	char tail[64];
	int rc;
	enum dos_err err = DOS_OK;

	memset(&pt, 0, sizeof(pt));
	arc_sql_init(&q, a, msg, msglen);
	arc_sql_add(&q, "SELECT rowid, dossier_rank_parts(doc_fts,"
			" dossier_search()) FROM doc_fts WHERE doc_fts MATCH ");
	bind_match(&q, p);
	if (m == M_FULL_IN) {
		/* The filtered documents (a few thousand at most) are
		 * listed once; the words' matches are checked against the
		 * list.  The unary + keeps the list from becoming one
		 * index lookup per document. */
		arc_sql_add(&q, " AND +doc_fts.rowid IN (SELECT d.id FROM"
				" document d LEFT JOIN customer c ON c.id ="
				" d.customer_id WHERE 1");
		filters(&q, aq, p);
		arc_sql_add(&q, ")");
	} else {
		snprintf(tail, sizeof(tail), " ORDER BY rowid DESC LIMIT %d",
			 CAP + 1);
		arc_sql_add(&q, tail);
	}
	if ((err = q.err) != DOS_OK ||
	    (err = arc_stmt(a, q.sql.data, &st)) != DOS_OK)
		goto out;
	arc_sql_bind(&q, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((err = arc_cand_add(c, sqlite3_column_int64(st, 0), 0.0)) !=
			    DOS_OK ||
		    (err = parts_add(&pt, sqlite3_column_blob(st, 1),
				     sqlite3_column_bytes(st, 1))) != DOS_OK)
			goto out;
	if (rc != SQLITE_DONE) {
		err = step_error(&q, "search");
		goto out;
	}
	arc_stmt_done(a, st);
	st = NULL;
	err = score(&q, p, m, &pt, c);
out:
	arc_stmt_done(a, st);
	arc_sql_free(&q);
	free(pt.v);
	return err;
}

/* Picks the mode for a query (see enum mode) and collects its
 * candidates. */
static enum dos_err
choose(struct arc *a, const struct arc_query *aq, const struct plan *p,
       char *msg, size_t msglen, enum mode *pm, struct arc_cand *c)
{
	struct arc_sql f;
	long nf = CAP + 1;
	enum dos_err err = DOS_OK;

	*pm = M_NONE;
	if (p->nrank == 0)
		return DOS_OK;
	arc_sql_init(&f, a, msg, msglen);
	if (p->nrest > 0 || (aq->user != NULL && !aq->user->local)) {
		from_where(&f, aq, p, M_NONE, NULL);
		if ((err = capped_count(&f, "filters", CAP, &nf)) != DOS_OK)
			goto out;
	}
	/*
	 * Looking a document up in the index costs about as much as
	 * walking a few hundred index entries: a few filtered documents
	 * are checked one by one (FIRST); up to CAP of them, the words'
	 * matches are walked and checked against the list of filtered
	 * documents (FULL_IN); with more, the matches are walked and
	 * filtered unless there are very many.
	 */
	if (nf <= FIRST_CAP) {
		*pm = M_FIRST;
		goto out;
	}
	*pm = nf <= CAP ? M_FULL_IN : M_FULL;
	if ((err = collect(a, aq, p, *pm, c, msg, msglen)) != DOS_OK)
		goto out;
	if (*pm == M_FULL && c->n > CAP) {
		*pm = M_NEWEST;
		c->n = NEWEST_K;
	}
out:
	if (err == DOS_OK)
		err = f.err;
	arc_sql_free(&f);
	return err;
}

static const char *const order_by[] = {
	[ARC_SORT_RELEVANCE] = "d.added DESC, d.id DESC",
	[ARC_SORT_DATE] = "d.doc_date IS NULL, d.doc_date DESC, d.added DESC, "
			  "d.id DESC",
	[ARC_SORT_ADDED] = "d.added DESC, d.id DESC",
	[ARC_SORT_ACCOUNT] = "d.account IS NULL, d.account, "
			     "d.archive_no IS NULL, d.archive_no, d.id",
	[ARC_SORT_NUMBER] = "d.archive_no IS NULL, d.archive_no, d.id",
};

/* Prepares head + the shared FROM/WHERE + tail with the shared binds. */
static enum dos_err
prepare_with(struct arc_sql *q, const char *head, const char *tail,
	     sqlite3_stmt **pst)
{
	struct dbuf b;
	enum dos_err err;

	dbuf_init(&b, q->sql.len + strlen(head) + strlen(tail) + 1);
	if ((err = dbuf_adds(&b, head)) == DOS_OK &&
	    (err = dbuf_add(&b, q->sql.data, q->sql.len)) == DOS_OK &&
	    (err = dbuf_adds(&b, tail)) == DOS_OK &&
	    (err = arc_stmt(q->a, b.data, pst)) == DOS_OK)
		arc_sql_bind(q, *pst);
	dbuf_free(&b);
	return err;
}

/* A failed step: a query FTS5 refuses is the user's, the rest ours. */
static enum dos_err
step_error(struct arc_sql *q, const char *what)
{
	const char *m = arc_errmsg(q->a);

	if (strstr(m, "fts5") != NULL || strstr(m, "syntax") != NULL) {
		dos_debugx("%s: %s", what, m);
		return invalid(q, "the words of the query cannot be searched "
				  "(%s)", m);
	}
	dos_errx("%s: %s", what, m);
	return DOS_DB;
}

static enum dos_err
run_hits(struct arc_sql *q, const struct arc_query *aq, enum mode m,
	 const char *match, json_t *hits)
{
	sqlite3_stmt *st = NULL;
	char head[1024], tail[512], score[256];
	int rc;
	enum dos_err err;

	/* The score ranks (rank.c): in FIRST computed here, else read with
	 * the candidates; snippets are made for the page of hits only. */
	if (m == M_NONE)
		snprintf(score, sizeof(score), "0.0");
	else if (m != M_FIRST)
		snprintf(score, sizeof(score), "m.score");
	else
		snprintf(score, sizeof(score), "%s",
			 "(SELECT dossier_rank(doc_fts, dossier_search(), "
			 "(SELECT max(id) FROM document)) FROM doc_fts WHERE "
			 "doc_fts MATCH ?1 AND doc_fts.rowid = d.id)");
	snprintf(head, sizeof(head),
		 "SELECT x.*, %s%d%s FROM (SELECT d.id, d.archive_no,"
		 " d.account, c.number, c.name, d.category, d.doc_type,"
		 " d.title, d.doc_date, d.added, d.status, d.npages, %s AS"
		 " score",
		 m == M_NONE ? "''" : "(SELECT snippet(doc_fts, -1, '[', ']',"
				      " '...', 12) FROM doc_fts WHERE doc_fts"
				      " MATCH ?",
		 m == M_NONE ? 0 : q->n + 3,
		 m == M_NONE ? "" : " AND doc_fts.rowid = x.id)", score);
	if (m == M_NONE || m == M_NEWEST)
		/* NEWEST: the snippets come after (newest_snippets). */
		snprintf(head, sizeof(head),
			 "SELECT x.*, '' FROM (SELECT d.id, d.archive_no,"
			 " d.account, c.number, c.name, d.category,"
			 " d.doc_type, d.title, d.doc_date, d.added, d.status,"
			 " d.npages, %s AS score", score);
	/* Limit and offset are bound too: one statement text per kind of
	 * query, prepared once (stmt.c). */
	snprintf(tail, sizeof(tail), " ORDER BY %s%s LIMIT ?%d OFFSET ?%d) x",
		 m != M_NONE && aq->sort == ARC_SORT_RELEVANCE ? "score, " : "",
		 order_by[aq->sort], q->n + 1, q->n + 2);
	if ((err = prepare_with(q, head, tail, &st)) != DOS_OK)
		return err;
	sqlite3_bind_int(st, q->n + 1, aq->limit);
	sqlite3_bind_int(st, q->n + 2, aq->offset);
	if (m != M_NONE && m != M_NEWEST)
		arc_bind_text(st, q->n + 3, match);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *h = json_pack(
			"{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:s,s:i,s:f,"
			"s:s}",
			"id", (json_int_t)sqlite3_column_int64(st, 0),
			"archive_no", arc_col_json_text(st, 1), "account",
			arc_col_json_text(st, 2), "customer",
			arc_col_json_text(st, 3), "customer_name",
			arc_col_json_text(st, 4), "category",
			arc_col_json_text(st, 5), "doc_type",
			arc_col_json_text(st, 6), "title",
			arc_col_json_text(st, 7), "date",
			arc_col_json_text(st, 8), "added",
			arc_col_text(st, 9), "status", arc_col_text(st, 10),
			"npages", sqlite3_column_int(st, 11), "score",
			-sqlite3_column_double(st, 12), "snippet",
			arc_col_text(st, 13));

		if (h == NULL) {
			err = DOS_NOMEM;
			break;
		}
		json_array_append_new(hits, h);
	}
	if (err == DOS_OK && rc != SQLITE_DONE)
		err = step_error(q, "search");
	arc_stmt_done(q->a, st);
	return err;
}

/*
 * NEWEST: the page's snippets in one walk of the index over the rowids
 * the page spans (within the newest NEWEST_K matches, a short walk),
 * keeping the page's documents only, instead of one index lookup per hit
 * (a lookup costs as much as walking a few hundred entries).
 */
static enum dos_err
newest_snippets(struct arc_sql *q, const char *match, json_t *hits)
{
	struct arc_cand page;
	sqlite3_stmt *st = NULL;
	json_t *h;
	int64_t lo = INT64_MAX, hi = 0, id;
	size_t i, k;
	int rc;
	enum dos_err err = DOS_OK;

	memset(&page, 0, sizeof(page));
	json_array_foreach(hits, i, h) {
		id = json_integer_value(json_object_get(h, "id"));
		if ((err = arc_cand_add(&page, id, 0.0)) != DOS_OK)
			goto out;
		if (id < lo)
			lo = id;
		if (id > hi)
			hi = id;
	}
	if (page.n == 0)
		goto out;
	if ((err = arc_stmt(q->a, "SELECT rowid, snippet(doc_fts, -1, '[',"
				  " ']', '...', 12) FROM doc_fts WHERE doc_fts"
				  " MATCH ?1 AND rowid >= ?2 AND rowid <= ?3"
				  " AND +rowid IN (SELECT id FROM"
				  " dossier_cand(?4))", &st)) != DOS_OK)
		goto out;
	arc_bind_text(st, 1, match);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	arc_cand_bind(st, 4, &page);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		for (k = 0; k < page.n; k++)
			if (page.v[k].id == id)
				json_object_set_new(
					json_array_get(hits, k), "snippet",
					json_string(arc_col_text(st, 1)));
	}
	if (rc != SQLITE_DONE)
		err = step_error(q, "search snippets");
out:
	arc_stmt_done(q->a, st);
	arc_cand_free(&page);
	return err;
}

static enum dos_err
run_count(struct arc_sql *q, json_int_t *pn)
{
	sqlite3_stmt *st = NULL;
	enum dos_err err;

	if ((err = prepare_with(q, "SELECT count(*)", "", &st)) != DOS_OK)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW)
		*pn = sqlite3_column_int64(st, 0);
	else
		err = step_error(q, "search count");
	arc_stmt_done(q->a, st);
	return err;
}

static enum dos_err
run_facets(struct arc_sql *q, json_t *facets)
{
	static const struct {
		const char *name, *key;
	} f[] = {
		{"category", "SELECT coalesce(d.category, '(none)'), count(*)"},
		{"type", "SELECT coalesce(d.doc_type, '(none)'), count(*)"},
		{"unit", "SELECT coalesce(c.unit, '(none)'), count(*)"},
		{"year", "SELECT coalesce(substr(d.doc_date, 1, 4), "
			 "'(undated)'), count(*)"},
	};
	sqlite3_stmt *st = NULL;
	json_t *o;
	size_t i;
	int rc;
	enum dos_err err = DOS_OK;

	for (i = 0; err == DOS_OK && i < sizeof(f) / sizeof(f[0]); i++) {
		if ((err = prepare_with(q, f[i].key, " GROUP BY 1 ORDER BY 2 "
						     "DESC, 1 LIMIT 50",
					&st)) != DOS_OK)
			break;
		if ((o = json_object()) == NULL) {
			arc_stmt_done(q->a, st);
			return DOS_NOMEM;
		}
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			json_object_set_new(o, arc_col_text(st, 0),
					    json_integer(sqlite3_column_int64(
						    st, 1)));
		if (rc != SQLITE_DONE)
			err = step_error(q, "search facets");
		arc_stmt_done(q->a, st);
		json_object_set_new(facets, f[i].name, o);
	}
	return err;
}

enum dos_err
arc_search(struct arc *a, const struct arc_query *aq, json_t **pout,
	   char *msg, size_t msglen)
{
	struct arc_sql q;
	struct plan p;
	struct arc_cand cand;
	enum mode m = M_NONE;
	json_t *res = NULL, *hits = NULL, *facets = NULL;
	json_int_t total = 0;
	double t[6];
	int prof = getenv("DOSSIER_SQL_PROFILE") != NULL;
	enum dos_err err;

	*pout = NULL;
	msg[0] = '\0';
	t[0] = prof ? dos_mono() : 0;
	memset(&p, 0, sizeof(p));
	memset(&cand, 0, sizeof(cand));
	arc_sql_init(&q, a, msg, msglen);
	if (aq->user != NULL &&
	    (err = arc_may(a, aq->user, ARC_SEARCH, ARC_OBJ_NONE, 0, msg,
			   msglen)) != DOS_OK)
		goto out;
	make_plan(aq->root, &p);
	a->search_serial++; /* rank.c keeps word statistics per search */
	/* One read snapshot: the plan, hits, total and facets agree. */
	if ((err = arc_read_begin(a)) != DOS_OK)
		goto out;
	if ((err = make_match(a, &p)) == DOS_OK &&
	    (err = choose(a, aq, &p, msg, msglen, &m, &cand)) == DOS_OK) {
		from_where(&q, aq, &p, m, &cand);
		err = q.err;
	}
	t[1] = prof ? dos_mono() : 0;
	if (err == DOS_LIMIT)
		err = invalid(&q, "the query is too large%s", "");
	if (err != DOS_OK) {
		arc_tx_commit(a);
		goto out;
	}
	if ((res = json_object()) == NULL || (hits = json_array()) == NULL ||
	    (aq->facets && (facets = json_object()) == NULL))
		err = DOS_NOMEM;
	if (err == DOS_OK)
		err = run_hits(&q, aq, m, p.match, hits);
	if (err == DOS_OK && m == M_NEWEST)
		err = newest_snippets(&q, p.match, hits);
	t[2] = prof ? dos_mono() : 0;
	/* A first page that is not full holds every hit: no count. */
	if (err == DOS_OK && aq->offset == 0 &&
	    json_array_size(hits) < (size_t)aq->limit)
		total = (json_int_t)json_array_size(hits);
	else if (err == DOS_OK)
		err = run_count(&q, &total);
	t[3] = prof ? dos_mono() : 0;
	if (err == DOS_OK && facets != NULL)
		err = run_facets(&q, facets);
	t[4] = prof ? dos_mono() : 0;
	if (err == DOS_OK)
		err = arc_hit_pages(a, aq->root, hits);
	arc_tx_commit(a);
	t[5] = prof ? dos_mono() : 0;
	if (prof)
		fprintf(stderr, "search-stages mode %d: plan %.2f hits %.2f "
			"count %.2f facets %.2f boxes %.2f ms\n", (int)m,
			1e3 * (t[1] - t[0]), 1e3 * (t[2] - t[1]),
			1e3 * (t[3] - t[2]), 1e3 * (t[4] - t[3]),
			1e3 * (t[5] - t[4]));
	if (err != DOS_OK)
		goto out;
	json_object_set_new(res, "total", json_integer(total));
	/* Ranked among the newest matches only: say so, and how many. */
	json_object_set_new(res, "total_exact", json_boolean(m != M_NEWEST));
	if (m == M_NEWEST)
		json_object_set_new(res, "ranked_among_newest",
				    json_integer(NEWEST_K));
	json_object_set_new(res, "hits", hits);
	hits = NULL;
	if (facets != NULL) {
		json_object_set_new(res, "facets", facets);
		facets = NULL;
	}
	*pout = res;
	res = NULL;
out:
	if (err == DOS_INVAL && msg[0] == '\0')
		snprintf(msg, msglen, "the query cannot be run");
	json_decref(res);
	json_decref(hits);
	json_decref(facets);
	arc_sql_free(&q);
	arc_cand_free(&cand);
	free(p.match);
	return err;
}
