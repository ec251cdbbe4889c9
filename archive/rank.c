/*
 * rank.c: the FTS5 ranking function dossier_rank(doc_fts, SEARCH, MAXID), BM25
 * as FTS5's own bm25() computes it (k1 1.2, b 0.75; column weights text 1,
 * title 4, keywords 2, signatory 2), with one difference that matters for
 * speed: the phrases' document frequencies are kept for the whole search
 * SEARCH (a number arc_search draws anew each time), not per cursor.
 *
 * bm25() counts the documents holding each phrase by walking the phrase's
 * whole doclist, and does it again for every cursor.  A search that
 * checks a few filtered documents one by one (query.c's FIRST plan) opens
 * a cursor per document, so a word on half the archive's pages was walked
 * once per candidate: 15 ms for seven documents, 110 ms with a cold cache.
 * Here it is walked once per search, and only so far: past WALK_CAP
 * documents the count is extrapolated from how far into the rowids the
 * walk got (rowids grow with filing, so a word's documents spread over
 * them roughly evenly).  A word that frequent has a small weight anyway
 * (log(N/n) changes little with n); exact counts below WALK_CAP.
 *
 * The search number reaches the SQL through dossier_search() (the
 * connection's arc_search count), so a search's statement text stays the
 * same from one search to the next and is prepared once (stmt.c).
 *
 * A search that walks the matches once (query.c's collect) reads each
 * row's parts with dossier_rank_parts and scores after the walk with the
 * same arithmetic (arc_rank_score); when its walk saw every document a
 * phrase is in, it counts them itself (arc_rank_idf) instead of walking
 * the phrase again, which for a phrase of common words is the whole cost;
 * else it takes the figures from dossier_rank_idf.
 *
 * Exports arc_fts_rank_register, arc_search_fn_register, arc_rank_idf,
 * arc_rank_score.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define K1 1.2
#define B 0.75

static const double weight[] = {1.0, 4.0, 2.0, 2.0};

struct rank_cache {
	sqlite3_int64 totals_search; /* the search nrow, ntok belong to */
	sqlite3_int64 nrow, ntok;    /* the index's rows and tokens */
	sqlite3_int64 search; /* the search the figures belong to, or 0 */
	int nphrase;
	double avgdl;
	double *idf; /* per phrase */
	double *scratch; /* a row's figures, as many as it needs */
	size_t nscratch;
};

#define WALK_CAP 20000

double
arc_rank_idf(double nrow, double nhit)
{
	double x;

	if (nhit > nrow)
		nhit = nrow;
	x = log((nrow - nhit + 0.5) / (nhit + 0.5));
	return x <= 0.0 ? 1e-6 : x;
}

double
arc_rank_score(const double *idf, int nphrase, double avgdl, double doclen,
	       const double *freq)
{
	double score = 0.0;
	int i;

	for (i = 0; i < nphrase; i++)
		score += idf[i] * (freq[i] * (K1 + 1.0)) /
			 (freq[i] + K1 * (1 - B + B * doclen / avgdl));
	return -score;
}

struct walk {
	sqlite3_int64 n, last; /* documents seen, the last one's rowid */
};

static int
count_cb(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
	struct walk *w = ctx;

	w->last = api->xRowid(fts);
	return ++w->n >= WALK_CAP ? SQLITE_DONE : SQLITE_OK;
}

/* Fills the cache for the search: average length and each phrase's IDF. */
static int
fill(struct rank_cache *c, const Fts5ExtensionApi *api, Fts5Context *fts,
     sqlite3_int64 search, sqlite3_int64 maxid)
{
	sqlite3_int64 nrow = 0, ntok = 0;
	int i, n = api->xPhraseCount(fts), rc;
	double *idf, nhit;

	if ((rc = api->xRowCount(fts, &nrow)) != SQLITE_OK ||
	    (rc = api->xColumnTotalSize(fts, -1, &ntok)) != SQLITE_OK)
		return rc;
	if ((idf = calloc((size_t)n + 1, sizeof(double))) == NULL)
		return SQLITE_NOMEM;
	for (i = 0; i < n; i++) {
		struct walk w = {0, 0};

		if ((rc = api->xQueryPhrase(fts, i, &w, count_cb)) !=
		    SQLITE_OK) {
			free(idf);
			return rc;
		}
		nhit = (double)w.n;
		if (w.n >= WALK_CAP && w.last > 0 && maxid > w.last)
			nhit = nhit * (double)maxid / (double)w.last;
		idf[i] = arc_rank_idf((double)nrow, nhit);
	}
	free(c->idf);
	c->idf = idf;
	c->nphrase = n;
	c->avgdl = nrow > 0 ? (double)ntok / (double)nrow : 1.0;
	c->search = search;
	return SQLITE_OK;
}

/*
 * Room for n doubles in the cache's scratch array, or NULL.  A query has
 * as many phrases as it has (each ~fuzzy word brings several): no fixed
 * limit.  The functions copy their results out (SQLITE_TRANSIENT).
 */
static double *
scratch(struct rank_cache *c, size_t n)
{
	double *v;

	if (n <= c->nscratch)
		return c->scratch;
	if (n > SIZE_MAX / sizeof(double) ||
	    (v = realloc(c->scratch, n * sizeof(double))) == NULL)
		return NULL;
	c->scratch = v;
	c->nscratch = n;
	return v;
}

/* A document's weighted frequency per phrase (freq[0..n-1]) and its
 * length; SQLite's error code. */
static int
row_parts(const Fts5ExtensionApi *api, Fts5Context *fts, int n,
	  double *freq, double *pdoclen)
{
	int i, ninst = 0, ntok = 0, rc;

	memset(freq, 0, sizeof(double) * (size_t)n);
	if ((rc = api->xInstCount(fts, &ninst)) != SQLITE_OK)
		return rc;
	for (i = 0; i < ninst; i++) {
		int phrase, col, off;

		if ((rc = api->xInst(fts, i, &phrase, &col, &off)) !=
		    SQLITE_OK)
			return rc;
		if (phrase >= 0 && phrase < n && col >= 0 &&
		    col < (int)(sizeof(weight) / sizeof(weight[0])))
			freq[phrase] += weight[col];
	}
	if ((rc = api->xColumnSize(fts, -1, &ntok)) != SQLITE_OK)
		return rc;
	*pdoclen = (double)ntok;
	return SQLITE_OK;
}

static void
rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *out,
	int nval, sqlite3_value **val)
{
	struct rank_cache *c = api->xUserData(fts);
	sqlite3_int64 search, maxid;
	double *freq, d;
	int rc;

	if (nval != 2 || (search = sqlite3_value_int64(val[0])) == 0) {
		sqlite3_result_error(out, "dossier_rank(doc_fts, SEARCH, "
					  "MAXID)", -1);
		return;
	}
	maxid = sqlite3_value_int64(val[1]);
	if ((c->search != search || c->nphrase != api->xPhraseCount(fts)) &&
	    (rc = fill(c, api, fts, search, maxid)) != SQLITE_OK) {
		sqlite3_result_error_code(out, rc);
		return;
	}
	if ((freq = scratch(c, (size_t)c->nphrase + 1)) == NULL) {
		sqlite3_result_error_nomem(out);
		return;
	}
	if ((rc = row_parts(api, fts, c->nphrase, freq, &d)) != SQLITE_OK) {
		sqlite3_result_error_code(out, rc);
		return;
	}
	sqlite3_result_double(out, arc_rank_score(c->idf, c->nphrase,
						  c->avgdl, d, freq));
}

/*
 * dossier_rank_parts(doc_fts, SEARCH): what dossier_rank needs of the
 * row, for a caller that scores after its walk (arc_rank_score): a blob
 * of doubles [rows in the index, tokens in the index, the document's
 * length, the weighted frequency of each phrase].  The index's totals are
 * read once per search.
 */
static void
parts_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *out,
	 int nval, sqlite3_value **val)
{
	struct rank_cache *c = api->xUserData(fts);
	double *v;
	sqlite3_int64 search;
	int n = api->xPhraseCount(fts), rc;

	if (nval != 1 || (search = sqlite3_value_int64(val[0])) == 0 ||
	    n < 0) {
		sqlite3_result_error(out, "dossier_rank_parts(doc_fts, "
					  "SEARCH)", -1);
		return;
	}
	if ((v = scratch(c, 3 + (size_t)n)) == NULL) {
		sqlite3_result_error_nomem(out);
		return;
	}
	if (c->totals_search != search) {
		if ((rc = api->xRowCount(fts, &c->nrow)) != SQLITE_OK ||
		    (rc = api->xColumnTotalSize(fts, -1, &c->ntok)) !=
			    SQLITE_OK) {
			c->totals_search = 0;
			sqlite3_result_error_code(out, rc);
			return;
		}
		c->totals_search = search;
	}
	if ((rc = row_parts(api, fts, n, v + 3, &v[2])) != SQLITE_OK) {
		sqlite3_result_error_code(out, rc);
		return;
	}
	v[0] = (double)c->nrow;
	v[1] = (double)c->ntok;
	sqlite3_result_blob(out, v, (int)(sizeof(double) * (size_t)(3 + n)),
			    SQLITE_TRANSIENT);
}

/*
 * dossier_rank_idf(doc_fts, SEARCH, MAXID): the figures dossier_rank
 * scores with for search SEARCH, as a blob of doubles [average document
 * length, the IDF of each phrase].
 */
static void
idf_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *out,
       int nval, sqlite3_value **val)
{
	struct rank_cache *c = api->xUserData(fts);
	double *v;
	sqlite3_int64 search;
	int rc;

	if (nval != 2 || (search = sqlite3_value_int64(val[0])) == 0) {
		sqlite3_result_error(out, "dossier_rank_idf(doc_fts, SEARCH, "
					  "MAXID)", -1);
		return;
	}
	if ((c->search != search || c->nphrase != api->xPhraseCount(fts)) &&
	    (rc = fill(c, api, fts, search, sqlite3_value_int64(val[1]))) !=
		    SQLITE_OK) {
		sqlite3_result_error_code(out, rc);
		return;
	}
	if ((v = scratch(c, 1 + (size_t)c->nphrase)) == NULL) {
		sqlite3_result_error_nomem(out);
		return;
	}
	v[0] = c->avgdl;
	memcpy(v + 1, c->idf, sizeof(double) * (size_t)c->nphrase);
	sqlite3_result_blob(out, v,
			    (int)(sizeof(double) * (size_t)(1 + c->nphrase)),
			    SQLITE_TRANSIENT);
}

static void
rank_free(void *p)
{
	struct rank_cache *c = p;

	if (c != NULL) {
		free(c->idf);
		free(c->scratch);
	}
	free(c);
}

enum dos_err
arc_fts_rank_register(sqlite3 *db)
{
	fts5_api *api;
	struct rank_cache *c;
	int rc;

	if ((api = arc_fts5_api(db)) == NULL)
		return DOS_DB;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return DOS_NOMEM;
	rc = api->xCreateFunction(api, "dossier_rank", c, rank_fn, rank_free);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "dossier_rank_idf", c, idf_fn,
					  NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "dossier_rank_parts", c,
					  parts_fn, NULL);
	if (rc != SQLITE_OK) {
		rank_free(c);
		dos_errx("%s: %s", __func__, sqlite3_errstr(rc));
		return DOS_DB;
	}
	return DOS_OK;
}

/* dossier_search(): the connection's search number (struct arc). */
static void
search_fn(sqlite3_context *ctx, int n, sqlite3_value **v)
{
	const struct arc *a = sqlite3_user_data(ctx);

	(void)n;
	(void)v;
	sqlite3_result_int64(ctx, a->search_serial);
}

enum dos_err
arc_search_fn_register(struct arc *a)
{
	if (sqlite3_create_function(a->db, "dossier_search", 0, SQLITE_UTF8,
				    a, search_fn, NULL, NULL) != SQLITE_OK) {
		dos_errx("%s: %s", __func__, sqlite3_errmsg(a->db));
		return DOS_DB;
	}
	return DOS_OK;
}
