/*
 * test_rank.c: dossier_rank (archive/rank.c) gives FTS5's bm25() scores
 * with the same column weights, for words, phrases, OR, NOT and prefixes;
 * a new search number recounts after the index changes; past the walk cap
 * the extrapolated count stays close to the true one; scoring after a
 * walk (dossier_rank_parts with dossier_rank_idf's figures, or with the
 * phrase's documents counted during the walk) gives dossier_rank's
 * scores.
 */
#include "harness.h"

#include <math.h>
#include <sqlite3.h>

#include "dossier/common.h"

/* Private to archive/ (archive/internal.h). */
enum dos_err arc_fts_tokenizer_register(sqlite3 *db);
enum dos_err arc_fts_rank_register(sqlite3 *db);
double arc_rank_idf(double nrow, double nhit);
double arc_rank_score(const double *idf, int nphrase, double avgdl,
		      double doclen, const double *freq);

static const char *const docs[][4] = {
	{"loan contract signed by the borrower", "Loan contract", "loan",
	 "Wang"},
	{"account opening form for a new customer", "Account opening", "",
	 ""},
	{"repayment schedule of the loan, monthly repayment", "Schedule",
	 "repayment loan", "Li"},
	{"complaint about a late repayment", "Complaint", "", "Zhang"},
	{"the customer signed the account statement", "Statement",
	 "account", ""},
	{"贷款合同 loan agreement 借款人 signed", "贷款合同", "", ""},
};

static int
setup(void **state)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	size_t i;
	int c;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(arc_fts_tokenizer_register(db), DOS_OK);
	assert_int_equal(arc_fts_rank_register(db), DOS_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE VIRTUAL TABLE t USING fts5("
				      "text, title, keywords, signatory,"
				      " tokenize='dossier')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "INSERT INTO t VALUES (?,?,?,?)",
					    -1, &st, NULL),
			 SQLITE_OK);
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		for (c = 0; c < 4; c++)
			sqlite3_bind_text(st, c + 1, docs[i][c], -1,
					  SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	*state = db;
	return 0;
}

static int
teardown(void **state)
{
	sqlite3_close(*state);
	return 0;
}

/* Checks every matching row: dossier_rank == bm25 within rounding. */
static int
same_as_bm25(sqlite3 *db, const char *match, long long search)
{
	sqlite3_stmt *st;
	int n = 0;

	assert_int_equal(
		sqlite3_prepare_v2(db,
				   "SELECT bm25(t, 1.0, 4.0, 2.0, 2.0),"
				   " dossier_rank(t, ?2, (SELECT max(rowid)"
				   " FROM t)) FROM t WHERE t MATCH ?1",
				   -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, search);
	while (sqlite3_step(st) == SQLITE_ROW) {
		double want = sqlite3_column_double(st, 0);
		double got = sqlite3_column_double(st, 1);

		if (fabs(want - got) > 1e-9 * fabs(want) + 1e-12) {
			print_message("%s: bm25 %.12g, dossier_rank %.12g\n",
				      match, want, got);
			fail();
		}
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

static void
scores_equal_bm25(void **state)
{
	sqlite3 *db = *state;

	assert_int_equal(same_as_bm25(db, "loan", 1), 3);
	assert_int_equal(same_as_bm25(db, "loan signed", 2), 2);
	assert_int_equal(same_as_bm25(db, "\"loan contract\"", 3), 1);
	assert_int_equal(same_as_bm25(db, "repayment OR account", 4), 4);
	assert_int_equal(same_as_bm25(db, "customer NOT statement", 5), 1);
	assert_int_equal(same_as_bm25(db, "repay*", 6), 2);
	assert_int_equal(same_as_bm25(db, "贷款", 7), 1);
	assert_int_equal(same_as_bm25(db, "title:loan", 8), 1);
}

/*
 * Scores every matching row after the walk, as query.c's collect does:
 * with dossier_rank_idf's figures, and (counted) with each phrase's
 * documents counted among the rows; both must equal dossier_rank.
 */
static int
same_after_walk(sqlite3 *db, const char *match, long long search,
		int counted)
{
	sqlite3_stmt *st, *idf_st;
	double parts[64][8], want[64], idf[4], nhit[4], avgdl;
	int n = 0, k = 0, r, i, len;

	assert_int_equal(
		sqlite3_prepare_v2(db,
				   "SELECT dossier_rank(t, ?2, (SELECT max(rowid)"
				   " FROM t)), dossier_rank_parts(t, ?2) FROM t"
				   " WHERE t MATCH ?1",
				   -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, search);
	while (sqlite3_step(st) == SQLITE_ROW && n < 64) {
		want[n] = sqlite3_column_double(st, 0);
		len = sqlite3_column_bytes(st, 1);
		assert_true(len >= 4 * (int)sizeof(double) &&
			    len <= 7 * (int)sizeof(double));
		k = len / (int)sizeof(double) - 3;
		memcpy(parts[n], sqlite3_column_blob(st, 1), (size_t)len);
		n++;
	}
	sqlite3_finalize(st);
	if (counted) {
		memset(nhit, 0, sizeof(nhit));
		for (r = 0; r < n; r++)
			for (i = 0; i < k; i++)
				nhit[i] += parts[r][3 + i] > 0.0;
		for (i = 0; i < k; i++)
			idf[i] = arc_rank_idf(parts[0][0], nhit[i]);
		avgdl = parts[0][1] / parts[0][0];
	} else {
		assert_int_equal(
			sqlite3_prepare_v2(db,
					   "SELECT dossier_rank_idf(t, ?2,"
					   " (SELECT max(rowid) FROM t)) FROM t"
					   " WHERE t MATCH ?1 LIMIT 1",
					   -1, &idf_st, NULL),
			SQLITE_OK);
		sqlite3_bind_text(idf_st, 1, match, -1, SQLITE_STATIC);
		sqlite3_bind_int64(idf_st, 2, search + 1000);
		assert_int_equal(sqlite3_step(idf_st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_bytes(idf_st, 0),
				 (int)sizeof(double) * (1 + k));
		memcpy(idf, (const double *)sqlite3_column_blob(idf_st, 0) + 1,
		       sizeof(double) * (size_t)k);
		avgdl = ((const double *)sqlite3_column_blob(idf_st, 0))[0];
		sqlite3_finalize(idf_st);
	}
	for (r = 0; r < n; r++) {
		double got = arc_rank_score(idf, k, avgdl, parts[r][2],
					    parts[r] + 3);

		if (got != want[r]) {
			print_message("%s: dossier_rank %.17g, after the walk "
				      "%.17g\n", match, want[r], got);
			fail();
		}
	}
	return n;
}

static void
scoring_after_the_walk_is_the_same(void **state)
{
	sqlite3 *db = *state;

	/* Every document holding the phrases matched: counted. */
	assert_int_equal(same_after_walk(db, "loan", 21, 1), 3);
	assert_int_equal(same_after_walk(db, "\"loan contract\"", 22, 1), 1);
	assert_int_equal(same_after_walk(db, "repayment OR account", 23, 1),
			 4);
	assert_int_equal(same_after_walk(db, "贷款", 24, 1), 1);
	/* Not so for AND, NOT, prefixes and fields: the index's figures. */
	assert_int_equal(same_after_walk(db, "loan signed", 25, 0), 2);
	assert_int_equal(same_after_walk(db, "customer NOT statement", 26, 0),
			 1);
	assert_int_equal(same_after_walk(db, "repay*", 27, 0), 2);
	assert_int_equal(same_after_walk(db, "title:loan", 28, 0), 1);
	assert_int_equal(same_after_walk(db, "\"loan contract\"", 29, 0), 1);
}

/* The title weighs four times the text: a title match ranks first. */
static void
title_match_ranks_first(void **state)
{
	sqlite3 *db = *state;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT rowid FROM t WHERE t MATCH"
					    " 'statement' ORDER BY"
					    " dossier_rank(t, 9, 6)",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 5);
	sqlite3_finalize(st);
}

/* The counts belong to one search: a new number sees new rows. */
static void
new_search_recounts(void **state)
{
	sqlite3 *db = *state;

	assert_int_equal(same_as_bm25(db, "complaint", 10), 1);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO t VALUES ('complaint "
				      "again', '', '', '');"
				      "INSERT INTO t VALUES ('a second "
				      "complaint', '', '', '')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(same_as_bm25(db, "complaint", 11), 3);
}

/* Past the walk cap (20,000 documents) the count is extrapolated from
 * the rowids: a word in two rows of five still weighs about what bm25
 * gives it. */
static void
frequent_word_extrapolated(void **state)
{
	sqlite3 *db = *state;
	sqlite3_stmt *st;
	double want = 0, got = 0;

	assert_int_equal(
		sqlite3_exec(db,
			     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
			     " SELECT i + 1 FROM n WHERE i < 60000)"
			     " INSERT INTO t(text) SELECT CASE WHEN i % 5"
			     " < 2 THEN 'common rare' ELSE 'common' END ||"
			     " ' filler' FROM n",
			     NULL, NULL, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(
				 db,
				 "SELECT bm25(t, 1.0, 4.0, 2.0, 2.0),"
				 " dossier_rank(t, 12, (SELECT max(rowid)"
				 " FROM t)) FROM t WHERE t MATCH 'rare'"
				 " ORDER BY rowid DESC LIMIT 1",
				 -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	want = sqlite3_column_double(st, 0);
	got = sqlite3_column_double(st, 1);
	sqlite3_finalize(st);
	/* 24,000 true matches; 20,000 walked, the rest estimated. */
	assert_true(want < 0 && got < 0);
	assert_true(fabs(want - got) < 0.01 * fabs(want));
}

static void
bad_arguments_are_an_error(void **state)
{
	sqlite3 *db = *state;

	assert_int_not_equal(sqlite3_exec(db,
					  "SELECT dossier_rank(t) FROM t"
					  " WHERE t MATCH 'loan'",
					  NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db,
					  "SELECT dossier_rank(t, 0, 1) FROM"
					  " t WHERE t MATCH 'loan'",
					  NULL, NULL, NULL),
			     SQLITE_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(scores_equal_bm25),
		T(scoring_after_the_walk_is_the_same),
		T(title_match_ranks_first),
		T(new_search_recounts),
		T(frequent_word_extrapolated),
		T(bad_arguments_are_an_error),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
