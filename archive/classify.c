/*
 * classify.c: suggesting a document's category, document type and
 * customer from its text, learned from the documents people filed or
 * confirmed in this archive.
 *
 * The model is multinomial naive Bayes over the presence of words and of
 * pairs of neighbouring words, the words cut by the archive's own
 * tokenizer (case folded; Chinese, Japanese and Korean as overlapping
 * bigrams, so CJK text gives sensible features), numbers shorter than
 * five digits left out (dates and amounts say little; account and
 * customer numbers do).  A feature is a 64-bit FNV-1a hash of its text.
 * The counts live in the catalogue (clf_count per kind, feature and
 * label; clf_label per label; clf_vocab), so learning is an update, not
 * a retraining: arc_clf_sync adds what a document filed or confirmed by
 * a person teaches, and takes back what it taught when its labels
 * change or it is purged (document.clf_learned keeps which labels it
 * taught).  Documents the model filed itself (filed_by = 'model') teach
 * nothing until a person changes them.
 *
 * Scoring a label l from the document's n known features f:
 *   log P(l) + sum_f log((count(f,l) + 1) / (tokens(l) + V))
 * with V the vocabulary's size; only the counts that exist are read.
 * Naive Bayes is overconfident on long texts (each feature counted as
 * independent evidence), so the confidence shown is a softmax of the
 * scores divided by a temperature that grows with the square root of n:
 * calibrated on generated documents (make bench-classify prints how
 * often a suggestion at each confidence was right).
 *
 * Exports arc_clf_sync, arc_clf_suggest, arc_clf_train, arc_clf_reset,
 * arc_clf_kind_name.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_FEATURES 3000  /* distinct features a document gives */
#define MAX_TEXT (64u << 10) /* bytes of text a document is read for */
#define MIN_DOCS 10        /* documents learned before it suggests */
#define MAX_LABELS 5000    /* labels of a kind scored (customers) */
#define TEMPERATURE 0.6    /* times sqrt(features) */

static const char *const kind_names[ARC_CLF__MAX] = {"category", "doc_type",
						      "customer"};

const char *
arc_clf_kind_name(enum arc_clf_kind k)
{
	return (unsigned)k < ARC_CLF__MAX ? kind_names[k] : "?";
}

/* ---- features ---- */

struct feats {
	int64_t *f;
	size_t n, cap;
	uint64_t prev; /* hash of the previous word, 0 at a break */
	int prev_end;  /* where it ended in the text */
};

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void
feat_add(struct feats *fs, uint64_t h)
{
	if (fs->n < fs->cap)
		fs->f[fs->n++] = (int64_t)h;
}

/* Tokenizer callback: the word, and the pair with the word before. */
static int
on_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
	struct feats *fs = ctx;
	uint64_t h;
	int i, digits = 1;

	(void)flags;
	for (i = 0; i < n; i++)
		if (tok[i] < '0' || tok[i] > '9')
			digits = 0;
	if (digits && n < 5) {
		fs->prev = 0; /* a short number breaks the pairs */
		return 0;
	}
	h = fnv(14695981039346656037ull, tok, (size_t)n);
	if (h == 0)
		h = 1;
	feat_add(fs, h);
	/* Neighbours only: not across a long gap (a new line, a column). */
	if (fs->prev != 0 && start - fs->prev_end <= 3)
		feat_add(fs, fnv(fs->prev * 31 + 7, tok, (size_t)n) | 1);
	fs->prev = h;
	fs->prev_end = end;
	return 0;
}

static int
cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

/* The distinct features of text, sorted, into *pf (caller frees). */
static enum dos_err
features(struct arc *a, const char *text, int64_t **pf, size_t *pn)
{
	struct arc_tokenizer *t = NULL;
	struct feats fs = {0};
	size_t i, k, len = text != NULL ? strlen(text) : 0;
	enum dos_err err;

	*pf = NULL;
	*pn = 0;
	if (len > MAX_TEXT)
		len = MAX_TEXT;
	fs.cap = 4 * MAX_FEATURES;
	if ((fs.f = malloc(fs.cap * sizeof(*fs.f))) == NULL)
		return DOS_NOMEM;
	if ((err = arc_tokenizer_open(a->db, &t)) != DOS_OK) {
		free(fs.f);
		return err;
	}
	if (len > 0)
		err = arc_tokenizer_run(t, text, (int)len, 0, on_token, &fs);
	arc_tokenizer_close(t);
	if (err != DOS_OK) {
		free(fs.f);
		return err;
	}
	qsort(fs.f, fs.n, sizeof(*fs.f), cmp_i64);
	for (i = k = 0; i < fs.n; i++)
		if (k == 0 || fs.f[k - 1] != fs.f[i])
			fs.f[k++] = fs.f[i];
	*pf = fs.f;
	*pn = k < MAX_FEATURES ? k : MAX_FEATURES;
	return DOS_OK;
}

/* ---- learning ---- */

struct learner {
	sqlite3_stmt *count, *label, *vocab;
};

static void
learner_free(struct learner *l)
{
	sqlite3_finalize(l->count);
	sqlite3_finalize(l->label);
	sqlite3_finalize(l->vocab);
}

static enum dos_err
learner_init(struct arc *a, struct learner *l)
{
	enum dos_err err;

	memset(l, 0, sizeof(*l));
	if ((err = arc_prepare(a, "INSERT INTO clf_count(kind, feature, "
				  "label, n) VALUES (?1, ?2, ?3, max(?4, 0)) "
				  "ON CONFLICT(kind, feature, label) DO "
				  "UPDATE SET n = max(n + ?4, 0)",
			       &l->count)) != DOS_OK ||
	    (err = arc_prepare(a, "INSERT INTO clf_label(kind, label, docs, "
				  "tokens) VALUES (?1, ?2, max(?3, 0), "
				  "max(?4, 0)) ON CONFLICT(kind, label) DO "
				  "UPDATE SET docs = max(docs + ?3, 0), "
				  "tokens = max(tokens + ?4, 0)",
			       &l->label)) != DOS_OK ||
	    (err = arc_prepare(a, "INSERT INTO clf_vocab(feature, n) VALUES "
				  "(?1, max(?2, 0)) ON CONFLICT(feature) DO "
				  "UPDATE SET n = max(n + ?2, 0)",
			       &l->vocab)) != DOS_OK)
		learner_free(l);
	return err;
}

static enum dos_err
step(struct arc *a, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DOS_OK : arc_db_err(a);
}

/* Adds (sign 1) or takes back (-1) one document's features. */
static enum dos_err
learn(struct arc *a, struct learner *l, const int64_t *f, size_t n,
      const char *const labels[ARC_CLF__MAX], int sign)
{
	size_t i;
	int k;
	enum dos_err err;

	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(l->vocab, 1, f[i]);
		sqlite3_bind_int(l->vocab, 2, sign);
		if ((err = step(a, l->vocab)) != DOS_OK)
			return err;
	}
	for (k = 0; k < ARC_CLF__MAX; k++) {
		if (labels[k] == NULL || labels[k][0] == '\0')
			continue;
		sqlite3_bind_int(l->label, 1, k);
		arc_bind_text(l->label, 2, labels[k]);
		sqlite3_bind_int(l->label, 3, sign);
		sqlite3_bind_int64(l->label, 4, sign * (int64_t)n);
		if ((err = step(a, l->label)) != DOS_OK)
			return err;
		for (i = 0; i < n; i++) {
			sqlite3_bind_int(l->count, 1, k);
			sqlite3_bind_int64(l->count, 2, f[i]);
			arc_bind_text(l->count, 3, labels[k]);
			sqlite3_bind_int(l->count, 4, sign);
			if ((err = step(a, l->count)) != DOS_OK)
				return err;
		}
	}
	return DOS_OK;
}

enum dos_err
arc_clf_train(struct arc *a, const struct arc_clf_example *ex, size_t n,
	      int sign)
{
	struct learner l;
	int64_t *f = NULL;
	size_t i, nf;
	enum dos_err err;

	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = learner_init(a, &l)) != DOS_OK) {
		arc_tx_rollback(a);
		return err;
	}
	for (i = 0; err == DOS_OK && i < n; i++) {
		if ((err = features(a, ex[i].text, &f, &nf)) == DOS_OK)
			err = learn(a, &l, f, nf, ex[i].labels,
				    sign < 0 ? -1 : 1);
		free(f);
		f = NULL;
	}
	learner_free(&l);
	if (err != DOS_OK) {
		arc_tx_rollback(a);
		return err;
	}
	return arc_tx_commit(a);
}

enum dos_err
arc_clf_reset(struct arc *a)
{
	enum dos_err err;

	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = arc_exec(a, "DELETE FROM clf_count; DELETE FROM clf_label;"
			       " DELETE FROM clf_vocab; UPDATE document SET "
			       "clf_learned = NULL WHERE clf_learned IS NOT "
			       "NULL")) != DOS_OK) {
		arc_tx_rollback(a);
		return err;
	}
	return arc_tx_commit(a);
}

/* A document's text for the model: its pages, in order. */
static enum dos_err
doc_text(struct arc *a, int64_t doc, char **ptext)
{
	sqlite3_stmt *st = NULL;
	struct dbuf b;
	enum dos_err err;

	*ptext = NULL;
	if ((err = arc_prepare(a, "SELECT text FROM page WHERE document_id = ? "
				  "ORDER BY seq", &st)) != DOS_OK)
		return err;
	sqlite3_bind_int64(st, 1, doc);
	dbuf_init(&b, MAX_TEXT + 4096);
	while (b.len < MAX_TEXT && sqlite3_step(st) == SQLITE_ROW) {
		dbuf_adds(&b, arc_col_text(st, 0));
		dbuf_adds(&b, "\n");
	}
	sqlite3_finalize(st);
	*ptext = dbuf_take(&b, NULL);
	return *ptext != NULL ? DOS_OK : DOS_OK;
}

/* "CAT\x1fTYPE\x1fCUSTOMER" into three labels (pointers into buf). */
static void
split_labels(char *buf, const char *labels[ARC_CLF__MAX])
{
	char *p = buf;
	int k;

	for (k = 0; k < ARC_CLF__MAX; k++) {
		labels[k] = p;
		if (p != NULL && (p = strchr(p, '\x1f')) != NULL)
			*p++ = '\0';
	}
}

/* Who taught what: a document filed or confirmed by a person teaches its
 * category, type and customer; anything else teaches nothing. */
#define ELIGIBLE                                                           \
	"(d.status = 'archived' AND coalesce(d.filed_by, '') <> 'model' AND " \
	"(d.category IS NOT NULL OR d.doc_type IS NOT NULL))"
#define LABELS                                                             \
	"(coalesce(d.category, '') || char(31) || coalesce(d.doc_type, '') " \
	"|| char(31) || coalesce(c.number, ''))"

enum dos_err
arc_clf_sync(struct arc *a, int max, int *pn)
{
	sqlite3_stmt *st = NULL, *mark = NULL;
	struct learner l;
	const char *oldl[ARC_CLF__MAX], *newl[ARC_CLF__MAX];
	char *oldbuf = NULL, *newbuf = NULL, *text = NULL;
	int64_t *f = NULL, doc;
	size_t nf;
	int done = 0, eligible, inited = 0;
	enum dos_err err;

	if (pn != NULL)
		*pn = 0;
	if (arc_readonly(a))
		return DOS_OK;
	if ((err = arc_tx_begin(a)) != DOS_OK)
		return err;
	if ((err = learner_init(a, &l)) != DOS_OK)
		goto fail;
	inited = 1;
	if ((err = arc_prepare(a, "SELECT d.id, " ELIGIBLE ", " LABELS ", "
				  "d.clf_learned FROM document d LEFT JOIN "
				  "customer c ON c.id = d.customer_id WHERE "
				  "(" ELIGIBLE " AND (d.clf_learned IS NULL OR "
				  "d.clf_learned <> " LABELS ")) OR (NOT "
				  ELIGIBLE " AND d.clf_learned IS NOT NULL) "
				  "ORDER BY d.id LIMIT ?",
			       &st)) != DOS_OK ||
	    (err = arc_prepare(a, "UPDATE document SET clf_learned = ? WHERE "
				  "id = ?", &mark)) != DOS_OK)
		goto fail;
	sqlite3_bind_int(st, 1, max > 0 ? max : 1000);
	while (sqlite3_step(st) == SQLITE_ROW) {
		doc = sqlite3_column_int64(st, 0);
		eligible = sqlite3_column_int(st, 1);
		free(newbuf);
		free(oldbuf);
		newbuf = strdup(arc_col_text(st, 2));
		oldbuf = sqlite3_column_type(st, 3) != SQLITE_NULL
				 ? strdup(arc_col_text(st, 3))
				 : NULL;
		if (newbuf == NULL) {
			err = DOS_NOMEM;
			goto fail;
		}
		split_labels(newbuf, newl);
		split_labels(oldbuf, oldl);
		free(text);
		free(f);
		f = NULL;
		if ((err = doc_text(a, doc, &text)) != DOS_OK ||
		    (err = features(a, text, &f, &nf)) != DOS_OK)
			goto fail;
		/* What it taught before goes (its text may have been
		 * corrected since: counts never go below zero). */
		if (oldbuf != NULL &&
		    (err = learn(a, &l, f, nf, oldl, -1)) != DOS_OK)
			goto fail;
		if (eligible && (err = learn(a, &l, f, nf, newl, 1)) != DOS_OK)
			goto fail;
		arc_bind_text(mark, 1, eligible ? arc_col_text(st, 2) : NULL);
		sqlite3_bind_int64(mark, 2, doc);
		if ((err = step(a, mark)) != DOS_OK)
			goto fail;
		done++;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(mark);
	learner_free(&l);
	free(text);
	free(f);
	free(newbuf);
	free(oldbuf);
	if ((err = arc_tx_commit(a)) == DOS_OK && pn != NULL)
		*pn = done;
	return err;
fail:
	sqlite3_finalize(st);
	sqlite3_finalize(mark);
	if (inited)
		learner_free(&l);
	free(text);
	free(f);
	free(newbuf);
	free(oldbuf);
	arc_tx_rollback(a);
	return err;
}

/* ---- suggesting ---- */

struct scored {
	char label[96];
	int64_t docs, tokens;
	double score;
};

/* Whether who may see customer number (a clerk: one of their batches'). */
static int
customer_visible(struct arc *a, const struct arc_user *who,
		 const char *number)
{
	struct arc_sql q;
	sqlite3_stmt *st = NULL;
	char msg[64];
	int ok = 0;

	if (who == NULL || who->local)
		return 1;
	arc_sql_init(&q, a, msg, sizeof(msg));
	arc_sql_add(&q, "SELECT 1 FROM customer c WHERE c.number = ");
	arc_sql_text(&q, number, 0);
	arc_customer_scope_cond(&q, who, ARC_VIEW);
	if (q.err == DOS_OK && arc_prepare(a, q.sql.data, &st) == DOS_OK) {
		arc_sql_bind(&q, st);
		ok = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	arc_sql_free(&q);
	return ok;
}

/* The best label of kind k for features f, with its confidence. */
static enum dos_err
score_kind(struct arc *a, int k, const int64_t *f, size_t n, int64_t vocab,
	   json_t **pbest)
{
	sqlite3_stmt *st = NULL, *cnt = NULL;
	struct scored *s = NULL;
	struct {
		size_t j;
		int64_t n;
	} *row = NULL;
	size_t ns = 0, i, j, known = 0, nrow, spread;
	int rc;
	int64_t total = 0;
	double max = -HUGE_VAL, sum = 0, t, conf;
	const char *lab;
	enum dos_err err;

	*pbest = NULL;
	if ((s = calloc(MAX_LABELS, sizeof(*s))) == NULL)
		return DOS_NOMEM;
	if ((err = arc_prepare(a, "SELECT label, docs, tokens FROM clf_label "
				  "WHERE kind = ? AND docs > 0 ORDER BY docs "
				  "DESC LIMIT ?", &st)) != DOS_OK)
		goto out;
	sqlite3_bind_int(st, 1, k);
	sqlite3_bind_int(st, 2, MAX_LABELS);
	while (sqlite3_step(st) == SQLITE_ROW && ns < MAX_LABELS) {
		snprintf(s[ns].label, sizeof(s[ns].label), "%s",
			 arc_col_text(st, 0));
		s[ns].docs = sqlite3_column_int64(st, 1);
		s[ns].tokens = sqlite3_column_int64(st, 2);
		total += s[ns].docs;
		ns++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (ns < 2 || total < MIN_DOCS)
		goto out; /* nothing to choose between yet */
	/* How many labels may share a feature it still reads: half the
	 * categories or types; a tenth of the customers. */
	spread = k == ARC_CLF_CUSTOMER ? (ns / 10 > 3 ? ns / 10 : 3)
				       : (ns / 2 > 2 ? ns / 2 : 2);
	if ((row = calloc(spread + 1, sizeof(*row))) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	if ((err = arc_prepare(a, "SELECT label, n FROM clf_count WHERE "
				  "kind = ? AND feature = ? AND n > 0",
			       &st)) != DOS_OK ||
	    (err = arc_prepare(a, "SELECT n FROM clf_vocab WHERE feature = ? "
				  "AND n > 0", &cnt)) != DOS_OK)
		goto out;
	/* Only the counts that exist: the rest adds log(1) per feature. */
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(cnt, 1, f[i]);
		j = sqlite3_step(cnt) == SQLITE_ROW;
		sqlite3_reset(cnt);
		if (!j)
			continue; /* a word never seen teaches nothing */
		sqlite3_bind_int(st, 1, k);
		sqlite3_bind_int64(st, 2, f[i]);
		nrow = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && nrow < spread) {
			lab = arc_col_text(st, 0);
			for (j = 0; j < ns; j++)
				if (strcmp(s[j].label, lab) == 0) {
					row[nrow].j = j;
					row[nrow++].n =
						sqlite3_column_int64(st, 1);
					break;
				}
		}
		/* A feature many labels share tells them apart poorly, and
		 * drowns the few that do (a customer's name among the words
		 * of the document's type): left out. */
		if (rc == SQLITE_ROW || nrow == 0) {
			sqlite3_reset(st);
			continue;
		}
		sqlite3_reset(st);
		known++;
		for (j = 0; j < nrow; j++)
			s[row[j].j].score += log(1.0 + (double)row[j].n);
	}
	if (known == 0)
		goto out;
	for (j = 0; j < ns; j++) {
		s[j].score += log((double)s[j].docs / (double)total) -
			      (double)known * log((double)s[j].tokens +
						  (double)vocab);
		if (s[j].score > max)
			max = s[j].score;
	}
	t = TEMPERATURE * sqrt((double)known);
	for (j = 0; j < ns; j++)
		sum += exp((s[j].score - max) / t);
	for (j = i = 0; j < ns; j++)
		if (s[j].score > s[i].score)
			i = j;
	conf = 1.0 / sum;
	*pbest = json_pack("{s:s,s:f,s:I}", "value", s[i].label, "confidence",
			   floor(conf * 1000.0 + 0.5) / 10.0, "features",
			   (json_int_t)known);
	if (*pbest == NULL)
		err = DOS_NOMEM;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(cnt);
	free(row);
	free(s);
	return err;
}

enum dos_err
arc_clf_suggest(struct arc *a, const struct arc_user *who, const char *text,
		json_t **pout)
{
	sqlite3_stmt *st = NULL;
	json_t *out = NULL, *best;
	int64_t *f = NULL, vocab = 0, trained = 0;
	size_t n;
	int k, any = 0;
	enum dos_err err;

	*pout = NULL;
	if ((err = arc_prepare(a, "SELECT (SELECT count(*) FROM clf_vocab "
				  "WHERE n > 0), (SELECT coalesce(sum(docs), "
				  "0) FROM clf_label WHERE kind = 0)",
			       &st)) != DOS_OK)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW) {
		vocab = sqlite3_column_int64(st, 0);
		trained = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (trained < MIN_DOCS)
		return DOS_OK;
	if ((err = features(a, text, &f, &n)) != DOS_OK)
		return err;
	if ((out = json_object()) == NULL) {
		err = DOS_NOMEM;
		goto out;
	}
	for (k = 0; k < ARC_CLF__MAX; k++) {
		if ((err = score_kind(a, k, f, n, vocab, &best)) != DOS_OK)
			goto out;
		/* Never a customer the person may not see, not even named. */
		if (best != NULL && k == ARC_CLF_CUSTOMER &&
		    !customer_visible(a, who,
				      json_string_value(json_object_get(
					      best, "value")))) {
			json_decref(best);
			best = NULL;
		}
		any |= best != NULL;
		json_object_set_new(out, kind_names[k],
				    best != NULL ? best : json_null());
	}
	json_object_set_new(out, "trained_on", json_integer(trained));
	if (any) {
		*pout = out;
		out = NULL;
	}
out:
	json_decref(out);
	free(f);
	return err;
}
