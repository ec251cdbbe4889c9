/*
 * hits.c: where a search's words are on a document's pages, so a viewer
 * can highlight them on the page image.  The page's OCR words are joined
 * into one string and cut into tokens by the index's own tokenizer (the
 * same case folding, diacritics and CJK bigrams as the search), then each
 * searched word or phrase is looked for as a run of tokens; the OCR boxes
 * of the words under a match are returned.  Words under NOT and words
 * searched only in the title, keywords or signatory are not looked for.
 * A fuzzy word (~word) matches as the index side expands it: same first
 * character, one or two edits.
 * Exports arc_hit_pages (to archive/) and arc_doc_hits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_TERMS 64
#define MAX_TERM_TOKENS 32
#define MAX_BOXES 200

struct token {
	char *text;
	int start, end; /* bytes in the page string */
};

struct tokens {
	struct token *v;
	size_t n, cap;
	enum dos_err err;
};

static int
collect(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct tokens *t = ctx;

	(void)flags;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 256;
		struct token *v = realloc(t->v, cap * sizeof(*v));

		if (v == NULL) {
			t->err = DOS_NOMEM;
			return SQLITE_NOMEM;
		}
		t->v = v;
		t->cap = cap;
	}
	if ((t->v[t->n].text = strndup(tok, (size_t)ntok)) == NULL) {
		t->err = DOS_NOMEM;
		return SQLITE_NOMEM;
	}
	t->v[t->n].start = start;
	t->v[t->n].end = end;
	t->n++;
	return SQLITE_OK;
}

static void
tokens_free(struct tokens *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* A searched word or phrase as tokens. */
struct term {
	struct tokens tok;
	int prefix, fuzzy;
};

static void
gather(struct arc_tokenizer *tk, const struct arc_node *n, struct term *terms,
       int *pn)
{
	if (n == NULL || n->kind == ARC_N_NOT)
		return;
	if (n->kind == ARC_N_WORDS && n->field == ARC_F_TEXT &&
	    *pn < MAX_TERMS) {
		struct term *t = &terms[*pn];

		memset(t, 0, sizeof(*t));
		if (arc_tokenizer_run(tk, n->value, (int)strlen(n->value), 1,
				      collect, &t->tok) != DOS_OK ||
		    t->tok.n == 0 || t->tok.n > MAX_TERM_TOKENS) {
			tokens_free(&t->tok);
			return;
		}
		t->prefix = n->prefix;
		t->fuzzy = n->fuzzy;
		(*pn)++;
		return;
	}
	gather(tk, n->left, terms, pn);
	gather(tk, n->right, terms, pn);
}

static int
token_matches(const struct term *t, size_t k, const char *page_tok)
{
	const char *want = t->tok.v[k].text;
	int max = strlen(want) <= 5 ? 1 : 2;

	if (t->fuzzy)
		return want[0] == page_tok[0] &&
		       arc_edit_distance(want, page_tok, max) <= max;
	if (t->prefix && k == t->tok.n - 1)
		return strncmp(want, page_tok, strlen(want)) == 0;
	return strcmp(want, page_tok) == 0;
}

/* Word boxes of one page where any term matches; NULL when none. */
static json_t *
page_boxes(struct arc_tokenizer *tk, const char *words_json,
	   const struct term *terms, int nterms)
{
	json_t *words = json_loads(words_json, 0, NULL), *w, *boxes = NULL;
	struct dbuf s;
	struct tokens pt;
	int *wstart = NULL, *hit = NULL;
	size_t nw, i, j, k;
	int ti;

	memset(&pt, 0, sizeof(pt));
	nw = json_array_size(words);
	dbuf_init(&s, 4u << 20);
	if (nw == 0 || (wstart = calloc(nw + 1, sizeof(int))) == NULL ||
	    (hit = calloc(nw, sizeof(int))) == NULL)
		goto out;
	/* The page as one string, each word's start remembered. */
	json_array_foreach(words, i, w) {
		const char *t = json_string_value(json_array_get(w, 0));

		wstart[i] = (int)s.len;
		if (dbuf_adds(&s, t != NULL ? t : "") != DOS_OK ||
		    dbuf_adds(&s, " ") != DOS_OK)
			goto out;
	}
	wstart[nw] = (int)s.len;
	if (arc_tokenizer_run(tk, s.data, (int)s.len, 0, collect, &pt) !=
	    DOS_OK)
		goto out;
	for (ti = 0; ti < nterms; ti++) {
		const struct term *t = &terms[ti];

		for (i = 0; i + t->tok.n <= pt.n; i++) {
			for (k = 0; k < t->tok.n; k++)
				if (!token_matches(t, k, pt.v[i + k].text))
					break;
			if (k < t->tok.n)
				continue;
			/* Mark the words under tokens i .. i+k-1. */
			for (j = 0; j < nw; j++)
				if (wstart[j] < pt.v[i + k - 1].end &&
				    wstart[j + 1] > pt.v[i].start)
					hit[j] = 1;
		}
	}
	for (j = 0; j < nw; j++) {
		if (!hit[j])
			continue;
		if (boxes == NULL && (boxes = json_array()) == NULL)
			break;
		if (json_array_size(boxes) == MAX_BOXES)
			break;
		w = json_array_get(words, j);
		json_array_append_new(
			boxes, json_pack("[O,O,O,O]", json_array_get(w, 1),
					 json_array_get(w, 2),
					 json_array_get(w, 3),
					 json_array_get(w, 4)));
	}
out:
	tokens_free(&pt);
	dbuf_free(&s);
	free(wstart);
	free(hit);
	json_decref(words);
	return boxes;
}

/* The pages of one document where the terms are, with their boxes. */
static enum dos_err
doc_pages(struct arc_tokenizer *tk, sqlite3_stmt *st, int64_t doc,
	  const struct term *terms, int nterms, json_t *pages)
{
	json_t *boxes;
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, doc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (nterms == 0 ||
		    (boxes = page_boxes(tk, arc_col_text(st, 1), terms,
					nterms)) == NULL)
			continue;
		json_array_append_new(pages,
				      json_pack("{s:i,s:o}", "seq",
						sqlite3_column_int(st, 0),
						"boxes", boxes));
	}
	return rc == SQLITE_DONE ? DOS_OK : DOS_DB;
}

enum dos_err
arc_hit_pages(struct arc *a, const struct arc_node *root, json_t *hits)
{
	struct term terms[MAX_TERMS];
	struct arc_tokenizer *tk = NULL;
	sqlite3_stmt *st = NULL;
	json_t *h, *pages;
	size_t k;
	int nterms = 0, i;
	enum dos_err err;

	/* The connection's tokenizer (opened once, closed with the
	 * archive) and the searched terms once for all hits. */
	if (a->tok == NULL &&
	    (err = arc_tokenizer_open(a->db, &a->tok)) != DOS_OK)
		return err;
	tk = a->tok;
	gather(tk, root, terms, &nterms);
	if (nterms > 0 &&
	    (err = arc_stmt(a, "SELECT seq, words FROM page WHERE "
			       "document_id = ? ORDER BY seq",
			    &st)) != DOS_OK)
		goto out;
	json_array_foreach(hits, k, h) {
		if ((pages = json_array()) == NULL) {
			err = DOS_NOMEM;
			break;
		}
		json_object_set_new(h, "pages", pages);
		if (nterms > 0 &&
		    (err = doc_pages(tk, st,
				     json_integer_value(json_object_get(h, "id")),
				     terms, nterms, pages)) != DOS_OK)
			break;
	}
out:
	arc_stmt_done(a, st);
	for (i = 0; i < nterms; i++)
		tokens_free(&terms[i].tok);
	return err;
}

enum dos_err
arc_doc_hits(struct arc *a, const struct arc_user *who, int64_t doc,
	     const struct arc_node *root, const char *text, json_t **pout,
	     char *msg, size_t msglen)
{
	json_t *hits, *h, *res;
	char obj[48], *detail;
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_may(a, who, ARC_VIEW, ARC_OBJ_DOC, doc, msg, msglen)) !=
	    DOS_OK)
		return err;
	snprintf(obj, sizeof(obj), "document %lld", (long long)doc);
	if (text == NULL)
		text = "";
	if ((detail = malloc(strlen(text) + 8)) == NULL)
		return DOS_NOMEM;
	memcpy(detail, "hits: ", 6);
	memcpy(detail + 6, text, strlen(text) + 1);
	err = arc_audit_read(a, who->name, "view", obj, detail);
	free(detail);
	if (err != DOS_OK)
		return err;
	if ((hits = json_array()) == NULL ||
	    (h = json_pack("{s:I}", "id", (json_int_t)doc)) == NULL) {
		json_decref(hits);
		return DOS_NOMEM;
	}
	json_array_append_new(hits, h);
	if ((err = arc_hit_pages(a, root, hits)) != DOS_OK) {
		json_decref(hits);
		return err;
	}
	res = json_pack("{s:O}", "pages", json_object_get(h, "pages"));
	json_decref(hits);
	if (res == NULL)
		return DOS_NOMEM;
	*pout = res;
	return DOS_OK;
}
