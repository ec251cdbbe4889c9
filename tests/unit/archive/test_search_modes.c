/*
 * test_search_modes.c: the search's plans on an archive past its caps
 * (2,600 documents; archive/query.c): a word in more than 2,000 documents
 * is ranked among the newest 2,000 (total not exact, said so); fewer, or
 * a filter that narrows below 2,000 (FULL_IN) or 300 (FIRST), give exact
 * totals; in every plan the page of hits, its order and its snippets are
 * what FTS5's own bm25() (with dossier's column weights) and snippet()
 * give for the same documents, so walking the index once and scoring
 * after the walk changed nothing a user sees.
 */
#include "harness.h"

#include "../../../archive/internal.h"
#include "dossier/search.h"

#define NDOCS 2600

struct fx {
	char *dir;
	struct arc *a;
};

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		print_message("%s: %s\n", sql, err);
		fail();
	}
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	sqlite3_stmt *st;
	char sha[DOS_SHA256_HEX], text[256], date[32];
	int i;

	assert_int_equal(dos_crypto_init(), DOS_OK);
	f->dir = test_tmpdir();
	assert_int_equal(arc_open(f->dir, ARC_CREATE, &f->a), DOS_OK);
	assert_int_equal(arc_blob_put(f->a, "page", 4, sha), DOS_OK);
	/* Filled as bench/search_bench.c fills (no customers). */
	exec_ok(f->a->db, "PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF;"
			  "BEGIN;"
			  "INSERT INTO batch(id, user, started, status) VALUES"
			  " (1, 'test', '2020-01-01', 'done');"
			  "INSERT INTO source(id, sha256, name, size, format,"
			  " pages, batch_id, added) SELECT 1, sha256, 'src', 4,"
			  " 'tiff', 1, 1, '2020-01-01' FROM blob");
	assert_int_equal(
		sqlite3_prepare_v2(
			f->a->db,
			"INSERT INTO document(id, account, category, title,"
			" added, status, source_id, batch_id, npages, doc_date)"
			" VALUES (?1, 'ACC-1', ?2, 'doc', ?3, 'archived', 1, 1,"
			" 1, ?3)", -1, &st, NULL),
		SQLITE_OK);
	for (i = 1; i <= NDOCS; i++) {
		/* Added a day apart from 2020 on, in id order. */
		snprintf(date, sizeof(date), "%04d-%02d-%02dT10:00:00Z",
			 2020 + (i - 1) / 336, 1 + (i - 1) / 28 % 12,
			 1 + (i - 1) % 28);
		sqlite3_reset(st);
		sqlite3_bind_int(st, 1, i);
		sqlite3_bind_text(st, 2, i % 10 == 0  ? "CONTRACT"
					 : i % 2 == 1 ? "CREDIT"
						      : "BASIC",
				  -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, date, -1, SQLITE_TRANSIENT);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	}
	sqlite3_finalize(st);
	assert_int_equal(
		sqlite3_prepare_v2(f->a->db,
				   "INSERT INTO page(document_id, seq,"
				   " source_index, processed_sha256,"
				   " thumb_sha256, width, height, dpi, rotation,"
				   " skew_deg, ocr_confidence, blank, text,"
				   " words) VALUES (?1, 1, 0, ?2, ?2, 100, 100,"
				   " 300, 0, 0, 90, 0, ?3, '[]')",
				   -1, &st, NULL),
		SQLITE_OK);
	for (i = 1; i <= NDOCS; i++) {
		/* alpha everywhere, a varying number of times; beta in a
		 * third; the phrase "gamma delta" in a few, gamma and delta
		 * apart in more. */
		snprintf(text, sizeof(text),
			 "%s the alpha report %s number %d %s%s of the year",
			 i % 7 == 0 ? "alpha alpha" : "note", i % 3 == 0 ?
			 "beta" : "omega", i, i % 400 == 0 ? "gamma delta" :
			 i % 50 == 0 ? "delta and gamma" : "plain",
			 i % 11 == 0 ? " alpha" : "");
		sqlite3_reset(st);
		sqlite3_bind_int(st, 1, i);
		sqlite3_bind_text(st, 2, sha, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	}
	sqlite3_finalize(st);
	exec_ok(f->a->db, "INSERT INTO doc_fts(rowid, text, title, keywords,"
			  " signatory) SELECT id, text, title, keywords,"
			  " signatory FROM doc_fts_src; COMMIT;"
			  "PRAGMA foreign_keys=ON;");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	arc_close(f->a);
	test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static json_t *
search(struct fx *f, const char *query)
{
	struct srch_query *sq = NULL;
	struct arc_query aq;
	char *perr = NULL, msg[256];
	json_t *res = NULL;

	assert_int_equal(srch_parse(query, &sq, &perr), DOS_OK);
	memset(&aq, 0, sizeof(aq));
	aq.root = srch_query_root(sq);
	aq.limit = 20;
	if (arc_search(f->a, &aq, &res, msg, sizeof(msg)) != DOS_OK) {
		print_message("%s: %s\n", query, msg);
		fail();
	}
	srch_query_free(sq);
	return res;
}

/*
 * The page of hits FTS5 itself gives: candidates (SQL over doc_fts rowid
 * and document d) ranked by bm25 with the column weights, newest first on
 * ties; each with FTS5's snippet.  Compares ids, order and snippets.
 */
static void
same_as_fts5(struct fx *f, json_t *res, const char *match,
	     const char *cands)
{
	sqlite3_stmt *st;
	char sql[1024];
	json_t *hits = json_object_get(res, "hits");
	size_t i = 0;

	snprintf(sql, sizeof(sql),
		 "SELECT m.rowid, (SELECT snippet(doc_fts, -1, '[', ']',"
		 " '...', 12) FROM doc_fts WHERE doc_fts MATCH ?1 AND"
		 " doc_fts.rowid = m.rowid) FROM (SELECT rowid,"
		 " bm25(doc_fts, 1.0, 4.0, 2.0, 2.0) AS s FROM doc_fts WHERE"
		 " doc_fts MATCH ?1 AND rowid IN (%s)) m JOIN document d ON"
		 " d.id = m.rowid ORDER BY m.s, d.added DESC, d.id DESC"
		 " LIMIT 20",
		 cands);
	assert_int_equal(sqlite3_prepare_v2(f->a->db, sql, -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *h = json_array_get(hits, i++);

		assert_non_null(h);
		assert_int_equal(json_integer_value(json_object_get(h, "id")),
				 sqlite3_column_int64(st, 0));
		assert_string_equal(
			json_string_value(json_object_get(h, "snippet")),
			(const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	assert_int_equal(i, json_array_size(hits));
	assert_int_equal(i, 20);
}

static json_int_t
total(json_t *res)
{
	return json_integer_value(json_object_get(res, "total"));
}

static void
common_word_ranked_among_newest(void **state)
{
	struct fx *f = *state;
	json_t *res = search(f, "alpha");

	assert_int_equal(total(res), 2000);
	assert_false(json_is_true(json_object_get(res, "total_exact")));
	assert_int_equal(json_integer_value(json_object_get(
				 res, "ranked_among_newest")),
			 2000);
	same_as_fts5(f, res, "\"alpha\"",
		     "SELECT rowid FROM doc_fts WHERE doc_fts MATCH ?1"
		     " ORDER BY rowid DESC LIMIT 2000");
	json_decref(res);
	/* With a filter that leaves more than 2,000: the same candidates,
	 * filtered. */
	res = search(f, "date:2020..2030 -category:CONTRACT alpha");
	assert_false(json_is_true(json_object_get(res, "total_exact")));
	json_decref(res);
}

static void
rarer_word_exact(void **state)
{
	struct fx *f = *state;
	json_t *res = search(f, "beta");

	assert_int_equal(total(res), NDOCS / 3);
	assert_true(json_is_true(json_object_get(res, "total_exact")));
	same_as_fts5(f, res, "\"beta\"",
		     "SELECT rowid FROM doc_fts WHERE doc_fts MATCH ?1");
	json_decref(res);
}

static void
phrase_exact_and_ranked_alike(void **state)
{
	struct fx *f = *state;
	json_t *res = search(f, "\"gamma delta\" OR alpha");

	/* The phrase in 6, alpha in all: more than 2,000. */
	assert_false(json_is_true(json_object_get(res, "total_exact")));
	json_decref(res);
	res = search(f, "\"delta and gamma\" OR \"gamma delta\"");
	assert_int_equal(total(res), NDOCS / 50);
	assert_true(json_is_true(json_object_get(res, "total_exact")));
	same_as_fts5(f, res, "(\"delta and gamma\" OR \"gamma delta\")",
		     "SELECT rowid FROM doc_fts WHERE doc_fts MATCH ?1");
	json_decref(res);
}

static void
filters_that_narrow_are_exact(void **state)
{
	struct fx *f = *state;
	/* CONTRACT: 260 documents (FIRST); CREDIT: 1,300 (FULL_IN). */
	json_t *res = search(f, "category:CONTRACT alpha");

	assert_int_equal(total(res), NDOCS / 10);
	assert_true(json_is_true(json_object_get(res, "total_exact")));
	same_as_fts5(f, res, "\"alpha\"",
		     "SELECT id FROM document WHERE category = 'CONTRACT'");
	json_decref(res);
	res = search(f, "category:CREDIT alpha");
	assert_int_equal(total(res), NDOCS / 2);
	assert_true(json_is_true(json_object_get(res, "total_exact")));
	same_as_fts5(f, res, "\"alpha\"",
		     "SELECT id FROM document WHERE category = 'CREDIT'");
	json_decref(res);
	/* A page past the end still says the total. */
	{
		struct srch_query *sq = NULL;
		struct arc_query aq;
		char *perr = NULL, msg[256];

		assert_int_equal(srch_parse("category:CREDIT alpha", &sq,
					    &perr), DOS_OK);
		memset(&aq, 0, sizeof(aq));
		aq.root = srch_query_root(sq);
		aq.limit = 20;
		aq.offset = 5000;
		assert_int_equal(arc_search(f->a, &aq, &res, msg, sizeof(msg)),
				 DOS_OK);
		assert_int_equal(total(res), NDOCS / 2);
		assert_int_equal(json_array_size(json_object_get(res, "hits")),
				 0);
		json_decref(res);
		srch_query_free(sq);
	}
}

static void
statements_are_reused(void **state)
{
	struct fx *f = *state;
	long prep0, reuse0, prep, reuse;
	int kept;
	json_t *res;

	json_decref(search(f, "beta"));
	arc_stmt_counts(f->a, &prep0, &reuse0, &kept);
	res = search(f, "gamma");
	json_decref(res);
	res = search(f, "omega");
	json_decref(res);
	arc_stmt_counts(f->a, &prep, &reuse, &kept);
	/* Other words, the same statements: nothing prepared anew. */
	assert_int_equal(prep - prep0, 0);
	assert_true(reuse > reuse0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(common_word_ranked_among_newest),
		cmocka_unit_test(rarer_word_exact),
		cmocka_unit_test(phrase_exact_and_ranked_alike),
		cmocka_unit_test(filters_that_narrow_are_exact),
		cmocka_unit_test(statements_are_reused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
