/*
 * search_bench.c: search latency on a large generated archive.
 *
 *   search_bench fill DIR PAGES   build DIR with PAGES pages (4 a document)
 *   search_bench run DIR N OUT    N queries of each kind through the
 *                                 library; p50/p99 printed, the queries
 *                                 written to OUT for the HTTP half
 *
 * The generator writes the catalogue directly (no OCR, one shared page
 * image blob, no word boxes) through the archive's own schema: customers
 * with one or two accounts, documents with category, type, date and
 * archive number, pages of 300 words drawn from a 50,000-word vocabulary
 * with a Zipf distribution (the commonest words are on nearly every
 * page), indexed by the archive's tokenizer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "dossier/search.h"

/* Private to archive/, declared here for the generator only. */
enum dos_err arc_fts_tokenizer_register(sqlite3 *db);

#define VOCAB 50000
#define WORDS_PER_PAGE 300
#define PAGES_PER_DOC 4

static const char *const cats[] = {"BASIC", "CONTRACT", "CREDIT",
				   "COMPLAINT", "MARKET", "PROMOTION",
				   "DAILY"};
static const char *const types[] = {"application_form", "id_copy",
				    "loan_contract", "statement", "letter",
				    "invoice", "visit_report", "appraisal"};
static char *vocab[VOCAB];
static double zipf_cdf[VOCAB];
static unsigned long long rng = 0x9e3779b97f4a7c15ull;

static unsigned
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 17);
}

static double
unif(void)
{
	return (rnd() & 0xffffff) / (double)0x1000000;
}

/* Pronounceable distinct words; the rank decides the frequency. */
static void
make_vocab(void)
{
	static const char *const on[] = {"b", "c", "d", "f", "g", "h", "k",
					 "l", "m", "n", "p", "r", "s", "t",
					 "v", "w", "st", "tr", "pl", "gr"};
	static const char *const nu[] = {"a", "e", "i", "o", "u", "ai", "ea",
					 "ou"};
	double sum = 0, acc = 0;
	char buf[32];
	size_t len;
	int i, k, n;

	for (i = 0; i < VOCAB; i++) {
		n = i;
		len = 0;
		do {
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"%s%s", on[n % 20],
						nu[n / 20 % 8]);
			n /= 160;
		} while (n > 0 && len < sizeof(buf) - 8);
		if (i % 3 == 0)
			snprintf(buf + len, sizeof(buf) - len, "n");
		vocab[i] = strdup(buf);
		sum += 1.0 / (i + 1);
	}
	for (k = 0; k < VOCAB; k++) {
		acc += 1.0 / (k + 1) / sum;
		zipf_cdf[k] = acc;
	}
}

static int
zipf(void)
{
	double u = unif();
	int lo = 0, hi = VOCAB - 1;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (zipf_cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
check(int rc, sqlite3 *db, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "search_bench: %s: %s\n", what,
			sqlite3_errmsg(db));
		exit(1);
	}
}

static int
fill(const char *dir, long pages)
{
	struct arc *a;
	sqlite3 *db;
	sqlite3_stmt *cst, *ast, *dst, *pst, *fst;
	char path[512], acc[48], num[48], date[24], added[40], sha[65];
	static char text[WORDS_PER_PAGE * 16];
	long ndocs = pages / PAGES_PER_DOC, ncust = ndocs / 5 + 1, d, i;
	int p, w, y;
	double t0 = dos_mono();

	if (arc_open(dir, ARC_CREATE, &a) != DOS_OK ||
	    arc_blob_put(a, "bench page", 10, sha) != DOS_OK)
		return 1;
	arc_close(a);
	snprintf(path, sizeof(path), "%s/catalogue.db", dir);
	check(sqlite3_open(path, &db), db, "open");
	check(arc_fts_tokenizer_register(db) == DOS_OK ? SQLITE_OK
						       : SQLITE_ERROR,
	      db, "tokenizer");
	sqlite3_exec(db, "PRAGMA synchronous=OFF; PRAGMA journal_mode=OFF;"
			 "PRAGMA cache_size=-400000; BEGIN;"
			 "INSERT INTO batch(id, user, started, status) VALUES "
			 "(1, 'bench', '2026-01-01', 'done');"
			 "INSERT INTO source(id, sha256, name, size, format, "
			 "pages, batch_id, added) SELECT 1, sha256, 'bench', "
			 "10, 'tiff', 1, 1, '2026-01-01' FROM blob;",
		     NULL, NULL, NULL);
	check(sqlite3_prepare_v2(db, "INSERT INTO customer(id, number, name, "
				     "type, unit, manager, created) VALUES "
				     "(?, ?, ?, 'individual', ?, ?, "
				     "'2026-01-01')", -1, &cst, NULL),
	      db, "prepare");
	check(sqlite3_prepare_v2(db, "INSERT INTO account(number, "
				     "customer_id, added) VALUES (?, ?, "
				     "'2026-01-01')", -1, &ast, NULL),
	      db, "prepare");
	check(sqlite3_prepare_v2(db, "INSERT INTO document(id, account, "
				     "category, title, added, status, "
				     "source_id, batch_id, npages, doc_date, "
				     "customer_id, archive_no, doc_type, "
				     "lang) VALUES (?, ?, ?, ?, ?, 'archived', "
				     "1, 1, ?, ?, ?, ?, ?, 'eng')",
				 -1, &dst, NULL),
	      db, "prepare");
	check(sqlite3_prepare_v2(db, "INSERT INTO page(document_id, seq, "
				     "source_index, processed_sha256, "
				     "thumb_sha256, width, height, dpi, "
				     "rotation, skew_deg, ocr_confidence, "
				     "blank, text, words) VALUES (?, ?, 0, "
				     "?3, ?3, 2480, 3508, 300, 0, 0, 90, 0, "
				     "?, '[]')", -1, &pst, NULL),
	      db, "prepare");
	check(sqlite3_prepare_v2(db, "INSERT INTO doc_fts(rowid, text, title, "
				     "keywords, signatory) SELECT id, text, "
				     "title, keywords, signatory FROM "
				     "doc_fts_src WHERE id = ?", -1, &fst,
				 NULL),
	      db, "prepare");
	for (i = 1; i <= ncust; i++) {
		char cn[32], name[64], unit[16], mgr[16];

		snprintf(cn, sizeof(cn), "C-%07ld", i);
		snprintf(name, sizeof(name), "%s %s", vocab[1000 + rnd() % 9000],
			 vocab[1000 + rnd() % 9000]);
		snprintf(unit, sizeof(unit), "unit%u", rnd() % 20);
		snprintf(mgr, sizeof(mgr), "mgr%u", rnd() % 200);
		sqlite3_reset(cst);
		sqlite3_bind_int64(cst, 1, i);
		sqlite3_bind_text(cst, 2, cn, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(cst, 3, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(cst, 4, unit, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(cst, 5, mgr, -1, SQLITE_TRANSIENT);
		check(sqlite3_step(cst), db, "customer");
		for (p = 0; p < 1 + (int)(i % 2); p++) {
			snprintf(acc, sizeof(acc), "ACC-%04ld-%06ld",
				 2000 + i % 26, i * 2 + p);
			sqlite3_reset(ast);
			sqlite3_bind_text(ast, 1, acc, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ast, 2, i);
			check(sqlite3_step(ast), db, "account");
		}
	}
	for (d = 1; d <= ndocs; d++) {
		long cust = 1 + (long)(rnd() % (unsigned)ncust);
		int cat = (int)(rnd() % 7);

		y = 2015 + (int)(d * 11 / ndocs);
		snprintf(date, sizeof(date), "%04d-%02u-%02u", y,
			 1 + rnd() % 12, 1 + rnd() % 28);
		snprintf(added, sizeof(added), "%sT10:00:00Z", date);
		snprintf(acc, sizeof(acc), "ACC-%04ld-%06ld", 2000 + cust % 26,
			 cust * 2);
		snprintf(num, sizeof(num), "%d-%d-%06ld", cat + 1, y, d);
		sqlite3_reset(dst);
		sqlite3_bind_int64(dst, 1, d);
		sqlite3_bind_text(dst, 2, acc, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(dst, 3, cats[cat], -1, SQLITE_STATIC);
		sqlite3_bind_text(dst, 4, vocab[zipf()], -1, SQLITE_STATIC);
		sqlite3_bind_text(dst, 5, added, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(dst, 6, PAGES_PER_DOC);
		sqlite3_bind_text(dst, 7, date, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(dst, 8, cust);
		sqlite3_bind_text(dst, 9, num, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(dst, 10, types[rnd() % 8], -1, SQLITE_STATIC);
		check(sqlite3_step(dst), db, "document");
		for (p = 1; p <= PAGES_PER_DOC; p++) {
			size_t n = 0;

			if (p == 1)
				n = (size_t)snprintf(text, sizeof(text),
						     "Account %s Date %s ",
						     acc, date);
			for (w = 0; w < WORDS_PER_PAGE; w++)
				n += (size_t)snprintf(text + n,
						      sizeof(text) - n, "%s%s",
						      vocab[zipf()],
						      w % 12 == 11 ? "\n"
								   : " ");
			sqlite3_reset(pst);
			sqlite3_bind_int64(pst, 1, d);
			sqlite3_bind_int(pst, 2, p);
			sqlite3_bind_text(pst, 3, sha, -1, SQLITE_STATIC);
			sqlite3_bind_text(pst, 4, text, (int)n,
					  SQLITE_TRANSIENT);
			check(sqlite3_step(pst), db, "page");
		}
		sqlite3_reset(fst);
		sqlite3_bind_int64(fst, 1, d);
		check(sqlite3_step(fst), db, "index");
		if (d % 5000 == 0) {
			check(sqlite3_exec(db, "COMMIT; BEGIN", NULL, NULL,
					   NULL),
			      db, "commit");
			fprintf(stderr, "\r%ld/%ld pages, %.0f s", d *
				PAGES_PER_DOC, pages, dos_mono() - t0);
		}
	}
	check(sqlite3_exec(db, "COMMIT; INSERT INTO doc_fts(doc_fts) "
			       "VALUES ('optimize'); ANALYZE;", NULL, NULL,
			       NULL),
	      db, "optimize");
	sqlite3_finalize(cst);
	sqlite3_finalize(ast);
	sqlite3_finalize(dst);
	sqlite3_finalize(pst);
	sqlite3_finalize(fst);
	sqlite3_close(db);
	fprintf(stderr, "\rfilled %ld pages in %ld documents in %.0f s\n",
		ndocs * PAGES_PER_DOC, ndocs, dos_mono() - t0);
	return 0;
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A query of a kind; some need a page's text for real word pairs. */
static void
make_query(const char *kind, long ndocs, char *q, size_t n)
{
	long cust = 1 + (long)(rnd() % (unsigned)(ndocs / 5 + 1));
	char acc[32];
	int y = 2015 + (int)(rnd() % 11);

	snprintf(acc, sizeof(acc), "ACC-%04ld-%06ld", 2000 + cust % 26,
		 cust * 2);
	if (strcmp(kind, "keyword") == 0)
		snprintf(q, n, "%s", vocab[2000 + rnd() % 8000]);
	else if (strcmp(kind, "phrase") == 0)
		snprintf(q, n, "\"%s %s\"", vocab[rnd() % 300],
			 vocab[rnd() % 300]);
	else if (strcmp(kind, "account") == 0)
		snprintf(q, n, "account:%s", acc);
	else if (strcmp(kind, "compound-account") == 0)
		snprintf(q, n, "account:%s date:2015..%d %s %s", acc, y,
			 vocab[rnd() % 50], vocab[rnd() % 200]);
	else if (strcmp(kind, "compound-category") == 0)
		snprintf(q, n, "category:%s date:%d-01-01..%d-06-30 %s %s",
			 cats[rnd() % 7], y, y, vocab[500 + rnd() % 1000],
			 vocab[500 + rnd() % 1000]);
	else /* common: on more than half of all pages */
		snprintf(q, n, "%s", vocab[rnd() % 20]);
}

/* The target of a kind: p99 under this many ms (issue 20). */
static double
target_ms(const char *kind)
{
	if (strcmp(kind, "phrase") == 0)
		return 50;
	if (strcmp(kind, "account") == 0)
		return 5;
	return 20;
}

/* This thread's processor time in seconds: on a shared machine it moves
 * less with the other load than the time on the clock. */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
run(const char *dir, int n, const char *out, const char *only)
{
	static const char *const kinds[] = {"keyword", "phrase", "account",
					    "compound-account",
					    "compound-category", "common"};
	struct arc *a;
	FILE *f = fopen(out, "w");
	double *t = calloc((size_t)n, sizeof(double));
	double *c = calloc((size_t)n, sizeof(double));
	long ndocs;
	size_t k;
	int i;
	json_t *r;

	if (f == NULL || t == NULL || c == NULL ||
	    arc_open(dir, ARC_READONLY, &a) != DOS_OK)
		return 1;
	{
		/* The number of documents, straight from the catalogue (a
		 * search for everything would count them the slow way). */
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;
		char path[4096];

		snprintf(path, sizeof(path), "%s/catalogue.db", dir);
		if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
			    SQLITE_OK ||
		    sqlite3_prepare_v2(db, "SELECT count(*) FROM document", -1,
				       &st, NULL) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_ROW)
			return 1;
		ndocs = (long)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	printf("%-18s %8s %8s %8s %8s %7s %6s  %s\n", "query (library)",
	       "p50 ms", "p99 ms", "max ms", "cpu p99", "hits", "exact",
	       "target: p99");
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		long hits = 0, exact = 0;
		double p99, goal = target_ms(kinds[k]);

		if (only != NULL && strcmp(only, kinds[k]) != 0)
			continue;
		for (i = 0; i < n; i++) {
			struct srch_query *sq;
			struct arc_query aq;
			char q[256], *msg = NULL, m2[256];
			double t0, c0;

			make_query(kinds[k], ndocs, q, sizeof(q));
			fprintf(f, "%s\t%s\n", kinds[k], q);
			t0 = dos_mono();
			c0 = cpu_now();
			if (srch_parse(q, &sq, &msg) != DOS_OK) {
				fprintf(stderr, "%s: %s\n", q, msg);
				return 1;
			}
			memset(&aq, 0, sizeof(aq));
			aq.root = srch_query_root(sq);
			aq.limit = 20;
			if (arc_search(a, &aq, &r, m2, sizeof(m2)) != DOS_OK) {
				fprintf(stderr, "%s: %s\n", q, m2);
				return 1;
			}
			t[i] = 1000 * (dos_mono() - t0);
			c[i] = 1000 * (cpu_now() - c0);
			hits += (long)json_integer_value(
				json_object_get(r, "total"));
			exact += json_is_true(json_object_get(r,
							      "total_exact"));
			json_decref(r);
			srch_query_free(sq);
		}
		qsort(t, (size_t)n, sizeof(double), cmpd);
		qsort(c, (size_t)n, sizeof(double), cmpd);
		p99 = t[(int)ceil(n * 0.99) - 1];
		printf("%-18s %8.2f %8.2f %8.2f %8.2f %7ld %5.0f%%  < %.0f ms "
		       "%s\n", kinds[k], t[n / 2], p99, t[n - 1],
		       c[(int)ceil(n * 0.99) - 1], hits / n,
		       100.0 * (double)exact / n, goal,
		       p99 < goal ? "met" : "NOT met");
		/* The compound kinds narrow below 2,000 documents (an
		 * account; a category in half a year): their totals must be
		 * exact. */
		if (strncmp(kinds[k], "compound", 8) == 0)
			printf("%-18s exact totals: %ld of %d answers  "
			       "target: all %s\n", kinds[k], exact, n,
			       exact == n ? "met" : "NOT met");
	}
	arc_close(a);
	fclose(f);
	free(t);
	free(c);
	return 0;
}

int
main(int argc, char **argv)
{
	if (dos_crypto_init() != DOS_OK)
		return 1;
	make_vocab();
	if (argc == 4 && strcmp(argv[1], "fill") == 0)
		return fill(argv[2], atol(argv[3]));
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "run") == 0)
		return run(argv[2], atoi(argv[3]), argv[4],
			   argc == 6 ? argv[5] : NULL);
	fprintf(stderr, "usage: search_bench fill DIR PAGES | "
			"run DIR N OUT [KIND]\n");
	return 2;
}
